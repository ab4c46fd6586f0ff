//! Roster submissions (従事者名簿の提出) and staff details: seed 000 §8(2)カ, seed 002 §11チ.
use crate::paperwork::RosterMutation;

use super::super::Store;
use crate::Result;

impl Store {
    /// Applies a change of this part.
    pub(in crate::store) fn apply_roster(&self, m: &RosterMutation) -> Result<()> {
        match m {
            RosterMutation::RecordRosterSubmission { .. } => Err(crate::Error::NotAllowed("not built yet".into())),
        }
    }
}
