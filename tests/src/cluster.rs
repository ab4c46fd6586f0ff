//! The `madoguchi` command and a hub process, as the operator manual has people use them: for
//! the system tests that run seats and a hub as separate processes.
use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Output, Stdio},
};

use anyhow::{ensure, Context, Result};

use crate::{built_binary, PASSPHRASE};

/// The `madoguchi` command on `dir`, with the site passphrase in the environment (as
/// scripts/demo.sh gives it); fails with its output unless it succeeds.
pub fn madoguchi(dir: &Path, args: &[&str]) -> Result<String> {
    let out: Output = Command::new(built_binary("madoguchi"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("MADOGUCHI_PASSPHRASE", PASSPHRASE)
        .output()
        .with_context(|| format!("running madoguchi {args:?}"))?;
    ensure!(
        out.status.success(),
        "madoguchi {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// `madoguchi hub serve` on a port the system picks; killed (and waited for) on drop.
pub struct HubProcess {
    child: Child,
    /// host:port it listens on.
    pub address: String,
}

impl HubProcess {
    /// Starts the hub on `dir`, on a port the system picks.
    pub fn start(dir: &Path) -> Result<HubProcess> {
        let mut command = Command::new(built_binary("madoguchi"));
        command
            .arg("--data-dir")
            .arg(dir)
            .args(["hub", "serve", "--listen", "127.0.0.1:0"])
            .env("MADOGUCHI_PASSPHRASE", PASSPHRASE);
        Self::spawn(command)
    }

    /// Starts a hub with `command` (a `hub serve` command line, as a service runs it) and
    /// waits for it to say where it listens.
    pub fn spawn(mut command: Command) -> Result<HubProcess> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the hub")?;
        // "hub listening on 127.0.0.1:PORT; fingerprint …"
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line)?;
        let address = line
            .strip_prefix("hub listening on ")
            .and_then(|rest| rest.split(';').next())
            .map(str::to_owned);
        let mut hub = HubProcess {
            child,
            address: String::new(),
        };
        hub.address = address.with_context(|| format!("the hub said {line:?}"))?;
        Ok(hub)
    }
}

impl HubProcess {
    /// Asks the hub to stop as a service manager does (`systemctl stop`: SIGTERM) and waits up
    /// to 10 s for it to end; its exit status.
    pub fn terminate(&mut self) -> Result<std::process::ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        anyhow::ensure!(status.success(), "kill -TERM failed");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "the hub did not stop within 10 s of SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Enrols the seat in `seat` with the hub, as the manual says: a one-time code printed on the
/// hub's PC (for a new seat of `site`, or of the city's first site), typed on the seat. The hub
/// takes 5 enrolments from one address at once, then one every 12 s: when it says to wait,
/// this waits and tries again, as the manual tells a person to.
pub fn enrol(hub_dir: &Path, hub: &HubProcess, seat: &Path, site: Option<&str>) -> Result<()> {
    let code = match site {
        Some(site) => madoguchi(hub_dir, &["hub", "code", "--site", site])?,
        None => madoguchi(hub_dir, &["hub", "code"])?,
    };
    let args = ["enrol", "--hub", &hub.address, "--code", code.trim()];
    let mut tries = 0;
    let said = loop {
        match madoguchi(seat, &args) {
            Err(e) if e.to_string().contains("rate_limited") && tries < 5 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(12_500));
            }
            other => break other?,
        }
    };
    ensure!(said.contains("enrolled with"), "{said}");
    Ok(())
}
