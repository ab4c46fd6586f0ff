//! Commands of a training store's day (研修モード): which day it follows, and the reset a
//! manager makes from the status screen.
use madoguchi_core::store::{TrainingReset, TrainingState};
use tauri::State;

use super::{with_store, CmdResult};
use crate::state::AppState;

/// The training day this store follows (`None` for a real store or one never reset).
#[tauri::command]
pub fn training_state(state: State<'_, AppState>) -> CmdResult<Option<TrainingState>> {
    with_store(&state, |s| s.training_state())
}

/// Resets a standalone training store (or a training hub's own app) to its training day
/// (manager or deputy). An enrolled training PC is refused: its hub resets the day.
#[tauri::command]
pub fn reset_training_day(state: State<'_, AppState>) -> CmdResult<TrainingReset> {
    with_store(&state, |s| {
        s.reset_training_day(madoguchi_core::demo::training_day)
    })
}
