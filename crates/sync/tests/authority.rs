//! The hub is the authority, over real TLS on loopback: an enrolled PC that forges who made a
//! change is refused and audited and the other seats never apply it; hub administration needs
//! a manager's PIN checked by the hub; enrolment cannot take over a seat, and a revoked seat
//! does not come back by itself.
//!
//! The seats are set up as the operator manual says: the first PC gets its roster with
//! `madoguchi staff add` (here the demo roster) before it enrols; the second is unlocked with
//! nobody signed in; the third is an enrolled PC in an attacker's hands, sending requests of its
//! own making on a connection with its enrolled identity.
mod common;

use common::{book_at, hello, new_store as store, shared, with};

use madoguchi_core::{
    mutation::Mutation,
    people::{Role, StaffMutation},
    store::{sync::protocol::ManagerProof, NewStaff, Pin},
    sync::{Envelope, PushOutcome},
    Store,
};
use madoguchi_sync::{
    client::{self, Connection, SharedStore},
    hub::Hub,
    tls::{self, HubPin},
    wire::{Request, Response},
    Error,
};

fn proof(staff: &str, pin: &str) -> ManagerProof {
    ManagerProof {
        staff: staff.into(),
        pin: Pin::new(pin),
    }
}

/// A booking for someone new, a week ahead, made by whoever the store acts for.
fn book(s: &Store, who: usize) {
    let at = chrono::NaiveTime::from_hms_opt(9 + who as u32 / 2, 30 * (who as u32 % 2), 0).unwrap();
    book_at(s, &who.to_string(), at);
}

/// A connection with this seat's enrolled identity (what a program on that PC can open).
async fn connect_as(seat: &SharedStore, addr: &str) -> Connection {
    let (identity, link) = with(seat, |s| {
        (
            s.sync_identity(tls::new_identity).unwrap(),
            s.sync_link().unwrap().unwrap(),
        )
    });
    client::connect(&identity, addr, HubPin::Exact(link.hub_fingerprint))
        .await
        .unwrap()
}

fn refused(result: Result<Response, Error>) -> String {
    match result {
        Err(Error::Refused { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

struct Site {
    _dirs: Vec<tempfile::TempDir>,
    hub: Hub,
    addr: String,
    first: SharedStore,
    second: SharedStore,
}

/// A hub; the first PC with the demo roster added before it enrols; a second PC enrolled and
/// left at the sign-in screen, caught up.
async fn site() -> Site {
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(store(hub_dir.path(), "ハブ").act_as_site("hub")).unwrap();
    let (addr, _task) = hub
        .clone()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = addr.to_string();

    let first_dir = tempfile::tempdir().unwrap();
    let first = store(first_dir.path(), "窓口1").act_as_site("cli");
    madoguchi_core::demo::seed_staff(&first).unwrap();
    let first = shared(first);
    client::enrol(&first, &addr, &hub.enrolment_string().await.unwrap())
        .await
        .unwrap();
    let mut conn = connect_as(&first, &addr).await;
    client::round(&first, &mut conn).await.unwrap();
    drop(conn);

    let second_dir = tempfile::tempdir().unwrap();
    let second = shared(store(second_dir.path(), "窓口2"));
    client::enrol(&second, &addr, &hub.enrolment_string().await.unwrap())
        .await
        .unwrap();
    let mut conn = connect_as(&second, &addr).await;
    client::round(&second, &mut conn).await.unwrap();
    assert_eq!(
        with(&second, |s| s
            .check_pin("M001", &Pin::new("1234"))
            .unwrap()
            .role),
        Role::Manager,
        "the roster reached the second PC with nobody signed in"
    );
    Site {
        _dirs: vec![hub_dir, first_dir, second_dir],
        hub,
        addr,
        first,
        second,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_identities_are_refused_audited_and_never_reach_the_other_seats() {
    let site = site().await;
    // The manager takes S003 off the roster at the first PC.
    with(&site.first, |s| {
        s.sign_in("M001", &Pin::new("1234")).unwrap();
        s.update_staff("S003", Role::Staff, false).unwrap();
        s.sign_out().unwrap();
    });
    let mut conn = connect_as(&site.first, &site.addr).await;
    client::round(&site.first, &mut conn).await.unwrap();
    drop(conn);

    // The attacker's PC, enrolled with an overheard code. It makes real changes locally as its
    // own site administrator, then rewrites who made them before pushing.
    let dir = tempfile::tempdir().unwrap();
    let attacker = shared(store(dir.path(), "窓口9").act_as_site("cli"));
    client::enrol(
        &attacker,
        &site.addr,
        &site.hub.enrolment_string().await.unwrap(),
    )
    .await
    .unwrap();
    let mut batch = with(&attacker, |s| {
        s.add_staff(NewStaff {
            code: "M900".into(),
            name: "乗っ取り".into(),
            role: Role::Manager,
            pin: Pin::new("0000"),
        })
        .unwrap();
        for who in 0..6 {
            book(s, who);
        }
        s.pending_envelopes(100).unwrap()
    });
    assert_eq!(batch.len(), 7);
    let add_manager = batch[0].mutation.clone();
    let Mutation::Staff(StaffMutation::AddStaff { pin_hash, .. }) = &add_manager else {
        panic!("{add_manager:?}")
    };
    let pin_reset = |code: &str| {
        Mutation::Staff(StaffMutation::SetPinHash {
            code: code.into(),
            pin_hash: pin_hash.clone(),
        })
    };
    let mut claim = |i: usize, staff: &str, seat: Option<&str>, mutation: Option<Mutation>| {
        let e: &mut Envelope = &mut batch[i];
        e.origin.staff = staff.into();
        if let Some(seat) = seat {
            e.origin.seat = seat.into();
        }
        if let Some(m) = mutation {
            e.mutation = m;
        }
    };
    // 0: a site-administrator change (a new manager) from a PC that did not bring the roster.
    // 1: counter staff adding a manager. 2: counter staff resetting a city staff member's PIN.
    claim(1, "S001", None, Some(add_manager.clone()));
    claim(2, "S001", None, Some(pin_reset("C001")));
    // 3: the manager's name on another seat's behalf (the first PC's).
    claim(3, "M001", Some("窓口1"), Some(pin_reset("C001")));
    // 4: someone not on the roster; 5: someone taken off it.
    claim(4, "Z999", None, None);
    claim(5, "S003", None, None);
    // 6: counter staff booking, which counter staff may do: applied.
    claim(6, "S001", None, None);

    let mut conn = connect_as(&attacker, &site.addr).await;
    conn.call(&hello()).await.unwrap();
    let Response::Pushed { results } = conn.call(&Request::Push { batch }).await.unwrap() else {
        panic!("not a push answer")
    };
    let reasons: Vec<String> = results
        .iter()
        .map(|r| match &r.outcome {
            PushOutcome::Conflict { reason, .. } => reason.clone(),
            PushOutcome::Applied { .. } => "applied".into(),
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "origin_refused",
            "origin_refused",
            "origin_refused",
            "origin_refused",
            "origin_refused",
            "origin_refused",
            "applied"
        ]
    );
    drop(conn);

    // Audited at the hub, with the seat and who was claimed, and no personal data.
    let refusals = site
        .hub
        .with_store(|s| s.audit_trail(500))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "sync_refused")
        .collect::<Vec<_>>();
    assert_eq!(refusals.len(), 6, "{refusals:?}");
    assert!(
        refusals.iter().all(|e| e.subject == "窓口9"),
        "{refusals:?}"
    );
    assert!(refusals.iter().any(|e| e.detail.contains("Z999")));

    // The second PC, at the sign-in screen, syncs: none of it applies there.
    let mut conn = connect_as(&site.second, &site.addr).await;
    client::round(&site.second, &mut conn).await.unwrap();
    with(&site.second, |s| {
        assert!(
            s.check_pin("C001", &Pin::new("2222")).is_ok(),
            "the city staff member's PIN is unchanged"
        );
        assert!(s.check_pin("C001", &Pin::new("0000")).is_err());
        assert!(
            s.check_pin("M900", &Pin::new("0000")).is_err(),
            "no new manager"
        );
        s.sign_in("S001", &Pin::new("1111")).unwrap();
        let conflicts = s.conflicts(false).unwrap();
        assert_eq!(
            conflicts
                .iter()
                .filter(|c| c.record.reason == "origin_refused")
                .count(),
            6,
            "each refusal is shown to the seats as a conflict with its reason"
        );
        assert!(conflicts.iter().all(|c| c.record.seat == "窓口9"));
    });
    let on_hub = site
        .hub
        .with_store(|s| Ok(s.check_pin("M900", &Pin::new("0000")).is_err()))
        .await
        .unwrap();
    assert!(on_hub);
}

#[tokio::test(flavor = "multi_thread")]
async fn hub_administration_needs_a_managers_pin_checked_by_the_hub() {
    let site = site().await;
    // The seat's sync session is live (the app syncs all day); administration goes on a
    // connection of its own beside it.
    let mut syncing = connect_as(&site.second, &site.addr).await;
    syncing.call(&hello()).await.unwrap();
    let mut conn = connect_as(&site.second, &site.addr).await;
    let second_id = with(&site.second, |s| s.meta().store_id);
    // Counter staff with their right PIN, a manager with a wrong one, nobody at all.
    for (who, pin, code) in [
        ("S001", "1111", "manager_required"),
        ("M001", "9999", "wrong_pin"),
        ("Z999", "1234", "wrong_pin"),
    ] {
        assert_eq!(
            refused(
                conn.call(&Request::NewCode {
                    manager: proof(who, pin),
                    seat: None,
                    site: None
                })
                .await
            ),
            code
        );
        assert_eq!(
            refused(
                conn.call(&Request::Seats {
                    manager: proof(who, pin)
                })
                .await
            ),
            code
        );
        assert_eq!(
            refused(
                conn.call(&Request::Revoke {
                    seat_id: second_id,
                    manager: proof(who, pin)
                })
                .await
            ),
            code
        );
    }
    assert_eq!(
        site.hub
            .seats()
            .await
            .unwrap()
            .iter()
            .filter(|s| s.revoked_at.is_none())
            .count(),
        2
    );
    // The deputy may: a code, the list.
    let Response::Code { enrolment } = conn
        .call(&Request::NewCode {
            manager: proof("D001", "2345"),
            seat: None,
            site: None,
        })
        .await
        .unwrap()
    else {
        panic!("no code")
    };
    assert!(tls::parse_enrolment(&enrolment).is_ok(), "{enrolment}");
    let Response::SeatList { seats } = conn
        .call(&Request::Seats {
            manager: proof("M001", "1234"),
        })
        .await
        .unwrap()
    else {
        panic!("no list")
    };
    assert_eq!(seats.len(), 2);
    let audit = site.hub.with_store(|s| s.audit_trail(500)).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "hub_admin" && e.detail.contains("D001")));
    assert!(audit
        .iter()
        .any(|e| e.action == "denied" && e.subject == "hub_admin"));
    syncing.call(&hello()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolment_cannot_take_over_a_seat_and_a_revoked_seat_stays_out() {
    let site = site().await;
    let first_id = with(&site.first, |s| s.meta().store_id);
    let second_id = with(&site.second, |s| s.meta().store_id);
    // A new PC claims the first seat's id with a valid code: refused, the code still unused.
    let dir = tempfile::tempdir().unwrap();
    let intruder = store(dir.path(), "窓口1");
    let identity = intruder.sync_identity(tls::new_identity).unwrap();
    let enrolment = site.hub.enrolment_string().await.unwrap();
    let (code, prefix) = tls::parse_enrolment(&enrolment).unwrap();
    let mut conn = client::connect(&identity, &site.addr, HubPin::Prefix(prefix))
        .await
        .unwrap();
    let err = refused(
        conn.call(&Request::Enrol {
            code: code.clone(),
            seat_id: first_id,
            name: "窓口1".into(),
            pending: 0,
            kind: Default::default(),
        })
        .await,
    );
    assert_eq!(err, "seat_id_in_use");
    let seats = site.hub.seats().await.unwrap();
    let first = seats.iter().find(|s| s.seat_id == first_id).unwrap();
    assert!(first.revoked_at.is_none());
    assert_ne!(
        first.fingerprint, identity.fingerprint,
        "the first seat keeps its certificate"
    );

    // The manager revokes the second PC; it cannot come back with a code for new seats.
    let mut conn = connect_as(&site.first, &site.addr).await;
    assert!(matches!(
        conn.call(&Request::Revoke {
            seat_id: second_id,
            manager: proof("M001", "1234"),
        })
        .await
        .unwrap(),
        Response::Revoked
    ));
    let err = client::enrol(
        &site.second,
        &site.addr,
        &site.hub.enrolment_string().await.unwrap(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { code, .. } if code == "seat_id_in_use"),
        "{err}"
    );
    // A code a manager made for it re-admits it (and no other seat could have used that code).
    let Response::Code { enrolment } = conn
        .call(&Request::NewCode {
            manager: proof("M001", "1234"),
            seat: Some(second_id),
            site: None,
        })
        .await
        .unwrap()
    else {
        panic!("no code")
    };
    client::enrol(&site.second, &site.addr, &enrolment)
        .await
        .unwrap();
    let mut conn = connect_as(&site.second, &site.addr).await;
    client::round(&site.second, &mut conn).await.unwrap();
}
