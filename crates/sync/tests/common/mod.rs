//! Helpers shared by the network tests (net, authority, limits): stores in temporary
//! directories, a seat enrolled with a hub, and a booking a week ahead.
#![allow(dead_code)]
use std::sync::Arc;

use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure},
    reservation_number::ReservationNumber,
    store::NewApplicant,
    DataDir, KdfCost, NewStore, Passphrase, Personal, Store,
};
use madoguchi_sync::{
    client::{self, SharedStore},
    hub::Hub,
    wire::Request,
};

/// A seat's first words.
pub fn hello() -> Request {
    Request::Hello(madoguchi_core::store::sync::protocol::Hello {
        app_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: madoguchi_core::store::migrate::known_version(),
        kind: Default::default(),
    })
}

/// A new store with nobody signed in (cheap key derivation: tests make many).
pub fn new_store(dir: &std::path::Path, seat: &str) -> Store {
    Store::create(
        &DataDir::at(dir),
        &Passphrase::new("test passphrase".into()),
        &NewStore {
            site_name: "テスト市".into(),
            seat_name: seat.into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .unwrap()
}

/// A new training store (研修モード) with nobody signed in.
pub fn new_training_store(dir: &std::path::Path, seat: &str) -> Store {
    Store::create_training(
        &DataDir::at(dir),
        &Passphrase::new("test passphrase".into()),
        &NewStore {
            site_name: "研修市".into(),
            seat_name: seat.into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .unwrap()
}

/// A new store acting as the site administrator (while the hub's roster has no manager, the
/// hub accepts its changes: a site being set up).
pub fn store(dir: &std::path::Path, seat: &str) -> Store {
    new_store(dir, seat).act_as_site("tests")
}

pub fn shared(s: Store) -> SharedStore {
    Arc::new(std::sync::Mutex::new(Some(s)))
}

pub fn with<T>(s: &SharedStore, f: impl FnOnce(&Store) -> T) -> T {
    f(s.lock().unwrap().as_ref().unwrap())
}

/// A new seat acting as the site, enrolled with `hub` at `addr`.
pub async fn enrolled_seat(hub: &Hub, addr: &str, name: &str) -> (tempfile::TempDir, SharedStore) {
    let tmp = tempfile::tempdir().unwrap();
    let seat = shared(store(tmp.path(), name));
    let code = hub.enrolment_string().await.unwrap();
    client::enrol(&seat, addr, &code).await.unwrap();
    (tmp, seat)
}

/// A booking for `who` at `at` on the first open day a week ahead, by whoever `s` acts for.
pub fn book_at(s: &Store, who: &str, at: chrono::NaiveTime) -> ReservationNumber {
    let day = s.today() + chrono::Days::new(7);
    let day = (0..7)
        .map(|i| day + chrono::Days::new(i))
        .find(|d| {
            s.day_board(*d)
                .map(|b| !b.slots.is_empty())
                .unwrap_or(false)
        })
        .unwrap();
    s.book(
        day,
        at,
        Channel::Phone,
        vec![(
            NewApplicant {
                name_kanji: Personal::new(format!("見本 {who}")),
                name_kana: Personal::new(format!("ミホン {who}")),
                phone: Some(Personal::new("090-1234-5678".to_string())),
                birth_date: None,
            },
            ApplicantType::ApplicantSelf,
            vec![Procedure::CardIssue],
        )],
        "",
    )
    .unwrap()
    .number
}

/// [`book_at`] at 10:00 on a shared store.
pub fn book(s: &SharedStore, who: &str) -> ReservationNumber {
    with(s, |s| {
        book_at(s, who, chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap())
    })
}
