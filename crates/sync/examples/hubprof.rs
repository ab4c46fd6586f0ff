//! Scratch profiling harness (not committed): in-process hub_push of N bookings.
use madoguchi_core::mutation::{Mutation, PlanMutation, ReservationMutation};
use std::time::Instant;

use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Band, Book, Channel, PlanKind, Procedure, SlotPlan},
    store::NewApplicant,
    DataDir, KdfCost, NewStore, Passphrase, Personal, Store,
};

fn store(dir: &std::path::Path, seat: &str) -> Store {
    Store::create(
        &DataDir::at(dir),
        &Passphrase::new("bench passphrase".into()),
        &NewStore { site_name: "bench".into(), seat_name: seat.into() },
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
            phone: Some(Personal::new(format!("090-{:04}-{:04}", i / 10_000, i % 10_000))),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CertificateRenewal],
    )
}
fn t(h: u32, m: u32) -> NaiveTime { NaiveTime::from_hms_opt(h, m, 0).unwrap() }

fn bookings(seat: &Store, first: NaiveDate, n: usize, offset: usize) {
    let plan = SlotPlan { slot_minutes: 15, bands: vec![Band { starts: t(9, 0), ends: t(17, 0), capacity: 16 }] };
    seat.execute(Mutation::Plan(PlanMutation::SetSlotPlan { kind: PlanKind::Regular, plan })).unwrap();
    let mut made = 0;
    let mut day = first;
    while made < n {
        if let Ok(board) = seat.day_board(day) {
            let batch: Vec<Mutation> = board.slots.iter()
                .flat_map(|s| std::iter::repeat_n(s.starts, s.free() as usize))
                .take(n - made).enumerate()
                .map(|(k, starts)| Mutation::Reservation(ReservationMutation::Book(Book::new(
                    seat.fresh_number().unwrap(), day, starts, Channel::Phone, vec![person(offset + made + k)], ""))))
                .collect();
            let ok = seat.execute_batch(&batch).unwrap().iter().filter(|r| r.is_ok()).count();
            made += ok.max(1);
        }
        day = day.succ_opt().unwrap();
    }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let tmp = tempfile::tempdir().unwrap();
    let first = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let hub = store(&tmp.path().join("hub"), "ハブ");
    let seat = store(&tmp.path().join("seat"), "受付");
    let t0 = Instant::now();
    bookings(&seat, first + chrono::Days::new(1), n, 0);
    eprintln!("generated {n} in {:.2}s", t0.elapsed().as_secs_f64());
    let id = seat.meta().store_id;
    let code = hub.hub_enrolment_code().unwrap();
    hub.hub_enrol(&code, id, "受付", "fp", 0).unwrap();
    if let Ok(ctl) = std::env::var("PERF_CTL") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().write(true).open(&ctl).unwrap();
        f.write_all(b"enable\n").unwrap();
        let mut ack = [0u8; 5];
        use std::io::Read;
        std::fs::File::open(std::env::var("PERF_ACK").unwrap()).unwrap().read_exact(&mut ack).unwrap();
    }
    let t0 = Instant::now();
    let mut done = 0;
    if std::env::var("ESCROW_REPS").is_ok() {
        // bookings inside the escrow window
        let d = chrono::Local::now().date_naive() + chrono::Days::new(2);
        let _ = d;
    }
    loop {
        let batch = seat.pending_envelopes(200).unwrap();
        if batch.is_empty() { break; }
        done += batch.len();
        let tb = Instant::now();
        let results = hub.hub_push(id, &batch).unwrap();
        let pushed = tb.elapsed();
        seat.acknowledge(&results).unwrap();
        if std::env::var("VERBOSE").is_ok() { eprintln!("batch {} in {:.1} ms", batch.len(), pushed.as_secs_f64()*1e3); }
    }
    let took = t0.elapsed();
    println!("hub_push: {done} in {:.2}s = {:.0}/s", took.as_secs_f64(), done as f64 / took.as_secs_f64());
    // pulls
    let t0 = Instant::now();
    let mut after = 0;
    let head = hub.hub_head().unwrap();
    while after < head {
        let e = hub.hub_changes(after, 500).unwrap();
        after = e.last().unwrap().version;
    }
    println!("hub_changes all {head}: {:.2}s", t0.elapsed().as_secs_f64());
    let t0 = Instant::now();
    let reps: usize = std::env::var("ESCROW_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    for i in 0..reps {
        let t = Instant::now();
        let q = hub.hub_escrow_for(id, &[]).unwrap();
        if t.elapsed().as_secs_f64() > 0.002 { eprintln!("slow call {i}: {:.3} ms", t.elapsed().as_secs_f64()*1e3); }
        if i % 200 == 0 { eprintln!("escrow call {i}: {:.3} ms, {} quotas, held rows {}", t.elapsed().as_secs_f64()*1e3, q.len(), (0..14).map(|o| hub.hub_escrow_on(chrono::Local::now().date_naive() + chrono::Days::new(o)).unwrap().len()).sum::<usize>()); }
    }
    println!("hub_escrow_for: {:.3} ms each", t0.elapsed().as_secs_f64() * 1e3 / 200.0);
    let t0 = Instant::now();
    for _ in 0..200 {
        hub.hub_answer(id, madoguchi_core::store::sync::protocol::Request::Pull { after: head, log_id: hub.hub_state().unwrap().0, known: None, escrow_in_use: vec![] }).unwrap();
    }
    println!("pull at head: {:.3} ms each", t0.elapsed().as_secs_f64() * 1e3 / 200.0);
}
