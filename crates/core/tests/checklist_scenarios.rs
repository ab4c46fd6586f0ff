//! Realistic cases, one row each: procedure × who comes × facts × documents shown × the day,
//! with the expected outcome (ready today or what is missing; one visit or which two-visit
//! path) and the source key in `assets/checklist/rules.toml` it comes from. Every item not
//! named as missing is presented (oral ones confirmed); identity items get the documents of
//! the row. Where a source is ambiguous the row's `note` says so, and the reading chosen is
//! the one that does not send a citizen home wrongly.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use madoguchi_core::{
    checklist::{CaseInput, ItemKind, Mark, PresentedDocument, Rules, Stage, SECOND_VISIT_NOTICE},
    reservation::{ApplicantType, Procedure},
};

use ApplicantType::*;
use Procedure::*;

struct Case {
    name: &'static str,
    procedures: Vec<Procedure>,
    who: ApplicantType,
    facts: Vec<&'static str>,
    date: &'static str,
    stage: Stage,
    documents: Vec<(&'static str, Vec<&'static str>)>,
    /// Items recorded as missing (the others are presented).
    not_brought: Vec<&'static str>,
    /// Expected: ready today.
    ready: bool,
    /// Expected: the items missing (in order).
    missing: Vec<&'static str>,
    /// Expected: the two-visit paths (empty: finishes in one visit).
    paths: Vec<&'static str>,
    /// Items that must be (or must not be) in the list.
    has: Vec<&'static str>,
    lacks: Vec<&'static str>,
    source: &'static str,
    note: &'static str,
}

fn case(
    name: &'static str,
    procedure: Procedure,
    who: ApplicantType,
    source: &'static str,
) -> Case {
    Case {
        name,
        procedures: vec![procedure],
        who,
        facts: Vec::new(),
        date: "2026-12-07",
        stage: Stage::Counter,
        documents: Vec::new(),
        not_brought: Vec::new(),
        ready: true,
        missing: Vec::new(),
        paths: Vec::new(),
        has: Vec::new(),
        lacks: Vec::new(),
        source,
        note: "",
    }
}

impl Case {
    fn facts(mut self, f: &[&'static str]) -> Case {
        self.facts = f.to_vec();
        self
    }
    fn on(mut self, date: &'static str) -> Case {
        self.date = date;
        self
    }
    fn phone(mut self) -> Case {
        self.stage = Stage::Phone;
        self
    }
    fn also(mut self, p: Procedure) -> Case {
        self.procedures.push(p);
        self
    }
    fn docs(mut self, item: &'static str, docs: &[&'static str]) -> Case {
        self.documents.push((item, docs.to_vec()));
        self
    }
    fn not_brought(mut self, items: &[&'static str]) -> Case {
        self.not_brought = items.to_vec();
        self
    }
    fn missing(mut self, items: &[&'static str]) -> Case {
        self.ready = false;
        self.missing = items.to_vec();
        self
    }
    fn two_visits(mut self, paths: &[&'static str]) -> Case {
        self.paths = paths.to_vec();
        self
    }
    fn has(mut self, items: &[&'static str]) -> Case {
        self.has = items.to_vec();
        self
    }
    fn lacks(mut self, items: &[&'static str]) -> Case {
        self.lacks = items.to_vec();
        self
    }
    fn note(mut self, note: &'static str) -> Case {
        self.note = note;
        self
    }
}

fn table() -> Vec<Case> {
    vec![
        // --- identity documents (card pickup by the holder) ---
        case("licence alone is enough", CardIssue, ApplicantSelf, "id_classes")
            .docs("holder_id", &["driving_licence"]),
        case("old health insurance card after 2025-12-01 does not count", CardIssue, ApplicantSelf, "insurance_card_end")
            .docs("holder_id", &["health_insurance", "pension_book"])
            .missing(&["holder_id"]),
        case("old health insurance card on its last day still counts", CardIssue, ApplicantSelf, "insurance_card_end")
            .on("2025-12-01")
            .docs("holder_id", &["health_insurance", "pension_book"])
            .note("the issue text says both 'until 2025-11-30' and 'stopped on 2025-12-01'; the insurers say unusable from 2025-12-02, so 12-01 still counts (the reading that does not send anyone home)"),
        case("資格確認書 and a pension book", CardIssue, ApplicantSelf, "qualification_certificate")
            .docs("holder_id", &["qualification_certificate", "pension_book"]),
        case("資格確認書 did not exist before 2024-12-02", CardIssue, ApplicantSelf, "qualification_certificate")
            .on("2024-11-29")
            .docs("holder_id", &["qualification_certificate", "pension_book"])
            .missing(&["holder_id"]),
        case("運転経歴証明書 issued since 2012-04-01 is A", CardIssue, ApplicantSelf, "driving_history")
            .docs("holder_id", &["driving_history"]),
        case("older 運転経歴証明書 alone is not enough", CardIssue, ApplicantSelf, "driving_history")
            .docs("holder_id", &["driving_history_old"])
            .missing(&["holder_id"]),
        case("older 運転経歴証明書 counts as one B", CardIssue, ApplicantSelf, "driving_history")
            .docs("holder_id", &["driving_history_old", "pension_book"])
            .note("no page says how an older certificate counts; it shows name and birth date, so it is taken as B rather than refused"),
        case("an expired passport does not count", CardIssue, ApplicantSelf, "id_classes")
            .docs("holder_id", &["passport!"])
            .missing(&["holder_id"]),
        case("顔写真証明書 with a 資格確認書 for the holder", CardIssue, ApplicantSelf, "face_photo_certificate")
            .docs("holder_id", &["face_photo_certificate", "qualification_certificate"]),
        case("old cards are handed back", CardIssue, ApplicantSelf, "card_pickup_self")
            .facts(&["has_old_cards"])
            .docs("holder_id", &["my_number_card"])
            .has(&["old_cards"]),
        // --- a proxy picks up the card ---
        case("proxy for a patient: holder B3 with a 顔写真証明書", CardIssue, Proxy, "face_photo_certificate")
            .facts(&["reason_hospital"])
            .docs("holder_id_for_proxy", &["face_photo_certificate", "qualification_certificate", "pension_book"])
            .docs("agent_id", &["driving_licence", "qualification_certificate"])
            .has(&["proxy_postcard", "pin_envelope", "proof_cannot_come"]),
        case("the agent cannot use the holder's 顔写真証明書", CardIssue, Proxy, "face_photo_certificate")
            .facts(&["reason_facility"])
            .docs("holder_id_for_proxy", &["passport", "qualification_certificate"])
            .docs("agent_id", &["driving_licence", "face_photo_certificate"])
            .missing(&["agent_id"]),
        case("holder's three B without a photo are not enough", CardIssue, Proxy, "proxy_pickup")
            .facts(&["reason_care"])
            .docs("holder_id_for_proxy", &["qualification_certificate", "pension_book", "maternal_handbook"])
            .docs("agent_id", &["driving_licence", "passport"])
            .missing(&["holder_id_for_proxy"]),
        case("75 and over: no proof, the 委任状 says why", CardIssue, Proxy, "cannot_come_proof")
            .facts(&["reason_75_plus"])
            .docs("holder_id_for_proxy", &["driving_history", "qualification_certificate"])
            .docs("agent_id", &["my_number_card", "qualification_certificate"])
            .has(&["elderly_note"])
            .lacks(&["proof_cannot_come"]),
        case("a student far away is not a reason", CardIssue, Proxy, "cannot_come_reasons")
            .facts(&["reason_other"])
            .docs("holder_id_for_proxy", &["passport", "student_card"])
            .docs("agent_id", &["driving_licence", "qualification_certificate"])
            .missing(&["reason_not_accepted"]),
        case("a high-school student is a reason, with proof", CardIssue, Proxy, "cannot_come_reasons")
            .facts(&["reason_high_school"])
            .docs("holder_id_for_proxy", &["student_card", "qualification_certificate", "pension_book"])
            .docs("agent_id", &["driving_licence", "qualification_certificate"])
            .has(&["proof_cannot_come"]),
        case("the proxy forgot the sealed PIN part", CardIssue, Proxy, "proxy_pickup")
            .facts(&["reason_pregnant"])
            .docs("holder_id_for_proxy", &["passport", "driving_licence"])
            .docs("agent_id", &["passport", "driving_licence"])
            .not_brought(&["pin_envelope"])
            .missing(&["pin_envelope"]),
        // --- a legal representative picks up the card ---
        case("parent with the child, same household", CardIssue, LegalRepresentative, "card_pickup_self")
            .facts(&["holder_comes", "same_household"])
            .docs("holder_id_when_present", &["qualification_certificate", "maternal_handbook"])
            .docs("representative_id", &["driving_licence"])
            .lacks(&["proof_of_representation", "holder_id_when_absent"]),
        case("parent alone for a child (since 2023-04)", CardIssue, LegalRepresentative, "legal_rep_alone")
            .facts(&["same_household"])
            .docs("holder_id_when_absent", &["passport", "qualification_certificate"])
            .docs("representative_id", &["driving_licence"])
            .has(&["postcard_answer_sealed"]),
        case("parent alone before 2023-04 was refused", CardIssue, LegalRepresentative, "legal_rep_alone")
            .on("2023-03-01")
            .facts(&["same_household"])
            .docs("representative_id", &["driving_licence"])
            .missing(&["holder_must_come"]),
        case("parent in another household, 本籍 elsewhere: 戸籍 needed", CardIssue, LegalRepresentative, "card_pickup_self")
            .facts(&["holder_comes"])
            .docs("holder_id_when_present", &["passport"])
            .docs("representative_id", &["driving_licence"])
            .not_brought(&["proof_of_representation"])
            .missing(&["proof_of_representation"]),
        case("parent in another household, 本籍 in the city", CardIssue, LegalRepresentative, "card_pickup_self")
            .facts(&["holder_comes", "honseki_in_city"])
            .docs("holder_id_when_present", &["passport"])
            .docs("representative_id", &["driving_licence"])
            .lacks(&["proof_of_representation"]),
        case("guardian of an adult ward, alone", CardIssue, LegalRepresentative, "legal_rep_alone")
            .facts(&["adult_ward"])
            .docs("holder_id_when_absent", &["disability_card", "medical_certificate"])
            .docs("representative_id", &["driving_licence"])
            .has(&["guardianship_certificate"])
            .lacks(&["proof_of_representation"]),
        // --- reissue ---
        case("lost outside: police number, card picked up later", CardReissue, ApplicantSelf, "reissue_loss")
            .facts(&["lost_outside"])
            .docs("holder_id", &["driving_licence"])
            .has(&["police_report", "reissue_fee"])
            .two_visits(&["reissue_pickup"]),
        case("lost at home: no police", CardReissue, ApplicantSelf, "reissue_loss")
            .facts(&["lost_at_home"])
            .docs("holder_id", &["passport"])
            .has(&["loss_account"])
            .lacks(&["police_report"])
            .two_visits(&["reissue_pickup"]),
        case("burnt in a fire: 罹災証明書", CardReissue, ApplicantSelf, "reissue_loss")
            .facts(&["burnt"])
            .docs("holder_id", &["passport"])
            .has(&["disaster_certificate"])
            .lacks(&["police_report"])
            .two_visits(&["reissue_pickup"]),
        case("特急発行: mailed, one visit", CardReissue, ApplicantSelf, "express_issue")
            .facts(&["lost_outside", "express_issue"])
            .docs("holder_id_express", &["driving_licence", "qualification_certificate"])
            .has(&["express_fee"])
            .lacks(&["reissue_fee", "holder_id"]),
        case("特急発行 needs A2 or A1+B1", CardReissue, ApplicantSelf, "express_issue")
            .facts(&["lost_at_home", "express_issue"])
            .docs("holder_id_express", &["driving_licence"])
            .missing(&["holder_id_express"]),
        case("特急発行 asked for before it existed: a normal reissue", CardReissue, ApplicantSelf, "express_issue")
            .on("2024-11-29")
            .facts(&["lost_outside", "express_issue"])
            .docs("holder_id", &["driving_licence"])
            .lacks(&["express_fee", "holder_id_express"])
            .two_visits(&["reissue_pickup"]),
        case("parent reports a child's card lost outside", CardReissue, LegalRepresentative, "reissue_loss")
            .facts(&["lost_outside", "same_household"])
            .docs("representative_id", &["driving_licence"])
            .has(&["police_report"])
            .lacks(&["proof_of_representation", "express_holder_with_rep"])
            .two_visits(&["reissue_pickup"]),
        case("特急発行 for a child: the child comes too", CardReissue, LegalRepresentative, "express_issue")
            .facts(&["lost_at_home", "same_household", "express_issue"])
            .docs("representative_id", &["driving_licence"])
            .docs("holder_id_express", &["passport", "qualification_certificate"])
            .has(&["express_holder_with_rep", "express_fee"]),
        case("特急発行 by a proxy is refused", CardReissue, Proxy, "express_issue")
            .facts(&["lost_outside", "express_issue"])
            .docs("applicant_id", &["driving_licence"])
            .missing(&["express_needs_holder"]),
        case("same-household member applies without a 委任状", CardReissue, Proxy, "reissue_loss")
            .facts(&["lost_outside", "same_household"])
            .docs("applicant_id", &["driving_licence"])
            .lacks(&["reissue_proxy_letter"])
            .two_visits(&["reissue_pickup"]),
        case("another household needs the 委任状", CardReissue, Proxy, "reissue_loss")
            .facts(&["damaged"])
            .docs("applicant_id", &["driving_licence"])
            .not_brought(&["reissue_proxy_letter"])
            .missing(&["reissue_proxy_letter"])
            .two_visits(&["reissue_pickup"]),
        // --- details change ---
        case("holder with the 4-digit PIN", DetailsChange, ApplicantSelf, "details_change_pin")
            .docs("holder_id", &["my_number_card"])
            .has(&["pin4_known", "signature_cert_lapses"]),
        case("顔認証 card: no PIN", DetailsChange, ApplicantSelf, "details_change_pin")
            .facts(&["face_auth_card"])
            .docs("holder_id", &["my_number_card"])
            .lacks(&["pin4_known"]),
        case("same household, same day, no 委任状", DetailsChange, Proxy, "details_change_proxy")
            .facts(&["same_household"])
            .docs("applicant_id", &["driving_licence"])
            .has(&["pin4_known_household"])
            .lacks(&["details_change_not_same_day"]),
        case("another household: 文書照会, two visits", DetailsChange, Proxy, "details_change_proxy")
            .docs("applicant_id", &["driving_licence"])
            .has(&["details_change_not_same_day"])
            .lacks(&["pin4_known_household"])
            .two_visits(&["details_change_other_household"]),
        case("another household, second visit with the 回答書", DetailsChange, Proxy, "details_change_proxy")
            .facts(&["second_visit"])
            .docs("applicant_id", &["driving_licence"])
            .has(&["inquiry_answer"]),
        case("legal representative from another household, same day", DetailsChange, LegalRepresentative, "details_change_proxy")
            .facts(&["honseki_in_city"])
            .docs("representative_id", &["passport"]),
        case("same household, PIN forgotten: 文書照会", DetailsChange, Proxy, "jlis_pin")
            .facts(&["same_household", "pin_forgotten"])
            .docs("applicant_id", &["driving_licence"])
            .two_visits(&["proxy_pin_reset"])
            .note("Koshigaya: without the PIN the change is finished another day; the PIN reset by someone other than the holder goes through 文書照会 (Hashima)"),
        // --- certificate renewal ---
        case("proxy with the sealed J-LIS form and a licence: one visit", CertificateRenewal, Proxy, "renewal_proxy")
            .docs("agent_photo_id", &["driving_licence"])
            .has(&["jlis_answer_form"]),
        case("proxy, certificate already expired: 文書照会", CertificateRenewal, Proxy, "renewal_form_expiry")
            .facts(&["certificate_expired"])
            .docs("agent_photo_id", &["driving_licence"])
            .lacks(&["jlis_answer_form"])
            .two_visits(&["renewal_expired"]),
        case("proxy without the form: 文書照会, today's part ready", CertificateRenewal, Proxy, "renewal_inquiry")
            .docs("agent_photo_id", &["passport"])
            .not_brought(&["jlis_answer_form"])
            .two_visits(&["renewal_no_form"]),
        case("proxy, the PINs on the form do not match", CertificateRenewal, Proxy, "pin_mismatch")
            .facts(&["pin_mismatch"])
            .docs("agent_photo_id", &["passport"])
            .two_visits(&["renewal_pin_mismatch"]),
        case("proxy with only B documents", CertificateRenewal, Proxy, "renewal_proxy")
            .docs("agent_photo_id", &["qualification_certificate", "pension_book"])
            .missing(&["agent_photo_id"]),
        case("proxy's second visit with the mailed 回答書", CertificateRenewal, Proxy, "renewal_inquiry")
            .facts(&["certificate_expired", "second_visit"])
            .docs("agent_photo_id", &["driving_licence"])
            .has(&["inquiry_answer"]),
        case("holder forgot the PIN: reset at the counter", CertificateRenewal, ApplicantSelf, "jlis_pin")
            .facts(&["pin_forgotten"])
            .has(&["pin_reset"])
            .lacks(&["pins_known"]),
        case("parent renews a child's certificate", CertificateRenewal, LegalRepresentative, "legal_rep_certificate")
            .facts(&["minor_under_15", "same_household"])
            .docs("representative_photo_id", &["driving_licence"])
            .has(&["no_signature_cert"])
            .note("the pages ask for the card, the representative's photo ID and proof of representation and do not mention the child coming; not confirmed in a primary text, so the child's presence is not required"),
        case("parent without a photo ID: not the same day", CertificateRenewal, LegalRepresentative, "legal_rep_certificate")
            .facts(&["minor_under_15", "same_household"])
            .docs("representative_photo_id", &["qualification_certificate", "pension_book"])
            .two_visits(&["legal_rep_no_photo_id"]),
        // --- certificate new issue ---
        case("proxy new issue: always two visits", CertificateIssue, Proxy, "certificate_issue_proxy")
            .docs("agent_photo_id", &["driving_licence"])
            .two_visits(&["issue_by_proxy"]),
        case("proxy new issue, second visit", CertificateIssue, Proxy, "certificate_issue_proxy")
            .facts(&["second_visit"])
            .docs("agent_photo_id", &["driving_licence"])
            .has(&["inquiry_answer"]),
        case("顔認証 card: no 署名用 certificate, no PIN", CertificateIssue, ApplicantSelf, "no_signature_cert")
            .facts(&["face_auth_card"])
            .has(&["no_signature_cert"])
            .lacks(&["pins_known"]),
        case("guardian of an adult ward", CertificateIssue, LegalRepresentative, "no_signature_cert")
            .facts(&["adult_ward"])
            .docs("representative_photo_id", &["passport"])
            .has(&["guardianship_certificate", "no_signature_cert"])
            .lacks(&["proof_of_representation"]),
        // --- combined, and on the phone ---
        case("card pickup and certificate renewal together", CardIssue, ApplicantSelf, "card_pickup_self")
            .also(CertificateRenewal)
            .docs("holder_id", &["driving_licence"])
            .has(&["notice_postcard", "holder_id", "card_itself", "pins_known"]),
        case("on the phone: no form means two visits", CertificateRenewal, Proxy, "renewal_inquiry")
            .phone()
            .not_brought(&["jlis_answer_form"])
            .two_visits(&["renewal_no_form"]),
        // --- 申請サポート (outreach: photo and form; the card comes later) ---
        case("application support with a licence, no form of their own: ready", ApplicationSupport, ApplicantSelf, "application_support")
            .docs("support_holder_id", &["driving_licence"])
            .not_brought(&["support_form"])
            .has(&["support_photo", "support_no_card_today"]),
        case("application support with no identity document", ApplicationSupport, ApplicantSelf, "application_support")
            .docs("support_holder_id", &[])
            .missing(&["support_holder_id"]),
        case("a parent brings the child for the photo", ApplicationSupport, LegalRepresentative, "application_support")
            .facts(&["holder_comes", "same_household"])
            .docs("support_holder_id", &["qualification_certificate", "pension_book"])
            .docs("representative_id", &["driving_licence"])
            .lacks(&["support_holder_must_come", "proof_of_representation"]),
        case("a parent without the child: no photo", ApplicationSupport, LegalRepresentative, "application_support")
            .facts(&["same_household"])
            .docs("support_holder_id", &["passport"])
            .docs("representative_id", &["driving_licence"])
            .missing(&["support_holder_must_come"]),
        case("a proxy cannot have the holder's photo taken", ApplicationSupport, Proxy, "application_support")
            .missing(&["support_needs_holder"]),
    ]
}

fn input(rules: &Rules, c: &Case) -> CaseInput {
    let on = NaiveDate::parse_from_str(c.date, "%Y-%m-%d").unwrap();
    let facts: BTreeMap<String, bool> = c.facts.iter().map(|f| (f.to_string(), true)).collect();
    let mark = |kind: ItemKind| match (c.stage, kind) {
        (Stage::Phone, _) | (_, ItemKind::Oral) => Mark::ConfirmedOrally,
        _ => Mark::Presented,
    };
    let marks = rules
        .items_on(&c.procedures, c.who, &facts, on)
        .into_iter()
        .map(|i| {
            let m = if c.not_brought.contains(&i.id.as_str()) {
                Mark::Missing
            } else {
                mark(i.kind)
            };
            (i.id.clone(), m)
        })
        .collect();
    let documents = c
        .documents
        .iter()
        .map(|(item, docs)| {
            let shown = docs
                .iter()
                .map(|d| PresentedDocument {
                    document: d.trim_end_matches('!').to_string(),
                    expired: d.ends_with('!'),
                })
                .collect();
            (item.to_string(), shown)
        })
        .collect();
    CaseInput {
        procedures: c.procedures.clone(),
        applicant_type: c.who,
        facts,
        marks,
        documents,
        date: Some(on),
    }
}

#[test]
fn scenarios() {
    let rules = Rules::bundled();
    let table = table();
    assert!(table.len() >= 40, "{} scenarios", table.len());
    let mut failures = Vec::new();
    for c in &table {
        assert!(
            rules.source(c.source).is_some(),
            "{}: unknown source {}",
            c.name,
            c.source
        );
        let e = rules.evaluate(&input(rules, c), c.stage);
        let items: Vec<&str> = e.items.iter().map(|i| i.item.as_str()).collect();
        let paths: Vec<&str> = e.visits.reasons.iter().map(|r| r.path.as_str()).collect();
        let mut wrong = Vec::new();
        if e.ready != c.ready || e.missing != c.missing {
            wrong.push(format!(
                "ready {} missing {:?} (expected {} {:?})",
                e.ready, e.missing, c.ready, c.missing
            ));
        }
        if paths != c.paths || e.visits.finishes_today != c.paths.is_empty() {
            wrong.push(format!("paths {paths:?} (expected {:?})", c.paths));
        }
        for item in &c.has {
            if !items.contains(item) {
                wrong.push(format!("{item} not in {items:?}"));
            }
        }
        for item in &c.lacks {
            if items.contains(item) {
                wrong.push(format!("{item} should not be in {items:?}"));
            }
        }
        for r in &e.visits.reasons {
            if rules.source(&r.source).is_none() || r.reason.is_empty() || r.say.is_empty() {
                wrong.push(format!("path {} without its reason or source", r.path));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} [{}]{}: {}",
                c.name,
                c.source,
                if c.note.is_empty() {
                    ""
                } else {
                    " (ambiguous)"
                },
                wrong.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_procedure_and_applicant_type_has_scenarios_and_both_outcomes_occur() {
    let table = table();
    for p in Procedure::ALL {
        for t in ApplicantType::ALL {
            assert!(
                table.iter().any(|c| c.procedures[0] == *p && c.who == *t),
                "{p:?} / {t:?} has no scenario"
            );
        }
    }
    assert!(table.iter().any(|c| c.paths.is_empty() && c.ready));
    assert!(table.iter().any(|c| !c.paths.is_empty() && c.ready));
    assert!(table.iter().any(|c| !c.ready));
}

#[test]
fn a_two_visit_case_says_so_in_natural_japanese_on_the_phone() {
    let rules = Rules::bundled();
    let on = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let expired: BTreeMap<String, bool> = [("certificate_expired".to_string(), true)].into();
    let script = rules.intake_script_on(&[CertificateRenewal], Proxy, &expired, on);
    assert_eq!(
        script.say.first().map(String::as_str),
        Some(SECOND_VISIT_NOTICE)
    );
    assert_eq!(
        SECOND_VISIT_NOTICE,
        "今回は書類のお預かりのみで、後日もう一度お越しいただきます。"
    );
    assert!(
        script.say[1].contains("有効期限が過ぎている"),
        "{:?}",
        script.say
    );
    let reissue = rules.intake_script_on(&[CardReissue], ApplicantSelf, &BTreeMap::new(), on);
    assert_eq!(
        reissue.say[0],
        "今回は再交付の申請のみで、カードの受け取りに後日もう一度お越しいただきます。"
    );
    let valid = rules.intake_script_on(&[CertificateRenewal], Proxy, &BTreeMap::new(), on);
    assert!(valid.visits.finishes_today && valid.say.is_empty());
}
