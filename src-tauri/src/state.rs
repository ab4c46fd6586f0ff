//! The app's state: the data directory, once unlocked the store, and, when this seat is
//! enrolled with a hub, the background sync with its status.
use std::sync::{Arc, Mutex};

use madoguchi_core::{DataDir, Store};
use madoguchi_sync::client::{self, SharedStore, Status};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};

pub(crate) struct AppState {
    data_dir: DataDir,
    /// Shared with the sync task, which takes the lock only for one short transaction at a time.
    store: SharedStore,
    sync: Mutex<Option<SyncRun>>,
    /// A wipe began here: on exit, whatever the WebView wrote meanwhile is removed too.
    wiped: std::sync::atomic::AtomicBool,
}

/// The running sync of this seat.
struct SyncRun {
    task: tauri::async_runtime::JoinHandle<()>,
    status: tokio::sync::watch::Receiver<Status>,
    local: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub(crate) fn new(data_dir: DataDir) -> Self {
        AppState {
            data_dir,
            store: Arc::new(Mutex::new(None)),
            sync: Mutex::new(None),
            wiped: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The store slot shared with the sync task.
    pub(crate) fn shared_store(&self) -> SharedStore {
        self.store.clone()
    }

    fn sync_run(&self) -> std::sync::MutexGuard<'_, Option<SyncRun>> {
        self.sync.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts syncing with the hub if this seat is enrolled (after unlock or enrolment).
    pub(crate) fn start_sync(&self) {
        let enrolled = self
            .store()
            .as_ref()
            .is_some_and(|s| matches!(s.sync_link(), Ok(Some(_))));
        if !enrolled {
            return;
        }
        self.stop_sync();
        let (tx, status) = tokio::sync::watch::channel(Status::default());
        let local = Arc::new(tokio::sync::Notify::new());
        let task = tauri::async_runtime::spawn(client::run(self.store.clone(), local.clone(), tx));
        *self.sync_run() = Some(SyncRun {
            task,
            status,
            local,
        });
    }

    /// Stops syncing (before the store is locked).
    pub(crate) fn stop_sync(&self) {
        if let Some(run) = self.sync_run().take() {
            run.task.abort();
        }
    }

    /// Tells the sync task that this seat changed something (push it now).
    pub(crate) fn nudge_sync(&self) {
        if let Some(run) = self.sync_run().as_ref() {
            run.local.notify_one();
        }
    }

    /// The sync task's last status, if it runs.
    pub(crate) fn sync_status(&self) -> Option<Status> {
        self.sync_run().as_ref().map(|r| r.status.borrow().clone())
    }

    /// Records that a wipe began (the store is closed for good).
    pub(crate) fn mark_wiped(&self) {
        self.wiped.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether a wipe began in this run.
    pub(crate) fn wiped(&self) -> bool {
        self.wiped.load(std::sync::atomic::Ordering::SeqCst)
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
    /// An end-of-contract wipe was interrupted: it must be finished (the key may be gone).
    WipePending,
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
    /// The store says it is a training store (the unlock screen shows 研修モード; a hint only).
    pub training: bool,
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
