//! Helpers shared by the report crate's integration tests: a test store, reading a paper back
//! with `pdftotext` (poppler-utils), and looking for words in a file's bytes.
#![allow(dead_code)]
use std::{path::Path, process::Command, sync::Arc};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::{DataDir, KdfCost, NewStore, Passphrase, Store};

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A new store in `dir` for the site `site_name`, seat 窓口1, whose clock stands still at
/// `now`, acting as the site administrator.
pub fn store_at(dir: &Path, site_name: &str, now: NaiveDateTime) -> Store {
    Store::create(
        &DataDir::at(dir),
        &Passphrase::new("test passphrase".into()),
        &NewStore {
            site_name: site_name.into(),
            seat_name: "窓口1".into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .unwrap()
    .with_clock(Arc::new(move || now))
    .act_as_site("tests")
}

/// Whether the poppler-utils programs `tools` are installed (CI installs them; see
/// scripts/lib.sh); if not, a note says the PDF checks are skipped.
pub fn poppler(tools: &[&str]) -> bool {
    let found = tools
        .iter()
        .all(|tool| Command::new(tool).arg("-v").output().is_ok());
    if !found {
        eprintln!(
            "note: {} not found (poppler-utils): the PDF checks are skipped",
            tools.join("/")
        );
    }
    found
}

/// The text of `pdf` as `pdftotext` reads it (keeping the page's layout when `layout`).
pub fn pdftotext(pdf: &Path, layout: bool) -> String {
    let mut command = Command::new("pdftotext");
    if layout {
        command.arg("-layout");
    }
    let out = command.arg(pdf).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of `pdf` read back with `pdftotext -layout`, or `None` (with a note) when
/// poppler-utils is not installed.
pub fn read_back(pdf: &Path) -> Option<String> {
    poppler(&["pdftotext"]).then(|| pdftotext(pdf, true))
}

/// `s` with every whitespace character taken out.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

pub fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
}

pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Asserts that none of `words` is in `bytes` (the file `what`), in any encoding a PDF writer
/// might use for text: UTF-8, UTF-16LE or UTF-16BE.
pub fn assert_none_in_bytes(bytes: &[u8], words: &[&str], what: &str) {
    for word in words {
        for needle in [word.as_bytes().to_vec(), utf16le(word), utf16be(word)] {
            assert!(
                !contains_bytes(bytes, &needle),
                "{word} is in the bytes of {what}"
            );
        }
    }
}
