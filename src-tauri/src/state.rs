//! The app's state: the data directory and, once unlocked, the store.
use std::sync::Mutex;

use madoguchi_core::{DataDir, Store};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};

pub(crate) struct AppState {
    data_dir: DataDir,
    store: Mutex<Option<Store>>,
}

impl AppState {
    pub(crate) fn new(data_dir: DataDir) -> Self {
        AppState {
            data_dir,
            store: Mutex::new(None),
        }
    }

    pub(crate) fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// The store slot; a poisoned lock (a panic mid-command) is recovered, as the store itself
    /// is transactional.
    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Option<Store>> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(crate) fn data_dir<R: Runtime>(app: &AppHandle<R>) -> DataDir {
    app.state::<AppState>().data_dir().clone()
}

/// Whether there is a store, and whether it is unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum StoreState {
    /// No store in the data directory: run `madoguchi init`.
    NoStore,
    /// A store exists and waits for the site passphrase.
    Locked,
    /// Unlocked.
    Unlocked,
}

/// What the unlock screen needs to know.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct LockState {
    /// Store state.
    pub state: StoreState,
    /// The data directory (a path the app owns; never holds personal data in its name).
    pub data_dir: String,
}

/// Debug builds only: `MADOGUCHI_CLOCK=YYYY-MM-DDTHH:MM:SS` starts the store's clock at that
/// local time (it then runs normally), so end-to-end tests can check people in on a weekday
/// whatever day they run. Release builds always use the real clock.
pub(crate) fn with_test_clock(store: Store) -> Store {
    if !cfg!(debug_assertions) {
        return store;
    }
    let Some(start) = std::env::var("MADOGUCHI_CLOCK")
        .ok()
        .and_then(|v| chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M:%S").ok())
    else {
        return store;
    };
    let began = std::time::Instant::now();
    tracing::warn!("MADOGUCHI_CLOCK set: the store's clock starts at {start}");
    store.with_clock(std::sync::Arc::new(move || start + began.elapsed()))
}
