//! Training records (研修記録): seed 000 §8(3) (研修 before the work starts, for all, with content
//! the city approved, then 適宜), §8(2)エ; seed 002 §11ソ, §16(4) 「個人情報保護に係る事前の教育・
//! 研修」, §16(5) 「セキュリティ研修について、従事前及び従事後、定期的に実施するとともに、その結果を
//! 本市に報告」 (docs/design/paperwork.md §3.2).
//!
//! Sessions, attendance with a result per attendee, and per member the flags a manager acts on.
//! A valid passed 個人情報保護・情報セキュリティ result gates active duty (the store's `add_staff`
//! and `update_staff`).
use chrono::{Months, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::{Permission, Role};

/// How long a passed security training stays valid (PaperworkRules' default, §3.1).
pub const SECURITY_VALID_MONTHS: u32 = 12;
/// A valid security training expiring within this many days is flagged.
pub const EXPIRING_DAYS: i64 = 30;

coded_enum! {
    /// What a session is about.
    TrainingTopic {
        /// 個人情報保護・情報セキュリティ (守秘義務; 002 §11ソ, §16(4)(5)).
        PrivacySecurity = "privacy_security",
        /// 服務規律・職員倫理 (000 §8(2)エ, 002 §11ソ).
        Ethics = "ethics",
        /// 住基法・戸籍法・番号制度 (002 §11ソ).
        Law = "law",
        /// 業務手順 (000 §8(3)ア).
        Procedures = "procedures",
        /// 接遇.
        CustomerService = "customer_service",
        /// システム操作.
        SystemOperation = "system_operation",
        /// 緊急時対応・訓練 (000 §9).
        Emergency = "emergency",
        /// その他.
        Other = "other",
    }
}

/// The topics everyone attends before service (PaperworkRules' default `required_topics`).
pub const REQUIRED_TOPICS: &[TrainingTopic] = &[
    TrainingTopic::PrivacySecurity,
    TrainingTopic::Procedures,
    TrainingTopic::CustomerService,
];

coded_enum! {
    /// Before service or after it.
    TrainingPhase {
        /// 従事前.
        PreService = "pre_service",
        /// 従事後・定期.
        Periodic = "periodic",
    }
}

coded_enum! {
    /// An attendee's result.
    TrainingResult {
        /// 合格.
        Passed = "passed",
        /// 不合格.
        Failed = "failed",
        /// 再受講.
        Retake = "retake",
    }
}

coded_enum! {
    /// What a manager must act on for a member.
    TrainingFlag {
        /// No passed security training.
        SecurityMissing = "security_missing",
        /// The last passed security training is older than the valid months.
        SecurityExpired = "security_expired",
        /// It expires within 30 days.
        SecurityExpiring = "security_expiring",
        /// A required topic never attended.
        PreServiceMissing = "pre_service_missing",
        /// No 誓約書 recorded (002 §16(6)).
        PledgeMissing = "pledge_missing",
    }
}

/// A session being recorded (or its corrected fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewTrainingSession {
    /// Held on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub held_on: NaiveDate,
    /// Started at.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default)]
    pub starts: Option<NaiveTime>,
    /// How long, in minutes.
    pub minutes: u32,
    /// Topic.
    pub topic: TrainingTopic,
    /// Phase.
    pub phase: TrainingPhase,
    /// Title (printed: describes a course, never a citizen).
    pub title: String,
    /// Trainer's name or organisation.
    pub trainer: String,
    /// The trainer's staff ID when on the roster.
    #[serde(default)]
    pub trainer_code: Option<String>,
    /// 資料名・版.
    #[serde(default)]
    pub material: String,
    /// Content approved by the city (000 §8(3)ア 本市の承諾).
    #[serde(default)]
    pub city_approved: bool,
}

/// One attendee's mark, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AttendanceMark {
    /// Staff ID.
    pub staff_code: String,
    /// Attended.
    pub attended: bool,
    /// Result (required for privacy_security when attended; none when absent).
    #[serde(default)]
    pub result: Option<TrainingResult>,
    /// Score 0–100.
    #[serde(default)]
    pub score: Option<u8>,
}

/// One attendee as a session lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TrainingAttendance {
    /// Staff ID.
    pub staff_code: String,
    /// Name (empty if not on the roster).
    pub name: String,
    /// Attended.
    pub attended: bool,
    /// Result.
    pub result: Option<TrainingResult>,
    /// Score.
    pub score: Option<u8>,
}

/// A recorded session with its attendees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TrainingSession {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// What was held.
    pub session: NewTrainingSession,
    /// Cancelled.
    pub cancelled: bool,
    /// Staff ID of who recorded it.
    pub created_by: String,
    /// When.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: NaiveDateTime,
    /// Attendees (and absentees), by staff ID.
    pub attendance: Vec<TrainingAttendance>,
}

/// The last day a member attended a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TopicAttended {
    /// Topic.
    pub topic: TrainingTopic,
    /// Last attended on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on: NaiveDate,
}

/// A member's training standing (受講状況).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MemberTraining {
    /// Staff ID.
    pub code: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Active (may sign in).
    pub active: bool,
    /// The last passed security training.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub security_passed_on: Option<NaiveDate>,
    /// Valid until (passed on + the valid months).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub security_valid_until: Option<NaiveDate>,
    /// The last date of each topic attended.
    pub topics: Vec<TopicAttended>,
    /// Flags.
    pub flags: Vec<TrainingFlag>,
}

impl MemberTraining {
    /// Whether the security gate holds them back (no valid passed security training).
    pub fn security_lacking(&self) -> bool {
        self.flags.iter().any(|f| {
            matches!(
                f,
                TrainingFlag::SecurityMissing | TrainingFlag::SecurityExpired
            )
        })
    }
}

/// The day a security training passed on `passed_on` stops being valid (the last valid day).
pub fn security_valid_until(passed_on: NaiveDate) -> NaiveDate {
    passed_on
        .checked_add_months(Months::new(SECURITY_VALID_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// The security flags at `as_of` for a last pass on `passed_on`.
pub fn security_flags(passed_on: Option<NaiveDate>, as_of: NaiveDate) -> Option<TrainingFlag> {
    let Some(passed_on) = passed_on else {
        return Some(TrainingFlag::SecurityMissing);
    };
    let until = security_valid_until(passed_on);
    if until < as_of {
        Some(TrainingFlag::SecurityExpired)
    } else if (until - as_of).num_days() <= EXPIRING_DAYS {
        Some(TrainingFlag::SecurityExpiring)
    } else {
        None
    }
}

/// Changes of this part, applied by `store/paperwork/training.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TrainingMutation {
    /// A session recorded, with its attendees.
    RecordTrainingSession {
        /// Its id (UUIDv7).
        id: Uuid,
        /// What was held.
        session: NewTrainingSession,
        /// Attendees' marks.
        #[serde(default)]
        attendance: Vec<AttendanceMark>,
    },
    /// A session's fields corrected.
    UpdateTrainingSession {
        /// The session.
        id: Uuid,
        /// Its fields.
        session: NewTrainingSession,
    },
    /// A session cancelled (its records stay).
    CancelTrainingSession {
        /// The session.
        id: Uuid,
    },
    /// Attendance and results set for some members of a session.
    SetTrainingAttendance {
        /// The session.
        session_id: Uuid,
        /// The marks.
        marks: Vec<AttendanceMark>,
    },
}

impl TrainingMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            TrainingMutation::RecordTrainingSession { .. } => "record_training_session",
            TrainingMutation::UpdateTrainingSession { .. } => "update_training_session",
            TrainingMutation::CancelTrainingSession { .. } => "cancel_training_session",
            TrainingMutation::SetTrainingAttendance { .. } => "set_training_attendance",
        }
    }

    /// What it is about: the session's id.
    pub fn subject(&self) -> String {
        match self {
            TrainingMutation::RecordTrainingSession { id, .. }
            | TrainingMutation::UpdateTrainingSession { id, .. }
            | TrainingMutation::CancelTrainingSession { id }
            | TrainingMutation::SetTrainingAttendance { session_id: id, .. } => id.to_string(),
        }
    }

    /// Codes for the audit trail.
    pub fn detail(&self) -> String {
        match self {
            TrainingMutation::RecordTrainingSession {
                session,
                attendance,
                ..
            } => format!(
                "{} {} attendees={}",
                session.topic.code(),
                session.held_on,
                attendance.iter().filter(|m| m.attended).count()
            ),
            TrainingMutation::UpdateTrainingSession { session, .. } => {
                format!("{} {}", session.topic.code(), session.held_on)
            }
            TrainingMutation::CancelTrainingSession { .. } => String::new(),
            TrainingMutation::SetTrainingAttendance { marks, .. } => marks
                .iter()
                .map(|m| {
                    format!(
                        "{}={}",
                        m.staff_code,
                        m.result
                            .map_or(if m.attended { "attended" } else { "absent" }, |r| r.code())
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// What the actor needs.
    pub fn permission(&self) -> Permission {
        Permission::ManagePaperwork
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_training_is_valid_for_the_months_then_expires() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(security_valid_until(d("2026-04-01")), d("2027-04-01"));
        assert_eq!(
            security_flags(None, d("2026-04-01")),
            Some(TrainingFlag::SecurityMissing)
        );
        assert_eq!(security_flags(Some(d("2026-04-01")), d("2026-06-01")), None);
        assert_eq!(
            security_flags(Some(d("2026-04-01")), d("2027-03-15")),
            Some(TrainingFlag::SecurityExpiring)
        );
        assert_eq!(
            security_flags(Some(d("2026-04-01")), d("2027-04-01")),
            Some(TrainingFlag::SecurityExpiring)
        );
        assert_eq!(
            security_flags(Some(d("2026-04-01")), d("2027-04-02")),
            Some(TrainingFlag::SecurityExpired)
        );
    }
}
