//! The audit trail: an append-only, hash-chained record of every change, every read of
//! personal data, every sign-in and every refused action: who (staff ID), at which seat, what,
//! on which record (a reservation number, never a name), when.
//!
//! Each seat writes its own chain (keyed by its store id, so the hub can later hold the union
//! of all chains): `hash = SHA-256(prev_hash ‖ chain ‖ seq ‖ at ‖ seat ‖ actor ‖ action ‖
//! subject ‖ detail)`, and `audit_head` keeps the newest entry in the same transaction. So an
//! edited entry fails its hash, a deleted one leaves a gap or a stale head, and reordered ones
//! break the links. Triggers refuse UPDATE and DELETE as a first line; the chain is what
//! catches someone who drops them.
use std::{cell::RefCell, collections::HashMap};

use chrono::{Duration, NaiveDateTime};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Store, DATETIME};
use crate::{
    people::{Actor, Permission},
    Error, Result,
};

/// A read of the same record by the same actor within this window is recorded once.
pub const READ_DEDUP: Duration = Duration::minutes(10);

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Position in its seat's chain, from 1.
    pub seq: u32,
    /// When (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: NaiveDateTime,
    /// Seat that wrote it.
    pub seat: String,
    /// Staff ID, or `site:<tool>`.
    pub actor: String,
    /// What was done (`book`, `visit_step`, `read:cases`, `sign_in`, `denied`…).
    pub action: String,
    /// On what (reservation number, day, staff ID…).
    pub subject: String,
    /// More about it (no personal data).
    pub detail: String,
}

/// The result of checking every chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: u32,
    /// Chains (seats) checked.
    pub chains: u32,
    /// What is wrong; empty when the trail is intact.
    pub problems: Vec<String>,
    /// The newest hash of this seat's chain, to note down (e.g. in the daily report) so that a
    /// rewrite of the whole chain is caught too.
    pub head: String,
}

impl AuditVerification {
    /// True when nothing is wrong.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Reads recently recorded, to record each once per [`READ_DEDUP`].
#[derive(Debug, Default)]
pub(crate) struct RecentReads(RefCell<HashMap<(String, String, String), NaiveDateTime>>);

impl Store {
    /// Appends an entry to this seat's chain.
    pub(crate) fn audit(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        self.audit_append(AuditEntry {
            seq: 0,
            at: self.now(),
            seat: self.meta().seat_name.clone(),
            actor: actor.label(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
        })
    }

    /// Appends `entry` (its `seq` is set here) to this store's current chain.
    fn audit_append(&self, mut entry: AuditEntry) -> Result<()> {
        let chain = self.audit_chain()?.to_string();
        let (seq, prev): (u32, String) = self
            .conn()
            .query_row(
                "SELECT seq, hash FROM audit_head WHERE chain = ?1",
                [&chain],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, GENESIS.to_owned()));
        entry.seq = seq + 1;
        let hash = entry_hash(&prev, &chain, &entry);
        self.append_audit(&chain, &entry, &prev, &hash)
    }

    /// The chain this store writes to: its id, or the chain it started after a restore.
    pub fn audit_chain(&self) -> Result<uuid::Uuid> {
        let chain: Option<String> = self
            .conn()
            .query_row(
                "SELECT chain FROM audit_chains WHERE store_id = ?1 ORDER BY rowid DESC LIMIT 1",
                [self.meta().store_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match chain {
            Some(c) => c
                .parse()
                .map_err(|_| crate::Error::Invalid("audit_chains.chain is malformed".into())),
            None => Ok(self.meta().store_id),
        }
    }

    /// This store was restored from an older copy: the hub holds its chain up to `held`,
    /// further than here or differently. It continues on a new chain, whose first entry says
    /// so, carrying over its entries after `shipped` (the last point the hub confirmed before
    /// the copy was taken) so the hub receives them; the old chain stays as it is.
    pub(crate) fn fork_audit_chain(&self, held: u64, shipped: u64) -> Result<uuid::Uuid> {
        let old = self.audit_chain()?;
        let here = self.audit_chain_head(old)?;
        let carried: Vec<AuditEntry> = self
            .conn()
            .prepare(
                "SELECT seq, at, seat, actor, action, subject, detail FROM audit_log
                 WHERE chain = ?1 AND seq > ?2 ORDER BY seq",
            )?
            .query_map(params![old.to_string(), shipped as i64], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .collect::<Result<_>>()?;
        let new = uuid::Uuid::now_v7();
        let tx = rusqlite::Transaction::new_unchecked(
            self.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        self.conn().execute(
            "INSERT INTO audit_chains (chain, store_id, parent, started_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                new.to_string(),
                self.meta().store_id.to_string(),
                old.to_string(),
                chrono::Utc::now().to_rfc3339()
            ],
        )?;
        let actor = Actor::Site {
            tool: "sync".into(),
        };
        self.audit(
            &actor,
            "audit_fork",
            &old.to_string(),
            &format!("hub holds {held}, this PC {here}; entries after {shipped} carried over"),
        )?;
        for entry in carried {
            self.audit_append(entry)?;
        }
        tx.commit()?;
        tracing::warn!(
            held,
            here,
            shipped,
            "audit trail continues on a new chain after a restore"
        );
        Ok(new)
    }

    /// Writes one entry of `chain` and moves the chain's head to it (same transaction).
    fn append_audit(&self, chain: &str, entry: &AuditEntry, prev: &str, hash: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO audit_log (chain, seq, at, seat, actor, action, subject, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                chain,
                entry.seq,
                entry.at.format(DATETIME).to_string(),
                entry.seat,
                entry.actor,
                entry.action,
                entry.subject,
                entry.detail,
                prev,
                hash
            ],
        )?;
        self.conn().execute(
            "INSERT INTO audit_head (chain, seq, hash) VALUES (?1, ?2, ?3)
             ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            params![chain, entry.seq, hash],
        )?;
        Ok(())
    }

    /// Checks the actor may read personal data and records the read of `subject` (once per
    /// actor and subject within [`READ_DEDUP`]).
    pub(crate) fn audit_read(&self, what: &str, subject: &str) -> Result<Actor> {
        let actor = self.require(Permission::ReadPersonal)?;
        let key = (actor.label(), what.to_owned(), subject.to_owned());
        let now = self.now();
        let recent = self
            .recent_reads
            .0
            .borrow()
            .get(&key)
            .is_some_and(|at| now - *at < READ_DEDUP && now >= *at);
        if !recent {
            self.audit(&actor, &format!("read:{what}"), subject, "")?;
            self.recent_reads.0.borrow_mut().insert(key, now);
        }
        Ok(actor)
    }

    /// The newest entries of the trail first (manager / deputy).
    pub fn audit_trail(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.require(Permission::ViewAudit)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, at, seat, actor, action, subject, detail FROM audit_log ORDER BY at DESC, seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], entry_row)?;
        rows.map(|r| r.map_err(crate::Error::from)?).collect()
    }

    /// Recomputes every chain and reports any edit, deletion or reordering.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        let actor = self.require(Permission::ViewAudit)?;
        let mut problems = Vec::new();
        let heads: HashMap<String, (u32, String)> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT chain, seq, hash FROM audit_head")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut stmt = self.conn().prepare(
            "SELECT chain, prev_hash, hash, seq, at, seat, actor, action, subject, detail FROM audit_log ORDER BY chain, seq",
        )?;
        let mut rows = stmt.query([])?;
        let (mut entries, mut chains) = (0u32, 0u32);
        let mut seen = std::collections::HashSet::new();
        let mut last: Option<(String, u32, String)> = None; // chain, seq, hash
        let finish = |last: &Option<(String, u32, String)>, problems: &mut Vec<String>| {
            if let Some((chain, seq, hash)) = last {
                match heads.get(chain) {
                    Some((head_seq, head_hash)) if head_seq == seq && head_hash == hash => {}
                    Some((head_seq, _)) => problems.push(format!(
                        "chain {chain}: ends at entry {seq} but its head says {head_seq} (entries deleted or replaced)"
                    )),
                    None => problems.push(format!("chain {chain}: no head recorded")),
                }
            }
        };
        while let Some(r) = rows.next()? {
            let chain: String = r.get(0)?;
            let prev: String = r.get(1)?;
            let hash: String = r.get(2)?;
            let entry = RawEntry {
                seq: r.get(3)?,
                at: r.get(4)?,
                seat: r.get(5)?,
                actor: r.get(6)?,
                action: r.get(7)?,
                subject: r.get(8)?,
                detail: r.get(9)?,
            }
            .into_entry()?;
            entries += 1;
            seen.insert(chain.clone());
            let (expected_seq, expected_prev) = match &last {
                Some((c, seq, h)) if *c == chain => (seq + 1, h.clone()),
                _ => {
                    finish(&last, &mut problems);
                    chains += 1;
                    (1, GENESIS.to_owned())
                }
            };
            if entry.seq != expected_seq {
                problems.push(format!(
                    "chain {chain}: entry {} follows entry {} (entries missing)",
                    entry.seq,
                    expected_seq - 1
                ));
            } else if prev != expected_prev {
                problems.push(format!(
                    "chain {chain}: entry {} does not link to the entry before it (reordered or replaced)",
                    entry.seq
                ));
            }
            if entry_hash(&prev, &chain, &entry) != hash {
                problems.push(format!(
                    "chain {chain}: entry {} was changed after it was written",
                    entry.seq
                ));
            }
            last = Some((chain, entry.seq, hash));
        }
        finish(&last, &mut problems);
        for chain in heads.keys().filter(|c| !seen.contains(*c)) {
            problems.push(format!("chain {chain}: every entry is gone"));
        }
        let head = heads
            .get(&self.audit_chain()?.to_string())
            .map(|h| h.1.clone())
            .unwrap_or_else(|| GENESIS.to_owned());
        drop(rows);
        drop(stmt);
        self.audit(
            &actor,
            "audit_verify",
            &format!("{entries} entries"),
            if problems.is_empty() {
                "intact"
            } else {
                "broken"
            },
        )?;
        Ok(AuditVerification {
            entries,
            chains,
            problems,
            head,
        })
    }
}

struct RawEntry {
    seq: u32,
    at: String,
    seat: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

impl RawEntry {
    fn into_entry(self) -> Result<AuditEntry> {
        Ok(AuditEntry {
            seq: self.seq,
            at: NaiveDateTime::parse_from_str(&self.at, DATETIME).map_err(|e| {
                crate::Error::Invalid(format!("audit entry {}: time {:?}: {e}", self.seq, self.at))
            })?,
            seat: self.seat,
            actor: self.actor,
            action: self.action,
            subject: self.subject,
            detail: self.detail,
        })
    }
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<AuditEntry>> {
    Ok(RawEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        seat: r.get(2)?,
        actor: r.get(3)?,
        action: r.get(4)?,
        subject: r.get(5)?,
        detail: r.get(6)?,
    }
    .into_entry())
}

/// SHA-256 over the previous hash and the entry's fields, separated by a byte that cannot
/// occur in them (U+001F), as lowercase hex.
/// An entry with its place in its chain, as seats ship their trail to the hub (which keeps
/// the union of every seat's chain and verifies each link as it arrives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainedEntry {
    /// The writing store's id.
    pub chain: uuid::Uuid,
    /// The entry.
    pub entry: AuditEntry,
    /// Hash of the previous entry of the chain.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl Store {
    /// This store's own audit entries after `seq`, oldest first (for the hub).
    pub fn audit_chain_after(&self, seq: u64, limit: usize) -> Result<Vec<ChainedEntry>> {
        let chain = self.audit_chain()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, at, seat, actor, action, subject, detail, prev_hash, hash FROM audit_log
             WHERE chain = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![chain.to_string(), seq as i64, limit as i64], |r| {
            Ok((
                entry_row(r)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (entry, prev_hash, hash) = row?;
            out.push(ChainedEntry {
                chain,
                entry: entry?,
                prev_hash,
                hash,
            });
        }
        Ok(out)
    }

    /// The last entry of `chain` this store holds (0 when none).
    pub fn audit_chain_head(&self, chain: uuid::Uuid) -> Result<u64> {
        Ok(self
            .conn()
            .query_row(
                "SELECT seq FROM audit_head WHERE chain = ?1",
                [chain.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .unwrap_or(0) as u64)
    }

    /// The hub stores a seat's audit entries, each only if it links to the chain it holds and
    /// its hash is right: a seat cannot slip an edited or reordered entry in. Returns the new head.
    pub fn hub_store_audit(&self, seat_id: uuid::Uuid, entries: &[ChainedEntry]) -> Result<u64> {
        self.hub_seat(seat_id)?;
        let Some(first) = entries.first() else {
            return Ok(0);
        };
        let chain_id = first.chain;
        let chain = chain_id.to_string();
        let tx = rusqlite::Transaction::new_unchecked(
            self.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        if !self.hub_seat_owns_chain(seat_id, chain_id)? {
            // A new chain of this seat's: only one that starts by saying why.
            if chain_id == seat_id || first.entry.seq != 1 || first.entry.action != "audit_fork" {
                return Err(Error::NotAllowed(
                    "a seat ships only its own audit chain".into(),
                ));
            }
            self.conn().execute(
                "INSERT INTO audit_chains (chain, store_id, parent, started_at) VALUES (?1, ?2, ?3, ?4)",
                params![chain, seat_id.to_string(), first.entry.subject, chrono::Utc::now().to_rfc3339()],
            )?;
        }
        let (mut seq, mut prev): (u64, String) = self
            .conn()
            .query_row(
                "SELECT seq, hash FROM audit_head WHERE chain = ?1",
                [&chain],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, GENESIS.to_owned()));
        for e in entries {
            if e.chain != chain_id {
                return Err(Error::NotAllowed(
                    "a seat ships only its own audit chain".into(),
                ));
            }
            if u64::from(e.entry.seq) <= seq {
                continue; // already here
            }
            if e.prev_hash != prev && u64::from(e.entry.seq) == seq + 1 {
                // Well formed, but not after what the hub holds: the seat went back in time.
                return Err(Error::AuditFork { held: seq });
            }
            if u64::from(e.entry.seq) != seq + 1
                || e.prev_hash != prev
                || entry_hash(&prev, &chain, &e.entry) != e.hash
            {
                return Err(Error::Invalid(format!(
                    "audit entry {} does not link to the chain held",
                    e.entry.seq
                )));
            }
            self.append_audit(&chain, &e.entry, &e.prev_hash, &e.hash)?;
            seq = u64::from(e.entry.seq);
            prev = e.hash.clone();
        }
        tx.commit()?;
        Ok(seq)
    }
}

impl Store {
    /// Whether `chain` is `seat_id`'s (its own id, or a chain it started after a restore).
    pub(crate) fn hub_seat_owns_chain(
        &self,
        seat_id: uuid::Uuid,
        chain: uuid::Uuid,
    ) -> Result<bool> {
        if chain == seat_id {
            return Ok(true);
        }
        Ok(self
            .conn()
            .query_row(
                "SELECT store_id FROM audit_chains WHERE chain = ?1",
                [chain.to_string()],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .is_some_and(|owner| owner == seat_id.to_string()))
    }
}

fn entry_hash(prev: &str, chain: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let at = e.at.format(DATETIME).to_string();
    let seq = e.seq.to_string();
    for part in [
        prev, chain, &seq, &at, &e.seat, &e.actor, &e.action, &e.subject, &e.detail,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    crate::text::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        people::Role,
        store::{NewStaff, NewStore, Pin},
        DataDir, KdfCost, Passphrase,
    };

    /// A store with a dozen audit entries: staff added, sign-ins, reads and a refusal.
    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(
            &DataDir::at(tmp.path()),
            &Passphrase::new("test passphrase".into()),
            &NewStore {
                site_name: "テスト市".into(),
                seat_name: "窓口1".into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap()
        .act_as_site("tests");
        for (code, role) in [("M001", Role::Manager), ("S001", Role::Staff)] {
            store
                .add_staff(NewStaff {
                    code: code.into(),
                    name: format!("職員 {code}"),
                    role,
                    pin: Pin::new("1234"),
                })
                .unwrap();
        }
        for code in ["S001", "M001", "S001", "M001"] {
            store.sign_in(code, &Pin::new("1234")).unwrap();
            let _ = store.verify_audit();
        }
        assert!(store.verify_audit().unwrap().intact());
        (tmp, store)
    }

    /// Raw SQL as someone holding the key and a SQLite shell would run it: the triggers dropped
    /// first, since they refuse plain edits.
    fn tamper(store: &Store, sql: &str) -> AuditVerification {
        assert!(store
            .conn()
            .execute_batch("UPDATE audit_log SET actor = 'X' WHERE seq = 3")
            .is_err());
        store
            .conn()
            .execute_batch(&format!(
                "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete; {sql}"
            ))
            .unwrap();
        let v = store.verify_audit().unwrap();
        assert!(!v.intact(), "{sql}");
        v
    }

    fn says(v: &AuditVerification, what: &str) -> bool {
        v.problems.iter().any(|p| p.contains(what))
    }

    #[test]
    fn an_edited_entry_is_caught() {
        let (_tmp, s) = store();
        let v = tamper(&s, "UPDATE audit_log SET actor = 'M001' WHERE seq = 5;");
        assert!(says(&v, "entry 5 was changed"), "{:?}", v.problems);
    }

    #[test]
    fn a_deleted_entry_is_caught_in_the_middle_and_at_the_end() {
        let (_tmp, s) = store();
        let v = tamper(&s, "DELETE FROM audit_log WHERE seq = 4;");
        assert!(says(&v, "missing"), "{:?}", v.problems);
        let (_tmp, s) = store();
        let v = tamper(
            &s,
            "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);",
        );
        assert!(says(&v, "head"), "{:?}", v.problems);
    }

    #[test]
    fn reordered_entries_are_caught() {
        let (_tmp, s) = store();
        let v = tamper(
            &s,
            "UPDATE audit_log SET seq = -6 WHERE seq = 6;
             UPDATE audit_log SET seq = 6 WHERE seq = 7;
             UPDATE audit_log SET seq = 7 WHERE seq = -6;",
        );
        assert!(
            says(&v, "does not link") || says(&v, "changed"),
            "{:?}",
            v.problems
        );
    }

    #[test]
    fn a_rewritten_time_is_caught() {
        let (_tmp, s) = store();
        let v = tamper(
            &s,
            "UPDATE audit_log SET at = '2020-01-01T00:00:00' WHERE seq = 2;",
        );
        assert!(says(&v, "entry 2 was changed"), "{:?}", v.problems);
    }
}
