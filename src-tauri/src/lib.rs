//! The Madoguchi desktop shell: a Tauri window over `madoguchi-core`.
//!
//! This crate only routes: commands unpack arguments, call core, and translate errors into
//! `{ code, message }` for the UI. No business logic lives here.
#![forbid(unsafe_code)]

mod commands;
mod dto;
mod error;
mod state;

use madoguchi_core::DataDir;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

pub use error::{AppError, AppErrorCode, ShellErrorCode};
pub use state::{LockState, StoreState};

/// WebView2's browser arguments: wry's defaults (which setting any replaces) plus Chromium's
/// autofill server communication, off; and sound without a click first, so that the call
/// display's chime plays (nobody touches the waiting room's monitor).
const WEBVIEW2_ARGS: &str =
    "--disable-features=msWebOOUI,msPdfOOUI,msSmartScreenProtection,AutofillServerCommunication --autoplay-policy=no-user-gesture-required";

/// A window of the app (`label`, showing `url` of the UI): its WebView's own storage inside
/// the data directory, so the wipe finds it. Not `incognito`: WebKit's ephemeral context
/// refuses WebDriver automation, and the real-window tests must run the configuration counter
/// PCs run. The UI keeps nothing in web storage (see docs/architecture.md).
pub(crate) fn window<'a>(
    app: &'a tauri::AppHandle,
    label: &str,
    url: &str,
) -> WebviewWindowBuilder<'a, tauri::Wry, tauri::AppHandle> {
    let dir = state::data_dir(app);
    WebviewWindowBuilder::new(app, label, WebviewUrl::App(url.into()))
        .data_directory(dir.webview_dir())
        // WebView2 (Windows): no general autofill ("Suggestions" remembers names and phone
        // numbers typed into forms in its unencrypted "Web Data" file, whatever
        // autocomplete="off" says); password autosave is off by WebView2's default and nothing
        // turns it on. The browser arguments keep wry's defaults and add Chromium's autofill
        // server traffic. WebKitGTK has neither feature. The UI adds autocomplete="off", no
        // context menu and no print or save shortcuts (ui/src/privacy.ts); see
        // docs/threat-model.md.
        .general_autofill_enabled(false)
        .additional_browser_args(WEBVIEW2_ARGS)
}

/// Starts the desktop app on the data directory from `MADOGUCHI_DATA_DIR` or the OS default.
pub fn run() {
    // Before anything holds personal data: no core dumps, SQLCipher wipes what it frees.
    let hardening = madoguchi_core::hardening::harden_process();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    for problem in &hardening.problems {
        tracing::warn!("process hardening: {problem}");
    }
    let data_dir = match DataDir::resolve(None) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .manage(state::AppState::new(data_dir))
        .invoke_handler(tauri::generate_handler![
            commands::lock_state,
            commands::sync::sync_status,
            commands::sync::conflicts,
            commands::sync::resolve_conflict,
            commands::sync::enrol_seat,
            commands::sync::hub_new_code,
            commands::sync::hub_seats,
            commands::sync::hub_revoke,
            commands::unlock,
            commands::store_status,
            commands::lock,
            commands::day_board,
            commands::sites::sites,
            commands::training_day::training_state,
            commands::training_day::reset_training_day,
            commands::sites::add_site,
            commands::sites::change_site,
            commands::sites::seal_site,
            commands::sites::set_site_pattern,
            commands::sites::outreach_readiness,
            commands::sites::staff_sites,
            commands::sites::set_staff_sites,
            commands::book,
            commands::search,
            commands::set_reservation_status,
            commands::walk_in,
            commands::reschedule,
            commands::plan_settings,
            commands::set_slot_plan,
            commands::set_capacity,
            commands::set_holiday_session,
            commands::set_closure,
            commands::set_booking_rules,
            commands::set_procedure_minutes,
            commands::intake_script,
            commands::checklist,
            commands::record_checklist,
            commands::record_check_outcome,
            commands::store_now,
            commands::cases_on,
            commands::call_next,
            commands::visit_step,
            commands::case_history,
            commands::reconcile,
            commands::set_form_count,
            commands::set_procedure_bundle,
            commands::city_reasons,
            commands::set_city_reasons,
            commands::people::signed_in,
            commands::people::sign_in,
            commands::people::sign_out,
            commands::people::roster_is_empty,
            commands::people::staff,
            commands::people::add_staff,
            commands::people::update_staff,
            commands::people::reset_pin,
            commands::people::attendance,
            commands::people::attendance_csv,
            commands::people::audit_trail,
            commands::people::verify_audit,
            commands::people::record_inquiry,
            commands::people::complaint_step,
            commands::people::inquiries,
            commands::people::lent_materials,
            commands::people::lend,
            commands::people::return_material,
            commands::people::confirm_return,
            commands::people::city_staff_step,
            commands::reports::daily_report,
            commands::reports::monthly_report,
            commands::reports::save_report,
            commands::reports::mark_report_submitted,
            commands::reports::reports_due,
            commands::reports::capacity_plan,
            commands::reports::set_plan_assumptions,
            commands::reports::save_plan,
            commands::reports::reservation_slip,
            commands::reports::save_slip,
            commands::roster::roster,
            commands::roster::staff_details,
            commands::roster::set_staff_details,
            commands::roster::roster_changes,
            commands::roster::record_roster_submission,
            commands::roster::roster_submissions,
            commands::roster::save_roster,
            commands::roster::save_roster_changes,
            commands::roster::training_sessions,
            commands::roster::record_training_session,
            commands::roster::set_training_attendance,
            commands::roster::cancel_training_session,
            commands::roster::training_status,
            commands::roster::save_training_report,
            commands::incidents::incidents,
            commands::incidents::incident,
            commands::incidents::open_incidents,
            commands::incidents::open_incident,
            commands::incidents::take_incident_step,
            commands::incidents::set_incident_followup,
            commands::incidents::complete_incident_followup,
            commands::incidents::close_incident,
            commands::incidents::save_incident_report,
            commands::work_log::work_log,
            commands::work_log::add_work_log_note,
            commands::work_log::remove_work_log_note,
            commands::work_log::close_work_log,
            commands::work_log::reopen_work_log,
            commands::work_log::mark_work_log_submitted,
            commands::work_log::save_work_log,
            commands::work_log::work_logs_due,
            commands::work_log::improvement_notices,
            commands::work_log::receive_improvement_notice,
            commands::work_log::take_improvement_step,
            commands::work_log::improvements_overdue,
            commands::wipe::wipe_preflight,
            commands::wipe::wipe_defaults,
            commands::wipe::wipe_pending,
            commands::wipe::wipe_start,
            commands::wipe::wipe_resume,
            commands::wipe::quit_app,
            commands::waiting::call_display,
            commands::waiting::display_settings,
            commands::waiting::set_display_settings,
            commands::waiting::display_monitors,
            commands::waiting::open_display,
            commands::waiting::close_display,
            commands::waiting::announce,
        ])
        .setup(|app| {
            window(app.handle(), "main", "index.html")
                .title("窓口 Madoguchi")
                .inner_size(1366.0, 768.0)
                .min_inner_size(1024.0, 640.0)
                .build()?;
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building the Madoguchi app")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                let state = app.state::<state::AppState>();
                // After a wipe, the WebView may have written again while it ran; it is closed now.
                if state.wiped() {
                    if let Err(e) = madoguchi_core::wipe::remove_leftovers(state.data_dir()) {
                        tracing::warn!("removing what the WebView left after the wipe: {e}");
                    }
                }
            }
        });
}
