//! The final check of a wipe: personal values sampled from the store before the erase are
//! searched for, byte by byte, in every file left under the places the app writes. The samples
//! live only in memory and are wiped on drop; the result names paths and counts, never a value.
//!
//! What is sampled: names (kanji) and their readings (kana), phone numbers (the digits and the
//! usual hyphenations), birth dates (ISO, slashes, 年月日) and the free-text fields (notes,
//! reasons, inquiries, complaint steps, lending notes). Each form is searched as UTF-8 and as
//! UTF-16LE, the encoding WebKit and Chromium use for localStorage, IndexedDB and page caches.
//!
//! The scan only passes when it ran: no samples, a matcher that cannot be built, or a file or
//! folder it could not read (or chose not to: too large, too deep) make the check "not run" or
//! "failed", never "passed" (see `wipe::Wipe::verify`).
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
/// At most this many values of each free-text field (the newest rows).
const MAX_FREE_TEXT: i64 = 5_000;
/// Free text shorter than this (in characters) is not sampled: 「済」 or 「なし」 would match
/// anything. Names and readings need two characters, phone numbers eight digits.
const MIN_FREE_TEXT: usize = 4;
/// Files larger than this are not read (and make the scan fail: nothing the app writes is this
/// large after a wipe).
const MAX_FILE: u64 = 1 << 30;
/// How deep the scan goes below each root (deeper folders make the scan fail).
const MAX_DEPTH: usize = 16;

/// The free-text columns sampled: (table, column). A column the schema does not have (yet, or
/// any more) is skipped; the certificate counts what was actually sampled.
const FREE_TEXT: &[(&str, &str)] = &[
    ("reservations", "notes"),
    ("checklist_outcomes", "reason"),
    ("visits", "end_reason"),
    ("form_counts", "note"),
    ("inquiries", "summary"),
    ("inquiries", "outcome"),
    ("complaint_steps", "note"),
    ("lent_materials", "note"),
    ("closures", "note"),
    ("holiday_sessions", "note"),
    ("incident_texts", "text"),
    ("training_sessions", "title"),
    ("training_sessions", "material"),
    ("staff_details", "experience"),
    ("work_log_notes", "words"),
    ("improvement_notices", "summary"),
    ("improvement_steps", "note"),
];

/// What kind of personal value a sample is (for the counts on the certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SampleKind {
    /// 氏名.
    Name,
    /// フリガナ.
    Kana,
    /// 電話番号 (searched bare and hyphenated).
    Phone,
    /// 生年月日.
    BirthDate,
    /// 自由記述 (notes, reasons, inquiries…).
    FreeText,
}

impl SampleKind {
    /// The kind in Japanese, for the certificate.
    pub(crate) fn label(self) -> &'static str {
        match self {
            SampleKind::Name => "氏名",
            SampleKind::Kana => "フリガナ",
            SampleKind::Phone => "電話番号（数字のみ・ハイフン付き）",
            SampleKind::BirthDate => "生年月日（2026-01-02・2026/01/02・2026年1月2日の各形式）",
            SampleKind::FreeText => "自由記述（備考・理由・問合せ・苦情対応・貸出の記録）",
        }
    }

    const ALL: [SampleKind; 5] = [
        SampleKind::Name,
        SampleKind::Kana,
        SampleKind::Phone,
        SampleKind::BirthDate,
        SampleKind::FreeText,
    ];
}

/// One personal value and the forms it is searched in.
struct Sample {
    kind: SampleKind,
    forms: Vec<Zeroizing<String>>,
}

/// Personal values to look for.
pub(crate) struct Samples(Vec<Sample>);

impl Samples {
    /// The newest people's names, readings, phone numbers and birth dates, and the newest
    /// free-text values, from `store`.
    pub(crate) fn from_store(store: &Store) -> Result<Samples> {
        let mut samples = Samples(Vec::new());
        let mut stmt = store.conn().prepare(
            "SELECT name_kanji, name_kana, phone, birth_date FROM applicants
             ORDER BY created_at DESC LIMIT ?1",
        )?;
        let mut rows = stmt.query([MAX_PEOPLE])?;
        while let Some(row) = rows.next()? {
            let kinds = [
                SampleKind::Name,
                SampleKind::Kana,
                SampleKind::Phone,
                SampleKind::BirthDate,
            ];
            for (i, kind) in kinds.into_iter().enumerate() {
                let value: Option<String> = row.get(i)?;
                samples.add(kind, &Zeroizing::new(value.unwrap_or_default()));
            }
        }
        for (table, column) in FREE_TEXT {
            if !has_column(store, table, column)? {
                continue;
            }
            let mut stmt = store.conn().prepare(&format!(
                "SELECT {column} FROM {table} WHERE length({column}) >= ?1 ORDER BY rowid DESC LIMIT ?2"
            ))?;
            let mut rows = stmt.query(rusqlite::params![MIN_FREE_TEXT as i64, MAX_FREE_TEXT])?;
            while let Some(row) = rows.next()? {
                let value: Option<String> = row.get(0)?;
                samples.add(
                    SampleKind::FreeText,
                    &Zeroizing::new(value.unwrap_or_default()),
                );
            }
        }
        samples
            .0
            .sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| forms(a).cmp(&forms(b))));
        samples
            .0
            .dedup_by(|a, b| a.kind == b.kind && a.forms == b.forms);
        Ok(samples)
    }

    /// Adds `value` in the forms it may have been written in, if it is long enough to search
    /// for without matching everything.
    fn add(&mut self, kind: SampleKind, value: &str) {
        let value = value.trim();
        let mut forms: Vec<Zeroizing<String>> = Vec::new();
        match kind {
            SampleKind::Name | SampleKind::Kana => {
                if value.chars().count() >= 2 {
                    forms.push(Zeroizing::new(value.to_owned()));
                    let joined: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    if joined != value && joined.chars().count() >= 2 {
                        forms.push(Zeroizing::new(joined));
                    }
                }
            }
            SampleKind::Phone => {
                let digits = Zeroizing::new(
                    crate::text::phone_digits(value)
                        .unwrap_or_else(|| value.chars().filter(char::is_ascii_digit).collect()),
                );
                if digits.len() >= 8 {
                    forms.extend(phone_forms(&digits));
                    if value != digits.as_str() {
                        forms.push(Zeroizing::new(value.to_owned()));
                    }
                }
            }
            SampleKind::BirthDate => forms.extend(date_forms(value)),
            SampleKind::FreeText => {
                if value.chars().count() >= MIN_FREE_TEXT {
                    forms.push(Zeroizing::new(value.to_owned()));
                }
            }
        }
        forms.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        forms.dedup_by(|a, b| a.as_str() == b.as_str());
        if !forms.is_empty() {
            self.0.push(Sample { kind, forms });
        }
    }

    /// How many values.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// How many values of each kind (kinds with none are listed with 0).
    pub(crate) fn counts(&self) -> Vec<(SampleKind, usize)> {
        SampleKind::ALL
            .iter()
            .map(|k| (*k, self.0.iter().filter(|s| s.kind == *k).count()))
            .collect()
    }

    /// Every form of every value, as UTF-8 and as UTF-16LE bytes.
    fn patterns(&self) -> Vec<Zeroizing<Vec<u8>>> {
        let mut out = Vec::new();
        for sample in &self.0 {
            for form in &sample.forms {
                out.push(Zeroizing::new(form.as_bytes().to_vec()));
                out.push(Zeroizing::new(
                    form.encode_utf16()
                        .flat_map(u16::to_le_bytes)
                        .collect::<Vec<u8>>(),
                ));
            }
        }
        out
    }

    #[cfg(test)]
    pub(crate) fn of(values: &[(SampleKind, &str)]) -> Samples {
        let mut samples = Samples(Vec::new());
        for (kind, value) in values {
            samples.add(*kind, value);
        }
        samples
    }
}

fn forms(sample: &Sample) -> Vec<&str> {
    sample.forms.iter().map(|f| f.as_str()).collect()
}

fn has_column(store: &Store, table: &str, column: &str) -> Result<bool> {
    let n: i64 = store.conn().query_row(
        "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
        [table, column],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// A phone number's digits and its usual hyphenations: 3-4-4 for 11 digits (mobile, 050), and
/// for 10 digits every area-code length (03-1234-5678 … 01234-5-6789).
fn phone_forms(digits: &str) -> Vec<Zeroizing<String>> {
    let mut forms = vec![Zeroizing::new(digits.to_owned())];
    let splits: &[(usize, usize)] = match digits.len() {
        11 => &[(3, 7)],
        10 => &[(2, 6), (3, 6), (4, 6), (5, 6)],
        _ => &[],
    };
    for (a, b) in splits {
        forms.push(Zeroizing::new(format!(
            "{}-{}-{}",
            &digits[..*a],
            &digits[*a..*b],
            &digits[*b..]
        )));
    }
    forms
}

/// A birth date (stored as YYYY-MM-DD) as it may be written: ISO, slashes, and 年月日 with and
/// without leading zeros. Anything else stored is searched as it is, if long enough.
fn date_forms(value: &str) -> Vec<Zeroizing<String>> {
    match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            let (y, m, day) = (d.year(), d.month(), d.day());
            vec![
                Zeroizing::new(format!("{y:04}-{m:02}-{day:02}")),
                Zeroizing::new(format!("{y:04}/{m:02}/{day:02}")),
                Zeroizing::new(format!("{y}年{m}月{day}日")),
                Zeroizing::new(format!("{y}年{m:02}月{day:02}日")),
            ]
        }
        Err(_) if value.chars().count() >= 8 => vec![Zeroizing::new(value.to_owned())],
        Err(_) => Vec::new(),
    }
}

/// What the scan looked at and found (paths and counts only).
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Files read to the end.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Files and folders that could not be read, or were not (too large, too deep).
    pub unread: Vec<PathBuf>,
    /// Files holding a sampled value.
    pub hits: Vec<PathBuf>,
    /// The matcher could not be built (the scan did not run).
    pub matcher_error: Option<String>,
}

/// Scans every regular file under `roots` (links not followed; a root that does not exist is
/// fine: it was removed).
pub(crate) fn scan(roots: &[PathBuf], samples: &Samples) -> Found {
    let mut found = Found::default();
    if samples.0.is_empty() {
        return found;
    }
    let patterns = samples.patterns();
    let matcher = match AhoCorasick::new(patterns.iter().map(|p| p.as_slice())) {
        Ok(m) => m,
        Err(e) => {
            found.matcher_error = Some(e.to_string());
            return found;
        }
    };
    for root in roots {
        walk(root, 0, &matcher, &mut found);
    }
    found.hits.sort();
    found.hits.dedup();
    found.unread.sort();
    found.unread.dedup();
    found
}

fn walk(path: &Path, depth: usize, matcher: &AhoCorasick, found: &mut Found) {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(_) => return found.unread.push(path.to_owned()),
    };
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return found.unread.push(path.to_owned());
        }
        match fs::read_dir(path) {
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        Ok(entry) => walk(&entry.path(), depth + 1, matcher, found),
                        Err(_) => found.unread.push(path.to_owned()),
                    }
                }
            }
            Err(_) => found.unread.push(path.to_owned()),
        }
    } else if meta.is_file() {
        if meta.len() > MAX_FILE {
            return found.unread.push(path.to_owned());
        }
        let Ok(file) = fs::File::open(path) else {
            return found.unread.push(path.to_owned());
        };
        // The first match is enough; a read error part-way means the file was not read.
        let hit = match matcher.stream_find_iter(BufReader::new(file)).next() {
            Some(Ok(_)) => true,
            Some(Err(_)) => return found.unread.push(path.to_owned()),
            None => false,
        };
        found.files += 1;
        found.bytes += meta.len();
        if hit {
            found.hits.push(path.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn finds_a_value_across_a_buffer_boundary_and_reports_only_the_path() {
        let tmp = tempfile::tempdir().unwrap();
        let mut bytes = vec![b'x'; (64 << 10) - 3];
        bytes.extend_from_slice("試験花子".as_bytes());
        fs::create_dir_all(tmp.path().join("d")).unwrap();
        fs::write(tmp.path().join("d/hit.bin"), &bytes).unwrap();
        fs::write(tmp.path().join("clean.bin"), b"nothing here").unwrap();
        let samples = Samples::of(&[(SampleKind::Name, "試験花子")]);
        let found = scan(&[tmp.path().to_owned()], &samples);
        assert_eq!(found.files, 2);
        assert_eq!(found.hits, vec![tmp.path().join("d/hit.bin")]);
        assert!(found.unread.is_empty() && found.matcher_error.is_none());
    }

    #[test]
    fn finds_every_kind_in_utf16le_as_webkit_stores_it() {
        let cases = [
            (SampleKind::Name, "籠鳥 試験", "籠鳥試験"),
            (SampleKind::Kana, "カゴトリ シケン", "カゴトリ シケン"),
            (SampleKind::Phone, "09012345678", "090-1234-5678"),
            (SampleKind::Phone, "０３-１２３４-５６７８", "0312345678"),
            (SampleKind::Phone, "0451234567", "045-123-4567"),
            (SampleKind::BirthDate, "1961-04-01", "1961年4月1日"),
            (SampleKind::BirthDate, "1961-04-01", "1961/04/01"),
            (SampleKind::FreeText, "籠鳥メモ一二三", "籠鳥メモ一二三"),
        ];
        for (kind, stored, written) in cases {
            let tmp = tempfile::tempdir().unwrap();
            let webview = tmp.path().join("localstorage");
            fs::create_dir_all(&webview).unwrap();
            let mut bytes = b"SQLite format 3\0".to_vec();
            bytes.extend(utf16le(&format!("{{\"draft\":\"{written}\"}}")));
            fs::write(webview.join("http_localhost_0.localstorage"), bytes).unwrap();
            let found = scan(&[tmp.path().to_owned()], &Samples::of(&[(kind, stored)]));
            assert_eq!(
                found.hits.len(),
                1,
                "{kind:?} stored as {stored} written as {written}"
            );
        }
    }

    #[test]
    fn short_values_are_not_sampled() {
        let samples = Samples::of(&[
            (SampleKind::Name, "林"),
            (SampleKind::Phone, "110"),
            (SampleKind::BirthDate, ""),
            (SampleKind::FreeText, "なし"),
        ]);
        assert_eq!(samples.len(), 0);
        let found = scan(&[PathBuf::from("/")], &samples);
        assert_eq!(
            (found.files, found.hits.len()),
            (0, 0),
            "no samples: nothing is read"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_folder_is_reported_not_skipped() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let locked = tmp.path().join("locked");
        fs::create_dir_all(&locked).unwrap();
        fs::write(locked.join("f"), b"x").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(&locked).is_ok(); // root reads it all the same
        let found = scan(
            &[tmp.path().to_owned()],
            &Samples::of(&[(SampleKind::Name, "籠鳥試験")]),
        );
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o700)).unwrap();
        if !readable {
            assert_eq!(found.unread, vec![locked]);
        }
        let deep = (0..MAX_DEPTH + 1).fold(tmp.path().join("deep"), |p, i| p.join(i.to_string()));
        fs::create_dir_all(&deep).unwrap();
        let found = scan(
            &[tmp.path().join("deep")],
            &Samples::of(&[(SampleKind::Name, "籠鳥試験")]),
        );
        assert_eq!(found.unread.len(), 1, "too deep is not read, and says so");
    }
}
