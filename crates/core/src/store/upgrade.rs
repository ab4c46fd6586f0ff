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
    // One copy per schema: an upgrade that fails and is tried again (a service restarting)
    // must not fill the disk with copies of the same store.
    let prefix = format!("store-schema{from:04}-");
    let kept = fs::read_dir(&backups)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".db")
        });
    if kept {
        tracing::info!(
            from,
            to,
            "an encrypted copy of this schema's store is already kept"
        );
        return Ok(None);
    }
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
    let copied = fs::copy(dir.database(), &tmp)
        .and_then(|_| fs::File::open(&tmp)?.sync_all())
        .and_then(|()| fs::rename(&tmp, &path));
    if let Err(e) = copied {
        // Nothing half-written is left behind (it is encrypted, but it is not a store either).
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(format!(
            "keeping a copy in {}",
            backups.display()
        ))(e));
    }
    files::sync_dir(&backups);
    tracing::info!(from, to, file = %name, "kept an encrypted copy of the store before upgrading it");
    Ok(Some(UpgradeBackup { path, from, to }))
}
