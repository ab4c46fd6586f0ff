//! The synced tables' rows as sync sees them, whatever domain wrote them.
//!
//! Temporary triggers (made at every open, so they always match the schema's columns) watch
//! every synced table:
//! - `undo_*` record the row before each write of this seat's own pending mutations
//!   (`sync_undo`), so a pull can rewind them;
//! - `effect_*` record the row after each write while the hub executes a pushed mutation
//!   (`temp.sync_effects`): the effects every seat applies;
//! - `digest_*` keep `sync_digest` equal to the XOR of every row's hash, per table and part
//!   (a city table's rows are one part, keyed by the table's name; a site table's rows are
//!   one part per site, keyed `table@site`, or `table@site/desk` while a desk holds them), so
//!   the digest always describes what the tables
//!   hold, and two stores hold the same rows exactly when (up to a 64-bit hash per table and
//!   part) their digests agree (quiet, `temp.sync_quiet`, while a snapshot's rows are
//!   written, which are then hashed in bulk). A seat that holds one site's rows only (or a
//!   desk's) is compared with the hub's digest over the city's parts and those it holds
//!   ([`Store::sync_digest_held`]).
//!
//! Rows travel as JSON objects that name their columns, so a record written before a migration
//! still applies after it (missing columns take their defaults, dropped ones are ignored).
use std::collections::HashMap;

use rusqlite::{params_from_iter, types::Value, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{from_json, synced_table, SITE_TABLES, SYNCED_TABLES};
use crate::{
    site::Holding,
    store::{connection::row_hash, Store},
    sync::Effect,
    Error, Result,
};

/// A row as JSON, the way sync records it.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// `json_object('c1', alias."c1", …)`: one row of a table as a JSON object naming its columns.
fn row_json(cols: &[String], alias: &str) -> String {
    let pairs = cols
        .iter()
        .map(|c| format!("'{c}', {alias}.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("json_object({pairs})")
}

/// The XOR of row hashes per digest key (a table, or a site table's rows of one site:
/// [`digest_key`]), zeros left out: no rows.
pub(super) type Xors = std::collections::BTreeMap<String, i64>;

fn xor_into(xors: &mut Xors, key: String, h: i64) {
    let d = xors.entry(key).or_insert(0);
    *d ^= h;
}

fn without_zeros(mut xors: Xors) -> Xors {
    xors.retain(|_, d| *d != 0);
    xors
}

/// The SQL expression of the digest key of `alias`'s row of `table`: the table's name, or for
/// a table whose rows belong to a site, `table@site`, and `table@site/desk` for a booking a
/// desk holds until it is served.
fn digest_key(table: &str, alias: &str) -> String {
    if SITE_TABLES.contains(&table) {
        format!("'{table}@' || {alias}.site_id || coalesce('/' || {alias}.desk_id, '')")
    } else {
        format!("'{table}'")
    }
}

/// Adds `h` (XOR) to the digest kept under `key` (made when missing).
const XOR_DIGEST: &str = "INSERT INTO sync_digest (tbl, d) VALUES (?1, ?2)
     ON CONFLICT (tbl) DO UPDATE SET d = (d | excluded.d) - (d & excluded.d)";

/// `SELECT rowid, <row json>, <digest key> FROM table`: what the digests are computed from.
fn hashed_rows(cols: &[String], table: &str) -> String {
    format!(
        "SELECT rowid, {}, {} FROM {table}",
        row_json(cols, table),
        digest_key(table, table)
    )
}

/// The digest of the parts `keep` selects of the kept digests `rows` ((key, d), in key
/// order, zeros left out), hex.
fn digest_over<'a>(
    rows: impl IntoIterator<Item = &'a (String, i64)>,
    keep: impl Fn(&str) -> bool,
) -> String {
    let mut h = Sha256::new();
    for (key, d) in rows {
        if keep(key) {
            h.update(key.as_bytes());
            h.update(d.to_le_bytes());
        }
    }
    crate::text::hex(&h.finalize()[..16])
}

/// Whether the digest key `key` is in the parts `holds` selects: the city's (a city table)
/// always.
fn held(key: &str, holds: &Holding) -> bool {
    key.split_once('@')
        .is_none_or(|(_, part)| holds.holds_part(part))
}

/// The digest key under which a hash of the synced tables' columns is kept: when a migration
/// changes them, every row's JSON changes, so the digests are recomputed.
const COLUMNS_KEY: &str = "#columns";

/// Creates the temporary tables and triggers; returns each synced table's columns.
pub(crate) fn install_capture(conn: &Connection) -> Result<HashMap<&'static str, Vec<String>>> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS sync_capture (seq INTEGER NOT NULL);
         CREATE TEMP TABLE IF NOT EXISTS sync_effects_on (x INTEGER);
         CREATE TEMP TABLE IF NOT EXISTS sync_quiet (x INTEGER);
         CREATE TEMP TABLE IF NOT EXISTS sync_effects (
             id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, rid INTEGER NOT NULL, row TEXT)",
    )?;
    let mut columns = HashMap::new();
    for table in SYNCED_TABLES {
        let cols: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if cols.is_empty() {
            return Err(Error::Invalid(format!("synced table {table} is missing")));
        }
        create_triggers(conn, table, &cols)?;
        columns.insert(*table, cols);
    }
    Ok(columns)
}

/// Creates the sync triggers on `table` (whose columns are `cols`) where they are missing.
fn create_triggers(conn: &Connection, table: &str, cols: &[String]) -> Result<()> {
    let (new, old) = (row_json(cols, "NEW"), row_json(cols, "OLD"));
    let undo = |op: &str, rid: &str, row: &str| {
        format!(
            "INSERT INTO sync_undo (seq, tbl, op, rid, old)
             SELECT seq, '{table}', '{op}', {rid}, {row} FROM temp.sync_capture"
        )
    };
    let effect = |rid: &str, row: &str| {
        format!("INSERT INTO sync_effects (tbl, rid, row) VALUES ('{table}', {rid}, {row})")
    };
    // XOR as (a | b) - (a & b): SQLite has no XOR, and this never overflows.
    let digest = |alias: &str, row: &str| {
        let key = digest_key(table, alias);
        format!(
            "INSERT INTO sync_digest (tbl, d)
               VALUES ({key}, madoguchi_row_hash('{table}', {alias}.rowid, {row}))
             ON CONFLICT (tbl) DO UPDATE SET d = (d | excluded.d) - (d & excluded.d)"
        )
    };
    let capture = "WHEN EXISTS (SELECT 1 FROM temp.sync_capture)";
    let effects = "WHEN EXISTS (SELECT 1 FROM temp.sync_effects_on)";
    let counted = "WHEN NOT EXISTS (SELECT 1 FROM temp.sync_quiet)";
    conn.execute_batch(&format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_i AFTER INSERT ON main.{table} {capture}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_u AFTER UPDATE ON main.{table} {capture}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_d AFTER DELETE ON main.{table} {capture}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS effect_{table}_i AFTER INSERT ON main.{table} {effects}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS effect_{table}_u AFTER UPDATE ON main.{table} {effects}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS effect_{table}_d AFTER DELETE ON main.{table} {effects}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS digest_{table}_i AFTER INSERT ON main.{table} {counted}
           BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS digest_{table}_u AFTER UPDATE ON main.{table} {counted}
           BEGIN {}; {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS digest_{table}_d AFTER DELETE ON main.{table} {counted}
           BEGIN {}; END;",
        undo("i", "NEW.rowid", "NULL"),
        undo("u", "OLD.rowid", &old),
        undo("d", "OLD.rowid", &old),
        effect("NEW.rowid", &new),
        effect("NEW.rowid", &new),
        effect("OLD.rowid", "NULL"),
        digest("NEW", &new),
        digest("OLD", &old),
        digest("NEW", &new),
        digest("OLD", &old),
    ))?;
    Ok(())
}

/// The sync triggers [`install_capture`] makes on `table`.
fn trigger_names(table: &str) -> impl Iterator<Item = String> + '_ {
    ["undo", "effect", "digest"]
        .into_iter()
        .flat_map(move |kind| {
            ["i", "u", "d"]
                .into_iter()
                .map(move |op| format!("{kind}_{table}_{op}"))
        })
}

/// Makes the next [`Store::ensure_sync_digest`] compute every digest from the rows (after a
/// migration, which writes without the triggers). Nothing to do on a store that keeps none.
pub(crate) fn forget_kept_digests(conn: &Connection) -> Result<()> {
    let kept: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_digest')",
        [],
        |r| r.get(0),
    )?;
    if kept {
        conn.execute("DELETE FROM sync_digest WHERE tbl = ?1", [COLUMNS_KEY])?;
    }
    Ok(())
}

/// Drops the sync triggers of `tables`, for a bulk load that computes the digests once from
/// the rows; [`create_triggers`] makes them again. Inside a transaction, a rollback brings them
/// back.
fn drop_triggers<'a>(conn: &Connection, tables: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let sql: String = tables
        .into_iter()
        .flat_map(trigger_names)
        .map(|name| format!("DROP TRIGGER IF EXISTS temp.{name};"))
        .collect();
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Builds one index set aside by [`Store::defer_indexes`], in the caller's transaction when
/// there is one (else in its own); false when none is left.
fn build_deferred_index(conn: &Connection) -> Result<bool> {
    let next: Option<(String, String)> = conn
        .query_row(
            "SELECT name, sql FROM sync_deferred_indexes ORDER BY name LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((name, sql)) = next else {
        return Ok(false);
    };
    // Its own transaction unless inside the caller's (rolled back if dropped unfinished).
    let own = conn
        .is_autocommit()
        .then(|| {
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        })
        .transpose()?;
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1)",
        [&name],
        |r| r.get(0),
    )?;
    if !exists {
        conn.execute_batch(&sql)?;
    }
    conn.execute("DELETE FROM sync_deferred_indexes WHERE name = ?1", [&name])?;
    if let Some(tx) = own {
        tx.commit()?;
    }
    Ok(true)
}

/// Builds every index a new seat's first load set aside and did not build again (the load was
/// cut short: the app closed, the PC switched off), before the store is migrated or used, so
/// that migrations find the schema they expect. A failure is logged and left for the next
/// unlock: the store works without them, only slower.
pub(crate) fn build_deferred_indexes(conn: &Connection) -> usize {
    let listed: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master
                            WHERE type = 'table' AND name = 'sync_deferred_indexes')",
            [],
            |r| r.get(0),
        )
        .unwrap_or(false);
    if !listed {
        return 0;
    }
    let mut built = 0;
    loop {
        match build_deferred_index(conn) {
            Ok(true) => built += 1,
            Ok(false) => break,
            Err(e) => {
                tracing::warn!("could not build an index a first load set aside: {e}");
                break;
            }
        }
    }
    if built > 0 {
        tracing::info!(built, "built the indexes a first load had set aside");
    }
    built
}

/// A column's value as `json_object` records it (BLOBs, which JSON cannot hold, are refused
/// as `json_object` refuses them).
fn json_value(value: rusqlite::types::ValueRef<'_>) -> Result<serde_json::Value> {
    use rusqlite::types::ValueRef;
    Ok(match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(n) => n.into(),
        ValueRef::Real(f) => serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        ValueRef::Text(_) => text(value)?.into(),
        ValueRef::Blob(_) => {
            return Err(Error::Invalid("a synced row holds a BLOB".into()));
        }
    })
}

/// About how long a value is as JSON.
fn json_len(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::String(s) => s.len() + 2,
        serde_json::Value::Null => 4,
        _ => 20,
    }
}

/// A row's JSON text as SQLite made it.
fn text(value: rusqlite::types::ValueRef<'_>) -> rusqlite::Result<&str> {
    value
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, value.data_type(), Box::new(e)))
}

/// Binds a JSON value as [`to_value`] converts it, without copying text.
fn bind_json(
    stmt: &mut rusqlite::Statement<'_>,
    index: usize,
    v: &serde_json::Value,
) -> rusqlite::Result<()> {
    match v {
        serde_json::Value::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null),
        serde_json::Value::Bool(b) => stmt.raw_bind_parameter(index, i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => stmt.raw_bind_parameter(index, i),
            None => stmt.raw_bind_parameter(index, n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => stmt.raw_bind_parameter(index, s.as_str()),
        other => stmt.raw_bind_parameter(index, other.to_string()),
    }
}

/// A hash of every synced table's name and columns.
fn columns_hash(columns: &HashMap<&'static str, Vec<String>>) -> i64 {
    let text = SYNCED_TABLES
        .iter()
        .map(|t| format!("{t}({})", columns[t].join(",")))
        .collect::<Vec<_>>()
        .join(";");
    row_hash(COLUMNS_KEY, 0, &text)
}

fn to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or_default())),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

impl Store {
    /// Puts one row as it is given (or deletes it), by rowid, with no domain rule involved:
    /// how effects, snapshots and undo records are applied. Columns the row does not name take
    /// their defaults; names the table does not have are ignored.
    pub(super) fn put_row(&self, table: &str, rowid: i64, row: Option<&Row>) -> Result<()> {
        let table = synced_table(table)?;
        let Some(row) = row else {
            self.conn()
                .prepare_cached(&format!("DELETE FROM {table} WHERE rowid = ?1"))?
                .execute([rowid])?;
            return Ok(());
        };
        let columns = self.sync.columns.borrow();
        let present: Vec<&String> = columns[table]
            .iter()
            .filter(|c| row.contains_key(c.as_str()))
            .collect();
        let values = || {
            std::iter::once(Value::Integer(rowid))
                .chain(present.iter().map(|c| to_value(&row[c.as_str()])))
        };
        let set = present
            .iter()
            .enumerate()
            .map(|(i, c)| format!("\"{c}\" = ?{}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let updated = if set.is_empty() {
            self.conn()
                .prepare_cached(&format!("SELECT 1 FROM {table} WHERE rowid = ?1"))?
                .query_row([rowid], |_| Ok(()))
                .optional()?
                .map_or(0, |()| 1)
        } else {
            self.conn()
                .prepare_cached(&format!("UPDATE {table} SET {set} WHERE rowid = ?1"))?
                .execute(params_from_iter(values()))?
        };
        if updated == 0 {
            let names = std::iter::once("rowid".to_owned())
                .chain(present.iter().map(|c| format!("\"{c}\"")))
                .collect::<Vec<_>>()
                .join(", ");
            let marks = (1..=present.len() + 1)
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            self.conn()
                .prepare_cached(&format!("INSERT INTO {table} ({names}) VALUES ({marks})"))?
                .execute(params_from_iter(values()))?;
        }
        Ok(())
    }

    /// Applies effects in order.
    pub(super) fn put_effects(&self, effects: &[Effect]) -> Result<()> {
        for e in effects {
            self.put_row(&e.table, e.rowid, e.row.as_ref())?;
        }
        Ok(())
    }

    /// Undoes every unsettled local mutation, newest change first, and forgets the records.
    pub(super) fn rewind(&self) -> Result<()> {
        self.rewind_from(i64::MIN)
    }

    /// Undoes the changes recorded from undo record `first` on, newest first, and forgets
    /// those records (the older ones stay).
    pub(super) fn rewind_from(&self, first: i64) -> Result<()> {
        let undo: Vec<(String, String, i64, Option<String>)> = self
            .conn()
            .prepare_cached(
                "SELECT tbl, op, rid, old FROM sync_undo WHERE id >= ?1 ORDER BY id DESC",
            )?
            .query_map([first], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (tbl, op, rid, old) in undo {
            match (op.as_str(), old) {
                ("i", _) => self.put_row(&tbl, rid, None)?,
                ("u" | "d", Some(text)) => {
                    let row: Row = from_json(&text)?;
                    self.put_row(&tbl, rid, Some(&row))?
                }
                _ => return Err(Error::Invalid(format!("malformed undo record for {tbl}"))),
            }
        }
        self.conn()
            .execute("DELETE FROM sync_undo WHERE id >= ?1", [first])?;
        Ok(())
    }

    /// Fills the synced tables with `rows` (table index, rowid, row; grouped by table),
    /// replacing what they held: how a snapshot is installed in one transaction (a repair).
    /// Per-row work is left out of the load and done once at the end: the sync triggers are
    /// dropped meanwhile (undo and effect records are not wanted, and the digests are computed
    /// from the rows once, exactly as a recompute does), and each table's insert is prepared
    /// once. Runs inside the caller's transaction, which a failure rolls back with the triggers.
    pub(super) fn bulk_load<'a>(
        &self,
        rows: impl IntoIterator<Item = (usize, i64, &'a Row)>,
    ) -> Result<()> {
        drop_triggers(self.conn(), SYNCED_TABLES.iter().copied())?;
        let loaded = (|| {
            for table in SYNCED_TABLES.iter().rev() {
                self.conn().execute(&format!("DELETE FROM {table}"), [])?;
            }
            let mut rows = rows.into_iter().peekable();
            while let Some(&(table, _, _)) = rows.peek() {
                let group = std::iter::from_fn(|| {
                    rows.next_if(|(t, _, _)| *t == table)
                        .map(|(_, rowid, row)| (rowid, row))
                });
                self.insert_rows(table, group)?;
            }
            self.compute_digests()
        })();
        let remade = install_capture(self.conn());
        loaded?;
        remade.map(|_| ())
    }

    /// Drops the synced tables' indexes that do not enforce uniqueness, noting each in
    /// `sync_deferred_indexes` (inside the caller's transaction): how a load of many rows
    /// leaves index upkeep to one sorted build per index at the end
    /// ([`Store::build_deferred_index`]). Rows are found by rowid while it runs.
    pub(super) fn defer_indexes(&self) -> Result<()> {
        let tables = serde_json::Value::from(SYNCED_TABLES.to_vec()).to_string();
        let indexes: Vec<(String, String)> = self
            .conn()
            .prepare(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
                   AND tbl_name IN (SELECT value FROM json_each(?1))",
            )?
            .query_map([tables], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, sql) in indexes {
            self.conn().execute(
                "INSERT OR REPLACE INTO sync_deferred_indexes (name, sql) VALUES (?1, ?2)",
                [&name, &sql],
            )?;
            self.conn()
                .execute_batch(&format!("DROP INDEX IF EXISTS \"{name}\""))?;
        }
        Ok(())
    }

    /// Whether indexes are set aside.
    pub(super) fn deferred_indexes_left(&self) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_deferred_indexes)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Builds one index set aside by [`Store::defer_indexes`] (see [`build_deferred_index`]).
    pub(super) fn build_deferred_index(&self) -> Result<bool> {
        build_deferred_index(self.conn())
    }

    /// Empties every synced table with the digest triggers quiet, and sets each table's digest
    /// to that of no rows (inside the caller's transaction): a first load starting again after
    /// hundreds of thousands of rows is not held up hashing each one on its way out.
    pub(super) fn empty_synced_tables(&self) -> Result<()> {
        self.conn()
            .execute_batch("INSERT INTO temp.sync_quiet (x) VALUES (1)")?;
        let emptied = SYNCED_TABLES.iter().rev().try_for_each(|table| {
            self.conn()
                .execute(&format!("DELETE FROM {table}"), [])
                .map(drop)
        });
        self.conn().execute_batch("DELETE FROM temp.sync_quiet")?;
        emptied?;
        self.conn()
            .execute("DELETE FROM sync_digest WHERE tbl NOT LIKE '#%'", [])?;
        Ok(())
    }

    /// Adds rows of a snapshot page (`rows`: in table and rowid order, after any row the
    /// tables hold of the same table) to the synced tables, keeping the digests exact: each
    /// table's rows are written with the digest triggers quiet (`temp.sync_quiet`, inside the
    /// caller's transaction; undo and effect records are off anyway), then hashed once from
    /// what was stored, as a recompute does. How a new seat loads the hub's rows, a part of a page at a
    /// time, each part a short transaction (the caller's).
    pub(super) fn stream_rows(&self, rows: &[Effect]) -> Result<()> {
        let columns = self.sync.columns.borrow();
        let mut start = 0;
        while start < rows.len() {
            let table = synced_table(&rows[start].table)?;
            let end = rows[start..]
                .iter()
                .position(|e| e.table != table)
                .map_or(rows.len(), |n| start + n);
            let group = rows[start..end]
                .iter()
                .map(|e| {
                    e.row
                        .as_ref()
                        .map(|row| (e.rowid, row))
                        .ok_or_else(|| Error::SyncProtocol("a snapshot row without data".into()))
                })
                .collect::<Result<Vec<_>>>()?;
            let (first, last) = (rows[start].rowid, rows[end - 1].rowid);
            let index = SYNCED_TABLES
                .iter()
                .position(|t| *t == table)
                .expect("a synced table");
            self.conn()
                .execute_batch("INSERT INTO temp.sync_quiet (x) VALUES (1)")?;
            let hashed = self
                .insert_rows(index, group)
                .and_then(|()| self.digest_range(table, &columns[table], first, last));
            self.conn().execute_batch("DELETE FROM temp.sync_quiet")?;
            for (key, h) in hashed? {
                self.conn()
                    .prepare_cached(XOR_DIGEST)?
                    .execute(rusqlite::params![key, h])?;
            }
            start = end;
        }
        Ok(())
    }

    /// Inserts rows of synced table number `table` as they are given, with one prepared
    /// statement; a row that does not name every column (from another schema) goes through
    /// [`Store::put_row`], so its missing columns take their defaults.
    fn insert_rows<'a>(
        &self,
        table: usize,
        rows: impl IntoIterator<Item = (i64, &'a Row)>,
    ) -> Result<()> {
        let name = SYNCED_TABLES[table];
        let columns = self.sync.columns.borrow();
        let cols = &columns[name];
        let names: String = cols.iter().map(|c| format!(", \"{c}\"")).collect();
        let marks: String = (2..=cols.len() + 1).map(|i| format!(", ?{i}")).collect();
        let mut stmt = self.conn().prepare_cached(&format!(
            "INSERT INTO {name} (rowid{names}) VALUES (?1{marks})"
        ))?;
        let mut values = Vec::with_capacity(cols.len());
        for (rowid, row) in rows {
            values.clear();
            values.extend(cols.iter().map_while(|c| row.get(c.as_str())));
            if values.len() < cols.len() {
                self.put_row(name, rowid, Some(row))?;
                continue;
            }
            stmt.raw_bind_parameter(1, rowid)?;
            for (i, v) in values.iter().enumerate() {
                bind_json(&mut stmt, i + 2, v)?;
            }
            stmt.raw_execute()?;
        }
        Ok(())
    }

    /// The XOR of the row hashes of `table`'s rows from rowid `first` to `last` per digest key,
    /// as the digest triggers compute them.
    fn digest_range(&self, table: &str, cols: &[String], first: i64, last: i64) -> Result<Xors> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{} WHERE rowid BETWEEN ?1 AND ?2",
            hashed_rows(cols, table)
        ))?;
        let mut rows = stmt.query([first, last])?;
        let mut xors = Xors::new();
        while let Some(r) = rows.next()? {
            let h = row_hash(table, r.get(0)?, text(r.get_ref(1)?)?);
            xor_into(&mut xors, r.get(2)?, h);
        }
        Ok(xors)
    }

    /// Starts recording the rows written (the hub, executing a pushed mutation).
    pub(super) fn begin_effects(&self) -> Result<()> {
        self.conn().execute_batch(
            "DELETE FROM temp.sync_effects; DELETE FROM temp.sync_effects_on;
             INSERT INTO temp.sync_effects_on (x) VALUES (1)",
        )?;
        Ok(())
    }

    /// Stops recording and returns the rows written since [`Store::begin_effects`], in order.
    pub(super) fn take_effects(&self) -> Result<Vec<Effect>> {
        let rows: Vec<(String, i64, Option<String>)> = self
            .conn()
            .prepare_cached("SELECT tbl, rid, row FROM temp.sync_effects ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        self.conn()
            .execute_batch("DELETE FROM temp.sync_effects; DELETE FROM temp.sync_effects_on")?;
        rows.into_iter()
            .map(|(table, rowid, row)| {
                Ok(Effect {
                    table,
                    rowid,
                    row: row.as_deref().map(from_json).transpose()?,
                })
            })
            .collect()
    }

    /// Rows of synced table number `table` after `after_rowid`, at most about `max_bytes` of
    /// them (at least one), as effects; whether more follow; and about how many bytes they take
    /// as JSON (so that a page of several tables stays near its bound). Each row is the JSON object
    /// the triggers would record, made from the columns' values directly.
    /// Of a site table, the rows `holds` selects only (what a seat of one site or a desk holds).
    pub(super) fn rows_after(
        &self,
        table: usize,
        after_rowid: i64,
        max_bytes: usize,
        holds: &Holding,
    ) -> Result<(Vec<Effect>, bool, usize)> {
        let name = SYNCED_TABLES[table];
        let columns = self.sync.columns.borrow();
        let cols = &columns[name];
        let list: String = cols.iter().map(|c| format!(", \"{c}\"")).collect();
        let (only, site) = match holds.sql(2).filter(|_| SITE_TABLES.contains(&name)) {
            Some(sql) => (format!("AND {sql}"), holds.code()),
            None => (String::new(), None),
        };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT rowid{list} FROM {name} WHERE rowid > ?1 {only} ORDER BY rowid LIMIT 2000"
        ))?;
        let mut rows = match site {
            Some(site) => stmt.query(rusqlite::params![after_rowid, site.as_str()])?,
            None => stmt.query([after_rowid])?,
        };
        let (mut out, mut bytes, mut more) = (Vec::new(), 0usize, false);
        while let Some(r) = rows.next()? {
            if bytes >= max_bytes {
                more = true;
                break;
            }
            let mut row = Row::new();
            bytes += name.len() + 24;
            for (i, c) in cols.iter().enumerate() {
                let value = json_value(r.get_ref(i + 1)?)?;
                bytes += c.len() + 4 + json_len(&value);
                row.insert(c.clone(), value);
            }
            out.push(Effect {
                table: name.to_owned(),
                rowid: r.get(0)?,
                row: Some(row),
            });
        }
        if out.len() == 2000 {
            more = true;
        }
        Ok((out, more, bytes))
    }

    /// The XOR of the row hashes (per digest key) of up to `limit` rows of synced table number
    /// `table` after rowid `after`, XORed into `xors`; the number of rows read and the last
    /// rowid read: a part of a recompute.
    pub(super) fn digest_part(
        &self,
        table: usize,
        after: i64,
        limit: usize,
        xors: &mut Xors,
    ) -> Result<(usize, i64)> {
        let name = SYNCED_TABLES[table];
        let mut stmt = self.conn().prepare_cached(&format!(
            "{} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            hashed_rows(&self.sync.columns.borrow()[name], name)
        ))?;
        let mut rows = stmt.query(rusqlite::params![after, limit as i64])?;
        let (mut n, mut last) = (0usize, after);
        while let Some(r) = rows.next()? {
            last = r.get(0)?;
            xor_into(xors, r.get(2)?, row_hash(name, last, text(r.get_ref(1)?)?));
            n += 1;
        }
        Ok((n, last))
    }

    /// The digests kept for `table`'s rows, per digest key (no key for no rows).
    pub(super) fn kept_digests(&self, table: &str) -> Result<Xors> {
        let kept = self
            .conn()
            .prepare_cached(
                "SELECT tbl, d FROM sync_digest
                 WHERE d != 0 AND (tbl = ?1 OR substr(tbl, 1, length(?1) + 1) = ?1 || '@')",
            )?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(kept)
    }

    /// Sets the digests kept for `table`'s rows to `xors` (a recompute found them stale).
    pub(super) fn set_kept_digests(&self, table: &str, xors: &Xors) -> Result<()> {
        self.conn().execute(
            "DELETE FROM sync_digest WHERE tbl = ?1 OR substr(tbl, 1, length(?1) + 1) = ?1 || '@'",
            [table],
        )?;
        for (key, d) in xors {
            self.conn()
                .prepare_cached(XOR_DIGEST)?
                .execute(rusqlite::params![key, d])?;
        }
        Ok(())
    }

    /// Whether two sets of digests describe the same rows.
    pub(super) fn same_digests(a: &Xors, b: &Xors) -> bool {
        without_zeros(a.clone()) == without_zeros(b.clone())
    }

    /// The kept digests, (key, d) in key order, zeros and the columns' hash left out.
    fn digest_rows(&self) -> Result<Vec<(String, i64)>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT tbl, d FROM sync_digest WHERE tbl NOT LIKE '#%' AND d != 0 ORDER BY tbl",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The digest of this store's synced rows as they are now (hex): of every part it holds.
    pub fn sync_digest(&self) -> Result<String> {
        Ok(digest_over(&self.digest_rows()?, |_| true))
    }

    /// The digest of the parts `holds` selects (the city's, and a site's or a desk's), of the
    /// rows this store holds (hex): what the hub tells a seat of one site or of a desk.
    pub fn sync_digest_held(&self, holds: &Holding) -> Result<String> {
        Ok(digest_over(&self.digest_rows()?, |k| held(k, holds)))
    }

    /// The digest of every part, and when `sites` are more than one, the digest of each site's
    /// parts as [`Store::sync_digest_of`] (JSON: site id -> digest), from one read of the kept
    /// digests: what the hub logs with each entry.
    pub(super) fn digests_now(&self, sites: &[Holding]) -> Result<(String, Option<String>)> {
        let rows = self.digest_rows()?;
        let per_site = (sites.len() > 1).then(|| {
            let map: serde_json::Map<String, serde_json::Value> = sites
                .iter()
                .filter_map(|h| {
                    let site = h.code()?;
                    Some((site.to_string(), digest_over(&rows, |k| held(k, h)).into()))
                })
                .collect();
            serde_json::Value::Object(map).to_string()
        });
        Ok((digest_over(&rows, |_| true), per_site))
    }

    /// Recomputes every table's digest from its rows. Returns whether the kept digests were
    /// stale (rows changed without the triggers: another program, or a schema change).
    pub fn recompute_sync_digest(&self) -> Result<bool> {
        let columns = self.sync.columns.borrow();
        if columns.is_empty() {
            return Ok(false);
        }
        drop(columns);
        let before = self.sync_digest()?;
        let tx = rusqlite::Transaction::new_unchecked(
            self.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        self.compute_digests()?;
        tx.commit()?;
        Ok(self.sync_digest()? != before)
    }

    /// Sets every table's digest from its rows (inside the caller's transaction).
    fn compute_digests(&self) -> Result<()> {
        let columns = self.sync.columns.borrow();
        self.conn().execute("DELETE FROM sync_digest", [])?;
        for table in SYNCED_TABLES {
            let mut xors = Xors::new();
            let mut stmt = self.conn().prepare(&hashed_rows(&columns[table], table))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let h = row_hash(table, r.get(0)?, text(r.get_ref(1)?)?);
                xor_into(&mut xors, r.get(2)?, h);
            }
            self.set_kept_digests(table, &xors)?;
        }
        self.conn().execute(
            "INSERT INTO sync_digest (tbl, d) VALUES (?1, ?2)",
            rusqlite::params![COLUMNS_KEY, columns_hash(&columns)],
        )?;
        Ok(())
    }

    /// At open: recomputes the digests when they were never computed or the columns changed.
    pub(crate) fn ensure_sync_digest(&self) -> Result<()> {
        let columns = self.sync.columns.borrow();
        if columns.is_empty() {
            return Ok(());
        }
        let kept: Option<i64> = self
            .conn()
            .query_row(
                "SELECT d FROM sync_digest WHERE tbl = ?1",
                [COLUMNS_KEY],
                |r| r.get(0),
            )
            .optional()?;
        let hash = columns_hash(&columns);
        drop(columns);
        if kept != Some(hash) {
            tracing::info!("computing the synced tables' digests (new store or new schema)");
            self.recompute_sync_digest()?;
        }
        Ok(())
    }
}
