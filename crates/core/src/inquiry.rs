//! The inquiry and complaint log's types (問い合わせ・クレーム, seed 000 §5(2)ウ-D/E): phone and visitor
//! inquiries with their category, duration and outcome (questions outside the card work are
//! answered from the city's guidebook and logged as such), and complaints with their response
//! procedure: received → responding → reported to the manager → reported to the city →
//! resolved. Each complaint step is appended with who and when; only the manager or deputy
//! closes a complaint. The summary may name a citizen, so it is [`Personal`].
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{secret::Personal, Error, Result};

coded_enum! {
    /// An inquiry or a complaint.
    InquiryKind {
        /// 問い合わせ.
        Inquiry = "inquiry",
        /// クレーム.
        Complaint = "complaint",
    }
}

coded_enum! {
    /// How it came in.
    InquiryChannel {
        /// By phone.
        Phone = "phone",
        /// In person.
        Visitor = "visitor",
    }
}

coded_enum! {
    /// What it was about (the reports count by these).
    InquiryCategory {
        /// Reservations.
        Reservation = "reservation",
        /// What to bring.
        Documents = "documents",
        /// Card issue, reissue, details change.
        CardProcedure = "card_procedure",
        /// Electronic certificates.
        Certificate = "certificate",
        /// Waiting, staff manner, the venue.
        Service = "service",
        /// Outside the card work, answered from the city's guidebook.
        OutsideCardWork = "outside_card_work",
        /// Anything else.
        Other = "other",
    }
}

coded_enum! {
    /// Where an inquiry or complaint stands.
    InquiryStatus {
        /// Inquiry answered.
        Answered = "answered",
        /// Inquiry passed on to the city section in charge.
        Referred = "referred",
        /// Complaint received.
        Received = "received",
        /// Complaint being responded to.
        Responding = "responding",
        /// Reported to the manager.
        EscalatedManager = "escalated_manager",
        /// Reported to the city.
        EscalatedCity = "escalated_city",
        /// Closed by the manager or deputy.
        Resolved = "resolved",
    }
}

/// One step of a complaint's response procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStep {
    /// Respond to the citizen (an explanation, an apology, a call back).
    Respond,
    /// Report to the manager (業務管理者).
    EscalateManager,
    /// Report to the city.
    EscalateCity,
    /// Add a note without changing where it stands.
    Note,
    /// Close it as resolved (manager / deputy).
    Resolve,
}

impl ComplaintStep {
    /// The code, for the record and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            ComplaintStep::Respond => "respond",
            ComplaintStep::EscalateManager => "escalate_manager",
            ComplaintStep::EscalateCity => "escalate_city",
            ComplaintStep::Note => "note",
            ComplaintStep::Resolve => "resolve",
        }
    }

    /// Where a complaint stands after this step, or why it cannot be taken.
    pub fn next(self, status: InquiryStatus) -> Result<InquiryStatus> {
        use InquiryStatus as S;
        let open = matches!(
            status,
            S::Received | S::Responding | S::EscalatedManager | S::EscalatedCity
        );
        Ok(match (self, status) {
            (_, _) if !open => {
                return Err(Error::NotAllowed(format!(
                    "the complaint is {}: no more steps",
                    status.code()
                )))
            }
            (ComplaintStep::Note, s) => s,
            (ComplaintStep::Respond, S::Received | S::Responding) => S::Responding,
            (ComplaintStep::Respond, s) => s,
            (ComplaintStep::EscalateManager, S::Received | S::Responding) => S::EscalatedManager,
            (ComplaintStep::EscalateCity, S::EscalatedManager) => S::EscalatedCity,
            (ComplaintStep::Resolve, S::Responding | S::EscalatedManager | S::EscalatedCity) => {
                S::Resolved
            }
            (step, s) => {
                return Err(Error::NotAllowed(format!(
                    "cannot {} a complaint that is {}",
                    step.code(),
                    s.code()
                )))
            }
        })
    }
}

/// A new inquiry or complaint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewInquiry {
    /// Inquiry or complaint.
    pub kind: InquiryKind,
    /// Phone or visitor.
    pub channel: InquiryChannel,
    /// About what.
    pub category: InquiryCategory,
    /// How long it took, in minutes.
    pub minutes: u32,
    /// What was asked or complained about (may name the citizen).
    pub summary: Personal,
    /// How it was answered (inquiries) or first handled (complaints).
    pub outcome: String,
    /// An inquiry passed on to the city section in charge (not answered here).
    #[serde(default)]
    pub referred: bool,
}

/// A recorded step of a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ComplaintStepRecord {
    /// When.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: NaiveDateTime,
    /// Which step.
    pub step: ComplaintStep,
    /// What was done or said.
    pub note: String,
    /// Staff ID.
    pub staff: String,
}

/// An inquiry or complaint as the log shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Inquiry {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Inquiry or complaint.
    pub kind: InquiryKind,
    /// Phone or visitor.
    pub channel: InquiryChannel,
    /// About what.
    pub category: InquiryCategory,
    /// Received (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: NaiveDateTime,
    /// Minutes it took.
    pub minutes: u32,
    /// What was asked or complained about.
    pub summary: Personal,
    /// How it was answered or first handled.
    pub outcome: String,
    /// Where it stands.
    pub status: InquiryStatus,
    /// Staff ID of who took it.
    pub taken_by: String,
    /// Seat.
    pub seat: String,
    /// A complaint's response steps, oldest first.
    pub steps: Vec<ComplaintStepRecord>,
}

/// Changes to the inquiry and complaint log, applied by `store/inquiries.rs`.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum InquiryMutation {
    /// An inquiry or a complaint taken (問い合わせ・クレーム).
    RecordInquiry {
        /// Its id (UUIDv7, chosen where it was taken).
        id: Uuid,
        /// What was taken.
        inquiry: NewInquiry,
        /// The site it was taken at (`main` in entries from before sites).
        #[serde(default, skip_serializing_if = "crate::site::SiteId::is_main")]
        site: crate::site::SiteId,
    },
    /// A step of a complaint's response procedure.
    TakeComplaintStep {
        /// The complaint.
        id: Uuid,
        /// The step.
        step: ComplaintStep,
        /// What was done.
        note: String,
    },
}

impl InquiryMutation {
    /// The audit trail's name for it (these predate the log syncing: kept).
    pub fn kind(&self) -> &'static str {
        match self {
            InquiryMutation::RecordInquiry { .. } => "inquiry_add",
            InquiryMutation::TakeComplaintStep { .. } => "complaint_step",
        }
    }

    /// The id.
    pub fn subject(&self) -> String {
        match self {
            InquiryMutation::RecordInquiry { id, .. }
            | InquiryMutation::TakeComplaintStep { id, .. } => id.to_string(),
        }
    }

    /// The kind or the step (never the summary).
    pub fn detail(&self) -> String {
        match self {
            InquiryMutation::RecordInquiry { inquiry, .. } => inquiry.kind.code().to_owned(),
            InquiryMutation::TakeComplaintStep { step, .. } => step.code().to_owned(),
        }
    }

    /// Only the manager or deputy closes a complaint.
    pub fn permission(&self) -> crate::people::Permission {
        use crate::people::Permission as P;
        match self {
            InquiryMutation::TakeComplaintStep {
                step: ComplaintStep::Resolve,
                ..
            } => P::ResolveComplaint,
            _ => P::HandleInquiries,
        }
    }
}
