//! The daily work log (業務日誌): seed 002 §13(4).
use crate::paperwork::WorkLogMutation;

use super::super::Store;
use crate::Result;

impl Store {
    /// Applies a change of this part.
    pub(in crate::store) fn apply_work_log(&self, m: &WorkLogMutation) -> Result<()> {
        match m {
            WorkLogMutation::AddWorkLogNote { .. } => Err(crate::Error::NotAllowed("not built yet".into())),
        }
    }
}
