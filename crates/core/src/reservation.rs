//! Reservations as the domain sees them: procedures and their durations, applicant types,
//! channels, the slot plan with its capacity, and the commands that change bookings.
//!
//! The rules that protect citizens live here and in `store/reservations.rs`: a booking needs a
//! free place in every slot its combined duration covers, so a slot's capacity is never
//! exceeded; changing the plan never drops a booking but lists those that no longer fit.
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{reservation_number::ReservationNumber, store::NewApplicant, Error, Result};

coded_enum! {
    /// A procedure a visit is booked for. PIN setting is done by city staff and is never booked.
    Procedure {
        /// カード交付.
        CardIssue = "card_issue",
        /// カード再交付.
        CardReissue = "card_reissue",
        /// 記載事項変更.
        DetailsChange = "details_change",
        /// 電子証明書の発行.
        CertificateIssue = "certificate_issue",
        /// 電子証明書の更新.
        CertificateRenewal = "certificate_renewal",
    }
}

coded_enum! {
    /// Who comes for the procedure.
    ApplicantType {
        /// 本人.
        ApplicantSelf = "self",
        /// 法定代理人.
        LegalRepresentative = "legal_representative",
        /// 任意代理人.
        Proxy = "proxy",
    }
}

coded_enum! {
    /// How a booking was made.
    Channel {
        /// By phone (back office).
        Phone = "phone",
        /// At the counter or reception, for a later time.
        Counter = "counter",
        /// Came without a booking; placed in the next free place.
        WalkIn = "walk_in",
    }
}

coded_enum! {
    /// Where a reservation stands.
    ReservationStatus {
        /// Booked, not yet arrived.
        Booked = "booked",
        /// Arrived and checked in.
        CheckedIn = "checked_in",
        /// A walk-in waiting for a place (holds none until seated).
        Queued = "queued",
        /// Cancelled: frees its place.
        Cancelled = "cancelled",
        /// Did not come.
        NoShow = "no_show",
    }
}

coded_enum! {
    /// Which slot plan a day uses.
    PlanKind {
        /// Weekdays.
        Regular = "regular",
        /// City-designated Saturday/Sunday sessions (休日交付), reservation only.
        HolidaySession = "holiday_session",
    }
}

impl Default for ApplicantType {
    /// Most people come themselves.
    fn default() -> Self {
        ApplicantType::ApplicantSelf
    }
}

impl ReservationStatus {
    /// Whether the reservation holds its place in the slots (a queued walk-in holds none).
    pub fn holds_place(self) -> bool {
        matches!(
            self,
            ReservationStatus::Booked | ReservationStatus::CheckedIn
        )
    }
}

/// A time band of the slot plan: from `starts` to `ends`, `capacity` seats open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Band {
    /// Start (inclusive).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub starts: NaiveTime,
    /// End (exclusive).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub ends: NaiveTime,
    /// Seats open in this band: how many people each slot can take.
    pub capacity: u32,
}

/// The slot plan of a kind of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SlotPlan {
    /// Length of one slot.
    pub slot_minutes: u32,
    /// Bands, in time order, not overlapping; times outside every band take no bookings.
    pub bands: Vec<Band>,
}

impl SlotPlan {
    /// Checks the plan: slot length 5–120 minutes, bands ordered, not overlapping, non-empty,
    /// and aligned to the slot length.
    pub fn validate(&self) -> Result<()> {
        if !(5..=120).contains(&self.slot_minutes) {
            return Err(Error::Invalid(
                "slot length must be 5 to 120 minutes".into(),
            ));
        }
        let mut previous_end: Option<NaiveTime> = None;
        for band in &self.bands {
            if band.ends <= band.starts {
                return Err(Error::Invalid(format!(
                    "band {} ends before it starts",
                    band.starts.format("%H:%M")
                )));
            }
            if previous_end.is_some_and(|end| band.starts < end) {
                return Err(Error::Invalid(format!(
                    "band {} overlaps the one before",
                    band.starts.format("%H:%M")
                )));
            }
            for t in [band.starts, band.ends] {
                if minute_of_day(t) % self.slot_minutes != 0 || t.second() != 0 {
                    return Err(Error::Invalid(format!(
                        "{} is not on a {}-minute slot boundary",
                        t.format("%H:%M"),
                        self.slot_minutes
                    )));
                }
            }
            if band.capacity > 50 {
                return Err(Error::Invalid(
                    "a band has at most 50 places per slot".into(),
                ));
            }
            previous_end = Some(band.ends);
        }
        Ok(())
    }

    /// The band containing `t`, if any.
    pub fn band_at(&self, t: NaiveTime) -> Option<&Band> {
        self.bands.iter().find(|b| b.starts <= t && t < b.ends)
    }

    /// Slot starts between `opens` and `closes` that fall in a band.
    pub fn slot_starts(&self, opens: NaiveTime, closes: NaiveTime) -> Vec<NaiveTime> {
        let mut out = Vec::new();
        let (mut m, end) = (
            minute_of_day(opens).div_ceil(self.slot_minutes) * self.slot_minutes,
            minute_of_day(closes),
        );
        while m + self.slot_minutes <= end {
            let t = time_of_minute(m);
            if self.band_at(t).is_some() {
                out.push(t);
            }
            m += self.slot_minutes;
        }
        out
    }

    /// How many consecutive slots `minutes` of counter work take.
    pub fn slots_for(&self, minutes: u32) -> u32 {
        minutes.div_ceil(self.slot_minutes).max(1)
    }
}

/// Minutes since midnight.
pub(crate) fn minute_of_day(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// The time at `m` minutes since midnight (clamped to the day).
pub(crate) fn time_of_minute(m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt((m / 60).min(23), m % 60, 0).unwrap_or(NaiveTime::MIN)
}

/// One person in a booking.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookPerson {
    /// Applicant id, chosen by the seat that books (so every seat and the hub agree on it).
    pub applicant_id: Uuid,
    /// The applicant's details.
    pub applicant: NewApplicant,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// What they come for (at least one).
    pub procedures: Vec<Procedure>,
}

/// A booking, as a command: ids and number are chosen by the seat, so re-executing it on the
/// hub (or twice) yields the same reservation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Book {
    /// Reservation id (UUIDv7).
    pub id: Uuid,
    /// The number read to the applicant.
    pub number: ReservationNumber,
    /// Day.
    pub day: NaiveDate,
    /// Slot start.
    pub starts: NaiveTime,
    /// How it was booked.
    pub channel: Channel,
    /// One or more people (a household booking has several).
    pub people: Vec<BookPerson>,
    /// Free text for staff (may hold personal data: stays in the store).
    pub notes: String,
    /// For a walk-in, when they arrived: they are checked in at once, and queued when no
    /// place is free at `starts` any more (for example when the hub re-executes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_at: Option<NaiveDateTime>,
    /// Answers to the phone intake script, per person (stored as their phone checklist).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intake: Vec<PhoneIntake>,
    /// A second visit: the reservation whose checklist this one continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revisit_of: Option<ReservationNumber>,
}

/// What one person answered to the phone intake script.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PhoneIntake {
    /// Which person of the booking (0-based).
    pub position: u32,
    /// Answers to the facts.
    pub facts: std::collections::BTreeMap<String, bool>,
    /// Items confirmed orally (or said to be missing).
    pub marks: std::collections::BTreeMap<String, crate::checklist::Mark>,
}

impl Book {
    /// A booking with fresh ids (UUIDv7) for the reservation and each person.
    pub fn new(
        number: ReservationNumber,
        day: NaiveDate,
        starts: NaiveTime,
        channel: Channel,
        people: Vec<(NewApplicant, ApplicantType, Vec<Procedure>)>,
        notes: &str,
    ) -> Book {
        Book {
            id: Uuid::now_v7(),
            number,
            day,
            starts,
            channel,
            people: people
                .into_iter()
                .map(|(applicant, applicant_type, procedures)| BookPerson {
                    applicant_id: Uuid::now_v7(),
                    applicant,
                    applicant_type,
                    procedures,
                })
                .collect(),
            notes: notes.to_owned(),
            arrived_at: None,
            intake: Vec::new(),
            revisit_of: None,
        }
    }
}

/// The city's booking rules (settings, changed by the manager).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BookingRules {
    /// How many days ahead a booking may be made (cities use 31 or 45).
    pub days_ahead: u32,
    /// How many days before the visit booking closes (0: until the day itself; cities use 2–3).
    pub min_days_before: u32,
    /// Minutes after the booked time past which an arrival is late and served after those on
    /// time.
    pub late_minutes: u32,
    /// Whether a person may hold only one future booking.
    pub one_booking_per_person: bool,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            days_ahead: 45,
            min_days_before: 0,
            late_minutes: 5,
            one_booking_per_person: true,
        }
    }
}

impl BookingRules {
    /// Checks the values are in range.
    pub fn validate(&self) -> Result<()> {
        if !(1..=366).contains(&self.days_ahead) {
            return Err(Error::Invalid("days ahead must be 1 to 366".into()));
        }
        if self.min_days_before > 60 || self.min_days_before > self.days_ahead {
            return Err(Error::Invalid(
                "the booking deadline must be 0 to 60 days and within the window".into(),
            ));
        }
        if self.late_minutes > 120 {
            return Err(Error::Invalid("lateness must be 0 to 120 minutes".into()));
        }
        Ok(())
    }

    /// The days a phone or counter booking made on `today` may be for, inclusive.
    pub fn window(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        (
            today + chrono::Days::new(self.min_days_before.into()),
            today + chrono::Days::new(self.days_ahead.into()),
        )
    }
}

/// Every change to reservations, as recorded in the mutation log and shipped by sync.
///
/// Do not change variants or fields casually: stored mutations and other seats must still read
/// them. Add new variants instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Mutation {
    /// Book a visit.
    Book(Book),
    /// Cancel a booking (frees its place).
    Cancel {
        /// Which one.
        number: ReservationNumber,
    },
    /// The applicant arrived.
    CheckIn {
        /// Which one.
        number: ReservationNumber,
        /// When (the seat's local time): decides whether they were late.
        at: NaiveDateTime,
    },
    /// The applicant did not come.
    NoShow {
        /// Which one.
        number: ReservationNumber,
    },
    /// Move a booking to another day or time.
    Reschedule {
        /// Which one.
        number: ReservationNumber,
        /// New day.
        day: NaiveDate,
        /// New slot start.
        starts: NaiveTime,
    },
    /// Replace the slot plan of a kind of day.
    SetSlotPlan {
        /// Which plan.
        kind: PlanKind,
        /// The new plan.
        plan: SlotPlan,
    },
    /// Set (or with `None`, clear) the capacity of one band on one day (繁閑).
    SetCapacity {
        /// Day.
        day: NaiveDate,
        /// Start of the band.
        band_starts: NaiveTime,
        /// Seats open, or `None` to follow the plan again.
        capacity: Option<u32>,
    },
    /// Designate (with a note) or undesignate (`None`) a holiday session (休日交付) day.
    SetHolidaySession {
        /// A Saturday or Sunday.
        day: NaiveDate,
        /// The note shown on the board, or `None` to remove the session.
        note: Option<String>,
    },
    /// Change the city's booking rules.
    SetBookingRules {
        /// The new rules.
        rules: BookingRules,
    },
    /// Change how long a procedure takes at the counter (future bookings use it).
    SetProcedureMinutes {
        /// Which procedure.
        procedure: Procedure,
        /// Minutes, 1–240.
        minutes: u32,
    },
    /// Record one person's checklist at one stage (facts, marks, identity documents shown).
    RecordChecklist {
        /// Which reservation.
        number: ReservationNumber,
        /// Which person (0-based).
        position: u32,
        /// Phone or counter.
        stage: crate::checklist::Stage,
        /// Facts, marks and documents (procedures and type come from the reservation).
        input: crate::checklist::CaseInput,
        /// When (local time).
        at: NaiveDateTime,
    },
    /// Record what the counter decided for one person: ready, or revisit with a reason.
    RecordCheckOutcome {
        /// Which reservation.
        number: ReservationNumber,
        /// Which person (0-based).
        position: u32,
        /// The decision.
        outcome: crate::checklist::CheckOutcome,
        /// When (local time).
        at: NaiveDateTime,
    },
    /// One step of a case's counter workflow (call, verify, prepare, hand over, acknowledge…).
    VisitStep {
        /// Which reservation.
        number: ReservationNumber,
        /// Which person (0-based).
        position: u32,
        /// The step.
        step: crate::visit::VisitStep,
        /// When (local time).
        at: NaiveDateTime,
    },
    /// Set what the city specifies for a procedure's case bundle: the documents it must hold
    /// and how many application forms it counts as (申請書の枚数).
    SetProcedureBundle {
        /// Which procedure.
        procedure: Procedure,
        /// Application forms per case, 0–10.
        forms: u32,
        /// Document names the bundle must hold.
        items: Vec<String>,
    },
    /// The back office's count of application forms for a day (申請書の枚数).
    SetFormCount {
        /// Day.
        day: NaiveDate,
        /// Forms counted.
        count: u32,
        /// Explanation of any difference.
        note: String,
        /// When (local time).
        at: NaiveDateTime,
    },
    /// Close the counter or shorten a day (maintenance, disaster, J-LIS outage), or reopen it.
    SetClosure {
        /// Day.
        day: NaiveDate,
        /// The closure, or `None` to reopen.
        closure: Option<crate::calendar::Closure>,
    },
    /// Written only by the hub, in place of a pushed mutation it could not apply: the conflict
    /// every seat shows until a person resolves it. A seat cannot execute it itself.
    RaiseConflict {
        /// What was refused and why.
        conflict: crate::sync::ConflictRecord,
        /// The refused mutation, kept whole (a booking's people are who to call).
        original: Box<Mutation>,
    },
    /// A person dealt with a conflict (called the applicant and rebooked them, …).
    ResolveConflict {
        /// The conflict (the refused mutation's id).
        id: uuid::Uuid,
        /// What was done.
        resolution: String,
    },
    /// An inquiry or a complaint taken (問い合わせ・クレーム).
    RecordInquiry {
        /// Its id (UUIDv7, chosen where it was taken).
        id: uuid::Uuid,
        /// What was taken.
        inquiry: crate::store::NewInquiry,
    },
    /// A step of a complaint's response procedure.
    TakeComplaintStep {
        /// The complaint.
        id: uuid::Uuid,
        /// The step.
        step: crate::store::ComplaintStep,
        /// What was done.
        note: String,
    },
    /// A material received from the city (貸与資料).
    LendMaterial {
        /// Its id (UUIDv7).
        id: uuid::Uuid,
        /// What, how many, from whom, where it is kept.
        material: crate::store::NewLentMaterial,
    },
    /// A lent material handed back to the city.
    ReturnMaterial {
        /// The material.
        id: uuid::Uuid,
        /// When.
        day: NaiveDate,
    },
    /// A city staff member confirmed (with their own PIN) that a material came back.
    ConfirmReturn {
        /// The material.
        id: uuid::Uuid,
    },
    /// A member added to the roster (業務従事者名簿), with their PIN as an argon2id hash.
    AddStaff {
        /// Staff ID.
        code: String,
        /// Name.
        name: String,
        /// Role.
        role: crate::people::Role,
        /// PHC string of the PIN (the PIN itself is never stored or sent).
        pin_hash: String,
    },
    /// A member's role changed, or taken off / back on the roster.
    UpdateStaff {
        /// Staff ID.
        code: String,
        /// Role.
        role: crate::people::Role,
        /// On the roster.
        active: bool,
    },
    /// A member's PIN set anew (as its hash).
    SetPinHash {
        /// Staff ID.
        code: String,
        /// PHC string of the PIN.
        pin_hash: String,
    },
}

impl Mutation {
    /// What it is about, for the audit trail: a reservation number or a day, never a name.
    pub fn subject(&self) -> String {
        match self {
            Mutation::Book(b) => b.number.to_string(),
            Mutation::Cancel { number }
            | Mutation::CheckIn { number, .. }
            | Mutation::NoShow { number }
            | Mutation::Reschedule { number, .. }
            | Mutation::RecordChecklist { number, .. }
            | Mutation::RecordCheckOutcome { number, .. }
            | Mutation::VisitStep { number, .. } => number.to_string(),
            Mutation::SetCapacity { day, .. }
            | Mutation::SetHolidaySession { day, .. }
            | Mutation::SetClosure { day, .. }
            | Mutation::SetFormCount { day, .. } => day.to_string(),
            Mutation::SetSlotPlan { kind, .. } => format!("{kind:?}"),
            Mutation::SetProcedureMinutes { procedure, .. }
            | Mutation::SetProcedureBundle { procedure, .. } => procedure.code().to_owned(),
            Mutation::SetBookingRules { .. } => String::new(),
            Mutation::RaiseConflict { conflict, .. } => conflict.subject.clone(),
            Mutation::ResolveConflict { id, .. }
            | Mutation::RecordInquiry { id, .. }
            | Mutation::TakeComplaintStep { id, .. }
            | Mutation::LendMaterial { id, .. }
            | Mutation::ReturnMaterial { id, .. }
            | Mutation::ConfirmReturn { id } => id.to_string(),
            Mutation::AddStaff { code, .. }
            | Mutation::UpdateStaff { code, .. }
            | Mutation::SetPinHash { code, .. } => code.clone(),
        }
    }

    /// A detail for the audit trail (the step of a case), with no personal data.
    pub fn detail(&self) -> String {
        match self {
            Mutation::VisitStep { position, step, .. } => {
                format!("#{} {}", position + 1, step.code())
            }
            Mutation::RecordChecklist { position, .. }
            | Mutation::RecordCheckOutcome { position, .. } => {
                format!("#{}", position + 1)
            }
            Mutation::RecordInquiry { inquiry, .. } => inquiry.kind.code().to_owned(),
            Mutation::TakeComplaintStep { step, .. } => step.code().to_owned(),
            Mutation::AddStaff { role, .. } => role.code().to_owned(),
            Mutation::UpdateStaff { role, active, .. } => {
                format!("{} active={active}", role.code())
            }
            _ => String::new(),
        }
    }

    /// The `op` tag, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            Mutation::Book(_) => "book",
            Mutation::Cancel { .. } => "cancel",
            Mutation::CheckIn { .. } => "check_in",
            Mutation::NoShow { .. } => "no_show",
            Mutation::Reschedule { .. } => "reschedule",
            Mutation::SetSlotPlan { .. } => "set_slot_plan",
            Mutation::SetCapacity { .. } => "set_capacity",
            Mutation::SetHolidaySession { .. } => "set_holiday_session",
            Mutation::SetClosure { .. } => "set_closure",
            Mutation::SetBookingRules { .. } => "set_booking_rules",
            Mutation::SetProcedureMinutes { .. } => "set_procedure_minutes",
            Mutation::RecordChecklist { .. } => "record_checklist",
            Mutation::RecordCheckOutcome { .. } => "record_check_outcome",
            Mutation::VisitStep { .. } => "visit_step",
            Mutation::SetFormCount { .. } => "set_form_count",
            Mutation::SetProcedureBundle { .. } => "set_procedure_bundle",
            Mutation::RaiseConflict { .. } => "raise_conflict",
            Mutation::ResolveConflict { .. } => "resolve_conflict",
            // The audit trail's names for these predate them being mutations: kept.
            Mutation::RecordInquiry { .. } => "inquiry_add",
            Mutation::TakeComplaintStep { .. } => "complaint_step",
            Mutation::LendMaterial { .. } => "lending_add",
            Mutation::ReturnMaterial { .. } => "lending_return",
            Mutation::ConfirmReturn { .. } => "lending_confirm",
            Mutation::AddStaff { .. } => "staff_add",
            Mutation::UpdateStaff { .. } => "staff_update",
            Mutation::SetPinHash { .. } => "staff_reset_pin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn plan() -> SlotPlan {
        SlotPlan {
            slot_minutes: 15,
            bands: vec![
                Band {
                    starts: t(9, 0),
                    ends: t(12, 0),
                    capacity: 4,
                },
                Band {
                    starts: t(13, 0),
                    ends: t(17, 0),
                    capacity: 4,
                },
            ],
        }
    }

    #[test]
    fn slots_follow_bands_and_hours() {
        let starts = plan().slot_starts(t(9, 0), t(17, 0));
        assert_eq!(starts.len(), 12 + 16);
        assert_eq!(starts[0], t(9, 0));
        assert!(
            !starts.contains(&t(12, 0)),
            "no slots in the gap between bands"
        );
        assert_eq!(*starts.last().unwrap(), t(16, 45));
        // A shortened day.
        assert_eq!(plan().slot_starts(t(9, 0), t(10, 0)).len(), 4);
    }

    #[test]
    fn combined_durations_round_up_to_slots() {
        assert_eq!(plan().slots_for(30), 2);
        assert_eq!(plan().slots_for(45), 3);
        assert_eq!(plan().slots_for(20), 2);
        assert_eq!(plan().slots_for(0), 1);
    }

    #[test]
    fn bad_plans_are_refused() {
        let mut p = plan();
        p.bands[1].starts = t(11, 0);
        assert!(p.validate().is_err(), "overlap");
        let mut p = plan();
        p.bands[0].ends = t(12, 10);
        assert!(p.validate().is_err(), "misaligned");
        assert!(plan().validate().is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for p in Procedure::ALL {
            assert_eq!(Procedure::from_code(p.code()).unwrap(), *p);
        }
        assert_eq!(
            serde_json::to_string(&ApplicantType::ApplicantSelf).unwrap(),
            "\"self\""
        );
        assert!(Channel::from_code("fax").is_err());
    }
}
