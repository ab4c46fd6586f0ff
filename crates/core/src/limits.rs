//! How long each free-text field may be, in characters (Unicode scalar values, not bytes), in
//! one table. Without limits one pasted 5 MB note is accepted, queued in the outbox, and can
//! then never be pushed (a sync frame is at most 4 MiB), which holds up sync for the whole site.
//!
//! Every domain checks its fields inside its `apply`, so a seat refuses an over-long field
//! before anything reaches its outbox, and the hub, executing the same apply, refuses it the
//! same way ([`crate::Error::TooLong`], code `too_long`). The fields staff type into are found
//! in two ways: every free-text field already passes the individual-number guard
//! ([`crate::my_number::refuse_in_text`]) and every required label passes
//! `store::required_label`; both look the field up here by the name its errors use
//! ([`check`]). The few fields that pass neither (a phone number, a closure's note, a bundle's
//! document names) use their constant directly ([`Limit::check`]).
//!
//! The limits are well above what staff type: 100 characters hold a long foreign name in full,
//! in letters or in katakana; 1,000 characters are more than a page of notes. They stop only
//! what no person types at a counter, so mutations queued before the limits existed still
//! apply. A booking with every field at its limit is a few tens of kilobytes of JSON, far under
//! the 1 MiB a push batch aims for.
//!
//! The UI sets the same numbers as `maxLength` from `ui/src/limits.ts`, which a test here
//! keeps equal to this table. Do not lower a limit casually: a mutation another seat queued
//! under the old limit would become a conflict at the hub.
use crate::{Error, Result};

/// One field's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The field as errors name it (English, no data), e.g. "booking note".
    pub field: &'static str,
    /// The most characters it may hold.
    pub max: usize,
    /// Its key in `ui/src/limits.ts` (fields the UI treats alike share one).
    pub ui: &'static str,
}

impl Limit {
    /// Refuses `text` when it has more than [`Limit::max`] characters. The error names the
    /// field and the limit, never the text.
    pub fn check(&self, text: &str) -> Result<()> {
        // A character is at least one byte: short texts need no counting.
        if text.len() <= self.max || text.chars().count() <= self.max {
            return Ok(());
        }
        Err(Error::TooLong {
            field: self.field,
            max: self.max,
        })
    }
}

const fn limit(field: &'static str, max: usize, ui: &'static str) -> Limit {
    Limit { field, max, ui }
}

/// A name: an applicant's in kanji (or as written), a staff member's. Long foreign names in
/// full, as on a residence card, stay well under it.
pub const NAME: Limit = limit("name", 100, "name");
/// An applicant's name in katakana (foreign names run longer in kana than in letters).
pub const KANA_NAME: Limit = limit("kana name", 100, "kanaName");
/// A phone number as typed, separators and full-width digits included (the store keeps its
/// 10 or 11 digits).
pub const PHONE: Limit = limit("phone", 30, "phone");
/// A booking's note for staff.
pub const BOOKING_NOTE: Limit = limit("booking note", 1000, "bookingNote");
/// A holiday session's note, shown on the day board.
pub const HOLIDAY_SESSION_NOTE: Limit = limit("holiday session note", 200, "sessionNote");
/// What happened, for a closure's incident record.
pub const CLOSURE_NOTE: Limit = limit("closure note", 1000, "closureNote");
/// Staff's words beside a revisit's reason code.
pub const REVISIT_REASON: Limit = limit("revisit reason", 500, "reasonWords");
/// Staff's words beside a cancellation's reason code.
pub const CANCEL_REASON: Limit = limit("cancel reason", 500, "reasonWords");
/// Staff's words on a difference in the day's form count.
pub const FORM_COUNT_NOTE: Limit = limit("form-count note", 500, "reasonWords");
/// Why city staff gave items of a bundle back.
pub const RETURN_NOTE: Limit = limit("return note", 500, "returnNote");
/// A label the city gives a reason code: printed on reports, so short.
pub const REASON_LABEL: Limit = limit("reason label", 30, "reasonLabel");
/// A document name in a procedure's bundle (from the city's list in settings).
pub const BUNDLE_DOCUMENT: Limit = limit("bundle document", 100, "bundleDocument");
/// What an inquiry or complaint was about.
pub const INQUIRY_SUMMARY: Limit = limit("inquiry summary", 2000, "inquirySummary");
/// How it was answered or first handled.
pub const INQUIRY_OUTCOME: Limit = limit("inquiry outcome", 2000, "inquiryOutcome");
/// What was done at a step of a complaint's response.
pub const COMPLAINT_STEP_NOTE: Limit = limit("complaint step note", 2000, "complaintStepNote");
/// What material the city lent.
pub const LENT_ITEM: Limit = limit("lent item", 100, "lentItem");
/// The city section or officer who lent it.
pub const LENT_BY: Limit = limit("lent by", 100, "lentBy");
/// Where it is kept.
pub const KEPT_AT: Limit = limit("kept at", 100, "keptAt");
/// Notes on a lent material.
pub const LENDING_NOTE: Limit = limit("lending note", 1000, "lendingNote");
/// What a person did about a conflict.
pub const CONFLICT_RESOLUTION: Limit = limit("conflict resolution", 1000, "conflictResolution");
/// The site's name, given when the store is made.
pub const SITE_NAME: Limit = limit("site name", 100, "siteName");
/// The seat's name, given when the store is made.
pub const SEAT_NAME: Limit = limit("seat name", 100, "seatName");
/// The contractor's organisation on an erasure certificate.
pub const ORGANISATION: Limit = limit("organisation", 100, "organisation");
/// The contract on an erasure certificate.
pub const CONTRACT: Limit = limit("contract", 100, "contract");
/// A training session's title (printed: it names a course, never a citizen).
pub const TRAINING_TITLE: Limit = limit("training title", 100, "trainingTitle");
/// Who gave a training session.
pub const TRAINER: Limit = limit("trainer", 100, "trainer");
/// A training session's material (資料名・版).
pub const TRAINING_MATERIAL: Limit = limit("training material", 200, "trainingMaterial");
/// A member's experience of 特定個人情報 work, on the roster (000 §8(2)イ).
pub const STAFF_EXPERIENCE: Limit = limit("staff experience", 500, "staffExperience");
/// What happened, for an incident (may name citizens: kept at its site, never printed).
pub const INCIDENT_DESCRIPTION: Limit = limit("incident description", 2000, "incidentDescription");
/// Words beside an incident's step.
pub const INCIDENT_STEP_WORDS: Limit = limit("incident step words", 2000, "incidentStepWords");
/// The title of whom an incident was reported to (「市民課 担当係長」, printed: a title, not a name).
pub const REPORTED_TO_TITLE: Limit = limit("reported to title", 50, "reportedToTitle");

/// A work-log note's words (kept in the store, never printed: docs/design/paperwork.md §3.3).
pub const WORK_LOG_WORDS: Limit = limit("work log words", 200, "workLogWords");
/// An improvement notice's summary (never printed: §3.5).
pub const IMPROVEMENT_SUMMARY: Limit = limit("improvement summary", 2000, "improvementSummary");
/// An improvement step's note (never printed).
pub const IMPROVEMENT_NOTE: Limit = limit("improvement note", 1000, "improvementNote");
/// A document number of the improvement cycle (文書番号).
pub const IMPROVEMENT_DOCUMENT: Limit = limit("improvement document", 50, "improvementDocument");

/// Every limit.
pub const ALL: &[Limit] = &[
    NAME,
    KANA_NAME,
    PHONE,
    BOOKING_NOTE,
    HOLIDAY_SESSION_NOTE,
    CLOSURE_NOTE,
    REVISIT_REASON,
    CANCEL_REASON,
    FORM_COUNT_NOTE,
    RETURN_NOTE,
    REASON_LABEL,
    BUNDLE_DOCUMENT,
    INQUIRY_SUMMARY,
    INQUIRY_OUTCOME,
    COMPLAINT_STEP_NOTE,
    LENT_ITEM,
    LENT_BY,
    KEPT_AT,
    LENDING_NOTE,
    CONFLICT_RESOLUTION,
    SITE_NAME,
    SEAT_NAME,
    ORGANISATION,
    CONTRACT,
    INCIDENT_DESCRIPTION,
    INCIDENT_STEP_WORDS,
    REPORTED_TO_TITLE,
    TRAINING_TITLE,
    TRAINER,
    TRAINING_MATERIAL,
    STAFF_EXPERIENCE,
    WORK_LOG_WORDS,
    IMPROVEMENT_SUMMARY,
    IMPROVEMENT_NOTE,
    IMPROVEMENT_DOCUMENT,
];

/// The longest any field may be; a field missing from [`ALL`] gets it (a test keeps the
/// table complete).
pub const LONGEST: usize = 2000;

/// The limit of the field errors name `field`.
pub fn of(field: &'static str) -> Limit {
    ALL.iter()
        .find(|l| l.field == field)
        .copied()
        .unwrap_or(Limit {
            field,
            max: LONGEST,
            ui: "",
        })
}

/// Refuses `text` if it is longer than the limit of the field named `field`.
pub fn check(field: &'static str, text: &str) -> Result<()> {
    of(field).check(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{collections::BTreeMap, path::Path};

    #[test]
    fn characters_are_counted_not_bytes() {
        let kanji = "長".repeat(BOOKING_NOTE.max);
        assert!(kanji.len() > BOOKING_NOTE.max, "three bytes each");
        assert!(BOOKING_NOTE.check(&kanji).is_ok());
        let over = format!("{kanji}a");
        match BOOKING_NOTE.check(&over) {
            Err(Error::TooLong { field, max }) => {
                assert_eq!((field, max), ("booking note", 1000))
            }
            other => panic!("{other:?}"),
        }
        assert!(check("booking note", &over).is_err());
        assert!(check("booking note", "").is_ok());
        let message = BOOKING_NOTE.check(&over).unwrap_err().to_string();
        assert!(!message.contains('長'), "the text is not echoed: {message}");
    }

    #[test]
    fn fields_are_named_once_and_limits_fit_the_longest() {
        let mut seen = std::collections::BTreeSet::new();
        for l in ALL {
            assert!(seen.insert(l.field), "{} twice", l.field);
            assert!(l.max > 0 && l.max <= LONGEST, "{}", l.field);
            assert!(!l.ui.is_empty(), "{}", l.field);
        }
        assert_eq!(of("no such field").max, LONGEST);
    }

    /// The field names passed to the individual-number guard and to `required_label` in core's
    /// sources each have their own limit in the table (the reason lists' fields: in reason.rs).
    #[test]
    fn every_guarded_field_has_a_limit() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut names = Vec::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let code = std::fs::read_to_string(&path).unwrap();
                for call in ["refuse_in_text(\"", "required_label(\""] {
                    for (at, _) in code.match_indices(call) {
                        let rest = &code[at + call.len()..];
                        let name = &rest[..rest.find('"').unwrap()];
                        names.push((name.to_owned(), path.clone()));
                    }
                }
            }
        }
        assert!(names.len() > 10, "the reader finds the calls: {names:?}");
        for (name, path) in names {
            assert!(
                ALL.iter().any(|l| l.field == name),
                "{name:?} ({}) has no limit in limits.rs",
                path.display()
            );
        }
    }

    /// `ui/src/limits.ts` holds the same numbers, so the UI's `maxLength` and the fake backend
    /// agree with the core.
    #[test]
    fn the_uis_table_matches() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/limits.ts");
        let ts = std::fs::read_to_string(&path).unwrap();
        let table = &ts[ts.find("MAX_LENGTH = {").expect("MAX_LENGTH = {")..];
        let table = &table[..table.find('}').unwrap()];
        let ui: BTreeMap<&str, usize> = table
            .lines()
            .filter_map(|line| {
                let (key, value) = line.trim().trim_end_matches(',').split_once(':')?;
                Some((key.trim(), value.trim().replace('_', "").parse().ok()?))
            })
            .collect();
        let mut core = BTreeMap::new();
        for l in ALL {
            if let Some(other) = core.insert(l.ui, l.max) {
                assert_eq!(other, l.max, "fields sharing {} differ", l.ui);
            }
        }
        assert_eq!(
            ui, core,
            "ui/src/limits.ts differs from crates/core/src/limits.rs"
        );
    }
}
