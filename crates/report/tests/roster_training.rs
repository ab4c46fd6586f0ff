//! The roster, its change report and the training report as a manager saves them, read back
//! with `pdftotext` (poppler-utils): staff names, roles, dates, sessions and results are there,
//! and no citizen's name or phone from the day's bookings. Without poppler-utils the PDF checks
//! are skipped with a note (the papers are still made and saved); the CSVs are checked always.
use std::path::Path;

use madoguchi_core::{
    paperwork::{
        roster::{Duty, Employment, StaffDetails},
        training::{
            AttendanceMark, NewTrainingSession, TrainingPhase, TrainingResult, TrainingTopic,
        },
    },
    people::Role,
    reservation::{ApplicantType, Channel, Procedure},
    store::{NewApplicant, NewStaff, Pin},
    Personal, Store,
};
use madoguchi_report::{save_roster, save_roster_changes, save_training_report, Format};

mod common;
use common::{d, read_back, store_at};

/// A citizen's details booked that day: never on these papers.
const CITIZEN: [&str; 3] = ["鸚鵡川", "オウムガワ", "090-5555-0303"];

fn store(dir: &Path) -> Store {
    store_at(
        dir,
        "テスト市",
        d("2026-12-01").and_hms_opt(8, 30, 0).unwrap(),
    )
}

fn no_citizen(text: &str, what: &str) {
    for c in CITIZEN {
        assert!(!text.contains(c), "{what} holds {c}");
    }
}

/// A day with a booking, a roster of four, a submission, then a new member trained and made
/// active, and a security session with results.
fn day(tmp: &Path) -> Store {
    let s = store(tmp);
    for (code, name, role) in [
        ("M001", "管理 一郎", Role::Manager),
        ("S001", "窓口 花子", Role::Staff),
        ("S002", "電話 太郎", Role::Staff),
    ] {
        s.add_staff(NewStaff {
            code: code.into(),
            name: name.into(),
            role,
            pin: Pin::new("1234"),
        })
        .unwrap();
    }
    // A citizen's booking that day (the site actor books as the CLI's seeding does).
    s.book(
        d("2026-12-01"),
        chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        Channel::Phone,
        vec![(
            NewApplicant {
                name_kanji: Personal::new("鸚鵡川 花子"),
                name_kana: Personal::new("オウムガワ ハナコ"),
                phone: Some(Personal::new("090-5555-0303")),
                birth_date: None,
            },
            ApplicantType::ApplicantSelf,
            vec![Procedure::CardIssue],
        )],
        "鸚鵡川 様 電話予約",
    )
    .unwrap();
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    s.set_staff_details(StaffDetails {
        code: "M001".into(),
        assigned_from: Some(d("2026-10-01")),
        assigned_until: None,
        employment: Employment::Regular,
        duties: vec![Duty::Management],
        experience: "市窓口での特定個人情報取扱業務 5年".into(),
        experience_years: Some(5),
        pledge_on: Some(d("2026-09-20")),
    })
    .unwrap();
    s.record_roster_submission(d("2026-11-30"), d("2026-11-30"), None)
        .unwrap();
    s.add_staff(NewStaff {
        code: "S003".into(),
        name: "新人 三郎".into(),
        role: Role::Staff,
        pin: Pin::new("1234"),
    })
    .unwrap();
    s.record_training_session(
        NewTrainingSession {
            held_on: d("2026-12-01"),
            starts: None,
            minutes: 90,
            topic: TrainingTopic::PrivacySecurity,
            phase: TrainingPhase::PreService,
            title: "守秘義務と情報セキュリティ".into(),
            trainer: "研修 講師".into(),
            trainer_code: None,
            material: "研修資料 第3版".into(),
            city_approved: true,
        },
        vec![
            AttendanceMark {
                staff_code: "S003".into(),
                attended: true,
                result: Some(TrainingResult::Passed),
                score: Some(92),
            },
            AttendanceMark {
                staff_code: "S001".into(),
                attended: true,
                result: Some(TrainingResult::Failed),
                score: Some(40),
            },
            AttendanceMark {
                staff_code: "S002".into(),
                attended: false,
                result: None,
                score: None,
            },
        ],
    )
    .unwrap();
    s.update_staff("S003", Role::Staff, true).unwrap();
    s
}

#[test]
fn the_roster_and_its_change_report_read_back_through_pdftotext() {
    let tmp = tempfile::tempdir().unwrap();
    let s = day(tmp.path());
    let pdf = save_roster(&s, d("2026-12-01"), Format::Pdf).unwrap();
    assert!(
        pdf.ends_with("reports/従事者名簿_2026-12-01.pdf"),
        "{pdf:?}"
    );
    let csv =
        std::fs::read_to_string(save_roster(&s, d("2026-12-01"), Format::Csv).unwrap()).unwrap();
    for want in [
        "管理 一郎",
        "新人 三郎",
        "業務管理者",
        "業務従事者",
        "2026-10-01",
        "管理",
    ] {
        assert!(csv.contains(want), "CSV lacks {want}:\n{csv}");
    }
    no_citizen(&csv, "roster CSV");
    if let Some(text) = read_back(&pdf) {
        for want in [
            "業務従事者名簿",
            "基準日 2026-12-01",
            "M001",
            "管理 一郎",
            "S003",
            "新人 三郎",
            "業務管理者",
            "正規雇用",
            "市民の個人情報を含みません",
        ] {
            assert!(text.contains(want), "roster PDF lacks {want}:\n{text}");
        }
        no_citizen(&text, "roster PDF");
    }

    let changes = save_roster_changes(&s, d("2026-12-01"), Format::Pdf).unwrap();
    assert!(changes.ends_with("reports/従事者名簿変更_2026-12-01.pdf"));
    let csv =
        std::fs::read_to_string(save_roster_changes(&s, d("2026-12-01"), Format::Csv).unwrap())
            .unwrap();
    assert!(csv.contains("追加,S003,新人 三郎"), "{csv}");
    if let Some(text) = read_back(&changes) {
        for want in [
            "名簿変更報告",
            "前回提出 2026-11-30",
            "追加",
            "S003",
            "新人 三郎",
        ] {
            assert!(text.contains(want), "change report lacks {want}:\n{text}");
        }
        no_citizen(&text, "change report");
    }
}

#[test]
fn the_training_report_reads_back_through_pdftotext() {
    let tmp = tempfile::tempdir().unwrap();
    let s = day(tmp.path());
    let pdf = save_training_report(&s, d("2026-11-01"), d("2026-12-31"), Format::Pdf).unwrap();
    assert!(
        pdf.ends_with("reports/研修実施報告_2026-11-01_2026-12-31.pdf"),
        "{pdf:?}"
    );
    let csv = std::fs::read_to_string(
        save_training_report(&s, d("2026-11-01"), d("2026-12-31"), Format::Csv).unwrap(),
    )
    .unwrap();
    for want in [
        "S003,新人 三郎,合格,92",
        "S001,窓口 花子,不合格,40",
        "S002,電話 太郎,欠席",
    ] {
        assert!(csv.contains(want), "CSV lacks {want}:\n{csv}");
    }
    no_citizen(&csv, "training CSV");
    if let Some(text) = read_back(&pdf) {
        for want in [
            "研修実施報告",
            "2026-12-01",
            "個人情報保護・情報セキュリティ",
            "守秘義務と情報セキュリティ",
            "研修 講師",
            "新人 三郎",
            "合格",
            "不合格",
            "欠席",
            "有効なセキュリティ研修のない従事者",
            "窓口 花子",
            "市民の個人情報を含みません",
        ] {
            assert!(text.contains(want), "training report lacks {want}:\n{text}");
        }
        no_citizen(&text, "training report");
    }
}
