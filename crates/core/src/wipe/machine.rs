//! The machine a wipe ran on, for the certificate: host name, OS, machine id, model and
//! serial number where the OS exposes them (the serial is often readable only by root; the
//! certificate then says so and the officer copies it from the label).
use serde::{Deserialize, Serialize};

/// What identifies the PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    /// Host name.
    pub host_name: String,
    /// Operating system and version.
    pub os: String,
    /// The OS's machine id (`/etc/machine-id` on Linux), if readable.
    pub machine_id: Option<String>,
    /// Maker and model (DMI), if readable.
    pub model: Option<String>,
    /// Serial number (DMI), if readable.
    pub serial: Option<String>,
}

impl Machine {
    /// Reads this PC's facts.
    pub fn this() -> Machine {
        Machine {
            host_name: first_line(&["/proc/sys/kernel/hostname", "/etc/hostname"])
                .or_else(|| std::env::var("COMPUTERNAME").ok())
                .or_else(|| std::env::var("HOSTNAME").ok())
                .unwrap_or_else(|| "unknown".into()),
            os: os_release()
                .unwrap_or_else(|| format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)),
            machine_id: first_line(&["/etc/machine-id", "/var/lib/dbus/machine-id"]),
            model: {
                let vendor = first_line(&["/sys/class/dmi/id/sys_vendor"]);
                let product = first_line(&["/sys/class/dmi/id/product_name"]);
                match (vendor, product) {
                    (Some(v), Some(p)) => Some(format!("{v} {p}")),
                    (v, p) => v.or(p),
                }
            },
            serial: first_line(&[
                "/sys/class/dmi/id/product_serial",
                "/sys/class/dmi/id/board_serial",
            ]),
        }
    }
}

fn first_line(paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|p| {
        let text = std::fs::read_to_string(p).ok()?;
        let line = text.lines().next()?.trim();
        (!line.is_empty()).then(|| line.to_owned())
    })
}

fn os_release() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    let pretty = text
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))?
        .trim_matches('"')
        .to_owned();
    let kernel = first_line(&["/proc/sys/kernel/osrelease"]);
    Some(match kernel {
        Some(k) => format!("{pretty} (Linux {k}, {})", std::env::consts::ARCH),
        None => pretty,
    })
}
