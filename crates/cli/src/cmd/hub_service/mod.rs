//! `madoguchi hub install-service`: the hub as a service of the operating system, started at boot
//! and unlocked from a passphrase file only the service may read, its logs where the system keeps
//! service logs (codes, counts and seat names, never personal data).
//! - Linux: a systemd unit ([`systemd`]); the passphrase is handed over as a credential, the logs
//!   go to the journal.
//! - Windows: a service registered with the service control manager ([`windows`] says what is
//!   registered, `windows_scm` does it); it runs as its own virtual account, the passphrase file
//!   and the data directory get access lists of their own, the logs go to the Application event log.
//!
//! Operator manual 6-14 gives the literal steps for both.
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use clap::Args;
use madoguchi_core::DataDir;

pub mod systemd;
pub mod windows;
#[cfg(windows)]
pub mod windows_scm;

/// Where the site passphrase file is by default.
#[cfg(not(windows))]
const DEFAULT_PASSPHRASE_FILE: &str = "/etc/madoguchi/hub.passphrase";
#[cfg(windows)]
const DEFAULT_PASSPHRASE_FILE: &str = r"C:\ProgramData\Madoguchi\hub.passphrase";

/// Register this hub as a service that starts at boot (Linux: a systemd unit; Windows: a service
/// under its own account). See the operator manual 6-14.
#[derive(Debug, Args)]
pub struct InstallService {
    /// Address and port the service listens on.
    #[arg(long, default_value = super::hub::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// The file holding the site passphrase. Linux: you write it (root's, mode 600) and systemd
    /// hands the service its own copy. Windows: this command writes it, readable by
    /// Administrators, SYSTEM and the service only.
    #[arg(long, default_value = DEFAULT_PASSPHRASE_FILE)]
    pub passphrase_file: PathBuf,
    /// The account the service runs as (it owns the data directory).
    #[cfg(not(windows))]
    #[arg(long, default_value = "madoguchi")]
    pub user: String,
    /// The account the service runs as: its own virtual account by default.
    #[cfg(windows)]
    #[arg(long, default_value = windows::ACCOUNT)]
    pub account: String,
    /// Where to write the unit.
    #[cfg(not(windows))]
    #[arg(long, default_value = "/etc/systemd/system")]
    pub unit_dir: PathBuf,
    /// The `madoguchi` program the service runs (default: this one).
    #[arg(long)]
    pub program: Option<PathBuf>,
    /// Print what would be registered instead of registering it.
    #[arg(long)]
    pub print: bool,
}

impl InstallService {
    pub fn run(self, dir: &DataDir) -> Result<()> {
        let program = match &self.program {
            Some(p) => p.clone(),
            None => std::env::current_exe().context("finding this program")?,
        };
        let data = std::path::absolute(dir.root()).context("the data directory")?;
        let secret = std::path::absolute(&self.passphrase_file).context("the passphrase file")?;
        #[cfg(not(windows))]
        {
            let unit = systemd::unit(&program, &data, self.listen, &secret, &self.user)?;
            systemd::install(&unit, &self.unit_dir, &secret, self.print)
        }
        #[cfg(windows)]
        {
            let plan = windows::Plan::new(&program, &data, self.listen, &secret, &self.account)?;
            if self.print {
                print!("{plan}");
                return Ok(());
            }
            windows_scm::install(dir, &plan)
        }
    }
}

/// Fails unless every path is absolute and free of the characters `bad` picks out (`what`
/// says which are allowed, for the message).
fn check_paths<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
    what: &str,
    bad: impl Fn(char) -> bool,
) -> Result<()> {
    for path in paths {
        let text = path.to_string_lossy();
        if !path.is_absolute() || text.contains(&bad) {
            bail!("{text:?} must be an absolute path {what}");
        }
    }
    Ok(())
}
