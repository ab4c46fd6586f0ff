//! Madoguchi's domain and encrypted store, usable without Tauri or a network.
//!
//! Everything the desktop app can do, a test can do through this API and the CLI can drive.
//! Personal data lives only in the SQLCipher store ([`Store`]), whose key exists on disk only
//! wrapped with the site passphrase ([`keyfile`]); see `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[macro_use]
mod coded;
pub mod calendar;
pub mod checklist;
pub mod data_dir;
pub mod demo;
pub mod doctor;
pub mod error;
mod files;
pub mod hardening;
pub mod inquiry;
pub mod keyfile;
pub mod lending;
pub mod limits;
pub mod mutation;
pub mod my_number;
pub mod paperwork;
pub mod people;
pub mod planner;
pub mod procedure;
pub mod reason;
pub mod reservation;
pub mod reservation_number;
pub mod secret;
pub mod site;
pub mod store;
pub mod sync;
pub mod text;
pub mod training_mode;
pub mod visit;
pub mod wipe;

pub use data_dir::DataDir;
pub use error::{Error, Result};
pub use keyfile::KdfCost;
pub use secret::{Passphrase, Personal};
pub use store::{Applicant, ApplicantId, NewApplicant, NewStore, Store, StoreStatus};
