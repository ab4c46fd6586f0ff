//! A seat's side: the outbox, applying the hub's effects, verifying the digest, repairing from
//! a snapshot, and the round that drives it all ([`SeatRound`]), free of any I/O so that the
//! network client and the in-process tests run the very same steps.
//!
//! Each local mutation is applied at once and kept in the outbox with undo records of every
//! row it touched. A pull rewinds the unsettled mutations, applies the hub's effects as they are
//! (no domain code, no session, no local rules), checks that the rows now have the hub's digest
//! at that version, then replays the unsettled mutations on top. A digest that differs, a log
//! the seat does not know, or a hub that went back in time makes the seat load a snapshot,
//! record it in the audit trail and show it on the 同期 screen: convergence is verified.
use super::protocol::{Answer, Hello, Request, SnapshotPage, Welcome, PULL_PAGE, PUSH_BATCH};
use crate::mutation::{ConflictMutation, Mutation, ReservationMutation};
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, Utc};
use rusqlite::{params, TransactionBehavior};
use uuid::Uuid;

use super::{error_code, from_json, quota_row, quotas, rows::Row, SYNCED_TABLES};
use crate::{
    people::Actor,
    store::{migrate, Store, DATE, TIME},
    sync::{Entry, Envelope, PushOutcome, PushResult, Quota},
    Error, Result,
};

/// How often a seat recomputes its digests from its rows (besides the first round).
pub const DIGEST_RECHECK: std::time::Duration = std::time::Duration::from_secs(600);

/// What a pull changed here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Integrated {
    /// Hub log entries applied.
    pub applied: usize,
    /// This seat's own mutations replayed on top.
    pub replayed: usize,
    /// The rows did not reach the hub's digest: nothing was kept, a snapshot is needed.
    pub diverged: bool,
}

/// The synced rows at a log version, being assembled from snapshot pages and the log entries
/// after the first page (pages are read while the hub goes on, so the log makes them exact).
#[derive(Debug, Default)]
pub struct SnapshotBuilder {
    log_id: String,
    /// The version of the first page: the log is applied from here.
    from: u64,
    /// The version reached.
    version: u64,
    rows: BTreeMap<(usize, i64), Row>,
    /// This seat's own mutations met in the log: (id, version, refused).
    own: Vec<(Uuid, u64, bool)>,
}

impl SnapshotBuilder {
    fn add_page(&mut self, page: SnapshotPage) -> Result<()> {
        if self.log_id.is_empty() {
            self.log_id = page.log_id.clone();
            self.from = page.version;
            self.version = page.version;
        } else if self.log_id != page.log_id {
            return Err(Error::SyncProtocol(
                "the hub's log changed during a snapshot".into(),
            ));
        }
        for e in page.rows {
            let table = table_index(&e.table)?;
            let row = e
                .row
                .ok_or_else(|| Error::SyncProtocol("a snapshot row without data".into()))?;
            self.rows.insert((table, e.rowid), row);
        }
        Ok(())
    }

    fn apply(&mut self, entries: Vec<Entry>, me: Uuid) -> Result<()> {
        for e in entries {
            if e.version != self.version + 1 {
                return Err(Error::SyncOutOfOrder {
                    expected: self.version + 1,
                    got: e.version,
                });
            }
            for effect in e.effects {
                let key = (table_index(&effect.table)?, effect.rowid);
                match effect.row {
                    Some(row) => self.rows.insert(key, row),
                    None => self.rows.remove(&key),
                };
            }
            if e.seat_id == me {
                let refused = matches!(
                    e.mutation,
                    Mutation::Conflict(ConflictMutation::RaiseConflict { .. })
                );
                self.own.push((e.id, e.version, refused));
            }
            self.version = e.version;
        }
        Ok(())
    }
}

fn table_index(name: &str) -> Result<usize> {
    SYNCED_TABLES
        .iter()
        .position(|t| *t == name)
        .ok_or_else(|| Error::SyncProtocol(format!("not a synced table: {name}")))
}

/// Where a round is.
#[derive(Debug, Default)]
enum Stage {
    #[default]
    Hello,
    Push,
    Pull,
    Snapshot,
    CatchUp,
    AuditHead,
    Audit(u64),
    Done,
}

/// One sync round of a seat: hello, push the outbox, pull and verify (or load a snapshot),
/// ship the audit chain. Drive it with [`Store::sync_step`]: feed each answer in, send each
/// request it returns, until it says [`Step::Done`].
#[derive(Debug, Default)]
pub struct SeatRound {
    stage: Stage,
    /// Why a snapshot is needed (set at hello, or by a reset or a digest mismatch).
    repair: Option<String>,
    snapshot: Option<SnapshotBuilder>,
    /// Snapshots started this round (a bound against a loop).
    snapshots: u32,
    /// The audit trail moved to a new chain this round.
    forked: bool,
    /// Only send the outbox (enrolment: this PC's work reaches the hub before another PC
    /// enrols and the hub sets places aside for it); receiving is the next round's.
    push_only: bool,
    report: RoundReport,
}

impl SeatRound {
    /// A round that only sends this seat's outbox (hello, then push) and ends.
    pub fn push_only() -> SeatRound {
        SeatRound {
            push_only: true,
            ..SeatRound::default()
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Mutations the hub answered.
    pub pushed: usize,
    /// Log entries applied here.
    pub pulled: usize,
    /// A snapshot was loaded, and why (`first`, `log_id`, `ahead`, `digest`, `compacted`).
    pub snapshot: Option<String>,
    /// Mutations the hub had lost (restored from an older copy) and got again.
    pub resent: usize,
}

/// What to do next.
#[derive(Debug)]
pub enum Step {
    /// Send this to the hub and feed its answer back.
    Send(Request),
    /// The round is over.
    Done(RoundReport),
}

impl Store {
    /// Advances a round: `answer` is the hub's answer to the last request (`None` to start).
    pub fn sync_step(&self, round: &mut SeatRound, answer: Option<Answer>) -> Result<Step> {
        let stage = std::mem::take(&mut round.stage);
        let step = match (stage, answer) {
            (Stage::Hello, None) => {
                self.verify_kept_digest()?;
                round.stage = Stage::Hello;
                Step::Send(Request::Hello(Hello {
                    app_version: env!("CARGO_PKG_VERSION").to_owned(),
                    schema_version: migrate::known_version(),
                }))
            }
            (Stage::Hello, Some(Answer::Welcome(w))) => {
                self.welcome(round, &w)?;
                self.next_push(round)?
            }
            (Stage::Push, Some(Answer::Pushed { results })) => {
                round.report.pushed += results.len();
                self.acknowledge(&results)?;
                self.next_push(round)?
            }
            (
                Stage::Pull,
                Some(Answer::Changes {
                    log_id,
                    entries,
                    head,
                    digest,
                    escrow,
                }),
            ) => {
                if self.sync_link()?.and_then(|l| l.log_id) != Some(log_id) {
                    return Err(Error::SyncProtocol("changes from another log".into()));
                }
                let last = entries.last().map(|e| e.version);
                round.report.pulled += entries.len();
                let done = self.integrate(&entries, &digest)?;
                self.set_escrow(&escrow)?;
                if done.diverged {
                    tracing::warn!("synced rows differ from the hub's: loading a snapshot");
                    self.start_snapshot(round, "digest")?
                } else if last.is_some_and(|v| v < head) {
                    self.pull(round)?
                } else {
                    round.stage = Stage::AuditHead;
                    Step::Send(Request::AuditHead {
                        chain: self.audit_chain()?,
                    })
                }
            }
            (Stage::AuditHead, Some(Answer::AuditStored { head })) => {
                self.next_audit(round, head)?
            }
            (Stage::Pull | Stage::CatchUp, Some(Answer::Reset { reason })) => {
                self.start_snapshot(round, &reason)?
            }
            (Stage::Snapshot, Some(Answer::Snapshot(page))) => {
                let next = page.next.clone();
                let builder = round.snapshot.get_or_insert_with(SnapshotBuilder::default);
                builder.add_page(page)?;
                match next {
                    Some(from) => {
                        round.stage = Stage::Snapshot;
                        Step::Send(Request::Snapshot { from: Some(from) })
                    }
                    None => self.catch_up(round)?,
                }
            }
            (
                Stage::CatchUp,
                Some(Answer::Changes {
                    entries,
                    head,
                    digest,
                    ..
                }),
            ) => {
                let builder = round.snapshot.as_mut().expect("a snapshot is being built");
                builder.apply(entries, self.meta().store_id)?;
                if builder.version < head {
                    self.catch_up(round)?
                } else {
                    let builder = round.snapshot.take().expect("a snapshot is being built");
                    let reason = round.repair.take().unwrap_or_else(|| "first".into());
                    self.install_snapshot(builder, &digest, &reason)?;
                    round.report.snapshot = Some(reason);
                    self.pull(round)?
                }
            }
            (Stage::Audit(head), Some(Answer::AuditStored { head: stored })) => {
                if stored <= head {
                    return Err(Error::SyncProtocol(
                        "the hub did not take the audit entries".into(),
                    ));
                }
                self.conn().execute(
                    "UPDATE sync_link SET audit_shipped = ?1 WHERE id = 1",
                    [stored as i64],
                )?;
                self.next_audit(round, stored)?
            }
            (Stage::Audit(_), Some(Answer::AuditFork { held })) if !round.forked => {
                // This PC was restored from an older copy: its trail goes on on a new chain.
                round.forked = true;
                let shipped: i64 = self.conn().query_row(
                    "SELECT audit_shipped FROM sync_link WHERE id = 1",
                    [],
                    |r| r.get(0),
                )?;
                self.fork_audit_chain(held, shipped as u64)?;
                self.conn()
                    .execute("UPDATE sync_link SET audit_shipped = 0 WHERE id = 1", [])?;
                self.next_audit(round, 0)?
            }
            (_, Some(Answer::Refused { code, message })) => {
                return Err(Error::SyncProtocol(format!("refused ({code}): {message}")))
            }
            (stage, answer) => {
                return Err(Error::SyncProtocol(format!(
                    "unexpected answer {} in stage {stage:?}",
                    answer.map_or("none", |a| answer_name(&a))
                )))
            }
        };
        if let Step::Done(_) = step {
            round.stage = Stage::Done;
        }
        Ok(step)
    }

    /// The kept digests follow every write made through this app; rows changed any other way
    /// (another program, a damaged or partly restored file) would go unseen. So the first
    /// round after unlock, and one every [`DIGEST_RECHECK`], recomputes them from the rows: a
    /// difference then shows as a mismatch with the hub, and the seat repairs itself.
    fn verify_kept_digest(&self) -> Result<()> {
        let due = self
            .sync
            .verified_at
            .get()
            .is_none_or(|at| at.elapsed() >= DIGEST_RECHECK);
        if due {
            if self.recompute_sync_digest()? {
                tracing::warn!(
                    "synced rows were changed outside this app: the next pull repairs them"
                );
            }
            self.sync.verified_at.set(Some(std::time::Instant::now()));
        }
        Ok(())
    }

    /// Records the hub's versions, refuses to go on with another schema, and reconciles the
    /// outbox with what the hub holds of this seat.
    fn welcome(&self, round: &mut SeatRound, w: &Welcome) -> Result<()> {
        self.conn().execute(
            "UPDATE sync_link SET hub_version = ?1, hub_schema = ?2, hub_name = ?3 WHERE id = 1",
            params![w.app_version, w.schema_version, w.hub_name],
        )?;
        let ours = migrate::known_version();
        if w.schema_version != ours {
            return Err(Error::SyncVersionMismatch {
                seat: ours,
                hub: w.schema_version,
                older: if ours < w.schema_version {
                    "seat"
                } else {
                    "hub"
                },
            });
        }
        round.report.resent = self.reconcile_outbox(w.last_seq)?;
        let link = self.sync_link()?.ok_or(Error::NotEnrolled)?;
        round.repair = match link.log_id {
            None => Some("first".into()),
            Some(id) if id != w.log_id => Some("log_id".into()),
            Some(_) => None,
        };
        Ok(())
    }

    fn next_push(&self, round: &mut SeatRound) -> Result<Step> {
        let batch = self.pending_envelopes(PUSH_BATCH)?;
        if !batch.is_empty() {
            round.stage = Stage::Push;
            return Ok(Step::Send(Request::Push { batch }));
        }
        if round.push_only {
            return Ok(Step::Done(round.report.clone()));
        }
        match round.repair.clone() {
            Some(reason) => self.start_snapshot(round, &reason),
            None => self.pull(round),
        }
    }

    fn pull(&self, round: &mut SeatRound) -> Result<Step> {
        let link = self.sync_link()?.ok_or(Error::NotEnrolled)?;
        round.stage = Stage::Pull;
        Ok(Step::Send(Request::Pull {
            after: link.cursor,
            log_id: link.log_id.unwrap_or_default(),
            known: link.hub_digest,
            escrow_in_use: self.escrow_in_use()?,
        }))
    }

    fn start_snapshot(&self, round: &mut SeatRound, reason: &str) -> Result<Step> {
        round.snapshots += 1;
        if round.snapshots > 2 {
            // The hub's rows keep moving away, or keep differing after a load: try next round.
            return Err(Error::SyncRepairFailed { version: 0 });
        }
        round.repair = Some(reason.to_owned());
        round.snapshot = Some(SnapshotBuilder::default());
        round.stage = Stage::Snapshot;
        Ok(Step::Send(Request::Snapshot { from: None }))
    }

    fn catch_up(&self, round: &mut SeatRound) -> Result<Step> {
        let builder = round.snapshot.as_ref().expect("a snapshot is being built");
        round.stage = Stage::CatchUp;
        Ok(Step::Send(Request::Pull {
            after: builder.version,
            log_id: builder.log_id.clone(),
            known: None,
            escrow_in_use: self.escrow_in_use()?,
        }))
    }

    fn next_audit(&self, round: &mut SeatRound, head: u64) -> Result<Step> {
        let entries = self.audit_chain_after(head, PULL_PAGE)?;
        if entries.is_empty() {
            return Ok(Step::Done(round.report.clone()));
        }
        round.stage = Stage::Audit(head);
        Ok(Step::Send(Request::PushAudit { entries }))
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

    /// At hello, with the last sequence of this seat's that the hub holds: mutations the hub
    /// has lost (it was restored from an older copy) are pending again, and the outbox is
    /// numbered after what the hub holds (this seat was restored from an older copy, and the
    /// hub holds sequences it no longer has). Returns how many mutations are to be sent again.
    pub fn reconcile_outbox(&self, hub_last_seq: u64) -> Result<usize> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let resent = tx.execute(
            "UPDATE mutations SET hub_version = NULL, state = 'pending' WHERE seq > ?1 AND hub_version IS NOT NULL",
            [hub_last_seq as i64],
        )?;
        let settled: i64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) FROM mutations WHERE hub_version IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        let base = settled.max(hub_last_seq as i64);
        let first_pending: Option<i64> = tx.query_row(
            "SELECT min(seq) FROM mutations WHERE hub_version IS NULL",
            [],
            |r| r.get(0),
        )?;
        if first_pending.is_some_and(|s| s <= base) {
            // Renumber in order, through negative numbers (seq is unique).
            let pending: Vec<i64> = tx
                .prepare("SELECT seq FROM mutations WHERE hub_version IS NULL ORDER BY seq")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for (i, seq) in pending.iter().enumerate() {
                let new = base + 1 + i as i64;
                tx.execute(
                    "UPDATE mutations SET seq = ?2 WHERE seq = ?1",
                    params![seq, -new],
                )?;
                tx.execute(
                    "UPDATE sync_undo SET seq = ?2 WHERE seq = ?1",
                    params![seq, -new],
                )?;
            }
            tx.execute_batch(
                "UPDATE mutations SET seq = -seq WHERE seq < 0; UPDATE sync_undo SET seq = -seq WHERE seq < 0;",
            )?;
            tracing::info!(
                count = pending.len(),
                after = base,
                "outbox renumbered after what the hub holds"
            );
        }
        tx.commit()?;
        if resent > 0 {
            tracing::warn!(
                count = resent,
                "the hub does not hold mutations it had answered: sending them again"
            );
        }
        Ok(resent)
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
            Mutation::Reservation(ReservationMutation::Book(b)) => b.number,
            Mutation::Reservation(ReservationMutation::Reschedule { number, .. }) => *number,
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

    pub(super) fn covered_slots(
        &self,
        day: NaiveDate,
        starts: NaiveTime,
        slots: u32,
    ) -> Result<Vec<String>> {
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

    /// The outbox: mutations the hub has not answered yet, oldest first, as one push batch: at
    /// most `limit` of them and about [`super::protocol::PAGE_BYTES`] of JSON (at least one
    /// when there is one), so a batch of long notes stays well under the frame limit.
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
        let (mut out, mut bytes) = (Vec::new(), 0usize);
        for row in rows {
            let (id, seq, hlc, base, escrow, origin, payload) = row?;
            let envelope = Envelope {
                id: id
                    .parse()
                    .map_err(|_| Error::Invalid("mutation id".into()))?,
                seq: seq as u64,
                hlc,
                base: base as u64,
                escrow,
                origin: from_json(&origin)?,
                mutation: from_json(&payload)?,
            };
            let size = super::json(&envelope)?.len();
            if !out.is_empty() && bytes + size > super::protocol::PAGE_BYTES {
                break;
            }
            bytes += size;
            out.push(envelope);
        }
        Ok(out)
    }

    /// Records the hub's answers: each mutation is settled at its log version; escrowed
    /// places it used are no longer this seat's.
    pub fn acknowledge(&self, results: &[PushResult]) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        for r in results {
            let id = r.id.to_string();
            let refused = matches!(r.outcome, PushOutcome::Conflict { .. });
            self.settle(&id, r.outcome.version(), refused)?;
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

    /// Marks one of this seat's mutations as settled by the hub at `version`.
    fn settle(&self, id: &str, version: u64, refused: bool) -> Result<()> {
        self.conn().execute(
            "UPDATE mutations SET hub_version = ?2, state = ?3 WHERE id = ?1",
            params![
                id,
                version as i64,
                if refused { "conflict" } else { "applied" }
            ],
        )?;
        Ok(())
    }

    /// Applies the hub's log entries after this seat's cursor, in one transaction (a crash
    /// leaves the store as it was): rewinds the unsettled local mutations, applies the entries'
    /// effects, checks the rows against the hub's `digest` at the last entry, then replays the
    /// unsettled mutations on top. When the digest differs nothing is kept and
    /// [`Integrated::diverged`] says a snapshot is needed.
    pub fn integrate(&self, entries: &[Entry], digest: &str) -> Result<Integrated> {
        let mut report = Integrated::default();
        let rewound: bool =
            self.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM sync_undo)", [], |r| r.get(0))?;
        if entries.is_empty() && rewound {
            // The rows here hold pending changes: the check waits for the next entries.
            self.touch_last_sync()?;
            return Ok(report);
        }
        let my_id = self.meta().store_id;
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let result = (|| {
            // Rows of this seat's own (sign-ins) may point at synced rows being rewound and
            // put back (a roster member): check those references at commit, not mid-way.
            self.conn()
                .execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let link = self.sync_link()?.ok_or(Error::NotEnrolled)?;
            let mut cursor = link.cursor;
            self.rewind()?;
            for e in entries {
                if e.version != cursor + 1 {
                    return Err(Error::SyncOutOfOrder {
                        expected: cursor + 1,
                        got: e.version,
                    });
                }
                self.put_effects(&e.effects)?;
                if e.seat_id == my_id {
                    let refused = matches!(
                        e.mutation,
                        Mutation::Conflict(ConflictMutation::RaiseConflict { .. })
                    );
                    self.settle(&e.id.to_string(), e.version, refused)?;
                    self.conn().execute(
                        "DELETE FROM sync_quota_use WHERE mutation_id = ?1",
                        [e.id.to_string()],
                    )?;
                }
                report.applied += 1;
                cursor = e.version;
            }
            if self.sync_digest()? != digest {
                report.diverged = true;
                return Ok(());
            }
            self.conn().execute(
                "UPDATE sync_link SET cursor = ?1, last_sync = ?2, hub_digest = ?3 WHERE id = 1",
                params![cursor as i64, Utc::now().to_rfc3339(), digest],
            )?;
            report.replayed = self.replay_unsettled(cursor)?;
            Ok(())
        })();
        match result {
            Ok(()) if !report.diverged => {
                tx.commit()?;
                self.refresh_session()?;
                Ok(report)
            }
            Ok(()) => {
                drop(tx); // rolls back: the seat's rows stay as they were until the snapshot
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

    fn touch_last_sync(&self) -> Result<()> {
        self.conn().execute(
            "UPDATE sync_link SET last_sync = ?1 WHERE id = 1",
            [Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// Replaces the synced rows with a snapshot at the hub's digest, in one transaction, then
    /// replays the unsettled mutations on top; records the repair in the audit trail and on
    /// the 同期 screen (`reason` "first" for a seat's first load, which is no repair).
    fn install_snapshot(
        &self,
        snapshot: SnapshotBuilder,
        digest: &str,
        reason: &str,
    ) -> Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let result = (|| {
            self.conn()
                .execute_batch("PRAGMA defer_foreign_keys = ON; DELETE FROM sync_undo;")?;
            for table in SYNCED_TABLES.iter().rev() {
                self.conn().execute(&format!("DELETE FROM {table}"), [])?;
            }
            for ((table, rowid), row) in &snapshot.rows {
                self.put_row(SYNCED_TABLES[*table], *rowid, Some(row))?;
            }
            if self.sync_digest()? != digest {
                return Err(Error::SyncRepairFailed {
                    version: snapshot.version,
                });
            }
            for (id, version, refused) in &snapshot.own {
                self.settle(&id.to_string(), *version, *refused)?;
                self.conn().execute(
                    "DELETE FROM sync_quota_use WHERE mutation_id = ?1",
                    [id.to_string()],
                )?;
            }
            let repair = reason != "first";
            self.conn().execute(
                "UPDATE sync_link SET cursor = ?1, log_id = ?2, hub_digest = ?3, last_sync = ?4,
                     repairs = repairs + ?5,
                     last_repair_at = CASE WHEN ?5 THEN ?4 ELSE last_repair_at END,
                     last_repair_reason = CASE WHEN ?5 THEN ?6 ELSE last_repair_reason END
                 WHERE id = 1",
                params![
                    snapshot.version as i64,
                    snapshot.log_id,
                    digest,
                    Utc::now().to_rfc3339(),
                    repair,
                    reason
                ],
            )?;
            self.replay_unsettled(snapshot.version)?;
            if repair {
                let actor = Actor::Site {
                    tool: "sync".into(),
                };
                self.audit(&actor, "sync_repair", reason, &snapshot.version.to_string())?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                tx.commit()?;
                tracing::info!(
                    version = snapshot.version,
                    rows = snapshot.rows.len(),
                    reason,
                    "loaded a snapshot from the hub"
                );
                self.refresh_session()
            }
            Err(e) => {
                self.set_origin(None);
                let _ = self.end_capture();
                drop(tx);
                Err(e)
            }
        }
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
}

fn answer_name(a: &Answer) -> &'static str {
    match a {
        Answer::Welcome(_) => "welcome",
        Answer::Pushed { .. } => "pushed",
        Answer::Changes { .. } => "changes",
        Answer::Reset { .. } => "reset",
        Answer::Snapshot(_) => "snapshot",
        Answer::AuditStored { .. } => "audit_stored",
        Answer::AuditFork { .. } => "audit_fork",
        Answer::Enrolled { .. } => "enrolled",
        Answer::Code { .. } => "code",
        Answer::SeatList { .. } => "seat_list",
        Answer::Revoked => "revoked",
        Answer::Notify { .. } => "notify",
        Answer::Refused { .. } => "refused",
    }
}
