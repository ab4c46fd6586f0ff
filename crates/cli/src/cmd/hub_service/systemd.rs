//! The hub as a systemd service (Linux): a unit that starts it at boot, unlocking with a
//! passphrase file only the service can read (systemd's `LoadCredential=`: the file stays root's,
//! the service gets a private copy in `$CREDENTIALS_DIRECTORY`), its logs in the journal
//! (`journalctl -u madoguchi-hub`: codes, counts and seat names, never personal data).
#![cfg_attr(windows, allow(dead_code))] // the unit is written on Linux; tested everywhere
use std::{io::Write, net::SocketAddr, path::Path};

use anyhow::{bail, Context, Result};

use crate::passphrase::CREDENTIAL;

/// The unit's name.
pub const UNIT: &str = "madoguchi-hub.service";

/// Writes the unit into `unit_dir` (or prints it) and says how to enable it.
pub fn install(unit: &str, unit_dir: &Path, passphrase_file: &Path, print: bool) -> Result<()> {
    if print {
        print!("{unit}");
        return Ok(());
    }
    if !passphrase_file.exists() {
        eprintln!(
            "note: {} does not exist yet: write the site passphrase into it (mode 600, root's) before starting the service",
            passphrase_file.display()
        );
    }
    let path = unit_dir.join(UNIT);
    std::fs::create_dir_all(unit_dir)
        .with_context(|| format!("creating {}", unit_dir.display()))?;
    let mut file =
        std::fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(unit.as_bytes())?;
    println!("{}", path.display());
    eprintln!(
        "Then: systemctl daemon-reload && systemctl enable --now {UNIT}   (logs: journalctl -u {UNIT})"
    );
    Ok(())
}

/// The unit text. Paths must be absolute and free of characters systemd would read specially.
pub fn unit(
    program: &Path,
    data_dir: &Path,
    listen: SocketAddr,
    passphrase_file: &Path,
    user: &str,
) -> Result<String> {
    super::check_paths(
        [program, data_dir, passphrase_file],
        "without spaces or quotes",
        |c| c.is_whitespace() || "%$\"'\\;".contains(c),
    )?;
    if user.is_empty()
        || !user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    {
        bail!("the user {user:?} must be a plain account name");
    }
    let (program, data, secret) = (
        program.display(),
        data_dir.display(),
        passphrase_file.display(),
    );
    Ok(format!(
        "# Written by `madoguchi hub install-service` (docs/operator-manual.ja.md, 6-14).
[Unit]
Description=Madoguchi hub (窓口 LAN sync hub)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={user}
Group={user}
ExecStart={program} --data-dir {data} hub serve --listen {listen}
# The site passphrase: root's file, handed to the service as a private credential.
LoadCredential={CREDENTIAL}:{secret}
Restart=on-failure
RestartSec=5
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths={data}
LimitCORE=0

[Install]
WantedBy=multi-user.target
"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_runs_the_hub_with_the_passphrase_as_a_credential() {
        let unit = unit(
            Path::new("/usr/bin/madoguchi"),
            Path::new("/var/lib/madoguchi-hub"),
            "0.0.0.0:7750".parse().unwrap(),
            Path::new("/etc/madoguchi/hub.passphrase"),
            "madoguchi",
        )
        .unwrap();
        assert!(unit.contains(
            "ExecStart=/usr/bin/madoguchi --data-dir /var/lib/madoguchi-hub hub serve --listen 0.0.0.0:7750"
        ));
        assert!(unit.contains("LoadCredential=madoguchi-passphrase:/etc/madoguchi/hub.passphrase"));
        assert!(unit.contains("ReadWritePaths=/var/lib/madoguchi-hub"));
    }

    #[test]
    fn paths_systemd_would_misread_are_refused() {
        let listen = "0.0.0.0:7750".parse().unwrap();
        let ok = Path::new("/etc/madoguchi/hub.passphrase");
        for (program, data, user) in [
            ("madoguchi", "/var/lib/h", "m"),
            ("/usr/bin/madoguchi", "/var/lib/my hub", "m"),
            ("/usr/bin/madoguchi", "/var/lib/h", "root; x"),
        ] {
            let made = unit(Path::new(program), Path::new(data), listen, ok, user);
            assert!(made.is_err(), "{program} {data} {user}");
        }
    }
}
