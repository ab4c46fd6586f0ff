//! Training records (研修記録): seed 000 §8(3), seed 002 §11ソ, §16(4)(5).
use crate::paperwork::TrainingMutation;

use super::super::Store;
use crate::Result;

impl Store {
    /// Applies a change of this part.
    pub(in crate::store) fn apply_training(&self, m: &TrainingMutation) -> Result<()> {
        match m {
            TrainingMutation::RecordTrainingSession { .. } => Err(crate::Error::NotAllowed("not built yet".into())),
        }
    }
}
