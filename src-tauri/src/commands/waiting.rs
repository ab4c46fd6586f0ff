//! Commands for the waiting room's call display (呼出表示): its figures, its settings, the
//! window on a chosen monitor, and the spoken announcement of a call.
use madoguchi_core::store::{CallDisplay, DisplayCall, DisplaySettings, DisplayWindow};
use tauri::{AppHandle, Manager, State};

use super::{read_store, with_store, CmdResult};
use crate::{error::AppError, state::AppState};

/// The window's label (its capability in capabilities/display.json lets it call commands).
pub const DISPLAY: &str = "display";

/// What the display shows now (numbers and seats only).
#[tauri::command]
pub fn call_display(state: State<'_, AppState>) -> CmdResult<CallDisplay> {
    read_store(&state, |s| s.call_display())
}

/// This PC's display settings.
#[tauri::command]
pub fn display_settings(state: State<'_, AppState>) -> CmdResult<DisplaySettings> {
    read_store(&state, |s| s.display_settings())
}

/// Changes this PC's display settings (manager or deputy).
#[tauri::command]
pub fn set_display_settings(
    state: State<'_, AppState>,
    settings: DisplaySettings,
) -> CmdResult<DisplaySettings> {
    with_store(&state, |s| s.set_display_settings(&settings))
}

/// The monitors this PC has, by name (the first is the primary one), and the one the display
/// window was last put on.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Monitors {
    /// The monitors' names.
    pub names: Vec<String>,
    /// Where the display goes, and whether it is open.
    pub window: DisplayWindow,
}

/// The monitors, and where the display window goes.
#[tauri::command]
pub fn display_monitors(app: AppHandle, state: State<'_, AppState>) -> CmdResult<Monitors> {
    Ok(Monitors {
        names: monitor_names(&app),
        window: read_store(&state, |s| s.display_window())?,
    })
}

fn monitor_names(app: &AppHandle) -> Vec<String> {
    let primary = app
        .primary_monitor()
        .ok()
        .flatten()
        .and_then(|m| m.name().cloned());
    let mut names: Vec<String> = app
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            m.name()
                .cloned()
                .unwrap_or_else(|| format!("monitor {}", i + 1))
        })
        .collect();
    if let Some(p) = primary {
        if let Some(i) = names.iter().position(|n| *n == p) {
            names.swap(0, i);
        }
    }
    names
}

/// Opens the display window full screen on `monitor` (the primary one when `None` or gone),
/// and keeps the choice, so it opens again after a restart. Async: a window made from a
/// synchronous command deadlocks on Windows (WebView2), Tauri's documentation warns.
#[tauri::command]
pub async fn open_display(
    app: AppHandle,
    state: State<'_, AppState>,
    monitor: Option<String>,
) -> CmdResult<()> {
    with_store(&state, |s| {
        s.set_display_window(&DisplayWindow {
            monitor: monitor.clone(),
            open: true,
        })
    })?;
    show_display(&app, monitor.as_deref()).map_err(AppError::window)
}

/// Closes the display window (it stays closed after a restart).
#[tauri::command]
pub async fn close_display(app: AppHandle, state: State<'_, AppState>) -> CmdResult<()> {
    let monitor = with_store(&state, |s| s.display_window())?.monitor;
    with_store(&state, |s| {
        s.set_display_window(&DisplayWindow {
            monitor,
            open: false,
        })
    })?;
    if let Some(w) = app.get_webview_window(DISPLAY) {
        w.destroy().map_err(AppError::window)?;
    }
    Ok(())
}

/// Reopens the display window after unlock when it was open before.
pub fn reopen_display(app: &AppHandle, window: &DisplayWindow) {
    if window.open {
        if let Err(e) = show_display(app, window.monitor.as_deref()) {
            tracing::warn!("could not open the call display again: {e}");
        }
    }
}

fn show_display(app: &AppHandle, monitor: Option<&str>) -> tauri::Result<()> {
    let window = match app.get_webview_window(DISPLAY) {
        Some(w) => w,
        None => crate::window(app, DISPLAY, "index.html#/display")
            .title("呼出表示")
            .inner_size(1366.0, 768.0)
            .build()?,
    };
    let monitors = app.available_monitors()?;
    let target = monitor
        .and_then(|name| {
            monitors
                .iter()
                .find(|m| m.name().is_some_and(|n| n == name))
        })
        .cloned()
        .or(app.primary_monitor()?);
    if let Some(m) = target {
        // Placed and sized to the monitor first: full screen then takes that monitor, also
        // where no window manager does it (a kiosk session).
        window.set_fullscreen(false)?;
        window.set_position(*m.position())?;
        window.set_size(*m.size())?;
        window.set_fullscreen(true)?;
    }
    window.show()?;
    Ok(())
}

/// Speaks a call in Japanese when this PC's display has the voice on: speech-dispatcher
/// (`spd-say`) on Linux, the OS's speech on Windows. The words are a number and a seat, never
/// a name. Returns whether it was spoken (false: the voice is off or no speech is installed).
#[tauri::command]
pub fn announce(state: State<'_, AppState>, call: DisplayCall) -> CmdResult<bool> {
    if !read_store(&state, |s| s.display_settings())?.voice {
        return Ok(false);
    }
    let words = madoguchi_core::store::announcement(&call);
    Ok(speak(&words))
}

#[cfg(target_os = "windows")]
fn speak(words: &str) -> bool {
    // System.Speech with a Japanese voice when one is installed (Haruka, Ayumi…).
    let script = format!(
        "Add-Type -AssemblyName System.Speech; $s = New-Object System.Speech.Synthesis.SpeechSynthesizer; \
         $v = $s.GetInstalledVoices() | Where-Object {{ $_.VoiceInfo.Culture.Name -eq 'ja-JP' }} | Select-Object -First 1; \
         if ($v) {{ $s.SelectVoice($v.VoiceInfo.Name); $s.Speak('{}') }}",
        words.replace('\'', "")
    );
    std::process::Command::new("powershell")
        .args(["-NoProfile", "-NonInteractive", "-Command", &script])
        .spawn()
        .is_ok()
}

#[cfg(not(target_os = "windows"))]
fn speak(words: &str) -> bool {
    std::process::Command::new("spd-say")
        .args(["--language", "ja", "--", words])
        .spawn()
        .is_ok()
}
