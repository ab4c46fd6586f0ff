//! The reservation slip (予約票): what is printed for a citizen at the counter, or for a
//! revisit, to bring on the day: the day and time, the site, the reservation number, and what
//! each person must bring.
//!
//! The bring-list is never typed by hand: it is the checklist rules' list for each person's
//! procedures and applicant type, judged on the day of the visit with the facts known so far
//! (the phone intake's answers, the counter's, a revisit's first visit), exactly as the phone
//! intake reads it back and the counter checklist checks it. The rules come from
//! `assets/checklist/rules.toml` (or the city's override of it), where every item carries the
//! published source it was taken from.
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use super::Store;
use crate::{
    reservation::{ApplicantType, Procedure},
    reservation_number::ReservationNumber,
    secret::Personal,
    Error, Result,
};

/// One person of a reservation slip.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SlipPerson {
    /// Name in kana, for staff to check they print the right slip. The printed slip leaves it
    /// out: a PDF is a plain file on disk (DESIGN.md §4).
    pub name_kana: Personal,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// What for.
    pub procedures: Vec<Procedure>,
    /// What to bring (持ち物), labels from the checklist rules in rule order.
    pub bring: Vec<String>,
}

/// Everything the reservation slip shows. Apart from the kana names (see [`SlipPerson`]),
/// nothing here is personal: the reservation number is a random key, and the kanji name,
/// phone and birth date are never read into it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReservationSlip {
    /// The number the citizen gives (its QR code holds the same eight digits).
    pub number: ReservationNumber,
    /// Day of the visit.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// Time of the visit (its first slot).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub starts: NaiveTime,
    /// The store's own name, the city's counter (e.g. 「川西市 マイナンバーカード特設窓口」).
    pub city_name: String,
    /// The site (拠点) the visit is booked at.
    pub site_name: String,
    /// Booked beyond this seat's share and not yet accepted by the hub (仮予約).
    pub provisional: bool,
    /// A training store's slip says 研修モード (and is no real booking).
    pub store_kind: crate::training_mode::StoreKind,
    /// The people, in booking order.
    pub people: Vec<SlipPerson>,
    /// Version of the checklist rules the bring-lists come from.
    pub rules_version: String,
}

impl Store {
    /// The slip of reservation `number`. Only a booking that holds its place has one (not a
    /// cancelled one, a no-show or a walk-in still queued). Reading it reads personal data: it
    /// needs that permission and is recorded in the audit trail (`read:slip`, beside the
    /// checklist read it is made from).
    pub fn reservation_slip(&self, number: ReservationNumber) -> Result<ReservationSlip> {
        self.audit_read("slip", &number.to_string())?;
        let checklist = self.checklist(number)?;
        let r = &checklist.reservation;
        if !r.status.holds_place() {
            return Err(Error::NotAllowed(format!(
                "a {} reservation has no slip",
                r.status.code()
            )));
        }
        let site = self.site_of_reservation(number)?;
        let site_name = self
            .sites()?
            .into_iter()
            .find(|s| s.id == site)
            .map_or_else(|| site.to_string(), |s| s.name);
        let people = checklist
            .people
            .iter()
            .map(|p| SlipPerson {
                name_kana: p.name_kana.clone(),
                applicant_type: p.applicant_type,
                procedures: p.procedures.clone(),
                // The same list the phone intake reads back, on the visit's day, with the
                // facts known so far (crate::checklist::IntakeScript::bring).
                bring: p.script.bring.clone(),
            })
            .collect();
        Ok(ReservationSlip {
            number,
            day: r.day,
            starts: r.starts,
            city_name: self.meta().site_name.clone(),
            site_name,
            provisional: r.provisional,
            store_kind: self.kind(),
            people,
            rules_version: self.rules.version.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, sync::Arc};

    use chrono::{NaiveDate, NaiveTime};

    use crate::{
        reservation::{ApplicantType, Channel, PhoneIntake, Procedure},
        store::NewApplicant,
        DataDir, Error, KdfCost, NewStore, Passphrase, Personal, Store,
    };

    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(
            &DataDir::at(tmp.path()),
            &Passphrase::new("test passphrase".into()),
            &NewStore {
                site_name: "テスト市".into(),
                seat_name: "窓口1".into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap()
        .with_clock(Arc::new(|| {
            NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(8, 30, 0)
                .unwrap()
        }))
        .act_as_site("tests");
        (tmp, store)
    }

    fn person(
        kana: &str,
        who: ApplicantType,
        what: Procedure,
    ) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
        (
            NewApplicant {
                name_kanji: Personal::new("山田 太郎"),
                name_kana: Personal::new(kana),
                phone: Some(Personal::new("090-0000-0001")),
                birth_date: None,
            },
            who,
            vec![what],
        )
    }

    #[test]
    fn the_slip_lists_what_the_rules_say_to_bring_and_is_an_audited_read() {
        let (_tmp, s) = store();
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let r = s
            .book_with_intake(
                day,
                NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
                Channel::Phone,
                vec![
                    person(
                        "ヤマダ タロウ",
                        ApplicantType::ApplicantSelf,
                        Procedure::CardIssue,
                    ),
                    person(
                        "ヤマダ ハナコ",
                        ApplicantType::Proxy,
                        Procedure::CardReissue,
                    ),
                ],
                "",
                vec![PhoneIntake {
                    position: 0,
                    facts: BTreeMap::from([("has_old_cards".to_owned(), true)]),
                    marks: BTreeMap::new(),
                }],
                None,
            )
            .unwrap();
        let slip = s.reservation_slip(r.number).unwrap();
        assert_eq!(slip.number, r.number);
        assert_eq!((slip.day, slip.starts), (r.day, r.starts));
        assert_eq!(slip.site_name, "テスト市");
        assert_eq!(slip.people.len(), 2);
        assert_eq!(slip.people[1].name_kana.expose(), "ヤマダ ハナコ");
        let rules = s.checklist_rules();
        for (p, facts) in slip.people.iter().zip([
            BTreeMap::from([("has_old_cards".to_owned(), true)]),
            BTreeMap::new(),
        ]) {
            let script = rules.intake_script_on(&p.procedures, p.applicant_type, &facts, day);
            assert_eq!(p.bring, script.bring);
            assert!(!p.bring.is_empty());
        }
        assert!(
            slip.people[0].bring.iter().any(|b| b.contains("返納")),
            "the phone intake's answers count: {:?}",
            slip.people[0].bring
        );
        let json = serde_json::to_string(&slip).unwrap();
        assert!(!json.contains("山田") && !json.contains("090"), "{json}");

        let trail = s.audit_trail(50).unwrap();
        assert!(trail
            .iter()
            .any(|e| e.action == "read:slip" && e.subject == r.number.to_string()));

        s.cancel(r.number).unwrap();
        assert!(matches!(
            s.reservation_slip(r.number).unwrap_err(),
            Error::NotAllowed(_)
        ));
    }
}
