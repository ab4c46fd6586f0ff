//! Japanese labels for codes, taken from the UI's locale files so the reports and the screens
//! always say the same thing.
use std::{collections::HashMap, sync::OnceLock};

use madoguchi_core::reason::{CityReason, ReasonKind};

const LOCALES: [&str; 3] = [
    include_str!("../../../ui/src/locales/ja/reservations.json"),
    include_str!("../../../ui/src/locales/ja/people.json"),
    include_str!("../../../ui/src/locales/ja/reasons.json"),
];

/// The label of `prefix.code` (e.g. `procedure.card_issue`), or the code itself.
pub(crate) fn label(prefix: &str, code: &str) -> String {
    static TEXTS: OnceLock<HashMap<String, String>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        LOCALES
            .iter()
            .flat_map(|json| {
                serde_json::from_str::<HashMap<String, String>>(json).unwrap_or_default()
            })
            .collect()
    });
    texts
        .get(&format!("{prefix}.{code}"))
        .cloned()
        .unwrap_or_else(|| code.to_owned())
}

/// The Japanese label of a reason code: the built-in label, or the city's own; an unknown code
/// (from a newer seat) prints as itself. Codes are `[a-z0-9_]`, never free text.
pub(crate) fn reason(kind: ReasonKind, code: &str, city: &[CityReason]) -> String {
    let prefix = format!("reason.{}", kind.code());
    if kind.built_in().contains(&code) {
        return label(&prefix, code);
    }
    city.iter()
        .find(|r| r.kind == kind && r.code == code)
        .map(|r| r.label.trim().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// Counts by reason code as labelled rows.
pub(crate) fn reasons(
    kind: ReasonKind,
    rows: &[(String, u32)],
    city: &[CityReason],
) -> Vec<(String, String)> {
    rows.iter()
        .map(|(code, n)| (reason(kind, code, city), n.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_reason_has_a_label() {
        for kind in ReasonKind::ALL {
            for code in kind.built_in() {
                let l = reason(*kind, code, &[]);
                assert_ne!(l, *code, "reason.{}.{code} has no label", kind.code());
            }
        }
        let city = [CityReason {
            kind: ReasonKind::Cancel,
            code: "city_rain".into(),
            label: "荒天".into(),
            active: false,
        }];
        assert_eq!(reason(ReasonKind::Cancel, "city_rain", &city), "荒天");
        assert_eq!(reason(ReasonKind::Revisit, "city_rain", &city), "city_rain");
    }

    #[test]
    fn codes_get_their_japanese_labels() {
        assert_eq!(super::label("procedure", "card_issue"), "カード交付");
        assert_eq!(super::label("role", "city_staff"), "市職員");
        assert_eq!(
            super::label("inq.category", "service"),
            "待ち時間・応対・会場"
        );
        assert_eq!(super::label("procedure", "unknown"), "unknown");
    }
}
