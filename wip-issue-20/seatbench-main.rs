//! Scratch harness (not part of the repo): first sync of a new seat and the pushing seat's
//! rebase, with the time each store-locked step takes and what a "UI" thread waits.
use madoguchi_core::mutation::{Mutation, PlanMutation, ReservationMutation};
use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Band, Book, Channel, PlanKind, Procedure, SlotPlan},
    store::sync::{SeatRound, Step},
    store::NewApplicant,
    DataDir, KdfCost, NewStore, Passphrase, Personal, Store,
};
use madoguchi_sync::{
    client::{self, SharedStore},
    hub::Hub,
    tls::HubPin,
};

fn pass() -> Passphrase {
    Passphrase::new("bench passphrase".into())
}

fn store(dir: &Path, seat: &str) -> Store {
    Store::create(
        &DataDir::at(dir),
        &pass(),
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
        plan,
    }))
    .unwrap();
    let mut made = 0;
    let mut day = first;
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

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn enrol(hub: &Hub, addr: &str, dir: &Path, name: &str) -> SharedStore {
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

/// A "UI": locks the store every 5 ms for a cheap read, records how long it waited.
fn ui(store: SharedStore, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<Duration>> {
    std::thread::spawn(move || {
        let mut waits = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let started = Instant::now();
            {
                let g = store.lock().unwrap();
                let s = g.as_ref().unwrap();
                let _ = s.outbox_status();
            }
            waits.push(started.elapsed());
            std::thread::sleep(Duration::from_millis(5));
        }
        waits
    })
}

/// Drives a round like `client::drive`, timing each store-locked step.
async fn timed_round(
    s: &SharedStore,
    conn: &mut client::Connection,
) -> (client::Round, Vec<(String, Duration)>, Duration) {
    let mut round = SeatRound::default();
    let mut answer = None;
    let mut steps = Vec::new();
    let mut net = Duration::ZERO;
    loop {
        let store = s.clone();
        let a: Option<madoguchi_sync::wire::Response> = answer.take();
        let what = a.as_ref().map_or("start".to_owned(), |a| {
            let j = serde_json::to_value(a).ok();
            j.and_then(|j| j.get("type").and_then(|t| t.as_str().map(str::to_owned)))
                .unwrap_or_default()
        });
        let (r, step, took) = tokio::task::spawn_blocking(move || {
            let g = store.lock().unwrap();
            let st = g.as_ref().unwrap();
            let started = Instant::now();
            let step = st.sync_step(&mut round, a).unwrap();
            (round, step, started.elapsed())
        })
        .await
        .unwrap();
        round = r;
        steps.push((what, took));
        match step {
            Step::Done(report) => return (report, steps, net),
            Step::Send(request) => {
                let started = Instant::now();
                let work = async {
                    let mut round = round;
                    let mut parts = Vec::new();
                    while round.has_work() {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                        let store = s.clone();
                        let (r, took) = tokio::task::spawn_blocking(move || {
                            let g = store.lock().unwrap();
                            let st = g.as_ref().unwrap();
                            let started = Instant::now();
                            st.sync_work(&mut round).unwrap();
                            (round, started.elapsed())
                        })
                        .await
                        .unwrap();
                        round = r;
                        parts.push(("work".to_owned(), took));
                    }
                    (round, parts)
                };
                let (a, (r, parts)) = tokio::join!(conn.call(&request), work);
                round = r;
                steps.extend(parts);
                answer = Some(a.unwrap());
                net += started.elapsed();
            }
        }
    }
}

fn report_steps(steps: &[(String, Duration)], waits: &[Duration]) {
    let mut all: Vec<Duration> = steps.iter().map(|s| s.1).collect();
    all.sort();
    let total: Duration = all.iter().sum();
    println!(
        "  steps: n={} total {:.0} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        ms(total),
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.99)),
        ms(*all.last().unwrap())
    );
    let mut by: std::collections::BTreeMap<&str, (usize, Duration, Duration)> = Default::default();
    for (w, d) in steps {
        let e = by.entry(w.as_str()).or_default();
        e.0 += 1;
        e.1 += *d;
        e.2 = e.2.max(*d);
    }
    for (w, (n, tot, max)) in by {
        println!(
            "    after {w:<12} n={n:<4} total {:.0} ms max {:.1} ms",
            ms(tot),
            ms(max)
        );
    }
    let mut w = waits.to_vec();
    w.sort();
    if !w.is_empty() {
        println!(
            "  ui waits: n={} p50 {:.2} ms p99 {:.1} ms max {:.1} ms",
            w.len(),
            ms(pct(&w, 0.5)),
            ms(pct(&w, 0.99)),
            ms(*w.last().unwrap())
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn data(n: usize) -> PathBuf {
    PathBuf::from(format!("/tmp/seatbench/data/hub{n}"))
}

async fn gen(n: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let first = chrono::Local::now().date_naive() + chrono::Days::new(61);
    let generator = store(&tmp.path().join("generator"), "生成");
    let started = Instant::now();
    bookings(&generator, first, n, 1_000_000);
    let out = data(n);
    let _ = std::fs::remove_dir_all(&out);
    let hub = store(&out, "ハブ2");
    let gen_id = generator.meta().store_id;
    let code = hub.hub_enrolment_code().unwrap();
    hub.hub_enrol(&code, gen_id, "生成", "generator", 1 << 40)
        .unwrap();
    loop {
        let batch = generator.pending_envelopes(1000).unwrap();
        if batch.is_empty() {
            break;
        }
        let results = hub.hub_push(gen_id, &batch).unwrap();
        generator.acknowledge(&results).unwrap();
    }
    println!(
        "built a hub log of {} records in {:.1} s",
        hub.hub_head().unwrap(),
        started.elapsed().as_secs_f64()
    );
}

async fn first_sync(n: usize) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data(n), &tmp.path().join("hub"));
    let hub_store = Store::open(&DataDir::at(tmp.path().join("hub")), &pass())
        .unwrap()
        .act_as_site("bench");
    let head = hub_store.hub_head().unwrap();
    let hub = Hub::new(hub_store).unwrap();
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let fresh = enrol(&hub, &addr.to_string(), &tmp.path().join("fresh"), "新しい席").await;
    let mut conn = connect(&fresh).await;
    let stop = Arc::new(AtomicBool::new(false));
    let ui_thread = ui(fresh.clone(), stop.clone());
    let started = Instant::now();
    let (round, steps, net) = if std::env::var("REAL").is_ok() {
        (client::round(&fresh, &mut conn).await.unwrap(), vec![("real".to_owned(), Duration::ZERO)], Duration::ZERO)
    } else {
        timed_round(&fresh, &mut conn).await
    };
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let waits = ui_thread.join().unwrap();
    assert_eq!(round.snapshot.as_deref(), Some("first"));
    let db = std::fs::metadata(tmp.path().join("fresh/store.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "first sync of a new seat against {head} records (snapshot, then {} entries): {:.2} s ({:.0} records/s), waiting for the hub {:.2} s, store {:.1} MB",
        round.pulled,
        took.as_secs_f64(),
        head as f64 / took.as_secs_f64(),
        net.as_secs_f64(),
        db as f64 / 1e6
    );
    report_steps(&steps, &waits);
    // Same digest as the hub?
    let seat_digest = fresh.lock().unwrap().as_ref().unwrap().sync_digest().unwrap();
    let hub_digest = hub.with_store(|s| s.sync_digest()).await.unwrap();
    assert_eq!(seat_digest, hub_digest);
    let stale = fresh
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .recompute_sync_digest()
        .unwrap();
    assert!(!stale, "kept digest stale after install");
    println!("  digest equal to the hub's, and recomputed equal");
}

async fn rebase(n: usize, synced_first: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let first = chrono::Local::now().date_naive() + chrono::Days::new(21);
    let hub = Hub::new(store(&tmp.path().join("hub"), "ハブ")).unwrap();
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = addr.to_string();
    // Some other seat's data, so the hub is not empty.
    let other = enrol(&hub, &addr, &tmp.path().join("other"), "他").await;
    {
        let g = other.lock().unwrap();
        bookings(g.as_ref().unwrap(), first + chrono::Days::new(60), 40, 500_000);
    }
    let mut oc = connect(&other).await;
    client::round(&other, &mut oc).await.unwrap();
    let pusher = enrol(&hub, &addr, &tmp.path().join("pusher"), "受付").await;
    let mut conn = connect(&pusher).await;
    if synced_first {
        client::round(&pusher, &mut conn).await.unwrap();
    }
    {
        let g = pusher.lock().unwrap();
        bookings(g.as_ref().unwrap(), first, n, 0);
    }
    let started = Instant::now();
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
    println!("pushed {n} in {:.2} s", started.elapsed().as_secs_f64());
    let stop = Arc::new(AtomicBool::new(false));
    let ui_thread = ui(pusher.clone(), stop.clone());
    let started = Instant::now();
    let (round, steps, net) = timed_round(&pusher, &mut conn).await;
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let waits = ui_thread.join().unwrap();
    println!(
        "the pushing seat next round ({}): {} entries pulled ({} fast-forwarded){} in {:.3} s (waiting for the hub {:.3} s)",
        if synced_first { "synced before" } else { "never synced before" },
        round.pulled,
        round.fast_forwarded,
        round
            .snapshot
            .as_deref()
            .map_or(String::new(), |r| format!(", snapshot loaded ({r})")),
        took.as_secs_f64(),
        net.as_secs_f64()
    );
    report_steps(&steps, &waits);
    let seat_digest = pusher.lock().unwrap().as_ref().unwrap().sync_digest().unwrap();
    let hub_digest = hub.with_store(|s| s.sync_digest()).await.unwrap();
    assert_eq!(seat_digest, hub_digest);
    let dump = pusher.lock().unwrap().as_ref().unwrap().synced_dump().unwrap();
    let hub_dump = hub.with_store(|s| s.synced_dump()).await.unwrap();
    assert!(dump == hub_dump, "dumps differ");
    let ob = pusher.lock().unwrap().as_ref().unwrap().outbox_status().unwrap();
    assert_eq!(ob.pending, 0);
    println!("  digest and dump equal to the hub's, outbox empty");
}

fn hub_pages(n: usize) {
    use madoguchi_core::store::sync::protocol::{Answer, Request};
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data(n), &tmp.path().join("hub"));
    let hub = Store::open(&DataDir::at(tmp.path().join("hub")), &pass())
        .unwrap()
        .act_as_site("bench");
    let seat = hub.meta().store_id; // any id: hub_answer checks the seat
    let code = hub.hub_enrolment_code().unwrap();
    let sid = uuid_like();
    hub.hub_enrol(&code, sid, "x", "fpx", 0).unwrap();
    let _ = seat;
    let (mut gen, mut ser, mut de) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut pages, mut rows, mut bytes) = (0, 0, 0);
    let mut from = None;
    loop {
        let t0 = Instant::now();
        let a = hub.hub_answer(sid, Request::Snapshot { from: from.clone() }).unwrap();
        gen += t0.elapsed();
        let t0 = Instant::now();
        let text = serde_json::to_vec(&a).unwrap();
        ser += t0.elapsed();
        let t0 = Instant::now();
        let back: Answer = serde_json::from_slice(&text).unwrap();
        de += t0.elapsed();
        bytes += text.len();
        pages += 1;
        let Answer::Snapshot(p) = back else { panic!() };
        rows += p.rows.len();
        match p.next {
            Some(n) => from = Some(n),
            None => break,
        }
    }
    println!("{pages} pages, {rows} rows, {:.1} MB: hub reads {:.2} s, serialise {:.2} s, parse {:.2} s", bytes as f64 / 1e6, gen.as_secs_f64(), ser.as_secs_f64(), de.as_secs_f64());
}

fn uuid_like() -> uuid::Uuid { uuid::Uuid::now_v7() }

fn local_first(n: usize) {
    use madoguchi_core::store::sync::protocol::Request;
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data(n), &tmp.path().join("hub"));
    let hub = Store::open(&DataDir::at(tmp.path().join("hub")), &pass())
        .unwrap()
        .act_as_site("bench");
    let seat = store(&tmp.path().join("seat"), "席");
    let code = hub.hub_enrolment_code().unwrap();
    let sid = seat.meta().store_id;
    hub.hub_enrol(&code, sid, "席", "fpx", 0).unwrap();
    seat.set_sync_link("hub:1", "fp", "ハブ").unwrap();
    let mut round = SeatRound::default();
    let mut answer = None;
    let (mut hub_t, mut seat_t) = (Duration::ZERO, Duration::ZERO);
    let mut steps = Vec::new();
    let started = Instant::now();
    loop {
        let t0 = Instant::now();
        let step = seat.sync_step(&mut round, answer.take()).unwrap();
        let took = t0.elapsed();
        seat_t += took;
        steps.push(took);
        match step {
            Step::Done(r) => { println!("{r:?}"); break; }
            Step::Send(req) => {
                let t0 = Instant::now();
                let _ = matches!(req, Request::Snapshot { .. });
                answer = Some(hub.hub_answer(sid, req).unwrap());
                hub_t += t0.elapsed();
            }
        }
    }
    steps.sort();
    println!("in-process first sync: {:.2} s, seat steps {:.2} s (max {:.1} ms, p99 {:.1} ms), hub answers {:.2} s",
        started.elapsed().as_secs_f64(), seat_t.as_secs_f64(), ms(*steps.last().unwrap()), ms(pct(&steps, 0.99)), hub_t.as_secs_f64());
    assert_eq!(seat.sync_digest().unwrap(), hub.sync_digest().unwrap());
    assert!(!seat.recompute_sync_digest().unwrap());
    let t0 = Instant::now();
    seat.recompute_sync_digest().unwrap();
    println!("  a full digest recompute on the seat takes {:.0} ms", ms(t0.elapsed()));
}

fn outbox(n: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let hub = store(&tmp.path().join("hub"), "ハブ");
    let seat = store(&tmp.path().join("seat"), "席");
    let code = hub.hub_enrolment_code().unwrap();
    let sid = seat.meta().store_id;
    hub.hub_enrol(&code, sid, "席", "fpx", 1 << 40).unwrap();
    let first = chrono::Local::now().date_naive() + chrono::Days::new(61);
    let t0 = Instant::now();
    bookings(&seat, first, n, 0);
    loop {
        let batch = seat.pending_envelopes(1000).unwrap();
        if batch.is_empty() { break; }
        let results = hub.hub_push(sid, &batch).unwrap();
        seat.acknowledge(&results).unwrap();
    }
    println!("{} settled mutations in {:.0} s", seat.mutation_count().unwrap(), t0.elapsed().as_secs_f64());
    let time = |what: &str, seat: &Store| {
        let t0 = Instant::now();
        for _ in 0..5 { seat.pending_envelopes(200).unwrap(); }
        let p = t0.elapsed() / 5;
        let t0 = Instant::now();
        for _ in 0..5 { seat.outbox_status().unwrap(); }
        let o = t0.elapsed() / 5;
        println!("  {what}: pending_envelopes {:.1} ms, outbox_status {:.1} ms", ms(p), ms(o));
    };
    time("with the index", &seat);
    seat.run_migration_for_tests("DROP INDEX mutations_hub_version").unwrap();
    time("without", &seat);
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    match args.get(1).map(String::as_str) {
        Some("gen") => gen(n).await,
        Some("first") => first_sync(n).await,
        Some("rebase") => rebase(n, true).await,
        Some("rebase-unsynced") => rebase(n, false).await,
        Some("hubpages") => hub_pages(n),
        Some("local") => local_first(n),
        Some("outbox") => outbox(n),
        _ => eprintln!("usage: seatbench gen|first|rebase|rebase-unsynced N"),
    }
}
