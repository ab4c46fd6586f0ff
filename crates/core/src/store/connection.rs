//! The one place every database connection is set up.
//!
//! Order matters: the key pragma must be the first statement on a SQLCipher connection, and the
//! key is checked (by reading the schema) before anything else touches the file, so that a
//! damaged file or a foreign key is reported instead of being "repaired".
use std::{path::Path, time::Duration};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::{secret::DataKey, Error, Result};

/// Whether [`open`] may create the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The file must already exist (every normal open: never re-initialise by accident).
    Existing,
    /// A new store is being made.
    Create,
}

/// Opens the database at `path` with `key` (or, for benchmarks only, with no key).
pub(crate) fn open(path: &Path, key: Option<&DataKey>, mode: Mode) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if mode == Mode::Create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else if !path.exists() {
        return Err(Error::DatabaseMissing(path.to_owned()));
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| corrupt(path, e))?;
    if let Some(key) = key {
        conn.execute_batch(&key.key_pragma())
            .map_err(|e| corrupt(path, e))?;
    }
    // The first real read decrypts page 1: this is where a wrong key or a damaged file shows.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })
    .map_err(|e| corrupt(path, e))?;

    let journal: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !journal.eq_ignore_ascii_case("wal") {
        return Err(Error::DatabaseCorrupt {
            path: path.to_owned(),
            reason: format!("cannot enable WAL (got {journal})"),
        });
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;      -- sorts and temp tables never reach disk
         PRAGMA synchronous = FULL;       -- a committed booking survives a power cut
         PRAGMA secure_delete = ON;       -- freed pages are zeroed (inside the encryption)
         PRAGMA cache_size = -16384;      -- 16 MiB of decrypted pages in memory: fewer decrypts
         PRAGMA cipher_memory_security = OFF;",
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// The SQLCipher version linked in (empty if SQLCipher is absent, which must never happen).
pub(crate) fn cipher_version(conn: &Connection) -> Result<String> {
    Ok(conn
        .query_row("PRAGMA cipher_version", [], |row| row.get(0))
        .unwrap_or_default())
}

fn corrupt(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            Error::DatabaseCorrupt {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        }
        _ => Error::Sqlite(e),
    }
}
