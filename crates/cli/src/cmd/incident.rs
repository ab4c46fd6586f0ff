//! `madoguchi incident`: incidents (事故・トラブル, docs/design/paperwork.md §3.4, §10). Reads and
//! the paper act as `site:cli` (local, audited); incidents are opened and handled at the screen,
//! where the words are typed (they would stay in the shell's history here). Nothing printed names
//! a citizen: numbers, codes, counts and times only.
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use madoguchi_core::DataDir;

use super::open_as_site;

/// List incidents and save the incident report (事故報告書).
#[derive(Debug, Args)]
pub struct Incident {
    #[command(subcommand)]
    command: IncidentCommand,
}

#[derive(Debug, Subcommand)]
enum IncidentCommand {
    /// The incidents, not closed first (number, category, kind, status, found, due); exit 2
    /// when one not yet reported to the city is past its due time.
    List {
        /// Only those not closed, with the city's steps of a personal-data incident.
        #[arg(long)]
        open: bool,
    },
    /// Save the incident report of NUMBER (事故報告_<番号>.pdf, codes only) in the data folder's
    /// reports/ and print where.
    Pdf {
        /// The incident's number (JK-YYMMDD-XXX).
        number: String,
    },
}

impl Incident {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = open_as_site(dir, "cli")?;
        match self.command {
            IncidentCommand::List { open: true } => {
                let open = store.open_incidents()?;
                for o in &open {
                    println!(
                        "{} {} {}/{} found {} due {}{}",
                        o.number,
                        o.status.code(),
                        o.category.code(),
                        o.kind.code(),
                        o.detected_at.format("%Y-%m-%d %H:%M"),
                        o.report_due_at.format("%Y-%m-%d %H:%M"),
                        if o.overdue { " OVERDUE" } else { "" }
                    );
                    if o.urgent {
                        let steps: Vec<String> = o
                            .city_steps
                            .iter()
                            .map(|c| format!("{}{}", if c.done { "+" } else { "-" }, c.step.code()))
                            .collect();
                        println!(
                            "  personal data: report to the city at once ({} min since found); steps {}",
                            o.minutes_since_detection,
                            steps.join(" ")
                        );
                    }
                }
                if open.is_empty() {
                    eprintln!("no open incidents");
                }
                Ok(exit(open.iter().any(|o| o.overdue)))
            }
            IncidentCommand::List { open: false } => {
                let all = store.incidents()?;
                let now = store.now();
                for i in &all {
                    println!(
                        "{} {} {}/{} found {} due {}{}",
                        i.number,
                        i.status.code(),
                        i.category.code(),
                        i.kind.code(),
                        i.detected_at.format("%Y-%m-%d %H:%M"),
                        i.report_due_at.format("%Y-%m-%d %H:%M"),
                        i.closed_at.map_or(String::new(), |c| format!(
                            " closed {}",
                            c.format("%Y-%m-%d %H:%M")
                        ))
                    );
                }
                if all.is_empty() {
                    eprintln!("no incidents");
                }
                Ok(exit(all.iter().any(|i| {
                    i.first_reported_at.is_none() && i.closed_at.is_none() && now > i.report_due_at
                })))
            }
            IncidentCommand::Pdf { number } => {
                let path = madoguchi_report::save_incident_report(&store, &number)?;
                println!("{}", path.display());
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// Exit 2 when something is overdue (a morning check), else success.
fn exit(overdue: bool) -> ExitCode {
    if overdue {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
