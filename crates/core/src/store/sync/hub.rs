//! The hub's side: enrolled seats, the log, and the answers to seats' requests.
//!
//! A push is executed mutation by mutation, in one transaction with the seat's last sequence,
//! so a batch sent twice or a crash before the answer never applies anything twice. Each
//! mutation's rows are captured as it writes them (its effects) and logged with the digest of
//! the synced rows right after it: seats apply the effects and check the digest. What cannot
//! apply becomes a [`ConflictMutation::RaiseConflict`] in the log, with the rows it writes.
use super::protocol::{
    Answer, Request, SnapshotCursor, SnapshotPage, Welcome, PAGE_BYTES, PULL_PAGE,
};
use crate::mutation::{ConflictMutation, Mutation, ReservationMutation};
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{
    code_hash, error_code, from_json, json, quota_row, quotas, seat_record, SeatRecord,
    ENROLMENT_CODE_MINUTES, ESCROW_DAYS, SITE_TABLES, SYNCED_TABLES,
};
use crate::{
    people::{Actor, Role},
    site::{Holding, SiteId},
    store::{migrate, Store, DATE, TIME},
    sync::{ConflictRecord, Entry, Envelope, Origin, PushOutcome, PushResult, Quota},
    training_mode::StoreKind,
    Error, Result,
};

/// The hub's answer to a pull, with the log entries as they are stored: the server forwards
/// their JSON as it is ([`Pulled::to_json`]) instead of reading and writing every entry again
/// for every seat; in process it becomes an [`Answer`] ([`Pulled::into_answer`]).
#[derive(Debug, Clone)]
pub enum Pulled {
    /// As [`Answer::Reset`].
    Reset {
        /// Why.
        reason: String,
    },
    /// As [`Answer::Changes`], each entry the JSON of an [`Entry`].
    Changes {
        /// The log's identity.
        log_id: String,
        /// Entries, in order, as stored.
        entries: Vec<String>,
        /// The log's head.
        head: u64,
        /// The hub's digest at the last entry (or at the seat's cursor).
        digest: String,
        /// Places set aside for this seat now.
        escrow: Vec<Quota>,
        /// Reservation numbers dealt to this seat.
        numbers: Vec<i64>,
    },
}

impl Pulled {
    /// The answer, its entries read.
    pub fn into_answer(self) -> Result<Answer> {
        Ok(match self {
            Pulled::Reset { reason } => Answer::Reset { reason },
            Pulled::Changes {
                log_id,
                entries,
                head,
                digest,
                escrow,
                numbers,
            } => Answer::Changes {
                log_id,
                entries: entries
                    .iter()
                    .map(|e| from_json(e))
                    .collect::<Result<_>>()?,
                head,
                digest,
                escrow,
                numbers,
            },
        })
    }

    /// The JSON object [`Pulled::into_answer`]'s answer serialises to (the same fields, the
    /// entries' text as stored).
    pub fn to_json(&self) -> Result<String> {
        match self {
            Pulled::Reset { reason } => json(&Answer::Reset {
                reason: reason.clone(),
            }),
            Pulled::Changes {
                log_id,
                entries,
                head,
                digest,
                escrow,
                numbers,
            } => {
                let size = entries.iter().map(|e| e.len() + 1).sum::<usize>() + 256;
                let mut out = String::with_capacity(size);
                out.push_str(r#"{"type":"changes","body":{"log_id":"#);
                out.push_str(&json(log_id)?);
                out.push_str(r#","entries":["#);
                for (i, e) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(e);
                }
                out.push_str(r#"],"head":"#);
                out.push_str(&head.to_string());
                out.push_str(r#","digest":"#);
                out.push_str(&json(digest)?);
                out.push_str(r#","escrow":"#);
                out.push_str(&json(escrow)?);
                if !numbers.is_empty() {
                    out.push_str(r#","numbers":"#);
                    out.push_str(&json(numbers)?);
                }
                out.push_str("}}");
                Ok(out)
            }
        }
    }
}

/// A seat's request the hub executes with others in one transaction
/// ([`Store::hub_execute_group`]).
#[derive(Debug, Clone, Copy)]
pub enum HubJob<'a> {
    /// As [`Store::hub_push`].
    Push {
        /// The pushing seat.
        seat: Uuid,
        /// Its mutations.
        batch: &'a [Envelope],
    },
    /// As [`Store::hub_pull`].
    Pull {
        /// The pulling seat.
        seat: Uuid,
        /// Its cursor.
        after: u64,
        /// The log it follows.
        log_id: &'a str,
        /// The digest it verified at its cursor.
        known: Option<&'a str>,
        /// Escrowed places it used for bookings the hub has not seen yet.
        escrow_in_use: &'a [Quota],
    },
}

/// What a [`HubJob`] came to.
#[derive(Debug)]
pub enum HubDone {
    /// A push's results, or why the batch was refused.
    Pushed(Result<Vec<PushResult>>),
    /// A pull's answer, or why it was refused.
    Pulled(Result<Pulled>),
}

/// How often a seat's pulls update its `last_seen` (seconds): on every pull it would be a
/// write, and a commit to disk, for every pull that changes nothing else.
const LAST_SEEN_EVERY: i64 = 60;

impl Store {
    /// Answers a sync request of an enrolled seat (whose status is checked at every request:
    /// a revoked seat is refused at once). Enrolment and administration are the server's.
    pub fn hub_answer(&self, seat_id: Uuid, request: Request) -> Result<Answer> {
        let seat = self.hub_seat(seat_id)?;
        Ok(match request {
            Request::Hello(hello) => {
                self.same_kind(hello.kind, &seat.name)?;
                if hello.schema_version != migrate::known_version() {
                    tracing::warn!(seat = %seat.name, seat_schema = hello.schema_version, seat_app = %hello.app_version, "seat runs another schema version");
                }
                let (log_id, _) = self.hub_state()?;
                Answer::Welcome(Welcome {
                    hub_name: self.meta().seat_name.clone(),
                    log_id,
                    head: self.hub_head()?,
                    app_version: env!("CARGO_PKG_VERSION").to_owned(),
                    schema_version: migrate::known_version(),
                    last_seq: seat.last_seq,
                    site: seat.site_id,
                    kind: self.kind(),
                    training_day: self.training_epoch(),
                })
            }
            Request::Push { batch } => Answer::Pushed {
                results: self.hub_push(seat_id, &batch)?,
            },
            Request::Pull {
                after,
                log_id,
                known,
                escrow_in_use,
            } => self
                .hub_pull(seat_id, after, &log_id, known.as_deref(), &escrow_in_use)?
                .into_answer()?,
            Request::Snapshot { from } => {
                let holds = self.hub_subscription(&seat)?;
                Answer::Snapshot(self.hub_snapshot_page(from, &holds)?)
            }
            Request::AuditHead { chain } => Answer::AuditStored {
                head: if self.hub_seat_owns_chain(seat_id, chain)? {
                    self.audit_chain_head(chain)?
                } else {
                    0
                },
            },
            Request::PushAudit { entries } => match self.hub_store_audit(seat_id, &entries) {
                Ok(head) => Answer::AuditStored { head },
                Err(Error::AuditFork { held }) => {
                    tracing::warn!(seat = %seat.name, held, "the seat's audit trail went back in time (restored from a copy): it continues on a new chain");
                    Answer::AuditFork { held }
                }
                Err(e) => return Err(e),
            },
            Request::Enrol { .. }
            | Request::NewCode { .. }
            | Request::Seats { .. }
            | Request::Revoke { .. } => {
                return Err(Error::SyncProtocol(
                    "enrolment and administration are not sync requests".into(),
                ))
            }
        })
    }

    /// Answers a seat's pull: the log after `after` (a byte-bounded page, entries as stored),
    /// checked against the digest the seat verified there (`known`), and the places set aside
    /// for it; or a reset when it cannot follow the log from there. Joins the caller's
    /// transaction when there is one; writes only when the seat's escrow changes.
    pub fn hub_pull(
        &self,
        seat_id: Uuid,
        after: u64,
        log_id: &str,
        known: Option<&str>,
        escrow_in_use: &[Quota],
    ) -> Result<Pulled> {
        let seat = self.hub_seat(seat_id)?;
        let (ours, floor) = self.hub_state()?;
        let head = self.hub_head()?;
        let holds = self.hub_subscription(&seat)?;
        let reset = if log_id != ours {
            Some("log_id")
        } else if after > head {
            Some("ahead") // the hub went back in time: restored from a backup
        } else if after < floor {
            Some("compacted")
        } else if after > 0
            && known.is_some()
            && known.map(str::to_owned) != self.hub_digest_at(after, head, &holds)?
        {
            // Not the state the seat verified: another history. (Before the first entry there
            // is nothing to compare with: a seat that first synced while the log was empty
            // holds the rows every store starts with, and the digest after the entries it now
            // applies checks them.)
            Some("digest")
        } else {
            None
        };
        if let Some(reason) = reset {
            tracing::info!(seat = %seat.name, after, head, reason, "seat must load a snapshot");
            return Ok(Pulled::Reset {
                reason: reason.to_owned(),
            });
        }
        let page = self.hub_changes_raw(after, PULL_PAGE)?;
        let last = page.last().map_or(after, |(v, _)| *v);
        let entries = match &holds {
            Holding::All => page.into_iter().map(|(_, e)| e).collect(),
            _ => page
                .iter()
                .map(|(_, e)| project(e, &holds, seat_id))
                .collect::<Result<_>>()?,
        };
        Ok(Pulled::Changes {
            log_id: ours,
            entries,
            head,
            digest: self
                .hub_digest_at(last, head, &holds)?
                .ok_or_else(|| Error::Invalid(format!("no digest at version {last}")))?,
            escrow: self.hub_escrow_for(seat_id, escrow_in_use)?,
            numbers: self.hub_deal_numbers(seat_id)?,
        })
    }

    /// Tops up `seat`'s stock of reservation numbers when it runs low: numbers no booking
    /// has and no seat holds, recorded as dealt to it (a booking with one takes it off).
    fn hub_deal_numbers(&self, seat: Uuid) -> Result<Vec<i64>> {
        let seat = seat.to_string();
        let held: usize = self
            .conn()
            .prepare_cached("SELECT count(*) FROM hub_numbers WHERE seat_id = ?1")?
            .query_row([&seat], |r| r.get(0))?;
        if held >= NUMBERS_LOW {
            return Ok(Vec::new());
        }
        let mut rng = rand::thread_rng();
        let mut dealt = Vec::new();
        let mut tries = 0;
        while held + dealt.len() < NUMBERS_STOCK && tries < 4 * NUMBERS_STOCK {
            tries += 1;
            let n = crate::reservation_number::ReservationNumber::random(&mut rng).as_i64();
            let taken: bool = self
                .conn()
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM reservations WHERE number = ?1)
                         OR EXISTS (SELECT 1 FROM hub_numbers WHERE number = ?1)",
                )?
                .query_row([n], |r| r.get(0))?;
            if !taken {
                self.conn()
                    .prepare_cached("INSERT INTO hub_numbers (number, seat_id) VALUES (?1, ?2)")?
                    .execute(rusqlite::params![n, seat])?;
                dealt.push(n);
            }
        }
        Ok(dealt)
    }

    /// The log's identity and floor (entries at or below it are not served).
    pub fn hub_state(&self) -> Result<(String, u64)> {
        Ok(self.conn().query_row(
            "SELECT log_id, floor FROM hub_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
        )?)
    }

    /// Starts a new log: every seat loads a snapshot at its next pull. For a hub restored from
    /// a backup or moved to another PC (docs/operator-manual.ja.md).
    pub fn hub_new_log(&self) -> Result<String> {
        let id = Uuid::now_v7().simple().to_string();
        self.conn().execute(
            "UPDATE hub_state SET log_id = ?1, floor = (SELECT coalesce(max(version), 0) FROM hub_log)",
            [&id],
        )?;
        Ok(id)
    }

    /// The digest of the synced rows at log version `v` (the live one at the head) of the
    /// parts `holds` selects: every part, a site's (with the city's), or a desk's.
    fn hub_digest_at(&self, v: u64, head: u64, holds: &Holding) -> Result<Option<String>> {
        if v == head {
            return self.sync_digest_held(holds).map(Some);
        }
        let logged: Option<(Option<String>, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT digest, site_digests FROM hub_log WHERE version = ?1",
                [v as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((digest, per_site)) = logged else {
            return Ok(None);
        };
        Ok(match (holds.code(), per_site) {
            // With one site in the city the whole is that site's parts.
            (None, _) | (Some(_), None) => digest,
            (Some(site), Some(per_site)) => {
                from_json::<HashMap<String, String>>(&per_site)?.remove(site.as_str())
            }
        })
    }

    /// What a PC of each of the city's sites holds, in site id order (one read).
    fn hub_site_holdings(&self) -> Result<Vec<Holding>> {
        let rows: Vec<(String, bool, i64)> = self
            .conn()
            .prepare_cached(
                "SELECT id, kind = 'desk', (SELECT count(*) FROM sites) FROM sites ORDER BY id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(id, desk, sites)| {
                let id: SiteId = id.parse()?;
                Ok(match (sites > 1, desk) {
                    (false, _) => Holding::Site(id),
                    (true, false) => Holding::Site(id),
                    (true, true) => Holding::Desk(id),
                })
            })
            .collect()
    }

    /// The rows `seat` holds ([`Store::site_holding`] of its site: docs/design/sites.md §7).
    pub fn hub_subscription(&self, seat: &SeatRecord) -> Result<Holding> {
        self.site_holding(&seat.site_id)
    }

    /// A byte-bounded page of the synced rows from `from`.
    /// With `holds`, a site table's rows of that site only ([`Store::hub_subscription`]).
    fn hub_snapshot_page(
        &self,
        from: Option<SnapshotCursor>,
        holds: &Holding,
    ) -> Result<SnapshotPage> {
        let (log_id, _) = self.hub_state()?;
        let version = self.hub_head()?;
        let mut at = from.unwrap_or(SnapshotCursor { table: 0, rowid: 0 });
        let mut rows = Vec::new();
        let mut bytes = 0;
        while at.table < SYNCED_TABLES.len() && bytes < PAGE_BYTES {
            let (page, more, size) =
                self.rows_after(at.table, at.rowid, PAGE_BYTES - bytes, holds)?;
            bytes += size;
            if let Some(last) = page.last() {
                at.rowid = last.rowid;
            }
            rows.extend(page);
            if !more {
                at = SnapshotCursor {
                    table: at.table + 1,
                    rowid: 0,
                };
            }
        }
        let next = (at.table < SYNCED_TABLES.len()).then_some(at);
        Ok(SnapshotPage {
            log_id,
            version,
            rows,
            next,
        })
    }

    /// Places set aside for other seats of `site` in `day`'s slots, when the hub is executing
    /// a push (room checks must leave them free). Empty otherwise.
    pub(crate) fn escrowed_elsewhere(
        &self,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<HashMap<String, u32>> {
        let Some((seat, escrow)) = *self.sync.hub_exec.borrow() else {
            return Ok(HashMap::new());
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT q.starts, sum(q.places) FROM hub_quota q JOIN hub_seats s ON s.seat_id = q.seat_id
             WHERE q.day = ?1 AND s.site_id = ?4 AND NOT (?3 AND q.seat_id = ?2) GROUP BY q.starts",
        )?;
        let rows = stmt.query_map(
            params![
                day.format(DATE).to_string(),
                seat.to_string(),
                escrow,
                site.as_str()
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        let mut out = HashMap::new();
        for row in rows {
            let (starts, n) = row?;
            out.insert(starts, n.max(0) as u32);
        }
        Ok(out)
    }

    /// Whether the hub is executing a pushed mutation: its outcome is not looked at, so the
    /// domains build none.
    pub(crate) fn hub_executing(&self) -> bool {
        self.sync.hub_exec.borrow().is_some()
    }

    /// The enrolled (not revoked) seat with this id.
    pub fn hub_seat(&self, seat_id: Uuid) -> Result<SeatRecord> {
        self.conn()
            .query_row(
                "SELECT seat_id, name, fingerprint, revoked_at, last_seq, last_seen, site_through, site_id FROM hub_seats WHERE seat_id = ?1",
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
                "SELECT seat_id, name, fingerprint, revoked_at, last_seq, last_seen, site_through, site_id FROM hub_seats WHERE fingerprint = ?1",
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
            "SELECT seat_id, name, fingerprint, revoked_at, last_seq, last_seen, site_through, site_id FROM hub_seats ORDER BY position",
        )?;
        let rows = stmt.query_map([], seat_record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A new one-time enrolment code for a new seat of the city's first site (valid
    /// [`ENROLMENT_CODE_MINUTES`] minutes, once).
    pub fn hub_enrolment_code(&self) -> Result<String> {
        self.hub_new_code(None, None)
    }

    /// A new one-time enrolment code for a new seat of `site`.
    pub fn hub_enrolment_code_for(&self, site: &SiteId) -> Result<String> {
        self.hub_check_seat_site(site)?;
        self.hub_new_code(None, Some(site))
    }

    /// Moves an enrolled seat to another site (a PC moved, an outreach laptop prepared); it
    /// hears it at its next hello.
    pub fn hub_set_seat_site(&self, seat_id: Uuid, site: &SiteId) -> Result<SeatRecord> {
        self.hub_check_seat_site(site)?;
        let n = self.conn().execute(
            "UPDATE hub_seats SET site_id = ?2 WHERE seat_id = ?1 AND revoked_at IS NULL",
            [seat_id.to_string(), site.to_string()],
        )?;
        if n == 0 {
            return Err(Error::NotFound("enrolled seat"));
        }
        // The places it held at its old site go back; it is dealt its new site's at its pull.
        self.conn().execute(
            "DELETE FROM hub_quota WHERE seat_id = ?1",
            [seat_id.to_string()],
        )?;
        tracing::info!(%seat_id, %site, "seat moved to another site");
        self.hub_seat(seat_id)
    }

    fn hub_check_seat_site(&self, site: &SiteId) -> Result<()> {
        if self.sites()?.iter().any(|s| &s.id == site && s.active) {
            Ok(())
        } else {
            Err(Error::Invalid(format!("no open site {site}")))
        }
    }

    /// A one-time code that re-admits one revoked seat (a manager's decision: the seat was
    /// found, or its PC repaired). No other code lets a known seat id enrol again.
    pub fn hub_readmission_code(&self, seat_id: Uuid) -> Result<String> {
        let revoked: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT revoked_at FROM hub_seats WHERE seat_id = ?1",
                [seat_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match revoked {
            None => Err(Error::NotFound("enrolled seat")),
            Some(None) => Err(Error::SeatIdInUse(seat_id.to_string())),
            Some(Some(_)) => self.hub_new_code(Some(seat_id), None),
        }
    }

    fn hub_new_code(&self, seat: Option<Uuid>, site: Option<&SiteId>) -> Result<String> {
        use rand::Rng as _;
        // 12 characters from an alphabet without look-alikes: 60 bits, once, for 10 minutes,
        // and the hub limits how often strangers may try.
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rngs::OsRng;
        let raw: String = (0..12)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let code = format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12]);
        self.conn().execute(
            "INSERT INTO hub_enrolment_codes (code_hash, expires_at, seat_id, site_id) VALUES (?1, ?2, ?3, ?4)",
            params![
                code_hash(&code),
                (Utc::now() + chrono::Duration::minutes(ENROLMENT_CODE_MINUTES)).to_rfc3339(),
                seat.map(|s| s.to_string()),
                site.map(SiteId::as_str)
            ],
        )?;
        Ok(code)
    }

    /// Enrols a seat with a one-time code, pinning its certificate fingerprint. A wrong, used
    /// or expired code is refused the same way. The id of an active seat is refused (no
    /// takeover); a revoked seat comes back only with a code made for it
    /// ([`Store::hub_readmission_code`]). When the hub's roster has no active manager or
    /// deputy yet, this is the seat that brings the roster: the site administrator's changes
    /// in its outbox up to `pending` are accepted from it (see [`Store::hub_push`]).
    pub fn hub_enrol(
        &self,
        code: &str,
        seat_id: Uuid,
        name: &str,
        fingerprint: &str,
        pending: u64,
    ) -> Result<SeatRecord> {
        self.hub_enrol_of_kind(StoreKind::Real, code, seat_id, name, fingerprint, pending)
    }

    /// A training hub and a real one refuse a seat of the other kind (the code is not used up:
    /// the manager enrols the right PC with it).
    fn same_kind(&self, seat: StoreKind, name: &str) -> Result<()> {
        if seat == self.kind() {
            return Ok(());
        }
        tracing::warn!(seat = %name, seat_kind = seat.code(), hub_kind = self.kind().code(), "seat of the other kind refused");
        self.audit(
            &Actor::Site { tool: "hub".into() },
            "hub_admin",
            "kind_refused",
            &format!("{} seat", seat.code()),
        )?;
        Err(Error::SyncStoreKind {
            seat: seat.code().into(),
            hub: self.kind().code().into(),
        })
    }

    /// [`Store::hub_enrol`] for a seat of `kind` (as its `Enrol` says).
    pub fn hub_enrol_of_kind(
        &self,
        kind: StoreKind,
        code: &str,
        seat_id: Uuid,
        name: &str,
        fingerprint: &str,
        pending: u64,
    ) -> Result<SeatRecord> {
        self.same_kind(kind, name)?;
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let code = code.trim().to_uppercase();
        let now = Utc::now().to_rfc3339();
        let found: Option<(Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT seat_id, site_id FROM hub_enrolment_codes WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![code_hash(&code), now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((bound, code_site)) = found else {
            return Err(Error::NotEnrolled);
        };
        // A re-admitted seat keeps its site; a new one works for the code's (or the first).
        let site = match code_site {
            Some(site) => site,
            None => self.first_site()?.to_string(),
        };
        if bound.as_deref().is_some_and(|b| b != seat_id.to_string()) {
            return Err(Error::NotEnrolled); // a code made for another seat
        }
        let known: Option<Option<String>> = tx
            .query_row(
                "SELECT revoked_at FROM hub_seats WHERE seat_id = ?1",
                [seat_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match (&known, &bound) {
            (Some(None), _) | (Some(Some(_)), None) => {
                tracing::warn!(%seat_id, "enrolment with the id of a known seat refused");
                return Err(Error::SeatIdInUse(seat_id.to_string()));
            }
            _ => {}
        }
        let name_taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM hub_seats WHERE name = ?1 AND revoked_at IS NULL AND seat_id != ?2)",
            params![name, seat_id.to_string()],
            |r| r.get(0),
        )?;
        if name_taken {
            return Err(Error::NotAllowed(format!(
                "another enrolled seat is named {name}: give this seat its own name"
            )));
        }
        let founding = !self.hub_roster_has_manager()?;
        tx.execute(
            "UPDATE hub_enrolment_codes SET used_at = ?2 WHERE code_hash = ?1",
            params![code_hash(&code), now],
        )?;
        tx.execute(
            "INSERT INTO hub_seats (seat_id, name, fingerprint, position, enrolled_at, site_through, site_id)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM hub_seats), ?4, ?5, ?6)
             ON CONFLICT (seat_id) DO UPDATE SET name = excluded.name, fingerprint = excluded.fingerprint,
                 revoked_at = NULL, site_through = excluded.site_through",
            params![
                seat_id.to_string(),
                name,
                fingerprint,
                now,
                if founding { pending.min(i64::MAX as u64) as i64 } else { 0 },
                site
            ],
        )?;
        tx.commit()?;
        if known.is_some() {
            tracing::info!(seat = %name, "revoked seat re-admitted with a code made for it");
        }
        self.hub_seat(seat_id)
    }

    /// Whether the hub's roster has an active manager or deputy (until it has, the site
    /// administrator of the first seat is the only authority there is).
    fn hub_roster_has_manager(&self) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE active AND role IN ('manager', 'deputy'))",
            [],
            |r| r.get(0),
        )?)
    }

    /// Records a hub administration request a manager made from a seat.
    pub fn audit_hub_admin(&self, what: &str, staff: &str, seat: &str) -> Result<()> {
        let hub = Actor::Site { tool: "hub".into() };
        self.audit(&hub, "hub_admin", what, &format!("by {staff} at {seat}"))
    }

    /// Checks a manager's or deputy's PIN against the hub's roster, for a hub administration
    /// request from a seat. A wrong PIN counts towards the member's lock-out at the hub.
    pub fn hub_check_manager(
        &self,
        proof: &super::protocol::ManagerProof,
    ) -> Result<crate::store::StaffMember> {
        let member = self.check_pin(&proof.staff, &proof.pin)?;
        if !matches!(member.role, Role::Manager | Role::Deputy) {
            let hub = Actor::Site { tool: "hub".into() };
            self.audit(&hub, "denied", "hub_admin", &member.code)?;
            return Err(Error::ManagerRequired);
        }
        Ok(member)
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

    /// Executes a seat's pushed mutations in order, in one transaction with the seat's last
    /// sequence: a mutation already in the log gets its first answer again; one the hub
    /// cannot apply is logged as a conflict instead. Nothing is ever dropped. Sequences must
    /// rise (a seat renumbers its outbox after what the hub holds at every hello).
    pub fn hub_push(&self, seat_id: Uuid, batch: &[Envelope]) -> Result<Vec<PushResult>> {
        self.hub_group(|| self.hub_push_batch(seat_id, batch))?
    }

    /// Executes what several seats asked meanwhile (pushes, and pulls, which may change a
    /// seat's escrow) in one transaction, in order: group commit, one write to disk for all of
    /// them. Each job is answered as alone: a batch refused whole (out of order, a revoked
    /// seat) or a pull refused leaves the others. The outer `Result` fails when the store
    /// fails (the transaction cannot be made, written or committed): then nothing is applied.
    pub fn hub_execute_group(&self, jobs: &[HubJob<'_>]) -> Result<Vec<HubDone>> {
        self.hub_group(|| {
            jobs.iter()
                .map(|job| {
                    Ok(match *job {
                        HubJob::Push { seat, batch } => {
                            HubDone::Pushed(self.hub_push_batch(seat, batch)?)
                        }
                        HubJob::Pull {
                            seat,
                            after,
                            log_id,
                            known,
                            escrow_in_use,
                        } => HubDone::Pulled(self.hub_pull(
                            seat,
                            after,
                            log_id,
                            known,
                            escrow_in_use,
                        )),
                    })
                })
                .collect()
        })
    }

    /// Runs `f` in one write transaction.
    fn hub_group<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?;
        let value = f()?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` atomically: in a transaction of its own when none is open, else in a
    /// savepoint of the caller's (a group of requests committed together).
    fn hub_atomic<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.conn().is_autocommit() {
            return self.hub_group(f);
        }
        self.conn().execute("SAVEPOINT hub_atomic", [])?;
        match f() {
            Ok(value) => {
                self.conn().execute("RELEASE hub_atomic", [])?;
                Ok(value)
            }
            Err(e) => {
                self.conn().execute("ROLLBACK TO hub_atomic", [])?;
                self.conn().execute("RELEASE hub_atomic", [])?;
                Err(e)
            }
        }
    }

    /// [`Store::hub_push`] inside the caller's transaction. `Ok(Err(_))`: the batch is refused
    /// whole (an unknown or revoked seat, sequences out of order, a malformed clock), checked
    /// before anything is written; `Err`: the store failed part-way, and the caller's
    /// transaction must not be committed. (No savepoint around the batch: inside a group's
    /// transaction, SQLite would copy every page the batch touches into its in-memory
    /// sub-journal, and walk that at every statement.)
    fn hub_push_batch(&self, seat_id: Uuid, batch: &[Envelope]) -> Result<Result<Vec<PushResult>>> {
        let pushed = self.hub_push_checked(seat_id, batch);
        // However it ended, nothing is being executed any more.
        *self.sync.hub_exec.borrow_mut() = None;
        self.set_origin(None);
        pushed
    }

    fn hub_push_checked(
        &self,
        seat_id: Uuid,
        batch: &[Envelope],
    ) -> Result<Result<Vec<PushResult>>> {
        let seat = match self.hub_seat(seat_id) {
            Ok(seat) => seat,
            Err(e @ (Error::NotEnrolled | Error::SeatRevoked)) => return Ok(Err(e)),
            Err(e) => return Err(e),
        };
        let again = match self.hub_check_batch(&seat, batch)? {
            Ok(again) => again,
            Err(refused) => return Ok(Err(refused)),
        };
        let mut last_seq = seat.last_seq;
        let mut results = Vec::with_capacity(batch.len());
        let mut head = self.hub_head()?;
        self.hub_fill_digest(head)?;
        for env in batch {
            let held = match again.contains(&env.id) {
                true => self.hub_answer_again(env)?,
                false => None,
            };
            if let Some(again) = held {
                // Held already (its answer was lost): the seat may have renumbered it since, so
                // the hub remembers the highest sequence it has seen; otherwise the next hello
                // would tell the seat it lost it, and the seat would send it again for ever.
                last_seq = last_seq.max(env.seq);
                results.push(again);
                continue;
            }
            if env.seq <= last_seq {
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
            let version = head + 1;
            // The seat's name is the one the hub enrolled, whatever the envelope says.
            let origin = Origin {
                seat: seat.name.clone(),
                ..env.origin.clone()
            };
            self.conn().execute("SAVEPOINT push", [])?;
            *self.sync.hub_exec.borrow_mut() = Some((seat_id, env.escrow));
            self.set_origin(Some(origin.clone()));
            self.begin_effects()?;
            let applied = if matches!(
                env.mutation,
                Mutation::Conflict(ConflictMutation::RaiseConflict { .. })
            ) {
                Err(Error::NotAllowed("only the hub raises conflicts".into()))
            } else {
                self.hub_check_origin(&seat, env)
                    .and_then(|()| {
                        self.hub_keeps_a_manager(&env.mutation, |s| s.apply(&env.mutation))
                    })
                    .and_then(|_| {
                        if env.escrow {
                            self.hub_use_escrow(&seat, &env.mutation)
                        } else {
                            Ok(())
                        }
                    })
            };
            let executed = match applied {
                Ok(_) => {
                    self.conn().execute("RELEASE push", [])?;
                    Ok((env.mutation.clone(), PushOutcome::Applied { version }))
                }
                Err(e) => {
                    self.conn().execute("ROLLBACK TO push", [])?;
                    self.conn().execute("RELEASE push", [])?;
                    let reason = error_code(&e);
                    // The message names no person (errors carry numbers and days only).
                    tracing::info!(seat = %seat.name, kind = env.mutation.kind(), %reason, "pushed mutation refused; recorded as a conflict");
                    if matches!(e, Error::OriginRefused(_)) {
                        tracing::warn!(seat = %seat.name, staff = %env.origin.staff, kind = env.mutation.kind(), "pushed mutation refused for who made it: {e}");
                        let hub = Actor::Site { tool: "hub".into() };
                        self.audit(
                            &hub,
                            "sync_refused",
                            &seat.name,
                            &format!("{} by {}: {e}", env.mutation.kind(), env.origin.staff),
                        )?;
                    }
                    let conflict = ConflictRecord {
                        id: env.id,
                        seat: seat.name.clone(),
                        staff: env.origin.staff.clone(),
                        kind: env.mutation.kind().to_owned(),
                        subject: env.mutation.subject(),
                        reason: reason.clone(),
                        message: e.to_string(),
                        made_at: env.origin.at,
                        raised_at: Utc::now(),
                    };
                    let raise = Mutation::Conflict(ConflictMutation::RaiseConflict {
                        conflict,
                        original: Box::new(env.mutation.clone()),
                    });
                    self.begin_effects()?;
                    self.apply(&raise)
                        .map(|_| (raise, PushOutcome::Conflict { version, reason }))
                }
            };
            let effects = self.take_effects();
            *self.sync.hub_exec.borrow_mut() = None;
            self.set_origin(None);
            let (executed, outcome) = executed?;
            let entry = Entry {
                version,
                id: env.id,
                seat_id,
                seq: env.seq,
                origin,
                mutation: Some(executed),
                effects: effects?,
            };
            let (digest, site_digests) = self.digests_now(&self.hub_site_holdings()?)?;
            self.conn().execute(
                "INSERT INTO hub_log (version, mutation_id, seat_id, seq, entry, digest, site_digests) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![version as i64, env.id.to_string(), seat_id.to_string(), env.seq as i64, json(&entry)?, digest, site_digests],
            )?;
            head = version;
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
        Ok(Ok(results))
    }

    /// Whether a batch can be executed, before anything is written: the sequences of the
    /// mutations the log does not hold yet rise after what the hub holds of the seat, and their
    /// clocks can be read. Held ones, or one sent twice in the batch, are answered again: their
    /// ids are returned.
    fn hub_check_batch(
        &self,
        seat: &SeatRecord,
        batch: &[Envelope],
    ) -> Result<Result<std::collections::HashSet<Uuid>>> {
        let mut last_seq = seat.last_seq;
        let mut seen = std::collections::HashSet::with_capacity(batch.len());
        let mut again = std::collections::HashSet::new();
        for env in batch {
            let held: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM hub_log WHERE mutation_id = ?1)",
                [env.id.to_string()],
                |r| r.get(0),
            )?;
            if held || !seen.insert(env.id) {
                again.insert(env.id);
                last_seq = last_seq.max(env.seq);
                continue;
            }
            if env.seq <= last_seq {
                return Ok(Err(Error::SyncOutOfOrder {
                    expected: last_seq + 1,
                    got: env.seq,
                }));
            }
            if env.hlc.parse::<uhlc::Timestamp>().is_err() {
                return Ok(Err(Error::Invalid(format!(
                    "malformed HLC timestamp in mutation {}",
                    env.seq
                ))));
            }
            last_seq = env.seq;
        }
        Ok(Ok(again))
    }

    /// Whether the seat's claim of who made a change holds by the hub's own roster: the seat
    /// is the one enrolled under that name; the staff member exists, is active and holds the
    /// change's permission; a site-administrator change comes only from the seat that brought
    /// the roster (whose history up to what it held when it enrolled is taken as it is) or
    /// while nobody manages the roster yet.
    fn hub_check_origin(&self, seat: &SeatRecord, env: &Envelope) -> Result<()> {
        if env.origin.seat != seat.name {
            return Err(Error::OriginRefused(format!(
                "the change names seat {:?}, but it came from seat {:?}",
                env.origin.seat, seat.name
            )));
        }
        // What the seat that brought the roster held when it enrolled is its history, made
        // before the hub had a roster to check it by (after a hub is replaced by an empty one,
        // a whole contract's history): taken as it is.
        if env.seq <= seat.site_through {
            return Ok(());
        }
        // A sealed outreach day is its laptop's alone: bookings and moves into it from any
        // other seat would take places the laptop is using offline.
        let into = match &env.mutation {
            Mutation::Reservation(ReservationMutation::Book(b)) => vec![b.site.clone()],
            // A move touches the site it leaves and the one it goes to.
            Mutation::Reservation(ReservationMutation::Reschedule { number, site, .. }) => self
                .site_of_reservation(*number)
                .ok()
                .into_iter()
                .chain(site.clone())
                .collect(),
            _ => Vec::new(),
        };
        for site in into {
            if self.check_not_sealed_for(&site, &seat.site_id).is_err() {
                return Err(Error::OriginRefused(format!(
                    "site {site} is sealed for its outreach day: only its own PC books it"
                )));
            }
        }
        // A PC that holds one site's rows changes that site's bookings only: it does not hold
        // another site's, and a change to one (a move to its own site above all) would bring
        // that booking's people to it. A new booking for another site is fine (it leaves). A
        // desk's PC changes the bookings it holds (made by its desk, not served yet), and only
        // it makes a booking its desk holds.
        let holds = self.hub_subscription(seat)?;
        if let Mutation::Reservation(ReservationMutation::Book(book)) = &env.mutation {
            if let Some(desk) = book
                .desk
                .as_ref()
                .filter(|d| holds != Holding::Desk((*d).clone()))
            {
                return Err(Error::OriginRefused(format!(
                    "a booking held by desk {desk} from a PC of site {}",
                    seat.site_id
                )));
            }
        }
        if holds != Holding::All {
            let existing = match &env.mutation {
                Mutation::Reservation(ReservationMutation::Book(_)) => None,
                m => m
                    .subject()
                    .parse::<crate::reservation_number::ReservationNumber>()
                    .ok(),
            };
            let parts: Option<(String, Option<String>)> = match existing {
                Some(n) => self
                    .conn()
                    .query_row(
                        "SELECT site_id, desk_id FROM reservations WHERE number = ?1",
                        [n.as_i64()],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?,
                None => None,
            };
            if let Some((site, desk)) = parts {
                if !holds.holds_row(&site, desk.as_deref()) {
                    return Err(Error::OriginRefused(format!(
                        "a change to a booking of site {site} from a PC of site {}",
                        seat.site_id
                    )));
                }
            }
        }
        let permission = env.mutation.permission();
        if let Some(tool) = env.origin.staff.strip_prefix("site:") {
            if !self.hub_roster_has_manager()? {
                return Ok(());
            }
            return Err(Error::OriginRefused(format!(
                "a site-administrator change (site:{tool}) from a seat, after the roster has a manager: a manager makes it in the app"
            )));
        }
        let member = self.staff_member(&env.origin.staff).map_err(|_| {
            Error::OriginRefused(format!(
                "staff ID {} is not on the roster",
                env.origin.staff
            ))
        })?;
        if !member.active {
            return Err(Error::OriginRefused(format!(
                "staff ID {} is no longer on the roster",
                member.code
            )));
        }
        if !member.role.allows(permission) {
            return Err(Error::OriginRefused(format!(
                "staff ID {} ({}) may not {}",
                member.code,
                member.role.code(),
                permission.code()
            )));
        }
        if self
            .check_rostered_at(&member.code, member.role, &seat.site_id)
            .is_err()
        {
            return Err(Error::OriginRefused(format!(
                "staff ID {} does not work at site {}",
                member.code, seat.site_id
            )));
        }
        if let Mutation::Staff(crate::people::StaffMutation::UpdateStaff { code, role, active }) =
            &env.mutation
        {
            if *code == member.code && !(*active && matches!(role, Role::Manager | Role::Deputy)) {
                return Err(Error::OriginRefused(
                    "a manager cannot remove their own management role".into(),
                ));
            }
        }
        Ok(())
    }

    /// Applies a change with `apply`; a roster change must leave someone able to manage the
    /// roster if someone was (otherwise the site administrator of any seat would become the
    /// authority again).
    fn hub_keeps_a_manager<T>(
        &self,
        mutation: &Mutation,
        apply: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<T> {
        let roster = matches!(mutation, Mutation::Staff(_));
        let had = roster && self.hub_roster_has_manager()?;
        let applied = apply(self)?;
        if had && !self.hub_roster_has_manager()? {
            return Err(Error::OriginRefused(
                "the change would leave the roster without an active manager or deputy".into(),
            ));
        }
        Ok(applied)
    }

    /// An entry logged before digests were kept (a hub upgraded from v1) gets the digest of
    /// the rows now, which are still its state when it is the head.
    fn hub_fill_digest(&self, head: u64) -> Result<()> {
        self.conn().execute(
            "UPDATE hub_log SET digest = ?2 WHERE version = ?1 AND digest IS NULL",
            params![head as i64, self.sync_digest()?],
        )?;
        Ok(())
    }

    /// The first answer to a mutation already in the log (a batch sent twice, a lost answer).
    fn hub_answer_again(&self, env: &Envelope) -> Result<Option<PushResult>> {
        let Some((version, entry)): Option<(i64, String)> = self
            .conn()
            .query_row(
                "SELECT version, entry FROM hub_log WHERE mutation_id = ?1",
                [env.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let entry: Entry = from_json(&entry)?;
        let outcome = match entry.mutation {
            Some(Mutation::Conflict(ConflictMutation::RaiseConflict { conflict, .. })) => {
                PushOutcome::Conflict {
                    version: version as u64,
                    reason: conflict.reason,
                }
            }
            _ => PushOutcome::Applied {
                version: version as u64,
            },
        };
        Ok(Some(PushResult {
            id: env.id,
            seq: env.seq,
            outcome,
        }))
    }

    /// A booking the seat confirmed from its escrow: those places are no longer set aside.
    fn hub_use_escrow(&self, seat: &SeatRecord, mutation: &Mutation) -> Result<()> {
        let number = match mutation {
            Mutation::Reservation(ReservationMutation::Book(b)) => b.number,
            Mutation::Reservation(ReservationMutation::Reschedule { number, .. }) => *number,
            _ => return Ok(()),
        };
        let r = self.reservation(number)?;
        let d = r.day.format(DATE).to_string();
        let site = self.site_of_reservation(number)?;
        if site != seat.site_id {
            return Ok(()); // another site's booking: the seat holds no escrow there
        }
        for starts in self.covered_slots(&site, r.day, r.starts, r.slots)? {
            self.conn().execute(
                "UPDATE hub_quota SET places = max(places - 1, 0) WHERE seat_id = ?1 AND day = ?2 AND starts = ?3",
                params![seat.seat_id.to_string(), d, starts],
            )?;
        }
        Ok(())
    }

    /// The hub's log after `after`: at most `limit` entries and about [`PAGE_BYTES`] (at
    /// least one entry when there is one).
    pub fn hub_changes(&self, after: u64, limit: usize) -> Result<Vec<Entry>> {
        self.hub_changes_raw(after, limit)?
            .iter()
            .map(|(_, e)| from_json(e))
            .collect()
    }

    /// [`Store::hub_changes`] as stored: (version, the entry's JSON), not read.
    fn hub_changes_raw(&self, after: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT version, entry FROM hub_log WHERE version > ?1 ORDER BY version LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![after as i64, limit as i64])?;
        let (mut entries, mut bytes) = (Vec::new(), 0usize);
        while let Some(r) = rows.next()? {
            let text: String = r.get(1)?;
            if !entries.is_empty() && bytes + text.len() > PAGE_BYTES {
                break;
            }
            bytes += text.len();
            entries.push((r.get::<_, i64>(0)? as u64, text));
        }
        Ok(entries)
    }

    /// Sets the places set aside for `seat_id` over the next [`ESCROW_DAYS`] days and returns
    /// what it holds. The seat is online when it asks (a pull, right after its push), so what it
    /// holds beyond its share is given back, except what it says it has used offline and not
    /// pushed yet (`in_use`); what it lacks is granted from the free places left.
    pub fn hub_escrow_for(&self, seat_id: Uuid, in_use: &[Quota]) -> Result<Vec<Quota>> {
        let seat = self.hub_seat(seat_id)?;
        // Escrow is dealt over the seats of the seat's own site, from that site's places.
        let seats = self
            .hub_seats()?
            .into_iter()
            .filter(|s| s.revoked_at.is_none() && s.site_id == seat.site_id)
            .collect::<Vec<_>>();
        let position = seats
            .iter()
            .position(|s| s.seat_id == seat.seat_id)
            .unwrap_or(0);
        let today = self.today();
        let me = seat_id.to_string();
        // What the seat has used offline and not pushed yet, per slot.
        let mut used: HashMap<(NaiveDate, chrono::NaiveTime), u32> = HashMap::new();
        for q in in_use {
            *used.entry((q.day, q.starts)).or_default() += q.places;
        }
        // Writes only what changes (most pulls change nothing: no write, nothing to commit).
        self.hub_atomic(|| {
            self.conn().execute(
                "DELETE FROM hub_quota WHERE day < ?1",
                [today.format(DATE).to_string()],
            )?;
            let mut slot_index = 0usize;
            let site = &seat.site_id;
            // A sealed outreach site's laptop holds every free place (nobody else books it).
            let sealed = self.site_sealed(site)?;
            for offset in 0..ESCROW_DAYS {
                let day = today + chrono::Days::new(offset);
                let Ok((_, _, slots)) = self.day_slots(site, day) else {
                    continue; // closed
                };
                let d = day.format(DATE).to_string();
                // Per slot start: places set aside for every seat, and for this one.
                let mut held: HashMap<String, (u32, u32)> = HashMap::new();
                for (starts, id, n) in self.hub_quota_on(site, &d)? {
                    let slot = held.entry(starts).or_default();
                    slot.0 += n;
                    if id == me {
                        slot.1 += n;
                    }
                }
                for slot in slots {
                    let starts = slot.starts.format(TIME).to_string();
                    let (all_escrowed, mine) = held.get(&starts).copied().unwrap_or_default();
                    let free = slot.free();
                    let (target, pool) = if sealed {
                        (free, free)
                    } else {
                        (
                            crate::sync::escrow_target(free, slot_index, position, seats.len()),
                            crate::sync::escrow_pool(free),
                        )
                    };
                    // Never past the pool over all seats, nor past the free places.
                    let room = pool.min(free).saturating_sub(all_escrowed);
                    // What the seat has used offline and not pushed yet stays its own.
                    let used = used.get(&(day, slot.starts)).copied().unwrap_or(0);
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
                            params![me, d, starts, places],
                        )?;
                    }
                    slot_index += 1;
                }
            }
            // Last seen to the minute: a pull that changes nothing writes nothing.
            let now = Utc::now();
            self.conn().execute(
                "UPDATE hub_seats SET last_seen = ?2
                 WHERE seat_id = ?1 AND (last_seen IS NULL OR last_seen < ?3)",
                params![
                    me,
                    now.to_rfc3339(),
                    (now - chrono::Duration::seconds(LAST_SEEN_EVERY)).to_rfc3339()
                ],
            )?;
            Ok(())
        })?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, starts, places FROM hub_quota WHERE seat_id = ?1 AND places > 0 ORDER BY day, starts",
        )?;
        let rows = stmt.query_map([me], quota_row)?;
        quotas(rows)
    }

    /// Places set aside per seat on `day`, every site's (slot start, seat id, places), for
    /// diagnostics.
    pub fn hub_escrow_on(&self, day: NaiveDate) -> Result<Vec<(String, String, u32)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT starts, seat_id, places FROM hub_quota WHERE day = ?1")?;
        let rows = stmt.query_map([day.format(DATE).to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Places set aside on `day` for the seats of `site`: (start, seat, places).
    fn hub_quota_on(&self, site: &SiteId, day: &str) -> Result<Vec<(String, String, u32)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT q.starts, q.seat_id, q.places FROM hub_quota q JOIN hub_seats s ON s.seat_id = q.seat_id
             WHERE q.day = ?1 AND s.site_id = ?2",
        )?;
        let rows = stmt.query_map([day, site.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// How many reservation numbers a seat is dealt at most, and below how many it is dealt more.
const NUMBERS_STOCK: usize = 200;
const NUMBERS_LOW: usize = 50;

/// A stored log entry (JSON) as a seat holding `holds` receives it: a write of a row it does
/// not hold becomes a deletion of that row (it names the table and rowid only: a seat that
/// holds the row, because it was in its part until this entry moved it away or a desk's
/// booking was served, drops it; a seat that does not deletes nothing), and another seat's
/// mutation is left out (it may name people of another site; a seat reads only its own
/// entries' mutations, to settle its outbox). The entry stays, maybe empty, so that versions
/// stay contiguous.
fn project(stored: &str, holds: &Holding, seat_id: Uuid) -> Result<String> {
    let mut entry: Entry = from_json(stored)?;
    for e in &mut entry.effects {
        let elsewhere = SITE_TABLES.contains(&e.table.as_str())
            && e.row.as_ref().is_some_and(|row| {
                let site = row.get("site_id").and_then(|v| v.as_str()).unwrap_or("");
                let desk = row.get("desk_id").and_then(|v| v.as_str());
                !holds.holds_row(site, desk)
            });
        if elsewhere {
            e.row = None;
        }
    }
    if entry.seat_id != seat_id {
        entry.mutation = None;
    }
    json(&entry)
}
