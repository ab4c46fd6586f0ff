//! Seats and a hub as separate processes on loopback, the way they run at the counter:
//! `madoguchi hub serve` and one `madoguchi sync --watch` per seat, while the test works on
//! the seats' stores (bookings, cancellations, moves, walk-ins, calls). Along the way the hub
//! and the seats' sync processes are killed with SIGKILL at random moments (mid-push included)
//! and restarted, seats drop off the LAN, and one seat's clock runs 3 minutes fast.
//!
//! Midway a fifth seat is enrolled with an empty store. Nobody is signed in on it: the test
//! never acts on it, only its `sync --watch` process writes to it (that process, too, opens
//! the store with nobody signed in), and it must end up holding every synced row. Then the
//! hub's files are copied with the hub stopped (a nightly backup); later, once the seats have
//! pushed more, the hub is killed, its folder is restored from that copy and it is started
//! again on the same address: the seats must notice that the hub went back in time, load it
//! again and re-send what it lost.
//!
//! Then everything heals and the invariants are checked (`convergence_problems`), plus: every
//! mutation the restored hub had lost is in its log again, and the late seat equals the hub.
//!
//! `MADOGUCHI_SOAK_SEEDS=n` runs seeds 0..n instead of the CI's two; `MADOGUCHI_SEED=n`
//! replays one. The processes' stderr is in the cluster's `logs/` folder; a failing run keeps
//! its folder and prints where it is (`MADOGUCHI_KEEP_CLUSTER=1` keeps it always).
use std::{
    collections::{HashMap, HashSet},
    fs::OpenOptions,
    io::Write,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use chrono::NaiveTime;
use madoguchi_core::{
    mutation::{ConflictMutation, Mutation, ReservationMutation},
    reservation::{ApplicantType, Channel, Procedure, ReservationStatus},
    store::{sync::convergence_problems, NewApplicant},
    DataDir, Personal, Store,
};
use madoguchi_tests::{built_binary, new_hub_store, new_seat_store, passphrase, PASSPHRASE};
use rand::{rngs::StdRng, Rng, SeedableRng};

/// Seats the test books on (acting as the site on their stores).
const SEATS: usize = 4;
/// The index of the seat enrolled midway, with nobody signed in (after the others).
const LATE: usize = SEATS;

fn cli(dir: &Path) -> Command {
    let mut cmd = Command::new(built_binary("madoguchi"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env("MADOGUCHI_PASSPHRASE", PASSPHRASE)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    cmd
}

/// Opens a store with nobody signed in (as the desktop app after unlock).
fn open_nobody(dir: &Path) -> Store {
    Store::open(&DataDir::at(dir), &passphrase()).unwrap()
}

/// Copies a folder's files and subfolders (a backup, or a restore into an emptied folder).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A mutation's id, a seat's id (as text: the tests package does not depend on `uuid`).
type Id = String;

/// The hub's whole log: each entry's mutation id, with the seat that pushed it and whether it
/// is a booking (applied, or refused and logged as a conflict).
fn log_of(hub: &Store) -> HashMap<Id, (Id, bool)> {
    let mut out = HashMap::new();
    let mut after = 0;
    loop {
        let page = hub.hub_changes(after, 10_000).unwrap();
        let Some(last) = page.last() else { break };
        after = last.version;
        for e in page {
            let booking = match &e.mutation {
                Some(Mutation::Reservation(ReservationMutation::Book(_))) => true,
                Some(Mutation::Conflict(ConflictMutation::RaiseConflict { original, .. })) => {
                    matches!(
                        **original,
                        Mutation::Reservation(ReservationMutation::Book(_))
                    )
                }
                _ => false,
            };
            out.insert(e.id.to_string(), (e.seat_id.to_string(), booking));
        }
    }
    out
}

/// The time as the processes' logs write it.
fn stamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

struct Proc(Option<Child>);

impl Proc {
    /// SIGKILL: no chance to finish anything. Returns how the process ended if it had ended
    /// on its own before (neither `hub serve` nor `sync --watch` ever should).
    fn kill(&mut self) -> Option<std::process::ExitStatus> {
        let mut c = self.0.take()?;
        let ended = c.try_wait().ok().flatten();
        let _ = c.kill();
        let _ = c.wait();
        ended
    }

    fn running(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

struct Cluster {
    tmp: Option<tempfile::TempDir>,
    hub_dir: PathBuf,
    logs: PathBuf,
    seat_dirs: Vec<PathBuf>,
    addr: String,
    hub: Proc,
    syncs: Vec<Proc>,
    /// Processes found ended on their own (which, with its exit status).
    ended: Vec<String>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.hub.kill();
        for s in &mut self.syncs {
            let _ = s.kill();
        }
        if std::thread::panicking() || std::env::var_os("MADOGUCHI_KEEP_CLUSTER").is_some() {
            if let Some(tmp) = self.tmp.take() {
                eprintln!("the cluster's files are kept in {}", tmp.keep().display());
            }
        }
    }
}

impl Cluster {
    fn start() -> Cluster {
        let tmp = tempfile::tempdir().unwrap();
        let hub_dir = tmp.path().join("hub");
        let logs = tmp.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        drop(new_hub_store(&hub_dir, "ハブ"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let mut cluster = Cluster {
            hub_dir,
            logs,
            seat_dirs: Vec::new(),
            addr,
            hub: Proc(None),
            syncs: Vec::new(),
            ended: Vec::new(),
            tmp: Some(tmp),
        };
        cluster.start_hub();
        // As the operator manual has it: the first PC gets the roster (`madoguchi staff add`)
        // before it enrols; the others get it from the hub at their first sync.
        for i in 0..SEATS {
            let dir = cluster.root().join(format!("seat{i}"));
            let name = format!("窓口{}", i + 1);
            if i == 0 {
                drop(new_seat_store(&dir, &name));
            } else {
                drop(new_hub_store(&dir, &name));
            }
            cluster.enrol(dir);
        }
        cluster
    }

    fn root(&self) -> &Path {
        self.tmp.as_ref().unwrap().path()
    }

    /// Enrols the seat whose store is in `dir` with a one-time code and starts its sync.
    fn enrol(&mut self, dir: PathBuf) {
        let code = cli(&self.hub_dir).args(["hub", "code"]).output().unwrap();
        assert!(
            code.status.success(),
            "{}",
            String::from_utf8_lossy(&code.stderr)
        );
        let code = String::from_utf8(code.stdout).unwrap();
        let out = cli(&dir)
            .args(["enrol", "--hub", &self.addr, "--code", code.trim()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "enrol: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.seat_dirs.push(dir);
        self.syncs.push(Proc(None));
        self.start_sync(self.syncs.len() - 1);
    }

    /// The appending stderr of a process, after a line saying what happens.
    fn log(&self, name: &str, note: &str) -> Stdio {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.join(format!("{name}.log")))
            .unwrap();
        writeln!(file, "{} === {note}", stamp()).unwrap();
        Stdio::from(file)
    }

    /// Notes a moment of the test in every process's log.
    fn mark(&self, note: &str) {
        for entry in std::fs::read_dir(&self.logs).unwrap() {
            let mut file = OpenOptions::new()
                .append(true)
                .open(entry.unwrap().path())
                .unwrap();
            writeln!(file, "{} --- test: {note}", stamp()).unwrap();
        }
    }

    /// The last lines of every process's log, for a failure message.
    fn log_tails(&self) -> String {
        let mut out = String::new();
        let mut names: Vec<_> = std::fs::read_dir(&self.logs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for path in names {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let lines: Vec<_> = text.lines().collect();
            out.push_str(&format!("--- {}\n", path.display()));
            for line in &lines[lines.len().saturating_sub(12)..] {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// Lines of the seats' logs that contain `needle`.
    fn seat_log_lines(&self, needle: &str) -> usize {
        (0..self.seat_dirs.len())
            .map(|i| {
                std::fs::read_to_string(self.logs.join(format!("seat{i}.log")))
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| l.contains(needle))
                    .count()
            })
            .sum()
    }

    fn start_hub(&mut self) {
        self.start_hub_noting("started");
    }

    fn kill_hub(&mut self) {
        if let Some(status) = self.hub.kill() {
            self.ended.push(format!("hub serve: {status}"));
        }
    }

    fn kill_sync(&mut self, i: usize) {
        if let Some(status) = self.syncs[i].kill() {
            self.ended.push(format!("seat{i} sync --watch: {status}"));
        }
    }

    fn start_hub_noting(&mut self, note: &str) {
        self.kill_hub();
        let child = cli(&self.hub_dir)
            .args(["hub", "serve", "--listen", &self.addr])
            .env("RUST_LOG", "warn,madoguchi_core::store::sync=info")
            .stdout(Stdio::null())
            .stderr(self.log("hub", note))
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
        self.kill_sync(i);
        let child = cli(&self.seat_dirs[i])
            .args(["sync", "--watch"])
            .stdout(Stdio::null())
            .stderr(self.log(&format!("seat{i}"), "started"))
            .spawn()
            .unwrap();
        self.syncs[i] = Proc(Some(child));
    }

    fn start_all_syncs(&mut self) {
        for i in 0..self.syncs.len() {
            self.start_sync(i);
        }
    }

    /// A seat's store as the test works on it: a counter staff member signed in (to book and
    /// cancel), or the site for the hub's own store.
    fn open(&self, dir: &Path, skew_minutes: i64) -> Store {
        let store = open_nobody(dir);
        let store = if dir == self.hub_dir {
            store.act_as_site("tests")
        } else {
            // The roster reaches a seat with its first sync (its `sync --watch` is running).
            let started = Instant::now();
            while let Err(e) = store.sign_in("S001", &madoguchi_core::store::Pin::new("1111")) {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "the roster did not reach {}: {e}",
                    dir.display()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            store
        };
        if skew_minutes == 0 {
            return store;
        }
        store.with_clock(std::sync::Arc::new(move || {
            chrono::Local::now().naive_local() + chrono::Duration::minutes(skew_minutes)
        }))
    }

    /// Copies the hub's folder with the hub stopped, and starts it again.
    fn backup_hub(&mut self) -> PathBuf {
        self.kill_hub();
        let backup = self.root().join("hub-backup");
        copy_dir(&self.hub_dir, &backup);
        self.mark("the hub's folder was copied");
        self.start_hub_noting("started after a backup was copied");
        backup
    }

    /// Kills the hub, puts `backup` in place of its folder and starts it on the same address.
    /// Returns the log it had before.
    fn restore_hub(&mut self, backup: &Path) -> HashMap<Id, (Id, bool)> {
        self.kill_hub();
        let before = log_of(&open_nobody(&self.hub_dir));
        std::fs::remove_dir_all(&self.hub_dir).unwrap();
        copy_dir(backup, &self.hub_dir);
        self.mark("the hub's folder was restored from the copy");
        self.start_hub_noting("started on its folder restored from the backup");
        before
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

struct Run {
    seed: u64,
    rng: StdRng,
    cluster: Cluster,
    /// The seats the test books on, acting as the site.
    seats: Vec<Store>,
    /// The late seat, nobody signed in: only read.
    late: Option<Store>,
    days: Vec<chrono::NaiveDate>,
    who: usize,
}

impl Run {
    /// `n` random actions: work at the seats, kills and restarts.
    fn act(&mut self, n: usize) {
        for _ in 0..n {
            self.step();
        }
    }

    fn step(&mut self) {
        let (rng, cluster, days) = (&mut self.rng, &mut self.cluster, &self.days);
        let i = rng.gen_range(0..SEATS);
        let seat = &self.seats[i];
        // Any seat's sync process, the late seat's included once it is enrolled.
        let any = rng.gen_range(0..cluster.syncs.len());
        match rng.gen_range(0..100) {
            0..=44 => {
                self.who += 1;
                let day = days[rng.gen_range(0..days.len())];
                let starts = [(9, 0), (9, 30), (13, 0)][rng.gen_range(0..3)];
                let _ = seat.book(
                    day,
                    NaiveTime::from_hms_opt(starts.0, starts.1, 0).unwrap(),
                    Channel::Phone,
                    vec![applicant(self.who)],
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
                self.who += 1;
                let _ = seat.walk_in(seat.now(), vec![applicant(self.who)]);
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
            69..=70 => cluster.start_sync(any), // killed mid-whatever, restarted
            71..=76 => cluster.kill_sync(any),  // the seat drops off the LAN
            77..=80 => cluster.start_hub(),     // SIGKILL the hub, start it again
            _ => std::thread::sleep(Duration::from_millis(rng.gen_range(5..60))),
        }
    }

    /// Every seat syncing and the hub up, until every outbox is empty and every seat (the late
    /// one included) has the hub's whole log.
    fn settle(&mut self, what: &str) {
        self.cluster.start_all_syncs();
        let hub = open_nobody(&self.cluster.hub_dir);
        let started = Instant::now();
        loop {
            let head = hub.hub_head().unwrap();
            let settled = self.seats.iter().chain(&self.late).all(|s| {
                s.outbox_status().map(|o| o.pending == 0).unwrap_or(false)
                    && s.sync_link()
                        .ok()
                        .flatten()
                        .is_some_and(|l| l.cursor == head)
            });
            if settled && hub.hub_head().unwrap() == head {
                self.cluster.mark(&format!("settled {what} at {head}"));
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(40),
                "seed {}: {what}: did not converge in time\n{}",
                self.seed,
                self.cluster.log_tails()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Once settled, the cluster stays settled for `period`: no outbox fills again, no seat
    /// re-sends anything, the hub's log does not move.
    fn stays_quiet(&self, period: Duration) {
        let hub = open_nobody(&self.cluster.hub_dir);
        let head = hub.hub_head().unwrap();
        let resent = self.cluster.seat_log_lines("sending them again");
        let started = Instant::now();
        while started.elapsed() < period {
            for s in self.seats.iter().chain(&self.late) {
                let pending = s.outbox_status().unwrap().pending;
                assert!(
                    pending == 0,
                    "seed {}: {} has {pending} pending again {:.1?} after settling\n{}",
                    self.seed,
                    s.meta().seat_name,
                    started.elapsed(),
                    self.cluster.log_tails()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let again = self.cluster.seat_log_lines("sending them again") - resent;
        assert!(
            again == 0 && hub.hub_head().unwrap() == head,
            "seed {}: after settling, {again} rounds re-sent mutations; hub head {head} -> {}\n{}",
            self.seed,
            hub.hub_head().unwrap(),
            self.cluster.log_tails()
        );
    }

    /// Waits (up to 10 s) until one of the seats `running` has repaired itself from a
    /// snapshot since `before`; returns how long it took, or `None`.
    fn wait_for_repair(&self, running: &[usize], before: &[u32]) -> Option<Duration> {
        let started = Instant::now();
        while !running.is_empty() && started.elapsed() < Duration::from_secs(10) {
            let now = self.repairs();
            if running.iter().any(|i| now[*i] > before[*i]) {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    fn repairs(&self) -> Vec<u32> {
        self.seats
            .iter()
            .chain(&self.late)
            .map(|s| s.sync_link().unwrap().map_or(0, |l| l.repairs))
            .collect()
    }
}

fn run(seed: u64) {
    let began = Instant::now();
    let cluster = Cluster::start();
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
    let mut run = Run {
        seed,
        rng: StdRng::seed_from_u64(seed),
        cluster,
        seats,
        late: None,
        days,
        who: seed as usize * 10_000,
    };
    let ids: HashSet<Id> = run
        .seats
        .iter()
        .map(|s| s.meta().store_id.to_string())
        .collect();

    run.act(25);
    // A seat enrolled after the others, with an empty store (no roster either): only its sync
    // process writes to it, and the test only reads it, with nobody signed in.
    let dir = run.cluster.root().join(format!("seat{LATE}"));
    drop(new_hub_store(&dir, &format!("窓口{}", LATE + 1)));
    run.cluster.enrol(dir.clone());
    let late = open_nobody(&dir);
    assert_eq!(late.signed_in().unwrap(), None);
    run.late = Some(late);
    run.act(20);

    // The nightly backup of the hub PC, taken with the hub stopped.
    let backup = run.cluster.backup_hub();
    let kept = {
        // Read from a copy: the backup itself is restored byte for byte, unopened.
        let scratch = run.cluster.root().join("hub-backup-read");
        copy_dir(&backup, &scratch);
        let log = log_of(&open_nobody(&scratch));
        std::fs::remove_dir_all(&scratch).unwrap();
        log
    };
    run.act(25);
    // What the seats made since is on the hub (answered, so the seats count it as settled)…
    run.settle("before the restore");
    // …and a little more is on its way when the hub PC is restored from the backup.
    run.act(10);
    let repairs_before = run.repairs();
    let resent_before = run.cluster.seat_log_lines("sending them again");
    let running: Vec<usize> = (0..=LATE)
        .filter(|i| run.cluster.syncs[*i].running())
        .collect();
    let before = run.cluster.restore_hub(&backup);
    let lost: Vec<_> = before
        .iter()
        .filter(|(id, (seat, _))| !kept.contains_key(*id) && ids.contains(seat))
        .map(|(id, (_, booking))| (id.clone(), *booking))
        .collect();
    assert!(
        !lost.is_empty(),
        "seed {seed}: the restore took nothing from the hub ({} entries kept, {} before)",
        kept.len(),
        before.len()
    );
    // The sync processes that ran through the restore notice that the hub went back in time.
    let noticed = run.wait_for_repair(&running, &repairs_before);
    run.act(20);

    // Heal: every seat syncing, the hub up, until every outbox is empty and every seat has the
    // hub's whole log.
    run.cluster.start_hub();
    run.settle("healing");
    assert!(
        run.cluster.ended.is_empty(),
        "seed {seed}: processes ended on their own: {:?}\n{}",
        run.cluster.ended,
        run.cluster.log_tails()
    );
    run.stays_quiet(Duration::from_secs(1));
    let hub = run.cluster.open(&run.cluster.hub_dir, 0);
    let late = run.late.as_ref().unwrap();
    let mut refs: Vec<&Store> = run.seats.iter().collect();
    refs.push(late);
    let problems = convergence_problems(&hub, &refs).unwrap();
    assert!(
        problems.is_empty(),
        "seed {seed}: {problems:#?}\n{}",
        run.cluster.log_tails()
    );
    // Everything the restored hub had lost came back from the seats.
    let log = log_of(&hub);
    let missing: Vec<_> = lost
        .iter()
        .filter(|(id, _)| !log.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: {} of the {} mutations the restore took from the hub are not in its log: {missing:?}",
        missing.len(),
        lost.len()
    );
    // The late seat, never acted on, holds every synced row, loaded from the hub.
    assert_eq!(late.signed_in().unwrap(), None);
    let (dump, hub_dump) = (late.synced_dump().unwrap(), hub.synced_dump().unwrap());
    assert_eq!(dump, hub_dump, "seed {seed}: the late seat's rows");
    let reservations = dump
        .iter()
        .filter(|r| r.starts_with("reservations|"))
        .count();
    assert!(
        reservations > 0,
        "seed {seed}: the late seat got no bookings"
    );
    assert_eq!(late.outbox_status().unwrap().pending, 0);
    let repairs_after = run.repairs();
    let resent = run.cluster.seat_log_lines("sending them again") - resent_before;
    let conflicts = hub.outbox_status().unwrap().conflicts;
    let reasons: Vec<_> = run
        .seats
        .iter()
        .chain(&run.late)
        .map(|s| s.sync_link().unwrap().and_then(|l| l.last_repair_reason))
        .collect();
    eprintln!(
        "seed {seed}: {} log entries, {conflicts} open conflicts; the restore took {} entries \
         ({} bookings) from the hub, all back; rounds that re-sent: {resent}; repairs \
         {repairs_before:?} -> {repairs_after:?} ({reasons:?}); late seat holds {} rows \
         ({reservations} reservations); sync processes running through the restore {running:?}, \
         the first of them repaired after {noticed:.1?}; converged, {:.1?} in all",
        hub.hub_head().unwrap(),
        lost.len(),
        lost.iter().filter(|(_, b)| *b).count(),
        dump.len(),
        began.elapsed()
    );
    assert!(resent > 0, "seed {seed}: no seat re-sent what the hub lost");
    assert!(hub.hub_head().unwrap() > 20, "the run did real work");
}

#[test]
fn seats_and_hub_processes_converge_through_kills_restarts_skew_a_late_seat_and_a_restore() {
    if let Some(seed) = std::env::var("MADOGUCHI_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        run(seed);
        return;
    }
    let seeds: u64 = std::env::var("MADOGUCHI_SOAK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    for seed in 0..seeds {
        run(seed);
    }
}
