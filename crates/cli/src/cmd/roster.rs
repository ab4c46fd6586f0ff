//! `madoguchi roster`: the roster (業務従事者名簿) and its change report (名簿変更報告),
//! docs/design/paperwork.md §3.1, §10. Reads and papers act as `site:cli`; writes sign in
//! (`--staff CODE`, the PIN from MADOGUCHI_PIN or a prompt), since the hub takes changes from
//! the people who made them. Papers go to the data folder's reports/, never to a shell redirect.
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use madoguchi_core::{
    paperwork::roster::{Duty, Employment, RosterSubmissionKind},
    DataDir, Store,
};
use madoguchi_report::Format;

use super::{open_as_site, open_unlocked, wipe::PIN_ENV};
use crate::passphrase;

/// The roster: show it, save it, the changes since the last submission, record a submission,
/// set a member's details.
#[derive(Debug, Args)]
pub struct Roster {
    #[command(subcommand)]
    command: RosterCommand,
}

#[derive(Debug, Subcommand)]
enum RosterCommand {
    /// Print the roster at a day (codes, roles, dates).
    Show {
        /// The roster's day (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Save the roster as PDF in reports/ and print where.
    Pdf {
        /// The roster's day (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Save the roster as CSV in reports/ and print where.
    Csv {
        /// The roster's day (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Print what changed since the last recorded submission (with --pdf: save the report).
    Changes {
        /// Save the change report as PDF in reports/.
        #[arg(long)]
        pdf: bool,
    },
    /// Record that the roster was submitted to the city.
    Submitted {
        /// Submitted on, YYYY-MM-DD.
        #[arg(long)]
        on: NaiveDate,
        /// initial or change (default: initial for the first, change after it).
        #[arg(long)]
        kind: Option<String>,
        /// The manager's or deputy's staff ID (PIN asked, or MADOGUCHI_PIN).
        #[arg(long)]
        staff: String,
    },
    /// Set a member's roster details (all of them: unset ones are cleared).
    Set {
        /// The member's staff ID.
        code: String,
        /// 従事開始日.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// 従事終了日.
        #[arg(long)]
        until: Option<NaiveDate>,
        /// regular, fixed_term, part_time, dispatched, other.
        #[arg(long, default_value = "regular")]
        employment: String,
        /// Comma-separated: counter, reception, back_office, phone, management.
        #[arg(long, value_delimiter = ',')]
        duties: Vec<String>,
        /// 誓約書 signed on.
        #[arg(long)]
        pledge_on: Option<NaiveDate>,
        /// The manager's or deputy's staff ID (PIN asked, or MADOGUCHI_PIN).
        #[arg(long)]
        staff: String,
    },
}

fn signed_in(dir: &DataDir, staff: &str) -> Result<Store> {
    let store = open_unlocked(dir)?;
    store.sign_in(
        staff,
        &passphrase::pin(PIN_ENV, &format!("PIN of {staff}: "))?,
    )?;
    Ok(store)
}

impl Roster {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            RosterCommand::Show { as_of } => {
                let store = open_as_site(dir, "cli")?;
                let as_of = as_of.unwrap_or_else(|| store.today());
                for l in store.roster(as_of)? {
                    println!(
                        "{}\t{}\t{}{}\t{}\t{}\t{}",
                        l.code,
                        l.name,
                        l.role.code(),
                        if l.planned { " (planned)" } else { "" },
                        l.assigned_from.map(|d| d.to_string()).unwrap_or_default(),
                        l.assigned_until.map(|d| d.to_string()).unwrap_or_default(),
                        if l.manager_requirements {
                            "requirements_unmet"
                        } else {
                            ""
                        }
                    );
                }
            }
            RosterCommand::Pdf { as_of } | RosterCommand::Csv { as_of } => {
                let format = if matches!(self.command, RosterCommand::Pdf { .. }) {
                    Format::Pdf
                } else {
                    Format::Csv
                };
                let store = open_as_site(dir, "cli")?;
                let as_of = as_of.unwrap_or_else(|| store.today());
                let path = madoguchi_report::save_roster(&store, as_of, format)?;
                println!("{}", path.display());
            }
            RosterCommand::Changes { pdf } => {
                let store = open_as_site(dir, "cli")?;
                let changes = store.roster_changes()?;
                match changes.since_on {
                    Some(on) => println!("since the submission of {on}:"),
                    None => println!("nothing submitted yet: everyone has joined"),
                }
                for c in &changes.changes {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        c.kind.code(),
                        c.code,
                        c.name,
                        c.fields.join(","),
                        c.effective_on.map(|d| d.to_string()).unwrap_or_default()
                    );
                }
                if pdf {
                    let path =
                        madoguchi_report::save_roster_changes(&store, changes.as_of, Format::Pdf)?;
                    println!("{}", path.display());
                }
            }
            RosterCommand::Submitted { on, kind, staff } => {
                let kind = kind
                    .as_deref()
                    .map(RosterSubmissionKind::from_code)
                    .transpose()?;
                let store = signed_in(dir, &staff)?;
                let s = store.record_roster_submission(on, on, kind)?;
                println!(
                    "{} {} {} lines",
                    s.kind.code(),
                    s.submitted_on,
                    s.lines.len()
                );
            }
            RosterCommand::Set {
                code,
                from,
                until,
                employment,
                duties,
                pledge_on,
                staff,
            } => {
                let store = signed_in(dir, &staff)?;
                let current = store.staff_details(&code)?;
                let details = madoguchi_core::paperwork::roster::StaffDetails {
                    code: code.clone(),
                    assigned_from: from,
                    assigned_until: until,
                    employment: Employment::from_code(&employment)?,
                    duties: duties
                        .iter()
                        .filter(|d| !d.is_empty())
                        .map(|d| Duty::from_code(d.trim()))
                        .collect::<madoguchi_core::Result<_>>()?,
                    pledge_on,
                    ..current
                };
                let d = store.set_staff_details(details)?;
                println!("{} {}", d.code, d.employment.code());
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
