//! The planner in the store: the saved assumptions, and the plan of every forecast month built
//! from the city's forecast, the business calendar (open days, holiday sessions) and the slot
//! plan, beside what actually happened in the months that have data.
use chrono::{Datelike, Days, Months, NaiveDate};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, DATETIME};
use crate::{
    calendar::DayStatus,
    people::Permission,
    planner::{self, Assumptions, MonthInput, MonthPlan},
    reservation::PlanKind,
    site::SiteId,
    Error, Result,
};

/// What happened in a month, beside its plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MonthActual {
    /// YYYY-MM.
    pub month: String,
    /// Days with visits.
    pub days: u32,
    /// Visitors a day on those days.
    pub visits_per_day: f64,
    /// Share of booked people who did not come.
    pub no_show_rate: f64,
    /// Mean wait, minutes (check-in → called).
    pub mean_wait: f64,
    /// 90th-percentile wait, minutes.
    pub p90_wait: u32,
}

/// The plan of every forecast month, with the actuals where they exist.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CapacityPlan {
    /// The assumptions used.
    pub assumptions: Assumptions,
    /// Month by month.
    pub months: Vec<MonthPlan>,
    /// Months that have visits.
    pub actual: Vec<MonthActual>,
}

impl Store {
    /// The saved assumptions of this PC's site (the defaults until a manager saves some).
    pub fn plan_assumptions(&self) -> Result<Assumptions> {
        self.plan_assumptions_at(&self.serving_site()?)
    }

    /// The saved assumptions of `site`: its own, else what this PC saved before the city had
    /// sites, else the defaults.
    pub fn plan_assumptions_at(&self, site: &SiteId) -> Result<Assumptions> {
        let json: Option<String> = self
            .conn()
            .query_row(
                "SELECT coalesce(
                     (SELECT json FROM planner_site_assumptions WHERE site_id = ?1),
                     (SELECT json FROM planner_assumptions WHERE id = 1))",
                [site.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        match json {
            Some(j) => serde_json::from_str(&j)
                .map_err(|e| Error::Invalid(format!("stored assumptions: {e}"))),
            None => Ok(Assumptions::default()),
        }
    }

    /// Saves the assumptions of this PC's site (manager / deputy).
    pub fn set_plan_assumptions(&self, a: &Assumptions) -> Result<()> {
        self.set_plan_assumptions_at(&self.serving_site()?, a)
    }

    /// Saves the assumptions of `site` (manager / deputy).
    pub fn set_plan_assumptions_at(&self, site: &SiteId, a: &Assumptions) -> Result<()> {
        let actor = self.require(Permission::ChangePlan)?;
        self.check_serving_site(site)?;
        a.validate()?;
        self.conn().execute(
            "INSERT INTO planner_site_assumptions (site_id, json, changed_at, changed_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site_id) DO UPDATE SET json = excluded.json, changed_at = excluded.changed_at, changed_by = excluded.changed_by",
            params![
                site.as_str(),
                serde_json::to_string(a).map_err(|e| Error::Invalid(e.to_string()))?,
                self.now().format(DATETIME).to_string(),
                actor.label()
            ],
        )?;
        self.audit(&actor, "plan_assumptions", site.as_str(), "")
    }

    /// The plan of this PC's site under `what_if` (or the saved assumptions).
    pub fn capacity_plan(&self, what_if: Option<Assumptions>) -> Result<CapacityPlan> {
        self.capacity_plan_at(&self.serving_site()?, what_if)
    }

    /// The plan of `site` under `what_if` (or its saved assumptions), for every month of the
    /// forecast: that site's slot plan, the days it opens, and the visits it had (the
    /// forecast is the city's: the assumptions' take-up is the share that comes to this site).
    pub fn capacity_plan_at(
        &self,
        site: &SiteId,
        what_if: Option<Assumptions>,
    ) -> Result<CapacityPlan> {
        self.require(Permission::ReadPersonal)?;
        self.check_serving_site(site)?;
        let a = match what_if {
            Some(a) => a,
            None => self.plan_assumptions_at(site)?,
        };
        a.validate()?;
        let plan = self.warm_slot_plan(site, PlanKind::Regular)?;
        let places_per_day: u32 = plan
            .bands
            .iter()
            .map(|b| {
                let minutes = (b.ends - b.starts).num_minutes().max(0) as u32;
                minutes / plan.slot_minutes.max(1) * b.capacity
            })
            .sum();
        let forecast: Vec<(String, u32, u32)> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT month, card, certificate FROM expiry_forecasts ORDER BY month",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut months = Vec::new();
        for (i, (month, card, certificate)) in forecast.iter().enumerate() {
            let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                .map_err(|_| Error::Invalid(format!("forecast month {month:?}")))?;
            let next = forecast.get(i + 1).filter(|n| {
                NaiveDate::parse_from_str(&format!("{}-01", n.0), "%Y-%m-%d").ok()
                    == Some(first + Months::new(1))
            });
            let mut open_by_weekday = [0u32; 7];
            for day in first
                .iter_days()
                .take_while(|d| d.month() == first.month())
                .filter(|d| {
                    self.warm_look()
                        .and_then(|look| self.site_day_status_in(look, site, *d))
                        .is_ok_and(|s| matches!(s, DayStatus::Open { .. }))
                })
            {
                open_by_weekday[day.weekday().num_days_from_monday() as usize] += 1;
            }
            let open_days = open_by_weekday.iter().sum();
            let input = MonthInput {
                month: month.clone(),
                card: *card,
                certificate: *certificate,
                card_next: next.map_or(*card, |n| n.1),
                certificate_next: next.map_or(*certificate, |n| n.2),
                open_days,
                open_by_weekday,
                places_per_day,
            };
            months.push(planner::plan_month(&a, &input, i as u64));
        }
        Ok(CapacityPlan {
            assumptions: a,
            actual: self.actuals(site)?,
            months,
        })
    }

    /// Every month with visits at `site`, summarised for the actual-against-plan view.
    fn actuals(&self, site: &SiteId) -> Result<Vec<MonthActual>> {
        let months: Vec<String> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT DISTINCT substr(day, 1, 7) FROM visits WHERE site_id = ?1 ORDER BY 1",
            )?;
            let rows = stmt.query_map([site.as_str()], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        months
            .into_iter()
            .map(|month| {
                let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                    .map_err(|_| Error::Invalid(format!("visit month {month:?}")))?;
                let last = first + Months::new(1) - Days::new(1);
                let f = self.figures_at(Some(site), first, last)?;
                let days: u32 = self.conn().query_row(
                    "SELECT count(DISTINCT day) FROM visits
                     WHERE day BETWEEN ?1 AND ?2 AND site_id = ?3",
                    [
                        first.to_string(),
                        last.to_string(),
                        site.as_str().to_owned(),
                    ],
                    |r| r.get(0),
                )?;
                let booked = f.booked.max(1);
                Ok(MonthActual {
                    month,
                    days,
                    visits_per_day: f64::from(f.visitors) / f64::from(days.max(1)),
                    no_show_rate: f64::from(f.no_shows) / f64::from(booked),
                    mean_wait: f.waiting.mean,
                    p90_wait: f.waiting.p90,
                })
            })
            .collect()
    }
}
