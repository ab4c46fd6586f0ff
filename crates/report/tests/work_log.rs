//! The work log (業務日誌) read back with `pdftotext`: the day's figures and the notes as
//! labels and counts, the due date and who closed it; and no citizen's name, even when a
//! canary name was typed into a note's words (searched as text, and as bytes in UTF-8 and
//! UTF-16 in the file). Without poppler-utils the text checks are skipped with a note.
use std::path::Path;

use chrono::NaiveTime;
use madoguchi_core::{
    paperwork::work_log::{NewWorkLogNote, WorkLogCategory},
    reservation::{ApplicantType, Channel, Procedure},
    store::{NewApplicant, Pin},
    Personal,
};

mod common;
use common::{assert_none_in_bytes, d, read_back, squeeze, store_at};

const CANARY: &str = "鳥羽カナリア";

#[test]
fn the_work_log_reads_back_through_pdftotext() {
    let tmp = tempfile::tempdir().unwrap();
    let day = d("2026-12-01");
    let s = store_at(tmp.path(), "テスト市", day.and_hms_opt(9, 0, 0).unwrap());
    madoguchi_core::demo::seed_staff(&s).unwrap();
    // Two people booked and checked in; the canary is a citizen's name in the store.
    for (i, name) in [CANARY, "山田 太郎"].into_iter().enumerate() {
        let r = s
            .book(
                day,
                NaiveTime::from_hms_opt(10 + i as u32, 0, 0).unwrap(),
                Channel::Phone,
                vec![(
                    NewApplicant {
                        name_kanji: Personal::new(name.to_string()),
                        name_kana: Personal::new("カナリア".to_string()),
                        phone: None,
                        birth_date: None,
                    },
                    ApplicantType::ApplicantSelf,
                    vec![Procedure::CardIssue],
                )],
                "",
            )
            .unwrap();
        s.check_in(r.number).unwrap();
    }
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let site = s.site().unwrap();
    let note = |category, code: &str, count, words: &str| NewWorkLogNote {
        category,
        code: code.into(),
        count,
        words: words.into(),
        incident_id: None,
    };
    s.add_work_log_note(
        &site,
        day,
        note(
            WorkLogCategory::System,
            "printer_fault",
            2,
            &format!("{CANARY}様の受付中にプリンタが停止"),
        ),
    )
    .unwrap();
    s.add_work_log_note(
        &site,
        day,
        note(WorkLogCategory::System, "printer_fault", 1, ""),
    )
    .unwrap();
    s.add_work_log_note(
        &site,
        day,
        note(
            WorkLogCategory::CityContact,
            "question_referred",
            1,
            &format!("{CANARY}さんの住所について照会"),
        ),
    )
    .unwrap();
    s.close_work_log(&site, day).unwrap();

    let path = madoguchi_report::save_work_log(&s, &site, day).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        "業務日誌_main_2026-12-01.pdf"
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/work_log");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::copy(&path, out.join("work_log.pdf")).unwrap();

    // No canary in the file's bytes, in any encoding a PDF writer might use for text.
    assert_none_in_bytes(&bytes, &[CANARY], "the work log");

    let Some(text) = read_back(&path) else { return };
    let squeezed = squeeze(&text);
    for want in [
        "業務日誌",
        "2026年12月1日（火）",
        "テスト市",
        "来庁・受付",
        "予約（電話・窓口）",
        "システム・機器",
        "プリンタの不具合",
        "市との連絡",
        "制度運用上の疑義の照会",
        "締め済み",
        "管理一郎（M001）",
        "提出期限",
        "2026年12月2日（水）",
        "市民の個人情報を含みません",
    ] {
        assert!(squeezed.contains(want), "{want} missing from:\n{text}");
    }
    // Figures and counts: two visitors; printer faults 2 + 1 = 3.
    assert!(
        text.lines()
            .any(|l| l.replace(' ', "").contains("来庁・受付2人")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("プリンタの不具合") && l.trim_end().ends_with('3')),
        "{text}"
    );
    for never in [CANARY, "山田", "カナリア", "受付中", "住所"] {
        assert!(!squeezed.contains(never), "{never} printed:\n{text}");
    }
}
