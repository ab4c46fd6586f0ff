//! Sync inside the store: what makes every seat converge on the hub's state.
//!
//! Seat side: each local mutation is applied at once and kept in the outbox (`mutations`)
//! with undo records of every row it touched (`sync_undo`, written by temporary triggers).
//! A pull rewinds the unsettled mutations, applies the hub's log in the hub's order, then
//! replays them on top (rebase). Once every outbox is drained each store has applied the same
//! log in the same order with the same origins, so they hold the same rows.
//!
//! Hub side: a push is re-executed mutation by mutation in one transaction that also records
//! the seat's last sequence, so a batch sent twice or a crash before the answer never applies
//! anything twice; what cannot apply becomes a [`Mutation::RaiseConflict`] in the log.
//!
//! Escrow: the hub sets aside places per slot for each seat ([`crate::sync::escrow_target`]);
//! a booking inside them is confirmed offline, one beyond them is provisional (仮予約).
use std::{cell::RefCell, collections::HashMap};

use chrono::{NaiveDate, NaiveTime, Utc};
use rusqlite::{params, types::Value, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{parse_date, parse_time, Store, DATE, DATETIME, TIME};
use crate::{
    reservation::Mutation,
    sync::{ConflictRecord, Entry, Envelope, Origin, PushOutcome, PushResult, Quota},
    Error, Result,
};

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
    "report_submissions",
    "expiry_forecasts",
    "planner_assumptions",
    "sync_undo",
    "sync_link",
    "sync_identity",
    "sync_quota",
    "sync_quota_use",
    "hub_log",
    "hub_seats",
    "hub_enrolment_codes",
    "hub_quota",
    "wipe_certificates",
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
    /// While a seat replays a hub log entry: the places the hub held for escrow that day.
    replay_escrow: RefCell<Option<(NaiveDate, HashMap<String, u32>)>>,
    /// Columns of each synced table, in the order the undo triggers record them.
    columns: RefCell<HashMap<&'static str, Vec<String>>>,
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
}

/// What a pull changed here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Integrated {
    /// Hub log entries applied.
    pub applied: usize,
    /// Entries the hub applied that did not apply here (should never happen; logged).
    pub diverged: usize,
    /// This seat's own mutations replayed on top.
    pub replayed: usize,
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

/// Creates the temporary triggers that write undo records for this seat's own mutations.
/// They fire only while `temp.sync_capture` holds the sequence being applied.
pub(crate) fn install_capture(conn: &Connection) -> Result<HashMap<&'static str, Vec<String>>> {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS sync_capture (seq INTEGER NOT NULL)")?;
    let mut columns = HashMap::new();
    for table in SYNCED_TABLES {
        let cols: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let old = cols
            .iter()
            .map(|c| format!("OLD.\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let record = |op: &str, rid: &str, old: &str| {
            format!(
                "INSERT INTO sync_undo (seq, tbl, op, rid, old)
                 SELECT seq, '{table}', '{op}', {rid}, {old} FROM temp.sync_capture"
            )
        };
        let when = "WHEN EXISTS (SELECT 1 FROM temp.sync_capture)";
        conn.execute_batch(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_i AFTER INSERT ON main.{table} {when}
               BEGIN {}; END;
             CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_u AFTER UPDATE ON main.{table} {when}
               BEGIN {}; END;
             CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_d AFTER DELETE ON main.{table} {when}
               BEGIN {}; END;",
            record("i", "NEW.rowid", "NULL"),
            record("u", "OLD.rowid", &format!("json_array({old})")),
            record("d", "OLD.rowid", &format!("json_array({old})")),
        ))?;
        columns.insert(*table, cols);
    }
    Ok(columns)
}

fn to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or_default())),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

impl Store {
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
                "SELECT hub_address, hub_fingerprint, hub_name, cursor, last_sync FROM sync_link WHERE id = 1",
                [],
                |r| {
                    Ok(SyncLink {
                        hub_address: r.get(0)?,
                        hub_fingerprint: r.get(1)?,
                        hub_name: r.get(2)?,
                        cursor: r.get::<_, i64>(3)? as u64,
                        last_sync: r.get(4)?,
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

    fn cursor(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT cursor FROM sync_link WHERE id = 1", [], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .unwrap_or(0) as u64)
    }

    /// The sequence number the next local mutation will get.
    pub(crate) fn next_seq(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(seq), 0) + 1 FROM mutations", [], |r| {
                r.get(0)
            })?)
    }

    /// Starts recording undo records for local mutation `seq`.
    pub(crate) fn begin_capture(&self, seq: i64) -> Result<()> {
        if self.sync.columns.borrow().is_empty() {
            // Without undo records a rebase would corrupt this seat's data: refuse instead.
            return Err(Error::Invalid(
                "sync capture is not installed on this store".into(),
            ));
        }
        self.conn().execute("DELETE FROM temp.sync_capture", [])?;
        self.conn()
            .execute("INSERT INTO temp.sync_capture (seq) VALUES (?1)", [seq])?;
        Ok(())
    }

    /// Stops recording undo records.
    pub(crate) fn end_capture(&self) -> Result<()> {
        self.conn().execute("DELETE FROM temp.sync_capture", [])?;
        Ok(())
    }

    /// After a local mutation applied: a booking that needs places is confirmed from this
    /// seat's escrow when every slot it covers has one left, else it is provisional (when
    /// the seat has a hub; a seat on its own is its own authority). Returns whether it used
    /// escrow.
    pub(crate) fn settle_hold(
        &self,
        mutation: &Mutation,
        id: &str,
        first_time: bool,
        escrow: bool,
    ) -> Result<bool> {
        let number = match mutation {
            Mutation::Book(b) => b.number,
            Mutation::Reschedule { number, .. } => *number,
            _ => return Ok(false),
        };
        if self.sync_link()?.is_none() {
            return Ok(false);
        }
        let r = self.reservation(number)?;
        if !r.status.holds_place() {
            return Ok(false);
        }
        let covered = self.covered_slots(r.day, r.starts, r.slots)?;
        let escrow = if first_time {
            let d = r.day.format(DATE).to_string();
            let mut all = true;
            for starts in &covered {
                if self.quota_left(&d, starts)? == 0 {
                    all = false;
                    break;
                }
            }
            if all {
                for starts in &covered {
                    self.conn().execute(
                        "INSERT INTO sync_quota_use (mutation_id, day, starts) VALUES (?1, ?2, ?3)",
                        params![id, d, starts],
                    )?;
                }
            }
            all
        } else {
            escrow
        };
        if !escrow {
            self.conn().execute(
                "UPDATE reservations SET hold = 'provisional' WHERE number = ?1",
                [number.as_i64()],
            )?;
        }
        Ok(escrow)
    }

    fn covered_slots(&self, day: NaiveDate, starts: NaiveTime, slots: u32) -> Result<Vec<String>> {
        let (_, plan, _) = self.day_slots(day)?;
        Ok((0..slots)
            .map(|i| {
                (starts + chrono::Duration::minutes(i64::from(i * plan.slot_minutes)))
                    .format(TIME)
                    .to_string()
            })
            .collect())
    }

    fn quota_left(&self, day: &str, starts: &str) -> Result<u32> {
        Ok(self
            .conn()
            .query_row(
                "SELECT coalesce((SELECT places FROM sync_quota WHERE day = ?1 AND starts = ?2), 0)
                  - (SELECT count(*) FROM sync_quota_use WHERE day = ?1 AND starts = ?2)",
                params![day, starts],
                |r| r.get::<_, i64>(0),
            )?
            .max(0) as u32)
    }

    /// Places this seat can still confirm offline, per slot from today on.
    pub fn escrow_left(&self) -> Result<Vec<Quota>> {
        let today = self.today().format(DATE).to_string();
        let mut stmt = self.conn().prepare(
            "SELECT q.day, q.starts, q.places - (SELECT count(*) FROM sync_quota_use u WHERE u.day = q.day AND u.starts = q.starts)
             FROM sync_quota q WHERE q.day >= ?1 ORDER BY q.day, q.starts",
        )?;
        let rows = stmt.query_map([today], quota_row)?;
        quotas(rows)
    }

    /// Escrowed places used by bookings the hub has not answered yet, per slot (sent with each
    /// pull so the hub keeps them set aside).
    pub fn escrow_in_use(&self) -> Result<Vec<Quota>> {
        let mut stmt = self.conn().prepare(
            "SELECT day, starts, count(*) FROM sync_quota_use GROUP BY day, starts ORDER BY day, starts",
        )?;
        let rows = stmt.query_map([], quota_row)?;
        quotas(rows)
    }

    /// Replaces this seat's escrow with what the hub says it holds now.
    pub fn set_escrow(&self, quotas: &[Quota]) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM sync_quota", [])?;
        for q in quotas {
            tx.execute(
                "INSERT INTO sync_quota (day, starts, places) VALUES (?1, ?2, ?3)",
                params![
                    q.day.format(DATE).to_string(),
                    q.starts.format(TIME).to_string(),
                    q.places
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The outbox: mutations the hub has not answered yet, oldest first.
    pub fn pending_envelopes(&self, limit: usize) -> Result<Vec<Envelope>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, seq, hlc, base, escrow, origin, payload FROM mutations
             WHERE hub_version IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, seq, hlc, base, escrow, origin, payload) = row?;
            out.push(Envelope {
                id: id
                    .parse()
                    .map_err(|_| Error::Invalid("mutation id".into()))?,
                seq: seq as u64,
                hlc,
                base: base as u64,
                escrow,
                origin: from_json(&origin)?,
                mutation: from_json(&payload)?,
            });
        }
        Ok(out)
    }

    /// Records the hub's answers: each mutation is settled at its log version; escrowed
    /// places it used are no longer this seat's.
    pub fn acknowledge(&self, results: &[PushResult]) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        for r in results {
            let id = r.id.to_string();
            let state = match r.outcome {
                PushOutcome::Applied { .. } => "applied",
                PushOutcome::Conflict { .. } => "conflict",
            };
            tx.execute(
                "UPDATE mutations SET hub_version = ?2, state = ?3 WHERE id = ?1",
                params![id, r.outcome.version() as i64, state],
            )?;
            tx.execute(
                "UPDATE sync_quota SET places = max(places - 1, 0)
                 WHERE (day, starts) IN (SELECT day, starts FROM sync_quota_use WHERE mutation_id = ?1)",
                [&id],
            )?;
            tx.execute("DELETE FROM sync_quota_use WHERE mutation_id = ?1", [&id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies the hub's log after this seat's cursor and rebases the unsettled local
    /// mutations on top, in one transaction (a crash leaves the store as it was).
    pub fn integrate(&self, entries: &[Entry]) -> Result<Integrated> {
        let mut report = Integrated::default();
        if entries.is_empty() {
            return Ok(report);
        }
        let my_id = self.meta().store_id;
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let result = (|| {
            // Rows of this seat's own (sign-ins) may point at synced rows being rewound and
            // put back (a roster member): check those references at commit, not mid-way.
            self.conn()
                .execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let mut cursor = self.cursor()?;
            self.rewind()?;
            for e in entries {
                if e.version <= cursor {
                    continue; // already here (a pull repeated after a lost answer)
                }
                if e.version != cursor + 1 {
                    return Err(Error::SyncOutOfOrder {
                        expected: cursor + 1,
                        got: e.version,
                    });
                }
                self.conn().execute_batch("SAVEPOINT entry")?;
                self.set_origin(Some(e.origin.clone()));
                *self.sync.replay_escrow.borrow_mut() = room_day(&e.mutation).map(|day| {
                    let held = e.escrowed.iter().filter(|q| q.day == day);
                    (
                        day,
                        held.map(|q| (q.starts.format(TIME).to_string(), q.places))
                            .collect(),
                    )
                });
                let applied = self.apply(&e.mutation);
                *self.sync.replay_escrow.borrow_mut() = None;
                self.set_origin(None);
                match applied {
                    Ok(_) => {
                        self.conn().execute_batch("RELEASE entry")?;
                        report.applied += 1;
                    }
                    Err(err) => {
                        self.conn()
                            .execute_batch("ROLLBACK TO entry; RELEASE entry")?;
                        report.diverged += 1;
                        tracing::error!(version = e.version, kind = e.mutation.kind(), code = %error_code(&err), "hub log entry did not apply on this seat");
                    }
                }
                if e.seat_id == my_id {
                    let state = if matches!(e.mutation, Mutation::RaiseConflict { .. }) {
                        "conflict"
                    } else {
                        "applied"
                    };
                    let id = e.id.to_string();
                    self.conn().execute(
                        "UPDATE mutations SET hub_version = ?2, state = ?3 WHERE id = ?1",
                        params![id, e.version as i64, state],
                    )?;
                    self.conn()
                        .execute("DELETE FROM sync_quota_use WHERE mutation_id = ?1", [&id])?;
                }
                cursor = e.version;
            }
            self.conn().execute(
                "UPDATE sync_link SET cursor = ?1, last_sync = ?2 WHERE id = 1",
                params![cursor as i64, Utc::now().to_rfc3339()],
            )?;
            report.replayed = self.replay_unsettled(cursor)?;
            Ok(())
        })();
        match result {
            Ok(()) => {
                tx.commit()?;
                Ok(report)
            }
            Err(e) => {
                self.set_origin(None);
                let _ = self.end_capture();
                drop(tx); // rolls back
                Err(e)
            }
        }
    }

    /// Undoes every unsettled local mutation, newest change first.
    fn rewind(&self) -> Result<()> {
        let undo: Vec<(String, String, i64, Option<String>)> = self
            .conn()
            .prepare("SELECT tbl, op, rid, old FROM sync_undo ORDER BY id DESC")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let columns = self.sync.columns.borrow();
        for (tbl, op, rid, old) in undo {
            let table = synced_table(&tbl)?;
            let cols = &columns[table];
            let old: Vec<Value> = match old {
                Some(text) => from_json::<Vec<serde_json::Value>>(&text)?
                    .iter()
                    .map(to_value)
                    .collect(),
                None => Vec::new(),
            };
            match op.as_str() {
                "i" => {
                    self.conn()
                        .execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [rid])?;
                }
                "u" | "d" if old.len() == cols.len() => {
                    let mut values = old;
                    values.push(Value::Integer(rid));
                    let sql = if op == "u" {
                        let set = cols
                            .iter()
                            .enumerate()
                            .map(|(i, c)| format!("\"{c}\" = ?{}", i + 1))
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!("UPDATE {table} SET {set} WHERE rowid = ?{}", cols.len() + 1)
                    } else {
                        let names = cols
                            .iter()
                            .map(|c| format!("\"{c}\""))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let marks = (1..=cols.len())
                            .map(|i| format!("?{i}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!(
                            "INSERT INTO {table} ({names}, rowid) VALUES ({marks}, ?{})",
                            cols.len() + 1
                        )
                    };
                    self.conn()
                        .execute(&sql, rusqlite::params_from_iter(values))?;
                }
                _ => return Err(Error::Invalid(format!("malformed undo record for {table}"))),
            }
        }
        self.conn().execute("DELETE FROM sync_undo", [])?;
        Ok(())
    }

    /// Replays, on top of the hub's state, every local mutation the log does not hold yet.
    fn replay_unsettled(&self, cursor: u64) -> Result<usize> {
        let rows: Vec<(String, i64, bool, String, String)> = self
            .conn()
            .prepare(
                "SELECT id, seq, escrow, origin, payload FROM mutations
                 WHERE hub_version IS NULL OR hub_version > ?1 ORDER BY seq",
            )?
            .query_map([cursor as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut replayed = 0;
        for (id, seq, escrow, origin, payload) in rows {
            let mutation: Mutation = from_json(&payload)?;
            self.conn().execute_batch("SAVEPOINT replay")?;
            self.begin_capture(seq)?;
            self.set_origin(Some(from_json(&origin)?));
            let result = self
                .apply(&mutation)
                .and_then(|_| self.settle_hold(&mutation, &id, false, escrow));
            self.set_origin(None);
            self.end_capture()?;
            match result {
                Ok(_) => {
                    self.conn().execute_batch("RELEASE replay")?;
                    self.conn().execute(
                        "UPDATE mutations SET local_error = NULL WHERE id = ?1",
                        [&id],
                    )?;
                    replayed += 1;
                }
                Err(e) => {
                    // It stays in the outbox: the hub decides, and a refusal becomes a conflict.
                    self.conn()
                        .execute_batch("ROLLBACK TO replay; RELEASE replay")?;
                    self.conn().execute(
                        "UPDATE mutations SET local_error = ?2 WHERE id = ?1",
                        params![id, error_code(&e)],
                    )?;
                }
            }
        }
        Ok(replayed)
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

    pub(super) fn apply_raise_conflict(
        &self,
        c: &ConflictRecord,
        original: &Mutation,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO conflicts (id, seat, staff, kind, subject, reason, message, mutation, made_at, raised_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
                c.raised_at.to_rfc3339()
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
    pub fn authorise_sync_admin(&self, action: &str, subject: &str) -> Result<()> {
        let actor = self.require(crate::people::Permission::ManageStaff)?;
        self.audit(&actor, action, subject, "")
    }

    // ---- hub side ----

    /// Places set aside for other seats in `day`'s slots, when the hub is executing a push
    /// (room checks must leave them free). Empty otherwise.
    pub(crate) fn escrowed_elsewhere(&self, day: NaiveDate) -> Result<HashMap<String, u32>> {
        let Some((seat, escrow)) = *self.sync.hub_exec.borrow() else {
            return Ok(match &*self.sync.replay_escrow.borrow() {
                Some((d, held)) if *d == day => held.clone(),
                _ => HashMap::new(),
            });
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT starts, sum(places) FROM hub_quota WHERE day = ?1 AND NOT (?3 AND seat_id = ?2) GROUP BY starts",
        )?;
        let rows = stmt.query_map(
            params![day.format(DATE).to_string(), seat.to_string(), escrow],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        let mut out = HashMap::new();
        for row in rows {
            let (starts, n) = row?;
            out.insert(starts, n.max(0) as u32);
        }
        Ok(out)
    }

    /// The enrolled (not revoked) seat with this id.
    pub fn hub_seat(&self, seat_id: Uuid) -> Result<SeatRecord> {
        self.conn()
            .query_row(
                "SELECT seat_id, name, fingerprint, revoked_at, last_seq, last_seen FROM hub_seats WHERE seat_id = ?1",
                [seat_id.to_string()],
                seat_record,
            )
            .optional()?
            .ok_or(Error::NotEnrolled)
            .and_then(|s| if s.revoked_at.is_some() { Err(Error::SeatRevoked) } else { Ok(s) })
    }

    /// The enrolled (not revoked) seat holding the certificate with this fingerprint.
    pub fn hub_seat_by_fingerprint(&self, fingerprint: &str) -> Result<SeatRecord> {
        let seat = self
            .conn()
            .query_row(
                "SELECT seat_id, name, fingerprint, revoked_at, last_seq, last_seen FROM hub_seats WHERE fingerprint = ?1",
                [fingerprint],
                seat_record,
            )
            .optional()?
            .ok_or(Error::NotEnrolled)?;
        if seat.revoked_at.is_some() {
            return Err(Error::SeatRevoked);
        }
        Ok(seat)
    }

    /// Every seat the hub has enrolled, revoked ones included.
    pub fn hub_seats(&self) -> Result<Vec<SeatRecord>> {
        let mut stmt = self.conn().prepare(
            "SELECT seat_id, name, fingerprint, revoked_at, last_seq, last_seen FROM hub_seats ORDER BY position",
        )?;
        let rows = stmt.query_map([], seat_record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A new one-time enrolment code (valid [`ENROLMENT_CODE_MINUTES`] minutes, once).
    pub fn hub_enrolment_code(&self) -> Result<String> {
        use rand::Rng as _;
        // 12 characters from an alphabet without look-alikes: about 60 bits.
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rngs::OsRng;
        let raw: String = (0..12)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let code = format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12]);
        self.conn().execute(
            "INSERT INTO hub_enrolment_codes (code_hash, expires_at) VALUES (?1, ?2)",
            params![
                code_hash(&code),
                (Utc::now() + chrono::Duration::minutes(ENROLMENT_CODE_MINUTES)).to_rfc3339()
            ],
        )?;
        Ok(code)
    }

    /// Enrols a seat with a one-time code, pinning its certificate fingerprint. A wrong,
    /// used or expired code is refused the same way.
    pub fn hub_enrol(
        &self,
        code: &str,
        seat_id: Uuid,
        name: &str,
        fingerprint: &str,
    ) -> Result<SeatRecord> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let code = code.trim().to_uppercase();
        let used = tx.execute(
            "UPDATE hub_enrolment_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
            params![code_hash(&code), Utc::now().to_rfc3339()],
        )?;
        if used == 0 {
            return Err(Error::NotEnrolled);
        }
        tx.execute(
            "INSERT INTO hub_seats (seat_id, name, fingerprint, position, enrolled_at)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM hub_seats), ?4)
             ON CONFLICT (seat_id) DO UPDATE SET name = excluded.name, fingerprint = excluded.fingerprint, revoked_at = NULL",
            params![seat_id.to_string(), name, fingerprint, Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        self.hub_seat(seat_id)
    }

    /// Revokes a seat: its pin is deleted (it must enrol again with a new code) and the
    /// places set aside for it go back to the hub.
    pub fn hub_revoke(&self, seat_id: Uuid) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE hub_seats SET revoked_at = ?2, fingerprint = 'revoked:' || seat_id WHERE seat_id = ?1 AND revoked_at IS NULL",
            params![seat_id.to_string(), Utc::now().to_rfc3339()],
        )?;
        if n == 0 {
            return Err(Error::NotFound("enrolled seat"));
        }
        tx.execute(
            "DELETE FROM hub_quota WHERE seat_id = ?1",
            [seat_id.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The hub's log head.
    pub fn hub_head(&self) -> Result<u64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(version), 0) FROM hub_log", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// Re-executes a seat's pushed mutations in order, in one transaction with the seat's
    /// last sequence: a mutation already applied gets its first answer again; one the hub
    /// cannot apply is logged as a conflict instead. Nothing is ever dropped.
    pub fn hub_push(&self, seat_id: Uuid, batch: &[Envelope]) -> Result<Vec<PushResult>> {
        let seat = self.hub_seat(seat_id)?;
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let mut last_seq = seat.last_seq;
        let mut results = Vec::with_capacity(batch.len());
        for env in batch {
            if env.seq <= last_seq {
                results.push(self.hub_answer_again(env)?);
                continue;
            }
            if env.seq != last_seq + 1 {
                return Err(Error::SyncOutOfOrder {
                    expected: last_seq + 1,
                    got: env.seq,
                });
            }
            // The hub's clock follows the seats' hybrid clocks, within the drift bound: a seat
            // whose clock runs too far ahead is reported, and its change still applies (the
            // log's order, not the timestamps, decides every outcome).
            let stamp: uhlc::Timestamp = env.hlc.parse().map_err(|_| {
                Error::Invalid(format!("malformed HLC timestamp in mutation {}", env.seq))
            })?;
            if let Err(why) = self.hlc.update_with_timestamp(&stamp) {
                tracing::warn!(seat = %seat.name, "seat clock beyond the drift bound: {why}");
            }
            let version = self.hub_head()? + 1;
            self.conn().execute_batch("SAVEPOINT push")?;
            *self.sync.hub_exec.borrow_mut() = Some((seat_id, env.escrow));
            self.set_origin(Some(env.origin.clone()));
            let escrowed = match room_day(&env.mutation) {
                Some(day) => self
                    .escrowed_elsewhere(day)?
                    .into_iter()
                    .filter(|(_, places)| *places > 0)
                    .map(|(starts, places)| {
                        Ok(Quota {
                            day,
                            starts: parse_time(&starts)?,
                            places,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                None => Vec::new(),
            };
            let applied = if matches!(env.mutation, Mutation::RaiseConflict { .. }) {
                Err(Error::NotAllowed("only the hub raises conflicts".into()))
            } else {
                self.apply(&env.mutation).and_then(|_| {
                    if env.escrow {
                        self.hub_use_escrow(seat_id, &env.mutation)
                    } else {
                        Ok(())
                    }
                })
            };
            let (executed, outcome) = match applied {
                Ok(()) => {
                    self.conn().execute_batch("RELEASE push")?;
                    (env.mutation.clone(), PushOutcome::Applied { version })
                }
                Err(e) => {
                    self.conn()
                        .execute_batch("ROLLBACK TO push; RELEASE push")?;
                    let reason = error_code(&e);
                    // The message names no person (errors carry numbers and days only).
                    tracing::info!(seat = %seat.name, kind = env.mutation.kind(), %reason, "pushed mutation refused; recorded as a conflict");
                    let conflict = ConflictRecord {
                        id: env.id,
                        seat: env.origin.seat.clone(),
                        staff: env.origin.staff.clone(),
                        kind: env.mutation.kind().to_owned(),
                        subject: env.mutation.subject(),
                        reason: reason.clone(),
                        message: e.to_string(),
                        made_at: env.origin.at,
                        raised_at: Utc::now(),
                    };
                    let raise = Mutation::RaiseConflict {
                        conflict,
                        original: Box::new(env.mutation.clone()),
                    };
                    self.apply(&raise)?;
                    (raise, PushOutcome::Conflict { version, reason })
                }
            };
            *self.sync.hub_exec.borrow_mut() = None;
            self.set_origin(None);
            let entry = Entry {
                version,
                id: env.id,
                seat_id,
                seq: env.seq,
                origin: env.origin.clone(),
                mutation: executed,
                escrowed,
            };
            self.conn().execute(
                "INSERT INTO hub_log (version, mutation_id, seat_id, seq, entry) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![version as i64, env.id.to_string(), seat_id.to_string(), env.seq as i64, json(&entry)?],
            )?;
            last_seq = env.seq;
            results.push(PushResult {
                id: env.id,
                seq: env.seq,
                outcome,
            });
        }
        self.conn().execute(
            "UPDATE hub_seats SET last_seq = ?2, last_seen = ?3 WHERE seat_id = ?1",
            params![
                seat_id.to_string(),
                last_seq as i64,
                Utc::now().to_rfc3339()
            ],
        )?;
        tx.commit()?;
        Ok(results)
    }

    fn hub_answer_again(&self, env: &Envelope) -> Result<PushResult> {
        let (version, entry): (i64, String) = self
            .conn()
            .query_row(
                "SELECT version, entry FROM hub_log WHERE mutation_id = ?1",
                [env.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| {
                Error::Invalid(format!("sequence {} was applied under another id", env.seq))
            })?;
        let entry: Entry = from_json(&entry)?;
        let outcome = match entry.mutation {
            Mutation::RaiseConflict { conflict, .. } => PushOutcome::Conflict {
                version: version as u64,
                reason: conflict.reason,
            },
            _ => PushOutcome::Applied {
                version: version as u64,
            },
        };
        Ok(PushResult {
            id: env.id,
            seq: env.seq,
            outcome,
        })
    }

    /// A booking the seat confirmed from its escrow: those places are no longer set aside.
    fn hub_use_escrow(&self, seat_id: Uuid, mutation: &Mutation) -> Result<()> {
        let number = match mutation {
            Mutation::Book(b) => b.number,
            Mutation::Reschedule { number, .. } => *number,
            _ => return Ok(()),
        };
        let r = self.reservation(number)?;
        let d = r.day.format(DATE).to_string();
        for starts in self.covered_slots(r.day, r.starts, r.slots)? {
            self.conn().execute(
                "UPDATE hub_quota SET places = max(places - 1, 0) WHERE seat_id = ?1 AND day = ?2 AND starts = ?3",
                params![seat_id.to_string(), d, starts],
            )?;
        }
        Ok(())
    }

    /// The hub's log after `after`, at most `limit` entries, and the head.
    pub fn hub_changes(&self, after: u64, limit: usize) -> Result<(Vec<Entry>, u64)> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT entry FROM hub_log WHERE version > ?1 ORDER BY version LIMIT ?2",
        )?;
        let entries = stmt
            .query_map(params![after as i64, limit as i64], |r| {
                r.get::<_, String>(0)
            })?
            .map(|row| from_json(&row?))
            .collect::<Result<Vec<Entry>>>()?;
        Ok((entries, self.hub_head()?))
    }

    /// Sets the places set aside for `seat_id` over the next [`ESCROW_DAYS`] days and returns
    /// what it holds. The seat is online when it asks (a pull, right after its push), so what it
    /// holds beyond its share is given back, except what it says it has used offline and not
    /// pushed yet (`in_use`); what it lacks is granted from the free places left.
    pub fn hub_escrow_for(&self, seat_id: Uuid, in_use: &[Quota]) -> Result<Vec<Quota>> {
        let seat = self.hub_seat(seat_id)?;
        let seats = self
            .hub_seats()?
            .into_iter()
            .filter(|s| s.revoked_at.is_none())
            .collect::<Vec<_>>();
        let position = seats
            .iter()
            .position(|s| s.seat_id == seat.seat_id)
            .unwrap_or(0);
        let today = self.today();
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        self.conn().execute(
            "DELETE FROM hub_quota WHERE day < ?1",
            [today.format(DATE).to_string()],
        )?;
        let mut slot_index = 0usize;
        for offset in 0..ESCROW_DAYS {
            let day = today + chrono::Days::new(offset);
            let Ok((_, _, slots)) = self.day_slots(day) else {
                continue; // closed
            };
            let d = day.format(DATE).to_string();
            let held = self.hub_quota_on(&d)?;
            for slot in slots {
                let starts = slot.starts.format(TIME).to_string();
                let all_escrowed: u32 = held
                    .iter()
                    .filter(|(s, _, _)| *s == starts)
                    .map(|(_, _, n)| *n)
                    .sum();
                let mine: u32 = held
                    .iter()
                    .filter(|(s, id, _)| *s == starts && *id == seat_id.to_string())
                    .map(|(_, _, n)| *n)
                    .sum();
                let free = slot.free();
                let target = crate::sync::escrow_target(free, slot_index, position, seats.len());
                // Never past the pool over all seats, nor past the free places.
                let room = crate::sync::escrow_pool(free)
                    .min(free)
                    .saturating_sub(all_escrowed);
                // What the seat has used offline and not pushed yet stays its own.
                let used = in_use
                    .iter()
                    .filter(|q| q.day == day && q.starts == slot.starts)
                    .map(|q| q.places)
                    .sum::<u32>();
                let keep = target.max(used);
                let places = if keep < mine {
                    keep // the seat is online now: give back what it does not need
                } else {
                    mine + (keep - mine).min(room)
                };
                if places != mine {
                    self.conn().execute(
                        "INSERT INTO hub_quota (seat_id, day, starts, places) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (seat_id, day, starts) DO UPDATE SET places = excluded.places",
                        params![seat_id.to_string(), d, starts, places],
                    )?;
                }
                slot_index += 1;
            }
        }
        self.conn().execute(
            "UPDATE hub_seats SET last_seen = ?2 WHERE seat_id = ?1",
            params![seat_id.to_string(), Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        let mut stmt = self.conn().prepare(
            "SELECT day, starts, places FROM hub_quota WHERE seat_id = ?1 AND places > 0 ORDER BY day, starts",
        )?;
        let rows = stmt.query_map([seat_id.to_string()], quota_row)?;
        quotas(rows)
    }

    /// Places set aside per seat on `day` (slot start, seat id, places), for diagnostics.
    pub fn hub_escrow_on(&self, day: NaiveDate) -> Result<Vec<(String, String, u32)>> {
        self.hub_quota_on(&day.format(DATE).to_string())
    }

    fn hub_quota_on(&self, day: &str) -> Result<Vec<(String, String, u32)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT starts, seat_id, places FROM hub_quota WHERE day = ?1")?;
        let rows = stmt.query_map([day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every synced row, in a canonical order, as text: two stores hold the same data
    /// exactly when their dumps are equal (the convergence tests compare them).
    pub fn synced_dump(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for table in SYNCED_TABLES {
            let mut stmt = self.conn().prepare(&format!("SELECT * FROM {table}"))?;
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let mut cells = Vec::with_capacity(n);
                    for i in 0..n {
                        let v: Value = r.get(i)?;
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

    /// Every table of the store (each must be classified as synced or local).
    pub fn table_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
    })
}

/// Checks what sync promises once every outbox is drained and every seat has pulled the whole
/// log: the seats hold exactly the hub's synced rows; every mutation any seat made is in the
/// hub's log once (none lost, none applied twice); no slot is over capacity; no booking is
/// left provisional; every refused booking is a conflict. Returns the problems found.
pub fn convergence_problems(hub: &Store, seats: &[&Store]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let expected = hub.synced_dump()?;
    let (log, head) = hub.hub_changes(0, usize::MAX >> 1)?;
    let mut made = 0;
    for seat in seats {
        let name = &seat.meta().seat_name;
        let outbox = seat.outbox_status()?;
        if outbox.pending > 0 || outbox.provisional > 0 {
            problems.push(format!(
                "{name}: {} pending, {} provisional",
                outbox.pending, outbox.provisional
            ));
        }
        let dump = seat.synced_dump()?;
        if dump != expected {
            let only_seat = dump.iter().filter(|r| !expected.contains(r)).count();
            let only_hub = expected.iter().filter(|r| !dump.contains(r)).count();
            problems.push(format!(
                "{name}: {only_seat} rows only on the seat, {only_hub} only on the hub"
            ));
        }
        made += seat.mutation_count()?;
    }
    let ids: std::collections::HashSet<Uuid> = log.iter().map(|e| e.id).collect();
    if log.len() as u64 != head || ids.len() != log.len() {
        problems.push(format!(
            "hub log: {} entries, {} distinct ids, head {head}",
            log.len(),
            ids.len()
        ));
    }
    if made != log.len() {
        problems.push(format!(
            "seats made {made} mutations, the hub logged {}",
            log.len()
        ));
    }
    let days: Vec<String> = hub
        .conn()
        .prepare("SELECT DISTINCT day FROM reservations")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for day in days {
        let day = parse_date(&day)?;
        if let Ok((_, _, slots)) = hub.day_slots(day) {
            for slot in slots.iter().filter(|s| s.taken > s.capacity) {
                problems.push(format!(
                    "{day} {}: {} taken of {}",
                    slot.starts, slot.taken, slot.capacity
                ));
            }
        }
    }
    let refused = log
        .iter()
        .filter(|e| matches!(&e.mutation, Mutation::RaiseConflict { original, .. } if matches!(**original, Mutation::Book(_))))
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

/// The day whose free places a mutation's outcome depends on.
fn room_day(mutation: &Mutation) -> Option<NaiveDate> {
    match mutation {
        Mutation::Book(b) => Some(b.day),
        Mutation::Reschedule { day, .. } => Some(*day),
        _ => None,
    }
}

fn code_hash(code: &str) -> String {
    fingerprint(code.as_bytes())
}
