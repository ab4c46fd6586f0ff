//! Sync inside the store: what makes every seat hold the hub's rows, verifiably.
//!
//! - [`rows`]: triggers that record undo records, the hub's effects and the digests; applying
//!   a row as it is given.
//! - [`hub`]: the hub executes pushed mutations (the authority: capacity, rules, the origin),
//!   logs their effects and the digest after each, and answers pulls and snapshot pages.
//! - [`seat`]: the outbox, applying effects, verifying the digest, repairing from a snapshot,
//!   and the round ([`SeatRound`]) that the network client and the tests both drive.
//!
//! Escrow: the hub sets aside places per slot for each seat ([`crate::sync::escrow_target`]);
//! a booking inside them is confirmed offline, one beyond them is provisional (仮予約).
use crate::mutation::{ConflictMutation, Mutation, ReservationMutation};
use std::{cell::RefCell, collections::HashMap};

use chrono::Utc;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{parse_date, parse_time, Store, DATETIME};
use crate::{
    sync::{ConflictRecord, Origin, Quota},
    Error, Result,
};

mod hub;
pub mod protocol;
mod rows;
pub(crate) use rows::{build_deferred_indexes, forget_kept_digests};
mod seat;

pub use hub::{HubDone, HubJob, Pulled};
pub(crate) use rows::install_capture;
pub use seat::{Integrated, RoundReport, SeatRound, SnapshotBuilder, Step};

/// Tables that hold what the hub is the authority for: every store applies the same log to
/// them, and the convergence tests compare them. Everything else is this PC's own
/// ([`LOCAL_TABLES`]); a test makes sure every table is in one list or the other.
pub const SYNCED_TABLES: &[&str] = &[
    "applicants",
    "procedures",
    "slot_plans",
    "slot_bands",
    "capacity_overrides",
    "holiday_sessions",
    "closures",
    "closure_affected",
    "booking_rules",
    "reservations",
    "reservation_people",
    "search_keys",
    "checklists",
    "checklist_marks",
    "checklist_outcomes",
    "visits",
    "visit_events",
    "form_counts",
    "conflicts",
    "inquiries",
    "complaint_steps",
    "lent_materials",
    "staff",
    "sites",
    "staff_sites",
    "site_load",
    "incidents",
    "incident_steps",
    "incident_followups",
    "incident_texts",
    "staff_details",
    "roster_submissions",
    "training_sessions",
    "training_attendance",
    "work_logs",
    "work_log_notes",
    "improvement_notices",
    "improvement_steps",
];

/// Synced tables whose rows belong to one site (a citizen's business): each row names its site
/// in `site_id` (migration 0018, docs/design/sites.md).
pub const SITE_TABLES: &[&str] = &[
    "applicants",
    "reservations",
    "reservation_people",
    "search_keys",
    "checklists",
    "checklist_marks",
    "checklist_outcomes",
    "visits",
    "visit_events",
    "closure_affected",
    "conflicts",
    "inquiries",
    "complaint_steps",
    "incident_texts",
];

/// Tables that belong to this PC only (identity, outbox, sign-ins, its audit chain…).
/// Sign-ins and lock-outs happen at a seat; report submissions are written directly and do not
/// sync yet (see docs/sync-protocol.md); audit chains travel separately (`hub_store_audit`).
pub const LOCAL_TABLES: &[&str] = &[
    "schema_migrations",
    "store_meta",
    "mutations",
    "checklist_rules_cache",
    "staff_lockout",
    "sign_ins",
    "audit_log",
    "audit_head",
    "audit_chains",
    "report_submissions",
    "expiry_forecasts",
    "planner_assumptions",
    "planner_site_assumptions",
    "sync_undo",
    "sync_link",
    "sync_identity",
    "sync_quota",
    "sync_quota_use",
    "hub_log",
    "hub_seats",
    "hub_numbers",
    "sync_numbers",
    "display_settings",
    "hub_enrolment_codes",
    "hub_quota",
    "hub_state",
    "sync_digest",
    "sync_deferred_indexes",
    "wipe_certificates",
    "training_state",
];

/// How far ahead the hub sets places aside for seats.
pub const ESCROW_DAYS: u64 = 14;

/// How long an enrolment code stays valid.
pub const ENROLMENT_CODE_MINUTES: i64 = 10;

/// Per-store sync state that lives only while the store is open.
#[derive(Debug, Default)]
pub(crate) struct SyncContext {
    /// Who, where, when the mutation being applied was made.
    origin: RefCell<Option<Origin>>,
    /// While the hub executes a pushed mutation: the pushing seat and whether it used escrow
    /// (room checks then count the places set aside for the other seats).
    hub_exec: RefCell<Option<(Uuid, bool)>>,
    /// When the kept digests were last checked against the rows (a full recompute).
    verified_at: std::cell::Cell<Option<std::time::Instant>>,
    /// Columns of each synced table, in the order the triggers record them.
    columns: RefCell<HashMap<&'static str, Vec<String>>>,
    /// A first load written into the tables did not reach the hub's digest: the next one is
    /// gathered in memory instead (so that a fault of that path cannot repeat every round).
    stream_failed: std::cell::Cell<bool>,
    /// Dealt reservation numbers [`Store::fresh_number`] handed out on this connection: not
    /// handed out twice (a batch takes several before any is booked); one never booked stays
    /// in the stock for the next time the store is opened.
    pub(crate) numbers_out: RefCell<std::collections::HashSet<i64>>,
}

/// This seat's link to its hub, as the status screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SyncLink {
    /// host:port.
    pub hub_address: String,
    /// Pinned SHA-256 fingerprint of the hub's certificate (hex).
    pub hub_fingerprint: String,
    /// The hub's name.
    pub hub_name: String,
    /// Last hub log version applied here.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: u64,
    /// When the last pull finished (UTC, RFC 3339).
    pub last_sync: Option<String>,
    /// The hub's log this seat follows (none before its first snapshot).
    pub log_id: Option<String>,
    /// The hub's digest at the cursor, as verified here.
    pub hub_digest: Option<String>,
    /// Times this seat repaired itself from a snapshot (its rows differed from the hub's, or
    /// the hub was replaced or restored).
    pub repairs: u32,
    /// When it last did (UTC, RFC 3339).
    pub last_repair_at: Option<String>,
    /// Why (`digest`, `log_id`, `ahead`, `compacted`).
    pub last_repair_reason: Option<String>,
    /// The hub's app version at the last hello.
    pub hub_version: Option<String>,
    /// The hub's schema version at the last hello.
    pub hub_schema: Option<u32>,
}

/// Outbox figures for the status indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OutboxStatus {
    /// Mutations the hub has not answered yet.
    pub pending: u32,
    /// Of which provisional bookings (beyond escrow).
    pub provisional: u32,
    /// Mutations that no longer apply on this seat after a rebase (the hub will decide).
    pub failing: u32,
    /// Open conflicts.
    pub conflicts: u32,
}

/// A conflict, for the conflicts list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    /// What was refused and why.
    pub record: ConflictRecord,
    /// The refused mutation (a booking's people and phone: who to call).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub mutation: serde_json::Value,
    /// When it was resolved, by whom and how.
    pub resolved_at: Option<String>,
    /// Staff who resolved it.
    pub resolved_by: Option<String>,
    /// What was done.
    pub resolution: Option<String>,
}

/// An enrolled seat, as the hub keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SeatRecord {
    /// The seat's store id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub seat_id: Uuid,
    /// Seat name.
    pub name: String,
    /// Pinned certificate fingerprint (hex SHA-256).
    pub fingerprint: String,
    /// Revoked (cut off) when.
    pub revoked_at: Option<String>,
    /// Last sequence applied.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last_seq: u64,
    /// Last push or pull.
    pub last_seen: Option<String>,
    /// The site administrator's changes from this seat are accepted up to this sequence (the
    /// seat that brought the roster; 0 for every other seat).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub site_through: u64,
    /// The site it works for.
    pub site_id: crate::site::SiteId,
}

/// A TLS identity kept in the store.
#[derive(Clone)]
pub struct Identity {
    /// Certificate, DER.
    pub cert_der: Vec<u8>,
    /// PKCS#8 private key, DER.
    pub key_der: zeroize::Zeroizing<Vec<u8>>,
    /// Hex SHA-256 of the certificate.
    pub fingerprint: String,
}

/// Hex SHA-256 of a certificate: how seats and the hub pin each other.
pub fn fingerprint(cert_der: &[u8]) -> String {
    crate::text::hex(&Sha256::digest(cert_der))
}

pub(super) fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Invalid(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    // The position, never serde's message: it quotes the value, which may be personal data.
    serde_json::from_str(text).map_err(|e| {
        Error::Invalid(format!(
            "stored sync record: {:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

fn synced_table(name: &str) -> Result<&'static str> {
    SYNCED_TABLES
        .iter()
        .copied()
        .find(|t| *t == name)
        .ok_or_else(|| Error::Invalid(format!("not a synced table: {name}")))
}

fn error_code(e: &Error) -> String {
    serde_json::to_value(e.code())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "error".into())
}

impl Store {
    /// The site tables whose rows hang off a reservation (a `reservation_id` column): what
    /// moves with a booking to another site.
    pub(crate) fn reservation_children(&self) -> Vec<&'static str> {
        let columns = self.sync.columns.borrow();
        SITE_TABLES
            .iter()
            .copied()
            .filter(|t| {
                *t != "reservations"
                    && columns
                        .get(t)
                        .is_some_and(|cols| cols.iter().any(|c| c == "reservation_id"))
            })
            .collect()
    }

    /// The last sequence in this seat's outbox (0 when it has made no change), told to the hub
    /// at enrolment.
    pub fn outbox_last_seq(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(seq), 0) FROM mutations", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    pub(crate) fn init_sync(&self, columns: HashMap<&'static str, Vec<String>>) {
        *self.sync.columns.borrow_mut() = columns;
    }

    /// The origin of the mutation being applied (a fresh local one outside sync).
    pub(crate) fn origin(&self) -> Origin {
        self.sync.origin.borrow().clone().unwrap_or_else(|| Origin {
            seat: self.meta().seat_name.clone(),
            staff: self.session.acting(),
            at: self.now(),
            utc: Utc::now(),
        })
    }

    /// Record timestamp (UTC, RFC 3339) of the mutation being applied.
    pub(crate) fn stamp(&self) -> String {
        self.origin().utc.to_rfc3339()
    }

    pub(crate) fn set_origin(&self, origin: Option<Origin>) {
        *self.sync.origin.borrow_mut() = origin;
    }

    // ---- seat side ----

    /// This seat's hub link, once enrolled.
    pub fn sync_link(&self) -> Result<Option<SyncLink>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT hub_address, hub_fingerprint, hub_name, cursor, last_sync, log_id, hub_digest,
                        repairs, last_repair_at, last_repair_reason, hub_version, hub_schema
                 FROM sync_link WHERE id = 1",
                [],
                |r| {
                    Ok(SyncLink {
                        hub_address: r.get(0)?,
                        hub_fingerprint: r.get(1)?,
                        hub_name: r.get(2)?,
                        cursor: r.get::<_, i64>(3)? as u64,
                        last_sync: r.get(4)?,
                        log_id: r.get(5)?,
                        hub_digest: r.get(6)?,
                        repairs: r.get(7)?,
                        last_repair_at: r.get(8)?,
                        last_repair_reason: r.get(9)?,
                        hub_version: r.get(10)?,
                        hub_schema: r.get(11)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records the hub this seat enrolled with (its fingerprint is pinned from now on).
    pub fn set_sync_link(&self, address: &str, fingerprint: &str, hub_name: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO sync_link (id, hub_address, hub_fingerprint, hub_name, enrolled_at) VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET hub_address = excluded.hub_address,
                 hub_fingerprint = excluded.hub_fingerprint, hub_name = excluded.hub_name",
            params![address, fingerprint, hub_name, Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// The TLS identity of this store, made on first use (seat or hub alike).
    pub fn sync_identity(&self, make: impl FnOnce() -> Result<Identity>) -> Result<Identity> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let stored = self
            .conn()
            .query_row(
                "SELECT cert_der, key_der, fingerprint FROM sync_identity WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        if let Some((cert, key, fingerprint)) = stored {
            let bad = |_| Error::Invalid("stored TLS identity is malformed".into());
            return Ok(Identity {
                cert_der: b64.decode(cert).map_err(bad)?,
                key_der: zeroize::Zeroizing::new(b64.decode(key).map_err(bad)?),
                fingerprint,
            });
        }
        let id = make()?;
        self.conn().execute(
            "INSERT INTO sync_identity (id, cert_der, key_der, fingerprint) VALUES (1, ?1, ?2, ?3)",
            params![
                b64.encode(&id.cert_der),
                b64.encode(&*id.key_der),
                id.fingerprint
            ],
        )?;
        Ok(id)
    }

    /// Outbox figures for the status indicator.
    pub fn outbox_status(&self) -> Result<OutboxStatus> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) FROM mutations WHERE hub_version IS NULL),
                    (SELECT count(*) FROM reservations WHERE hold = 'provisional'),
                    (SELECT count(*) FROM mutations WHERE hub_version IS NULL AND local_error IS NOT NULL),
                    (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL)",
            [],
            |r| {
                Ok(OutboxStatus {
                    pending: r.get(0)?,
                    provisional: r.get(1)?,
                    failing: r.get(2)?,
                    conflicts: r.get(3)?,
                })
            },
        )?)
    }

    /// Conflicts, open ones first. Shows who to call: needs a sign-in, and is audited.
    pub fn conflicts(&self, include_resolved: bool) -> Result<Vec<ConflictView>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, seat, staff, kind, subject, reason, message, mutation, made_at, raised_at,
                    resolved_at, resolved_by, resolution
             FROM conflicts WHERE ?1 OR resolved_at IS NULL
             ORDER BY resolved_at IS NOT NULL, raised_at",
        )?;
        let rows = stmt.query_map([include_resolved], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ),
                (
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ),
                (r.get::<_, String>(8)?, r.get::<_, String>(9)?),
                (
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, Option<String>>(12)?,
                ),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                (id, seat, staff, kind),
                (subject, reason, message, mutation),
                (made_at, raised_at),
                (resolved_at, resolved_by, resolution),
            ) = row?;
            let bad = |what: &str| Error::Invalid(format!("conflicts.{what} is malformed"));
            out.push(ConflictView {
                record: ConflictRecord {
                    id: id.parse().map_err(|_| bad("id"))?,
                    seat,
                    staff,
                    kind,
                    subject,
                    reason,
                    message,
                    made_at: chrono::NaiveDateTime::parse_from_str(&made_at, DATETIME)
                        .map_err(|_| bad("made_at"))?,
                    raised_at: chrono::DateTime::parse_from_rfc3339(&raised_at)
                        .map_err(|_| bad("raised_at"))?
                        .with_timezone(&Utc),
                },
                mutation: from_json(&mutation)?,
                resolved_at,
                resolved_by,
                resolution,
            });
        }
        if !out.is_empty() {
            self.audit_read("conflicts", "")?;
        }
        Ok(out)
    }

    /// Applies a conflict change: raised by the hub, resolved by a person.
    pub(crate) fn apply_conflict(&self, m: &ConflictMutation) -> Result<()> {
        match m {
            ConflictMutation::RaiseConflict { conflict, original } => {
                self.apply_raise_conflict(conflict, original)
            }
            ConflictMutation::ResolveConflict { id, resolution } => {
                self.apply_resolve_conflict(*id, resolution)
            }
        }
    }

    pub(super) fn apply_raise_conflict(
        &self,
        c: &ConflictRecord,
        original: &Mutation,
    ) -> Result<()> {
        let site = self.site_of_refused(original, &c.subject, &c.seat)?;
        self.conn().execute(
            "INSERT INTO conflicts (id, seat, staff, kind, subject, reason, message, mutation, made_at, raised_at, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                c.id.to_string(),
                c.seat,
                c.staff,
                c.kind,
                c.subject,
                c.reason,
                c.message,
                json(original)?,
                c.made_at.format(DATETIME).to_string(),
                c.raised_at.to_rfc3339(),
                site.as_str()
            ],
        )?;
        Ok(())
    }

    pub(super) fn apply_resolve_conflict(&self, id: Uuid, resolution: &str) -> Result<()> {
        let resolution = resolution.trim();
        if resolution.is_empty() {
            return Err(Error::Invalid("say how the conflict was resolved".into()));
        }
        let origin = self.origin();
        let changed = self.conn().execute(
            "UPDATE conflicts SET resolved_at = ?2, resolved_by = ?3, resolution = ?4
             WHERE id = ?1 AND resolved_at IS NULL",
            params![
                id.to_string(),
                origin.utc.to_rfc3339(),
                origin.staff,
                resolution
            ],
        )?;
        if changed == 0 {
            return Err(Error::NotAllowed(
                "this conflict is unknown or already resolved".into(),
            ));
        }
        Ok(())
    }

    /// Checks the signed-in member may manage the seats' enrolment (manager or deputy) and
    /// records the action in the audit trail.
    pub fn authorise_sync_admin(&self, action: &str, subject: &str) -> Result<String> {
        let actor = self.require(crate::people::Permission::ManageStaff)?;
        self.audit(&actor, action, subject, "")?;
        Ok(actor.label())
    }

    /// Every synced row, in a canonical order, as text: two stores hold the same data
    /// exactly when their dumps are equal (the convergence tests compare them).
    pub fn synced_dump(&self) -> Result<Vec<String>> {
        self.synced_dump_of(&crate::site::Holding::All)
    }

    /// As [`Store::synced_dump`], of the rows `holds` selects only (the city's tables, and the
    /// site tables' rows of a site or a desk).
    pub fn synced_dump_of(&self, holds: &crate::site::Holding) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for table in SYNCED_TABLES {
            let only = match holds.sql(1) {
                Some(sql) if SITE_TABLES.contains(table) => format!(" WHERE {sql}"),
                _ => String::new(),
            };
            let mut stmt = self
                .conn()
                .prepare(&format!("SELECT * FROM {table}{only}"))?;
            let code = holds.code().map(|s| s.as_str().to_owned());
            let params: Vec<String> = if only.is_empty() {
                Vec::new()
            } else {
                code.into_iter().collect()
            };
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(&params), |r| {
                    let mut cells = Vec::with_capacity(n);
                    for i in 0..n {
                        let v: rusqlite::types::Value = r.get(i)?;
                        cells.push(format!("{v:?}"));
                    }
                    Ok(format!("{table}|{}", cells.join("|")))
                })?
                .collect::<rusqlite::Result<_>>()?;
            rows.sort();
            out.extend(rows);
        }
        Ok(out)
    }

    /// Every foreign key of the store, as (table, referenced table).
    pub fn foreign_keys(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for table in self.table_names()? {
            let mut stmt = self
                .conn()
                .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?;
            for target in stmt.query_map([&table], |r| r.get::<_, String>(0))? {
                out.push((table.clone(), target?));
            }
        }
        Ok(out)
    }

    /// Every table of the store (each must be classified as synced or local).
    pub fn table_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Enrolled, and the hub's data not all in yet: a new seat's first load is under way (its
    /// rows arrive page by page, and the screens may show part of them).
    pub fn first_load_pending(&self) -> Result<bool> {
        Ok(self.sync_link()?.is_some_and(|link| link.log_id.is_none()))
    }

    /// How many mutations this seat has made, settled or not.
    pub fn mutation_count(&self) -> Result<usize> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM mutations", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    /// Local bookings waiting for the hub beyond escrow (仮予約), as reservation numbers.
    pub fn provisional_numbers(&self) -> Result<Vec<crate::reservation_number::ReservationNumber>> {
        let mut stmt = self.conn().prepare(
            "SELECT number FROM reservations WHERE hold = 'provisional' ORDER BY number",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        rows.map(|n| crate::reservation_number::ReservationNumber::from_i64(n?))
            .collect()
    }

    /// Which reservations are confirmed (not provisional), for tests and the board.
    pub fn is_confirmed(
        &self,
        number: crate::reservation_number::ReservationNumber,
    ) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT hold = 'confirmed' FROM reservations WHERE number = ?1",
            [number.as_i64()],
            |r| r.get(0),
        )?)
    }
}

/// A `(day, starts, places)` row.
fn quota_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

/// Quotas from `(day, starts, places)` rows; slots with no place left are left out.
fn quotas(
    rows: impl Iterator<Item = rusqlite::Result<(String, String, i64)>>,
) -> Result<Vec<Quota>> {
    let mut out = Vec::new();
    for row in rows {
        let (day, starts, places) = row?;
        if places > 0 {
            out.push(Quota {
                day: parse_date(&day)?,
                starts: parse_time(&starts)?,
                places: places as u32,
            });
        }
    }
    Ok(out)
}

fn seat_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<SeatRecord> {
    Ok(SeatRecord {
        seat_id: r.get::<_, String>(0)?.parse().map_err(|_| {
            rusqlite::Error::InvalidColumnType(0, "seat_id".into(), rusqlite::types::Type::Text)
        })?,
        name: r.get(1)?,
        fingerprint: r.get(2)?,
        revoked_at: r.get(3)?,
        last_seq: r.get::<_, i64>(4)? as u64,
        last_seen: r.get(5)?,
        site_through: r.get::<_, i64>(6)? as u64,
        site_id: r.get::<_, String>(7)?.parse().map_err(|_| {
            rusqlite::Error::InvalidColumnType(7, "site_id".into(), rusqlite::types::Type::Text)
        })?,
    })
}

/// Checks what sync promises once every outbox is drained and every seat has pulled the whole
/// log: the seats hold exactly the hub's synced rows, with the same digest (kept and
/// recomputed); every mutation a seat holds is in the hub's log, and no mutation is there twice
/// (none lost, none applied twice); no slot is over capacity; no booking is left provisional;
/// every refused booking is a conflict. Returns the problems found.
pub fn convergence_problems(hub: &Store, seats: &[&Store]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if hub.recompute_sync_digest()? {
        problems.push("hub: its kept digest was stale".into());
    }
    for problem in hub.site_problems()? {
        problems.push(format!("hub: {problem}"));
    }
    let head = hub.hub_head()?;
    let mut log = Vec::new();
    while (log.len() as u64) < head {
        let page = hub.hub_changes(log.len() as u64, 10_000)?;
        if page.is_empty() {
            break;
        }
        log.extend(page);
    }
    let ids: std::collections::HashSet<Uuid> = log.iter().map(|e| e.id).collect();
    for seat in seats {
        let name = &seat.meta().seat_name;
        let outbox = seat.outbox_status()?;
        if outbox.pending > 0 || outbox.provisional > 0 {
            problems.push(format!(
                "{name}: {} pending, {} provisional",
                outbox.pending, outbox.provisional
            ));
        }
        // What the seat should hold: every row, or its site's and the city's.
        let holds = hub.hub_subscription(&hub.hub_seat(seat.meta().store_id)?)?;
        let expected = hub.synced_dump_of(&holds)?;
        let digest = hub.sync_digest_held(&holds)?;
        let dump = seat.synced_dump()?;
        if dump != expected {
            let only_seat = dump.iter().filter(|r| !expected.contains(r)).count();
            let only_hub = expected.iter().filter(|r| !dump.contains(r)).count();
            problems.push(format!(
                "{name}: {only_seat} rows only on the seat, {only_hub} only on the hub"
            ));
        }
        if seat.sync_digest()? != digest || seat.recompute_sync_digest()? {
            problems.push(format!("{name}: digest differs from the hub's"));
        }
        let lost: i64 = seat
            .conn()
            .prepare("SELECT id FROM mutations")?
            .query_map([], |r| r.get::<_, String>(0))?
            .filter(|id| {
                !id.as_ref()
                    .ok()
                    .and_then(|id| id.parse::<Uuid>().ok())
                    .is_some_and(|id| ids.contains(&id))
            })
            .count() as i64;
        if lost > 0 {
            problems.push(format!("{name}: {lost} mutations are not in the hub's log"));
        }
    }
    if log.len() as u64 != head || ids.len() != log.len() {
        problems.push(format!(
            "hub log: {} entries, {} distinct ids, head {head}",
            log.len(),
            ids.len()
        ));
    }
    let days: Vec<(String, String)> = hub
        .conn()
        .prepare("SELECT DISTINCT site_id, day FROM reservations")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (site, day) in days {
        let day = parse_date(&day)?;
        if let Ok((_, _, slots)) = hub.day_slots(&site.parse()?, day) {
            for slot in slots.iter().filter(|s| s.taken > s.capacity) {
                problems.push(format!(
                    "{site} {day} {}: {} taken of {}",
                    slot.starts, slot.taken, slot.capacity
                ));
            }
        }
    }
    let refused = log
        .iter()
        .filter(|e| matches!(&e.mutation, Some(Mutation::Conflict(ConflictMutation::RaiseConflict { original, .. })) if matches!(**original, Mutation::Reservation(ReservationMutation::Book(_)))))
        .count();
    let conflicts: i64 = hub.conn().query_row(
        "SELECT count(*) FROM conflicts WHERE kind = 'book'",
        [],
        |r| r.get(0),
    )?;
    if refused as i64 != conflicts {
        problems.push(format!(
            "{refused} refused bookings but {conflicts} booking conflicts"
        ));
    }
    Ok(problems)
}

fn code_hash(code: &str) -> String {
    fingerprint(code.as_bytes())
}
