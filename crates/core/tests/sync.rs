//! Sync inside the store, without a network: a hub store and seat stores exchanging pushes,
//! answers and pulls as the wire protocol does. Re-execution, idempotency, rebase, escrow,
//! conflicts, and a randomized convergence run (lost answers, hub restarts, a seat whose
//! clock is off, seats offline for a while) checked against the invariants.
mod common;

use std::collections::HashSet;

use common::{d, person, store_with_clock, t, TestClock, DAY};
use madoguchi_core::{
    reservation::{Channel, Mutation, Procedure, ReservationStatus},
    store::sync::{
        convergence_problems, RoundReport, SeatRound, Step, LOCAL_TABLES, SYNCED_TABLES,
    },
    store::{
        ComplaintStep, InquiryCategory, InquiryChannel, InquiryKind, NewInquiry, NewLentMaterial,
    },
    sync::PushOutcome,
    sync::Request,
    DataDir, Passphrase, Store,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use uuid::Uuid;

struct Seat {
    tmp: tempfile::TempDir,
    store: Option<Store>,
    clock: TestClock,
    id: Uuid,
    online: bool,
}

impl Seat {
    fn s(&self) -> &Store {
        self.store.as_ref().expect("the seat's store is open")
    }
}

struct Net {
    hub_tmp: tempfile::TempDir,
    hub: Option<Store>,
    hub_clock: TestClock,
    seats: Vec<Seat>,
}

fn passphrase() -> Passphrase {
    Passphrase::new("test passphrase".into())
}

fn reopen(dir: &std::path::Path, clock: &TestClock) -> Store {
    let clock = clock.clone();
    Store::open(&DataDir::at(dir), &passphrase())
        .unwrap()
        .with_clock(std::sync::Arc::new(move || *clock.lock().unwrap()))
}

/// Copies a closed store's files (a backup taken with the app closed).
fn copy_files(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for f in std::fs::read_dir(to).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_file() {
            std::fs::remove_file(f.path()).unwrap();
        }
    }
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_file() {
            std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
    }
}

impl Net {
    fn new(n: usize) -> Net {
        let mut net = Net::empty();
        for _ in 0..n {
            net.add_seat(true);
        }
        net
    }

    /// A hub and no seat yet.
    fn empty() -> Net {
        let start = d(DAY).and_hms_opt(8, 30, 0).unwrap();
        let (hub_tmp, hub, hub_clock) = store_with_clock("ハブ", start);
        Net {
            hub_tmp,
            hub: Some(hub),
            hub_clock,
            seats: Vec::new(),
        }
    }

    /// Enrols one more seat: acting as the site (the set-up PC, the CLI) or, as the desktop
    /// app after unlock, with nobody signed in.
    fn add_seat(&mut self, site: bool) {
        let i = self.seats.len();
        let start = *self.hub_clock.lock().unwrap();
        let (tmp, store, clock) = store_with_clock(&format!("窓口{}", i + 1), start);
        if !site {
            store.sign_out().unwrap();
        }
        let id = store.meta().store_id;
        self.enrol(id, &store.meta().seat_name.clone(), i);
        store
            .set_sync_link("hub.test:7750", "hubfp", "ハブ")
            .unwrap();
        self.seats.push(Seat {
            tmp,
            store: Some(store),
            clock,
            id,
            online: true,
        });
    }

    fn enrol(&self, id: Uuid, name: &str, i: usize) {
        let code = self.hub().hub_enrolment_code().unwrap();
        self.hub()
            .hub_enrol(&code, id, name, &format!("fp{i}-{}", Uuid::now_v7()))
            .unwrap();
    }

    fn hub(&self) -> &Store {
        self.hub.as_ref().unwrap()
    }

    /// Closes and reopens the hub's store, as a restart (or a kill between transactions) does.
    fn restart_hub(&mut self) {
        drop(self.hub.take());
        self.hub = Some(reopen(self.hub_tmp.path(), &self.hub_clock));
    }

    /// The hub's files as they are now, copied with the hub stopped (a nightly backup).
    fn backup_hub(&mut self) -> tempfile::TempDir {
        drop(self.hub.take());
        let backup = tempfile::tempdir().unwrap();
        copy_files(self.hub_tmp.path(), backup.path());
        self.hub = Some(reopen(self.hub_tmp.path(), &self.hub_clock));
        backup
    }

    /// The hub PC's disk is restored from `backup`: everything since is gone from the hub.
    fn restore_hub(&mut self, backup: &tempfile::TempDir) {
        drop(self.hub.take());
        copy_files(backup.path(), self.hub_tmp.path());
        self.hub = Some(reopen(self.hub_tmp.path(), &self.hub_clock));
    }

    fn backup_seat(&mut self, i: usize) -> tempfile::TempDir {
        let seat = &mut self.seats[i];
        drop(seat.store.take());
        let backup = tempfile::tempdir().unwrap();
        copy_files(seat.tmp.path(), backup.path());
        seat.store = Some(reopen(seat.tmp.path(), &seat.clock));
        backup
    }

    /// Seat `i`'s PC is restored from `backup` and unlocked; nobody is signed in.
    fn restore_seat(&mut self, i: usize, backup: &tempfile::TempDir) {
        let seat = &mut self.seats[i];
        drop(seat.store.take());
        copy_files(backup.path(), seat.tmp.path());
        seat.store = Some(reopen(seat.tmp.path(), &seat.clock));
    }

    /// One sync round of seat `i`, exactly as the network client runs it (the same
    /// [`SeatRound`] steps), with the hub answering in-process. The answer to a push may be
    /// lost on the way back (the round then ends, as a dropped connection ends it).
    fn try_sync(&self, i: usize, lose_answer: bool) -> madoguchi_core::Result<RoundReport> {
        let seat = &self.seats[i];
        let mut round = SeatRound::default();
        let mut answer = None;
        loop {
            match seat.s().sync_step(&mut round, answer.take())? {
                Step::Done(report) => return Ok(report),
                Step::Send(request) => {
                    let push = matches!(request, Request::Push { .. });
                    let a = self.hub().hub_answer(seat.id, request)?;
                    if push && lose_answer {
                        return Ok(RoundReport::default());
                    }
                    answer = Some(a);
                }
            }
        }
    }

    fn sync(&self, i: usize, lose_answer: bool) -> RoundReport {
        self.try_sync(i, lose_answer).unwrap()
    }

    fn heal(&self) {
        for _ in 0..20 {
            for i in 0..self.seats.len() {
                self.sync(i, false);
            }
            if self
                .seats
                .iter()
                .all(|s| s.s().outbox_status().unwrap().pending == 0)
            {
                // One more pull each so every seat has the last entries.
                for i in 0..self.seats.len() {
                    self.sync(i, false);
                }
                return;
            }
        }
        panic!("outboxes did not drain");
    }

    fn problems(&self) -> Vec<String> {
        let seats: Vec<&Store> = self.seats.iter().map(|s| s.s()).collect();
        convergence_problems(self.hub(), &seats).unwrap()
    }
}

fn book(
    store: &Store,
    day: &str,
    h: u32,
    m: u32,
    who: usize,
) -> madoguchi_core::Result<madoguchi_core::store::ReservationSummary> {
    store.book(
        d(day),
        t(h, m),
        Channel::Phone,
        vec![person(who, &[Procedure::CardIssue])],
        "",
    )
}

/// Two dumps are the same; if not, shows only the rows that differ.
fn assert_same(seat: &[String], hub: &[String], what: &str) {
    if seat != hub {
        let only_seat: Vec<_> = seat.iter().filter(|r| !hub.contains(r)).collect();
        let only_hub: Vec<_> = hub.iter().filter(|r| !seat.contains(r)).collect();
        panic!("{what} differs from the hub\nonly on the seat: {only_seat:#?}\nonly on the hub: {only_hub:#?}");
    }
}

#[test]
fn every_table_is_either_synced_or_local() {
    let (_tmp, store, _) = store_with_clock("窓口1", d(DAY).and_hms_opt(8, 0, 0).unwrap());
    let known: HashSet<&str> = SYNCED_TABLES.iter().chain(LOCAL_TABLES).copied().collect();
    for table in store.table_names().unwrap() {
        assert!(
            known.contains(table.as_str()),
            "classify table {table} in store/sync.rs"
        );
    }
}

#[test]
fn a_booking_on_one_seat_reaches_the_other_and_the_hub_identically() {
    let net = Net::new(2);
    let r = book(net.seats[0].s(), "2026-12-02", 10, 0, 1).unwrap();
    assert_eq!(net.seats[0].s().outbox_status().unwrap().pending, 1);
    net.sync(0, false);
    net.sync(1, false);
    let other = net.seats[1].s().reservation(r.number).unwrap();
    assert_eq!(other.people[0].name_kana.expose(), "ヤマダ タロウ1");
    assert_eq!(net.seats[0].s().outbox_status().unwrap().pending, 0);
    let hub = net.hub().synced_dump().unwrap();
    assert_eq!(net.seats[0].s().synced_dump().unwrap(), hub);
    assert_eq!(net.seats[1].s().synced_dump().unwrap(), hub);
}

#[test]
fn a_push_sent_twice_applies_once_and_gets_the_same_answer() {
    let net = Net::new(1);
    let seat = &net.seats[0];
    book(&seat.s(), "2026-12-02", 10, 0, 1).unwrap();
    book(&seat.s(), "2026-12-02", 10, 30, 2).unwrap();
    let batch = seat.s().pending_envelopes(10).unwrap();
    let first = net.hub().hub_push(seat.id, &batch).unwrap();
    let head = net.hub().hub_head().unwrap();
    let again = net.hub().hub_push(seat.id, &batch).unwrap();
    assert_eq!(first, again);
    assert_eq!(net.hub().hub_head().unwrap(), head, "nothing applied twice");
    // A new mutation under a sequence the hub already holds is refused, not guessed at.
    let mut reused = batch[1].clone();
    reused.id = Uuid::now_v7();
    assert!(matches!(
        net.hub().hub_push(seat.id, &[reused]),
        Err(madoguchi_core::Error::SyncOutOfOrder {
            expected: 3,
            got: 2
        })
    ));
}

#[test]
fn an_unenrolled_or_revoked_seat_is_refused() {
    let net = Net::new(1);
    let seat = &net.seats[0];
    book(&seat.s(), "2026-12-02", 10, 0, 1).unwrap();
    let batch = seat.s().pending_envelopes(10).unwrap();
    assert!(matches!(
        net.hub().hub_push(Uuid::now_v7(), &batch),
        Err(madoguchi_core::Error::NotEnrolled)
    ));
    net.hub().hub_revoke(seat.id).unwrap();
    assert!(matches!(
        net.hub().hub_push(seat.id, &batch),
        Err(madoguchi_core::Error::SeatRevoked)
    ));
    assert!(matches!(
        net.hub().hub_seat_by_fingerprint("fp0"),
        Err(madoguchi_core::Error::NotEnrolled)
    ));
    // A used code does not work twice; a wrong one never.
    let code = net.hub().hub_enrolment_code().unwrap();
    net.hub()
        .hub_enrol(&code, seat.id, "窓口1", "fp-new")
        .unwrap();
    assert!(net
        .hub()
        .hub_enrol(&code, Uuid::now_v7(), "x", "fp-x")
        .is_err());
    assert!(net
        .hub()
        .hub_enrol("AAAA-BBBB-CCCC", Uuid::now_v7(), "x", "fp-y")
        .is_err());
}

#[test]
fn offline_edits_rebase_on_the_hubs_order() {
    let net = Net::new(2);
    let (a, b) = (net.seats[0].s(), net.seats[1].s());
    let r = book(a, "2026-12-02", 10, 0, 1).unwrap();
    net.sync(0, false);
    net.sync(1, false);
    // Seat B cancels while seat A, offline, moves the same booking: the hub takes B's first.
    b.cancel(r.number).unwrap();
    a.reschedule(r.number, d("2026-12-03"), t(11, 0)).unwrap();
    net.sync(1, false);
    net.sync(0, false);
    net.sync(1, false);
    let on_a = a.reservation(r.number).unwrap();
    assert_eq!(on_a.status, ReservationStatus::Cancelled);
    let conflicts = a.conflicts(false).unwrap();
    assert_eq!(
        conflicts.len(),
        1,
        "the move of a cancelled booking is a conflict"
    );
    assert_eq!(conflicts[0].record.kind, "reschedule");
    assert_eq!(b.conflicts(false).unwrap().len(), 1, "every seat shows it");
    // A person resolves it; every seat sees that too.
    b.execute(&Mutation::ResolveConflict {
        id: conflicts[0].record.id,
        resolution: "電話で確認、取消のまま".into(),
    })
    .unwrap();
    net.sync(1, false);
    net.sync(0, false);
    assert!(a.conflicts(false).unwrap().is_empty());
    assert_eq!(a.synced_dump().unwrap(), net.hub().synced_dump().unwrap());
}

#[test]
fn the_last_place_goes_to_one_seat_and_the_others_become_conflicts_with_who_to_call() {
    let net = Net::new(4);
    let day = "2026-12-02";
    // Fill 9:00 to one place left (capacity 4 in the regular plan's morning band).
    let first = net.seats[0].s();
    let capacity = first
        .day_board(d(day))
        .unwrap()
        .slots
        .iter()
        .find(|s| s.starts == t(9, 0))
        .unwrap()
        .capacity;
    for who in 0..capacity - 1 {
        book(first, day, 9, 0, 100 + who as usize).unwrap();
    }
    for i in 0..4 {
        net.sync(i, false);
    }
    // Everyone goes offline and books the last place for a different citizen.
    let mut numbers = Vec::new();
    for (i, seat) in net.seats.iter().enumerate() {
        let r = book(&seat.s(), day, 9, 0, 200 + i).unwrap();
        numbers.push((i, r.number, seat.s().is_confirmed(r.number).unwrap()));
    }
    let confirmed_offline = numbers.iter().filter(|(_, _, c)| *c).count();
    assert!(
        confirmed_offline <= 1,
        "at most one seat holds the last place in escrow"
    );
    net.heal();
    let hub = net.hub();
    let slot = hub
        .day_board(d(day))
        .unwrap()
        .slots
        .into_iter()
        .find(|s| s.starts == t(9, 0))
        .unwrap();
    assert_eq!(slot.taken, capacity, "the last place is taken once");
    let conflicts = hub.conflicts(false).unwrap();
    assert_eq!(conflicts.len(), 3);
    for c in &conflicts {
        assert_eq!(c.record.kind, "book");
        assert_eq!(c.record.reason, "slot_full");
        // The facts needed to call the citizen are kept.
        let people = &c.mutation["people"][0]["applicant"];
        assert!(
            people["nameKana"]
                .as_str()
                .unwrap()
                .starts_with("ヤマダ タロウ2"),
            "{people}"
        );
        assert!(people["phone"].as_str().is_some());
    }
    for seat in &net.seats {
        assert_same(
            &seat.s().synced_dump().unwrap(),
            &hub.synced_dump().unwrap(),
            "seat",
        );
        assert!(seat.s().provisional_numbers().unwrap().is_empty());
    }
}

#[test]
fn a_booking_inside_escrow_is_confirmed_offline_and_honoured() {
    let net = Net::new(2);
    for i in 0..2 {
        net.sync(i, false);
    }
    let seat = net.seats[0].s();
    let quota = seat.escrow_left().unwrap();
    assert!(!quota.is_empty(), "the hub set places aside");
    let q = quota.iter().find(|q| q.day > d(DAY)).unwrap();
    let r = seat
        .book(
            q.day,
            q.starts,
            Channel::Phone,
            vec![person(1, &[Procedure::CertificateRenewal])],
            "",
        )
        .unwrap();
    assert!(seat.is_confirmed(r.number).unwrap());
    let left = seat.escrow_left().unwrap();
    let after = left
        .iter()
        .find(|x| x.day == q.day && x.starts == q.starts)
        .map_or(0, |x| x.places);
    assert_eq!(after + 1, q.places);
    net.sync(0, false);
    assert_eq!(seat.conflicts(false).unwrap().len(), 0);
    assert!(net.hub().is_confirmed(r.number).unwrap());
}

/// One randomized run: bookings, cancellations, moves, walk-ins and counter calls on four
/// seats, seats going offline, answers lost, the hub restarting, one seat's clock 3 minutes
/// fast; then heal and check the invariants.
fn convergence_run(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut net = Net::new(4);
    // Seat 3's clock runs 3 minutes fast.
    {
        let mut c = net.seats[3].clock.lock().unwrap();
        *c += chrono::Duration::minutes(3);
    }
    let days = ["2026-12-01", "2026-12-02", "2026-12-03"];
    let mut who = 0usize;
    let mut attempted_bookings = 0usize;
    for step in 0..120 {
        let i = rng.gen_range(0..net.seats.len());
        match rng.gen_range(0..100) {
            0..=39 => {
                let seat = &net.seats[i];
                who += 1;
                let day = days[rng.gen_range(0..days.len())];
                let (h, m) = [(9, 0), (9, 30), (10, 0), (13, 0)][rng.gen_range(0..4)];
                attempted_bookings += 1;
                let _ = book(&seat.s(), day, h, m, who);
            }
            40..=49 => {
                let seat = &net.seats[i];
                if let Some(r) = pick(&seat.s(), &mut rng, days, ReservationStatus::Booked) {
                    let _ = seat.s().cancel(r);
                }
            }
            50..=59 => {
                let seat = &net.seats[i];
                if let Some(r) = pick(&seat.s(), &mut rng, days, ReservationStatus::Booked) {
                    let (h, m) = [(9, 0), (10, 30), (14, 0)][rng.gen_range(0..3)];
                    let _ = seat
                        .s()
                        .reschedule(r, d(days[rng.gen_range(1..days.len())]), t(h, m));
                }
            }
            60..=67 => {
                let seat = &net.seats[i];
                who += 1;
                let now = seat.s().now();
                let _ = seat
                    .s()
                    .walk_in(now, vec![person(who, &[Procedure::CertificateRenewal])]);
            }
            68..=74 => {
                let seat = &net.seats[i];
                if let Some(case) = seat
                    .s()
                    .cases_on(d(DAY))
                    .unwrap()
                    .into_iter()
                    .find(|c| c.state == madoguchi_core::visit::VisitState::Waiting)
                {
                    let _ = seat.s().visit_step(
                        case.number,
                        case.position,
                        madoguchi_core::visit::VisitStep::Call {
                            seat_no: i as u32 + 1,
                        },
                    );
                }
            }
            75..=80 => net.seats[i].online = !net.seats[i].online,
            81..=82 => {
                // A phone inquiry or a complaint; complaints then take response steps.
                let store = net.seats[i].s();
                let kind = if rng.gen_bool(0.5) {
                    InquiryKind::Complaint
                } else {
                    InquiryKind::Inquiry
                };
                let _ = store.record_inquiry(NewInquiry {
                    kind,
                    channel: InquiryChannel::Phone,
                    category: InquiryCategory::Reservation,
                    minutes: 3,
                    summary: madoguchi_core::Personal::new(format!("予約の件 {step}")),
                    outcome: "回答済".into(),
                    referred: false,
                });
            }
            83 => {
                let store = net.seats[i].s();
                let open = store.inquiries(d(DAY), d(DAY)).unwrap_or_default();
                if let Some(c) = open.iter().find(|q| q.kind == InquiryKind::Complaint) {
                    let _ = store.complaint_step(c.id, ComplaintStep::Respond, "折り返し電話");
                }
            }
            84 => {
                let store = net.seats[i].s();
                if let Ok(m) = store.lend(NewLentMaterial {
                    item: "事務処理要領".into(),
                    quantity: 1,
                    lent_on: d(DAY),
                    lent_by: "市民課".into(),
                    kept_at: "キャビネットA".into(),
                    note: String::new(),
                }) {
                    if rng.gen_bool(0.5) {
                        let _ = store.return_material(m.id, d(DAY));
                    }
                }
            }
            85..=86 => net.restart_hub(),
            _ => {
                if net.seats[i].online {
                    net.sync(i, rng.gen_bool(0.2));
                }
            }
        }
        if step % 7 == 0 {
            for c in &net.seats {
                *c.clock.lock().unwrap() += chrono::Duration::minutes(2);
            }
            *net.hub_clock.lock().unwrap() += chrono::Duration::minutes(2);
        }
    }
    for seat in &mut net.seats {
        seat.online = true;
    }
    net.heal();
    let hub = net.hub();
    let expected = hub.synced_dump().unwrap();
    for (i, seat) in net.seats.iter().enumerate() {
        assert_same(
            &seat.s().synced_dump().unwrap(),
            &expected,
            &format!("seed {seed}: seat {i}"),
        );
        assert!(
            seat.s().provisional_numbers().unwrap().is_empty(),
            "seed {seed}"
        );
    }
    let problems = net.problems();
    assert!(problems.is_empty(), "seed {seed}: {problems:#?}");
    assert!(attempted_bookings > 0);
}

fn pick(
    store: &Store,
    rng: &mut StdRng,
    days: [&str; 3],
    status: ReservationStatus,
) -> Option<madoguchi_core::reservation_number::ReservationNumber> {
    let day = days[rng.gen_range(0..days.len())];
    let board = store.day_board(d(day)).ok()?;
    let candidates: Vec<_> = board
        .reservations
        .iter()
        .filter(|r| r.status == status)
        .map(|r| r.number)
        .collect();
    (!candidates.is_empty()).then(|| candidates[rng.gen_range(0..candidates.len())])
}

#[test]
fn all_seats_converge_under_random_disconnections_restarts_and_skew() {
    // CI runs a handful of seeds; MADOGUCHI_SOAK_SEEDS=200 runs a soak.
    let seeds: u64 = std::env::var("MADOGUCHI_SOAK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    for seed in 0..seeds {
        convergence_run(seed);
    }
}

#[test]
fn escrow_never_takes_more_than_the_free_places_and_online_bookings_still_fit() {
    // Seats enrol and sync one after another, as at a real site: each enrolment changes who
    // owns which block of slots, and grants are never taken back.
    let mut net = Net::new(0);
    for i in 0..8 {
        net.add_seat(true);
        net.sync(i, false);
    }
    for _ in 0..2 {
        for i in 0..8 {
            net.sync(i, false);
        }
    }
    let escrowed: u32 = net
        .hub()
        .hub_escrow_on(d("2026-12-02"))
        .unwrap()
        .iter()
        .filter(|(s, _, _)| s == "10:45")
        .map(|(_, _, n)| n)
        .sum();
    assert!(
        escrowed <= madoguchi_core::sync::escrow_pool(4),
        "{escrowed} places of 4 in escrow"
    );
    let day = "2026-12-02";
    // Every seat books a different slot online; each must be accepted.
    for (i, (h, m)) in [
        (10, 0),
        (10, 15),
        (10, 30),
        (10, 45),
        (11, 0),
        (11, 15),
        (11, 30),
        (11, 45),
    ]
    .into_iter()
    .enumerate()
    {
        let r = book(net.seats[i].s(), day, h, m, 300 + i).unwrap();
        net.sync(i, false);
        assert!(
            net.hub().reservation(r.number).is_ok(),
            "seat {i} at {h}:{m:02} was refused: {:?}",
            net.hub()
                .conflicts(true)
                .unwrap()
                .iter()
                .map(|c| c.record.message.clone())
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_hub_keeps_every_seats_audit_chain_and_refuses_a_tampered_link() {
    let net = Net::new(2);
    for (i, seat) in net.seats.iter().enumerate() {
        book(&seat.s(), "2026-12-02", 10, 0, 500 + i).unwrap();
        let entries = seat.s().audit_chain_after(0, 1000).unwrap();
        assert!(!entries.is_empty());
        let head = net.hub().hub_store_audit(seat.id, &entries).unwrap();
        assert_eq!(head, entries.len() as u64);
        // Sent again: nothing changes.
        assert_eq!(net.hub().hub_store_audit(seat.id, &entries).unwrap(), head);
    }
    let verification = net.hub().verify_audit().unwrap();
    assert!(verification.intact(), "{:?}", verification.problems);
    assert!(verification.chains >= 2, "the hub holds both seats' chains");

    // A new entry with an edited detail, or one that skips ahead, is refused.
    let seat = &net.seats[0];
    book(&seat.s(), "2026-12-02", 10, 30, 600).unwrap();
    let held = net.hub().audit_chain_head(seat.id).unwrap();
    let mut fresh = seat.s().audit_chain_after(held, 1000).unwrap();
    let mut edited = fresh.clone();
    edited[0].entry.detail = "edited".into();
    assert!(net.hub().hub_store_audit(seat.id, &edited).is_err());
    assert!(net.hub().hub_store_audit(seat.id, &fresh[1..]).is_err() || fresh.len() == 1);
    // Another seat cannot ship this seat's chain.
    assert!(net.hub().hub_store_audit(net.seats[1].id, &fresh).is_err());
    assert_eq!(
        net.hub().audit_chain_head(seat.id).unwrap(),
        held,
        "nothing stored"
    );
    fresh.truncate(fresh.len());
    assert!(net.hub().hub_store_audit(seat.id, &fresh).unwrap() > held);
}

#[test]
fn the_roster_syncs_and_lock_outs_stay_at_their_seat() {
    use madoguchi_core::{
        people::Role,
        store::{NewStaff, Pin},
    };
    let net = Net::new(2);
    let (a, b) = (net.seats[0].s(), net.seats[1].s());
    let member = |code: &str, name: &str, role| NewStaff {
        code: code.into(),
        name: name.into(),
        role,
        pin: Pin::new("4321"),
    };
    a.add_staff(member("S100", "見本 一郎", Role::Staff))
        .unwrap();
    // Both seats were set up with the same manager offline: they agree, no conflict.
    a.add_staff(member("M100", "管理 花子", Role::Manager))
        .unwrap();
    b.add_staff(member("M100", "管理 花子", Role::Manager))
        .unwrap();
    // A different person under an ID already used elsewhere is a conflict.
    b.add_staff(member("S100", "別人 次郎", Role::Staff))
        .unwrap();
    for _ in 0..2 {
        net.sync(0, false);
        net.sync(1, false);
    }
    let on_b = b.staff().unwrap();
    assert!(
        on_b.iter()
            .any(|m| m.code == "S100" && m.name == "見本 一郎"),
        "{on_b:?}"
    );
    let conflicts = b.conflicts(false).unwrap();
    assert_eq!(
        conflicts.len(),
        1,
        "{:?}",
        conflicts.iter().map(|c| &c.record).collect::<Vec<_>>()
    );
    assert_eq!(conflicts[0].record.kind, "staff_add");
    // The member added at seat A signs in at seat B with their PIN.
    assert_eq!(b.check_pin("S100", &Pin::new("4321")).unwrap().code, "S100");
    // Wrong PINs at seat A lock the member out there, not at seat B.
    for _ in 0..madoguchi_core::store::MAX_PIN_FAILURES {
        let _ = a.check_pin("S100", &Pin::new("0000"));
    }
    assert!(matches!(
        a.check_pin("S100", &Pin::new("4321")),
        Err(madoguchi_core::Error::StaffLocked { .. })
    ));
    assert!(b.check_pin("S100", &Pin::new("4321")).is_ok());
    for i in 0..2 {
        net.sync(i, false);
    }
    assert_same(
        &a.synced_dump().unwrap(),
        &net.hub().synced_dump().unwrap(),
        "seat A",
    );
    assert_same(
        &b.synced_dump().unwrap(),
        &net.hub().synced_dump().unwrap(),
        "seat B",
    );
}

#[test]
fn a_seat_clock_beyond_the_drift_bound_is_reported_and_its_change_still_applies() {
    let net = Net::new(1);
    let seat = &net.seats[0];
    book(&seat.s(), "2026-12-02", 10, 0, 700).unwrap();
    let mut batch = seat.s().pending_envelopes(10).unwrap();
    // Ten minutes ahead of the hub: beyond the 5-second bound.
    let ahead = std::time::SystemTime::now() + std::time::Duration::from_secs(600);
    let id: uhlc::ID = uhlc::ID::try_from(7u128).unwrap();
    batch[0].hlc = uhlc::Timestamp::new(
        uhlc::NTP64::from(ahead.duration_since(std::time::UNIX_EPOCH).unwrap()),
        id,
    )
    .to_string();
    let results = net.hub().hub_push(seat.id, &batch).unwrap();
    assert!(matches!(results[0].outcome, PushOutcome::Applied { .. }));
    // A malformed timestamp is refused as a whole push, before anything applies.
    let mut bad = seat.s().pending_envelopes(10).unwrap();
    bad[0].seq = 2;
    bad[0].id = Uuid::now_v7();
    bad[0].hlc = "yesterday".into();
    assert!(net.hub().hub_push(seat.id, &bad).is_err());
}
