//! Durable file operations shared by the key file, the wipe journal and the certificates.
use std::{fs, io::Write, path::Path};

use crate::{Error, Result};

/// Writes `bytes` to `tmp` (owner-only), syncs it, renames it over `path` and syncs the
/// directory: a crash leaves the old file or the new one, never a torn one.
pub(crate) fn write_atomically(path: &Path, tmp: &Path, bytes: &[u8]) -> Result<()> {
    let ctx = |what: &str| format!("{what} {}", tmp.display());
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600); // owner only, like the directory
    let mut file = options.open(tmp).map_err(Error::io(ctx("creating")))?;
    file.write_all(bytes).map_err(Error::io(ctx("writing")))?;
    file.sync_all().map_err(Error::io(ctx("syncing")))?;
    drop(file);
    fs::rename(tmp, path).map_err(Error::io(format!("replacing {}", path.display())))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Persists renames and deletions in `dir` (best effort: not every platform can open a
/// directory for syncing).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
