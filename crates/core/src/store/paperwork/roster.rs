//! Roster submissions (従事者名簿の提出) and staff details: seed 000 §8(2)カ, seed 002 §11チ
//! (docs/design/paperwork.md §3.1).
//!
//! The roster at a day D: members of role manager, deputy or staff with 従事開始日 ≤ D (or no
//! start date and active) and no 従事終了日 before D; members starting after D are listed last
//! as 予定. The change report diffs it with the last submission's lines.
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use super::super::{Store, DATE, DATETIME};
use crate::{
    paperwork::{
        roster::{
            diff, manager_requirements_unmet, Duty, Employment, RosterChangeKind, RosterChanges,
            RosterLine, RosterSubmission, RosterSubmissionKind, StaffDetails,
        },
        RosterMutation,
    },
    people::{Permission, Role},
    Error, Result,
};

impl Store {
    /// Sets a member's roster details (manager / deputy): all fields at once.
    pub fn set_staff_details(&self, details: StaffDetails) -> Result<StaffDetails> {
        let code = details.code.clone();
        self.execute(RosterMutation::SetStaffDetails { details })?;
        self.staff_details(&code)
    }

    /// A member's roster details (unset ones when nobody set them).
    pub fn staff_details(&self, code: &str) -> Result<StaffDetails> {
        self.require(Permission::ManageStaff)?;
        self.staff_member(code)?;
        Ok(self
            .details_row(code)?
            .unwrap_or_else(|| StaffDetails::unset(code)))
    }

    /// The roster at `as_of` (業務従事者名簿): managers, deputies and staff on duty that day, by
    /// role then ID, then the members starting later (予定).
    pub fn roster(&self, as_of: NaiveDate) -> Result<Vec<RosterLine>> {
        self.require(Permission::ManageStaff)?;
        self.roster_lines(as_of)
    }

    /// What changed since the last recorded submission, at today's roster (名簿変更報告).
    pub fn roster_changes(&self) -> Result<RosterChanges> {
        self.roster_changes_at(self.today())
    }

    /// What changed since the last recorded submission, at the roster of `as_of`.
    pub fn roster_changes_at(&self, as_of: NaiveDate) -> Result<RosterChanges> {
        self.require(Permission::ManageStaff)?;
        let now = self.roster_lines(as_of)?;
        let now: Vec<RosterLine> = now.into_iter().filter(|l| !l.planned).collect();
        let last = self.last_roster_submission()?;
        let before: Vec<RosterLine> = last
            .as_ref()
            .map(|s| s.lines.iter().filter(|l| !l.planned).cloned().collect())
            .unwrap_or_default();
        let mut changes = diff(&before, &now);
        // One who left: the 従事終了日 when it was set.
        for c in &mut changes {
            if c.kind == RosterChangeKind::Left {
                c.effective_on = self.details_row(&c.code)?.and_then(|d| d.assigned_until);
            }
        }
        Ok(RosterChanges {
            as_of,
            since_id: last.as_ref().map(|s| s.id),
            since_on: last.as_ref().map(|s| s.submitted_on),
            changes,
        })
    }

    /// Records that the roster of `as_of` was submitted to the city on `submitted_on`, with its
    /// lines as they are now. `kind` defaults to initial for the first submission and change
    /// after it.
    pub fn record_roster_submission(
        &self,
        as_of: NaiveDate,
        submitted_on: NaiveDate,
        kind: Option<RosterSubmissionKind>,
    ) -> Result<RosterSubmission> {
        self.require(Permission::ManageStaff)?;
        let kind = match kind {
            Some(k) => k,
            None if self.last_roster_submission()?.is_some() => RosterSubmissionKind::Change,
            None => RosterSubmissionKind::Initial,
        };
        let lines = self.roster_lines(as_of)?;
        let id = Uuid::now_v7();
        self.execute(RosterMutation::RecordRosterSubmission {
            id,
            kind,
            as_of,
            submitted_on,
            lines,
        })?;
        self.roster_submissions()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(Error::NotFound("roster submission"))
    }

    /// Every recorded submission, newest first.
    pub fn roster_submissions(&self) -> Result<Vec<RosterSubmission>> {
        self.require(Permission::ManageStaff)?;
        self.submissions(None)
    }

    fn last_roster_submission(&self) -> Result<Option<RosterSubmission>> {
        Ok(self.submissions(Some(1))?.pop())
    }

    fn submissions(&self, limit: Option<u32>) -> Result<Vec<RosterSubmission>> {
        self.conn()
            .prepare_cached(
                "SELECT id, kind, as_of, submitted_on, lines, recorded_by, recorded_at
                 FROM roster_submissions ORDER BY submitted_on DESC, recorded_at DESC, id DESC LIMIT ?1",
            )?
            .query_and_then([limit.map_or(-1, i64::from)], submission_row)?
            .collect()
    }

    /// The roster's lines at `as_of`, without a permission check (the paper, the gate).
    pub(crate) fn roster_lines(&self, as_of: NaiveDate) -> Result<Vec<RosterLine>> {
        let sites = self.sites()?;
        let staff_sites = self.staff_sites()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT code, name, role, active FROM staff WHERE role IN ('manager', 'deputy', 'staff')
             ORDER BY CASE role WHEN 'manager' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, code",
        )?;
        let members: Vec<(String, String, String, bool)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut on_duty = Vec::new();
        let mut planned = Vec::new();
        for (code, name, role, active) in members {
            let role = Role::from_code(&role)?;
            let details = self.details_row(&code)?;
            let from = details.as_ref().and_then(|d| d.assigned_from);
            let until = details.as_ref().and_then(|d| d.assigned_until);
            if until.is_some_and(|u| u < as_of) {
                continue;
            }
            let is_planned = from.is_some_and(|f| f > as_of);
            let listed = match from {
                Some(_) => true,
                None => active,
            };
            if !listed {
                continue;
            }
            let site_names = staff_sites
                .iter()
                .find(|s| s.code == code)
                .map(|s| {
                    s.sites
                        .iter()
                        .map(|id| {
                            sites
                                .iter()
                                .find(|site| site.id == *id)
                                .map_or_else(|| id.to_string(), |site| site.name.clone())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let line = RosterLine {
                manager_requirements: manager_requirements_unmet(role, details.as_ref()),
                security_passed_on: self.last_security_pass(&code, as_of)?,
                experience: match role {
                    Role::Manager | Role::Deputy => details
                        .as_ref()
                        .map(|d| d.experience.clone())
                        .unwrap_or_default(),
                    _ => String::new(),
                },
                duties: details
                    .as_ref()
                    .map(|d| d.duties.clone())
                    .unwrap_or_default(),
                employment: details.as_ref().map(|d| d.employment),
                pledge_on: details.as_ref().and_then(|d| d.pledge_on),
                assigned_from: from,
                assigned_until: until,
                sites: site_names,
                code,
                name,
                role,
                planned: is_planned,
            };
            if is_planned {
                planned.push(line);
            } else {
                on_duty.push(line);
            }
        }
        on_duty.extend(planned);
        Ok(on_duty)
    }

    fn details_row(&self, code: &str) -> Result<Option<StaffDetails>> {
        let row = self
            .conn()
            .query_row(
                "SELECT assigned_from, assigned_until, employment, duties, experience, experience_years, pledge_on
                 FROM staff_details WHERE staff_code = ?1",
                [code],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<u32>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((from, until, employment, duties, experience, years, pledge)) = row else {
            return Ok(None);
        };
        let date = |s: Option<String>| s.as_deref().map(super::super::parse_date).transpose();
        let duties: Vec<String> = serde_json::from_str(&duties)
            .map_err(|e| Error::Invalid(format!("stored duties: {e}")))?;
        Ok(Some(StaffDetails {
            code: code.to_owned(),
            assigned_from: date(from)?,
            assigned_until: date(until)?,
            employment: Employment::from_code(&employment)?,
            duties: duties
                .iter()
                .map(|d| Duty::from_code(d))
                .collect::<Result<_>>()?,
            experience,
            experience_years: years,
            pledge_on: date(pledge)?,
        }))
    }

    /// Applies a change of this part.
    pub(in crate::store) fn apply_roster(&self, m: &RosterMutation) -> Result<()> {
        match m {
            RosterMutation::RecordRosterSubmission {
                id,
                kind,
                as_of,
                submitted_on,
                lines,
            } => {
                if submitted_on < as_of {
                    return Err(Error::Invalid(
                        "a roster is submitted on or after its day".into(),
                    ));
                }
                let origin = self.origin();
                self.conn().execute(
                    "INSERT INTO roster_submissions (id, kind, as_of, submitted_on, lines, recorded_by, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        id.to_string(),
                        kind.code(),
                        as_of.format(DATE).to_string(),
                        submitted_on.format(DATE).to_string(),
                        serde_json::to_string(lines).map_err(|e| Error::Invalid(e.to_string()))?,
                        origin.staff,
                        origin.at.format(DATETIME).to_string()
                    ],
                )?;
                Ok(())
            }
            RosterMutation::SetStaffDetails { details: d } => {
                let member = self.staff_member(&d.code)?;
                if member.role == Role::CityStaff {
                    return Err(Error::NotAllowed(
                        "city staff are not on the contractor's roster".into(),
                    ));
                }
                crate::my_number::refuse_in_text("staff experience", &d.experience)?;
                crate::limits::check("staff experience", d.experience.trim())?;
                if let (Some(from), Some(until)) = (d.assigned_from, d.assigned_until) {
                    if until < from {
                        return Err(Error::Invalid("duty ends before it starts".into()));
                    }
                }
                if d.experience_years.is_some_and(|y| y > 60) {
                    return Err(Error::Invalid("experience is 0 to 60 years".into()));
                }
                let mut duties: Vec<&str> = d.duties.iter().map(|x| x.code()).collect();
                duties.sort_unstable();
                duties.dedup();
                let date = |x: Option<NaiveDate>| x.map(|x| x.format(DATE).to_string());
                let origin = self.origin();
                self.conn().execute(
                    "INSERT INTO staff_details (staff_code, assigned_from, assigned_until, employment, duties, experience, experience_years, pledge_on, updated_by, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (staff_code) DO UPDATE SET assigned_from = excluded.assigned_from,
                         assigned_until = excluded.assigned_until, employment = excluded.employment,
                         duties = excluded.duties, experience = excluded.experience,
                         experience_years = excluded.experience_years, pledge_on = excluded.pledge_on,
                         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    params![
                        d.code,
                        date(d.assigned_from),
                        date(d.assigned_until),
                        d.employment.code(),
                        serde_json::to_string(&duties).map_err(|e| Error::Invalid(e.to_string()))?,
                        d.experience.trim(),
                        d.experience_years,
                        date(d.pledge_on),
                        origin.staff,
                        origin.at.format(DATETIME).to_string()
                    ],
                )?;
                Ok(())
            }
        }
    }
}

/// A row of `roster_submissions`.
fn submission_row(r: &Row<'_>) -> Result<RosterSubmission> {
    Ok(RosterSubmission {
        id: r
            .get::<_, String>("id")?
            .parse()
            .map_err(|_| Error::Invalid("stored submission id".into()))?,
        kind: RosterSubmissionKind::from_code(&r.get::<_, String>("kind")?)?,
        as_of: super::super::parse_date(&r.get::<_, String>("as_of")?)?,
        submitted_on: super::super::parse_date(&r.get::<_, String>("submitted_on")?)?,
        lines: serde_json::from_str(&r.get::<_, String>("lines")?)
            .map_err(|e| Error::Invalid(format!("stored roster lines: {e}")))?,
        recorded_by: r.get("recorded_by")?,
        recorded_at: chrono::NaiveDateTime::parse_from_str(
            &r.get::<_, String>("recorded_at")?,
            DATETIME,
        )
        .map_err(|e| Error::Invalid(format!("stored time: {e}")))?,
    })
}
