//! The business calendar as this store knows it: the bundled national holidays plus the
//! site's holiday sessions and closures, which live in the store (and sync between seats).
//!
//! A closure is also the incident record of what stopped the counter (a J-LIS outage, a
//! disaster, maintenance): when it was recorded and which bookings it hit. Those bookings stay
//! listed, with whether they have been rebooked, until the closure is removed.
use chrono::{NaiveDate, NaiveTime};
use rusqlite::params;
use serde::Serialize;

use super::{parse_date, parse_time, reservations::Outcome, ReservationSummary, Store, DATE, TIME};
use crate::{
    calendar::{BusinessCalendar, Closure, ClosureReason, Holidays},
    Error, Result,
};

/// A closure with its incident record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ClosureRecord {
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// What and why.
    pub closure: Closure,
    /// When it was recorded (UTC, RFC 3339).
    pub recorded_at: String,
    /// The bookings it hit, as they stand now.
    pub affected: Vec<AffectedReservation>,
}

/// A booking hit by a closure, and whether someone has dealt with it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AffectedReservation {
    /// The booking as it is now.
    pub reservation: ReservationSummary,
    /// True while it still holds a place in the closed period (booked, or checked in and
    /// waiting): call or tell them, and rebook.
    pub needs_call: bool,
}

impl Store {
    /// The calendar: national holidays, 12/29–1/3, holiday sessions and closures.
    pub fn calendar(&self) -> Result<BusinessCalendar> {
        let mut calendar = BusinessCalendar::new(Holidays::bundled().clone());
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT day FROM holiday_sessions")?;
        for day in stmt.query_map([], |r| r.get::<_, String>(0))? {
            calendar.add_holiday_session(parse_date(&day?)?)?;
        }
        for (day, closure, _) in self.closure_rows(NaiveDate::MIN)? {
            calendar.add_closure(day, closure)?;
        }
        Ok(calendar)
    }

    /// Holiday sessions from `from` on, with their notes.
    pub fn holiday_sessions(&self, from: NaiveDate) -> Result<Vec<(NaiveDate, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, note FROM holiday_sessions WHERE day >= ?1 ORDER BY day",
        )?;
        let rows = stmt.query_map([from.format(DATE).to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (day, note) = row?;
            Ok((parse_date(&day)?, note))
        })
        .collect()
    }

    /// Closures (incident records) from `from` on, with the bookings each one hit.
    pub fn closures(&self, from: NaiveDate) -> Result<Vec<ClosureRecord>> {
        let still_affected: Vec<uuid::Uuid> =
            self.overbooked(from)?.into_iter().map(|r| r.id).collect();
        let mut out = Vec::new();
        for (day, closure, recorded_at) in self.closure_rows(from)? {
            let affected = self
                .summaries(
                    "WHERE r.id IN (SELECT reservation_id FROM closure_affected WHERE day = ?1) ORDER BY r.starts, r.id",
                    [day.format(DATE).to_string()],
                )?
                .into_iter()
                .map(|reservation| AffectedReservation {
                    needs_call: reservation.day == day
                        && reservation.status.holds_place()
                        && still_affected.contains(&reservation.id),
                    reservation,
                })
                .collect();
            out.push(ClosureRecord {
                day,
                closure,
                recorded_at,
                affected,
            });
        }
        Ok(out)
    }

    fn closure_rows(&self, from: NaiveDate) -> Result<Vec<(NaiveDate, Closure, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, reason, note, closed_from, closed_until, recorded_at FROM closures WHERE day >= ?1 ORDER BY day",
        )?;
        let rows = stmt.query_map([from.format(DATE).to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (day, reason, note, from, until, recorded_at) = row?;
            let reason: ClosureReason =
                serde_json::from_value(serde_json::Value::String(reason))
                    .map_err(|e| Error::Invalid(format!("stored closure reason: {e}")))?;
            let from = from.as_deref().map(parse_time).transpose()?;
            let until = until.as_deref().map(parse_time).transpose()?;
            Ok((
                parse_date(&day)?,
                Closure {
                    reason,
                    note,
                    from,
                    until,
                },
                recorded_at,
            ))
        })
        .collect()
    }

    pub(super) fn apply_holiday_session(
        &self,
        day: NaiveDate,
        note: Option<&str>,
    ) -> Result<Outcome> {
        crate::my_number::refuse_in_text("holiday session note", note.unwrap_or_default())?;
        let d = day.format(DATE).to_string();
        match note {
            Some(note) => {
                // Validate through the calendar's own rule (Saturdays, Sundays, holidays only).
                BusinessCalendar::new(Holidays::bundled().clone()).add_holiday_session(day)?;
                self.conn().execute(
                    "INSERT INTO holiday_sessions (day, note) VALUES (?1, ?2) ON CONFLICT (day) DO UPDATE SET note = excluded.note",
                    params![d, note],
                )?
            }
            None => self
                .conn()
                .execute("DELETE FROM holiday_sessions WHERE day = ?1", [d])?,
        };
        self.plan_changed(|| self.overbooked_on(day))
    }

    pub(super) fn apply_closure(
        &self,
        day: NaiveDate,
        closure: Option<&Closure>,
    ) -> Result<Outcome> {
        let d = day.format(DATE).to_string();
        match closure {
            Some(c) => {
                crate::limits::CLOSURE_NOTE.check(&c.note)?;
                // Validates the period.
                BusinessCalendar::new(Holidays::bundled().clone()).add_closure(day, c.clone())?;
                let reason =
                    serde_json::to_value(c.reason).map_err(|e| Error::Invalid(e.to_string()))?;
                let fmt = |t: Option<NaiveTime>| t.map(|t| t.format(TIME).to_string());
                self.conn().execute(
                    "INSERT INTO closures (day, reason, note, closed_from, closed_until, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (day) DO UPDATE SET reason = excluded.reason, note = excluded.note,
                         closed_from = excluded.closed_from, closed_until = excluded.closed_until",
                    params![d, reason.as_str().unwrap_or("other"), c.note, fmt(c.from), fmt(c.until), self.stamp()],
                )?;
            }
            None => {
                self.conn()
                    .execute("DELETE FROM closures WHERE day = ?1", [&d])?;
            }
        };
        let needs_follow_up = self.overbooked_on(day)?;
        if closure.is_some() {
            for r in &needs_follow_up {
                self.conn().execute(
                    "INSERT OR IGNORE INTO closure_affected (day, reservation_id, site_id)
                     VALUES (?1, ?2, (SELECT site_id FROM reservations WHERE id = ?2))",
                    params![d, r.id.to_string()],
                )?;
            }
        }
        Ok(Outcome::PlanChanged { needs_follow_up })
    }
}
