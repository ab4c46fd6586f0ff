//! One module per subcommand.
pub mod attendance;
pub mod audit;
pub mod change_passphrase;
pub mod doctor;
pub mod handover;
pub mod hub;
pub mod hub_service;
pub mod improvement;
pub mod incident;
pub mod init;
pub mod report;
pub mod roster;
pub mod staff;
pub mod sync;
pub mod training;
pub mod training_day;
pub mod wipe;
pub mod worklog;

use anyhow::Result;
use madoguchi_core::{DataDir, Passphrase, Store};

use crate::passphrase::{self, PASSPHRASE_ENV};

/// Unlocks the store with the site passphrase and acts as the site administrator (`tool` is
/// recorded in the audit trail as `site:<tool>`).
pub fn open_as_site(dir: &DataDir, tool: &str) -> Result<Store> {
    Ok(open_unlocked(dir)?.act_as_site(tool))
}

/// Opens the store with the site passphrase and nobody signed in: the state of the desktop app
/// after unlock. Sync needs nothing more (seats apply the hub's rows without a session).
pub fn open_unlocked(dir: &DataDir) -> Result<Store> {
    let passphrase: Passphrase = passphrase::require(PASSPHRASE_ENV, "Site passphrase: ")?;
    Ok(Store::open(dir, &passphrase)?)
}
