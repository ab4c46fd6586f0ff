//! Roster submissions (従事者名簿の提出) and staff details: seed 000 §8(2)カ, seed 002 §11チ.
//!
//! Skeleton: the first variant only; see docs/design/paperwork.md.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;

/// Changes of this part, applied by `store/paperwork/roster.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RosterMutation {
    /// First variant.
    RecordRosterSubmission {
        /// Its id (UUIDv7).
        id: Uuid,
    },
}

impl RosterMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            RosterMutation::RecordRosterSubmission { .. } => "record_roster_submission",
        }
    }

    /// What it is about.
    pub fn subject(&self) -> String {
        match self {
            RosterMutation::RecordRosterSubmission { id } => id.to_string(),
        }
    }

    /// Codes for the audit trail.
    pub fn detail(&self) -> String {
        String::new()
    }

    /// What the actor needs.
    pub fn permission(&self) -> Permission {
        Permission::ManageStaff
    }
}
