//! `madoguchi training`: training records (研修記録, docs/design/paperwork.md §3.2, §10).
//! Reads and the report act as `site:cli`; writes sign in (`--staff CODE`, the PIN from
//! MADOGUCHI_PIN or a prompt). `training status` exits 2 when someone is flagged (a morning check).
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use madoguchi_core::{
    paperwork::training::{
        AttendanceMark, NewTrainingSession, TrainingPhase, TrainingResult, TrainingTopic,
    },
    DataDir, Store,
};
use madoguchi_report::Format;

use super::{open_as_site, open_unlocked, wipe::PIN_ENV};
use crate::passphrase;

/// Training records: sessions, record one, results from a CSV, each member's status, the report.
#[derive(Debug, Args)]
pub struct Training {
    #[command(subcommand)]
    command: TrainingCommand,
}

#[derive(Debug, Subcommand)]
enum TrainingCommand {
    /// List the sessions of a period (default: the last year).
    Sessions {
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Record a session held, with its attendees (results: `training results`).
    Record {
        /// Held on, YYYY-MM-DD.
        #[arg(long)]
        on: NaiveDate,
        /// privacy_security, ethics, law, procedures, customer_service, system_operation,
        /// emergency, other.
        #[arg(long)]
        topic: String,
        /// pre_service or periodic.
        #[arg(long, default_value = "pre_service")]
        phase: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        trainer: String,
        #[arg(long)]
        minutes: u32,
        /// 資料名・版.
        #[arg(long, default_value = "")]
        material: String,
        /// The city approved the content (000 §8(3)ア).
        #[arg(long)]
        city_approved: bool,
        /// Comma-separated staff IDs who attended (a security session needs results: pass
        /// them as CODE:passed, CODE:failed, CODE:retake).
        #[arg(long, value_delimiter = ',')]
        attendees: Vec<String>,
        /// The manager's or deputy's staff ID (PIN asked, or MADOGUCHI_PIN).
        #[arg(long)]
        staff: String,
    },
    /// Set results from a CSV of `staff code,result[,score]` (what an e-learning export gives).
    Results {
        /// The session's id.
        session: uuid::Uuid,
        /// The CSV file.
        file: std::path::PathBuf,
        #[arg(long)]
        staff: String,
    },
    /// Each member's training status; exits 2 when someone is flagged.
    Status {
        /// Print flagged members only.
        #[arg(long)]
        flags_only: bool,
    },
    /// Save the training report (研修実施報告) of a period in reports/ and print where.
    Report {
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
        /// CSV instead of PDF.
        #[arg(long)]
        csv: bool,
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

/// `CODE` or `CODE:result[:score]`.
fn mark(spec: &str) -> Result<AttendanceMark> {
    let mut parts = spec.trim().split(':');
    let code = parts.next().unwrap_or_default().trim().to_uppercase();
    let result = parts
        .next()
        .filter(|r| !r.is_empty())
        .map(|r| TrainingResult::from_code(r.trim()))
        .transpose()?;
    let score = parts
        .next()
        .map(|s| s.trim().parse::<u8>().context("a score is 0 to 100"))
        .transpose()?;
    Ok(AttendanceMark {
        staff_code: code,
        attended: true,
        result,
        score,
    })
}

impl Training {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            TrainingCommand::Sessions { from, to } => {
                let store = open_as_site(dir, "cli")?;
                let to = to.unwrap_or_else(|| store.today());
                let from = from.unwrap_or(to - chrono::Duration::days(365));
                for s in store.training_sessions(from, to)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{} attended{}",
                        s.id,
                        s.session.held_on,
                        s.session.topic.code(),
                        s.session.title,
                        s.session.minutes,
                        s.attendance.iter().filter(|a| a.attended).count(),
                        if s.cancelled { "\tcancelled" } else { "" }
                    );
                }
            }
            TrainingCommand::Record {
                on,
                topic,
                phase,
                title,
                trainer,
                minutes,
                material,
                city_approved,
                attendees,
                staff,
            } => {
                let marks = attendees
                    .iter()
                    .filter(|a| !a.trim().is_empty())
                    .map(|a| mark(a))
                    .collect::<Result<Vec<_>>>()?;
                let store = signed_in(dir, &staff)?;
                let s = store.record_training_session(
                    NewTrainingSession {
                        held_on: on,
                        starts: None,
                        minutes,
                        topic: TrainingTopic::from_code(&topic)?,
                        phase: TrainingPhase::from_code(&phase)?,
                        title,
                        trainer,
                        trainer_code: None,
                        material,
                        city_approved,
                    },
                    marks,
                )?;
                println!("{}", s.id);
            }
            TrainingCommand::Results {
                session,
                file,
                staff,
            } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let mut marks = Vec::new();
                for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
                    let cells: Vec<&str> = line.split(',').map(str::trim).collect();
                    if cells.iter().all(|c| c.is_empty()) {
                        continue;
                    }
                    if i == 0
                        && TrainingResult::from_code(cells.get(1).copied().unwrap_or("")).is_err()
                    {
                        continue; // a header row
                    }
                    if cells.len() < 2 {
                        bail!("line {}: staff code,result[,score]", i + 1);
                    }
                    marks.push(mark(&cells[..cells.len().min(3)].join(":"))?);
                }
                let store = signed_in(dir, &staff)?;
                let s = store.set_training_attendance(session, marks)?;
                println!(
                    "{} attendees, {} passed",
                    s.attendance.iter().filter(|a| a.attended).count(),
                    s.attendance
                        .iter()
                        .filter(|a| a.result == Some(TrainingResult::Passed))
                        .count()
                );
            }
            TrainingCommand::Status { flags_only } => {
                let store = open_as_site(dir, "cli")?;
                let status = store.training_status(store.today())?;
                let mut flagged = false;
                for m in &status {
                    let serious: Vec<&str> = m
                        .flags
                        .iter()
                        .filter(|f| {
                            !matches!(
                                f,
                                madoguchi_core::paperwork::training::TrainingFlag::PledgeMissing
                            )
                        })
                        .map(|f| f.code())
                        .collect();
                    flagged |= !serious.is_empty();
                    if flags_only && serious.is_empty() {
                        continue;
                    }
                    println!(
                        "{}\t{}\t{}\t{}",
                        m.code,
                        m.name,
                        m.security_valid_until
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        m.flags
                            .iter()
                            .map(|f| f.code())
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                }
                if flagged {
                    return Ok(ExitCode::from(2));
                }
            }
            TrainingCommand::Report { from, to, csv } => {
                let store = open_as_site(dir, "cli")?;
                let format = if csv { Format::Csv } else { Format::Pdf };
                let path = madoguchi_report::save_training_report(&store, from, to, format)?;
                println!("{}", path.display());
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
