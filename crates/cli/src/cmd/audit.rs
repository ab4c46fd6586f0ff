//! `madoguchi audit verify`: recompute every chain of the audit trail; exit 1 if anything was
//! edited, deleted or reordered.
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use madoguchi_core::DataDir;

use super::open_as_site;

/// Work with the audit trail.
#[derive(Debug, Args)]
pub struct Audit {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the hash chains; print the problems and the newest hash.
    Verify,
}

impl Audit {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = open_as_site(dir, "cli")?;
        let AuditCommand::Verify = self.command;
        let v = store.verify_audit()?;
        for problem in &v.problems {
            println!("BROKEN  {problem}");
        }
        println!(
            "{} entries in {} chain(s): {}; head {}",
            v.entries,
            v.chains,
            if v.intact() { "intact" } else { "NOT intact" },
            v.head
        );
        Ok(if v.intact() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }
}
