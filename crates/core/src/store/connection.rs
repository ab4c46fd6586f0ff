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
         PRAGMA recursive_triggers = ON;  -- rows a REPLACE removes fire the sync triggers too",
    )?;
    // Freed SQLCipher memory wiped and locked pages, in the app, the CLI and the hub (their
    // `main` calls `hardening::harden_process`). Once on it stays on for the whole process;
    // the cost is measured in docs/threat-model.md.
    if crate::hardening::memory_security() {
        conn.execute_batch("PRAGMA cipher_memory_security = ON")?;
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    register_functions(&conn)?;
    Ok(conn)
}

/// How many prepared statements a store keeps compiled. Every write to a synced table runs its
/// sync triggers, which SQLite compiles into each statement that writes it: compiling is most of
/// the cost of a statement made afresh (about half of the hub's time per pushed mutation before
/// statements were cached). The hub's and a seat's hot paths use a few dozen statements.
const STATEMENT_CACHE: usize = 256;

/// The store's connection. `execute` and `query_row` go through the prepared-statement cache
/// (rusqlite's own prepare every time), so a statement is compiled once per connection, with its
/// triggers; everything else is the [`Connection`]'s.
pub(crate) struct CachedConn(Connection);

impl CachedConn {
    pub(crate) fn new(conn: Connection) -> CachedConn {
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        CachedConn(conn)
    }

    /// [`Connection::execute`], with the statement from the cache.
    pub(crate) fn execute<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
    ) -> rusqlite::Result<usize> {
        self.0.prepare_cached(sql)?.execute(params)
    }

    /// [`Connection::query_row`], with the statement from the cache.
    pub(crate) fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.0.prepare_cached(sql)?.query_row(params, f)
    }
}

impl std::ops::Deref for CachedConn {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.0
    }
}

/// SQL functions the sync triggers call: `madoguchi_row_hash(tbl, rowid, row_json)`, the first
/// 8 bytes of SHA-256 over the three as a signed integer. The digest of a table is the XOR of
/// its rows' hashes, so it describes the rows held, whatever order they were written in.
fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "madoguchi_row_hash",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let table = ctx.get_raw(0).as_str().unwrap_or_default();
            let rowid = ctx.get::<i64>(1)?;
            let row = ctx.get_raw(2).as_str().unwrap_or_default();
            Ok(row_hash(table, rowid, row))
        },
    )?;
    Ok(())
}

/// See [`register_functions`]; also used where Rust recomputes a digest.
pub(crate) fn row_hash(table: &str, rowid: i64, row: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(table.as_bytes());
    h.update([0]);
    h.update(rowid.to_le_bytes());
    h.update(row.as_bytes());
    let out = h.finalize();
    i64::from_le_bytes(out[..8].try_into().expect("8 bytes"))
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
