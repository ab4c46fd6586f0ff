//! Coded reasons: why a case must come again, why it was cancelled, why the day's count of
//! application forms differs from the handoffs. Staff choose a code from a list (the built-in
//! codes below, whose Japanese labels are in `ui/src/locales/ja/reasons.json`, plus the codes the
//! city adds in settings); any words they add stay in the encrypted store. Reports count codes
//! and print their labels, never the words, so a report can leave the PC (issue 18).
//!
//! Mutations stored before codes existed carry only words: they read as [`OTHER`] with the words
//! kept in the store.
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

coded_enum! {
    /// Which list a reason comes from.
    ReasonKind {
        /// Why a case must come again (再来庁).
        Revisit = "revisit",
        /// Why a case was cancelled at the counter.
        Cancel = "cancel",
        /// Why the back office's count of application forms differs from the handoffs.
        FormDifference = "form_difference",
    }
}

/// The code every list has: something else, said in words kept in the store.
pub const OTHER: &str = "other";

/// City codes start with this, so they never clash with a built-in code added later.
pub const CITY_PREFIX: &str = "city_";

impl ReasonKind {
    /// The built-in codes of the list, [`OTHER`] last.
    pub fn built_in(self) -> &'static [&'static str] {
        match self {
            ReasonKind::Revisit => &[
                "missing_documents",
                "identity_documents",
                "proxy_documents",
                "document_inquiry",
                "photo",
                "system_outage",
                OTHER,
            ],
            ReasonKind::Cancel => &[
                "left",
                "wrong_day",
                "not_needed",
                "other_counter",
                "unwell",
                OTHER,
            ],
            ReasonKind::FormDifference => &[
                "spoiled",
                "counting_error",
                "not_yet_handed",
                "returned",
                "recording_error",
                OTHER,
            ],
        }
    }

    /// How its free-text field is named in errors (English, no data).
    pub fn field(self) -> &'static str {
        match self {
            ReasonKind::Revisit => "revisit reason",
            ReasonKind::Cancel => "cancel reason",
            ReasonKind::FormDifference => "form-count note",
        }
    }
}

/// A reason the city added to a list in settings: its code (`city_…`) and its Japanese label.
/// The label is vocabulary ("窓口混雑のため"), printed on reports: it must not name anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CityReason {
    /// Which list.
    pub kind: ReasonKind,
    /// `city_` and lower-case letters, digits or `_` (at most 40 characters).
    pub code: String,
    /// The label shown in pickers and printed on reports.
    pub label: String,
    /// Offered in pickers (a retired code still labels old cases).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Longest label the city can give a code ([`crate::limits::REASON_LABEL`]).
pub const MAX_LABEL: usize = crate::limits::REASON_LABEL.max;

impl CityReason {
    /// Refuses a malformed code or a label that could carry personal data: too long, with a run
    /// of digits (a phone, a date of birth, an individual number), or empty.
    pub fn check(&self) -> Result<()> {
        let tail = self.code.strip_prefix(CITY_PREFIX).unwrap_or_default();
        if tail.is_empty()
            || self.code.len() > 40
            || !tail
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(Error::Invalid(format!(
                "a city reason code is {CITY_PREFIX} and lower-case letters, digits or _"
            )));
        }
        let label = self.label.trim();
        if label.is_empty() {
            return Err(Error::Invalid(format!(
                "a reason's label is 1 to {MAX_LABEL} characters"
            )));
        }
        crate::limits::REASON_LABEL.check(label)?;
        crate::my_number::refuse_in_text("reason label", label)?;
        let digits = label
            .chars()
            .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
            .count();
        if digits > 3 {
            return Err(Error::Invalid(
                "a reason's label is printed on reports: no numbers in it".into(),
            ));
        }
        Ok(())
    }
}

/// The code a reason is counted under: the chosen code, or [`OTHER`] for words alone (as
/// stored before codes existed).
pub fn effective(code: Option<&str>) -> &str {
    match code.map(str::trim) {
        Some(c) if !c.is_empty() => c,
        _ => OTHER,
    }
}

/// Whether `code` may be chosen from `kind`'s list, given the city's codes.
pub fn check_code(kind: ReasonKind, code: &str, city: &[CityReason]) -> Result<()> {
    let known = kind.built_in().contains(&code)
        || city
            .iter()
            .any(|r| r.kind == kind && r.code == code && r.active);
    if known {
        Ok(())
    } else {
        // The code is not echoed: a malformed one could be anything typed.
        Err(Error::Invalid(format!(
            "not a code of the {} list",
            kind.code()
        )))
    }
}

/// Checks a coded reason as a mutation carries it: a known code (or words alone, from before
/// codes), at least one of the two, and words free of individual numbers.
pub fn check(kind: ReasonKind, code: Option<&str>, words: &str, city: &[CityReason]) -> Result<()> {
    crate::my_number::refuse_in_text(kind.field(), words)?;
    match code {
        Some(c) => check_code(kind, c, city),
        None if words.trim().is_empty() => {
            Err(Error::Invalid(format!("a {} needs a code", kind.field())))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_ends_with_other_and_has_unique_codes() {
        for kind in ReasonKind::ALL {
            let codes = kind.built_in();
            assert_eq!(codes.last(), Some(&OTHER));
            let unique: std::collections::BTreeSet<_> = codes.iter().collect();
            assert_eq!(unique.len(), codes.len());
            assert!(codes.iter().all(|c| !c.starts_with(CITY_PREFIX)));
        }
    }

    #[test]
    fn codes_and_words_are_checked() {
        let city = vec![CityReason {
            kind: ReasonKind::Revisit,
            code: "city_crowded".into(),
            label: "混雑のため後日".into(),
            active: true,
        }];
        assert!(check(ReasonKind::Revisit, Some("photo"), "", &city).is_ok());
        assert!(check(ReasonKind::Revisit, Some("city_crowded"), "", &city).is_ok());
        assert!(check(ReasonKind::Cancel, Some("city_crowded"), "", &city).is_err());
        assert!(
            check(ReasonKind::Revisit, None, "書類不足", &city).is_ok(),
            "words alone: other"
        );
        assert!(check(ReasonKind::Revisit, None, " ", &city).is_err());
        assert!(matches!(
            check(
                ReasonKind::Revisit,
                Some("other"),
                "番号 1234 5678 9018",
                &city
            ),
            Err(Error::IndividualNumberInText {
                field: "revisit reason"
            })
        ));
        assert_eq!(effective(None), OTHER);
        assert_eq!(effective(Some("photo")), "photo");
    }

    #[test]
    fn every_lists_words_have_a_length_limit() {
        for kind in ReasonKind::ALL {
            let limit = crate::limits::of(kind.field());
            assert!(
                crate::limits::ALL.contains(&limit),
                "{} has no limit",
                kind.field()
            );
        }
    }

    #[test]
    fn city_labels_cannot_carry_data() {
        let r = |code: &str, label: &str| CityReason {
            kind: ReasonKind::Cancel,
            code: code.into(),
            label: label.into(),
            active: true,
        };
        assert!(r("city_1", "体調不良で後日").check().is_ok());
        assert!(r("left", "帰宅").check().is_err(), "not a city code");
        assert!(r("city_X", "帰宅").check().is_err());
        assert!(r("city_2", "090-1234-5678に連絡").check().is_err());
        assert!(r("city_3", "").check().is_err());
        assert!(r("city_4", &"長".repeat(30)).check().is_ok());
        assert!(matches!(
            r("city_4", &"長".repeat(31)).check(),
            Err(Error::TooLong {
                field: "reason label",
                max: 30
            })
        ));
    }
}
