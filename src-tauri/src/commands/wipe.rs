//! The end-of-contract wipe from the admin screen (manager or deputy; core checks the role).
//!
//! The wipe runs on a blocking thread and reports progress as `wipe-progress` events. Once it
//! has begun, the store is closed for good: the screen then shows the certificate and quits.
use std::path::PathBuf;

use madoguchi_core::wipe::{
    Certificate, HandoverTarget, PendingWipe, Preflight, Wipe, WipeOptions, WipeOutcome,
    WipeProgress,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};

use super::CmdResult;
use crate::{error::AppError, state::AppState};

/// What the wipe screen starts with.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct WipeDefaults {
    /// This store's seat name: what the manager types to confirm.
    pub seat_name: String,
    /// A folder to suggest for the certificate and the export (the user's documents).
    pub documents_dir: String,
}

/// The manager's request.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct WipeRequest {
    /// The contractor.
    pub organisation: String,
    /// The contract.
    pub contract: String,
    /// The city's age public key; with `export_dir`, the handover export is made first.
    pub recipient: Option<String>,
    /// Where the export goes.
    pub export_dir: Option<String>,
    /// Where the certificate goes.
    pub certificate_dir: String,
    /// The seat name, typed.
    pub confirmation: String,
}

/// What would be removed and lost.
#[tauri::command]
pub fn wipe_preflight(state: State<'_, AppState>) -> CmdResult<Preflight> {
    let guard = state.store();
    Ok(guard
        .as_ref()
        .ok_or_else(AppError::locked)?
        .wipe_preflight()?)
}

/// The seat name and a suggested folder.
#[tauri::command]
pub fn wipe_defaults(app: AppHandle, state: State<'_, AppState>) -> CmdResult<WipeDefaults> {
    let guard = state.store();
    let store = guard.as_ref().ok_or_else(AppError::locked)?;
    let documents = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."));
    Ok(WipeDefaults {
        seat_name: store.meta().seat_name.clone(),
        documents_dir: documents.display().to_string(),
    })
}

/// An interrupted wipe, if there is one (asked before unlocking: its key may be gone).
#[tauri::command]
pub fn wipe_pending(state: State<'_, AppState>) -> CmdResult<Option<PendingWipe>> {
    Ok(Wipe::pending(state.data_dir())?)
}

/// Hands over (when asked), then erases this PC's store; returns the certificate.
#[tauri::command]
pub async fn wipe_start(app: AppHandle, request: WipeRequest) -> CmdResult<WipeOutcome> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let options = {
            let guard = state.store();
            let store = guard.as_ref().ok_or_else(AppError::locked)?;
            if request.confirmation != store.meta().seat_name {
                return Err(invalid("the confirmation does not match the seat name"));
            }
            WipeOptions {
                organisation: request.organisation,
                contract: request.contract,
                handover: match (request.recipient, request.export_dir) {
                    (Some(r), Some(d)) if !r.trim().is_empty() && !d.trim().is_empty() => {
                        Some(HandoverTarget {
                            recipient: r,
                            dir: PathBuf::from(d),
                        })
                    }
                    _ => None,
                },
                certificate_dir: PathBuf::from(request.certificate_dir),
            }
        };
        state.stop_sync();
        let mut progress = |p: WipeProgress| {
            let _ = app.emit("wipe-progress", p);
        };
        // The export and the checks first, with the store still open: a refusal loses nothing.
        let prepared = {
            let guard = state.store();
            let store = guard.as_ref().ok_or_else(AppError::locked)?;
            Wipe::prepare(store, options, &mut progress)
        };
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                state.start_sync();
                return Err(e.into());
            }
        };
        let store = state.store().take().ok_or_else(AppError::locked)?;
        let wipe = prepared.begin(store)?;
        state.mark_wiped();
        Ok(wipe.run(&render, &mut progress)?)
    })
    .await
    .map_err(|e| invalid(&format!("the wipe task failed: {e}")))?
}

/// Finishes an interrupted wipe (typed confirmation: the word 再開).
#[tauri::command]
pub async fn wipe_resume(app: AppHandle, confirmation: String) -> CmdResult<WipeOutcome> {
    if confirmation != "再開" {
        return Err(invalid("type 再開 to confirm"));
    }
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let wipe = Wipe::resume(state.data_dir())?
            .ok_or_else(|| invalid("there is no interrupted wipe"))?;
        state.mark_wiped();
        let mut progress = |p: WipeProgress| {
            let _ = app.emit("wipe-progress", p);
        };
        Ok(wipe.run(&render, &mut progress)?)
    })
    .await
    .map_err(|e| invalid(&format!("the wipe task failed: {e}")))?
}

/// Quits the app after a wipe (what the WebView wrote meanwhile is removed on exit).
#[tauri::command]
pub fn quit_app(app: AppHandle) {
    app.exit(0);
}

fn render(cert: &Certificate) -> Result<Vec<u8>, String> {
    madoguchi_report::certificate::pdf(cert).map_err(|e| e.to_string())
}

fn invalid(why: &str) -> AppError {
    madoguchi_core::Error::Invalid(why.to_owned()).into()
}
