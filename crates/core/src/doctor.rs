//! `doctor`: checks a seat's data directory, key file, database, schema and disk, and says
//! what is wrong in words. It never changes the store (no migration, no repair).
use std::{fs, io::Read};

use serde::Serialize;

use crate::{data_dir::DataDir, secret::Passphrase, store::migrate, Store};

/// Free space below this is a failure: the day's work could not be written.
pub const MIN_FREE_BYTES: u64 = 200 * 1024 * 1024;
/// Free space below this is a warning.
pub const WARN_FREE_BYTES: u64 = 1024 * 1024 * 1024;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Ok,
    /// Works, but someone should look.
    Warn,
    /// Broken: the seat cannot work safely.
    Fail,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Short name, e.g. `key file`.
    pub name: &'static str,
    /// Outcome.
    pub status: CheckStatus,
    /// What was found (never personal data).
    pub detail: String,
}

/// All checks, in the order they ran.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    /// The checks.
    pub checks: Vec<Check>,
}

impl DoctorReport {
    /// True when no check failed.
    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }

    fn push(&mut self, name: &'static str, status: CheckStatus, detail: impl Into<String>) {
        self.checks.push(Check {
            name,
            status,
            detail: detail.into(),
        });
    }
}

const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// Runs every check. With `passphrase`, also unlocks the store (read only) and checks schema
/// and integrity.
pub fn doctor(dir: &DataDir, passphrase: Option<&Passphrase>) -> DoctorReport {
    use CheckStatus::*;
    let mut report = DoctorReport { checks: Vec::new() };
    let root = dir.root();
    if !root.is_dir() {
        report.push(
            "data directory",
            Fail,
            format!("{} does not exist: run `madoguchi init`", root.display()),
        );
        return report;
    }
    report.push("data directory", Ok, root.display().to_string());

    let head = |path: &std::path::Path, n: usize| -> Option<Vec<u8>> {
        let mut buf = vec![0; n];
        let mut file = fs::File::open(path).ok()?;
        let read = file.read(&mut buf).ok()?;
        buf.truncate(read);
        Some(buf)
    };
    match head(&dir.key_file(), 256) {
        None => report.push(
            "key file",
            Fail,
            format!("{} is missing or unreadable", dir.key_file().display()),
        ),
        Some(h) if h.starts_with(AGE_HEADER) && h.windows(9).any(|w| w == b"-> scrypt") => {
            report.push("key file", Ok, "age, wrapped with the site passphrase")
        }
        Some(_) => report.push(
            "key file",
            Fail,
            "not an age file wrapped with a passphrase",
        ),
    }
    match head(&dir.database(), SQLITE_HEADER.len()) {
        None => report.push(
            "database",
            Fail,
            format!("{} is missing or unreadable", dir.database().display()),
        ),
        Some(h) if h == SQLITE_HEADER => {
            report.push("database", Fail, "the database is NOT encrypted")
        }
        Some(_) => report.push("database", Ok, "encrypted (no plaintext SQLite header)"),
    }

    match passphrase {
        None => report.push("unlock", Warn, "skipped: no passphrase given"),
        Some(passphrase) => match Store::open_without_migrating(dir, passphrase) {
            Err(e) => report.push("unlock", Fail, e.to_string()),
            Result::Ok(store) => {
                report.push(
                    "unlock",
                    Ok,
                    format!(
                        "site {} / seat {}",
                        store.meta().site_name,
                        store.meta().seat_name
                    ),
                );
                match store.status() {
                    Result::Ok(s) if s.schema_version == s.known_schema_version => {
                        report.push("schema", Ok, format!("version {}", s.schema_version))
                    }
                    Result::Ok(s) if s.schema_version > s.known_schema_version => report.push(
                        "schema",
                        Fail,
                        format!(
                            "version {} is newer than this build ({}): update Madoguchi",
                            s.schema_version, s.known_schema_version
                        ),
                    ),
                    Result::Ok(s) => report.push(
                        "schema",
                        Warn,
                        format!(
                            "version {}; upgraded to {} at the next unlock",
                            s.schema_version,
                            migrate::known_version()
                        ),
                    ),
                    Err(e) => report.push("schema", Fail, e.to_string()),
                }
                match store.integrity_problems() {
                    Result::Ok(p) if p.is_empty() => {
                        report.push("integrity", Ok, "every page decrypts and checks out")
                    }
                    Result::Ok(p) => report.push("integrity", Fail, p.join("; ")),
                    Err(e) => report.push("integrity", Fail, e.to_string()),
                }
            }
        },
    }

    match fs2::available_space(root) {
        Result::Ok(free) if free < MIN_FREE_BYTES => {
            report.push("free disk", Fail, format!("{} MiB free", free >> 20))
        }
        Result::Ok(free) if free < WARN_FREE_BYTES => {
            report.push("free disk", Warn, format!("{} MiB free", free >> 20))
        }
        Result::Ok(free) => report.push("free disk", Ok, format!("{} MiB free", free >> 20)),
        Err(e) => report.push("free disk", Warn, format!("unknown: {e}")),
    }

    match dir.inventory() {
        Result::Ok(files) => {
            let unknown: Vec<String> = files
                .iter()
                .filter(|f| f.kind.is_none())
                .map(|f| f.relative.display().to_string())
                .collect();
            if unknown.is_empty() {
                report.push("files", Ok, format!("{} files, all known", files.len()));
            } else {
                report.push(
                    "files",
                    Warn,
                    format!(
                        "unknown files in the data directory: {}",
                        unknown.join(", ")
                    ),
                );
            }
        }
        Err(e) => report.push("files", Fail, e.to_string()),
    }
    report
}
