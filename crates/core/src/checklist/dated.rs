//! Dates in rules files: `valid_from = 2025-12-02` (a TOML date) or `"2025-12-02"` (a string),
//! and lists written either as one string or as an array (`when = "a"`, `when = ["a", "b"]`).
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum DateRepr {
    Text(String),
    Toml(toml::value::Datetime),
}

/// An optional date, from a TOML date or a `YYYY-MM-DD` string.
pub(super) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let Some(repr) = Option::<DateRepr>::deserialize(d)? else {
        return Ok(None);
    };
    let text = match repr {
        DateRepr::Text(s) => s,
        DateRepr::Toml(dt) => match (dt.date, dt.time) {
            (Some(date), None) => format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
            _ => {
                return Err(serde::de::Error::custom(
                    "a date without a time is expected",
                ))
            }
        },
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("not a date (YYYY-MM-DD): {text:?}")))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A list of fact ids written as one string or as an array.
pub(super) fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

/// Something that applies only between two dates (both inclusive, both optional).
pub trait Dated {
    /// First day it applies.
    fn valid_from(&self) -> Option<NaiveDate>;
    /// Last day it applies.
    fn valid_until(&self) -> Option<NaiveDate>;
    /// Whether it applies on `day`.
    fn in_force(&self, day: NaiveDate) -> bool {
        self.valid_from().is_none_or(|from| from <= day)
            && self.valid_until().is_none_or(|until| day <= until)
    }
}

macro_rules! dated {
    ($($t:ty),*) => {$(
        impl Dated for $t {
            fn valid_from(&self) -> Option<NaiveDate> { self.valid_from }
            fn valid_until(&self) -> Option<NaiveDate> { self.valid_until }
        }
    )*};
}
pub(super) use dated;

/// `2025年12月1日` for messages.
pub(super) fn ja(day: NaiveDate) -> String {
    day.format("%Y年%-m月%-d日").to_string()
}
