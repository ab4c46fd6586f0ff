//! The daily work log (業務日誌): seed 002 §13(4) (docs/design/paperwork.md §3.3, §7).
//!
//! The day's figures are not stored: they are the site's `DayFigures` from the reports, read
//! when the log is shown or printed. Notes are codes and counts; their words stay here.
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use super::super::{daily_due, DayFigures, Store, DATE, DATETIME};
use crate::{
    calendar::{DayStatus, Session},
    paperwork::work_log::{NewWorkLogNote, WorkLogNote, WorkLogState, MAX_COUNT},
    paperwork::WorkLogMutation,
    people::Permission,
    site::SiteId,
    Error, Result,
};

/// A site's work log of one day, with the day's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WorkLog {
    /// The city (the store's site name).
    pub city: String,
    /// The site.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub site: SiteId,
    /// Its name.
    pub site_name: String,
    /// The day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// Whether the counter opened that day.
    pub counter_open: bool,
    /// Open or closed.
    pub state: WorkLogState,
    /// Staff ID of who closed it.
    pub closed_by: Option<String>,
    /// Their name (staff names may be on paper).
    pub closed_by_name: Option<String>,
    /// When it was closed (local time).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub closed_at: Option<NaiveDateTime>,
    /// Submitted to the city on.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub submitted_on: Option<NaiveDate>,
    /// Staff ID of who recorded the submission.
    pub submitted_by: Option<String>,
    /// The day's figures (the site's; the city's whole when it has one site).
    pub figures: DayFigures,
    /// Notes, oldest first.
    pub notes: Vec<WorkLogNote>,
    /// 提出期限: the daily report's due date (the next business day).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: NaiveDate,
    /// Past its due date and not submitted.
    pub overdue: bool,
}

/// A day's log as the list of days shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WorkLogDue {
    /// The site.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub site: SiteId,
    /// The day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// Open or closed.
    pub state: WorkLogState,
    /// Notes written.
    pub notes: u32,
    /// 提出期限.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: NaiveDate,
    /// Submitted on.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub submitted_on: Option<NaiveDate>,
    /// Past its due date and not submitted.
    pub overdue: bool,
}

struct Row {
    state: WorkLogState,
    closed_by: Option<String>,
    closed_at: Option<String>,
    submitted_on: Option<String>,
    submitted_by: Option<String>,
}

impl Store {
    /// A site's work log of `day` with the day's figures (manager / deputy).
    pub fn work_log(&self, site: &SiteId, day: NaiveDate) -> Result<WorkLog> {
        self.require(Permission::ManagePaperwork)?;
        let site_name = self
            .sites()?
            .into_iter()
            .find(|s| s.id == *site)
            .map(|s| s.name)
            .ok_or(Error::NotFound("site"))?;
        let calendar = self.calendar()?;
        let session = match calendar.day(day) {
            DayStatus::Open { session, .. } => Some(session),
            _ => None,
        };
        // One site: the whole (staff on duty included); several: the site's own figures.
        let several = self.sites()?.len() > 1 && self.holds_only()?.is_none();
        let mut figures = if several {
            self.figures_at(Some(site), day, day)?
        } else {
            self.figures_over(day, day)?
        };
        figures.holiday_session = session == Some(Session::HolidaySession);
        let row = self.work_log_row(site, day)?;
        let due = daily_due(&calendar, day);
        let submitted_on = row
            .as_ref()
            .and_then(|r| r.submitted_on.as_deref())
            .map(super::super::parse_date)
            .transpose()?;
        let closed_by = row.as_ref().and_then(|r| r.closed_by.clone());
        let closed_by_name = closed_by
            .as_deref()
            .and_then(|c| self.staff_member(c).ok())
            .map(|m| m.name);
        Ok(WorkLog {
            city: self.meta().site_name.clone(),
            site: site.clone(),
            site_name,
            day,
            counter_open: session.is_some(),
            state: row.as_ref().map_or(WorkLogState::Open, |r| r.state),
            closed_by,
            closed_by_name,
            closed_at: row
                .as_ref()
                .and_then(|r| r.closed_at.as_deref())
                .and_then(|s| NaiveDateTime::parse_from_str(s, DATETIME).ok()),
            submitted_by: row.as_ref().and_then(|r| r.submitted_by.clone()),
            overdue: submitted_on.is_none() && self.today() > due,
            submitted_on,
            figures,
            notes: self.work_log_notes(site, day)?,
            due,
        })
    }

    /// Adds a note to a site's log of `day` (manager / deputy); refused with
    /// `work_log_closed` once the log is closed.
    pub fn add_work_log_note(
        &self,
        site: &SiteId,
        day: NaiveDate,
        note: NewWorkLogNote,
    ) -> Result<WorkLogNote> {
        let id = Uuid::now_v7();
        self.execute(WorkLogMutation::AddWorkLogNote {
            id,
            site: site.clone(),
            day,
            note,
        })?;
        self.work_log_note(id)?
            .ok_or(Error::NotFound("work log note"))
    }

    /// Takes a note out of an open log.
    pub fn remove_work_log_note(&self, id: Uuid) -> Result<()> {
        self.execute(WorkLogMutation::RemoveWorkLogNote { id })?;
        Ok(())
    }

    /// Closes a site's log of `day` (業務終了後).
    pub fn close_work_log(&self, site: &SiteId, day: NaiveDate) -> Result<WorkLog> {
        self.execute(WorkLogMutation::CloseWorkLog {
            site: site.clone(),
            day,
        })?;
        self.work_log(site, day)
    }

    /// Opens a closed log again (its submission, if any, is cleared: submit it again).
    pub fn reopen_work_log(&self, site: &SiteId, day: NaiveDate) -> Result<WorkLog> {
        self.execute(WorkLogMutation::ReopenWorkLog {
            site: site.clone(),
            day,
        })?;
        self.work_log(site, day)
    }

    /// Records that a closed log was handed to the city on `on`.
    pub fn mark_work_log_submitted(
        &self,
        site: &SiteId,
        day: NaiveDate,
        on: NaiveDate,
    ) -> Result<WorkLog> {
        self.execute(WorkLogMutation::MarkWorkLogSubmitted {
            site: site.clone(),
            day,
            on,
        })?;
        self.work_log(site, day)
    }

    /// Work logs owed from `from` (not before the store was made) up to yesterday: every day
    /// the counter opened, for every open site, newest first; due as the daily report
    /// (manager / deputy).
    pub fn work_logs_due(&self, from: NaiveDate) -> Result<Vec<WorkLogDue>> {
        self.require(Permission::ManagePaperwork)?;
        let from = self.not_before_made(from);
        let calendar = self.calendar()?;
        let today = self.today();
        let sites: Vec<SiteId> = match self.holds_only()? {
            Some(only) => vec![only],
            None => self
                .sites()?
                .into_iter()
                .filter(|s| s.active)
                .map(|s| s.id)
                .collect(),
        };
        let mut out = Vec::new();
        for day in from.iter_days().take_while(|d| *d < today) {
            if !matches!(calendar.day(day), DayStatus::Open { .. }) {
                continue;
            }
            let due = daily_due(&calendar, day);
            for site in &sites {
                let row = self.work_log_row(site, day)?;
                let submitted_on = row
                    .as_ref()
                    .and_then(|r| r.submitted_on.as_deref())
                    .map(super::super::parse_date)
                    .transpose()?;
                let notes: u32 = self.conn().query_row(
                    "SELECT count(*) FROM work_log_notes WHERE site_id = ?1 AND day = ?2",
                    params![site.as_str(), day.format(DATE).to_string()],
                    |r| r.get(0),
                )?;
                out.push(WorkLogDue {
                    site: site.clone(),
                    day,
                    state: row.map_or(WorkLogState::Open, |r| r.state),
                    notes,
                    due,
                    overdue: submitted_on.is_none() && today > due,
                    submitted_on,
                });
            }
        }
        out.sort_by(|a, b| b.day.cmp(&a.day).then(a.site.cmp(&b.site)));
        Ok(out)
    }

    fn work_log_row(&self, site: &SiteId, day: NaiveDate) -> Result<Option<Row>> {
        let row = self
            .conn()
            .prepare_cached(
                "SELECT state, closed_by, closed_at, submitted_on, submitted_by
                 FROM work_logs WHERE site_id = ?1 AND day = ?2",
            )?
            .query_row(params![site.as_str(), day.format(DATE).to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })
            .optional()?;
        row.map(
            |(state, closed_by, closed_at, submitted_on, submitted_by)| {
                Ok(Row {
                    state: WorkLogState::from_code(&state)?,
                    closed_by,
                    closed_at,
                    submitted_on,
                    submitted_by,
                })
            },
        )
        .transpose()
    }

    fn work_log_notes(&self, site: &SiteId, day: NaiveDate) -> Result<Vec<WorkLogNote>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM work_log_notes WHERE site_id = ?1 AND day = ?2 ORDER BY written_at, id",
        )?;
        let ids: Vec<String> = stmt
            .query_map(params![site.as_str(), day.format(DATE).to_string()], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .filter_map(|id| id.parse::<Uuid>().ok())
            .map(|id| {
                self.work_log_note(id)?
                    .ok_or(Error::NotFound("work log note"))
            })
            .collect()
    }

    fn work_log_note(&self, id: Uuid) -> Result<Option<WorkLogNote>> {
        let row = self
            .conn()
            .prepare_cached(
                "SELECT category, code, count, words, incident_id, written_by, written_at
                 FROM work_log_notes WHERE id = ?1",
            )?
            .query_row([id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .optional()?;
        row.map(
            |(category, code, count, words, incident, written_by, written_at)| {
                Ok(WorkLogNote {
                    id,
                    category: crate::paperwork::work_log::WorkLogCategory::from_code(&category)?,
                    code,
                    count,
                    words,
                    incident_id: incident.and_then(|s| s.parse().ok()),
                    written_by,
                    written_at: NaiveDateTime::parse_from_str(&written_at, DATETIME)
                        .map_err(|_| Error::Invalid("stored time".into()))?,
                })
            },
        )
        .transpose()
    }

    fn refuse_closed(&self, site: &SiteId, day: NaiveDate) -> Result<()> {
        if self
            .work_log_row(site, day)?
            .is_some_and(|r| r.state == WorkLogState::Closed)
        {
            return Err(Error::WorkLogClosed {
                site: site.to_string(),
                day: day.format(DATE).to_string(),
            });
        }
        Ok(())
    }

    /// Applies a change of this part.
    pub(in crate::store) fn apply_work_log(&self, m: &WorkLogMutation) -> Result<()> {
        match m {
            WorkLogMutation::AddWorkLogNote {
                id,
                site,
                day,
                note,
            } => {
                crate::my_number::refuse_in_text("work log words", &note.words)?;
                if !note.category.accepts(&note.code) {
                    return Err(Error::Invalid(format!(
                        "code {:?} is not in the {} list",
                        note.code,
                        note.category.code()
                    )));
                }
                if !(1..=MAX_COUNT).contains(&note.count) {
                    return Err(Error::Invalid("a count is 1 to 10,000".into()));
                }
                if !self.sites()?.iter().any(|s| s.id == *site) {
                    return Err(Error::NotFound("site"));
                }
                self.refuse_closed(site, *day)?;
                let (s, d) = (site.as_str(), day.format(DATE).to_string());
                self.conn().execute(
                    "INSERT INTO work_logs (site_id, day, state) VALUES (?1, ?2, 'open')
                     ON CONFLICT (site_id, day) DO NOTHING",
                    params![s, d],
                )?;
                let origin = self.origin();
                self.conn().execute(
                    "INSERT INTO work_log_notes (id, site_id, day, category, code, count, words, incident_id, written_by, written_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        id.to_string(),
                        s,
                        d,
                        note.category.code(),
                        note.code,
                        note.count,
                        note.words.trim(),
                        note.incident_id.map(|i| i.to_string()),
                        origin.staff,
                        origin.at.format(DATETIME).to_string()
                    ],
                )?;
                Ok(())
            }
            WorkLogMutation::RemoveWorkLogNote { id } => {
                let at: Option<(String, String)> = self
                    .conn()
                    .query_row(
                        "SELECT site_id, day FROM work_log_notes WHERE id = ?1",
                        [id.to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let (site, day) = at.ok_or(Error::NotFound("work log note"))?;
                self.refuse_closed(&site.parse()?, super::super::parse_date(&day)?)?;
                self.conn()
                    .execute("DELETE FROM work_log_notes WHERE id = ?1", [id.to_string()])?;
                Ok(())
            }
            WorkLogMutation::CloseWorkLog { site, day } => {
                if !self.sites()?.iter().any(|s| s.id == *site) {
                    return Err(Error::NotFound("site"));
                }
                self.refuse_closed(site, *day)?;
                let origin = self.origin();
                self.conn().execute(
                    "INSERT INTO work_logs (site_id, day, state, closed_by, closed_at) VALUES (?1, ?2, 'closed', ?3, ?4)
                     ON CONFLICT (site_id, day) DO UPDATE SET state = 'closed', closed_by = excluded.closed_by, closed_at = excluded.closed_at",
                    params![site.as_str(), day.format(DATE).to_string(), origin.staff, origin.at.format(DATETIME).to_string()],
                )?;
                Ok(())
            }
            WorkLogMutation::ReopenWorkLog { site, day } => {
                let n = self.conn().execute(
                    "UPDATE work_logs SET state = 'open', closed_by = NULL, closed_at = NULL,
                     submitted_on = NULL, submitted_by = NULL
                     WHERE site_id = ?1 AND day = ?2 AND state = 'closed'",
                    params![site.as_str(), day.format(DATE).to_string()],
                )?;
                if n == 0 {
                    return Err(Error::NotAllowed("the work log is not closed".into()));
                }
                Ok(())
            }
            WorkLogMutation::MarkWorkLogSubmitted { site, day, on } => {
                if on < day {
                    return Err(Error::Invalid(
                        "a work log is submitted on or after its day".into(),
                    ));
                }
                let n = self.conn().execute(
                    "UPDATE work_logs SET submitted_on = ?3, submitted_by = ?4
                     WHERE site_id = ?1 AND day = ?2 AND state = 'closed'",
                    params![
                        site.as_str(),
                        day.format(DATE).to_string(),
                        on.format(DATE).to_string(),
                        self.origin().staff
                    ],
                )?;
                if n == 0 {
                    return Err(Error::NotAllowed(
                        "close the work log before submitting it".into(),
                    ));
                }
                Ok(())
            }
        }
    }
}
