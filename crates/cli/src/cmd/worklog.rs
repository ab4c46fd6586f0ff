//! `madoguchi worklog`: the daily work log (業務日誌, docs/design/paperwork.md §3.3, §10).
//! Writes sign in (`--staff CODE`, the PIN from MADOGUCHI_PIN or a prompt): the hub takes
//! changes from the people who made them. Reads and the PDF act as `site:cli`. Notes are codes
//! and counts; words are typed at the screen only (they would stay in the shell's history).
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use madoguchi_core::{
    paperwork::work_log::{NewWorkLogNote, WorkLogCategory, WorkLogState},
    site::SiteId,
    DataDir, Store,
};

use super::{open_as_site, open_unlocked, wipe::PIN_ENV};
use crate::passphrase;

/// Keep the work log: notes, close, reopen, submitted, PDF, the days owed.
#[derive(Debug, Args)]
pub struct Worklog {
    #[command(subcommand)]
    command: WorklogCommand,
}

#[derive(Debug, Subcommand)]
enum WorklogCommand {
    /// Add a coded note to the log of DAY.
    Note {
        /// The day, YYYY-MM-DD.
        day: NaiveDate,
        /// Category (staffing, system, congestion, city_contact, supplies, lent_materials,
        /// security_check, incident, improvement, other).
        #[arg(long)]
        category: String,
        /// Code within the category (e.g. printer_fault; other; city_…).
        #[arg(long)]
        code: String,
        /// How many.
        #[arg(long, default_value_t = 1)]
        count: u32,
        #[command(flatten)]
        who: Who,
    },
    /// Close the log of DAY (締める).
    Close {
        /// The day, YYYY-MM-DD.
        day: NaiveDate,
        #[command(flatten)]
        who: Who,
    },
    /// Open the closed log of DAY again (再開).
    Reopen {
        /// The day, YYYY-MM-DD.
        day: NaiveDate,
        #[command(flatten)]
        who: Who,
    },
    /// Record the closed log of DAY as submitted to the city (提出済み).
    Submitted {
        /// The day, YYYY-MM-DD.
        day: NaiveDate,
        /// Submitted on (default: today).
        #[arg(long)]
        on: Option<NaiveDate>,
        #[command(flatten)]
        who: Who,
    },
    /// Save the log of DAY as PDF in the data folder's reports/ and print where.
    Pdf {
        /// The day, YYYY-MM-DD.
        day: NaiveDate,
        /// The site (default: this PC's).
        #[arg(long)]
        site: Option<SiteId>,
    },
    /// The logs owed since FROM, newest first; exit 2 when one is overdue.
    List {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
    },
}

/// Who writes, and for which site.
#[derive(Debug, Args)]
struct Who {
    /// The manager's or deputy's staff ID (PIN asked, or MADOGUCHI_PIN).
    #[arg(long)]
    staff: String,
    /// The site (default: this PC's).
    #[arg(long)]
    site: Option<SiteId>,
}

impl Who {
    fn sign_in(&self, dir: &DataDir) -> Result<(Store, SiteId)> {
        let store = open_unlocked(dir)?;
        let staff = &self.staff;
        store.sign_in(
            staff,
            &passphrase::pin(PIN_ENV, &format!("PIN of {staff}: "))?,
        )?;
        let site = match &self.site {
            Some(s) => s.clone(),
            None => store.site()?,
        };
        Ok((store, site))
    }
}

fn show(log: &madoguchi_core::store::WorkLog) {
    let state = match log.state {
        WorkLogState::Open => "open",
        WorkLogState::Closed => "closed",
    };
    println!(
        "{} {} {state}, {} notes, due {}{}",
        log.site,
        log.day,
        log.notes.len(),
        log.due,
        log.submitted_on
            .map_or(String::new(), |d| format!(", submitted {d}"))
    );
}

impl Worklog {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            WorklogCommand::Note {
                day,
                category,
                code,
                count,
                who,
            } => {
                let category = WorkLogCategory::from_code(&category)
                    .with_context(|| format!("categories: {}", categories()))?;
                let (store, site) = who.sign_in(dir)?;
                let note = store.add_work_log_note(
                    &site,
                    day,
                    NewWorkLogNote {
                        category,
                        code,
                        count,
                        words: String::new(),
                        incident_id: None,
                    },
                )?;
                println!("{}", note.id);
            }
            WorklogCommand::Close { day, who } => {
                let (store, site) = who.sign_in(dir)?;
                show(&store.close_work_log(&site, day)?);
            }
            WorklogCommand::Reopen { day, who } => {
                let (store, site) = who.sign_in(dir)?;
                show(&store.reopen_work_log(&site, day)?);
            }
            WorklogCommand::Submitted { day, on, who } => {
                let (store, site) = who.sign_in(dir)?;
                let on = on.unwrap_or_else(|| store.today());
                show(&store.mark_work_log_submitted(&site, day, on)?);
            }
            WorklogCommand::Pdf { day, site } => {
                let store = open_as_site(dir, "cli")?;
                let site = match site {
                    Some(s) => s,
                    None => store.site()?,
                };
                let path = madoguchi_report::save_work_log(&store, &site, day)?;
                println!("{}", path.display());
            }
            WorklogCommand::List { from } => {
                let store = open_as_site(dir, "cli")?;
                let logs = store.work_logs_due(from)?;
                for l in &logs {
                    println!(
                        "{} {} {} notes={} due={} {}",
                        l.site,
                        l.day,
                        l.state.code(),
                        l.notes,
                        l.due,
                        match (l.submitted_on, l.overdue) {
                            (Some(d), _) => format!("submitted={d}"),
                            (None, true) => "OVERDUE".into(),
                            (None, false) => "not submitted".into(),
                        }
                    );
                }
                if logs.iter().any(|l| l.overdue) {
                    return Ok(ExitCode::from(2));
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn categories() -> String {
    WorkLogCategory::ALL
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(", ")
}
