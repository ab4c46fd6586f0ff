//! Commands for the reports screen: preview the figures, save PDF / CSV into the data
//! directory's `reports/` folder, mark submitted, list what is due.
use chrono::NaiveDate;
use madoguchi_core::{
    planner::Assumptions,
    store::{CapacityPlan, DailyReport, MonthlyReport, ReportDue, ReportKind},
};
use madoguchi_report::Format;
use tauri::State;

use super::{save_paper, with_store, CmdResult};
use crate::state::AppState;

/// The daily (or holiday session) report's figures, for the preview.
#[tauri::command]
pub fn daily_report(state: State<'_, AppState>, day: NaiveDate) -> CmdResult<DailyReport> {
    with_store(&state, |s| s.daily_report(day))
}

/// The monthly report's figures (any day of the month).
#[tauri::command]
pub fn monthly_report(state: State<'_, AppState>, month: NaiveDate) -> CmdResult<MonthlyReport> {
    with_store(&state, |s| s.monthly_report(month))
}

/// Saves a report as PDF or CSV; returns where.
#[tauri::command]
pub fn save_report(
    state: State<'_, AppState>,
    kind: ReportKind,
    period: NaiveDate,
    format: Format,
) -> CmdResult<String> {
    save_paper(&state, |s| madoguchi_report::save(s, kind, period, format))
}

/// Marks a produced report as submitted to the city.
#[tauri::command]
pub fn mark_report_submitted(
    state: State<'_, AppState>,
    kind: ReportKind,
    period: String,
) -> CmdResult<()> {
    with_store(&state, |s| s.mark_submitted(kind, &period))
}

/// The capacity plan of a site (this PC's when `None`) under what-if assumptions (or the
/// saved ones).
#[tauri::command]
pub fn capacity_plan(
    state: State<'_, AppState>,
    what_if: Option<Assumptions>,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<CapacityPlan> {
    with_store(&state, |s| match &site {
        Some(site) => s.capacity_plan_at(site, what_if),
        None => s.capacity_plan(what_if),
    })
}

/// Saves the planner's assumptions of a site (this PC's when `None`).
#[tauri::command]
pub fn set_plan_assumptions(
    state: State<'_, AppState>,
    assumptions: Assumptions,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<()> {
    with_store(&state, |s| match &site {
        Some(site) => s.set_plan_assumptions_at(site, &assumptions),
        None => s.set_plan_assumptions(&assumptions),
    })
}

/// Saves the plan as PDF or CSV into the data folder's reports/; returns where.
#[tauri::command]
pub fn save_plan(
    state: State<'_, AppState>,
    format: Format,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<String> {
    save_paper(&state, |s| {
        madoguchi_report::save_plan(s, format, site.as_ref())
    })
}

/// What is due since `from`, newest first.
#[tauri::command]
pub fn reports_due(state: State<'_, AppState>, from: NaiveDate) -> CmdResult<Vec<ReportDue>> {
    with_store(&state, |s| s.reports_due(from))
}

/// The reservation slip's figures (the screen shows the kana names beside them, so staff
/// print the right booking; the PDF holds no name).
#[tauri::command]
pub fn reservation_slip(
    state: State<'_, AppState>,
    number: madoguchi_core::reservation_number::ReservationNumber,
) -> CmdResult<madoguchi_core::store::ReservationSlip> {
    with_store(&state, |s| s.reservation_slip(number))
}

/// Saves the reservation slip (予約票) as an A6 or A4 PDF into the data folder's reports/;
/// returns where.
#[tauri::command]
pub fn save_slip(
    state: State<'_, AppState>,
    number: madoguchi_core::reservation_number::ReservationNumber,
    size: madoguchi_report::slip::SlipSize,
) -> CmdResult<String> {
    save_paper(&state, |s| madoguchi_report::save_slip(s, number, size))
}
