//! The inquiry and complaint log (問い合わせ・クレーム, seed 000 §5(2)ウ-D/E): phone and visitor
//! inquiries with their category, duration and outcome (questions outside the card work are
//! answered from the city's guidebook and logged as such), and complaints with their response
//! procedure: received → responding → reported to the manager → reported to the city →
//! resolved. Each complaint step is appended with who and when; only the manager or deputy
//! closes a complaint. The summary may name a citizen, so it is [`Personal`].
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Store, DATETIME};
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

impl Store {
    /// Records an inquiry or a complaint taken now (a mutation: it syncs to every seat).
    pub fn record_inquiry(&self, new: NewInquiry) -> Result<Inquiry> {
        let id = Uuid::now_v7();
        self.execute(&crate::reservation::Mutation::RecordInquiry { id, inquiry: new })?;
        self.inquiry(id)
    }

    /// Takes a step of a complaint's response procedure.
    pub fn complaint_step(&self, id: Uuid, step: ComplaintStep, note: &str) -> Result<Inquiry> {
        self.execute(&crate::reservation::Mutation::TakeComplaintStep {
            id,
            step,
            note: note.to_owned(),
        })?;
        self.inquiry(id)
    }

    pub(super) fn apply_record_inquiry(&self, id: Uuid, new: &NewInquiry) -> Result<()> {
        if new.summary.expose().trim().is_empty() {
            return Err(Error::Invalid("say what it was about".into()));
        }
        if new.minutes > 600 {
            return Err(Error::Invalid("an inquiry takes 0 to 600 minutes".into()));
        }
        let status = match (new.kind, new.referred) {
            (InquiryKind::Complaint, _) => InquiryStatus::Received,
            (InquiryKind::Inquiry, true) => InquiryStatus::Referred,
            (InquiryKind::Inquiry, false) => InquiryStatus::Answered,
        };
        let origin = self.origin();
        self.conn().execute(
            "INSERT INTO inquiries (id, kind, channel, category, received_at, minutes, summary, outcome, status, taken_by, seat)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id.to_string(),
                new.kind.code(),
                new.channel.code(),
                new.category.code(),
                origin.at.format(DATETIME).to_string(),
                new.minutes,
                new.summary.expose().trim(),
                new.outcome.trim(),
                status.code(),
                origin.staff,
                origin.seat
            ],
        )?;
        Ok(())
    }

    pub(super) fn apply_complaint_step(
        &self,
        id: Uuid,
        step: ComplaintStep,
        note: &str,
    ) -> Result<()> {
        let current = self.inquiry(id)?;
        if current.kind != InquiryKind::Complaint {
            return Err(Error::NotAllowed(
                "only complaints have response steps".into(),
            ));
        }
        let after = step.next(current.status)?;
        if note.trim().is_empty() {
            return Err(Error::Invalid("say what was done".into()));
        }
        let origin = self.origin();
        self.conn().execute(
            "INSERT INTO complaint_steps (inquiry_id, at, step, note, staff) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), origin.at.format(DATETIME).to_string(), step.code(), note.trim(), origin.staff],
        )?;
        self.conn().execute(
            "UPDATE inquiries SET status = ?2 WHERE id = ?1",
            params![id.to_string(), after.code()],
        )?;
        Ok(())
    }

    /// The inquiries and complaints received `from` ..= `to`, newest first, with complaints
    /// still open from before.
    pub fn inquiries(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Inquiry>> {
        self.audit_read("inquiries", &format!("{from}..{to}"))?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM inquiries
             WHERE (received_at >= ?1 AND received_at < ?2)
                OR (kind = 'complaint' AND status <> 'resolved' AND received_at < ?2)
             ORDER BY received_at DESC",
        )?;
        let ids: Vec<String> = stmt
            .query_map(
                params![from.to_string(), (to + chrono::Days::new(1)).to_string()],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|id| self.inquiry(id.parse().map_err(|_| Error::Invalid("stored id".into()))?))
            .collect()
    }

    fn inquiry(&self, id: Uuid) -> Result<Inquiry> {
        let key = id.to_string();
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, channel, category, received_at, minutes, summary, outcome, status, taken_by, seat FROM inquiries WHERE id = ?1",
        )?;
        let mut rows = stmt.query([&key])?;
        let r = rows.next()?.ok_or(Error::NotFound("inquiry"))?;
        let text = |i: usize| r.get::<_, String>(i);
        let mut inquiry = Inquiry {
            id,
            kind: InquiryKind::from_code(&text(0)?)?,
            channel: InquiryChannel::from_code(&text(1)?)?,
            category: InquiryCategory::from_code(&text(2)?)?,
            received_at: parse(&text(3)?)?,
            minutes: r.get(4)?,
            summary: Personal::new(text(5)?),
            outcome: text(6)?,
            status: InquiryStatus::from_code(&text(7)?)?,
            taken_by: text(8)?,
            seat: text(9)?,
            steps: Vec::new(),
        };
        drop(rows);
        let mut steps = self.conn().prepare_cached(
            "SELECT at, step, note, staff FROM complaint_steps WHERE inquiry_id = ?1 ORDER BY rowid",
        )?;
        let rows = steps.query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        for row in rows {
            let (at, step, note, staff) = row?;
            inquiry.steps.push(ComplaintStepRecord {
                at: parse(&at)?,
                step: serde_json::from_value(serde_json::Value::String(step))
                    .map_err(|e| Error::Invalid(format!("stored complaint step: {e}")))?,
                note,
                staff,
            });
        }
        Ok(inquiry)
    }
}

fn parse(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, DATETIME)
        .map_err(|e| Error::Invalid(format!("stored time {s:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_procedure_goes_forward_only_and_ends_once() {
        use ComplaintStep as T;
        use InquiryStatus as S;
        assert_eq!(T::Respond.next(S::Received).unwrap(), S::Responding);
        assert_eq!(
            T::EscalateManager.next(S::Responding).unwrap(),
            S::EscalatedManager
        );
        assert_eq!(
            T::EscalateCity.next(S::EscalatedManager).unwrap(),
            S::EscalatedCity
        );
        assert_eq!(T::Resolve.next(S::EscalatedCity).unwrap(), S::Resolved);
        assert_eq!(T::Note.next(S::EscalatedCity).unwrap(), S::EscalatedCity);
        assert!(
            T::EscalateCity.next(S::Received).is_err(),
            "the manager hears first"
        );
        assert!(
            T::Resolve.next(S::Received).is_err(),
            "respond before closing"
        );
        for step in [T::Respond, T::Note, T::Resolve, T::EscalateManager] {
            assert!(step.next(S::Resolved).is_err());
            assert!(step.next(S::Answered).is_err());
        }
    }
}
