//! Commands for people and accountability: sign-in, the roster, attendance, the audit trail,
//! inquiries and complaints, lent materials, and city staff acknowledging with their own PIN.
use chrono::NaiveDate;
use madoguchi_core::{
    people::{Actor, Role},
    reservation_number::ReservationNumber,
    store::{
        Attendance, AuditEntry, AuditVerification, CaseView, ComplaintStep, Inquiry, LentMaterial,
        NewInquiry, NewLentMaterial, NewStaff, Pin, StaffMember,
    },
    visit::VisitStep,
};
use tauri::State;
use uuid::Uuid;

use super::{with_store, CmdResult};
use crate::state::AppState;

/// Who is signed in at this seat (null after an idle sign-out).
#[tauri::command]
pub fn signed_in(state: State<'_, AppState>) -> CmdResult<Option<Actor>> {
    with_store(&state, |s| s.signed_in())
}

/// Signs a member in with staff ID and PIN.
#[tauri::command]
pub fn sign_in(state: State<'_, AppState>, code: String, pin: Pin) -> CmdResult<Actor> {
    with_store(&state, |s| s.sign_in(&code, &pin))
}

/// Signs out whoever is signed in.
#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> CmdResult<()> {
    with_store(&state, |s| s.sign_out())
}

/// Whether the roster is still empty (the first manager is added with the CLI).
#[tauri::command]
pub fn roster_is_empty(state: State<'_, AppState>) -> CmdResult<bool> {
    with_store(&state, |s| s.roster_is_empty())
}

/// The roster.
#[tauri::command]
pub fn staff(state: State<'_, AppState>) -> CmdResult<Vec<StaffMember>> {
    with_store(&state, |s| s.staff())
}

/// Adds a member.
#[tauri::command]
pub fn add_staff(state: State<'_, AppState>, member: NewStaff) -> CmdResult<StaffMember> {
    with_store(&state, |s| s.add_staff(member))
}

/// Changes a member's role or takes them off the roster.
#[tauri::command]
pub fn update_staff(
    state: State<'_, AppState>,
    code: String,
    role: Role,
    active: bool,
) -> CmdResult<StaffMember> {
    with_store(&state, |s| s.update_staff(&code, role, active))
}

/// Sets a new PIN (and lifts a lock-out).
#[tauri::command]
pub fn reset_pin(state: State<'_, AppState>, code: String, pin: Pin) -> CmdResult<StaffMember> {
    with_store(&state, |s| s.reset_pin(&code, &pin))
}

/// The attendance record of a period.
#[tauri::command]
pub fn attendance(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> CmdResult<Vec<Attendance>> {
    with_store(&state, |s| s.attendance(from, to))
}

/// The attendance record as CSV (copied to the clipboard by the UI, never written to disk).
#[tauri::command]
pub fn attendance_csv(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> CmdResult<String> {
    with_store(&state, |s| s.attendance_csv(from, to))
}

/// The newest audit entries.
#[tauri::command]
pub fn audit_trail(state: State<'_, AppState>, limit: u32) -> CmdResult<Vec<AuditEntry>> {
    with_store(&state, |s| s.audit_trail(limit.min(1000)))
}

/// Verifies every chain of the audit trail.
#[tauri::command]
pub fn verify_audit(state: State<'_, AppState>) -> CmdResult<AuditVerification> {
    with_store(&state, |s| s.verify_audit())
}

/// Records an inquiry or complaint.
#[tauri::command]
pub fn record_inquiry(state: State<'_, AppState>, inquiry: NewInquiry) -> CmdResult<Inquiry> {
    with_store(&state, |s| s.record_inquiry(inquiry))
}

/// Takes a step of a complaint's response procedure.
#[tauri::command]
pub fn complaint_step(
    state: State<'_, AppState>,
    id: Uuid,
    step: ComplaintStep,
    note: String,
) -> CmdResult<Inquiry> {
    with_store(&state, |s| s.complaint_step(id, step, &note))
}

/// Inquiries and complaints of a period, with open complaints.
#[tauri::command]
pub fn inquiries(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
) -> CmdResult<Vec<Inquiry>> {
    with_store(&state, |s| s.inquiries(from, to))
}

/// The lending ledger.
#[tauri::command]
pub fn lent_materials(state: State<'_, AppState>) -> CmdResult<Vec<LentMaterial>> {
    with_store(&state, |s| s.lent_materials())
}

/// Records a material received from the city.
#[tauri::command]
pub fn lend(state: State<'_, AppState>, material: NewLentMaterial) -> CmdResult<LentMaterial> {
    with_store(&state, |s| s.lend(material))
}

/// Records a material's return.
#[tauri::command]
pub fn return_material(
    state: State<'_, AppState>,
    id: Uuid,
    day: NaiveDate,
) -> CmdResult<LentMaterial> {
    with_store(&state, |s| s.return_material(id, day))
}

/// City staff confirm a return with their own staff ID and PIN.
#[tauri::command]
pub fn confirm_return(
    state: State<'_, AppState>,
    id: Uuid,
    code: String,
    pin: Pin,
) -> CmdResult<LentMaterial> {
    with_store(&state, |s| s.confirm_return(id, &code, &pin))
}

/// City staff acknowledge, give items back or complete, with their own staff ID and PIN.
#[tauri::command]
pub fn city_staff_step(
    state: State<'_, AppState>,
    number: ReservationNumber,
    position: u32,
    step: VisitStep,
    code: String,
    pin: Pin,
) -> CmdResult<CaseView> {
    with_store(&state, |s| {
        s.city_staff_step(number, position, step, &code, &pin)
    })
}
