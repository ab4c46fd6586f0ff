//! Commands for the 従事者名簿 and 研修記録 screens (docs/design/paperwork.md §3.1, §3.2, §9):
//! thin calls into the store; permissions, the guard on the words and the security gate are
//! the core's.
use chrono::NaiveDate;
use madoguchi_core::paperwork::{
    roster::{RosterChanges, RosterLine, RosterSubmission, RosterSubmissionKind, StaffDetails},
    training::{AttendanceMark, MemberTraining, NewTrainingSession, TrainingSession},
};
use madoguchi_report::Format;
use tauri::State;
use uuid::Uuid;

use super::{save_paper, with_store, CmdResult};
use crate::state::AppState;

/// The roster at `as_of` (managers, deputies, staff; 予定 last).
#[tauri::command]
pub fn roster(state: State<'_, AppState>, as_of: NaiveDate) -> CmdResult<Vec<RosterLine>> {
    with_store(&state, |s| s.roster(as_of))
}

/// A member's roster details (unset ones when nobody set them).
#[tauri::command]
pub fn staff_details(state: State<'_, AppState>, code: String) -> CmdResult<StaffDetails> {
    with_store(&state, |s| s.staff_details(&code))
}

/// Sets a member's roster details.
#[tauri::command]
pub fn set_staff_details(
    state: State<'_, AppState>,
    details: StaffDetails,
) -> CmdResult<StaffDetails> {
    with_store(&state, |s| s.set_staff_details(details))
}

/// What changed since the last recorded submission, at the roster of `as_of`.
#[tauri::command]
pub fn roster_changes(state: State<'_, AppState>, as_of: NaiveDate) -> CmdResult<RosterChanges> {
    with_store(&state, |s| s.roster_changes_at(as_of))
}

/// Records a submission of the roster of `as_of` (kind: initial for the first, else change).
#[tauri::command]
pub fn record_roster_submission(
    state: State<'_, AppState>,
    as_of: NaiveDate,
    submitted_on: NaiveDate,
    kind: Option<RosterSubmissionKind>,
) -> CmdResult<RosterSubmission> {
    with_store(&state, |s| {
        s.record_roster_submission(as_of, submitted_on, kind)
    })
}

/// Every recorded submission, newest first.
#[tauri::command]
pub fn roster_submissions(state: State<'_, AppState>) -> CmdResult<Vec<RosterSubmission>> {
    with_store(&state, |s| s.roster_submissions())
}

/// Saves the roster of `as_of` as PDF or CSV in reports/; returns where.
#[tauri::command]
pub fn save_roster(
    state: State<'_, AppState>,
    as_of: NaiveDate,
    format: Format,
) -> CmdResult<String> {
    save_paper(&state, |s| madoguchi_report::save_roster(s, as_of, format))
}

/// Saves the change report of `as_of` as PDF or CSV in reports/; returns where.
#[tauri::command]
pub fn save_roster_changes(
    state: State<'_, AppState>,
    as_of: NaiveDate,
    format: Format,
) -> CmdResult<String> {
    save_paper(&state, |s| {
        madoguchi_report::save_roster_changes(s, as_of, format)
    })
}

/// Sessions held `from ..= to`, newest first (an audited read of results).
#[tauri::command]
pub fn training_sessions(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> CmdResult<Vec<TrainingSession>> {
    with_store(&state, |s| s.training_sessions(from, to))
}

/// Records a session with its attendees' marks.
#[tauri::command]
pub fn record_training_session(
    state: State<'_, AppState>,
    session: NewTrainingSession,
    attendance: Vec<AttendanceMark>,
) -> CmdResult<TrainingSession> {
    with_store(&state, |s| s.record_training_session(session, attendance))
}

/// Sets attendance and results for some members of a session.
#[tauri::command]
pub fn set_training_attendance(
    state: State<'_, AppState>,
    session_id: Uuid,
    marks: Vec<AttendanceMark>,
) -> CmdResult<TrainingSession> {
    with_store(&state, |s| s.set_training_attendance(session_id, marks))
}

/// Cancels a session.
#[tauri::command]
pub fn cancel_training_session(state: State<'_, AppState>, id: Uuid) -> CmdResult<TrainingSession> {
    with_store(&state, |s| s.cancel_training_session(id))
}

/// Each contractor member's training standing at `as_of` (受講状況).
#[tauri::command]
pub fn training_status(
    state: State<'_, AppState>,
    as_of: NaiveDate,
) -> CmdResult<Vec<MemberTraining>> {
    with_store(&state, |s| s.training_status(as_of))
}

/// Saves the training report of `from ..= to` as PDF or CSV in reports/; returns where.
#[tauri::command]
pub fn save_training_report(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    format: Format,
) -> CmdResult<String> {
    save_paper(&state, |s| {
        madoguchi_report::save_training_report(s, from, to, format)
    })
}
