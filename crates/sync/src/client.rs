//! A seat's side of sync: enrol once, then rounds of push, pull and rebase, kept running in
//! the background with backoff while the hub is away.
use std::{sync::Arc, time::Duration};

use madoguchi_core::Store;
use tokio::{
    io::{ReadHalf, WriteHalf},
    net::TcpStream,
    sync::{mpsc, watch, Notify},
};
use tokio_rustls::{client::TlsStream, TlsConnector};

use madoguchi_core::store::sync::{SeatRound, Step};

use crate::{
    tls::{self, HubPin},
    wire::{self, Request, Response},
    Error, Result,
};

/// The seat's store, shared with the app.
pub type SharedStore = Arc<std::sync::Mutex<Option<Store>>>;

async fn with_store<T: Send + 'static>(
    store: &SharedStore,
    f: impl FnOnce(&Store) -> madoguchi_core::Result<T> + Send + 'static,
) -> Result<T> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let guard = store.lock().unwrap_or_else(|p| p.into_inner());
        let s = guard.as_ref().ok_or(madoguchi_core::Error::NotSignedIn)?;
        f(s)
    })
    .await
    .map_err(|e| Error::Protocol(format!("store task failed: {e}")))?
    .map_err(Error::from)
}

/// An open, authenticated connection to the hub.
pub struct Connection {
    writer: WriteHalf<TlsStream<TcpStream>>,
    responses: mpsc::Receiver<Result<Response>>,
    /// Raised when the hub announces new entries.
    pub notified: Arc<Notify>,
    /// The hub's certificate fingerprint, as the handshake presented it.
    pub hub_fingerprint: String,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Connects to the hub over TLS 1.3 with this store's identity, pinning the hub.
pub async fn connect(
    identity: &madoguchi_core::store::sync::Identity,
    addr: &str,
    pin: HubPin,
) -> Result<Connection> {
    let config = tls::client_config(identity, pin)?;
    let tcp = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr))
        .await
        .map_err(|_| Error::Io(std::io::ErrorKind::TimedOut.into()))??;
    tcp.set_nodelay(true)?;
    let name = rustls::pki_types::ServerName::try_from(tls::CERT_NAME)
        .map_err(|e| Error::Tls(e.to_string()))?;
    let stream = tokio::time::timeout(
        Duration::from_secs(10),
        TlsConnector::from(config).connect(name, tcp),
    )
    .await
    .map_err(|_| Error::Tls("handshake timed out".into()))??;
    let hub_fingerprint = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| madoguchi_core::store::sync::fingerprint(c))
        .ok_or_else(|| Error::Tls("the hub sent no certificate".into()))?;
    let (reader, writer) = tokio::io::split(stream);
    let notified = Arc::new(Notify::new());
    let (tx, responses) = mpsc::channel(8);
    let reader = tokio::spawn(read_loop(reader, tx, notified.clone()));
    Ok(Connection {
        writer,
        responses,
        notified,
        hub_fingerprint,
        reader,
    })
}

async fn read_loop(
    mut reader: ReadHalf<TlsStream<TcpStream>>,
    tx: mpsc::Sender<Result<Response>>,
    notified: Arc<Notify>,
) {
    loop {
        match wire::read::<_, Response>(&mut reader).await {
            Ok(Some(Response::Notify { .. })) => notified.notify_one(),
            Ok(Some(r)) => {
                if tx.send(Ok(r)).await.is_err() {
                    return;
                }
            }
            Ok(None) => {
                let _ = tx
                    .send(Err(Error::Io(std::io::ErrorKind::ConnectionReset.into())))
                    .await;
                // Wake the seat's loop: its next call fails at once and it reconnects, instead
                // of noticing only at its next 5-second round (a hub restarted or restored).
                notified.notify_one();
                return;
            }
            Err(e) => {
                let _ = tx.send(Err(e)).await;
                notified.notify_one();
                return;
            }
        }
    }
}

impl Connection {
    /// Sends a request and waits for its answer (a refusal becomes [`Error::Refused`]).
    pub async fn call(&mut self, request: &Request) -> Result<Response> {
        wire::write(&mut self.writer, request).await?;
        let response = tokio::time::timeout(Duration::from_secs(30), self.responses.recv())
            .await
            .map_err(|_| Error::Io(std::io::ErrorKind::TimedOut.into()))?
            .ok_or_else(|| Error::Io(std::io::ErrorKind::ConnectionReset.into()))??;
        match response {
            Response::Refused { code, message } => Err(Error::Refused { code, message }),
            r => Ok(r),
        }
    }
}

/// Enrols this seat with a hub: `enrolment` is the string the hub shows (one-time code and
/// the start of its fingerprint). On success the hub's full fingerprint is pinned in the store.
pub async fn enrol(store: &SharedStore, addr: &str, enrolment: &str) -> Result<String> {
    let (code, prefix) = tls::parse_enrolment(enrolment)?;
    let (identity, seat_id, name, pending, kind) = with_store(store, |s| {
        Ok((
            s.sync_identity(tls::new_identity)?,
            s.meta().store_id,
            s.meta().seat_name.clone(),
            s.outbox_last_seq()?,
            s.kind(),
        ))
    })
    .await?;
    // The handshake only succeeds with a hub whose fingerprint starts with the typed prefix;
    // its full fingerprint is pinned from then on.
    let mut conn = connect(&identity, addr, HubPin::Prefix(prefix)).await?;
    let response = conn
        .call(&Request::Enrol {
            code,
            seat_id,
            name,
            pending,
            kind,
        })
        .await?;
    let Response::Enrolled {
        hub_name,
        kind: hub_kind,
    } = response
    else {
        return Err(Error::Protocol("unexpected answer to enrolment".into()));
    };
    // Checked here too: nothing is pinned with a hub of the other kind.
    with_store(store, move |s| s.check_hub_kind(hub_kind)).await?;
    let (a, n, f) = (
        addr.to_owned(),
        hub_name.clone(),
        conn.hub_fingerprint.clone(),
    );
    with_store(store, move |s| s.set_sync_link(&a, &f, &n)).await?;
    Ok(hub_name)
}

pub use madoguchi_core::store::sync::RoundReport as Round;

/// One sync round on an open connection, as [`madoguchi_core::store::sync::SeatRound`] says:
/// hello (versions, what the hub holds of this seat), push the outbox, pull and verify the
/// digest (or load a snapshot when the seat is new, its rows differ, or the hub's log is
/// another), take the escrow, ship the audit chain. The store is locked only for each step,
/// never while waiting for the hub.
pub async fn round(store: &SharedStore, conn: &mut Connection) -> Result<Round> {
    drive(store, conn, SeatRound::default()).await
}

/// Sends this seat's outbox only (at enrolment, so what this PC already holds reaches the hub
/// before another PC enrols); receiving the hub's data is the next round's.
pub async fn push_outbox(store: &SharedStore, conn: &mut Connection) -> Result<Round> {
    drive(store, conn, SeatRound::push_only()).await
}

/// How long the round leaves the store alone between two parts of its local work.
const BETWEEN_PARTS: Duration = Duration::from_millis(1);

/// Runs a round's steps, each with the store locked for that step only. While the hub prepares
/// an answer the seat does the round's local work (checking its kept digests, writing a
/// snapshot page) in parts, a moment apart, so that the hub and the seat work at once and a
/// screen waiting for the store gets it between two parts (the store's lock is not fair: the
/// loop would otherwise take it again first).
async fn drive(store: &SharedStore, conn: &mut Connection, mut state: SeatRound) -> Result<Round> {
    let mut answer = None;
    loop {
        let (next, step) = with_store(store, move |s| {
            let mut state = state;
            let step = s.sync_step(&mut state, answer)?;
            Ok((state, step))
        })
        .await?;
        state = next;
        let request = match step {
            Step::Done(report) => return Ok(report),
            Step::Send(request) => request,
        };
        if !state.has_work() {
            answer = Some(conn.call(&request).await?);
            continue;
        }
        wire::write(&mut conn.writer, &request).await?;
        while state.has_work() {
            tokio::time::sleep(BETWEEN_PARTS).await;
            state = with_store(store, move |s| {
                let mut state = state;
                s.sync_work(&mut state)?;
                Ok(state)
            })
            .await?;
        }
        answer = Some(
            match tokio::time::timeout(Duration::from_secs(30), conn.responses.recv())
                .await
                .map_err(|_| Error::Io(std::io::ErrorKind::TimedOut.into()))?
                .ok_or_else(|| Error::Io(std::io::ErrorKind::ConnectionReset.into()))??
            {
                Response::Refused { code, message } => {
                    return Err(Error::Refused { code, message })
                }
                r => r,
            },
        );
    }
}

/// The sync state the status indicator shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Connected to the hub now.
    pub connected: bool,
    /// The last error, when offline (English; no personal data).
    pub last_error: Option<String>,
    /// Its stable code (`sync_update_seat`, `sync_update_hub`, `seat_revoked`, `io`…), which
    /// the UI turns into a Japanese sentence.
    pub last_error_code: Option<String>,
    /// Rounds completed since start.
    pub rounds: u64,
    /// What the last round did.
    pub last_round: Option<Round>,
}

/// Keeps this seat in sync until the returned handle is dropped or aborted: connects (with
/// exponential backoff from 250 ms to 10 s while the hub is away), runs a round at once, then
/// whenever the hub announces new entries, `local` is notified (a local change), or 5 s pass
/// (so uploads retry even when nothing new is written).
pub fn spawn(
    store: SharedStore,
    local: Arc<Notify>,
) -> (tokio::task::JoinHandle<()>, watch::Receiver<Status>) {
    let (tx, rx) = watch::channel(Status::default());
    (tokio::spawn(run(store, local, tx)), rx)
}

/// The loop [`spawn`] runs, for callers that spawn on their own runtime (the desktop app).
pub async fn run(store: SharedStore, local: Arc<Notify>, tx: watch::Sender<Status>) {
    let mut backoff = Duration::from_millis(250);
    let mut status = Status::default();
    loop {
        match session(&store, &local, &tx, &mut status).await {
            Ok(()) => backoff = Duration::from_millis(250),
            Err(e) => {
                status.connected = false;
                // Codes and addresses only: sync errors never carry personal data.
                tracing::info!("sync stopped: {e}");
                status.last_error = Some(e.to_string());
                status.last_error_code = Some(e.code());
                let _ = tx.send(status.clone());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}

async fn session(
    store: &SharedStore,
    local: &Notify,
    tx: &watch::Sender<Status>,
    status: &mut Status,
) -> Result<()> {
    let (identity, link) = with_store(store, |s| {
        Ok((s.sync_identity(tls::new_identity)?, s.sync_link()?))
    })
    .await?;
    let link = link.ok_or(Error::NoHub)?;
    let mut conn = connect(
        &identity,
        &link.hub_address,
        HubPin::Exact(link.hub_fingerprint),
    )
    .await?;
    status.connected = true;
    status.last_error = None;
    status.last_error_code = None;
    let notified = conn.notified.clone();
    loop {
        status.last_round = Some(round(store, &mut conn).await?);
        status.rounds += 1;
        let _ = tx.send(status.clone());
        tokio::select! {
            _ = notified.notified() => {}
            _ = local.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}
