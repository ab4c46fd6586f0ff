//! Incidents (事故・トラブル): seed 000 §10(2), 1.3(1); seed 002 §7, §13(6), §19
//! (docs/design/paperwork.md §3.4). The record (codes, counts, times, titles) is the city's part;
//! the words (`incident_texts`) are the site's, so another site's PCs never hold them.
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

use crate::paperwork::incident::{
    check_step_code, incident_number, missing_to_close, report_due_at, CityStepState, FollowupWhat,
    Incident, IncidentCategory, IncidentCause, IncidentFollowup, IncidentImpact, IncidentKind,
    IncidentMissing, IncidentStatus, IncidentStep, IncidentStepRecord, NewIncident,
    NewIncidentStep, OpenIncident, ReportChannel, CITY_STEPS,
};
use crate::paperwork::IncidentMutation;
use crate::{people::Permission, secret::Personal, site::SiteId, Error, Result};

use super::super::{Store, DATE, DATETIME};

/// The most people, documents or minutes one incident may count.
const MAX_COUNT: u32 = 100_000;

impl Store {
    /// Opens an incident at this seat's site (staff too: 000 §8(2)ウH).
    pub fn open_incident(&self, new: NewIncident) -> Result<Incident> {
        let id = Uuid::now_v7();
        self.execute(IncidentMutation::OpenIncident {
            id,
            site: self.site()?,
            incident: new,
        })?;
        self.incident(id)
    }

    /// Takes a step of an incident (notes and immediate actions: staff too; the rest: manager
    /// or deputy).
    pub fn take_incident_step(&self, incident: Uuid, step: NewIncidentStep) -> Result<Incident> {
        self.execute(IncidentMutation::TakeIncidentStep {
            id: Uuid::now_v7(),
            incident,
            step,
        })?;
        self.incident(incident)
    }

    /// Sets a follow-up owed by `due_on` (manager or deputy).
    pub fn set_incident_followup(
        &self,
        incident: Uuid,
        what: FollowupWhat,
        due_on: NaiveDate,
    ) -> Result<Incident> {
        self.execute(IncidentMutation::SetIncidentFollowup {
            id: Uuid::now_v7(),
            incident,
            what,
            due_on,
        })?;
        self.incident(incident)
    }

    /// Marks a follow-up done on `done_on` (manager or deputy).
    pub fn complete_incident_followup(
        &self,
        followup: Uuid,
        done_on: NaiveDate,
    ) -> Result<Incident> {
        self.execute(IncidentMutation::CompleteIncidentFollowup {
            id: followup,
            done_on,
        })?;
        let incident: String = self.conn().query_row(
            "SELECT incident_id FROM incident_followups WHERE id = ?1",
            [followup.to_string()],
            |r| r.get(0),
        )?;
        self.incident(parse_id(&incident)?)
    }

    /// Closes an incident (manager or deputy); refused with `incident_incomplete` listing what
    /// is missing.
    pub fn close_incident(&self, id: Uuid) -> Result<Incident> {
        self.execute(IncidentMutation::CloseIncident { id })?;
        self.incident(id)
    }

    /// Applies a change of this part.
    pub(in crate::store) fn apply_incident(&self, m: &IncidentMutation) -> Result<()> {
        match m {
            IncidentMutation::OpenIncident { id, site, incident } => {
                self.apply_open_incident(*id, site, incident)
            }
            IncidentMutation::TakeIncidentStep { id, incident, step } => {
                self.apply_incident_step(*id, *incident, step)
            }
            IncidentMutation::SetIncidentFollowup {
                id,
                incident,
                what,
                due_on,
            } => self.apply_set_followup(*id, *incident, *what, *due_on),
            IncidentMutation::CompleteIncidentFollowup { id, done_on } => {
                self.apply_complete_followup(*id, *done_on)
            }
            IncidentMutation::CloseIncident { id } => self.apply_close_incident(*id),
        }
    }

    fn apply_open_incident(&self, id: Uuid, site: &SiteId, new: &NewIncident) -> Result<()> {
        self.check_site(site)?;
        let description = new.description.expose();
        crate::my_number::refuse_in_text("incident description", description)?;
        if description.trim().is_empty() {
            return Err(Error::Invalid("say what happened".into()));
        }
        if !new.kind.fits(new.category) {
            return Err(Error::Invalid(format!(
                "kind {} is not of category {}",
                new.kind.code(),
                new.category.code()
            )));
        }
        if new.occurred_at > new.detected_at {
            return Err(Error::Invalid("found before it happened".into()));
        }
        for n in [
            new.persons_affected,
            new.documents_affected,
            new.minutes_stopped,
        ] {
            if n > MAX_COUNT {
                return Err(Error::Invalid("a count is 0 to 100,000".into()));
            }
        }
        let origin = self.origin();
        let due = report_due_at(new.category, new.detected_at);
        self.conn().execute(
            "INSERT INTO incidents (id, number, site_id, occurred_at, detected_at, category, kind, impact,
                 persons_affected, documents_affected, minutes_stopped, status, report_due_at, inquiry_id, opened_by, seat)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', ?12, ?13, ?14, ?15)",
            params![
                id.to_string(),
                incident_number(id, new.detected_at.date()),
                site.as_str(),
                new.occurred_at.format(DATETIME).to_string(),
                new.detected_at.format(DATETIME).to_string(),
                new.category.code(),
                new.kind.code(),
                new.impact.code(),
                new.persons_affected,
                new.documents_affected,
                new.minutes_stopped,
                due.format(DATETIME).to_string(),
                new.inquiry_id.map(|u| u.to_string()),
                origin.staff,
                origin.seat,
            ],
        )?;
        self.conn().execute(
            "INSERT INTO incident_texts (id, incident_id, site_id, field, text, staff, at)
             VALUES (?1, ?1, ?2, 'description', ?3, ?4, ?5)",
            params![
                id.to_string(),
                site.as_str(),
                description.trim(),
                origin.staff,
                origin.at.format(DATETIME).to_string()
            ],
        )?;
        Ok(())
    }

    fn apply_incident_step(&self, id: Uuid, incident: Uuid, new: &NewIncidentStep) -> Result<()> {
        let words = new.words.as_ref().map(|w| w.expose().trim()).unwrap_or("");
        crate::my_number::refuse_in_text("incident step words", words)?;
        let title = new.title.as_deref().map(str::trim).unwrap_or("");
        crate::my_number::refuse_in_text("reported to title", title)?;
        let (site, status, category) = self.incident_state(incident)?;
        let step = new.step;
        match (status, step) {
            (IncidentStatus::Closed, IncidentStep::Reopen) => {}
            (IncidentStatus::Closed, _) => {
                return Err(Error::NotAllowed("the incident is closed".into()))
            }
            (_, IncidentStep::Reopen) => {
                return Err(Error::NotAllowed("the incident is not closed".into()))
            }
            _ => {}
        }
        check_step_code(step, new.code.as_deref())?;
        let counted = matches!(
            step,
            IncidentStep::ImpactAssessed | IncidentStep::PersonsContacted
        );
        match new.count {
            None if counted => {
                return Err(Error::Invalid(format!(
                    "step {} needs a count",
                    step.code()
                )))
            }
            Some(_) if !counted => {
                return Err(Error::Invalid(format!(
                    "step {} takes no count",
                    step.code()
                )))
            }
            Some(n) if n > MAX_COUNT => {
                return Err(Error::Invalid("a count is 0 to 100,000".into()))
            }
            _ => {}
        }
        let title = match step {
            IncidentStep::FirstReport => {
                Some(super::super::required_label("reported to title", title)?)
            }
            _ if !title.is_empty() => {
                return Err(Error::Invalid(format!(
                    "step {} takes no title",
                    step.code()
                )))
            }
            _ => None,
        };
        if step == IncidentStep::Note && words.is_empty() {
            return Err(Error::Invalid("a note needs its words".into()));
        }
        let _ = category;
        let origin = self.origin();
        let at = origin.at.format(DATETIME).to_string();
        self.conn().execute(
            "INSERT INTO incident_steps (id, incident_id, at, step, code, count, title, staff)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.to_string(),
                incident.to_string(),
                at,
                step.code(),
                new.code,
                new.count,
                title,
                origin.staff
            ],
        )?;
        if !words.is_empty() {
            self.conn().execute(
                "INSERT INTO incident_texts (id, incident_id, site_id, field, text, staff, at)
                 VALUES (?1, ?2, ?3, 'step', ?4, ?5, ?6)",
                params![
                    id.to_string(),
                    incident.to_string(),
                    site,
                    words,
                    origin.staff,
                    at
                ],
            )?;
        }
        let key = incident.to_string();
        match step {
            IncidentStep::FirstReport => {
                // The first report sets the clock's end; a later one (a second call) keeps it.
                self.conn().execute(
                    "UPDATE incidents SET status = CASE status WHEN 'open' THEN 'reported' ELSE status END,
                         first_reported_at = coalesce(first_reported_at, ?2),
                         report_channel = coalesce(report_channel, ?3),
                         reported_to_title = coalesce(reported_to_title, ?4)
                     WHERE id = ?1",
                    params![key, at, new.code, title],
                )?;
            }
            IncidentStep::Cause => {
                self.conn().execute(
                    "UPDATE incidents SET cause_code = ?2 WHERE id = ?1",
                    params![key, new.code],
                )?;
            }
            IncidentStep::Reopen => {
                self.conn().execute(
                    "UPDATE incidents SET status = CASE WHEN first_reported_at IS NULL THEN 'open' ELSE 'reported' END,
                         closed_at = NULL, closed_by = NULL
                     WHERE id = ?1",
                    [&key],
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    fn apply_set_followup(
        &self,
        id: Uuid,
        incident: Uuid,
        what: FollowupWhat,
        due_on: NaiveDate,
    ) -> Result<()> {
        let (_, status, _) = self.incident_state(incident)?;
        if status == IncidentStatus::Closed {
            return Err(Error::NotAllowed("the incident is closed".into()));
        }
        self.conn().execute(
            "INSERT INTO incident_followups (id, incident_id, what, due_on, set_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id.to_string(),
                incident.to_string(),
                what.code(),
                due_on.format(DATE).to_string(),
                self.origin().staff
            ],
        )?;
        Ok(())
    }

    fn apply_complete_followup(&self, id: Uuid, done_on: NaiveDate) -> Result<()> {
        let row: Option<(String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT incident_id, done_on FROM incident_followups WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (incident, done) = row.ok_or(Error::NotFound("incident follow-up"))?;
        if done.is_some() {
            return Err(Error::NotAllowed("the follow-up is already done".into()));
        }
        let (_, status, _) = self.incident_state(parse_id(&incident)?)?;
        if status == IncidentStatus::Closed {
            return Err(Error::NotAllowed("the incident is closed".into()));
        }
        self.conn().execute(
            "UPDATE incident_followups SET done_on = ?2, done_by = ?3 WHERE id = ?1",
            params![
                id.to_string(),
                done_on.format(DATE).to_string(),
                self.origin().staff
            ],
        )?;
        Ok(())
    }

    fn apply_close_incident(&self, id: Uuid) -> Result<()> {
        let (_, status, category) = self.incident_state(id)?;
        if status == IncidentStatus::Closed {
            return Err(Error::NotAllowed("the incident is already closed".into()));
        }
        let missing = self.missing_to_close(id, category)?;
        if !missing.is_empty() {
            return Err(Error::IncidentIncomplete {
                missing: missing.iter().map(|m| m.code()).collect(),
            });
        }
        let origin = self.origin();
        self.conn().execute(
            "UPDATE incidents SET status = 'closed', closed_at = ?2, closed_by = ?3 WHERE id = ?1",
            params![
                id.to_string(),
                origin.at.format(DATETIME).to_string(),
                origin.staff
            ],
        )?;
        Ok(())
    }

    /// (site, status, category) of an incident.
    fn incident_state(&self, id: Uuid) -> Result<(String, IncidentStatus, IncidentCategory)> {
        let row: Option<(String, String, String)> = self
            .conn()
            .query_row(
                "SELECT site_id, status, category FROM incidents WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (site, status, category) = row.ok_or(Error::NotFound("incident"))?;
        Ok((
            site,
            IncidentStatus::from_code(&status)?,
            IncidentCategory::from_code(&category)?,
        ))
    }

    /// The steps taken since the incident was last reopened.
    fn steps_taken(&self, id: Uuid) -> Result<Vec<IncidentStep>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT step FROM incident_steps WHERE incident_id = ?1 ORDER BY at, rowid",
        )?;
        let codes: Vec<String> = stmt
            .query_map([id.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut taken = Vec::new();
        for code in codes {
            let step = IncidentStep::from_code(&code)?;
            // A reopened incident needs its measures again, but the city was told already.
            if step == IncidentStep::Reopen {
                taken.retain(|s| *s == IncidentStep::FirstReport);
            } else {
                taken.push(step);
            }
        }
        Ok(taken)
    }

    fn missing_to_close(
        &self,
        id: Uuid,
        category: IncidentCategory,
    ) -> Result<Vec<IncidentMissing>> {
        let open: usize = self.conn().query_row(
            "SELECT count(*) FROM incident_followups WHERE incident_id = ?1 AND done_on IS NULL",
            [id.to_string()],
            |r| r.get(0),
        )?;
        Ok(missing_to_close(category, &self.steps_taken(id)?, open))
    }

    /// An incident with its steps, follow-ups and, when this PC holds them, its words
    /// (reading them is audited).
    pub fn incident(&self, id: Uuid) -> Result<Incident> {
        self.require(Permission::ReportIncident)?;
        let mut incident = self.load_incident(id)?;
        if incident.texts_here {
            self.audit_read("incident", &incident.number)?;
            self.fill_incident_texts(&mut incident)?;
        }
        Ok(incident)
    }

    /// The incident with this number.
    pub fn incident_by_number(&self, number: &str) -> Result<Incident> {
        self.require(Permission::ReportIncident)?;
        let id: Option<String> = self
            .conn()
            .query_row(
                "SELECT id FROM incidents WHERE number = ?1",
                [number.trim().to_uppercase()],
                |r| r.get(0),
            )
            .optional()?;
        self.incident(parse_id(&id.ok_or(Error::NotFound("incident"))?)?)
    }

    /// Every incident without its words: not closed first (oldest found first), then closed
    /// ones, newest first.
    pub fn incidents(&self) -> Result<Vec<Incident>> {
        self.require(Permission::ReportIncident)?;
        let ids = self.incident_ids(
            "SELECT id FROM incidents
             ORDER BY status = 'closed', CASE WHEN status = 'closed' THEN '' ELSE detected_at END, detected_at DESC",
            [],
        )?;
        ids.into_iter().map(|id| self.load_incident(id)).collect()
    }

    /// The incidents found `from` ..= `to`, and those found before and not closed by then,
    /// without their words: what a report on the period lists (codes only).
    pub fn incidents_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Incident>> {
        self.require(Permission::ReportIncident)?;
        let end = (to + chrono::Days::new(1)).format(DATE).to_string();
        let ids = self.incident_ids(
            "SELECT id FROM incidents
             WHERE detected_at < ?2 AND (detected_at >= ?1 OR closed_at IS NULL OR closed_at >= ?1)
             ORDER BY detected_at",
            params![from.format(DATE).to_string(), end],
        )?;
        ids.into_iter().map(|id| self.load_incident(id)).collect()
    }

    /// The incidents a monthly report lists for `first ..= last` (事故・トラブル): those found in
    /// the month and those found before its end and not closed by then, oldest found first,
    /// without their words. No permission check: `monthly_report` checks its own.
    pub(crate) fn incidents_for_month(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<Incident>> {
        let end = (last + chrono::Days::new(1)).format(DATE).to_string();
        let ids = self.incident_ids(
            "SELECT id FROM incidents
             WHERE detected_at < ?2 AND (detected_at >= ?1 OR closed_at IS NULL OR closed_at >= ?2)
             ORDER BY detected_at, number",
            params![first.format(DATE).to_string(), end],
        )?;
        ids.into_iter().map(|id| self.load_incident(id)).collect()
    }

    /// The incidents not closed, for the board (the 対応中の事故 card): personal data first
    /// (a red banner with the minutes since detection and the city's seven steps), then by
    /// due time.
    pub fn open_incidents(&self) -> Result<Vec<OpenIncident>> {
        self.require(Permission::ReportIncident)?;
        let ids = self.incident_ids(
            "SELECT id FROM incidents WHERE status <> 'closed'
             ORDER BY category <> 'personal_data', report_due_at, detected_at",
            [],
        )?;
        let now = self.now();
        ids.into_iter()
            .map(|id| {
                let i = self.load_incident(id)?;
                let taken = self.steps_taken(id)?;
                let urgent = i.category == IncidentCategory::PersonalData;
                Ok(OpenIncident {
                    id,
                    number: i.number,
                    site: i.site,
                    category: i.category,
                    kind: i.kind,
                    status: i.status,
                    detected_at: i.detected_at,
                    minutes_since_detection: (now - i.detected_at).num_minutes().max(0),
                    report_due_at: i.report_due_at,
                    overdue: i.first_reported_at.is_none() && now > i.report_due_at,
                    urgent,
                    city_steps: if urgent {
                        CITY_STEPS
                            .iter()
                            .map(|s| CityStepState {
                                step: *s,
                                done: taken.contains(s),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect()
    }

    fn incident_ids(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Uuid>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let ids: Vec<String> = stmt
            .query_map(params, |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|s| parse_id(s)).collect()
    }

    /// The incident without its words.
    fn load_incident(&self, id: Uuid) -> Result<Incident> {
        let key = id.to_string();
        let mut stmt = self.conn().prepare_cached(
            "SELECT number, site_id, category, kind, impact, occurred_at, detected_at, persons_affected,
                    documents_affected, minutes_stopped, status, report_due_at, first_reported_at,
                    report_channel, reported_to_title, cause_code, inquiry_id, opened_by, seat, closed_at, closed_by
             FROM incidents WHERE id = ?1",
        )?;
        let mut rows = stmt.query([&key])?;
        let r = rows.next()?.ok_or(Error::NotFound("incident"))?;
        let text = |i: usize| r.get::<_, String>(i);
        let opt = |i: usize| r.get::<_, Option<String>>(i);
        let site: SiteId = text(1)?
            .parse()
            .map_err(|_| Error::Invalid("stored site".into()))?;
        let mut incident = Incident {
            id,
            number: text(0)?,
            site: site.clone(),
            category: IncidentCategory::from_code(&text(2)?)?,
            kind: IncidentKind::from_code(&text(3)?)?,
            impact: IncidentImpact::from_code(&text(4)?)?,
            occurred_at: parse_at(&text(5)?)?,
            detected_at: parse_at(&text(6)?)?,
            persons_affected: r.get(7)?,
            documents_affected: r.get(8)?,
            minutes_stopped: r.get(9)?,
            status: IncidentStatus::from_code(&text(10)?)?,
            report_due_at: parse_at(&text(11)?)?,
            first_reported_at: opt(12)?.as_deref().map(parse_at).transpose()?,
            report_channel: opt(13)?
                .as_deref()
                .map(ReportChannel::from_code)
                .transpose()?,
            reported_to_title: opt(14)?,
            cause: opt(15)?
                .as_deref()
                .map(IncidentCause::from_code)
                .transpose()?,
            inquiry_id: opt(16)?.as_deref().map(parse_id).transpose()?,
            opened_by: text(17)?,
            seat: text(18)?,
            closed_at: opt(19)?.as_deref().map(parse_at).transpose()?,
            closed_by: opt(20)?,
            steps: Vec::new(),
            followups: Vec::new(),
            missing: Vec::new(),
            texts_here: self.holding()?.holds_row(site.as_str(), None),
            description: None,
        };
        drop(rows);
        let mut steps = self.conn().prepare_cached(
            "SELECT id, at, step, code, count, title, staff FROM incident_steps
             WHERE incident_id = ?1 ORDER BY at, rowid",
        )?;
        let rows = steps.query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<u32>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        for row in rows {
            let (sid, at, step, code, count, title, staff) = row?;
            incident.steps.push(IncidentStepRecord {
                id: parse_id(&sid)?,
                at: parse_at(&at)?,
                step: IncidentStep::from_code(&step)?,
                code,
                count,
                title,
                staff,
                words: None,
            });
        }
        let mut followups = self.conn().prepare_cached(
            "SELECT id, what, due_on, done_on, done_by FROM incident_followups
             WHERE incident_id = ?1 ORDER BY due_on, rowid",
        )?;
        let rows = followups.query_map([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (fid, what, due_on, done_on, done_by) = row?;
            incident.followups.push(IncidentFollowup {
                id: parse_id(&fid)?,
                what: FollowupWhat::from_code(&what)?,
                due_on: super::super::parse_date(&due_on)?,
                done_on: done_on
                    .as_deref()
                    .map(super::super::parse_date)
                    .transpose()?,
                done_by,
            });
        }
        if incident.status != IncidentStatus::Closed {
            incident.missing = self.missing_to_close(id, incident.category)?;
        }
        Ok(incident)
    }

    fn fill_incident_texts(&self, incident: &mut Incident) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, field, text FROM incident_texts WHERE incident_id = ?1")?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map([incident.id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (id, field, text) in rows {
            let id = parse_id(&id)?;
            if field == "description" {
                incident.description = Some(Personal::new(text));
            } else if let Some(step) = incident.steps.iter_mut().find(|s| s.id == id) {
                step.words = Some(Personal::new(text));
            }
        }
        Ok(())
    }
}

fn parse_id(s: &str) -> Result<Uuid> {
    s.parse()
        .map_err(|_| Error::Invalid("stored incident id".into()))
}

fn parse_at(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, DATETIME)
        .map_err(|e| Error::Invalid(format!("stored time {s:?}: {e}")))
}
