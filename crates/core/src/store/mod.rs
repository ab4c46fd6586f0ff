//! The encrypted store of one seat: a SQLCipher database plus its wrapped key.
//!
//! [`Store::create`] makes a new one and [`Store::open`] unlocks an existing one; neither ever
//! overwrites or re-initialises files it did not just create. Reads and writes of each table or
//! aggregate live in their own module (`applicants.rs`, …) as `impl Store` blocks.
mod applicants;
mod audit;
mod calendar;
mod checklists;
mod connection;
mod inquiries;
mod lending;
pub mod migrate;
mod mutations;
mod occupancy;
mod paperwork;
mod people;
mod planner;
mod reports;
mod reservations;
mod sites;
mod slip;
pub mod sync;
mod training;
mod upgrade;
mod visits;
mod waiting;

use std::{fs, path::Path};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

pub use applicants::{Applicant, ApplicantId, NewApplicant};
pub use audit::{AuditEntry, AuditVerification, ChainedEntry, READ_DEDUP};
pub use calendar::{AffectedReservation, ClosureRecord};
pub use checklists::{PersonChecklist, ReservationChecklist};
pub use inquiries::{
    ComplaintStep, ComplaintStepRecord, Inquiry, InquiryCategory, InquiryChannel, InquiryKind,
    InquiryStatus, NewInquiry,
};
pub use lending::{LentMaterial, NewLentMaterial};
pub use paperwork::{WorkLog, WorkLogDue};
pub use people::{
    Attendance, NewStaff, Pin, StaffMember, IDLE_SIGN_OUT, LOCKOUT, MAX_PIN_FAILURES,
};
pub use planner::{CapacityPlan, MonthActual};
pub use reports::{
    daily_due, monthly_due, DailyReport, DayFigures, ExpiryForecast, MonthlyIncident,
    MonthlyReport, ReportDue, ReportKind, SiteSection, TimeStats,
};
pub use reservations::{
    DayBoard, HolidaySessionDay, Outcome, PersonSummary, PlanSettings, ReservationSummary, SlotInfo,
};
pub use slip::{ReservationSlip, SlipPerson};
pub use training::{TrainingReset, TrainingState, TRAINING_KEPT};
pub use upgrade::UpgradeBackup;
pub use visits::{CaseView, ProcedureBundle, Reconciliation, VisitEvent};
pub use waiting::{
    announcement, BandWait, CallDisplay, DisplayCall, DisplaySettings, DisplayWindow, Lamp,
};

use crate::{
    data_dir::DataDir,
    keyfile::{self, KdfCost, KeyMaterial},
    secret::{DataKey, Passphrase},
    training_mode::StoreKind,
    Error, Result,
};

/// What `init` needs to know about the store being made.
#[derive(Debug, Clone)]
pub struct NewStore {
    /// The site, e.g. 「川西市 マイナンバーカード特設窓口」.
    pub site_name: String,
    /// This seat, e.g. 「窓口1」 or 「受付」.
    pub seat_name: String,
}

/// The store's identity (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StoreMeta {
    /// Random id, also sealed in the key file.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub store_id: Uuid,
    /// The site.
    pub site_name: String,
    /// This seat.
    pub seat_name: String,
    /// When `init` ran.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    /// Real or training (研修モード), fixed at creation.
    pub kind: StoreKind,
}

/// Row counts shown on the status screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StoreCounts {
    /// Applicants on record.
    pub applicants: u32,
}

/// A summary of an unlocked store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StoreStatus {
    /// Site, seat, id.
    pub meta: StoreMeta,
    /// Schema version of the database.
    pub schema_version: u32,
    /// Highest schema version this build knows.
    pub known_schema_version: u32,
    /// SQLCipher version in use.
    pub cipher_version: String,
    /// Size of the database and its WAL, in bytes.
    pub database_bytes: u32,
    /// Row counts.
    pub counts: StoreCounts,
    /// Version of the checklist rules in force.
    pub checklist_rules: String,
    /// Why the city's rules file was not used, if it was not (the last good rules are used).
    pub checklist_rules_error: Option<String>,
}

/// The space one table or index takes in the database (SQLite's `dbstat`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceUse {
    /// The table or index.
    pub name: String,
    /// The table it belongs to (itself for a table).
    pub table: String,
    /// Pages it takes.
    pub pages: u64,
    /// Bytes of those pages.
    pub bytes: u64,
    /// Bytes of its rows (keys and values) in them; the rest is page headers, free space and
    /// SQLCipher's per-page reserve.
    pub payload: u64,
}

/// An unlocked store.
pub struct Store {
    conn: connection::CachedConn,
    dir: DataDir,
    meta: StoreMeta,
    /// Hybrid logical clock stamping this seat's mutations (id derived from the store id).
    hlc: uhlc::HLC,
    /// The seat's local wall clock (city rules are in local days and times); replaceable so
    /// tests do not depend on the day they run.
    clock: Clock,
    /// Checklist rules in force: the bundled ones, or the city's override when it is valid.
    rules: crate::checklist::Rules,
    /// Why the city's override was not used, when it was not.
    rules_error: Option<String>,
    /// Who the store acts for (nobody until a sign-in, or the site actor for the CLI).
    session: people::Session,
    /// Reads already in the audit trail, to record each once per window.
    recent_reads: audit::RecentReads,
    /// Origin of the mutation being applied, hub execution context, undo columns.
    sync: sync::SyncContext,
    /// What the room checks read, kept warm (places held per slot, calendar, plans).
    warm: occupancy::Warm,
    /// A training store's clock runs this many seconds from the wall clock: its training day
    /// (`store/training.rs`). Zero for a real store.
    training_shift: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

/// A source of the local date and time.
pub type Clock = std::sync::Arc<dyn Fn() -> chrono::NaiveDateTime + Send + Sync>;

/// Closing the store (locking the app, quitting) ends the sign-in for the attendance record.
impl Drop for Store {
    fn drop(&mut self) {
        if let Err(e) = self.end_session("closed") {
            tracing::warn!("could not record the end of the sign-in: {e}");
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Creates a new store in `dir`, refusing if any store file is already there.
    pub fn create(
        dir: &DataDir,
        passphrase: &Passphrase,
        new: &NewStore,
        cost: KdfCost,
    ) -> Result<Store> {
        Self::create_of_kind(dir, passphrase, new, cost, StoreKind::Real)
    }

    /// Creates a training store (研修モード): like [`Store::create`], but its kind, sealed in the
    /// key file and recorded in the database, marks every screen and paper, lets it sync with a
    /// training hub only, and can never be changed. The only way to make one.
    pub fn create_training(
        dir: &DataDir,
        passphrase: &Passphrase,
        new: &NewStore,
        cost: KdfCost,
    ) -> Result<Store> {
        Self::create_of_kind(dir, passphrase, new, cost, StoreKind::Training)
    }

    fn create_of_kind(
        dir: &DataDir,
        passphrase: &Passphrase,
        new: &NewStore,
        cost: KdfCost,
        kind: StoreKind,
    ) -> Result<Store> {
        passphrase.check_strength()?;
        let site_name = required_label("site name", &new.site_name)?;
        let seat_name = required_label("seat name", &new.seat_name)?;
        let (db, key_path) = (dir.database(), dir.key_file());
        if [&db, &wal_path(&db), &key_path].iter().any(|p| p.exists()) {
            return Err(Error::AlreadyInitialised(dir.root().to_owned()));
        }
        if dir.inventory()?.iter().any(|f| f.kind.is_none()) {
            return Err(Error::DataDirNotEmpty(dir.root().to_owned()));
        }
        dir.ensure_exists()?;

        let material = KeyMaterial {
            store_id: Uuid::now_v7(),
            kind,
            key: DataKey::generate(),
        };
        keyfile::write(&key_path, passphrase, &material, cost)?;
        let meta = StoreMeta {
            store_id: material.store_id,
            site_name,
            seat_name,
            created_at: Utc::now(),
            kind,
        };
        let built = (|| {
            let mut conn = connection::open(&db, Some(&material.key), connection::Mode::Create)?;
            migrate::migrate(&mut conn)?;
            conn.execute(
                "INSERT INTO store_meta (id, store_id, site_name, seat_name, created_at, kind) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                (meta.store_id.to_string(), &meta.site_name, &meta.seat_name, meta.created_at.to_rfc3339(), kind.code()),
            )?;
            Ok(conn)
        })();
        match built {
            Ok(conn) => {
                tracing::info!(store_id = %meta.store_id, "created store");
                training::keep_hint(dir, kind);
                let store = Store::assemble(conn, dir, meta);
                store.ensure_sync_digest()?;
                Ok(store)
            }
            Err(e) => {
                // Only files this call created (checked absent above); they hold no data yet.
                for path in [key_path, wal_path(&db), db.with_extension("db-shm"), db] {
                    let _ = fs::remove_file(path);
                }
                Err(e)
            }
        }
    }

    /// Unlocks the existing store in `dir` with the site passphrase and brings its schema up
    /// to date. Nothing on disk changes unless the passphrase is right and the schema is known.
    pub fn open(dir: &DataDir, passphrase: &Passphrase) -> Result<Store> {
        let (db, key_path) = (dir.database(), dir.key_file());
        match (key_path.exists(), db.exists()) {
            (false, false) => return Err(Error::NotInitialised(dir.root().to_owned())),
            (false, true) => return Err(Error::KeyFileMissing(key_path)),
            (true, false) => return Err(Error::DatabaseMissing(db)),
            (true, true) => {}
        }
        Self::unlock(dir, passphrase, true)
    }

    /// Unlocks without applying migrations, for `doctor`, which must not change the store.
    pub(crate) fn open_without_migrating(dir: &DataDir, passphrase: &Passphrase) -> Result<Store> {
        Self::unlock(dir, passphrase, false)
    }

    fn unlock(dir: &DataDir, passphrase: &Passphrase, apply_migrations: bool) -> Result<Store> {
        let material = keyfile::read(&dir.key_file(), passphrase)?;
        let mut conn = connection::open(
            &dir.database(),
            Some(&material.key),
            connection::Mode::Existing,
        )?;
        let backup = if apply_migrations {
            upgrade::backup_before_migrating(dir, &conn)?
        } else {
            None
        };
        if apply_migrations {
            // A new seat's first load cut short leaves indexes set aside: back first, so that
            // the migrations find the schema they were written for.
            sync::build_deferred_indexes(&conn);
            if migrate::migrate(&mut conn)? > 0 {
                // A migration may write synced rows (0021 adds a procedure) without the
                // digest triggers, which are made after it: the digests are computed again.
                sync::forget_kept_digests(&conn)?;
            }
        }
        let expected_id = Some(material.store_id);
        let meta = read_meta(&conn)?.ok_or_else(|| Error::DatabaseCorrupt {
            path: dir.database(),
            reason: "store identity row is missing".into(),
        })?;
        if let Some(expected) = expected_id.filter(|id| *id != meta.store_id) {
            return Err(Error::KeyMismatch {
                key_store_id: expected.to_string(),
                db_store_id: meta.store_id.to_string(),
            });
        }
        if material.kind != meta.kind {
            return Err(Error::StoreKindMismatch {
                key: material.kind.code().into(),
                db: meta.kind.code().into(),
            });
        }
        training::keep_hint(dir, meta.kind);
        let store = Store::assemble(conn, dir, meta);
        if apply_migrations {
            store.ensure_sync_digest()?;
        }
        if let Some(b) = &backup {
            let name = b.path.file_name().map(|n| n.to_string_lossy().into_owned());
            store.audit(
                &crate::people::Actor::Site {
                    tool: "upgrade".into(),
                },
                "upgrade_backup",
                &name.unwrap_or_default(),
                &format!("schema {} to {}", b.from, b.to),
            )?;
        }
        Ok(store)
    }

    fn assemble(conn: Connection, dir: &DataDir, meta: StoreMeta) -> Store {
        let id =
            uhlc::ID::try_from(meta.store_id.as_u128().max(1)).unwrap_or_else(|_| uhlc::ID::rand());
        // Bounded drift: a peer's timestamp more than 5 s ahead of our clock is rejected.
        let hlc = uhlc::HLCBuilder::new()
            .with_id(id)
            .with_max_delta(std::time::Duration::from_secs(5))
            .build();
        let (rules, error) = checklists::load_rules(&conn, dir);
        // The undo triggers are temporary (per connection): made at every open.
        let capture = sync::install_capture(&conn);
        let warm = occupancy::install(&conn)
            .map_err(|e| tracing::warn!("room checks not kept warm: {e}"))
            .is_ok();
        let rules_error = error.map(|e| {
            // No personal data in a rules file: the path and the problem are safe to log.
            tracing::warn!("{e}; keeping the last good checklist rules");
            e.to_string()
        });
        let training_shift = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(
            training::shift_at_open(&conn, meta.kind),
        ));
        let store = Store {
            conn: connection::CachedConn::new(conn),
            dir: dir.clone(),
            meta,
            hlc,
            clock: {
                let shift = training_shift.clone();
                std::sync::Arc::new(move || {
                    chrono::Local::now().naive_local()
                        + chrono::Duration::seconds(
                            shift.load(std::sync::atomic::Ordering::Relaxed),
                        )
                })
            },
            rules,
            rules_error,
            session: people::Session::default(),
            recent_reads: audit::RecentReads::default(),
            sync: sync::SyncContext::default(),
            warm: occupancy::Warm::installed(warm),
            training_shift,
        };
        match capture {
            Ok(columns) => store.init_sync(columns),
            // Only a store whose schema is older than this build (doctor's read-only open).
            Err(e) => tracing::warn!("sync capture not installed: {e}"),
        }
        store
    }

    /// Replaces the wall clock (tests, training sessions on a fixed day).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Local date and time now.
    pub fn now(&self) -> chrono::NaiveDateTime {
        (self.clock)()
    }

    /// Today, local.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date()
    }

    /// Rewraps the data key under a new passphrase; the database itself is not rewritten.
    pub fn change_passphrase(
        dir: &DataDir,
        old: &Passphrase,
        new: &Passphrase,
        cost: KdfCost,
    ) -> Result<()> {
        if !dir.key_file().exists() && !dir.database().exists() {
            return Err(Error::NotInitialised(dir.root().to_owned()));
        }
        keyfile::rewrap(&dir.key_file(), old, new, cost)
    }

    /// Real or training (研修モード), fixed at creation.
    pub fn kind(&self) -> StoreKind {
        self.meta.kind
    }

    /// The store's identity.
    pub fn meta(&self) -> &StoreMeta {
        &self.meta
    }

    /// The data directory this store lives in.
    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }

    /// Schema, sizes and counts for the status screen and `doctor`.
    pub fn status(&self) -> Result<StoreStatus> {
        let db = self.dir.database();
        let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        Ok(StoreStatus {
            meta: self.meta.clone(),
            schema_version: migrate::current_version(&self.conn)?,
            known_schema_version: migrate::known_version(),
            cipher_version: connection::cipher_version(&self.conn)?,
            database_bytes: u32::try_from(size(&db) + size(&wal_path(&db))).unwrap_or(u32::MAX),
            counts: StoreCounts {
                applicants: self.applicant_count()?,
            },
            checklist_rules: self.rules.version.clone(),
            checklist_rules_error: self.rules_error.clone(),
        })
    }

    /// Space per table and index, largest first, over the decrypted pages (`dbstat`): what
    /// the store's size is made of.
    pub fn space_used(&self) -> Result<Vec<SpaceUse>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.name, coalesce(m.tbl_name, d.name), d.pageno, d.pgsize, d.payload
             FROM dbstat('main', 1) d LEFT JOIN sqlite_master m ON m.name = d.name
             ORDER BY d.pgsize DESC, d.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SpaceUse {
                name: r.get(0)?,
                table: r.get(1)?,
                pages: r.get::<_, i64>(2)? as u64,
                bytes: r.get::<_, i64>(3)? as u64,
                payload: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Runs SQLite's integrity check over every (decrypted) page; returns the problems found.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    pub(crate) fn conn(&self) -> &connection::CachedConn {
        &self.conn
    }

    /// Applies `sql` as a migration would (one transaction), for tests that upgrade stores
    /// with changes pending; the store must then be closed and opened again, as after an
    /// upgrade.
    #[cfg(feature = "test-hooks")]
    #[doc(hidden)]
    pub fn run_migration_for_tests(&self, sql: &str) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        self.conn.execute_batch(sql)?;
        tx.commit()?;
        Ok(())
    }
}

/// Benchmark support: the same store code on a database with encryption off, so the cost of
/// SQLCipher can be measured in one run. Never compiled into the app.
#[cfg(feature = "bench-support")]
#[doc(hidden)]
pub mod bench_support {
    use super::*;

    /// Opens (creating if needed) a store at `dir`, encrypted with a fresh key or not at all.
    pub fn scratch_store(dir: &DataDir, encrypted: bool) -> Result<Store> {
        dir.ensure_exists()?;
        let key = encrypted.then(DataKey::generate);
        let mut conn = connection::open(&dir.database(), key.as_ref(), connection::Mode::Create)?;
        migrate::migrate(&mut conn)?;
        let meta = StoreMeta {
            store_id: Uuid::now_v7(),
            site_name: "bench".into(),
            seat_name: "bench".into(),
            created_at: Utc::now(),
            kind: StoreKind::Real,
        };
        conn.execute(
            "INSERT OR IGNORE INTO store_meta (id, store_id, site_name, seat_name, created_at) VALUES (1, ?1, 'bench', 'bench', ?2)",
            (meta.store_id.to_string(), meta.created_at.to_rfc3339()),
        )?;
        let store = Store::assemble(conn, dir, meta).act_as_site("bench");
        store.ensure_sync_digest()?;
        Ok(store)
    }

    /// Runs `f` inside one transaction (bulk loading for the benchmarks).
    pub fn in_transaction<T>(store: &Store, f: impl FnOnce() -> Result<T>) -> Result<T> {
        store.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f() {
            Ok(v) => {
                store.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                store.conn.execute_batch("ROLLBACK")?;
                Err(e)
            }
        }
    }

    /// Turns SQLCipher's memory security on for the rest of the process (it cannot be turned
    /// off again once on), and returns what SQLCipher reports afterwards (`1` when on).
    pub fn memory_security_on(store: &Store) -> Result<String> {
        store
            .conn
            .execute_batch("PRAGMA cipher_memory_security = ON")?;
        Ok(store
            .conn
            .query_row("PRAGMA cipher_memory_security", [], |row| {
                row.get::<_, String>(0)
            })
            .unwrap_or_default())
    }
}

fn read_meta(conn: &Connection) -> Result<Option<StoreMeta>> {
    let row = conn
        .query_row(
            "SELECT store_id, site_name, seat_name, created_at FROM store_meta WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((id, site_name, seat_name, created)) = row else {
        return Ok(None);
    };
    let bad = |what: &str| Error::Invalid(format!("store_meta.{what} is malformed"));
    // Read apart: `doctor` opens a store from before 0029 without migrating it (no column: real).
    let kind = match conn.query_row("SELECT kind FROM store_meta WHERE id = 1", [], |r| {
        r.get::<_, String>(0)
    }) {
        Ok(code) => StoreKind::from_code(&code).map_err(|_| bad("kind"))?,
        Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("no such column") => {
            StoreKind::Real
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Some(StoreMeta {
        kind,
        store_id: id.parse().map_err(|_| bad("store_id"))?,
        site_name,
        seat_name,
        created_at: DateTime::parse_from_rfc3339(&created)
            .map_err(|_| bad("created_at"))?
            .with_timezone(&Utc),
    }))
}

/// How days and times are stored (TEXT columns, sortable).
pub(crate) const DATE: &str = "%Y-%m-%d";
/// See [`DATE`].
pub(crate) const TIME: &str = "%H:%M";
/// Local date and time as stored (check-in times).
pub(crate) const DATETIME: &str = "%Y-%m-%dT%H:%M:%S";

pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, DATE)
        .map_err(|_| Error::Invalid(format!("bad stored date {s:?}")))
}

pub(crate) fn parse_time(s: &str) -> Result<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(s, TIME)
        .map_err(|_| Error::Invalid(format!("bad stored time {s:?}")))
}

fn wal_path(db: &Path) -> std::path::PathBuf {
    db.with_extension("db-wal")
}

/// Trims a required label and checks it is non-empty and within its field's limit
/// ([`crate::limits`], by the field's name `what`).
pub(crate) fn required_label(what: &'static str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::Invalid(format!("{what} is empty")));
    }
    crate::limits::check(what, value)?;
    Ok(value.to_owned())
}
