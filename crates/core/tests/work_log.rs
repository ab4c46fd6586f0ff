//! The daily work log (業務日誌, seed 002 §13(4); docs/design/paperwork.md §3.3): the day's
//! figures come from the reports, notes are codes and counts, a closed log refuses notes until
//! reopened, and the logs owed are listed with the daily report's due date. Signed in as the
//! real roles (manager, deputy, staff), never as the site actor, where a person acts.
use chrono::NaiveDate;
use madoguchi_core::{
    error::ErrorCode,
    paperwork::work_log::{tally, NewWorkLogNote, WorkLogCategory, WorkLogState},
    reservation::{Channel, Procedure},
    store::{Pin, ReportKind},
    visit::VisitStep,
    Error, Store,
};

mod common;
use common::{d, person, store_with_clock, t, TestClock, DAY};

fn at(clock: &TestClock, day: NaiveDate, h: u32, m: u32) {
    *clock.lock().unwrap() = day.and_hms_opt(h, m, 0).unwrap();
}

fn note(category: WorkLogCategory, code: &str, count: u32, words: &str) -> NewWorkLogNote {
    NewWorkLogNote {
        category,
        code: code.into(),
        count,
        words: words.into(),
        incident_id: None,
    }
}

/// A day with three bookings, two check-ins, a walk-in and a revisit; the roster seeded.
fn a_day() -> (tempfile::TempDir, Store, TestClock) {
    let (tmp, s, clock) = store_with_clock("窓口1", d(DAY).and_hms_opt(8, 0, 0).unwrap());
    madoguchi_core::demo::seed_staff(&s).unwrap();
    let book = |i: usize, h: u32| {
        s.book(
            d(DAY),
            t(h, 0),
            Channel::Phone,
            vec![person(i, &[Procedure::CardIssue])],
            "",
        )
        .unwrap()
    };
    let a = book(1, 9);
    let b = book(2, 10);
    let _c = book(3, 11);
    at(&clock, d(DAY), 8, 55);
    s.check_in(a.number).unwrap();
    at(&clock, d(DAY), 9, 55);
    s.check_in(b.number).unwrap();
    at(&clock, d(DAY), 10, 0);
    s.walk_in(s.now(), vec![person(4, &[Procedure::CardIssue])])
        .unwrap();
    at(&clock, d(DAY), 10, 10);
    s.visit_step(b.number, 0, VisitStep::Call { seat_no: 1 })
        .unwrap();
    s.visit_step(
        b.number,
        0,
        VisitStep::Revisit {
            reason: "免許証なし".into(),
            code: Some("identity_documents".into()),
        },
    )
    .unwrap();
    at(&clock, d(DAY), 17, 30);
    (tmp, s, clock)
}

#[test]
fn the_work_log_takes_the_day_s_figures_and_coded_notes() {
    let (_tmp, s, _clock) = a_day();
    let site = s.site().unwrap();
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    s.add_work_log_note(
        &site,
        d(DAY),
        note(
            WorkLogCategory::System,
            "printer_fault",
            1,
            "山田 太郎様の受付中に紙詰まり",
        ),
    )
    .unwrap();
    s.add_work_log_note(
        &site,
        d(DAY),
        note(WorkLogCategory::System, "printer_fault", 2, ""),
    )
    .unwrap();
    s.add_work_log_note(
        &site,
        d(DAY),
        note(WorkLogCategory::Staffing, "late", 1, ""),
    )
    .unwrap();
    let log = s.work_log(&site, d(DAY)).unwrap();
    let report = s.daily_report(d(DAY)).unwrap();
    assert_eq!(
        log.figures, report.figures,
        "the daily report's figures, not a copy"
    );
    let f = &log.figures;
    assert_eq!((f.booked, f.visitors, f.walk_ins, f.revisits), (3, 3, 1, 1));
    assert!(log.counter_open);
    assert_eq!(log.due, report.due);
    assert_eq!(log.state, WorkLogState::Open);
    assert_eq!(log.notes.len(), 3);
    assert_eq!(log.notes[0].written_by, "M001");
    assert_eq!(
        tally(&log.notes),
        vec![
            (WorkLogCategory::Staffing, "late".to_string(), 1),
            (WorkLogCategory::System, "printer_fault".to_string(), 3),
        ]
    );
    // The audit trail holds codes, never the words.
    let trail = s.audit_trail(50).unwrap();
    let added: Vec<_> = trail
        .iter()
        .filter(|e| e.action == "add_work_log_note")
        .collect();
    assert_eq!(added.len(), 3);
    assert!(added.iter().all(|e| e.subject == format!("{site}:{DAY}")));
    assert!(trail.iter().all(|e| !e.detail.contains("山田")));
    // A code outside the category's list, a zero count and an individual number are refused.
    assert!(matches!(
        s.add_work_log_note(
            &site,
            d(DAY),
            note(WorkLogCategory::Staffing, "printer_fault", 1, "")
        ),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s.add_work_log_note(
            &site,
            d(DAY),
            note(WorkLogCategory::System, "printer_fault", 0, "")
        ),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s.add_work_log_note(
            &site,
            d(DAY),
            note(WorkLogCategory::Other, "other", 1, &"長".repeat(201))
        ),
        Err(Error::TooLong { .. })
    ));
    // A city's own code is taken.
    s.add_work_log_note(
        &site,
        d(DAY),
        note(WorkLogCategory::Supplies, "city_envelopes", 1, ""),
    )
    .unwrap();
}

#[test]
fn a_closed_log_refuses_notes_until_reopened() {
    let (_tmp, s, _clock) = a_day();
    let site = s.site().unwrap();
    // Counter staff may not keep the log, nor read it.
    s.sign_in("S001", &Pin::new("1111")).unwrap();
    assert!(matches!(
        s.add_work_log_note(
            &site,
            d(DAY),
            note(WorkLogCategory::System, "printer_fault", 1, "")
        ),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.work_log(&site, d(DAY)),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.close_work_log(&site, d(DAY)),
        Err(Error::Forbidden { .. })
    ));

    s.sign_in("D001", &Pin::new("2345")).unwrap();
    let first = s
        .add_work_log_note(
            &site,
            d(DAY),
            note(WorkLogCategory::SecurityCheck, "closing_done", 1, ""),
        )
        .unwrap();
    assert!(
        matches!(
            s.mark_work_log_submitted(&site, d(DAY), d("2026-12-02")),
            Err(Error::NotAllowed(_))
        ),
        "close before submitting"
    );
    let closed = s.close_work_log(&site, d(DAY)).unwrap();
    assert_eq!(closed.state, WorkLogState::Closed);
    assert_eq!(closed.closed_by.as_deref(), Some("D001"));
    assert_eq!(closed.closed_by_name.as_deref(), Some("副島 次郎"));
    let refused = s
        .add_work_log_note(
            &site,
            d(DAY),
            note(WorkLogCategory::System, "printer_fault", 1, ""),
        )
        .unwrap_err();
    assert!(
        matches!(refused, Error::WorkLogClosed { .. }),
        "{refused:?}"
    );
    assert_eq!(refused.code(), ErrorCode::WorkLogClosed);
    assert!(matches!(
        s.remove_work_log_note(first.id),
        Err(Error::WorkLogClosed { .. })
    ));
    assert!(
        matches!(
            s.close_work_log(&site, d(DAY)),
            Err(Error::WorkLogClosed { .. })
        ),
        "closed once"
    );

    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let reopened = s.reopen_work_log(&site, d(DAY)).unwrap();
    assert_eq!(
        (reopened.state, reopened.closed_by),
        (WorkLogState::Open, None)
    );
    assert!(matches!(
        s.reopen_work_log(&site, d(DAY)),
        Err(Error::NotAllowed(_))
    ));
    s.add_work_log_note(
        &site,
        d(DAY),
        note(WorkLogCategory::System, "printer_fault", 1, ""),
    )
    .unwrap();
    s.remove_work_log_note(first.id).unwrap();
    s.close_work_log(&site, d(DAY)).unwrap();
    assert!(matches!(
        s.mark_work_log_submitted(&site, d(DAY), d("2026-11-30")),
        Err(Error::Invalid(_))
    ));
    let submitted = s
        .mark_work_log_submitted(&site, d(DAY), d("2026-12-02"))
        .unwrap();
    assert_eq!(submitted.submitted_on, Some(d("2026-12-02")));
    assert_eq!(submitted.notes.len(), 1);
    assert_eq!(submitted.notes[0].code, "printer_fault");
}

#[test]
fn work_logs_are_listed_with_the_daily_report_s_due_date() {
    let (_tmp, s, clock) = a_day();
    let site = s.site().unwrap();
    // Saturday 12/5: the logs of Tue 12/1 to Fri 12/4 are owed; Friday's is due Monday 12/7.
    at(&clock, d("2026-12-05"), 9, 0);
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    s.close_work_log(&site, d("2026-12-02")).unwrap();
    s.mark_work_log_submitted(&site, d("2026-12-02"), d("2026-12-03"))
        .unwrap();
    let logs = s.work_logs_due(d(DAY)).unwrap();
    let days: Vec<_> = logs.iter().map(|l| l.day).collect();
    assert_eq!(
        days,
        vec![d("2026-12-04"), d("2026-12-03"), d("2026-12-02"), d(DAY)],
        "newest first, open days only"
    );
    let reports = s.reports_due(d(DAY)).unwrap();
    for l in &logs {
        let r = reports
            .iter()
            .find(|r| {
                r.kind == ReportKind::Daily && r.period == l.day.format("%Y-%m-%d").to_string()
            })
            .unwrap();
        assert_eq!(l.due, r.due, "{}", l.day);
    }
    assert_eq!(logs[0].due, d("2026-12-07"));
    assert!(!logs[0].overdue, "not due yet");
    let first = logs.iter().find(|l| l.day == d(DAY)).unwrap();
    assert!(first.overdue && first.state == WorkLogState::Open);
    let second = logs.iter().find(|l| l.day == d("2026-12-02")).unwrap();
    assert!(!second.overdue && second.state == WorkLogState::Closed);
    assert_eq!(second.submitted_on, Some(d("2026-12-03")));

    s.sign_in("S001", &Pin::new("1111")).unwrap();
    assert!(matches!(
        s.work_logs_due(d(DAY)),
        Err(Error::Forbidden { .. })
    ));
}
