//! `madoguchi report`: the daily or monthly report of this store, saved as PDF or CSV in the
//! data folder's `reports/` (like the app's 報告 screen, so the end-of-contract wipe removes
//! it). Run on the hub's PC it is the city's report: a section per site, then the total (the
//! hub is the one store holding every site's bookings, docs/operator-manual.ja.md 6-13). A
//! report holds codes and counts only, never a citizen's data.
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use madoguchi_core::{store::ReportKind, DataDir};

use super::open_as_site;

/// Save the daily report (日報) of a day, or the monthly report (月報) of a month, in the
/// data folder's reports/, and print where.
#[derive(Debug, Args)]
pub struct Report {
    /// `daily` or `monthly`.
    kind: Kind,
    /// The day (YYYY-MM-DD); for a monthly report, any day of the month.
    day: NaiveDate,
    /// PDF (default) or CSV (UTF-8 with BOM).
    #[arg(long, value_enum, default_value = "pdf")]
    format: FileFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    Daily,
    Monthly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FileFormat {
    Pdf,
    Csv,
}

impl Report {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = open_as_site(dir, "cli")?;
        let kind = match self.kind {
            Kind::Daily => ReportKind::Daily,
            Kind::Monthly => ReportKind::Monthly,
        };
        let format = match self.format {
            FileFormat::Pdf => madoguchi_report::Format::Pdf,
            FileFormat::Csv => madoguchi_report::Format::Csv,
        };
        let path = madoguchi_report::save(&store, kind, self.day, format)?;
        println!("{}", path.display());
        Ok(ExitCode::SUCCESS)
    }
}
