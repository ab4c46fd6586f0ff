//! Commands for the city's sites (拠点): the list every screen's site picker shows, and the
//! manager's settings (add, rename, close).
use madoguchi_core::site::{OutreachReadiness, Site, SiteId, SiteKind, StaffSites};
use tauri::State;

use super::{with_store, CmdResult};
use crate::state::AppState;

/// What this PC shows about sites: the city's sites and the one this PC works for.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct SitesView {
    /// Every site, in order (closed ones too).
    pub sites: Vec<Site>,
    /// The site this PC works for.
    #[ts(type = "string")]
    pub here: SiteId,
}

/// The city's sites and this PC's.
#[tauri::command]
pub fn sites(state: State<'_, AppState>) -> CmdResult<SitesView> {
    with_store(&state, |s| {
        Ok(SitesView {
            sites: s.sites()?,
            here: s.site()?,
        })
    })
}

/// Adds a site (manager); an outreach site with its one `day`.
#[tauri::command]
pub fn add_site(
    state: State<'_, AppState>,
    id: SiteId,
    name: String,
    kind: SiteKind,
    day: Option<chrono::NaiveDate>,
) -> CmdResult<Site> {
    with_store(&state, |s| s.add_site_on(id, &name, kind, day))
}

/// Seals an outreach site for its day, or unseals it (manager).
#[tauri::command]
pub fn seal_site(state: State<'_, AppState>, id: SiteId, sealed: bool) -> CmdResult<Site> {
    with_store(&state, |s| s.seal_site(id, sealed))
}

/// Sets whether a site opens on weekends and the procedures it offers (`None`: every
/// procedure) (manager).
#[tauri::command]
pub fn set_site_pattern(
    state: State<'_, AppState>,
    id: SiteId,
    weekends: bool,
    procedures: Option<Vec<madoguchi_core::reservation::Procedure>>,
) -> CmdResult<Site> {
    with_store(&state, |s| s.set_site_pattern(id, weekends, procedures))
}

/// Renames a site, or closes or reopens it (manager).
#[tauri::command]
pub fn change_site(
    state: State<'_, AppState>,
    id: SiteId,
    name: String,
    active: bool,
) -> CmdResult<Site> {
    with_store(&state, |s| s.change_site(id, &name, active))
}

/// The members of the counter staff who work at some sites only (the others work anywhere).
#[tauri::command]
pub fn staff_sites(state: State<'_, AppState>) -> CmdResult<Vec<StaffSites>> {
    with_store(&state, |s| s.staff_sites())
}

/// Sets the sites a member works at (manager; empty: every site).
#[tauri::command]
pub fn set_staff_sites(
    state: State<'_, AppState>,
    code: String,
    sites: Vec<SiteId>,
) -> CmdResult<StaffSites> {
    with_store(&state, |s| s.set_staff_sites(&code, sites))
}

/// On an outreach laptop: whether it is ready to leave for the venue (出張準備); null on any
/// other PC.
#[tauri::command]
pub fn outreach_readiness(state: State<'_, AppState>) -> CmdResult<Option<OutreachReadiness>> {
    with_store(&state, |s| s.outreach_readiness())
}
