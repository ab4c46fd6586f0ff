//! Forward-only schema migrations, embedded from `migrations/*.sql` at build time.
//!
//! Each migration runs in its own `IMMEDIATE` transaction together with the row that records
//! it, so a crash leaves the schema at a whole version, and two processes opening the same
//! store at once cannot apply one twice. A store whose recorded version is newer than this
//! build knows is refused before anything is written.
use chrono::Utc;
use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// One embedded migration.
#[derive(Debug)]
pub struct Migration {
    /// 1, 2, 3… (the `NNNN` of the file name).
    pub version: u32,
    /// The rest of the file name.
    pub name: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// All migrations of this build, in order.
pub const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build creates and understands.
pub fn known_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT";

/// The highest version recorded in the store (0 for an empty database).
pub(crate) fn current_version(conn: &Connection) -> Result<u32> {
    let has_ledger: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |row| row.get(0),
    )?;
    if !has_ledger {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?)
}

/// Applies every migration the store does not have yet; returns how many were applied.
pub(crate) fn migrate(conn: &mut Connection) -> Result<usize> {
    refuse_newer(current_version(conn)?)?;
    let mut applied = 0;
    for migration in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(LEDGER)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        let current = current_version(&tx)?;
        refuse_newer(current)?;
        if migration.version <= current {
            continue;
        }
        tx.execute_batch(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (migration.version, migration.name, Utc::now().to_rfc3339()),
        )?;
        tx.commit()?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
        applied += 1;
    }
    Ok(applied)
}

fn refuse_newer(found: u32) -> Result<()> {
    let known = known_version();
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_migrations_are_numbered_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            assert!(!m.sql.trim().is_empty());
        }
        assert!(known_version() >= 1);
    }

    /// Deleting a row makes SQLite look for the rows that reference it: a reference with no
    /// index on its column means a scan of the whole referencing table for every deleted row
    /// (a seat rewinding its pending bookings deleted each with a scan of every reservation,
    /// migration 0019). Every reference needs an index, except those to the plan's few rows;
    /// each column of a reference of several columns at its place in the index.
    #[test]
    fn every_reference_has_an_index_to_find_the_rows_that_point_at_a_deleted_row() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        // (table, column): the rows they point at are a handful, deleted rarely if ever.
        const SMALL: &[(&str, &str)] = &[("slot_bands", "kind"), ("staff_sites", "site_id")];
        let missing: Vec<String> = conn
            .prepare(
                "SELECT t.name, f.\"from\", f.\"table\"
                 FROM sqlite_master t, pragma_foreign_key_list(t.name) f
                 WHERE t.type = 'table'
                   AND NOT EXISTS (
                     SELECT 1 FROM pragma_index_list(t.name) i, pragma_index_info(i.name) c
                     WHERE c.seqno = f.seq AND c.name = f.\"from\")
                   AND NOT EXISTS (
                     SELECT 1 FROM pragma_table_info(t.name) p
                     WHERE p.pk = f.seq + 1 AND p.name = f.\"from\")",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .filter(|(t, c, _)| !SMALL.contains(&(t.as_str(), c.as_str())))
            .map(|(t, c, p)| format!("{t}.{c} -> {p}"))
            .collect();
        assert!(missing.is_empty(), "references with no index: {missing:?}");
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_newer_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(migrate(&mut conn).unwrap(), 0);
        assert_eq!(current_version(&conn).unwrap(), known_version());
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?1, 'future', 'x')",
            [known_version() + 1],
        )
        .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(Error::SchemaTooNew { .. })
        ));
    }
}
