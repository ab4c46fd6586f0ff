//! Tauri commands: unpack, call core, translate. Nothing else.
use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    calendar::Closure,
    checklist::{CaseInput, CheckOutcome, IntakeScript, Stage},
    reservation::{ApplicantType, BookingRules, PlanKind, Procedure, ReservationStatus, SlotPlan},
    reservation_number::ReservationNumber,
    store::{
        CaseView, DayBoard, PlanSettings, ProcedureBundle, Reconciliation, ReservationChecklist,
        ReservationSummary, VisitEvent,
    },
    visit::VisitStep,
    Passphrase, Store, StoreStatus,
};
use tauri::State;

use crate::{
    dto::{BookPersonRequest, BookRequest},
    error::AppError,
    state::{AppState, LockState, StoreState},
};

pub mod incidents;
pub mod people;
pub mod reports;
pub mod roster;
pub mod sites;
pub mod sync;
pub mod training_day;
pub mod waiting;
pub mod wipe;
pub mod work_log;

type CmdResult<T> = Result<T, AppError>;

/// Is there a store, and is it unlocked?
#[tauri::command]
pub fn lock_state(state: State<'_, AppState>) -> LockState {
    let dir = state.data_dir();
    let store_state = if state.store().is_some() {
        StoreState::Unlocked
    } else if matches!(madoguchi_core::wipe::Wipe::pending(dir), Ok(Some(_))) {
        StoreState::WipePending
    } else if dir.key_file().exists() || dir.database().exists() {
        StoreState::Locked
    } else {
        StoreState::NoStore
    };
    LockState {
        state: store_state,
        data_dir: dir.root().display().to_string(),
        training: dir.training_hint(),
    }
}

/// Unlocks the store with the site passphrase and returns its status. Async: it may open the
/// call display window again, and a window made from a synchronous command deadlocks on
/// Windows (WebView2).
#[tauri::command]
pub async fn unlock(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> CmdResult<StoreStatus> {
    let store =
        crate::state::with_test_clock(Store::open(state.data_dir(), &Passphrase::new(passphrase))?);
    let status = store.status()?;
    let display = store.display_window();
    *state.store() = Some(store);
    state.start_sync();
    // The call display comes back where it was before the restart.
    match display {
        Ok(window) => waiting::reopen_display(&app, &window),
        Err(e) => tracing::warn!("call display settings: {e}"),
    }
    Ok(status)
}

/// The unlocked store's status.
#[tauri::command]
pub fn store_status(state: State<'_, AppState>) -> CmdResult<StoreStatus> {
    Ok(state
        .store()
        .as_ref()
        .ok_or_else(AppError::locked)?
        .status()?)
}

/// Closes the store; the key leaves memory and the sign-in ends (recorded as a lock).
#[tauri::command]
pub fn lock(state: State<'_, AppState>) {
    state.stop_sync();
    if let Some(store) = state.store().take() {
        if let Err(e) = store.end_sign_in_on_lock() {
            tracing::warn!("could not record the end of the sign-in: {e}");
        }
    }
}

/// Runs `f`, which only reads, on the unlocked store (no sync nudge: the call display reads
/// several times a second).
fn read_store<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&Store) -> madoguchi_core::Result<T>,
) -> CmdResult<T> {
    Ok(f(state.store().as_ref().ok_or_else(AppError::locked)?)?)
}

/// Runs `f` on the unlocked store, then lets sync push whatever it changed.
fn with_store<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&Store) -> madoguchi_core::Result<T>,
) -> CmdResult<T> {
    let result = f(state.store().as_ref().ok_or_else(AppError::locked)?)?;
    state.nudge_sync();
    Ok(result)
}

/// Saves a paper with `save` (one of `madoguchi_report`'s `save_…`) on the unlocked store, into
/// the data folder's reports/; returns where.
fn save_paper<E>(
    state: &State<'_, AppState>,
    save: impl FnOnce(&Store) -> Result<std::path::PathBuf, E>,
) -> CmdResult<String>
where
    AppError: From<E>,
{
    let store = state.store();
    let path = save(store.as_ref().ok_or_else(AppError::locked)?)?;
    Ok(path.display().to_string())
}

/// The board of one day (`YYYY-MM-DD`) at `site` (default: this PC's).
#[tauri::command]
pub fn day_board(
    state: State<'_, AppState>,
    day: NaiveDate,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<DayBoard> {
    with_store(&state, |s| match site {
        Some(site) => s.day_board_at(&site, day),
        None => s.day_board(day),
    })
}

/// Books a visit.
#[tauri::command]
pub fn book(state: State<'_, AppState>, request: BookRequest) -> CmdResult<ReservationSummary> {
    with_store(&state, |s| {
        let site = request.site.map_or_else(|| s.site(), Ok)?;
        s.book_at_site(
            &site,
            request.day,
            request.starts,
            request.channel,
            BookPersonRequest::people(request.people),
            &request.notes,
            request.intake,
            request.revisit_of,
        )
    })
}

/// A walk-in arriving now: placed in the next free place today, or queued.
#[tauri::command]
pub fn walk_in(
    state: State<'_, AppState>,
    people: Vec<BookPersonRequest>,
) -> CmdResult<ReservationSummary> {
    with_store(&state, |s| {
        s.walk_in(s.now(), BookPersonRequest::people(people))
    })
}

/// Moves a booking (to another site too, when `site` names one), or seats a queued walk-in.
#[tauri::command]
pub fn reschedule(
    state: State<'_, AppState>,
    number: ReservationNumber,
    day: NaiveDate,
    starts: NaiveTime,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<ReservationSummary> {
    with_store(&state, |s| s.move_booking(number, site, day, starts))
}

/// Search by number, phone, name (kana or kanji) or date.
#[tauri::command]
pub fn search(state: State<'_, AppState>, query: String) -> CmdResult<Vec<ReservationSummary>> {
    with_store(&state, |s| s.search(&query, 50))
}

/// Check-in, cancel or no-show.
#[tauri::command]
pub fn set_reservation_status(
    state: State<'_, AppState>,
    number: ReservationNumber,
    status: ReservationStatus,
) -> CmdResult<ReservationSummary> {
    with_store(&state, |s| match status {
        ReservationStatus::CheckedIn => s.check_in(number),
        ReservationStatus::Cancelled => s.cancel(number),
        ReservationStatus::NoShow => s.no_show(number),
        ReservationStatus::Booked | ReservationStatus::Queued => {
            Err(madoguchi_core::Error::NotAllowed(format!(
                "a reservation cannot be set to {}",
                status.code()
            )))
        }
    })
}

/// Slot plans, rules, durations, holiday sessions, closures and the follow-up list.
#[tauri::command]
pub fn plan_settings(state: State<'_, AppState>) -> CmdResult<PlanSettings> {
    with_store(&state, Store::plan_settings)
}

/// Replaces a slot plan; returns the bookings that no longer fit.
#[tauri::command]
pub fn set_slot_plan(
    state: State<'_, AppState>,
    kind: PlanKind,
    plan: SlotPlan,
) -> CmdResult<Vec<ReservationSummary>> {
    with_store(&state, |s| s.set_slot_plan(kind, plan))
}

/// Sets (or clears) one band's capacity on one day; returns the bookings that no longer fit.
#[tauri::command]
pub fn set_capacity(
    state: State<'_, AppState>,
    day: NaiveDate,
    band_starts: NaiveTime,
    capacity: Option<u32>,
) -> CmdResult<Vec<ReservationSummary>> {
    with_store(&state, |s| s.set_capacity(day, band_starts, capacity))
}

/// Designates (note) or removes (null) a holiday session, at one site or (null) every site.
#[tauri::command]
pub fn set_holiday_session(
    state: State<'_, AppState>,
    day: NaiveDate,
    note: Option<String>,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<Vec<ReservationSummary>> {
    with_store(&state, |s| {
        s.set_holiday_session_at(site.as_ref(), day, note.as_deref())
    })
}

/// Records (or with null removes) a closure, at one site or (null) every site; returns the
/// bookings to call and rebook.
#[tauri::command]
pub fn set_closure(
    state: State<'_, AppState>,
    day: NaiveDate,
    closure: Option<Closure>,
    site: Option<madoguchi_core::site::SiteId>,
) -> CmdResult<Vec<ReservationSummary>> {
    with_store(&state, |s| s.set_closure_at(site.as_ref(), day, closure))
}

/// Changes the city's booking rules.
#[tauri::command]
pub fn set_booking_rules(state: State<'_, AppState>, rules: BookingRules) -> CmdResult<()> {
    with_store(&state, |s| s.set_booking_rules(rules))
}

/// Changes how long a procedure takes.
#[tauri::command]
pub fn set_procedure_minutes(
    state: State<'_, AppState>,
    procedure: Procedure,
    minutes: u32,
) -> CmdResult<()> {
    with_store(&state, |s| s.set_procedure_minutes(procedure, minutes))
}

/// Changes what the city specifies for a procedure's case bundle.
#[tauri::command]
pub fn set_procedure_bundle(state: State<'_, AppState>, bundle: ProcedureBundle) -> CmdResult<()> {
    with_store(&state, |s| s.set_procedure_bundle(bundle))
}

/// The phone intake script for these procedures on the day of the visit being booked (the
/// rules in force then), given the facts answered so far.
#[tauri::command]
pub fn intake_script(
    state: State<'_, AppState>,
    procedures: Vec<Procedure>,
    applicant_type: ApplicantType,
    facts: std::collections::BTreeMap<String, bool>,
    day: chrono::NaiveDate,
) -> CmdResult<IntakeScript> {
    with_store(&state, |s| {
        Ok(s.checklist_rules()
            .intake_script_on(&procedures, applicant_type, &facts, day))
    })
}

/// A reservation's checklists (phone and counter), judged by the rules in force.
#[tauri::command]
pub fn checklist(
    state: State<'_, AppState>,
    number: ReservationNumber,
) -> CmdResult<ReservationChecklist> {
    with_store(&state, |s| s.checklist(number))
}

/// Records one person's checklist at a stage.
#[tauri::command]
pub fn record_checklist(
    state: State<'_, AppState>,
    number: ReservationNumber,
    position: u32,
    stage: Stage,
    input: CaseInput,
) -> CmdResult<ReservationChecklist> {
    with_store(&state, |s| {
        s.record_checklist(number, position, stage, input)
    })
}

/// Records the counter's decision for one person.
#[tauri::command]
pub fn record_check_outcome(
    state: State<'_, AppState>,
    number: ReservationNumber,
    position: u32,
    outcome: CheckOutcome,
) -> CmdResult<ReservationChecklist> {
    with_store(&state, |s| {
        s.record_check_outcome(number, position, outcome)
    })
}

/// The store's local time now (`YYYY-MM-DDTHH:MM:SS`): screens ask for "today" here, not the
/// WebView's clock, so every seat agrees with the store it writes to.
#[tauri::command]
pub fn store_now(state: State<'_, AppState>) -> CmdResult<String> {
    with_store(&state, |s| {
        Ok(s.now().format("%Y-%m-%dT%H:%M:%S").to_string())
    })
}

/// Every case of a day, in serving order, with live waiting and service minutes.
#[tauri::command]
pub fn cases_on(state: State<'_, AppState>, day: NaiveDate) -> CmdResult<Vec<CaseView>> {
    with_store(&state, |s| s.cases_on(day))
}

/// Calls the next waiting person to a seat (none waiting: null).
#[tauri::command]
pub fn call_next(state: State<'_, AppState>, seat_no: u32) -> CmdResult<Option<CaseView>> {
    with_store(&state, |s| s.call_next(seat_no))
}

/// Takes one step of a case's workflow.
#[tauri::command]
pub fn visit_step(
    state: State<'_, AppState>,
    number: ReservationNumber,
    position: u32,
    step: VisitStep,
) -> CmdResult<CaseView> {
    with_store(&state, |s| s.visit_step(number, position, step))
}

/// The steps of one case (chain of custody).
#[tauri::command]
pub fn case_history(
    state: State<'_, AppState>,
    number: ReservationNumber,
    position: u32,
) -> CmdResult<Vec<VisitEvent>> {
    with_store(&state, |s| s.case_history(number, position))
}

/// The day's application forms: the back office's count against the handoffs.
#[tauri::command]
pub fn reconcile(state: State<'_, AppState>, day: NaiveDate) -> CmdResult<Reconciliation> {
    with_store(&state, |s| s.reconcile(day))
}

/// Records the back office's count of application forms.
#[tauri::command]
pub fn set_form_count(
    state: State<'_, AppState>,
    day: NaiveDate,
    count: u32,
    code: Option<String>,
    note: String,
) -> CmdResult<Reconciliation> {
    with_store(&state, |s| {
        s.set_form_count(day, count, code.as_deref(), &note)
    })
}

/// The codes the city added to the reason lists.
#[tauri::command]
pub fn city_reasons(
    state: State<'_, AppState>,
) -> CmdResult<Vec<madoguchi_core::reason::CityReason>> {
    with_store(&state, |s| s.city_reasons())
}

/// Sets the codes the city added to the reason lists (manager / deputy).
#[tauri::command]
pub fn set_city_reasons(
    state: State<'_, AppState>,
    reasons: Vec<madoguchi_core::reason::CityReason>,
) -> CmdResult<()> {
    with_store(&state, |s| s.set_city_reasons(reasons))
}
