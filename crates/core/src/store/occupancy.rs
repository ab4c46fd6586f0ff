//! What the room checks read on every booking, kept warm: the places held per day, start and
//! length (kept on write by temporary triggers, so a booking does not rescan its day), and the
//! calendar, slot plans, capacity overrides and procedure durations (kept in memory until one
//! of their tables changes). The hub runs these checks for every pushed booking; a seat for
//! every booking, replay and board.
//!
//! Both follow every write on this connection, whatever made it (a domain's apply, an effect,
//! a rewind, a snapshot) and rolled-back savepoints included: the counts are a temporary table,
//! so they are part of the transaction; the in-memory copies are keyed by a generation that the
//! triggers set from a counter that never goes back, so a generation is never seen again with
//! other rows behind it. Writes by another connection (another program, the CLI) show in
//! `PRAGMA data_version`: the counts are then rebuilt from the tables and the copies dropped.
use std::{
    cell::{Cell, RefCell},
    collections::{BTreeMap, HashMap},
    sync::atomic::{AtomicI64, Ordering},
};

use chrono::{NaiveDate, NaiveTime};
use rusqlite::Connection;

use super::{parse_time, Store, DATE};
use crate::{
    calendar::{BusinessCalendar, DayStatus},
    procedure::Procedure,
    reservation::{PlanKind, SlotPlan},
    site::SiteId,
    Result,
};

/// The tables the in-memory copies are read from: a write to any of them drops the copies.
const PLAN_TABLES: &[&str] = &[
    "slot_plans",
    "slot_bands",
    "capacity_overrides",
    "holiday_sessions",
    "closures",
    "procedures",
    "sites",
];

/// The statuses that hold a place (`ReservationStatus::holds_place`), as SQL.
const HOLDS_PLACE: &str = "('booked', 'checked_in')";

/// Generations handed out in this process (shared by every store: a value is never reused).
static GENERATION: AtomicI64 = AtomicI64::new(1);

/// Creates the temporary tables and triggers on this connection (at every open, like the sync
/// triggers). The counts are filled at their first use.
pub(crate) fn install(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "madoguchi_generation",
        0,
        FunctionFlags::SQLITE_UTF8,
        |_| Ok(GENERATION.fetch_add(1, Ordering::Relaxed)),
    )?;
    // data_version -1: never built, so the first look rebuilds the counts.
    conn.execute_batch(&format!(
        "CREATE TEMP TABLE IF NOT EXISTS warm_state (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             generation INTEGER NOT NULL,
             data_version INTEGER NOT NULL);
         INSERT OR REPLACE INTO temp.warm_state (id, generation, data_version)
             VALUES (1, madoguchi_generation(), -1);
         CREATE TEMP TABLE IF NOT EXISTS occupancy (
             site_id TEXT NOT NULL, day TEXT NOT NULL, starts TEXT NOT NULL,
             slots INTEGER NOT NULL, n INTEGER NOT NULL,
             PRIMARY KEY (site_id, day, starts, slots)) WITHOUT ROWID;
         CREATE TEMP TRIGGER IF NOT EXISTS occupancy_i AFTER INSERT ON main.reservations
             WHEN NEW.status IN {HOLDS_PLACE}
         BEGIN
             INSERT INTO occupancy (site_id, day, starts, slots, n)
                 VALUES (NEW.site_id, NEW.day, NEW.starts, NEW.slots, 1)
                 ON CONFLICT (site_id, day, starts, slots) DO UPDATE SET n = n + 1;
         END;
         CREATE TEMP TRIGGER IF NOT EXISTS occupancy_d AFTER DELETE ON main.reservations
             WHEN OLD.status IN {HOLDS_PLACE}
         BEGIN
             UPDATE occupancy SET n = n - 1
                 WHERE site_id = OLD.site_id AND day = OLD.day AND starts = OLD.starts
                   AND slots = OLD.slots;
         END;
         CREATE TEMP TRIGGER IF NOT EXISTS occupancy_u
             AFTER UPDATE OF site_id, day, starts, slots, status ON main.reservations
         BEGIN
             UPDATE occupancy SET n = n - 1
                 WHERE OLD.status IN {HOLDS_PLACE} AND site_id = OLD.site_id
                   AND day = OLD.day AND starts = OLD.starts AND slots = OLD.slots;
             INSERT INTO occupancy (site_id, day, starts, slots, n)
                 SELECT NEW.site_id, NEW.day, NEW.starts, NEW.slots, 1
                 WHERE NEW.status IN {HOLDS_PLACE}
                 ON CONFLICT (site_id, day, starts, slots) DO UPDATE SET n = n + 1;
         END;"
    ))?;
    install_site_load(conn)?;
    for table in PLAN_TABLES {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            conn.execute_batch(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS warm_{table}_{op} AFTER {op} ON main.{table}
                 BEGIN UPDATE warm_state SET generation = madoguchi_generation(); END;"
            ))?;
        }
    }
    Ok(())
}

/// Creates the triggers keeping `site_load` (migration 0025): the places held per site, day,
/// start and length, counted while a mutation is executed (this PC's own, with undo records
/// taken, or the hub's of a pushed one, with effects recorded) and at no other write. The hub
/// holds every booking, so its counts are exact; they reach every PC as effects of the same
/// entry, and a seat's own counts are rewound before them like any row it wrote. Applying the
/// hub's effects, rewinding and loading a snapshot write the rows as they come: a booking
/// leaving a PC (moved away, served from the call center) is not a place given back.
fn install_site_load(conn: &Connection) -> Result<()> {
    let executing = "(EXISTS (SELECT 1 FROM temp.sync_capture)
                      OR EXISTS (SELECT 1 FROM temp.sync_effects_on))";
    let add = |alias: &str| {
        format!(
            "INSERT INTO site_load (site_id, day, starts, slots, n)
                 SELECT {alias}.site_id, {alias}.day, {alias}.starts, {alias}.slots, 1
                 WHERE {alias}.status IN {HOLDS_PLACE}
                 ON CONFLICT (site_id, day, starts, slots) DO UPDATE SET n = n + 1"
        )
    };
    let remove = |alias: &str| {
        format!(
            "UPDATE site_load SET n = n - 1
                 WHERE {alias}.status IN {HOLDS_PLACE} AND site_id = {alias}.site_id
                   AND day = {alias}.day AND starts = {alias}.starts AND slots = {alias}.slots"
        )
    };
    let moved = "OLD.site_id IS NOT NEW.site_id OR OLD.day IS NOT NEW.day
                 OR OLD.starts IS NOT NEW.starts OR OLD.slots IS NOT NEW.slots
                 OR (OLD.status IN {HOLDS}) <> (NEW.status IN {HOLDS})"
        .replace("{HOLDS}", HOLDS_PLACE);
    conn.execute_batch(&format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS site_load_i AFTER INSERT ON main.reservations
             WHEN {executing}
         BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS site_load_d AFTER DELETE ON main.reservations
             WHEN {executing}
         BEGIN {}; END;
         CREATE TEMP TRIGGER IF NOT EXISTS site_load_u AFTER UPDATE ON main.reservations
             WHEN {executing} AND ({moved})
         BEGIN {}; {}; END;",
        add("NEW"),
        remove("OLD"),
        remove("OLD"),
        add("NEW"),
    ))?;
    Ok(())
}

/// The in-memory copies, valid for one generation of [`PLAN_TABLES`].
#[derive(Debug, Default)]
pub(crate) struct Warm {
    /// Whether [`install`] succeeded on this connection (not for a store whose schema is older
    /// than this build, opened read-only by `doctor`): otherwise every look-up reads the tables.
    installed: Cell<bool>,
    /// The generation the copies below were read at (0: none).
    generation: Cell<i64>,
    /// Each site's calendar (the city's with the site's own sessions and closures).
    calendars: RefCell<HashMap<SiteId, BusinessCalendar>>,
    plans: RefCell<HashMap<(SiteId, PlanKind), SlotPlan>>,
    minutes: RefCell<Option<BTreeMap<Procedure, u32>>>,
    overrides: RefCell<HashMap<(SiteId, NaiveDate), HashMap<String, u32>>>,
    /// Each site's own days: an outreach site's one day and whether it is sealed, and
    /// whether it opens on weekends.
    site_days: RefCell<Option<HashMap<String, SiteDays>>>,
}

/// A site's own days, beside the city's calendar.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SiteDays {
    /// An outreach site's one day, and whether it is sealed.
    outreach: Option<(NaiveDate, bool)>,
    /// Opens on Saturdays and Sundays too.
    weekends: bool,
}

impl Warm {
    pub(crate) fn installed(installed: bool) -> Warm {
        Warm {
            installed: Cell::new(installed),
            ..Warm::default()
        }
    }
}

/// A look at the warm copies, brought up to date once ([`Store::warm_look`]) for several
/// reads with no write between them (one room check).
#[derive(Debug, Clone, Copy)]
pub(super) struct Look {
    /// False when nothing is kept warm on this connection: every read goes to the tables.
    warm: bool,
}

/// Days of capacity overrides kept at most (the hub looks at the next two weeks and the days
/// it books on; the copies are dropped at every plan change anyway).
const OVERRIDE_DAYS: usize = 1024;

impl Store {
    /// Brings the counts and the copies up to date with the tables: rebuilds the counts after
    /// another connection wrote, and drops the copies when a plan table changed.
    pub(super) fn warm_look(&self) -> Result<Look> {
        let warm = &self.warm;
        if !warm.installed.get() {
            return Ok(Look { warm: false });
        }
        let (mut generation, built_at, data_version): (i64, i64, i64) = self.conn().query_row(
            "SELECT generation, data_version, (SELECT data_version FROM pragma_data_version)
             FROM temp.warm_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if built_at != data_version {
            // Never built, or another connection wrote: count again, and a new generation.
            // Both are in the transaction: rolled back, they say so again at the next look.
            self.conn().execute("DELETE FROM temp.occupancy", [])?;
            self.conn().execute(
                &format!(
                    "INSERT INTO temp.occupancy (site_id, day, starts, slots, n)
                     SELECT site_id, day, starts, slots, count(*) FROM main.reservations
                     WHERE status IN {HOLDS_PLACE} GROUP BY site_id, day, starts, slots"
                ),
                [],
            )?;
            generation = GENERATION.fetch_add(1, Ordering::Relaxed);
            self.conn().execute(
                "UPDATE temp.warm_state SET generation = ?1, data_version = ?2",
                [generation, data_version],
            )?;
        }
        if warm.generation.get() != generation {
            warm.calendars.borrow_mut().clear();
            warm.plans.borrow_mut().clear();
            warm.minutes.borrow_mut().take();
            warm.overrides.borrow_mut().clear();
            warm.site_days.borrow_mut().take();
            warm.generation.set(generation);
        }
        Ok(Look { warm: true })
    }

    /// Runs `f` on `site`'s calendar ([`Store::site_calendar`]), kept warm.
    fn with_calendar<T>(
        &self,
        look: Look,
        site: &SiteId,
        f: impl FnOnce(&BusinessCalendar) -> T,
    ) -> Result<T> {
        if !look.warm {
            return Ok(f(&self.site_calendar(site)?));
        }
        let mut calendars = self.warm.calendars.borrow_mut();
        if !calendars.contains_key(site) {
            calendars.insert(site.clone(), self.site_calendar(site)?);
        }
        Ok(f(&calendars[site]))
    }

    /// What `site` does on `day`: its own calendar (the city's with the site's sessions and
    /// closures), its weekends, or an outreach site's one day; in a look already brought up to
    /// date.
    pub(super) fn site_day_status_in(
        &self,
        look: Look,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<DayStatus> {
        let days = self.site_days_in(look, site)?;
        match days.outreach.map(|(day, _)| day) {
            None if days.weekends => self.with_calendar(look, site, |c| c.weekend_site_day(day)),
            None => self.with_calendar(look, site, |c| c.day(day)),
            Some(only) if only == day => self.with_calendar(look, site, |c| c.outreach_day(day)),
            Some(_) => Ok(DayStatus::Closed {
                reason: crate::calendar::ClosedReason::NotItsDay,
            }),
        }
    }

    /// An outreach site's day and whether it is sealed; `None` for any other site. Kept warm
    /// (the hub asks for every pushed booking).
    pub(super) fn outreach_in(
        &self,
        look: Look,
        site: &SiteId,
    ) -> Result<Option<(NaiveDate, bool)>> {
        Ok(self.site_days_in(look, site)?.outreach)
    }

    /// A site's own days, kept warm.
    fn site_days_in(&self, look: Look, site: &SiteId) -> Result<SiteDays> {
        if !look.warm {
            return Ok(self
                .read_site_days()?
                .get(site.as_str())
                .copied()
                .unwrap_or_default());
        }
        let mut days = self.warm.site_days.borrow_mut();
        if days.is_none() {
            *days = Some(self.read_site_days()?);
        }
        Ok(days
            .as_ref()
            .expect("just read")
            .get(site.as_str())
            .copied()
            .unwrap_or_default())
    }

    fn read_site_days(&self) -> Result<HashMap<String, SiteDays>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, CASE WHEN kind = 'outreach' THEN day END, sealed, weekends FROM sites",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (id, day, sealed, weekends) = row?;
            let outreach = day
                .map(|d| super::parse_date(&d).map(|d| (d, sealed)))
                .transpose()?;
            Ok((id, SiteDays { outreach, weekends }))
        })
        .collect()
    }

    /// A site's slot plan of a kind of day, kept warm.
    pub(super) fn warm_slot_plan(&self, site: &SiteId, kind: PlanKind) -> Result<SlotPlan> {
        self.slot_plan_in(self.warm_look()?, site, kind)
    }

    /// [`Store::warm_slot_plan`] in a look already brought up to date.
    pub(super) fn slot_plan_in(
        &self,
        look: Look,
        site: &SiteId,
        kind: PlanKind,
    ) -> Result<SlotPlan> {
        if !look.warm {
            return self.read_slot_plan(site, kind);
        }
        let key = (site.clone(), kind);
        if let Some(plan) = self.warm.plans.borrow().get(&key) {
            return Ok(plan.clone());
        }
        let plan = self.read_slot_plan(site, kind)?;
        self.warm.plans.borrow_mut().insert(key, plan.clone());
        Ok(plan)
    }

    /// Minutes per procedure, kept warm.
    pub(super) fn warm_procedure_minutes(&self) -> Result<BTreeMap<Procedure, u32>> {
        if !self.warm_look()?.warm {
            return self.read_procedure_minutes();
        }
        if let Some(minutes) = self.warm.minutes.borrow().as_ref() {
            return Ok(minutes.clone());
        }
        let minutes = self.read_procedure_minutes()?;
        *self.warm.minutes.borrow_mut() = Some(minutes.clone());
        Ok(minutes)
    }

    /// A site's capacity overrides of a day (band start → places), kept warm.
    pub(super) fn warm_capacity_overrides(
        &self,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<HashMap<String, u32>> {
        self.capacity_overrides_in(self.warm_look()?, site, day)
    }

    /// [`Store::warm_capacity_overrides`] in a look already brought up to date.
    pub(super) fn capacity_overrides_in(
        &self,
        look: Look,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<HashMap<String, u32>> {
        if !look.warm {
            return self.read_capacity_overrides(site, day);
        }
        let key = (site.clone(), day);
        if let Some(o) = self.warm.overrides.borrow().get(&key) {
            return Ok(o.clone());
        }
        let o = self.read_capacity_overrides(site, day)?;
        let mut overrides = self.warm.overrides.borrow_mut();
        if overrides.len() >= OVERRIDE_DAYS {
            overrides.clear();
        }
        overrides.insert(key, o.clone());
        Ok(o)
    }

    /// The reservations holding a place at `site` on `day`, as (start, slots, how many), in a
    /// look already brought up to date.
    pub(super) fn places_held_in(
        &self,
        look: Look,
        site: &SiteId,
        day: NaiveDate,
    ) -> Result<Vec<(NaiveTime, u32, u32)>> {
        let d = day.format(DATE).to_string();
        let sql = if !self.holding()?.holds_site(site) {
            // Not this PC's bookings (the call center; a counter moving one away): the hub's
            // counts, with this PC's own changes not synced yet on top.
            "SELECT starts, slots, n FROM main.site_load WHERE site_id = ?2 AND day = ?1 AND n > 0"
                .to_owned()
        } else if look.warm {
            "SELECT starts, slots, n FROM temp.occupancy WHERE site_id = ?2 AND day = ?1 AND n > 0"
                .to_owned()
        } else {
            format!(
                "SELECT starts, slots, count(*) FROM main.reservations
                 WHERE site_id = ?2 AND day = ?1 AND status IN {HOLDS_PLACE} GROUP BY starts, slots"
            )
        };
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([d.as_str(), site.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, u32>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (starts, slots, n) = row?;
            Ok((parse_time(&starts)?, slots, n))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        calendar::{Closure, ClosureReason},
        mutation::{Mutation, PlanMutation},
        reservation::{ApplicantType, Band, Channel},
        secret::Personal,
        store::{NewApplicant, NewStore},
        DataDir, KdfCost, Passphrase,
    };
    use rand::{Rng, SeedableRng};

    fn store(dir: &std::path::Path) -> Store {
        Store::create(
            &DataDir::at(dir),
            &Passphrase::new("test passphrase".into()),
            &NewStore {
                site_name: "テスト市".into(),
                seat_name: "窓口1".into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap()
        .act_as_site("tests")
        .with_clock(std::sync::Arc::new(|| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap()
                .and_hms_opt(8, 0, 0)
                .unwrap()
        }))
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn person(i: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
        (
            NewApplicant {
                name_kanji: Personal::new(format!("見本 {i}")),
                name_kana: Personal::new(format!("ミホン {i}")),
                phone: Some(Personal::new(format!("090-0000-{i:04}"))),
                birth_date: None,
            },
            ApplicantType::ApplicantSelf,
            if i % 3 == 0 {
                vec![Procedure::CertificateRenewal, Procedure::CardIssue]
            } else {
                vec![Procedure::CertificateRenewal]
            },
        )
    }

    /// The counts and every copy, against the tables read afresh.
    fn assert_exact(s: &Store, days: &[NaiveDate]) {
        assert!(s.warm_look().unwrap().warm);
        let counted: Vec<(String, String, String, i64, i64)> = s
            .conn()
            .prepare(
                "SELECT site_id, day, starts, slots, n FROM temp.occupancy WHERE n != 0 ORDER BY 1, 2, 3, 4",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let fresh: Vec<(String, String, String, i64, i64)> = s
            .conn()
            .prepare(&format!(
                "SELECT site_id, day, starts, slots, count(*) FROM main.reservations
                 WHERE status IN {HOLDS_PLACE} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            ))
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(counted, fresh, "places held per day and start");
        let site = SiteId::main();
        for kind in [PlanKind::Regular, PlanKind::HolidaySession] {
            assert_eq!(
                s.warm_slot_plan(&site, kind).unwrap(),
                s.read_slot_plan(&site, kind).unwrap()
            );
        }
        assert_eq!(
            s.warm_procedure_minutes().unwrap(),
            s.read_procedure_minutes().unwrap()
        );
        let calendar = s.calendar().unwrap();
        for day in days {
            let look = s.warm_look().unwrap();
            assert_eq!(
                s.site_day_status_in(look, &site, *day).unwrap(),
                calendar.day(*day),
                "{day}"
            );
            assert_eq!(
                s.warm_capacity_overrides(&site, *day).unwrap(),
                s.read_capacity_overrides(&site, *day).unwrap()
            );
        }
    }

    #[test]
    fn the_warm_copies_follow_every_write_rollbacks_and_other_connections() {
        let tmp = tempfile::tempdir().unwrap();
        let s = store(tmp.path());
        let days: Vec<NaiveDate> = (1..=12)
            .map(|d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap())
            .collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut booked = Vec::new();
        for step in 0..300 {
            let day = days[rng.gen_range(0..days.len())];
            let starts = t(9 + rng.gen_range(0..7), 15 * rng.gen_range(0..4));
            // Fill the copies first, so that every kind of write must drop or update them.
            if step % 2 == 0 {
                assert_exact(&s, &days);
            }
            match rng.gen_range(0..13) {
                0..=4 => {
                    if let Ok(r) = s.book(day, starts, Channel::Phone, vec![person(step)], "") {
                        booked.push(r.number);
                    }
                }
                5 if !booked.is_empty() => {
                    let n = booked[rng.gen_range(0..booked.len())];
                    let _ = s.cancel(n);
                }
                6 if !booked.is_empty() => {
                    let n = booked[rng.gen_range(0..booked.len())];
                    let _ = s.reschedule(n, day, starts);
                }
                7 => {
                    let _ = s.set_capacity(day, t(9, 0), Some(rng.gen_range(1..4)));
                }
                8 => {
                    let closure = rng.gen_bool(0.5).then(|| Closure {
                        reason: ClosureReason::Maintenance,
                        note: "点検".into(),
                        from: Some(t(13, 0)),
                        until: Some(t(14, 0)),
                    });
                    let _ = s.set_closure(day, closure);
                }
                9 => {
                    let _ = s.set_procedure_minutes(
                        Procedure::CertificateRenewal,
                        [15, 30, 45][rng.gen_range(0..3)],
                    );
                }
                10 => {
                    // Changes rolled back inside a savepoint, after the copies were read in it.
                    s.conn().execute_batch("SAVEPOINT t").unwrap();
                    let _ = s.book(day, starts, Channel::Phone, vec![person(step)], "");
                    s.conn()
                        .execute(
                            "UPDATE reservations SET status = 'cancelled' WHERE day = ?1",
                            [day.format(DATE).to_string()],
                        )
                        .unwrap();
                    let _ = s.execute(Mutation::Plan(PlanMutation::SetSlotPlan {
                        kind: PlanKind::Regular,
                        site: Default::default(),
                        plan: SlotPlan {
                            slot_minutes: 30,
                            bands: vec![Band {
                                starts: t(9, 0),
                                ends: t(12, 0),
                                capacity: 1,
                            }],
                        },
                    }));
                    assert_exact(&s, &days);
                    s.conn().execute_batch("ROLLBACK TO t; RELEASE t").unwrap();
                }
                11 => {
                    // Rows written as they are given (effects, rewinds, snapshots): any status
                    // to any other, moved, deleted and put back.
                    let statuses = ["booked", "checked_in", "queued", "cancelled", "no_show"];
                    s.conn()
                        .execute(
                            "UPDATE reservations SET status = ?1, day = ?2
                             WHERE rowid IN (SELECT rowid FROM reservations ORDER BY random() LIMIT 3)",
                            [
                                statuses[rng.gen_range(0..statuses.len())],
                                &day.format(DATE).to_string(),
                            ],
                        )
                        .unwrap();
                    s.conn()
                        .execute_batch(
                            "CREATE TEMP TABLE IF NOT EXISTS moved AS SELECT * FROM reservations LIMIT 0;
                             DELETE FROM temp.moved;
                             INSERT INTO temp.moved SELECT * FROM reservations ORDER BY random() LIMIT 2;
                             PRAGMA defer_foreign_keys = ON;
                             SAVEPOINT put;
                             DELETE FROM reservations WHERE id IN (SELECT id FROM temp.moved);
                             INSERT INTO reservations SELECT * FROM temp.moved;
                             RELEASE put;",
                        )
                        .unwrap();
                }
                _ => {
                    // Another connection (another program) changes rows behind the store.
                    let twin = Store::open(
                        &DataDir::at(tmp.path()),
                        &Passphrase::new("test passphrase".into()),
                    )
                    .unwrap();
                    twin.conn()
                        .execute(
                            "UPDATE reservations SET status = 'cancelled'
                             WHERE rowid IN (SELECT rowid FROM reservations WHERE status = 'booked' LIMIT 2)",
                            [],
                        )
                        .unwrap();
                    twin.conn()
                        .execute(
                            "UPDATE procedures SET minutes = minutes + 15 WHERE minutes < 60",
                            [],
                        )
                        .unwrap();
                }
            }
        }
        assert_exact(&s, &days);
        assert!(booked.len() > 20, "{} bookings", booked.len());
    }
}
