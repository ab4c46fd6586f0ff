//! Reservations at a city's scale: 200,000 bookings in the encrypted store, then search by
//! number, phone and kana prefix, and booking latency (one transaction with fsync each), as
//! p50/p99 over many samples. Percentiles are the point (the aim is p99 under 5 ms), so this
//! is a plain timing harness rather than criterion.
//!
//! Run: `cargo bench -p madoguchi-core --features bench-support --bench reservations`.
//! Under `cargo test --benches` it runs on 3,000 bookings as a smoke test.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{Days, NaiveDate, NaiveTime};
use madoguchi_core::{
    demo,
    reservation::{ApplicantType, Band, Channel, PlanKind, Procedure, SlotPlan},
    store::ReservationSummary,
    DataDir, KdfCost, NewStore, Passphrase, Store,
};
use rand::{rngs::StdRng, Rng, SeedableRng};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (target, samples) = if full { (200_000, 2_000) } else { (3_000, 100) };
    let tmp = tempfile::tempdir().unwrap();
    let first_day = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
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
    .act_as_site("bench");
    // A busy counter: 16 places per slot all day, so ~3 years of open days hold 200,000 visits.
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    store
        .set_slot_plan(
            PlanKind::Regular,
            SlotPlan {
                slot_minutes: 15,
                bands: vec![Band {
                    starts: t(9),
                    ends: t(17),
                    capacity: 16,
                }],
            },
        )
        .unwrap();

    let started = Instant::now();
    let (mut made, mut day) = (0, first_day);
    while made < target {
        made += demo::seed_reservations(
            &store,
            day,
            1,
            0.8,
            day.to_string().len() as u64 + made as u64,
        )
        .unwrap();
        day = day + Days::new(1);
    }
    let last_day = day;
    println!(
        "seeded {made} reservations over {} calendar days in {:.1?}",
        (last_day - first_day).num_days(),
        started.elapsed()
    );
    println!(
        "database + WAL: {:.1} MiB",
        store.status().unwrap().database_bytes as f64 / 1048576.0
    );

    // Samples drawn from what is stored.
    let mut rng = StdRng::seed_from_u64(7);
    let mut picked: Vec<ReservationSummary> = Vec::new();
    while picked.len() < samples {
        let d = first_day + Days::new(rng.gen_range(0..(last_day - first_day).num_days() as u64));
        let on_day = store.reservations_on(d).unwrap();
        if !on_day.is_empty() {
            picked.push(on_day[rng.gen_range(0..on_day.len())].clone());
        }
    }

    report("search by number", &picked, |r| {
        let found = store.search(&r.number.to_string(), 50).unwrap();
        assert_eq!(found.len(), 1);
    });
    report("search by phone (090-0000-1234)", &picked, |r| {
        let digits = r.people[0].phone.as_ref().unwrap().expose().to_owned();
        let written = format!("{}-{}-{}", &digits[..3], &digits[3..7], &digits[7..]);
        assert!(!store.search(&written, 50).unwrap().is_empty());
    });
    report("search by kana prefix (family name)", &picked, |r| {
        let family = r.people[0]
            .name_kana
            .expose()
            .split(' ')
            .next()
            .unwrap()
            .to_owned();
        assert!(!store.search(&family, 50).unwrap().is_empty());
    });
    report(
        "search by kana prefix (2 chars, half-width)",
        &picked,
        |r| {
            let two: String = r.people[0].name_kana.expose().chars().take(2).collect();
            let half = two.replace('サ', "ｻ").replace('タ', "ﾀ").replace('ヤ', "ﾔ");
            assert!(!store.search(&half, 50).unwrap().is_empty());
        },
    );

    // Booking latency: the clock stands on the last seeded day; book into the following weeks.
    let now = last_day.and_hms_opt(8, 0, 0).unwrap();
    let store = store.with_clock(Arc::new(move || now));
    let mut days: Vec<NaiveDate> = (0..40).map(|i| last_day + Days::new(i)).collect();
    days.retain(|d| !store.day_schedule(*d).unwrap().is_empty());
    let mut brng = StdRng::seed_from_u64(11);
    report("  of which: city rules check", &picked, |_| {
        let a = demo::applicant(&mut brng);
        store
            .check_booking_rules(
                days[0],
                NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                Channel::Phone,
                std::iter::once(&a),
                None,
            )
            .unwrap();
    });
    report(
        "  of which: an empty write transaction (fsync)",
        &picked,
        |_| {
            store.execute_batch(&[]).unwrap();
        },
    );
    let mut k = 0usize;
    report("book (phone, one transaction + fsync)", &picked, |_| loop {
        k += 1;
        let day = days[k % days.len()];
        let slot = NaiveTime::from_hms_opt(9 + (k / days.len() % 8) as u32, 0, 0).unwrap();
        let who = vec![(
            demo::applicant(&mut brng),
            ApplicantType::ApplicantSelf,
            vec![Procedure::CertificateRenewal],
        )];
        match store.book(day, slot, Channel::Phone, who, "") {
            Ok(_) => break,
            Err(
                madoguchi_core::Error::SlotFull { .. }
                | madoguchi_core::Error::AlreadyBooked { .. },
            ) => continue,
            Err(e) => panic!("{e}"),
        }
    });
}

/// Runs `f` once per sample and prints p50 / p99 / max.
fn report<T>(label: &str, samples: &[T], mut f: impl FnMut(&T)) {
    let mut times: Vec<Duration> = samples
        .iter()
        .map(|s| {
            let start = Instant::now();
            f(s);
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{label:<45} n={:<5} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms",
        times.len(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
}
