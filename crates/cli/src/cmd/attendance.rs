//! `madoguchi attendance`: the attendance record (sign-ins and sign-outs) of a period as CSV on
//! standard output, for the city. It names staff, not citizens.
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use madoguchi_core::DataDir;

use super::open_as_site;

/// Print the attendance record (出勤記録) of a period as CSV (UTF-8 with BOM).
#[derive(Debug, Args)]
pub struct Attendance {
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: NaiveDate,
    /// Last day, YYYY-MM-DD (default: the first day).
    #[arg(long)]
    to: Option<NaiveDate>,
}

impl Attendance {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = open_as_site(dir, "cli")?;
        print!(
            "{}",
            store.attendance_csv(self.from, self.to.unwrap_or(self.from))?
        );
        Ok(ExitCode::SUCCESS)
    }
}
