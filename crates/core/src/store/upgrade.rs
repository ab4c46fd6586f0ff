//! Upgrades: before a newer version's migrations change a store written by an older one, an
//! encrypted copy of it is kept in the data directory's `backups/` folder (the same SQLCipher
//! pages, readable only with this store's key; the wipe removes the folder with the rest). A
//! store written by a newer version is refused before anything is written (`schema_too_new`,
//! `migrate`): a program never downgrades a store.
use std::{fs, path::PathBuf};

use chrono::Utc;
use rusqlite::Connection;

use super::migrate;
use crate::{files, DataDir, Error, Result};

/// What an upgrade kept before migrating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeBackup {
    /// The copy.
    pub path: PathBuf,
    /// The schema it holds.
    pub from: u32,
    /// The schema the store was brought to.
    pub to: u32,
}

/// Copies the store's database into `backups/store-schemaNNNN-<UTC time>.db` when this build is
/// about to migrate it from an older schema; nothing for a current store or a new one.
pub(super) fn backup_before_migrating(
    dir: &DataDir,
    conn: &Connection,
) -> Result<Option<UpgradeBackup>> {
    let (from, to) = (migrate::current_version(conn)?, migrate::known_version());
    if from == 0 || from >= to {
        return Ok(None);
    }
    // Everything committed goes into the main file first, so the copy is the whole store as the
    // older version left it. Another program holding the store open would keep the WAL busy.
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(Error::NotAllowed(
            "the store is open in another program: close it, then unlock again to upgrade".into(),
        ));
    }
    let backups = dir.backups_dir();
    fs::create_dir_all(&backups).map_err(Error::io(format!("creating {}", backups.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(&backups, fs::Permissions::from_mode(0o700));
    }
    let name = format!(
        "store-schema{from:04}-{}.db",
        Utc::now().format("%Y%m%dT%H%M%SZ")
    );
    let (path, tmp) = (backups.join(&name), backups.join(format!("{name}.tmp")));
    fs::copy(dir.database(), &tmp).map_err(Error::io(format!("copying to {}", tmp.display())))?;
    fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(Error::io(format!("syncing {}", tmp.display())))?;
    fs::rename(&tmp, &path).map_err(Error::io(format!("naming {}", path.display())))?;
    files::sync_dir(&backups);
    tracing::info!(from, to, file = %name, "kept an encrypted copy of the store before upgrading it");
    Ok(Some(UpgradeBackup { path, from, to }))
}
