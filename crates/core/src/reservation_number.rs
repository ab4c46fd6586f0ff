//! Reservation numbers that can be read over the phone: eight digits shown as `1234-5678`,
//! never starting with 0 (so they are never confused with a phone number), the last digit a
//! Damm check digit. Digits only, so nothing is ambiguous when spoken (no O/0, I/1), and the
//! Damm algorithm catches every single mistyped digit and every swap of two neighbours.
use std::{fmt, str::FromStr};

use rand::Rng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// A reservation number (予約番号).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct ReservationNumber(u32);

/// The Damm quasigroup of order 10 (weakly totally anti-symmetric).
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: impl IntoIterator<Item = u8>) -> u8 {
    digits
        .into_iter()
        .fold(0, |interim, d| DAMM[interim as usize][d as usize])
}

fn digits_of(n: u32, count: u32) -> impl Iterator<Item = u8> {
    (0..count).rev().map(move |i| (n / 10u32.pow(i) % 10) as u8)
}

impl ReservationNumber {
    /// A random number: seven random digits (the first 1–9) and the check digit.
    pub fn random(rng: &mut impl Rng) -> Self {
        Self::from_body(rng.gen_range(1_000_000..10_000_000))
    }

    /// Appends the check digit to a seven-digit body.
    fn from_body(body: u32) -> Self {
        debug_assert!((1_000_000..10_000_000).contains(&body));
        ReservationNumber(body * 10 + damm(digits_of(body, 7)) as u32)
    }

    /// The number as stored in the database.
    pub fn as_i64(self) -> i64 {
        i64::from(self.0)
    }

    /// A stored number, checked.
    pub fn from_i64(n: i64) -> Result<Self> {
        u32::try_from(n)
            .ok()
            .and_then(Self::checked)
            .ok_or_else(|| Error::Invalid(format!("stored reservation number {n} is not valid")))
    }

    fn checked(n: u32) -> Option<Self> {
        ((10_000_000..100_000_000).contains(&n) && damm(digits_of(n, 8)) == 0)
            .then_some(ReservationNumber(n))
    }
}

impl FromStr for ReservationNumber {
    type Err = Error;

    /// Accepts `1234-5678`, `12345678`, full-width digits and spaces; refuses a wrong check digit.
    fn from_str(s: &str) -> Result<Self> {
        let mut n: u32 = 0;
        let mut count = 0;
        for c in s.nfkc() {
            match c.to_digit(10) {
                Some(d) if count < 8 => {
                    n = n * 10 + d;
                    count += 1;
                }
                None if c == '-' || c == '−' || c == 'ー' || c.is_whitespace() => {}
                _ => return Err(Error::BadReservationNumber),
            }
        }
        if count != 8 {
            return Err(Error::BadReservationNumber);
        }
        Self::checked(n).ok_or(Error::BadReservationNumber)
    }
}

impl fmt::Display for ReservationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:04}", self.0 / 10_000, self.0 % 10_000)
    }
}

impl fmt::Debug for ReservationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReservationNumber({self})")
    }
}

impl Serialize for ReservationNumber {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReservationNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    #[test]
    fn damm_matches_the_published_example() {
        // 572 → check digit 4 (Damm 2004; the usual worked example).
        assert_eq!(damm([5, 7, 2]), 4);
        assert_eq!(damm([5, 7, 2, 4]), 0);
    }

    #[test]
    fn reads_back_in_every_notation() {
        let n = ReservationNumber::from_body(1_234_567);
        let shown = n.to_string();
        assert_eq!(shown.len(), 9);
        assert_eq!(&shown[..4], "1234");
        for form in [
            shown.clone(),
            shown.replace('-', ""),
            shown.replace('-', " "),
            to_full_width(&shown),
        ] {
            assert_eq!(form.parse::<ReservationNumber>().unwrap(), n, "{form}");
        }
        assert_eq!(ReservationNumber::from_i64(n.as_i64()).unwrap(), n);
        assert_eq!(serde_json::to_string(&n).unwrap(), format!("\"{shown}\""));
        assert_eq!(
            serde_json::from_str::<ReservationNumber>(&format!("\"{shown}\"")).unwrap(),
            n
        );
    }

    #[test]
    fn malformed_input_is_refused() {
        for bad in [
            "",
            "1234-567",
            "1234-56789",
            "abcd-efgh",
            "0123-4567x",
            "090-1234-5678",
        ] {
            assert!(bad.parse::<ReservationNumber>().is_err(), "{bad}");
        }
        assert!(ReservationNumber::from_i64(-1).is_err());
        assert!(
            ReservationNumber::from_i64(1_234_567).is_err(),
            "seven digits"
        );
    }

    fn to_full_width(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap()
                } else {
                    c
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn every_single_digit_typo_is_caught(seed: u64, position in 0usize..8, replacement in 0u32..10) {
            let n = ReservationNumber::random(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let mut digits: Vec<char> = n.to_string().replace('-', "").chars().collect();
            prop_assume!(digits[position].to_digit(10) != Some(replacement));
            digits[position] = char::from_digit(replacement, 10).unwrap();
            let typo: String = digits.into_iter().collect();
            prop_assert!(typo.parse::<ReservationNumber>().is_err(), "{} accepted as {}", typo, n);
        }

        #[test]
        fn neighbour_swaps_are_caught(seed: u64, position in 0usize..7) {
            let n = ReservationNumber::random(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let mut digits: Vec<char> = n.to_string().replace('-', "").chars().collect();
            prop_assume!(digits[position] != digits[position + 1]);
            digits.swap(position, position + 1);
            let swapped: String = digits.into_iter().collect();
            prop_assert!(swapped.parse::<ReservationNumber>().is_err());
        }

        #[test]
        fn random_numbers_are_valid_and_never_start_with_zero(seed: u64) {
            let n = ReservationNumber::random(&mut rand::rngs::StdRng::seed_from_u64(seed));
            prop_assert!(!n.to_string().starts_with('0'));
            prop_assert_eq!(n.to_string().parse::<ReservationNumber>().unwrap(), n);
        }
    }

    #[test]
    fn every_single_digit_typo_is_caught_exhaustively_for_a_sample() {
        // Beyond the property test: all 8 × 9 typos of 2,000 numbers.
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..2_000 {
            let n = ReservationNumber::random(&mut rng).0;
            for position in 0..8 {
                let place = 10u32.pow(7 - position);
                let digit = n / place % 10;
                for replacement in (0..10).filter(|d| *d != digit) {
                    let typo = n - digit * place + replacement * place;
                    assert!(
                        ReservationNumber::checked(typo).is_none(),
                        "{typo} accepted for {n}"
                    );
                }
            }
        }
    }
}
