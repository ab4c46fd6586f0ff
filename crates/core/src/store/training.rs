//! Training mode at the store (研修モード, docs/design/paperwork.md §8): the kind is checked at
//! every open (`Store::unlock`) and fixed in the database by a trigger (migration 0029); a
//! training store can be reset to its training day, whose clock it then follows.
use std::sync::atomic::Ordering;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

use super::{sync::SYNCED_TABLES, Store};
use crate::{
    people::Permission,
    training_mode::{training_day, StoreKind, FILE_PREFIX},
    Error, Result,
};

/// Synced tables a reset keeps: the configuration and the roster, so trainees keep their staff
/// IDs and PINs. Every other synced table is emptied and seeded again.
pub const TRAINING_KEPT: &[&str] = &[
    "procedures",
    "slot_plans",
    "slot_bands",
    "booking_rules",
    "sites",
    "staff",
    "staff_sites",
    "staff_details",
    "paperwork_rules",
];

/// Local tables a reset empties with the synced ones: the outbox and what hangs on it, the
/// numbers dealt, the reports' submission marks.
const TRAINING_CLEARED_LOCAL: &[&str] = &[
    "mutations",
    "sync_undo",
    "sync_numbers",
    "sync_quota",
    "sync_quota_use",
    "report_submissions",
];

/// A training store's day, as the last reset set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TrainingState {
    /// The reset's id (a training hub's seats follow it).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub epoch: Uuid,
    /// When the reset was made (UTC): the training day's 09:00 on the store's clock.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub reset_at: DateTime<Utc>,
    /// The training day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: NaiveDate,
}

/// What a reset made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TrainingReset {
    /// The new day.
    pub state: TrainingState,
    /// Bookings seeded (the training day and the days before).
    pub bookings: usize,
    /// Visits already served on the days before (history for reports).
    pub served: usize,
}

/// The training day's opening.
fn training_morning() -> NaiveDateTime {
    training_day().and_hms_opt(9, 0, 0).expect("a time")
}

/// How far a training store's clock runs from the wall clock after a reset at `reset_at`.
fn shift_for(reset_at: DateTime<Utc>) -> i64 {
    (training_morning() - reset_at.with_timezone(&Local).naive_local()).num_seconds()
}

fn read_state(conn: &Connection) -> Option<(Uuid, DateTime<Utc>)> {
    let (epoch, at): (String, String) = conn
        .query_row(
            "SELECT epoch, reset_at FROM training_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()?;
    Some((
        epoch.parse().ok()?,
        DateTime::parse_from_rfc3339(&at).ok()?.with_timezone(&Utc),
    ))
}

/// The clock shift of a store being opened: none for a real store or one never reset.
pub(super) fn shift_at_open(conn: &Connection, kind: StoreKind) -> i64 {
    match kind {
        StoreKind::Training => read_state(conn).map_or(0, |(_, at)| shift_for(at)),
        StoreKind::Real => 0,
    }
}

/// Writes (or removes, for a real store) the hint the unlock screen reads: it must say what the
/// sealed kind says. A failure is logged, never fatal: the hint decides nothing.
pub(super) fn keep_hint(dir: &crate::DataDir, kind: StoreKind) {
    let path = dir.store_kind_hint_file();
    let result = match kind {
        StoreKind::Training if !dir.training_hint() => std::fs::write(&path, "training\n"),
        StoreKind::Real if path.exists() => std::fs::remove_file(&path),
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!("could not keep the store-kind hint: {e}");
    }
}

impl Store {
    /// The training day this store follows, if it is a training store that was reset (or
    /// follows a training hub that was).
    pub fn training_state(&self) -> Result<Option<TrainingState>> {
        if !self.kind().is_training() {
            return Ok(None);
        }
        Ok(
            read_state(self.conn()).map(|(epoch, reset_at)| TrainingState {
                epoch,
                reset_at,
                day: training_day(),
            }),
        )
    }

    /// Follows the training day `epoch` began at `reset_at` (a training hub's, told at hello):
    /// from now on this store's clock reads the training day. Nothing for a real store.
    pub(crate) fn follow_training_day(&self, epoch: Uuid, reset_at: DateTime<Utc>) -> Result<()> {
        if !self.kind().is_training() || read_state(self.conn()).is_some_and(|(e, _)| e == epoch) {
            return Ok(());
        }
        // The work of the day that is gone is not sent to the new one: the outbox and its undo
        // records go, and the hub's new log makes this PC load the new day as a snapshot.
        let dropped = self.conn().execute("DELETE FROM mutations", [])?;
        self.conn().execute("DELETE FROM sync_undo", [])?;
        self.audit(
            &crate::people::Actor::Site {
                tool: "sync".into(),
            },
            "training_day_followed",
            &epoch.to_string(),
            &format!("dropped {dropped}"),
        )?;
        self.conn().execute(
            "INSERT INTO training_state (id, epoch, reset_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, reset_at = excluded.reset_at",
            (epoch.to_string(), reset_at.to_rfc3339()),
        )?;
        self.training_shift
            .store(shift_for(reset_at), Ordering::Relaxed);
        tracing::info!(%epoch, "following the training hub's training day");
        Ok(())
    }

    /// The epoch and start of this store's training day, for a training hub's welcome. A hub
    /// that keeps serving while `madoguchi hub training-reset` runs beside it takes the new day's
    /// clock here, at the next hello.
    pub(crate) fn training_epoch(&self) -> Option<(Uuid, DateTime<Utc>)> {
        let state = self
            .kind()
            .is_training()
            .then(|| read_state(self.conn()))??;
        self.training_shift
            .store(shift_for(state.1), Ordering::Relaxed);
        Some(state)
    }

    /// Resets a training store to its training day (manager or deputy; training stores only):
    /// keeps the configuration and the roster ([`TRAINING_KEPT`]), empties everything else,
    /// seeds the day from the demo generator, and sets the clock to the day's 09:00. The audit
    /// trail is kept (append-only); the training papers in `reports/` are deleted. A PC enrolled
    /// with a training hub is reset by the hub (`madoguchi hub training-reset`), whose seats
    /// follow it at their next sync; a standalone training PC or the hub resets itself.
    ///
    /// `seed` makes the day (`madoguchi_core::demo::training_day`; the store does not import
    /// the demo generator, which builds on it). It runs as the site actor.
    pub fn reset_training_day(
        &self,
        seed: impl FnOnce(&Store) -> Result<(usize, usize)>,
    ) -> Result<TrainingReset> {
        if !self.kind().is_training() {
            return Err(Error::NotTrainingStore);
        }
        let actor = self.require(Permission::ResetTrainingDay)?;
        let hub = self.hub_head()? > 0 || !self.hub_seats()?.is_empty();
        if !hub && self.sync_link()?.is_some() {
            return Err(Error::NotAllowed(
                "an enrolled training PC follows its training hub: reset the day there (madoguchi hub training-reset)".into(),
            ));
        }
        let epoch = Uuid::now_v7();
        let reset_at = Utc::now();
        {
            let tx = rusqlite::Transaction::new_unchecked(
                self.conn(),
                rusqlite::TransactionBehavior::Immediate,
            )?;
            // Every row that points at an emptied row goes too: checked at the commit.
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            for table in SYNCED_TABLES.iter().filter(|t| !TRAINING_KEPT.contains(t)) {
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            for table in TRAINING_CLEARED_LOCAL {
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            tx.commit()?;
        }
        // The clock reads the new day while it is seeded; the day is recorded only once it is
        // whole, so a reset cut short keeps the old epoch (its seats do not follow a half day)
        // and is simply made again.
        let before = self
            .training_shift
            .swap(shift_for(reset_at), Ordering::Relaxed);
        let (bookings, served) = match self.as_site_while("training-reset", seed) {
            Ok(made) => made,
            Err(e) => {
                self.training_shift.store(before, Ordering::Relaxed);
                return Err(e);
            }
        };
        if hub {
            // The seeding is the hub's own: its seats load it as a snapshot of a new log.
            self.conn().execute("DELETE FROM mutations", [])?;
            self.hub_new_log()?;
            self.conn().execute("DELETE FROM hub_quota", [])?;
            self.conn().execute("DELETE FROM hub_numbers", [])?;
        }
        self.conn().execute(
            "INSERT INTO training_state (id, epoch, reset_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, reset_at = excluded.reset_at",
            (epoch.to_string(), reset_at.to_rfc3339()),
        )?;
        self.recompute_sync_digest()?;
        self.remove_training_papers();
        self.audit(&actor, "training_day_reset", &epoch.to_string(), "")?;
        tracing::info!(%epoch, bookings, served, "training day reset");
        Ok(TrainingReset {
            state: TrainingState {
                epoch,
                reset_at,
                day: training_day(),
            },
            bookings,
            served,
        })
    }

    /// Deletes the training papers (`研修_…`) in `reports/`: they told the day that is gone.
    fn remove_training_papers(&self) {
        let Ok(entries) = std::fs::read_dir(self.data_dir().reports_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(FILE_PREFIX) {
                if let Err(e) = std::fs::remove_file(entry.path()) {
                    tracing::warn!("could not remove a training paper: {e}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{
        keyfile::{self, KdfCost},
        training_mode::StoreKind,
        DataDir, Error, NewStore, Passphrase, Store,
    };

    fn pass() -> Passphrase {
        Passphrase::new("training passphrase".into())
    }

    fn training_store(dir: &DataDir) -> Store {
        Store::create_training(
            dir,
            &pass(),
            &NewStore {
                site_name: "研修市".into(),
                seat_name: "研修1".into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap()
    }

    #[test]
    fn the_store_kind_cannot_be_updated_in_the_database() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::at(tmp.path());
        let store = training_store(&dir);
        let refused = store
            .conn()
            .execute("UPDATE store_meta SET kind = 'real' WHERE id = 1", [])
            .unwrap_err();
        assert!(refused.to_string().contains("kind is fixed"), "{refused}");
        // Nor by replacing or removing the row.
        assert!(store
            .conn()
            .execute("DELETE FROM store_meta", [])
            .is_err_and(|e| e.to_string().contains("kind is fixed")));
        assert!(store
            .conn()
            .execute(
                "INSERT OR REPLACE INTO store_meta (id, store_id, site_name, seat_name, created_at, kind)
                 SELECT id, store_id, site_name, seat_name, created_at, 'real' FROM store_meta",
                [],
            )
            .is_err_and(|e| e.to_string().contains("kind is fixed")));
        drop(store);
        // The unlock screen's hint says so; it decides nothing, and an open puts it back.
        assert!(dir.training_hint());
        std::fs::remove_file(dir.store_kind_hint_file()).unwrap();
        assert!(!dir.training_hint());
        assert_eq!(
            Store::open(&dir, &pass()).unwrap().kind(),
            StoreKind::Training
        );
        assert!(dir.training_hint());
    }

    #[test]
    fn a_key_file_of_the_other_kind_is_refused_at_open() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::at(tmp.path());
        drop(training_store(&dir));
        // Someone with the passphrase rewrites key.age as a real store's (same id and key).
        let mut material = keyfile::read(&dir.key_file(), &pass()).unwrap();
        assert_eq!(material.kind, StoreKind::Training);
        material.kind = StoreKind::Real;
        keyfile::write(
            &dir.key_file(),
            &pass(),
            &material,
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        match Store::open(&dir, &pass()) {
            Err(Error::StoreKindMismatch { key, db }) => {
                assert_eq!((key.as_str(), db.as_str()), ("real", "training"))
            }
            other => panic!("expected a kind mismatch, got {:?}", other.map(|_| ())),
        }
    }
}
