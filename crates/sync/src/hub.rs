//! The hub: one TLS listener on the LAN, one task per seat connection, one store.
//!
//! Each request runs on the blocking pool against the hub's store (one SQLite connection
//! behind a mutex, so pushes are serialised, which the log's order needs anyway). Pushes and
//! pulls (which may change a seat's escrow) that arrive while the store is busy are executed
//! together, in one transaction and one write to disk (group commit), and answered once it is
//! committed. A pull's log entries are sent as they are stored, never read and written again.
//! A push that grows the log wakes every connected seat (`Notify`), so a booking on one seat
//! shows on the others within the round trip of a pull. Revoking a seat closes its connections
//! at once.
//!
//! Anyone on the LAN can open a connection, and any certificate completes the handshake (the
//! pin is checked after it), so the hub spends little on what it does not know yet ([`Limits`]):
//! connections are counted per address and in total before the handshake and closed at once
//! over the cap; every wait has a deadline (the handshake, a stranger's one request, the rest of
//! any frame, the pause between requests, each answer); a certificate that is not an enrolled
//! seat's may send one small frame, and enrolment attempts are rate-limited. A connection
//! identified as an enrolled seat leaves the anonymous pool, and addresses seats have connected
//! from have a reserve of their own, so strangers cannot crowd the seats out.
use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use madoguchi_core::{
    site::SiteId,
    store::sync::{protocol::ManagerProof, HubDone, HubJob, Pulled, SeatRecord},
    sync::{Envelope, PushResult, Quota},
    Store,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::{TcpSocket, TcpStream},
    sync::{broadcast, mpsc, oneshot},
    time::Instant,
};
use tokio_rustls::TlsAcceptor;
use uuid::Uuid;

use crate::{
    tls,
    wire::{self, Request, Response},
    Error, Result,
};

/// Connections the kernel completes and queues for the accept loop. A burst (a flood, or every
/// seat at once after a restart) waits there to be counted, and what is over the caps is closed
/// at once; with the usual 128, a burst overflows the queue and TCP retries a seat's connection
/// only a second or more later. The system may cap it lower (`net.core.somaxconn`).
const LISTEN_BACKLOG: u32 = 1024;

// The defaults of [`Limits`], for a LAN of 4–8 seats and one hub.

/// A TLS handshake on a LAN takes milliseconds (two round trips, one ECDSA signature each way,
/// a few more on a slow PC); 5 s is ample, and a stranger who stalls it gives its place back soon.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A certificate the hub does not know must send its one request whole within this of the
/// handshake: the app sends its enrolment (a few hundred bytes) at once.
const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Once a frame's length has arrived, the rest must follow within this; also the time a peer
/// has to take in each answer. A whole [`wire::MAX_FRAME`] in 15 s is 2.2 Mbit/s, far below
/// any LAN or office Wi-Fi, and frames are mostly a few KiB (answers at most about 1 MiB).
const FRAME_TIMEOUT: Duration = Duration::from_secs(15);

/// A connection with no request for this long is closed (seats ask every 5 s at least), so a
/// seat whose cable was pulled does not hold its identity's one live connection for long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a seat's new sync session waits for its previous one (just closed by its PC) to be
/// gone before it is taken for a second PC with the same identity.
const LIVE_WAIT: Duration = Duration::from_secs(2);

/// The largest frame from a certificate the hub does not know. Its one useful request, an
/// enrolment, is a 14-character code, a UUID, a seat name and a number: about 200 bytes.
const STRANGER_FRAME: usize = 4 * 1024;

/// Connections not yet identified (accepted, in the handshake, or being looked up) from one
/// address. A seat opens one at a time; 8 lets 8 seats behind one address (a terminal server)
/// reconnect at once after a hub restart.
const ANONYMOUS_PER_ADDRESS: usize = 8;

/// Connections not yet identified, in total, from addresses no seat has connected from: 8 for
/// each of 8 seats. Each place is held at most [`HANDSHAKE_TIMEOUT`] plus a look-up.
const ANONYMOUS: usize = 64;

/// Places beyond [`ANONYMOUS`] for connections from an address an enrolled seat has connected
/// from, so that seats still get in while strangers on many addresses fill the general pool:
/// two for each of 8 seats.
const SEAT_RESERVE: usize = 16;

/// How many addresses are remembered as seats' (the most recent; a LAN of 4–8 seats changes
/// addresses rarely).
const SEAT_ADDRESSES: usize = 32;

/// Identified strangers (a certificate that is not an enrolled seat's) at once, per address and
/// in total: enrolling is a person typing a code at one PC; a stranger holds its place at most
/// [`FIRST_FRAME_TIMEOUT`].
const STRANGERS_PER_ADDRESS: usize = 2;
/// See [`STRANGERS_PER_ADDRESS`].
const STRANGERS: usize = 4;

/// Enrolment attempts per address: 5 at once, then one every 12 s (5 a minute), enough for a
/// manager who mistypes the code a few times.
const ENROLMENTS_PER_ADDRESS: Rate = Rate::new(5, Duration::from_secs(12));

/// Enrolment attempts in total: 20 at once, then one every 3 s (20 a minute); nobody enrols
/// twenty seats a minute, and the codes (one-time, 10 minutes) are out of reach of guessing.
const ENROLMENTS: Rate = Rate::new(20, Duration::from_secs(3));

/// How much the hub gives connections, above all those it does not know yet. The defaults suit
/// a LAN of 4–8 seats (the reasons are beside the constants in `hub.rs` and in
/// `docs/sync-protocol.md`, "Resource limits"); tests shorten the times with the builder:
///
/// ```
/// # use std::time::Duration;
/// let limits = madoguchi_sync::hub::Limits::default()
///     .handshake(Duration::from_millis(500))
///     .frame(Duration::from_millis(500));
/// ```
#[derive(Debug, Clone)]
pub struct Limits {
    handshake: Duration,
    first_frame: Duration,
    frame: Duration,
    idle: Duration,
    stranger_frame: usize,
    anonymous: usize,
    anonymous_per_address: usize,
    seat_reserve: usize,
    strangers: usize,
    strangers_per_address: usize,
    enrolments: Rate,
    enrolments_per_address: Rate,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake: HANDSHAKE_TIMEOUT,
            first_frame: FIRST_FRAME_TIMEOUT,
            frame: FRAME_TIMEOUT,
            idle: IDLE_TIMEOUT,
            stranger_frame: STRANGER_FRAME,
            anonymous: ANONYMOUS,
            anonymous_per_address: ANONYMOUS_PER_ADDRESS,
            seat_reserve: SEAT_RESERVE,
            strangers: STRANGERS,
            strangers_per_address: STRANGERS_PER_ADDRESS,
            enrolments: ENROLMENTS,
            enrolments_per_address: ENROLMENTS_PER_ADDRESS,
        }
    }
}

impl Limits {
    /// How long a TLS handshake may take.
    pub fn handshake(mut self, limit: Duration) -> Self {
        self.handshake = limit;
        self
    }

    /// How long after the handshake a certificate the hub does not know has to send its one
    /// request, whole.
    pub fn first_frame(mut self, limit: Duration) -> Self {
        self.first_frame = limit;
        self
    }

    /// How long the rest of a frame may take once its length has arrived, and how long a peer
    /// may take to take in an answer.
    pub fn frame(mut self, limit: Duration) -> Self {
        self.frame = limit;
        self
    }

    /// How long an enrolled seat's connection may go without a request.
    pub fn idle(mut self, limit: Duration) -> Self {
        self.idle = limit;
        self
    }

    /// The largest frame a certificate the hub does not know may send (at most
    /// [`wire::MAX_FRAME`]).
    pub fn stranger_frame(mut self, bytes: usize) -> Self {
        self.stranger_frame = bytes;
        self
    }

    /// Connections not yet identified: in total (from addresses no seat has connected from),
    /// and from any one address.
    pub fn anonymous(mut self, total: usize, per_address: usize) -> Self {
        self.anonymous = total;
        self.anonymous_per_address = per_address;
        self
    }

    /// Places beyond [`Limits::anonymous`]'s total for addresses seats have connected from.
    pub fn seat_reserve(mut self, total: usize) -> Self {
        self.seat_reserve = total;
        self
    }

    /// Connections with a certificate that is not an enrolled seat's: in total and per address.
    pub fn strangers(mut self, total: usize, per_address: usize) -> Self {
        self.strangers = total;
        self.strangers_per_address = per_address;
        self
    }

    /// Enrolment attempts from strangers: in total and per address.
    pub fn enrolments(mut self, total: Rate, per_address: Rate) -> Self {
        self.enrolments = total;
        self.enrolments_per_address = per_address;
        self
    }
}

/// A rate limit as a token bucket: `burst` at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many may come at once.
    pub burst: u32,
    /// How often one more is allowed after that.
    pub every: Duration,
}

impl Rate {
    /// `burst` at once, then one every `every`.
    pub const fn new(burst: u32, every: Duration) -> Rate {
        Rate { burst, every }
    }
}

/// Events every connection listens to.
#[derive(Debug, Clone)]
enum Event {
    /// The log grew to this head.
    Head(u64),
    /// This seat was revoked: close its connections.
    Revoked(Uuid),
}

/// A running hub.
#[derive(Clone)]
pub struct Hub {
    store: Arc<std::sync::Mutex<Store>>,
    events: broadcast::Sender<Event>,
    name: String,
    fingerprint: String,
    /// Seats with a live connection: a second one with the same identity (a cloned disk) is
    /// refused while the first lives.
    live: Arc<std::sync::Mutex<std::collections::HashSet<Uuid>>>,
    /// The last head announced to the seats.
    announced: Arc<AtomicU64>,
    /// Who may connect, and how long they may take.
    gate: Arc<Gate>,
    /// Pushes and pulls waiting to be executed together ([`Hub::group`]).
    jobs: Arc<std::sync::Mutex<Vec<Job>>>,
}

/// A seat's push or pull waiting for the store, with where its answer goes.
enum Job {
    Push {
        seat: Uuid,
        batch: Vec<Envelope>,
        reply: oneshot::Sender<Result<(Vec<PushResult>, u64)>>,
    },
    Pull {
        seat: Uuid,
        after: u64,
        log_id: String,
        known: Option<String>,
        escrow_in_use: Vec<Quota>,
        reply: oneshot::Sender<Result<Pulled>>,
    },
}

/// An answer on its way to a peer: typed, or a frame's JSON object already made (a pull's
/// entries as stored).
enum Outgoing {
    Answer(Response),
    Json(String),
}

/// Holds a seat's place in [`Hub::live`] while its connection lives.
struct Live {
    set: Arc<std::sync::Mutex<std::collections::HashSet<Uuid>>>,
    seat: Uuid,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.seat);
    }
}

impl Hub {
    /// A hub serving `store` (its TLS identity is made on first use and kept in the store).
    pub fn new(store: Store) -> Result<Hub> {
        let identity = store.sync_identity(tls::new_identity)?;
        let name = store.meta().seat_name.clone();
        let (events, _) = broadcast::channel(256);
        Ok(Hub {
            store: Arc::new(std::sync::Mutex::new(store)),
            events,
            name,
            fingerprint: identity.fingerprint,
            live: Arc::default(),
            announced: Arc::default(),
            gate: Arc::new(Gate::new(Limits::default())),
            jobs: Arc::default(),
        })
    }

    /// The same hub with other limits (call it before [`Hub::bind`]).
    pub fn with_limits(self, limits: Limits) -> Hub {
        Hub {
            gate: Arc::new(Gate::new(limits)),
            ..self
        }
    }

    /// The hub's certificate fingerprint (shown with enrolment codes).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Runs `f` on the store on the blocking pool.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> madoguchi_core::Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&guard)
        })
        .await
        .map_err(|e| Error::Protocol(format!("store task failed: {e}")))?
        .map_err(Error::from)
    }

    /// Executes `job` with whatever other pushes and pulls are waiting, in one transaction
    /// (group commit): the first task to get the store takes every job queued by then, and
    /// answers each once they are committed. `answer` is where `job` replies.
    async fn group<T>(&self, job: Job, answer: oneshot::Receiver<Result<T>>) -> Result<T> {
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(job);
        let (store, jobs) = (self.store.clone(), self.jobs.clone());
        // Not awaited: another task may execute this job first; the answer says when it is done.
        drop(tokio::task::spawn_blocking(move || {
            let guard = store.lock().unwrap_or_else(|p| p.into_inner());
            let queued = std::mem::take(&mut *jobs.lock().unwrap_or_else(|p| p.into_inner()));
            if !queued.is_empty() {
                execute_group(&guard, queued);
            }
        }));
        answer
            .await
            .map_err(|_| Error::Protocol("the store task failed".into()))?
    }

    /// Executes a seat's push with others (see [`Hub::group`]); the results and the log's head.
    async fn push(&self, seat: Uuid, batch: Vec<Envelope>) -> Result<(Vec<PushResult>, u64)> {
        let (reply, answer) = oneshot::channel();
        self.group(Job::Push { seat, batch, reply }, answer).await
    }

    /// Answers a seat's pull with others (see [`Hub::group`]).
    async fn pull(
        &self,
        seat: Uuid,
        after: u64,
        log_id: String,
        known: Option<String>,
        escrow_in_use: Vec<Quota>,
    ) -> Result<Pulled> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Pull {
            seat,
            after,
            log_id,
            known,
            escrow_in_use,
            reply,
        };
        self.group(job, answer).await
    }

    /// A new one-time enrolment string for the manager to type on the new seat.
    pub async fn enrolment_string(&self) -> Result<String> {
        self.enrolment_string_for(None, None).await
    }

    /// A one-time enrolment string: for a new seat (of `site`, or the city's first), or
    /// (`seat`) re-admitting that revoked seat.
    pub async fn enrolment_string_for(
        &self,
        seat: Option<Uuid>,
        site: Option<SiteId>,
    ) -> Result<String> {
        let code = self
            .with_store(move |s| match (seat, site) {
                (Some(id), _) => s.hub_readmission_code(id),
                (None, Some(site)) => s.hub_enrolment_code_for(&site),
                (None, None) => s.hub_enrolment_code(),
            })
            .await?;
        Ok(tls::enrolment_string(&code, &self.fingerprint))
    }

    /// Revokes a seat: its pin is deleted and its open connections are closed now.
    pub async fn revoke(&self, seat_id: Uuid) -> Result<()> {
        self.with_store(move |s| s.hub_revoke(seat_id)).await?;
        let _ = self.events.send(Event::Revoked(seat_id));
        Ok(())
    }

    /// Enrolled seats.
    pub async fn seats(&self) -> Result<Vec<SeatRecord>> {
        self.with_store(|s| s.hub_seats()).await
    }

    /// Binds `addr` and serves until the task is dropped.
    pub async fn bind(self, addr: SocketAddr) -> Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        // As `TcpListener::bind` does (so a restarted hub binds its port again at once).
        #[cfg(not(windows))]
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        let listener = socket.listen(LISTEN_BACKLOG)?;
        let local = listener.local_addr()?;
        let identity = self
            .with_store(|s| s.sync_identity(tls::new_identity))
            .await?;
        let acceptor = TlsAcceptor::from(tls::server_config(&identity)?);
        tracing::info!(%local, "hub listening");
        let task = tokio::spawn(async move {
            loop {
                let (tcp, peer) = match listener.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                // Counted before anything is spent on it; over the cap, closed at once.
                let Some(place) = self.gate.admit(peer.ip()) else {
                    drop(tcp);
                    continue;
                };
                let hub = self.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Err(e) = hub.serve(acceptor, tcp, peer.ip(), place).await {
                        // No personal data in these errors: codes, sizes and addresses only.
                        tracing::info!(%peer, "connection ended: {e}");
                    }
                });
            }
        });
        Ok((local, task))
    }

    /// The seat's place among live sync sessions. A session its PC just closed (a command that
    /// ended, a reconnect) may not have been noticed yet, so the place is waited for briefly;
    /// still held after that, it belongs to another PC with the same identity.
    async fn take_live(&self, seat: Uuid) -> Option<Live> {
        let deadline = Instant::now() + LIVE_WAIT;
        loop {
            if self
                .live
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(seat)
            {
                return Some(Live {
                    set: self.live.clone(),
                    seat,
                });
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Serves one connection, which holds `anonymous` (its place at the gate) until it is known.
    async fn serve(
        &self,
        acceptor: TlsAcceptor,
        tcp: TcpStream,
        ip: IpAddr,
        anonymous: Place,
    ) -> Result<()> {
        let limits = self.gate.limits.clone();
        tcp.set_nodelay(true)?;
        let stream = match tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await {
            Ok(Ok(stream)) => stream,
            // Anyone can fail a handshake as often as they like: not worth a line in the log
            // each time (the gate's warning says when there are too many).
            Ok(Err(e)) => {
                tracing::debug!(%ip, "handshake failed: {e}");
                return Ok(());
            }
            Err(_) => {
                tracing::debug!(%ip, "handshake timed out");
                return Ok(());
            }
        };
        let fp = stream
            .get_ref()
            .1
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| madoguchi_core::store::sync::fingerprint(c))
            .ok_or_else(|| Error::Tls("no client certificate".into()))?;
        let lookup = fp.clone();
        let mut seat = match self
            .with_store(move |s| s.hub_seat_by_fingerprint(&lookup))
            .await
        {
            Ok(seat) => Some(seat),
            Err(Error::Store(madoguchi_core::Error::NotEnrolled)) => None,
            Err(e) => return Err(e),
        };
        // Known now: a seat leaves the anonymous pool; a stranger takes one of the few places
        // for strangers, or goes.
        let mut stranger = match &seat {
            Some(_) => {
                self.gate.seat_seen(ip);
                None
            }
            None => match self.gate.stranger(ip) {
                Some(place) => Some(place),
                None => return Ok(()),
            },
        };
        drop(anonymous);
        let (reader, mut writer) = tokio::io::split(stream);
        // The seat's one live sync session is taken at its first hello (administration and
        // enrolment need none, so the manager's tools work while the app syncs).
        let mut live: Option<Live> = None;
        let (tx, mut requests) = mpsc::channel::<Result<Request>>(4);
        let (promote, promoted) = oneshot::channel();
        let mut promote = seat.is_none().then_some(promote);
        let read_task = tokio::spawn(read_requests(
            reader,
            tx,
            limits.clone(),
            seat.is_none().then_some(promoted),
        ));
        let mut events = self.events.subscribe();
        let mut idle = Box::pin(tokio::time::sleep(limits.idle));
        let result = loop {
            tokio::select! {
                _ = &mut idle => break Ok(()),
                request = requests.recv() => {
                    idle.as_mut().reset(Instant::now() + limits.idle);
                    let request = match request {
                        None => break Ok(()),
                        Some(Err(e)) => {
                            let _ = send(&mut writer, &refusal(&e), limits.frame).await;
                            break Err(e);
                        }
                        Some(Ok(r)) => r,
                    };
                    if let (Some(s), None, Request::Hello(_)) = (&seat, &live, &request) {
                        match self.take_live(s.seat_id).await {
                            Some(place) => live = Some(place),
                            None => {
                                tracing::warn!(seat = %s.name, "a second connection with a live seat's identity (a copied disk?): refused");
                                let _ = send(&mut writer, &duplicate_connection(), limits.frame).await;
                                break Ok(());
                            }
                        }
                    }
                    // Before the store is asked anything (the answer's enrolment is a write).
                    if seat.is_none()
                        && matches!(request, Request::Enrol { .. })
                        && !self.gate.enrolment_allowed(ip)
                    {
                        let _ = send(&mut writer, &rate_limited(), limits.frame).await;
                        break Ok(());
                    }
                    let response = self.answer(&mut seat, &fp, request).await;
                    if seat.is_some() {
                        if let Some(promote) = promote.take() {
                            // Enrolled on this connection: a seat now, with a seat's limits.
                            drop(stranger.take());
                            self.gate.seat_seen(ip);
                            let _ = promote.send(());
                        }
                    }
                    match &response {
                        Outgoing::Answer(response) => send(&mut writer, response, limits.frame).await?,
                        Outgoing::Json(json) => send_json(&mut writer, json, limits.frame).await?,
                    }
                    if seat.is_none() {
                        break Ok(()); // a stranger gets one answer, then the door
                    }
                }
                event = events.recv() => match event {
                    Ok(Event::Head(head)) if seat.is_some() => send(&mut writer, &Response::Notify { head }, limits.frame).await?,
                    Ok(Event::Revoked(id)) if seat.as_ref().is_some_and(|s| s.seat_id == id) => {
                        let _ = send(&mut writer, &refusal(&Error::Store(madoguchi_core::Error::SeatRevoked)), limits.frame).await;
                        break Ok(());
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) if seat.is_some() => {
                        let head = self.with_store(|s| s.hub_head()).await?;
                        send(&mut writer, &Response::Notify { head }, limits.frame).await?;
                    }
                    _ => {}
                },
            }
        };
        read_task.abort();
        match result {
            // Likewise a stranger's connection (a successful enrolment is logged by `answer`).
            Err(e) if seat.is_none() => {
                tracing::debug!(%ip, "a stranger's connection ended: {e}");
                Ok(())
            }
            result => result,
        }
    }

    async fn answer(&self, seat: &mut Option<SeatRecord>, fp: &str, request: Request) -> Outgoing {
        let result: Result<Response> = match (seat.clone(), request) {
            (
                _,
                Request::Enrol {
                    code,
                    seat_id,
                    name,
                    pending,
                    kind,
                },
            ) => {
                let fp = fp.to_owned();
                match self
                    .with_store(move |s| {
                        let record =
                            s.hub_enrol_of_kind(kind, &code, seat_id, &name, &fp, pending)?;
                        Ok((record, s.kind()))
                    })
                    .await
                {
                    Ok((record, hub_kind)) => {
                        tracing::info!(seat = %record.name, "seat enrolled");
                        *seat = Some(record);
                        Ok(Response::Enrolled {
                            hub_name: self.name.clone(),
                            kind: hub_kind,
                        })
                    }
                    Err(e) => Err(e),
                }
            }
            (None, _) => Err(Error::Store(madoguchi_core::Error::NotEnrolled)),
            (
                Some(s),
                Request::NewCode {
                    manager,
                    seat,
                    site,
                },
            ) => match self.admin(&s, manager, "enrolment_code").await {
                Ok(()) => self
                    .enrolment_string_for(seat, site)
                    .await
                    .map(|enrolment| Response::Code { enrolment }),
                Err(e) => Err(e),
            },
            (Some(s), Request::Seats { manager }) => {
                match self.admin(&s, manager, "seat_list").await {
                    Ok(()) => self.seats().await.map(|seats| Response::SeatList { seats }),
                    Err(e) => Err(e),
                }
            }
            (Some(s), Request::Revoke { seat_id, manager }) => {
                match self.admin(&s, manager, "revoke").await {
                    Ok(()) => self.revoke(seat_id).await.map(|()| Response::Revoked),
                    Err(e) => Err(e),
                }
            }
            (Some(s), Request::Push { batch }) => {
                match self.push(s.seat_id, batch).await {
                    Ok((results, head)) => {
                        // Only a log that grew wakes the seats (a push answered again logs
                        // nothing).
                        if self.announced.fetch_max(head, Ordering::SeqCst) < head {
                            let _ = self.events.send(Event::Head(head));
                        }
                        Ok(Response::Pushed { results })
                    }
                    Err(e) => Err(e),
                }
            }
            (
                Some(s),
                Request::Pull {
                    after,
                    log_id,
                    known,
                    escrow_in_use,
                },
            ) => {
                return match self
                    .pull(s.seat_id, after, log_id, known, escrow_in_use)
                    .await
                    .and_then(|pulled| Ok(pulled.to_json()?))
                {
                    Ok(json) => Outgoing::Json(json),
                    Err(e) => Outgoing::Answer(refusal(&e)),
                };
            }
            (Some(s), request) => {
                let id = s.seat_id;
                self.with_store(move |st| st.hub_answer(id, request)).await
            }
        };
        Outgoing::Answer(result.unwrap_or_else(|e| refusal(&e)))
    }

    /// An administration request from an enrolled seat: the seat must still be enrolled and the
    /// PIN a manager's or deputy's on the hub's roster. Recorded in the hub's audit trail.
    async fn admin(
        &self,
        seat: &SeatRecord,
        manager: ManagerProof,
        what: &'static str,
    ) -> Result<()> {
        let id = seat.seat_id;
        let seat_name = seat.name.clone();
        self.with_store(move |s| {
            s.hub_seat(id)?;
            let member = s.hub_check_manager(&manager)?;
            s.audit_hub_admin(what, &member.code, &seat_name)
        })
        .await
    }
}

fn duplicate_connection() -> Response {
    Response::Refused {
        code: "duplicate_connection".into(),
        message: "this seat's identity is already connected from another PC".into(),
    }
}

/// The refusal a peer gets for an error (codes are stable; messages hold no personal data).
fn refusal(e: &Error) -> Response {
    Response::Refused {
        code: e.code(),
        message: e.to_string(),
    }
}

/// The refusal of an enrolment attempt over the rate limit.
fn rate_limited() -> Response {
    Response::Refused {
        code: "rate_limited".into(),
        message: "too many enrolment attempts: wait a minute and try again".into(),
    }
}

fn timed_out(what: &str) -> Error {
    Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, what))
}

/// Writes one answer, which the peer must take in within `limit` (a peer that stops reading
/// would otherwise hold its connection, and a seat's identity, until TCP gives up).
async fn send<W: AsyncWrite + Unpin>(
    w: &mut W,
    response: &Response,
    limit: Duration,
) -> Result<()> {
    tokio::time::timeout(limit, wire::write(w, response))
        .await
        .map_err(|_| timed_out("the peer did not take the answer in time"))?
}

/// Writes one answer whose JSON object is already made (see [`Outgoing::Json`]), with the
/// frame's version as [`wire::write`] gives it, within `limit`.
async fn send_json<W: AsyncWrite + Unpin>(w: &mut W, json: &str, limit: Duration) -> Result<()> {
    let frame = wire::frame_json(json)?;
    tokio::time::timeout(limit, async {
        use tokio::io::AsyncWriteExt as _;
        w.write_all(&(frame.len() as u32).to_be_bytes()).await?;
        w.write_all(&frame).await?;
        w.flush().await?;
        Ok(())
    })
    .await
    .map_err(|_| timed_out("the peer did not take the answer in time"))?
}

/// Executes a group of pushes and pulls in one transaction, in the order they came
/// ([`Store::hub_execute_group`]), and answers each once it is committed (a push with the log's
/// head then). When the store fails, every one of them is answered with that failure.
fn execute_group(store: &Store, jobs: Vec<Job>) {
    let asked: Vec<HubJob<'_>> = jobs
        .iter()
        .map(|job| match job {
            Job::Push { seat, batch, .. } => HubJob::Push { seat: *seat, batch },
            Job::Pull {
                seat,
                after,
                log_id,
                known,
                escrow_in_use,
                ..
            } => HubJob::Pull {
                seat: *seat,
                after: *after,
                log_id,
                known: known.as_deref(),
                escrow_in_use,
            },
        })
        .collect();
    // The head once committed, for the pushes' announcements. Answered with an error (when
    // the head cannot be read after the commit), a seat pushes again: pushes are idempotent.
    let executed = store
        .hub_execute_group(&asked)
        .and_then(|done| Ok((done, store.hub_head()?)));
    drop(asked);
    match executed {
        Ok((done, head)) => {
            for (job, done) in jobs.into_iter().zip(done) {
                match (job, done) {
                    (Job::Push { reply, .. }, HubDone::Pushed(result)) => {
                        let _ = reply.send(result.map(|r| (r, head)).map_err(Error::from));
                    }
                    (Job::Pull { reply, .. }, HubDone::Pulled(result)) => {
                        let _ = reply.send(result.map_err(Error::from));
                    }
                    (Job::Push { reply, .. }, _) => {
                        let _ = reply.send(Err(Error::Protocol("answer out of order".into())));
                    }
                    (Job::Pull { reply, .. }, _) => {
                        let _ = reply.send(Err(Error::Protocol("answer out of order".into())));
                    }
                }
            }
        }
        Err(e) => {
            tracing::warn!("a group of sync requests could not be committed: {e}");
            let failed = || Error::Protocol(format!("the hub could not store the changes: {e}"));
            for job in jobs {
                match job {
                    Job::Push { reply, .. } => drop(reply.send(Err(failed()))),
                    Job::Pull { reply, .. } => drop(reply.send(Err(failed()))),
                }
            }
        }
    }
}

/// Reads whole requests and forwards them to `serve` (reading is not cancel-safe, so it has
/// its own task). A stranger's connection (`promoted` is `Some`) may send one frame of at most
/// [`Limits::stranger_frame`], whole within [`Limits::first_frame`] of the handshake; the task
/// then waits to hear whether it became a seat (it enrolled): if so it reads on as for a seat,
/// else it ends. A seat's frames may be up to [`wire::MAX_FRAME`], each whole within
/// [`Limits::frame`] of its length; the wait between frames is bounded by `serve`'s idle timeout.
async fn read_requests<R: AsyncRead + Unpin>(
    mut reader: R,
    tx: mpsc::Sender<Result<Request>>,
    limits: Arc<Limits>,
    promoted: Option<oneshot::Receiver<()>>,
) {
    if let Some(promoted) = promoted {
        let first = tokio::time::timeout(
            limits.first_frame,
            wire::read_limited(&mut reader, limits.stranger_frame, Some(limits.frame)),
        )
        .await
        .unwrap_or_else(|_| Err(timed_out("the first request did not arrive in time")));
        if !forward(&tx, first).await || promoted.await.is_err() {
            return;
        }
    }
    loop {
        let next = wire::read_limited(&mut reader, wire::MAX_FRAME, Some(limits.frame)).await;
        if !forward(&tx, next).await {
            return;
        }
    }
}

/// Hands what was read to `serve`; false when reading should stop (a close, an error, or
/// `serve` gone).
async fn forward(tx: &mpsc::Sender<Result<Request>>, next: Result<Option<Request>>) -> bool {
    match next {
        Ok(Some(r)) => tx.send(Ok(r)).await.is_ok(),
        Ok(None) => false,
        Err(e) => {
            let _ = tx.send(Err(e)).await;
            false
        }
    }
}

/// Who may connect: places per remote address and in total, for connections not yet
/// identified (anonymous) and for strangers (identified, not enrolled seats), and the
/// enrolment rate limits. Enrolled seats hold no place: once identified they are bounded by
/// their number (one live connection per identity). Every count is freed when its [`Place`]
/// drops, and every map is bounded, so nothing here grows with what strangers send.
struct Gate {
    limits: Arc<Limits>,
    state: std::sync::Mutex<GateState>,
}

#[derive(Default)]
struct GateState {
    /// Anonymous connections per address (from the general pool and the reserve alike).
    anonymous: HashMap<IpAddr, usize>,
    /// Anonymous connections holding a place of the general pool.
    general: usize,
    /// Anonymous connections holding a place of the seats' reserve.
    reserve: usize,
    /// Strangers per address.
    strangers: HashMap<IpAddr, usize>,
    /// Strangers in total.
    stranger_total: usize,
    /// Addresses enrolled seats have connected from, with when (at most [`SEAT_ADDRESSES`]).
    seat_addresses: HashMap<IpAddr, Instant>,
    /// Enrolment attempts, in total and per address.
    enrolments: Option<Bucket>,
    enrolments_by_address: HashMap<IpAddr, Bucket>,
    /// Connections and attempts turned away since the last warning in the log, and when that
    /// warning was.
    refused: u64,
    warned: Option<Instant>,
}

impl GateState {
    /// Counts something turned away at the gate; says so in the log at most once a minute (a
    /// flood must not fill the log either).
    fn refuse(&mut self, what: &'static str) {
        self.refused += 1;
        let now = Instant::now();
        if self
            .warned
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(60))
        {
            tracing::warn!(
                count = self.refused,
                last = what,
                "turned away at the gate since the last warning: too many from one address or in total"
            );
            self.refused = 0;
            self.warned = Some(now);
        }
    }
}

/// Which count a [`Place`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pool {
    General,
    Reserve,
    Stranger,
}

/// A connection's place at the [`Gate`], given back when dropped.
struct Place {
    gate: Arc<Gate>,
    ip: IpAddr,
    pool: Pool,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut guard = self.gate.lock();
        let s = &mut *guard;
        let (by_address, total) = match self.pool {
            Pool::General => (&mut s.anonymous, &mut s.general),
            Pool::Reserve => (&mut s.anonymous, &mut s.reserve),
            Pool::Stranger => (&mut s.strangers, &mut s.stranger_total),
        };
        *total = total.saturating_sub(1);
        if let Some(n) = by_address.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                by_address.remove(&self.ip);
            }
        }
    }
}

/// A token bucket for a [`Rate`].
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(rate: Rate, now: Instant) -> Bucket {
        Bucket {
            tokens: f64::from(rate.burst),
            at: now,
        }
    }

    /// Refills for the time since the last look; true when it is full again.
    fn refill(&mut self, rate: Rate, now: Instant) -> bool {
        let burst = f64::from(rate.burst);
        let elapsed = now.saturating_duration_since(self.at);
        self.tokens = if rate.every.is_zero() {
            burst
        } else {
            (self.tokens + elapsed.as_secs_f64() / rate.every.as_secs_f64()).min(burst)
        };
        self.at = now;
        self.tokens >= burst
    }
}

impl Gate {
    fn new(limits: Limits) -> Gate {
        Gate {
            limits: Arc::new(limits),
            state: std::sync::Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a connection just accepted from `ip`, or `None`: close it at once.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Place> {
        let mut s = self.lock();
        let pool =
            if s.anonymous.get(&ip).copied().unwrap_or(0) >= self.limits.anonymous_per_address {
                None
            } else if s.general < self.limits.anonymous {
                Some(Pool::General)
            } else if s.reserve < self.limits.seat_reserve && s.seat_addresses.contains_key(&ip) {
                Some(Pool::Reserve)
            } else {
                None
            };
        let Some(pool) = pool else {
            s.refuse("connection");
            return None;
        };
        *s.anonymous.entry(ip).or_default() += 1;
        match pool {
            Pool::General => s.general += 1,
            _ => s.reserve += 1,
        }
        Some(Place {
            gate: self.clone(),
            ip,
            pool,
        })
    }

    /// A place for a stranger from `ip` (after its handshake), or `None`: close it at once.
    fn stranger(self: &Arc<Self>, ip: IpAddr) -> Option<Place> {
        let mut s = self.lock();
        if s.stranger_total >= self.limits.strangers
            || s.strangers.get(&ip).copied().unwrap_or(0) >= self.limits.strangers_per_address
        {
            s.refuse("stranger");
            return None;
        }
        *s.strangers.entry(ip).or_default() += 1;
        s.stranger_total += 1;
        Some(Place {
            gate: self.clone(),
            ip,
            pool: Pool::Stranger,
        })
    }

    /// Notes that an enrolled seat connected from `ip` (its address then draws on the reserve).
    fn seat_seen(&self, ip: IpAddr) {
        let mut s = self.lock();
        s.seat_addresses.insert(ip, Instant::now());
        if s.seat_addresses.len() > SEAT_ADDRESSES {
            if let Some(oldest) = s
                .seat_addresses
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(ip, _)| *ip)
            {
                s.seat_addresses.remove(&oldest);
            }
        }
    }

    /// Whether a stranger from `ip` may try to enrol now (it counts as an attempt if so).
    fn enrolment_allowed(&self, ip: IpAddr) -> bool {
        self.enrolment_allowed_at(ip, Instant::now())
    }

    fn enrolment_allowed_at(&self, ip: IpAddr, now: Instant) -> bool {
        let (total_rate, rate) = (self.limits.enrolments, self.limits.enrolments_per_address);
        let mut guard = self.lock();
        let s = &mut *guard;
        let total = s
            .enrolments
            .get_or_insert_with(|| Bucket::full(total_rate, now));
        total.refill(total_rate, now);
        let mine = s
            .enrolments_by_address
            .entry(ip)
            .or_insert_with(|| Bucket::full(rate, now));
        mine.refill(rate, now);
        let allowed = mine.tokens >= 1.0 && total.tokens >= 1.0;
        if allowed {
            mine.tokens -= 1.0;
            total.tokens -= 1.0;
        }
        // A full bucket says nothing: forget it. Only allowed attempts empty one, and the total
        // bounds those, so the map stays small.
        if s.enrolments_by_address.len() > 64 {
            s.enrolments_by_address.retain(|_, b| !b.refill(rate, now));
        }
        if !allowed {
            s.refuse("enrolment attempt");
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pull_answered_with_the_entries_as_stored_reads_as_the_typed_answer() {
        use madoguchi_core::{
            reservation::{ApplicantType, Channel, Procedure},
            store::NewApplicant,
            DataDir, KdfCost, NewStore, Passphrase, Personal,
        };
        let tmp = tempfile::tempdir().unwrap();
        let store = |name: &str| {
            Store::create(
                &DataDir::at(tmp.path().join(name)),
                &Passphrase::new("test passphrase".into()),
                &NewStore {
                    site_name: "テスト市".into(),
                    seat_name: name.into(),
                },
                KdfCost::insecure_for_tests(),
            )
            .unwrap()
            .act_as_site("tests")
        };
        let (hub, seat) = (store("hub"), store("seat"));
        let id = seat.meta().store_id;
        let code = hub.hub_enrolment_code().unwrap();
        hub.hub_enrol(&code, id, "seat", "fp", 0).unwrap();
        let day = (7..21)
            .map(|i| seat.today() + chrono::Days::new(i))
            .find(|d| seat.day_schedule(*d).is_ok_and(|s| !s.is_empty()))
            .unwrap();
        for (i, name) in ["見本 一", "見本 二"].into_iter().enumerate() {
            let person = NewApplicant {
                name_kanji: Personal::new(name.to_owned()),
                name_kana: Personal::new(format!("ミホン {i}")),
                phone: Some(Personal::new(format!("090-1234-000{i}"))),
                birth_date: None,
            };
            let starts = seat.day_schedule(day).unwrap()[i].starts;
            let kind = (
                person,
                ApplicantType::ApplicantSelf,
                vec![Procedure::CardIssue],
            );
            seat.book(
                day,
                starts,
                Channel::Phone,
                vec![kind],
                "メモ \"引用\" \\ 改行\n",
            )
            .unwrap();
        }
        let results = hub
            .hub_push(id, &seat.pending_envelopes(10).unwrap())
            .unwrap();
        assert_eq!(results.len(), 2);
        let (log_id, _) = hub.hub_state().unwrap();
        let as_json = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
        for pulled in [
            hub.hub_pull(id, 0, &log_id, None, &[]).unwrap(),
            hub.hub_pull(id, 1, &log_id, None, &[]).unwrap(),
            hub.hub_pull(id, 0, "another log", None, &[]).unwrap(),
        ] {
            let frame = wire::frame_json(&pulled.to_json().unwrap()).unwrap();
            let typed = wire::encode(&pulled.clone().into_answer().unwrap()).unwrap();
            assert_eq!(as_json(&frame), as_json(&typed));
            match (wire::decode::<Response>(&frame).unwrap(), pulled) {
                (Response::Changes { entries, head, .. }, Pulled::Changes { entries: raw, .. }) => {
                    assert_eq!((entries.len(), head), (raw.len(), 2));
                    assert!(!entries[0].effects.is_empty());
                }
                (Response::Reset { reason }, Pulled::Reset { .. }) => assert_eq!(reason, "log_id"),
                (answer, pulled) => panic!("{answer:?} read from {pulled:?}"),
            }
        }
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 168, 1, last])
    }

    fn gate(limits: Limits) -> Arc<Gate> {
        Arc::new(Gate::new(limits))
    }

    #[test]
    fn connections_are_capped_per_address_and_in_total_and_places_come_back() {
        let gate = gate(Limits::default().anonymous(3, 2).seat_reserve(0));
        let a1 = gate.admit(ip(1)).unwrap();
        let _a2 = gate.admit(ip(1)).unwrap();
        assert!(gate.admit(ip(1)).is_none(), "over the per-address cap");
        let _b1 = gate.admit(ip(2)).unwrap();
        assert!(gate.admit(ip(3)).is_none(), "over the total");
        drop(a1);
        assert!(
            gate.admit(ip(3)).is_some(),
            "a place given back is free again"
        );
    }

    #[test]
    fn addresses_seats_connected_from_have_a_reserve_when_the_pool_is_full() {
        let gate = gate(Limits::default().anonymous(2, 8).seat_reserve(1));
        let _flood: Vec<_> = (0..2).map(|_| gate.admit(ip(66)).unwrap()).collect();
        assert!(gate.admit(ip(10)).is_none(), "an unknown address waits");
        gate.seat_seen(ip(10));
        let seat = gate
            .admit(ip(10))
            .expect("a seat's address draws on the reserve");
        assert!(gate.admit(ip(10)).is_none(), "the reserve is bounded too");
        drop(seat);
        assert!(gate.admit(ip(10)).is_some());
        assert!(
            gate.admit(ip(66)).is_none(),
            "strangers never get the reserve"
        );
    }

    #[test]
    fn strangers_have_a_few_places_of_their_own() {
        let gate = gate(Limits::default().strangers(3, 2));
        let s1 = gate.stranger(ip(1)).unwrap();
        let _s2 = gate.stranger(ip(1)).unwrap();
        assert!(gate.stranger(ip(1)).is_none());
        let _s3 = gate.stranger(ip(2)).unwrap();
        assert!(gate.stranger(ip(3)).is_none());
        // Anonymous places are counted apart.
        assert!(gate.admit(ip(1)).is_some());
        drop(s1);
        let _s4 = gate.stranger(ip(3)).unwrap();
        let s = gate.lock();
        assert_eq!((s.stranger_total, s.strangers.len()), (3, 3));
    }

    #[test]
    fn every_count_and_map_empties_when_the_connections_are_gone() {
        let gate = gate(Limits::default());
        let places: Vec<_> = (0..50u8)
            .flat_map(|i| [gate.admit(ip(i)), gate.stranger(ip(i))])
            .flatten()
            .collect();
        assert!(!places.is_empty());
        drop(places);
        let s = gate.lock();
        assert_eq!((s.general, s.reserve, s.stranger_total), (0, 0, 0));
        assert!(s.anonymous.is_empty() && s.strangers.is_empty());
    }

    #[test]
    fn only_the_latest_seat_addresses_are_remembered() {
        let gate = gate(Limits::default());
        for i in 0..(SEAT_ADDRESSES as u8 + 10) {
            gate.seat_seen(ip(i));
        }
        let s = gate.lock();
        assert_eq!(s.seat_addresses.len(), SEAT_ADDRESSES);
        assert!(s.seat_addresses.contains_key(&ip(SEAT_ADDRESSES as u8 + 9)));
    }

    #[test]
    fn enrolment_attempts_are_limited_per_address_and_in_total_and_recover() {
        let every = Duration::from_secs(10);
        let gate = gate(Limits::default().enrolments(Rate::new(3, every), Rate::new(2, every)));
        let t0 = Instant::now();
        assert!(gate.enrolment_allowed_at(ip(1), t0));
        assert!(gate.enrolment_allowed_at(ip(1), t0));
        assert!(!gate.enrolment_allowed_at(ip(1), t0), "per address");
        assert!(gate.enrolment_allowed_at(ip(2), t0));
        assert!(!gate.enrolment_allowed_at(ip(3), t0), "in total");
        // A refusal costs the address nothing: the total refills and ip(3) gets in.
        assert!(gate.enrolment_allowed_at(ip(3), t0 + every));
        assert!(!gate.enrolment_allowed_at(ip(1), t0 + every));
        assert!(gate.enrolment_allowed_at(ip(1), t0 + every * 3));
    }

    #[test]
    fn the_enrolment_buckets_do_not_grow_with_the_number_of_addresses() {
        let gate = gate(Limits::default());
        let t0 = Instant::now();
        for i in 0..10_000u32 {
            let addr = IpAddr::from((0x0a00_0000 + i).to_be_bytes());
            gate.enrolment_allowed_at(addr, t0 + Duration::from_millis(u64::from(i)));
        }
        let s = gate.lock();
        assert!(
            s.enrolments_by_address.len() <= 128,
            "{}",
            s.enrolments_by_address.len()
        );
    }
}
