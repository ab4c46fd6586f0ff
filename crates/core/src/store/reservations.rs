//! Reservations in the store: booking, the lifecycle (check-in, cancel, no-show, reschedule),
//! the slot plan and per-day capacity, search, and the mutation log.
//!
//! Every change goes through [`Store::execute`] (`store/mutations.rs`), which applies one
//! mutation in one transaction together with its row in the mutation log. The typed methods
//! (`book`, `cancel`, …) only build a [`ReservationMutation`] or [`PlanMutation`]; this file
//! applies them (`apply_reservation`, `apply_plan`), and the hub executes the same code
//! authoritatively.
//!
//! Capacity invariant: for every slot of every day, the reservations holding a place
//! (booked or checked in) that cover the slot never outnumber its capacity when they are
//! booked or moved. Lowering capacity later never drops a booking: [`Store::overbooked`] lists
//! the ones that no longer fit, for a person to follow up.
use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use super::{parse_date, parse_time, Store, DATE, DATETIME, TIME};

/// Month of a day as stored in `search_keys`.
const MONTH: &str = "%Y-%m";
use crate::{
    calendar::{DayStatus, Session},
    mutation::{Mutation, PlanMutation, ReservationMutation},
    reservation::{
        minute_of_day, time_of_minute, ApplicantType, Band, Book, BookingRules, Channel, PlanKind,
        Procedure, ReservationStatus, SlotPlan,
    },
    reservation_number::ReservationNumber,
    secret::Personal,
    site::SiteId,
    text, Error, Result,
};

/// What a mutation did.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A reservation was created or changed; here it is as it is now.
    Reservation(ReservationSummary),
    /// The plan or a capacity changed; these bookings no longer fit and need a person.
    PlanChanged {
        /// Bookings over capacity after the change.
        needs_follow_up: Vec<ReservationSummary>,
    },
}

impl Outcome {
    /// A change with nothing to follow up.
    pub(crate) fn none() -> Outcome {
        Outcome::PlanChanged {
            needs_follow_up: Vec::new(),
        }
    }
}

/// One person of a reservation, for lists and the booking confirmation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PersonSummary {
    /// Name in kanji.
    pub name_kanji: Personal,
    /// Name in kana.
    pub name_kana: Personal,
    /// Phone, digits.
    pub phone: Option<Personal>,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// What for.
    pub procedures: Vec<Procedure>,
}

/// A reservation as lists and screens show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReservationSummary {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// The number read to the applicant.
    pub number: ReservationNumber,
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// Slot start.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub starts: NaiveTime,
    /// Consecutive slots used.
    pub slots: u32,
    /// How it was booked.
    pub channel: Channel,
    /// Where it stands.
    pub status: ReservationStatus,
    /// Staff notes.
    pub notes: String,
    /// When they checked in (local time), or for a queued walk-in when they arrived.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub checked_in_at: Option<NaiveDateTime>,
    /// Checked in later than the lateness rule allows: served after those on time.
    pub late: bool,
    /// Booked on this seat beyond its escrow and not yet accepted by the hub (仮予約).
    pub provisional: bool,
    /// The people, in order.
    pub people: Vec<PersonSummary>,
}

/// Everything today's board shows for one day.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DayBoard {
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// Open, a holiday session, or closed and why.
    pub status: DayStatus,
    /// The day's bands with the capacity in force (plan or 繁閑 override; empty when closed).
    pub bands: Vec<Band>,
    /// Slots with capacity and places taken (empty when closed).
    pub slots: Vec<SlotInfo>,
    /// The day's reservations in time order (all statuses).
    pub reservations: Vec<ReservationSummary>,
}

/// A designated holiday session.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct HolidaySessionDay {
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// The site it is held at, or `None` for every site (the city's).
    pub site: Option<SiteId>,
    /// Note shown on the board.
    pub note: String,
}

/// The slot plans, rules, durations, holiday sessions and closures, for the settings screen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PlanSettings {
    /// Weekday plan.
    pub regular: SlotPlan,
    /// Holiday-session plan.
    pub holiday_session: SlotPlan,
    /// The city's booking rules.
    pub rules: BookingRules,
    /// Minutes per procedure.
    pub procedure_minutes: Vec<(Procedure, u32)>,
    /// What the city specifies for each procedure's case bundle.
    pub bundles: Vec<crate::store::ProcedureBundle>,
    /// Holiday sessions from today on.
    pub holiday_sessions: Vec<HolidaySessionDay>,
    /// Closures (incident records) of the last month and ahead.
    pub closures: Vec<crate::store::ClosureRecord>,
    /// Bookings from today on that no longer fit, to call and rebook.
    pub needs_follow_up: Vec<ReservationSummary>,
}

/// One slot of a day, with its capacity and how many places are taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SlotInfo {
    /// Slot start.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub starts: NaiveTime,
    /// Places (seats open).
    pub capacity: u32,
    /// Places held by bookings.
    pub taken: u32,
}

impl SlotInfo {
    /// Places still free (0 when over capacity after a plan change).
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.taken)
    }
}

impl Store {
    /// Applies a booking change (the reservation domain's mutations).
    pub(super) fn apply_reservation(&self, m: &ReservationMutation) -> Result<Outcome> {
        Ok(match m {
            ReservationMutation::Book(book) => self.apply_book(book)?,
            ReservationMutation::Cancel { number } => {
                self.apply_transition(*number, ReservationStatus::Cancelled)?
            }
            ReservationMutation::CheckIn { number, at } => self.apply_check_in(*number, *at)?,
            ReservationMutation::NoShow { number } => {
                self.apply_transition(*number, ReservationStatus::NoShow)?
            }
            ReservationMutation::Reschedule {
                number,
                day,
                starts,
                site,
            } => self.apply_reschedule(*number, *day, *starts, site.as_ref())?,
        })
    }

    /// Applies a change to the plan.
    pub(super) fn apply_plan(&self, m: &PlanMutation) -> Result<Outcome> {
        Ok(match m {
            PlanMutation::SetSlotPlan { kind, plan, site } => {
                self.apply_slot_plan(site, *kind, plan)?
            }
            PlanMutation::SetCapacity {
                day,
                band_starts,
                capacity,
                site,
            } => self.apply_capacity(site, *day, *band_starts, *capacity)?,
            PlanMutation::SetHolidaySession { day, note, site } => {
                self.apply_holiday_session(*day, note.as_deref(), site.as_ref())?
            }
            PlanMutation::SetClosure { day, closure, site } => {
                self.apply_closure(*day, closure.as_ref(), site.as_ref())?
            }
            PlanMutation::SetProcedureMinutes { procedure, minutes } => {
                if !(1..=240).contains(minutes) {
                    return Err(Error::Invalid("a procedure takes 1 to 240 minutes".into()));
                }
                self.conn().execute(
                    "UPDATE procedures SET minutes = ?2 WHERE code = ?1",
                    params![procedure.code(), minutes],
                )?;
                Outcome::none()
            }
            PlanMutation::SetBookingRules { rules } => {
                rules.validate()?;
                self.conn().execute(
                    "UPDATE booking_rules SET days_ahead = ?1, min_days_before = ?2, late_minutes = ?3, one_booking_per_person = ?4",
                    params![rules.days_ahead, rules.min_days_before, rules.late_minutes, rules.one_booking_per_person],
                )?;
                Outcome::none()
            }
        })
    }

    /// Books a visit by phone or at the counter: the city's rules are checked against today
    /// (see [`Store::check_booking_rules`]), a fresh reservation number and ids are chosen
    /// here, then the booking is executed as a [`ReservationMutation::Book`].
    pub fn book(
        &self,
        day: NaiveDate,
        starts: NaiveTime,
        channel: Channel,
        people: Vec<(crate::store::NewApplicant, ApplicantType, Vec<Procedure>)>,
        notes: &str,
    ) -> Result<ReservationSummary> {
        self.check_booking_rules(day, starts, channel, people.iter().map(|(a, _, _)| a), None)?;
        self.book_unchecked(day, starts, channel, people, notes, None)
    }

    fn book_unchecked(
        &self,
        day: NaiveDate,
        starts: NaiveTime,
        channel: Channel,
        people: Vec<(crate::store::NewApplicant, ApplicantType, Vec<Procedure>)>,
        notes: &str,
        arrived_at: Option<NaiveDateTime>,
    ) -> Result<ReservationSummary> {
        let mut book = Book::new(self.fresh_number()?, day, starts, channel, people, notes);
        book.site = self.site()?;
        book.arrived_at = arrived_at;
        match self.execute(Mutation::Reservation(ReservationMutation::Book(book)))? {
            Outcome::Reservation(r) => Ok(r),
            Outcome::PlanChanged { .. } => unreachable!("a booking returns its reservation"),
        }
    }

    /// A walk-in arriving `now`: checked in at once in the earliest place today that fits the
    /// whole visit (the slot under way counts), or, when none is left, put in the visible queue
    /// (status `queued`, holding no place) until staff seat them with [`Store::reschedule`].
    pub fn walk_in(
        &self,
        now: NaiveDateTime,
        people: Vec<(crate::store::NewApplicant, ApplicantType, Vec<Procedure>)>,
    ) -> Result<ReservationSummary> {
        let day = now.date();
        self.check_booking_rules(
            day,
            now.time(),
            Channel::WalkIn,
            people.iter().map(|(a, _, _)| a),
            None,
        )?;
        let minutes = self.combined_minutes(people.iter().map(|(_, _, p)| p.as_slice()))?;
        let (_, plan, slots) = self.day_slots(&self.site()?, day)?;
        let need = plan.slots_for(minutes);
        let from = minute_of_day(now.time());
        let start = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| minute_of_day(s.starts) + plan.slot_minutes > from)
            .find(|(i, _)| fits(&slots, *i, need as usize, plan.slot_minutes))
            .map(|(_, s)| s.starts);
        let arrival = time_of_minute(from);
        self.book_unchecked(
            day,
            start.unwrap_or(arrival),
            Channel::WalkIn,
            people,
            "",
            Some(now),
        )
    }

    /// Walk-ins waiting for a place on `day` at this PC's site, in arrival order.
    pub fn walk_in_queue(&self, day: NaiveDate) -> Result<Vec<ReservationSummary>> {
        self.summaries(
            "WHERE r.day = ?1 AND r.site_id = ?2 AND r.status = 'queued' ORDER BY r.checked_in_at, r.id",
            [day.format(DATE).to_string(), self.site()?.to_string()],
        )
    }

    /// The order in which checked-in people on `day` are served: those on time by booked
    /// time, then those who came late (the lateness rule), then by check-in time.
    pub fn serving_order(&self, day: NaiveDate) -> Result<Vec<ReservationSummary>> {
        self.summaries(
            "WHERE r.day = ?1 AND r.site_id = ?2 AND r.status = 'checked_in' ORDER BY r.late, r.starts, r.checked_in_at, r.id",
            [day.format(DATE).to_string(), self.site()?.to_string()],
        )
    }

    /// The city's booking rules.
    pub fn booking_rules(&self) -> Result<BookingRules> {
        Ok(self.conn().query_row(
            "SELECT days_ahead, min_days_before, late_minutes, one_booking_per_person FROM booking_rules",
            [],
            |r| Ok(BookingRules { days_ahead: r.get(0)?, min_days_before: r.get(1)?, late_minutes: r.get(2)?, one_booking_per_person: r.get(3)? }),
        )?)
    }

    /// Changes the city's booking rules.
    pub fn set_booking_rules(&self, rules: BookingRules) -> Result<()> {
        self.execute(Mutation::Plan(PlanMutation::SetBookingRules { rules }))
            .map(drop)
    }

    /// The city's rules, checked when staff book or move a visit (not when the hub re-executes
    /// a mutation made earlier, so an offline booking is not refused for the day it syncs):
    /// phone and counter bookings only inside the booking window counted from today and not
    /// for a time already past, and one active booking per person (same kana name and the same
    /// phone or birth date) when the rule is on. `except` is the booking being moved.
    pub fn check_booking_rules<'a>(
        &self,
        day: NaiveDate,
        starts: NaiveTime,
        channel: Channel,
        applicants: impl Iterator<Item = &'a crate::store::NewApplicant>,
        except: Option<ReservationNumber>,
    ) -> Result<()> {
        let rules = self.booking_rules()?;
        let now = self.now();
        let today = now.date();
        if channel != Channel::WalkIn {
            let (first, last) = rules.window(today);
            if day < first || day > last {
                return Err(Error::OutsideBookingWindow {
                    first: first.format(DATE).to_string(),
                    last: last.format(DATE).to_string(),
                });
            }
            if day == today && starts < now.time() {
                return Err(Error::NotAllowed(format!(
                    "{} has already passed",
                    starts.format(TIME)
                )));
            }
        } else if day != today {
            return Err(Error::NotAllowed("a walk-in is for today".into()));
        }
        if rules.one_booking_per_person {
            for applicant in applicants {
                if let Some(number) = self.active_booking_of(applicant, today, except)? {
                    return Err(Error::AlreadyBooked {
                        number: number.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// At the hub, which holds every site's bookings: the one-booking-per-person rule across
    /// sites. A PC of one site checked it against its own site's bookings only (it holds no
    /// other), so a person booked at 本庁舎 and then at the station is caught here and becomes
    /// a conflict for a person to resolve.
    fn check_one_booking_across_sites(&self, book: &Book) -> Result<()> {
        if !self.booking_rules()?.one_booking_per_person {
            return Ok(());
        }
        let today = self.now().date();
        for person in &book.people {
            if let Some(number) = self.active_booking_of(&person.applicant, today, None)? {
                if self.site_of_reservation(number)? != book.site {
                    return Err(Error::AlreadyBooked {
                        number: number.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    fn active_booking_of(
        &self,
        applicant: &crate::store::NewApplicant,
        today: NaiveDate,
        except: Option<ReservationNumber>,
    ) -> Result<Option<ReservationNumber>> {
        let phone = applicant
            .phone
            .as_ref()
            .and_then(|p| text::phone_digits(p.expose()));
        let birth = applicant.birth_date.as_ref().map(|b| b.expose().to_owned());
        if phone.is_none() && birth.is_none() {
            return Ok(None); // a name alone does not identify a person
        }
        let number: Option<i64> = self
            .conn()
            .prepare_cached(
                // Drive from the two index lookups (CROSS JOIN fixes the order), then look at
                // those few people's reservations.
                "SELECT r.number FROM (
                     SELECT id FROM applicants WHERE kana_key = ?1 AND phone = ?2
                     UNION SELECT id FROM applicants WHERE kana_key = ?1 AND birth_date = ?3
                 ) AS a
                 CROSS JOIN reservation_people p ON p.applicant_id = a.id
                 CROSS JOIN reservations r ON r.id = p.reservation_id
                 WHERE r.status IN ('booked', 'checked_in', 'queued') AND r.day >= ?4 AND r.number != ?5
                 LIMIT 1",
            )?
            .query_row(
                params![text::fold_kana(applicant.name_kana.expose()), phone, birth, today.format(DATE).to_string(), except.map_or(0, |n| n.as_i64())],
                |r| r.get(0),
            )
            .optional()?;
        number.map(ReservationNumber::from_i64).transpose()
    }

    /// Cancels a booking; its place is free again.
    pub fn cancel(&self, number: ReservationNumber) -> Result<ReservationSummary> {
        self.reservation_outcome(Mutation::Reservation(ReservationMutation::Cancel {
            number,
        }))
    }

    /// Checks the applicant in now (late if past the lateness rule).
    pub fn check_in(&self, number: ReservationNumber) -> Result<ReservationSummary> {
        self.reservation_outcome(Mutation::Reservation(ReservationMutation::CheckIn {
            number,
            at: self.now(),
        }))
    }

    /// Marks a no-show.
    pub fn no_show(&self, number: ReservationNumber) -> Result<ReservationSummary> {
        self.reservation_outcome(Mutation::Reservation(ReservationMutation::NoShow {
            number,
        }))
    }

    /// Moves a booking (inside the booking window), or seats a queued walk-in in a place today.
    pub fn reschedule(
        &self,
        number: ReservationNumber,
        day: NaiveDate,
        starts: NaiveTime,
    ) -> Result<ReservationSummary> {
        self.move_booking(number, None, day, starts)
    }

    /// Moves a booking to `day` at `starts`, at another site when `site` names one (the
    /// citizen prefers the station; a site's PC then no longer holds it once the hub has it).
    pub fn move_booking(
        &self,
        number: ReservationNumber,
        site: Option<SiteId>,
        day: NaiveDate,
        starts: NaiveTime,
    ) -> Result<ReservationSummary> {
        let current = self.reservation(number)?;
        let here = self.site()?;
        self.check_not_sealed_for(&self.site_of_reservation(number)?, &here)?;
        if let Some(to) = &site {
            self.check_not_sealed_for(to, &here)?;
        }
        if current.status == ReservationStatus::Booked && current.channel != Channel::WalkIn {
            self.check_booking_rules(
                day,
                starts,
                current.channel,
                std::iter::empty(),
                Some(number),
            )?;
        }
        self.reservation_outcome(Mutation::Reservation(ReservationMutation::Reschedule {
            number,
            day,
            starts,
            site,
        }))
    }

    fn reservation_outcome(&self, mutation: Mutation) -> Result<ReservationSummary> {
        match self.execute(mutation)? {
            Outcome::Reservation(r) => Ok(r),
            Outcome::PlanChanged { .. } => {
                unreachable!("reservation mutations return the reservation")
            }
        }
    }

    /// This site's slot plan of a kind of day.
    pub fn slot_plan(&self, kind: PlanKind) -> Result<SlotPlan> {
        self.warm_slot_plan(&self.serving_site()?, kind)
    }

    /// [`Store::slot_plan`] of a site, read from the tables.
    pub(super) fn read_slot_plan(&self, site: &SiteId, kind: PlanKind) -> Result<SlotPlan> {
        let slot_minutes: u32 = self
            .conn()
            .query_row(
                "SELECT slot_minutes FROM slot_plans WHERE site_id = ?1 AND kind = ?2",
                [site.as_str(), kind.code()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::Invalid(format!("site {site} has no {} plan", kind.code())))?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT starts, ends, capacity FROM slot_bands WHERE site_id = ?1 AND kind = ?2 ORDER BY starts",
        )?;
        let bands = stmt
            .query_map([site.as_str(), kind.code()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })?
            .map(|row| {
                let (starts, ends, capacity) = row?;
                Ok(Band {
                    starts: parse_time(&starts)?,
                    ends: parse_time(&ends)?,
                    capacity,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SlotPlan {
            slot_minutes,
            bands,
        })
    }

    /// The slots of `day` at this site with capacity and places taken; empty when the
    /// counter is closed.
    pub fn day_schedule(&self, day: NaiveDate) -> Result<Vec<SlotInfo>> {
        self.day_schedule_at(&self.serving_site()?, day)
    }

    /// [`Store::day_schedule`] at `site`.
    pub fn day_schedule_at(&self, site: &SiteId, day: NaiveDate) -> Result<Vec<SlotInfo>> {
        match self.day_slots(site, day) {
            Ok((_, _, slots)) => Ok(slots),
            Err(Error::DayClosed { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// The board of one day at this site: its status, slots and reservations.
    pub fn day_board(&self, day: NaiveDate) -> Result<DayBoard> {
        self.day_board_at(&self.serving_site()?, day)
    }

    /// The board of one day at `site`.
    pub fn day_board_at(&self, site: &SiteId, day: NaiveDate) -> Result<DayBoard> {
        self.audit_read("day_board", &day.format(DATE).to_string())?;
        let site = site.clone();
        let (bands, slots) = match self.day_slots(&site, day) {
            Ok((_, plan, slots)) => {
                let overrides = self.warm_capacity_overrides(&site, day)?;
                let bands = plan
                    .bands
                    .into_iter()
                    .map(|b| Band {
                        capacity: overrides
                            .get(&b.starts.format(TIME).to_string())
                            .copied()
                            .unwrap_or(b.capacity),
                        ..b
                    })
                    .collect();
                (bands, slots)
            }
            Err(Error::DayClosed { .. }) => (Vec::new(), Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(DayBoard {
            day,
            status: self.site_day_status_in(self.warm_look()?, &site, day)?,
            bands,
            slots,
            reservations: self.summaries(
                "WHERE r.day = ?1 AND r.site_id = ?2 ORDER BY r.starts, r.id",
                [day.format(DATE).to_string(), site.to_string()],
            )?,
        })
    }

    /// A site's capacity overrides of a day (band start → places), read from the table.
    pub(super) fn read_capacity_overrides(
        &self,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<HashMap<String, u32>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT starts, capacity FROM capacity_overrides WHERE site_id = ?1 AND day = ?2",
        )?;
        let rows = stmt.query_map([site.to_string(), day.format(DATE).to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everything the slot-plan settings screen edits, in one read.
    pub fn plan_settings(&self) -> Result<PlanSettings> {
        self.audit_read("plan_settings", "")?;
        let today = self.today();
        Ok(PlanSettings {
            regular: self.slot_plan(PlanKind::Regular)?,
            holiday_session: self.slot_plan(PlanKind::HolidaySession)?,
            rules: self.booking_rules()?,
            procedure_minutes: self.procedure_minutes()?.into_iter().collect(),
            bundles: self.procedure_bundles()?,
            holiday_sessions: self.holiday_sessions(today)?,
            closures: self.closures(today - chrono::Days::new(31))?,
            needs_follow_up: self.overbooked(today)?,
        })
    }

    /// Changes how long a procedure takes.
    pub fn set_procedure_minutes(&self, procedure: Procedure, minutes: u32) -> Result<()> {
        self.execute(Mutation::Plan(PlanMutation::SetProcedureMinutes {
            procedure,
            minutes,
        }))
        .map(drop)
    }

    /// The reservations of a day, in time order.
    pub fn reservations_on(&self, day: NaiveDate) -> Result<Vec<ReservationSummary>> {
        self.summaries(
            "WHERE r.day = ?1 ORDER BY r.starts, r.id",
            [day.format(DATE).to_string()],
        )
    }

    /// One reservation by number.
    pub fn reservation(&self, number: ReservationNumber) -> Result<ReservationSummary> {
        self.require(crate::people::Permission::ReadPersonal)?;
        self.summaries("WHERE r.number = ?1", [number.as_i64()])?
            .into_iter()
            .next()
            .ok_or(Error::NotFound("reservation"))
    }

    /// Bookings holding a place on `day`, at any site, that no longer fit its slots (see
    /// [`Store::overbooked`]).
    pub fn overbooked_on(&self, day: NaiveDate) -> Result<Vec<ReservationSummary>> {
        let d = day.format(DATE).to_string();
        let sites: Vec<String> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT DISTINCT site_id FROM reservations WHERE day = ?1 AND status IN ('booked', 'checked_in') ORDER BY site_id",
            )?;
            let rows = stmt.query_map([&d], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for site in sites {
            out.extend(self.overbooked_at(&site.parse()?, day)?);
        }
        Ok(out)
    }

    /// [`Store::overbooked_on`] at one site.
    fn overbooked_at(&self, site: &SiteId, day: NaiveDate) -> Result<Vec<ReservationSummary>> {
        let (capacity, slot_minutes): (HashMap<u32, u32>, u32) = match self.day_slots(site, day) {
            Ok((_, plan, slots)) => (
                slots
                    .iter()
                    .map(|s| (minute_of_day(s.starts), s.capacity))
                    .collect(),
                plan.slot_minutes,
            ),
            Err(Error::DayClosed { .. }) => (HashMap::new(), 1), // closed: every booking needs follow-up
            Err(e) => return Err(e),
        };
        // Oldest bookings keep their place (UUIDv7 ids sort by creation time).
        let mut held: HashMap<u32, u32> = HashMap::new();
        let mut out = Vec::new();
        for r in self.summaries(
            "WHERE r.day = ?1 AND r.site_id = ?2 AND r.status IN ('booked', 'checked_in') ORDER BY r.id",
            [day.format(DATE).to_string(), site.to_string()],
        )? {
            let covered: Vec<u32> = (0..r.slots)
                .map(|i| minute_of_day(r.starts) + i * slot_minutes)
                .collect();
            let fits = covered
                .iter()
                .all(|m| held.get(m).copied().unwrap_or(0) < capacity.get(m).copied().unwrap_or(0));
            if fits {
                for m in covered {
                    *held.entry(m).or_default() += 1;
                }
            } else {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Bookings holding a place on or after `from` that no longer fit their slots (capacity was
    /// lowered, a band removed, the day or part of it closed): the latest-booked ones beyond
    /// capacity, for a person to call and rebook. Nothing is ever dropped.
    pub fn overbooked(&self, from: NaiveDate) -> Result<Vec<ReservationSummary>> {
        let days: Vec<String> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT DISTINCT day FROM reservations WHERE day >= ?1 AND status IN ('booked', 'checked_in') ORDER BY day",
            )?;
            let rows = stmt.query_map([from.format(DATE).to_string()], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for day in days {
            out.extend(self.overbooked_on(parse_date(&day)?)?);
        }
        Ok(out)
    }

    /// Replaces this site's slot plan; returns the bookings that no longer fit (never drops
    /// them).
    pub fn set_slot_plan(&self, kind: PlanKind, plan: SlotPlan) -> Result<Vec<ReservationSummary>> {
        self.plan_outcome(Mutation::Plan(PlanMutation::SetSlotPlan {
            kind,
            plan,
            site: self.serving_site()?,
        }))
    }

    /// Sets (or clears) one band's capacity on one day; returns the bookings that no longer fit.
    pub fn set_capacity(
        &self,
        day: NaiveDate,
        band_starts: NaiveTime,
        capacity: Option<u32>,
    ) -> Result<Vec<ReservationSummary>> {
        self.plan_outcome(Mutation::Plan(PlanMutation::SetCapacity {
            day,
            band_starts,
            capacity,
            site: self.serving_site()?,
        }))
    }

    /// Designates (or with `None` removes) a holiday session at every site; returns bookings
    /// that no longer fit.
    pub fn set_holiday_session(
        &self,
        day: NaiveDate,
        note: Option<&str>,
    ) -> Result<Vec<ReservationSummary>> {
        self.set_holiday_session_at(None, day, note)
    }

    /// [`Store::set_holiday_session`] at one site (`None`: every site).
    pub fn set_holiday_session_at(
        &self,
        site: Option<&SiteId>,
        day: NaiveDate,
        note: Option<&str>,
    ) -> Result<Vec<ReservationSummary>> {
        self.plan_outcome(Mutation::Plan(PlanMutation::SetHolidaySession {
            day,
            note: note.map(str::to_owned),
            site: site.cloned(),
        }))
    }

    /// Closes or shortens a day at every site (or with `None` reopens it); returns the
    /// bookings affected, to be called and rebooked.
    pub fn set_closure(
        &self,
        day: NaiveDate,
        closure: Option<crate::calendar::Closure>,
    ) -> Result<Vec<ReservationSummary>> {
        self.set_closure_at(None, day, closure)
    }

    /// [`Store::set_closure`] at one site (`None`: every site).
    pub fn set_closure_at(
        &self,
        site: Option<&SiteId>,
        day: NaiveDate,
        closure: Option<crate::calendar::Closure>,
    ) -> Result<Vec<ReservationSummary>> {
        self.plan_outcome(Mutation::Plan(PlanMutation::SetClosure {
            day,
            closure,
            site: site.cloned(),
        }))
    }

    fn plan_outcome(&self, mutation: Mutation) -> Result<Vec<ReservationSummary>> {
        match self.execute(mutation)? {
            Outcome::PlanChanged { needs_follow_up } => Ok(needs_follow_up),
            Outcome::Reservation(_) => unreachable!("plan mutations return the follow-up list"),
        }
    }

    // ---- applying mutations (inside the caller's transaction) ----

    fn apply_book(&self, book: &Book) -> Result<Outcome> {
        crate::my_number::refuse_in_text("booking note", &book.notes)?;
        self.check_bookable_site(&book.site)?;
        self.check_site_offers(
            &book.site,
            book.people.iter().flat_map(|p| p.procedures.iter()),
        )?;
        if self.hub_executing() {
            self.check_one_booking_across_sites(book)?;
        }
        if book.people.is_empty() {
            return Err(Error::Invalid(
                "a reservation needs at least one person".into(),
            ));
        }
        let minutes = self.combined_minutes(book.people.iter().map(|p| p.procedures.as_slice()))?;
        let (_, plan, slots) = self.day_slots(&book.site, book.day)?;
        let need = plan.slots_for(minutes);
        let room = check_room(book.day, &slots, book.starts, need, plan.slot_minutes);
        // A walk-in is present: checked in when there is room, else queued (holding no place).
        let status = match (book.arrived_at, room) {
            (None, room) => room.map(|()| ReservationStatus::Booked)?,
            (Some(_), Ok(())) => ReservationStatus::CheckedIn,
            (Some(_), Err(_)) => ReservationStatus::Queued,
        };

        let site = book.site.as_str();
        let now = self.stamp();
        for person in &book.people {
            self.insert_applicant_with_id(person.applicant_id, &person.applicant, &book.site)?;
        }
        self.conn().execute(
            "INSERT INTO reservations (id, number, day, starts, slots, channel, status, notes, created_at, updated_at, checked_in_at, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?9, ?7, ?8, ?8, ?10, ?11)",
            params![
                book.id.to_string(),
                book.number.as_i64(),
                book.day.format(DATE).to_string(),
                book.starts.format(TIME).to_string(),
                need,
                book.channel.code(),
                book.notes,
                now,
                status.code(),
                book.arrived_at.map(|t| t.format(DATETIME).to_string()),
                site
            ],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::NotAllowed("reservation id or number already used".into()),
            _ => e.into(),
        })?;
        for (position, person) in book.people.iter().enumerate() {
            let procedures: Vec<&str> = person.procedures.iter().map(|p| p.code()).collect();
            self.conn().execute(
                "INSERT INTO reservation_people (reservation_id, position, applicant_id, applicant_type, procedures, site_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![book.id.to_string(), position as i64, person.applicant_id.to_string(), person.applicant_type.code(), procedures.join(","), site],
            )?;
            let a = &person.applicant;
            let keys = [
                Some(format!("k:{}", text::fold_kana(a.name_kana.expose()))),
                Some(format!("n:{}", text::fold_kana(a.name_kanji.expose()))),
                a.phone
                    .as_ref()
                    .and_then(|p| text::phone_digits(p.expose()))
                    .map(|p| format!("p:{p}")),
            ];
            for key in keys.into_iter().flatten() {
                self.conn().execute(
                    "INSERT INTO search_keys (month, key, day, reservation_id, site_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![book.day.format(MONTH).to_string(), key, book.day.format(DATE).to_string(), book.id.to_string(), site],
                )?;
            }
        }
        self.apply_intake(book)?;
        // A dealt number is used: off this seat's stock, or the hub's list of numbers dealt.
        for table in ["sync_numbers", "hub_numbers"] {
            self.conn()
                .prepare_cached(&format!("DELETE FROM {table} WHERE number = ?1"))?
                .execute([book.number.as_i64()])?;
        }
        if let Some(desk) = &book.desk {
            self.set_family_parts(&book.id.to_string(), &book.site, Some(desk))?;
        }
        if let (ReservationStatus::CheckedIn, Some(at)) = (status, book.arrived_at) {
            self.open_cases(book.number, at)?;
        }
        self.reservation_changed(book.number)
    }

    fn apply_transition(
        &self,
        number: ReservationNumber,
        to: ReservationStatus,
    ) -> Result<Outcome> {
        use ReservationStatus::*;
        let current = self.reservation(number)?.status;
        // A booking is cancelled or missed; a queued walk-in may leave.
        let allowed = matches!(
            (current, to),
            (Booked, Cancelled | NoShow) | (Queued, Cancelled)
        );
        if !allowed {
            return Err(Error::NotAllowed(format!(
                "a reservation that is {} cannot become {}",
                current.code(),
                to.code()
            )));
        }
        self.conn().execute(
            "UPDATE reservations SET status = ?2, updated_at = ?3 WHERE number = ?1",
            params![number.as_i64(), to.code(), self.stamp()],
        )?;
        self.release_from_desk(&self.reservation(number)?.id.to_string())?;
        self.reservation_changed(number)
    }

    fn apply_check_in(&self, number: ReservationNumber, at: NaiveDateTime) -> Result<Outcome> {
        let current = self.reservation(number)?;
        if current.status != ReservationStatus::Booked {
            return Err(Error::NotAllowed(format!(
                "a reservation that is {} cannot be checked in",
                current.status.code()
            )));
        }
        if at.date() != current.day {
            return Err(Error::NotAllowed(format!(
                "this booking is for {}",
                current.day.format(DATE)
            )));
        }
        let late_minutes = self.booking_rules()?.late_minutes;
        let late = minute_of_day(at.time()) > minute_of_day(current.starts) + late_minutes;
        self.conn().execute(
            "UPDATE reservations SET status = 'checked_in', checked_in_at = ?2, late = ?3, updated_at = ?4 WHERE number = ?1",
            params![number.as_i64(), at.format(DATETIME).to_string(), late, self.stamp()],
        )?;
        self.release_from_desk(&current.id.to_string())?;
        self.open_cases(number, at)?;
        self.reservation_changed(number)
    }

    fn apply_reschedule(
        &self,
        number: ReservationNumber,
        day: NaiveDate,
        starts: NaiveTime,
        site: Option<&SiteId>,
    ) -> Result<Outcome> {
        let current = self.reservation(number)?;
        let from = self.site_of_reservation(number)?;
        let to = site.unwrap_or(&from);
        let moves = *to != from;
        if moves {
            if current.status != ReservationStatus::Booked {
                return Err(Error::NotAllowed(format!(
                    "a reservation that is {} stays at its site",
                    current.status.code()
                )));
            }
            self.check_bookable_site(to)?;
            // A revisit and its first visit stay at one site (a PC of one site holds both).
            let chained: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM reservations WHERE id = ?1 AND revisit_of IS NOT NULL)
                     OR EXISTS (SELECT 1 FROM reservations WHERE revisit_of = ?1)",
                [current.id.to_string()],
                |r| r.get(0),
            )?;
            if chained {
                return Err(Error::NotAllowed(
                    "a revisit and its first visit stay at their site".into(),
                ));
            }
            self.check_site_offers(to, current.people.iter().flat_map(|p| p.procedures.iter()))?;
        }
        if !matches!(
            current.status,
            ReservationStatus::Booked | ReservationStatus::Queued
        ) {
            return Err(Error::NotAllowed(format!(
                "a reservation that is {} cannot be moved",
                current.status.code()
            )));
        }
        if current.status == ReservationStatus::Queued && day != current.day {
            return Err(Error::NotAllowed(
                "a queued walk-in is seated on the day they came".into(),
            ));
        }
        let minutes =
            self.combined_minutes(current.people.iter().map(|p| p.procedures.as_slice()))?;
        let (_, plan, mut slots) = self.day_slots(to, day)?;
        // Its own places do not count against the move (a queued walk-in holds none).
        if !moves && current.day == day && current.status.holds_place() {
            release(&mut slots, current.starts, current.slots, plan.slot_minutes);
        }
        let need = plan.slots_for(minutes);
        check_room(day, &slots, starts, need, plan.slot_minutes)?;
        self.conn().execute(
            "UPDATE reservations SET day = ?2, starts = ?3, slots = ?4, updated_at = ?5,
                 status = CASE status WHEN 'queued' THEN 'checked_in' ELSE status END
             WHERE number = ?1",
            params![
                number.as_i64(),
                day.format(DATE).to_string(),
                starts.format(TIME).to_string(),
                need,
                self.stamp()
            ],
        )?;
        self.conn().execute(
            "UPDATE search_keys SET month = ?3, day = ?2 WHERE reservation_id = ?1",
            params![
                current.id.to_string(),
                day.format(DATE).to_string(),
                day.format(MONTH).to_string()
            ],
        )?;
        if moves {
            // A desk that made the booking keeps holding it until it is served.
            let id = current.id.to_string();
            let desk = self.desk_of_reservation(&id)?;
            self.set_family_parts(&id, to, desk.as_ref())?;
        }
        if current.status == ReservationStatus::Queued {
            // Seated: their case starts from when they arrived.
            self.open_cases(
                number,
                current.checked_in_at.unwrap_or_else(|| self.origin().at),
            )?;
        }
        self.reservation_changed(number)
    }

    fn apply_slot_plan(&self, site: &SiteId, kind: PlanKind, plan: &SlotPlan) -> Result<Outcome> {
        plan.validate()?;
        self.check_serving_site(site)?;
        self.conn().execute(
            "INSERT INTO slot_plans (site_id, kind, slot_minutes) VALUES (?1, ?2, ?3)
             ON CONFLICT (site_id, kind) DO UPDATE SET slot_minutes = excluded.slot_minutes",
            params![site.as_str(), kind.code(), plan.slot_minutes],
        )?;
        self.conn().execute(
            "DELETE FROM slot_bands WHERE site_id = ?1 AND kind = ?2",
            [site.as_str(), kind.code()],
        )?;
        for band in &plan.bands {
            self.conn().execute(
                "INSERT INTO slot_bands (site_id, kind, starts, ends, capacity) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    site.as_str(),
                    kind.code(),
                    band.starts.format(TIME).to_string(),
                    band.ends.format(TIME).to_string(),
                    band.capacity
                ],
            )?;
        }
        self.plan_changed(|| self.overbooked(self.today()))
    }

    fn apply_capacity(
        &self,
        site: &SiteId,
        day: NaiveDate,
        band_starts: NaiveTime,
        capacity: Option<u32>,
    ) -> Result<Outcome> {
        self.check_serving_site(site)?;
        let plan = self.warm_slot_plan(site, self.plan_kind(site, day)?)?;
        if !plan.bands.iter().any(|b| b.starts == band_starts) {
            return Err(Error::Invalid(format!(
                "no band starts at {}",
                band_starts.format(TIME)
            )));
        }
        let (d, s) = (
            day.format(DATE).to_string(),
            band_starts.format(TIME).to_string(),
        );
        match capacity {
            Some(c) if c > 50 => {
                return Err(Error::Invalid(
                    "a band has at most 50 places per slot".into(),
                ))
            }
            Some(c) => self.conn().execute(
                "INSERT INTO capacity_overrides (site_id, day, starts, capacity) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (site_id, day, starts) DO UPDATE SET capacity = excluded.capacity",
                params![site.as_str(), d, s, c],
            )?,
            None => self.conn().execute(
                "DELETE FROM capacity_overrides WHERE site_id = ?1 AND day = ?2 AND starts = ?3",
                params![site.as_str(), d, s],
            )?,
        };
        self.plan_changed(|| self.overbooked_on(day))
    }

    /// What a change to reservation `number` did: the reservation as it is now, for the screen
    /// that made it; nothing when the hub executes a pushed change (nobody looks at it there).
    fn reservation_changed(&self, number: ReservationNumber) -> Result<Outcome> {
        if self.hub_executing() {
            return Ok(Outcome::none());
        }
        Ok(Outcome::Reservation(self.reservation(number)?))
    }

    /// What a plan change did: the bookings that no longer fit (`follow_up`), for the screen
    /// that made it; nothing when the hub executes a pushed change (a plan change there would
    /// otherwise read every booking from today on, for nobody).
    pub(super) fn plan_changed(
        &self,
        follow_up: impl FnOnce() -> Result<Vec<ReservationSummary>>,
    ) -> Result<Outcome> {
        if self.hub_executing() {
            return Ok(Outcome::none());
        }
        Ok(Outcome::PlanChanged {
            needs_follow_up: follow_up()?,
        })
    }

    // ---- helpers ----

    /// A reservation number not used in this store yet.
    pub fn fresh_number(&self) -> Result<ReservationNumber> {
        // One the hub dealt this seat: no other site's booking has it (this PC cannot see
        // them all). The booking takes it off the stock.
        let dealt: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT number FROM sync_numbers s
                 WHERE NOT EXISTS (SELECT 1 FROM reservations r WHERE r.number = s.number)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = self.sync.numbers_out.borrow_mut();
        if let Some(n) = dealt.into_iter().find(|n| !out.contains(n)) {
            out.insert(n);
            return ReservationNumber::from_i64(n);
        }
        // Offline with the stock spent: at random, never one this connection already gave out
        // (a batch takes its numbers before any of its bookings is written).
        let mut rng = rand::thread_rng();
        for _ in 0..100 {
            let number = ReservationNumber::random(&mut rng);
            let used: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM reservations WHERE number = ?1)",
                [number.as_i64()],
                |r| r.get(0),
            )?;
            if !used && out.insert(number.as_i64()) {
                return Ok(number);
            }
        }
        Err(Error::NotAllowed("no free reservation number found".into()))
    }

    fn combined_minutes<'a>(&self, people: impl Iterator<Item = &'a [Procedure]>) -> Result<u32> {
        let durations = self.procedure_minutes()?;
        let mut total = 0;
        for procedures in people {
            if procedures.is_empty() {
                return Err(Error::Invalid(
                    "each person needs at least one procedure".into(),
                ));
            }
            total += procedures
                .iter()
                .map(|p| durations.get(p).copied().unwrap_or(15))
                .sum::<u32>();
        }
        Ok(total)
    }

    /// Minutes per procedure (configurable in the store).
    pub fn procedure_minutes(&self) -> Result<BTreeMap<Procedure, u32>> {
        self.warm_procedure_minutes()
    }

    /// [`Store::procedure_minutes`], read from the table.
    pub(super) fn read_procedure_minutes(&self) -> Result<BTreeMap<Procedure, u32>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT code, minutes FROM procedures")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        rows.map(|row| {
            let (code, minutes) = row?;
            Ok((Procedure::from_code(&code)?, minutes))
        })
        .collect()
    }

    fn plan_kind(&self, site: &SiteId, day: NaiveDate) -> Result<PlanKind> {
        match self.site_day_status_in(self.warm_look()?, site, day)? {
            DayStatus::Open {
                session: Session::HolidaySession,
                ..
            } => Ok(PlanKind::HolidaySession),
            DayStatus::Open { .. } => Ok(PlanKind::Regular),
            DayStatus::Closed { .. } => Err(Error::DayClosed {
                day: day.format(DATE).to_string(),
            }),
        }
    }

    /// The day's plan and slots with capacity (overrides applied) and places taken.
    pub(super) fn day_slots(
        &self,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<(PlanKind, SlotPlan, Vec<SlotInfo>)> {
        // One look at what is kept warm for the whole check (nothing is written meanwhile).
        let look = self.warm_look()?;
        let (opens, closes, kind, closure) = match self.site_day_status_in(look, site, day)? {
            DayStatus::Open {
                opens,
                closes,
                session,
                closure,
            } => {
                let kind = if session == Session::HolidaySession {
                    PlanKind::HolidaySession
                } else {
                    PlanKind::Regular
                };
                (
                    opens,
                    closes,
                    kind,
                    closure.map(|c| c.period(opens, closes)),
                )
            }
            DayStatus::Closed { .. } => {
                return Err(Error::DayClosed {
                    day: day.format(DATE).to_string(),
                })
            }
        };
        let plan = self.slot_plan_in(look, site, kind)?;
        let overrides = self.capacity_overrides_in(look, site, day)?;
        let mut slots: Vec<SlotInfo> = plan
            .slot_starts(opens, closes)
            .into_iter()
            .map(|starts| {
                let band = plan
                    .band_at(starts)
                    .expect("slot_starts only yields slots inside bands");
                let mut capacity = if overrides.is_empty() {
                    band.capacity
                } else {
                    overrides
                        .get(&band.starts.format(TIME).to_string())
                        .copied()
                        .unwrap_or(band.capacity)
                };
                // A slot that overlaps a closed period (an outage, maintenance) takes nobody.
                if let Some((from, until)) = closure {
                    let (s, e) = (
                        minute_of_day(starts),
                        minute_of_day(starts) + plan.slot_minutes,
                    );
                    if s < minute_of_day(until) && e > minute_of_day(from) {
                        capacity = 0;
                    }
                }
                SlotInfo {
                    starts,
                    capacity,
                    taken: 0,
                }
            })
            .collect();
        for (starts, n, held) in self.places_held_in(look, site, day)? {
            let start = minute_of_day(starts);
            for i in 0..n {
                let m = start + i * plan.slot_minutes;
                if let Some(slot) = slots.iter_mut().find(|s| minute_of_day(s.starts) == m) {
                    slot.taken += held;
                }
            }
        }
        // On the hub, places set aside for other seats of the site are not free for this
        // mutation.
        for (starts, places) in self.escrowed_elsewhere(site, day)? {
            let starts = parse_time(&starts)?;
            if let Some(slot) = slots.iter_mut().find(|s| s.starts == starts) {
                slot.taken += places;
            }
        }
        Ok((kind, plan, slots))
    }

    pub(super) fn summaries<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
    ) -> Result<Vec<ReservationSummary>> {
        let sql = format!(
            "SELECT r.id, r.number, r.day, r.starts, r.slots, r.channel, r.status, r.notes,
                    a.name_kanji, a.name_kana, a.phone, p.applicant_type, p.procedures, r.checked_in_at, r.late,
                    r.hold = 'provisional'
             FROM reservations r
             JOIN reservation_people p ON p.reservation_id = r.id
             JOIN applicants a ON a.id = p.applicant_id
             {filter}, p.position"
        );
        let sql = if filter.contains("ORDER BY") {
            sql
        } else {
            sql.replace(", p.position", " ORDER BY r.id, p.position")
        };
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(params)?;
        let mut out: Vec<ReservationSummary> = Vec::new();
        while let Some(row) = rows.next()? {
            let id = Uuid::parse_str(&row.get::<_, String>(0)?)
                .map_err(|e| Error::Invalid(e.to_string()))?;
            let person = PersonSummary {
                name_kanji: Personal::new(row.get::<_, String>(8)?),
                name_kana: Personal::new(row.get::<_, String>(9)?),
                phone: row.get::<_, Option<String>>(10)?.map(Personal::new),
                applicant_type: ApplicantType::from_code(&row.get::<_, String>(11)?)?,
                procedures: row
                    .get::<_, String>(12)?
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(Procedure::from_code)
                    .collect::<Result<_>>()?,
            };
            match out.last_mut() {
                Some(last) if last.id == id => last.people.push(person),
                _ => out.push(ReservationSummary {
                    id,
                    number: ReservationNumber::from_i64(row.get(1)?)?,
                    day: parse_date(&row.get::<_, String>(2)?)?,
                    starts: parse_time(&row.get::<_, String>(3)?)?,
                    slots: row.get(4)?,
                    channel: Channel::from_code(&row.get::<_, String>(5)?)?,
                    status: ReservationStatus::from_code(&row.get::<_, String>(6)?)?,
                    notes: row.get(7)?,
                    checked_in_at: row
                        .get::<_, Option<String>>(13)?
                        .map(|t| NaiveDateTime::parse_from_str(&t, DATETIME))
                        .transpose()
                        .map_err(|e| Error::Invalid(format!("stored check-in time: {e}")))?,
                    late: row.get(14)?,
                    provisional: row.get(15)?,
                    people: vec![person],
                }),
            }
        }
        Ok(out)
    }

    /// Search as staff type: a reservation number, a phone number (any notation, prefix), a
    /// date (`YYYY-MM-DD`), or a name in kana (any width, hiragana or katakana; prefix) or
    /// kanji (prefix). At most `limit` results, newest day first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<ReservationSummary>> {
        // The query itself may be a name or a phone number: the trail says only what kind.
        let kind = if query
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || "-－ ".contains(c))
        {
            "number or phone"
        } else {
            "name or date"
        };
        self.audit_read("search", kind)?;
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let limit = limit.clamp(1, 200) as i64;
        if let Ok(day) = NaiveDate::parse_from_str(query, DATE) {
            let mut found = self.reservations_on(day)?;
            found.truncate(limit as usize);
            return Ok(found);
        }
        match query.parse::<ReservationNumber>() {
            Ok(number) => {
                return self
                    .reservation(number)
                    .map(|r| vec![r])
                    .or_else(|e| match e {
                        Error::NotFound(_) => Ok(Vec::new()),
                        e => Err(e),
                    })
            }
            // Eight digits not starting with 0 can only be a reservation number: say it is mistyped.
            Err(_)
                if text::phone_prefix_digits(query).is_none()
                    && looks_like_reservation_number(query) =>
            {
                return Err(Error::BadReservationNumber)
            }
            Err(_) => {}
        }
        let (first, second) = match text::phone_prefix_digits(query) {
            Some(digits) => (format!("p:{digits}"), None),
            None => {
                let key = text::fold_kana(query);
                (format!("k:{key}"), Some(format!("n:{key}")))
            }
        };
        // Month by month, newest first: one short range scan of the covering index per month,
        // until `limit` reservations are found; then the summaries of just those in one query.
        let keys: Vec<String> = std::iter::once(first).chain(second).collect();
        let (Some(newest), Some(oldest)) = self.conn().query_row(
            // Two subqueries: SQLite answers a lone min() or max() from the index, not both at once.
            "SELECT (SELECT max(month) FROM search_keys), (SELECT min(month) FROM search_keys)",
            [],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                ))
            },
        )?
        else {
            return Ok(Vec::new());
        };
        let mut found: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut month = parse_date(&format!("{newest}-01"))?;
        // One query per key kind: an OR of two ranges would defeat the index.
        let mut stmt = self.conn().prepare_cached(
            "SELECT reservation_id, day FROM search_keys WHERE month = ?1 AND key >= ?2 AND key < ?2 || char(1114111)",
        )?;
        while month.format(MONTH).to_string() >= oldest && (found.len() as i64) < limit {
            for key in &keys {
                let rows = stmt.query_map(params![month.format(MONTH).to_string(), key], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
                for row in rows {
                    let row: (String, String) = row?;
                    if seen.insert(row.0.clone()) {
                        found.push(row);
                    }
                }
            }
            month = month - chrono::Months::new(1);
        }
        found.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        found.truncate(limit as usize);
        let ids: Vec<String> = found.into_iter().map(|(id, _)| id).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| Error::Invalid(e.to_string()))?;
        self.summaries(
            "WHERE r.id IN (SELECT value FROM json_each(?1)) ORDER BY r.day DESC, r.id DESC",
            [ids],
        )
    }
}

/// Eight digits (any width, maybe hyphenated) not starting with 0: only a reservation number.
fn looks_like_reservation_number(query: &str) -> bool {
    let digits: Vec<u32> = query.chars().filter_map(|c| c.to_digit(10)).collect();
    digits.len() == 8
        && digits[0] != 0
        && query
            .chars()
            .all(|c| c.is_numeric() || matches!(c, '-' | '－' | ' ' | '　'))
}

/// Whether `need` consecutive slots from index `i` are all free and contiguous.
fn fits(slots: &[SlotInfo], i: usize, need: usize, slot_minutes: u32) -> bool {
    let Some(run) = slots.get(i..i + need) else {
        return false;
    };
    let first = minute_of_day(run[0].starts);
    run.iter()
        .enumerate()
        .all(|(k, s)| s.free() > 0 && minute_of_day(s.starts) == first + k as u32 * slot_minutes)
}

fn check_room(
    day: NaiveDate,
    slots: &[SlotInfo],
    starts: NaiveTime,
    need: u32,
    slot_minutes: u32,
) -> Result<()> {
    let Some(i) = slots.iter().position(|s| s.starts == starts) else {
        return Err(Error::NotAllowed(format!(
            "{} is not a bookable slot on {day}",
            starts.format(TIME)
        )));
    };
    for k in 0..need as usize {
        let expected = time_of_minute(minute_of_day(starts) + k as u32 * slot_minutes);
        match slots.get(i + k) {
            Some(s) if s.starts == expected && s.free() > 0 => {}
            Some(s) if s.starts == expected => {
                return Err(Error::SlotFull {
                    day: day.format(DATE).to_string(),
                    starts: s.starts.format(TIME).to_string(),
                })
            }
            _ => {
                return Err(Error::NotAllowed(format!(
                    "the visit does not fit before the band ends ({need} slots needed)"
                )))
            }
        }
    }
    Ok(())
}

fn release(slots: &mut [SlotInfo], starts: NaiveTime, n: u32, slot_minutes: u32) {
    for k in 0..n {
        let m = minute_of_day(starts) + k * slot_minutes;
        if let Some(s) = slots.iter_mut().find(|s| minute_of_day(s.starts) == m) {
            s.taken = s.taken.saturating_sub(1);
        }
    }
}
