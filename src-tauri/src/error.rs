//! The one error type the UI sees: `{ code, message }`.
//!
//! `code` is a fixed set (core's [`ErrorCode`] plus the shell's own); the UI turns each into a
//! Japanese sentence (`ui/src/locales/ja/errors.json`). `message` is English detail for logs.
//! A test pins the JSON shape.
use madoguchi_core::error::ErrorCode;
use serde::Serialize;

/// Errors that only the shell knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ShellErrorCode {
    /// The command needs an unlocked store.
    Locked,
    /// The hub could not be reached, or its certificate is not the pinned one.
    HubUnreachable,
    /// The enrolment string is not in the form the hub shows.
    BadEnrolmentCode,
    /// The hub answered with something this seat did not expect.
    SyncProtocol,
    /// Too many enrolment attempts at the hub: wait a minute.
    RateLimited,
    /// Another PC with this seat's identity is connected to the hub (a cloned disk).
    DuplicateConnection,
    /// A message too large for the wire.
    TooLarge,
    /// A window (the call display) could not be opened or placed.
    Window,
}

/// Every error code the UI can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(untagged)]
pub enum AppErrorCode {
    /// From core.
    Core(ErrorCode),
    /// From the shell.
    Shell(ShellErrorCode),
}

/// An error as sent to the UI.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AppError {
    /// Stable code.
    pub code: AppErrorCode,
    /// English detail (never personal data).
    pub message: String,
}

impl From<madoguchi_core::Error> for AppError {
    fn from(e: madoguchi_core::Error) -> Self {
        tracing::warn!(code = ?e.code(), "command failed: {e}");
        AppError {
            code: AppErrorCode::Core(e.code()),
            message: e.to_string(),
        }
    }
}

impl From<madoguchi_report::Error> for AppError {
    fn from(e: madoguchi_report::Error) -> Self {
        match e {
            madoguchi_report::Error::Core(e) => e.into(),
            other => {
                tracing::warn!("report failed: {other}");
                AppError {
                    code: AppErrorCode::Core(ErrorCode::Io),
                    message: other.to_string(),
                }
            }
        }
    }
}

impl From<madoguchi_sync::Error> for AppError {
    fn from(e: madoguchi_sync::Error) -> Self {
        use madoguchi_sync::Error as E;
        tracing::warn!("sync failed: {e}");
        let code = match &e {
            E::Store(inner) => AppErrorCode::Core(inner.code()),
            // The hub's refusals carry the core's codes (wrong_pin, manager_required,
            // seat_id_in_use…) or the network layer's own.
            E::Refused { code, .. } => match code.as_str() {
                "rate_limited" => AppErrorCode::Shell(ShellErrorCode::RateLimited),
                "duplicate_connection" => AppErrorCode::Shell(ShellErrorCode::DuplicateConnection),
                "too_large" => AppErrorCode::Shell(ShellErrorCode::TooLarge),
                other => serde_json::from_value(serde_json::Value::String(other.to_owned()))
                    .map(AppErrorCode::Core)
                    .unwrap_or(AppErrorCode::Shell(ShellErrorCode::SyncProtocol)),
            },
            E::TooLarge(_) => AppErrorCode::Shell(ShellErrorCode::TooLarge),
            E::Io(_) | E::Tls(_) => AppErrorCode::Shell(ShellErrorCode::HubUnreachable),
            E::BadEnrolmentCode => AppErrorCode::Shell(ShellErrorCode::BadEnrolmentCode),
            E::NoHub => AppErrorCode::Core(ErrorCode::NotEnrolled),
            _ => AppErrorCode::Shell(ShellErrorCode::SyncProtocol),
        };
        AppError {
            code,
            message: e.to_string(),
        }
    }
}

impl AppError {
    /// A window could not be opened or placed (logged; no personal data in it).
    pub(crate) fn window(e: impl std::fmt::Display) -> Self {
        tracing::warn!("window: {e}");
        AppError {
            code: AppErrorCode::Shell(ShellErrorCode::Window),
            message: e.to_string(),
        }
    }

    pub(crate) fn locked() -> Self {
        AppError {
            code: AppErrorCode::Shell(ShellErrorCode::Locked),
            message: "the store is locked".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_pinned() {
        let e = AppError::from(madoguchi_core::Error::WrongPassphrase);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({ "code": "wrong_passphrase", "message": "wrong passphrase" })
        );
        assert_eq!(
            serde_json::to_value(AppError::locked()).unwrap()["code"],
            "locked"
        );
    }

    #[test]
    fn the_hubs_refusals_keep_their_codes_for_the_ui() {
        let refused = |code: &str| {
            let e = AppError::from(madoguchi_sync::Error::Refused {
                code: code.into(),
                message: "x".into(),
            });
            serde_json::to_value(&e).unwrap()["code"].clone()
        };
        for code in [
            "wrong_pin",
            "manager_required",
            "seat_id_in_use",
            "not_enrolled",
            "rate_limited",
            "duplicate_connection",
        ] {
            assert_eq!(refused(code), code);
        }
        assert_eq!(refused("something_new"), "sync_protocol");
    }
}
