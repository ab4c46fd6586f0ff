//! The business calendar as this store knows it: the bundled national holidays plus the
//! city's holiday sessions and closures, which live in the store (and sync between seats), and
//! each site's own on top of the city's (a 休日交付 day at 本庁舎 only; the station counter
//! closed for its building's maintenance).
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
    site::SiteId,
    Error, Result,
};

/// The `site_id` of a holiday session or closure: '' for every site (the city's).
fn scope(site: Option<&SiteId>) -> &str {
    site.map_or("", SiteId::as_str)
}

/// A stored `site_id` of a holiday session or closure: `None` for every site.
fn scoped(site: String) -> Result<Option<SiteId>> {
    Ok(if site.is_empty() {
        None
    } else {
        Some(site.parse()?)
    })
}

/// A closure with its incident record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ClosureRecord {
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// The site it closes, or `None` for every site (the city's).
    pub site: Option<SiteId>,
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
    /// The city's calendar: national holidays, 12/29–1/3, the city's holiday sessions and
    /// closures (report deadlines count by it).
    pub fn calendar(&self) -> Result<BusinessCalendar> {
        self.calendar_of(None)
    }

    /// A site's calendar: the city's, with the site's own holiday sessions and closures (a
    /// site's closure of a day replaces the city's of that day).
    pub fn site_calendar(&self, site: &SiteId) -> Result<BusinessCalendar> {
        self.calendar_of(Some(site))
    }

    fn calendar_of(&self, site: Option<&SiteId>) -> Result<BusinessCalendar> {
        let mut calendar = BusinessCalendar::new(Holidays::bundled().clone());
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT day FROM holiday_sessions WHERE site_id IN ('', ?1)",
        )?;
        for day in stmt.query_map([scope(site)], |r| r.get::<_, String>(0))? {
            calendar.add_holiday_session(parse_date(&day?)?)?;
        }
        // The city's first, so that a site's own closure of the same day replaces it.
        let mut rows = self.closure_rows(NaiveDate::MIN)?;
        rows.retain(|(_, at, _, _)| at.is_none() || at.as_ref() == site);
        rows.sort_by_key(|(day, at, _, _)| (*day, at.is_some()));
        for (day, _, closure, _) in rows {
            calendar.add_closure(day, closure)?;
        }
        Ok(calendar)
    }

    /// Holiday sessions from `from` on, with their notes and sites.
    pub fn holiday_sessions(&self, from: NaiveDate) -> Result<Vec<super::HolidaySessionDay>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, site_id, note FROM holiday_sessions WHERE day >= ?1 ORDER BY day, site_id",
        )?;
        let rows = stmt.query_map([from.format(DATE).to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (day, site, note) = row?;
            Ok(super::HolidaySessionDay {
                day: parse_date(&day)?,
                site: scoped(site)?,
                note,
            })
        })
        .collect()
    }

    /// Closures (incident records) from `from` on, with the bookings each one hit.
    pub fn closures(&self, from: NaiveDate) -> Result<Vec<ClosureRecord>> {
        let still_affected: Vec<uuid::Uuid> =
            self.overbooked(from)?.into_iter().map(|r| r.id).collect();
        let mut out = Vec::new();
        for (day, site, closure, recorded_at) in self.closure_rows(from)? {
            let affected = self
                .summaries(
                    "WHERE r.id IN (SELECT reservation_id FROM closure_affected
                                    WHERE day = ?1 AND closure_site = ?2) ORDER BY r.starts, r.id",
                    [
                        day.format(DATE).to_string(),
                        scope(site.as_ref()).to_owned(),
                    ],
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
                site,
                closure,
                recorded_at,
                affected,
            });
        }
        Ok(out)
    }

    /// Closures from `from` on: (day, site or `None` for every site, closure, recorded at).
    #[allow(clippy::type_complexity)]
    fn closure_rows(
        &self,
        from: NaiveDate,
    ) -> Result<Vec<(NaiveDate, Option<SiteId>, Closure, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, reason, note, closed_from, closed_until, recorded_at, site_id FROM closures
             WHERE day >= ?1 ORDER BY day, site_id",
        )?;
        let rows = stmt.query_map([from.format(DATE).to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (day, reason, note, from, until, recorded_at, site) = row?;
            let reason: ClosureReason =
                serde_json::from_value(serde_json::Value::String(reason))
                    .map_err(|e| Error::Invalid(format!("stored closure reason: {e}")))?;
            let from = from.as_deref().map(parse_time).transpose()?;
            let until = until.as_deref().map(parse_time).transpose()?;
            Ok((
                parse_date(&day)?,
                scoped(site)?,
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
        site: Option<&SiteId>,
    ) -> Result<Outcome> {
        if let Some(site) = site {
            self.check_bookable_site(site)?;
        }
        crate::my_number::refuse_in_text("holiday session note", note.unwrap_or_default())?;
        let d = day.format(DATE).to_string();
        match note {
            Some(note) => {
                // Validate through the calendar's own rule (Saturdays, Sundays, holidays only).
                BusinessCalendar::new(Holidays::bundled().clone()).add_holiday_session(day)?;
                self.conn().execute(
                    "INSERT INTO holiday_sessions (day, site_id, note) VALUES (?1, ?3, ?2)
                     ON CONFLICT (day, site_id) DO UPDATE SET note = excluded.note",
                    params![d, note, scope(site)],
                )?
            }
            None => self.conn().execute(
                "DELETE FROM holiday_sessions WHERE day = ?1 AND site_id = ?2",
                [d.as_str(), scope(site)],
            )?,
        };
        self.plan_changed(|| self.overbooked_on(day))
    }

    pub(super) fn apply_closure(
        &self,
        day: NaiveDate,
        closure: Option<&Closure>,
        site: Option<&SiteId>,
    ) -> Result<Outcome> {
        if let Some(site) = site {
            self.check_bookable_site(site)?;
        }
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
                    "INSERT INTO closures (day, site_id, reason, note, closed_from, closed_until, recorded_at) VALUES (?1, ?7, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (day, site_id) DO UPDATE SET reason = excluded.reason, note = excluded.note,
                         closed_from = excluded.closed_from, closed_until = excluded.closed_until",
                    params![d, reason.as_str().unwrap_or("other"), c.note, fmt(c.from), fmt(c.until), self.stamp(), scope(site)],
                )?;
            }
            None => {
                self.conn().execute(
                    "DELETE FROM closures WHERE day = ?1 AND site_id = ?2",
                    [d.as_str(), scope(site)],
                )?;
            }
        };
        let needs_follow_up = self.overbooked_on(day)?;
        if closure.is_some() {
            // The bookings it hit: every site's for the city's closure, the site's for its own.
            for r in &needs_follow_up {
                self.conn().execute(
                    "INSERT OR IGNORE INTO closure_affected (day, closure_site, reservation_id, site_id, desk_id)
                     SELECT ?1, ?3, id, site_id, desk_id FROM reservations
                     WHERE id = ?2 AND (?3 = '' OR site_id = ?3)",
                    params![d, r.id.to_string(), scope(site)],
                )?;
            }
        }
        Ok(Outcome::PlanChanged { needs_follow_up })
    }
}
