//! The types of the ledger of materials lent by the city (貸与資料, seed 000 1.4(2)): what, how many, when and
//! by whom it was lent, where it is kept, and its return, confirmed on both sides: the
//! contractor's manager or deputy records the return, and a city staff member confirms it with
//! their own PIN. Nothing is deleted; a material stays listed until confirmed returned.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A material lent by the city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct LentMaterial {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// What (e.g. 「事務処理要領」「端末操作マニュアル」).
    pub item: String,
    /// How many.
    pub quantity: u32,
    /// Lent on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub lent_on: NaiveDate,
    /// The city section or officer who lent it.
    pub lent_by: String,
    /// Where it is kept (e.g. 「特設窓口 施錠キャビネットA」).
    pub kept_at: String,
    /// Staff ID of who received it.
    pub received_by: String,
    /// Returned on.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub returned_on: Option<NaiveDate>,
    /// Staff ID of who returned it.
    pub returned_by: Option<String>,
    /// Staff ID of the city staff member who confirmed the return.
    pub return_confirmed_by: Option<String>,
    /// Notes.
    pub note: String,
}

/// A material being lent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewLentMaterial {
    /// What.
    pub item: String,
    /// How many.
    pub quantity: u32,
    /// Lent on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub lent_on: NaiveDate,
    /// By whom.
    pub lent_by: String,
    /// Where it is kept.
    pub kept_at: String,
    /// Notes.
    #[serde(default)]
    pub note: String,
}

/// Changes to the ledger of lent materials, applied by `store/lending.rs`.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum LendingMutation {
    /// A material received from the city (貸与資料).
    LendMaterial {
        /// Its id (UUIDv7).
        id: Uuid,
        /// What, how many, from whom, where it is kept.
        material: NewLentMaterial,
    },
    /// A lent material handed back to the city.
    ReturnMaterial {
        /// The material.
        id: Uuid,
        /// When.
        day: NaiveDate,
    },
    /// A city staff member confirmed (with their own PIN) that a material came back.
    ConfirmReturn {
        /// The material.
        id: Uuid,
    },
}

impl LendingMutation {
    /// The audit trail's name for it (these predate the ledger syncing: kept).
    pub fn kind(&self) -> &'static str {
        match self {
            LendingMutation::LendMaterial { .. } => "lending_add",
            LendingMutation::ReturnMaterial { .. } => "lending_return",
            LendingMutation::ConfirmReturn { .. } => "lending_confirm",
        }
    }

    /// The material's id.
    pub fn subject(&self) -> String {
        match self {
            LendingMutation::LendMaterial { id, .. }
            | LendingMutation::ReturnMaterial { id, .. }
            | LendingMutation::ConfirmReturn { id } => id.to_string(),
        }
    }

    /// The contractor keeps the ledger; city staff confirm returns.
    pub fn permission(&self) -> crate::people::Permission {
        use crate::people::Permission as P;
        match self {
            LendingMutation::ConfirmReturn { .. } => P::ConfirmLending,
            _ => P::ManageLending,
        }
    }
}
