//! The reservation slip (予約票) as the counter prints it, read back with tools nobody here
//! wrote: `pdftotext` must find the title, the day, the time, the site, the number and every
//! item of the bring-list, and none of the booking's personal data (kanji or kana name, phone,
//! birth date); `pdftoppm` renders the page and `rqrr` must read the QR code back as the
//! reservation number's eight digits. A6 and A4; both land in test-output/slip/ (PDF and PNG)
//! for people to look at. Without poppler-utils the PDF checks are
//! skipped with a note (the slip is still made and saved).
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
};

use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Channel, PhoneIntake, Procedure},
    site::{SiteId, SiteKind},
    store::{NewApplicant, ReservationSummary},
    Personal, Store,
};
use madoguchi_report::{save_slip, slip, SlipSize};

mod common;
use common::{squeeze, store_at};

/// What must never be on the slip: each person's kanji name, kana name, phone (both
/// notations) and birth date.
const PERSONAL: [&str; 10] = [
    "金糸雀",
    "籠目",
    "カナリア",
    "カゴメ",
    "090-5555-0101",
    "09055550101",
    "080-5555-0202",
    "08055550202",
    "1961-02-03",
    "2019-08-07",
];

fn store(dir: &Path) -> Store {
    store_at(
        dir,
        "テスト市 マイナンバーカード窓口",
        common::d("2026-12-01").and_hms_opt(8, 30, 0).unwrap(),
    )
}

fn applicant(kanji: &str, kana: &str, phone: &str, born: &str) -> NewApplicant {
    NewApplicant {
        name_kanji: Personal::new(kanji),
        name_kana: Personal::new(kana),
        phone: Some(Personal::new(phone)),
        birth_date: Some(Personal::new(born)),
    }
}

/// A booking at the station counter on Thursday 2026-12-03 at 10:30: a father with his old
/// cards to hand back, and his child for whom he comes as legal representative.
fn booking(store: &Store) -> ReservationSummary {
    let ekimae: SiteId = "ekimae".parse().unwrap();
    store
        .add_site(ekimae.clone(), "駅前窓口", SiteKind::Counter)
        .unwrap();
    store
        .book_at_site(
            &ekimae,
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
            Channel::Phone,
            vec![
                (
                    applicant(
                        "金糸雀 籠目",
                        "カナリア カゴメ",
                        "090-5555-0101",
                        "1961-02-03",
                    ),
                    ApplicantType::ApplicantSelf,
                    vec![Procedure::CardIssue],
                ),
                (
                    applicant(
                        "金糸雀 小鳥",
                        "カナリア コトリ",
                        "080-5555-0202",
                        "2019-08-07",
                    ),
                    ApplicantType::LegalRepresentative,
                    vec![Procedure::CardIssue],
                ),
            ],
            "",
            vec![PhoneIntake {
                position: 0,
                facts: BTreeMap::from([("has_old_cards".to_owned(), true)]),
                marks: BTreeMap::new(),
            }],
            None,
        )
        .unwrap()
}

/// Whether poppler-utils is installed (CI installs it; see scripts/lib.sh).
fn poppler() -> bool {
    common::poppler(&["pdftotext", "pdftoppm"])
}

/// The text as plain `pdftotext` reads it (no `-layout`).
fn pdftotext(pdf: &Path) -> String {
    common::pdftotext(pdf, false)
}

/// The first page rendered at 200 dpi in grey levels (PGM), as (width, height, pixels).
fn render(pdf: &Path, out: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = out.join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-gray", "-singlefile", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(prefix.with_extension("pgm")).unwrap();
    // P5 <width> <height> <maxval>, one white-space character, then one byte a pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

/// Every QR code rqrr finds on the page, decoded.
fn qr_codes(w: usize, h: usize, pixels: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    img.detect_grids()
        .iter()
        .map(|g| g.decode().expect("a QR code that decodes").1)
        .collect()
}

/// `test-output/slip/` at the repository's root (or under `MADOGUCHI_TEST_OUTPUT`).
fn look_dir() -> PathBuf {
    let dir = std::env::var_os("MADOGUCHI_TEST_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output"))
        .join("slip");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The first page's width and height in points, as pdfinfo reads them.
fn page_size(pdf: &Path) -> Option<(f32, f32)> {
    let out = Command::new("pdfinfo").arg(pdf).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().find(|l| l.starts_with("Page size:"))?;
    let mut numbers = line
        .split_whitespace()
        .filter_map(|w| w.parse::<f32>().ok());
    Some((numbers.next()?, numbers.next()?))
}

#[test]
fn the_slip_reads_back_with_its_bring_list_and_qr_code_and_names_nobody() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let r = booking(&store);
    let slip_data = store.reservation_slip(r.number).unwrap();
    let digits = slip::qr_text(r.number);
    assert_eq!(digits.len(), 8);
    assert_eq!(digits, r.number.to_string().replace('-', ""));
    let items: Vec<&String> = slip_data.people.iter().flat_map(|p| &p.bring).collect();
    assert!(
        items.iter().any(|i| i.contains("返納")),
        "the phone intake's answer (old cards) adds an item: {items:?}"
    );
    assert!(
        items.iter().any(|i| i.contains("法定代理人")),
        "the legal representative's items: {items:?}"
    );

    let out = tempfile::tempdir().unwrap();
    // A6 is 105 × 148 mm, A4 210 × 297 mm (1 pt = 25.4 / 72 mm).
    for (size, (w_mm, h_mm)) in [
        (SlipSize::A6, (105.0, 148.0)),
        (SlipSize::A4, (210.0, 297.0)),
    ] {
        let path: PathBuf = save_slip(&store, r.number, size).unwrap();
        assert_eq!(path.parent().unwrap(), store.data_dir().reports_dir());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(&format!("予約票_{}", r.number)), "{name}");
        for p in PERSONAL {
            assert!(!name.contains(p), "{name} holds {p}");
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        for p in PERSONAL {
            assert!(
                !bytes.windows(p.len()).any(|w| w == p.as_bytes()),
                "{name}: the bytes hold {p}"
            );
        }

        if !poppler() {
            continue;
        }
        if let Some((w, h)) = page_size(&path) {
            let mm = |pt: f32| pt * 25.4 / 72.0;
            assert!(
                (mm(w) - w_mm).abs() < 0.2 && (mm(h) - h_mm).abs() < 0.2,
                "{name}: {w} x {h} pt"
            );
        }
        // (a) The text, as pdftotext reads it (it may break a line inside a phrase, and guesses
        // spaces from glyph positions: compared without white space).
        let text = pdftotext(&path);
        let flat = squeeze(&text);
        for wanted in [
            "予約票",
            "この予約票をお持ちください",
            "持ち物",
            "2026年12月3日（木）",
            "10:30",
            "駅前窓口",
            "テスト市マイナンバーカード窓口",
            &digits,
            "1人目（本人）",
            "2人目（法定代理人）",
        ] {
            assert!(
                flat.contains(&squeeze(wanted)),
                "{name}: {wanted} not in:\n{text}"
            );
        }
        for item in &items {
            assert!(
                flat.contains(&squeeze(item)),
                "{name}: bring-list item {item} not in:\n{text}"
            );
        }
        for p in PERSONAL {
            assert!(!flat.contains(&squeeze(p)), "{name}: {p} in:\n{text}");
        }

        // (b) The QR code, from the page as printed: exactly one, holding the eight digits.
        let (w, h, pixels) = render(&path, out.path());
        assert_eq!(
            qr_codes(w, h, &pixels),
            vec![digits.clone()],
            "{name}: the QR code"
        );
        // For people to look at, like the reports (tests/src/lib.rs, `output_dir`).
        // The number is random: one fixed name per size, so runs replace each other.
        let look = look_dir();
        let stem = format!("予約票_{size:?}");
        std::fs::copy(&path, look.join(format!("{stem}.pdf"))).unwrap();
        Command::new("pdftoppm")
            .args(["-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1"])
            .arg(&path)
            .arg(look.join(stem))
            .status()
            .unwrap();
    }
}

#[test]
fn a_cancelled_booking_has_no_slip_and_reading_one_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let r = booking(&store);
    store.reservation_slip(r.number).unwrap();
    assert!(store
        .audit_trail(100)
        .unwrap()
        .iter()
        .any(|e| e.action == "read:slip" && e.subject == r.number.to_string()));
    store.cancel(r.number).unwrap();
    assert!(matches!(
        save_slip(&store, r.number, SlipSize::A6).unwrap_err(),
        madoguchi_report::Error::Core(madoguchi_core::Error::NotAllowed(_))
    ));
}

/// A booking of many people runs onto a second page, each page with the number at its foot.
#[test]
fn a_long_bring_list_runs_onto_another_page() {
    use madoguchi_core::store::{ReservationSlip, SlipPerson};
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let r = booking(&store);
    let mut slip_data: ReservationSlip = store.reservation_slip(r.number).unwrap();
    let second = slip_data.people[1].clone();
    slip_data.people.extend((0..4).map(|_| SlipPerson {
        name_kana: Personal::new("カナリア"),
        ..second.clone()
    }));
    let bytes = slip::pdf(&slip_data, SlipSize::A6).unwrap();
    let path = tmp.path().join("long.pdf");
    std::fs::write(&path, bytes).unwrap();
    if !poppler() {
        return;
    }
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap();
    assert!(pages >= 2, "{info}");
    let text = pdftotext(&path);
    let flat = squeeze(&text);
    assert!(flat.contains(&format!("1/{pages}")), "{text}");
    assert!(flat.contains("6人目（法定代理人）"), "{text}");
    assert_eq!(
        flat.matches(&format!("予約番号{}", r.number)).count() as u32,
        pages,
        "the number at the foot of every page: {text}"
    );
    assert!(!flat.contains("カナリア"), "{text}");
}
