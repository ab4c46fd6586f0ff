//! End to end: the desktop app at seat 窓口1 and a scripted seat (受付) enrolled with one hub.
//!
//! The app reaches the hub through a TCP relay that the test can cut, as pulling the seat's LAN
//! cable would. A booking at reception shows on the app's board. With the cable pulled, the app
//! books inside its escrow (confirmed) and beyond it (仮予約) while reception fills that slot.
//! With the cable back, the provisional booking becomes a conflict showing who to call, and it
//! is resolved in the app. Then the manager's tools on 同期: a wrong PIN refused by the hub, the
//! seat list, a new code, and reception's PC revoked. Screenshots of each step.
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure},
    store::NewApplicant,
    DataDir, Personal, Store,
};
use madoguchi_sync::{
    client::{self, SharedStore},
    hub::Hub,
    tls::HubPin,
};
use madoguchi_tests::{
    desktop::{next_open_weekday, Desktop},
    new_hub_store, new_store, passphrase,
};
use tokio::net::{TcpListener, TcpStream};

/// A relay from `listen` to `target` that can be cut (every open connection dropped, nothing
/// accepted) and restored on the same port.
struct Cable {
    listen: std::net::SocketAddr,
    target: String,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Cable {
    async fn new(target: String) -> Cable {
        let listen = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let cable = Cable {
            listen,
            target,
            tasks: Arc::default(),
        };
        cable.plug().await;
        cable
    }

    async fn plug(&self) {
        let listener = loop {
            match TcpListener::bind(self.listen).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let (target, tasks) = (self.target.clone(), self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(relay);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    fn pull(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

fn shared(store: Store) -> SharedStore {
    Arc::new(Mutex::new(Some(store)))
}

fn person(name: &str, kana: &str, phone: &str) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(name.to_owned()),
            name_kana: Personal::new(kana.to_owned()),
            phone: Some(Personal::new(phone.to_owned())),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CertificateRenewal],
    )
}

/// Reception books and pushes at once; returns the numbers booked.
async fn reception_books(
    reception: &SharedStore,
    day: NaiveDate,
    at: NaiveTime,
    people: usize,
    tag: &str,
) -> Vec<String> {
    let mut numbers = Vec::new();
    for i in 0..people {
        let booked = reception.lock().unwrap().as_ref().unwrap().book(
            day,
            at,
            Channel::Phone,
            vec![person(
                &format!("受付 予約{tag}{i}"),
                &format!("ウケツケ ヨヤク{tag}{i}"),
                &format!("03-0000-00{i:02}"),
            )],
            "",
        );
        match booked {
            Ok(r) => numbers.push(r.number.to_string()),
            Err(_) => break, // the slot is full
        }
    }
    numbers
}

/// One sync round of a scripted seat on a connection of its own.
async fn sync_round(seat: &SharedStore) {
    let (identity, link) = {
        let g = seat.lock().unwrap();
        let s = g.as_ref().unwrap();
        (
            s.sync_identity(madoguchi_sync::tls::new_identity).unwrap(),
            s.sync_link().unwrap().unwrap(),
        )
    };
    let mut conn = client::connect(
        &identity,
        &link.hub_address,
        HubPin::Exact(link.hub_fingerprint),
    )
    .await
    .unwrap();
    client::round(seat, &mut conn).await.unwrap();
}

async fn book_in_app(
    app: &Desktop,
    day: NaiveDate,
    at: &str,
    name: &str,
    kana: &str,
    phone: &str,
) -> anyhow::Result<String> {
    app.click("a[href='#book']").await?;
    app.find("input[name=nameKanji0]")
        .await?
        .send_keys(name)
        .await?;
    app.find("input[name=nameKana0]")
        .await?
        .send_keys(kana)
        .await?;
    app.find("input[name=phone0]")
        .await?
        .send_keys(phone)
        .await?;
    app.click("input[name=certificate_renewal0]").await?;
    app.set_value("input[name=day]", &day.format("%Y-%m-%d").to_string())
        .await?;
    app.click(&format!("button[data-slot='{at}']")).await?;
    app.click("form button[type=submit]").await?;
    let number = app
        .wait_for_text("[data-testid=reservation-number]", "-")
        .await?;
    app.screenshot(&format!("booked-{}", at.replace(':', "")))
        .await?;
    app.click("button[data-action=another]").await?;
    Ok(number.trim().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_elsewhere_shows_here_offline_bookings_and_a_conflict_resolved(
) -> anyhow::Result<()> {
    let root = tempfile::tempdir()?;
    let day = next_open_weekday();

    // The hub, and the app's cable to it.
    let hub = Hub::new(new_hub_store(&root.path().join("hub"), "ハブ"))?;
    let (hub_addr, _hub_task) = hub.clone().bind("127.0.0.1:0".parse()?).await?;
    let cable = Cable::new(hub_addr.to_string()).await;

    // Seat 窓口1 (the app) enrols through the cable; reception enrols directly.
    let app_dir = root.path().join("app");
    let app_store = shared(new_store(&app_dir));
    client::enrol(
        &app_store,
        &cable.listen.to_string(),
        &hub.enrolment_string().await?,
    )
    .await?;
    // As `madoguchi enrol` does: what the PC holds (its roster) reaches the hub at once.
    sync_round(&app_store).await;
    drop(app_store);
    // Reception is a second PC set up as the manual says: no roster of its own (it comes from
    // the hub), and its bookings are made by a member signed in there.
    let reception = shared(new_hub_store(&root.path().join("reception"), "受付"));
    client::enrol(
        &reception,
        &hub_addr.to_string(),
        &hub.enrolment_string().await?,
    )
    .await?;
    sync_round(&reception).await;
    reception
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .sign_in("S002", &madoguchi_core::store::Pin::new("1112"))?;

    let clock = format!("{}T08:30:00", day.format("%Y-%m-%d"));
    let app =
        Desktop::launch_with_env("e2e_sync", &app_dir, &[("MADOGUCHI_CLOCK", &clock)]).await?;
    app.unlock_and_sign_in("M001").await?;
    app.wait_for_text("[data-testid=sync-indicator]", "ハブに接続中")
        .await?;

    // A booking at reception shows on the app's board.
    app.click("a[href='#board']").await?;
    app.set_value("input[type=date]", &day.format("%Y-%m-%d").to_string())
        .await?;
    let elsewhere = reception_books(
        &reception,
        day,
        NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
        1,
        "A",
    )
    .await;
    let started = Instant::now();
    sync_round(&reception).await;
    app.wait_for_text(&format!("[data-number='{}']", elsewhere[0]), "ウケツケ")
        .await?;
    let shown_after = started.elapsed();
    assert!(
        shown_after < Duration::from_secs(3),
        "shown after {shown_after:?}"
    );
    eprintln!("a booking at reception was on the app's board after {shown_after:?}");
    app.screenshot("01-booked-at-reception").await?;

    // Which places the app may confirm offline (its escrow), read from its store.
    let (mine, other) = {
        let store = Store::open(&DataDir::at(&app_dir), &passphrase())?.act_as_site("tests");
        let escrow = store.escrow_left()?;
        let board = store.day_board(day)?;
        let in_escrow = |t: NaiveTime| {
            escrow
                .iter()
                .any(|q| q.day == day && q.starts == t && q.places > 0)
        };
        let mine = board
            .slots
            .iter()
            .map(|s| s.starts)
            .find(|t| in_escrow(*t))
            .expect("some escrow on that day");
        let other = board
            .slots
            .iter()
            .filter(|s| s.free() > 0 && s.starts != mine && !in_escrow(s.starts))
            .map(|s| s.starts)
            .find(|t| *t >= NaiveTime::from_hms_opt(9, 30, 0).unwrap())
            .expect("a slot outside the app's escrow");
        (mine, other)
    };

    // The cable is pulled. Reception fills `other` meanwhile.
    cable.pull();
    app.wait_for_text("[data-testid=sync-indicator]", "オフライン")
        .await?;
    let filled = reception_books(&reception, day, other, 8, "B").await;
    assert!(!filled.is_empty());
    sync_round(&reception).await;

    // Offline, the app books inside its escrow (confirmed) and in `other` (provisional).
    let hhmm = |t: NaiveTime| t.format("%H:%M").to_string();
    let confirmed = book_in_app(
        &app,
        day,
        &hhmm(mine),
        "窓口 確定",
        "マドグチ カクテイ",
        "090-1111-0001",
    )
    .await?;
    let provisional = book_in_app(
        &app,
        day,
        &hhmm(other),
        "窓口 仮",
        "マドグチ カリ",
        "090-1111-0002",
    )
    .await?;
    app.click("a[href='#board']").await?;
    app.set_value("input[type=date]", &day.format("%Y-%m-%d").to_string())
        .await?;
    let row = app
        .wait_for_text(&format!("[data-number='{provisional}']"), "仮予約")
        .await?;
    assert!(row.contains("マドグチ カリ"), "{row}");
    let row = app
        .wait_for_text(&format!("[data-number='{confirmed}']"), "マドグチ カクテイ")
        .await?;
    assert!(
        !row.contains("仮予約"),
        "inside escrow it is confirmed: {row}"
    );
    let indicator = app
        .wait_for_text("[data-testid=sync-indicator]", "仮予約 1 件")
        .await?;
    assert!(indicator.contains("未送信 2 件"), "{indicator}");
    app.screenshot("02-offline-bookings").await?;

    // The cable is back: the confirmed one is honoured, the provisional one is a conflict.
    cable.plug().await;
    app.wait_for_text("[data-testid=sync-indicator]", "競合 1 件")
        .await?;
    let hub_has = |n: String| {
        let hub = hub.clone();
        async move {
            hub.with_store(move |s| s.reservation(n.parse()?))
                .await
                .is_ok()
        }
    };
    assert!(
        hub_has(confirmed.clone()).await,
        "the escrowed booking is on the hub"
    );
    assert!(
        !hub_has(provisional.clone()).await,
        "the provisional one could not be honoured"
    );

    app.click("[data-testid=sync-indicator]").await?;
    let card = app
        .wait_for_text("[data-testid=conflict]", "予約が確定できませんでした")
        .await?;
    assert!(
        card.contains("窓口 仮（マドグチ カリ）090-1111-0002"),
        "who to call: {card}"
    );
    assert!(card.contains("満席"), "{card}");
    app.screenshot("03-conflict").await?;
    app.find("[data-testid=conflict] input[name=resolution]")
        .await?
        .send_keys("電話連絡し、翌日 10:00 に予約し直し")
        .await?;
    app.click("[data-testid=conflict] button[data-action=resolve]")
        .await?;
    app.wait_for_text("[data-testid=conflicts]", "対応が必要な競合はありません")
        .await?;
    app.screenshot("04-resolved").await?;

    // Every seat sees it resolved.
    let started = Instant::now();
    loop {
        sync_round(&reception).await;
        let open = reception
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .outbox_status()?
            .conflicts;
        if open == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "reception still shows the conflict"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The manager's tools on 同期 (the app stays connected meanwhile): the hub asks the PIN
    // again with each request and checks it against its roster.
    let pin = "input[name=manager-pin]";
    app.find(pin).await?.send_keys("9999").await?;
    app.click("button[data-action=load-seats]").await?;
    app.wait_for_text("[role=alert]", "暗証番号が違います")
        .await?;
    app.find(pin).await?.send_keys("1234").await?;
    app.click("button[data-action=load-seats]").await?;
    let seats = app.wait_for_text("[data-testid=hub-seats]", "受付").await?;
    assert!(seats.contains("窓口1"), "{seats}");
    app.find(pin).await?.send_keys("1234").await?;
    app.click("button[data-action=new-code]").await?;
    let shown = app
        .wait_for_text("[data-testid=sync-message]", "登録コード：")
        .await?;
    let code = shown
        .split('：')
        .nth(1)
        .and_then(|rest| rest.split('（').next())
        .unwrap_or_default();
    assert!(
        madoguchi_sync::tls::parse_enrolment(code).is_ok(),
        "a usable code: {shown}"
    );
    app.screenshot("05-manager-tools").await?;
    // Reception's PC is revoked from the app: it is cut off at once.
    app.find(pin).await?.send_keys("1234").await?;
    app.click("[data-testid=hub-seats] tr:nth-child(2) button[data-action=revoke]")
        .await?;
    app.wait_for_text("[data-testid=hub-seats] tr:nth-child(2)", "取消済み")
        .await?;
    let (identity, link) = {
        let g = reception.lock().unwrap();
        let s = g.as_ref().unwrap();
        (
            s.sync_identity(madoguchi_sync::tls::new_identity)?,
            s.sync_link()?.unwrap(),
        )
    };
    let mut conn = client::connect(
        &identity,
        &link.hub_address,
        HubPin::Exact(link.hub_fingerprint),
    )
    .await?;
    let cut = client::round(&reception, &mut conn).await;
    assert!(cut.is_err(), "a revoked seat is refused");
    let audit = hub.with_store(|s| s.audit_trail(1000)).await?;
    assert!(
        audit.iter().filter(|e| e.action == "hub_admin").count() >= 3,
        "the hub recorded the manager's requests"
    );
    app.screenshot("06-revoked").await?;
    app.close().await
}
