//! Sync commands: the status indicator, the conflicts list, and this seat's enrolment (plus
//! the hub's seat list and revocation, asked of the hub by a manager at an enrolled seat).
use madoguchi_core::mutation::{ConflictMutation, Mutation};
use madoguchi_core::site::SiteId;
use madoguchi_core::store::{
    sync::{protocol::ManagerProof, ConflictView, SeatRecord},
    Pin,
};
use madoguchi_sync::{
    client,
    tls::HubPin,
    wire::{Request, Response},
};
use serde::Serialize;
use tauri::State;
use uuid::Uuid;

use super::{with_store, CmdResult};
use crate::{error::AppError, state::AppState};

/// What the status indicator and the sync screen show (no personal data).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SyncView {
    /// Enrolled with a hub.
    pub enrolled: bool,
    /// The hub's name and address.
    pub hub_name: Option<String>,
    /// host:port.
    pub hub_address: Option<String>,
    /// Connected now.
    pub connected: bool,
    /// Enrolled and the hub's data not all in yet (a new seat's first load).
    pub loading: bool,
    /// Why not, when offline (English).
    pub last_error: Option<String>,
    /// Its stable code (`sync_update_seat`, `sync_update_hub`, `seat_revoked`, `network`…),
    /// which the UI says in Japanese.
    pub error_code: Option<String>,
    /// This app's version.
    pub app_version: String,
    /// The hub's app version, as it said at the last hello.
    pub hub_version: Option<String>,
    /// Times this seat repaired itself from the hub's snapshot (its rows differed from the
    /// hub's, or the hub was replaced or restored from a backup).
    pub repairs: u32,
    /// When it last did (UTC).
    pub last_repair_at: Option<String>,
    /// Why (`digest`, `log_id`, `ahead`, `compacted`).
    pub last_repair_reason: Option<String>,
    /// Last completed pull (UTC).
    pub last_sync: Option<String>,
    /// Hub log version applied here.
    #[ts(type = "number")]
    pub cursor: u64,
    /// Changes not yet answered by the hub.
    pub pending: u32,
    /// Provisional bookings (仮予約).
    pub provisional: u32,
    /// Pending changes that no longer apply here (the hub will decide).
    pub failing: u32,
    /// Open conflicts.
    pub conflicts: u32,
    /// Places this seat can still confirm offline (escrow), over the coming days.
    pub escrow_places: u32,
}

/// The sync status.
#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncView> {
    let running = state.sync_status();
    let guard = state.store();
    let s = guard.as_ref().ok_or_else(AppError::locked)?;
    let link = s.sync_link()?;
    let outbox = s.outbox_status()?;
    let escrow_places = s.escrow_left()?.iter().map(|q| q.places).sum();
    Ok(SyncView {
        enrolled: link.is_some(),
        hub_name: link.as_ref().map(|l| l.hub_name.clone()),
        hub_address: link.as_ref().map(|l| l.hub_address.clone()),
        connected: running.as_ref().is_some_and(|r| r.connected),
        loading: s.first_load_pending()?,
        last_error: running.as_ref().and_then(|r| r.last_error.clone()),
        error_code: running.and_then(|r| r.last_error_code),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        hub_version: link.as_ref().and_then(|l| l.hub_version.clone()),
        repairs: link.as_ref().map_or(0, |l| l.repairs),
        last_repair_at: link.as_ref().and_then(|l| l.last_repair_at.clone()),
        last_repair_reason: link.as_ref().and_then(|l| l.last_repair_reason.clone()),
        last_sync: link.as_ref().and_then(|l| l.last_sync.clone()),
        cursor: link.map_or(0, |l| l.cursor),
        pending: outbox.pending,
        provisional: outbox.provisional,
        failing: outbox.failing,
        conflicts: outbox.conflicts,
        escrow_places,
    })
}

/// Conflicts, open ones first (with who to call: needs a sign-in).
#[tauri::command]
pub fn conflicts(
    state: State<'_, AppState>,
    include_resolved: bool,
) -> CmdResult<Vec<ConflictView>> {
    with_store(&state, |s| s.conflicts(include_resolved))
}

/// Records how a conflict was resolved.
#[tauri::command]
pub fn resolve_conflict(state: State<'_, AppState>, id: Uuid, resolution: String) -> CmdResult<()> {
    with_store(&state, |s| {
        s.execute(Mutation::Conflict(ConflictMutation::ResolveConflict {
            id,
            resolution,
        }))
        .map(|_| ())
    })
}

/// Enrols this seat with a hub (manager or deputy), then starts syncing.
#[tauri::command]
pub async fn enrol_seat(
    state: State<'_, AppState>,
    address: String,
    code: String,
) -> CmdResult<String> {
    with_store(&state, |s| s.authorise_sync_admin("sync_enrol", &address))?;
    let hub_name = client::enrol(&state.shared_store(), address.trim(), &code).await?;
    state.start_sync();
    Ok(hub_name)
}

/// Asks the hub for something only a manager may ask (a code, the seats, a revocation): the
/// signed-in manager or deputy types their PIN again, and the hub checks it against its roster.
async fn ask_hub(
    state: &State<'_, AppState>,
    action: &str,
    pin: String,
    request: impl FnOnce(ManagerProof) -> Request,
) -> CmdResult<Response> {
    let (identity, link, staff) = with_store(state, |s| {
        let staff = s.authorise_sync_admin(action, "")?;
        Ok((
            s.sync_identity(madoguchi_sync::tls::new_identity)?,
            s.sync_link()?,
            staff,
        ))
    })?;
    let link = link.ok_or(madoguchi_sync::Error::NoHub)?;
    let mut conn = client::connect(
        &identity,
        &link.hub_address,
        HubPin::Exact(link.hub_fingerprint),
    )
    .await?;
    let proof = ManagerProof {
        staff,
        pin: Pin::new(pin),
    };
    Ok(conn.call(&request(proof)).await?)
}

fn unexpected() -> AppError {
    madoguchi_sync::Error::Protocol("unexpected answer".into()).into()
}

/// A one-time enrolment string for a new seat (of `site`, or the city's first), or
/// (`seat_id`) one that re-admits that revoked seat.
#[tauri::command]
pub async fn hub_new_code(
    state: State<'_, AppState>,
    pin: String,
    seat_id: Option<Uuid>,
    site: Option<SiteId>,
) -> CmdResult<String> {
    match ask_hub(&state, "sync_new_code", pin, |manager| Request::NewCode {
        manager,
        seat: seat_id,
        site,
    })
    .await?
    {
        Response::Code { enrolment } => Ok(enrolment),
        _ => Err(unexpected()),
    }
}

/// The seats enrolled with the hub.
#[tauri::command]
pub async fn hub_seats(state: State<'_, AppState>, pin: String) -> CmdResult<Vec<SeatRecord>> {
    match ask_hub(&state, "sync_list_seats", pin, |manager| Request::Seats {
        manager,
    })
    .await?
    {
        Response::SeatList { seats } => Ok(seats),
        _ => Err(unexpected()),
    }
}

/// Revokes a seat at the hub.
#[tauri::command]
pub async fn hub_revoke(state: State<'_, AppState>, seat_id: Uuid, pin: String) -> CmdResult<()> {
    match ask_hub(&state, "sync_revoke", pin, |manager| Request::Revoke {
        seat_id,
        manager,
    })
    .await?
    {
        Response::Revoked => Ok(()),
        _ => Err(unexpected()),
    }
}
