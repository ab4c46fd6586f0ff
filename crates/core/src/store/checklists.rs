//! Per-case document checklists in the store: the phone intake answers (recorded with the
//! booking), the counter checklist (each mark's history: who, when), the outcome (ready or
//! revisit with the reason), and a second visit picking up the first one's record.
use crate::mutation::{ChecklistMutation, Mutation, ReservationMutation};
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{reservations::Outcome, ReservationSummary, Store, DATETIME};
use crate::site::SiteId;
use crate::{
    checklist::{CaseInput, CheckOutcome, Evaluation, IntakeScript, Mark, Rules, Stage},
    reservation::{ApplicantType, Book, Channel, PhoneIntake, Procedure},
    reservation_number::ReservationNumber,
    secret::Personal,
    store::NewApplicant,
    Error, Result,
};

/// One person's checklist as the counter screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PersonChecklist {
    /// Position in the reservation (0-based).
    pub position: u32,
    /// Name in kana.
    pub name_kana: Personal,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// What for.
    pub procedures: Vec<Procedure>,
    /// The phone intake, judged as on the phone (absent when none was taken).
    pub phone: Option<Evaluation>,
    /// The counter input so far (from the counter record, else the first visit's, else the
    /// phone answers' facts).
    pub counter_input: CaseInput,
    /// The counter input, judged at the counter.
    pub counter: Evaluation,
    /// The counter input came from the first visit (a revisit).
    pub carried_over: bool,
    /// The decision, once made.
    pub outcome: Option<CheckOutcome>,
    /// The intake script for these procedures, for asking again.
    pub script: IntakeScript,
}

/// A reservation's checklists.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReservationChecklist {
    /// The reservation.
    pub reservation: ReservationSummary,
    /// The first visit, if this is a revisit.
    pub revisit_of: Option<ReservationNumber>,
    /// One per person.
    pub people: Vec<PersonChecklist>,
    /// Identity documents staff can pick from.
    pub documents: Vec<crate::checklist::DocumentKind>,
}

/// The rules to use when a store opens: the city's override if it is valid (remembered as the
/// last good one), else the last good override, else the bundled rules.
pub(super) fn load_rules(
    conn: &rusqlite::Connection,
    dir: &crate::DataDir,
) -> (Rules, Option<Error>) {
    let cached: Option<String> = conn
        .query_row("SELECT text FROM checklist_rules_cache", [], |r| r.get(0))
        .optional()
        .ok()
        .flatten();
    let last_good = cached
        .as_deref()
        .and_then(|text| Rules::parse(text, "last good rules").ok())
        .unwrap_or_else(|| Rules::bundled().clone());
    let path = dir.checklist_rules();
    // Write only when something changed: opening a store must not write to it.
    if !path.exists() {
        // No override (any more): the national defaults, and nothing to fall back to later.
        if cached.is_some() {
            if let Err(e) = conn.execute("DELETE FROM checklist_rules_cache", []) {
                tracing::warn!("could not forget the checklist rules: {e}");
            }
        }
        return (Rules::bundled().clone(), None);
    }
    let (rules, error) = Rules::load_override(&path, &last_good);
    match std::fs::read_to_string(&path) {
        Ok(text) if error.is_none() && cached.as_deref() != Some(text.as_str()) => {
            let sql = "INSERT INTO checklist_rules_cache (id, text) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET text = excluded.text";
            if let Err(e) = conn.execute(sql, [text]) {
                tracing::warn!("could not remember the checklist rules: {e}");
            }
        }
        _ => {}
    }
    (rules, error)
}

/// The fact that says a visit is the second of a case (see assets/checklist/rules.toml).
const SECOND_VISIT: &str = "second_visit";

impl Store {
    /// The checklist rules in force (bundled, or the city's override).
    pub fn checklist_rules(&self) -> &Rules {
        &self.rules
    }

    /// Re-reads the city's override; a broken file is reported and the rules in force stay.
    pub fn reload_checklist_rules(&mut self) -> Result<()> {
        let (rules, error) = load_rules(&self.conn, &self.dir);
        self.rules = rules;
        self.rules_error = error.as_ref().map(|e| e.to_string());
        error.map_or(Ok(()), Err)
    }

    /// Books like [`Store::book`], with the phone intake answers (and, for a second visit,
    /// the first reservation) in the same mutation.
    #[allow(clippy::too_many_arguments)]
    pub fn book_with_intake(
        &self,
        day: chrono::NaiveDate,
        starts: chrono::NaiveTime,
        channel: Channel,
        people: Vec<(NewApplicant, ApplicantType, Vec<Procedure>)>,
        notes: &str,
        intake: Vec<PhoneIntake>,
        revisit_of: Option<ReservationNumber>,
    ) -> Result<ReservationSummary> {
        let site = self.site()?;
        self.book_at_site(
            &site, day, starts, channel, people, notes, intake, revisit_of,
        )
    }

    /// [`Store::book_with_intake`] for another site (the call center books for every site; a
    /// counter books a citizen who prefers the station counter there).
    #[allow(clippy::too_many_arguments)]
    pub fn book_at_site(
        &self,
        site: &SiteId,
        day: chrono::NaiveDate,
        starts: chrono::NaiveTime,
        channel: Channel,
        people: Vec<(NewApplicant, ApplicantType, Vec<Procedure>)>,
        notes: &str,
        intake: Vec<PhoneIntake>,
        revisit_of: Option<ReservationNumber>,
    ) -> Result<ReservationSummary> {
        self.check_not_sealed_for(site, &self.site()?)?;
        self.check_booking_rules(
            day,
            starts,
            channel,
            people.iter().map(|(a, _, _)| a),
            revisit_of,
        )?;
        if let Some(first) = revisit_of {
            self.reservation(first)?;
        }
        let mut book = Book::new(self.fresh_number()?, day, starts, channel, people, notes);
        book.site = site.clone();
        book.desk = self.booking_desk()?;
        book.intake = intake;
        book.revisit_of = revisit_of;
        match self.execute(Mutation::Reservation(ReservationMutation::Book(book)))? {
            Outcome::Reservation(r) => Ok(r),
            Outcome::PlanChanged { .. } => unreachable!("a booking returns its reservation"),
        }
    }

    /// Records one person's checklist at `stage` now.
    pub fn record_checklist(
        &self,
        number: ReservationNumber,
        position: u32,
        stage: Stage,
        input: CaseInput,
    ) -> Result<ReservationChecklist> {
        self.execute(Mutation::Checklist(ChecklistMutation::RecordChecklist {
            number,
            position,
            stage,
            input,
            at: self.now(),
        }))?;
        self.checklist(number)
    }

    /// Records the counter's decision. "Ready" is refused while the counter checklist still
    /// misses something; "revisit" needs a reason and lists what is missing.
    pub fn record_check_outcome(
        &self,
        number: ReservationNumber,
        position: u32,
        outcome: CheckOutcome,
    ) -> Result<ReservationChecklist> {
        let current = self.checklist(number)?;
        let person = current
            .people
            .iter()
            .find(|p| p.position == position)
            .ok_or(Error::NotFound("person"))?;
        match &outcome {
            CheckOutcome::Ready if !person.counter.ready => {
                return Err(Error::NotAllowed(format!(
                    "items still missing: {}",
                    person.counter.missing.join(", ")
                )))
            }
            CheckOutcome::Revisit { reason, code, .. }
                if code.is_none() && reason.trim().is_empty() =>
            {
                return Err(Error::Invalid("a revisit needs a reason".into()))
            }
            _ => {}
        }
        self.execute(Mutation::Checklist(ChecklistMutation::RecordCheckOutcome {
            number,
            position,
            outcome,
            at: self.now(),
        }))?;
        self.checklist(number)
    }

    /// Everything the counter checklist screen shows for a reservation.
    pub fn checklist(&self, number: ReservationNumber) -> Result<ReservationChecklist> {
        self.audit_read("checklist", &number.to_string())?;
        let reservation = self.reservation(number)?;
        let id = reservation.id.to_string();
        let first: Option<String> = self.conn().query_row(
            "SELECT revisit_of FROM reservations WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        let revisit_of = match &first {
            Some(first_id) => Some(ReservationNumber::from_i64(self.conn().query_row(
                "SELECT number FROM reservations WHERE id = ?1",
                [first_id],
                |r| r.get(0),
            )?)?),
            None => None,
        };
        let mut people = Vec::new();
        for (position, person) in reservation.people.iter().enumerate() {
            let position = position as u32;
            let base = CaseInput {
                procedures: person.procedures.clone(),
                applicant_type: person.applicant_type,
                date: Some(reservation.day),
                ..CaseInput::default()
            };
            // Judged by the rules in force on the day of this visit, not the day it is looked at.
            let with_base = |input: CaseInput| CaseInput {
                procedures: base.procedures.clone(),
                applicant_type: base.applicant_type,
                date: Some(reservation.day),
                ..input
            };
            let phone_input = self
                .stored_input(&id, position, Stage::Phone)?
                .map(with_base);
            let (mut counter_input, carried_over) =
                match self.stored_input(&id, position, Stage::Counter)? {
                    Some(input) => (with_base(input), false),
                    None => match first
                        .as_ref()
                        .map(|f| self.stored_input(f, position, Stage::Counter))
                        .transpose()?
                        .flatten()
                    {
                        Some(input) => (with_base(input), true),
                        None => (
                            CaseInput {
                                facts: phone_input
                                    .as_ref()
                                    .map(|p| p.facts.clone())
                                    .unwrap_or_default(),
                                ..base.clone()
                            },
                            false,
                        ),
                    },
                };
            if first.is_some() {
                // Booked as the second visit of a case (文書照会, a pickup): the rules' second-visit
                // path applies without anyone having to say so again.
                counter_input
                    .facts
                    .entry(SECOND_VISIT.to_owned())
                    .or_insert(true);
            }
            people.push(PersonChecklist {
                position,
                name_kana: person.name_kana.clone(),
                applicant_type: person.applicant_type,
                procedures: person.procedures.clone(),
                phone: phone_input
                    .as_ref()
                    .map(|i| self.rules.evaluate(i, Stage::Phone)),
                counter: self.rules.evaluate(&counter_input, Stage::Counter),
                script: self.rules.intake_script_on(
                    &person.procedures,
                    person.applicant_type,
                    &counter_input.facts,
                    reservation.day,
                ),
                counter_input,
                carried_over,
                outcome: self.stored_outcome(&id, position)?,
            });
        }
        Ok(ReservationChecklist {
            reservation,
            revisit_of,
            people,
            documents: self.rules.documents.clone(),
        })
    }

    fn stored_input(
        &self,
        reservation_id: &str,
        position: u32,
        stage: Stage,
    ) -> Result<Option<CaseInput>> {
        let json: Option<String> = self
            .conn()
            .prepare_cached("SELECT input FROM checklists WHERE reservation_id = ?1 AND position = ?2 AND stage = ?3")?
            .query_row(params![reservation_id, position, stage_code(stage)], |r| r.get(0))
            .optional()?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| Error::Invalid(format!("stored checklist: {e}")))
        })
        .transpose()
    }

    fn stored_outcome(&self, reservation_id: &str, position: u32) -> Result<Option<CheckOutcome>> {
        let row: Option<(String, String, String, String)> = self
            .conn()
            .prepare_cached("SELECT outcome, reason, missing, reason_code FROM checklist_outcomes WHERE reservation_id = ?1 AND position = ?2")?
            .query_row(params![reservation_id, position], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        Ok(
            row.map(|(outcome, reason, missing, code)| match outcome.as_str() {
                "ready" => CheckOutcome::Ready,
                _ => CheckOutcome::Revisit {
                    reason,
                    missing: serde_json::from_str(&missing).unwrap_or_default(),
                    code: Some(crate::reason::effective(Some(&code)).to_owned()),
                },
            }),
        )
    }

    /// Inside a booking: store each person's phone answers.
    pub(super) fn apply_intake(&self, book: &Book) -> Result<()> {
        let at = self.origin().at;
        for intake in &book.intake {
            if intake.position as usize >= book.people.len() {
                return Err(Error::Invalid(format!(
                    "intake for person {} of {}",
                    intake.position + 1,
                    book.people.len()
                )));
            }
            let input = CaseInput {
                facts: intake.facts.clone(),
                marks: intake.marks.clone(),
                ..CaseInput::default()
            };
            self.save_checklist(
                &book.id.to_string(),
                intake.position,
                Stage::Phone,
                &input,
                at,
            )?;
        }
        if let Some(first) = book.revisit_of {
            // A PC of one site holds its site's bookings only: a revisit pointing at a
            // booking of another site could not be kept there.
            if self.site_of_reservation(first)? != book.site {
                return Err(Error::NotAllowed(
                    "a revisit is booked at the site of the first visit".into(),
                ));
            }
            let first = self.reservation(first)?;
            self.conn().execute(
                "UPDATE reservations SET revisit_of = ?2 WHERE id = ?1",
                params![book.id.to_string(), first.id.to_string()],
            )?;
        }
        Ok(())
    }

    /// Applies a checklist change (the checklist domain's mutations).
    pub(super) fn apply_checklist(&self, m: &ChecklistMutation) -> Result<Outcome> {
        match m {
            ChecklistMutation::RecordChecklist {
                number,
                position,
                stage,
                input,
                at,
            } => self.apply_record_checklist(*number, *position, *stage, input, *at),
            ChecklistMutation::RecordCheckOutcome {
                number,
                position,
                outcome,
                at,
            } => self.apply_check_outcome(*number, *position, outcome, *at),
        }
    }

    pub(super) fn apply_record_checklist(
        &self,
        number: ReservationNumber,
        position: u32,
        stage: Stage,
        input: &CaseInput,
        at: NaiveDateTime,
    ) -> Result<Outcome> {
        let reservation = self.reservation(number)?;
        if position as usize >= reservation.people.len() {
            return Err(Error::NotFound("person"));
        }
        self.save_checklist(&reservation.id.to_string(), position, stage, input, at)?;
        Ok(Outcome::Reservation(reservation))
    }

    fn save_checklist(
        &self,
        reservation_id: &str,
        position: u32,
        stage: Stage,
        input: &CaseInput,
        at: NaiveDateTime,
    ) -> Result<()> {
        // Only what staff recorded is kept: procedures and type come from the reservation.
        let input = CaseInput {
            procedures: Vec::new(),
            applicant_type: ApplicantType::default(),
            ..input.clone()
        };
        for (item, _) in input.documents.iter().filter(|(_, docs)| !docs.is_empty()) {
            if self.rules.item(item).is_none() {
                return Err(Error::Invalid(format!("unknown checklist item {item:?}")));
            }
        }
        let before: BTreeMap<String, Mark> = self
            .stored_input(reservation_id, position, stage)?
            .map(|i| i.marks)
            .unwrap_or_default();
        let by = self.origin().seat;
        let at = at.format(DATETIME).to_string();
        for (item, mark) in &input.marks {
            if before.get(item) != Some(mark) {
                self.conn().execute(
                    "INSERT INTO checklist_marks (reservation_id, position, stage, item, mark, recorded_by, recorded_at, site_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT site_id FROM reservations WHERE id = ?1))",
                    params![reservation_id, position, stage_code(stage), item, mark_code(*mark), by, at],
                )?;
            }
        }
        let json = serde_json::to_string(&input).map_err(|e| Error::Invalid(e.to_string()))?;
        self.conn().execute(
            "INSERT INTO checklists (reservation_id, position, stage, input, recorded_by, recorded_at, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT site_id FROM reservations WHERE id = ?1))
             ON CONFLICT (reservation_id, position, stage) DO UPDATE SET input = excluded.input,
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            params![reservation_id, position, stage_code(stage), json, by, at],
        )?;
        Ok(())
    }

    pub(super) fn apply_check_outcome(
        &self,
        number: ReservationNumber,
        position: u32,
        outcome: &CheckOutcome,
        at: NaiveDateTime,
    ) -> Result<Outcome> {
        let reservation = self.reservation(number)?;
        if position as usize >= reservation.people.len() {
            return Err(Error::NotFound("person"));
        }
        let (code, reason, missing, reason_code) = match outcome {
            CheckOutcome::Ready => ("ready", String::new(), Vec::new(), ""),
            CheckOutcome::Revisit {
                reason,
                missing,
                code,
            } => {
                crate::reason::check(
                    crate::reason::ReasonKind::Revisit,
                    code.as_deref(),
                    reason,
                    &self.city_reasons()?,
                )?;
                (
                    "revisit",
                    reason.clone(),
                    missing.clone(),
                    crate::reason::effective(code.as_deref()),
                )
            }
        };
        self.conn().execute(
            "INSERT INTO checklist_outcomes (reservation_id, position, outcome, reason, missing, rules_version, recorded_by, recorded_at, reason_code, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, (SELECT site_id FROM reservations WHERE id = ?1))
             ON CONFLICT (reservation_id, position) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, reason_code = excluded.reason_code,
                 missing = excluded.missing, rules_version = excluded.rules_version,
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            params![
                reservation.id.to_string(),
                position,
                code,
                reason,
                serde_json::to_string(&missing).map_err(|e| Error::Invalid(e.to_string()))?,
                self.rules.version,
                self.origin().seat,
                at.format(DATETIME).to_string(),
                reason_code
            ],
        )?;
        Ok(Outcome::Reservation(reservation))
    }

    /// The history of marks of one person (item, mark, by, at), oldest first.
    pub fn checklist_history(
        &self,
        number: ReservationNumber,
        position: u32,
    ) -> Result<Vec<(String, Mark, String, String)>> {
        let id = self.reservation(number)?.id.to_string();
        let mut stmt = self.conn().prepare_cached(
            "SELECT item, mark, recorded_by, recorded_at FROM checklist_marks WHERE reservation_id = ?1 AND position = ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![id, position], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        rows.map(|row| {
            let (item, mark, by, at) = row?;
            let mark = serde_json::from_value(serde_json::Value::String(mark))
                .map_err(|e| Error::Invalid(e.to_string()))?;
            Ok((item, mark, by, at))
        })
        .collect()
    }
}

fn stage_code(stage: Stage) -> &'static str {
    match stage {
        Stage::Phone => "phone",
        Stage::Counter => "counter",
    }
}

fn mark_code(mark: Mark) -> &'static str {
    match mark {
        Mark::Unknown => "unknown",
        Mark::ConfirmedOrally => "confirmed_orally",
        Mark::Presented => "presented",
        Mark::Missing => "missing",
    }
}
