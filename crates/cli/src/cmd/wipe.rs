//! `madoguchi wipe`: the end-of-contract wipe of this PC (a seat or the hub), and
//! `madoguchi certificate`: checking a certificate, and recording seats' certificates at the hub.
//!
//! The steps and their order are core's (`madoguchi_core::wipe`); this module asks who is
//! performing it, shows what would go, asks for the typed confirmation and draws the progress.
use std::{path::PathBuf, process::ExitCode};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use madoguchi_core::{
    wipe::{
        Certificate, HandoverTarget, Preflight, Wipe, WipeItem, WipeOptions, WipeOutcome,
        WipePhase, WipeProgress,
    },
    DataDir, Store,
};

use super::open_as_site;
use crate::passphrase::{self, PASSPHRASE_ENV};

/// Environment variable holding the performing manager's PIN (automation, tests).
pub const PIN_ENV: &str = "MADOGUCHI_PIN";

/// Erase every trace of the store from this PC at the end of the contract: hand the data over
/// (age-encrypted to the city), destroy the key, delete every file, verify, and write the
/// certificate (データ消去証明書, PDF and JSON). Run again to finish a wipe that was interrupted.
#[derive(Debug, Args)]
pub struct WipeCmd {
    /// Only show what would be removed (with sizes) and what would be lost; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// The manager's (or deputy's) staff ID; the PIN is asked for, or read from MADOGUCHI_PIN.
    #[arg(long, value_name = "ID")]
    staff: Option<String>,
    /// The contractor's organisation, for the certificate.
    #[arg(long)]
    organisation: Option<String>,
    /// The contract, for the certificate.
    #[arg(long)]
    contract: Option<String>,
    /// The city's age public key (age1…): make the handover export first.
    #[arg(long, value_name = "AGE1…", requires = "export_dir")]
    recipient: Option<String>,
    /// Where the handover export goes (outside the data directory, e.g. the city's USB drive).
    #[arg(long, value_name = "DIR", requires = "recipient")]
    export_dir: Option<PathBuf>,
    /// Where the certificate goes (outside the data directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    certificate_dir: PathBuf,
    /// The typed confirmation, for automation: this store's seat name, exactly.
    #[arg(long, value_name = "SEAT")]
    confirm: Option<String>,
}

impl WipeCmd {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        if let Some(pending) = Wipe::pending(dir)? {
            println!(
                "A wipe begun {} by {} ({}) was interrupted{}.",
                pending
                    .started_at
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M"),
                pending.performer.name,
                pending.performer.role,
                if pending.key_destroyed {
                    " after the key was destroyed"
                } else {
                    ""
                }
            );
            let wipe = Wipe::resume(dir)?.context("the wipe journal vanished")?;
            print_items(wipe.items());
            if self.dry_run {
                println!("Run without --dry-run to finish it.");
                return Ok(ExitCode::SUCCESS);
            }
            confirm(self.confirm.as_deref(), "FINISH", "to finish it")?;
            return finish(wipe, Bar::new());
        }

        let passphrase = passphrase::require(PASSPHRASE_ENV, "Site passphrase: ")?;
        let store = Store::open(dir, &passphrase)?;
        let code = self.staff.context("--staff: the manager's staff ID is required (the certificate names who performed the wipe)")?;
        let pin = passphrase::pin(PIN_ENV, &format!("PIN of {code}: "))?;
        store.sign_in(&code, &pin)?;
        let preflight = store.wipe_preflight()?;
        print_preflight(&preflight);
        if self.dry_run {
            return Ok(ExitCode::SUCCESS);
        }
        let handover = match (self.recipient, self.export_dir) {
            (Some(recipient), Some(dir)) => Some(HandoverTarget { recipient, dir }),
            _ if preflight.handover_required => bail!(
                "{}: make the handover export with --recipient <the city's age1… key> --export-dir <folder>",
                if preflight.hub {
                    "this is the hub, holding every seat's data".to_owned()
                } else if preflight.outbox.pending > 0 {
                    format!("{} changes are not on the hub yet and would be lost", preflight.outbox.pending)
                } else if !preflight.local_only.is_empty() {
                    format!(
                        "records kept only on this PC would be lost ({})",
                        preflight.local_only.iter().map(|t| format!("{} {}", t.table, t.rows)).collect::<Vec<_>>().join(", ")
                    )
                } else {
                    "this seat was never enrolled at a hub, so its data exists only here".to_owned()
                }
            ),
            _ => None,
        };
        let options = WipeOptions {
            organisation: self
                .organisation
                .context("--organisation is required (for the certificate)")?,
            contract: self
                .contract
                .context("--contract is required (for the certificate)")?,
            handover,
            certificate_dir: self.certificate_dir,
        };
        let seat = store.meta().seat_name.clone();
        confirm(
            self.confirm.as_deref(),
            &seat,
            "(the seat name) to erase this PC's data",
        )?;
        let bar = Bar::new();
        let wipe = Wipe::begin(store, options, &mut |p| bar.show(p))?;
        if let Some(h) = wipe.handover() {
            bar.bar.suspend(|| {
                println!(
                    "Handover export written and read back: {} ({} rows, sha256 {})",
                    h.file.display(),
                    h.rows,
                    h.sha256
                )
            });
        }
        finish(wipe, bar)
    }
}

fn finish(wipe: Wipe, bar: Bar) -> Result<ExitCode> {
    let render = |c: &Certificate| madoguchi_report::certificate::pdf(c).map_err(|e| e.to_string());
    let outcome = wipe.run(&render, &mut |p| bar.show(p));
    bar.bar.finish_and_clear();
    let WipeOutcome {
        certificate,
        json,
        pdf,
    } = outcome?;
    println!("Wipe complete. Certificate (データ消去証明書):");
    println!("  {}", pdf.display());
    println!("  {}", json.display());
    println!("  digest {}", certificate.digest);
    for c in &certificate.verification {
        println!("  {:<16} {:<7} {}", c.check, c.result, c.detail);
    }
    if !certificate.hub {
        println!(
            "Record it at the hub: madoguchi certificate record {}",
            json.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks for `expected` to be typed (or takes `--confirm`).
fn confirm(given: Option<&str>, expected: &str, what: &str) -> Result<()> {
    let typed = match given {
        Some(v) => v.to_owned(),
        None => {
            use std::io::{BufRead, Write};
            print!("Type {expected} {what}: ");
            std::io::stdout().flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if typed != expected {
        bail!("confirmation did not match: nothing was changed");
    }
    Ok(())
}

fn print_preflight(p: &Preflight) {
    println!(
        "This PC is {}.",
        if p.hub {
            "the hub"
        } else if p.enrolled {
            "a seat enrolled at a hub"
        } else {
            "a seat not enrolled at any hub"
        }
    );
    println!(
        "Changes not yet on the hub: {} (failing {}, provisional bookings {}, open conflicts {})",
        p.outbox.pending, p.outbox.failing, p.outbox.provisional, p.outbox.conflicts
    );
    for t in &p.local_only {
        println!(
            "Kept only on this PC (never synced): {} rows of {}",
            t.rows, t.table
        );
    }
    let rows: u64 = p.records.iter().map(|r| r.rows).sum();
    println!("Records in the store: {rows} in {} tables", p.records.len());
    println!(
        "Handover export: {}",
        if p.handover_required {
            "required (--recipient, --export-dir)"
        } else {
            "optional (everything is on the hub)"
        }
    );
    if p.hub {
        println!(
            "Seats' certificates recorded here: {}",
            p.seat_certificates.len()
        );
        for site in &p.sites {
            for seat in &site.seats {
                let state = match (&seat.certificate, &seat.revoked_at) {
                    (Some(_), _) => "certificate recorded",
                    (None, Some(_)) => "revoked, NO certificate recorded",
                    (None, None) => "NO certificate recorded",
                };
                println!("  site {} / seat {}: {state}", site.site, seat.name);
            }
        }
    }
    print_items(&p.items);
    print_snapshots(&p.snapshots);
}

/// Snapshots and backups the wipe cannot reach (best effort: none listed is not none there).
fn print_snapshots(s: &madoguchi_core::wipe::snapshots::SnapshotSearch) {
    println!(
        "Snapshots and backups of the data folder (best effort; the wipe cannot reach them){}:",
        s.file_system
            .as_deref()
            .map(|f| format!(", file system {f}"))
            .unwrap_or_default()
    );
    if s.found.is_empty() {
        println!("  none found");
    }
    for snap in &s.found {
        println!(
            "  {:<12} {}{}",
            snap.source,
            snap.location,
            match snap.holds_data_dir {
                Some(true) => "  (holds the data folder)",
                Some(false) => "  (does not hold the data folder)",
                None => "",
            }
        );
    }
    for note in &s.notes {
        println!("  note: {note}");
    }
}

fn print_items(items: &[WipeItem]) {
    println!(
        "Would remove ({} items, {} bytes):",
        items.len(),
        items.iter().map(|i| i.bytes).sum::<u64>()
    );
    for i in items {
        println!(
            "  {:<14} {:>12} bytes {:>6} files  {}{}",
            format!("{:?}", i.kind),
            i.bytes,
            i.files,
            i.path.display(),
            if i.removed { "  (done)" } else { "" }
        );
    }
}

/// The terminal's progress bar.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(1);
        bar.set_style(
            ProgressStyle::with_template("{msg:<24} [{bar:40}] {percent:>3}%")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Bar { bar }
    }

    fn show(&self, p: WipeProgress) {
        self.bar.set_message(match p.phase {
            WipePhase::Handover => "handover export",
            WipePhase::DestroyKey => "destroying the key",
            WipePhase::Delete => "overwriting, deleting",
            WipePhase::Verify => "verifying",
            WipePhase::Certify => "writing the certificate",
            WipePhase::Done => "done",
        });
        self.bar.set_length(p.total.max(1));
        self.bar.set_position(p.done);
    }
}

/// Check a certificate, or record a seat's certificate at the hub.
#[derive(Debug, Args)]
pub struct CertificateCmd {
    #[command(subcommand)]
    command: CertificateCommand,
}

#[derive(Debug, Subcommand)]
enum CertificateCommand {
    /// Check that a certificate's JSON is unaltered (its digest matches its content).
    Check {
        /// The certificate's JSON file.
        file: PathBuf,
    },
    /// At the hub: record a seat's certificate; the hub's own certificate will list it.
    Record {
        /// The seat's certificate (JSON).
        file: PathBuf,
    },
}

impl CertificateCmd {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            CertificateCommand::Check { file } => {
                let cert = read_certificate(&file)?;
                println!(
                    "valid: wipe {} of {} ({}) completed {}, digest {}; {}",
                    cert.wipe_id,
                    cert.seat_name,
                    cert.site_name,
                    cert.completed_at,
                    cert.digest,
                    if cert.verified() {
                        "no check failed"
                    } else {
                        "a check FAILED"
                    }
                );
            }
            CertificateCommand::Record { file } => {
                let json = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let store = open_as_site(dir, "certificate")?;
                let seat = store.record_wipe_certificate(&json)?;
                println!(
                    "recorded the certificate of {} (wipe {})",
                    seat.seat_name, seat.wipe_id
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn read_certificate(file: &PathBuf) -> Result<Certificate> {
    let json =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(Certificate::from_json(&json)?)
}
