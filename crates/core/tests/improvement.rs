//! The improvement cycle (seed 000 §1.1; docs/design/paperwork.md §3.5): a notice's plan is
//! due on the 7th day counting the receipt and payment stops from the day after; the status
//! follows the steps, and a report the city does not confirm sends the cycle back. Signed in as
//! the real roles.
use chrono::NaiveDate;
use madoguchi_core::{
    paperwork::improvement::{
        ImprovementAlertKind, ImprovementItem, ImprovementStatus, ImprovementStep,
        NewImprovementNotice, NewImprovementStep,
    },
    store::Pin,
    Error, Store,
};

mod common;
use common::{d, store_with_clock, TestClock, DAY};

fn at(clock: &TestClock, day: NaiveDate) {
    *clock.lock().unwrap() = day.and_hms_opt(9, 0, 0).unwrap();
}

const CANARY: &str = "苗字カナリア 花子様への対応について";

fn store() -> (tempfile::TempDir, Store, TestClock) {
    let (tmp, s, clock) = store_with_clock("窓口1", d(DAY).and_hms_opt(9, 0, 0).unwrap());
    madoguchi_core::demo::seed_staff(&s).unwrap();
    (tmp, s, clock)
}

fn notice(received: &str) -> NewImprovementNotice {
    NewImprovementNotice {
        doc_ref: "川市民第123号".into(),
        received_on: d(received),
        items: vec![ImprovementItem::Privacy, ImprovementItem::Training],
        incident_id: None,
        summary: CANARY.into(),
    }
}

fn step(step: ImprovementStep, on: &str) -> NewImprovementStep {
    NewImprovementStep {
        step,
        on_day: d(on),
        doc_ref: String::new(),
        target_on: None,
        note: String::new(),
    }
}

#[test]
fn an_overdue_plan_shows_the_payment_stop_date() {
    let (_tmp, s, clock) = store();
    s.sign_in("S001", &Pin::new("1111")).unwrap();
    assert!(matches!(
        s.receive_improvement_notice(notice(DAY)),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.improvement_notices(),
        Err(Error::Forbidden { .. })
    ));

    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let n = s.receive_improvement_notice(notice(DAY)).unwrap();
    assert_eq!(n.status, ImprovementStatus::NoticeReceived);
    assert_eq!(n.plan_due_on, d("2026-12-07"), "the 7th day counting 12/1");
    assert_eq!(n.payment_stop_from, d("2026-12-08"));
    assert_eq!(
        n.items,
        vec![ImprovementItem::Training, ImprovementItem::Privacy]
    );
    assert!(n.alert.is_none());
    // The audit trail names the items, never the summary.
    let trail = s.audit_trail(20).unwrap();
    let entry = trail
        .iter()
        .find(|e| e.action == "receive_improvement_notice")
        .unwrap();
    assert_eq!(entry.subject, n.id.to_string());
    assert!(!entry.detail.contains("カナリア"));

    at(&clock, d("2026-12-07"));
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    assert!(s.improvements_overdue().unwrap().is_empty(), "the last day");
    at(&clock, d("2026-12-08"));
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let late = s.improvements_overdue().unwrap();
    assert_eq!(late.len(), 1);
    let a = late[0].alert.clone().unwrap();
    assert_eq!(
        (a.kind, a.due, a.payment_stop_from),
        (
            ImprovementAlertKind::PlanOverdue,
            d("2026-12-07"),
            d("2026-12-08")
        )
    );

    // A plan needs its target day; once submitted the notice leaves the board.
    assert!(matches!(
        s.take_improvement_step(n.id, step(ImprovementStep::SubmitPlan, "2026-12-08")),
        Err(Error::Invalid(_))
    ));
    let n = s
        .take_improvement_step(
            n.id,
            NewImprovementStep {
                doc_ref: "改善計画第1号".into(),
                target_on: Some(d("2026-12-20")),
                ..step(ImprovementStep::SubmitPlan, "2026-12-08")
            },
        )
        .unwrap();
    assert_eq!(n.status, ImprovementStatus::PlanSubmitted);
    assert_eq!(
        (n.plan_submitted_on, n.plan_ref.as_str(), n.target_on),
        (
            Some(d("2026-12-08")),
            "改善計画第1号",
            Some(d("2026-12-20"))
        )
    );
    assert!(s.improvements_overdue().unwrap().is_empty());
    // Accepted, then the report is late past the target day (amber).
    s.take_improvement_step(n.id, step(ImprovementStep::PlanAccepted, "2026-12-10"))
        .unwrap();
    at(&clock, d("2026-12-21"));
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let late = s.improvements_overdue().unwrap();
    assert_eq!(
        late[0].alert.as_ref().unwrap().kind,
        ImprovementAlertKind::ReportOverdue
    );

    s.sign_in("S001", &Pin::new("1111")).unwrap();
    assert!(matches!(
        s.improvements_overdue(),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.take_improvement_step(n.id, step(ImprovementStep::Note, "2026-12-21")),
        Err(Error::Forbidden { .. })
    ));
}

#[test]
fn a_report_not_confirmed_reopens_the_cycle() {
    let (_tmp, s, clock) = store();
    s.sign_in("D001", &Pin::new("2345")).unwrap();
    let n = s.receive_improvement_notice(notice(DAY)).unwrap();
    // A plan returned by the city: back to the notice.
    let plan = |on: &str| NewImprovementStep {
        target_on: Some(d("2026-12-20")),
        ..step(ImprovementStep::SubmitPlan, on)
    };
    s.take_improvement_step(n.id, plan("2026-12-03")).unwrap();
    let back = s
        .take_improvement_step(n.id, step(ImprovementStep::PlanReturned, "2026-12-04"))
        .unwrap();
    assert_eq!(back.status, ImprovementStatus::NoticeReceived);
    s.take_improvement_step(n.id, plan("2026-12-07")).unwrap();
    s.take_improvement_step(n.id, step(ImprovementStep::PlanAccepted, "2026-12-08"))
        .unwrap();
    assert!(
        matches!(
            s.take_improvement_step(n.id, step(ImprovementStep::CityConfirmed, "2026-12-09")),
            Err(Error::NotAllowed(_))
        ),
        "nothing to confirm before the report"
    );
    let reported = s
        .take_improvement_step(
            n.id,
            NewImprovementStep {
                doc_ref: "改善報告第1号".into(),
                ..step(ImprovementStep::SubmitReport, "2026-12-18")
            },
        )
        .unwrap();
    assert_eq!(reported.status, ImprovementStatus::ReportSubmitted);
    assert_eq!(reported.report_ref, "改善報告第1号");
    // Not confirmed: improve and report again.
    let again = s
        .take_improvement_step(
            n.id,
            NewImprovementStep {
                note: CANARY.into(),
                ..step(ImprovementStep::CityNotConfirmed, "2026-12-22")
            },
        )
        .unwrap();
    assert_eq!(again.status, ImprovementStatus::PlanAccepted);
    at(&clock, d("2026-12-23"));
    s.sign_in("D001", &Pin::new("2345")).unwrap();
    assert_eq!(
        s.improvements_overdue().unwrap()[0]
            .alert
            .as_ref()
            .unwrap()
            .kind,
        ImprovementAlertKind::ReportOverdue,
        "still at risk until the city confirms (000 §1.1(2))"
    );
    s.take_improvement_step(n.id, step(ImprovementStep::SubmitReport, "2026-12-24"))
        .unwrap();
    // Waiting over 14 days for the city's confirmation (grey).
    at(&clock, d("2027-01-08"));
    s.sign_in("D001", &Pin::new("2345")).unwrap();
    assert_eq!(
        s.improvements_overdue().unwrap()[0]
            .alert
            .as_ref()
            .unwrap()
            .kind,
        ImprovementAlertKind::AwaitingConfirmation
    );
    let done = s
        .take_improvement_step(n.id, step(ImprovementStep::CityConfirmed, "2027-01-08"))
        .unwrap();
    assert_eq!(done.status, ImprovementStatus::Confirmed);
    assert_eq!(done.confirmed_on, Some(d("2027-01-08")));
    let note = s
        .take_improvement_step(n.id, step(ImprovementStep::Note, "2027-01-09"))
        .unwrap();
    assert_eq!(note.status, ImprovementStatus::Confirmed);
    assert_eq!(
        note.confirmed_on,
        Some(d("2027-01-08")),
        "a note changes nothing"
    );
    assert!(s.improvements_overdue().unwrap().is_empty());
    let steps: Vec<_> = note.steps.iter().map(|s| s.step).collect();
    assert_eq!(steps.len(), 9);
    assert_eq!(steps[0], ImprovementStep::SubmitPlan);
    assert_eq!(steps[8], ImprovementStep::Note);
    assert!(note.steps.iter().all(|s| s.staff == "D001"));
    // A step before the receipt is refused.
    assert!(matches!(
        s.take_improvement_step(n.id, step(ImprovementStep::Note, "2026-11-30")),
        Err(Error::Invalid(_))
    ));
}
