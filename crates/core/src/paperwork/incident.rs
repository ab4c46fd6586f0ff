//! Incidents (事故・トラブル): seed 000 §10(2), 1.3(1); seed 002 §7, §13(6), §19.
//!
//! Skeleton: the first variant only; see docs/design/paperwork.md.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;

/// Changes of this part, applied by `store/paperwork/incident.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum IncidentMutation {
    /// First variant.
    OpenIncident {
        /// Its id (UUIDv7).
        id: Uuid,
    },
}

impl IncidentMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            IncidentMutation::OpenIncident { .. } => "open_incident",
        }
    }

    /// What it is about.
    pub fn subject(&self) -> String {
        match self {
            IncidentMutation::OpenIncident { id } => id.to_string(),
        }
    }

    /// Codes for the audit trail.
    pub fn detail(&self) -> String {
        String::new()
    }

    /// What the actor needs.
    pub fn permission(&self) -> Permission {
        Permission::ReportIncident
    }
}
