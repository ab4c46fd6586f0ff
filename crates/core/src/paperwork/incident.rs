//! Incidents (事故・トラブル): seed 000 §10(2), 1.3(1); seed 002 §7, §13(6), §19
//! (docs/design/paperwork.md §3.4).
//!
//! An incident is the city's business from the moment it is detected: 000 §10(2) 「事故が発生
//! したときは、受託者は直ちに本市に報告し、本市の指示に従わなければならない」, 002 §7 「遅滞なく
//! 本市に報告」. Its record is codes, counts, times and the title of whom it was reported to
//! (city part: every PC of the city sees it); what staff type about it (the description and the
//! words of each step) may name citizens, so it lives apart in `incident_texts` (site part:
//! that site's PCs and the hub only) and never reaches paper.
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{people::Permission, secret::Personal, site::SiteId};

/// Minutes after detection by which a personal-data or safety incident is first reported to
/// the city (000 §10(2) 「直ちに」). A default in code: the city's own number belongs in the
/// paperwork rules (§3.1 `paperwork_rules`) once they exist.
pub const FIRST_REPORT_MINUTES: i64 = 30;

coded_enum! {
    /// What kind of trouble (§3.4 `category`).
    IncidentCategory {
        /// 個人情報の事故 (000 §10(2), 1.3(1); 002 §7, §13(6)).
        PersonalData = "personal_data",
        /// システム・機器の障害.
        SystemOutage = "system_outage",
        /// 苦情の拡大 (002 §17(6) 不当介入 among them).
        ComplaintEscalation = "complaint_escalation",
        /// 安全 (002 §18(2), §19 危機管理).
        Safety = "safety",
        /// その他.
        Other = "other",
    }
}

coded_enum! {
    /// What happened, within its category (§3.4 `kind`).
    IncidentKind {
        /// 誤交付.
        WrongHandover = "wrong_handover",
        /// 書類の紛失.
        DocumentLost = "document_lost",
        /// 誤送付.
        Misdirected = "misdirected",
        /// 誤廃棄.
        WrongDisposal = "wrong_disposal",
        /// 不正な閲覧.
        UnauthorizedView = "unauthorized_view",
        /// 持ち出し.
        TakenOut = "taken_out",
        /// 機器の紛失.
        DeviceLost = "device_lost",
        /// 窓口システムの停止.
        MadoguchiDown = "madoguchi_down",
        /// 市の端末の停止.
        CityTerminalDown = "city_terminal_down",
        /// ネットワークの停止.
        NetworkDown = "network_down",
        /// J-LIS の障害.
        JlisOutage = "jlis_outage",
        /// プリンタの故障.
        PrinterDown = "printer_down",
        /// 停電.
        PowerOutage = "power_outage",
        /// 市へ苦情が寄せられた.
        EscalatedToCity = "escalated_to_city",
        /// 報道・SNS.
        MediaOrSns = "media_or_sns",
        /// 繰り返しの苦情.
        Repeated = "repeated",
        /// 不当要求 (002 §17(6)).
        UndueDemand = "undue_demand",
        /// 来庁者のけが.
        InjuryVisitor = "injury_visitor",
        /// 従事者のけが.
        InjuryStaff = "injury_staff",
        /// 急病.
        Illness = "illness",
        /// 災害.
        Disaster = "disaster",
        /// 不審者.
        SuspiciousPerson = "suspicious_person",
        /// 施設の危険 (002 §18(2)).
        FacilityHazard = "facility_hazard",
        /// その他.
        Other = "other",
    }
}

impl IncidentKind {
    /// The category this kind belongs to.
    pub fn category(self) -> IncidentCategory {
        use IncidentCategory as C;
        use IncidentKind as K;
        match self {
            K::WrongHandover
            | K::DocumentLost
            | K::Misdirected
            | K::WrongDisposal
            | K::UnauthorizedView
            | K::TakenOut
            | K::DeviceLost => C::PersonalData,
            K::MadoguchiDown
            | K::CityTerminalDown
            | K::NetworkDown
            | K::JlisOutage
            | K::PrinterDown
            | K::PowerOutage => C::SystemOutage,
            K::EscalatedToCity | K::MediaOrSns | K::Repeated | K::UndueDemand => {
                C::ComplaintEscalation
            }
            K::InjuryVisitor
            | K::InjuryStaff
            | K::Illness
            | K::Disaster
            | K::SuspiciousPerson
            | K::FacilityHazard => C::Safety,
            K::Other => C::Other,
        }
    }

    /// Whether it may be recorded under `category` (`other` fits every category).
    pub fn fits(self, category: IncidentCategory) -> bool {
        self == IncidentKind::Other || self.category() == category
    }
}

coded_enum! {
    /// What it did (§3.4 `impact`).
    IncidentImpact {
        /// なし.
        None = "none",
        /// 遅延.
        Delay = "delay",
        /// 業務の停止.
        ServiceStopped = "service_stopped",
        /// 個人情報の漏えい・紛失.
        PersonalDataExposed = "personal_data_exposed",
        /// けが.
        Injury = "injury",
        /// 物損.
        PropertyDamage = "property_damage",
    }
}

coded_enum! {
    /// Where an incident stands.
    IncidentStatus {
        /// Opened, not yet reported to the city.
        Open = "open",
        /// First reported to the city, not closed.
        Reported = "reported",
        /// Closed with its measures (manager or deputy).
        Closed = "closed",
    }
}

coded_enum! {
    /// A step of an incident's handling (append-only, §3.4 `IncidentStep`).
    IncidentStep {
        /// メモ (staff too).
        Note = "note",
        /// 応急措置 (staff too): a code of [`ImmediateAction`].
        ImmediateAction = "immediate_action",
        /// 市へ第一報: a code of [`ReportChannel`] and the title reported to.
        FirstReport = "first_report",
        /// 市の指示を記録 (「本市の指示に従わなければならない」).
        CityInstruction = "city_instruction",
        /// 影響範囲の確認: a count.
        ImpactAssessed = "impact_assessed",
        /// 本人への連絡 (as the city instructs): a count.
        PersonsContacted = "persons_contacted",
        /// 原因: a code of [`IncidentCause`].
        Cause = "cause",
        /// 再発防止策: a code of [`IncidentMeasure`] (002 §13(6)).
        Measure = "measure",
        /// 書面報告 — 発生原因・経過・被害の内容 (000 1.3(1)).
        WrittenReport = "written_report",
        /// 事後の措置状況の報告 (002 §13(6)).
        FollowUpReport = "follow_up_report",
        /// 再開 (a closed incident taken up again).
        Reopen = "reopen",
    }
}

impl IncidentStep {
    /// Counter staff may take notes and immediate actions (000 §8(2)ウH); every other step is
    /// the manager's or the deputy's.
    pub fn permission(self) -> Permission {
        match self {
            IncidentStep::Note | IncidentStep::ImmediateAction => Permission::ReportIncident,
            _ => Permission::ManagePaperwork,
        }
    }
}

coded_enum! {
    /// What was done at once (`immediate_action` step's code).
    ImmediateAction {
        /// 書類を回収.
        DocumentsRecovered = "documents_recovered",
        /// 受付を一時停止.
        ServicePaused = "service_paused",
        /// 紙での受付に切替.
        SwitchedToPaper = "switched_to_paper",
        /// 市の情報担当へ連絡.
        CityItCalled = "city_it_called",
        /// 応急手当.
        FirstAid = "first_aid",
        /// 救急要請.
        Ambulance = "ambulance",
        /// 警察へ通報.
        Police = "police",
        /// 避難.
        Evacuated = "evacuated",
        /// 謝罪.
        Apology = "apology",
    }
}

coded_enum! {
    /// How the city was told (`first_report` step's code).
    ReportChannel {
        /// 電話.
        Phone = "phone",
        /// 対面.
        InPerson = "in_person",
        /// メール.
        Email = "email",
        /// 書面.
        Document = "document",
    }
}

coded_enum! {
    /// Why it happened (`cause` step's code).
    IncidentCause {
        /// 確認漏れ.
        CheckMissed = "check_missed",
        /// 引継ぎの誤り.
        HandoverError = "handover_error",
        /// 手順の不備.
        ProcedureGap = "procedure_gap",
        /// 研修の不足.
        TrainingGap = "training_gap",
        /// システムの不具合.
        SystemFault = "system_fault",
        /// 機器の故障.
        EquipmentFault = "equipment_fault",
        /// 外部要因.
        External = "external",
        /// 来庁者の行為.
        VisitorBehaviour = "visitor_behaviour",
        /// 不明.
        Unknown = "unknown",
    }
}

coded_enum! {
    /// What keeps it from happening again (`measure` step's code, 002 §13(6)).
    IncidentMeasure {
        /// ダブルチェック.
        DoubleCheck = "double_check",
        /// 手順書の改訂 (000 §8(1)ウ 手順書の更新と承諾).
        ProcedureRevised = "procedure_revised",
        /// 再研修.
        Retraining = "retraining",
        /// チェックリストの改訂.
        ChecklistRevised = "checklist_revised",
        /// 機器の修理.
        EquipmentFixed = "equipment_fixed",
        /// 配置の変更.
        LayoutChanged = "layout_changed",
        /// 体制の変更.
        StaffingChanged = "staffing_changed",
        /// システムの修正.
        SystemFix = "system_fix",
        /// 市と協議.
        CityConsulted = "city_consulted",
    }
}

coded_enum! {
    /// A follow-up owed after the first handling (§3.4 follow-ups).
    FollowupWhat {
        /// 再発防止策の実施.
        MeasureInPlace = "measure_in_place",
        /// 効果の確認.
        EffectChecked = "effect_checked",
        /// 事後の措置状況の報告.
        FollowUpReport = "follow_up_report",
        /// 再研修の実施.
        RetrainingHeld = "retraining_held",
        /// 本人への連絡.
        PersonsContacted = "persons_contacted",
    }
}

coded_enum! {
    /// What closing an incident still needs (`incident_incomplete`'s list).
    IncidentMissing {
        /// 市へ第一報.
        FirstReport = "first_report",
        /// 原因.
        Cause = "cause",
        /// 再発防止策 (one at least).
        Measure = "measure",
        /// 書面報告 (personal data).
        WrittenReport = "written_report",
        /// 事後の措置状況の報告 (personal data).
        FollowUpReport = "follow_up_report",
        /// A follow-up not done yet.
        OpenFollowups = "open_followups",
    }
}

/// The city's steps for a personal-data incident, in order (①–⑦ of §3.4): each is done when
/// its step has been taken.
pub const CITY_STEPS: [IncidentStep; 7] = [
    IncidentStep::FirstReport,
    IncidentStep::CityInstruction,
    IncidentStep::ImmediateAction,
    IncidentStep::ImpactAssessed,
    IncidentStep::WrittenReport,
    IncidentStep::Measure,
    IncidentStep::FollowUpReport,
];

/// When the first report is owed: detection + [`FIRST_REPORT_MINUTES`] for personal data and
/// safety, the end of the day of detection otherwise (000 §10(2) 直ちに, 002 §7 遅滞なく).
pub fn report_due_at(category: IncidentCategory, detected_at: NaiveDateTime) -> NaiveDateTime {
    match category {
        IncidentCategory::PersonalData | IncidentCategory::Safety => {
            detected_at + TimeDelta::minutes(FIRST_REPORT_MINUTES)
        }
        _ => detected_at
            .date()
            .and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap()),
    }
}

/// What closing still needs, given the steps taken (since the last reopening) and how many
/// follow-ups are not done: a first report, a cause, one measure, every follow-up done, and for
/// personal data also the written report and the follow-up report. Empty: it may be closed.
pub fn missing_to_close(
    category: IncidentCategory,
    taken: &[IncidentStep],
    open_followups: usize,
) -> Vec<IncidentMissing> {
    let has = |s: IncidentStep| taken.contains(&s);
    let mut missing = Vec::new();
    let mut need = |ok: bool, m: IncidentMissing| {
        if !ok {
            missing.push(m);
        }
    };
    need(has(IncidentStep::FirstReport), IncidentMissing::FirstReport);
    need(has(IncidentStep::Cause), IncidentMissing::Cause);
    need(has(IncidentStep::Measure), IncidentMissing::Measure);
    if category == IncidentCategory::PersonalData {
        need(
            has(IncidentStep::WrittenReport),
            IncidentMissing::WrittenReport,
        );
        need(
            has(IncidentStep::FollowUpReport),
            IncidentMissing::FollowUpReport,
        );
    }
    need(open_followups == 0, IncidentMissing::OpenFollowups);
    missing
}

/// The incident's number: `JK-` + the day of detection (YYMMDD) + 3 base32 characters of the
/// id's random part (e.g. `JK-261201-7QX`), unique in practice and the same on every PC.
pub fn incident_number(id: Uuid, detected_on: NaiveDate) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let b = id.as_bytes();
    let bits = u32::from_be_bytes([0, b[13], b[14], b[15]]);
    let tail: String = (0..3)
        .map(|i| ALPHABET[((bits >> (5 * (2 - i))) & 31) as usize] as char)
        .collect();
    format!("JK-{}-{tail}", detected_on.format("%y%m%d"))
}

/// A new incident, as staff record it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewIncident {
    /// Category.
    pub category: IncidentCategory,
    /// What happened.
    pub kind: IncidentKind,
    /// What it did.
    pub impact: IncidentImpact,
    /// When it happened (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub occurred_at: NaiveDateTime,
    /// When it was found (local time): the first report's clock starts here.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub detected_at: NaiveDateTime,
    /// How many people it touched (0 when none or not known yet).
    #[serde(default)]
    pub persons_affected: u32,
    /// How many documents.
    #[serde(default)]
    pub documents_affected: u32,
    /// How many minutes the service stopped.
    #[serde(default)]
    pub minutes_stopped: u32,
    /// What happened, in words (may name citizens: kept at its site, never printed).
    pub description: Personal,
    /// A complaint it comes from, if any.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[serde(default)]
    pub inquiry_id: Option<Uuid>,
}

/// A step being taken.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewIncidentStep {
    /// Which step.
    pub step: IncidentStep,
    /// Its code: an [`ImmediateAction`], a [`ReportChannel`], an [`IncidentCause`] or an
    /// [`IncidentMeasure`], as the step needs; none for the others.
    #[serde(default)]
    pub code: Option<String>,
    /// A count (`impact_assessed`, `persons_contacted`).
    #[serde(default)]
    pub count: Option<u32>,
    /// The title reported to (`first_report`: 「市民課 担当係長」, a title, not a name).
    #[serde(default)]
    pub title: Option<String>,
    /// Words (may name citizens: kept at its site, never printed).
    #[serde(default)]
    pub words: Option<Personal>,
}

/// Changes of this part, applied by `store/paperwork/incident.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum IncidentMutation {
    /// An incident opened (staff too).
    OpenIncident {
        /// Its id (UUIDv7).
        id: Uuid,
        /// Where (the seat's site).
        #[serde(default, skip_serializing_if = "SiteId::is_main")]
        site: SiteId,
        /// What happened.
        incident: NewIncident,
    },
    /// A step taken (append-only).
    TakeIncidentStep {
        /// The step's id (UUIDv7).
        id: Uuid,
        /// The incident.
        incident: Uuid,
        /// The step.
        step: NewIncidentStep,
    },
    /// A follow-up set, with its due day.
    SetIncidentFollowup {
        /// The follow-up's id (UUIDv7).
        id: Uuid,
        /// The incident.
        incident: Uuid,
        /// What.
        what: FollowupWhat,
        /// Due on.
        due_on: NaiveDate,
    },
    /// A follow-up done.
    CompleteIncidentFollowup {
        /// The follow-up.
        id: Uuid,
        /// Done on.
        done_on: NaiveDate,
    },
    /// The incident closed with its measures (manager or deputy).
    CloseIncident {
        /// The incident.
        id: Uuid,
    },
}

impl IncidentMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            IncidentMutation::OpenIncident { .. } => "open_incident",
            IncidentMutation::TakeIncidentStep { .. } => "take_incident_step",
            IncidentMutation::SetIncidentFollowup { .. } => "set_incident_followup",
            IncidentMutation::CompleteIncidentFollowup { .. } => "complete_incident_followup",
            IncidentMutation::CloseIncident { .. } => "close_incident",
        }
    }

    /// What it is about: the incident's id (the follow-up's for a completion).
    pub fn subject(&self) -> String {
        match self {
            IncidentMutation::OpenIncident { id, .. }
            | IncidentMutation::CloseIncident { id }
            | IncidentMutation::CompleteIncidentFollowup { id, .. } => id.to_string(),
            IncidentMutation::TakeIncidentStep { incident, .. }
            | IncidentMutation::SetIncidentFollowup { incident, .. } => incident.to_string(),
        }
    }

    /// Codes for the audit trail, never words.
    pub fn detail(&self) -> String {
        match self {
            IncidentMutation::OpenIncident { incident, .. } => {
                format!("{}/{}", incident.category.code(), incident.kind.code())
            }
            IncidentMutation::TakeIncidentStep { step, .. } => match &step.code {
                Some(code) if is_code(code) => format!("{}:{code}", step.step.code()),
                _ => step.step.code().to_owned(),
            },
            IncidentMutation::SetIncidentFollowup { what, due_on, .. } => {
                format!("{}:{due_on}", what.code())
            }
            IncidentMutation::CompleteIncidentFollowup { done_on, .. } => done_on.to_string(),
            IncidentMutation::CloseIncident { .. } => String::new(),
        }
    }

    /// What the actor needs: staff open incidents and add notes and immediate actions; the
    /// rest is the manager's or the deputy's.
    pub fn permission(&self) -> Permission {
        match self {
            IncidentMutation::OpenIncident { .. } => Permission::ReportIncident,
            IncidentMutation::TakeIncidentStep { step, .. } => step.step.permission(),
            _ => Permission::ManagePaperwork,
        }
    }
}

/// Whether `s` looks like a code (so the audit detail never carries typed words).
fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// Checks a step's code against the kind of code its step takes.
pub fn check_step_code(step: IncidentStep, code: Option<&str>) -> crate::Result<()> {
    use IncidentStep as S;
    let wrong = || crate::Error::Invalid(format!("step {} takes no such code", step.code()));
    match (step, code) {
        (S::ImmediateAction, Some(c)) => ImmediateAction::from_code(c).map(drop),
        (S::FirstReport, Some(c)) => ReportChannel::from_code(c).map(drop),
        (S::Cause, Some(c)) => IncidentCause::from_code(c).map(drop),
        (S::Measure, Some(c)) => IncidentMeasure::from_code(c).map(drop),
        (S::ImmediateAction | S::FirstReport | S::Cause | S::Measure, None) => Err(
            crate::Error::Invalid(format!("step {} needs its code", step.code())),
        ),
        (_, Some(_)) => Err(wrong()),
        (_, None) => Ok(()),
    }
}

/// A step as recorded.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct IncidentStepRecord {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// When (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: NaiveDateTime,
    /// Which step.
    pub step: IncidentStep,
    /// Its code.
    pub code: Option<String>,
    /// Its count.
    pub count: Option<u32>,
    /// The title reported to (`first_report`).
    pub title: Option<String>,
    /// Staff ID.
    pub staff: String,
    /// Its words, when this PC holds them and the reader asked for them.
    pub words: Option<Personal>,
}

/// A follow-up as recorded.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct IncidentFollowup {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// What.
    pub what: FollowupWhat,
    /// Due on.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due_on: NaiveDate,
    /// Done on.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub done_on: Option<NaiveDate>,
    /// Staff ID of who did it.
    pub done_by: Option<String>,
}

/// An incident as its screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Number (`JK-261201-7QX`).
    pub number: String,
    /// Site.
    pub site: SiteId,
    /// Category.
    pub category: IncidentCategory,
    /// What happened.
    pub kind: IncidentKind,
    /// What it did.
    pub impact: IncidentImpact,
    /// Happened.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub occurred_at: NaiveDateTime,
    /// Found.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub detected_at: NaiveDateTime,
    /// People touched.
    pub persons_affected: u32,
    /// Documents touched.
    pub documents_affected: u32,
    /// Minutes the service stopped.
    pub minutes_stopped: u32,
    /// Where it stands.
    pub status: IncidentStatus,
    /// When the first report is owed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub report_due_at: NaiveDateTime,
    /// When it was first reported.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub first_reported_at: Option<NaiveDateTime>,
    /// How.
    pub report_channel: Option<ReportChannel>,
    /// To whom (a title).
    pub reported_to_title: Option<String>,
    /// The last cause recorded.
    pub cause: Option<IncidentCause>,
    /// A complaint it comes from.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub inquiry_id: Option<Uuid>,
    /// Staff ID of who opened it.
    pub opened_by: String,
    /// The seat it was opened at.
    pub seat: String,
    /// Closed at.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub closed_at: Option<NaiveDateTime>,
    /// Staff ID of who closed it.
    pub closed_by: Option<String>,
    /// Steps, oldest first.
    pub steps: Vec<IncidentStepRecord>,
    /// Follow-ups, by due day.
    pub followups: Vec<IncidentFollowup>,
    /// What closing still needs (empty: it may be closed; closed: empty).
    pub missing: Vec<IncidentMissing>,
    /// Whether this PC holds its words (its site's PCs and the hub; another site's do not).
    pub texts_here: bool,
    /// The description, when held here and asked for.
    pub description: Option<Personal>,
}

/// One of the city's steps for a personal-data incident, ticked off or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CityStepState {
    /// The step (①–⑦ in [`CITY_STEPS`]'s order).
    pub step: IncidentStep,
    /// Whether it has been taken.
    pub done: bool,
}

/// An incident not closed, as the board shows it (the 対応中の事故 card; a red banner for
/// personal data).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OpenIncident {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Number.
    pub number: String,
    /// Site.
    pub site: SiteId,
    /// Category.
    pub category: IncidentCategory,
    /// What happened.
    pub kind: IncidentKind,
    /// Open or reported.
    pub status: IncidentStatus,
    /// Found.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub detected_at: NaiveDateTime,
    /// Minutes since it was found.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub minutes_since_detection: i64,
    /// When the first report is owed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub report_due_at: NaiveDateTime,
    /// Not reported and past due.
    pub overdue: bool,
    /// Personal data: report at once, with the city's steps (a red banner).
    pub urgent: bool,
    /// The city's seven steps (personal data), each done or not.
    pub city_steps: Vec<CityStepState>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn closing_needs_the_steps_its_category_needs() {
        use IncidentMissing as M;
        use IncidentStep as S;
        assert_eq!(
            missing_to_close(IncidentCategory::SystemOutage, &[], 0),
            vec![M::FirstReport, M::Cause, M::Measure]
        );
        let usual = [S::FirstReport, S::Cause, S::Measure];
        assert!(missing_to_close(IncidentCategory::SystemOutage, &usual, 0).is_empty());
        assert_eq!(
            missing_to_close(IncidentCategory::SystemOutage, &usual, 2),
            vec![M::OpenFollowups]
        );
        assert_eq!(
            missing_to_close(IncidentCategory::PersonalData, &usual, 0),
            vec![M::WrittenReport, M::FollowUpReport],
            "personal data also needs the written report and the follow-up report"
        );
        let all = [
            S::FirstReport,
            S::Cause,
            S::Measure,
            S::WrittenReport,
            S::FollowUpReport,
        ];
        assert!(missing_to_close(IncidentCategory::PersonalData, &all, 0).is_empty());
        assert_eq!(
            missing_to_close(IncidentCategory::PersonalData, &[S::Note], 0),
            vec![
                M::FirstReport,
                M::Cause,
                M::Measure,
                M::WrittenReport,
                M::FollowUpReport
            ]
        );
    }

    #[test]
    fn a_personal_data_incident_is_due_at_once() {
        let found = at("2026-12-01T10:05");
        assert_eq!(
            report_due_at(IncidentCategory::PersonalData, found),
            at("2026-12-01T10:35")
        );
        assert_eq!(
            report_due_at(IncidentCategory::Safety, found),
            at("2026-12-01T10:35")
        );
        let eod = report_due_at(IncidentCategory::SystemOutage, found);
        assert_eq!(eod.date(), found.date());
        assert_eq!(eod.format("%H:%M:%S").to_string(), "23:59:59");
    }

    #[test]
    fn kinds_fit_their_category_and_steps_take_their_codes() {
        assert!(IncidentKind::WrongHandover.fits(IncidentCategory::PersonalData));
        assert!(!IncidentKind::WrongHandover.fits(IncidentCategory::Safety));
        assert!(IncidentKind::Other.fits(IncidentCategory::Safety));
        assert!(check_step_code(IncidentStep::Cause, Some("check_missed")).is_ok());
        assert!(check_step_code(IncidentStep::Cause, Some("phone")).is_err());
        assert!(check_step_code(IncidentStep::Measure, None).is_err());
        assert!(check_step_code(IncidentStep::Note, Some("x")).is_err());
        assert!(check_step_code(IncidentStep::Note, None).is_ok());
    }

    #[test]
    fn the_number_is_the_day_and_three_characters_of_the_id() {
        let id = Uuid::now_v7();
        let n = incident_number(id, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert!(n.starts_with("JK-261201-"), "{n}");
        assert_eq!(n.len(), 13);
        assert_eq!(
            n,
            incident_number(id, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        );
    }
}
