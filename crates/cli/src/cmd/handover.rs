//! `madoguchi handover`: the city's side of the handover export (a key pair, and reading an
//! export), and making an export without wiping.
use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use madoguchi_core::{wipe::handover, DataDir, Store};

use super::wipe::PIN_ENV;
use crate::passphrase::{self, PASSPHRASE_ENV};

/// The handover export (引継ぎデータ): age-encrypted to the city's key.
#[derive(Debug, Args)]
pub struct Handover {
    #[command(subcommand)]
    command: HandoverCommand,
}

#[derive(Debug, Subcommand)]
enum HandoverCommand {
    /// For the city: make a key pair. The identity file stays with the city; the printed
    /// public key (age1…) is what the contractor exports to.
    Keygen {
        /// Where to write the identity (secret) file; refuses to overwrite.
        #[arg(long)]
        out: PathBuf,
    },
    /// Export every record of this store to the city's key (a manager or deputy signs in).
    Export {
        /// The city's public key (age1…).
        #[arg(long)]
        recipient: String,
        /// The folder to write it to (outside the data directory).
        #[arg(long)]
        out_dir: PathBuf,
        /// The manager's or deputy's staff ID (PIN asked, or MADOGUCHI_PIN).
        #[arg(long)]
        staff: String,
    },
    /// For the city: decrypt an export with the identity file, check it and list its tables.
    List {
        /// The identity file (from `keygen` or age-keygen).
        #[arg(long)]
        identity: PathBuf,
        /// The export (.age).
        file: PathBuf,
    },
    /// For the city: decrypt, check, and write manifest.json and tables/*.jsonl into a folder.
    Extract {
        /// The identity file.
        #[arg(long)]
        identity: PathBuf,
        /// An empty or new folder.
        #[arg(long)]
        out: PathBuf,
        /// The export (.age).
        file: PathBuf,
    },
}

impl Handover {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            HandoverCommand::Keygen { out } => {
                if out.exists() {
                    bail!("{} exists; refusing to overwrite a key", out.display());
                }
                let (identity, recipient) = handover::new_city_identity();
                write_private(&out, identity.as_bytes())?;
                println!("{recipient}");
                eprintln!(
                    "Identity written to {}: keep it with the city, never on a counter PC. Give the contractor the public key above.",
                    out.display()
                );
            }
            HandoverCommand::Export {
                recipient,
                out_dir,
                staff,
            } => {
                let passphrase = passphrase::require(PASSPHRASE_ENV, "Site passphrase: ")?;
                let store = Store::open(dir, &passphrase)?;
                store.sign_in(
                    &staff,
                    &passphrase::pin(PIN_ENV, &format!("PIN of {staff}: "))?,
                )?;
                let receipt = store.handover_export(&recipient, &out_dir)?;
                println!(
                    "{}\n{} tables, {} rows, {} bytes, sha256 {} (read back and checked)",
                    receipt.file.display(),
                    receipt.tables,
                    receipt.rows,
                    receipt.bytes,
                    receipt.sha256
                );
            }
            HandoverCommand::List { identity, file } => {
                let h = open(&identity, &file)?;
                let m = &h.manifest;
                println!(
                    "export {} of {} / {} (store {}), made {} by {}; checksums verified",
                    m.export_id, m.site_name, m.seat_name, m.store_id, m.created_at, m.tool
                );
                for t in &m.tables {
                    println!(
                        "  {:<28} {:>9} rows  {:>11} bytes  {}",
                        t.table, t.rows, t.bytes, t.sha256
                    );
                }
                println!("  {} rows in {} tables", m.rows(), m.tables.len());
                for e in &m.excluded {
                    println!("  excluded: {e}");
                }
            }
            HandoverCommand::Extract {
                identity,
                out,
                file,
            } => {
                let h = open(&identity, &file)?;
                if out.exists() && fs::read_dir(&out)?.next().is_some() {
                    bail!("{} is not empty", out.display());
                }
                fs::create_dir_all(out.join("tables"))?;
                let manifest = serde_json::to_vec_pretty(&h.manifest)?;
                write_private(&out.join("manifest.json"), &manifest)?;
                for (name, data) in &h.files {
                    let name = Path::new(name)
                        .file_name()
                        .context("a file name in the archive")?;
                    write_private(&out.join("tables").join(name), data)?;
                }
                println!("{} tables written to {}", h.files.len(), out.display());
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn open(identity: &Path, file: &Path) -> Result<handover::Handover> {
    let text = zeroize::Zeroizing::new(
        fs::read_to_string(identity).with_context(|| format!("reading {}", identity.display()))?,
    );
    Ok(handover::open(file, &text)?)
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
