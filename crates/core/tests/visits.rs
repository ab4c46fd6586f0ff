//! The counter workflow in the store: a full visit from check-in to city staff's
//! acknowledgment and completion, a revisit, refused steps, queue figures, the chain of custody,
//! and the day's reconciliation of application forms (matching and not).

use chrono::Duration;
use madoguchi_core::{
    checklist::{CaseInput, CheckOutcome, Mark, PresentedDocument, Stage},
    reservation::{Channel, Procedure},
    reservation_number::ReservationNumber,
    store::ProcedureBundle,
    visit::{VisitState, VisitStep},
    Error, Store,
};

mod common;
use common::{d, person, ready_input, t, TestClock, DAY};

/// A store whose clock the test moves.
fn store_with_clock() -> (tempfile::TempDir, Store, TestClock) {
    let (tmp, store, clock) =
        common::store_with_clock("窓口2", d(DAY).and_hms_opt(8, 30, 0).unwrap());
    madoguchi_core::demo::seed_staff(&store).unwrap();
    (tmp, store, clock)
}

fn at(clock: &TestClock, h: u32, m: u32) {
    *clock.lock().unwrap() = d(DAY).and_hms_opt(h, m, 0).unwrap();
}

/// Marks the checklist complete and ready (a driving licence and the postcard).
fn ready(s: &Store, number: ReservationNumber) {
    s.record_checklist(number, 0, Stage::Counter, ready_input())
        .unwrap();
    s.record_check_outcome(number, 0, CheckOutcome::Ready)
        .unwrap();
}

#[test]
fn a_full_visit_from_check_in_to_acknowledgment_with_its_chain_of_custody() {
    let (_tmp, s, clock) = store_with_clock();
    let r = s
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    at(&clock, 9, 50);
    s.check_in(r.number).unwrap();
    assert_eq!(s.case(r.number, 0).unwrap().state, VisitState::Waiting);

    at(&clock, 10, 2);
    let called = s.call_next(2).unwrap().unwrap();
    assert_eq!(
        (called.number, called.seat_no, called.waiting_minutes),
        (r.number, Some(2), 12)
    );
    assert!(s.call_next(3).unwrap().is_none(), "nobody else waits");

    // The checklist must be ready before it is verified.
    let err = s
        .visit_step(r.number, 0, VisitStep::VerifyChecklist)
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotAllowed(m) if m.contains("checklist")),
        "{err:?}"
    );
    ready(&s, r.number);
    at(&clock, 10, 8);
    s.visit_step(r.number, 0, VisitStep::VerifyChecklist)
        .unwrap();
    at(&clock, 10, 15);
    s.visit_step(r.number, 0, VisitStep::CheckForms).unwrap();
    // A bundle short of the city's list for the procedure is refused, naming how many lack.
    let needed = s.case(r.number, 0).unwrap().bundle_items;
    assert_eq!(needed, s.bundle_items(&[Procedure::CardIssue]).unwrap());
    assert!(needed.len() >= 2, "{needed:?}");
    let err = s
        .visit_step(
            r.number,
            0,
            VisitStep::PrepareBundle {
                items: needed[1..].to_vec(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotAllowed(m) if m.contains("lacks 1")),
        "{err:?}"
    );
    s.visit_step(
        r.number,
        0,
        VisitStep::PrepareBundle {
            items: needed.clone(),
        },
    )
    .unwrap();
    at(&clock, 10, 20);
    let handed = s
        .visit_step(r.number, 0, VisitStep::HandOver { to: "C001".into() })
        .unwrap();
    assert_eq!(
        (handed.state, handed.service_minutes),
        (VisitState::HandedOver, Some(18))
    );
    assert_eq!(s.handoff_queue(d(DAY)).unwrap().len(), 1);

    // Only the one it was handed to acknowledges; then city staff complete.
    assert!(s
        .visit_step(r.number, 0, VisitStep::Acknowledge { by: "S001".into() })
        .is_err());
    at(&clock, 10, 21);
    s.visit_step(r.number, 0, VisitStep::Acknowledge { by: "C001".into() })
        .unwrap();
    assert!(s.handoff_queue(d(DAY)).unwrap().is_empty());
    at(&clock, 10, 40);
    assert_eq!(
        s.visit_step(r.number, 0, VisitStep::Complete)
            .unwrap()
            .state,
        VisitState::Completed
    );
    assert!(
        s.visit_step(
            r.number,
            0,
            VisitStep::Cancel {
                reason: "x".into(),
                code: None
            }
        )
        .is_err(),
        "ended"
    );

    let history = s.case_history(r.number, 0).unwrap();
    let states: Vec<_> = history.iter().map(|e| e.state_after).collect();
    assert_eq!(
        states,
        vec![
            VisitState::Called,
            VisitState::ChecklistVerified,
            VisitState::FormsChecked,
            VisitState::BundlePrepared,
            VisitState::HandedOver,
            VisitState::Acknowledged,
            VisitState::Completed
        ]
    );
    assert!(history.iter().all(|e| e.seat == "窓口2"));
    assert!(history.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(history[4].step, VisitStep::HandOver { to: "C001".into() });
    let kinds: Vec<_> = s
        .pending_mutations()
        .unwrap()
        .into_iter()
        .map(|(_, m)| m.kind())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "visit_step").count(), 7);
}

#[test]
fn a_revisit_ends_the_case_with_its_reason_and_late_arrivals_wait_their_turn() {
    let (_tmp, s, clock) = store_with_clock();
    let early = s
        .book(
            d(DAY),
            t(9, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    let later = s
        .book(
            d(DAY),
            t(9, 15),
            Channel::Phone,
            vec![person(2, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    at(&clock, 9, 10);
    s.check_in(early.number).unwrap(); // ten minutes late
    s.check_in(later.number).unwrap(); // early for 9:15
    let order: Vec<_> = s
        .cases_on(d(DAY))
        .unwrap()
        .into_iter()
        .map(|c| c.number)
        .collect();
    assert_eq!(
        order,
        vec![later.number, early.number],
        "late arrivals after those on time"
    );
    let first = s.call_next(1).unwrap().unwrap();
    assert_eq!(first.number, later.number);
    let revisit = s
        .visit_step(
            later.number,
            0,
            VisitStep::Revisit {
                reason: "本人確認書類が不足".into(),
                code: None,
            },
        )
        .unwrap();
    assert_eq!(
        (
            revisit.state,
            revisit.end_reason.as_str(),
            revisit.end_code.as_str()
        ),
        (VisitState::Revisit, "本人確認書類が不足", "other"),
        "words alone (as before codes) count as other"
    );
    assert!(s
        .visit_step(
            later.number,
            0,
            VisitStep::Revisit {
                reason: " ".into(),
                code: None
            }
        )
        .is_err());
}

#[test]
fn the_form_count_is_reconciled_against_the_handoffs_including_a_mismatch() {
    let (_tmp, s, clock) = store_with_clock();
    let one = s
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    let two = s
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(
                2,
                &[Procedure::CardIssue, Procedure::CertificateRenewal],
            )],
            "",
        )
        .unwrap();
    at(&clock, 9, 55);
    for r in [&one, &two] {
        s.check_in(r.number).unwrap();
        s.call_next(1).unwrap();
        let input = CaseInput {
            marks: [
                ("notice_postcard".to_string(), Mark::Presented),
                ("card_itself".to_string(), Mark::Presented),
                ("pins_known".to_string(), Mark::ConfirmedOrally),
            ]
            .into(),
            documents: [(
                "holder_id".to_string(),
                vec![PresentedDocument {
                    document: "passport".into(),
                    expired: false,
                }],
            )]
            .into(),
            ..CaseInput::default()
        };
        s.record_checklist(r.number, 0, Stage::Counter, input)
            .unwrap();
        s.record_check_outcome(r.number, 0, CheckOutcome::Ready)
            .unwrap();
        let items = s.case(r.number, 0).unwrap().bundle_items;
        for step in [
            VisitStep::VerifyChecklist,
            VisitStep::CheckForms,
            VisitStep::PrepareBundle { items },
            VisitStep::HandOver { to: "C001".into() },
        ] {
            s.visit_step(r.number, 0, step).unwrap();
        }
    }
    s.visit_step(one.number, 0, VisitStep::Acknowledge { by: "C001".into() })
        .unwrap();

    let before = s.reconcile(d(DAY)).unwrap();
    assert_eq!(
        (before.counted, before.recorded, before.difference),
        (None, 3, None),
        "1 + 2 forms"
    );
    assert_eq!(
        before
            .unacknowledged
            .iter()
            .map(|c| c.number)
            .collect::<Vec<_>>(),
        vec![two.number],
        "day end: still to acknowledge"
    );

    let matched = s.set_form_count(d(DAY), 3, None, "").unwrap();
    assert_eq!(matched.difference, Some(0));
    let off = s
        .set_form_count(d(DAY), 4, Some("spoiled"), "書き損じ 1 枚を含む")
        .unwrap();
    assert_eq!(
        (off.counted, off.difference, off.note.as_str()),
        (Some(4), Some(1), "書き損じ 1 枚を含む")
    );
    assert_eq!(off.cases.len(), 2);
    // Another day has nothing recorded.
    assert_eq!(s.reconcile(d(DAY) + Duration::days(1)).unwrap().recorded, 0);
}

#[test]
fn a_walk_in_joins_the_same_flow() {
    let (_tmp, s, clock) = store_with_clock();
    at(&clock, 11, 2);
    let w = s
        .walk_in(s.now(), vec![person(5, &[Procedure::CertificateRenewal])])
        .unwrap();
    let case = s.case(w.number, 0).unwrap();
    assert_eq!(
        (case.state, case.checked_in_at),
        (VisitState::Waiting, d(DAY).and_hms_opt(11, 2, 0).unwrap())
    );
    assert!(
        s.case(
            s.book(
                d(DAY),
                t(14, 0),
                Channel::Phone,
                vec![person(6, &[Procedure::CardIssue])],
                ""
            )
            .unwrap()
            .number,
            0
        )
        .is_err(),
        "not checked in: no case"
    );
}

#[test]
fn the_city_sets_each_procedures_bundle_and_form_count() {
    let (_tmp, s, _clock) = store_with_clock();
    let both = s
        .bundle_items(&[Procedure::CardIssue, Procedure::CardReissue])
        .unwrap();
    let shared = "本人確認記録票".to_string();
    assert_eq!(
        both.iter().filter(|i| **i == shared).count(),
        1,
        "a document both procedures need is listed once: {both:?}"
    );
    s.set_procedure_bundle(ProcedureBundle {
        procedure: Procedure::CertificateRenewal,
        forms: 2,
        items: vec![" 更新申請書 ".into(), "".into(), "委任状".into()],
    })
    .unwrap();
    let renewal = s
        .procedure_bundles()
        .unwrap()
        .into_iter()
        .find(|b| b.procedure == Procedure::CertificateRenewal)
        .unwrap();
    assert_eq!(
        (renewal.forms, renewal.items),
        (2, vec!["更新申請書".to_string(), "委任状".to_string()]),
        "trimmed, blanks dropped"
    );
    for bad in [
        ProcedureBundle {
            procedure: Procedure::CardIssue,
            forms: 11,
            items: vec!["x".into()],
        },
        ProcedureBundle {
            procedure: Procedure::CardIssue,
            forms: 1,
            items: vec![" ".into()],
        },
    ] {
        assert!(matches!(
            s.set_procedure_bundle(bad).unwrap_err(),
            Error::Invalid(_)
        ));
    }
}

/// 申請サポート (issue 21): 15 minutes by default, and its bundle is the filled-in application
/// with its photo (what city staff send on to J-LIS); it issues no card.
#[test]
fn application_support_is_a_procedure_of_its_own_with_its_bundle() {
    let (_tmp, s, _clock) = store_with_clock();
    let support = s
        .procedure_bundles()
        .unwrap()
        .into_iter()
        .find(|b| b.procedure == Procedure::ApplicationSupport)
        .expect("a store from the migrations has 申請サポート");
    assert_eq!(support.forms, 1);
    assert_eq!(
        support.items,
        vec!["個人番号カード交付申請書（顔写真貼付）".to_string()]
    );
    assert_eq!(
        s.procedure_minutes().unwrap()[&Procedure::ApplicationSupport],
        15
    );
    assert!(!s
        .bundle_items(&[Procedure::ApplicationSupport])
        .unwrap()
        .iter()
        .any(|i| i.contains("交付通知書")));
}
