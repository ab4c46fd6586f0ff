//! `madoguchi`: the command-line side of Madoguchi (store set-up and checks, the roster, the
//! attendance record, the audit trail, the hub and a seat's enrolment and sync; later the wipe and exports). One module per subcommand under `cmd/`, each a struct with `run`.
// No unsafe code, but for the Windows access-list check (`windows_acl`), which allows it.
#![cfg_attr(not(windows), forbid(unsafe_code))]
#![cfg_attr(windows, deny(unsafe_code))]

mod cmd;
mod passphrase;
#[cfg(windows)]
mod windows_acl;

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
    let cli = Cli::parse();
    init_logging(&cli);
    for problem in &hardening.problems {
        tracing::warn!("process hardening: {problem}");
    }
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

/// Log lines go to stderr (the journal, for the hub's systemd service), or for the hub's Windows
/// service to the Application event log. `RUST_LOG` sets the level: warnings by default, and the
/// hub's service also says when it starts and stops.
fn init_logging(cli: &Cli) {
    let filter = |default: &str| {
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into())
    };
    #[cfg(windows)]
    if cli.command.is_windows_service() {
        if let Err(e) = cmd::hub_service::windows_scm::init_event_log(filter("info")) {
            eprintln!("error: {e:#}");
        }
        return;
    }
    let _ = cli;
    tracing_subscriber::fmt()
        .with_env_filter(filter("warn"))
        .with_writer(std::io::stderr)
        .init();
}

#[cfg(windows)]
impl Command {
    /// Is this the hub's Windows service (`hub run-service`)?
    fn is_windows_service(&self) -> bool {
        matches!(self, Command::Hub(hub) if hub.is_windows_service())
    }
}
