//! The improvement cycle (業務改善事項通知書・計画書・報告書): seed 000 §1.1.
//!
//! Skeleton: the first variant only; see docs/design/paperwork.md.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;

/// Changes of this part, applied by `store/paperwork/improvement.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ImprovementMutation {
    /// First variant.
    ReceiveImprovementNotice {
        /// Its id (UUIDv7).
        id: Uuid,
    },
}

impl ImprovementMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            ImprovementMutation::ReceiveImprovementNotice { .. } => "receive_improvement_notice",
        }
    }

    /// What it is about.
    pub fn subject(&self) -> String {
        match self {
            ImprovementMutation::ReceiveImprovementNotice { id } => id.to_string(),
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
