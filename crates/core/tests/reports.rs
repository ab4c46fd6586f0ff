//! The figures of the daily and monthly reports from a hand-made day whose every number is
//! known: bookings by channel, a walk-in, a cancellation, a no-show, two completed cases with
//! known waiting and service times, a revisit, a bundle not yet acknowledged, the form count,
//! inquiries and a complaint, staff on duty. Then due dates, overdue flags and submission.
use chrono::{Duration, NaiveDate};
use madoguchi_core::{
    checklist::{CheckOutcome, Stage},
    people::Role,
    reservation::{Channel, Procedure},
    store::{
        ComplaintStep, InquiryCategory, InquiryChannel, InquiryKind, NewInquiry, Pin, ReportKind,
    },
    visit::VisitStep,
    Error, Personal, Store,
};

mod common;
use common::{d, person, ready_input, store_with_clock, t, TestClock, DAY};

fn at(clock: &TestClock, day: NaiveDate, h: u32, m: u32) {
    *clock.lock().unwrap() = day.and_hms_opt(h, m, 0).unwrap();
}

/// Takes a checked-in case all the way: called at `call`, handed over `service` minutes later.
fn serve(
    s: &Store,
    clock: &TestClock,
    number: madoguchi_core::reservation_number::ReservationNumber,
    call: (u32, u32),
    service: i64,
) {
    at(clock, d(DAY), call.0, call.1);
    s.visit_step(number, 0, VisitStep::Call { seat_no: 1 })
        .unwrap();
    s.record_checklist(number, 0, Stage::Counter, ready_input())
        .unwrap();
    s.record_check_outcome(number, 0, CheckOutcome::Ready)
        .unwrap();
    let items = s.case(number, 0).unwrap().bundle_items;
    for step in [
        VisitStep::VerifyChecklist,
        VisitStep::CheckForms,
        VisitStep::PrepareBundle { items },
    ] {
        s.visit_step(number, 0, step).unwrap();
    }
    *clock.lock().unwrap() += Duration::minutes(service);
    s.visit_step(number, 0, VisitStep::HandOver { to: "C001".into() })
        .unwrap();
}

/// The known day (2026-12-01, a Tuesday). Returns the store acting as the site, the clock
/// left at 17:30 that day.
fn known_day() -> (tempfile::TempDir, Store, TestClock) {
    let (tmp, s, clock) = store_with_clock("窓口1", d(DAY).and_hms_opt(8, 0, 0).unwrap());
    madoguchi_core::demo::seed_staff(&s).unwrap();
    let book = |i: usize, channel: Channel, h: u32| {
        s.book(
            d(DAY),
            t(h, 0),
            channel,
            vec![person(i, &[Procedure::CardIssue])],
            "",
        )
        .unwrap()
    };
    let a = book(1, Channel::Phone, 9);
    let b = book(2, Channel::Phone, 9);
    let c = book(3, Channel::Counter, 10);
    let no_show = book(4, Channel::Phone, 10);
    let cancelled = book(5, Channel::Phone, 11);
    let e = book(6, Channel::Phone, 11);
    s.cancel(cancelled.number).unwrap();
    // Check-ins at 8:55 (a, b), 9:50 (c), 10:55 (e); a walk-in at 11:20.
    at(&clock, d(DAY), 8, 55);
    s.check_in(a.number).unwrap();
    s.check_in(b.number).unwrap();
    at(&clock, d(DAY), 9, 50);
    s.check_in(c.number).unwrap();
    at(&clock, d(DAY), 10, 55);
    s.check_in(e.number).unwrap();
    at(&clock, d(DAY), 11, 20);
    let w = s
        .walk_in(s.now(), vec![person(7, &[Procedure::CertificateRenewal])])
        .unwrap();
    at(&clock, d(DAY), 12, 0);
    s.no_show(no_show.number).unwrap();

    // a: waited 10, served 20 → acknowledged and completed by city staff.
    serve(&s, &clock, a.number, (9, 5), 20);
    s.visit_step(a.number, 0, VisitStep::Acknowledge { by: "C001".into() })
        .unwrap();
    s.visit_step(a.number, 0, VisitStep::Complete).unwrap();
    // b: waited 35, served 30, handed over, never acknowledged.
    serve(&s, &clock, b.number, (9, 30), 30);
    // c: waited 20, a revisit.
    at(&clock, d(DAY), 10, 10);
    s.visit_step(c.number, 0, VisitStep::Call { seat_no: 2 })
        .unwrap();
    s.visit_step(
        c.number,
        0,
        VisitStep::Revisit {
            reason: "運転免許証を忘れた 山田様".into(),
            code: Some("identity_documents".into()),
        },
    )
    .unwrap();
    // e and the walk-in still wait at the end of the day.
    let _ = (e, w);

    at(&clock, d(DAY), 16, 0);
    s.set_form_count(d(DAY), 3, Some("spoiled"), "書き損じ 1 枚を含む")
        .unwrap();
    let inquiry = |kind, channel, category, minutes| NewInquiry {
        kind,
        channel,
        category,
        minutes,
        summary: Personal::new("内容"),
        outcome: String::new(),
        referred: false,
    };
    s.record_inquiry(inquiry(
        InquiryKind::Inquiry,
        InquiryChannel::Phone,
        InquiryCategory::Reservation,
        4,
    ))
    .unwrap();
    s.record_inquiry(inquiry(
        InquiryKind::Inquiry,
        InquiryChannel::Phone,
        InquiryCategory::Documents,
        6,
    ))
    .unwrap();
    s.record_inquiry(inquiry(
        InquiryKind::Inquiry,
        InquiryChannel::Visitor,
        InquiryCategory::OutsideCardWork,
        2,
    ))
    .unwrap();
    let complaint = s
        .record_inquiry(inquiry(
            InquiryKind::Complaint,
            InquiryChannel::Visitor,
            InquiryCategory::Service,
            15,
        ))
        .unwrap();
    s.complaint_step(complaint.id, ComplaintStep::Respond, "説明")
        .unwrap();
    // Staff on duty: two counter staff and the manager sign in (the manager last, at 17:30).
    at(&clock, d(DAY), 17, 30);
    for (code, pin) in [("S001", "1111"), ("S002", "1112"), ("M001", "1234")] {
        s.sign_in(code, &Pin::new(pin)).unwrap();
    }
    (tmp, s, clock)
}

#[test]
fn the_daily_figures_are_the_known_ones() {
    let (_tmp, s, _clock) = known_day();
    let r = s.daily_report(d(DAY)).unwrap();
    let f = &r.figures;
    assert_eq!(r.due, d("2026-12-02"));
    assert!(!f.holiday_session);
    assert_eq!(
        (f.booked, f.walk_ins, f.no_shows, f.cancelled),
        (5, 1, 1, 1)
    );
    assert_eq!(
        f.by_channel,
        vec![
            (Channel::Phone, 4),
            (Channel::Counter, 1),
            (Channel::WalkIn, 1)
        ]
    );
    assert_eq!(f.visitors, 5, "a, b, c, e and the walk-in");
    assert_eq!(
        f.by_procedure,
        vec![
            (Procedure::CardIssue, 4),
            (Procedure::CertificateRenewal, 1)
        ]
    );
    assert_eq!((f.completed, f.revisits, f.cases_cancelled), (1, 1, 0));
    assert_eq!(
        f.revisit_reasons,
        vec![("identity_documents".to_string(), 1)],
        "codes only, never the words"
    );
    assert_eq!((f.handed_over, f.unacknowledged), (2, 1));
    assert_eq!(
        (f.forms_recorded, f.forms_counted, f.forms_reason.as_str()),
        (2, Some(3), "spoiled")
    );
    assert_eq!(
        (f.inquiries_phone, f.inquiries_visitor, f.inquiry_minutes),
        (2, 1, 27)
    );
    assert_eq!(
        (
            f.complaints_received,
            f.complaints_resolved,
            r.open_complaints
        ),
        (1, 0, 1)
    );
    // Waiting: a 10, b 35, c 20 → mean 21.7, p90 35, max 35. Service: a 20, b 30.
    assert_eq!((f.waiting.count, f.waiting.p90, f.waiting.max), (3, 35, 35));
    assert!((f.waiting.mean - 65.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        (f.service.count, f.service.mean, f.service.max),
        (2, 25.0, 30)
    );
    assert_eq!(f.staff_on_duty, vec![(Role::Manager, 1), (Role::Staff, 2)]);
    assert_eq!(f.by_hour, vec![(8, 2), (9, 1), (10, 1), (11, 1)]);
    assert!(f.places > 0);
}

#[test]
fn the_month_adds_up_its_days() {
    let (_tmp, s, clock) = known_day();
    at(&clock, d("2027-01-05"), 9, 0);
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let m = s.monthly_report(d(DAY)).unwrap();
    assert_eq!(m.month, d("2026-12-01"));
    assert_eq!(m.due, d("2027-01-13"), "1/4–8, 1/12, 1/13 (成人の日 1/11)");
    // December 2026 opens on its 20 weekdays up to 12/28 (the year end closes 12/29–31).
    assert_eq!(
        m.days.len(),
        20,
        "{:?}",
        m.days.iter().map(|x| x.day).collect::<Vec<_>>()
    );
    assert_eq!(
        (
            m.totals.visitors,
            m.totals.completed,
            m.totals.forms_counted
        ),
        (5, 1, Some(3))
    );
    assert_eq!(
        m.totals.places,
        m.days.iter().map(|x| x.places).sum::<u32>()
    );
    assert_eq!(
        m.complaints_by_category
            .iter()
            .find(|c| c.0 == InquiryCategory::Service)
            .unwrap()
            .1,
        1
    );
}

#[test]
fn reports_are_due_flagged_when_late_and_submitted_by_the_manager_only() {
    let (_tmp, s, clock) = known_day();
    at(&clock, d("2026-12-03"), 9, 0);
    s.sign_in("S001", &Pin::new("1111")).unwrap();
    let due = s.reports_due(d(DAY)).unwrap();
    let first = due.iter().find(|r| r.period == "2026-12-01").unwrap();
    assert!(first.overdue, "due 12/2, not submitted by 12/3");
    assert!(first.produced_at.is_none());
    let second = due.iter().find(|r| r.period == "2026-12-02").unwrap();
    assert!(!second.overdue, "due today");
    assert!(matches!(
        s.daily_report(d(DAY)),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.mark_submitted(ReportKind::Daily, "2026-12-01"),
        Err(Error::Forbidden { .. })
    ));
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    assert!(
        matches!(
            s.mark_submitted(ReportKind::Daily, "2026-12-01"),
            Err(Error::NotAllowed(_))
        ),
        "produce first"
    );
    s.daily_report(d(DAY)).unwrap();
    s.mark_submitted(ReportKind::Daily, "2026-12-01").unwrap();
    let first = s
        .reports_due(d(DAY))
        .unwrap()
        .into_iter()
        .find(|r| r.period == "2026-12-01")
        .unwrap();
    assert!(!first.overdue && first.submitted_at.is_some() && first.produced_at.is_some());
}
