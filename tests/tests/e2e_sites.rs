//! End to end with real windows and a hub process: a city with several sites (issue 21). The
//! first PC (本庁舎, the demo history) is where the manager adds the sites 駅前 and the call
//! center in 設定 → 拠点. Then a 駅前 PC and a call-center PC are set up as the operator manual
//! says (6-13: `madoguchi hub code --site …`, `madoguchi enrol`), unlocked and signed in. The call
//! center books for 駅前 in its booking screen's site picker; the 駅前 window shows it on its
//! board within 2 s, and shows none of 本庁舎's bookings; then 駅前 moves it to 本庁舎 (拠点を変更)
//! and it leaves 駅前's board. Screenshots in `test-output/e2e_sites/`.
use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use anyhow::{ensure, Result};
use madoguchi_tests::{
    cluster::{enrol, madoguchi, HubProcess},
    desktop::{next_open_weekday, Desktop},
};

const TEST: &str = "e2e_sites";
const SITE: &str = "デモ市 マイナンバーカード特設窓口";

/// Adds a site in 設定 → 拠点 (signed in as a manager).
async fn add_site(app: &Desktop, id: &str, name: &str, kind: &str) -> Result<()> {
    app.click("a[href='#plan']").await?;
    app.set_value("[data-testid=site-add] input[name=siteId]", id)
        .await?;
    app.set_value("[data-testid=site-add] input[name=siteName]", name)
        .await?;
    app.find("[data-testid=site-add] select[name=siteKind]")
        .await?
        .select_by_value(kind)
        .await?;
    app.click("[data-testid=site-add] button[data-action=add-site]")
        .await?;
    app.wait_for_text("[data-testid=sites]", name).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_center_books_for_the_station_and_the_station_board_shows_it_in_two_seconds(
) -> Result<()> {
    let root = tempfile::tempdir()?;
    let dir = |name: &str| root.path().join(name);
    let (hub_dir, main_dir, ekimae_dir, call_dir) =
        (dir("hub"), dir("main"), dir("ekimae"), dir("callcenter"));
    madoguchi(
        &hub_dir,
        &["init", "--training", "--site", SITE, "--seat", "ハブ"],
    )?;
    madoguchi(
        &main_dir,
        &["init", "--site", SITE, "--seat", "本庁舎1", "--demo"],
    )?;
    let hub = HubProcess::start(&hub_dir)?;
    enrol(&hub_dir, &hub, &main_dir, None)?;

    // The manager adds the sites at 本庁舎's PC; they reach the hub.
    {
        let main = Desktop::launch(TEST, &main_dir).await?;
        main.unlock().await?;
        main.wait_for_text("[data-testid=sync-indicator]", "ハブに接続中")
            .await?;
        main.sign_in("M001").await?;
        add_site(&main, "ekimae", "アクタ西宮ステーション", "counter").await?;
        add_site(&main, "callcenter", "コールセンター", "desk").await?;
        main.screenshot("01-sites-added").await?;
        main.wait_until(
            "[data-testid=sync-indicator]",
            "nothing left to send",
            |t| t.contains("ハブに接続中") && !t.contains("未送信"),
        )
        .await?;
        main.close().await?;
    }

    // A PC for 駅前 and one for the call center, enrolled with codes made for their sites.
    for (d, seat, site) in [
        (&ekimae_dir, "駅前1", "ekimae"),
        (&call_dir, "コール1", "callcenter"),
    ] {
        madoguchi(d, &["init", "--training", "--site", SITE, "--seat", seat])?;
        enrol(&hub_dir, &hub, d, Some(site))?;
    }
    let seats = madoguchi(&hub_dir, &["hub", "seats"])?;
    ensure!(
        seats.contains("駅前1") && seats.contains("site ekimae"),
        "{seats}"
    );

    let (ekimae, call) = tokio::try_join!(
        Desktop::launch(TEST, &ekimae_dir),
        Desktop::launch(TEST, &call_dir)
    )?;
    for app in [&ekimae, &call] {
        app.unlock().await?;
        app.wait_for_text("[data-testid=sync-indicator]", "ハブに接続中")
            .await?;
    }
    ekimae.sign_in("S001").await?;
    call.sign_in("S002").await?;
    ekimae
        .wait_for_text("[data-testid=site-name]", "アクタ西宮ステーション")
        .await?;
    call.wait_for_text("[data-testid=site-name]", "コールセンター")
        .await?;

    // 駅前's board of the day holds nothing yet: 本庁舎's demo bookings are not 駅前's.
    let day = next_open_weekday();
    let iso = day.format("%Y-%m-%d").to_string();
    ekimae.click("a[href='#board']").await?;
    ekimae.board_shows(&iso, &BTreeSet::new()).await?;

    // The call center books for 駅前; 駅前's board shows it.
    let (number, submitted) = call.book_in_app(day, Some("ekimae")).await?;
    call.screenshot("02-call-center-booked-for-ekimae").await?;
    let row = format!("[data-number='{number}']");
    ekimae.wait_for_text(&row, "ニセキ カクニン").await?;
    let shown_after = submitted.elapsed();
    ekimae.scroll_to(&row).await?;
    ekimae.screenshot("03-ekimae-board-shows-it").await?;
    eprintln!(
        "the call center's booking {number} for 駅前 was on 駅前's board {shown_after:?} later"
    );
    ensure!(
        shown_after < Duration::from_secs(2),
        "the booking showed at 駅前 after {shown_after:?}"
    );
    ekimae
        .board_shows(&iso, &BTreeSet::from([number.clone()]))
        .await?;

    // The citizen prefers the city hall after all: 駅前 moves the booking there (拠点を変更).
    // It leaves 駅前's board (and, once the hub has it, 駅前's PC).
    ekimae
        .click(&format!("{row} [data-action=move-site]"))
        .await?;
    ekimae
        .find("[data-testid=move-site] select[name=moveSite]")
        .await?
        .select_by_value("main")
        .await?;
    ekimae
        .wait_until(
            "[data-testid=move-site] select[name=moveTime]",
            "本庁舎's free times",
            |t| !t.trim().is_empty(),
        )
        .await?;
    ekimae
        .screenshot("04-ekimae-moves-it-to-the-city-hall")
        .await?;
    ekimae
        .click("[data-testid=move-site] button[type=submit]")
        .await?;
    ekimae.wait_for_text("body", "へ移しました").await?;
    ekimae.board_shows(&iso, &BTreeSet::new()).await?;
    ekimae.screenshot("05-ekimae-board-without-it").await?;
    let took = Instant::now();
    ekimae.close().await?;
    call.close().await?;
    eprintln!("closed in {:?}", took.elapsed());
    drop(hub);
    Ok(())
}
