//! Copies of the data folder the wipe cannot reach: file-system snapshots and OS backups that
//! may hold an old `store.db` together with an old `key.age` (with the passphrase, readable).
//! The dry run lists what it can detect, best effort and labelled as such: an empty list
//! means "none found", never "none exist" (see the certificate's limitations).
//!
//! - ZFS: `<mount>/.zfs/snapshot/*`, readable by the owner even when hidden, with whether each
//!   snapshot holds the data folder.
//! - btrfs: `btrfs subvolume list -s` (needs root; when refused, the note says how to run it)
//!   and the usual snapper and Timeshift folders.
//! - Windows: `vssadmin list shadows` (needs an administrator's prompt; otherwise a note).
//! - macOS: `tmutil listbackups` (Time Machine).
use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use serde::Serialize;

/// A snapshot or backup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// What made it: `zfs`, `btrfs`, `snapper`, `timeshift`, `vss`, `time_machine`.
    pub source: String,
    /// Where it is (a path, or the shadow copy's volume).
    pub location: String,
    /// Whether it is known to hold the data folder (`None`: cannot tell).
    pub holds_data_dir: Option<bool>,
}

/// What the search found, and what it could not look at (never "there are none").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotSearch {
    /// The file system the data folder is on (`ext4`, `btrfs`, `zfs`, `ntfs`…), if known.
    pub file_system: Option<String>,
    /// Snapshots and backups found.
    pub found: Vec<Snapshot>,
    /// What was checked and what could not be (in English, for the CLI and the docs).
    pub notes: Vec<String>,
}

/// Looks for snapshots and backups of `data_dir` (best effort; runs a few OS commands).
pub fn search(data_dir: &Path) -> SnapshotSearch {
    let mut out = SnapshotSearch::default();
    let dir = existing_ancestor(data_dir);
    if cfg!(target_os = "linux") {
        match fs::read_to_string("/proc/self/mountinfo")
            .ok()
            .and_then(|m| mount_of(&m, &dir))
        {
            Some(mount) => {
                out.file_system = Some(mount.fs_type.clone());
                let relative = dir
                    .strip_prefix(&mount.point)
                    .unwrap_or(Path::new(""))
                    .to_owned();
                match mount.fs_type.as_str() {
                    "zfs" => zfs(&mount.point, &relative, &mut out),
                    "btrfs" => btrfs(&mount.point, &mut out),
                    other => out.notes.push(format!(
                        "{other} has no snapshots of its own; an LVM snapshot or a backup tool would not be seen here"
                    )),
                }
            }
            None => out
                .notes
                .push("could not tell which file system holds the data folder".into()),
        }
    }
    if cfg!(windows) {
        vss(&mut out);
    }
    if cfg!(target_os = "macos") {
        time_machine(&mut out);
    }
    out.notes.push(
        "backups made by other tools (backup software, cloud sync, copies by hand) are not detected".into(),
    );
    out
}

/// A mount from `/proc/self/mountinfo`.
#[derive(Debug, PartialEq, Eq)]
struct Mount {
    point: PathBuf,
    fs_type: String,
}

/// The mount holding `path`: the longest mount point that is an ancestor of it.
fn mount_of(mountinfo: &str, path: &Path) -> Option<Mount> {
    mountinfo
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let point = unescape(fields.get(4)?);
            let sep = fields.iter().position(|f| *f == "-")?;
            let fs_type = fields.get(sep + 1)?.to_string();
            Some(Mount {
                point: PathBuf::from(point),
                fs_type,
            })
        })
        .filter(|m| path.starts_with(&m.point))
        .max_by_key(|m| m.point.components().count())
}

/// mountinfo escapes spaces, tabs, newlines and backslashes as octal (`\040`).
fn unescape(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let code: String = chars.by_ref().take(3).collect();
            match u8::from_str_radix(&code, 8) {
                Ok(b) => out.push(b as char),
                Err(_) => {
                    out.push('\\');
                    out.push_str(&code);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn existing_ancestor(path: &Path) -> PathBuf {
    let mut p = path.to_owned();
    loop {
        if let Ok(real) = p.canonicalize() {
            return real;
        }
        if !p.pop() {
            return path.to_owned();
        }
    }
}

/// ZFS keeps every snapshot of a dataset under `<mount>/.zfs/snapshot/<name>`.
fn zfs(mount: &Path, relative: &Path, out: &mut SnapshotSearch) {
    let dir = mount.join(".zfs/snapshot");
    match fs::read_dir(&dir) {
        Ok(entries) => {
            let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            names.sort();
            for snapshot in names {
                let holds = fs::symlink_metadata(snapshot.join(relative)).is_ok();
                out.found.push(Snapshot {
                    source: "zfs".into(),
                    location: snapshot.display().to_string(),
                    holds_data_dir: Some(holds),
                });
            }
            out.notes.push(format!("ZFS: listed {}", dir.display()));
        }
        Err(e) => out.notes.push(format!(
            "ZFS: could not list {} ({e}); run `zfs list -t snapshot`",
            dir.display()
        )),
    }
}

/// btrfs: subvolume snapshots (root only) and the folders snapper and Timeshift use.
fn btrfs(mount: &Path, out: &mut SnapshotSearch) {
    match Command::new("btrfs")
        .args(["subvolume", "list", "-s"])
        .arg(mount)
        .output()
    {
        Ok(o) if o.status.success() => {
            for line in String::from_utf8_lossy(&o.stdout).lines() {
                if let Some(path) = line.split(" path ").nth(1) {
                    out.found.push(Snapshot {
                        source: "btrfs".into(),
                        location: path.trim().to_owned(),
                        holds_data_dir: None,
                    });
                }
            }
            out.notes
                .push(format!("btrfs: listed snapshots of {}", mount.display()));
        }
        _ => out.notes.push(format!(
            "btrfs: snapshots can only be listed by root: run `sudo btrfs subvolume list -s {}`",
            mount.display()
        )),
    }
    let mut folders = vec![
        (mount.join(".snapshots"), "snapper"),
        (PathBuf::from("/.snapshots"), "snapper"),
        (PathBuf::from("/timeshift-btrfs/snapshots"), "timeshift"),
        (
            PathBuf::from("/run/timeshift/backup/timeshift-btrfs/snapshots"),
            "timeshift",
        ),
    ];
    folders.dedup_by(|a, b| a.0 == b.0);
    for (folder, source) in folders {
        if let Ok(entries) = fs::read_dir(&folder) {
            for entry in entries.flatten() {
                out.found.push(Snapshot {
                    source: source.into(),
                    location: entry.path().display().to_string(),
                    holds_data_dir: None,
                });
            }
        }
    }
}

/// Windows: volume shadow copies (restore points, backups) via `vssadmin`.
fn vss(out: &mut SnapshotSearch) {
    match Command::new("vssadmin").args(["list", "shadows"]).output() {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            out.found.extend(parse_vssadmin(&text));
            out.notes.push("Windows: listed shadow copies (vssadmin list shadows)".into());
        }
        _ => out.notes.push(
            "Windows: shadow copies can only be listed from an administrator's prompt: run `vssadmin list shadows`".into(),
        ),
    }
}

/// The shadow copies in `vssadmin list shadows` output (English or Japanese Windows: the
/// `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN` lines are the same in both).
fn parse_vssadmin(text: &str) -> Vec<Snapshot> {
    text.lines()
        .filter_map(|l| {
            let at = l.find(r"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy")?;
            Some(Snapshot {
                source: "vss".into(),
                location: l[at..].trim().to_owned(),
                holds_data_dir: None,
            })
        })
        .collect()
}

/// macOS: Time Machine backups.
fn time_machine(out: &mut SnapshotSearch) {
    match Command::new("tmutil").arg("listbackups").output() {
        Ok(o) if o.status.success() => {
            for line in String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| !l.trim().is_empty())
            {
                out.found.push(Snapshot {
                    source: "time_machine".into(),
                    location: line.trim().to_owned(),
                    holds_data_dir: None,
                });
            }
            out.notes
                .push("macOS: listed Time Machine backups (tmutil listbackups)".into());
        }
        _ => out
            .notes
            .push("macOS: could not list Time Machine backups (tmutil listbackups)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:40 / /srv/data rw,relatime shared:2 - zfs tank/data rw,xattr
31 22 0:41 /@home /home/kiosk\\040user rw,relatime shared:3 - btrfs /dev/sdb1 rw,subvol=/@home
";

    #[test]
    fn the_mount_holding_a_folder_is_the_longest_prefix() {
        let m = mount_of(MOUNTINFO, Path::new("/srv/data/madoguchi")).unwrap();
        assert_eq!(
            (m.point.as_path(), m.fs_type.as_str()),
            (Path::new("/srv/data"), "zfs")
        );
        let m = mount_of(
            MOUNTINFO,
            Path::new("/home/kiosk user/.local/share/madoguchi"),
        )
        .unwrap();
        assert_eq!(m.fs_type, "btrfs", "escaped spaces are read");
        assert_eq!(
            mount_of(MOUNTINFO, Path::new("/var/lib/x"))
                .unwrap()
                .fs_type,
            "ext4"
        );
    }

    #[test]
    fn zfs_snapshots_are_listed_with_whether_they_hold_the_data_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let snaps = tmp.path().join(".zfs/snapshot");
        fs::create_dir_all(snaps.join("daily-1/madoguchi")).unwrap();
        fs::create_dir_all(snaps.join("daily-0")).unwrap();
        let mut out = SnapshotSearch::default();
        zfs(tmp.path(), Path::new("madoguchi"), &mut out);
        let found: Vec<_> = out
            .found
            .iter()
            .map(|s| (s.location.ends_with("daily-1"), s.holds_data_dir))
            .collect();
        assert_eq!(found, vec![(false, Some(false)), (true, Some(true))]);
    }

    #[test]
    fn shadow_copies_are_read_from_vssadmin_output() {
        let text = "Contents of shadow copy set ID: {a}\n   Shadow Copy ID: {b}\n      Original Volume: (C:)\\\\?\\Volume{c}\\\n      Shadow Copy Volume: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\n";
        let found = parse_vssadmin(text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].location,
            r"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy3"
        );
    }

    #[test]
    fn a_search_always_says_it_is_not_exhaustive() {
        let tmp = tempfile::tempdir().unwrap();
        let s = search(tmp.path());
        assert!(s.notes.iter().any(|n| n.contains("not detected")));
    }
}
