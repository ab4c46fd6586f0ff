//! `madoguchi change-passphrase`: rewrap the data key; the database is not rewritten.
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use madoguchi_core::{DataDir, KdfCost, Store};

use crate::passphrase::{self, NEW_PASSPHRASE_ENV, PASSPHRASE_ENV};

/// Change the site passphrase (rewraps the key only; fast, and the data stays as it is).
#[derive(Debug, Args)]
pub struct ChangePassphrase {}

impl ChangePassphrase {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let old = passphrase::require(PASSPHRASE_ENV, "Current site passphrase: ")?;
        let new = passphrase::new(NEW_PASSPHRASE_ENV, "New site passphrase: ")?;
        Store::change_passphrase(dir, &old, &new, KdfCost::STANDARD)?;
        println!("passphrase changed");
        Ok(ExitCode::SUCCESS)
    }
}
