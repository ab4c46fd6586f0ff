//! How any mutation is made at this seat: checked against the actor's permission, applied by
//! its domain (each domain's `apply_*` in its own store file), recorded in the outbox
//! (`mutations`) with its origin and undo records, and in the audit trail, all in one
//! transaction. Sync ships the outbox; the hub executes the same `apply` authoritatively.
use chrono::Utc;
use rusqlite::{params, Transaction, TransactionBehavior};
use uuid::Uuid;

use super::{Outcome, Store};
use crate::{mutation::Mutation, Error, Result};

impl Store {
    /// Applies one mutation in one transaction and records it in the mutation log.
    pub fn execute(&self, mutation: impl Into<Mutation>) -> Result<Outcome> {
        self.execute_batch(&[mutation.into()])?
            .pop()
            .expect("one result per mutation")
    }

    /// Applies mutations in order in one transaction, each in its own savepoint: one that
    /// breaks a rule is rolled back alone and its error returned in its place; the others
    /// commit together (one fsync). The hub answers a pushed batch this way; seeding uses it too.
    /// The outer `Result` fails only when the transaction itself cannot be made or committed.
    pub fn execute_batch(&self, mutations: &[Mutation]) -> Result<Vec<Result<Outcome>>> {
        self.execute_batch_as(None, mutations)
    }

    /// [`Store::execute_batch`] as the signed-in actor, or as `actor` (a city staff member who
    /// proved their PIN at this seat). Each mutation needs its permission and is recorded in the
    /// audit trail with its subject in the same savepoint.
    pub(crate) fn execute_batch_as(
        &self,
        actor: Option<&crate::people::Actor>,
        mutations: &[Mutation],
    ) -> Result<Vec<Result<Outcome>>> {
        let tx = Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(mutations.len());
        for mutation in mutations {
            let permitted = match actor {
                Some(a) if a.allows(mutation.permission()) => Ok(a.clone()),
                Some(a) => self
                    .audit(a, "denied", mutation.permission().code(), "")
                    .and(Err(Error::Forbidden {
                        permission: mutation.permission().code(),
                    })),
                None => self.require(mutation.permission()),
            };
            let actor = match permitted {
                Ok(a) => a,
                Err(e) => {
                    results.push(Err(e));
                    continue;
                }
            };
            if mutation.hub_only() {
                results.push(Err(Error::NotAllowed(
                    "only the hub raises conflicts".into(),
                )));
                continue;
            }
            self.conn().execute_batch("SAVEPOINT mutation")?;
            self.session.set_acting(&actor);
            // Who, where and when, fixed once: the hub and every seat apply it with these.
            let origin = crate::sync::Origin {
                seat: self.meta().seat_name.clone(),
                staff: actor.label(),
                at: self.now(),
                utc: Utc::now(),
            };
            let id = Uuid::now_v7().to_string();
            let seq = self.next_seq()?;
            self.set_origin(Some(origin.clone()));
            self.begin_capture(seq)?;
            let applied = self.apply(mutation).and_then(|outcome| {
                let escrow = self.settle_hold(mutation, &id, true, false)?;
                Ok((outcome, escrow))
            });
            self.end_capture()?;
            self.set_origin(None);
            match applied
                .and_then(|(outcome, escrow)| {
                    self.log_mutation(mutation, &id, seq, &origin, escrow)
                        .map(|()| outcome)
                })
                .and_then(|outcome| {
                    self.audit(
                        &actor,
                        mutation.kind(),
                        &mutation.subject(),
                        &mutation.detail(),
                    )
                    .map(|()| outcome)
                }) {
                Ok(outcome) => {
                    self.conn().execute_batch("RELEASE mutation")?;
                    results.push(Ok(outcome));
                }
                Err(e) => {
                    self.conn()
                        .execute_batch("ROLLBACK TO mutation; RELEASE mutation")?;
                    results.push(Err(e));
                }
            }
        }
        tx.commit()?;
        Ok(results)
    }

    /// Applies one mutation through the domain that owns it.
    pub(super) fn apply(&self, mutation: &Mutation) -> Result<Outcome> {
        match mutation {
            Mutation::Reservation(m) => self.apply_reservation(m),
            Mutation::Plan(m) => self.apply_plan(m),
            Mutation::Checklist(m) => self.apply_checklist(m),
            Mutation::Visit(m) => self.apply_visit(m),
            Mutation::Staff(m) => self.apply_staff(m).map(|()| Outcome::none()),
            Mutation::Inquiry(m) => self.apply_inquiry(m).map(|()| Outcome::none()),
            Mutation::Lending(m) => self.apply_lending(m).map(|()| Outcome::none()),
            Mutation::Site(m) => self.apply_site(m).map(|()| Outcome::none()),
            Mutation::Paperwork(m) => self.apply_paperwork(m).map(|()| Outcome::none()),
            Mutation::Conflict(m) => {
                // The conflict domain applies in `store::sync`; its one free-text field is
                // checked here, on the same path the hub takes.
                if let crate::mutation::ConflictMutation::ResolveConflict { resolution, .. } = m {
                    crate::my_number::refuse_in_text("conflict resolution", resolution)?;
                }
                self.apply_conflict(m).map(|()| Outcome::none())
            }
        }
    }

    fn log_mutation(
        &self,
        mutation: &Mutation,
        id: &str,
        seq: i64,
        origin: &crate::sync::Origin,
        escrow: bool,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO mutations (id, seq, hlc, seat, kind, payload, created_at, origin, escrow, base)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce((SELECT cursor FROM sync_link WHERE id = 1), 0))",
            params![
                id,
                seq,
                self.hlc.new_timestamp().to_string(),
                self.meta().store_id.to_string(),
                mutation.kind(),
                super::sync::json(mutation)?,
                origin.utc.to_rfc3339(),
                super::sync::json(origin)?,
                escrow
            ],
        )?;
        Ok(())
    }

    /// Mutations not yet acknowledged by the hub, oldest first.
    pub fn pending_mutations(&self) -> Result<Vec<(u64, Mutation)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, payload FROM mutations WHERE state = 'pending' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (seq, payload) = row?;
            let mutation = serde_json::from_str(&payload)
                .map_err(|e| Error::Invalid(format!("mutation {seq}: {e}")))?;
            Ok((seq as u64, mutation))
        })
        .collect()
    }
}
