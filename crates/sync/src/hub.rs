//! The hub: one TLS listener on the LAN, one task per seat connection, one store.
//!
//! Each request runs on the blocking pool against the hub's store (one SQLite connection
//! behind a mutex, so pushes are serialised, which the log's order needs anyway). A push that
//! grows the log wakes every connected seat (`Notify`), so a booking on one seat shows on the
//! others within the round trip of a pull. Revoking a seat closes its connections at once.
use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use madoguchi_core::{store::sync::SeatRecord, Store};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{broadcast, mpsc},
};
use tokio_rustls::TlsAcceptor;
use uuid::Uuid;

use crate::{
    tls,
    wire::{self, Request, Response},
    Error, Result,
};

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection with no request for this long is closed (seats ask every 5 s at least), so a
/// seat whose cable was pulled does not hold its identity's one live connection for long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

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
        })
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

    /// A new one-time enrolment string for the manager to type on the new seat.
    pub async fn enrolment_string(&self) -> Result<String> {
        let code = self.with_store(|s| s.hub_enrolment_code()).await?;
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
        let listener = TcpListener::bind(addr).await?;
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
                let hub = self.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Err(e) = hub.serve(acceptor, tcp).await {
                        // No personal data in these errors: codes, sizes and addresses only.
                        tracing::info!(%peer, "connection ended: {e}");
                    }
                });
            }
        });
        Ok((local, task))
    }

    async fn serve(&self, acceptor: TlsAcceptor, tcp: TcpStream) -> Result<()> {
        tcp.set_nodelay(true)?;
        let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp))
            .await
            .map_err(|_| Error::Tls("handshake timed out".into()))??;
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
        let (mut reader, mut writer) = tokio::io::split(stream);
        let _live = match &seat {
            Some(s) => {
                if !self
                    .live
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(s.seat_id)
                {
                    tracing::warn!(seat = %s.name, "a second connection with a live seat's identity (a copied disk?): refused");
                    let _ = wire::write(
                        &mut writer,
                        &Response::Refused {
                            code: "duplicate_connection".into(),
                            message: "this seat's identity is already connected from another PC"
                                .into(),
                        },
                    )
                    .await;
                    return Ok(());
                }
                Some(Live {
                    set: self.live.clone(),
                    seat: s.seat_id,
                })
            }
            None => None,
        };
        // Reading is not cancel-safe, so a task reads and forwards whole requests.
        let (tx, mut requests) = mpsc::channel::<Result<Request>>(4);
        let read_task = tokio::spawn(async move {
            loop {
                let next = wire::read::<_, Request>(&mut reader).await;
                let stop = !matches!(next, Ok(Some(_)));
                match next {
                    Ok(Some(r)) => {
                        if tx.send(Ok(r)).await.is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.send(Err(e)).await;
                    }
                }
                if stop {
                    return;
                }
            }
        });
        let mut events = self.events.subscribe();
        let mut idle = Box::pin(tokio::time::sleep(IDLE_TIMEOUT));
        let result = loop {
            tokio::select! {
                _ = &mut idle => break Ok(()),
                request = requests.recv() => {
                    idle.as_mut().reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
                    let request = match request {
                        None => break Ok(()),
                        Some(Err(e)) => {
                            let _ = wire::write(&mut writer, &refusal(&e)).await;
                            break Err(e);
                        }
                        Some(Ok(r)) => r,
                    };
                    let response = self.answer(&mut seat, &fp, request).await;
                    let refused = matches!(response, Response::Refused { .. });
                    wire::write(&mut writer, &response).await?;
                    if refused && seat.is_none() {
                        break Ok(()); // a stranger gets one answer, then the door
                    }
                }
                event = events.recv() => match event {
                    Ok(Event::Head(head)) if seat.is_some() => wire::write(&mut writer, &Response::Notify { head }).await?,
                    Ok(Event::Revoked(id)) if seat.as_ref().is_some_and(|s| s.seat_id == id) => {
                        let _ = wire::write(&mut writer, &refusal(&Error::Store(madoguchi_core::Error::SeatRevoked))).await;
                        break Ok(());
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) if seat.is_some() => {
                        let head = self.with_store(|s| s.hub_head()).await?;
                        wire::write(&mut writer, &Response::Notify { head }).await?;
                    }
                    _ => {}
                },
            }
        };
        read_task.abort();
        result
    }

    async fn answer(&self, seat: &mut Option<SeatRecord>, fp: &str, request: Request) -> Response {
        let result: Result<Response> = match (seat.clone(), request) {
            (
                _,
                Request::Enrol {
                    code,
                    seat_id,
                    name,
                },
            ) => {
                let fp = fp.to_owned();
                match self
                    .with_store(move |s| s.hub_enrol(&code, seat_id, &name, &fp))
                    .await
                {
                    Ok(record) => {
                        tracing::info!(seat = %record.name, "seat enrolled");
                        *seat = Some(record);
                        Ok(Response::Enrolled {
                            hub_name: self.name.clone(),
                        })
                    }
                    Err(e) => Err(e),
                }
            }
            (None, _) => Err(Error::Store(madoguchi_core::Error::NotEnrolled)),
            (Some(_), Request::NewCode) => self
                .enrolment_string()
                .await
                .map(|enrolment| Response::Code { enrolment }),
            (Some(_), Request::Seats) => {
                self.seats().await.map(|seats| Response::SeatList { seats })
            }
            (Some(_), Request::Revoke { seat_id }) => {
                self.revoke(seat_id).await.map(|()| Response::Revoked)
            }
            (Some(s), request) => {
                let id = s.seat_id;
                let push = matches!(request, Request::Push { .. });
                let answer = self.with_store(move |st| st.hub_answer(id, request)).await;
                if push && answer.is_ok() {
                    let head = self
                        .with_store(|st| st.hub_head())
                        .await
                        .unwrap_or_default();
                    // Only a log that grew wakes the seats (a push answered again logs nothing).
                    if self.announced.fetch_max(head, Ordering::SeqCst) < head {
                        let _ = self.events.send(Event::Head(head));
                    }
                }
                answer
            }
        };
        result.unwrap_or_else(|e| refusal(&e))
    }
}

/// The refusal a peer gets for an error (codes are stable; messages hold no personal data).
fn refusal(e: &Error) -> Response {
    Response::Refused {
        code: e.code(),
        message: e.to_string(),
    }
}
