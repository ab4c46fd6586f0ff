//! The improvement cycle (業務改善事項通知書・計画書・報告書): seed 000 §1.1
//! (docs/design/paperwork.md §3.5). Dates and status are kept on the notice; every step is
//! also kept, append-only, in `improvement_steps`.
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::super::{parse_date, Store, DATE, DATETIME};
use crate::{
    paperwork::improvement::{
        alert, payment_stop_from, plan_due_on, ImprovementItem, ImprovementNotice,
        ImprovementStatus, ImprovementStep, ImprovementStepRecord, NewImprovementNotice,
        NewImprovementStep,
    },
    paperwork::ImprovementMutation,
    people::Permission,
    Error, Result,
};

impl Store {
    /// Records a notice received from the city (manager / deputy).
    pub fn receive_improvement_notice(
        &self,
        notice: NewImprovementNotice,
    ) -> Result<ImprovementNotice> {
        let id = Uuid::now_v7();
        self.execute(ImprovementMutation::ReceiveImprovementNotice { id, notice })?;
        self.improvement_notice(id)
    }

    /// Records a step of a notice's cycle (manager / deputy).
    pub fn take_improvement_step(
        &self,
        notice_id: Uuid,
        step: NewImprovementStep,
    ) -> Result<ImprovementNotice> {
        self.execute(ImprovementMutation::TakeImprovementStep {
            id: Uuid::now_v7(),
            notice_id,
            step,
        })?;
        self.improvement_notice(notice_id)
    }

    /// Every notice, open ones first, newest received first (manager / deputy).
    pub fn improvement_notices(&self) -> Result<Vec<ImprovementNotice>> {
        self.require(Permission::ManagePaperwork)?;
        let ids: Vec<String> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM improvement_notices
                 ORDER BY status = 'confirmed', received_on DESC, id DESC",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|id| self.read_notice(id.parse().map_err(|_| Error::Invalid("stored id".into()))?))
            .collect()
    }

    /// One notice (manager / deputy).
    pub fn improvement_notice(&self, id: Uuid) -> Result<ImprovementNotice> {
        self.require(Permission::ManagePaperwork)?;
        self.read_notice(id)
    }

    /// The notices late on some step today, for the board (plan overdue first).
    pub fn improvements_overdue(&self) -> Result<Vec<ImprovementNotice>> {
        let mut late: Vec<ImprovementNotice> = self
            .improvement_notices()?
            .into_iter()
            .filter(|n| n.alert.is_some())
            .collect();
        late.sort_by_key(|n| {
            let a = n.alert.as_ref().expect("filtered");
            (a.kind, a.due)
        });
        Ok(late)
    }

    fn read_notice(&self, id: Uuid) -> Result<ImprovementNotice> {
        let mut notice = self
            .conn()
            .prepare_cached(
                "SELECT id, doc_ref, received_on, items, incident_id, summary, status,
                        plan_submitted_on, plan_ref, plan_accepted_on, target_on,
                        report_submitted_on, report_ref, confirmed_on, created_by
                 FROM improvement_notices WHERE id = ?1",
            )?
            .query_and_then([id.to_string()], notice_row)?
            .next()
            .ok_or(Error::NotFound("improvement notice"))??;
        notice.steps = self.improvement_steps(id)?;
        notice.alert = alert(
            notice.status,
            notice.received_on,
            notice.target_on,
            notice.report_submitted_on,
            self.today(),
        );
        Ok(notice)
    }

    fn improvement_steps(&self, notice: Uuid) -> Result<Vec<ImprovementStepRecord>> {
        self.conn()
            .prepare_cached(
                "SELECT id, step, on_day, doc_ref, note, staff, at FROM improvement_steps
                 WHERE notice_id = ?1 ORDER BY at, id",
            )?
            .query_and_then([notice.to_string()], step_row)?
            .collect()
    }

    /// Applies a change of this part.
    pub(in crate::store) fn apply_improvement(&self, m: &ImprovementMutation) -> Result<()> {
        match m {
            ImprovementMutation::ReceiveImprovementNotice { id, notice } => {
                self.apply_receive_notice(*id, notice)
            }
            ImprovementMutation::TakeImprovementStep {
                id,
                notice_id,
                step,
            } => self.apply_improvement_step(*id, *notice_id, step),
        }
    }

    fn apply_receive_notice(&self, id: Uuid, n: &NewImprovementNotice) -> Result<()> {
        crate::my_number::refuse_in_text("improvement summary", &n.summary)?;
        let doc_ref = super::super::required_label("improvement document", &n.doc_ref)?;
        if n.items.is_empty() {
            return Err(Error::Invalid("a notice names at least one item".into()));
        }
        let mut items = n.items.clone();
        items.sort_unstable();
        items.dedup();
        let items: Vec<&str> = items.iter().map(|i| i.code()).collect();
        let origin = self.origin();
        self.conn().execute(
            "INSERT INTO improvement_notices (id, doc_ref, received_on, items, incident_id, summary,
                 plan_due_on, payment_stop_from, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id.to_string(),
                doc_ref,
                n.received_on.format(DATE).to_string(),
                serde_json::to_string(&items).expect("codes serialise"),
                n.incident_id.map(|i| i.to_string()),
                n.summary.trim(),
                plan_due_on(n.received_on).format(DATE).to_string(),
                payment_stop_from(n.received_on).format(DATE).to_string(),
                origin.staff,
                origin.at.format(DATETIME).to_string()
            ],
        )?;
        Ok(())
    }

    fn apply_improvement_step(
        &self,
        id: Uuid,
        notice_id: Uuid,
        s: &NewImprovementStep,
    ) -> Result<()> {
        crate::my_number::refuse_in_text("improvement note", &s.note)?;
        crate::my_number::refuse_in_text("improvement document", &s.doc_ref)?;
        let doc_ref = s.doc_ref.trim();
        let (status, received): (String, String) = self
            .conn()
            .query_row(
                "SELECT status, received_on FROM improvement_notices WHERE id = ?1",
                [notice_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(Error::NotFound("improvement notice"))?;
        let status = ImprovementStatus::from_code(&status)?;
        if s.on_day < parse_date(&received)? {
            return Err(Error::Invalid(
                "a step comes on or after the receipt".into(),
            ));
        }
        let next = s.step.next(status).ok_or_else(|| {
            Error::NotAllowed(format!("{} cannot follow {}", s.step.code(), status.code()))
        })?;
        let day = s.on_day.format(DATE).to_string();
        let (sql, args): (&str, Vec<Option<String>>) = match s.step {
            ImprovementStep::SubmitPlan => {
                let target = s
                    .target_on
                    .ok_or_else(|| Error::Invalid("a plan names its target day".into()))?;
                if target < s.on_day {
                    return Err(Error::Invalid("the target day is before the plan".into()));
                }
                (
                    "plan_submitted_on = ?3, plan_ref = coalesce(?4, ''), target_on = ?5",
                    vec![
                        Some(day),
                        Some(doc_ref.to_owned()),
                        Some(target.format(DATE).to_string()),
                    ],
                )
            }
            ImprovementStep::PlanAccepted => ("plan_accepted_on = ?3", vec![Some(day)]),
            ImprovementStep::PlanReturned => ("plan_accepted_on = NULL", vec![]),
            ImprovementStep::SubmitReport => (
                "report_submitted_on = ?3, report_ref = coalesce(?4, '')",
                vec![Some(day), Some(doc_ref.to_owned())],
            ),
            ImprovementStep::CityConfirmed => ("confirmed_on = ?3", vec![Some(day)]),
            ImprovementStep::CityNotConfirmed => ("confirmed_on = NULL", vec![]),
            ImprovementStep::Note => ("plan_ref = plan_ref", vec![]),
        };
        let mut values: Vec<Option<String>> =
            vec![Some(notice_id.to_string()), Some(next.code().to_owned())];
        values.extend(args);
        self.conn().execute(
            &format!("UPDATE improvement_notices SET status = ?2, {sql} WHERE id = ?1"),
            rusqlite::params_from_iter(values.iter()),
        )?;
        let origin = self.origin();
        self.conn().execute(
            "INSERT INTO improvement_steps (id, notice_id, at, step, on_day, doc_ref, note, staff)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.to_string(),
                notice_id.to_string(),
                origin.at.format(DATETIME).to_string(),
                s.step.code(),
                s.on_day.format(DATE).to_string(),
                doc_ref,
                s.note.trim(),
                origin.staff
            ],
        )?;
        Ok(())
    }
}

fn stored_id(r: &Row<'_>) -> Result<Uuid> {
    r.get::<_, String>("id")?
        .parse()
        .map_err(|_| Error::Invalid("stored id".into()))
}

/// A row of `improvement_notices` (with every column [`Store::read_notice`] selects), without
/// its steps and alert.
fn notice_row(r: &Row<'_>) -> Result<ImprovementNotice> {
    let date = |column: &str| -> Result<Option<NaiveDate>> {
        r.get::<_, Option<String>>(column)?
            .as_deref()
            .map(parse_date)
            .transpose()
    };
    let received_on = parse_date(&r.get::<_, String>("received_on")?)?;
    let items: Vec<String> = serde_json::from_str(&r.get::<_, String>("items")?)
        .map_err(|_| Error::Invalid("stored improvement items".into()))?;
    Ok(ImprovementNotice {
        id: stored_id(r)?,
        doc_ref: r.get("doc_ref")?,
        received_on,
        items: items
            .iter()
            .map(|c| ImprovementItem::from_code(c))
            .collect::<Result<_>>()?,
        incident_id: r
            .get::<_, Option<String>>("incident_id")?
            .and_then(|s| s.parse().ok()),
        summary: r.get("summary")?,
        status: ImprovementStatus::from_code(&r.get::<_, String>("status")?)?,
        plan_due_on: plan_due_on(received_on),
        payment_stop_from: payment_stop_from(received_on),
        plan_submitted_on: date("plan_submitted_on")?,
        plan_ref: r.get("plan_ref")?,
        plan_accepted_on: date("plan_accepted_on")?,
        target_on: date("target_on")?,
        report_submitted_on: date("report_submitted_on")?,
        report_ref: r.get("report_ref")?,
        confirmed_on: date("confirmed_on")?,
        created_by: r.get("created_by")?,
        steps: Vec::new(),
        alert: None,
    })
}

/// A row of `improvement_steps`.
fn step_row(r: &Row<'_>) -> Result<ImprovementStepRecord> {
    Ok(ImprovementStepRecord {
        id: stored_id(r)?,
        step: ImprovementStep::from_code(&r.get::<_, String>("step")?)?,
        on_day: parse_date(&r.get::<_, String>("on_day")?)?,
        doc_ref: r.get("doc_ref")?,
        note: r.get("note")?,
        staff: r.get("staff")?,
        at: NaiveDateTime::parse_from_str(&r.get::<_, String>("at")?, DATETIME)
            .map_err(|_| Error::Invalid("stored time".into()))?,
    })
}
