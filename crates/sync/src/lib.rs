//! LAN sync between Madoguchi seats and their hub.
//!
//! - [`wire`]: length-prefixed JSON messages, each with the schema version, size-limited.
//! - [`tls`]: TLS 1.3 only, both sides authenticated by certificate fingerprints pinned at
//!   enrolment; no certificate authority and no other client is ever trusted.
//! - [`hub`]: the server; it re-executes pushes on its own store (see `madoguchi_core::store::sync`).
//! - [`client`]: a seat's sync round and its background loop with backoff.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod client;
pub mod hub;
pub mod tls;
pub mod wire;

/// Everything that can go wrong in sync, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] madoguchi_core::Error),
    /// The network failed (the hub vanished, a reset, a timeout).
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// TLS could not be set up or the handshake failed (an unpinned peer ends here).
    #[error("TLS: {0}")]
    Tls(String),
    /// A message that is not valid JSON of a known shape.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// A message with another schema version.
    #[error("schema version {theirs} is not ours ({ours}); update the app")]
    SchemaVersion {
        /// The peer's.
        theirs: u32,
        /// Ours.
        ours: u32,
    },
    /// A frame longer than the limit.
    #[error("message of {0} bytes is over the limit")]
    TooLarge(usize),
    /// The hub refused the request.
    #[error("refused by the hub ({code}): {message}")]
    Refused {
        /// Stable code.
        code: String,
        /// Why.
        message: String,
    },
    /// The peer said something out of turn.
    #[error("protocol: {0}")]
    Protocol(String),
    /// The seat is not enrolled with a hub yet.
    #[error("this seat has no hub: enrol it first")]
    NoHub,
    /// An enrolment string that cannot be read.
    #[error("the enrolment code must look like XXXX-XXXX-XXXX-xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx (the code and 32 digits of the hub's fingerprint)")]
    BadEnrolmentCode,
}

impl Error {
    /// A stable code for the UI and logs (never personal data).
    pub fn code(&self) -> String {
        match self {
            Error::Store(e) => serde_json::to_value(e.code())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "store".into()),
            Error::Io(_) => "network".into(),
            Error::Tls(_) => "tls".into(),
            Error::Malformed(_) => "malformed".into(),
            Error::SchemaVersion { .. } => "schema_version".into(),
            Error::TooLarge(_) => "too_large".into(),
            Error::Refused { code, .. } => code.clone(),
            Error::Protocol(_) => "protocol".into(),
            Error::NoHub => "no_hub".into(),
            Error::BadEnrolmentCode => "bad_enrolment_code".into(),
        }
    }
}

impl From<rustls::Error> for Error {
    fn from(e: rustls::Error) -> Self {
        Error::Tls(e.to_string())
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
