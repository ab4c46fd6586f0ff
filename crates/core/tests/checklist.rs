//! The shipped checklist rules as a file: every procedure × applicant type has its items, every
//! rule is sourced and dated, the previous format (and a city's override of it) still loads,
//! the city's changes say whose they are, broken files keep the last good rules, phone vs
//! counter, the intake script asks only the facts that matter, and the Japanese page matches.
//! The realistic cases, one by one, are in `checklist_scenarios.rs`.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use madoguchi_core::{
    checklist::{
        CaseInput, ItemKind, ItemState, Mark, PresentedDocument, Rules, Stage, SECOND_VISIT_NOTICE,
    },
    reservation::{ApplicantType, Procedure},
    Error,
};

use ApplicantType::*;
use Procedure::*;

const PREVIOUS: &str = include_str!("checklist_fixtures/rules-2026-11-23.toml");

fn rules() -> &'static Rules {
    Rules::bundled()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn facts(list: &[&str]) -> BTreeMap<String, bool> {
    list.iter().map(|f| (f.to_string(), true)).collect()
}

fn ids(procedures: &[Procedure], who: ApplicantType, list: &[&str]) -> Vec<String> {
    rules()
        .items_on(procedures, who, &facts(list), day("2026-12-07"))
        .into_iter()
        .map(|i| i.id.clone())
        .collect()
}

fn doc(id: &str) -> PresentedDocument {
    PresentedDocument {
        document: id.into(),
        expired: false,
    }
}

/// A case on 2026-12-07 where every non-identity item is presented and identity items get
/// `documents`.
fn counter_case(
    procedures: &[Procedure],
    who: ApplicantType,
    list: &[&str],
    documents: &[(&str, Vec<PresentedDocument>)],
) -> CaseInput {
    let on = day("2026-12-07");
    let marks = rules()
        .items_on(procedures, who, &facts(list), on)
        .into_iter()
        .map(|i| (i.id.clone(), Mark::Presented))
        .collect();
    CaseInput {
        procedures: procedures.to_vec(),
        applicant_type: who,
        facts: facts(list),
        marks,
        documents: documents
            .iter()
            .map(|(item, docs)| (item.to_string(), docs.clone()))
            .collect(),
        date: Some(on),
    }
}

#[test]
fn every_procedure_and_applicant_type_has_its_items() {
    // (procedure, who, facts, the items expected, in order) on 2026-12-07
    let table: &[(Procedure, ApplicantType, &[&str], &[&str])] = &[
        (
            CardIssue,
            ApplicantSelf,
            &[],
            &["notice_postcard", "holder_id"],
        ),
        (
            CardIssue,
            LegalRepresentative,
            &["same_household"],
            &[
                "notice_postcard",
                "holder_id_when_absent",
                "postcard_answer_sealed",
                "representative_id",
            ],
        ),
        (
            CardIssue,
            Proxy,
            &["reason_hospital"],
            &[
                "proxy_postcard",
                "pin_envelope",
                "holder_id_for_proxy",
                "agent_id",
                "proof_cannot_come",
            ],
        ),
        (
            CardReissue,
            ApplicantSelf,
            &["lost_outside"],
            &["holder_id", "police_report", "reissue_fee"],
        ),
        (
            CardReissue,
            LegalRepresentative,
            &["lost_at_home", "same_household"],
            &["representative_id", "loss_account", "reissue_fee"],
        ),
        (
            CardReissue,
            Proxy,
            &["burnt"],
            &[
                "applicant_id",
                "reissue_proxy_letter",
                "disaster_certificate",
                "reissue_fee",
            ],
        ),
        (
            DetailsChange,
            ApplicantSelf,
            &[],
            &[
                "card_itself",
                "holder_id",
                "pin4_known",
                "signature_cert_lapses",
            ],
        ),
        (
            DetailsChange,
            LegalRepresentative,
            &["honseki_in_city"],
            &[
                "card_itself",
                "representative_id",
                "pin4_known",
                "signature_cert_lapses",
            ],
        ),
        (
            DetailsChange,
            Proxy,
            &["same_household"],
            &[
                "card_itself",
                "applicant_id",
                "pin4_known_household",
                "signature_cert_lapses",
            ],
        ),
        (
            CertificateIssue,
            ApplicantSelf,
            &[],
            &["card_itself", "pins_known"],
        ),
        (
            CertificateIssue,
            LegalRepresentative,
            &["minor_under_15", "same_household"],
            &[
                "card_itself",
                "representative_photo_id",
                "pins_known",
                "no_signature_cert",
            ],
        ),
        (
            CertificateIssue,
            Proxy,
            &[],
            &["card_itself", "agent_photo_id"],
        ),
        (
            CertificateRenewal,
            ApplicantSelf,
            &["pin_forgotten"],
            &["card_itself", "pin_reset"],
        ),
        (
            CertificateRenewal,
            LegalRepresentative,
            &["adult_ward"],
            &[
                "card_itself",
                "representative_photo_id",
                "guardianship_certificate",
                "pins_known",
                "no_signature_cert",
            ],
        ),
        (
            CertificateRenewal,
            Proxy,
            &[],
            &["card_itself", "agent_photo_id", "jlis_answer_form"],
        ),
        // 申請サポート: the photo is taken there, so the holder comes; no card that day.
        (
            ApplicationSupport,
            ApplicantSelf,
            &[],
            &[
                "support_form",
                "support_photo",
                "support_holder_id",
                "support_no_card_today",
            ],
        ),
        (
            ApplicationSupport,
            LegalRepresentative,
            &[],
            &[
                "support_form",
                "support_photo",
                "support_holder_must_come",
                "support_holder_id",
                "representative_id",
                "proof_of_representation",
                "support_no_card_today",
            ],
        ),
        (
            ApplicationSupport,
            LegalRepresentative,
            &["holder_comes", "same_household"],
            &[
                "support_form",
                "support_photo",
                "support_holder_id",
                "representative_id",
                "support_no_card_today",
            ],
        ),
        (ApplicationSupport, Proxy, &[], &["support_needs_holder"]),
    ];
    for (procedure, who, list, expected) in table {
        assert_eq!(
            ids(&[*procedure], *who, list),
            *expected,
            "{procedure:?} / {who:?} / {list:?}"
        );
    }
    for p in Procedure::ALL {
        for t in ApplicantType::ALL {
            assert!(
                table.iter().any(|(tp, tt, _, _)| tp == p && tt == t),
                "{p:?} / {t:?} untested"
            );
        }
    }
}

#[test]
fn every_rule_names_a_source_with_an_address_and_the_day_it_was_read() {
    let r = rules();
    let keys = r
        .items
        .iter()
        .map(|i| i.source.clone())
        .chain(r.paths.iter().map(|p| p.source.clone()))
        .chain(
            r.documents
                .iter()
                .map(|d| d.source.clone().expect("document source")),
        )
        .chain(
            r.facts
                .iter()
                .map(|f| f.source.clone().expect("fact source")),
        )
        .chain(
            r.requirements
                .iter()
                .map(|q| q.source.clone().expect("requirement source")),
        );
    for key in keys {
        let source = r.source(&key).unwrap();
        if key == "city" {
            continue;
        }
        assert!(source.url.starts_with("http"), "{key}: {source:?}");
        assert!(
            [day("2026-11-29"), day("2026-11-30")].contains(&source.read.unwrap()),
            "{key}"
        );
    }
}

#[test]
fn the_previous_rules_file_still_loads_and_judges_as_before() {
    // Read as a city's override (a file written before 申請サポート existed takes that
    // procedure's bundled rules), which is how the app reads it.
    assert!(Rules::parse(PREVIOUS, "checklist-rules.toml").is_err());
    let old = Rules::parse_override(PREVIOUS, "checklist-rules.toml", Rules::bundled())
        .expect("the 2026-11-23 format loads");
    assert_eq!(old.version, "2026-11-23 national defaults");
    // Its one-line sources become a title and an address.
    let source = old.source("jlis_proxy").unwrap();
    assert!(source.title.starts_with("J-LIS"), "{source:?}");
    assert_eq!(
        source.url,
        "https://www.kojinbango-card.go.jp/kofu/dairinin/"
    );
    // Nothing in it is dated: it judges the same on any day, with one visit.
    let case = CaseInput {
        procedures: vec![CardIssue],
        applicant_type: ApplicantSelf,
        marks: [("notice_postcard".to_string(), Mark::Presented)].into(),
        documents: [(
            "holder_id".to_string(),
            vec![doc("health_insurance"), doc("pension_book")],
        )]
        .into(),
        date: Some(day("2027-01-05")),
        ..CaseInput::default()
    };
    let e = old.evaluate(&case, Stage::Counter);
    assert!(e.ready && e.visits.finishes_today, "{:?}", e.missing);
    // A city's override in that format loads as an override too, and its items are the city's.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checklist-rules.toml");
    std::fs::write(&path, PREVIOUS).unwrap();
    let (city, error) = Rules::load_override(&path, rules());
    assert!(error.is_none(), "{error:?}");
    assert_eq!(city.version, old.version);
    assert_eq!(
        city.item("answer_form").unwrap().owner.as_deref(),
        Some("市"),
        "an item the national rules no longer have is the city's"
    );
}

#[test]
fn an_expired_id_does_not_count_and_says_so() {
    let expired = PresentedDocument {
        document: "driving_licence".into(),
        expired: true,
    };
    let e = rules().evaluate(
        &counter_case(
            &[CardIssue],
            ApplicantSelf,
            &[],
            &[("holder_id", vec![expired])],
        ),
        Stage::Counter,
    );
    assert!(!e.ready);
    let ItemState::Missing { reason } = &e
        .items
        .iter()
        .find(|i| i.item == "holder_id")
        .unwrap()
        .state
    else {
        panic!()
    };
    assert!(reason.contains("有効期限切れ"), "{reason}");
}

#[test]
fn a_document_out_of_force_on_the_day_says_until_when() {
    let e = rules().evaluate(
        &counter_case(
            &[CardIssue],
            ApplicantSelf,
            &[],
            &[(
                "holder_id",
                vec![doc("health_insurance"), doc("pension_book")],
            )],
        ),
        Stage::Counter,
    );
    let ItemState::Missing { reason } = &e
        .items
        .iter()
        .find(|i| i.item == "holder_id")
        .unwrap()
        .state
    else {
        panic!()
    };
    assert!(
        reason.contains("2025年12月1日までのため使えません"),
        "{reason}"
    );
}

#[test]
fn on_the_phone_oral_confirmation_is_enough_at_the_counter_it_is_not() {
    let on = day("2026-12-07");
    let marks = rules()
        .items_on(&[CardIssue], ApplicantSelf, &BTreeMap::new(), on)
        .into_iter()
        .map(|i| (i.id.clone(), Mark::ConfirmedOrally))
        .collect();
    let case = CaseInput {
        procedures: vec![CardIssue],
        applicant_type: ApplicantSelf,
        marks,
        date: Some(on),
        ..CaseInput::default()
    };
    assert!(rules().evaluate(&case, Stage::Phone).ready);
    let at_counter = rules().evaluate(&case, Stage::Counter);
    assert_eq!(at_counter.missing, vec!["notice_postcard", "holder_id"]);
}

#[test]
fn old_cards_and_notices_are_listed_but_never_block() {
    let mut case = counter_case(
        &[CardIssue],
        ApplicantSelf,
        &["has_old_cards"],
        &[("holder_id", vec![doc("passport")])],
    );
    case.marks.remove("old_cards");
    let e = rules().evaluate(&case, Stage::Counter);
    assert!(e.ready);
    assert_eq!(
        e.items
            .iter()
            .find(|i| i.item == "old_cards")
            .unwrap()
            .state,
        ItemState::ToReturn
    );
    let mut case = counter_case(
        &[CertificateRenewal],
        ApplicantSelf,
        &["face_auth_card"],
        &[],
    );
    case.marks.clear();
    case.marks.insert("card_itself".into(), Mark::Presented);
    let e = rules().evaluate(&case, Stage::Counter);
    assert!(e.ready, "{:?}", e.missing);
    let notice = e
        .items
        .iter()
        .find(|i| i.item == "no_signature_cert")
        .unwrap();
    assert_eq!(
        (notice.kind, &notice.state),
        (ItemKind::Notice, &ItemState::Notice)
    );
}

#[test]
fn the_intake_script_asks_only_the_facts_that_matter() {
    let on = day("2026-12-07");
    let asked = |procedures: &[Procedure], who, answers: &[&str]| -> Vec<String> {
        rules()
            .intake_script_on(procedures, who, &facts(answers), on)
            .facts
            .iter()
            .map(|f| f.id.clone())
            .collect()
    };
    assert_eq!(
        asked(&[CardIssue], ApplicantSelf, &[]),
        vec!["has_old_cards"]
    );
    assert_eq!(
        asked(&[CardIssue], Proxy, &[]),
        vec!["has_old_cards", "cannot_come_reason"]
    );
    assert_eq!(
        asked(&[CardIssue], LegalRepresentative, &[]),
        vec![
            "adult_ward",
            "holder_comes",
            "same_household",
            "honseki_in_city",
            "has_old_cards"
        ]
    );
    // Same household: the 本籍 question no longer matters.
    assert!(
        !asked(&[CardIssue], LegalRepresentative, &["same_household"])
            .contains(&"honseki_in_city".to_string())
    );
    assert_eq!(
        asked(&[CertificateRenewal], Proxy, &[]),
        vec![
            "face_auth_card",
            "pin_forgotten",
            "certificate_expired",
            "second_visit"
        ],
        "the PIN mismatch is asked at the counter only"
    );
    assert_eq!(
        asked(&[CardReissue], ApplicantSelf, &[]),
        vec!["loss_kind", "express_issue"]
    );
    assert!(
        !asked(&[CardReissue], ApplicantSelf, &[]).is_empty()
            && !rules()
                .intake_script_on(
                    &[CardReissue],
                    ApplicantSelf,
                    &BTreeMap::new(),
                    day("2024-06-03")
                )
                .facts
                .iter()
                .any(|f| f.id == "express_issue"),
        "特急発行 is not offered before 2024-12-02"
    );
    let script = rules().intake_script_on(&[CardIssue], ApplicantSelf, &BTreeMap::new(), on);
    assert_eq!(
        script.items[0].question,
        "交付通知書（はがき）をお持ちですか？"
    );
    assert!(script.visits.finishes_today && script.say.is_empty());
    for who in ApplicantType::ALL {
        for p in Procedure::ALL {
            let script = rules().intake_script_on(&[*p], *who, &BTreeMap::new(), on);
            assert!(
                script
                    .items
                    .iter()
                    .all(|l| !l.question.contains("暗証番号を教")),
                "PINs are never asked"
            );
        }
    }
}

#[test]
fn the_phone_script_says_two_visits_before_booking_and_reads_back_the_counters_list() {
    let on = day("2026-12-07");
    let script = rules().intake_script_on(&[CertificateIssue], Proxy, &BTreeMap::new(), on);
    assert!(!script.visits.finishes_today);
    assert_eq!(script.say[0], SECOND_VISIT_NOTICE);
    assert!(script.say[1].contains("文書照会"), "{:?}", script.say);
    // The bring-list is the counter checklist's items for the same case (less what is said).
    let counter: Vec<String> = rules()
        .evaluate(
            &CaseInput {
                procedures: vec![CertificateIssue],
                applicant_type: Proxy,
                date: Some(on),
                ..CaseInput::default()
            },
            Stage::Counter,
        )
        .items
        .iter()
        .filter(|i| {
            !matches!(
                i.kind,
                ItemKind::Oral | ItemKind::Notice | ItemKind::Refusal
            )
        })
        .map(|i| i.label.clone())
        .collect();
    assert_eq!(script.bring, counter);
}

#[test]
fn a_city_override_changes_a_rule_shows_whose_it_is_and_a_broken_one_keeps_the_last_good_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checklist-rules.toml");
    // The city accepts two B documents only with a photo among them.
    let text = include_str!("../../../assets/checklist/rules.toml")
        .replace(
            &format!("version = \"{}\"", rules().version),
            "version = \"city 2026-12\"",
        )
        .replace(
            "combos = [{ a = 1 }, { b = 2 }]\nunless = \"express_issue\"",
            "combos = [{ a = 1 }, { b = 2, photo = 1 }]\nunless = \"express_issue\"",
        );
    std::fs::write(&path, &text).unwrap();
    let (city, error) = Rules::load_override(&path, rules());
    assert!(error.is_none(), "{error:?}");
    assert_eq!(city.version, "city 2026-12");
    let two_b = counter_case(
        &[CardIssue],
        ApplicantSelf,
        &[],
        &[(
            "holder_id",
            vec![doc("qualification_certificate"), doc("pension_book")],
        )],
    );
    assert!(rules().evaluate(&two_b, Stage::Counter).ready);
    let e = city.evaluate(&two_b, Stage::Counter);
    assert!(!e.ready, "the override is in force");
    let holder = e.items.iter().find(|i| i.item == "holder_id").unwrap();
    assert_eq!(
        holder.owner.as_deref(),
        Some("市"),
        "the changed rule is the city's"
    );
    let postcard = e
        .items
        .iter()
        .find(|i| i.item == "notice_postcard")
        .unwrap();
    assert_eq!(postcard.owner, None, "unchanged rules stay national");

    // A broken file: the error names the file and the line; the last good rules stay.
    let broken = text.replace("kind = \"sealed\"", "kind = \"sealed\nnext = 1");
    std::fs::write(&path, &broken).unwrap();
    let (kept, error) = Rules::load_override(&path, &city);
    assert_eq!(kept.version, "city 2026-12");
    let Some(Error::RulesInvalid {
        path: p,
        line: Some(line),
        ..
    }) = error
    else {
        panic!("{error:?}")
    };
    assert!(p.ends_with("checklist-rules.toml"));
    let expected = broken
        .lines()
        .position(|l| l.starts_with("kind = \"sealed"))
        .unwrap()
        + 1;
    assert_eq!(line, expected);

    // Well-formed but naming an unknown item, or a date that is not one: the line of it.
    for (from, to, needle) in [
        (
            "items = [\"card_itself\", \"pins_known\", \"pin_reset\", \"no_signature_cert\"]",
            "items = [\"card_itself\", \"pins_knwon\"]",
            "pins_knwon",
        ),
        (
            "valid_until = 2025-12-01",
            "valid_until = \"2025-13-01\"",
            "2025-13-01",
        ),
    ] {
        let bad = text.replacen(from, to, 1);
        assert_ne!(bad, text, "{from}");
        std::fs::write(&path, &bad).unwrap();
        let (_, error) = Rules::load_override(&path, &city);
        let Some(Error::RulesInvalid {
            line: Some(line),
            message,
            ..
        }) = error
        else {
            panic!("{error:?}")
        };
        assert!(
            message.contains(needle) || bad.lines().nth(line - 1).unwrap().contains(needle),
            "{message}"
        );
    }
    // No override: the bundled rules.
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        Rules::load_override(&path, rules()).0.version,
        rules().version
    );
}

#[test]
fn the_japanese_rules_page_lists_every_rule_with_its_source_and_dates() {
    let page = include_str!("../../../docs/checklist-rules.ja.md");
    assert!(
        page.contains(&rules().version),
        "docs/checklist-rules.ja.md is for another version of the rules: run scripts/checklist-rules-doc.py"
    );
    for item in &rules().items {
        assert!(
            page.contains(&item.label) && page.contains(&item.explain),
            "{} is not in the docs page",
            item.id
        );
    }
    for path in &rules().paths {
        assert!(
            page.contains(&path.reason),
            "{} is not in the docs page",
            path.id
        );
    }
    for (key, source) in &rules().sources {
        assert!(
            page.contains(&source.title)
                && page.contains(&source.url)
                && page.contains(&format!("`{key}`")),
            "{key} is not in the docs page"
        );
    }
    for (label, date) in [
        ("健康保険証（従来のもの）", "2025-12-01まで"),
        ("資格確認書（健康保険）", "2024-12-02から"),
    ] {
        let line = page.lines().find(|l| l.contains(label)).unwrap();
        assert!(line.contains(date), "{line}");
    }
}
