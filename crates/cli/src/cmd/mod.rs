//! One module per subcommand.
pub mod attendance;
pub mod audit;
pub mod change_passphrase;
pub mod doctor;
pub mod handover;
pub mod hub;
pub mod init;
pub mod staff;
pub mod sync;
pub mod wipe;

use anyhow::Result;
use madoguchi_core::{DataDir, Passphrase, Store};

use crate::passphrase::{self, PASSPHRASE_ENV};

/// Unlocks the store with the site passphrase and acts as the site administrator (`tool` is
/// recorded in the audit trail as `site:<tool>`).
pub fn open_as_site(dir: &DataDir, tool: &str) -> Result<Store> {
    let passphrase: Passphrase = passphrase::require(PASSPHRASE_ENV, "Site passphrase: ")?;
    Ok(Store::open(dir, &passphrase)?.act_as_site(tool))
}
