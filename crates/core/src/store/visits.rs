//! The counter workflow in the store: each case (person of a checked-in reservation) from
//! waiting to completed / revisit / cancelled, with every step kept (who handed what to whom
//! and when), live queue figures, the handoff queue for city staff, and the daily reconciliation
//! of application forms.
use crate::mutation::{Mutation, VisitMutation};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{reservations::Outcome, Store, DATE, DATETIME};
use crate::{
    reason::{self, ReasonKind},
    reservation::Procedure,
    reservation_number::ReservationNumber,
    secret::Personal,
    visit::{self, VisitFacts, VisitState, VisitStep},
    Error, Result,
};

/// One case as the queue, seat and handoff screens show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CaseView {
    /// Reservation number.
    pub number: ReservationNumber,
    /// Person in the reservation (0-based).
    pub position: u32,
    /// Name in kana.
    pub name_kana: Personal,
    /// Procedures.
    pub procedures: Vec<Procedure>,
    /// Where it stands.
    pub state: VisitState,
    /// Booked slot start (HH:MM:SS).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub starts: chrono::NaiveTime,
    /// Checked in late (served after those on time).
    pub late: bool,
    /// Seat it was called to.
    pub seat_no: Option<u32>,
    /// Staff ID of the city staff member holding the bundle.
    pub handed_to: Option<String>,
    /// Their name from the roster.
    pub handed_to_name: Option<String>,
    /// Check-in time.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub checked_in_at: NaiveDateTime,
    /// Called time.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub called_at: Option<NaiveDateTime>,
    /// Handed-over time.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub handed_at: Option<NaiveDateTime>,
    /// Minutes waited: check-in → called, or → now while waiting.
    pub waiting_minutes: u32,
    /// Minutes of service: called → handed over (or → now while at the seat).
    pub service_minutes: Option<u32>,
    /// Staff's words on why it ended as a revisit or cancellation (the store only).
    pub end_reason: String,
    /// The code of why it ended as a revisit or cancellation (empty while open).
    pub end_code: String,
    /// The documents its bundle must hold (the city's list for its procedures).
    pub bundle_items: Vec<String>,
}

/// What the city specifies for one procedure's case bundle (seed 000 §5(2)イ-E).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ProcedureBundle {
    /// The procedure.
    pub procedure: Procedure,
    /// Application forms one case of it produces (申請書の枚数), for the daily count.
    pub forms: u32,
    /// Documents the bundle must hold, in the order staff put them together.
    pub items: Vec<String>,
}

/// One step as recorded (the chain of custody).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VisitEvent {
    /// The step with its details.
    pub step: VisitStep,
    /// The state after it.
    pub state_after: VisitState,
    /// When.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: NaiveDateTime,
    /// Which seat (PC) recorded it.
    pub seat: String,
    /// Staff ID of who took the step (for an acknowledgment, the city staff member).
    pub staff: String,
}

/// The application forms of a day: the back office's count against the handoffs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    /// Day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
    /// Forms counted by the back office (none entered yet: `None`).
    pub counted: Option<u32>,
    /// Forms in the bundles handed to city staff that day.
    pub recorded: u32,
    /// counted − recorded (0 when they match).
    pub difference: Option<i32>,
    /// The code of the back office's explanation (empty when none was given).
    pub note_code: String,
    /// The back office's words (the store only; never on a report).
    pub note: String,
    /// The bundles behind `recorded`: reservation number, person, forms.
    pub cases: Vec<(ReservationNumber, u32, u32)>,
    /// Bundles handed over and not yet acknowledged by city staff.
    pub unacknowledged: Vec<CaseView>,
}

impl Store {
    /// Takes one step of a case now (seat and time recorded).
    pub fn visit_step(
        &self,
        number: ReservationNumber,
        position: u32,
        step: VisitStep,
    ) -> Result<CaseView> {
        self.execute(Mutation::Visit(VisitMutation::VisitStep {
            number,
            position,
            step,
            at: self.now(),
        }))?;
        self.case(number, position)
    }

    /// A step only city staff take (acknowledge, give items back, complete), proved with their
    /// own staff ID and PIN at whichever seat: the step is theirs, not the signed-in counter
    /// staff's. An acknowledgment is always in their own name.
    pub fn city_staff_step(
        &self,
        number: ReservationNumber,
        position: u32,
        step: VisitStep,
        code: &str,
        pin: &super::Pin,
    ) -> Result<CaseView> {
        self.require(crate::people::Permission::ReadPersonal)?;
        let member = self.check_pin(code, pin)?;
        let city = crate::people::Actor::Staff {
            code: member.code.clone(),
            name: member.name,
            role: member.role,
        };
        let mutation = Mutation::Visit(VisitMutation::VisitStep {
            number,
            position,
            step: match step {
                VisitStep::Acknowledge { .. } => VisitStep::Acknowledge { by: member.code },
                other => other,
            },
            at: self.now(),
        });
        self.execute_batch_as(Some(&city), std::slice::from_ref(&mutation))?
            .pop()
            .expect("one result per mutation")?;
        self.case(number, position)
    }

    /// Calls the next waiting person of today (on time first, then late, by booked time) to
    /// `seat_no`; `None` when nobody waits.
    pub fn call_next(&self, seat_no: u32) -> Result<Option<CaseView>> {
        let Some(next) = self
            .case_list(self.today())?
            .into_iter()
            .find(|c| c.state == VisitState::Waiting)
        else {
            return Ok(None);
        };
        self.visit_step(next.number, next.position, VisitStep::Call { seat_no })
            .map(Some)
    }

    /// One case.
    pub fn case(&self, number: ReservationNumber, position: u32) -> Result<CaseView> {
        self.require(crate::people::Permission::ReadPersonal)?;
        let id = self.reservation(number)?.id.to_string();
        self.case_views(
            "WHERE v.reservation_id = ?1 AND v.position = ?2",
            params![id, position],
        )?
        .into_iter()
        .next()
        .ok_or(Error::NotFound("case (the reservation is not checked in)"))
    }

    /// Every case of `day` in serving order (on time first, then late; by booked time, then
    /// check-in), with live waiting and service minutes.
    pub fn cases_on(&self, day: NaiveDate) -> Result<Vec<CaseView>> {
        self.audit_read("cases", &day.format(DATE).to_string())?;
        self.case_list(day)
    }

    /// The cases of `day` at this PC's site (its queue, its handoffs, its reconciliation).
    fn case_list(&self, day: NaiveDate) -> Result<Vec<CaseView>> {
        self.case_views(
            "WHERE v.day = ?1 AND v.site_id = ?2",
            params![day.format(DATE).to_string(), self.site()?.as_str()],
        )
    }

    /// Bundles held by city staff and not yet acknowledged (the handoff queue; at day end, the
    /// ones to chase).
    pub fn handoff_queue(&self, day: NaiveDate) -> Result<Vec<CaseView>> {
        self.require(crate::people::Permission::ReadPersonal)?;
        Ok(self
            .case_list(day)?
            .into_iter()
            .filter(|c| c.state == VisitState::HandedOver)
            .collect())
    }

    /// The steps of one case, oldest first.
    pub fn case_history(
        &self,
        number: ReservationNumber,
        position: u32,
    ) -> Result<Vec<VisitEvent>> {
        self.audit_read("case_history", &format!("{number} #{}", position + 1))?;
        let id = self.reservation(number)?.id.to_string();
        let mut stmt = self.conn().prepare_cached(
            "SELECT step, state_after, at, seat, staff FROM visit_events WHERE reservation_id = ?1 AND position = ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![id, position], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (step, state, at, seat, staff) = row?;
            Ok(VisitEvent {
                step: serde_json::from_str(&step)
                    .map_err(|e| Error::Invalid(format!("stored step: {e}")))?,
                state_after: state_from_code(&state)?,
                at: parse_datetime(&at)?,
                seat,
                staff,
            })
        })
        .collect()
    }

    /// Records the back office's count of application forms for `day`, with the code of why it
    /// differs (if it does) and any words.
    pub fn set_form_count(
        &self,
        day: NaiveDate,
        count: u32,
        code: Option<&str>,
        note: &str,
    ) -> Result<Reconciliation> {
        self.execute(Mutation::Visit(VisitMutation::SetFormCount {
            day,
            count,
            note: note.to_owned(),
            code: code.map(str::to_owned),
            at: self.now(),
            site: self.site()?,
        }))?;
        self.reconcile(day)
    }

    /// The day's count of application forms against the bundles handed to city staff.
    pub fn reconcile(&self, day: NaiveDate) -> Result<Reconciliation> {
        self.audit_read("reconcile", &day.format(DATE).to_string())?;
        let d = day.format(DATE).to_string();
        let forms: std::collections::HashMap<Procedure, u32> = self
            .procedure_bundles()?
            .into_iter()
            .map(|b| (b.procedure, b.forms))
            .collect();
        // A bundle counts once it has been handed over, whatever happened after (returned
        // items come back into the same bundle).
        let cases: Vec<(ReservationNumber, u32, u32)> = self
            .case_list(day)?
            .into_iter()
            .filter(|c| c.handed_at.is_some())
            .map(|c| {
                (
                    c.number,
                    c.position,
                    c.procedures
                        .iter()
                        .map(|p| forms.get(p).copied().unwrap_or(1))
                        .sum(),
                )
            })
            .collect();
        let recorded = cases.iter().map(|c| c.2).sum();
        let entered: Option<(u32, String, String)> = self
            .conn()
            .prepare_cached(
                "SELECT count, note, note_code FROM form_counts WHERE day = ?1 AND site_id = ?2",
            )?
            .query_row([d.as_str(), self.site()?.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (counted, note, note_code) = match entered {
            Some((c, n, code)) => (Some(c), n, code),
            None => (None, String::new(), String::new()),
        };
        Ok(Reconciliation {
            day,
            counted,
            recorded,
            difference: counted.map(|c| c as i32 - recorded as i32),
            note_code,
            note,
            cases,
            unacknowledged: self.handoff_queue(day)?,
        })
    }

    /// The city's bundle list and form count of every procedure.
    pub fn procedure_bundles(&self) -> Result<Vec<ProcedureBundle>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT code, forms, bundle_items FROM procedures ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (code, forms, items) = row?;
            Ok(ProcedureBundle {
                procedure: Procedure::from_code(&code)?,
                forms,
                items: serde_json::from_str(&items)
                    .map_err(|e| Error::Invalid(format!("stored bundle list: {e}")))?,
            })
        })
        .collect()
    }

    /// Changes what the city specifies for a procedure's bundle.
    pub fn set_procedure_bundle(&self, bundle: ProcedureBundle) -> Result<()> {
        self.execute(Mutation::Visit(VisitMutation::SetProcedureBundle {
            procedure: bundle.procedure,
            forms: bundle.forms,
            items: bundle.items,
        }))
        .map(drop)
    }

    /// The documents a bundle for these procedures must hold: each procedure's list in order,
    /// a document shared by two procedures once.
    pub fn bundle_items(&self, procedures: &[Procedure]) -> Result<Vec<String>> {
        let bundles = self.procedure_bundles()?;
        Ok(merged_items(&bundles, procedures))
    }

    /// The codes the city added to the reason lists (retired ones included).
    pub fn city_reasons(&self) -> Result<Vec<crate::reason::CityReason>> {
        let json: String =
            self.conn()
                .query_row("SELECT city_reasons FROM booking_rules", [], |r| r.get(0))?;
        serde_json::from_str(&json).map_err(|e| Error::Invalid(format!("stored reasons: {e}")))
    }

    /// Sets the codes the city added to the reason lists (manager / deputy). A code already
    /// in use cannot be dropped, only retired (`active: false`), so old cases keep a label.
    pub fn set_city_reasons(&self, reasons: Vec<crate::reason::CityReason>) -> Result<()> {
        self.execute(Mutation::Visit(VisitMutation::SetCityReasons { reasons }))
            .map(drop)
    }

    /// Applies a counter workflow change (the visit domain's mutations).
    pub(super) fn apply_visit(&self, m: &VisitMutation) -> Result<Outcome> {
        match m {
            VisitMutation::VisitStep {
                number,
                position,
                step,
                at,
            } => self.apply_visit_step(*number, *position, step, *at),
            VisitMutation::SetFormCount {
                day,
                count,
                note,
                code,
                at,
                site,
            } => self.apply_form_count(site, *day, *count, code.as_deref(), note, *at),
            VisitMutation::SetCityReasons { reasons } => self.apply_city_reasons(reasons),
            VisitMutation::SetProcedureBundle {
                procedure,
                forms,
                items,
            } => self.apply_procedure_bundle(*procedure, *forms, items),
        }
    }

    fn apply_city_reasons(&self, reasons: &[crate::reason::CityReason]) -> Result<Outcome> {
        let mut seen = std::collections::BTreeSet::new();
        for r in reasons {
            r.check()?;
            if !seen.insert((r.kind, r.code.as_str())) {
                return Err(Error::Invalid(format!("reason code {} twice", r.code)));
            }
        }
        for old in self.city_reasons()? {
            if !seen.contains(&(old.kind, old.code.as_str())) {
                return Err(Error::NotAllowed(format!(
                    "reason code {} was in use: retire it instead of removing it",
                    old.code
                )));
            }
        }
        self.conn().execute(
            "UPDATE booking_rules SET city_reasons = ?1",
            [serde_json::to_string(reasons).map_err(|e| Error::Invalid(e.to_string()))?],
        )?;
        Ok(Outcome::PlanChanged {
            needs_follow_up: Vec::new(),
        })
    }

    pub(super) fn apply_procedure_bundle(
        &self,
        procedure: Procedure,
        forms: u32,
        items: &[String],
    ) -> Result<Outcome> {
        if forms > 10 {
            return Err(Error::Invalid(
                "a case counts 0 to 10 application forms".into(),
            ));
        }
        let items: Vec<&str> = items
            .iter()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty())
            .collect();
        for item in &items {
            crate::limits::BUNDLE_DOCUMENT.check(item)?;
        }
        if items.is_empty() {
            return Err(Error::Invalid(
                "a bundle lists at least one document".into(),
            ));
        }
        self.conn().execute(
            "UPDATE procedures SET forms = ?2, bundle_items = ?3 WHERE code = ?1",
            params![
                procedure.code(),
                forms,
                serde_json::to_string(&items).map_err(|e| Error::Invalid(e.to_string()))?
            ],
        )?;
        Ok(Outcome::PlanChanged {
            needs_follow_up: Vec::new(),
        })
    }

    /// Inside a check-in (or a walk-in seated): one waiting case per person.
    pub(super) fn open_cases(&self, number: ReservationNumber, at: NaiveDateTime) -> Result<()> {
        let r = self.reservation(number)?;
        for position in 0..r.people.len() {
            self.conn().execute(
                "INSERT OR IGNORE INTO visits (reservation_id, position, day, state, checked_in_at, last_at, site_id)
                 VALUES (?1, ?2, ?3, 'waiting', ?4, ?4, (SELECT site_id FROM reservations WHERE id = ?1))",
                params![r.id.to_string(), position as u32, r.day.format(DATE).to_string(), at.format(DATETIME).to_string()],
            )?;
        }
        Ok(())
    }

    pub(super) fn apply_visit_step(
        &self,
        number: ReservationNumber,
        position: u32,
        step: &VisitStep,
        at: NaiveDateTime,
    ) -> Result<Outcome> {
        // Lengths first, whatever the case's state ([`crate::limits`]).
        let documents = |items: &[String]| {
            items
                .iter()
                .try_for_each(|i| crate::limits::BUNDLE_DOCUMENT.check(i))
        };
        match step {
            VisitStep::PrepareBundle { items } => documents(items)?,
            VisitStep::ReturnItems { items, note } => {
                documents(items)?;
                crate::limits::RETURN_NOTE.check(note)?
            }
            VisitStep::Revisit { reason, .. } => crate::limits::REVISIT_REASON.check(reason)?,
            VisitStep::Cancel { reason, .. } => crate::limits::CANCEL_REASON.check(reason)?,
            _ => {}
        }
        let r = self.reservation(number)?;
        let id = r.id.to_string();
        let (state, handed_to, last_at): (String, Option<String>, String) = self
            .conn()
            .query_row(
                "SELECT state, handed_to, last_at FROM visits WHERE reservation_id = ?1 AND position = ?2",
                params![id, position],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?
            .ok_or(Error::NotFound("case (the reservation is not checked in)"))?;
        let checklist_ready: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM checklist_outcomes WHERE reservation_id = ?1 AND position = ?2 AND outcome = 'ready')",
            params![id, position],
            |row| row.get(0),
        )?;
        let facts = VisitFacts {
            checklist_ready,
            handed_to,
            last_at: Some(parse_datetime(&last_at)?),
        };
        let after = visit::next(state_from_code(&state)?, &facts, step, at)?;
        match step {
            VisitStep::Revisit { reason, code } => reason::check(
                ReasonKind::Revisit,
                code.as_deref(),
                reason,
                &self.city_reasons()?,
            )?,
            VisitStep::Cancel { reason, code } => reason::check(
                ReasonKind::Cancel,
                code.as_deref(),
                reason,
                &self.city_reasons()?,
            )?,
            VisitStep::ReturnItems { note, .. } => {
                crate::my_number::refuse_in_text("return note", note)?
            }
            _ => {}
        }
        if let VisitStep::HandOver { to } = step {
            let city = self.staff_member(to.trim()).ok();
            if !city.is_some_and(|m| m.active && m.role == crate::people::Role::CityStaff) {
                return Err(Error::NotAllowed(
                    "a bundle is handed to a city staff member on the roster".into(),
                ));
            }
        }
        if let VisitStep::PrepareBundle { items } = step {
            let person = r
                .people
                .get(position as usize)
                .ok_or(Error::NotFound("person"))?;
            let missing: Vec<String> = self
                .bundle_items(&person.procedures)?
                .into_iter()
                .filter(|need| !items.contains(need))
                .collect();
            if !missing.is_empty() {
                return Err(Error::NotAllowed(format!(
                    "the bundle lacks {} of the city's documents",
                    missing.len()
                )));
            }
        }
        let t = at.format(DATETIME).to_string();
        let (set, value): (&str, Option<String>) = match step {
            VisitStep::Call { seat_no } => {
                ("seat_no = ?5, called_at = ?4", Some(seat_no.to_string()))
            }
            VisitStep::HandOver { to } => (
                "handed_to = ?5, handed_at = coalesce(handed_at, ?4)",
                Some(to.clone()),
            ),
            VisitStep::Acknowledge { .. } => ("acknowledged_at = ?4", None),
            VisitStep::ReturnItems { .. } => ("handed_to = NULL, acknowledged_at = NULL", None),
            VisitStep::Complete => ("ended_at = ?4", None),
            VisitStep::Revisit { reason, .. } | VisitStep::Cancel { reason, .. } => (
                "ended_at = ?4, end_reason = ?5, end_code = ?6",
                Some(reason.clone()),
            ),
            _ => ("last_at = last_at", None),
        };
        let sql = format!("UPDATE visits SET state = ?3, last_at = ?4, {set} WHERE reservation_id = ?1 AND position = ?2");
        let end_code = match step {
            VisitStep::Revisit { code, .. } | VisitStep::Cancel { code, .. } => {
                Some(reason::effective(code.as_deref()).to_owned())
            }
            _ => None,
        };
        match (value, end_code) {
            (Some(v), Some(code)) => self
                .conn()
                .execute(&sql, params![id, position, after.code(), t, v, code])?,
            (Some(v), None) => self
                .conn()
                .execute(&sql, params![id, position, after.code(), t, v])?,
            (None, _) => self
                .conn()
                .execute(&sql, params![id, position, after.code(), t])?,
        };
        let origin = self.origin();
        self.conn().execute(
            "INSERT INTO visit_events (reservation_id, position, step, state_after, at, seat, staff, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT site_id FROM reservations WHERE id = ?1))",
            params![
                id,
                position,
                serde_json::to_string(step).map_err(|e| Error::Invalid(e.to_string()))?,
                after.code(),
                t,
                origin.seat,
                origin.staff
            ],
        )?;
        Ok(Outcome::Reservation(r))
    }

    pub(super) fn apply_form_count(
        &self,
        site: &crate::site::SiteId,
        day: NaiveDate,
        count: u32,
        code: Option<&str>,
        note: &str,
        at: NaiveDateTime,
    ) -> Result<Outcome> {
        crate::my_number::refuse_in_text(ReasonKind::FormDifference.field(), note)?;
        if let Some(code) = code {
            reason::check_code(ReasonKind::FormDifference, code, &self.city_reasons()?)?;
        }
        // Words alone (as stored before codes) count as "other"; no words and no code: none.
        let code = match code {
            Some(c) => c,
            None if note.trim().is_empty() => "",
            None => reason::OTHER,
        };
        self.check_site(site)?;
        self.conn().execute(
            "INSERT INTO form_counts (site_id, day, count, note, note_code, entered_by, entered_at) VALUES (?7, ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (site_id, day) DO UPDATE SET count = excluded.count, note = excluded.note, note_code = excluded.note_code,
                 entered_by = excluded.entered_by, entered_at = excluded.entered_at",
            params![day.format(DATE).to_string(), count, note, code, self.origin().seat, at.format(DATETIME).to_string(), site.as_str()],
        )?;
        Ok(Outcome::PlanChanged {
            needs_follow_up: Vec::new(),
        })
    }

    fn case_views<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Vec<CaseView>> {
        let sql = format!(
            "SELECT r.number, v.position, v.state, v.seat_no, v.handed_to, v.checked_in_at, v.called_at, v.handed_at,
                    v.end_reason, r.late, r.starts, r.day, st.name, v.end_code
             FROM visits v JOIN reservations r ON r.id = v.reservation_id
             LEFT JOIN staff st ON st.code = v.handed_to
             {filter}
             ORDER BY r.late, r.starts, v.checked_in_at, r.id, v.position"
        );
        let now = self.now();
        let bundles = self.procedure_bundles()?;
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<u32>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, bool>(9)?,
                r.get::<_, String>(10)?,
                r.get::<_, String>(11)?,
                r.get::<_, Option<String>>(12)?,
                r.get::<_, String>(13)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                number,
                position,
                state,
                seat_no,
                handed_to,
                checked_in,
                called,
                handed,
                end_reason,
                late,
                starts,
                _day,
                handed_to_name,
                end_code,
            ) = row?;
            let number = ReservationNumber::from_i64(number)?;
            let person = self
                .reservation(number)?
                .people
                .into_iter()
                .nth(position as usize)
                .ok_or(Error::NotFound("person"))?;
            let checked_in_at = parse_datetime(&checked_in)?;
            let called_at = called.as_deref().map(parse_datetime).transpose()?;
            let handed_at = handed.as_deref().map(parse_datetime).transpose()?;
            let state = state_from_code(&state)?;
            let minutes = |from: NaiveDateTime, to: NaiveDateTime| {
                u32::try_from((to - from).num_minutes().max(0)).unwrap_or(u32::MAX)
            };
            out.push(CaseView {
                number,
                position,
                name_kana: person.name_kana,
                bundle_items: merged_items(&bundles, &person.procedures),
                procedures: person.procedures,
                state,
                starts: super::parse_time(&starts)?,
                late,
                seat_no,
                handed_to,
                handed_to_name,
                checked_in_at,
                called_at,
                handed_at,
                waiting_minutes: minutes(checked_in_at, called_at.unwrap_or(now)),
                service_minutes: called_at.map(|c| minutes(c, handed_at.unwrap_or(now))),
                end_reason,
                end_code,
            });
        }
        Ok(out)
    }
}

/// Each procedure's documents in order, a document shared by two procedures once.
fn merged_items(bundles: &[ProcedureBundle], procedures: &[Procedure]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in bundles.iter().filter(|b| procedures.contains(&b.procedure)) {
        for item in &b.items {
            if !out.contains(item) {
                out.push(item.clone());
            }
        }
    }
    out
}

pub(super) fn parse_datetime(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, DATETIME)
        .map_err(|e| Error::Invalid(format!("stored time {s:?}: {e}")))
}

pub(super) fn state_from_code(code: &str) -> Result<VisitState> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|e| Error::Invalid(format!("stored visit state: {e}")))
}
