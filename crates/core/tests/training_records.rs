//! Training records and the security gate (研修記録: seed 000 §8(3), seed 002 §11ソ,
//! §16(4)(5); docs/design/paperwork.md §3.2), as a signed-in manager keeps them.
use madoguchi_core::{
    paperwork::training::{
        AttendanceMark, NewTrainingSession, TrainingFlag, TrainingPhase, TrainingResult,
        TrainingTopic,
    },
    people::Role,
    store::{NewStaff, Pin},
    Error, Store,
};

mod common;
use common::{d, store, store_with_clock, trained, DAY};

fn session(topic: TrainingTopic, held_on: &str) -> NewTrainingSession {
    NewTrainingSession {
        held_on: d(held_on),
        starts: Some(common::t(10, 0)),
        minutes: 90,
        topic,
        phase: TrainingPhase::PreService,
        title: "個人情報保護と守秘義務".into(),
        trainer: "情報セキュリティ 講師".into(),
        trainer_code: None,
        material: "研修資料 第2版".into(),
        city_approved: true,
    }
}

fn mark(code: &str, attended: bool, result: Option<TrainingResult>) -> AttendanceMark {
    AttendanceMark {
        staff_code: code.into(),
        attended,
        result,
        score: None,
    }
}

fn add(s: &Store, code: &str, role: Role) -> madoguchi_core::store::StaffMember {
    s.add_staff(NewStaff {
        code: code.into(),
        name: format!("職員 {code}"),
        role,
        pin: Pin::new("1234"),
    })
    .unwrap()
}

/// A manager added by the site administrator, signed in.
fn manager_store() -> (tempfile::TempDir, Store) {
    let (tmp, s) = store();
    add(&s, "M001", Role::Manager);
    add(&s, "S001", Role::Staff);
    add(&s, "S002", Role::Staff);
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    (tmp, s)
}

#[test]
fn a_security_session_records_a_result_per_attendee() {
    let (_tmp, s) = manager_store();
    let held = s
        .record_training_session(
            session(TrainingTopic::PrivacySecurity, "2026-11-20"),
            vec![
                mark("S001", true, Some(TrainingResult::Passed)),
                mark("S002", true, Some(TrainingResult::Failed)),
                mark("M001", false, None),
            ],
        )
        .unwrap();
    let results: Vec<_> = held
        .attendance
        .iter()
        .map(|a| (a.staff_code.as_str(), a.attended, a.result))
        .collect();
    assert_eq!(
        results,
        [
            ("M001", false, None),
            ("S001", true, Some(TrainingResult::Passed)),
            ("S002", true, Some(TrainingResult::Failed)),
        ]
    );
    assert_eq!(held.created_by, "M001");
    // An attendee of a security session without a result is refused.
    assert!(matches!(
        s.set_training_attendance(held.id, vec![mark("M001", true, None)]),
        Err(Error::Invalid(_))
    ));
    // A retake later passes.
    s.set_training_attendance(
        held.id,
        vec![mark("S002", true, Some(TrainingResult::Retake))],
    )
    .unwrap();

    let status = s.training_status(d(DAY)).unwrap();
    let of = |code: &str| status.iter().find(|m| m.code == code).unwrap().clone();
    assert_eq!(of("S001").security_passed_on, Some(d("2026-11-20")));
    assert_eq!(of("S001").security_valid_until, Some(d("2027-11-20")));
    assert!(!of("S001").flags.contains(&TrainingFlag::SecurityMissing));
    assert!(
        of("S001").flags.contains(&TrainingFlag::PreServiceMissing),
        "procedures and customer service not yet"
    );
    assert!(of("S002").flags.contains(&TrainingFlag::SecurityMissing));
    assert!(of("M001").flags.contains(&TrainingFlag::SecurityMissing));

    // A session of another topic does not need results; a cancelled one counts for nothing.
    let other = s
        .record_training_session(
            session(TrainingTopic::Procedures, "2026-11-21"),
            vec![mark("S001", true, None)],
        )
        .unwrap();
    assert!(s.training_status(d(DAY)).unwrap()[1]
        .topics
        .iter()
        .any(|t| t.topic == TrainingTopic::Procedures));
    s.cancel_training_session(other.id).unwrap();
    assert!(!s.training_status(d(DAY)).unwrap()[1]
        .topics
        .iter()
        .any(|t| t.topic == TrainingTopic::Procedures));

    // Counter staff may not read or record training.
    s.sign_in("S001", &Pin::new("1234")).unwrap();
    assert!(matches!(
        s.training_status(d(DAY)),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.record_training_session(session(TrainingTopic::Ethics, DAY), vec![]),
        Err(Error::Forbidden { .. })
    ));
}

#[test]
fn an_untrained_member_is_added_inactive_and_cannot_be_activated() {
    let (_tmp, s) = manager_store();
    let new = add(&s, "S003", Role::Staff);
    assert!(!new.active, "added inactive");
    assert!(matches!(
        s.sign_in("S003", &Pin::new("1234")),
        Err(Error::WrongPin)
    ));
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    match s.update_staff("S003", Role::Staff, true) {
        Err(e @ Error::SecurityTrainingMissing { .. }) => {
            assert_eq!(
                serde_json::to_value(e.code()).unwrap(),
                "security_training_missing"
            )
        }
        other => panic!("{other:?}"),
    }
    // A failed result is not enough.
    s.record_training_session(
        session(TrainingTopic::PrivacySecurity, DAY),
        vec![mark("S003", true, Some(TrainingResult::Failed))],
    )
    .unwrap();
    assert!(matches!(
        s.update_staff("S003", Role::Staff, true),
        Err(Error::SecurityTrainingMissing { .. })
    ));
    // Passed: now they may be made active, and sign in.
    trained(&s, &["S003"]);
    assert!(s
        .staff()
        .unwrap()
        .iter()
        .any(|m| m.code == "S003" && m.active));
    s.sign_in("S003", &Pin::new("1234")).unwrap();
    // City staff are never gated, but a city staff member made a contractor's member is.
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    assert!(add(&s, "C001", Role::CityStaff).active);
    assert!(matches!(
        s.update_staff("C001", Role::Staff, true),
        Err(Error::SecurityTrainingMissing { .. })
    ));
    assert_eq!(
        s.staff()
            .unwrap()
            .iter()
            .find(|m| m.code == "C001")
            .map(|m| m.role),
        Some(Role::CityStaff)
    );
}

#[test]
fn the_site_actor_may_add_an_untrained_member_and_it_is_audited() {
    let (_tmp, s) = store();
    assert!(add(&s, "S001", Role::Staff).active);
    let trail = s.audit_trail(50).unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "staff_added_untrained" && e.subject == "S001"),
        "{trail:?}"
    );
}

#[test]
fn security_training_expires_after_the_city_s_months() {
    let (_tmp, s, clock) = store_with_clock("窓口1", d("2026-04-01").and_hms_opt(9, 0, 0).unwrap());
    add(&s, "M001", Role::Manager);
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    let new = add(&s, "S001", Role::Staff);
    assert!(!new.active);
    trained(&s, &["S001"]);
    let flags = |s: &Store, day: &str| {
        s.training_status(d(day))
            .unwrap()
            .into_iter()
            .find(|m| m.code == "S001")
            .unwrap()
            .flags
    };
    assert!(!flags(&s, "2026-06-01").iter().any(|f| matches!(
        f,
        TrainingFlag::SecurityExpired
            | TrainingFlag::SecurityExpiring
            | TrainingFlag::SecurityMissing
    )));
    assert!(flags(&s, "2027-03-20").contains(&TrainingFlag::SecurityExpiring));
    assert!(flags(&s, "2027-04-02").contains(&TrainingFlag::SecurityExpired));

    // A year on, a member taken off and put back on needs the training again.
    *clock.lock().unwrap() = d("2027-04-05").and_hms_opt(9, 0, 0).unwrap();
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    s.update_staff("S001", Role::Staff, false).unwrap();
    assert!(matches!(
        s.update_staff("S001", Role::Staff, true),
        Err(Error::SecurityTrainingMissing { .. })
    ));
    trained(&s, &["S001"]);
    assert!(!flags(&s, "2027-04-06").contains(&TrainingFlag::SecurityExpired));
    assert!(s
        .staff()
        .unwrap()
        .iter()
        .any(|m| m.code == "S001" && m.active));
}

#[test]
fn a_result_needs_attendance() {
    let (_tmp, s) = manager_store();
    assert!(matches!(
        s.record_training_session(
            session(TrainingTopic::PrivacySecurity, DAY),
            vec![mark("S001", false, Some(TrainingResult::Passed))],
        ),
        Err(Error::Invalid(_))
    ));
    assert!(
        s.training_sessions(d(DAY), d(DAY)).unwrap().is_empty(),
        "nothing recorded"
    );
    assert!(matches!(
        s.record_training_session(
            NewTrainingSession {
                title: "個人番号 123456789018 の件".into(),
                ..session(TrainingTopic::Ethics, DAY)
            },
            vec![],
        ),
        Err(Error::IndividualNumberInText { .. })
    ));
    assert!(matches!(
        s.record_training_session(
            session(TrainingTopic::Ethics, DAY),
            vec![mark("NOBODY", true, None)],
        ),
        Err(Error::NotFound(_))
    ));
}
