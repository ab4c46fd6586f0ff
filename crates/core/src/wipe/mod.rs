//! The end-of-contract wipe (seed 000 1.5(5)): after the handover, no personal data may remain
//! on the contractor's PCs, and the city gets proof.
//!
//! The order makes every crash safe and every step repeatable:
//!
//! 1. **Begin** (store open, manager or deputy signed in): check what would be lost, make and
//!    read back the handover export when one is needed, then close the store and record the
//!    plan (every item, with its size) in the journal `wipe.json` in the data directory.
//! 2. **Destroy the key**: overwrite `key.age` (and any `key.age.tmp`), sync, unlink. From here
//!    every page of the database and its WAL is ciphertext without a key: NIST SP 800-88's
//!    cryptographic erase. There is no other copy: the app never puts the key in an OS keystore.
//! 3. **Delete** every item: each file overwritten once, synced and unlinked; then directories.
//! 4. **Verify**: items gone, the data directory holds only the journal, the store cannot be
//!    opened, and a scan of what is left finds none of the personal values sampled in step 1.
//! 5. **Certify**: the certificate (JSON + PDF) is written outside the data directory; then the
//!    journal and the directory go.
//!
//! A run killed anywhere is finished by running the wipe again ([`Wipe::resume`]): before step
//! 2 nothing is lost (the journal holds the plan and the export's receipt), after it nothing
//! is readable.
pub mod certificate;
mod erase;
pub mod handover;
pub mod machine;
mod scan;
pub mod snapshots;

use std::{
    fs,
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use certificate::{Certificate, SeatCertificate, WipeCheck};
pub use handover::{HandoverManifest, HandoverReceipt};
pub use machine::Machine;

use crate::{
    data_dir::{DataDir, FileKind},
    people::{Actor, Permission, Role},
    store::sync::OutboxStatus,
    Error, Passphrase, Result, Store,
};

/// Tables of records (not bookkeeping) that stay on the seat that made them.
const LOCAL_RECORDS: &[&str] = &[
    "sign_ins",
    "report_submissions",
    "planner_assumptions",
    "expiry_forecasts",
];

/// The desktop app's identifier: the WebView keeps its own folders under this name in the
/// OS's data and cache directories.
pub const APP_IDENTIFIER: &str = "jp.madoguchi.counter";

/// The journal of a wipe under way, in the data directory.
pub const JOURNAL_FILE: &str = "wipe.json";

/// Debug builds only: abort the process at the named step (the crash tests).
const ABORT_ENV: &str = "MADOGUCHI_WIPE_ABORT_AT";

/// Who performs the wipe (from the roster, plus the contractor's organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Performer {
    /// Name as on the roster.
    pub name: String,
    /// Role, in Japanese (業務管理者, 副管理者).
    pub role: String,
    /// Staff ID.
    pub staff_code: String,
    /// The contractor.
    pub organisation: String,
}

/// What an item of the wipe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum WipeItemKind {
    /// The wrapped data key (destroyed first).
    DataKey,
    /// A key file being replaced.
    KeyFileTemp,
    /// The SQLCipher database.
    Database,
    /// Its write-ahead log.
    DatabaseWal,
    /// Its WAL index.
    DatabaseShm,
    /// The WebView's storage inside the data directory.
    WebView,
    /// Log files.
    Logs,
    /// Saved reports.
    Reports,
    /// The city's checklist rules.
    ChecklistRules,
    /// The store-kind hint (研修モード before unlock).
    StoreKindHint,
    /// Encrypted copies of the store kept before an upgrade.
    UpgradeBackups,
    /// A file in the data directory the app does not know (removed all the same).
    Unknown,
    /// The WebView's data and caches in the OS's folders (under [`APP_IDENTIFIER`]).
    OsWebView,
    /// A temporary file of the app.
    TempFile,
}

impl From<Option<FileKind>> for WipeItemKind {
    fn from(kind: Option<FileKind>) -> Self {
        match kind {
            Some(FileKind::KeyFile) => WipeItemKind::DataKey,
            Some(FileKind::KeyFileTemp) => WipeItemKind::KeyFileTemp,
            Some(FileKind::Database) => WipeItemKind::Database,
            Some(FileKind::DatabaseWal) => WipeItemKind::DatabaseWal,
            Some(FileKind::DatabaseShm) => WipeItemKind::DatabaseShm,
            Some(FileKind::WebView) => WipeItemKind::WebView,
            Some(FileKind::Logs) => WipeItemKind::Logs,
            Some(FileKind::ChecklistRules) => WipeItemKind::ChecklistRules,
            Some(FileKind::Reports) => WipeItemKind::Reports,
            Some(FileKind::StoreKindHint) => WipeItemKind::StoreKindHint,
            Some(FileKind::UpgradeBackups) => WipeItemKind::UpgradeBackups,
            Some(FileKind::WipeJournal) | None => WipeItemKind::Unknown,
        }
    }
}

/// One thing the wipe removes: a file or a whole directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WipeItem {
    /// Where it is.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    /// What it is.
    pub kind: WipeItemKind,
    /// Its size (all files, for a directory).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// Files in it (1 for a file).
    pub files: u32,
    /// Whether it has been removed.
    pub removed: bool,
}

/// Rows of one table: what the handover export will hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TableCount {
    /// The table.
    pub table: String,
    /// Its rows.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows: u64,
}

/// What a wipe of this store would do and lose (`--dry-run`, and the admin screen).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Preflight {
    /// Whether this store is the hub.
    pub hub: bool,
    /// Whether this seat is enrolled at a hub.
    pub enrolled: bool,
    /// Changes the hub does not hold yet, conflicts, provisional bookings.
    pub outbox: OutboxStatus,
    /// Records kept only on this PC, which sync never sends to the hub (sign-ins for the
    /// attendance record, report submissions, the planner's assumptions and forecasts).
    pub local_only: Vec<TableCount>,
    /// Whether a handover export is required before the wipe: the hub (it holds everyone's
    /// data), a seat never enrolled, with changes not on the hub, or with local-only records.
    pub handover_required: bool,
    /// Every table with its rows (the export holds them all).
    pub records: Vec<TableCount>,
    /// Everything that will be removed, the key first.
    pub items: Vec<WipeItem>,
    /// Their total size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// Seats' certificates recorded here (hub).
    pub seat_certificates: Vec<SeatCertificate>,
    /// Every site's seats with their certificates or none (hub): a seat without one has not
    /// been wiped, or its certificate has not been brought here.
    pub sites: Vec<certificate::SiteSeats>,
    /// File-system snapshots and OS backups of the data folder that could be detected (best
    /// effort): the wipe cannot reach them, and they may hold an old store with its key.
    pub snapshots: snapshots::SnapshotSearch,
}

/// Where the handover export goes.
#[derive(Debug, Clone)]
pub struct HandoverTarget {
    /// The city's age recipient (`age1…`).
    pub recipient: String,
    /// A folder outside the data directory (a USB drive the city takes).
    pub dir: PathBuf,
}

/// What the manager gives to start a wipe.
#[derive(Debug, Clone)]
pub struct WipeOptions {
    /// The contractor (organisation on the certificate).
    pub organisation: String,
    /// The contract (e.g. 「令和8年度 マイナンバーカード特設窓口運営業務委託」).
    pub contract: String,
    /// The handover export to make first (required when [`Preflight::handover_required`]).
    pub handover: Option<HandoverTarget>,
    /// Where the certificate goes (outside the data directory).
    pub certificate_dir: PathBuf,
}

/// A step of the wipe, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum WipePhase {
    /// Writing and reading back the handover export.
    Handover,
    /// Destroying the data key.
    DestroyKey,
    /// Overwriting and deleting files.
    Delete,
    /// Checking nothing is left.
    Verify,
    /// Writing the certificate.
    Certify,
    /// Finished.
    Done,
}

/// WipeProgress of a wipe: bytes done of the total in the current phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WipeProgress {
    /// The phase.
    pub phase: WipePhase,
    /// Done so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    /// Of.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Stage {
    Planned,
    KeyDestroyed,
    Deleted,
    Certified,
}

/// `wipe.json`: everything a later run needs to finish (no personal data).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Journal {
    format: u32,
    wipe_id: Uuid,
    stage: Stage,
    started_at: DateTime<Utc>,
    contract: String,
    performer: Performer,
    machine: Machine,
    site_name: String,
    /// A training store's wipe says so on its certificate.
    #[serde(default)]
    store_kind: crate::training_mode::StoreKind,
    seat_name: String,
    hub: bool,
    store_id: Uuid,
    certificate_dir: PathBuf,
    handover: Option<HandoverReceipt>,
    items: Vec<WipeItem>,
    seat_certificates: Vec<SeatCertificate>,
    #[serde(default)]
    sites: Vec<certificate::SiteSeats>,
    key_destroyed_at: Option<DateTime<Utc>>,
    resumed: bool,
    certificate: Option<Certificate>,
    /// Files where an earlier run's scan found personal values or which it could not read (a
    /// re-run must not forget them).
    #[serde(default)]
    scan_hits: Vec<PathBuf>,
}

/// What a finished wipe leaves: the certificate and where its two copies are.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WipeOutcome {
    /// The certificate.
    pub certificate: Certificate,
    /// Its JSON.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub json: PathBuf,
    /// Its PDF.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub pdf: PathBuf,
}

/// An interrupted wipe found on disk (shown before it is resumed).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PendingWipe {
    /// The wipe.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub wipe_id: Uuid,
    /// When it began.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub started_at: DateTime<Utc>,
    /// Who began it.
    pub performer: Performer,
    /// Whether the key is already destroyed (the store can no longer be opened).
    pub key_destroyed: bool,
    /// Where the certificate will go.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub certificate_dir: PathBuf,
}

/// Renders the certificate's PDF (given by the caller: the PDF code lives in
/// `madoguchi-report`, which builds on this crate).
pub type RenderPdf<'a> = &'a dyn Fn(&Certificate) -> std::result::Result<Vec<u8>, String>;

/// A wipe checked and handed over, not yet begun (see [`Wipe::prepare`]).
pub struct Prepared {
    dir: DataDir,
    journal: Journal,
    samples: scan::Samples,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("wipe_id", &self.journal.wipe_id)
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// The handover export made, if any.
    pub fn handover(&self) -> Option<&HandoverReceipt> {
        self.journal.handover.as_ref()
    }

    /// Closes the store (its WAL is checkpointed) and records the plan, measured after, in the
    /// journal. From here the wipe only goes forward.
    pub fn begin(self, store: Store) -> Result<Wipe> {
        if store.data_dir() != &self.dir || store.meta().store_id != self.journal.store_id {
            return Err(Error::Invalid(
                "not the store this wipe was prepared for".into(),
            ));
        }
        drop(store);
        let Prepared {
            dir,
            mut journal,
            samples,
        } = self;
        journal.items = plan(&dir)?;
        let wipe = Wipe {
            dir,
            journal,
            samples: Some(samples),
        };
        wipe.save()?;
        crash_point("planned");
        Ok(wipe)
    }
}

/// A wipe under way.
pub struct Wipe {
    dir: DataDir,
    journal: Journal,
    /// Personal values taken from the store before the erase, for the final scan. Only in
    /// memory (wiped on drop): a resumed run has none.
    samples: Option<scan::Samples>,
}

impl std::fmt::Debug for Wipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wipe")
            .field("dir", &self.dir)
            .field("wipe_id", &self.journal.wipe_id)
            .field("stage", &self.journal.stage)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// What a wipe would remove and lose. Manager or deputy.
    pub fn wipe_preflight(&self) -> Result<Preflight> {
        self.require(Permission::Wipe)?;
        let outbox = self.outbox_status()?;
        let enrolled = self.sync_link()?.is_some();
        let hub = self.hub_head()? > 0 || !self.hub_seats()?.is_empty();
        let records = self
            .table_names()?
            .into_iter()
            .filter(|t| !handover::EXCLUDED_TABLES.contains(&t.as_str()))
            .map(|table| {
                let rows = self.row_count(&table)?;
                Ok(TableCount { table, rows })
            })
            .collect::<Result<Vec<_>>>()?;
        let local_only: Vec<TableCount> = records
            .iter()
            .filter(|r| LOCAL_RECORDS.contains(&r.table.as_str()) && r.rows > 0)
            .cloned()
            .collect();
        let items = plan(self.data_dir())?;
        Ok(Preflight {
            hub,
            enrolled,
            // A training store holds made-up data only: nothing to hand over.
            handover_required: !self.kind().is_training()
                && (hub || !enrolled || outbox.pending > 0 || !local_only.is_empty()),
            local_only,
            outbox,
            records,
            bytes: items.iter().map(|i| i.bytes).sum(),
            items,
            seat_certificates: self.wipe_certificates()?,
            sites: if hub {
                self.hub_site_seats()?
            } else {
                Vec::new()
            },
            snapshots: snapshots::search(self.data_dir().root()),
        })
    }
}

impl Wipe {
    /// Begins a wipe of `store` (a manager or deputy signed in): [`Wipe::prepare`], then
    /// [`Prepared::begin`].
    pub fn begin(
        store: Store,
        options: WipeOptions,
        progress: &mut dyn FnMut(WipeProgress),
    ) -> Result<Wipe> {
        Self::prepare(&store, options, progress)?.begin(store)
    }

    /// Checks what would be lost and makes (and reads back) the handover export when one is
    /// required. Nothing is erased yet: on an error the store is as it was and stays open.
    pub fn prepare(
        store: &Store,
        options: WipeOptions,
        progress: &mut dyn FnMut(WipeProgress),
    ) -> Result<Prepared> {
        let actor = store.require(Permission::Wipe)?;
        let Actor::Staff { code, name, role } = &actor else {
            return Err(Error::NotAllowed(
                "sign in as the manager or deputy: the certificate names who performed the wipe"
                    .into(),
            ));
        };
        let dir = store.data_dir().clone();
        if journal_path(&dir).exists() {
            return Err(Error::Invalid(
                "a wipe is already under way here: run it again to finish it".into(),
            ));
        }
        let organisation = crate::store::required_label("organisation", &options.organisation)?;
        let contract = crate::store::required_label("contract", &options.contract)?;
        let preflight = store.wipe_preflight()?;
        if preflight.handover_required && options.handover.is_none() {
            return Err(Error::HandoverRequired {
                pending: preflight.outbox.pending,
                hub: preflight.hub,
            });
        }
        if let Some(target) = &options.handover {
            handover::parse_recipient(&target.recipient)?;
        }
        fs::create_dir_all(&options.certificate_dir).map_err(Error::io(format!(
            "creating {}",
            options.certificate_dir.display()
        )))?;
        let Some(certificate_dir) = outside(&options.certificate_dir, dir.root())? else {
            return Err(Error::Invalid(
                "the certificate must be saved outside the data directory, which the wipe removes"
                    .into(),
            ));
        };

        let wipe_id = Uuid::now_v7();
        store.audit(&actor, "wipe.begin", &wipe_id.to_string(), "")?;
        let samples = scan::Samples::from_store(store)?;
        let handover = match &options.handover {
            Some(target) => {
                progress(WipeProgress {
                    phase: WipePhase::Handover,
                    done: 0,
                    total: 1,
                });
                let receipt = store.handover_export(&target.recipient, &target.dir)?;
                progress(WipeProgress {
                    phase: WipePhase::Handover,
                    done: 1,
                    total: 1,
                });
                Some(receipt)
            }
            None => None,
        };
        let meta = store.meta();
        let journal = Journal {
            format: 1,
            wipe_id,
            stage: Stage::Planned,
            started_at: Utc::now(),
            contract,
            performer: Performer {
                name: name.clone(),
                role: role_label(*role).into(),
                staff_code: code.clone(),
                organisation,
            },
            machine: Machine::this(),
            site_name: meta.site_name.clone(),
            store_kind: meta.kind,
            seat_name: meta.seat_name.clone(),
            hub: preflight.hub,
            store_id: meta.store_id,
            certificate_dir,
            handover,
            items: Vec::new(),
            seat_certificates: preflight.seat_certificates,
            sites: preflight.sites,
            key_destroyed_at: None,
            resumed: false,
            certificate: None,
            scan_hits: Vec::new(),
        };
        Ok(Prepared {
            dir,
            journal,
            samples,
        })
    }

    /// The wipe left unfinished in `dir`, if any.
    pub fn pending(dir: &DataDir) -> Result<Option<PendingWipe>> {
        Ok(read_journal(dir)?.map(|j| PendingWipe {
            wipe_id: j.wipe_id,
            started_at: j.started_at,
            performer: j.performer,
            key_destroyed: j.stage != Stage::Planned,
            certificate_dir: j.certificate_dir,
        }))
    }

    /// Picks up the wipe left unfinished in `dir` (a crash, a power cut), if any.
    pub fn resume(dir: &DataDir) -> Result<Option<Wipe>> {
        Ok(read_journal(dir)?.map(|mut journal| {
            journal.resumed = true;
            Wipe {
                dir: dir.clone(),
                journal,
                samples: None,
            }
        }))
    }

    /// The items planned, with what is done so far.
    pub fn items(&self) -> &[WipeItem] {
        &self.journal.items
    }

    /// The handover export made for this wipe, if any.
    pub fn handover(&self) -> Option<&HandoverReceipt> {
        self.journal.handover.as_ref()
    }

    /// Runs the remaining steps: destroy the key, delete, verify, certify. Repeatable: a run
    /// that stops anywhere is finished by [`Wipe::resume`] and `run` again.
    pub fn run(
        mut self,
        render_pdf: RenderPdf,
        progress: &mut dyn FnMut(WipeProgress),
    ) -> Result<WipeOutcome> {
        if self.journal.stage == Stage::Planned {
            self.destroy_key(progress)?;
        }
        if self.journal.stage == Stage::KeyDestroyed {
            self.delete(progress)?;
        }
        if self.journal.stage == Stage::Deleted {
            progress(WipeProgress {
                phase: WipePhase::Verify,
                done: 0,
                total: 1,
            });
            let (checks, hits) = self.verify();
            let failed: Vec<_> = checks.iter().filter(|c| c.result == "failed").collect();
            if !failed.is_empty() {
                // The next run deletes again (the WebView may have written meanwhile) and
                // remembers where personal values were seen.
                self.journal.stage = Stage::KeyDestroyed;
                self.journal.scan_hits.extend(hits);
                self.save()?;
                let what = failed
                    .iter()
                    .map(|c| format!("{}: {}", c.check, c.detail))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(Error::WipeIncomplete(what));
            }
            progress(WipeProgress {
                phase: WipePhase::Certify,
                done: 0,
                total: 1,
            });
            let certificate = self.certificate(checks)?;
            let written = self.write_certificate(&certificate, render_pdf)?;
            self.journal.certificate = Some(certificate);
            self.journal.stage = Stage::Certified;
            self.save()?;
            crash_point("certified");
            return self.finish(written, progress);
        }
        let certificate = self
            .journal
            .certificate
            .as_ref()
            .ok_or_else(|| Error::Invalid("the wipe journal has no certificate".into()))?;
        // A run resumed after the certificate was recorded writes it again: a crash could have
        // come between its two files.
        let written = self.write_certificate(certificate, render_pdf)?;
        self.finish(written, progress)
    }

    /// Step 5's end: the journal and the data directory go.
    fn finish(
        self,
        (json, pdf): (PathBuf, PathBuf),
        progress: &mut dyn FnMut(WipeProgress),
    ) -> Result<WipeOutcome> {
        let certificate = self
            .journal
            .certificate
            .ok_or_else(|| Error::Invalid("the wipe journal has no certificate".into()))?;
        // The journal holds no personal data, but it is overwritten like every other file, so
        // the data directory leaves nothing readable behind (its `.tmp` too, if a crash left one).
        let journal = journal_path(&self.dir);
        erase::remove(&journal.with_extension("json.tmp"), &mut |_| {})?;
        erase::remove(&journal, &mut |_| {})?;
        match fs::remove_dir(self.dir.root()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Io {
                    context: format!("removing {}", self.dir.root().display()),
                    source: e,
                })
            }
        }
        progress(WipeProgress {
            phase: WipePhase::Done,
            done: 1,
            total: 1,
        });
        tracing::info!(wipe_id = %certificate.wipe_id, "wipe complete");
        Ok(WipeOutcome {
            certificate,
            json,
            pdf,
        })
    }

    fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.journal)
            .map_err(|e| Error::Invalid(format!("wipe journal: {e}")))?;
        let path = journal_path(&self.dir);
        crate::files::write_atomically(&path, &path.with_extension("json.tmp"), &bytes)
    }

    /// Step 2: the key file is overwritten and removed; nothing in the store is readable after.
    fn destroy_key(&mut self, progress: &mut dyn FnMut(WipeProgress)) -> Result<()> {
        progress(WipeProgress {
            phase: WipePhase::DestroyKey,
            done: 0,
            total: 1,
        });
        let key = self.dir.key_file();
        for path in [key.clone(), key.with_extension("age.tmp")] {
            erase::overwrite(&path)?;
            crash_point("key_overwritten");
            erase::remove(&path, &mut |_| {})?;
        }
        crate::files::sync_dir(self.dir.root());
        for item in &mut self.journal.items {
            if matches!(item.kind, WipeItemKind::DataKey | WipeItemKind::KeyFileTemp) {
                item.removed = true;
            }
        }
        self.journal.key_destroyed_at = Some(Utc::now());
        self.journal.stage = Stage::KeyDestroyed;
        self.save()?;
        progress(WipeProgress {
            phase: WipePhase::DestroyKey,
            done: 1,
            total: 1,
        });
        crash_point("key_destroyed");
        Ok(())
    }

    /// Step 3: every item overwritten and deleted; files that appeared since the plan (the
    /// WebView writes while the app runs) are added to it first.
    fn delete(&mut self, progress: &mut dyn FnMut(WipeProgress)) -> Result<()> {
        for found in plan(&self.dir)? {
            if !self.journal.items.iter().any(|i| i.path == found.path) {
                self.journal.items.push(found);
            }
        }
        let total: u64 = self.journal.items.iter().map(|i| i.bytes).sum();
        let mut done: u64 = 0;
        for index in 0..self.journal.items.len() {
            let item = &self.journal.items[index];
            if !item.removed {
                let path = item.path.clone();
                erase::remove(&path, &mut |n| {
                    done += n;
                    progress(WipeProgress {
                        phase: WipePhase::Delete,
                        done: done.min(total),
                        total,
                    });
                })?;
                self.journal.items[index].removed = true;
                self.save()?;
                crash_point("deleting");
            } else {
                done += item.bytes;
            }
        }
        crate::files::sync_dir(self.dir.root());
        self.journal.stage = Stage::Deleted;
        self.save()?;
        crash_point("deleted");
        Ok(())
    }

    /// Step 4.
    fn verify(&self) -> (Vec<WipeCheck>, Vec<PathBuf>) {
        let mut checks = Vec::new();
        let left: Vec<_> = self
            .journal
            .items
            .iter()
            .filter(|i| fs::symlink_metadata(&i.path).is_ok())
            .map(|i| i.path.display().to_string())
            .collect();
        checks.push(check(
            "items_removed",
            left.is_empty(),
            if left.is_empty() {
                format!("計画した{}項目はすべて存在しない", self.journal.items.len())
            } else {
                format!("残っている: {}", left.join(", "))
            },
        ));

        let strays: Vec<String> = fs::read_dir(self.dir.root())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n != JOURNAL_FILE)
                    .collect()
            })
            .unwrap_or_default();
        checks.push(check(
            "data_dir_empty",
            strays.is_empty(),
            if strays.is_empty() {
                format!(
                    "{} に残るのは消去記録 {JOURNAL_FILE} のみ（この証明書の作成後に削除）",
                    self.dir.root().display()
                )
            } else {
                format!("ほかに残っている: {}", strays.join(", "))
            },
        ));

        let refused = Store::open(&self.dir, &Passphrase::new("not the passphrase".to_owned()));
        checks.push(match refused {
            Ok(_) => check("store_unopenable", false, "ストアがまだ開ける".into()),
            Err(e) => check(
                "store_unopenable",
                matches!(e, Error::NotInitialised(_) | Error::KeyFileMissing(_)),
                format!("鍵ファイルとデータベースが存在せず、ストアは開けない（{e}）"),
            ),
        });

        let (scan_check, hits) = self.canary_scan();
        checks.push(scan_check);
        (checks, hits)
    }

    /// The `canary_scan` check, and the files it flagged (values found, or not readable). It
    /// passes only when it ran: values were sampled, the matcher was built, and every file
    /// under its roots was read to the end.
    fn canary_scan(&self) -> (WipeCheck, Vec<PathBuf>) {
        let result = |result: &str, detail: String| WipeCheck {
            check: "canary_scan".into(),
            result: result.into(),
            detail,
        };
        let paths = |p: &[PathBuf]| {
            p.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(samples) = &self.samples else {
            if self.journal.scan_hits.is_empty() {
                return (
                    result("not_run", "中断された消去を再実行して完了した。検索用に採取した個人情報の値はメモリ上にのみ保持するため、中断とともに失われ、残存検索は実施していない（鍵は中断前に破棄済み）".into()),
                    Vec::new(),
                );
            }
            let left: Vec<PathBuf> = self
                .journal
                .scan_hits
                .iter()
                .filter(|p| fs::symlink_metadata(p).is_ok())
                .cloned()
                .collect();
            return if left.is_empty() {
                (
                    result("not_run", format!("前回の実行で個人情報の値が見つかった、または読めなかったファイル（{}）は削除済み。再実行のため検索そのものは実施していない（採取した値はメモリ上にのみ保持）", paths(&self.journal.scan_hits))),
                    Vec::new(),
                )
            } else {
                (result("failed", format!("前回の実行で個人情報の値が見つかった、または読めなかったファイルが残っている: {}", paths(&left))), left)
            };
        };
        if samples.len() == 0 {
            return (
                result("not_run", "消去前のストアに検索できる個人情報の値（氏名・フリガナ・電話番号・生年月日・自由記述）が1件もなかったため、残存検索は実施していない".into()),
                Vec::new(),
            );
        }
        let roots = scan_roots(&self.dir);
        let found = scan::scan(&roots, samples);
        if let Some(error) = found.matcher_error {
            return (
                result(
                    "failed",
                    format!("検索器を作れず、残存検索を実施できなかった（{error}）"),
                ),
                Vec::new(),
            );
        }
        let sampled = samples
            .counts()
            .iter()
            .map(|(kind, n)| format!("{} {n} 件", kind.label()))
            .collect::<Vec<_>>()
            .join("、");
        let scope = format!(
            "消去前にストアから採取した値 {} 件（{sampled}）を、UTF-8 と UTF-16LE の両方で、次の場所の全ファイルで検索: {}（{} ファイル、{} バイト）",
            samples.len(),
            paths(&roots),
            found.files,
            found.bytes,
        );
        if !found.hits.is_empty() {
            let mut flagged = found.hits.clone();
            flagged.extend(found.unread.iter().cloned());
            return (
                result(
                    "failed",
                    format!("{scope}。個人情報の値が見つかった: {}", paths(&found.hits)),
                ),
                flagged,
            );
        }
        if !found.unread.is_empty() {
            return (
                result("failed", format!("{scope}。読めなかった（または大きすぎる・深すぎる）ため検索できなかった: {}", paths(&found.unread))),
                found.unread,
            );
        }
        (result("passed", format!("{scope}。該当なし")), Vec::new())
    }

    fn certificate(&self, verification: Vec<WipeCheck>) -> Result<Certificate> {
        let j = &self.journal;
        Certificate {
            format: certificate::FORMAT.into(),
            wipe_id: j.wipe_id,
            contract: j.contract.clone(),
            performer: j.performer.clone(),
            machine: j.machine.clone(),
            site_name: j.site_name.clone(),
            store_kind: j.store_kind,
            seat_name: j.seat_name.clone(),
            hub: j.hub,
            store_id: j.store_id,
            data_dir: self.dir.root().to_owned(),
            started_at: j.started_at,
            key_destroyed_at: j.key_destroyed_at,
            completed_at: Utc::now(),
            method: METHOD.into(),
            tool: tool(),
            items: j.items.clone(),
            handover: j.handover.clone(),
            verification,
            seat_certificates: j.seat_certificates.clone(),
            sites: j.sites.clone(),
            resumed: j.resumed,
            limitations: LIMITATIONS.iter().map(|s| (*s).to_owned()).collect(),
            digest: String::new(),
        }
        .seal()
    }

    fn write_certificate(
        &self,
        cert: &Certificate,
        render_pdf: RenderPdf,
    ) -> Result<(PathBuf, PathBuf)> {
        let dir = &self.journal.certificate_dir;
        fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
        let stem = cert.file_stem();
        let json = dir.join(format!("{stem}.json"));
        let pdf = dir.join(format!("{stem}.pdf"));
        let bytes =
            render_pdf(cert).map_err(|e| Error::Invalid(format!("certificate PDF: {e}")))?;
        crate::files::write_atomically(&pdf, &dir.join(format!(".{stem}.pdf.tmp")), &bytes)?;
        crate::files::write_atomically(
            &json,
            &dir.join(format!(".{stem}.json.tmp")),
            cert.to_json()?.as_bytes(),
        )?;
        Ok((json, pdf))
    }
}

/// After a finished wipe, removes what the app's WebView wrote while it still ran (its storage
/// inside the data directory and its OS folders). Never touches a store: if a key file, a
/// database or a wipe journal is there, nothing is removed.
pub fn remove_leftovers(dir: &DataDir) -> Result<()> {
    if dir.key_file().exists() || dir.database().exists() || journal_path(dir).exists() {
        return Ok(());
    }
    erase::remove(dir.root(), &mut |_| {})?;
    for path in os_webview_dirs() {
        erase::remove(&path, &mut |_| {})?;
    }
    Ok(())
}

/// The method, in the vocabulary of NIST SP 800-88 Rev. 2 (September 2025) and IEEE 2883-2022.
pub const METHOD: &str = "暗号化消去（Cryptographic Erase）：データベースとWALは作成時から暗号化された状態でのみ書き込まれており、その唯一のデータ鍵（key.age）を乱数で上書きして削除し、メモリ上の鍵はゼロ化（zeroize）して破棄した。NIST SP 800-88 Rev. 2（2025年9月）が暗号化消去に求める鍵の破棄とゼロ化に当たり、IEEE 2883-2022 の区分では Purge の手法（ただし媒体全体ではなく、このアプリのデータに限る）。その後、データフォルダ等の全ファイルを乱数で1回上書きして削除した（論理的な上書き：IEEE 2883 の Clear に相当する操作だが、SSD では物理的な全複製に届くとは限らない）。";

/// What no wipe by an application can reach; printed on every certificate.
pub const LIMITATIONS: &[&str] = &[
    "この証明書が確認したのは「検証」に記載した項目のみである。記載のない場所（アプリが書き込まない場所）は確認していない。",
    "SSD・フラッシュメモリでは、上書きが物理的なすべての複製に届くとは限らない（ウェアレベリング）。これらの媒体での保証は暗号化消去による: データベースとWALは暗号化された状態でのみ書き込まれ、その鍵は破棄された。",
    "OSのスナップショット・バックアップ（Windows のボリュームシャドウコピー・復元ポイント・ファイル履歴、btrfs・ZFS のスナップショット、macOS の Time Machine、バックアップソフト）には、消去前の store.db と key.age の組が残りうる。両方とパスフレーズがそろえば復号できる。消去前の確認（--dry-run）は検出できたものを表示するが、すべてを検出できるわけではない。",
    "かな漢字変換（Microsoft IME、Google 日本語入力・Mozc など）の学習・予測入力の履歴に、入力した氏名が残ることがある。アプリからは消せないため、OSの利用者ごとに学習履歴を消去する（操作手順書）。",
    "クリップボードの履歴（Windows の Win+V、クリップボード管理ソフト）に、コピーした氏名・電話番号が残ることがある。",
    "クラッシュダンプ: アプリ・CLI・ハブは起動時に自らのコアダンプを無効にする（Linux）。それ以前に作られたダンプ、Windows エラー報告（WER）が集めたダンプ、OSのスワップ・ハイバネーションファイルには及ばない。",
    "パスフレーズを環境変数（MADOGUCHI_PASSPHRASE）でコマンドに渡した場合、シェルの履歴（.bash_history、PowerShell の履歴）に残りうる。鍵は破棄したため単独では意味がないが、上記のスナップショットと組み合わさると復号に使える。",
    "アプリ外で作られた複製（画面の写真、手作業でコピーしたファイル、印刷物、USBメモリに保存した報告書）には及ばない。窓口端末には第二の防御としてディスク全体の暗号化を推奨する。",
];

fn check(name: &str, passed: bool, detail: String) -> WipeCheck {
    WipeCheck {
        check: name.into(),
        result: if passed { "passed" } else { "failed" }.into(),
        detail,
    }
}

/// The tool and its version, for the certificate and the manifest.
pub(crate) fn tool() -> String {
    format!("Madoguchi {}", env!("CARGO_PKG_VERSION"))
}

/// A name made safe for a file name (seat names are free text).
pub(crate) fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Manager => "業務管理者",
        Role::Deputy => "副管理者",
        Role::Staff => "従事者",
        Role::CityStaff => "市職員",
    }
}

fn journal_path(dir: &DataDir) -> PathBuf {
    dir.root().join(JOURNAL_FILE)
}

fn read_journal(dir: &DataDir) -> Result<Option<Journal>> {
    let path = journal_path(dir);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Error::Invalid(format!(
                "the wipe journal {} is damaged: {e}",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io {
            context: format!("reading {}", path.display()),
            source: e,
        }),
    }
}

/// Everything to remove: the data directory's entries (key first, then the database), the
/// WebView's folders in the OS's directories, and the app's temporary files.
pub fn plan(dir: &DataDir) -> Result<Vec<WipeItem>> {
    let mut items: Vec<WipeItem> = Vec::new();
    for file in dir.inventory()? {
        let top = file
            .relative
            .components()
            .next()
            .map(|c| dir.root().join(c))
            .unwrap_or_else(|| dir.root().to_owned());
        if top == journal_path(dir) || top == journal_path(dir).with_extension("json.tmp") {
            continue;
        }
        match items.iter_mut().find(|i| i.path == top) {
            Some(item) => {
                item.bytes += file.size;
                item.files += 1;
            }
            None => items.push(WipeItem {
                path: top,
                kind: file.kind.into(),
                bytes: file.size,
                files: 1,
                removed: false,
            }),
        }
    }
    // Empty directories the inventory does not list.
    if let Ok(entries) = fs::read_dir(dir.root()) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !items.iter().any(|i| i.path == path) {
                let kind = crate::data_dir::known_kind(&entry.file_name().to_string_lossy());
                items.push(WipeItem {
                    path,
                    kind: kind.into(),
                    bytes: 0,
                    files: 0,
                    removed: false,
                });
            }
        }
    }
    items.sort_by_key(|i| (order(i.kind), i.path.clone()));
    for path in os_webview_dirs().into_iter().chain(temp_files()) {
        if fs::symlink_metadata(&path).is_err() || items.iter().any(|i| path.starts_with(&i.path)) {
            continue;
        }
        let (bytes, files) = erase::measure(&path);
        let kind = if path.starts_with(std::env::temp_dir()) {
            WipeItemKind::TempFile
        } else {
            WipeItemKind::OsWebView
        };
        items.push(WipeItem {
            path,
            kind,
            bytes,
            files,
            removed: false,
        });
    }
    Ok(items)
}

fn order(kind: WipeItemKind) -> u8 {
    match kind {
        WipeItemKind::DataKey => 0,
        WipeItemKind::KeyFileTemp => 1,
        WipeItemKind::Database => 2,
        WipeItemKind::DatabaseWal => 3,
        WipeItemKind::DatabaseShm => 4,
        _ => 5,
    }
}

/// The WebView's folders outside the data directory: WebKitGTK keeps localStorage, IndexedDB
/// and its HTTP cache under the app identifier in the XDG data and cache folders, WebView2 an
/// `EBWebView` folder under the local app-data folder. `XDG_*` variables are honoured.
pub fn os_webview_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(base) = directories::BaseDirs::new() {
        for root in [
            base.data_dir(),
            base.data_local_dir(),
            base.cache_dir(),
            base.config_dir(),
        ] {
            let dir = root.join(APP_IDENTIFIER);
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs
}

/// The app's files in the temp folder (`madoguchi*`): none are written by design (SQLite's
/// temp store is in memory), so any found is removed and listed. Only regular files, and never
/// a handover export someone saved there: folders (another store, a USB mount point) are not
/// the app's temp files.
fn temp_files() -> Vec<PathBuf> {
    fs::read_dir(std::env::temp_dir())
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().to_lowercase();
                    let ours = name.starts_with("madoguchi") || name.starts_with(".madoguchi");
                    let export = name
                        .trim_start_matches('.')
                        .starts_with("madoguchi-handover");
                    ours && !export && e.file_type().is_ok_and(|t| t.is_file())
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Where the final scan looks: what is left of the data directory, the WebView's folders in
/// the OS's directories, and the app's entries in the temp folder (`madoguchi*`; the rest of
/// the temp folder belongs to other programs and users, and cannot all be read).
fn scan_roots(dir: &DataDir) -> Vec<PathBuf> {
    let mut roots = vec![dir.root().to_owned()];
    roots.extend(os_webview_dirs());
    let temp = std::env::temp_dir();
    roots.extend(
        fs::read_dir(&temp)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| {
                        let name = e.file_name().to_string_lossy().to_lowercase();
                        name.starts_with("madoguchi") || name.starts_with(".madoguchi")
                    })
                    .map(|e| e.path())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    roots
}

/// `Some(path)` resolved when `path` is outside `root`.
pub(crate) fn outside(path: &Path, root: &Path) -> Result<Option<PathBuf>> {
    let path = path
        .canonicalize()
        .map_err(Error::io(format!("resolving {}", path.display())))?;
    Ok(match root.canonicalize() {
        Ok(root) if path.starts_with(&root) => None,
        _ => Some(path),
    })
}

fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var(ABORT_ENV).is_ok_and(|v| v == name) {
        eprintln!("aborting the wipe at {name} ({ABORT_ENV})");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = (name, ABORT_ENV);
}

impl Store {
    /// The hub records a seat's certificate (its JSON, digest checked): the hub's own
    /// certificate will list it. The same certificate twice is recorded once. Manager or deputy.
    pub fn record_wipe_certificate(&self, json: &str) -> Result<SeatCertificate> {
        let actor = self.require(Permission::Wipe)?;
        let cert = Certificate::from_json(json)?;
        if cert.store_id == self.meta().store_id {
            return Err(Error::Invalid(
                "this is this machine's own certificate, not a seat's".into(),
            ));
        }
        let seat = cert.as_seat_certificate();
        self.conn().execute(
            "INSERT OR IGNORE INTO wipe_certificates (wipe_id, json, recorded_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![seat.wipe_id.to_string(), json, Utc::now().to_rfc3339()],
        )?;
        self.audit(
            &actor,
            "wipe.certificate_recorded",
            &seat.wipe_id.to_string(),
            &seat.seat_name,
        )?;
        Ok(seat)
    }

    /// Every site's seats as the hub knows them, each with the certificate recorded for it.
    pub fn hub_site_seats(&self) -> Result<Vec<certificate::SiteSeats>> {
        let certificates = self.wipe_certificates()?;
        let seats = self.hub_seats()?;
        let mut out = Vec::new();
        for site in self.sites()? {
            let lines: Vec<certificate::SeatLine> = seats
                .iter()
                .filter(|s| s.site_id == site.id)
                .map(|s| certificate::SeatLine {
                    seat_id: s.seat_id,
                    name: s.name.clone(),
                    revoked_at: s.revoked_at.clone(),
                    certificate: certificates
                        .iter()
                        .filter(|c| c.store_id == s.seat_id)
                        .max_by_key(|c| c.completed_at)
                        .cloned(),
                })
                .collect();
            if !lines.is_empty() {
                out.push(certificate::SiteSeats {
                    site: site.id.to_string(),
                    name: site.name,
                    seats: lines,
                });
            }
        }
        Ok(out)
    }

    /// Seats' certificates recorded here, oldest first (each digest checked again).
    pub fn wipe_certificates(&self) -> Result<Vec<SeatCertificate>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT json FROM wipe_certificates ORDER BY recorded_at")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = rows
            .map(|json| Ok(Certificate::from_json(&json?)?.as_seat_certificate()))
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|c| c.completed_at);
        Ok(out)
    }
}
