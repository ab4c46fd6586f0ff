//! Incidents (事故・トラブル): seed 000 §10(2), 1.3(1); seed 002 §7, §13(6), §19.
use crate::paperwork::IncidentMutation;

use super::super::Store;
use crate::Result;

impl Store {
    /// Applies a change of this part.
    pub(in crate::store) fn apply_incident(&self, m: &IncidentMutation) -> Result<()> {
        match m {
            IncidentMutation::OpenIncident { .. } => Err(crate::Error::NotAllowed("not built yet".into())),
        }
    }
}
