//! Training mode (研修モード, issue 23): a store made for training staff on the system itself,
//! on made-up data only (seed 000 §8(3)). The kind is fixed when the store is created, sealed in
//! the key file and recorded in the database; both must agree at every open, no API changes it,
//! and a training store and a real one never sync with each other.
use chrono::NaiveDate;

coded_enum! {
    /// What a store is for, fixed at creation.
    StoreKind {
        /// A store of the real counter: real citizens' data.
        Real = "real",
        /// A training store: synthetic data only (the demo generator), marked 研修モード
        /// everywhere, syncing only with a training hub.
        Training = "training",
    }
}

impl Default for StoreKind {
    /// Stores, journals and certificates from before training mode are real.
    fn default() -> Self {
        StoreKind::Real
    }
}

impl StoreKind {
    /// Whether this is a real store (serde's `skip_serializing_if`).
    pub fn is_real(&self) -> bool {
        *self == StoreKind::Real
    }

    /// Whether this is a training store.
    pub fn is_training(self) -> bool {
        self == StoreKind::Training
    }
}

/// The training day a training store is reset to: 2026-10-01 (木), the first day of the
/// Kawanishi contract (seed 000 §4).
pub const TRAINING_DAY: (i32, u32, u32) = (2026, 10, 1);

/// [`TRAINING_DAY`] as a date.
pub fn training_day() -> NaiveDate {
    let (y, m, d) = TRAINING_DAY;
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// What every screen and every page of a training store says.
pub const BANNER: &str = "研修モード（架空データ・提出不可）";

/// The short mark (headers, watermark).
pub const MARK: &str = "研修モード";

/// The prefix of every file a training store saves in `reports/`.
pub const FILE_PREFIX: &str = "研修_";
