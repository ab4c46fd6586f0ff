//! Commands for the 業務日誌 and 業務改善 screens and the board's cards
//! (docs/design/paperwork.md §3.3, §3.5, §9): thin calls into the store; permissions, the
//! guard on the words and the rules of the cycle are the core's.
use chrono::NaiveDate;
use madoguchi_core::{
    paperwork::{
        improvement::{ImprovementNotice, NewImprovementNotice, NewImprovementStep},
        work_log::{NewWorkLogNote, WorkLogNote},
    },
    site::SiteId,
    store::{WorkLog, WorkLogDue},
    Store,
};
use tauri::State;
use uuid::Uuid;

use super::{save_paper, with_store, CmdResult};
use crate::state::AppState;

/// The site asked for, or this PC's.
fn site_or_mine(s: &Store, site: Option<SiteId>) -> madoguchi_core::Result<SiteId> {
    site.map_or_else(|| s.site(), Ok)
}

/// A site's work log of a day with the day's figures (this PC's site when `site` is none).
#[tauri::command]
pub fn work_log(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    day: NaiveDate,
) -> CmdResult<WorkLog> {
    with_store(&state, |s| s.work_log(&site_or_mine(s, site)?, day))
}

/// Adds a coded note (its words are kept, never printed).
#[tauri::command]
pub fn add_work_log_note(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    day: NaiveDate,
    note: NewWorkLogNote,
) -> CmdResult<WorkLogNote> {
    with_store(&state, |s| {
        s.add_work_log_note(&site_or_mine(s, site)?, day, note)
    })
}

/// Takes a note out of an open log.
#[tauri::command]
pub fn remove_work_log_note(state: State<'_, AppState>, id: Uuid) -> CmdResult<()> {
    with_store(&state, |s| s.remove_work_log_note(id))
}

/// Closes the log (締める).
#[tauri::command]
pub fn close_work_log(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    day: NaiveDate,
) -> CmdResult<WorkLog> {
    with_store(&state, |s| s.close_work_log(&site_or_mine(s, site)?, day))
}

/// Opens a closed log again (再開).
#[tauri::command]
pub fn reopen_work_log(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    day: NaiveDate,
) -> CmdResult<WorkLog> {
    with_store(&state, |s| s.reopen_work_log(&site_or_mine(s, site)?, day))
}

/// Records the closed log as submitted on `on` (提出済み).
#[tauri::command]
pub fn mark_work_log_submitted(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    day: NaiveDate,
    on: NaiveDate,
) -> CmdResult<WorkLog> {
    with_store(&state, |s| {
        s.mark_work_log_submitted(&site_or_mine(s, site)?, day, on)
    })
}

/// Saves the log as PDF into the data folder's reports/ (出力); returns where.
#[tauri::command]
pub fn save_work_log(
    state: State<'_, AppState>,
    site: Option<SiteId>,
    day: NaiveDate,
) -> CmdResult<String> {
    save_paper(&state, |s| -> CmdResult<_> {
        Ok(madoguchi_report::save_work_log(
            s,
            &site_or_mine(s, site)?,
            day,
        )?)
    })
}

/// The work logs owed from `from` up to yesterday, newest first (board and the list of days).
#[tauri::command]
pub fn work_logs_due(state: State<'_, AppState>, from: NaiveDate) -> CmdResult<Vec<WorkLogDue>> {
    with_store(&state, |s| s.work_logs_due(from))
}

/// Every improvement notice, open ones first.
#[tauri::command]
pub fn improvement_notices(state: State<'_, AppState>) -> CmdResult<Vec<ImprovementNotice>> {
    with_store(&state, |s| s.improvement_notices())
}

/// Records a notice received from the city.
#[tauri::command]
pub fn receive_improvement_notice(
    state: State<'_, AppState>,
    notice: NewImprovementNotice,
) -> CmdResult<ImprovementNotice> {
    with_store(&state, |s| s.receive_improvement_notice(notice))
}

/// Records a step of a notice's cycle.
#[tauri::command]
pub fn take_improvement_step(
    state: State<'_, AppState>,
    id: Uuid,
    step: NewImprovementStep,
) -> CmdResult<ImprovementNotice> {
    with_store(&state, |s| s.take_improvement_step(id, step))
}

/// The notices late on some step today (the board's 業務改善の期限).
#[tauri::command]
pub fn improvements_overdue(state: State<'_, AppState>) -> CmdResult<Vec<ImprovementNotice>> {
    with_store(&state, |s| s.improvements_overdue())
}
