//! The network layer on loopback: enrolment, propagation between seats within a second,
//! and every kind of stranger refused with a clear error and no crash.
mod common;

use common::{book, enrolled_seat, hello, new_training_store, shared, store, with};

use std::{sync::Arc, time::Duration};

use madoguchi_core::{DataDir, Passphrase, Store};
use madoguchi_sync::{
    client::{self},
    hub::Hub,
    tls::{self, HubPin},
    wire::{self, Request, Response},
    Error,
};
use tokio::{io::AsyncWriteExt, net::TcpStream};

async fn hub() -> (tempfile::TempDir, Hub, String) {
    let tmp = tempfile::tempdir().unwrap();
    let hub = Hub::new(store(tmp.path(), "ハブ")).unwrap();
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (tmp, hub, addr.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_on_one_seat_shows_on_the_other_within_a_second() {
    let (_h, hub, addr) = hub().await;
    let (_a, a) = enrolled_seat(&hub, &addr, "窓口1").await;
    let (_b, b) = enrolled_seat(&hub, &addr, "窓口2").await;
    let link = with(&a, |s| s.sync_link().unwrap().unwrap());
    assert_eq!(
        link.hub_fingerprint,
        hub.fingerprint(),
        "the hub's whole fingerprint is pinned"
    );
    assert_eq!(hub.seats().await.unwrap().len(), 2);

    let wake_a = Arc::new(tokio::sync::Notify::new());
    let (task_a, _) = client::spawn(a.clone(), wake_a.clone());
    let (task_b, mut status_b) = client::spawn(b.clone(), Arc::new(tokio::sync::Notify::new()));
    // Both connected and caught up.
    while status_b.borrow().rounds == 0 {
        status_b.changed().await.unwrap();
    }
    let number = book(&a, "イチロウ");
    let started = std::time::Instant::now();
    wake_a.notify_one();
    loop {
        if with(&b, |s| s.reservation(number).is_ok()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "not on seat 2 within a second"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    task_a.abort();
    task_b.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unenrolled_client_gets_nothing() {
    let (_h, hub, addr) = hub().await;
    let tmp = tempfile::tempdir().unwrap();
    let stranger = store(tmp.path(), "よそ");
    let identity = stranger.sync_identity(tls::new_identity).unwrap();
    let mut conn = client::connect(&identity, &addr, HubPin::Exact(hub.fingerprint().into()))
        .await
        .unwrap();
    let err = conn.call(&hello()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "not_enrolled"),
        "{err}"
    );
    // And the door is closed after that one answer.
    assert!(conn.call(&hello()).await.is_err());
    // A wrong enrolment code is refused the same way.
    let mut conn = client::connect(&identity, &addr, HubPin::Exact(hub.fingerprint().into()))
        .await
        .unwrap();
    let err = conn
        .call(&Request::Enrol {
            code: "AAAA-BBBB-CCCC".into(),
            seat_id: stranger.meta().store_id,
            name: "よそ".into(),
            pending: 0,
            kind: Default::default(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "not_enrolled"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_seat_is_cut_off_at_once() {
    let (_h, hub, addr) = hub().await;
    let (_a, a) = enrolled_seat(&hub, &addr, "窓口1").await;
    let (identity, link, id) = with(&a, |s| {
        (
            s.sync_identity(tls::new_identity).unwrap(),
            s.sync_link().unwrap().unwrap(),
            s.meta().store_id,
        )
    });
    let mut conn = client::connect(
        &identity,
        &addr,
        HubPin::Exact(link.hub_fingerprint.clone()),
    )
    .await
    .unwrap();
    conn.call(&hello()).await.unwrap();
    hub.revoke(id).await.unwrap();
    // The open connection is closed by the hub, and a new one is refused.
    let err = conn.call(&hello()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "seat_revoked")
            || matches!(err, Error::Io(_)),
        "{err}"
    );
    let mut conn = client::connect(&identity, &addr, HubPin::Exact(link.hub_fingerprint))
        .await
        .unwrap();
    let err = conn.call(&hello()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "not_enrolled"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_in_the_middle_is_refused_by_the_pin() {
    let (_h, hub, _addr) = hub().await;
    // Another hub with its own self-signed certificate where the seat expects ours.
    let (_m, _mitm, mitm_addr) = self::hub().await;
    let tmp = tempfile::tempdir().unwrap();
    let seat = store(tmp.path(), "窓口1");
    let identity = seat.sync_identity(tls::new_identity).unwrap();
    let err = client::connect(
        &identity,
        &mitm_addr,
        HubPin::Exact(hub.fingerprint().into()),
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(&err, Error::Io(_) | Error::Tls(_)), "{err}");
    assert!(err.to_string().contains("pinned"), "{err}");
    // Enrolling against it with our hub's code fails the same way.
    let shared = shared(seat);
    let code = hub.enrolment_string().await.unwrap();
    let err = client::enrol(&shared, &mitm_addr, &code).await.unwrap_err();
    assert!(err.to_string().contains("pinned"), "{err}");
    assert!(with(&shared, |s| s.sync_link().unwrap().is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_1_2_is_refused() {
    let (_h, _hub, addr) = hub().await;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    #[derive(Debug)]
    struct AnyCert(Arc<rustls::crypto::CryptoProvider>);
    impl rustls::client::danger::ServerCertVerifier for AnyCert {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            m: &[u8],
            c: &rustls::pki_types::CertificateDer<'_>,
            d: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                m,
                c,
                d,
                &self.0.signature_verification_algorithms,
            )
        }
        fn verify_tls13_signature(
            &self,
            m: &[u8],
            c: &rustls::pki_types::CertificateDer<'_>,
            d: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                m,
                c,
                d,
                &self.0.signature_verification_algorithms,
            )
        }
        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCert(provider)))
        .with_no_client_auth();
    let tcp = TcpStream::connect(&addr).await.unwrap();
    let result = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(
            rustls::pki_types::ServerName::try_from("madoguchi.invalid").unwrap(),
            tcp,
        )
        .await;
    assert!(result.is_err(), "a TLS 1.2 handshake must fail");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_oversized_and_other_version_messages_are_refused_without_a_crash() {
    let (_h, hub, addr) = hub().await;
    let (_a, a) = enrolled_seat(&hub, &addr, "窓口1").await;
    let (identity, link) = with(&a, |s| {
        (
            s.sync_identity(tls::new_identity).unwrap(),
            s.sync_link().unwrap().unwrap(),
        )
    });
    let config =
        tls::client_config(&identity, HubPin::Exact(link.hub_fingerprint.clone())).unwrap();
    let raw = |bytes: Vec<u8>| {
        let config = config.clone();
        let addr = addr.clone();
        async move {
            let tcp = TcpStream::connect(&addr).await.unwrap();
            let mut tls = tokio_rustls::TlsConnector::from(config)
                .connect(
                    rustls::pki_types::ServerName::try_from(tls::CERT_NAME).unwrap(),
                    tcp,
                )
                .await
                .unwrap();
            tls.write_all(&bytes).await.unwrap();
            tls.flush().await.unwrap();
            wire::read::<_, Response>(&mut tls).await
        }
    };
    let frame = |body: &[u8]| {
        let mut v = (body.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    };
    let refused = |r: Result<Option<Response>, Error>| match r {
        Ok(Some(Response::Refused { code, .. })) => code,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused(raw(frame(br#"{"v":99,"type":"pull","after":0}"#)).await),
        "schema_version"
    );
    assert_eq!(refused(raw(frame(b"not json at all")).await), "malformed");
    assert_eq!(
        refused(
            raw(frame(
                br#"{"v":3,"m":{"type":"push","body":{"batch":[{"id":"x"}]}}}"#
            ))
            .await
        ),
        "malformed"
    );
    assert_eq!(
        refused(raw(((wire::MAX_FRAME + 1) as u32).to_be_bytes().to_vec()).await),
        "too_large"
    );
    // The hub is still serving.
    let mut conn = client::connect(&identity, &addr, HubPin::Exact(link.hub_fingerprint))
        .await
        .unwrap();
    assert!(matches!(
        conn.call(&hello()).await.unwrap(),
        Response::Welcome(_)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_bookings_drain_when_the_hub_comes_back() {
    let tmp = tempfile::tempdir().unwrap();
    let hub = Hub::new(store(tmp.path(), "ハブ")).unwrap();
    let (addr, task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (_a, a) = enrolled_seat(&hub, &addr.to_string(), "窓口1").await;
    let wake = Arc::new(tokio::sync::Notify::new());
    let (seat_task, mut status) = client::spawn(a.clone(), wake.clone());
    while status.borrow().rounds == 0 {
        status.changed().await.unwrap();
    }
    // The hub vanishes; the seat keeps booking.
    task.abort();
    drop(hub);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let numbers: Vec<_> = (0..3)
        .map(|i| book(&a, &format!("オフライン{i}")))
        .collect();
    assert_eq!(with(&a, |s| s.outbox_status().unwrap().pending), 3);
    // It comes back on the same address with the same store.
    let hub = loop {
        // The listener's port is free again once the old task is gone.
        let hub_store = Store::open(
            &DataDir::at(tmp.path()),
            &Passphrase::new("test passphrase".into()),
        )
        .map(|s| s.act_as_site("tests"));
        if let Ok(s) = hub_store {
            let hub = Hub::new(s).unwrap();
            if hub.clone().bind(addr).await.is_ok() {
                break hub;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    wake.notify_one();
    let started = std::time::Instant::now();
    while with(&a, |s| s.outbox_status().unwrap().pending) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the outbox did not drain"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for n in numbers {
        let on_hub = hub.with_store(move |s| s.reservation(n)).await;
        assert!(on_hub.is_ok());
    }
    // The seat's audit trail reached the hub too, link by link.
    let (id, own) = with(&a, |s| {
        (
            s.meta().store_id,
            s.audit_chain_head(s.meta().store_id).unwrap(),
        )
    });
    assert!(own > 0);
    let started = std::time::Instant::now();
    while hub
        .with_store(move |s| s.audit_chain_head(id))
        .await
        .unwrap()
        < own
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the audit chain did not reach the hub"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(hub.with_store(|s| s.verify_audit()).await.unwrap().intact());
    seat_task.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_live_connection_with_one_identity_is_refused() {
    // A disk image cloned onto a second PC: both hold the seat's key and certificate.
    let (_h, hub, addr) = hub().await;
    let (_a, a) = enrolled_seat(&hub, &addr, "窓口1").await;
    let (identity, link) = with(&a, |s| {
        (
            s.sync_identity(tls::new_identity).unwrap(),
            s.sync_link().unwrap().unwrap(),
        )
    });
    let pin = || HubPin::Exact(link.hub_fingerprint.clone());
    let mut first = client::connect(&identity, &addr, pin()).await.unwrap();
    assert!(matches!(
        first.call(&hello()).await.unwrap(),
        Response::Welcome(_)
    ));
    let mut clone = client::connect(&identity, &addr, pin()).await.unwrap();
    let err = clone.call(&hello()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "duplicate_connection")
            || matches!(err, Error::Io(_)),
        "{err}"
    );
    // The first PC keeps working; once it is gone, the identity may connect again.
    assert!(first.call(&hello()).await.is_ok());
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = client::connect(&identity, &addr, pin()).await.unwrap();
    assert!(matches!(
        again.call(&hello()).await.unwrap(),
        Response::Welcome(_)
    ));
}

/// A hub of `kind`'s store on loopback.
async fn hub_of(store: Store) -> (Hub, String) {
    let hub = Hub::new(store).unwrap();
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (hub, addr.to_string())
}

/// Enrols `seat` with `hub` as the operator manual says, and what the hub then holds.
async fn enrol_refused(hub: &Hub, addr: &str, seat: Store) -> (Error, usize) {
    let seat = shared(seat.act_as_site("tests"));
    let code = hub.enrolment_string().await.unwrap();
    let err = client::enrol(&seat, addr, &code).await.unwrap_err();
    assert!(
        with(&seat, |s| s.sync_link().unwrap().is_none()),
        "nothing pinned"
    );
    // The code is not used up: the right PC enrols with it.
    let right = tempfile::tempdir().unwrap();
    let kind = with(&seat, |s| s.kind());
    let other = shared(match kind {
        madoguchi_core::training_mode::StoreKind::Real => {
            new_training_store(right.path(), "正しい端末").act_as_site("tests")
        }
        madoguchi_core::training_mode::StoreKind::Training => store(right.path(), "正しい端末"),
    });
    client::enrol(&other, addr, &code).await.unwrap();
    (err, hub.seats().await.unwrap().len())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_training_seat_cannot_enrol_with_a_real_hub() {
    let (h, s) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (hub, addr) = hub_of(store(h.path(), "ハブ")).await;
    let (err, seats) = enrol_refused(&hub, &addr, new_training_store(s.path(), "研修1")).await;
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "sync_store_kind"),
        "{err}"
    );
    assert_eq!(seats, 1, "only the real PC enrolled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_seat_cannot_enrol_with_a_training_hub() {
    let (h, s) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (hub, addr) = hub_of(new_training_store(h.path(), "研修ハブ").act_as_site("tests")).await;
    let (err, seats) = enrol_refused(&hub, &addr, store(s.path(), "窓口1")).await;
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "sync_store_kind"),
        "{err}"
    );
    assert_eq!(seats, 1, "only the training PC enrolled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hello_of_the_other_kind_is_refused() {
    let (_h, hub, addr) = hub().await;
    let (_a, a) = enrolled_seat(&hub, &addr, "窓口1").await;
    let identity = with(&a, |s| s.sync_identity(tls::new_identity).unwrap());
    let mut conn = client::connect(&identity, &addr, HubPin::Exact(hub.fingerprint().into()))
        .await
        .unwrap();
    // An enrolled seat's identity, saying it is a training store (a store copied under it).
    let err = conn
        .call(&Request::Hello(
            madoguchi_core::store::sync::protocol::Hello {
                app_version: env!("CARGO_PKG_VERSION").into(),
                schema_version: madoguchi_core::store::migrate::known_version(),
                kind: madoguchi_core::training_mode::StoreKind::Training,
            },
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "sync_store_kind"),
        "{err}"
    );
    // And a training seat's store stops at a real hub's welcome, whatever the hub says.
    let t = tempfile::tempdir().unwrap();
    let training = new_training_store(t.path(), "研修1");
    assert!(matches!(
        training.check_hub_kind(madoguchi_core::training_mode::StoreKind::Real),
        Err(madoguchi_core::Error::SyncStoreKind { .. })
    ));
}
