//! The shipped checklist rules, table-driven: every procedure × applicant type, and the hard
//! cases (a proxy receiving a card, a minor, an expired ID, a combined card + certificate
//! visit, a renewal with a forgotten PIN); overrides and malformed files.
use std::collections::BTreeMap;

use madoguchi_core::{
    checklist::{CaseInput, ItemState, Mark, PresentedDocument, Rules, Stage},
    reservation::{ApplicantType, Procedure},
    Error,
};

use ApplicantType::*;
use Procedure::*;

fn rules() -> &'static Rules {
    Rules::bundled()
}

fn ids(procedures: &[Procedure], who: ApplicantType, facts: &[&str]) -> Vec<String> {
    let facts: BTreeMap<String, bool> = facts.iter().map(|f| (f.to_string(), true)).collect();
    rules()
        .items_for(procedures, who, &facts)
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

/// A case where every non-identity item is presented and identity items get `documents`.
fn counter_case(
    procedures: &[Procedure],
    who: ApplicantType,
    facts: &[&str],
    documents: &[(&str, Vec<PresentedDocument>)],
) -> CaseInput {
    let facts: BTreeMap<String, bool> = facts.iter().map(|f| (f.to_string(), true)).collect();
    let marks = rules()
        .items_for(procedures, who, &facts)
        .into_iter()
        .map(|i| (i.id.clone(), Mark::Presented))
        .collect();
    CaseInput {
        procedures: procedures.to_vec(),
        applicant_type: who,
        facts,
        marks,
        documents: documents
            .iter()
            .map(|(item, docs)| (item.to_string(), docs.clone()))
            .collect(),
    }
}

#[test]
fn every_procedure_and_applicant_type_has_its_items() {
    // (procedure, who, facts, the items expected, in order)
    let table: &[(Procedure, ApplicantType, &[&str], &[&str])] = &[
        (
            CardIssue,
            ApplicantSelf,
            &[],
            &["notice_postcard", "holder_id"],
        ),
        (
            CardIssue,
            ApplicantSelf,
            &["has_old_cards"],
            &["notice_postcard", "holder_id", "old_cards"],
        ),
        (
            CardIssue,
            LegalRepresentative,
            &["minor_under_15"],
            &[
                "notice_postcard",
                "minor_present",
                "holder_id",
                "representative_id",
                "proof_of_representation",
            ],
        ),
        (
            CardIssue,
            LegalRepresentative,
            &["adult_ward"],
            &[
                "notice_postcard",
                "holder_id",
                "representative_id",
                "proof_of_representation",
                "guardianship_certificate",
            ],
        ),
        (
            CardIssue,
            Proxy,
            &[],
            &[
                "notice_postcard",
                "proxy_letter",
                "answer_form",
                "holder_id_for_proxy",
                "agent_id",
                "proof_cannot_come",
                "pin_envelope",
            ],
        ),
        (
            CardReissue,
            ApplicantSelf,
            &["card_lost"],
            &["holder_id", "police_report", "reissue_fee"],
        ),
        (
            CardReissue,
            LegalRepresentative,
            &[],
            &[
                "holder_id",
                "representative_id",
                "proof_of_representation",
                "reissue_fee",
            ],
        ),
        (
            CardReissue,
            Proxy,
            &[],
            &[
                "proxy_letter",
                "answer_form",
                "holder_id_for_proxy",
                "agent_id",
                "reissue_fee",
            ],
        ),
        (
            DetailsChange,
            ApplicantSelf,
            &[],
            &["card_itself", "holder_id"],
        ),
        (
            DetailsChange,
            LegalRepresentative,
            &[],
            &[
                "card_itself",
                "representative_id",
                "proof_of_representation",
            ],
        ),
        (
            DetailsChange,
            Proxy,
            &[],
            &["card_itself", "proxy_letter", "agent_id"],
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
            &[],
            &[
                "card_itself",
                "representative_id",
                "proof_of_representation",
                "pins_known",
            ],
        ),
        (
            CertificateIssue,
            Proxy,
            &[],
            &[
                "card_itself",
                "proxy_letter",
                "answer_form",
                "agent_id",
                "pin_envelope",
            ],
        ),
        (
            CertificateRenewal,
            ApplicantSelf,
            &[],
            &["card_itself", "pins_known"],
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
            &["minor_under_15"],
            &[
                "card_itself",
                "minor_present",
                "representative_id",
                "proof_of_representation",
                "pins_known",
            ],
        ),
        (
            CertificateRenewal,
            Proxy,
            &[],
            &[
                "card_itself",
                "proxy_letter",
                "answer_form",
                "agent_id",
                "pin_envelope",
            ],
        ),
    ];
    for (procedure, who, facts, expected) in table {
        assert_eq!(
            ids(&[*procedure], *who, facts),
            *expected,
            "{procedure:?} / {who:?} / {facts:?}"
        );
    }
    // Every pair of the shipped rules is covered by the table above.
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
fn every_item_names_an_official_source() {
    for item in &rules().items {
        let source = &rules().sources[&item.source];
        assert!(
            source.contains("J-LIS") || source.contains("総務省") || source.contains("市"),
            "{}: {source}",
            item.id
        );
    }
}

#[test]
fn holder_identity_needs_one_a_or_two_b() {
    let at_counter = |docs: Vec<PresentedDocument>| {
        rules().evaluate(
            &counter_case(&[CardIssue], ApplicantSelf, &[], &[("holder_id", docs)]),
            Stage::Counter,
        )
    };
    assert!(at_counter(vec![doc("driving_licence")]).ready);
    assert!(at_counter(vec![doc("health_insurance"), doc("pension_book")]).ready);
    let one_b = at_counter(vec![doc("health_insurance")]);
    assert!(!one_b.ready);
    assert_eq!(one_b.missing, vec!["holder_id"]);
}

#[test]
fn the_second_visit_of_a_document_inquiry_needs_the_answer_form_and_one_id() {
    let case = counter_case(
        &[CardIssue],
        ApplicantSelf,
        &["document_inquiry"],
        &[("holder_id_with_answer", vec![doc("health_insurance")])],
    );
    assert!(rules().evaluate(&case, Stage::Counter).ready);
    let mut without_answer = case.clone();
    without_answer.marks.remove("second_visit_answer");
    assert_eq!(
        rules().evaluate(&without_answer, Stage::Counter).missing,
        vec!["second_visit_answer"]
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
fn a_proxy_receiving_a_card_needs_both_identities_and_the_paperwork() {
    let docs = |holder: Vec<PresentedDocument>, agent: Vec<PresentedDocument>| {
        rules().evaluate(
            &counter_case(
                &[CardIssue],
                Proxy,
                &[],
                &[("holder_id_for_proxy", holder), ("agent_id", agent)],
            ),
            Stage::Counter,
        )
    };
    // Holder: two A, or A + B, or three B with a photo; agent: two A or A + B.
    assert!(
        docs(
            vec![doc("passport"), doc("health_insurance")],
            vec![doc("driving_licence"), doc("pension_book")]
        )
        .ready
    );
    assert!(
        docs(
            vec![
                doc("health_insurance"),
                doc("pension_book"),
                doc("student_card")
            ],
            vec![doc("driving_licence"), doc("passport")]
        )
        .ready
    );
    let no_photo = docs(
        vec![
            doc("health_insurance"),
            doc("pension_book"),
            doc("maternal_handbook"),
        ],
        vec![doc("driving_licence"), doc("passport")],
    );
    assert_eq!(
        no_photo.missing,
        vec!["holder_id_for_proxy"],
        "three B without a photo"
    );
    let agent_one_a = docs(
        vec![doc("passport"), doc("driving_licence")],
        vec![doc("driving_licence")],
    );
    assert_eq!(agent_one_a.missing, vec!["agent_id"]);
    // The sealed PIN envelope is only ever "there or not".
    let mut case = counter_case(
        &[CardIssue],
        Proxy,
        &[],
        &[
            (
                "holder_id_for_proxy",
                vec![doc("passport"), doc("driving_licence")],
            ),
            ("agent_id", vec![doc("passport"), doc("driving_licence")]),
        ],
    );
    case.marks.insert("pin_envelope".into(), Mark::Missing);
    case.marks.insert("proof_cannot_come".into(), Mark::Unknown);
    let e = rules().evaluate(&case, Stage::Counter);
    assert_eq!(e.missing, vec!["proof_cannot_come", "pin_envelope"]);
}

#[test]
fn a_minor_comes_with_the_legal_representative() {
    let e = rules().evaluate(
        &counter_case(
            &[CardIssue],
            LegalRepresentative,
            &["minor_under_15"],
            &[
                (
                    "holder_id",
                    vec![doc("health_insurance"), doc("maternal_handbook")],
                ),
                ("representative_id", vec![doc("driving_licence")]),
            ],
        ),
        Stage::Counter,
    );
    assert!(e.ready, "{:?}", e.missing);
    assert!(e.items.iter().any(|i| i.item == "minor_present"));
}

#[test]
fn a_combined_card_and_certificate_visit_merges_without_duplicates() {
    let items = ids(&[CardIssue, CertificateRenewal], ApplicantSelf, &[]);
    assert_eq!(
        items,
        vec!["notice_postcard", "holder_id", "card_itself", "pins_known"]
    );
    let mut case = counter_case(
        &[CardIssue, CertificateRenewal],
        ApplicantSelf,
        &[],
        &[("holder_id", vec![doc("driving_licence")])],
    );
    case.marks.remove("pins_known");
    let e = rules().evaluate(&case, Stage::Counter);
    assert_eq!(e.missing, vec!["pins_known"]);
}

#[test]
fn a_renewal_with_a_forgotten_pin_takes_the_reset_path() {
    let e = rules().evaluate(
        &counter_case(
            &[CertificateRenewal],
            ApplicantSelf,
            &["pin_forgotten"],
            &[],
        ),
        Stage::Counter,
    );
    assert!(e.ready);
    let items: Vec<_> = e.items.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(items, vec!["card_itself", "pin_reset"]);
}

#[test]
fn on_the_phone_oral_confirmation_is_enough_at_the_counter_it_is_not() {
    let facts = BTreeMap::new();
    let marks = rules()
        .items_for(&[CardIssue], ApplicantSelf, &facts)
        .into_iter()
        .map(|i| (i.id.clone(), Mark::ConfirmedOrally))
        .collect();
    let case = CaseInput {
        procedures: vec![CardIssue],
        applicant_type: ApplicantSelf,
        facts,
        marks,
        documents: BTreeMap::new(),
    };
    assert!(rules().evaluate(&case, Stage::Phone).ready);
    let at_counter = rules().evaluate(&case, Stage::Counter);
    assert_eq!(at_counter.missing, vec!["notice_postcard", "holder_id"]);
}

#[test]
fn old_cards_are_listed_but_never_block() {
    let e = rules().evaluate(
        &counter_case(
            &[CardIssue],
            ApplicantSelf,
            &["has_old_cards"],
            &[("holder_id", vec![doc("passport")])],
        ),
        Stage::Counter,
    );
    assert!(e.ready);
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
}

#[test]
fn the_intake_script_asks_facts_then_items() {
    let script = rules().intake_script(&[CardIssue], Proxy, &BTreeMap::new());
    let facts: Vec<_> = script.facts.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(facts, vec!["minor_under_15", "has_old_cards"]);
    assert_eq!(
        script.items[0].question,
        "交付通知書（はがき）をお持ちですか？"
    );
    assert!(
        script
            .items
            .iter()
            .all(|l| !l.question.contains("暗証番号を教")),
        "PINs are never asked"
    );
}

#[test]
fn a_city_override_changes_a_rule_and_a_broken_one_keeps_the_last_good_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checklist-rules.toml");
    // The city accepts two B documents... only with a photo among them.
    let text = include_str!("../../../assets/checklist/rules.toml")
        .replace(
            "version = \"2026-11-23 national defaults\"",
            "version = \"city 2026-12\"",
        )
        .replace(
            "combos = [{ a = 1 }, { b = 2 }]\nunless",
            "combos = [{ a = 1 }, { b = 2, photo = 1 }]\nunless",
        );
    std::fs::write(&path, &text).unwrap();
    let (city, error) = Rules::load_override(&path, rules());
    assert!(error.is_none());
    assert_eq!(city.version, "city 2026-12");
    let two_b = counter_case(
        &[CardIssue],
        ApplicantSelf,
        &[],
        &[(
            "holder_id",
            vec![doc("health_insurance"), doc("pension_book")],
        )],
    );
    assert!(rules().evaluate(&two_b, Stage::Counter).ready);
    assert!(
        !city.evaluate(&two_b, Stage::Counter).ready,
        "the override is in force"
    );

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

    // A well-formed file that names an unknown item: same, with the line of the name.
    let unknown = text.replace(
        "items = [\"card_itself\", \"pins_known\", \"pin_reset\"]",
        "items = [\"card_itself\", \"pins_knwon\"]",
    );
    std::fs::write(&path, &unknown).unwrap();
    let (_, error) = Rules::load_override(&path, &city);
    let Some(Error::RulesInvalid {
        line: Some(line),
        message,
        ..
    }) = error
    else {
        panic!("{error:?}")
    };
    assert!(message.contains("pins_knwon"), "{message}");
    assert!(unknown
        .lines()
        .nth(line - 1)
        .unwrap()
        .contains("pins_knwon"));
    // No override: the bundled rules.
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        Rules::load_override(&path, rules()).0.version,
        rules().version
    );
}

#[test]
fn the_japanese_rules_page_lists_every_item_and_source() {
    let page = include_str!("../../../docs/checklist-rules.ja.md");
    assert!(
        page.contains(&rules().version),
        "docs/checklist-rules.ja.md is for another version of the rules"
    );
    for item in &rules().items {
        assert!(
            page.contains(&item.label) && page.contains(&item.explain),
            "{} is not in the docs page",
            item.id
        );
    }
    for source in rules().sources.values() {
        assert!(
            page.contains(source.as_str()),
            "{source} is not in the docs page"
        );
    }
}
