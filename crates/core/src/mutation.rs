//! Every change, as the mutation of the domain it belongs to: bookings and the plan
//! ([`crate::reservation`]), checklists ([`crate::checklist`]), the counter workflow
//! ([`crate::visit`]), the roster ([`crate::people`]), inquiries ([`crate::inquiry`]), lent
//! materials ([`crate::lending`]), and conflicts (here: a conflict is a refused mutation).
//!
//! Each domain owns its mutation type, what it needs permission for, how it is named in the
//! audit trail, and (in its `store` module) how it applies. [`Mutation`] only dispatches; the
//! store logs and ships it, and sync never looks inside. Its JSON is each domain's own
//! (`{"op": …}`), so the outbox and the hub's log read the same as before the split.
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;
pub use crate::{
    checklist::ChecklistMutation,
    inquiry::InquiryMutation,
    lending::LendingMutation,
    paperwork::{
        ImprovementMutation, IncidentMutation, PaperworkMutation, RosterMutation, TrainingMutation,
        WorkLogMutation,
    },
    people::StaffMutation,
    reservation::{PlanMutation, ReservationMutation},
    site::SiteMutation,
    visit::VisitMutation,
};

/// Any mutation, as the outbox, the hub's log and the wire carry it.
///
/// Do not change the domains' variants or fields casually: stored mutations and other seats must
/// still read them. Add new variants instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Mutation {
    /// Bookings.
    Reservation(ReservationMutation),
    /// The plan.
    Plan(PlanMutation),
    /// Checklists.
    Checklist(ChecklistMutation),
    /// The counter workflow.
    Visit(VisitMutation),
    /// The roster.
    Staff(StaffMutation),
    /// Inquiries and complaints.
    Inquiry(InquiryMutation),
    /// Lent materials.
    Lending(LendingMutation),
    /// The city's sites.
    Site(SiteMutation),
    /// The contractor's paperwork (roster submissions, training, incidents, work log,
    /// improvement cycle).
    Paperwork(PaperworkMutation),
    /// Conflicts.
    Conflict(ConflictMutation),
}

/// Calls the same method on whichever domain mutation it is.
macro_rules! each {
    ($m:expr, $x:ident => $e:expr) => {
        match $m {
            Mutation::Reservation($x) => $e,
            Mutation::Plan($x) => $e,
            Mutation::Checklist($x) => $e,
            Mutation::Visit($x) => $e,
            Mutation::Staff($x) => $e,
            Mutation::Inquiry($x) => $e,
            Mutation::Lending($x) => $e,
            Mutation::Site($x) => $e,
            Mutation::Paperwork($x) => $e,
            Mutation::Conflict($x) => $e,
        }
    };
}

impl Mutation {
    /// The `op` tag, and its name in the audit trail and the log.
    pub fn kind(&self) -> &'static str {
        each!(self, m => m.kind())
    }

    /// What it is about, for the audit trail: a reservation number, a day, an id, a staff ID,
    /// never a name.
    pub fn subject(&self) -> String {
        each!(self, m => m.subject())
    }

    /// A detail for the audit trail (the step of a case), with no personal data.
    pub fn detail(&self) -> String {
        match self {
            Mutation::Checklist(m) => m.detail(),
            Mutation::Visit(m) => m.detail(),
            Mutation::Staff(m) => m.detail(),
            Mutation::Inquiry(m) => m.detail(),
            Mutation::Paperwork(m) => m.detail(),
            _ => String::new(),
        }
    }

    /// What the actor needs to make it.
    pub fn permission(&self) -> Permission {
        each!(self, m => m.permission())
    }

    /// Only the hub writes these: a seat cannot execute one itself.
    pub fn hub_only(&self) -> bool {
        matches!(
            self,
            Mutation::Conflict(ConflictMutation::RaiseConflict { .. })
        )
    }
}

macro_rules! from_domain {
    ($($variant:ident($t:ty)),*) => {
        $(impl From<$t> for Mutation {
            fn from(m: $t) -> Mutation {
                Mutation::$variant(m)
            }
        })*
    };
}

from_domain!(
    Reservation(ReservationMutation),
    Plan(PlanMutation),
    Checklist(ChecklistMutation),
    Visit(VisitMutation),
    Staff(StaffMutation),
    Inquiry(InquiryMutation),
    Lending(LendingMutation),
    Site(SiteMutation),
    Paperwork(PaperworkMutation),
    Conflict(ConflictMutation)
);

macro_rules! from_paperwork {
    ($($variant:ident($t:ty)),*) => {
        $(impl From<$t> for Mutation {
            fn from(m: $t) -> Mutation {
                Mutation::Paperwork(PaperworkMutation::$variant(m))
            }
        })*
    };
}

from_paperwork!(
    Roster(RosterMutation),
    Training(TrainingMutation),
    Incident(IncidentMutation),
    WorkLog(WorkLogMutation),
    Improvement(ImprovementMutation)
);

/// Conflicts: the hub's record of a mutation it could not apply, and a person's resolution.
/// Applied by `store/sync`.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ConflictMutation {
    /// Written only by the hub, in place of a pushed mutation it could not apply: the conflict
    /// every seat shows until a person resolves it. A seat cannot execute it itself.
    RaiseConflict {
        /// What was refused and why.
        conflict: ConflictRecord,
        /// The refused mutation, kept whole (a booking's people are who to call).
        original: Box<Mutation>,
    },
    /// A person dealt with a conflict (called the applicant and rebooked them, …).
    ResolveConflict {
        /// The conflict (the refused mutation's id).
        id: Uuid,
        /// What was done.
        resolution: String,
    },
}

impl ConflictMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            ConflictMutation::RaiseConflict { .. } => "raise_conflict",
            ConflictMutation::ResolveConflict { .. } => "resolve_conflict",
        }
    }

    /// What the refused mutation was about, or the conflict's id.
    pub fn subject(&self) -> String {
        match self {
            ConflictMutation::RaiseConflict { conflict, .. } => conflict.subject.clone(),
            ConflictMutation::ResolveConflict { id, .. } => id.to_string(),
        }
    }

    /// Counter staff resolve conflicts; raising one is the hub's alone (refused at seats).
    pub fn permission(&self) -> Permission {
        match self {
            ConflictMutation::RaiseConflict { .. } => Permission::ChangePlan,
            ConflictMutation::ResolveConflict { .. } => Permission::CounterWork,
        }
    }
}

/// A conflict as stored in a [`ConflictMutation::RaiseConflict`] and shown to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ConflictRecord {
    /// The refused mutation's id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Seat that made it.
    pub seat: String,
    /// Staff who made it.
    pub staff: String,
    /// Its op (`book`, `check_in`…).
    pub kind: String,
    /// Reservation number or day.
    pub subject: String,
    /// Error code (`no_room`, `not_allowed`…).
    pub reason: String,
    /// The hub's error message (English, no personal data).
    pub message: String,
    /// When it was made at the seat (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub made_at: NaiveDateTime,
    /// When the hub refused it (UTC).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub raised_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mutations as the outbox and the hub's log stored them before each domain had its own
    /// type: they still read, land in the right domain, and write back byte for byte.
    #[test]
    fn stored_mutations_read_and_write_the_same_json() {
        let number = crate::reservation_number::ReservationNumber::random(&mut rand::thread_rng());
        let id = "018f0000-0000-7000-8000-000000000000";
        let cases = [
            (format!(r#"{{"op":"cancel","number":"{number}"}}"#), "cancel", "Reservation"),
            (
                r#"{"op":"set_capacity","day":"2026-12-02","band_starts":"09:00:00","capacity":5}"#.into(),
                "set_capacity",
                "Plan",
            ),
            (
                format!(r#"{{"op":"visit_step","number":"{number}","position":0,"step":{{"step":"complete"}},"at":"2026-12-01T10:00:00"}}"#),
                "visit_step",
                "Visit",
            ),
            (
                // A revisit stored before reasons had codes: words alone (counted as "other").
                format!(r#"{{"op":"visit_step","number":"{number}","position":0,"step":{{"step":"revisit","reason":"書類不足"}},"at":"2026-12-01T10:00:00"}}"#),
                "visit_step",
                "Visit",
            ),
            (
                format!(r#"{{"op":"visit_step","number":"{number}","position":0,"step":{{"step":"cancel","reason":"","code":"left"}},"at":"2026-12-01T10:00:00"}}"#),
                "visit_step",
                "Visit",
            ),
            (
                r#"{"op":"set_form_count","day":"2026-12-01","count":3,"note":"書き損じ","at":"2026-12-01T17:00:00"}"#.into(),
                "set_form_count",
                "Visit",
            ),
            (
                r#"{"op":"set_form_count","day":"2026-12-01","count":3,"note":"","code":"spoiled","at":"2026-12-01T17:00:00"}"#.into(),
                "set_form_count",
                "Visit",
            ),
            (
                format!(r#"{{"op":"record_check_outcome","number":"{number}","position":0,"outcome":{{"outcome":"revisit","reason":"書類不足","missing":[]}},"at":"2026-12-01T10:00:00"}}"#),
                "record_check_outcome",
                "Checklist",
            ),
            (
                r#"{"op":"set_city_reasons","reasons":[{"kind":"cancel","code":"city_rain","label":"荒天","active":true}]}"#.into(),
                "set_city_reasons",
                "Visit",
            ),
            (
                r#"{"op":"add_staff","code":"S100","name":"見本 一郎","role":"staff","pin_hash":"$argon2id$x"}"#.into(),
                "staff_add",
                "Staff",
            ),
            (
                format!(r#"{{"op":"return_material","id":"{id}","day":"2026-12-01"}}"#),
                "lending_return",
                "Lending",
            ),
            (
                format!(r#"{{"op":"resolve_conflict","id":"{id}","resolution":"電話済み"}}"#),
                "resolve_conflict",
                "Conflict",
            ),
        ];
        for (json, kind, domain) in cases {
            let m: Mutation = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(m.kind(), kind);
            assert!(format!("{m:?}").starts_with(domain), "{m:?}");
            let again: serde_json::Value = serde_json::to_value(&m).unwrap();
            let stored: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(again, stored, "{json}");
        }
        assert!(serde_json::from_str::<Mutation>(r#"{"op":"drop_tables"}"#).is_err());
    }

    #[test]
    fn each_domain_says_what_it_needs() {
        let resolve = Mutation::from(ConflictMutation::ResolveConflict {
            id: Uuid::nil(),
            resolution: String::new(),
        });
        assert_eq!(resolve.permission(), Permission::CounterWork);
        assert!(!resolve.hub_only());
        let close = Mutation::from(InquiryMutation::TakeComplaintStep {
            id: Uuid::nil(),
            step: crate::inquiry::ComplaintStep::Resolve,
            note: String::new(),
        });
        assert_eq!(close.permission(), Permission::ResolveComplaint);
        let complete = Mutation::from(VisitMutation::VisitStep {
            number: crate::reservation_number::ReservationNumber::random(&mut rand::thread_rng()),
            position: 0,
            step: crate::visit::VisitStep::Complete,
            at: chrono::NaiveDateTime::default(),
        });
        assert_eq!(complete.permission(), Permission::AcknowledgeHandoff);
    }
}
