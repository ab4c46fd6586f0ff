//! The daily work log (業務日誌): seed 002 §13(4).
//!
//! Skeleton: the first variant only; see docs/design/paperwork.md.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;

/// Changes of this part, applied by `store/paperwork/work_log.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WorkLogMutation {
    /// First variant.
    AddWorkLogNote {
        /// Its id (UUIDv7).
        id: Uuid,
    },
}

impl WorkLogMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkLogMutation::AddWorkLogNote { .. } => "add_work_log_note",
        }
    }

    /// What it is about.
    pub fn subject(&self) -> String {
        match self {
            WorkLogMutation::AddWorkLogNote { id } => id.to_string(),
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
