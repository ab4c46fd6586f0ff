//! A stranger on the LAN cannot stop the hub (issue 19, item 4), over real TLS on loopback:
//! a flood of idle and trickling connections from other addresses neither keeps an enrolled
//! seat from syncing nor grows the hub's memory; a stranger's oversized first frame is refused
//! unread; enrolment attempts beyond the rate limit are refused; a trickling frame, handshake
//! or first request is cut at its deadline. The hub's times are shortened with
//! [`Limits`], so no test waits for the production deadlines.
//!
//! Attackers bind 127.0.0.2 and 127.0.0.3 before connecting (Linux routes all of 127/8 to lo);
//! the seats connect from 127.0.0.1.
#![cfg(target_os = "linux")]
mod common;

use common::{book, enrolled_seat, hello, store, with};

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use madoguchi_sync::{
    client::{self, SharedStore},
    hub::{Hub, Limits, Rate},
    tls::{self, HubPin},
    wire::{self, Response},
    Error,
};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
    sync::watch,
};
use tokio_rustls::client::TlsStream;

const SEATS: [u8; 4] = [127, 0, 0, 1];
const ATTACKERS: [[u8; 4]; 2] = [[127, 0, 0, 2], [127, 0, 0, 3]];
/// An address nobody has used: what a new PC on the LAN would see.
const BYSTANDER: [u8; 4] = [127, 0, 0, 4];

// Helpers of these tests.

async fn hub(limits: Limits) -> (tempfile::TempDir, Hub, SocketAddr) {
    let tmp = tempfile::tempdir().unwrap();
    let hub = Hub::new(store(tmp.path(), "ハブ"))
        .unwrap()
        .with_limits(limits);
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (tmp, hub, addr)
}

/// A TCP connection from `source` (bound before connecting).
async fn tcp_from(source: [u8; 4], to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    let tcp = socket.connect(to).await?;
    tcp.set_nodelay(true)?;
    Ok(tcp)
}

/// A TLS connection from `source` with `config`'s identity.
async fn tls_from(
    source: [u8; 4],
    to: SocketAddr,
    config: Arc<rustls::ClientConfig>,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = tcp_from(source, to).await?;
    tokio_rustls::TlsConnector::from(config)
        .connect(
            rustls::pki_types::ServerName::try_from(tls::CERT_NAME).unwrap(),
            tcp,
        )
        .await
}

/// A client configuration with a new identity the hub does not know (pinning the real hub).
fn stranger(hub: &Hub) -> Arc<rustls::ClientConfig> {
    let identity = tls::new_identity().unwrap();
    tls::client_config(&identity, HubPin::Exact(hub.fingerprint().into())).unwrap()
}

/// The client configuration of an enrolled seat.
fn seat_config(seat: &SharedStore) -> Arc<rustls::ClientConfig> {
    let (identity, link) = with(seat, |s| {
        (
            s.sync_identity(tls::new_identity).unwrap(),
            s.sync_link().unwrap().unwrap(),
        )
    });
    tls::client_config(&identity, HubPin::Exact(link.hub_fingerprint)).unwrap()
}

/// The bytes of a real TLS 1.3 ClientHello, to send slowly.
fn client_hello(config: Arc<rustls::ClientConfig>) -> Vec<u8> {
    let name = rustls::pki_types::ServerName::try_from(tls::CERT_NAME).unwrap();
    let mut conn = rustls::ClientConnection::new(config, name).unwrap();
    let mut bytes = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut bytes).unwrap();
    }
    bytes
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

/// An enrolment request, written out (so this file does not depend on every field the request
/// may grow).
fn enrol_frame(code: &str, name: &str) -> Vec<u8> {
    let message = serde_json::json!({
        "type": "enrol",
        "body": {
            "code": code,
            "seat_id": uuid::Uuid::now_v7(),
            "name": name,
        },
    });
    let body = wire::frame_json(&message.to_string()).unwrap();
    frame(&body)
}

fn refusal_code(r: Result<Option<Response>, Error>) -> String {
    match r {
        Ok(Some(Response::Refused { code, .. })) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Sends `bytes` one at a time, `every` apart, until they run out or the peer is gone.
async fn trickle<W: AsyncWrite + Unpin>(w: &mut W, bytes: &[u8], every: Duration) {
    for b in bytes {
        if w.write_all(&[*b]).await.is_err() || w.flush().await.is_err() {
            return;
        }
        tokio::time::sleep(every).await;
    }
    std::future::pending::<()>().await
}

/// Waits until the peer ends the connection (anything read, an end of file or an error) while
/// `bytes` trickle out; how long that took, or `None` when it did not within `bound`.
async fn time_to_cut<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    bytes: Vec<u8>,
    every: Duration,
    bound: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    let (mut r, mut w) = tokio::io::split(stream);
    let mut buf = [0u8; 256];
    tokio::select! {
        _ = r.read(&mut buf) => Some(started.elapsed()),
        _ = trickle(&mut w, &bytes, every) => None,
        _ = tokio::time::sleep(bound) => None,
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// Raises the soft limit of open files to `wanted` when it is lower (up to the hard limit).
fn raise_open_files(wanted: u64) {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|c| c < wanted) {
        let current = limit.maximum.map_or(wanted, |m| m.min(wanted));
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(current),
                maximum: limit.maximum,
            },
        )
        .unwrap();
    }
}

/// Polls `done` every 5 ms until it holds; how long that took (panics after 10 s).
async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: not within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

/// What the attacker's connections do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// Connects and sends nothing.
    Idle,
    /// Sends a real ClientHello a byte a second.
    Handshake,
    /// Completes the handshake with a certificate the hub does not know, then sends a frame's
    /// length and its body a byte a second.
    Frame,
}

/// The attacker: connections from [`ATTACKERS`], each a task that holds its socket until the
/// hub ends it or the flood stops, counting the ones the hub ended.
struct Flood {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    opened: HashMap<Kind, usize>,
    ended: Arc<Mutex<HashMap<Kind, usize>>>,
    settled: Arc<AtomicUsize>,
}

impl Flood {
    fn new() -> Flood {
        Flood {
            stop: watch::channel(false).0,
            tasks: Vec::new(),
            opened: HashMap::new(),
            ended: Arc::default(),
            settled: Arc::default(),
        }
    }

    /// Opens `per_address` connections of `kind` from each attacker address and waits until
    /// every one has connected (and, for [`Kind::Frame`], finished its handshake or failed).
    async fn open(&mut self, kind: Kind, per_address: usize, addr: SocketAddr, hub: &Hub) {
        let hello = Arc::new(client_hello(stranger(hub)));
        let config = stranger(hub);
        let before = self.settled.load(Ordering::SeqCst);
        for i in 0..per_address * ATTACKERS.len() {
            let source = ATTACKERS[i % ATTACKERS.len()];
            let (hello, config) = (hello.clone(), config.clone());
            let (ended, settled) = (self.ended.clone(), self.settled.clone());
            let mut stop = self.stop.subscribe();
            self.tasks.push(tokio::spawn(async move {
                let end = || *ended.lock().unwrap().entry(kind).or_default() += 1;
                let every = Duration::from_secs(1);
                let held = async {
                    match kind {
                        Kind::Idle => {
                            let tcp = tcp_from(source, addr).await;
                            settled.fetch_add(1, Ordering::SeqCst);
                            let mut tcp = tcp.ok()?;
                            let _ = tcp.read(&mut [0u8; 16]).await;
                        }
                        Kind::Handshake => {
                            let tcp = tcp_from(source, addr).await;
                            settled.fetch_add(1, Ordering::SeqCst);
                            time_to_cut(tcp.ok()?, hello.to_vec(), every, Duration::MAX).await;
                        }
                        Kind::Frame => {
                            let tls = tls_from(source, addr, config).await;
                            settled.fetch_add(1, Ordering::SeqCst);
                            let mut bytes = 300u32.to_be_bytes().to_vec();
                            bytes.extend([b' '; 300]);
                            time_to_cut(tls.ok()?, bytes, every, Duration::MAX).await;
                        }
                    }
                    Some(())
                };
                tokio::select! {
                    _ = held => end(),
                    _ = stop.wait_for(|s| *s) => {}
                }
            }));
        }
        *self.opened.entry(kind).or_default() += per_address * ATTACKERS.len();
        let all = before + per_address * ATTACKERS.len();
        until("the flood's connections", async || {
            self.settled.load(Ordering::SeqCst) >= all
        })
        .await;
    }

    /// Connections of `kind` the hub still holds open.
    fn open_now(&self, kind: Kind) -> usize {
        let ended = self.ended.lock().unwrap().get(&kind).copied().unwrap_or(0);
        self.opened.get(&kind).copied().unwrap_or(0) - ended
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_strangers_neither_stops_the_seats_nor_grows_the_hub() {
    raise_open_files(4096);
    // Production limits, except a handshake deadline longer than the flood (so the places the
    // attacker holds stay held throughout) and a smaller anonymous pool (so two attacker
    // addresses fill it, which a real attacker would do with nine).
    let limits = Limits::default()
        .handshake(Duration::from_secs(20))
        .anonymous(12, 8);
    let (_h, hub, addr) = hub(limits).await;
    let addr_s = addr.to_string();
    let (_a, a) = enrolled_seat(&hub, &addr_s, "窓口1").await;
    let (_b, b) = enrolled_seat(&hub, &addr_s, "窓口2").await;
    // Seat 1 is connected throughout; seat 2 has synced once and is offline when the flood
    // starts.
    let wake_a = Arc::new(tokio::sync::Notify::new());
    let (task_a, mut status_a) = client::spawn(a.clone(), wake_a.clone());
    let (task_b, mut status_b) = client::spawn(b.clone(), Arc::new(tokio::sync::Notify::new()));
    while status_a.borrow().rounds == 0 || status_b.borrow().rounds == 0 {
        tokio::select! {
            r = status_a.changed() => r.unwrap(),
            r = status_b.changed() => r.unwrap(),
        }
    }
    task_b.abort();
    tokio::time::sleep(Duration::from_millis(300)).await; // the hub lets seat 2's identity go
    let rss_before = rss_kib();

    let started = Instant::now();
    let mut flood = Flood::new();
    flood.open(Kind::Frame, 25, addr, &hub).await;
    flood.open(Kind::Handshake, 25, addr, &hub).await;
    flood.open(Kind::Idle, 250, addr, &hub).await;
    let opened = started.elapsed();
    // What is over the caps is closed at once (as fast as the hub accepts).
    let shed = until("the hub turning away what is over its caps", async || {
        flood.open_now(Kind::Idle) + flood.open_now(Kind::Handshake) <= 12
            && flood.open_now(Kind::Frame) <= 4
    })
    .await;
    let held = [Kind::Idle, Kind::Handshake, Kind::Frame].map(|k| flood.open_now(k));
    println!(
        "flood: 500 idle, 50 slow handshakes, 50 slow frames opened in {opened:?}, the rest \
         closed within {shed:?}; the hub holds {} idle, {} handshakes, {} strangers",
        held[0], held[1], held[2]
    );
    // The pool is full: a PC no seat has used is turned away at once (not at the deadline).
    let probe = Instant::now();
    let turned_away = tls_from(BYSTANDER, addr, stranger(&hub)).await.is_err();
    println!(
        "a new address during the flood: turned away {turned_away} in {:?}",
        probe.elapsed()
    );
    assert!(turned_away && probe.elapsed() < Duration::from_secs(5));

    // The connected seat's booking reaches the hub.
    let number = book(&a, "イチロウ");
    wake_a.notify_one();
    let connected = until("seat 1's booking on the hub", async || {
        hub.with_store(move |s| s.reservation(number)).await.is_ok()
    })
    .await;
    // The seat that connects now (from an address seats use) gets in, its booking reaches the
    // hub and seat 1.
    let number = book(&b, "ジロウ");
    let reconnect = Instant::now();
    let (task_b, _) = client::spawn(b.clone(), Arc::new(tokio::sync::Notify::new()));
    let newly = until("seat 2's booking on the hub", async || {
        hub.with_store(move |s| s.reservation(number)).await.is_ok()
    })
    .await;
    until("seat 2's booking on seat 1", async || {
        with(&a, |s| s.reservation(number).is_ok())
    })
    .await;
    let on_a = reconnect.elapsed();
    let rss_during = rss_kib();
    println!(
        "during the flood: connected seat's booking on the hub in {connected:?}; reconnecting \
         seat's booking on the hub in {newly:?}, on the other seat in {on_a:?}"
    );
    println!(
        "VmRSS before the flood {rss_before} KiB, during {rss_during} KiB (+{} KiB)",
        rss_during.saturating_sub(rss_before)
    );
    assert!(
        connected < Duration::from_secs(1),
        "connected seat: {connected:?}"
    );
    assert!(
        newly < Duration::from_secs(1),
        "reconnecting seat: {newly:?}"
    );
    assert!(
        rss_during.saturating_sub(rss_before) < 64 * 1024,
        "the hub's memory grew by {} KiB",
        rss_during - rss_before
    );

    // Once the attacker goes, its places come back.
    flood.stop().await;
    let recovered = until("a new address after the flood", async || {
        tls_from(BYSTANDER, addr, stranger(&hub)).await.is_ok()
    })
    .await;
    println!("after the flood, a new address gets in within {recovered:?}");
    task_a.abort();
    task_b.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_first_frame_from_a_stranger_is_refused_without_being_read() {
    let (_h, hub, addr) = hub(Limits::default()).await;
    // Only the length is sent: the refusal comes without the hub waiting for the body.
    let mut tls = tls_from(ATTACKERS[0], addr, stranger(&hub)).await.unwrap();
    let started = Instant::now();
    tls.write_all(&(64u32 * 1024).to_be_bytes()).await.unwrap();
    tls.flush().await.unwrap();
    assert_eq!(
        refusal_code(wire::read::<_, Response>(&mut tls).await),
        "too_large"
    );
    println!(
        "a stranger's 64 KiB length refused in {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        !matches!(wire::read::<_, Response>(&mut tls).await, Ok(Some(_))),
        "and the door closed"
    );
    // A stranger's small hello is read (and refused for what it is), and an enrolled seat may
    // send frames larger than a stranger's limit.
    let mut tls = tls_from(ATTACKERS[0], addr, stranger(&hub)).await.unwrap();
    wire::write(&mut tls, &hello()).await.unwrap();
    assert_eq!(
        refusal_code(wire::read::<_, Response>(&mut tls).await),
        "not_enrolled"
    );
    let (_a, a) = enrolled_seat(&hub, &addr.to_string(), "窓口1").await;
    let mut tls = tls_from(SEATS, addr, seat_config(&a)).await.unwrap();
    let mut body = wire::encode(&hello()).unwrap();
    body.resize(8 * 1024, b' ');
    tls.write_all(&frame(&body)).await.unwrap();
    assert!(matches!(
        wire::read::<_, Response>(&mut tls).await,
        Ok(Some(Response::Welcome(_)))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_attempts_beyond_the_rate_limit_are_refused_before_the_store_is_asked() {
    let every = Duration::from_secs(3);
    let limits = Limits::default()
        .strangers(16, 16)
        .enrolments(Rate::new(3, every), Rate::new(2, every));
    let (_h, hub, addr) = hub(limits).await;
    let attempt = |source: [u8; 4], code: String| {
        let config = stranger(&hub);
        async move {
            let mut tls = tls_from(source, addr, config).await.unwrap();
            tls.write_all(&enrol_frame(&code, "よそ")).await.unwrap();
            tls.flush().await.unwrap();
            wire::read::<_, Response>(&mut tls).await
        }
    };
    let wrong = || "AAAA-BBBB-CCCC".to_string();
    let [first, second] = ATTACKERS;
    let started = Instant::now();
    assert_eq!(refusal_code(attempt(first, wrong()).await), "not_enrolled");
    assert_eq!(refusal_code(attempt(first, wrong()).await), "not_enrolled");
    assert_eq!(
        refusal_code(attempt(first, wrong()).await),
        "rate_limited",
        "per address"
    );
    assert_eq!(refusal_code(attempt(second, wrong()).await), "not_enrolled");
    // The total is spent: even a valid code is refused, and the store never sees it.
    let (code, _) = tls::parse_enrolment(&hub.enrolment_string().await.unwrap()).unwrap();
    assert_eq!(
        refusal_code(attempt(second, code.clone()).await),
        "rate_limited",
        "in total"
    );
    assert!(
        started.elapsed() < every,
        "the attempts took {:?}; the buckets refilled meanwhile",
        started.elapsed()
    );
    // The code was not used up: once the buckets refill, it enrols.
    let enrolled = until("an enrolment after the refill", async || {
        match attempt(second, code.clone()).await {
            Ok(Some(Response::Enrolled { .. })) => true,
            other => {
                assert_eq!(refusal_code(other), "rate_limited");
                tokio::time::sleep(Duration::from_millis(250)).await;
                false
            }
        }
    })
    .await;
    println!("the valid code enrolled {enrolled:?} after the limit");
    assert_eq!(hub.seats().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn trickling_handshakes_frames_and_first_requests_are_cut_at_their_deadlines() {
    let (handshake, first_frame, frame_limit) = (
        Duration::from_millis(1000),
        Duration::from_millis(1500),
        Duration::from_millis(1000),
    );
    let limits = Limits::default()
        .handshake(handshake)
        .first_frame(first_frame)
        .frame(frame_limit);
    let (_h, hub, addr) = hub(limits).await;
    let (_a, a) = enrolled_seat(&hub, &addr.to_string(), "窓口1").await;
    let every = Duration::from_millis(100);
    let bound = Duration::from_secs(10);
    let mut slow_body = 200u32.to_be_bytes().to_vec();
    slow_body.extend([b' '; 200]);

    // A seat: a request first, then a frame whose body trickles.
    let seat = async {
        let mut tls = tls_from(SEATS, addr, seat_config(&a)).await.unwrap();
        wire::write(&mut tls, &hello()).await.unwrap();
        assert!(matches!(
            wire::read::<_, Response>(&mut tls).await,
            Ok(Some(Response::Welcome(_)))
        ));
        time_to_cut(tls, slow_body.clone(), every, bound).await
    };
    // A stranger: the same after its handshake.
    let stranger_frame = async {
        let tls = tls_from(ATTACKERS[0], addr, stranger(&hub)).await.unwrap();
        time_to_cut(tls, slow_body.clone(), every, bound).await
    };
    // A stranger that sends nothing after its handshake.
    let stranger_silent = async {
        let tls = tls_from(ATTACKERS[0], addr, stranger(&hub)).await.unwrap();
        time_to_cut(tls, Vec::new(), every, bound).await
    };
    // A ClientHello a byte at a time.
    let slow_hello = async {
        let tcp = tcp_from(ATTACKERS[1], addr).await.unwrap();
        time_to_cut(tcp, client_hello(stranger(&hub)), every, bound).await
    };
    let (seat, stranger_frame, stranger_silent, slow_hello) =
        tokio::join!(seat, stranger_frame, stranger_silent, slow_hello);
    println!(
        "cut after: a seat's trickling frame {seat:?} (deadline {frame_limit:?}), a stranger's \
         {stranger_frame:?} ({frame_limit:?}), a silent stranger {stranger_silent:?} \
         ({first_frame:?}), a trickling handshake {slow_hello:?} ({handshake:?})"
    );
    for (what, cut, deadline) in [
        ("seat's frame", seat, frame_limit),
        ("stranger's frame", stranger_frame, frame_limit),
        ("silent stranger", stranger_silent, first_frame),
        ("handshake", slow_hello, handshake),
    ] {
        let cut = cut.unwrap_or_else(|| panic!("{what}: not cut within {bound:?}"));
        assert!(
            cut >= deadline.mul_f32(0.9) && cut < deadline + Duration::from_secs(3),
            "{what}: cut after {cut:?}, deadline {deadline:?}"
        );
    }
    // The seat connects again at once.
    let mut tls = tls_from(SEATS, addr, seat_config(&a)).await.unwrap();
    wire::write(&mut tls, &hello()).await.unwrap();
    assert!(matches!(
        wire::read::<_, Response>(&mut tls).await,
        Ok(Some(Response::Welcome(_)))
    ));
}
