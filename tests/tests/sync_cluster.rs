//! Seats and a hub as separate processes on loopback, the way they run at the counter:
//! `madoguchi hub serve` and one `madoguchi sync --watch` per seat, while the test works on
//! the seats' stores (bookings, cancellations, moves, walk-ins, calls). Along the way the hub
//! and the seats' sync processes are killed with SIGKILL at random moments (mid-push included)
//! and restarted, seats drop off the LAN, and one seat's clock runs 3 minutes fast. Then
//! everything heals and the invariants are checked (`convergence_problems`).
//!
//! `MADOGUCHI_SOAK_SEEDS=n` runs n seeds instead of the CI's two.
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use chrono::NaiveTime;
use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure, ReservationStatus},
    store::{sync::convergence_problems, NewApplicant},
    DataDir, Personal, Store,
};
use madoguchi_tests::{built_binary, new_hub_store, new_seat_store, passphrase, PASSPHRASE};
use rand::{rngs::StdRng, Rng, SeedableRng};

const SEATS: usize = 4;

fn cli(dir: &Path) -> Command {
    let mut cmd = Command::new(built_binary("madoguchi"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env("MADOGUCHI_PASSPHRASE", PASSPHRASE)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    cmd
}

struct Proc(Option<Child>);

impl Proc {
    fn kill(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill(); // SIGKILL: no chance to finish anything
            let _ = c.wait();
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

struct Cluster {
    _tmp: tempfile::TempDir,
    hub_dir: PathBuf,
    seat_dirs: Vec<PathBuf>,
    addr: String,
    hub: Proc,
    syncs: Vec<Proc>,
}

impl Cluster {
    fn start() -> Cluster {
        let tmp = tempfile::tempdir().unwrap();
        let hub_dir = tmp.path().join("hub");
        drop(new_hub_store(&hub_dir, "ハブ"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let mut cluster = Cluster {
            hub_dir,
            seat_dirs: Vec::new(),
            addr,
            hub: Proc(None),
            syncs: Vec::new(),
            _tmp: tmp,
        };
        cluster.start_hub();
        for i in 0..SEATS {
            let dir = cluster._tmp.path().join(format!("seat{i}"));
            drop(new_seat_store(&dir, &format!("窓口{}", i + 1)));
            let code = cli(&cluster.hub_dir)
                .args(["hub", "code"])
                .output()
                .unwrap();
            assert!(
                code.status.success(),
                "{}",
                String::from_utf8_lossy(&code.stderr)
            );
            let code = String::from_utf8(code.stdout).unwrap();
            let out = cli(&dir)
                .args(["enrol", "--hub", &cluster.addr, "--code", code.trim()])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "enrol: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            cluster.seat_dirs.push(dir);
            cluster.syncs.push(Proc(None));
            cluster.start_sync(i);
        }
        cluster
    }

    fn start_hub(&mut self) {
        self.hub.kill();
        let child = cli(&self.hub_dir)
            .args(["hub", "serve", "--listen", &self.addr])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.hub = Proc(Some(child));
        // Wait until it listens.
        let started = Instant::now();
        while std::net::TcpStream::connect(&self.addr).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "hub did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn start_sync(&mut self, i: usize) {
        self.syncs[i].kill();
        let child = cli(&self.seat_dirs[i])
            .args(["sync", "--watch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.syncs[i] = Proc(Some(child));
    }

    fn open(&self, dir: &Path, skew_minutes: i64) -> Store {
        let store = Store::open(&DataDir::at(dir), &passphrase())
            .unwrap()
            .act_as_site("tests");
        if skew_minutes == 0 {
            return store;
        }
        store.with_clock(std::sync::Arc::new(move || {
            chrono::Local::now().naive_local() + chrono::Duration::minutes(skew_minutes)
        }))
    }
}

fn applicant(who: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(format!("見本 花子{who}")),
            name_kana: Personal::new(format!("ミホン ハナコ{who}")),
            phone: Some(Personal::new(format!("080-1111-{:04}", who % 10_000))),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![if who % 3 == 0 {
            Procedure::CardIssue
        } else {
            Procedure::CertificateRenewal
        }],
    )
}

fn run(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut cluster = Cluster::start();
    let seats: Vec<Store> = (0..SEATS)
        .map(|i| cluster.open(&cluster.seat_dirs[i], if i == SEATS - 1 { 3 } else { 0 }))
        .collect();
    let today = seats[0].today();
    let days: Vec<_> = (1..10)
        .map(|i| today + chrono::Days::new(i))
        .filter(|d| {
            seats[0]
                .day_board(*d)
                .map(|b| !b.slots.is_empty())
                .unwrap_or(false)
        })
        .take(2)
        .collect();
    let mut who = seed as usize * 10_000;
    for _ in 0..80 {
        let i = rng.gen_range(0..SEATS);
        let seat = &seats[i];
        match rng.gen_range(0..100) {
            0..=44 => {
                who += 1;
                let day = days[rng.gen_range(0..days.len())];
                let starts = [(9, 0), (9, 30), (13, 0)][rng.gen_range(0..3)];
                let _ = seat.book(
                    day,
                    NaiveTime::from_hms_opt(starts.0, starts.1, 0).unwrap(),
                    Channel::Phone,
                    vec![applicant(who)],
                    "",
                );
            }
            45..=54 => {
                let day = days[rng.gen_range(0..days.len())];
                if let Ok(board) = seat.day_board(day) {
                    let booked: Vec<_> = board
                        .reservations
                        .iter()
                        .filter(|r| r.status == ReservationStatus::Booked)
                        .collect();
                    if !booked.is_empty() {
                        let _ = seat.cancel(booked[rng.gen_range(0..booked.len())].number);
                    }
                }
            }
            55..=62 => {
                let day = days[rng.gen_range(0..days.len())];
                if let Ok(board) = seat.day_board(day) {
                    if let Some(r) = board
                        .reservations
                        .iter()
                        .find(|r| r.status == ReservationStatus::Booked)
                    {
                        let _ = seat.reschedule(
                            r.number,
                            days[0],
                            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                        );
                    }
                }
            }
            63..=66 => {
                // A walk-in today: seated or queued by the hub's count of places.
                who += 1;
                let _ = seat.walk_in(seat.now(), vec![applicant(who)]);
            }
            67..=68 => {
                // Call the next person waiting today to this seat's counter.
                if let Ok(cases) = seat.cases_on(seat.today()) {
                    let waiting = madoguchi_core::visit::VisitState::Waiting;
                    if let Some(c) = cases.iter().find(|c| c.state == waiting) {
                        let call = madoguchi_core::visit::VisitStep::Call {
                            seat_no: i as u32 + 1,
                        };
                        let _ = seat.visit_step(c.number, c.position, call);
                    }
                }
            }
            69..=70 => cluster.start_sync(i), // killed mid-whatever, restarted
            71..=76 => cluster.syncs[i].kill(), // the seat drops off the LAN
            77..=80 => cluster.start_hub(),   // SIGKILL the hub, start it again
            _ => std::thread::sleep(Duration::from_millis(rng.gen_range(5..60))),
        }
    }
    // Heal: every seat syncing, the hub up, until every outbox is empty and every seat has the
    // hub's whole log.
    cluster.start_hub();
    for i in 0..SEATS {
        cluster.start_sync(i);
    }
    let hub = cluster.open(&cluster.hub_dir, 0);
    let started = Instant::now();
    loop {
        let head = hub.hub_head().unwrap();
        let settled = seats.iter().all(|s| {
            s.outbox_status().map(|o| o.pending == 0).unwrap_or(false)
                && s.sync_link()
                    .ok()
                    .flatten()
                    .is_some_and(|l| l.cursor == head)
        });
        if settled && hub.hub_head().unwrap() == head {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "seed {seed}: did not converge in time"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let refs: Vec<&Store> = seats.iter().collect();
    let problems = convergence_problems(&hub, &refs).unwrap();
    assert!(problems.is_empty(), "seed {seed}: {problems:#?}");
    let conflicts = hub.outbox_status().unwrap().conflicts;
    eprintln!(
        "seed {seed}: {} log entries, {conflicts} open conflicts, converged",
        hub.hub_head().unwrap()
    );
    assert!(hub.hub_head().unwrap() > 20, "the run did real work");
}

#[test]
fn seats_and_hub_processes_converge_through_kills_restarts_and_skew() {
    let seeds: u64 = std::env::var("MADOGUCHI_SOAK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    for seed in 0..seeds {
        run(seed);
    }
}
