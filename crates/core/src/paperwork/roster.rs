//! Roster submissions (従事者名簿の提出) and staff details: seed 000 §8(2)カ 「業務開始前に全員の
//! 名簿を提出することとし、業務開始後に変更が生じた場合は、その都度本市に報告すること」, seed 002 §11チ.
//!
//! A member's details (従事開始日・終了日, employment, duties, experience, pledge) sit beside the
//! people domain's `staff` row; the roster at a day is computed from both; each submission keeps
//! its lines as submitted, so "what changed since" is a diff (docs/design/paperwork.md §3.1).
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::{Permission, Role};

coded_enum! {
    /// How a member is employed (000 §8(2)イ asks the manager and deputy to be 正規雇用者).
    Employment {
        /// 正規雇用.
        Regular = "regular",
        /// 有期雇用.
        FixedTerm = "fixed_term",
        /// パート・アルバイト.
        PartTime = "part_time",
        /// 派遣.
        Dispatched = "dispatched",
        /// その他.
        Other = "other",
    }
}

coded_enum! {
    /// What a member does (the roster's 担当業務).
    Duty {
        /// 窓口.
        Counter = "counter",
        /// 受付.
        Reception = "reception",
        /// 後方事務.
        BackOffice = "back_office",
        /// 電話.
        Phone = "phone",
        /// 管理.
        Management = "management",
    }
}

coded_enum! {
    /// A roster submission: the first before the work starts, then one per change (000 §8(2)カ).
    RosterSubmissionKind {
        /// 当初の名簿.
        Initial = "initial",
        /// 変更の報告.
        Change = "change",
    }
}

coded_enum! {
    /// What changed for a member since the last submission.
    RosterChangeKind {
        /// 追加.
        Joined = "joined",
        /// 従事終了.
        Left = "left",
        /// 役割変更.
        RoleChanged = "role_changed",
        /// 変更 (duties, sites, name, employment, dates).
        Changed = "changed",
    }
}

/// A member's roster details, as set by a manager or deputy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StaffDetails {
    /// Staff ID.
    pub code: String,
    /// 従事開始日.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default)]
    pub assigned_from: Option<NaiveDate>,
    /// 従事終了日 (the last day of duty).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default)]
    pub assigned_until: Option<NaiveDate>,
    /// Employment.
    pub employment: Employment,
    /// Duties.
    #[serde(default)]
    pub duties: Vec<Duty>,
    /// 特定個人情報取扱業務の経験 (printed: it describes the member, never a citizen).
    #[serde(default)]
    pub experience: String,
    /// Years of that experience.
    #[serde(default)]
    pub experience_years: Option<u32>,
    /// 誓約書 signed on (002 §16(6)).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default)]
    pub pledge_on: Option<NaiveDate>,
}

impl StaffDetails {
    /// Details of a member nobody has set yet.
    pub fn unset(code: &str) -> StaffDetails {
        StaffDetails {
            code: code.to_owned(),
            assigned_from: None,
            assigned_until: None,
            employment: Employment::Regular,
            duties: Vec::new(),
            experience: String::new(),
            experience_years: None,
            pledge_on: None,
        }
    }
}

/// One member on the roster, as listed and as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RosterLine {
    /// Staff ID.
    pub code: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Duties.
    pub duties: Vec<Duty>,
    /// The names of the sites they work at (empty: every site).
    pub sites: Vec<String>,
    /// 従事開始日.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub assigned_from: Option<NaiveDate>,
    /// 従事終了日.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub assigned_until: Option<NaiveDate>,
    /// Employment (none when no details were set).
    pub employment: Option<Employment>,
    /// Experience (the manager and deputy only, 000 §8(2)イ).
    pub experience: String,
    /// 誓約書.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub pledge_on: Option<NaiveDate>,
    /// The last passed 個人情報保護・情報セキュリティ training.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub security_passed_on: Option<NaiveDate>,
    /// 予定: starts after the roster's day.
    #[serde(default)]
    pub planned: bool,
    /// A manager or deputy who is not 正規雇用 or has no experience written (000 §8(2)イ).
    #[serde(default)]
    pub manager_requirements: bool,
}

/// A recorded submission of the roster to the city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RosterSubmission {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Initial or change.
    pub kind: RosterSubmissionKind,
    /// The roster's day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub as_of: NaiveDate,
    /// Submitted to the city on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub submitted_on: NaiveDate,
    /// The lines as submitted.
    pub lines: Vec<RosterLine>,
    /// Staff ID of who recorded it.
    pub recorded_by: String,
    /// When.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub recorded_at: NaiveDateTime,
}

/// One change since the last submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RosterChange {
    /// What kind of change.
    pub kind: RosterChangeKind,
    /// Staff ID.
    pub code: String,
    /// Name (now, or as submitted for one who left).
    pub name: String,
    /// Role now (as submitted for one who left).
    pub role: Role,
    /// Role as submitted (role changes).
    pub previous_role: Option<Role>,
    /// Effective date when known (従事開始日, 従事終了日).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub effective_on: Option<NaiveDate>,
    /// What changed (`name`, `duties`, `sites`, `employment`, `assigned_from`,
    /// `assigned_until`), for `changed`.
    pub fields: Vec<String>,
}

/// The change report (名簿変更報告): the roster at `as_of` against the last submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RosterChanges {
    /// The roster's day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub as_of: NaiveDate,
    /// The submission compared with (none: nothing submitted yet, everyone has joined).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub since_id: Option<Uuid>,
    /// Its submission date.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub since_on: Option<NaiveDate>,
    /// The changes, joined first, then left, role changes and other changes.
    pub changes: Vec<RosterChange>,
}

/// Compares the roster `now` with the lines of a submission (`before`).
pub fn diff(before: &[RosterLine], now: &[RosterLine]) -> Vec<RosterChange> {
    let mut out = Vec::new();
    for line in now {
        match before.iter().find(|b| b.code == line.code) {
            None => out.push(RosterChange {
                kind: RosterChangeKind::Joined,
                code: line.code.clone(),
                name: line.name.clone(),
                role: line.role,
                previous_role: None,
                effective_on: line.assigned_from,
                fields: Vec::new(),
            }),
            Some(b) => {
                if b.role != line.role {
                    out.push(RosterChange {
                        kind: RosterChangeKind::RoleChanged,
                        code: line.code.clone(),
                        name: line.name.clone(),
                        role: line.role,
                        previous_role: Some(b.role),
                        effective_on: None,
                        fields: Vec::new(),
                    });
                }
                let mut fields = Vec::new();
                if b.name != line.name {
                    fields.push("name");
                }
                if b.duties != line.duties {
                    fields.push("duties");
                }
                if b.sites != line.sites {
                    fields.push("sites");
                }
                if b.employment != line.employment {
                    fields.push("employment");
                }
                if b.assigned_from != line.assigned_from {
                    fields.push("assigned_from");
                }
                if b.assigned_until != line.assigned_until {
                    fields.push("assigned_until");
                }
                if !fields.is_empty() {
                    out.push(RosterChange {
                        kind: RosterChangeKind::Changed,
                        code: line.code.clone(),
                        name: line.name.clone(),
                        role: line.role,
                        previous_role: None,
                        effective_on: None,
                        fields: fields.into_iter().map(str::to_owned).collect(),
                    });
                }
            }
        }
    }
    for b in before {
        if let Some(gone) = (!now.iter().any(|l| l.code == b.code)).then_some(b) {
            out.push(RosterChange {
                kind: RosterChangeKind::Left,
                code: gone.code.clone(),
                name: gone.name.clone(),
                role: gone.role,
                previous_role: None,
                effective_on: None,
                fields: Vec::new(),
            });
        }
    }
    out.sort_by_key(|c| c.kind);
    out
}

/// Whether a manager or deputy falls short of 000 §8(2)イ (正規雇用者 with experience of
/// 特定個人情報 work).
pub fn manager_requirements_unmet(role: Role, details: Option<&StaffDetails>) -> bool {
    matches!(role, Role::Manager | Role::Deputy)
        && details
            .is_none_or(|d| d.employment != Employment::Regular || d.experience.trim().is_empty())
}

/// Changes of this part, applied by `store/paperwork/roster.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RosterMutation {
    /// A submission of the roster to the city recorded, with its lines as submitted.
    RecordRosterSubmission {
        /// Its id (UUIDv7).
        id: Uuid,
        /// Initial or change.
        kind: RosterSubmissionKind,
        /// The roster's day.
        as_of: NaiveDate,
        /// Submitted on.
        submitted_on: NaiveDate,
        /// The lines as submitted.
        lines: Vec<RosterLine>,
    },
    /// A member's roster details set (all of them at once).
    SetStaffDetails {
        /// The details.
        details: StaffDetails,
    },
}

impl RosterMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            RosterMutation::RecordRosterSubmission { .. } => "record_roster_submission",
            RosterMutation::SetStaffDetails { .. } => "set_staff_details",
        }
    }

    /// What it is about: the submission's id, or the staff ID.
    pub fn subject(&self) -> String {
        match self {
            RosterMutation::RecordRosterSubmission { id, .. } => id.to_string(),
            RosterMutation::SetStaffDetails { details } => details.code.clone(),
        }
    }

    /// Codes for the audit trail.
    pub fn detail(&self) -> String {
        match self {
            RosterMutation::RecordRosterSubmission {
                kind,
                as_of,
                submitted_on,
                lines,
                ..
            } => format!(
                "{} as_of={as_of} on={submitted_on} lines={}",
                kind.code(),
                lines.len()
            ),
            RosterMutation::SetStaffDetails { details } => details.employment.code().to_owned(),
        }
    }

    /// What the actor needs.
    pub fn permission(&self) -> Permission {
        Permission::ManageStaff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, role: Role) -> RosterLine {
        RosterLine {
            code: code.into(),
            name: format!("名前{code}"),
            role,
            duties: vec![Duty::Counter],
            sites: Vec::new(),
            assigned_from: None,
            assigned_until: None,
            employment: None,
            experience: String::new(),
            pledge_on: None,
            security_passed_on: None,
            planned: false,
            manager_requirements: false,
        }
    }

    #[test]
    fn the_diff_names_each_kind_of_change() {
        let before = vec![
            line("S1", Role::Staff),
            line("S2", Role::Staff),
            line("S3", Role::Staff),
        ];
        let mut s3 = line("S3", Role::Staff);
        s3.duties = vec![Duty::Phone];
        let now = vec![line("S1", Role::Deputy), s3, line("S4", Role::Staff)];
        let kinds: Vec<_> = diff(&before, &now)
            .iter()
            .map(|c| (c.kind, c.code.clone()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (RosterChangeKind::Joined, "S4".into()),
                (RosterChangeKind::Left, "S2".into()),
                (RosterChangeKind::RoleChanged, "S1".into()),
                (RosterChangeKind::Changed, "S3".into()),
            ]
        );
    }
}
