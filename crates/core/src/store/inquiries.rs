//! Storage of the inquiry and complaint log (問い合わせ・クレーム, seed 000 §5(2)ウ-D/E): phone and visitor
//! inquiries with their category, duration and outcome (questions outside the card work are
//! answered from the city's guidebook and logged as such), and complaints with their response
//! procedure: received → responding → reported to the manager → reported to the city →
//! resolved. Each complaint step is appended with who and when; only the manager or deputy
//! closes a complaint. The summary may name a citizen, so it is [`Personal`].
use crate::mutation::{InquiryMutation, Mutation};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::params;
use uuid::Uuid;

use super::{Store, DATETIME};
pub use crate::inquiry::{
    ComplaintStep, ComplaintStepRecord, Inquiry, InquiryCategory, InquiryChannel, InquiryKind,
    InquiryStatus, NewInquiry,
};
use crate::{secret::Personal, Error, Result};

impl Store {
    /// Records an inquiry or a complaint taken now (a mutation: it syncs to every seat).
    pub fn record_inquiry(&self, new: NewInquiry) -> Result<Inquiry> {
        let id = Uuid::now_v7();
        self.execute(Mutation::Inquiry(InquiryMutation::RecordInquiry {
            id,
            inquiry: new,
            site: self.site()?,
        }))?;
        self.inquiry(id)
    }

    /// Takes a step of a complaint's response procedure.
    pub fn complaint_step(&self, id: Uuid, step: ComplaintStep, note: &str) -> Result<Inquiry> {
        self.execute(Mutation::Inquiry(InquiryMutation::TakeComplaintStep {
            id,
            step,
            note: note.to_owned(),
        }))?;
        self.inquiry(id)
    }

    /// Applies an inquiry log change.
    pub(super) fn apply_inquiry(&self, m: &InquiryMutation) -> Result<()> {
        match m {
            InquiryMutation::RecordInquiry { id, inquiry, site } => {
                self.apply_record_inquiry(*id, inquiry, site)
            }
            InquiryMutation::TakeComplaintStep { id, step, note } => {
                self.apply_complaint_step(*id, *step, note)
            }
        }
    }

    pub(super) fn apply_record_inquiry(
        &self,
        id: Uuid,
        new: &NewInquiry,
        site: &crate::site::SiteId,
    ) -> Result<()> {
        self.check_site(site)?;
        crate::my_number::refuse_in_text("inquiry summary", new.summary.expose())?;
        crate::my_number::refuse_in_text("inquiry outcome", &new.outcome)?;
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
            "INSERT INTO inquiries (id, kind, channel, category, received_at, minutes, summary, outcome, status, taken_by, seat, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
                origin.seat,
                site.as_str()
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
        crate::my_number::refuse_in_text("complaint step note", note)?;
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
            "INSERT INTO complaint_steps (inquiry_id, at, step, note, staff, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, (SELECT site_id FROM inquiries WHERE id = ?1))",
            params![
                id.to_string(),
                origin.at.format(DATETIME).to_string(),
                step.code(),
                note.trim(),
                origin.staff
            ],
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
