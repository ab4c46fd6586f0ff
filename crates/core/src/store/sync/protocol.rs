//! What a seat asks of the hub and what the hub answers: the sync protocol, as data. The store
//! answers the sync requests ([`crate::Store::hub_answer`]) and drives a seat's round
//! ([`crate::Store::sync_step`]); the `madoguchi-sync` crate frames these as JSON over TLS.
//!
//! Do not change these shapes casually: they are the wire format ([`PROTOCOL`]). Add optional
//! fields instead.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    store::ChainedEntry,
    sync::{Effect, Entry, Envelope, PushResult, Quota},
};

/// The version of what seats and the hub say to each other (the frame's `v`). 3: each message
/// is tagged beside its fields (`{"type": …, "body": {…}}`), so it is read in one pass.
pub const PROTOCOL: u32 = 3;

/// A seat's first words on a connection: who it is, in versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hello {
    /// The app's version (Cargo package version).
    pub app_version: String,
    /// The store's schema version (the last migration).
    pub schema_version: u32,
    /// The seat's kind: a hub of the other kind refuses it.
    #[serde(
        default,
        skip_serializing_if = "crate::training_mode::StoreKind::is_real"
    )]
    pub kind: crate::training_mode::StoreKind,
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
    /// The site the seat works for.
    #[serde(default)]
    pub site: crate::site::SiteId,
    /// The hub's kind: a seat of the other kind stops.
    #[serde(
        default,
        skip_serializing_if = "crate::training_mode::StoreKind::is_real"
    )]
    pub kind: crate::training_mode::StoreKind,
    /// A training hub's training day (the reset's epoch and when it was made): its seats drop
    /// the old day's outbox and set their clocks to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_day: Option<(Uuid, chrono::DateTime<chrono::Utc>)>,
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

/// A manager or deputy, proving it with their PIN, for a hub administration request. The hub
/// checks the PIN against its own roster (failures count towards the member's lock-out there).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManagerProof {
    /// Staff ID.
    pub staff: String,
    /// The PIN as typed (redacted in `Debug`, zeroised on drop).
    pub pin: crate::store::Pin,
}

/// What a seat asks of the hub. The store answers the sync requests
/// ([`crate::Store::hub_answer`]); enrolment and administration need the connection's TLS
/// identity and the hub's events, so the server handles those.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "body", rename_all = "snake_case")]
pub enum Request {
    /// Enrol with a one-time code (the only request an unknown certificate may make).
    Enrol {
        /// The code the manager read out.
        code: String,
        /// The seat's store id.
        seat_id: Uuid,
        /// The seat's name.
        name: String,
        /// The last sequence in the seat's outbox now: when the hub's roster has no manager
        /// yet (the first seat, bringing the roster), the site administrator's changes up to
        /// here are accepted from this seat.
        #[serde(default)]
        pending: u64,
        /// The seat's kind: a training store enrols with a training hub only (absent from
        /// seats before training mode: real).
        #[serde(
            default,
            skip_serializing_if = "crate::training_mode::StoreKind::is_real"
        )]
        kind: crate::training_mode::StoreKind,
    },
    /// A new enrolment code (manager action); `seat`: a code that re-admits that revoked seat.
    NewCode {
        /// A signed-in manager's or deputy's PIN, checked by the hub against its roster.
        manager: ManagerProof,
        /// The revoked seat the code is for (`None`: a new seat).
        #[serde(default)]
        seat: Option<Uuid>,
        /// The site a new seat will work for (`None`: the city's first).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<crate::site::SiteId>,
    },
    /// The enrolled seats (manager action).
    Seats {
        /// As for [`Request::NewCode`].
        manager: ManagerProof,
    },
    /// Revoke a seat (manager action).
    Revoke {
        /// Which.
        seat_id: Uuid,
        /// As for [`Request::NewCode`].
        manager: ManagerProof,
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
        entries: Vec<ChainedEntry>,
    },
}

/// The hub's answers to [`Request`]s.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "body", rename_all = "snake_case")]
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
        /// Reservation numbers dealt to this seat (its stock was low): no booking has them
        /// and no other seat holds them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        numbers: Vec<i64>,
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
        /// The hub's kind (the seat checks it too).
        #[serde(
            default,
            skip_serializing_if = "crate::training_mode::StoreKind::is_real"
        )]
        kind: crate::training_mode::StoreKind,
    },
    /// To [`Request::NewCode`]: the string to type on the new seat.
    Code {
        /// Code and the start of the hub's fingerprint.
        enrolment: String,
    },
    /// To [`Request::Seats`].
    SeatList {
        /// Every seat, revoked ones included.
        seats: Vec<super::SeatRecord>,
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
pub const PULL_PAGE: usize = 200;

/// About how many bytes of entries or rows one page carries (well under the frame limit).
pub const PAGE_BYTES: usize = 1024 * 1024;
