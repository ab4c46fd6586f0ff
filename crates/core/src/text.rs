//! Folding of what staff type into search keys: names in any kana form and phone numbers in
//! any notation. Both sides of a search (the stored key and the query) go through the same
//! function, so "ﾔﾏﾀﾞ", "やまだ" and "ヤマダ" meet, as do "090-1234-5678" and "０９０１２３４５６７８".
use unicode_normalization::UnicodeNormalization;

/// Lower-case hex, for digests and fingerprints.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The search key of a name: NFKC (half-width katakana and full-width Latin become their
/// standard forms), hiragana as katakana, Latin in lower case, spaces and middle dots removed.
pub fn fold_kana(text: &str) -> String {
    // Lower-casing and dropping separators can leave sequences NFKC would compose further, so
    // fold until nothing changes (twice in practice; bounded in any case).
    let mut folded = fold_once(text);
    for _ in 0..3 {
        let again = fold_once(&folded);
        if again == folded {
            break;
        }
        folded = again;
    }
    folded
}

fn fold_once(text: &str) -> String {
    let lowered: String = text.nfkc().flat_map(char::to_lowercase).collect();
    lowered
        .nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '･' | '.' | ','))
        .map(|c| match c {
            // Hiragana ぁ..ゖ and the iteration marks ゝゞ sit 0x60 below their katakana.
            '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
                char::from_u32(c as u32 + 0x60).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// Characters people put between the digits of a phone number (after NFKC).
fn is_phone_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' | '(' | ')' | '.' | '/'
        )
}

/// The digits of `text` if it is written like (part of) a phone number: digits in any width
/// with the usual separators and nothing else.
fn digits_only(text: &str) -> Option<String> {
    let mut digits = String::new();
    for c in text.nfkc() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_phone_separator(c) {
            return None;
        }
    }
    Some(digits)
}

/// A Japanese phone number as its digits: 10 or 11 digits starting with 0, from any common
/// notation (hyphens, spaces, brackets, full-width digits). `None` when it is not one.
pub fn phone_digits(text: &str) -> Option<String> {
    digits_only(text).filter(|d| (10..=11).contains(&d.len()) && d.starts_with('0'))
}

/// The digits of a query that looks like the start of a phone number (at least two digits,
/// starting with 0, in any notation), for prefix search. `None` for anything else.
pub fn phone_prefix_digits(text: &str) -> Option<String> {
    digits_only(text).filter(|d| (2..=11).contains(&d.len()) && d.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kana_in_every_form_folds_to_one_key() {
        let key = fold_kana("ヤマダ");
        for form in ["ﾔﾏﾀﾞ", "やまだ", "ヤマダ", " ヤ マ ダ ", "ヤ　マダ"] {
            assert_eq!(fold_kana(form), key, "{form:?}");
        }
        assert_eq!(fold_kana("やまだ　はなこ"), fold_kana("ﾔﾏﾀﾞ ﾊﾅｺ"));
        assert_eq!(fold_kana("ゔぁ"), "ヴァ");
        assert_eq!(fold_kana("ｼﾞｮｰｼﾞ・ｽﾐｽ"), "ジョージスミス");
    }

    #[test]
    fn kanji_and_latin_fold_too() {
        assert_eq!(fold_kana("山田　花子"), "山田花子");
        assert_eq!(fold_kana("ＳＭＩＴＨ John"), "smithjohn");
        assert_ne!(fold_kana("ヤマダ"), fold_kana("ヤマタ"), "dakuten matters");
    }

    #[test]
    fn phone_notations_fold_to_digits() {
        for form in [
            "090-1234-5678",
            "09012345678",
            "０９０１２３４５６７８",
            "090 1234 5678",
            "(090)1234-5678",
            "０９０－１２３４－５６７８",
            "090ー1234ー5678",
        ] {
            assert_eq!(
                phone_digits(form).as_deref(),
                Some("09012345678"),
                "{form:?}"
            );
        }
        assert_eq!(phone_digits("072-740-1111").as_deref(), Some("0727401111"));
        for bad in ["12-34", "9012345678", "090-1234-567a", "", "090123456789"] {
            assert_eq!(phone_digits(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn phone_prefixes_are_recognised() {
        assert_eq!(phone_prefix_digits("090-12").as_deref(), Some("09012"));
        assert_eq!(phone_prefix_digits("０９０").as_deref(), Some("090"));
        assert_eq!(phone_prefix_digits("0"), None, "one digit matches everyone");
        assert_eq!(phone_prefix_digits("1234"), None, "not a phone number");
        assert_eq!(phone_prefix_digits("やまだ"), None);
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,20}") {
            let once = fold_kana(&s);
            prop_assert_eq!(fold_kana(&once), once);
        }

        #[test]
        fn hiragana_and_katakana_agree(s in "[ぁ-ゖ]{1,10}") {
            let katakana: String = s.chars().map(|c| char::from_u32(c as u32 + 0x60).unwrap()).collect();
            prop_assert_eq!(fold_kana(&s), fold_kana(&katakana));
        }
    }
}
