//! The improvement cycle (業務改善事項通知書・計画書・報告書): seed 000 §1.1
//! (docs/design/paperwork.md §3.5).
//!
//! 000 §1.1(1): the city sends a 業務改善事項通知書 (ア); the contractor submits a
//! 業務改善計画書 and, 「本市に了承を得た後」, carries it out and submits a 業務改善報告書 (イ);
//! the city confirms the result (ウ). 000 §1.1(2): payment is stopped 「業務改善事項通知書を受領した
//! 日の7日後から業務改善完了まで」 when no plan is submitted or it is not carried out;
//! 「受領した日から7日間は、改善準備期間」. So the plan is due on the 7th day counting the day of
//! receipt ([`plan_due_on`] = received + 6) and payment stops from received + 7
//! ([`payment_stop_from`]), calendar days (the seed counts 日). Open question 2 of the design.
//!
//! The summary of a notice and the notes of its steps are kept in the store, never printed.
use chrono::{Days, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;

/// Days from receipt to the last day of the plan (「受領した日から7日間」, counting the day of
/// receipt): 000 §1.1(2).
pub const PLAN_DAYS: u64 = 7;

/// Days a submitted report may wait for the city's confirmation before the board greys it.
pub const CONFIRMATION_WAIT_DAYS: u64 = 14;

/// The last day to submit the plan: the 7th day counting the day of receipt (000 §1.1(2)).
pub fn plan_due_on(received_on: NaiveDate) -> NaiveDate {
    received_on + Days::new(PLAN_DAYS - 1)
}

/// The first day payment is stopped when the plan is missing or not carried out: 7 days after
/// receipt (000 §1.1(2) 「受領した日の7日後から業務改善完了まで」).
pub fn payment_stop_from(received_on: NaiveDate) -> NaiveDate {
    received_on + Days::new(PLAN_DAYS)
}

coded_enum!(
    /// What a notice is about: 000 §9 履行水準's items, 002 §11ケ (labels:
    /// `improvement.item.*`).
    ImprovementItem {
        /// 人員配置.
        Staffing = "staffing",
        /// 責任体制.
        Responsibility = "responsibility",
        /// 研修.
        Training = "training",
        /// 安全管理.
        Safety = "safety",
        /// 個人情報保護.
        Privacy = "privacy",
        /// 業務遂行.
        Operations = "operations",
        /// 不適当な従事者 (002 §11ケ).
        UnsuitableStaff = "unsuitable_staff",
        /// その他.
        Other = "other",
    }
);

coded_enum!(
    /// Where a notice stands.
    ImprovementStatus {
        /// 通知受領: the plan is owed.
        NoticeReceived = "notice_received",
        /// 計画書提出: waiting for the city's 了承.
        PlanSubmitted = "plan_submitted",
        /// 計画了承: carry it out, then report.
        PlanAccepted = "plan_accepted",
        /// 報告書提出: waiting for the city's 確認.
        ReportSubmitted = "report_submitted",
        /// 確認済み: the cycle is over.
        Confirmed = "confirmed",
    }
);

coded_enum!(
    /// A step of the cycle.
    ImprovementStep {
        /// 計画書提出 (with the target day).
        SubmitPlan = "submit_plan",
        /// 計画了承 by the city.
        PlanAccepted = "plan_accepted",
        /// 計画差戻し: back to notice_received.
        PlanReturned = "plan_returned",
        /// 報告書提出.
        SubmitReport = "submit_report",
        /// 市の確認.
        CityConfirmed = "city_confirmed",
        /// 確認されず: improve and report again (back to plan_accepted).
        CityNotConfirmed = "city_not_confirmed",
        /// メモ (no change of status).
        Note = "note",
    }
);

impl ImprovementStep {
    /// The status after this step from `from`, or `None` when it cannot be taken then.
    pub fn next(self, from: ImprovementStatus) -> Option<ImprovementStatus> {
        use ImprovementStatus as S;
        use ImprovementStep as T;
        match (self, from) {
            (T::Note, s) => Some(s),
            (T::SubmitPlan, S::NoticeReceived) => Some(S::PlanSubmitted),
            (T::PlanAccepted, S::PlanSubmitted) => Some(S::PlanAccepted),
            (T::PlanReturned, S::PlanSubmitted) => Some(S::NoticeReceived),
            (T::SubmitReport, S::PlanAccepted) => Some(S::ReportSubmitted),
            (T::CityConfirmed, S::ReportSubmitted) => Some(S::Confirmed),
            (T::CityNotConfirmed, S::ReportSubmitted) => Some(S::PlanAccepted),
            _ => None,
        }
    }
}

/// A notice as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewImprovementNotice {
    /// The city's document number (文書番号, ≤50).
    pub doc_ref: String,
    /// Received on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_on: NaiveDate,
    /// What it is about (at least one).
    pub items: Vec<ImprovementItem>,
    /// The incident it follows, if any (an id only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub incident_id: Option<Uuid>,
    /// Summary (≤2,000): kept in the store, never printed.
    #[serde(default)]
    pub summary: String,
}

/// A step being taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewImprovementStep {
    /// Which step.
    pub step: ImprovementStep,
    /// The day it happened.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on_day: NaiveDate,
    /// The document's number (計画書・報告書の文書番号, ≤50), if any.
    #[serde(default)]
    pub doc_ref: String,
    /// The plan's target day (required with `submit_plan`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub target_on: Option<NaiveDate>,
    /// Note (≤1,000): kept in the store, never printed.
    #[serde(default)]
    pub note: String,
}

/// A step taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImprovementStepRecord {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Which step.
    pub step: ImprovementStep,
    /// The day it happened.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on_day: NaiveDate,
    /// Document number.
    pub doc_ref: String,
    /// Note.
    pub note: String,
    /// Staff ID of who recorded it.
    pub staff: String,
    /// When it was recorded (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: NaiveDateTime,
}

/// A notice with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImprovementNotice {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// The city's document number.
    pub doc_ref: String,
    /// Received on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_on: NaiveDate,
    /// Items.
    pub items: Vec<ImprovementItem>,
    /// The incident it follows.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub incident_id: Option<Uuid>,
    /// Summary (never printed).
    pub summary: String,
    /// Status.
    pub status: ImprovementStatus,
    /// The plan's last day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub plan_due_on: NaiveDate,
    /// Payment stops from this day if the plan is missing or not carried out.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub payment_stop_from: NaiveDate,
    /// Plan submitted on (the last time).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub plan_submitted_on: Option<NaiveDate>,
    /// The plan's document number.
    pub plan_ref: String,
    /// Plan accepted on.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub plan_accepted_on: Option<NaiveDate>,
    /// The plan's target day.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub target_on: Option<NaiveDate>,
    /// Report submitted on (the last time).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub report_submitted_on: Option<NaiveDate>,
    /// The report's document number.
    pub report_ref: String,
    /// Confirmed by the city on.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub confirmed_on: Option<NaiveDate>,
    /// Staff ID of who recorded the notice.
    pub created_by: String,
    /// Steps, oldest first.
    pub steps: Vec<ImprovementStepRecord>,
    /// What the board says about it today (none when nothing is late).
    pub alert: Option<ImprovementAlert>,
}

coded_enum!(
    /// Why a notice is on the board.
    ImprovementAlertKind {
        /// No plan past its due day: payment stops from `payment_stop_from` (red).
        PlanOverdue = "plan_overdue",
        /// The report is past the plan's target day (amber).
        ReportOverdue = "report_overdue",
        /// The city has not confirmed the report for over 14 days (grey).
        AwaitingConfirmation = "awaiting_confirmation",
    }
);

/// A notice late on some step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImprovementAlert {
    /// Why.
    pub kind: ImprovementAlertKind,
    /// The day that was missed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: NaiveDate,
    /// Payment stops (or stopped) from this day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub payment_stop_from: NaiveDate,
}

/// What is late about a notice in `status` on `today`.
pub fn alert(
    status: ImprovementStatus,
    received_on: NaiveDate,
    target_on: Option<NaiveDate>,
    report_submitted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<ImprovementAlert> {
    let stop = payment_stop_from(received_on);
    let (kind, due) = match status {
        ImprovementStatus::NoticeReceived => {
            (ImprovementAlertKind::PlanOverdue, plan_due_on(received_on))
        }
        ImprovementStatus::PlanAccepted => (ImprovementAlertKind::ReportOverdue, target_on?),
        ImprovementStatus::ReportSubmitted => (
            ImprovementAlertKind::AwaitingConfirmation,
            report_submitted_on? + Days::new(CONFIRMATION_WAIT_DAYS),
        ),
        ImprovementStatus::PlanSubmitted | ImprovementStatus::Confirmed => return None,
    };
    (today > due).then_some(ImprovementAlert {
        kind,
        due,
        payment_stop_from: stop,
    })
}

/// Changes of this part, applied by `store/paperwork/improvement.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ImprovementMutation {
    /// A notice received from the city (業務改善事項通知書).
    ReceiveImprovementNotice {
        /// Its id (UUIDv7).
        id: Uuid,
        /// What it says.
        notice: NewImprovementNotice,
    },
    /// A step of the cycle.
    TakeImprovementStep {
        /// The step's id (UUIDv7).
        id: Uuid,
        /// The notice.
        notice_id: Uuid,
        /// What happened.
        step: NewImprovementStep,
    },
}

impl ImprovementMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            ImprovementMutation::ReceiveImprovementNotice { .. } => "receive_improvement_notice",
            ImprovementMutation::TakeImprovementStep { .. } => "take_improvement_step",
        }
    }

    /// What it is about: the notice's id.
    pub fn subject(&self) -> String {
        match self {
            ImprovementMutation::ReceiveImprovementNotice { id, .. } => id.to_string(),
            ImprovementMutation::TakeImprovementStep { notice_id, .. } => notice_id.to_string(),
        }
    }

    /// Codes for the audit trail (never the summary or notes).
    pub fn detail(&self) -> String {
        match self {
            ImprovementMutation::ReceiveImprovementNotice { notice, .. } => notice
                .items
                .iter()
                .map(|i| i.code())
                .collect::<Vec<_>>()
                .join(","),
            ImprovementMutation::TakeImprovementStep { step, .. } => {
                format!("{} {}", step.step.code(), step.on_day.format("%Y-%m-%d"))
            }
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

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_plan_is_due_on_the_seventh_day_counting_the_receipt() {
        // Received Tue 12/1: 12/1..12/7 are the 7 days (改善準備期間); payment stops from 12/8.
        assert_eq!(plan_due_on(d("2026-12-01")), d("2026-12-07"));
        assert_eq!(payment_stop_from(d("2026-12-01")), d("2026-12-08"));
        // Calendar days: over a month end and a weekend alike.
        assert_eq!(plan_due_on(d("2026-12-28")), d("2027-01-03"));
    }

    #[test]
    fn the_status_follows_the_cycle() {
        use ImprovementStatus as S;
        use ImprovementStep as T;
        assert_eq!(
            T::SubmitPlan.next(S::NoticeReceived),
            Some(S::PlanSubmitted)
        );
        assert_eq!(
            T::PlanReturned.next(S::PlanSubmitted),
            Some(S::NoticeReceived)
        );
        assert_eq!(
            T::CityNotConfirmed.next(S::ReportSubmitted),
            Some(S::PlanAccepted)
        );
        assert_eq!(
            T::CityConfirmed.next(S::ReportSubmitted),
            Some(S::Confirmed)
        );
        assert_eq!(T::SubmitReport.next(S::NoticeReceived), None);
        assert_eq!(T::CityConfirmed.next(S::PlanAccepted), None);
        assert_eq!(T::Note.next(S::Confirmed), Some(S::Confirmed));
    }

    #[test]
    fn alerts_start_the_day_after_the_due_day() {
        let r = d("2026-12-01");
        assert_eq!(
            alert(
                ImprovementStatus::NoticeReceived,
                r,
                None,
                None,
                d("2026-12-07")
            ),
            None
        );
        let a = alert(
            ImprovementStatus::NoticeReceived,
            r,
            None,
            None,
            d("2026-12-08"),
        )
        .unwrap();
        assert_eq!(
            (a.kind, a.due, a.payment_stop_from),
            (
                ImprovementAlertKind::PlanOverdue,
                d("2026-12-07"),
                d("2026-12-08")
            )
        );
        let a = alert(
            ImprovementStatus::PlanAccepted,
            r,
            Some(d("2026-12-20")),
            None,
            d("2026-12-21"),
        )
        .unwrap();
        assert_eq!(a.kind, ImprovementAlertKind::ReportOverdue);
        assert_eq!(
            alert(ImprovementStatus::Confirmed, r, None, None, d("2027-06-01")),
            None
        );
    }
}
