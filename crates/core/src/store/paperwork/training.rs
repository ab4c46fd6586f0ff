//! Training records (研修記録): seed 000 §8(3), seed 002 §11ソ, §16(4)(5)
//! (docs/design/paperwork.md §3.2): sessions, attendance with results, each member's standing,
//! and the security gate that `add_staff` / `update_staff` consult when a member acts.
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::{params, params_from_iter, types::Value, OptionalExtension, Row};
use uuid::Uuid;

use super::super::{Store, DATE, DATETIME, TIME};
use crate::{
    paperwork::{
        training::{
            security_flags, security_valid_until, AttendanceMark, MemberTraining,
            NewTrainingSession, TopicAttended, TrainingAttendance, TrainingFlag, TrainingPhase,
            TrainingResult, TrainingSession, TrainingTopic, REQUIRED_TOPICS,
        },
        TrainingMutation,
    },
    people::{Actor, Permission, Role},
    Error, Result,
};

impl Store {
    /// Records a session held, with its attendees' marks (manager / deputy).
    pub fn record_training_session(
        &self,
        session: NewTrainingSession,
        attendance: Vec<AttendanceMark>,
    ) -> Result<TrainingSession> {
        let id = Uuid::now_v7();
        self.execute(TrainingMutation::RecordTrainingSession {
            id,
            session,
            attendance,
        })?;
        self.training_session(id)
    }

    /// Corrects a session's fields.
    pub fn update_training_session(
        &self,
        id: Uuid,
        session: NewTrainingSession,
    ) -> Result<TrainingSession> {
        self.execute(TrainingMutation::UpdateTrainingSession { id, session })?;
        self.training_session(id)
    }

    /// Cancels a session (its records stay, it counts for nothing).
    pub fn cancel_training_session(&self, id: Uuid) -> Result<TrainingSession> {
        self.execute(TrainingMutation::CancelTrainingSession { id })?;
        self.training_session(id)
    }

    /// Sets attendance and results for some members of a session.
    pub fn set_training_attendance(
        &self,
        session_id: Uuid,
        marks: Vec<AttendanceMark>,
    ) -> Result<TrainingSession> {
        self.execute(TrainingMutation::SetTrainingAttendance { session_id, marks })?;
        self.training_session(session_id)
    }

    /// One session with its attendees (results are audited reads).
    pub fn training_session(&self, id: Uuid) -> Result<TrainingSession> {
        self.require(Permission::ManagePaperwork)?;
        self.session_row(id)?
            .ok_or(Error::NotFound("training session"))
    }

    /// Sessions held `from ..= to` (cancelled ones included), newest first.
    pub fn training_sessions(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TrainingSession>> {
        let actor = self.require(Permission::ManagePaperwork)?;
        self.audit(&actor, "training_results", &format!("{from}..{to}"), "")?;
        self.sessions_between(from, to)
    }

    pub(crate) fn sessions_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TrainingSession>> {
        let ids: Vec<String> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM training_sessions WHERE held_on >= ?1 AND held_on <= ?2
                 ORDER BY held_on DESC, starts DESC, id DESC",
            )?
            .query_map(
                params![from.format(DATE).to_string(), to.format(DATE).to_string()],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|id| {
                let id = id
                    .parse()
                    .map_err(|_| Error::Invalid("stored session id".into()))?;
                self.session_row(id)?
                    .ok_or(Error::NotFound("training session"))
            })
            .collect()
    }

    /// Each contractor member's training standing at `as_of` (受講状況), by role then ID.
    pub fn training_status(&self, as_of: NaiveDate) -> Result<Vec<MemberTraining>> {
        self.require(Permission::ManagePaperwork)?;
        self.training_standing(as_of)
    }

    pub(crate) fn training_standing(&self, as_of: NaiveDate) -> Result<Vec<MemberTraining>> {
        let members: Vec<(String, String, String, bool)> = self
            .conn()
            .prepare_cached(
                "SELECT code, name, role, active FROM staff WHERE role IN ('manager', 'deputy', 'staff')
                 ORDER BY CASE role WHEN 'manager' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, code",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        members
            .into_iter()
            .map(|(code, name, role, active)| {
                let mut m = self.member_training(&code, as_of)?;
                m.name = name;
                m.role = Role::from_code(&role)?;
                m.active = active;
                Ok(m)
            })
            .collect()
    }

    fn member_training(&self, code: &str, as_of: NaiveDate) -> Result<MemberTraining> {
        let passed = self.last_security_pass(code, as_of)?;
        let mut flags = Vec::new();
        if let Some(f) = security_flags(passed, as_of) {
            flags.push(f);
        }
        let topics: Vec<TopicAttended> = self
            .conn()
            .prepare_cached(
                "SELECT s.topic, max(s.held_on) FROM training_attendance a
                 JOIN training_sessions s ON s.id = a.session_id
                 WHERE a.staff_code = ?1 AND a.attended AND NOT s.cancelled AND s.held_on <= ?2
                 GROUP BY s.topic ORDER BY s.topic",
            )?
            .query_map(params![code, as_of.format(DATE).to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .map(|row| {
                let (topic, on) = row?;
                Ok(TopicAttended {
                    topic: TrainingTopic::from_code(&topic)?,
                    on: super::super::parse_date(&on)?,
                })
            })
            .collect::<Result<_>>()?;
        if REQUIRED_TOPICS
            .iter()
            .any(|t| !topics.iter().any(|a| a.topic == *t))
        {
            flags.push(TrainingFlag::PreServiceMissing);
        }
        let pledged: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT pledge_on FROM staff_details WHERE staff_code = ?1",
                [code],
                |r| r.get(0),
            )
            .optional()?;
        if pledged.flatten().is_none() {
            flags.push(TrainingFlag::PledgeMissing);
        }
        Ok(MemberTraining {
            code: code.to_owned(),
            name: String::new(),
            role: Role::Staff,
            active: true,
            security_passed_on: passed,
            security_valid_until: passed.map(security_valid_until),
            topics,
            flags,
        })
    }

    /// The last passed 個人情報保護・情報セキュリティ session a member attended, on or before `as_of`.
    pub(crate) fn last_security_pass(
        &self,
        code: &str,
        as_of: NaiveDate,
    ) -> Result<Option<NaiveDate>> {
        let on: Option<String> = self.conn().query_row(
            "SELECT max(s.held_on) FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id
             WHERE a.staff_code = ?1 AND a.attended AND a.result = 'passed' AND NOT s.cancelled
               AND s.topic = 'privacy_security' AND s.held_on <= ?2",
            params![code, as_of.format(DATE).to_string()],
            |r| r.get(0),
        )?;
        on.as_deref().map(super::super::parse_date).transpose()
    }

    /// The security gate (docs/design/paperwork.md §3.2): whether a contractor member of `role`
    /// lacks a valid passed security training today. City staff are never gated.
    pub(crate) fn lacks_security_training(&self, code: &str, role: Role) -> Result<bool> {
        if role == Role::CityStaff {
            return Ok(false);
        }
        let passed = self.last_security_pass(code, self.today())?;
        Ok(matches!(
            security_flags(passed, self.today()),
            Some(TrainingFlag::SecurityMissing | TrainingFlag::SecurityExpired)
        ))
    }

    /// Whether the gate applies to the current actor: a signed-in member. The site actor (CLI
    /// set-up, the hub, seeding) passes, audited by the caller.
    pub(crate) fn gated_actor(&self) -> Result<Option<Actor>> {
        Ok(self
            .signed_in()?
            .filter(|a| matches!(a, Actor::Staff { .. })))
    }

    fn session_row(&self, id: Uuid) -> Result<Option<TrainingSession>> {
        let Some(mut session) = self
            .conn()
            .prepare_cached(
                "SELECT held_on, starts, minutes, topic, phase, title, trainer, trainer_code, material,
                        city_approved, cancelled, created_by, created_at
                 FROM training_sessions WHERE id = ?1",
            )?
            .query_and_then([id.to_string()], |r| session_from_row(id, r))?
            .next()
            .transpose()?
        else {
            return Ok(None);
        };
        let attendance = self
            .conn()
            .prepare_cached(
                "SELECT a.staff_code, coalesce(s.name, '') AS name, a.attended, a.result, a.score
                 FROM training_attendance a LEFT JOIN staff s ON s.code = a.staff_code
                 WHERE a.session_id = ?1 ORDER BY a.staff_code",
            )?
            .query_and_then([id.to_string()], attendance_row)?
            .collect::<Result<_>>()?;
        session.attendance = attendance;
        Ok(Some(session))
    }

    fn check_session(&self, s: &NewTrainingSession) -> Result<(String, String)> {
        for (field, text) in [
            ("training title", &s.title),
            ("trainer", &s.trainer),
            ("training material", &s.material),
        ] {
            crate::my_number::refuse_in_text(field, text)?;
        }
        crate::limits::check("training material", s.material.trim())?;
        let title = super::super::required_label("training title", &s.title)?;
        let trainer = super::super::required_label("trainer", &s.trainer)?;
        if !(1..=1440).contains(&s.minutes) {
            return Err(Error::Invalid("a session lasts 1 to 1,440 minutes".into()));
        }
        if let Some(code) = &s.trainer_code {
            self.staff_member(code)?;
        }
        Ok((title, trainer))
    }

    /// The stored values of session `id` once checked, in the order of `training_sessions`'
    /// columns from `id` to `city_approved` (?1 to ?11 of its INSERT and its UPDATE).
    fn session_values(&self, id: Uuid, s: &NewTrainingSession) -> Result<Vec<Value>> {
        let (title, trainer) = self.check_session(s)?;
        Ok(vec![
            id.to_string().into(),
            s.held_on.format(DATE).to_string().into(),
            s.starts.map(|t| t.format(TIME).to_string()).into(),
            s.minutes.into(),
            s.topic.code().to_owned().into(),
            s.phase.code().to_owned().into(),
            title.into(),
            trainer.into(),
            s.trainer_code.clone().into(),
            s.material.trim().to_owned().into(),
            s.city_approved.into(),
        ])
    }

    fn put_marks(&self, session_id: Uuid, marks: &[AttendanceMark]) -> Result<()> {
        let topic: String = self
            .conn()
            .query_row(
                "SELECT topic FROM training_sessions WHERE id = ?1",
                [session_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(Error::NotFound("training session"))?;
        let origin = self.origin();
        for m in marks {
            let member = self.staff_member(&m.staff_code)?;
            if member.role == Role::CityStaff {
                return Err(Error::NotAllowed(
                    "city staff are not on the contractor's training records".into(),
                ));
            }
            if !m.attended && (m.result.is_some() || m.score.is_some()) {
                return Err(Error::Invalid(format!(
                    "{}: a result needs attendance",
                    m.staff_code
                )));
            }
            if m.attended && m.result.is_none() && topic == TrainingTopic::PrivacySecurity.code() {
                return Err(Error::Invalid(format!(
                    "{}: a security session needs a result for each attendee",
                    m.staff_code
                )));
            }
            if m.score.is_some_and(|s| s > 100) {
                return Err(Error::Invalid("a score is 0 to 100".into()));
            }
            self.conn().execute(
                "INSERT INTO training_attendance (session_id, staff_code, attended, result, score, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (session_id, staff_code) DO UPDATE SET attended = excluded.attended,
                     result = excluded.result, score = excluded.score,
                     recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                params![
                    session_id.to_string(),
                    m.staff_code,
                    m.attended,
                    m.result.map(|r| r.code()),
                    m.score,
                    origin.staff,
                    origin.at.format(DATETIME).to_string()
                ],
            )?;
        }
        Ok(())
    }

    /// Applies a change of this part.
    pub(in crate::store) fn apply_training(&self, m: &TrainingMutation) -> Result<()> {
        match m {
            TrainingMutation::RecordTrainingSession {
                id,
                session: s,
                attendance,
            } => {
                let mut values = self.session_values(*id, s)?;
                let origin = self.origin();
                values.push(origin.staff.into());
                values.push(origin.at.format(DATETIME).to_string().into());
                self.conn().execute(
                    "INSERT INTO training_sessions (id, held_on, starts, minutes, topic, phase, title, trainer, trainer_code, material, city_approved, created_by, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    params_from_iter(values),
                )?;
                self.put_marks(*id, attendance)
            }
            TrainingMutation::UpdateTrainingSession { id, session: s } => {
                let values = self.session_values(*id, s)?;
                let changed = self.conn().execute(
                    "UPDATE training_sessions SET held_on = ?2, starts = ?3, minutes = ?4, topic = ?5, phase = ?6,
                         title = ?7, trainer = ?8, trainer_code = ?9, material = ?10, city_approved = ?11
                     WHERE id = ?1",
                    params_from_iter(values),
                )?;
                if changed == 0 {
                    return Err(Error::NotFound("training session"));
                }
                Ok(())
            }
            TrainingMutation::CancelTrainingSession { id } => {
                let changed = self.conn().execute(
                    "UPDATE training_sessions SET cancelled = 1 WHERE id = ?1",
                    [id.to_string()],
                )?;
                if changed == 0 {
                    return Err(Error::NotFound("training session"));
                }
                Ok(())
            }
            TrainingMutation::SetTrainingAttendance { session_id, marks } => {
                self.put_marks(*session_id, marks)
            }
        }
    }
}

/// A row of `training_sessions` (with every column [`Store::session_row`] selects), without its
/// attendance.
fn session_from_row(id: Uuid, r: &Row<'_>) -> Result<TrainingSession> {
    Ok(TrainingSession {
        id,
        session: NewTrainingSession {
            held_on: super::super::parse_date(&r.get::<_, String>("held_on")?)?,
            starts: r
                .get::<_, Option<String>>("starts")?
                .as_deref()
                .map(|s| {
                    NaiveTime::parse_from_str(s, TIME)
                        .map_err(|e| Error::Invalid(format!("stored time: {e}")))
                })
                .transpose()?,
            minutes: r.get("minutes")?,
            topic: TrainingTopic::from_code(&r.get::<_, String>("topic")?)?,
            phase: TrainingPhase::from_code(&r.get::<_, String>("phase")?)?,
            title: r.get("title")?,
            trainer: r.get("trainer")?,
            trainer_code: r.get("trainer_code")?,
            material: r.get("material")?,
            city_approved: r.get("city_approved")?,
        },
        cancelled: r.get("cancelled")?,
        created_by: r.get("created_by")?,
        created_at: NaiveDateTime::parse_from_str(&r.get::<_, String>("created_at")?, DATETIME)
            .map_err(|e| Error::Invalid(format!("stored time: {e}")))?,
        attendance: Vec::new(),
    })
}

/// A row of `training_attendance` with the member's name.
fn attendance_row(r: &Row<'_>) -> Result<TrainingAttendance> {
    Ok(TrainingAttendance {
        staff_code: r.get("staff_code")?,
        name: r.get("name")?,
        attended: r.get("attended")?,
        result: r
            .get::<_, Option<String>>("result")?
            .as_deref()
            .map(TrainingResult::from_code)
            .transpose()?,
        score: r.get("score")?,
    })
}
