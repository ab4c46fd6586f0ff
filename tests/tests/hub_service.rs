//! The hub as a service (issue 24): `madoguchi hub install-service` writes a systemd unit that
//! `systemd-analyze verify` accepts; the hub started by the unit's own command line, with the
//! passphrase handed over as systemd hands a credential (`$CREDENTIALS_DIRECTORY`, no passphrase
//! in the environment), serves a seat enrolled as the operator manual says; and a passphrase
//! file others could read is refused. `systemctl stop` (SIGTERM) ends it cleanly.
use std::{os::unix::fs::PermissionsExt, process::Command};

use anyhow::{ensure, Context, Result};
use madoguchi_tests::{
    built_binary,
    cluster::{enrol, madoguchi, HubProcess},
    PASSPHRASE,
};

/// The unit's `ExecStart=` as a command, with the credential systemd would provide.
fn exec_start(unit: &str, credentials: &std::path::Path) -> Result<Command> {
    let line = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .context("no ExecStart")?;
    let mut words = line.split_whitespace();
    let mut command = Command::new(words.next().context("empty ExecStart")?);
    command
        .args(words)
        .env_remove("MADOGUCHI_PASSPHRASE")
        .env("CREDENTIALS_DIRECTORY", credentials);
    Ok(command)
}

#[test]
fn the_service_unit_verifies_and_its_hub_serves_a_seat() -> Result<()> {
    let root = tempfile::tempdir()?;
    let dir = |n: &str| root.path().join(n);
    let (hub_dir, seat_dir, units, creds) = (dir("hub"), dir("seat"), dir("units"), dir("creds"));
    madoguchi(&hub_dir, &["init", "--site", "テスト市", "--seat", "ハブ"])?;
    madoguchi(
        &seat_dir,
        &["init", "--site", "テスト市", "--seat", "窓口1"],
    )?;
    // The passphrase file, root's and mode 600, as the manual has the manager write it.
    let secret = dir("hub.passphrase");
    std::fs::write(&secret, format!("{PASSPHRASE}\n"))?;
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let user = String::from_utf8(Command::new("id").arg("-un").output()?.stdout)?;
    let written = madoguchi(
        &hub_dir,
        &[
            "hub",
            "install-service",
            "--unit-dir",
            units.to_str().unwrap(),
            "--program",
            built_binary("madoguchi").to_str().unwrap(),
            "--passphrase-file",
            secret.to_str().unwrap(),
            "--user",
            user.trim(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ],
    )?;
    let unit_path = units.join("madoguchi-hub.service");
    ensure!(written.trim() == unit_path.to_str().unwrap(), "{written}");
    let unit = std::fs::read_to_string(&unit_path)?;

    let verify = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&unit_path)
        .output()
        .context("systemd-analyze (systemd) is installed by the test command")?;
    let said = String::from_utf8_lossy(&verify.stderr);
    ensure!(
        verify.status.success() && !said.contains(&*unit_path.to_string_lossy()),
        "systemd-analyze verify: {said}"
    );

    // systemd copies the credential into a directory only the service reads.
    std::fs::create_dir_all(&creds)?;
    let credential = creds.join("madoguchi-passphrase");
    std::fs::copy(&secret, &credential)?;
    std::fs::set_permissions(&credential, std::fs::Permissions::from_mode(0o400))?;
    let mut hub = HubProcess::spawn(exec_start(&unit, &creds)?)?;
    ensure!(
        hub.address == format!("127.0.0.1:{port}"),
        "{}",
        hub.address
    );
    enrol(&hub_dir, &hub, &seat_dir, None)?;
    madoguchi(&seat_dir, &["sync"])?;
    let seats = madoguchi(&hub_dir, &["hub", "seats"])?;
    ensure!(
        seats.contains("窓口1") && seats.contains("enrolled"),
        "{seats}"
    );
    // `systemctl stop` sends SIGTERM: the hub stops taking connections and ends cleanly.
    let stopped = hub.terminate()?;
    ensure!(stopped.success(), "the hub ended with {stopped} on SIGTERM");

    // A passphrase file others may read is refused, with what to do.
    std::fs::set_permissions(&credential, std::fs::Permissions::from_mode(0o644))?;
    let refused = exec_start(&unit, &creds)?.output()?;
    let said = String::from_utf8_lossy(&refused.stderr);
    ensure!(
        !refused.status.success() && said.contains("chmod 600"),
        "{said}"
    );
    Ok(())
}
