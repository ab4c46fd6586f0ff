//! Commands for the 事故・トラブル screen and the board's 対応中の事故 card
//! (docs/design/paperwork.md §3.4, §9): thin calls into the store; permissions, the guard on
//! the words and the closing rules are the core's.
use chrono::NaiveDate;
use madoguchi_core::paperwork::incident::{
    FollowupWhat, Incident, NewIncident, NewIncidentStep, OpenIncident,
};
use tauri::State;
use uuid::Uuid;

use super::{save_paper, with_store, CmdResult};
use crate::state::AppState;

/// Every incident without its words: not closed first.
#[tauri::command]
pub fn incidents(state: State<'_, AppState>) -> CmdResult<Vec<Incident>> {
    with_store(&state, |s| s.incidents())
}

/// One incident with its words when this PC holds them (reading them is audited).
#[tauri::command]
pub fn incident(state: State<'_, AppState>, id: Uuid) -> CmdResult<Incident> {
    with_store(&state, |s| s.incident(id))
}

/// The incidents not closed, for the board (personal data first, with the city's steps).
#[tauri::command]
pub fn open_incidents(state: State<'_, AppState>) -> CmdResult<Vec<OpenIncident>> {
    with_store(&state, |s| s.open_incidents())
}

/// Opens an incident at this seat's site (staff too).
#[tauri::command]
pub fn open_incident(state: State<'_, AppState>, incident: NewIncident) -> CmdResult<Incident> {
    with_store(&state, |s| s.open_incident(incident))
}

/// Takes a step (notes and immediate actions: staff too; the rest: manager or deputy).
#[tauri::command]
pub fn take_incident_step(
    state: State<'_, AppState>,
    id: Uuid,
    step: NewIncidentStep,
) -> CmdResult<Incident> {
    with_store(&state, |s| s.take_incident_step(id, step))
}

/// Sets a follow-up with its due day.
#[tauri::command]
pub fn set_incident_followup(
    state: State<'_, AppState>,
    id: Uuid,
    what: FollowupWhat,
    due_on: NaiveDate,
) -> CmdResult<Incident> {
    with_store(&state, |s| s.set_incident_followup(id, what, due_on))
}

/// Marks a follow-up done.
#[tauri::command]
pub fn complete_incident_followup(
    state: State<'_, AppState>,
    followup: Uuid,
    done_on: NaiveDate,
) -> CmdResult<Incident> {
    with_store(&state, |s| s.complete_incident_followup(followup, done_on))
}

/// Closes an incident; refused with `incident_incomplete` while steps are missing.
#[tauri::command]
pub fn close_incident(state: State<'_, AppState>, id: Uuid) -> CmdResult<Incident> {
    with_store(&state, |s| s.close_incident(id))
}

/// Saves the incident report (事故報告書, codes only) into the data folder's reports/;
/// returns where.
#[tauri::command]
pub fn save_incident_report(state: State<'_, AppState>, number: String) -> CmdResult<String> {
    save_paper(&state, |s| {
        madoguchi_report::save_incident_report(s, &number)
    })
}
