//! Japanese labels for codes, taken from the UI's locale files so the reports and the screens
//! always say the same thing.
use std::{collections::HashMap, sync::OnceLock};

const LOCALES: [&str; 2] = [
    include_str!("../../../ui/src/locales/ja/reservations.json"),
    include_str!("../../../ui/src/locales/ja/people.json"),
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

#[cfg(test)]
mod tests {
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
