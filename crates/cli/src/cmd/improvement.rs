//! `madoguchi improvement`: the improvement cycle's notices (業務改善, docs/design/paperwork.md
//! §3.5, §10). `list --overdue` exits 2 when something is late: a morning check for a
//! scheduled task. Reads act as `site:cli`; summaries and notes are never printed.
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use madoguchi_core::DataDir;

use super::open_as_site;

/// The improvement notices and their due dates.
#[derive(Debug, Args)]
pub struct Improvement {
    #[command(subcommand)]
    command: ImprovementCommand,
}

#[derive(Debug, Subcommand)]
enum ImprovementCommand {
    /// Every notice (open first) with its plan due day, payment stop day and status; exit 2
    /// when one is late.
    List {
        /// Only the notices late on some step.
        #[arg(long)]
        overdue: bool,
    },
}

impl Improvement {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            ImprovementCommand::List { overdue } => {
                let store = open_as_site(dir, "cli")?;
                let notices = if overdue {
                    store.improvements_overdue()?
                } else {
                    store.improvement_notices()?
                };
                for n in &notices {
                    println!(
                        "{} received={} plan_due={} payment_stop_from={} status={}{}",
                        n.doc_ref,
                        n.received_on,
                        n.plan_due_on,
                        n.payment_stop_from,
                        n.status.code(),
                        n.alert.as_ref().map_or(String::new(), |a| format!(
                            " LATE:{} since {}",
                            a.kind.code(),
                            a.due
                        ))
                    );
                }
                if notices.iter().any(|n| n.alert.is_some()) {
                    return Ok(ExitCode::from(2));
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
