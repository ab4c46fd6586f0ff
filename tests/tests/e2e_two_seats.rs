//! End to end with two real windows: a hub (`madoguchi hub serve`, its own data directory) and
//! two desktop apps, each on its own data directory, set up as the operator manual says for a
//! second PC (席の登録: `madoguchi init`, a code from `madoguchi hub code`, `madoguchi enrol`).
//!
//! Seat 窓口1 holds the demo history (`madoguchi init --demo`, as scripts/demo.sh makes it);
//! seat 窓口2 is new. Both windows are unlocked, and seat 2 is left at the sign-in screen with
//! nobody signed in: within 30 s it holds every reservation of seat 1 (read from its store on
//! disk, read-only, while the app runs). Then someone signs in at seat 2 and its board shows,
//! day by day, the same reservations as seat 1's board. A booking made in seat 1's window shows
//! on seat 2's board within 2 s. At the end, with both apps closed, the two stores and the hub
//! hold the same reservations. Screenshots of both windows in `test-output/e2e_two_seats/`.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{bail, ensure, Result};
use madoguchi_core::{reservation_number::ReservationNumber, DataDir};
use madoguchi_tests::{
    cluster::{enrol, madoguchi, HubProcess},
    desktop::{next_open_weekday, Desktop},
    raw_key_hex, PASSPHRASE,
};

const TEST: &str = "e2e_two_seats";
const SITE: &str = "デモ市 マイナンバーカード特設窓口";

/// One reservation as a store holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    day: String,
    starts: String,
    status: String,
}

/// A store on disk read with SQLCipher directly and read-only (no audit record, nothing
/// written), so it can be read while the app that owns it runs.
struct OnDisk {
    database: PathBuf,
    key: String,
}

impl OnDisk {
    fn new(root: &Path) -> OnDisk {
        OnDisk {
            database: DataDir::at(root).database(),
            key: raw_key_hex(root, PASSPHRASE),
        }
    }

    /// Every reservation by its number as shown (`1234-5678`).
    fn reservations(&self) -> Result<BTreeMap<String, Row>> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.database,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", self.key))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut stmt = conn.prepare("SELECT number, day, starts, status FROM reservations")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Row {
                    day: r.get(1)?,
                    starts: r.get(2)?,
                    status: r.get(3)?,
                },
            ))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (number, row) = row?;
            out.insert(ReservationNumber::from_i64(number)?.to_string(), row);
        }
        Ok(out)
    }
}

/// The reservations per day.
fn by_day(rows: &BTreeMap<String, Row>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (number, row) in rows {
        out.entry(row.day.clone())
            .or_default()
            .insert(number.clone());
    }
    out
}

/// Reads every day of `days` on the board of `app`; returns how many reservations it saw.
async fn read_every_day(app: &Desktop, days: &BTreeMap<String, BTreeSet<String>>) -> Result<usize> {
    app.click("a[href='#board']").await?;
    let mut seen = 0;
    for (day, numbers) in days {
        app.board_shows(day, numbers).await?;
        seen += numbers.len();
    }
    Ok(seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_seat_left_at_sign_in_gets_every_reservation_and_a_booking_shows_in_two_seconds(
) -> Result<()> {
    let began = Instant::now();
    let root = tempfile::tempdir()?;
    let (hub_dir, seat1_dir, seat2_dir) = (
        root.path().join("hub"),
        root.path().join("seat1"),
        root.path().join("seat2"),
    );

    // The three stores, as scripts/demo.sh and the manual make them (in parallel: the demo
    // history takes a few seconds).
    let (hub_init, seat1_init, seat2_init) = tokio::try_join!(
        tokio::task::spawn_blocking({
            let d = hub_dir.clone();
            move || {
                madoguchi(
                    &d,
                    &["init", "--training", "--site", SITE, "--seat", "ハブ"],
                )
            }
        }),
        tokio::task::spawn_blocking({
            let d = seat1_dir.clone();
            move || madoguchi(&d, &["init", "--site", SITE, "--seat", "窓口1", "--demo"])
        }),
        tokio::task::spawn_blocking({
            let d = seat2_dir.clone();
            move || {
                madoguchi(
                    &d,
                    &["init", "--training", "--site", SITE, "--seat", "窓口2"],
                )
            }
        }),
    )?;
    let (_, said, _) = (hub_init?, seat1_init?, seat2_init?);
    eprintln!("seat 1: {}", said.trim().replace('\n', "; "));

    // The hub, and both seats enrolled with codes from `madoguchi hub code`.
    let hub = HubProcess::start(&hub_dir)?;
    enrol(&hub_dir, &hub, &seat1_dir, None)?;
    enrol(&hub_dir, &hub, &seat2_dir, None)?;
    let (seat1_disk, seat2_disk, hub_disk) = (
        OnDisk::new(&seat1_dir),
        OnDisk::new(&seat2_dir),
        OnDisk::new(&hub_dir),
    );
    let history = seat1_disk.reservations()?;
    ensure!(history.len() > 500, "demo history: {}", history.len());
    ensure!(seat2_disk.reservations()?.is_empty(), "seat 2 starts empty");
    eprintln!(
        "set up in {:?}: seat 1 holds {} reservations",
        began.elapsed(),
        history.len()
    );

    // Two windows, each its own app process on its own data directory.
    let (seat1, seat2) = tokio::try_join!(
        Desktop::launch(TEST, &seat1_dir),
        Desktop::launch(TEST, &seat2_dir)
    )?;
    seat1.unlock().await?;
    seat2.unlock().await?;
    let unlocked = Instant::now();

    // Seat 2 stays at the sign-in screen; seat 1 is signed in and shows its sync state.
    seat1.sign_in("S001").await?;
    let held_after = loop {
        let (want, have) = (seat1_disk.reservations()?, seat2_disk.reservations()?);
        if have == want {
            break unlocked.elapsed();
        }
        if unlocked.elapsed() > Duration::from_secs(30) {
            let missing = want.keys().filter(|n| !have.contains_key(*n)).count();
            let differ = want
                .iter()
                .filter(|(n, r)| have.get(*n).is_some_and(|h| h != *r))
                .count();
            seat1.screenshot("seat1-timeout").await?;
            seat2.screenshot("seat2-timeout").await?;
            bail!(
                "30 s after unlock seat 2 holds {} of seat 1's {} reservations ({missing} missing, {differ} differ); hub holds {}",
                have.len(),
                want.len(),
                hub_disk.reservations()?.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    eprintln!(
        "seat 2, nobody signed in, held all {} reservations {held_after:?} after unlock",
        history.len()
    );
    let sign_in_screen = seat2.find("#staff-code").await;
    ensure!(
        sign_in_screen.is_ok(),
        "seat 2 is still at the sign-in screen"
    );
    seat2.screenshot("01-seat2-at-sign-in-after-sync").await?;
    seat1
        .wait_for_text("[data-testid=sync-indicator]", "ハブに接続中")
        .await?;

    // Signed in at seat 2 once its header says the load is done, as the manual says (the roster
    // came from the hub too), both boards read day by day.
    seat2
        .wait_for_text("[data-testid=sync-indicator]", "ハブに接続中")
        .await?;
    seat2.sign_in("M001").await?;
    let days = by_day(&seat1_disk.reservations()?);
    let reading = Instant::now();
    let (seen1, seen2) =
        tokio::try_join!(read_every_day(&seat1, &days), read_every_day(&seat2, &days))?;
    ensure!(
        seen1 == seen2 && seen2 >= history.len(),
        "{seen1} / {seen2}"
    );
    eprintln!(
        "both boards showed the same {seen2} reservations over {} days (read in {:?})",
        days.len(),
        reading.elapsed()
    );

    // Both boards on the day of the next booking; it is made in seat 1's window.
    let day = next_open_weekday();
    let iso = day.format("%Y-%m-%d").to_string();
    let before = days.get(&iso).cloned().unwrap_or_default();
    seat1.board_shows(&iso, &before).await?;
    seat1.screenshot("02-seat1-board").await?;
    seat2.board_shows(&iso, &before).await?;
    seat2.screenshot("03-seat2-board-signed-in").await?;
    let (number, submitted) = seat1.book_in_app(day, None).await?;
    let row = format!("[data-number='{number}']");
    seat2.wait_for_text(&row, "ニセキ カクニン").await?;
    let shown_after = submitted.elapsed();
    seat1.screenshot("04-seat1-booked").await?;
    seat2.scroll_to(&row).await?;
    seat2.screenshot("05-seat2-board-shows-it").await?;
    eprintln!(
        "the booking {number} submitted in seat 1's window was on seat 2's board {shown_after:?} later"
    );
    ensure!(
        shown_after < Duration::from_secs(2),
        "the booking showed on seat 2 after {shown_after:?}"
    );

    // Both apps closed: the two stores and the hub hold the same reservations.
    seat1.close().await?;
    seat2.close().await?;
    let (one, two, at_hub) = (
        seat1_disk.reservations()?,
        seat2_disk.reservations()?,
        hub_disk.reservations()?,
    );
    ensure!(one.contains_key(&number), "seat 1 holds {number}");
    ensure!(one == two, "seat 1 and seat 2 differ after closing");
    ensure!(one == at_hub, "the seats and the hub differ after closing");
    eprintln!(
        "{} reservations on both seats and the hub; the whole test took {:?}",
        one.len(),
        began.elapsed()
    );
    drop(hub);
    Ok(())
}
