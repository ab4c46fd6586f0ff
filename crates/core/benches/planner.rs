//! How fast the planner answers: the whole shipped forecast (18 months) planned with 40
//! simulated days each, as the planner screen recomputes it on every what-if edit; and the
//! pure simulation of a 6-month plan (about 120 open days × 40 replications).
//!
//! Run: `cargo bench -p madoguchi-core --features bench-support --bench planner`.
//! Under `cargo test --benches` it runs each once as a smoke test.
use std::time::Instant;

use madoguchi_core::{
    planner::{plan_month, Assumptions, MonthInput, REPLICATIONS},
    DataDir, KdfCost, NewStore, Passphrase, Store,
};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let rounds = if full { 20 } else { 1 };
    let tmp = tempfile::tempdir().unwrap();
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

    let mut times = Vec::new();
    for i in 0..rounds {
        let what_if = Assumptions {
            take_up_certificate: 0.4 + 0.01 * f64::from(i),
            ..Assumptions::default()
        };
        let started = Instant::now();
        let plan = store.capacity_plan(Some(what_if)).unwrap();
        times.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(plan.months.len(), 18);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "whole forecast (18 months × {REPLICATIONS} simulated days) from the store: median {:.1} ms, max {:.1} ms over {rounds} what-ifs",
        times[times.len() / 2],
        times[times.len() - 1]
    );

    // Six busy months, pure: January to June 2027 at the forecast's levels.
    let months: Vec<MonthInput> = [
        (854, 3058),
        (755, 2951),
        (799, 3283),
        (880, 3482),
        (865, 3322),
        (848, 3289),
    ]
    .iter()
    .enumerate()
    .map(|(i, (card, certificate))| MonthInput {
        month: format!("2027-{:02}", i + 1),
        card: *card,
        certificate: *certificate,
        card_next: *card,
        certificate_next: *certificate,
        open_days: 20,
        open_by_weekday: [4, 4, 4, 4, 4, 0, 0],
        places_per_day: 128,
    })
    .collect();
    let started = Instant::now();
    let mut visits = 0.0;
    for _ in 0..rounds {
        for (i, m) in months.iter().enumerate() {
            visits += plan_month(&Assumptions::default(), m, i as u64).visits_per_day;
        }
    }
    println!(
        "6-month plan, {} simulated days: {:.1} ms ({visits:.0})",
        6 * REPLICATIONS,
        started.elapsed().as_secs_f64() * 1e3 / f64::from(rounds)
    );
}
