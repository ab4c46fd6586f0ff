//! The data directory: every file Madoguchi writes on a PC lives under one root it owns.
//!
//! Knowing every file is what lets the end-of-contract wipe find and verify them all, so new
//! files must be added to [`KNOWN_ENTRIES`] (and to `docs/data-directory.md`). Anything else
//! found under the root is reported by `doctor` as unknown.
use std::{
    fs,
    path::{Path, PathBuf},
};

use serde::Serialize;

use crate::{Error, Result};

/// Environment variable that overrides the data directory (tests, the demo, a second seat on
/// one PC). The CLI's `--data-dir` flag takes precedence over it.
pub const DATA_DIR_ENV: &str = "MADOGUCHI_DATA_DIR";

/// What a file under the data directory is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// SQLCipher database (encrypted pages).
    Database,
    /// SQLCipher write-ahead log (encrypted pages).
    DatabaseWal,
    /// SQLite shared-memory index of the WAL (no page contents).
    DatabaseShm,
    /// The data key, wrapped with the site passphrase (age/scrypt).
    KeyFile,
    /// A key file being replaced (exists only for an instant during a passphrase change).
    KeyFileTemp,
    /// The desktop WebView's own storage (the UI keeps nothing in web storage; WebKit may still cache).
    WebView,
    /// Log files (never personal data).
    Logs,
    /// The city's override of the document checklist rules (no personal data).
    ChecklistRules,
    /// Reports saved as PDF and CSV (aggregates only, no personal data).
    Reports,
    /// The journal of an end-of-contract wipe under way (paths and sizes, no personal data).
    WipeJournal,
    /// Encrypted copies of the store kept before an upgrade migrated it (`store/upgrade.rs`):
    /// the same SQLCipher pages as the store, readable only with its key.
    UpgradeBackups,
    /// Says `training` for a training store, so the unlock screen can show 研修モード before
    /// the key is known. A hint only: the kind sealed in the key file decides (no personal data).
    StoreKindHint,
}

/// The entries the app may create directly under the root: (name, kind, is a directory).
pub const KNOWN_ENTRIES: &[(&str, FileKind, bool)] = &[
    ("store.db", FileKind::Database, false),
    ("store.db-wal", FileKind::DatabaseWal, false),
    ("store.db-shm", FileKind::DatabaseShm, false),
    ("key.age", FileKind::KeyFile, false),
    ("key.age.tmp", FileKind::KeyFileTemp, false),
    ("webview", FileKind::WebView, true),
    ("logs", FileKind::Logs, true),
    ("checklist-rules.toml", FileKind::ChecklistRules, false),
    ("reports", FileKind::Reports, true),
    ("wipe.json", FileKind::WipeJournal, false),
    ("wipe.json.tmp", FileKind::WipeJournal, false),
    ("store-kind", FileKind::StoreKindHint, false),
    ("backups", FileKind::UpgradeBackups, true),
];

/// The kind of a known entry directly under the root, by name.
pub fn known_kind(name: &str) -> Option<FileKind> {
    KNOWN_ENTRIES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, k, _)| *k)
}

/// One file found under the data directory.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// Path relative to the root.
    pub relative: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// What it is, or `None` for a file the app does not know (reported, never ignored).
    pub kind: Option<FileKind>,
}

/// The root of one store's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// A data directory at an explicit path.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The explicit path if given, else `MADOGUCHI_DATA_DIR`, else the OS's standard place for
    /// application data (`~/.local/share/madoguchi` on Linux, `%APPDATA%\Madoguchi\data` on Windows).
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self> {
        if let Some(path) = explicit {
            return Ok(Self::at(path));
        }
        if let Some(path) = std::env::var_os(DATA_DIR_ENV).filter(|p| !p.is_empty()) {
            return Ok(Self::at(PathBuf::from(path)));
        }
        directories::ProjectDirs::from("jp", "Madoguchi", "Madoguchi")
            .map(|dirs| Self::at(dirs.data_dir()))
            .ok_or(Error::NoDataDir)
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLCipher database.
    pub fn database(&self) -> PathBuf {
        self.root.join("store.db")
    }

    /// The wrapped data key.
    pub fn key_file(&self) -> PathBuf {
        self.root.join("key.age")
    }

    /// The city's override of the checklist rules, if it placed one.
    pub fn checklist_rules(&self) -> PathBuf {
        self.root.join("checklist-rules.toml")
    }

    /// Where reports are saved (PDF and CSV; aggregates only).
    pub fn reports_dir(&self) -> PathBuf {
        self.root.join("reports")
    }

    /// Where upgrades keep their encrypted copies ([`FileKind::UpgradeBackups`]).
    pub fn backups_dir(&self) -> PathBuf {
        self.root.join("backups")
    }

    /// The store-kind hint ([`FileKind::StoreKindHint`]).
    pub fn store_kind_hint_file(&self) -> PathBuf {
        self.root.join("store-kind")
    }

    /// Whether the hint says this is a training store (the unlock screen's banner; it decides
    /// nothing: the key file's sealed kind does).
    pub fn training_hint(&self) -> bool {
        fs::read_to_string(self.store_kind_hint_file()).is_ok_and(|s| s.trim() == "training")
    }

    /// Where the desktop WebView keeps its storage.
    pub fn webview_dir(&self) -> PathBuf {
        self.root.join("webview")
    }

    /// Log files.
    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// Creates the root (owner-only on Unix) if it does not exist.
    pub fn ensure_exists(&self) -> Result<()> {
        fs::create_dir_all(&self.root)
            .map_err(Error::io(format!("creating {}", self.root.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&self.root, fs::Permissions::from_mode(0o700))
                .map_err(Error::io(format!("restricting {}", self.root.display())))?;
        }
        Ok(())
    }

    /// Every file under the root, with its size and kind; unknown files are included with
    /// `kind: None`. Returns an empty list if the root does not exist.
    pub fn inventory(&self) -> Result<Vec<FileEntry>> {
        let mut out = Vec::new();
        if self.root.exists() {
            walk(&self.root, &self.root, None, &mut out)?;
        }
        out.sort_by(|a, b| a.relative.cmp(&b.relative));
        Ok(out)
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    inherited: Option<FileKind>,
    out: &mut Vec<FileEntry>,
) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(Error::io(format!("listing {}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(Error::io(format!("listing {}", dir.display())))?;
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap_or(&path).to_owned();
        let kind = inherited.or_else(|| known_kind(relative.to_str()?));
        let meta = entry
            .metadata()
            .map_err(Error::io(format!("reading {}", path.display())))?;
        if meta.is_dir() {
            walk(root, &path, kind, out)?;
        } else {
            out.push(FileEntry {
                relative,
                size: meta.len(),
                kind,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_classifies_known_and_unknown_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::at(tmp.path());
        fs::write(dir.database(), b"x").unwrap();
        fs::create_dir_all(dir.webview_dir().join("a")).unwrap();
        fs::write(dir.webview_dir().join("a/b"), b"yy").unwrap();
        fs::write(tmp.path().join("stray.txt"), b"zzz").unwrap();
        let inv = dir.inventory().unwrap();
        let kinds: Vec<_> = inv
            .iter()
            .map(|e| (e.relative.to_str().unwrap().to_owned(), e.kind, e.size))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("store.db".into(), Some(FileKind::Database), 1),
                ("stray.txt".into(), None, 3),
                ("webview/a/b".into(), Some(FileKind::WebView), 2),
            ]
        );
    }

    #[test]
    fn explicit_path_wins() {
        assert_eq!(
            DataDir::resolve(Some("/x/y".into())).unwrap().root(),
            Path::new("/x/y")
        );
    }
}
