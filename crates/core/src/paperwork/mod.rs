//! The contractor's paperwork for the city (issue 23, docs/design/paperwork.md): the staff
//! roster's submissions, training records, incidents, the daily work log and the improvement
//! cycle. Pure: types, codes and mutations; `store/paperwork` applies them and answers queries.
//!
//! Paper holds codes, counts, dates and staff names, never words typed about citizens
//! (issue 18's rule): free text stays in the encrypted store.
use serde::{Deserialize, Serialize};

use crate::people::Permission;

pub mod improvement;
pub mod incident;
pub mod roster;
pub mod training;
pub mod work_log;

pub use improvement::ImprovementMutation;
pub use incident::IncidentMutation;
pub use roster::RosterMutation;
pub use training::TrainingMutation;
pub use work_log::WorkLogMutation;

/// Any paperwork mutation: each part owns its `op` names (no two parts share one).
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PaperworkMutation {
    /// Roster submissions and staff details.
    Roster(RosterMutation),
    /// Training sessions and results.
    Training(TrainingMutation),
    /// Incidents.
    Incident(IncidentMutation),
    /// The daily work log.
    WorkLog(WorkLogMutation),
    /// The improvement cycle.
    Improvement(ImprovementMutation),
}

macro_rules! each_part {
    ($m:expr, $x:ident => $e:expr) => {
        match $m {
            PaperworkMutation::Roster($x) => $e,
            PaperworkMutation::Training($x) => $e,
            PaperworkMutation::Incident($x) => $e,
            PaperworkMutation::WorkLog($x) => $e,
            PaperworkMutation::Improvement($x) => $e,
        }
    };
}

impl PaperworkMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        each_part!(self, m => m.kind())
    }

    /// What it is about (an id, a day, a staff ID), never a name.
    pub fn subject(&self) -> String {
        each_part!(self, m => m.subject())
    }

    /// A detail for the audit trail: codes only.
    pub fn detail(&self) -> String {
        each_part!(self, m => m.detail())
    }

    /// What the actor needs to make it.
    pub fn permission(&self) -> Permission {
        each_part!(self, m => m.permission())
    }
}

macro_rules! from_part {
    ($($variant:ident($t:ty)),*) => {
        $(impl From<$t> for PaperworkMutation {
            fn from(m: $t) -> PaperworkMutation {
                PaperworkMutation::$variant(m)
            }
        })*
    };
}

from_part!(
    Roster(RosterMutation),
    Training(TrainingMutation),
    Incident(IncidentMutation),
    WorkLog(WorkLogMutation),
    Improvement(ImprovementMutation)
);
