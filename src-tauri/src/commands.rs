//! Tauri commands: unpack, call core, translate. Nothing else.
use madoguchi_core::{Passphrase, Store, StoreStatus};
use tauri::State;

use crate::{
    error::AppError,
    state::{AppState, LockState, StoreState},
};

type CmdResult<T> = Result<T, AppError>;

/// Is there a store, and is it unlocked?
#[tauri::command]
pub fn lock_state(state: State<'_, AppState>) -> LockState {
    let dir = state.data_dir();
    let store_state = if state.store().is_some() {
        StoreState::Unlocked
    } else if dir.key_file().exists() || dir.database().exists() {
        StoreState::Locked
    } else {
        StoreState::NoStore
    };
    LockState { state: store_state, data_dir: dir.root().display().to_string() }
}

/// Unlocks the store with the site passphrase and returns its status.
#[tauri::command]
pub fn unlock(state: State<'_, AppState>, passphrase: String) -> CmdResult<StoreStatus> {
    let store = Store::open(state.data_dir(), &Passphrase::new(passphrase))?;
    let status = store.status()?;
    *state.store() = Some(store);
    Ok(status)
}

/// The unlocked store's status.
#[tauri::command]
pub fn store_status(state: State<'_, AppState>) -> CmdResult<StoreStatus> {
    Ok(state.store().as_ref().ok_or_else(AppError::locked)?.status()?)
}

/// Closes the store; the key leaves memory.
#[tauri::command]
pub fn lock(state: State<'_, AppState>) {
    state.store().take();
}
