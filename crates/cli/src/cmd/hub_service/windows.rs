//! What the hub's Windows service is: its name, account, command line and the access lists its
//! files get. Plain data, built and tested on every system; `windows_scm` registers it.
#![cfg_attr(not(windows), allow(dead_code))] // registered on Windows only; tested everywhere
use std::{
    ffi::OsString,
    fmt,
    net::SocketAddr,
    path::{Component, Path},
};

use anyhow::{bail, Context, Result};

/// The service's name (`sc.exe query MadoguchiHub`, `Start-Service MadoguchiHub`).
pub const SERVICE: &str = "MadoguchiHub";
/// The name the Services console shows.
pub const DISPLAY_NAME: &str = "Madoguchi ハブ (窓口 LAN 同期)";
/// The description the Services console shows.
pub const DESCRIPTION: &str = "マイナンバーカード特設窓口の座席 PC どうしを LAN で同期するハブ。\
停止すると座席は各自の PC で受付を続け、再開後に同期します。";
/// The service's own virtual account: it exists while the service does, has no password and no
/// rights beyond what the access lists below give it.
pub const ACCOUNT: &str = r"NT SERVICE\MadoguchiHub";
/// The event source of the hub's entries in the Application event log.
pub const EVENT_SOURCE: &str = "Madoguchi Hub";

/// Administrators and the system (well-known SIDs: the same on a Japanese or English Windows).
const ADMINISTRATORS: &str = "*S-1-5-32-544";
const SYSTEM: &str = "*S-1-5-18";

/// The service as it is registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The `madoguchi.exe` the service runs.
    pub program: OsString,
    /// Its arguments: the data directory, `hub run-service`, the address and the passphrase file.
    pub arguments: Vec<OsString>,
    /// The account it runs as.
    pub account: String,
    /// The site passphrase file.
    pub passphrase_file: OsString,
    /// `icacls` argument lists run before the passphrase file is made: the folder that holds it,
    /// then the data directory, each owned by Administrators and usable by Administrators,
    /// SYSTEM and the service's account only (inheritance from `C:\ProgramData`, which lets
    /// every user read and create files, removed). Once the folder is private, nobody else can
    /// open or plant the file the passphrase goes into.
    pub private_folders: Vec<Vec<OsString>>,
    /// `icacls` arguments for the passphrase file itself, made new in the private folder:
    /// Administrators and SYSTEM, and read for the service.
    pub file_access: Vec<OsString>,
    /// `netsh` arguments that let seats reach the port through Windows Firewall (a service gets
    /// no "allow access?" prompt, so without a rule every seat would be refused). Any network
    /// profile: seats of other sites come over the city's WAN, and a LAN classed "public" must
    /// not silently cut every seat off.
    pub firewall_rule: Vec<OsString>,
}

/// The firewall rule's name (`netsh advfirewall firewall show rule name="Madoguchi hub"`).
pub const FIREWALL_RULE: &str = "Madoguchi hub";

/// `netsh` arguments that remove the firewall rule.
pub fn firewall_rule_removal() -> Vec<OsString> {
    ["advfirewall", "firewall", "delete", "rule"]
        .into_iter()
        .map(OsString::from)
        .chain([format!("name={FIREWALL_RULE}").into()])
        .collect()
}

impl Plan {
    /// Paths must be absolute, without quotes or `%` (the service manager expands `%NAME%`).
    pub fn new(
        program: &Path,
        data_dir: &Path,
        listen: SocketAddr,
        passphrase_file: &Path,
        account: &str,
    ) -> Result<Self> {
        super::check_paths(
            [program, data_dir, passphrase_file],
            "without quotes or %",
            |c| "\"%".contains(c),
        )?;
        if account.is_empty() || account.contains(|c: char| c.is_control() || "\":".contains(c)) {
            bail!("the account {account:?} must be a plain account name");
        }
        // The file's folder is made private: it must be one of its own, not a drive or a
        // folder of the system's (`C:\ProgramData`, `C:\Users`).
        let folder = passphrase_file
            .parent()
            .filter(|f| f.components().filter(|c| matches!(c, Component::Normal(_))).count() >= 2)
            .with_context(|| {
                format!(
                    "the passphrase file {:?} must be in a folder of its own (its folder is made private), e.g. C:\\ProgramData\\Madoguchi",
                    passphrase_file.to_string_lossy()
                )
            })?;
        let arguments = vec![
            "--data-dir".into(),
            data_dir.into(),
            "hub".into(),
            "run-service".into(),
            "--listen".into(),
            listen.to_string().into(),
            "--passphrase-file".into(),
            passphrase_file.into(),
        ];
        let grant = |path: &Path, admin: &str, account_rights: &str| {
            vec![
                path.into(),
                "/inheritance:r".into(),
                "/grant:r".into(),
                format!("{ADMINISTRATORS}:{admin}").into(),
                format!("{SYSTEM}:{admin}").into(),
                format!("{account}:{account_rights}").into(),
            ]
        };
        let own = |path: &Path, tree: bool| {
            let mut list: Vec<OsString> =
                vec![path.into(), "/setowner".into(), ADMINISTRATORS.into()];
            if tree {
                list.push("/T".into());
            }
            list
        };
        Ok(Self {
            program: program.into(),
            arguments,
            account: account.to_owned(),
            passphrase_file: passphrase_file.into(),
            private_folders: vec![
                own(folder, false),
                grant(folder, "(OI)(CI)F", "(OI)(CI)RX"),
                own(data_dir, true),
                grant(data_dir, "(OI)(CI)F", "(OI)(CI)M"),
            ],
            file_access: grant(passphrase_file, "F", "R"),
            firewall_rule: ["advfirewall", "firewall", "add", "rule"]
                .into_iter()
                .map(OsString::from)
                .chain([
                    format!("name={FIREWALL_RULE}").into(),
                    "dir=in".into(),
                    "action=allow".into(),
                    "protocol=TCP".into(),
                    format!("localport={}", listen.port()).into(),
                    {
                        let mut value = OsString::from("program=");
                        value.push(program);
                        value
                    },
                    "profile=any".into(),
                ])
                .collect(),
        })
    }
}

/// What `install-service --print` shows: the service and the access lists, as commands an
/// administrator could type.
impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |s: &OsString| {
            let s = s.to_string_lossy();
            if s.contains(' ') {
                format!("\"{s}\"")
            } else {
                s.into_owned()
            }
        };
        let line = |parts: &[OsString]| parts.iter().map(quoted).collect::<Vec<_>>().join(" ");
        writeln!(f, "service     {SERVICE} ({DISPLAY_NAME}), automatic start")?;
        writeln!(f, "account     {}", self.account)?;
        writeln!(
            f,
            "command     {} {}",
            quoted(&self.program),
            line(&self.arguments)
        )?;
        writeln!(
            f,
            "on failure  restart after 5 s, twice more within a day, then stay stopped"
        )?;
        writeln!(f, "event log   Application, source \"{EVENT_SOURCE}\"")?;
        for list in self.private_folders.iter().chain([&self.file_access]) {
            writeln!(f, "access      icacls {}", line(list))?;
        }
        writeln!(f, "firewall    netsh {}", line(&self.firewall_rule))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths that are absolute on the system the test runs on.
    fn abs(windows: &str, unix: &str) -> std::path::PathBuf {
        if cfg!(windows) { windows } else { unix }.into()
    }

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn plan() -> Plan {
        Plan::new(
            &abs(
                r"C:\Program Files\Madoguchi\madoguchi.exe",
                "/opt/Madoguchi/madoguchi.exe",
            ),
            &abs(r"C:\ProgramData\Madoguchi\hub", "/var/lib/madoguchi-hub"),
            "0.0.0.0:7750".parse().unwrap(),
            &abs(
                r"C:\ProgramData\Madoguchi\hub.passphrase",
                "/etc/madoguchi/hub.passphrase",
            ),
            ACCOUNT,
        )
        .unwrap()
    }

    #[test]
    fn the_service_runs_the_hub_on_the_data_directory_with_the_passphrase_file() {
        let plan = plan();
        let args = strings(&plan.arguments);
        let data = abs(r"C:\ProgramData\Madoguchi\hub", "/var/lib/madoguchi-hub");
        let secret = abs(
            r"C:\ProgramData\Madoguchi\hub.passphrase",
            "/etc/madoguchi/hub.passphrase",
        );
        assert_eq!(
            args,
            [
                "--data-dir",
                &data.to_string_lossy(),
                "hub",
                "run-service",
                "--listen",
                "0.0.0.0:7750",
                "--passphrase-file",
                &secret.to_string_lossy(),
            ]
        );
        assert_eq!(plan.account, r"NT SERVICE\MadoguchiHub");
    }

    #[test]
    fn only_administrators_the_system_and_the_service_may_read_its_files() {
        let plan = plan();
        let folder = abs(r"C:\ProgramData\Madoguchi", "/etc/madoguchi");
        let data = abs(r"C:\ProgramData\Madoguchi\hub", "/var/lib/madoguchi-hub");
        let lists: Vec<Vec<String>> = plan.private_folders.iter().map(|l| strings(l)).collect();
        // Owned by Administrators first (a folder a user made stays theirs otherwise), then
        // the access list; the folder before the file is made in it.
        assert_eq!(
            lists[0],
            [&*folder.to_string_lossy(), "/setowner", "*S-1-5-32-544"]
        );
        assert_eq!(lists[1][0], folder.to_string_lossy());
        assert_eq!(
            lists[2],
            [&*data.to_string_lossy(), "/setowner", "*S-1-5-32-544", "/T"]
        );
        assert_eq!(lists[3][0], data.to_string_lossy());
        let file = strings(&plan.file_access);
        for (list, account_rights) in [
            (&lists[1], "(OI)(CI)RX"),
            (&lists[3], "(OI)(CI)M"),
            (&file, "R"),
        ] {
            assert_eq!(list[1..3], ["/inheritance:r", "/grant:r"]);
            assert!(list[3].starts_with("*S-1-5-32-544:"));
            assert!(list[4].starts_with("*S-1-5-18:"));
            assert_eq!(
                list[5],
                format!(r"NT SERVICE\MadoguchiHub:{account_rights}")
            );
            assert_eq!(list.len(), 6, "nobody else: {list:?}");
        }
        let shown = plan.to_string();
        assert!(shown.contains(&*plan.program.to_string_lossy()));
        assert!(shown.contains(r"NT SERVICE\MadoguchiHub:R"));
        assert!(shown.contains("run-service"));
    }

    #[test]
    fn seats_may_reach_the_port_the_service_listens_on() {
        let plan = plan();
        let rule = strings(&plan.firewall_rule);
        assert_eq!(rule[..4], ["advfirewall", "firewall", "add", "rule"]);
        for part in [
            "name=Madoguchi hub",
            "dir=in",
            "action=allow",
            "protocol=TCP",
            "localport=7750",
        ] {
            assert!(rule.iter().any(|r| r == part), "{part} in {rule:?}");
        }
        assert!(rule.contains(&format!("program={}", plan.program.to_string_lossy())));
        assert_eq!(
            firewall_rule_removal().last().unwrap(),
            "name=Madoguchi hub"
        );
    }

    #[test]
    fn paths_the_service_manager_would_expand_or_split_are_refused() {
        let listen = "0.0.0.0:7750".parse().unwrap();
        let ok = abs(
            r"C:\ProgramData\Madoguchi\hub.passphrase",
            "/etc/madoguchi/hub.passphrase",
        );
        let program = abs(r"C:\Madoguchi\madoguchi.exe", "/opt/madoguchi");
        for data in [
            abs(r"C:\ProgramData\%USERNAME%\hub", "/var/lib/%USERNAME%/hub"),
            abs(r#"C:\Program"Data\hub"#, r#"/var/lib/a"b"#),
            "relative\\hub".into(),
        ] {
            assert!(
                Plan::new(&program, &data, listen, &ok, ACCOUNT).is_err(),
                "{data:?}"
            );
        }
        let data = abs(r"C:\ProgramData\Madoguchi\hub", "/var/lib/madoguchi-hub");
        assert!(Plan::new(&program, &data, listen, &ok, "a\"b").is_err());
        // The file's folder is made private: never a drive or a system folder.
        for secret in [
            abs(r"C:\hub.passphrase", "/hub.passphrase"),
            abs(r"C:\ProgramData\hub.passphrase", "/etc/hub.passphrase"),
        ] {
            assert!(
                Plan::new(&program, &data, listen, &secret, ACCOUNT).is_err(),
                "{secret:?}"
            );
        }
        assert!(Plan::new(&program, &data, listen, &ok, "").is_err());
    }
}
