//! What seats and the hub exchange, as plain data: the requests a seat makes and the hub's
//! answers, the envelope of a pushed mutation, an entry of the hub's log with the row effects
//! it wrote, snapshot pages, escrowed places and conflicts. The framing, TLS and the server live
//! in the `madoguchi-sync` crate; what the hub and the seats do with these (execution, effects,
//! digests, rebase, repair, escrow) lives in `store::sync`.
//!
//! Do not change these shapes casually: they are the wire format ([`PROTOCOL`]) and are stored
//! in the hub's log. Add optional fields instead.
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::reservation::Mutation;

/// Who made a mutation, where and when. Stored with the mutation and shipped with it, so the
/// hub and every seat write the same times, seat and staff when they apply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    /// Seat name (「窓口1」).
    pub seat: String,
    /// Staff ID of the person acting (or `site:<tool>`).
    pub staff: String,
    /// The seat's local time when it was made (city rules are in local time).
    pub at: NaiveDateTime,
    /// UTC time when it was made (record timestamps).
    pub utc: DateTime<Utc>,
}

/// One mutation pushed by a seat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// UUIDv7, unique across seats.
    pub id: Uuid,
    /// The seat's sequence number: 1, 2, 3… with no gaps.
    pub seq: u64,
    /// Hybrid logical clock timestamp at the seat.
    pub hlc: String,
    /// The hub log version the seat had applied when it made the mutation.
    pub base: u64,
    /// Made inside the seat's escrowed places (the hub honours it from them).
    pub escrow: bool,
    /// Who, where, when.
    pub origin: Origin,
    /// The intent.
    pub mutation: Mutation,
}

/// The version of what seats and the hub say to each other (the frame's `v`).
pub const PROTOCOL: u32 = 2;

/// One row written by the hub: the row as it is now (a JSON object naming its columns), or
/// `None` when it was deleted. Seats apply effects as they are, by rowid, with no domain code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Effect {
    /// Synced table.
    #[serde(rename = "t")]
    pub table: String,
    /// The row's rowid at the hub (every store keeps the hub's rowids).
    #[serde(rename = "r")]
    pub rowid: i64,
    /// The row, or `None` for a deletion.
    #[serde(rename = "row")]
    pub row: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One entry of the hub's log: a mutation as the hub executed it, and the rows it wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Position in the hub's log (1, 2, 3…).
    pub version: u64,
    /// The pushed mutation's id.
    pub id: Uuid,
    /// The seat (store id) that pushed it.
    pub seat_id: Uuid,
    /// Its sequence at that seat.
    pub seq: u64,
    /// Who, where, when.
    pub origin: Origin,
    /// What the hub executed: the seat's mutation, or [`Mutation::RaiseConflict`] when it
    /// could not apply it (seats read it to settle their own outbox, never to re-execute it).
    pub mutation: Mutation,
    /// The rows the hub wrote, in the order it wrote them.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// A seat's first words on a connection: who it is, in versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hello {
    /// The app's version (Cargo package version).
    pub app_version: String,
    /// The store's schema version (the last migration).
    pub schema_version: u32,
}

/// The hub's answer to [`Hello`]: its log and versions, and what it holds of this seat's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Welcome {
    /// The hub's name.
    pub hub_name: String,
    /// The log's identity (new for a new hub).
    pub log_id: String,
    /// The log's head.
    pub head: u64,
    /// The hub's app version.
    pub app_version: String,
    /// The hub's schema version.
    pub schema_version: u32,
    /// The last sequence of this seat's the hub holds (0 for none).
    pub last_seq: u64,
}

/// Where a snapshot goes on: the next row after this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotCursor {
    /// Index into the synced tables.
    pub table: usize,
    /// Last rowid sent of that table.
    pub rowid: i64,
}

/// A byte-bounded page of the hub's synced rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotPage {
    /// The log these rows belong to.
    pub log_id: String,
    /// The log's head when this page was read (pages are read at rising versions: the seat
    /// then applies the log from the first page's version, which makes the whole exact).
    pub version: u64,
    /// Rows, as [`Effect`]s that are never deletions.
    pub rows: Vec<Effect>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<SnapshotCursor>,
}

/// What a seat asks of the hub. The store answers the sync requests
/// ([`crate::Store::hub_answer`]); enrolment and administration need the connection's TLS
/// identity and the hub's events, so the server handles those.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Enrol with a one-time code (the only request an unknown certificate may make).
    Enrol {
        /// The code the manager read out.
        code: String,
        /// The seat's store id.
        seat_id: Uuid,
        /// The seat's name.
        name: String,
    },
    /// A new enrolment code (manager action).
    NewCode,
    /// The enrolled seats (manager action).
    Seats,
    /// Revoke a seat (manager action).
    Revoke {
        /// Which.
        seat_id: Uuid,
    },
    /// Versions first: answered by [`Answer::Welcome`].
    Hello(Hello),
    /// Up to [`PUSH_BATCH`] mutations, oldest first.
    Push {
        /// The mutations.
        batch: Vec<Envelope>,
    },
    /// The log after `after`, checked against what the seat verified there.
    Pull {
        /// The seat's cursor.
        after: u64,
        /// The log the seat follows.
        log_id: String,
        /// The hub's digest at `after` as the seat verified it (`None` while catching up on a
        /// snapshot): a hub whose state there is another (restored from a backup) says reset.
        known: Option<String>,
        /// Escrowed places used by bookings the hub has not seen yet.
        #[serde(default)]
        escrow_in_use: Vec<Quota>,
    },
    /// A page of the synced rows.
    Snapshot {
        /// Where to go on (`None`: from the start).
        from: Option<SnapshotCursor>,
    },
    /// How far the hub holds one of this seat's audit chains.
    AuditHead {
        /// The chain.
        chain: Uuid,
    },
    /// This seat's audit chain entries the hub does not hold yet.
    PushAudit {
        /// Entries, in order.
        entries: Vec<crate::store::ChainedEntry>,
    },
}

/// The hub's answers to [`Request`]s.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    /// To [`Request::Hello`].
    Welcome(Welcome),
    /// One result per pushed mutation, in order.
    Pushed {
        /// Results.
        results: Vec<PushResult>,
    },
    /// Log entries after the cursor.
    Changes {
        /// The log's identity.
        log_id: String,
        /// Entries, in order (a byte-bounded page).
        entries: Vec<Entry>,
        /// The log's head.
        head: u64,
        /// The hub's digest at the last entry (or at `after` when there is none).
        digest: String,
        /// Places set aside for this seat now.
        escrow: Vec<Quota>,
    },
    /// The seat cannot follow the log from where it is: it loads a snapshot.
    Reset {
        /// Why (`log_id`, `ahead`, `digest`, `compacted`).
        reason: String,
    },
    /// A page of a snapshot.
    Snapshot(SnapshotPage),
    /// The audit entries were checked and stored (or, to [`Request::AuditHead`], how far the
    /// hub holds the chain).
    AuditStored {
        /// How far the hub holds the chain now.
        head: u64,
    },
    /// The entries do not continue the chain the hub holds: the seat continues on a new chain.
    AuditFork {
        /// How far the hub holds the chain.
        held: u64,
    },
    /// To [`Request::Enrol`].
    Enrolled {
        /// The hub's name.
        hub_name: String,
    },
    /// To [`Request::NewCode`]: the string to type on the new seat.
    Code {
        /// Code and the start of the hub's fingerprint.
        enrolment: String,
    },
    /// To [`Request::Seats`].
    SeatList {
        /// Every seat, revoked ones included.
        seats: Vec<crate::store::sync::SeatRecord>,
    },
    /// To [`Request::Revoke`].
    Revoked,
    /// Unasked: the log grew to `head` (the seat pulls).
    Notify {
        /// The new head.
        head: u64,
    },
    /// The request was refused: a stable code and an English message with no personal data.
    Refused {
        /// Stable code (`not_enrolled`, `seat_revoked`, `schema_version`…).
        code: String,
        /// Why.
        message: String,
    },
}

/// Mutations per push.
pub const PUSH_BATCH: usize = 200;

/// Log entries per pull page, at most (pages are also bounded by [`PAGE_BYTES`]).
pub const PULL_PAGE: usize = 500;

/// About how many bytes of entries or rows one page carries (well under the frame limit).
pub const PAGE_BYTES: usize = 1024 * 1024;

/// The hub's answer to one pushed mutation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PushOutcome {
    /// Applied; it is at `version` in the log.
    Applied {
        /// Log version.
        version: u64,
    },
    /// Not applicable: recorded as a conflict at `version` for a person to resolve.
    Conflict {
        /// Log version of the conflict.
        version: u64,
        /// Error code.
        reason: String,
    },
}

impl PushOutcome {
    /// Where the hub logged it.
    pub fn version(&self) -> u64 {
        match self {
            PushOutcome::Applied { version } | PushOutcome::Conflict { version, .. } => *version,
        }
    }
}

/// The hub's answer per mutation of a push, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    /// The mutation.
    pub id: Uuid,
    /// Its sequence at the seat.
    pub seq: u64,
    /// What happened (the same answer again for a mutation pushed twice).
    pub outcome: PushOutcome,
}

/// Places set aside for one seat in one slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// Day.
    pub day: NaiveDate,
    /// Slot start.
    pub starts: NaiveTime,
    /// Places.
    pub places: u32,
}

/// A conflict as stored in a [`Mutation::RaiseConflict`] and shown to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ConflictRecord {
    /// The refused mutation's id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Seat that made it.
    pub seat: String,
    /// Staff who made it.
    pub staff: String,
    /// Its op (`book`, `check_in`…).
    pub kind: String,
    /// Reservation number or day.
    pub subject: String,
    /// Error code (`no_room`, `not_allowed`…).
    pub reason: String,
    /// The hub's error message (English, no personal data).
    pub message: String,
    /// When it was made at the seat (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub made_at: NaiveDateTime,
    /// When the hub refused it (UTC).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub raised_at: DateTime<Utc>,
}

/// Consecutive slots dealt to the same seat: a visit of up to an hour (4 slots of 15 minutes)
/// needs escrow in every slot it covers, so they must not be scattered over seats.
pub const ESCROW_BLOCK: usize = 4;

/// The share of a slot's free places set aside for seats: one in this many (rounded down).
/// Counter PCs are online nearly all the time, and a place in a seat's escrow is refused to
/// every other seat, so the share is small: enough for a seat to keep booking through a LAN
/// outage, not so much that online bookings are refused while places look free.
pub const ESCROW_SHARE: u32 = 4;

/// How many of a slot's `free` places may be in escrow at all, over every seat. The hub never
/// grants past it, even when seats enrol one after another (each enrolment changes who owns
/// which block, and grants are never taken back).
pub fn escrow_pool(free: u32) -> u32 {
    // Rounded down: the last few places of a slot are never in escrow, so a seat that is
    // online can always book them (offline they are provisional).
    free / ESCROW_SHARE
}

/// How many places of a slot a seat should hold in escrow: a quarter of the slot's free
/// places (rounded down, [`ESCROW_SHARE`]) are set aside, dealt round robin over the enrolled
/// seats starting at a different seat for each block of [`ESCROW_BLOCK`] slots; the rest stay
/// with the hub for seats that are online.
pub fn escrow_target(free: u32, slot_index: usize, seat_position: usize, seats: usize) -> u32 {
    let slot_index = slot_index / ESCROW_BLOCK;
    if seats == 0 {
        return 0;
    }
    let pool = escrow_pool(free) as usize;
    let offset = (seat_position + seats - slot_index % seats) % seats;
    // Seats offset 0, 1, … get the pool's places in turn.
    (pool / seats + usize::from(offset < pool % seats)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escrow_deals_a_share_of_the_free_places_round_robin() {
        for seats in 1..=8 {
            for free in 0..=12u32 {
                for slot in 0..10 {
                    let total: u32 = (0..seats)
                        .map(|s| escrow_target(free, slot, s, seats))
                        .sum();
                    assert_eq!(total, escrow_pool(free), "free {free}, {seats} seats");
                }
            }
        }
        // The last places of a slot are never in escrow.
        assert_eq!(escrow_pool(ESCROW_SHARE - 1), 0);
        // A slot's escrowed place goes to one seat per block, a different one per block.
        let owners = |slot| {
            (0..4)
                .filter(|&s| escrow_target(ESCROW_SHARE, slot, s, 4) == 1)
                .collect::<Vec<_>>()
        };
        assert_eq!(owners(0), vec![0]);
        assert_eq!(owners(3), vec![0], "a block of slots goes to one seat");
        assert_eq!(owners(4), vec![1]);
        assert_eq!(owners(20), vec![1]);
    }
}
