//! The contractor's papers for the city (issue 23) against the day's real workflows: citizens
//! with canary names are booked and served through the counter (checklists, forms, the city's
//! bundle), one of them is named in an incident's words and in a work-log note, and the manager
//! then saves every paper the issue adds — the roster and its change report (PDF and CSV), the
//! training report, the work log, the incident report — and the monthly report. Each is read
//! back with pdftotext and searched byte by byte (UTF-8, UTF-16BE, UTF-16LE): the staff, codes
//! and counts are there, no canary is.
use std::process::Command;

use chrono::NaiveTime;
use madoguchi_core::{
    demo,
    paperwork::{
        incident::{
            IncidentCategory, IncidentImpact, IncidentKind, IncidentStep, NewIncident,
            NewIncidentStep,
        },
        training::{
            AttendanceMark, NewTrainingSession, TrainingPhase, TrainingResult, TrainingTopic,
        },
        work_log::{NewWorkLogNote, WorkLogCategory},
    },
    people::Role,
    reservation::{ApplicantType, Channel, Procedure},
    store::{NewApplicant, NewStaff, Pin, ReportKind},
    Personal, Store,
};
use madoguchi_report::Format;
use madoguchi_tests::{desktop::next_open_weekday, new_store};

/// Citizens' names, kana and phone put through the day: never on any paper.
const CANARIES: [(&str, &str, &str); 2] = [
    ("雲雀丘 鷺子", "ヒバリガオカ サギコ", "090-7777-0101"),
    ("鶺鴒谷 鷹男", "セキレイダニ タカオ", "090-7777-0202"),
];

fn canary_needles() -> Vec<(String, Vec<u8>)> {
    let mut words: Vec<&str> = Vec::new();
    for (kanji, kana, phone) in CANARIES {
        words.extend([kanji, kana, phone]);
        words.extend(kanji.split(' '));
        words.extend(kana.split(' '));
    }
    let mut needles = Vec::new();
    for w in words {
        needles.push((w.to_owned(), w.as_bytes().to_vec()));
        needles.push((
            format!("{w} (UTF-16BE)"),
            w.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
        ));
        needles.push((
            format!("{w} (UTF-16LE)"),
            w.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
        ));
    }
    needles
}

fn step(step: IncidentStep, code: Option<&str>) -> NewIncidentStep {
    NewIncidentStep {
        step,
        code: code.map(str::to_owned),
        count: None,
        title: None,
        words: None,
    }
}

#[test]
fn no_paper_holds_a_citizen_canary() {
    let tmp = tempfile::tempdir().unwrap();
    let store: Store = new_store(tmp.path());
    let day = next_open_weekday();
    // The day: the canaries booked among others, then everyone served through the counter.
    for (i, (kanji, kana, phone)) in CANARIES.iter().enumerate() {
        store
            .book(
                day,
                NaiveTime::from_hms_opt(9, 0, 0).unwrap()
                    + chrono::Duration::minutes(30 * i as i64),
                Channel::Phone,
                vec![(
                    NewApplicant {
                        name_kanji: Personal::new(*kanji),
                        name_kana: Personal::new(*kana),
                        phone: Some(Personal::new(*phone)),
                        birth_date: None,
                    },
                    ApplicantType::ApplicantSelf,
                    vec![Procedure::CardIssue],
                )],
                "",
            )
            .unwrap();
    }
    demo::seed_reservations(&store, day, 1, 0.4, 5).unwrap();
    let served = demo::run_day(&store, day, 4, "C001", 5).unwrap();
    assert!(served > 10, "{served} served");
    let (canary, canary_kana, _) = CANARIES[0];

    // The roster as first submitted, then a new member, trained and made active.
    store.sign_out().unwrap();
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    store.record_roster_submission(day, day, None).unwrap();
    store
        .add_staff(NewStaff {
            code: "S010".into(),
            name: "新任 研子".into(),
            role: Role::Staff,
            pin: Pin::new("5678"),
        })
        .unwrap();
    store
        .record_training_session(
            NewTrainingSession {
                // Today: a session not yet held does not count for the gate.
                held_on: store.today(),
                starts: None,
                minutes: 60,
                topic: TrainingTopic::PrivacySecurity,
                phase: TrainingPhase::PreService,
                title: "個人情報保護と情報セキュリティ".into(),
                trainer: "業務管理者".into(),
                trainer_code: Some("M001".into()),
                material: "研修資料 第1版".into(),
                city_approved: true,
            },
            vec![AttendanceMark {
                staff_code: "S010".into(),
                attended: true,
                result: Some(TrainingResult::Passed),
                score: Some(88),
            }],
        )
        .unwrap();
    store.update_staff("S010", Role::Staff, true).unwrap();

    // Counter staff report a wrong handover, naming the citizen in its words.
    store.sign_in("S001", &Pin::new("1111")).unwrap();
    let at = day.and_hms_opt(11, 0, 0).unwrap();
    let incident = store
        .open_incident(NewIncident {
            category: IncidentCategory::PersonalData,
            kind: IncidentKind::WrongHandover,
            impact: IncidentImpact::PersonalDataExposed,
            occurred_at: at,
            detected_at: at + chrono::Duration::minutes(5),
            persons_affected: 1,
            documents_affected: 1,
            minutes_stopped: 0,
            description: Personal::new(format!("{canary}（{canary_kana}）様に別の方の書類")),
            inquiry_id: None,
        })
        .unwrap();
    // The manager reports it, records cause and measures, and closes it.
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let mut first = step(IncidentStep::FirstReport, Some("phone"));
    first.title = Some("市民課 担当係長".into());
    first.words = Some(Personal::new(format!("{canary}様の件")));
    store.take_incident_step(incident.id, first).unwrap();
    for (s, code) in [
        (IncidentStep::Cause, Some("check_missed")),
        (IncidentStep::Measure, Some("double_check")),
        (IncidentStep::WrittenReport, None),
        (IncidentStep::FollowUpReport, None),
    ] {
        store
            .take_incident_step(incident.id, step(s, code))
            .unwrap();
    }
    store.close_incident(incident.id).unwrap();
    // The day's work log, with a note whose words name the citizen.
    let site = store.site().unwrap();
    store
        .add_work_log_note(
            &site,
            day,
            NewWorkLogNote {
                category: WorkLogCategory::ALL[0],
                code: "other".into(),
                count: 1,
                words: format!("{canary}様 再来庁"),
                incident_id: Some(incident.id),
            },
        )
        .unwrap();

    let papers = [
        madoguchi_report::save_roster(&store, day, Format::Pdf).unwrap(),
        madoguchi_report::save_roster(&store, day, Format::Csv).unwrap(),
        madoguchi_report::save_roster_changes(&store, day, Format::Pdf).unwrap(),
        madoguchi_report::save_roster_changes(&store, day, Format::Csv).unwrap(),
        madoguchi_report::save_training_report(&store, store.today(), day, Format::Pdf).unwrap(),
        madoguchi_report::save_work_log(&store, &site, day).unwrap(),
        madoguchi_report::save_incident_report(&store, &incident.number).unwrap(),
        madoguchi_report::save(&store, ReportKind::Monthly, day, Format::Pdf).unwrap(),
        madoguchi_report::save(&store, ReportKind::Daily, day, Format::Pdf).unwrap(),
    ];
    let needles = canary_needles();
    let mut texts = Vec::new();
    for paper in &papers {
        let bytes = std::fs::read(paper).unwrap();
        for (what, needle) in &needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "{what} in the bytes of {}",
                paper.display()
            );
        }
        let text = if paper.extension().is_some_and(|e| e == "pdf") {
            let out = Command::new("pdftotext")
                .arg("-layout")
                .arg(paper)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) is installed by the test command");
            assert!(out.status.success(), "{}", paper.display());
            String::from_utf8(out.stdout).unwrap()
        } else {
            String::from_utf8(bytes).unwrap()
        };
        for (what, needle) in &needles {
            if let Ok(s) = std::str::from_utf8(needle) {
                assert!(!text.contains(s), "{what} on {}:\n{text}", paper.display());
            }
        }
        texts.push((
            paper.file_name().unwrap().to_string_lossy().into_owned(),
            text,
        ));
    }
    let text_of = |prefix: &str| {
        texts
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no paper {prefix}"))
    };
    // Each paper says what it is for: the staff, the session, the codes.
    assert!(text_of("従事者名簿_").contains("新任 研子"));
    assert!(
        text_of("従事者名簿変更_").contains("新任 研子"),
        "the change report lists the new member"
    );
    let training = text_of("研修実施報告_");
    assert!(
        training.contains("新任 研子") && training.contains("合格"),
        "{training}"
    );
    assert!(text_of("業務日誌_").contains("業務日誌"));
    let report = text_of("事故報告_");
    assert!(
        report.contains(&incident.number) && report.contains("誤交付"),
        "{report}"
    );
    assert!(text_of("月報_").contains("月報"));
    let out = madoguchi_tests::output_dir("paperwork");
    for (name, text) in &texts {
        std::fs::write(out.join(format!("{name}.txt")), text).unwrap();
    }
}
