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
    sync::{Effect, Entry, Envelope, PushOutcome, PushResult, Quota},
    Error, Result,
};

/// How often a seat recomputes its digests from its rows (besides the first round).
pub const DIGEST_RECHECK: std::time::Duration = std::time::Duration::from_secs(600);

/// The most rows one part of that recompute reads (about 10 ms).
pub const DIGEST_PART: usize = 10_000;

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
///
/// A seat that never made a change (a new PC: its synced tables hold only what the migrations
/// put in every store) writes the pages into its tables as they arrive, a part at a time
/// ([`Store::sync_work`]), and then the entries, one short transaction each, so the store is
/// never held for long; the rows are the hub's once the digest at the head agrees, and only
/// then does the seat follow the log (until then the screens may show part of the hub's rows).
/// A change made on the seat meanwhile makes it start again the other way. Any other seat (a
/// repair, or a PC that worked on its own before it enrolled) gathers the rows in memory and
/// replaces its rows in one transaction, so that what it shows never goes back.
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
    /// Pages received.
    pages: usize,
    /// The rows go straight into the tables (see above): `Some` with the outbox's last
    /// sequence when that began (0), `None` while they are kept in memory.
    streaming: Option<i64>,
    /// Whether to try writing pages into the tables (a seat's first snapshot).
    stream: bool,
    /// The last page's rows, written in parts ([`Store::sync_work`]) up to `written`.
    pending: Vec<Effect>,
    written: usize,
    /// A change was made here while the rows were being written: the snapshot starts again,
    /// in memory.
    abandoned: bool,
}

impl SnapshotBuilder {
    /// Checks a page belongs to the log the earlier ones came from.
    fn begin_page(&mut self, page: &SnapshotPage) -> Result<()> {
        if self.log_id.is_empty() {
            self.log_id = page.log_id.clone();
            self.from = page.version;
            self.version = page.version;
        } else if self.log_id != page.log_id {
            return Err(Error::SyncProtocol(
                "the hub's log changed during a snapshot".into(),
            ));
        }
        self.pages += 1;
        Ok(())
    }

    fn add_page(&mut self, page: SnapshotPage) -> Result<()> {
        self.begin_page(&page)?;
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
            if e.seat_id == me {
                self.own.push((e.id, e.version, refused(&e)));
            }
            for effect in e.effects {
                let key = (table_index(&effect.table)?, effect.rowid);
                match effect.row {
                    Some(row) => self.rows.insert(key, row),
                    None => self.rows.remove(&key),
                };
            }
            self.version = e.version;
        }
        Ok(())
    }
}

/// Whether the hub refused the mutation of `entry` (it executed a conflict in its place).
fn refused(entry: &Entry) -> bool {
    matches!(
        entry.mutation,
        Some(Mutation::Conflict(ConflictMutation::RaiseConflict { .. }))
    )
}

fn table_index(name: &str) -> Result<usize> {
    SYNCED_TABLES
        .iter()
        .position(|t| *t == name)
        .ok_or_else(|| Error::SyncProtocol(format!("not a synced table: {name}")))
}

/// This seat's mutations the log does not hold at a version (`?1`): pending, or settled
/// further in the log than the rows here.
/// (`+seq`: sorted afterwards, so that both sides of the OR are found by the `hub_version`
/// index rather than by reading every mutation in `seq` order.)
const UNSETTLED_SEQS: &str =
    "SELECT seq FROM mutations WHERE hub_version IS NULL OR hub_version > ?1 ORDER BY +seq";

/// The most rows of a snapshot page [`Store::sync_work`] writes in one part (a few
/// milliseconds each).
const WORK_ROWS: usize = 4_000;

/// The most of this seat's own entries gathered before moving over them (their ids and
/// versions, a few dozen bytes each, not their rows).
const FAST_FORWARD_MAX: usize = 50_000;

/// How far a check of the kept digests has gone ([`Store::verify_kept_digest`]).
#[derive(Debug, Default)]
struct DigestCheck {
    /// The table being read (an index into [`SYNCED_TABLES`]), from after rowid `after`.
    table: usize,
    after: i64,
    /// The XOR of the row hashes read so far (per digest key), and the digests kept when
    /// they were read.
    xor: super::rows::Xors,
    kept: Option<super::rows::Xors>,
    /// Times the table was written while being read.
    tries: u32,
    /// A kept digest did not match its rows.
    stale: bool,
}

/// This seat's own entries pulled in a row and not applied yet.
#[derive(Debug, Default)]
struct OwnRun {
    /// (id, version, refused) of each, in log order.
    settled: Vec<(Uuid, u64, bool)>,
    /// The first version gathered.
    first: u64,
    /// The last version gathered, and the hub's digest there.
    version: u64,
    digest: String,
    /// Pages gathered.
    pages: usize,
    /// Reservations the run's bookings and moves hold places for: a seat marks one it made
    /// beyond its escrow provisional, and the hub, executing it, confirms it.
    held: Vec<i64>,
}

impl OwnRun {
    fn add(&mut self, entries: &[Entry], digest: &str) {
        if self.settled.is_empty() {
            self.first = entries.first().map_or(0, |e| e.version);
        }
        self.settled
            .extend(entries.iter().map(|e| (e.id, e.version, refused(e))));
        self.held
            .extend(entries.iter().filter_map(|e| match e.mutation.as_ref()? {
                Mutation::Reservation(ReservationMutation::Book(b)) => Some(b.number.as_i64()),
                Mutation::Reservation(ReservationMutation::Reschedule { number, .. }) => {
                    Some(number.as_i64())
                }
                _ => None,
            }));
        self.version = entries.last().map_or(self.version, |e| e.version);
        self.digest = digest.to_owned();
        self.pages += 1;
    }
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
    /// The kept digests being checked against the rows, part by part.
    digest_check: Option<DigestCheck>,
    /// This seat's own entries gathered for a fast-forward.
    run: Option<OwnRun>,
    /// Indexes a first load set aside are being built again, one per part.
    build_indexes: bool,
    /// A fast-forward did not reach the hub's digest this round: entries are applied page by
    /// page, rewinding and replaying.
    no_fast_forward: bool,
    report: RoundReport,
}

impl SeatRound {
    /// Whether the round has local work to do before its next answer ([`Store::sync_work`]).
    pub fn has_work(&self) -> bool {
        self.digest_check.is_some()
            || self.build_indexes
            || self.snapshot.as_ref().is_some_and(|b| {
                b.streaming.is_some() && !b.abandoned && b.written < b.pending.len()
            })
    }

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
    /// Of which this seat's own, moved over without rewinding and applying them (its rows
    /// already were the hub's there).
    pub fast_forwarded: usize,
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
        while round.digest_check.is_some() {
            self.digest_check_part(round, usize::MAX)?;
        }
        while round.build_indexes {
            round.build_indexes = self.build_deferred_index()?;
        }
        let stage = std::mem::take(&mut round.stage);
        let step = match (stage, answer) {
            (Stage::Hello, None) => {
                self.verify_kept_digest(round);
                // Indexes a first load set aside and a cut round did not build again.
                round.build_indexes =
                    !self.first_load_pending()? && self.deferred_indexes_left()?;
                round.stage = Stage::Hello;
                Step::Send(Request::Hello(Hello {
                    app_version: env!("CARGO_PKG_VERSION").to_owned(),
                    schema_version: migrate::known_version(),
                    kind: self.kind(),
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
                    numbers,
                }),
            ) => {
                if self.sync_link()?.and_then(|l| l.log_id) != Some(log_id) {
                    return Err(Error::SyncProtocol("changes from another log".into()));
                }
                let last = entries.last().map(|e| e.version);
                self.set_escrow(&escrow)?;
                self.keep_numbers(&numbers)?;
                let me = self.meta().store_id;
                let own_only = !entries.is_empty() && entries.iter().all(|e| e.seat_id == me);
                if own_only && !round.no_fast_forward {
                    // This seat's own mutations, as the hub executed them: gather them while
                    // the pages hold nothing else, then move over them at once.
                    let run = round.run.get_or_insert_with(OwnRun::default);
                    run.add(&entries, &digest);
                    if last.is_some_and(|v| v < head) && run.settled.len() < FAST_FORWARD_MAX {
                        let (after, digest) = (run.version, run.digest.clone());
                        return self.pull_after(round, after, digest);
                    }
                    let run = round.run.take().expect("gathered above");
                    if self.fast_forward(&run)? {
                        round.report.pulled += run.settled.len();
                        round.report.fast_forwarded += run.settled.len();
                        return self.after_pull(round, last, head);
                    }
                    round.no_fast_forward = true;
                    if run.pages > 1 {
                        // The earlier pages' effects were not kept: ask for them again.
                        return self.pull(round);
                    }
                } else if let Some(run) = round.run.take() {
                    // Own entries gathered, then another seat's: move over the own ones first.
                    if self.fast_forward(&run)? {
                        round.report.pulled += run.settled.len();
                        round.report.fast_forwarded += run.settled.len();
                    } else {
                        round.no_fast_forward = true;
                        return self.pull(round);
                    }
                }
                round.report.pulled += entries.len();
                let done = self.integrate(&entries, &digest)?;
                if done.diverged {
                    tracing::warn!("synced rows differ from the hub's: loading a snapshot");
                    self.start_snapshot(round, "digest")?
                } else {
                    self.after_pull(round, last, head)?
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
                if builder.stream && builder.pages == 0 && !self.stream_start(builder)? {
                    builder.stream = false;
                }
                if builder.streaming.is_some() {
                    // What is left of the last page, then this one, to be written in parts.
                    self.stream_work(builder, usize::MAX)?;
                    if builder.abandoned {
                        return Ok(self.gather_snapshot(round));
                    }
                    builder.begin_page(&page)?;
                    builder.pending = page.rows;
                    builder.written = 0;
                } else {
                    builder.add_page(page)?;
                }
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
                    numbers,
                    ..
                }),
            ) => {
                self.keep_numbers(&numbers)?;
                let builder = round.snapshot.as_mut().expect("a snapshot is being built");
                if builder.streaming.is_some() {
                    self.stream_work(builder, usize::MAX)?;
                    if builder.abandoned || !self.stream_entries(builder, entries)? {
                        return Ok(self.gather_snapshot(round));
                    }
                } else {
                    builder.apply(entries, self.meta().store_id)?;
                }
                if builder.version < head {
                    self.catch_up(round)?
                } else {
                    let builder = round.snapshot.take().expect("a snapshot is being built");
                    let reason = round.repair.take().unwrap_or_else(|| "first".into());
                    if builder.streaming.is_some() {
                        if !self.finish_stream(&builder, &digest)? {
                            round.repair = Some(reason);
                            return Ok(self.gather_snapshot(round));
                        }
                        // The indexes set aside, built while the hub answers the next request.
                        round.build_indexes = true;
                    } else {
                        self.install_snapshot(builder, &digest, &reason)?;
                    }
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

    /// Does a part of the round's local work, with the store held for that part only: checks
    /// the kept digests against [`DIGEST_PART`] rows, or writes a thousand rows at most of the
    /// snapshot page being loaded. Returns whether more is left. Optional: [`Store::sync_step`]
    /// does what is left itself before it goes on, so the tests drive rounds without it; the
    /// network client calls it while the hub prepares its next answer, so that the hub and the
    /// seat work at once and no lock on the store lasts longer than a part.
    pub fn sync_work(&self, round: &mut SeatRound) -> Result<bool> {
        if round.digest_check.is_some() {
            self.digest_check_part(round, DIGEST_PART)?;
        } else if round.build_indexes {
            round.build_indexes = self.build_deferred_index()?;
        } else if let Some(builder) = round.snapshot.as_mut() {
            if builder.streaming.is_some() {
                self.stream_work(builder, WORK_ROWS)?;
            }
        }
        Ok(round.has_work())
    }

    /// The kept digests follow every write made through this app; rows changed any other way
    /// (another program, a damaged or partly restored file) would go unseen. So the first
    /// round after unlock, and one every [`DIGEST_RECHECK`], recomputes them from the rows: a
    /// difference then shows as a mismatch with the hub, and the seat repairs itself.
    ///
    /// The recompute is done in parts of [`DIGEST_PART`] rows ([`Store::sync_work`], while the
    /// hub answers the hello; [`Store::sync_step`] finishes it before going on), each table's
    /// rows hashed over one or more parts and compared with the digest kept for that table. A
    /// table written in between (its kept digest moved) is read again; after a few tries it is
    /// read in one part.
    fn verify_kept_digest(&self, round: &mut SeatRound) {
        let due = self
            .sync
            .verified_at
            .get()
            .is_none_or(|at| at.elapsed() >= DIGEST_RECHECK);
        if due && !self.sync.columns.borrow().is_empty() {
            round.digest_check = Some(DigestCheck::default());
        }
    }

    /// One part of the check [`Store::verify_kept_digest`] began (`rows` at most); the whole of
    /// what is left with `usize::MAX`.
    fn digest_check_part(&self, round: &mut SeatRound, rows: usize) -> Result<()> {
        let Some(check) = round.digest_check.as_mut() else {
            return Ok(());
        };
        if let Some(name) = SYNCED_TABLES.get(check.table).copied() {
            let kept = self.kept_digests(name)?;
            if check.kept.as_ref().is_some_and(|k| *k != kept) {
                // Written since the first part: read it again.
                check.tries += 1;
                check.after = 0;
                check.xor.clear();
            }
            check.kept = Some(kept.clone());
            let rows = if check.tries >= 3 { usize::MAX } else { rows };
            let (read, last) = self.digest_part(check.table, check.after, rows, &mut check.xor)?;
            check.after = last;
            if read < rows {
                if !Store::same_digests(&check.xor, &kept) {
                    self.set_kept_digests(name, &check.xor)?;
                    check.stale = true;
                }
                *check = DigestCheck {
                    table: check.table + 1,
                    stale: check.stale,
                    ..DigestCheck::default()
                };
            }
        }
        if check.table >= SYNCED_TABLES.len() {
            if check.stale {
                tracing::warn!(
                    "synced rows were changed outside this app: the next pull repairs them"
                );
            }
            round.digest_check = None;
            self.sync.verified_at.set(Some(std::time::Instant::now()));
        }
        Ok(())
    }

    /// A seat stops at a hub of the other kind (training or real), whatever the hub says.
    pub fn check_hub_kind(&self, hub: crate::training_mode::StoreKind) -> Result<()> {
        if hub == self.kind() {
            return Ok(());
        }
        Err(Error::SyncStoreKind {
            seat: self.kind().code().into(),
            hub: hub.code().into(),
        })
    }

    /// Records the hub's versions, refuses to go on with another schema, and reconciles the
    /// outbox with what the hub holds of this seat.
    fn welcome(&self, round: &mut SeatRound, w: &Welcome) -> Result<()> {
        // A hub of the other kind is not recorded as this seat's hub at all.
        self.check_hub_kind(w.kind)?;
        self.conn().execute(
            "UPDATE sync_link SET hub_version = ?1, hub_schema = ?2, hub_name = ?3, site_id = ?4 WHERE id = 1",
            params![w.app_version, w.schema_version, w.hub_name, w.site.as_str()],
        )?;
        if let Some((epoch, reset_at)) = w.training_day {
            self.follow_training_day(epoch, reset_at)?;
        }
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

    /// Asks for the entries after `after`, a version this seat has gathered but not applied
    /// yet (`digest`: the hub's there).
    fn pull_after(&self, round: &mut SeatRound, after: u64, digest: String) -> Result<Step> {
        let link = self.sync_link()?.ok_or(Error::NotEnrolled)?;
        round.stage = Stage::Pull;
        Ok(Step::Send(Request::Pull {
            after,
            log_id: link.log_id.unwrap_or_default(),
            known: Some(digest),
            escrow_in_use: self.escrow_in_use()?,
        }))
    }

    /// After a page of entries applied: the next page, or the audit chain once at the head.
    fn after_pull(&self, round: &mut SeatRound, last: Option<u64>, head: u64) -> Result<Step> {
        if last.is_some_and(|v| v < head) {
            self.pull(round)
        } else {
            round.stage = Stage::AuditHead;
            Ok(Step::Send(Request::AuditHead {
                chain: self.audit_chain()?,
            }))
        }
    }

    fn start_snapshot(&self, round: &mut SeatRound, reason: &str) -> Result<Step> {
        round.run = None;
        round.snapshots += 1;
        if round.snapshots > 2 {
            // The hub's rows keep moving away, or keep differing after a load: try next round.
            return Err(Error::SyncRepairFailed { version: 0 });
        }
        round.repair = Some(reason.to_owned());
        round.snapshot = Some(SnapshotBuilder {
            stream: reason == "first" && !self.sync.stream_failed.get(),
            ..SnapshotBuilder::default()
        });
        round.stage = Stage::Snapshot;
        Ok(Step::Send(Request::Snapshot { from: None }))
    }

    /// A snapshot being written into the tables met a change made here meanwhile: it starts
    /// again from the first page, gathered in memory this time (it then replaces every row,
    /// those written so far included, and replays the change on top).
    fn gather_snapshot(&self, round: &mut SeatRound) -> Step {
        tracing::info!("a change was made during the first load: loading the snapshot again");
        round.snapshot = Some(SnapshotBuilder::default());
        round.stage = Stage::Snapshot;
        Step::Send(Request::Snapshot { from: None })
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

    /// Keeps the reservation numbers the hub dealt this seat (its stock, taken by
    /// [`Store::fresh_number`]).
    fn keep_numbers(&self, numbers: &[i64]) -> Result<()> {
        for n in numbers {
            self.conn()
                .prepare_cached("INSERT OR IGNORE INTO sync_numbers (number) VALUES (?1)")?
                .execute([n])?;
        }
        Ok(())
    }

    /// The reservation numbers the hub dealt this seat and no booking has taken yet.
    pub fn dealt_numbers(&self) -> Result<Vec<i64>> {
        Ok(self
            .conn()
            .prepare(
                "SELECT number FROM sync_numbers s
                 WHERE NOT EXISTS (SELECT 1 FROM reservations r WHERE r.number = s.number)
                 ORDER BY number",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
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
        // Escrow is this seat's site's places: a booking for another site (the call center's,
        // a citizen who prefers the station) is provisional until the hub takes it.
        let site = self.site_of_reservation(number)?;
        let escrow = if first_time && self.site()? != site {
            false
        } else if first_time {
            let covered = self.covered_slots(&site, r.day, r.starts, r.slots)?;
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

    /// The slot starts a booking at `site` covers (on that site's slot grid).
    pub(super) fn covered_slots(
        &self,
        site: &crate::site::SiteId,
        day: NaiveDate,
        starts: NaiveTime,
        slots: u32,
    ) -> Result<Vec<String>> {
        let (_, plan, _) = self.day_slots(site, day)?;
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
    /// places it used are no longer this seat's. A few statements whatever the number.
    pub fn acknowledge(&self, results: &[PushResult]) -> Result<()> {
        let settled: Vec<(Uuid, u64, bool)> = results
            .iter()
            .map(|r| {
                let refused = matches!(r.outcome, PushOutcome::Conflict { .. });
                (r.id, r.outcome.version(), refused)
            })
            .collect();
        let ids =
            serde_json::Value::from(results.iter().map(|r| r.id.to_string()).collect::<Vec<_>>())
                .to_string();
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE sync_quota SET places = max(places - (
                 SELECT count(*) FROM sync_quota_use u
                 WHERE u.day = sync_quota.day AND u.starts = sync_quota.starts
                   AND u.mutation_id IN (SELECT value FROM json_each(?1))), 0)
             WHERE (day, starts) IN (SELECT day, starts FROM sync_quota_use
                                     WHERE mutation_id IN (SELECT value FROM json_each(?1)))",
            [&ids],
        )?;
        self.settle_all(&settled)?;
        tx.commit()?;
        Ok(())
    }

    /// Marks this seat's mutations met in the log as settled, `(id, version, refused)` each, in
    /// two statements whatever their number; escrowed places they used are no longer held.
    fn settle_all(&self, settled: &[(Uuid, u64, bool)]) -> Result<()> {
        if settled.is_empty() {
            return Ok(());
        }
        let list = serde_json::Value::Array(
            settled
                .iter()
                .map(|(id, version, refused)| serde_json::json!([id.to_string(), version, refused]))
                .collect(),
        )
        .to_string();
        self.conn().execute(
            "UPDATE mutations SET hub_version = s.value ->> 1,
                 state = CASE WHEN s.value ->> 2 THEN 'conflict' ELSE 'applied' END
             FROM json_each(?1) AS s WHERE mutations.id = s.value ->> 0",
            [&list],
        )?;
        self.conn().execute(
            "DELETE FROM sync_quota_use
             WHERE mutation_id IN (SELECT value ->> 0 FROM json_each(?1))",
            [&list],
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
            let mut own = Vec::new();
            for e in entries {
                if e.version != cursor + 1 {
                    return Err(Error::SyncOutOfOrder {
                        expected: cursor + 1,
                        got: e.version,
                    });
                }
                self.put_effects(&e.effects)?;
                if e.seat_id == my_id {
                    own.push((e.id, e.version, refused(e)));
                }
                report.applied += 1;
                cursor = e.version;
            }
            self.settle_all(&own)?;
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

    /// Moves this seat's cursor over a run of its own entries without rewinding and applying
    /// them, when its rows already are what they make: its mutations, applied here, are the
    /// entries the hub logged (its pushes, executed as the seat executed them). Its mutations
    /// not in the run (made since, or not pulled yet) are rewound first, and the rows must then
    /// have the hub's digest at the run's last version, exactly the check a pull makes after
    /// applying effects; then they are settled and the rest replayed on top, all in one
    /// transaction. Returns false, changing nothing, when the rows are not the hub's (a
    /// refusal, another seat's rows in between, a change that failed here): the entries must
    /// then be applied.
    fn fast_forward(&self, run: &OwnRun) -> Result<bool> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let result = (|| {
            self.conn()
                .execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let link = self.sync_link()?.ok_or(Error::NotEnrolled)?;
            if run.settled.is_empty() || run.first != link.cursor + 1 {
                return Ok(false);
            }
            self.settle_all(&run.settled)?;
            // The mutations still to be applied on top (made since, or further in the log):
            // their undo records must all be newer than the settled ones', so that they alone
            // can be rewound.
            let unsettled = self.unsettled_seqs(run.version)?;
            let (last_settled, first_other): (Option<i64>, Option<i64>) = self.conn().query_row(
                "SELECT (SELECT id FROM sync_undo
                         WHERE seq NOT IN (SELECT value FROM json_each(?1))
                         ORDER BY id DESC LIMIT 1),
                        (SELECT min(id) FROM sync_undo
                         WHERE seq IN (SELECT value FROM json_each(?1)))",
                [&unsettled],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Some(first) = first_other {
                if last_settled.is_some_and(|l| l > first) {
                    return Ok(false);
                }
                self.rewind_from(first)?;
            }
            if !run.held.is_empty() {
                self.conn().execute(
                    "UPDATE reservations SET hold = 'confirmed'
                     WHERE hold = 'provisional' AND number IN (SELECT value FROM json_each(?1))",
                    [serde_json::Value::from(run.held.clone()).to_string()],
                )?;
            }
            if self.sync_digest()? != run.digest {
                return Ok(false);
            }
            self.conn().execute("DELETE FROM sync_undo", [])?;
            self.conn().execute(
                "UPDATE sync_link SET cursor = ?1, last_sync = ?2, hub_digest = ?3 WHERE id = 1",
                params![run.version as i64, Utc::now().to_rfc3339(), run.digest],
            )?;
            self.replay_unsettled(run.version)?;
            Ok(true)
        })();
        match result {
            Ok(true) => {
                tx.commit()?;
                self.refresh_session()?;
                Ok(true)
            }
            Ok(false) => {
                drop(tx); // rolls back: nothing changed
                Ok(false)
            }
            Err(e) => {
                self.set_origin(None);
                let _ = self.end_capture();
                drop(tx);
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
            self.defer_indexes()?;
            self.bulk_load(
                snapshot
                    .rows
                    .iter()
                    .map(|((table, rowid), row)| (*table, *rowid, row)),
            )?;
            while self.build_deferred_index()? {}
            if self.sync_digest()? != digest {
                return Err(Error::SyncRepairFailed {
                    version: snapshot.version,
                });
            }
            self.settle_all(&snapshot.own)?;
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

    /// Runs `f` in one transaction with foreign keys off, as the steps of a streamed snapshot
    /// do: its pages are read at rising versions, so until the log has been applied up to the
    /// head a row may point at one that another page or a later entry brings. The rows are the
    /// hub's, which keeps its keys, once the digest agrees at the head (checked with foreign
    /// keys on, in [`Store::finish_stream`]). `f` returning false rolls back.
    fn stream_step(&self, f: impl FnOnce() -> Result<bool>) -> Result<bool> {
        /// Puts the connection's settings back however the step ends (a panic included: the
        /// screens go on using the connection).
        struct Restore<'a>(&'a rusqlite::Connection, i64);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                let _ = self.0.execute_batch(&format!(
                    "PRAGMA foreign_keys = ON; PRAGMA synchronous = {}",
                    self.1
                ));
            }
        }
        let synchronous: i64 = self
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        self.conn()
            .execute_batch("PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL")?;
        let _restore = Restore(self.conn(), synchronous);
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        if f()? {
            tx.commit()?;
            Ok(true)
        } else {
            drop(tx);
            Ok(false)
        }
    }

    /// Whether nothing was changed here since a streamed snapshot began: no undo record (a
    /// local change to the synced rows) and no new mutation in the outbox.
    fn stream_intact(&self, builder: &SnapshotBuilder) -> Result<bool> {
        let undo: bool =
            self.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM sync_undo)", [], |r| r.get(0))?;
        Ok(!undo && builder.streaming == Some(self.outbox_last_seq()? as i64))
    }

    /// Starts writing a snapshot into the tables (see [`SnapshotBuilder`]), when this seat
    /// never made a change: the rows every new store starts with go, the hub's replace them.
    /// False otherwise.
    fn stream_start(&self, builder: &mut SnapshotBuilder) -> Result<bool> {
        let started = self.stream_step(|| {
            if self.mutation_count()? > 0 {
                return Ok(false);
            }
            // Indexes are built once the rows are in (sorted, a page at a time), not kept up
            // to date row by row; set aside first, so that emptying the tables (the rows every
            // store starts with, or what a load started earlier wrote) does not update them.
            self.defer_indexes()?;
            self.empty_synced_tables()?;
            self.conn().execute("DELETE FROM sync_undo", [])?;
            Ok(true)
        })?;
        if started {
            builder.streaming = Some(0);
        }
        Ok(started)
    }

    /// Writes up to `max` rows of the page being streamed, in one short transaction; a change
    /// made here since the snapshot began stops it (`abandoned`).
    fn stream_work(&self, builder: &mut SnapshotBuilder, max: usize) -> Result<()> {
        if builder.abandoned || builder.written >= builder.pending.len() {
            return Ok(());
        }
        let end = builder
            .pending
            .len()
            .min(builder.written.saturating_add(max));
        let rows = &builder.pending[builder.written..end];
        let written = self.stream_step(|| {
            if !self.stream_intact(builder)? {
                return Ok(false);
            }
            self.stream_rows(rows)?;
            Ok(true)
        })?;
        if written {
            builder.written = end;
        } else {
            builder.abandoned = true;
        }
        if builder.abandoned || builder.written == builder.pending.len() {
            builder.pending = Vec::new();
            builder.written = 0;
        }
        Ok(())
    }

    /// Applies a page of the log entries after the first page's version to the rows written
    /// so far; false when a change was made here since the snapshot began.
    fn stream_entries(&self, builder: &mut SnapshotBuilder, entries: Vec<Entry>) -> Result<bool> {
        let me = self.meta().store_id;
        self.stream_step(|| {
            if !self.stream_intact(builder)? {
                return Ok(false);
            }
            for e in &entries {
                if e.version != builder.version + 1 {
                    return Err(Error::SyncOutOfOrder {
                        expected: builder.version + 1,
                        got: e.version,
                    });
                }
                self.put_effects(&e.effects)?;
                if e.seat_id == me {
                    builder.own.push((e.id, e.version, refused(e)));
                }
                builder.version = e.version;
            }
            Ok(true)
        })
    }

    /// Ends a streamed first snapshot: the rows must have the hub's digest at the head; then the
    /// seat follows the log from there, its own mutations met in it settled and the rest
    /// replayed on top, in one transaction. False when a change was made here meanwhile. A
    /// digest that differs is an error, and the rows written stay unfollowed: the next round
    /// loads the snapshot again, in memory, replacing them.
    fn finish_stream(&self, builder: &SnapshotBuilder, digest: &str) -> Result<bool> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let result = (|| {
            self.conn()
                .execute_batch("PRAGMA defer_foreign_keys = ON")?;
            if !self.stream_intact(builder)? {
                return Ok(false);
            }
            if self.sync_digest()? != digest {
                return Err(Error::SyncRepairFailed {
                    version: builder.version,
                });
            }
            self.settle_all(&builder.own)?;
            self.conn().execute(
                "UPDATE sync_link SET cursor = ?1, log_id = ?2, hub_digest = ?3, last_sync = ?4
                 WHERE id = 1",
                params![
                    builder.version as i64,
                    builder.log_id,
                    digest,
                    Utc::now().to_rfc3339()
                ],
            )?;
            self.replay_unsettled(builder.version)?;
            Ok(true)
        })();
        match result {
            Ok(true) => {
                tx.commit()?;
                tracing::info!(
                    version = builder.version,
                    pages = builder.pages,
                    "loaded the hub's rows page by page"
                );
                self.refresh_session()?;
                Ok(true)
            }
            Ok(false) => {
                drop(tx);
                Ok(false)
            }
            Err(e) => {
                self.sync.stream_failed.set(true);
                self.set_origin(None);
                let _ = self.end_capture();
                drop(tx);
                Err(e)
            }
        }
    }

    /// The sequences of this seat's mutations the log does not hold at `version` (pending, or
    /// further in the log), as a JSON array.
    fn unsettled_seqs(&self, version: u64) -> Result<String> {
        let seqs: Vec<i64> = self
            .conn()
            .prepare_cached(UNSETTLED_SEQS)?
            .query_map([version as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(serde_json::Value::from(seqs).to_string())
    }

    /// Replays, on top of the hub's state, every local mutation the log does not hold yet.
    fn replay_unsettled(&self, cursor: u64) -> Result<usize> {
        let rows: Vec<(String, i64, bool, String, String)> = self
            .conn()
            .prepare(
                "SELECT id, seq, escrow, origin, payload FROM mutations
                 WHERE hub_version IS NULL OR hub_version > ?1 ORDER BY +seq",
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

#[cfg(test)]
mod tests {
    //! The paths the convergence tests reach rarely: moving over a run of this seat's own
    //! entries with a change made meanwhile, over several pages, and falling back when the rows
    //! are not the hub's; checking the kept digests in parts; writing a new seat's first
    //! snapshot in parts, and starting again when a change is made meanwhile or the round is
    //! cut.
    use super::*;
    use crate::{
        people::Role,
        reservation::{ApplicantType, Band, Book, Channel, PlanKind, Procedure, SlotPlan},
        reservation_number::ReservationNumber,
        store::{sync::convergence_problems, NewApplicant},
        DataDir, KdfCost, NewStore, Passphrase, Personal,
    };

    struct Node {
        _dir: tempfile::TempDir,
        store: Store,
    }

    fn node(name: &str) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let now = day("2026-12-01").and_hms_opt(8, 30, 0).unwrap();
        let store = Store::create(
            &DataDir::at(dir.path()),
            &Passphrase::new("test passphrase".into()),
            &NewStore {
                site_name: "テスト市".into(),
                seat_name: name.into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap()
        .with_clock(std::sync::Arc::new(move || now))
        .act_as_site("tests");
        Node { _dir: dir, store }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn enrol(hub: &Store, seat: &Store) {
        let code = hub.hub_enrolment_code().unwrap();
        let id = seat.meta().store_id;
        hub.hub_enrol(
            &code,
            id,
            &seat.meta().seat_name,
            &format!("fp-{id}"),
            seat.outbox_last_seq().unwrap(),
        )
        .unwrap();
        seat.set_sync_link("hub.test:7750", "hubfp", "ハブ")
            .unwrap();
    }

    /// One round as the network client drives it (the local work in parts, before each
    /// answer); `meanwhile` runs before each request is answered, with the request and how
    /// many parts of work were done so far, and may cut the round by returning false.
    fn round_with(
        hub: &Store,
        seat: &Store,
        mut meanwhile: impl FnMut(&Store, &Request, usize) -> bool,
    ) -> Option<RoundReport> {
        let mut round = SeatRound::default();
        let (mut answer, mut parts) = (None, 0);
        loop {
            match seat.sync_step(&mut round, answer.take()).unwrap() {
                Step::Done(report) => return Some(report),
                Step::Send(request) => {
                    while round.has_work() {
                        seat.sync_work(&mut round).unwrap();
                        parts += 1;
                        if !meanwhile(seat, &request, parts) {
                            return None;
                        }
                    }
                    if !meanwhile(seat, &request, parts) {
                        return None;
                    }
                    answer = Some(hub.hub_answer(seat.meta().store_id, request).unwrap());
                }
            }
        }
    }

    fn round(hub: &Store, seat: &Store) -> RoundReport {
        round_with(hub, seat, |_, _, _| true).unwrap()
    }

    fn person(i: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
        (
            NewApplicant {
                name_kanji: Personal::new(format!("見本 {i}")),
                name_kana: Personal::new(format!("ミホン {i}")),
                phone: Some(Personal::new(format!("090-0000-{:04}", i % 10_000))),
                birth_date: None,
            },
            ApplicantType::ApplicantSelf,
            vec![Procedure::CertificateRenewal],
        )
    }

    /// 16 places a slot from 9:00 to 17:00 (512 a day), set by `seat`.
    fn wide_plan(seat: &Store) {
        let plan = SlotPlan {
            slot_minutes: 15,
            bands: vec![Band {
                starts: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                ends: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                capacity: 16,
            }],
        };
        seat.execute(Mutation::Plan(crate::mutation::PlanMutation::SetSlotPlan {
            kind: PlanKind::Regular,
            site: Default::default(),
            plan,
        }))
        .unwrap();
    }

    /// `n` bookings on `on` made by `seat` in one batch (no booking rules: as the hub executes
    /// them), starting at person `from`.
    fn bookings(seat: &Store, on: &str, n: usize, from: usize) -> Vec<ReservationNumber> {
        let starts = (0..n).map(|i| {
            NaiveTime::from_hms_opt(9, 0, 0).unwrap()
                + chrono::Duration::minutes(15 * (i / 16) as i64)
        });
        let batch: Vec<Mutation> = starts
            .enumerate()
            .map(|(i, t)| {
                Mutation::Reservation(ReservationMutation::Book(Book::new(
                    seat.fresh_number().unwrap(),
                    day(on),
                    t,
                    Channel::Phone,
                    vec![person(from + i)],
                    "",
                )))
            })
            .collect();
        let numbers = batch
            .iter()
            .map(|m| match m {
                Mutation::Reservation(ReservationMutation::Book(b)) => b.number,
                _ => unreachable!(),
            })
            .collect();
        for r in seat.execute_batch(&batch).unwrap() {
            r.unwrap();
        }
        numbers
    }

    /// Every index of the store, by name, with its definition.
    fn indexes(store: &Store) -> Vec<(String, Option<String>)> {
        store
            .conn()
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn converged(hub: &Store, seats: &[&Store]) {
        let problems = convergence_problems(hub, seats).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn own_entries_are_moved_over_and_a_change_made_meanwhile_is_replayed_on_top() {
        let (hub, a, b) = (node("ハブ"), node("窓口1"), node("窓口2"));
        let (hub, a, b) = (&hub.store, &a.store, &b.store);
        enrol(hub, a);
        enrol(hub, b);
        wide_plan(a);
        round(hub, a);
        round(hub, b);
        // Beyond the escrow window: provisional here, confirmed by the hub.
        let offline = bookings(a, "2027-01-20", 3, 0);
        assert!(offline.iter().all(|n| !a.is_confirmed(*n).unwrap()));
        // A booking made while the round runs, once its pushes are answered.
        let mut later = None;
        let report = round_with(hub, a, |seat, request, _| {
            if matches!(request, Request::Pull { .. }) && later.is_none() {
                later = Some(bookings(seat, "2027-01-21", 1, 100)[0]);
            }
            true
        })
        .unwrap();
        assert_eq!((report.pulled, report.fast_forwarded), (3, 3), "{report:?}");
        assert!(offline.iter().all(|n| a.is_confirmed(*n).unwrap()));
        let later = later.unwrap();
        assert!(
            !a.is_confirmed(later).unwrap(),
            "still the seat's own, on top"
        );
        assert_eq!(a.outbox_status().unwrap().pending, 1);
        assert!(
            !a.recompute_sync_digest().unwrap(),
            "the kept digest is exact"
        );
        let report = round(hub, a);
        assert_eq!(report.fast_forwarded, 1, "{report:?}");
        round(hub, b);
        converged(hub, &[a, b]);
    }

    #[test]
    fn own_entries_over_several_pages_are_moved_over_at_once_or_applied_when_rows_differ() {
        let (hub, a, b) = (node("ハブ"), node("窓口1"), node("窓口2"));
        let (hub, a, b) = (&hub.store, &a.store, &b.store);
        enrol(hub, a);
        enrol(hub, b);
        wide_plan(a);
        round(hub, a);
        round(hub, b);
        let n = PULL_PAGE + 10;
        bookings(a, "2027-01-20", n, 0);
        let report = round(hub, a);
        assert_eq!((report.pulled, report.fast_forwarded), (n, n), "{report:?}");
        // Seat B's own run, but its rows were changed behind the store's back after it sent
        // them: it cannot move over them, and applies the entries instead (pulled once).
        round(hub, b);
        bookings(b, "2027-01-21", n, 1000);
        let mut push = SeatRound::push_only();
        let mut answer = None;
        while let Step::Send(request) = b.sync_step(&mut push, answer.take()).unwrap() {
            answer = Some(hub.hub_answer(b.meta().store_id, request).unwrap());
        }
        b.conn()
            .execute(
                "UPDATE reservations SET notes = 'changed'
                 WHERE rowid = (SELECT max(rowid) FROM reservations)",
                [],
            )
            .unwrap();
        let report = round(hub, b);
        assert_eq!(report.pulled, n, "{report:?}");
        assert_eq!(report.fast_forwarded, 0, "{report:?}");
        round(hub, a);
        round(hub, b);
        converged(hub, &[a, b]);
    }

    #[test]
    fn seats_that_first_synced_with_an_empty_log_follow_it_without_a_repair() {
        let (hub, a, b) = (node("ハブ"), node("窓口1"), node("窓口2"));
        let (hub, a, b) = (&hub.store, &a.store, &b.store);
        enrol(hub, a);
        enrol(hub, b);
        for s in [a, b] {
            let report = round(hub, s);
            assert_eq!(report.snapshot.as_deref(), Some("first"), "{report:?}");
        }
        wide_plan(a);
        bookings(a, "2026-12-10", 3, 0);
        let report = round(hub, a);
        assert_eq!(report.snapshot, None, "{report:?}");
        let report = round(hub, b);
        assert_eq!(
            (report.snapshot.as_deref(), report.pulled),
            (None, 4),
            "{report:?}"
        );
        converged(hub, &[a, b]);
    }

    #[test]
    fn a_new_seat_signs_in_with_the_roster_it_loaded() {
        let (hub, a, c) = (node("ハブ"), node("窓口1"), node("窓口2"));
        let (hub, a, c) = (&hub.store, &a.store, &c.store);
        let roster = [
            ("M001", "1234", Role::Manager),
            ("S001", "1111", Role::Staff),
        ];
        for (code, pin, role) in roster {
            a.add_staff(crate::store::NewStaff {
                code: code.into(),
                name: format!("見本 {code}"),
                role,
                pin: crate::store::Pin::new(pin),
            })
            .unwrap();
        }
        enrol(hub, a);
        round(hub, a);
        enrol(hub, c);
        // Before the first load is in, a member not here yet is not a wrong ID (and no
        // failure is counted); after it, the roster is the hub's.
        let pin = crate::store::Pin::new("1234");
        assert!(matches!(c.check_pin("M001", &pin), Err(Error::FirstLoad)));
        let report = round(hub, c);
        assert_eq!(report.snapshot.as_deref(), Some("first"));
        assert!(!c.first_load_pending().unwrap());
        assert!(matches!(c.check_pin("X999", &pin), Err(Error::WrongPin)));
        for (code, pin, _) in roster {
            c.check_pin(code, &crate::store::Pin::new(pin)).unwrap();
        }
        converged(hub, &[a, c]);
    }

    #[test]
    fn the_kept_digests_are_checked_in_parts_while_the_seat_goes_on_working() {
        let (hub, a) = (node("ハブ"), node("窓口1"));
        let (hub, a) = (&hub.store, &a.store);
        enrol(hub, a);
        wide_plan(a);
        bookings(a, "2026-12-10", 40, 0);
        round(hub, a);
        // The kept digest of one table no longer describes its rows (as after another program
        // wrote the file); the check finds it, part by part, while bookings are made in
        // between (the tables they write are read again, not taken as changed outside).
        a.conn()
            .execute(
                "UPDATE sync_digest SET d = d + 1 WHERE tbl = 'reservations@main'",
                [],
            )
            .unwrap();
        let mut check = SeatRound {
            digest_check: Some(DigestCheck::default()),
            ..SeatRound::default()
        };
        let mut parts = 0;
        while check.digest_check.is_some() {
            a.digest_check_part(&mut check, 7).unwrap();
            parts += 1;
            if parts % 5 == 0 && parts < 40 {
                bookings(a, "2026-12-11", 1, 100 + parts);
            }
        }
        assert!(parts > SYNCED_TABLES.len(), "read in parts: {parts}");
        assert!(
            !a.recompute_sync_digest().unwrap(),
            "the check left the kept digests describing the rows"
        );
        // Only the kept digest was wrong, not the rows: the next round needs no repair.
        let report = round(hub, a);
        assert_eq!(report.snapshot, None, "{report:?}");
        converged(hub, &[a]);
    }

    #[test]
    fn a_new_seat_writes_the_snapshot_in_parts_and_starts_again_when_a_change_is_made() {
        let (hub, a) = (node("ハブ"), node("窓口1"));
        let (hub, a) = (&hub.store, &a.store);
        enrol(hub, a);
        wide_plan(a);
        bookings(a, "2026-12-10", 400, 0);
        round(hub, a);
        // A new PC: its first snapshot goes into its tables page by page, in parts.
        let fresh = node("窓口2");
        let c = &fresh.store;
        enrol(hub, c);
        let mut most = 0;
        let report = round_with(hub, c, |_, _, parts| {
            most = most.max(parts);
            true
        })
        .unwrap();
        assert_eq!(report.snapshot.as_deref(), Some("first"));
        assert!(most > 1, "written in parts");
        assert_eq!(
            indexes(c),
            indexes(hub),
            "the indexes set aside are built again"
        );
        converged(hub, &[a, c]);
        // A round cut right after the load (the hub restarted) leaves indexes set aside: the
        // next round builds them.
        c.defer_indexes().unwrap();
        assert_ne!(indexes(c), indexes(hub));
        round(hub, c);
        assert_eq!(indexes(c), indexes(hub));
        // The next rounds go on from the snapshot's version: no second load.
        bookings(a, "2026-12-14", 3, 9000);
        round(hub, a);
        let report = round(hub, c);
        assert_eq!(
            (report.snapshot.as_deref(), report.pulled),
            (None, 3),
            "{report:?}"
        );
        converged(hub, &[a, c]);

        // Another new PC on which a booking is made after the first part: the snapshot starts
        // again in memory and the booking is replayed on top.
        let fresh = node("窓口3");
        let d = &fresh.store;
        enrol(hub, d);
        let mut mine = None;
        let report = round_with(hub, d, |seat, _, parts| {
            if parts == 1 && mine.is_none() {
                mine = Some(bookings(seat, "2026-12-11", 1, 5000)[0]);
            }
            true
        })
        .unwrap();
        assert_eq!(report.snapshot.as_deref(), Some("first"));
        let mine = mine.unwrap();
        assert!(
            d.reservation(mine).is_ok(),
            "the change made meanwhile is kept"
        );
        round(hub, d);
        round(hub, a);
        round(hub, c);
        converged(hub, &[a, c, d]);

        // A new PC whose first load is cut halfway starts it again at the next round.
        let fresh = node("窓口4");
        let e = &fresh.store;
        enrol(hub, e);
        let first_page_in = |request: &Request| {
            matches!(
                request,
                Request::Snapshot { from: Some(_) } | Request::Pull { known: None, .. }
            )
        };
        assert!(round_with(hub, e, |_, request, _| !first_page_in(request)).is_none());
        assert_eq!(e.sync_link().unwrap().unwrap().log_id, None);
        // Its indexes were set aside for the load; unlocking builds them (the load, started
        // again, sets them aside again and builds them at its end).
        assert_ne!(indexes(e), indexes(hub));
        assert!(super::super::build_deferred_indexes(e.conn()) > 0);
        assert_eq!(indexes(e), indexes(hub));
        let report = round(hub, e);
        assert_eq!(report.snapshot.as_deref(), Some("first"));
        assert_eq!(indexes(e), indexes(hub), "built again after the load");
        for s in [a, c, d] {
            round(hub, s);
        }
        converged(hub, &[a, c, d, e]);
    }
}
