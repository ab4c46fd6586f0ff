//! The certificate of sanitization (データ消去証明書), with the fields NIST SP 800-88's sample
//! certificate introduced (who, what machine, which method and tool, what was removed, how it
//! was verified), the method named as in SP 800-88 Rev. 2 (September 2025: cryptographic erase
//! with key zeroization) and IEEE 2883-2022, whether the data was handed over first, and a line
//! for the city officer who confirms it.
//!
//! It claims only what was checked: each check says what it looked at, a check that could not
//! run says `not_run` and why, and the limitations list what no application can reach.
//!
//! The JSON is the record; the PDF (made by `madoguchi-report`) is its printout. Both carry
//! a SHA-256 digest of the certificate's content, so a copy can be checked with
//! `madoguchi certificate check`.
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{handover::HandoverReceipt, machine::Machine, Performer, WipeItem};
use crate::{text::hex, Error, Result};

/// The format tag written into every certificate.
pub const FORMAT: &str = "madoguchi-sanitization-certificate/1";

/// One check made after the erase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WipeCheck {
    /// What was checked (a stable code: `items_removed`, `data_dir_empty`, `store_unopenable`,
    /// `canary_scan`).
    pub check: String,
    /// `passed`, `failed`, or `not_run` (with the reason in `detail`).
    pub result: String,
    /// What was looked at and found (paths, counts; never personal data).
    pub detail: String,
}

/// A seat's certificate recorded at the hub before the hub itself was wiped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SeatCertificate {
    /// The seat's wipe.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub wipe_id: Uuid,
    /// The seat's store.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub store_id: Uuid,
    /// The seat's name.
    pub seat_name: String,
    /// When that wipe completed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub completed_at: DateTime<Utc>,
    /// Its digest (hex SHA-256).
    pub digest: String,
}

/// The seats of one site as the hub knew them when it was wiped, each with the certificate it
/// recorded for it, if any (the hub's certificate lists every site's seats).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SiteSeats {
    /// The site's code.
    pub site: String,
    /// Its name.
    pub name: String,
    /// Its seats (enrolled, or revoked).
    pub seats: Vec<SeatLine>,
}

/// One seat of a site on the hub's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SeatLine {
    /// The seat's store id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub seat_id: Uuid,
    /// The seat's name.
    pub name: String,
    /// When it was revoked (a stolen or broken PC), if it was.
    pub revoked_at: Option<String>,
    /// Its wipe certificate as the hub recorded it (none: not received).
    pub certificate: Option<SeatCertificate>,
}

/// データ消去証明書.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// [`FORMAT`].
    pub format: String,
    /// This wipe.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub wipe_id: Uuid,
    /// The contract whose end this is.
    pub contract: String,
    /// Who performed it.
    pub performer: Performer,
    /// The machine.
    pub machine: Machine,
    /// The site, e.g. 「テスト市 特設窓口」.
    pub site_name: String,
    /// A training store (研修用ストア: made-up data only); absent for a real one, as on
    /// certificates made before training mode.
    #[serde(
        default,
        skip_serializing_if = "crate::training_mode::StoreKind::is_real"
    )]
    pub store_kind: crate::training_mode::StoreKind,
    /// The seat (or the hub).
    pub seat_name: String,
    /// Whether this machine was the hub.
    pub hub: bool,
    /// The store that was erased.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub store_id: Uuid,
    /// The data directory.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub data_dir: PathBuf,
    /// When the wipe began (the plan was recorded).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub started_at: DateTime<Utc>,
    /// When the data key was destroyed (from then on nothing in the store is readable).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub key_destroyed_at: Option<DateTime<Utc>>,
    /// When the certificate was made.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub completed_at: DateTime<Utc>,
    /// SP 800-88 category and technique.
    pub method: String,
    /// The tool and its version.
    pub tool: String,
    /// Every item removed, with its size.
    pub items: Vec<WipeItem>,
    /// The handover export made first, if one was.
    pub handover: Option<HandoverReceipt>,
    /// How it was verified, and what was found.
    pub verification: Vec<WipeCheck>,
    /// Seats' certificates the hub had recorded (hub only).
    pub seat_certificates: Vec<SeatCertificate>,
    /// Every site's seats, with their certificates or none (hub only; absent from
    /// certificates made before sites).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<SiteSeats>,
    /// Whether the wipe was interrupted and completed by a later run.
    pub resumed: bool,
    /// What the wipe cannot reach, stated on every certificate.
    pub limitations: Vec<String>,
    /// SHA-256 (hex) of this certificate with `digest` empty, as compact JSON.
    pub digest: String,
}

impl Certificate {
    /// Whether no check failed. A check may be `not_run` (no personal values to search for,
    /// or a resumed run that lost them) and says why; see [`Certificate::fully_verified`].
    pub fn verified(&self) -> bool {
        !self.verification.iter().any(|c| c.result == "failed")
    }

    /// Whether every check ran and passed.
    pub fn fully_verified(&self) -> bool {
        self.verification.iter().all(|c| c.result == "passed")
    }

    /// Fills in [`Certificate::digest`].
    pub(crate) fn seal(mut self) -> Result<Certificate> {
        self.digest = self.compute_digest()?;
        Ok(self)
    }

    fn compute_digest(&self) -> Result<String> {
        let mut unsealed = self.clone();
        unsealed.digest.clear();
        let bytes = serde_json::to_vec(&unsealed)
            .map_err(|e| Error::Invalid(format!("certificate: {e}")))?;
        Ok(hex(&Sha256::digest(&bytes)))
    }

    /// Reads a certificate's JSON and checks its digest: a copy that was edited is refused.
    pub fn from_json(json: &str) -> Result<Certificate> {
        let cert: Certificate = serde_json::from_str(json)
            .map_err(|e| Error::Invalid(format!("not a Madoguchi certificate: {e}")))?;
        if cert.format != FORMAT {
            return Err(Error::Invalid(format!(
                "unknown certificate format {:?}",
                cert.format
            )));
        }
        if cert.compute_digest()? != cert.digest {
            return Err(Error::Invalid(
                "the certificate's digest does not match its content: it was altered".into(),
            ));
        }
        Ok(cert)
    }

    /// The certificate as pretty JSON (what is saved).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Invalid(format!("certificate: {e}")))
    }

    /// The file name both copies share (without extension).
    pub fn file_stem(&self) -> String {
        format!(
            "データ消去証明書_{}_{}_{}",
            super::file_safe(&self.seat_name),
            self.completed_at
                .with_timezone(&chrono::Local)
                .format("%Y%m%d"),
            &self.wipe_id.simple().to_string()[..8]
        )
    }

    /// The reference to this certificate the hub keeps.
    pub fn as_seat_certificate(&self) -> SeatCertificate {
        SeatCertificate {
            wipe_id: self.wipe_id,
            store_id: self.store_id,
            seat_name: self.seat_name.clone(),
            completed_at: self.completed_at,
            digest: self.digest.clone(),
        }
    }
}
