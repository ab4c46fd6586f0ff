//! `madoguchi`: the command-line side of Madoguchi (store set-up and checks, the roster, the
//! attendance record, the audit trail, the hub and a seat's enrolment and sync; later the wipe and exports). One module per subcommand under `cmd/`, each a struct with `run`.
#![forbid(unsafe_code)]

mod cmd;
mod passphrase;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use madoguchi_core::DataDir;

/// Madoguchi: the special My Number Card counter system.
#[derive(Debug, Parser)]
#[command(name = "madoguchi", version, about)]
struct Cli {
    /// The data directory (default: the OS's place for application data).
    #[arg(long, global = true, env = madoguchi_core::data_dir::DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(cmd::init::Init),
    Doctor(cmd::doctor::Doctor),
    ChangePassphrase(cmd::change_passphrase::ChangePassphrase),
    Staff(cmd::staff::Staff),
    Attendance(cmd::attendance::Attendance),
    Report(cmd::report::Report),
    Audit(cmd::audit::Audit),
    Hub(cmd::hub::Hub),
    Enrol(cmd::sync::Enrol),
    Sync(cmd::sync::Sync),
    Wipe(cmd::wipe::WipeCmd),
    Certificate(cmd::wipe::CertificateCmd),
    Handover(cmd::handover::Handover),
    Incident(cmd::incident::Incident),
    Worklog(cmd::worklog::Worklog),
    Improvement(cmd::improvement::Improvement),
    TrainingDay(cmd::training_day::TrainingDay),
    /// The roster (業務従事者名簿), its change report and submissions.
    Roster(cmd::roster::Roster),
    /// Training records (研修記録) and the training report.
    Training(cmd::training::Training),
}

fn main() -> ExitCode {
    // Before anything holds personal data: no core dumps, SQLCipher wipes what it frees.
    let hardening = madoguchi_core::hardening::harden_process();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    for problem in &hardening.problems {
        tracing::warn!("process hardening: {problem}");
    }
    let cli = Cli::parse();
    let result = DataDir::resolve(cli.data_dir)
        .map_err(anyhow::Error::from)
        .and_then(|dir| match cli.command {
            Command::Init(c) => c.run(&dir),
            Command::Doctor(c) => c.run(&dir),
            Command::ChangePassphrase(c) => c.run(&dir),
            Command::Staff(c) => c.run(&dir),
            Command::Attendance(c) => c.run(&dir),
            Command::Report(c) => c.run(&dir),
            Command::Audit(c) => c.run(&dir),
            Command::Hub(c) => c.run(&dir),
            Command::Enrol(c) => c.run(&dir),
            Command::Sync(c) => c.run(&dir),
            Command::Wipe(c) => c.run(&dir),
            Command::Certificate(c) => c.run(&dir),
            Command::Handover(c) => c.run(&dir),
            Command::Incident(c) => c.run(&dir),
            Command::Worklog(c) => c.run(&dir),
            Command::Improvement(c) => c.run(&dir),
            Command::TrainingDay(c) => c.run(&dir),
            Command::Roster(c) => c.run(&dir),
            Command::Training(c) => c.run(&dir),
        });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
