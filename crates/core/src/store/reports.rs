//! The figures behind the daily report (日報), the monthly report (月報) and each holiday
//! session's report, and the record of what was produced and submitted, with due dates on the
//! business calendar (seed 000 §5(2)ウ-E: daily by the next business day, monthly within the
//! first 7 business days of the next month).
//!
//! Aggregates only: counts, minutes, roles and codes. No name, phone, reservation number or
//! free text leaves this module: revisit and cancel reasons and form-count differences are
//! counted by their codes ([`crate::reason`]); the words staff added stay in the store.
use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, Timelike};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, DATE, DATETIME};
use crate::paperwork::incident::{
    IncidentCategory, IncidentKind, IncidentMeasure, IncidentStatus, IncidentStep,
};
use crate::site::{SiteId, SiteKind};
use crate::{
    calendar::{DayStatus, Session},
    people::{Permission, Role},
    reservation::{Channel, Procedure, ReservationStatus},
    store::InquiryCategory,
    visit::VisitState,
    Error, Result,
};

/// Minutes of waiting or service over a set of cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TimeStats {
    /// Cases measured.
    pub count: u32,
    /// Mean minutes (0 when none).
    pub mean: f64,
    /// 90th percentile (nearest rank), minutes.
    pub p90: u32,
    /// Longest, minutes.
    pub max: u32,
}

impl TimeStats {
    /// The statistics of `minutes` (in any order).
    pub fn of(minutes: &[u32]) -> TimeStats {
        if minutes.is_empty() {
            return TimeStats::default();
        }
        let mut sorted = minutes.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let rank = (n * 9).div_ceil(10).max(1); // nearest rank: ceil(0.9 n)
        TimeStats {
            count: n as u32,
            mean: sorted.iter().map(|m| f64::from(*m)).sum::<f64>() / n as f64,
            p90: sorted[rank - 1],
            max: sorted[n - 1],
        }
    }
}

/// The figures of one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DayFigures {
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// A holiday session (休日交付).
    pub holiday_session: bool,
    /// Places offered by the slot plan that day (seats × slots).
    pub places: u32,
    /// People booked for the day (phone and counter bookings, not cancelled).
    pub booked: u32,
    /// People who came without a booking.
    pub walk_ins: u32,
    /// People booked who did not come.
    pub no_shows: u32,
    /// People whose booking for the day was cancelled.
    pub cancelled: u32,
    /// People by how their visit was booked (phone, counter, walk-in), not cancelled.
    pub by_channel: Vec<(Channel, u32)>,
    /// Procedures requested by the people who came.
    pub by_procedure: Vec<(Procedure, u32)>,
    /// People who came (cases opened at check-in).
    pub visitors: u32,
    /// Cases completed by city staff.
    pub completed: u32,
    /// Cases that must come again.
    pub revisits: u32,
    /// Revisits by reason code, most first.
    pub revisit_reasons: Vec<(String, u32)>,
    /// Cases cancelled at the counter.
    pub cases_cancelled: u32,
    /// Cancellations at the counter by reason code, most first.
    pub cancel_reasons: Vec<(String, u32)>,
    /// Bundles handed to city staff.
    pub handed_over: u32,
    /// Bundles handed over and not acknowledged by city staff.
    pub unacknowledged: u32,
    /// Application forms in the bundles handed over.
    pub forms_recorded: u32,
    /// Application forms counted by the back office.
    pub forms_counted: Option<u32>,
    /// The code of the back office's explanation of a difference (empty when none).
    pub forms_reason: String,
    /// Inquiries by phone.
    pub inquiries_phone: u32,
    /// Inquiries from visitors.
    pub inquiries_visitor: u32,
    /// Minutes spent on inquiries.
    pub inquiry_minutes: u32,
    /// Inquiries and complaints by category.
    pub by_category: Vec<(InquiryCategory, u32)>,
    /// Complaints received.
    pub complaints_received: u32,
    /// Complaints resolved.
    pub complaints_resolved: u32,
    /// Check-in → called, minutes.
    pub waiting: TimeStats,
    /// Called → handed over, minutes.
    pub service: TimeStats,
    /// Staff who signed in, by role.
    pub staff_on_duty: Vec<(Role, u32)>,
    /// People who checked in, by hour of the day (hour, count).
    pub by_hour: Vec<(u32, u32)>,
}

/// One site's part of a city's report (each site a section, then the total).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SiteSection {
    /// The site.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub site: SiteId,
    /// Its name.
    pub name: String,
    /// What it does.
    pub kind: SiteKind,
    /// Its figures over the report's period.
    pub figures: DayFigures,
}

/// The daily report (or a holiday session's report).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DailyReport {
    /// The site.
    pub site: String,
    /// A training store's report says 研修モード on every page.
    pub store_kind: crate::training_mode::StoreKind,
    /// The day's figures (the city's total when it has several sites).
    pub figures: DayFigures,
    /// Each site's figures, in the city's order, when the city has several sites (empty for
    /// one site).
    pub sections: Vec<SiteSection>,
    /// Complaints still open at the end of the day (any day received).
    pub open_complaints: u32,
    /// The codes the city added to the reason lists, for their labels.
    pub city_reasons: Vec<crate::reason::CityReason>,
    /// Due date (the next business day).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: NaiveDate,
    /// When it was produced (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub produced_at: NaiveDateTime,
}

/// The monthly report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MonthlyReport {
    /// The site.
    pub site: String,
    /// A training store's report says 研修モード on every page.
    pub store_kind: crate::training_mode::StoreKind,
    /// The first day of the month.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub month: NaiveDate,
    /// Every day the counter opened, in order.
    pub days: Vec<DayFigures>,
    /// The month as a whole (times over every case of the month; the city's total).
    pub totals: DayFigures,
    /// Each site's month, in the city's order, when the city has several sites.
    pub sections: Vec<SiteSection>,
    /// Inquiries and complaints by category: (category, complaints received, complaints
    /// resolved, inquiries).
    pub complaints_by_category: Vec<(InquiryCategory, u32, u32, u32)>,
    /// Complaints open at the end of the month.
    pub open_complaints: u32,
    /// The codes the city added to the reason lists, for their labels.
    pub city_reasons: Vec<crate::reason::CityReason>,
    /// The city's forecast of expiries for the month, if there is one.
    pub forecast: Option<ExpiryForecast>,
    /// 事故・トラブル: every incident found in the month or still open at its end, oldest
    /// found first (codes, counts and times; never the words typed about it).
    pub incidents: Vec<MonthlyIncident>,
    /// Incidents not closed at the end of the month.
    pub open_incidents: u32,
    /// Due date (the 7th business day of the next month).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: NaiveDate,
    /// When it was produced (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub produced_at: NaiveDateTime,
}

/// An incident as the monthly report lists it (事故・トラブル; seed 000 §10(2), 1.3(1); seed 002
/// §7, §13(6); docs/design/paperwork.md §3.4): its codes, counts and times, and where it stood
/// at the end of the month. Never the words staff typed (`incident_texts` are not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MonthlyIncident {
    /// Number (`JK-261201-7QX`).
    pub number: String,
    /// Category.
    pub category: IncidentCategory,
    /// What happened.
    pub kind: IncidentKind,
    /// Happened.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub occurred_at: NaiveDateTime,
    /// Found.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub detected_at: NaiveDateTime,
    /// Where it stood at the end of the month (now, for the month under way).
    pub status: IncidentStatus,
    /// When the city was first told (by the end of the month).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub first_reported_at: Option<NaiveDateTime>,
    /// People touched.
    pub persons_affected: u32,
    /// Documents touched.
    pub documents_affected: u32,
    /// Measures recorded by the end of the month (002 §13(6) 再発防止策), each once.
    pub measures: Vec<IncidentMeasure>,
}

/// The city's forecast of expiries for one month (来庁者予測件数).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ExpiryForecast {
    /// YYYY-MM.
    pub month: String,
    /// Cards expiring.
    pub card: u32,
    /// Electronic certificates expiring.
    pub certificate: u32,
    /// Where the figures come from.
    pub source: String,
}

/// A kind of report.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 日報 (a holiday session's day included).
    Daily,
    /// 月報.
    Monthly,
}

impl ReportKind {
    fn code(self) -> &'static str {
        match self {
            ReportKind::Daily => "daily",
            ReportKind::Monthly => "monthly",
        }
    }
}

/// A report the city expects, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReportDue {
    /// Daily or monthly.
    pub kind: ReportKind,
    /// YYYY-MM-DD or YYYY-MM.
    pub period: String,
    /// A holiday session's report.
    pub holiday_session: bool,
    /// Due date.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: NaiveDate,
    /// When it was last produced.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub produced_at: Option<NaiveDateTime>,
    /// When it was marked submitted.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub submitted_at: Option<NaiveDateTime>,
    /// Past its due date and not submitted.
    pub overdue: bool,
}

/// When the daily report of `day` is due: the next business day (翌営業日中).
pub fn daily_due(calendar: &crate::calendar::BusinessCalendar, day: NaiveDate) -> NaiveDate {
    calendar.add_business_days(day + Days::new(1), 0)
}

/// When the monthly report of the month holding `month` is due: the 7th business day of the
/// next month (翌月初7営業日以内).
pub fn monthly_due(calendar: &crate::calendar::BusinessCalendar, month: NaiveDate) -> NaiveDate {
    let next = first_of_month(month) + Months::new(1);
    calendar.add_business_days(next, 6)
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("day 1 exists")
}

impl Store {
    /// The daily report of `day` (manager / deputy), recorded as produced.
    pub fn daily_report(&self, day: NaiveDate) -> Result<DailyReport> {
        let actor = self.require(Permission::SubmitReports)?;
        let figures = self.figures(day, day)?.pop().unwrap_or_else(|| DayFigures {
            day,
            ..DayFigures::default()
        });
        let report = DailyReport {
            site: self.meta().site_name.clone(),
            store_kind: self.kind(),
            sections: self.site_sections(day, day, figures.holiday_session)?,
            figures,
            open_complaints: self.open_complaints(day)?,
            city_reasons: self.city_reasons()?,
            due: daily_due(&self.calendar()?, day),
            produced_at: self.now(),
        };
        self.mark_produced(ReportKind::Daily, &day.format(DATE).to_string(), &actor)?;
        Ok(report)
    }

    /// The monthly report of the month holding `month` (manager / deputy), recorded as produced.
    pub fn monthly_report(&self, month: NaiveDate) -> Result<MonthlyReport> {
        let actor = self.require(Permission::SubmitReports)?;
        let first = first_of_month(month);
        let last = first + Months::new(1) - Days::new(1);
        let days = self.figures(first, last)?;
        let mut totals = self.figures_over(first, last)?;
        totals.day = first;
        let incidents = self.monthly_incidents(first, last)?;
        let report = MonthlyReport {
            site: self.meta().site_name.clone(),
            store_kind: self.kind(),
            month: first,
            sections: self.site_sections(first, last, false)?,
            totals,
            complaints_by_category: self.category_summary(first, last)?,
            open_complaints: self.open_complaints(last)?,
            city_reasons: self.city_reasons()?,
            forecast: self.expiry_forecast(first)?,
            open_incidents: incidents
                .iter()
                .filter(|i| i.status != IncidentStatus::Closed)
                .count() as u32,
            incidents,
            days,
            due: monthly_due(&self.calendar()?, first),
            produced_at: self.now(),
        };
        self.mark_produced(
            ReportKind::Monthly,
            &first.format("%Y-%m").to_string(),
            &actor,
        )?;
        Ok(report)
    }

    /// The monthly report's incidents (事故・トラブル), as they stood at the end of the month:
    /// closed if closed by then, reported if the city was told by then, open otherwise; the
    /// measures recorded by then. Codes only.
    fn monthly_incidents(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<MonthlyIncident>> {
        let end = (last + Days::new(1))
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists");
        self.incidents_for_month(first, last)?
            .into_iter()
            .map(|i| {
                let first_reported_at = i.first_reported_at.filter(|t| *t < end);
                let status = if i.closed_at.is_some_and(|t| t < end) {
                    IncidentStatus::Closed
                } else if first_reported_at.is_some() {
                    IncidentStatus::Reported
                } else {
                    IncidentStatus::Open
                };
                let mut measures = Vec::new();
                for s in &i.steps {
                    if s.step != IncidentStep::Measure || s.at >= end {
                        continue;
                    }
                    if let Some(code) = s.code.as_deref() {
                        let m = IncidentMeasure::from_code(code)?;
                        if !measures.contains(&m) {
                            measures.push(m);
                        }
                    }
                }
                Ok(MonthlyIncident {
                    number: i.number,
                    category: i.category,
                    kind: i.kind,
                    occurred_at: i.occurred_at,
                    detected_at: i.detected_at,
                    status,
                    first_reported_at,
                    persons_affected: i.persons_affected,
                    documents_affected: i.documents_affected,
                    measures,
                })
            })
            .collect()
    }

    /// The forecast of expiries for the month holding `month`.
    pub fn expiry_forecast(&self, month: NaiveDate) -> Result<Option<ExpiryForecast>> {
        let key = month.format("%Y-%m").to_string();
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT card, certificate, source FROM expiry_forecasts WHERE month = ?1",
            )?
            .query_row([&key], |r| {
                Ok(ExpiryForecast {
                    month: key.clone(),
                    card: r.get(0)?,
                    certificate: r.get(1)?,
                    source: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Marks a report as submitted to the city (manager / deputy).
    pub fn mark_submitted(&self, kind: ReportKind, period: &str) -> Result<()> {
        let actor = self.require(Permission::SubmitReports)?;
        let changed = self.conn().execute(
            "UPDATE report_submissions SET submitted_at = ?3, submitted_by = ?4
             WHERE kind = ?1 AND period = ?2 AND produced_at IS NOT NULL",
            params![
                kind.code(),
                period,
                self.now().format(DATETIME).to_string(),
                actor.label()
            ],
        )?;
        if changed == 0 {
            return Err(Error::NotAllowed(
                "produce the report before submitting it".into(),
            ));
        }
        self.audit(&actor, "report_submitted", period, kind.code())
    }

    /// `from`, or the day this store was made if that is later: nothing is owed from before.
    pub(crate) fn not_before_made(&self, from: NaiveDate) -> NaiveDate {
        from.max(
            self.meta()
                .created_at
                .with_timezone(&chrono::Local)
                .date_naive(),
        )
    }

    /// Reports due from `from` (not before the store was made) up to today: every day the
    /// counter opened and every month that has ended, with what was produced and submitted;
    /// newest first.
    pub fn reports_due(&self, from: NaiveDate) -> Result<Vec<ReportDue>> {
        self.require(Permission::ReadPersonal)?;
        let from = self.not_before_made(from);
        let calendar = self.calendar()?;
        let today = self.today();
        let mut out = Vec::new();
        for day in from.iter_days().take_while(|d| *d < today) {
            if let DayStatus::Open { session, .. } = calendar.day(day) {
                out.push(self.due_entry(
                    ReportKind::Daily,
                    day.format(DATE).to_string(),
                    session == Session::HolidaySession,
                    daily_due(&calendar, day),
                    today,
                )?);
            }
        }
        let mut month = first_of_month(from);
        while month + Months::new(1) <= today {
            out.push(self.due_entry(
                ReportKind::Monthly,
                month.format("%Y-%m").to_string(),
                false,
                monthly_due(&calendar, month),
                today,
            )?);
            month = month + Months::new(1);
        }
        out.sort_by(|a, b| b.due.cmp(&a.due).then(b.period.cmp(&a.period)));
        Ok(out)
    }

    fn due_entry(
        &self,
        kind: ReportKind,
        period: String,
        holiday_session: bool,
        due: NaiveDate,
        today: NaiveDate,
    ) -> Result<ReportDue> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn()
            .prepare_cached(
                "SELECT produced_at, submitted_at FROM report_submissions WHERE kind = ?1 AND period = ?2",
            )?
            .query_row(params![kind.code(), period], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (produced, submitted) = row.unwrap_or_default();
        let parse =
            |s: Option<String>| s.and_then(|s| NaiveDateTime::parse_from_str(&s, DATETIME).ok());
        let submitted_at = parse(submitted);
        Ok(ReportDue {
            kind,
            period,
            holiday_session,
            due,
            produced_at: parse(produced),
            overdue: submitted_at.is_none() && today > due,
            submitted_at,
        })
    }

    fn mark_produced(
        &self,
        kind: ReportKind,
        period: &str,
        actor: &crate::people::Actor,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO report_submissions (kind, period, produced_at, produced_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, period) DO UPDATE SET produced_at = excluded.produced_at, produced_by = excluded.produced_by",
            params![kind.code(), period, self.now().format(DATETIME).to_string(), actor.label()],
        )?;
        self.audit(actor, "report_produced", period, kind.code())
    }

    /// Each site's figures over `from ..= to` when the city has several sites: every site
    /// open now, and a closed one that had business in the period.
    fn site_sections(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        holiday_session: bool,
    ) -> Result<Vec<SiteSection>> {
        let sites = self.sites()?;
        // A PC holding one site's rows reports that site alone (no sections).
        if sites.len() < 2 || self.holds_only()?.is_some() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for s in sites {
            let mut figures = self.figures_at(Some(&s.id), from, to)?;
            figures.holiday_session = holiday_session;
            let idle = figures.booked + figures.walk_ins + figures.visitors == 0
                && figures.inquiries_phone
                    + figures.inquiries_visitor
                    + figures.complaints_received
                    == 0;
            if s.active || !idle {
                out.push(SiteSection {
                    site: s.id,
                    name: s.name,
                    kind: s.kind,
                    figures,
                });
            }
        }
        Ok(out)
    }

    /// One entry per day the counter opened in `from ..= to`.
    fn figures(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayFigures>> {
        let calendar = self.calendar()?;
        let mut out = Vec::new();
        for day in from.iter_days().take_while(|d| *d <= to) {
            let DayStatus::Open { session, .. } = calendar.day(day) else {
                continue;
            };
            let mut f = self.figures_over(day, day)?;
            f.holiday_session = session == Session::HolidaySession;
            out.push(f);
        }
        Ok(out)
    }

    /// The figures of `from ..= to` taken together, every site's.
    pub(super) fn figures_over(&self, from: NaiveDate, to: NaiveDate) -> Result<DayFigures> {
        self.figures_at(None, from, to)
    }

    /// The figures of `from ..= to` taken together, of one site or (`None`) of every site:
    /// times are taken over the union of the cases, not summed. Staff on duty are this PC's
    /// sign-ins, in the whole's figures only.
    pub(super) fn figures_at(
        &self,
        site: Option<&SiteId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<DayFigures> {
        let (a, b) = (from.format(DATE).to_string(), to.format(DATE).to_string());
        // A PC holding one site's rows: the whole is that site.
        let held = match site {
            Some(_) => None,
            None => self.holds_only()?,
        };
        let site = site.or(held.as_ref());
        let only = site.map(SiteId::as_str);
        let mut f = DayFigures {
            day: from,
            ..DayFigures::default()
        };
        // Places are an open serving site's (the call center serves nobody; a site closed for
        // good offers none, in its section and in the total alike).
        let sites: Vec<SiteId> = self
            .sites()?
            .into_iter()
            .filter(|s| {
                s.active && s.kind != SiteKind::Desk && site.is_none_or(|only| *only == s.id)
            })
            .map(|s| s.id)
            .collect();
        for day in from.iter_days().take_while(|d| *d <= to) {
            for s in &sites {
                f.places += self
                    .day_schedule_at(s, day)?
                    .iter()
                    .map(|s| s.capacity)
                    .sum::<u32>();
            }
        }

        // People of the bookings for these days.
        let mut channels: BTreeMap<Channel, u32> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT r.channel, r.status FROM reservations r
             JOIN reservation_people p ON p.reservation_id = r.id
             WHERE r.day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.site_id = ?3)",
        )?;
        let rows = stmt.query_map(rusqlite::params![a, b, only], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (channel, status) = row?;
            let (channel, status) = (
                Channel::from_code(&channel)?,
                ReservationStatus::from_code(&status)?,
            );
            match status {
                ReservationStatus::Cancelled => f.cancelled += 1,
                ReservationStatus::NoShow => f.no_shows += 1,
                _ => {}
            }
            if status != ReservationStatus::Cancelled {
                *channels.entry(channel).or_default() += 1;
                if channel == Channel::WalkIn {
                    f.walk_ins += 1;
                } else {
                    f.booked += 1;
                }
            }
        }
        f.by_channel = channels.into_iter().collect();

        // Cases: procedures, outcomes, times.
        let forms: BTreeMap<Procedure, u32> = self
            .procedure_bundles()?
            .into_iter()
            .map(|b| (b.procedure, b.forms))
            .collect();
        let (mut procedures, mut reasons, mut cancels): (
            BTreeMap<Procedure, u32>,
            BTreeMap<String, u32>,
            BTreeMap<String, u32>,
        ) = Default::default();
        let (mut waits, mut services, mut hours) =
            (Vec::new(), Vec::new(), BTreeMap::<u32, u32>::new());
        let mut stmt = self.conn().prepare_cached(
            "SELECT v.state, v.end_code, v.checked_in_at, v.called_at, v.handed_at, p.procedures
             FROM visits v JOIN reservation_people p ON p.reservation_id = v.reservation_id AND p.position = v.position
             WHERE v.day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR v.site_id = ?3)",
        )?;
        let rows = stmt.query_map(rusqlite::params![a, b, only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let time = |s: &str| {
            NaiveDateTime::parse_from_str(s, DATETIME)
                .map_err(|e| Error::Invalid(format!("stored time: {e}")))
        };
        let minutes = |from: NaiveDateTime, to: NaiveDateTime| {
            u32::try_from((to - from).num_minutes().max(0)).unwrap_or(u32::MAX)
        };
        for row in rows {
            let (state, reason, checked_in, called, handed, codes) = row?;
            let state: VisitState = serde_json::from_value(serde_json::Value::String(state))
                .map_err(|e| Error::Invalid(format!("stored visit state: {e}")))?;
            let checked_in = time(&checked_in)?;
            f.visitors += 1;
            *hours.entry(checked_in.hour()).or_default() += 1;
            let case_procedures: Vec<Procedure> = codes
                .split(',')
                .filter(|c| !c.is_empty())
                .map(Procedure::from_code)
                .collect::<Result<_>>()?;
            for p in &case_procedures {
                *procedures.entry(*p).or_default() += 1;
            }
            match state {
                VisitState::Completed => f.completed += 1,
                VisitState::Revisit => {
                    f.revisits += 1;
                    *reasons
                        .entry(crate::reason::effective(Some(&reason)).to_owned())
                        .or_default() += 1;
                }
                VisitState::Cancelled => {
                    f.cases_cancelled += 1;
                    *cancels
                        .entry(crate::reason::effective(Some(&reason)).to_owned())
                        .or_default() += 1;
                }
                VisitState::HandedOver => f.unacknowledged += 1,
                _ => {}
            }
            if let Some(called) = called.as_deref().map(time).transpose()? {
                waits.push(minutes(checked_in, called));
                if let Some(handed) = handed.as_deref().map(time).transpose()? {
                    services.push(minutes(called, handed));
                    f.handed_over += 1;
                    f.forms_recorded += case_procedures
                        .iter()
                        .map(|p| forms.get(p).copied().unwrap_or(1))
                        .sum::<u32>();
                }
            }
        }
        f.by_procedure = procedures.into_iter().collect();
        let most_first = |counts: BTreeMap<String, u32>| {
            let mut v: Vec<(String, u32)> = counts.into_iter().collect();
            v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            v
        };
        f.revisit_reasons = most_first(reasons);
        f.cancel_reasons = most_first(cancels);
        f.waiting = TimeStats::of(&waits);
        f.service = TimeStats::of(&services);
        f.by_hour = hours.into_iter().collect();

        // The back office's count (the reason of a difference for one day only).
        let (counted, code): (Option<u32>, String) = self.conn().query_row(
            "SELECT sum(count), coalesce(max(note_code), '') FROM form_counts
             WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR site_id = ?3)",
            rusqlite::params![a, b, only],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        f.forms_counted = counted;
        if from == to && counted.is_some() {
            f.forms_reason = code;
        }

        // Inquiries and complaints.
        let end = (to + Days::new(1)).format(DATE).to_string();
        let mut categories: BTreeMap<InquiryCategory, u32> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, channel, category, minutes FROM inquiries
             WHERE received_at >= ?1 AND received_at < ?2 AND (?3 IS NULL OR site_id = ?3)",
        )?;
        let rows = stmt.query_map(rusqlite::params![a, end, only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })?;
        for row in rows {
            let (kind, channel, category, minutes) = row?;
            *categories
                .entry(InquiryCategory::from_code(&category)?)
                .or_default() += 1;
            if kind == "complaint" {
                f.complaints_received += 1;
            } else if channel == "phone" {
                f.inquiries_phone += 1;
            } else {
                f.inquiries_visitor += 1;
            }
            f.inquiry_minutes += minutes;
        }
        f.by_category = categories.into_iter().collect();
        f.complaints_resolved = self.conn().query_row(
            "SELECT count(*) FROM complaint_steps
             WHERE step = 'resolve' AND at >= ?1 AND at < ?2 AND (?3 IS NULL OR site_id = ?3)",
            rusqlite::params![a, end, only],
            |r| r.get(0),
        )?;
        if site.is_some() {
            return Ok(f);
        }

        // Staff who signed in, by role (no names).
        let mut roles: BTreeMap<Role, u32> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.role FROM staff s WHERE s.code IN
               (SELECT staff_code FROM sign_ins WHERE signed_in_at >= ?1 AND signed_in_at < ?2)",
        )?;
        for role in stmt.query_map([&a, &end], |r| r.get::<_, String>(0))? {
            *roles.entry(Role::from_code(&role?)?).or_default() += 1;
        }
        f.staff_on_duty = roles.into_iter().collect();
        Ok(f)
    }

    fn open_complaints(&self, by: NaiveDate) -> Result<u32> {
        let end = (by + Days::new(1)).format(DATE).to_string();
        Ok(self.conn().query_row(
            "SELECT count(*) FROM inquiries i WHERE i.kind = 'complaint' AND i.received_at < ?1
               AND NOT EXISTS (SELECT 1 FROM complaint_steps s WHERE s.inquiry_id = i.id AND s.step = 'resolve' AND s.at < ?1)",
            [&end],
            |r| r.get(0),
        )?)
    }

    fn category_summary(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(InquiryCategory, u32, u32, u32)>> {
        let (a, end) = (
            from.format(DATE).to_string(),
            (to + Days::new(1)).format(DATE).to_string(),
        );
        let mut stmt = self.conn().prepare_cached(
            "SELECT i.category,
                    sum(i.kind = 'complaint'),
                    sum(i.kind = 'complaint' AND EXISTS (SELECT 1 FROM complaint_steps s WHERE s.inquiry_id = i.id AND s.step = 'resolve' AND s.at < ?2)),
                    sum(i.kind = 'inquiry')
             FROM inquiries i WHERE i.received_at >= ?1 AND i.received_at < ?2 GROUP BY i.category",
        )?;
        let rows = stmt.query_map([&a, &end], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })?;
        let mut out = rows
            .map(|row| {
                let (c, complaints, resolved, inquiries) = row?;
                Ok((
                    InquiryCategory::from_code(&c)?,
                    complaints,
                    resolved,
                    inquiries,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|r| r.0);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{BusinessCalendar, Holidays};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE).unwrap()
    }

    #[test]
    fn time_stats_use_the_nearest_rank() {
        let s = TimeStats::of(&[10, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!((s.count, s.p90, s.max), (10, 9, 10));
        assert!((s.mean - 5.5).abs() < 1e-9);
        assert_eq!(TimeStats::of(&[7]).p90, 7);
        assert_eq!(TimeStats::of(&[]), TimeStats::default());
    }

    #[test]
    fn due_dates_follow_the_business_calendar() {
        let c = BusinessCalendar::new(Holidays::bundled().clone());
        // A Tuesday's report is due on Wednesday; a Friday's on Monday.
        assert_eq!(daily_due(&c, d("2026-12-01")), d("2026-12-02"));
        assert_eq!(daily_due(&c, d("2026-12-04")), d("2026-12-07"));
        // 12/28 (Mon) → the year end closes 12/29–1/3, and 1/4/2027 is a Monday.
        assert_eq!(daily_due(&c, d("2026-12-28")), d("2027-01-04"));
        // A holiday session on Saturday 2027-01-16 is due on Monday 1/18.
        assert_eq!(daily_due(&c, d("2027-01-16")), d("2027-01-18"));
        // Before a national holiday: Friday 2027-01-08, then Monday 1/11 is 成人の日 → 1/12.
        assert_eq!(daily_due(&c, d("2027-01-08")), d("2027-01-12"));
        // Month ends: November 2026 → the 7th business day of December is 12/9 (Wed).
        assert_eq!(monthly_due(&c, d("2026-11-15")), d("2026-12-09"));
        // December 2026 → January 2027 starts with the year end and 成人の日 (1/11):
        // 1/4, 5, 6, 7, 8, 12, 13 → 1/13.
        assert_eq!(monthly_due(&c, d("2026-12-31")), d("2027-01-13"));
        // April 2027 → May has the Golden Week holidays 5/3–5/5: 5/6, 7, 10, 11, 12, 13, 14.
        assert_eq!(monthly_due(&c, d("2027-04-01")), d("2027-05-14"));
    }
}
