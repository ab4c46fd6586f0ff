//! Reservations as the domain sees them: procedures and their durations, applicant types,
//! channels, the slot plan with its capacity, and the commands that change bookings.
//!
//! The rules that protect citizens live here and in `store/reservations.rs`: a booking needs a
//! free place in every slot its combined duration covers, so a slot's capacity is never
//! exceeded; changing the plan never drops a booking but lists those that no longer fit.
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::procedure::{ApplicantType, Procedure};
use crate::{
    people::Permission, reservation_number::ReservationNumber, secret::Personal, site::SiteId,
    Error, Result,
};

/// A new applicant, as typed at the counter or on the phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApplicant {
    /// Name in kanji (or as written).
    pub name_kanji: Personal,
    /// Name in katakana, for search and calling.
    pub name_kana: Personal,
    /// Contact phone, any common notation.
    pub phone: Option<Personal>,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: Option<Personal>,
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
    /// The site the citizen comes to (`main` in entries from before sites).
    #[serde(default, skip_serializing_if = "SiteId::is_main")]
    pub site: SiteId,
    /// The desk (call center) that made it and holds it until it is served, when a desk's PC
    /// booked it (docs/sync-protocol.md, "Sites").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<SiteId>,
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
            site: SiteId::main(),
            desk: None,
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

/// Changes to bookings: the reservation domain's mutations. Applied by
/// `store/reservations.rs` (`Store::execute` dispatches to it through `mutation::Mutation`,
/// which depends on this module, not the other way round).
///
/// Do not change variants or fields casually: stored mutations, the hub's log and other seats
/// must still read them (the `op` tags are the wire format). Add new variants instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ReservationMutation {
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
    /// Move a booking to another day or time, or to another site (the citizen prefers the
    /// station): the booking, its people and its checklist go with it.
    Reschedule {
        /// Which one.
        number: ReservationNumber,
        /// New day.
        day: NaiveDate,
        /// New slot start.
        starts: NaiveTime,
        /// The site it moves to (`None`: it stays at its site).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<crate::site::SiteId>,
    },
}

impl ReservationMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            ReservationMutation::Book(_) => "book",
            ReservationMutation::Cancel { .. } => "cancel",
            ReservationMutation::CheckIn { .. } => "check_in",
            ReservationMutation::NoShow { .. } => "no_show",
            ReservationMutation::Reschedule { .. } => "reschedule",
        }
    }

    /// The reservation number (never a name).
    pub fn subject(&self) -> String {
        self.number().to_string()
    }

    /// The reservation it is about.
    pub fn number(&self) -> ReservationNumber {
        match self {
            ReservationMutation::Book(b) => b.number,
            ReservationMutation::Cancel { number }
            | ReservationMutation::CheckIn { number, .. }
            | ReservationMutation::NoShow { number }
            | ReservationMutation::Reschedule { number, .. } => *number,
        }
    }

    /// Counter work.
    pub fn permission(&self) -> Permission {
        Permission::CounterWork
    }

    /// The day whose free places its outcome depends on, and the booking that takes places
    /// there (escrow is spent on these).
    pub fn takes_places(&self) -> Option<ReservationNumber> {
        match self {
            ReservationMutation::Book(b) => Some(b.number),
            ReservationMutation::Reschedule { number, .. } => Some(*number),
            _ => None,
        }
    }
}

/// Changes to the plan: slot plans, capacity (繁閑), holiday sessions, closures, the city's
/// booking rules and procedure durations. Applied by `store/reservations.rs` and
/// `store/calendar.rs`.
///
/// Do not change variants or fields casually (see [`ReservationMutation`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PlanMutation {
    /// Replace the slot plan of a kind of day.
    SetSlotPlan {
        /// Which plan.
        kind: PlanKind,
        /// The new plan.
        plan: SlotPlan,
        /// Whose plan (`main` in entries from before sites).
        #[serde(default, skip_serializing_if = "SiteId::is_main")]
        site: SiteId,
    },
    /// Set (or with `None`, clear) the capacity of one band on one day (繁閑).
    SetCapacity {
        /// Day.
        day: NaiveDate,
        /// Start of the band.
        band_starts: NaiveTime,
        /// Seats open, or `None` to follow the plan again.
        capacity: Option<u32>,
        /// Which site (`main` in entries from before sites).
        #[serde(default, skip_serializing_if = "SiteId::is_main")]
        site: SiteId,
    },
    /// Designate (with a note) or undesignate (`None`) a holiday session (休日交付) day.
    SetHolidaySession {
        /// A Saturday or Sunday.
        day: NaiveDate,
        /// The note shown on the board, or `None` to remove the session.
        note: Option<String>,
        /// The site it is held at, or `None` for every site (the city's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<SiteId>,
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
    /// Close the counter or shorten a day (maintenance, disaster, J-LIS outage), or reopen it.
    SetClosure {
        /// Day.
        day: NaiveDate,
        /// The closure, or `None` to reopen.
        closure: Option<crate::calendar::Closure>,
        /// The site it closes, or `None` for every site (the city's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<SiteId>,
    },
}

impl PlanMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            PlanMutation::SetSlotPlan { .. } => "set_slot_plan",
            PlanMutation::SetCapacity { .. } => "set_capacity",
            PlanMutation::SetHolidaySession { .. } => "set_holiday_session",
            PlanMutation::SetClosure { .. } => "set_closure",
            PlanMutation::SetBookingRules { .. } => "set_booking_rules",
            PlanMutation::SetProcedureMinutes { .. } => "set_procedure_minutes",
        }
    }

    /// A day, a plan or a procedure (never a name).
    pub fn subject(&self) -> String {
        match self {
            PlanMutation::SetCapacity { day, .. }
            | PlanMutation::SetHolidaySession { day, .. }
            | PlanMutation::SetClosure { day, .. } => day.to_string(),
            PlanMutation::SetSlotPlan { kind, .. } => format!("{kind:?}"),
            PlanMutation::SetProcedureMinutes { procedure, .. } => procedure.code().to_owned(),
            PlanMutation::SetBookingRules { .. } => String::new(),
        }
    }

    /// The manager's and deputy's.
    pub fn permission(&self) -> Permission {
        Permission::ChangePlan
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
