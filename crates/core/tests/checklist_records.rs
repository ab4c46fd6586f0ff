//! Checklists in the store: the phone intake recorded with the booking, the counter
//! checklist with its history, ready refused while something is missing, a revisit with its
//! reason, and the second visit picking up the first.
use std::collections::BTreeMap;

use madoguchi_core::{
    checklist::{CheckOutcome, Mark, PresentedDocument, Stage},
    reservation::{Channel, PhoneIntake, Procedure},
    Error,
};

mod common;
use common::{d, person, store, t, DAY};

fn marks(items: &[(&str, Mark)]) -> BTreeMap<String, Mark> {
    items.iter().map(|(i, m)| (i.to_string(), *m)).collect()
}

#[test]
fn phone_intake_then_a_missing_document_at_the_counter_leads_to_a_revisit_that_picks_up() {
    let (_tmp, s) = store();
    let intake = PhoneIntake {
        position: 0,
        facts: BTreeMap::from([("has_old_cards".to_string(), true)]),
        marks: marks(&[
            ("notice_postcard", Mark::ConfirmedOrally),
            ("holder_id", Mark::ConfirmedOrally),
        ]),
    };
    let r = s
        .book_with_intake(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
            vec![intake],
            None,
        )
        .unwrap();
    let c = s.checklist(r.number).unwrap();
    let p = &c.people[0];
    assert!(
        p.phone.as_ref().unwrap().ready,
        "confirmed orally is enough on the phone"
    );
    assert!(!p.counter.ready, "not at the counter");
    assert_eq!(
        p.counter_input.facts.get("has_old_cards"),
        Some(&true),
        "the counter starts from the phone's facts"
    );

    // At the counter: the postcard is there, the ID is one B document only.
    let mut input = p.counter_input.clone();
    input.marks = marks(&[
        ("notice_postcard", Mark::Presented),
        ("holder_id", Mark::Presented),
    ]);
    input.documents.insert(
        "holder_id".into(),
        vec![PresentedDocument {
            document: "health_insurance".into(),
            expired: false,
        }],
    );
    let c = s
        .record_checklist(r.number, 0, Stage::Counter, input.clone())
        .unwrap();
    assert_eq!(c.people[0].counter.missing, vec!["holder_id"]);
    assert!(matches!(
        s.record_check_outcome(r.number, 0, CheckOutcome::Ready)
            .unwrap_err(),
        Error::NotAllowed(_)
    ));
    assert!(matches!(
        s.record_check_outcome(
            r.number,
            0,
            CheckOutcome::Revisit {
                reason: " ".into(),
                missing: vec![],
                code: None,
            }
        )
        .unwrap_err(),
        Error::Invalid(_)
    ));
    let revisit = CheckOutcome::Revisit {
        reason: "本人確認書類が B 1点のみ".into(),
        missing: vec!["holder_id".into()],
        code: Some("identity_documents".into()),
    };
    let c = s
        .record_check_outcome(r.number, 0, revisit.clone())
        .unwrap();
    assert_eq!(c.people[0].outcome, Some(revisit));

    // Who recorded what, when.
    let history = s.checklist_history(r.number, 0).unwrap();
    assert_eq!(history.len(), 2 + 2, "two phone marks, two counter marks");
    assert!(history
        .iter()
        .all(|(_, _, by, at)| by == "窓口1" && at.starts_with(DAY)));

    // The second visit continues the first: its counter checklist starts from the first's.
    // (The first booking does not count against "one booking per person": this replaces it.)
    let second = s
        .book_with_intake(
            d("2026-12-03"),
            t(9, 0),
            Channel::Counter,
            vec![person(1, &[Procedure::CardIssue])],
            "",
            vec![],
            Some(r.number),
        )
        .unwrap();
    let c2 = s.checklist(second.number).unwrap();
    assert_eq!(c2.revisit_of, Some(r.number));
    assert!(c2.people[0].carried_over);
    assert_eq!(
        c2.people[0].counter_input.marks.get("notice_postcard"),
        Some(&Mark::Presented)
    );
    // Now with a driving licence: ready.
    let mut input = c2.people[0].counter_input.clone();
    input.documents.insert(
        "holder_id".into(),
        vec![PresentedDocument {
            document: "driving_licence".into(),
            expired: false,
        }],
    );
    s.record_checklist(second.number, 0, Stage::Counter, input)
        .unwrap();
    let c2 = s
        .record_check_outcome(second.number, 0, CheckOutcome::Ready)
        .unwrap();
    assert_eq!(c2.people[0].outcome, Some(CheckOutcome::Ready));
    assert!(!c2.people[0].carried_over);

    // Every step went through the mutation log.
    let kinds: Vec<_> = s
        .pending_mutations()
        .unwrap()
        .iter()
        .map(|(_, m)| m.kind())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "record_checklist").count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "record_check_outcome")
            .count(),
        2
    );
}

#[test]
fn intake_for_a_person_who_is_not_in_the_booking_is_refused_and_nothing_is_booked() {
    let (_tmp, s) = store();
    let intake = PhoneIntake {
        position: 3,
        ..PhoneIntake::default()
    };
    let err = s
        .book_with_intake(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
            vec![intake],
            None,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert!(s.reservations_on(d(DAY)).unwrap().is_empty());
}

#[test]
fn the_store_uses_a_valid_city_override_and_reports_a_broken_one() {
    use madoguchi_core::{DataDir, Passphrase, Store};
    let (tmp, s) = store();
    let bundled = s.status().unwrap().checklist_rules;
    drop(s);
    let dir = DataDir::at(tmp.path());
    let open = || {
        Store::open(&dir, &Passphrase::new("test passphrase".into()))
            .unwrap()
            .act_as_site("tests")
    };
    let rules = include_str!("../../../assets/checklist/rules.toml");

    std::fs::write(
        dir.checklist_rules(),
        rules.replace(&format!("version = \"{bundled}\""), "version = \"city v2\""),
    )
    .unwrap();
    let status = open().status().unwrap();
    assert_eq!(
        (
            status.checklist_rules.as_str(),
            status.checklist_rules_error
        ),
        ("city v2", None)
    );

    std::fs::write(dir.checklist_rules(), "version = \"city v3\"\n[[items]\n").unwrap();
    let status = open().status().unwrap();
    assert_eq!(
        status.checklist_rules, "city v2",
        "falls back to the last good rules, even after a restart"
    );
    let error = status.checklist_rules_error.unwrap();
    assert!(
        error.contains("checklist-rules.toml") && error.contains("line 2"),
        "{error}"
    );
    // The data directory check knows the file.
    assert!(dir.inventory().unwrap().iter().all(|f| f.kind.is_some()));
    // Removing the override goes back to the national defaults.
    std::fs::remove_file(dir.checklist_rules()).unwrap();
    assert_eq!(open().status().unwrap().checklist_rules, bundled);
}

#[test]
fn a_second_visit_booked_as_a_revisit_is_judged_on_its_own_day_and_takes_the_second_visit_path() {
    use madoguchi_core::reservation::ApplicantType;
    let (_tmp, s) = store();
    // A proxy renewing a certificate that has expired: the sealed form cannot be used, so the
    // first visit is for 文書照会 (J-LIS / city pages in assets/checklist/rules.toml,
    // `renewal_form_expiry`).
    let mut proxy = person(1, &[Procedure::CertificateRenewal]);
    proxy.1 = ApplicantType::Proxy;
    let first = s
        .book_with_intake(
            d("2026-12-02"),
            t(10, 0),
            Channel::Phone,
            vec![proxy.clone()],
            "",
            vec![PhoneIntake {
                position: 0,
                facts: BTreeMap::from([("certificate_expired".to_string(), true)]),
                marks: BTreeMap::new(),
            }],
            None,
        )
        .unwrap();
    let c = s.checklist(first.number).unwrap();
    assert_eq!(
        c.people[0].counter.on,
        d("2026-12-02"),
        "the visit's day, not today"
    );
    assert!(
        !c.people[0].counter.visits.finishes_today,
        "an expired certificate by proxy is two visits"
    );
    // The second visit, linked to the first: the rules see it as the second visit at once.
    let second = s
        .book_with_intake(
            d("2026-12-10"),
            t(10, 0),
            Channel::Phone,
            vec![proxy],
            "",
            vec![],
            Some(first.number),
        )
        .unwrap();
    let c2 = s.checklist(second.number).unwrap();
    let counter = &c2.people[0].counter;
    assert_eq!(counter.on, d("2026-12-10"));
    assert_eq!(
        c2.people[0].counter_input.facts.get("second_visit"),
        Some(&true)
    );
    assert!(
        counter.visits.finishes_today,
        "the second visit finishes the renewal: {:?}",
        counter.visits.reasons
    );
}
