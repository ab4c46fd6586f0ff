//! The roster's details and submissions (従事者名簿, seed 000 §8(2)カ, seed 002 §11チ;
//! docs/design/paperwork.md §3.1), as a signed-in manager keeps them.
use madoguchi_core::{
    paperwork::roster::{Duty, Employment, RosterChangeKind, RosterSubmissionKind, StaffDetails},
    people::Role,
    store::{NewStaff, Pin},
    Error, Store,
};

mod common;
use common::{d, store, trained, DAY};

/// A store with a manager (M001), a deputy (D001) and two staff, all trained and active,
/// and the manager signed in.
fn roster_store() -> (tempfile::TempDir, Store) {
    let (tmp, s) = store();
    for (code, name, role) in [
        ("M001", "管理 一郎", Role::Manager),
        ("D001", "副 二郎", Role::Deputy),
        ("S001", "窓口 花子", Role::Staff),
        ("S002", "電話 太郎", Role::Staff),
        ("C001", "市役所 田中", Role::CityStaff),
    ] {
        s.add_staff(NewStaff {
            code: code.into(),
            name: name.into(),
            role,
            pin: Pin::new("1234"),
        })
        .unwrap();
    }
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    (tmp, s)
}

fn details(code: &str) -> StaffDetails {
    StaffDetails {
        code: code.into(),
        assigned_from: Some(d("2026-10-01")),
        assigned_until: None,
        employment: Employment::Regular,
        duties: vec![Duty::Counter],
        experience: "市区町村窓口での個人番号カード交付業務 3年".into(),
        experience_years: Some(3),
        pledge_on: Some(d("2026-09-20")),
    }
}

#[test]
fn the_change_report_lists_who_joined_left_or_changed_role_since_the_last_submission() {
    let (_tmp, s) = roster_store();
    let first = s.record_roster_submission(d(DAY), d(DAY), None).unwrap();
    let codes: Vec<_> = first.lines.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(
        codes,
        ["M001", "D001", "S001", "S002"],
        "city staff are not on it"
    );
    assert!(s.roster_changes().unwrap().changes.is_empty());

    // A new member, trained and made active; S002 leaves; S001 becomes deputy; D001 takes the phone.
    s.add_staff(NewStaff {
        code: "S003".into(),
        name: "新人 三郎".into(),
        role: Role::Staff,
        pin: Pin::new("1234"),
    })
    .unwrap();
    trained(&s, &["S003"]);
    s.set_staff_details(StaffDetails {
        assigned_from: Some(d("2026-11-15")),
        assigned_until: Some(d("2026-11-30")),
        ..details("S002")
    })
    .unwrap();
    s.update_staff("S001", Role::Deputy, true).unwrap();
    s.set_staff_details(StaffDetails {
        duties: vec![Duty::Phone, Duty::Management],
        ..details("D001")
    })
    .unwrap();

    let report = s.roster_changes().unwrap();
    assert_eq!(report.since_id, Some(first.id));
    assert_eq!(report.since_on, Some(d(DAY)));
    let got: Vec<_> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (RosterChangeKind::Joined, "S003"),
            (RosterChangeKind::Left, "S002"),
            (RosterChangeKind::RoleChanged, "S001"),
            (RosterChangeKind::Changed, "D001"),
        ]
    );
    let left = &report.changes[1];
    assert_eq!(left.effective_on, Some(d("2026-11-30")), "the end date");
    assert_eq!(report.changes[2].previous_role, Some(Role::Staff));
    assert!(report.changes[3].fields.contains(&"duties".to_string()));

    // Once the change is submitted, nothing is pending.
    let second = s.record_roster_submission(d(DAY), d(DAY), None).unwrap();
    assert_eq!(second.kind, RosterSubmissionKind::Change);
    assert!(s.roster_changes().unwrap().changes.is_empty());
}

#[test]
fn a_first_submission_is_initial_and_later_ones_are_changes() {
    let (_tmp, s) = roster_store();
    assert!(s.roster_submissions().unwrap().is_empty());
    let first = s.record_roster_submission(d(DAY), d(DAY), None).unwrap();
    assert_eq!(first.kind, RosterSubmissionKind::Initial);
    assert_eq!(first.recorded_by, "M001");
    let later = s
        .record_roster_submission(d(DAY), d("2026-12-02"), None)
        .unwrap();
    assert_eq!(later.kind, RosterSubmissionKind::Change);
    let all = s.roster_submissions().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, later.id, "newest first");
    assert!(matches!(
        s.record_roster_submission(d(DAY), d("2026-11-30"), None),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn a_manager_without_regular_employment_or_experience_is_flagged() {
    let (_tmp, s) = roster_store();
    let flagged = |s: &Store, code: &str| {
        s.roster(d(DAY))
            .unwrap()
            .into_iter()
            .find(|l| l.code == code)
            .unwrap()
            .manager_requirements
    };
    assert!(
        flagged(&s, "M001"),
        "no details: nothing shows the requirement is met"
    );
    assert!(!flagged(&s, "S001"), "staff are not held to it");
    s.set_staff_details(details("M001")).unwrap();
    assert!(!flagged(&s, "M001"));
    s.set_staff_details(StaffDetails {
        employment: Employment::Dispatched,
        ..details("M001")
    })
    .unwrap();
    assert!(flagged(&s, "M001"), "not 正規雇用");
    s.set_staff_details(StaffDetails {
        experience: "  ".into(),
        ..details("D001")
    })
    .unwrap();
    assert!(flagged(&s, "D001"), "no experience");
}

#[test]
fn a_member_starting_later_is_listed_last_as_planned_and_one_who_left_is_not_listed() {
    let (_tmp, s) = roster_store();
    s.set_staff_details(StaffDetails {
        assigned_from: Some(d("2027-01-04")),
        ..details("S001")
    })
    .unwrap();
    s.set_staff_details(StaffDetails {
        assigned_until: Some(d("2026-11-30")),
        ..details("S002")
    })
    .unwrap();
    let lines = s.roster(d(DAY)).unwrap();
    let codes: Vec<_> = lines.iter().map(|l| (l.code.as_str(), l.planned)).collect();
    assert_eq!(codes, [("M001", false), ("D001", false), ("S001", true)]);
    let m = &lines[0];
    assert!(m.security_passed_on.is_none());
}

#[test]
fn staff_cannot_read_or_change_the_roster_and_words_are_guarded() {
    let (_tmp, s) = roster_store();
    assert!(matches!(
        s.set_staff_details(StaffDetails {
            experience: "個人番号 123456789018 の件".into(),
            ..details("S001")
        }),
        Err(Error::IndividualNumberInText { .. })
    ));
    assert!(matches!(
        s.set_staff_details(details("C001")),
        Err(Error::NotAllowed(_))
    ));
    s.sign_in("S001", &Pin::new("1234")).unwrap();
    assert!(matches!(s.roster(d(DAY)), Err(Error::Forbidden { .. })));
    assert!(matches!(s.roster_changes(), Err(Error::Forbidden { .. })));
    assert!(matches!(
        s.set_staff_details(details("S001")),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        s.record_roster_submission(d(DAY), d(DAY), None),
        Err(Error::Forbidden { .. })
    ));
}
