//! What sync moves, as plain data: the envelope of a pushed mutation with its origin, an entry
//! of the hub's log with the row effects it wrote, the hub's answer per mutation, escrowed
//! places and the escrow arithmetic. The requests and answers are `store::sync::protocol`'s;
//! the framing, TLS and the server live in the `madoguchi-sync` crate; what the hub and the
//! seats do (execution, effects, digests, rebase, repair, escrow) lives in `store::sync`.
//!
//! Do not change these shapes casually: they are the wire format ([`PROTOCOL`]) and are stored
//! in the hub's log. Add optional fields instead.
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::mutation::ConflictRecord;
use crate::mutation::Mutation;

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
    /// What the hub executed: the seat's mutation, or [`ConflictMutation::RaiseConflict`] when it
    /// could not apply it (seats read it to settle their own outbox, never to re-execute it).
    /// Left out of another seat's entries sent to a seat that holds one site's rows (it may
    /// name people of another site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutation: Option<Mutation>,
    /// The rows the hub wrote, in the order it wrote them.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

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
