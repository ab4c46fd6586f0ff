//! The improvement cycle (業務改善事項通知書・計画書・報告書): seed 000 §1.1.
use crate::paperwork::ImprovementMutation;

use super::super::Store;
use crate::Result;

impl Store {
    /// Applies a change of this part.
    pub(in crate::store) fn apply_improvement(&self, m: &ImprovementMutation) -> Result<()> {
        match m {
            ImprovementMutation::ReceiveImprovementNotice { .. } => Err(crate::Error::NotAllowed("not built yet".into())),
        }
    }
}
