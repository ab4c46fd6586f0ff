//! Training records (研修記録): seed 000 §8(3), seed 002 §11ソ, §16(4)(5).
//!
//! Skeleton: the first variant only; see docs/design/paperwork.md.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;

/// Changes of this part, applied by `store/paperwork/training.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TrainingMutation {
    /// First variant.
    RecordTrainingSession {
        /// Its id (UUIDv7).
        id: Uuid,
    },
}

impl TrainingMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            TrainingMutation::RecordTrainingSession { .. } => "record_training_session",
        }
    }

    /// What it is about.
    pub fn subject(&self) -> String {
        match self {
            TrainingMutation::RecordTrainingSession { id } => id.to_string(),
        }
    }

    /// Codes for the audit trail.
    pub fn detail(&self) -> String {
        String::new()
    }

    /// What the actor needs.
    pub fn permission(&self) -> Permission {
        Permission::ManagePaperwork
    }
}
