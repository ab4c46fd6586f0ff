//! The final check of a wipe: personal values sampled from the store before the erase are
//! searched for, byte by byte, in every file left under the places the app writes and the
//! temp folder. The samples live only in memory and are wiped on drop.
use std::{
    fs,
    io::BufReader,
    path::{Path, PathBuf},
};

use aho_corasick::AhoCorasick;
use zeroize::Zeroizing;

use crate::{Result, Store};

/// At most this many people are sampled (the newest), so a large store's scan stays quick.
const MAX_PEOPLE: i64 = 20_000;
/// Files larger than this are not the app's and are skipped.
const MAX_FILE: u64 = 1 << 30;
/// How deep the scan goes below each root.
const MAX_DEPTH: usize = 8;

/// Personal values to look for.
pub(crate) struct Samples(Vec<Zeroizing<String>>);

impl Samples {
    /// Names (kanji and kana, two characters or more) and phone numbers (8 digits or more) of
    /// the newest people in the store.
    pub(crate) fn from_store(store: &Store) -> Result<Samples> {
        let mut stmt = store.conn().prepare(
            "SELECT name_kanji, name_kana, phone FROM applicants ORDER BY created_at DESC LIMIT ?1",
        )?;
        let mut rows = stmt.query([MAX_PEOPLE])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            for i in 0..3 {
                let value: Option<String> = row.get(i)?;
                let value = Zeroizing::new(value.unwrap_or_default());
                let long_enough = if i == 2 {
                    value.chars().filter(char::is_ascii_digit).count() >= 8
                } else {
                    value.trim().chars().count() >= 2
                };
                if long_enough {
                    out.push(Zeroizing::new(value.trim().to_owned()));
                }
            }
        }
        out.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        out.dedup_by(|a, b| a.as_str() == b.as_str());
        Ok(Samples(out))
    }

    /// How many values.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// What the scan looked at and found (paths only).
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub files: u64,
    pub bytes: u64,
    pub skipped: u64,
    pub hits: Vec<PathBuf>,
}

/// Scans every regular file under `roots` (links not followed).
pub(crate) fn scan(roots: &[PathBuf], samples: &Samples) -> Found {
    let mut found = Found::default();
    if samples.0.is_empty() {
        return found;
    }
    let Ok(matcher) = AhoCorasick::new(samples.0.iter().map(|s| s.as_bytes())) else {
        found.skipped += 1;
        return found;
    };
    for root in roots {
        walk(root, 0, &matcher, &mut found);
    }
    found.hits.sort();
    found.hits.dedup();
    found
}

fn walk(path: &Path, depth: usize, matcher: &AhoCorasick, found: &mut Found) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return;
        }
        match fs::read_dir(path) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    walk(&entry.path(), depth + 1, matcher, found);
                }
            }
            Err(_) => found.skipped += 1,
        }
    } else if meta.is_file() {
        if meta.len() > MAX_FILE {
            found.skipped += 1;
            return;
        }
        let Ok(file) = fs::File::open(path) else {
            found.skipped += 1;
            return;
        };
        found.files += 1;
        found.bytes += meta.len();
        match matcher.stream_find_iter(BufReader::new(file)).next() {
            Some(Ok(_)) => found.hits.push(path.to_owned()),
            Some(Err(_)) => found.skipped += 1,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_value_across_a_buffer_boundary_and_reports_only_the_path() {
        let tmp = tempfile::tempdir().unwrap();
        let mut bytes = vec![b'x'; (64 << 10) - 3];
        bytes.extend_from_slice("試験花子".as_bytes());
        fs::create_dir_all(tmp.path().join("d")).unwrap();
        fs::write(tmp.path().join("d/hit.bin"), &bytes).unwrap();
        fs::write(tmp.path().join("clean.bin"), b"nothing here").unwrap();
        let samples = Samples(vec![Zeroizing::new("試験花子".into())]);
        let found = scan(&[tmp.path().to_owned()], &samples);
        assert_eq!(found.files, 2);
        assert_eq!(found.hits, vec![tmp.path().join("d/hit.bin")]);
    }
}
