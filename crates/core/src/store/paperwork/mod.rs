//! The contractor's paperwork (issue 23): applies `crate::paperwork`'s mutations and answers
//! its queries, one file per part.
use crate::paperwork::PaperworkMutation;

use super::Store;
use crate::Result;

mod improvement;
mod incident;
mod roster;
mod training;
mod work_log;

pub use work_log::{WorkLog, WorkLogDue};

impl Store {
    /// Applies a paperwork change through the part that owns it.
    pub(super) fn apply_paperwork(&self, m: &PaperworkMutation) -> Result<()> {
        match m {
            PaperworkMutation::Roster(m) => self.apply_roster(m),
            PaperworkMutation::Training(m) => self.apply_training(m),
            PaperworkMutation::Incident(m) => self.apply_incident(m),
            PaperworkMutation::WorkLog(m) => self.apply_work_log(m),
            PaperworkMutation::Improvement(m) => self.apply_improvement(m),
        }
    }
}
