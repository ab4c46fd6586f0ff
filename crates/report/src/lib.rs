//! Madoguchi's reports for the city: the daily report (日報, a holiday session's included) and
//! the monthly report (月報), as Japanese PDF (A4, IPAex Gothic subset into the file, tables that
//! break across pages, vector charts) and as CSV (UTF-8 with BOM, so Excel opens it).
//!
//! The figures come from `madoguchi_core` ([`DailyReport`], [`MonthlyReport`]): aggregates only,
//! so nothing here can print a person. Labels are the UI's own Japanese texts (one source).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod csv;
mod figures;
mod labels;
mod layout;
pub mod pdf;

pub use madoguchi_core::store::{DailyReport, MonthlyReport};

/// What can go wrong making a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The shipped font could not be parsed (a damaged build).
    #[error("the report font (assets/fonts/ipaexg.ttf) could not be read")]
    Font,
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
