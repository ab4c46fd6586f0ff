//! The individual-number guard. Under the My Number Act the contractor must not collect
//! individual numbers (個人番号) it does not need: once one is typed into a note it is
//! 特定個人情報 in the store. Every free-text field goes through [`refuse_in_text`] inside its
//! domain's apply, so a seat, the CLI and the hub (which executes the same apply) all refuse it.
//!
//! A 個人番号 is 12 digits whose last is a check digit (行政手続における特定の個人を識別するための
//! 番号の利用等に関する法律施行令 第8条): with P(n) the n-th of the first 11 digits counted from
//! the right and Q(n) = n + 1 for n ≤ 6, n − 5 for n ≥ 7, the check digit is
//! 11 − (Σ P(n)·Q(n) mod 11), or 0 when that remainder is 0 or 1. People write it in any
//! notation: in groups of four with spaces or hyphens, in full-width digits; all are found.
use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// The check digit of the first 11 digits of an individual number (each 0–9).
pub fn check_digit(first11: &[u8; 11]) -> u8 {
    let sum: u32 = first11
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let n = i as u32 + 1;
            let q = if n <= 6 { n + 1 } else { n - 5 };
            u32::from(*d) * q
        })
        .sum();
    match sum % 11 {
        0 | 1 => 0,
        r => (11 - r) as u8,
    }
}

/// Whether 12 digits (each 0–9) are an individual number: the last is the check digit.
pub fn is_individual_number(digits: &[u8; 12]) -> bool {
    let first: [u8; 11] = digits[..11].try_into().expect("11 digits");
    check_digit(&first) == digits[11]
}

/// The digit a character stands for, in any width (ASCII, full-width, other NFKC forms).
fn digit(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let mut folded = std::iter::once(c).nfkc();
    match (folded.next(), folded.next()) {
        (Some(d), None) if d.is_ascii_digit() => Some(d as u8 - b'0'),
        _ => None,
    }
}

/// Characters people put between groups of digits (spaces of any width, hyphens and dashes,
/// the long-vowel mark typed for a hyphen, dots).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '‐'
                | '‑'
                | '‒'
                | '–'
                | '—'
                | '―'
                | '−'
                | 'ー'
                | 'ｰ'
                | '－'
                | '.'
                | '．'
                | '・'
        )
}

/// At most this many separator characters between two groups of one number.
const MAX_GAP: usize = 3;

/// Whether `text` holds an individual number in any notation: 12 digits with a valid check
/// digit, written bare or in groups joined by spaces, hyphens or dots, in any width. A longer
/// bare run of digits is not one (a 16-digit number holds no individual number), but groups of
/// a longer grouped run are tried in every span of whole groups that makes 12 digits.
pub fn contains_individual_number(text: &str) -> bool {
    // Runs of digit groups: each group is a maximal run of digits; a run continues across
    // short gaps of separators.
    let mut runs: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut groups: Vec<Vec<u8>> = Vec::new();
    let mut group: Vec<u8> = Vec::new();
    let mut gap = 0usize;
    let close = |groups: &mut Vec<Vec<u8>>, runs: &mut Vec<Vec<Vec<u8>>>| {
        if !groups.is_empty() {
            runs.push(std::mem::take(groups));
        }
    };
    for c in text.chars() {
        if let Some(d) = digit(c) {
            if gap > MAX_GAP && !group.is_empty() {
                groups.push(std::mem::take(&mut group));
                close(&mut groups, &mut runs);
            } else if gap > 0 && !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
            gap = 0;
            group.push(d);
        } else if is_separator(c) {
            gap += 1;
        } else {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
            close(&mut groups, &mut runs);
            gap = 0;
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    close(&mut groups, &mut runs);

    runs.iter().any(|run| {
        (0..run.len()).any(|start| {
            let mut digits = Vec::with_capacity(12);
            for g in &run[start..] {
                digits.extend_from_slice(g);
                if digits.len() >= 12 {
                    break;
                }
            }
            digits.len() == 12 && is_individual_number(&digits.try_into().expect("12 digits"))
        })
    })
}

/// Refuses `text` if it holds an individual number: [`Error::IndividualNumberInText`], naming
/// the field and never the text.
///
/// Every free-text field passes here, so this is also where its length limit is enforced
/// ([`crate::limits`], by the field's name): an over-long text is [`Error::TooLong`], refused
/// before it is scanned.
pub fn refuse_in_text(field: &'static str, text: &str) -> Result<()> {
    crate::limits::check(field, text)?;
    if contains_individual_number(text) {
        Err(Error::IndividualNumberInText { field })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn digits(s: &str) -> [u8; 12] {
        let v: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        v.try_into().unwrap()
    }

    /// Twelve digits with a valid check digit.
    fn valid(first: [u8; 11]) -> String {
        let mut s: String = first.iter().map(|d| char::from(b'0' + d)).collect();
        s.push(char::from(b'0' + check_digit(&first)));
        s
    }

    #[test]
    fn the_check_digit_follows_the_cabinet_order() {
        // 12345678901 → Σ = 1·6+0·2… computed by hand: weights from the right 2,3,4,5,6,7,2,3,4,5,6.
        // digits from the right: 1,0,9,8,7,6,5,4,3,2,1
        // 1·2 + 0·3 + 9·4 + 8·5 + 7·6 + 6·7 + 5·2 + 4·3 + 3·4 + 2·5 + 1·6 = 212; 212 mod 11 = 3 → 8.
        assert_eq!(check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]), 8);
        assert!(is_individual_number(&digits("123456789018")));
        assert!(!is_individual_number(&digits("123456789017")));
        // A remainder of 0 or 1 gives 0: all zeros sums to 0.
        assert_eq!(check_digit(&[0; 11]), 0);
        // 00000000001: 1·2 = 2 → 9; 00000000005: 5·2 = 10 → 1; 000000000060: 6·2 = 12 → 1 → 0.
        assert_eq!(check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 9);
        assert_eq!(check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6]), 0);
    }

    #[test]
    fn any_notation_is_found() {
        for text in [
            "123456789018",
            "1234 5678 9018",
            "1234-5678-9018",
            "１２３４５６７８９０１８",
            "１２３４－５６７８－９０１８",
            "1234　5678　9018",
            "番号は1234ー5678ー9018です",
            "個人番号:123456789018。",
            "1 2 3 4 5 6 7 8 9 0 1 8",
        ] {
            assert!(contains_individual_number(text), "{text:?}");
            assert!(matches!(
                refuse_in_text("booking note", text),
                Err(Error::IndividualNumberInText {
                    field: "booking note"
                })
            ));
        }
    }

    #[test]
    fn other_numbers_pass() {
        for text in [
            "",
            "住民票なし 再来庁",
            "123456789017",      // wrong check digit
            "1234567890180",     // 13 digits in a row
            "9123456789018",     // 13 digits in a row
            "090-1234-5678",     // a phone number
            "予約番号 12345678", // a reservation number
            "12345678901",       // 11 digits
            "1234 5678 / 9018",  // a slash ends the number
        ] {
            assert!(!contains_individual_number(text), "{text:?}");
        }
        let err = refuse_in_text("revisit reason", "123456789018").unwrap_err();
        assert!(!err.to_string().contains("123456789018"), "{err}");
        assert_eq!(
            serde_json::to_string(&err.code()).unwrap(),
            "\"individual_number_in_text\""
        );
    }

    /// A notation for 12 digits: groups and separators, ASCII or full width.
    fn notation(s: &str, groups: u8, sep: &str, wide: bool) -> String {
        let chars: Vec<char> = s.chars().collect();
        let cut: &[usize] = match groups {
            0 => &[],
            1 => &[4, 8],
            2 => &[3, 6, 9],
            _ => &[6],
        };
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            if cut.contains(&i) {
                out.push_str(sep);
            }
            out.push(if wide {
                char::from_u32(*c as u32 - '0' as u32 + '０' as u32).unwrap()
            } else {
                *c
            });
        }
        out
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![" ", "-", "　", "－", "ー", "‐", " - ", "."])
    }

    proptest! {
        /// Every valid number is found in every notation, with any text around it that does
        /// not run into its digits.
        #[test]
        fn valid_numbers_are_found_in_any_notation(
            first in prop::array::uniform11(0u8..10),
            groups in 0u8..4,
            sep in separator(),
            wide in any::<bool>(),
            before in "[あ-んA-Za-z、。：]{0,6}",
            after in "[あ-んA-Za-z、。]{0,6}",
        ) {
            let n = valid(first);
            let text = format!("{before}{}{after}", notation(&n, groups, sep, wide));
            prop_assert!(contains_individual_number(&text), "{}", text);
        }

        /// A wrong check digit is never taken for an individual number, in any notation.
        #[test]
        fn invalid_check_digits_are_not_found(
            first in prop::array::uniform11(0u8..10),
            wrong in 1u8..10,
            groups in 0u8..4,
            sep in separator(),
            wide in any::<bool>(),
        ) {
            let mut n = valid(first);
            let last = n.pop().unwrap().to_digit(10).unwrap() as u8;
            n.push(char::from(b'0' + (last + wrong) % 10));
            prop_assert!(!contains_individual_number(&notation(&n, groups, sep, wide)), "{}", n);
        }

        /// Runs of other lengths are not individual numbers, whatever their digits.
        #[test]
        fn other_lengths_are_not_found(len in (1usize..30).prop_filter("not 12", |l| *l != 12), seed in any::<u64>()) {
            let s: String = (0..len).map(|i| char::from(b'0' + ((seed >> (i % 60)) as u8).wrapping_add(i as u8) % 10)).collect();
            prop_assert!(!contains_individual_number(&s), "{}", s);
        }

        /// The guard never panics on any text.
        #[test]
        fn any_text_is_checked(s in "\\PC{0,40}") {
            let _ = contains_individual_number(&s);
        }
    }
}
