//! The core crate's one error type.
//!
//! Every variant is a situation a person can act on, so each carries a stable [`Error::code`]
//! that the desktop shell maps to a Japanese sentence. Messages are English (logs, CLI) and never
//! contain personal data: only paths, counts and versions.
use std::path::PathBuf;

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither a key file nor a database exists in the data directory: run `madoguchi init`.
    #[error("no store in {0}: create one with `madoguchi init`")]
    NotInitialised(PathBuf),
    /// `init` found a store (or part of one) already there; it never overwrites.
    #[error("a store already exists in {0}; refusing to overwrite it")]
    AlreadyInitialised(PathBuf),
    /// `init` was pointed at a directory holding files that are not Madoguchi's; the data
    /// directory must be Madoguchi's alone (the wipe removes all of it).
    #[error("{0} holds files that are not Madoguchi's; choose an empty or new directory")]
    DataDirNotEmpty(PathBuf),
    /// The database exists but its wrapped key file does not.
    #[error("key file {0} is missing; the database cannot be opened without it")]
    KeyFileMissing(PathBuf),
    /// The key file exists but the database does not (it was moved or deleted).
    #[error("database {0} is missing, although its key file is present")]
    DatabaseMissing(PathBuf),
    /// The passphrase does not unwrap the key file.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The key file is not a readable age file holding a Madoguchi data key.
    #[error("key file {path} is corrupt: {reason}")]
    KeyFileCorrupt {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it, in words.
        reason: String,
    },
    /// The key file unwrapped, but it belongs to another store.
    #[error("key file belongs to store {key_store_id}, but the database is store {db_store_id}")]
    KeyMismatch {
        /// Store id sealed in the key file.
        key_store_id: String,
        /// Store id recorded in the database.
        db_store_id: String,
    },
    /// The key file and the database disagree about what the store is for (real or training):
    /// someone changed one of them. Nothing is opened.
    #[error("key file says a {key} store, but the database is a {db} store")]
    StoreKindMismatch {
        /// Kind sealed in the key file.
        key: String,
        /// Kind recorded in the database.
        db: String,
    },
    /// A training store and a real one never sync: the hub or the seat is of the other kind.
    #[error("a {seat} seat cannot sync with a {hub} hub")]
    SyncStoreKind {
        /// The seat's kind.
        seat: String,
        /// The hub's kind.
        hub: String,
    },
    /// Only a training store does this (reset to the training day…).
    #[error("this is not a training store")]
    NotTrainingStore,
    /// A training store holds made-up data only: it does not do this (hand data over…).
    #[error("a training store does not {0}")]
    TrainingStore(&'static str),
    /// The database cannot be decrypted or read with the store's key: damaged, or not this store's.
    #[error(
        "database {path} is unreadable (corrupt, or not encrypted with this store's key): {reason}"
    )]
    DatabaseCorrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// The database was written by a newer Madoguchi; opening it here could damage it.
    #[error("the store's schema is version {found}, but this Madoguchi only knows up to {known}: update Madoguchi")]
    SchemaTooNew {
        /// Highest migration recorded in the database.
        found: u32,
        /// Highest migration embedded in this build.
        known: u32,
    },
    /// A passphrase that is too weak to protect the key.
    #[error("the passphrase must be at least {min} characters")]
    PassphraseTooShort {
        /// Minimum length in characters.
        min: usize,
    },
    /// Input that breaks a rule of the domain (empty name, bad date…).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// No free place: the slot (or one of the slots a booking needs) is full.
    #[error("no free place on {day} at {starts}")]
    SlotFull {
        /// Day, YYYY-MM-DD.
        day: String,
        /// The full slot, HH:MM.
        starts: String,
    },
    /// A free-text field holds what looks like an individual number (個人番号, 12 digits with a
    /// valid check digit): the contractor must not collect it, so it is refused, not stored.
    /// The message names the field, never the text.
    #[error("the {field} holds what looks like an individual number (12 digits with a valid check digit); remove it")]
    IndividualNumberInText {
        /// Which field (English, e.g. "revisit reason").
        field: &'static str,
    },
    /// A free-text field longer than its limit: refused at the seat before anything is queued,
    /// so one oversized entry can never hold up sync. The message names the field, never the text.
    #[error("the {field} is longer than {max} characters")]
    TooLong {
        /// Which field (English, e.g. "note").
        field: &'static str,
        /// Its limit in characters.
        max: usize,
    },
    /// The hub refused a pushed change because of who made it: the staff member is unknown,
    /// inactive or lacks the permission by the hub's roster, or a site-administrator change came
    /// from a seat after the roster had a manager.
    #[error("refused by the hub: {0}")]
    OriginRefused(String),
    /// Enrolment with the id of a seat that is enrolled and active (a takeover), or of a revoked
    /// seat without a code a manager made for it.
    #[error(
        "seat {0} is already enrolled; a revoked seat comes back only with a code made for it"
    )]
    SeatIdInUse(String),
    /// A hub administration request (codes, the seat list, revocation) without the PIN of an
    /// active manager or deputy.
    #[error("this needs the PIN of a manager or deputy")]
    ManagerRequired,
    /// The operation is not allowed in the current state (cancel a no-show, book a closed day…).
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// The counter is closed that day (weekend, holiday, year end, closure).
    #[error("the counter is closed on {day}")]
    DayClosed {
        /// Day, YYYY-MM-DD.
        day: String,
    },
    /// The city's rules do not allow booking that day yet, or any more.
    #[error("bookings are taken from {first} to {last}")]
    OutsideBookingWindow {
        /// First day that can be booked today, YYYY-MM-DD.
        first: String,
        /// Last day that can be booked today, YYYY-MM-DD.
        last: String,
    },
    /// One booking per person: this person already holds one.
    #[error("this person already holds booking {number}")]
    AlreadyBooked {
        /// The booking they hold.
        number: String,
    },
    /// A checklist rules file that cannot be used; the last good rules stay in force.
    #[error("checklist rules {path}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    RulesInvalid {
        /// The file (or "bundled").
        path: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Nobody is signed in at this seat (or the sign-in ended after idle time).
    #[error("sign in first")]
    NotSignedIn,
    /// The signed-in role may not do this.
    #[error("not permitted for this role: {permission}")]
    Forbidden {
        /// The permission that was missing.
        permission: &'static str,
    },
    /// Unknown staff ID or wrong PIN (the same error, so IDs cannot be probed).
    #[error("wrong staff ID or PIN")]
    WrongPin,
    /// A member of the counter staff signing in (or whose change comes from a seat) at a site
    /// they do not work at (the roster per site; not counted as a wrong PIN).
    #[error("not on the roster of site {site}")]
    NotRosteredHere {
        /// The site.
        site: String,
    },
    /// A new seat is still loading the hub's data and its roster is not in yet: sign in once
    /// it is (not counted as a wrong PIN).
    #[error("the hub's data is still being loaded; sign in when it is in")]
    FirstLoad,
    /// Too many wrong PINs in a row: the member is locked out for a while.
    #[error("locked out after repeated wrong PINs until {until}")]
    StaffLocked {
        /// Local time the lock-out ends, HH:MM.
        until: String,
    },
    /// A reservation number that is malformed or fails its check digit.
    #[error("not a valid reservation number")]
    BadReservationNumber,
    /// A record that was asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The OS gave no standard place for application data, and none was given.
    #[error("no data directory: set MADOGUCHI_DATA_DIR or pass --data-dir")]
    NoDataDir,
    /// A file-system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The hub does not know this seat (never enrolled, or the enrolment code was wrong).
    #[error("this seat is not enrolled at the hub")]
    NotEnrolled,
    /// The manager revoked this seat at the hub.
    #[error("this seat was revoked at the hub")]
    SeatRevoked,
    /// Sync was asked for something out of order (a gap in a seat's sequence or the hub's log).
    #[error("sync out of order: expected {expected}, got {got}")]
    SyncOutOfOrder {
        /// The next number expected.
        expected: u64,
        /// The number received.
        got: u64,
    },
    /// The seat and the hub run different schema versions: the older one must be updated
    /// before they sync (nothing is exchanged meanwhile, so nothing diverges).
    #[error("this seat's schema is version {seat}, the hub's is {hub}: update the {older}")]
    SyncVersionMismatch {
        /// The seat's schema version.
        seat: u32,
        /// The hub's schema version.
        hub: u32,
        /// Which one to update: "seat" or "hub".
        older: &'static str,
    },
    /// A snapshot loaded from the hub did not reach the hub's digest: nothing was changed here.
    #[error("the snapshot from the hub does not match its digest (version {version}); will retry")]
    SyncRepairFailed {
        /// The log version of the snapshot.
        version: u64,
    },
    /// A seat's audit entries do not continue the chain the hub holds (the seat was restored
    /// from an older copy): it continues on a new chain.
    #[error(
        "the hub holds this seat's audit chain up to entry {held}, and these do not follow it"
    )]
    AuditFork {
        /// How far the hub holds the chain.
        held: u64,
    },
    /// The hub answered out of turn (a broken or foreign peer).
    #[error("sync protocol: {0}")]
    SyncProtocol(String),
    /// The wipe would lose data: make the handover export first.
    #[error("make the handover export first: {pending} changes are not on the hub (hub: {hub})")]
    HandoverRequired {
        /// Changes not on the hub.
        pending: u32,
        /// Whether this is the hub.
        hub: bool,
    },
    /// The handover export could not be made, read or checked.
    #[error("handover export: {0}")]
    Handover(String),
    /// The wipe's verification found something left; nothing is certified until it passes.
    #[error("the wipe is not complete: {0}; run it again")]
    WipeIncomplete(String),
    /// A member of the contractor without a valid passed 個人情報保護・情報セキュリティ training
    /// cannot be made active (seed 002 §16(4)(5); docs/design/paperwork.md §3.2).
    #[error("staff member {code} has no valid security training; record a passed session first")]
    SecurityTrainingMissing {
        /// Staff ID.
        code: String,
    },
    /// An incident cannot be closed yet: the steps it still needs (codes: `first_report`,
    /// `cause`, `measure`, `written_report`, `follow_up_report`, `open_followups`;
    /// docs/design/paperwork.md §3.4).
    #[error("the incident cannot be closed yet; missing: {}", missing.join(", "))]
    IncidentIncomplete {
        /// What is missing, as codes.
        missing: Vec<&'static str>,
    },
    /// A site's work log of a day is closed: notes are refused until it is reopened
    /// (docs/design/paperwork.md §3.3, §5: a note pushed after another PC closed it too).
    #[error("the work log of {site} for {day} is closed; reopen it first")]
    WorkLogClosed {
        /// The site's code.
        site: String,
        /// The day, YYYY-MM-DD.
        day: String,
    },
    /// SQLite failed in a way not covered above.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    /// A stable, machine-readable code (the UI translates it; never change one casually).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotInitialised(_) => ErrorCode::NotInitialised,
            Error::AlreadyInitialised(_) => ErrorCode::AlreadyInitialised,
            Error::DataDirNotEmpty(_) => ErrorCode::DataDirNotEmpty,
            Error::KeyFileMissing(_) => ErrorCode::KeyFileMissing,
            Error::DatabaseMissing(_) => ErrorCode::DatabaseMissing,
            Error::WrongPassphrase => ErrorCode::WrongPassphrase,
            Error::KeyFileCorrupt { .. } => ErrorCode::KeyFileCorrupt,
            Error::KeyMismatch { .. } => ErrorCode::KeyMismatch,
            Error::StoreKindMismatch { .. } => ErrorCode::StoreKindMismatch,
            Error::NotTrainingStore => ErrorCode::NotTrainingStore,
            Error::SyncStoreKind { .. } => ErrorCode::SyncStoreKind,
            Error::TrainingStore(_) => ErrorCode::TrainingStore,
            Error::DatabaseCorrupt { .. } => ErrorCode::DatabaseCorrupt,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::PassphraseTooShort { .. } => ErrorCode::PassphraseTooShort,
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::SlotFull { .. } => ErrorCode::SlotFull,
            Error::NotAllowed(_) => ErrorCode::NotAllowed,
            Error::IndividualNumberInText { .. } => ErrorCode::IndividualNumberInText,
            Error::TooLong { .. } => ErrorCode::TooLong,
            Error::OriginRefused(_) => ErrorCode::OriginRefused,
            Error::SeatIdInUse(_) => ErrorCode::SeatIdInUse,
            Error::ManagerRequired => ErrorCode::ManagerRequired,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::DayClosed { .. } => ErrorCode::DayClosed,
            Error::OutsideBookingWindow { .. } => ErrorCode::OutsideBookingWindow,
            Error::AlreadyBooked { .. } => ErrorCode::AlreadyBooked,
            Error::BadReservationNumber => ErrorCode::BadReservationNumber,
            Error::NotSignedIn => ErrorCode::NotSignedIn,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::WrongPin => ErrorCode::WrongPin,
            Error::FirstLoad => ErrorCode::FirstLoad,
            Error::NotRosteredHere { .. } => ErrorCode::NotRosteredHere,
            Error::StaffLocked { .. } => ErrorCode::StaffLocked,
            Error::RulesInvalid { .. } => ErrorCode::RulesInvalid,
            Error::NoDataDir => ErrorCode::NoDataDir,
            Error::Io { .. } => ErrorCode::Io,
            Error::NotEnrolled => ErrorCode::NotEnrolled,
            Error::SeatRevoked => ErrorCode::SeatRevoked,
            Error::SyncOutOfOrder { .. } => ErrorCode::SyncOutOfOrder,
            Error::SyncVersionMismatch { older: "hub", .. } => ErrorCode::SyncUpdateHub,
            Error::SyncVersionMismatch { .. } => ErrorCode::SyncUpdateSeat,
            Error::SyncRepairFailed { .. } => ErrorCode::SyncRepairFailed,
            Error::SyncProtocol(_) => ErrorCode::SyncProtocol,
            Error::AuditFork { .. } => ErrorCode::AuditFork,
            Error::HandoverRequired { .. } => ErrorCode::HandoverRequired,
            Error::Handover(_) => ErrorCode::Handover,
            Error::WipeIncomplete(_) => ErrorCode::WipeIncomplete,
            Error::SecurityTrainingMissing { .. } => ErrorCode::SecurityTrainingMissing,
            Error::IncidentIncomplete { .. } => ErrorCode::IncidentIncomplete,
            Error::WorkLogClosed { .. } => ErrorCode::WorkLogClosed,
            Error::Sqlite(_) => ErrorCode::Database,
        }
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }
}

/// The stable code of each [`Error`] variant, as the UI receives it (`snake_case`); the hub's
/// refusals carry it too, so a seat reads it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// See [`Error::NotInitialised`].
    NotInitialised,
    /// See [`Error::AlreadyInitialised`].
    AlreadyInitialised,
    /// See [`Error::DataDirNotEmpty`].
    DataDirNotEmpty,
    /// See [`Error::KeyFileMissing`].
    KeyFileMissing,
    /// See [`Error::DatabaseMissing`].
    DatabaseMissing,
    /// See [`Error::WrongPassphrase`].
    WrongPassphrase,
    /// See [`Error::KeyFileCorrupt`].
    KeyFileCorrupt,
    /// See [`Error::KeyMismatch`].
    KeyMismatch,
    /// See [`Error::StoreKindMismatch`].
    StoreKindMismatch,
    /// See [`Error::SyncStoreKind`].
    SyncStoreKind,
    /// See [`Error::NotTrainingStore`].
    NotTrainingStore,
    /// See [`Error::TrainingStore`].
    TrainingStore,
    /// See [`Error::DatabaseCorrupt`].
    DatabaseCorrupt,
    /// See [`Error::SchemaTooNew`].
    SchemaTooNew,
    /// See [`Error::PassphraseTooShort`].
    PassphraseTooShort,
    /// See [`Error::Invalid`].
    InvalidInput,
    /// See [`Error::SlotFull`].
    SlotFull,
    /// See [`Error::NotAllowed`].
    NotAllowed,
    /// See [`Error::IndividualNumberInText`].
    IndividualNumberInText,
    /// See [`Error::TooLong`].
    TooLong,
    /// See [`Error::OriginRefused`].
    OriginRefused,
    /// See [`Error::SeatIdInUse`].
    SeatIdInUse,
    /// See [`Error::ManagerRequired`].
    ManagerRequired,
    /// See [`Error::NotFound`].
    NotFound,
    /// See [`Error::DayClosed`].
    DayClosed,
    /// See [`Error::OutsideBookingWindow`].
    OutsideBookingWindow,
    /// See [`Error::AlreadyBooked`].
    AlreadyBooked,
    /// See [`Error::BadReservationNumber`].
    BadReservationNumber,
    /// See [`Error::RulesInvalid`].
    RulesInvalid,
    /// See [`Error::NotSignedIn`].
    NotSignedIn,
    /// See [`Error::Forbidden`].
    Forbidden,
    /// See [`Error::WrongPin`].
    WrongPin,
    /// See [`Error::FirstLoad`].
    FirstLoad,
    /// See [`Error::NotRosteredHere`].
    NotRosteredHere,
    /// See [`Error::StaffLocked`].
    StaffLocked,
    /// See [`Error::NoDataDir`].
    NoDataDir,
    /// See [`Error::Io`].
    Io,
    /// See [`Error::NotEnrolled`].
    NotEnrolled,
    /// See [`Error::SeatRevoked`].
    SeatRevoked,
    /// See [`Error::SyncOutOfOrder`].
    SyncOutOfOrder,
    /// This seat runs an older schema than the hub: update this PC (この端末を更新してください).
    SyncUpdateSeat,
    /// The hub runs an older schema than this seat: update the hub.
    SyncUpdateHub,
    /// See [`Error::SyncRepairFailed`].
    SyncRepairFailed,
    /// See [`Error::SyncProtocol`].
    SyncProtocol,
    /// See [`Error::AuditFork`].
    AuditFork,
    /// Make the handover export before the wipe.
    HandoverRequired,
    /// The handover export failed or does not check.
    Handover,
    /// The wipe's verification failed.
    WipeIncomplete,
    /// See [`Error::SecurityTrainingMissing`].
    SecurityTrainingMissing,
    /// See [`Error::IncidentIncomplete`].
    IncidentIncomplete,
    /// See [`Error::WorkLogClosed`].
    WorkLogClosed,
    /// See [`Error::Sqlite`].
    Database,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        let json = serde_json::to_string(&Error::WrongPassphrase.code()).unwrap();
        assert_eq!(json, "\"wrong_passphrase\"");
        let json =
            serde_json::to_string(&Error::SchemaTooNew { found: 2, known: 1 }.code()).unwrap();
        assert_eq!(json, "\"schema_too_new\"");
    }
}
