//! Overwrite-then-delete. One pass of random data is NIST SP 800-88's Clear for magnetic
//! disks; on SSDs it is best effort (the controller may keep old blocks), which is why the
//! cryptographic erase comes first. Symbolic links are removed, never followed.
use std::{
    fs::{self, OpenOptions},
    io::{self, Write},
    path::Path,
};

use rand::RngCore;

use crate::{Error, Result};

const CHUNK: usize = 1 << 20;

/// Overwrites a regular file in place with random bytes and syncs it. A missing file is fine.
pub(crate) fn overwrite(path: &Path) -> Result<u64> {
    overwrite_reporting(path, &mut |_| {})
}

fn overwrite_reporting(path: &Path, on_bytes: &mut dyn FnMut(u64)) -> Result<u64> {
    let ctx = |what: &str| format!("{what} {}", path.display());
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(Error::Io {
                context: ctx("reading"),
                source: e,
            })
        }
    };
    if !meta.is_file() {
        return Ok(0);
    }
    if meta.permissions().readonly() {
        let mut perms = meta.permissions();
        #[allow(clippy::permissions_set_readonly_false)] // owner-only data directory
        perms.set_readonly(false);
        fs::set_permissions(path, perms).map_err(Error::io(ctx("unlocking")))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(Error::io(ctx("opening")))?;
    let mut left = meta.len();
    let mut buf = vec![0u8; CHUNK];
    let mut rng = rand::thread_rng();
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        rng.fill_bytes(&mut buf[..n]);
        file.write_all(&buf[..n])
            .map_err(Error::io(ctx("overwriting")))?;
        left -= n as u64;
        on_bytes(n as u64);
    }
    file.sync_all().map_err(Error::io(ctx("syncing")))?;
    Ok(meta.len())
}

/// Removes `path`, a file or a directory tree, overwriting every regular file first;
/// `on_bytes` hears of every chunk overwritten. A missing path is fine (a re-run).
pub(crate) fn remove(path: &Path, on_bytes: &mut dyn FnMut(u64)) -> Result<()> {
    let ctx = |what: &str, p: &Path| format!("{what} {}", p.display());
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::Io {
                context: ctx("reading", path),
                source: e,
            })
        }
    };
    if meta.is_dir() {
        let entries = fs::read_dir(path).map_err(Error::io(ctx("listing", path)))?;
        for entry in entries {
            let entry = entry.map_err(Error::io(ctx("listing", path)))?;
            remove(&entry.path(), on_bytes)?;
        }
        fs::remove_dir(path).map_err(Error::io(ctx("removing", path)))?;
    } else {
        overwrite_reporting(path, on_bytes)?;
        fs::remove_file(path).map_err(Error::io(ctx("removing", path)))?;
    }
    if let Some(parent) = path.parent() {
        crate::files::sync_dir(parent);
    }
    Ok(())
}

/// Bytes and files under `path` (not following links).
pub(crate) fn measure(path: &Path) -> (u64, u32) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return (0, 0);
    };
    if !meta.is_dir() {
        return (meta.len(), 1);
    }
    fs::read_dir(path)
        .map(|entries| {
            entries.flatten().fold((0, 0), |(b, f), e| {
                let (eb, ef) = measure(&e.path());
                (b + eb, f + ef)
            })
        })
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_overwrites_files_and_drops_links_without_following_them() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside.txt");
        fs::write(&outside, b"keep me").unwrap();
        let tree = tmp.path().join("tree");
        fs::create_dir_all(tree.join("a/b")).unwrap();
        fs::write(tree.join("a/b/c"), vec![7u8; 3 * CHUNK + 5]).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, tree.join("a/link")).unwrap();
        let mut seen = 0;
        remove(&tree, &mut |n| seen += n).unwrap();
        assert!(!tree.exists());
        assert_eq!(seen, 3 * CHUNK as u64 + 5);
        assert_eq!(fs::read(&outside).unwrap(), b"keep me");
        // Again: nothing to do, no error.
        remove(&tree, &mut |_| {}).unwrap();
    }

    #[test]
    fn overwrite_replaces_every_byte_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        fs::write(&file, vec![0x41u8; 4096]).unwrap();
        assert_eq!(overwrite(&file).unwrap(), 4096);
        let after = fs::read(&file).unwrap();
        assert_eq!(after.len(), 4096);
        assert!(after.windows(16).all(|w| w != [0x41u8; 16]));
    }
}
