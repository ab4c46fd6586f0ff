//! `madoguchi attendance`: the attendance record (sign-ins and sign-outs) of a period, saved as
//! CSV in the data folder's `reports/` (like every report, so the end-of-contract wipe removes
//! it). It names staff, not citizens. It is never printed for a shell redirect: a file made with
//! `> file` lands wherever the shell was, where no wipe reaches.
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use madoguchi_core::DataDir;

use super::open_as_site;

/// Save the attendance record (出勤記録) of a period as CSV (UTF-8 with BOM) in the data
/// folder's reports/, and print where.
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
        let path =
            madoguchi_report::save_attendance(&store, self.from, self.to.unwrap_or(self.from))?;
        println!("{}", path.display());
        Ok(ExitCode::SUCCESS)
    }
}
