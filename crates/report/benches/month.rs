//! A busy month's reports: December 2026 with about 300 visits a day on every open day (16
//! seats, 16 places a slot), run through the whole counter workflow; then the time to gather the
//! monthly figures from the encrypted store, to lay out and write the PDF (font subset
//! included) and the CSV, and the daily report of the busiest day. Prints the figures.
//!
//! Run: `cargo bench -p madoguchi-report --bench month`.
//! Under `cargo test --benches` it runs on three days at 60 visits as a smoke test.
use std::{sync::Arc, time::Instant};

use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    demo,
    reservation::{Band, PlanKind, SlotPlan},
    DataDir, KdfCost, NewStore, Passphrase, Store,
};
use madoguchi_report::{csv, pdf};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (days, capacity, fill) = if full { (31, 16, 0.75) } else { (3, 2, 1.0) };
    let tmp = tempfile::tempdir().unwrap();
    let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let store = Store::create(
        &DataDir::at(tmp.path()),
        &Passphrase::new("bench passphrase".into()),
        &NewStore {
            site_name: "bench".into(),
            seat_name: "bench".into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .unwrap()
    .with_clock(Arc::new(|| {
        NaiveDate::from_ymd_opt(2027, 1, 5)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }))
    .act_as_site("bench");
    demo::seed_staff(&store).unwrap();
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    store
        .set_slot_plan(
            PlanKind::Regular,
            SlotPlan {
                slot_minutes: 15,
                bands: vec![Band {
                    starts: t(9),
                    ends: t(17),
                    capacity,
                }],
            },
        )
        .unwrap();

    let started = Instant::now();
    demo::seed_reservations(&store, first, days, fill, 11).unwrap();
    let mut visits = 0;
    for (i, day) in first.iter_days().take(days as usize).enumerate() {
        visits += demo::run_day(&store, day, capacity, "C001", i as u64).unwrap();
    }
    println!(
        "fixture: {visits} visits over {days} days in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let month = store.monthly_report(first).unwrap();
    let gather = started.elapsed();
    let started = Instant::now();
    let bytes = pdf::monthly(&month).unwrap();
    let render = started.elapsed();
    let started = Instant::now();
    let text = csv::monthly(&month);
    let csv_time = started.elapsed();
    let busiest = month
        .days
        .iter()
        .max_by_key(|d| d.visitors)
        .map(|d| d.day)
        .unwrap_or(first);
    let started = Instant::now();
    let daily = pdf::daily(&store.daily_report(busiest).unwrap()).unwrap();
    let daily_time = started.elapsed();
    println!(
        "monthly report, {} open days, {} visitors ({:.0}/day): figures {:.0} ms, PDF {:.0} ms ({} KB), CSV {:.1} ms ({} KB)",
        month.days.len(),
        month.totals.visitors,
        f64::from(month.totals.visitors) / month.days.len().max(1) as f64,
        gather.as_secs_f64() * 1e3,
        render.as_secs_f64() * 1e3,
        bytes.len() / 1024,
        csv_time.as_secs_f64() * 1e3,
        text.len() / 1024,
    );
    println!(
        "daily report of the busiest day: figures + PDF {:.0} ms ({} KB)",
        daily_time.as_secs_f64() * 1e3,
        daily.len() / 1024
    );
}
