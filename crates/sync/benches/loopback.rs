//! Sync on loopback, over real TLS with real encrypted stores:
//! - propagation latency seat → hub → seat with 8 seats syncing in the background (p50, p99);
//! - hub throughput: mutations a second, 8 seats pushing at once (sustained), and one seat;
//! - how long the UI waits for a seat's store while it syncs (a new seat's first sync, then
//!   steady pushes and pulls): a thread standing in for a Tauri command takes the store lock
//!   every 10 ms for a small read (p99, max);
//! - store bytes per synced reservation, and what takes the space (per table and index);
//! - time to first sync of a new seat against a hub holding 100,000 records.
//!
//! Run: `cargo bench -p madoguchi-sync --bench loopback` (release). Under `cargo test
//! --benches` it runs small as a smoke test. Prints the figures.
use madoguchi_core::mutation::{Mutation, PlanMutation, ReservationMutation};
use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Band, Book, Channel, PlanKind, Procedure, SlotPlan},
    store::NewApplicant,
    DataDir, KdfCost, NewStore, Passphrase, Personal, Store,
};
use madoguchi_sync::{
    client::{self, SharedStore},
    hub::{Hub, Limits, Rate},
    tls::HubPin,
};

fn store(dir: &std::path::Path, seat: &str) -> Store {
    Store::create(
        &DataDir::at(dir),
        &Passphrase::new("bench passphrase".into()),
        &NewStore {
            site_name: "bench".into(),
            seat_name: seat.into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .unwrap()
    .act_as_site("bench")
}

fn person(i: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(format!("見本 {i}")),
            name_kana: Personal::new(format!("ミホン {i}")),
            phone: Some(Personal::new(format!(
                "090-{:04}-{:04}",
                i / 10_000,
                i % 10_000
            ))),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CertificateRenewal],
    )
}

/// `n` bookings on open days from `first`, 16 places a slot, as mutations of `seat`.
fn bookings(seat: &Store, first: NaiveDate, n: usize, offset: usize) {
    let plan = SlotPlan {
        slot_minutes: 15,
        bands: vec![Band {
            starts: t(9, 0),
            ends: t(17, 0),
            capacity: 16,
        }],
    };
    seat.execute(Mutation::Plan(PlanMutation::SetSlotPlan {
        kind: PlanKind::Regular,
        site: Default::default(),
        plan,
    }))
    .unwrap();
    fill(seat, first, n, offset);
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn enrol(hub: &Hub, addr: &str, dir: &std::path::Path, name: &str) -> SharedStore {
    let s = Arc::new(std::sync::Mutex::new(Some(store(dir, name))));
    client::enrol(&s, addr, &hub.enrolment_string().await.unwrap())
        .await
        .unwrap();
    s
}

async fn connect(s: &SharedStore) -> client::Connection {
    let (identity, link) = {
        let g = s.lock().unwrap();
        let st = g.as_ref().unwrap();
        (
            st.sync_identity(madoguchi_sync::tls::new_identity).unwrap(),
            st.sync_link().unwrap().unwrap(),
        )
    };
    client::connect(
        &identity,
        &link.hub_address,
        HubPin::Exact(link.hub_fingerprint),
    )
    .await
    .unwrap()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (seats_n, rounds, records, pushed) = if full {
        (8, 40, 100_000, 5_000)
    } else {
        (3, 3, 300, 200)
    };
    // Bookings each seat pushes when all push at once; then, while a new seat syncs steadily,
    // each other seat's bookings and the new seat's own.
    let (per_seat, steady, own) = if full { (2_000, 300, 100) } else { (40, 10, 5) };
    let tmp = tempfile::tempdir().unwrap();
    let first = chrono::Local::now().date_naive() + chrono::Days::new(1);
    if std::env::var("LOOPBACK_ONLY").as_deref() == Ok("first-sync") {
        return first_sync(tmp.path(), first, records).await;
    }

    // Propagation with `seats_n` seats syncing in the background.
    // Every seat is on 127.0.0.1: more enrolments and connections at once than one address
    // gets on a LAN.
    let enrolments = Rate::new(1000, Duration::from_millis(1));
    let hub = Hub::new(store(&tmp.path().join("hub"), "ハブ"))
        .unwrap()
        .with_limits(
            Limits::default()
                .enrolments(enrolments, enrolments)
                .anonymous(64, 64),
        );
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = addr.to_string();
    let mut seats = Vec::new();
    for i in 0..seats_n {
        let s = enrol(
            &hub,
            &addr,
            &tmp.path().join(format!("seat{i}")),
            &format!("窓口{i}"),
        )
        .await;
        let wake = Arc::new(tokio::sync::Notify::new());
        let (task, status) = client::spawn(s.clone(), wake.clone());
        seats.push((s, wake, task, status));
    }
    for (_, _, _, status) in &mut seats {
        while status.borrow().rounds == 0 {
            status.changed().await.unwrap();
        }
    }
    eprintln!("{seats_n} seats in sync; measuring propagation");
    let mut samples = Vec::new();
    for r in 0..rounds {
        let from = r % seats_n;
        let number = {
            let g = seats[from].0.lock().unwrap();
            let s = g.as_ref().unwrap();
            s.book(
                first + chrono::Days::new(2),
                t(10, 0) + chrono::Duration::minutes(15 * (r as i64 % 20)),
                Channel::Phone,
                vec![person(900_000 + r)],
                "",
            )
            .unwrap()
            .number
        };
        let started = Instant::now();
        seats[from].1.notify_one();
        let mut waiting: Vec<usize> = (0..seats_n).filter(|&i| i != from).collect();
        while !waiting.is_empty() {
            if started.elapsed() > Duration::from_secs(10) {
                let status: Vec<_> = waiting
                    .iter()
                    .map(|&i| seats[i].3.borrow().clone())
                    .collect();
                let mine = seats[from].3.borrow().clone();
                let outbox = seats[from]
                    .0
                    .lock()
                    .unwrap()
                    .as_ref()
                    .unwrap()
                    .outbox_status()
                    .unwrap();
                let conflicts = hub.with_store(|s| s.conflicts(true)).await.unwrap();
                let d = first + chrono::Days::new(2);
                let escrow = hub.with_store(move |s| s.hub_escrow_on(d)).await.unwrap();
                let board = hub.with_store(move |s| s.day_board(d)).await.unwrap();
                eprintln!("escrow {escrow:?}");
                eprintln!(
                    "slots {:?}",
                    board
                        .slots
                        .iter()
                        .map(|s| (s.starts, s.taken, s.capacity))
                        .collect::<Vec<_>>()
                );
                panic!("booking {number} from seat {from} ({mine:?}, {outbox:?}) not seen by {waiting:?} after 10 s: {status:?}; hub conflicts {:?}", conflicts.iter().map(|c| &c.record).collect::<Vec<_>>());
            }
            waiting.retain(|&i| {
                let seen = seats[i]
                    .0
                    .lock()
                    .unwrap()
                    .as_ref()
                    .unwrap()
                    .reservation(number)
                    .is_ok();
                if seen {
                    samples.push(started.elapsed());
                }
                !seen
            });
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
    }
    samples.sort();
    println!(
        "propagation seat -> hub -> seat, {seats_n} seats: n={} p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
    for (_, _, task, _) in &seats {
        task.abort();
    }
    let seat_stores: Vec<SharedStore> = seats.iter().map(|(s, ..)| s.clone()).collect();
    push_together(&seat_stores, first, per_seat).await;
    ui_wait(&hub, &addr, tmp.path(), &seat_stores, first, steady, own).await;

    // Hub throughput: one seat pushes `pushed` bookings in batches over the network.
    // It syncs once first (a seat in service), then books offline.
    let pusher = enrol(&hub, &addr, &tmp.path().join("pusher"), "受付").await;
    let mut conn = connect(&pusher).await;
    client::round(&pusher, &mut conn).await.unwrap();
    {
        let g = pusher.lock().unwrap();
        bookings(
            g.as_ref().unwrap(),
            first + chrono::Days::new(20),
            pushed,
            0,
        );
    }
    let started = Instant::now();
    let mut pushed_n = 0;
    loop {
        let batch = pusher
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .pending_envelopes(madoguchi_sync::wire::PUSH_BATCH)
            .unwrap();
        if batch.is_empty() {
            break;
        }
        pushed_n += batch.len();
        let madoguchi_sync::wire::Response::Pushed { results } = conn
            .call(&madoguchi_sync::wire::Request::Push { batch })
            .await
            .unwrap()
        else {
            panic!("unexpected answer");
        };
        pusher
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .acknowledge(&results)
            .unwrap();
    }
    let took = started.elapsed();
    println!(
        "hub throughput: {pushed_n} bookings pushed in batches of {} and applied in {:.2} s = {:.0} mutations/s",
        madoguchi_sync::wire::PUSH_BATCH,
        took.as_secs_f64(),
        pushed_n as f64 / took.as_secs_f64()
    );
    let started = Instant::now();
    let round = client::round(&pusher, &mut conn).await.unwrap();
    println!(
        "a seat's rebase after its own {pushed_n} offline mutations (its next round): {:.2} s, {} entries pulled of which {} moved over{}",
        started.elapsed().as_secs_f64(),
        round.pulled,
        round.fast_forwarded,
        round
            .snapshot
            .as_deref()
            .map_or(String::new(), |r| format!(", snapshot loaded ({r})")),
    );

    first_sync(tmp.path(), first, records).await;
}

/// First sync of a new seat against a hub holding `records` records (alone, with
/// `LOOPBACK_ONLY=first-sync`, to profile it).
async fn first_sync(tmp: &std::path::Path, first: NaiveDate, records: usize) {
    // `LOOPBACK_HUB=dir`: keep the hub built here in `dir` and use it again next time.
    let kept = std::env::var_os("LOOPBACK_HUB").map(std::path::PathBuf::from);
    let hub2 = match &kept {
        Some(dir) if dir.join("store.db").exists() => Hub::new(
            Store::open(
                &DataDir::at(dir),
                &Passphrase::new("bench passphrase".into()),
            )
            .unwrap()
            .act_as_site("bench"),
        )
        .unwrap(),
        _ => {
            build_hub(
                kept.as_deref().unwrap_or(&tmp.join("hub2")),
                tmp,
                first,
                records,
            )
            .await
        }
    };
    let head = hub2.with_store(|s| s.hub_head()).await.unwrap();
    let (addr2, _task2) = hub2
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let fresh = enrol(
        &hub2,
        &addr2.to_string(),
        &tmp.join("fresh"),
        // (a name of its own: a kept hub has seats from earlier runs)
        &format!("新しい席{}", std::process::id() % 10_000),
    )
    .await;
    let mut conn = connect(&fresh).await;
    let started = Instant::now();
    let round = client::round(&fresh, &mut conn).await.unwrap();
    let took = started.elapsed();
    let db = std::fs::metadata(tmp.join("fresh/store.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    // A new seat loads the hub's snapshot (then the log after it), so the records it gets are
    // the hub's, not the entries it pulled.
    assert_eq!(round.snapshot.as_deref(), Some("first"));
    println!(
        "first sync of a new seat against {head} records (snapshot, then {} entries): {:.1} s ({:.0} records/s), store {:.1} MB",
        round.pulled,
        took.as_secs_f64(),
        head as f64 / took.as_secs_f64(),
        db as f64 / 1e6
    );
}

/// Runs `f` on a seat's store on the blocking pool (as the client does).
async fn on<T: Send + 'static>(s: &SharedStore, f: impl FnOnce(&Store) -> T + Send + 'static) -> T {
    let s = s.clone();
    tokio::task::spawn_blocking(move || f(s.lock().unwrap().as_ref().unwrap()))
        .await
        .unwrap()
}

/// `n` bookings from `from` on, as mutations of `seat` (the plan must be set already).
fn fill(seat: &Store, from: NaiveDate, n: usize, offset: usize) {
    let mut made = 0;
    let mut day = from;
    while made < n {
        if let Ok(board) = seat.day_board(day) {
            let batch: Vec<Mutation> = board
                .slots
                .iter()
                .flat_map(|s| std::iter::repeat_n(s.starts, s.free() as usize))
                .take(n - made)
                .enumerate()
                .map(|(k, starts)| {
                    Mutation::Reservation(ReservationMutation::Book(Book::new(
                        seat.fresh_number().unwrap(),
                        day,
                        starts,
                        Channel::Phone,
                        vec![person(offset + made + k)],
                        "",
                    )))
                })
                .collect();
            // Numbers are unique per store; a clash inside one batch just fails that booking.
            let ok = seat
                .execute_batch(&batch)
                .unwrap()
                .iter()
                .filter(|r| r.is_ok())
                .count();
            made += ok.max(1);
        }
        day = day.succ_opt().unwrap();
    }
}

/// Pushes the seat's outbox in batches of `size`, each answered before the next (as a seat's
/// round does); the mutations pushed.
async fn push_outbox(s: &SharedStore, size: usize) -> usize {
    let mut conn = connect(s).await;
    let mut pushed = 0;
    loop {
        let batch = on(s, move |st| st.pending_envelopes(size).unwrap()).await;
        if batch.is_empty() {
            return pushed;
        }
        pushed += batch.len();
        let madoguchi_sync::wire::Response::Pushed { results } = conn
            .call(&madoguchi_sync::wire::Request::Push { batch })
            .await
            .unwrap()
        else {
            panic!("unexpected answer");
        };
        on(s, move |st| st.acknowledge(&results).unwrap()).await;
    }
}

/// Every seat pushes `per_seat` bookings at once, each on days of its own beyond the escrow
/// window (so none is refused), each batch answered before the next (as a seat's round does):
/// the hub's sustained mutations a second.
async fn push_together(seats: &[SharedStore], first: NaiveDate, per_seat: usize) {
    // The plan (16 places a slot) from one seat, then every seat syncs it.
    let plan = SlotPlan {
        slot_minutes: 15,
        bands: vec![Band {
            starts: t(9, 0),
            ends: t(17, 0),
            capacity: 16,
        }],
    };
    on(&seats[0], move |s| {
        s.execute(Mutation::Plan(PlanMutation::SetSlotPlan {
            kind: PlanKind::Regular,
            site: Default::default(),
            plan,
        }))
        .unwrap();
    })
    .await;
    for s in seats {
        client::round(s, &mut connect(s).await).await.unwrap();
    }
    let generated = Instant::now();
    for (i, s) in seats.iter().enumerate() {
        let from = first + chrono::Days::new(40 + 7 * i as u64);
        on(s, move |st| {
            fill(st, from, per_seat, 2_000_000 + i * per_seat)
        })
        .await;
    }
    eprintln!(
        "  ({} seats made {per_seat} bookings each in {:.1} s)",
        seats.len(),
        generated.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let pushers: Vec<_> = seats
        .iter()
        .map(|s| {
            let s = s.clone();
            tokio::spawn(async move { push_outbox(&s, madoguchi_sync::wire::PUSH_BATCH).await })
        })
        .collect();
    let mut total = 0;
    for p in pushers {
        total += p.await.unwrap();
    }
    let took = started.elapsed();
    println!(
        "hub, {} seats pushing at once: {total} bookings in batches of {} applied in {:.2} s = {:.0} mutations/s",
        seats.len(),
        madoguchi_sync::wire::PUSH_BATCH,
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
}

/// A stand-in for the UI: every 10 ms it takes the seat's store lock, as a Tauri command does
/// (`with_store`), for a small read, and records how long it waited for the lock.
struct UiProbe {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl UiProbe {
    fn start(store: SharedStore) -> UiProbe {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut waits = Vec::new();
            while !stopped.load(Ordering::Relaxed) {
                let asked = Instant::now();
                let guard = store.lock().unwrap();
                waits.push(asked.elapsed());
                guard.as_ref().unwrap().outbox_status().unwrap();
                drop(guard);
                std::thread::sleep(Duration::from_millis(10));
            }
            waits
        });
        UiProbe { stop, thread }
    }

    /// Stops and prints the waits.
    fn finish(self, what: &str) {
        self.stop.store(true, Ordering::Relaxed);
        let mut waits = self.thread.join().unwrap();
        waits.sort();
        println!(
            "  UI wait for the store lock, {what}: n={} p99 {:.1} ms  max {:.1} ms",
            waits.len(),
            percentile(&waits, 0.99).as_secs_f64() * 1e3,
            waits.last().unwrap().as_secs_f64() * 1e3
        );
    }
}

/// How long the UI waits for a seat's store while it syncs: a new seat's first sync against
/// the hub as it is now, then steady rounds while the other seats push and the seat books
/// itself. Then the bytes its store takes per synced reservation, and where they go.
async fn ui_wait(
    hub: &Hub,
    addr: &str,
    dir: &std::path::Path,
    others: &[SharedStore],
    first: NaiveDate,
    steady: usize,
    own: usize,
) {
    let head = hub.with_store(|s| s.hub_head()).await.unwrap();
    let seat = enrol(hub, addr, &dir.join("ui-seat"), "UI席").await;
    let probe = UiProbe::start(seat.clone());
    let started = Instant::now();
    let round = client::round(&seat, &mut connect(&seat).await)
        .await
        .unwrap();
    println!(
        "UI while a new seat syncs: first sync against {head} log entries ({}) in {:.1} s",
        round.snapshot.as_deref().unwrap_or("no snapshot"),
        started.elapsed().as_secs_f64()
    );
    probe.finish("first sync");

    // Steady: the seat syncs in the background as the app does; the others push their
    // bookings a few at a time; the seat books too, one at a time, as a person would.
    for (i, s) in others.iter().enumerate() {
        let from = first + chrono::Days::new(110 + 5 * i as u64);
        on(s, move |st| fill(st, from, steady, 3_000_000 + i * steady)).await;
    }
    let wake = Arc::new(tokio::sync::Notify::new());
    let (task, _status) = client::spawn(seat.clone(), wake.clone());
    let probe = UiProbe::start(seat.clone());
    let started = Instant::now();
    let pushers: Vec<_> = others
        .iter()
        .map(|s| {
            let s = s.clone();
            tokio::spawn(async move { push_outbox(&s, 5).await })
        })
        .collect();
    let mut day = first + chrono::Days::new(3);
    let mut booked = 0;
    while booked < own {
        let d = day;
        let ok = on(&seat, move |s| {
            let free = s
                .day_schedule(d)
                .unwrap()
                .into_iter()
                .find(|s| s.free() > 0);
            free.map(|slot| {
                s.book(
                    d,
                    slot.starts,
                    Channel::Phone,
                    vec![person(4_000_000 + booked)],
                    "",
                )
                .is_ok()
            })
        })
        .await;
        match ok {
            Some(true) => booked += 1,
            Some(false) => {}
            None => day = day.succ_opt().unwrap(),
        }
        wake.notify_one();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for p in pushers {
        p.await.unwrap();
    }
    // Until the seat holds the whole log and has nothing left to push.
    loop {
        let head = hub.with_store(|s| s.hub_head()).await.unwrap();
        let (cursor, pending) = on(&seat, |s| {
            (
                s.sync_link().unwrap().unwrap().cursor,
                s.outbox_status().unwrap().pending,
            )
        })
        .await;
        if cursor >= head && pending == 0 {
            break;
        }
        wake.notify_one();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "UI while the seat syncs steadily ({} others pushing {steady} bookings 5 at a time, {own} booked here): {:.1} s",
        others.len(),
        started.elapsed().as_secs_f64()
    );
    probe.finish("steady pushes and pulls");
    task.abort();

    let (space, reservations, file) = on(&seat, |s| {
        (
            s.space_used().unwrap(),
            s.synced_dump()
                .unwrap()
                .iter()
                .filter(|r| r.starts_with("reservations|"))
                .count(),
            s.data_dir().database(),
        )
    })
    .await;
    let total: u64 = space.iter().map(|u| u.bytes).sum();
    let size = |p: std::path::PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let file = size(file.clone()) + size(file.with_extension("db-wal"));
    println!(
        "store bytes per synced reservation: {:.0} ({} reservations, {:.1} MB of pages; file and WAL {:.1} MB); largest:",
        total as f64 / reservations as f64,
        reservations,
        total as f64 / 1e6,
        file as f64 / 1e6
    );
    for u in space.iter().take(12) {
        println!(
            "  {:<34} {:>6.0} B/reservation  {:>4.1}%  (rows {:.0}% of its pages)",
            if u.name == u.table {
                u.name.clone()
            } else {
                format!("{} ({})", u.name, u.table)
            },
            u.bytes as f64 / reservations as f64,
            100.0 * u.bytes as f64 / total as f64,
            100.0 * u.payload as f64 / u.bytes.max(1) as f64
        );
    }
}

/// A hub whose log holds `records` bookings, in `dir`.
async fn build_hub(
    dir: &std::path::Path,
    tmp: &std::path::Path,
    first: NaiveDate,
    records: usize,
) -> Hub {
    let generator = store(&tmp.join("generator"), "生成");
    let gen_started = Instant::now();
    bookings(
        &generator,
        first + chrono::Days::new(60),
        records,
        1_000_000,
    );
    let hub2 = Hub::new(store(dir, "ハブ2")).unwrap();
    let gen_id = generator.meta().store_id;
    let code = hub2.with_store(|s| s.hub_enrolment_code()).await.unwrap();
    hub2.with_store(move |s| {
        s.hub_enrol(&code, gen_id, "生成", "generator", 1 << 40)
            .map(|_| ())
    })
    .await
    .unwrap();
    let generator = std::rc::Rc::new(generator);
    loop {
        let batch = generator.pending_envelopes(1000).unwrap();
        if batch.is_empty() {
            break;
        }
        let results = hub2
            .with_store(move |s| s.hub_push(gen_id, &batch))
            .await
            .unwrap();
        generator.acknowledge(&results).unwrap();
    }
    let head = hub2.with_store(|s| s.hub_head()).await.unwrap();
    println!(
        "  (built a hub log of {head} records in {:.1} s)",
        gen_started.elapsed().as_secs_f64()
    );
    hub2
}
