//! `madoguchi doctor`: check the store, key, schema and disk; exit 1 if anything failed.
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use madoguchi_core::{doctor::CheckStatus, DataDir};

use crate::passphrase::{self, PASSPHRASE_ENV};

/// Check the data directory, key file, database, schema and free disk.
#[derive(Debug, Args)]
pub struct Doctor {
    /// Do not unlock the store (skips the schema and integrity checks).
    #[arg(long)]
    no_unlock: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl Doctor {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let passphrase = if self.no_unlock {
            None
        } else {
            passphrase::get(PASSPHRASE_ENV, "Site passphrase: ")?
        };
        let report = madoguchi_core::doctor::doctor(dir, passphrase.as_ref());
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            for check in &report.checks {
                let mark = match check.status {
                    CheckStatus::Ok => "ok  ",
                    CheckStatus::Warn => "WARN",
                    CheckStatus::Fail => "FAIL",
                };
                println!("[{mark}] {:<15} {}", check.name, check.detail);
            }
        }
        Ok(if report.healthy() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }
}
