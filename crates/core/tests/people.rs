//! People and accountability through the core API: PIN sign-in with lock-out, idle sign-out,
//! the attendance record, every protected action refused for every wrong role, city staff
//! acknowledging with their own PIN, the audit trail catching rows edited, deleted or
//! reordered with raw SQL, the complaint lifecycle, and the lending ledger.

use chrono::Duration;
use madoguchi_core::{
    checklist::{CheckOutcome, Stage},
    people::Role,
    reservation::{BookingRules, Channel, Procedure},
    reservation_number::ReservationNumber,
    store::{
        ComplaintStep, InquiryCategory, InquiryChannel, InquiryKind, InquiryStatus, NewInquiry,
        NewLentMaterial, NewStaff, Pin,
    },
    visit::{VisitState, VisitStep},
    Error, Personal, Store,
};

mod common;
use common::{d, person, ready_input, site_at, t, Site, DAY};

/// A store with the roster, enrolled by the site administrator (as `madoguchi staff add`
/// does), then with nobody signed in.
fn site() -> Site {
    site_at(d(DAY).and_hms_opt(8, 40, 0).unwrap())
}

#[test]
fn nothing_is_read_or_changed_without_a_sign_in() {
    let s = site();
    assert_eq!(s.store.signed_in().unwrap(), None);
    assert!(matches!(s.store.day_board(d(DAY)), Err(Error::NotSignedIn)));
    assert!(matches!(
        s.store.search("ヤマダ", 10),
        Err(Error::NotSignedIn)
    ));
    assert!(matches!(
        s.store.book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            ""
        ),
        Err(Error::NotSignedIn)
    ));
}

#[test]
fn wrong_pins_lock_a_member_out_until_the_time_passes_or_a_manager_resets() {
    let s = site();
    for _ in 0..4 {
        assert!(matches!(
            s.store.sign_in("S001", &Pin::new("0000")),
            Err(Error::WrongPin)
        ));
    }
    // The fifth wrong PIN locks; now even the right PIN is refused.
    assert!(matches!(
        s.store.sign_in("S001", &Pin::new("0000")),
        Err(Error::StaffLocked { .. })
    ));
    assert!(matches!(
        s.store.sign_in("S001", &Pin::new("3456")),
        Err(Error::StaffLocked { .. })
    ));
    // Unknown IDs and malformed PINs answer like a wrong PIN.
    assert!(matches!(
        s.store.sign_in("X999", &Pin::new("3456")),
        Err(Error::WrongPin)
    ));
    assert!(matches!(
        s.store.sign_in("M001", &Pin::new("12a4")),
        Err(Error::WrongPin)
    ));

    s.advance(16);
    s.sign_in("S001");

    // Locked again, then lifted by the manager's PIN reset.
    for _ in 0..5 {
        let _ = s.store.sign_in("D001", &Pin::new("9999"));
    }
    s.sign_in("M001");
    let staff = s.store.staff().unwrap();
    assert!(staff
        .iter()
        .find(|m| m.code == "D001")
        .unwrap()
        .locked_until
        .is_some());
    s.store.reset_pin("D001", &Pin::new("5555")).unwrap();
    assert!(s.store.sign_in("D001", &Pin::new("5555")).is_ok());
}

#[test]
fn idle_sign_out_ends_the_session_and_the_attendance_record_shows_it() {
    let s = site();
    s.at(8, 45);
    s.sign_in("S001");
    s.advance(10);
    s.store.day_board(d(DAY)).unwrap(); // activity
    s.advance(14);
    s.store.day_board(d(DAY)).unwrap(); // still within 15 minutes of the last activity
    s.advance(16);
    assert!(matches!(s.store.day_board(d(DAY)), Err(Error::NotSignedIn)));
    assert_eq!(s.store.signed_in().unwrap(), None);

    s.sign_in("M001");
    s.at(17, 20);
    s.store.sign_out().unwrap();
    s.sign_in("M001");
    let rows = s.store.attendance(d(DAY), d(DAY)).unwrap();
    let staff = rows.iter().find(|r| r.code == "S001").unwrap();
    assert_eq!(staff.ended_by.as_deref(), Some("idle"));
    assert_eq!(
        staff.signed_out_at.unwrap(),
        d(DAY).and_hms_opt(9, 24, 0).unwrap(),
        "signed out at the last activity plus the idle time, not when noticed"
    );
    let managers: Vec<_> = rows.iter().filter(|r| r.code == "M001").collect();
    assert_eq!(managers[0].ended_by.as_deref(), Some("sign_out"));
    assert!(managers[1].signed_out_at.is_none(), "still signed in");
    let csv = s.store.attendance_csv(d(DAY), d(DAY)).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(
            "S001,窓口 花子,従事者,窓口1,テスト市,2026-12-01 08:45,2026-12-01 09:24,無操作による自動退出"
        ),
        "{csv}"
    );
}

/// Books, checks in and readies one case, then takes it to "bundle prepared".
fn case_to_hand_over(s: &Site) -> ReservationNumber {
    s.sign_in("S001");
    let r = s
        .store
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    s.store.check_in(r.number).unwrap();
    s.store.call_next(1).unwrap();
    s.store
        .record_checklist(r.number, 0, Stage::Counter, ready_input())
        .unwrap();
    s.store
        .record_check_outcome(r.number, 0, CheckOutcome::Ready)
        .unwrap();
    let items = s.store.case(r.number, 0).unwrap().bundle_items;
    for step in [
        VisitStep::VerifyChecklist,
        VisitStep::CheckForms,
        VisitStep::PrepareBundle { items },
    ] {
        s.store.visit_step(r.number, 0, step).unwrap();
    }
    r.number
}

#[test]
fn each_protected_action_is_refused_for_each_wrong_role() {
    let s = site();
    s.at(9, 30);
    let number = case_to_hand_over(&s);
    // Handing over needs a city staff member from the roster.
    assert!(matches!(
        s.store
            .visit_step(number, 0, VisitStep::HandOver { to: "S001".into() }),
        Err(Error::NotAllowed(_))
    ));
    s.store
        .visit_step(number, 0, VisitStep::HandOver { to: "C001".into() })
        .unwrap();

    type Action = (&'static str, fn(&Store) -> madoguchi_core::Result<()>);
    let actions: [Action; 7] = [
        ("change the booking rules", |st| {
            st.set_booking_rules(BookingRules {
                days_ahead: 30,
                min_days_before: 0,
                late_minutes: 5,
                one_booking_per_person: true,
            })
        }),
        ("change a procedure's minutes", |st| {
            st.set_procedure_minutes(Procedure::CardIssue, 25)
        }),
        ("add staff", |st| {
            st.add_staff(NewStaff {
                code: format!("S9{:02}", st.staff()?.len()),
                name: "新人".into(),
                role: Role::Staff,
                pin: Pin::new("9090"),
            })
            .map(drop)
        }),
        ("change a role", |st| {
            st.update_staff("S001", Role::Manager, true).map(drop)
        }),
        ("read attendance", |st| {
            st.attendance(d(DAY), d(DAY)).map(drop)
        }),
        ("verify the audit trail", |st| st.verify_audit().map(drop)),
        ("resolve a complaint", |st| {
            let c = st.inquiries(d(DAY), d(DAY))?.into_iter().next().unwrap();
            st.complaint_step(c.id, ComplaintStep::Resolve, "解決")
                .map(drop)
        }),
    ];
    // A complaint under way, for the resolve action.
    s.sign_in("S001");
    let c = s.store.record_inquiry(complaint()).unwrap();
    s.store
        .complaint_step(c.id, ComplaintStep::Respond, "説明した")
        .unwrap();

    for who in ["S001", "C001"] {
        s.sign_in(who);
        for (what, action) in &actions {
            assert!(
                matches!(action(&s.store), Err(Error::Forbidden { .. })),
                "{who} must not {what}"
            );
        }
    }
    // Only city staff acknowledge and complete; the manager cannot either.
    for who in ["S001", "M001", "D001"] {
        s.sign_in(who);
        assert!(
            matches!(
                s.store
                    .visit_step(number, 0, VisitStep::Acknowledge { by: "C001".into() }),
                Err(Error::Forbidden { .. })
            ),
            "{who} acknowledged"
        );
    }
    // City staff cannot do counter work.
    s.sign_in("C001");
    assert!(matches!(
        s.store.book(
            d(DAY),
            t(11, 0),
            Channel::Phone,
            vec![person(2, &[Procedure::CardIssue])],
            ""
        ),
        Err(Error::Forbidden { .. })
    ));
    // The manager and the deputy may do every management action.
    for who in ["M001", "D001"] {
        s.sign_in(who);
        for (what, action) in &actions[..6] {
            assert!(action(&s.store).is_ok(), "{who} may {what}");
        }
    }
    s.sign_in("D001");
    assert!(actions[6].1(&s.store).is_ok(), "the deputy resolves");
}

#[test]
fn city_staff_acknowledge_with_their_own_pin_at_a_counter_seat() {
    let s = site();
    s.at(9, 30);
    let number = case_to_hand_over(&s);
    s.store
        .visit_step(number, 0, VisitStep::HandOver { to: "C001".into() })
        .unwrap();
    // Counter staff stay signed in; the city staff member types their own ID and PIN.
    assert!(matches!(
        s.store
            .city_staff_step(number, 0, ack(), "C001", &Pin::new("0000")),
        Err(Error::WrongPin)
    ));
    assert!(matches!(
        s.store
            .city_staff_step(number, 0, ack(), "S001", &Pin::new("3456")),
        Err(Error::Forbidden { .. })
    ));
    let case = s
        .store
        .city_staff_step(number, 0, ack(), "C001", &Pin::new("4567"))
        .unwrap();
    assert_eq!(case.state, VisitState::Acknowledged);
    assert_eq!(
        s.store.signed_in().unwrap().map(|a| a.label()),
        Some("S001".to_string()),
        "the seat's own sign-in is unchanged"
    );
    // Counter staff cannot complete; the city staff member does, with their PIN.
    assert!(matches!(
        s.store.visit_step(number, 0, VisitStep::Complete),
        Err(Error::Forbidden { .. })
    ));
    let done = s
        .store
        .city_staff_step(number, 0, VisitStep::Complete, "C001", &Pin::new("4567"))
        .unwrap();
    assert_eq!(done.state, VisitState::Completed);
    let history = s.store.case_history(number, 0).unwrap();
    let last: Vec<&str> = history
        .iter()
        .rev()
        .take(2)
        .map(|e| e.staff.as_str())
        .collect();
    assert_eq!(
        last,
        ["C001", "C001"],
        "the acknowledgment and completion are the city staff member's"
    );
    assert_eq!(history[0].staff, "S001");
}

/// An acknowledgment in someone else's name: core puts the PIN holder's own ID in it.
fn ack() -> VisitStep {
    VisitStep::Acknowledge {
        by: "someone else".into(),
    }
}

fn complaint() -> NewInquiry {
    NewInquiry {
        kind: InquiryKind::Complaint,
        channel: InquiryChannel::Visitor,
        category: InquiryCategory::Service,
        minutes: 20,
        summary: Personal::new("待ち時間が長いとのご意見（ヤマダ様）"),
        outcome: "お詫びし、混雑状況を説明".into(),
        referred: false,
    }
}

#[test]
fn a_complaint_goes_through_its_response_procedure_and_an_inquiry_is_logged() {
    let s = site();
    s.sign_in("S001");
    let q = s
        .store
        .record_inquiry(NewInquiry {
            kind: InquiryKind::Inquiry,
            channel: InquiryChannel::Phone,
            category: InquiryCategory::OutsideCardWork,
            minutes: 3,
            summary: Personal::new("転入届の受付時間"),
            outcome: "市のガイドブックで案内".into(),
            referred: false,
        })
        .unwrap();
    assert_eq!(q.status, InquiryStatus::Answered);
    assert!(matches!(
        s.store.complaint_step(q.id, ComplaintStep::Respond, "x"),
        Err(Error::NotAllowed(_))
    ));

    let c = s.store.record_inquiry(complaint()).unwrap();
    assert_eq!(c.status, InquiryStatus::Received);
    let c = s
        .store
        .complaint_step(c.id, ComplaintStep::Respond, "再度お詫び")
        .unwrap();
    assert!(matches!(
        s.store
            .complaint_step(c.id, ComplaintStep::EscalateCity, "市へ"),
        Err(Error::NotAllowed(_))
    ));
    let c = s
        .store
        .complaint_step(c.id, ComplaintStep::EscalateManager, "管理者へ報告")
        .unwrap();
    let c = s
        .store
        .complaint_step(c.id, ComplaintStep::EscalateCity, "市民課へ報告")
        .unwrap();
    assert_eq!(c.status, InquiryStatus::EscalatedCity);
    assert!(matches!(
        s.store.complaint_step(c.id, ComplaintStep::Resolve, "解決"),
        Err(Error::Forbidden { .. })
    ));
    s.sign_in("M001");
    let c = s
        .store
        .complaint_step(c.id, ComplaintStep::Resolve, "窓口を1席増やして解決")
        .unwrap();
    assert_eq!(c.status, InquiryStatus::Resolved);
    assert_eq!(
        c.steps
            .iter()
            .map(|st| (st.step, st.staff.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (ComplaintStep::Respond, "S001"),
            (ComplaintStep::EscalateManager, "S001"),
            (ComplaintStep::EscalateCity, "S001"),
            (ComplaintStep::Resolve, "M001"),
        ]
    );
    assert!(
        s.store
            .complaint_step(c.id, ComplaintStep::Note, "追記")
            .is_err(),
        "closed"
    );
    let listed = s.store.inquiries(d(DAY), d(DAY)).unwrap();
    assert_eq!(listed.len(), 2);
}

#[test]
fn lent_materials_are_returned_and_confirmed_by_city_staff() {
    let s = site();
    s.sign_in("M001");
    let m = s
        .store
        .lend(NewLentMaterial {
            item: "事務処理要領".into(),
            quantity: 2,
            lent_on: d(DAY),
            lent_by: "市民課 マイナンバー係".into(),
            kept_at: "施錠キャビネットA".into(),
            note: String::new(),
        })
        .unwrap();
    assert!(matches!(
        s.store.confirm_return(m.id, "C001", &Pin::new("4567")),
        Err(Error::NotAllowed(_))
    ));
    s.store
        .return_material(m.id, d(DAY) + Duration::days(90))
        .unwrap();
    assert!(matches!(
        s.store.confirm_return(m.id, "D001", &Pin::new("2345")),
        Err(Error::Forbidden { .. })
    ));
    let done = s
        .store
        .confirm_return(m.id, "C001", &Pin::new("4567"))
        .unwrap();
    assert_eq!(done.return_confirmed_by.as_deref(), Some("C001"));
    s.sign_in("S001");
    assert!(matches!(
        s.store.lend(NewLentMaterial {
            item: "x".into(),
            quantity: 1,
            lent_on: d(DAY),
            lent_by: "x".into(),
            kept_at: "x".into(),
            note: String::new(),
        }),
        Err(Error::Forbidden { .. })
    ));
}

fn audited_site() -> Site {
    let s = site();
    s.at(9, 30);
    let number = case_to_hand_over(&s);
    s.store
        .visit_step(number, 0, VisitStep::HandOver { to: "C001".into() })
        .unwrap();
    s.store.day_board(d(DAY)).unwrap();
    s.sign_in("M001");
    s
}

#[test]
fn the_audit_trail_records_changes_reads_and_refusals_and_verifies_intact() {
    let s = audited_site();
    let v = s.store.verify_audit().unwrap();
    assert!(v.intact(), "{:?}", v.problems);
    assert!(v.entries > 10);
    let trail = s.store.audit_trail(1000).unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "book",
        "check_in",
        "visit_step",
        "read:day_board",
        "sign_in",
        "staff_add",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert!(
        trail
            .iter()
            .all(|e| !e.subject.contains("ヤマダ") && !e.detail.contains("ヤマダ")),
        "no names in the trail"
    );
    // Refusals are recorded too.
    s.sign_in("S001");
    let _ = s.store.attendance(d(DAY), d(DAY));
    s.sign_in("M001");
    assert!(s
        .store
        .audit_trail(10)
        .unwrap()
        .iter()
        .any(|e| e.action == "denied" && e.actor == "S001"));
}
