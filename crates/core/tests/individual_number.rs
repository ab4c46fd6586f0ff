//! Issue 18: every free-text field refuses an individual number (個人番号) in any notation, in the
//! domain's apply (so the CLI and the hub, which execute the same apply, refuse it too), and
//! reasons are codes from the lists, the city's own included.
use madoguchi_core::{
    checklist::{CheckOutcome, Stage},
    error::ErrorCode,
    inquiry::{ComplaintStep, InquiryCategory, InquiryChannel, InquiryKind, NewInquiry},
    lending::NewLentMaterial,
    mutation::{ConflictMutation, Mutation},
    reason::{CityReason, ReasonKind},
    reservation::{Channel, Procedure},
    visit::VisitStep,
    Error, Personal, Store,
};

mod common;
use common::{d, person, ready_input, t, DAY};

/// 123456789018 has a valid check digit; written the way people write it.
const NUMBERS: [&str; 3] = [
    "1234 5678 9018",
    "１２３４－５６７８－９０１８",
    "123456789018",
];

fn refused<T: std::fmt::Debug>(r: madoguchi_core::Result<T>, field: &str) {
    match r {
        Err(e @ Error::IndividualNumberInText { .. }) => {
            assert_eq!(e.code(), ErrorCode::IndividualNumberInText);
            let message = e.to_string();
            assert!(message.contains(field), "{message}");
            assert!(
                !message.contains("9018") && !message.contains("９０１８"),
                "{message}"
            );
        }
        other => panic!("{field}: expected a refusal, got {other:?}"),
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let (tmp, s, _clock) = common::store_with_clock("窓口1", d(DAY).and_hms_opt(9, 0, 0).unwrap());
    madoguchi_core::demo::seed_staff(&s).unwrap();
    (tmp, s)
}

#[test]
fn every_free_text_field_refuses_an_individual_number() {
    let (_tmp, s) = store();
    for n in NUMBERS {
        let note = format!("本人の番号 {n} を聞いた");
        refused(
            s.book(
                d(DAY),
                t(10, 0),
                Channel::Phone,
                vec![person(1, &[Procedure::CardIssue])],
                &note,
            ),
            "booking note",
        );
        let inquiry = |summary: &str, outcome: &str| NewInquiry {
            kind: InquiryKind::Complaint,
            channel: InquiryChannel::Phone,
            category: InquiryCategory::Other,
            minutes: 5,
            summary: Personal::new(summary),
            outcome: outcome.into(),
            referred: false,
        };
        refused(s.record_inquiry(inquiry(&note, "")), "inquiry summary");
        refused(
            s.record_inquiry(inquiry("待ち時間", &note)),
            "inquiry outcome",
        );
        let complaint = s.record_inquiry(inquiry("待ち時間", "説明")).unwrap();
        refused(
            s.complaint_step(complaint.id, ComplaintStep::Respond, &note),
            "complaint step note",
        );
        let lent = |note: &str| NewLentMaterial {
            item: "事務処理要領".into(),
            quantity: 1,
            lent_on: d(DAY),
            lent_by: "市民課".into(),
            kept_at: "キャビネットA".into(),
            note: note.into(),
        };
        refused(s.lend(lent(&note)), "lending note");
        refused(
            s.execute(Mutation::Conflict(ConflictMutation::ResolveConflict {
                id: uuid::Uuid::nil(),
                resolution: note.clone(),
            })),
            "conflict resolution",
        );
        refused(
            s.set_form_count(d(DAY), 3, Some("other"), &note),
            "form-count note",
        );
    }

    // The case workflow: a revisit reason, a cancel reason, the checklist's revisit reason.
    let r = s
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    s.check_in(r.number).unwrap();
    s.visit_step(r.number, 0, VisitStep::Call { seat_no: 1 })
        .unwrap();
    for n in NUMBERS {
        refused(
            s.visit_step(
                r.number,
                0,
                VisitStep::Revisit {
                    reason: format!("番号{n}"),
                    code: Some("other".into()),
                },
            ),
            "revisit reason",
        );
        refused(
            s.visit_step(
                r.number,
                0,
                VisitStep::Cancel {
                    reason: n.into(),
                    code: None,
                },
            ),
            "cancel reason",
        );
        refused(
            s.record_check_outcome(
                r.number,
                0,
                CheckOutcome::Revisit {
                    reason: n.into(),
                    missing: vec![],
                    code: Some("identity_documents".into()),
                },
            ),
            "revisit reason",
        );
    }
    // Nothing was stored: the case still stands where it was.
    assert_eq!(s.case(r.number, 0).unwrap().end_reason, "");
    // Other numbers are fine: a phone number in a note is personal data the store may hold.
    s.record_checklist(r.number, 0, Stage::Counter, ready_input())
        .unwrap();
    s.visit_step(
        r.number,
        0,
        VisitStep::Revisit {
            reason: "090-1234-5678 に連絡".into(),
            code: Some("identity_documents".into()),
        },
    )
    .unwrap();
}

#[test]
fn reasons_are_codes_from_the_lists_and_the_city_can_add_its_own() {
    let (_tmp, s) = store();
    let r = s
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    s.check_in(r.number).unwrap();
    let unknown = s.visit_step(
        r.number,
        0,
        VisitStep::Cancel {
            reason: String::new(),
            code: Some("city_rain".into()),
        },
    );
    assert!(matches!(unknown, Err(Error::Invalid(_))), "{unknown:?}");

    let rain = CityReason {
        kind: ReasonKind::Cancel,
        code: "city_rain".into(),
        label: "荒天のため".into(),
        active: true,
    };
    s.set_city_reasons(vec![rain.clone()]).unwrap();
    assert_eq!(s.city_reasons().unwrap(), vec![rain.clone()]);
    let c = s
        .visit_step(
            r.number,
            0,
            VisitStep::Cancel {
                reason: String::new(),
                code: Some("city_rain".into()),
            },
        )
        .unwrap();
    assert_eq!(c.end_code, "city_rain");

    // A code in use is retired, never dropped; labels cannot carry data.
    assert!(matches!(
        s.set_city_reasons(vec![]),
        Err(Error::NotAllowed(_))
    ));
    let retired = CityReason {
        active: false,
        ..rain.clone()
    };
    s.set_city_reasons(vec![retired.clone()]).unwrap();
    let phone = CityReason {
        code: "city_call".into(),
        label: "090-1234-5678へ連絡".into(),
        ..rain
    };
    assert!(s.set_city_reasons(vec![retired, phone]).is_err());

    // The day's figures count the code.
    let report = s.daily_report(d(DAY));
    if let Ok(report) = report {
        assert_eq!(
            report.figures.cancel_reasons,
            vec![("city_rain".to_string(), 1)]
        );
    }
}
