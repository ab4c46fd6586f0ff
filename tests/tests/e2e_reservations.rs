//! End to end in a real window: book by phone, read back the number, find it by phone number,
//! check it in on the board. Screenshots of the booking flow and the board.
use fantoccini::Locator;
use madoguchi_tests::{
    desktop::{next_open_weekday, Desktop, SET_VALUE},
    new_store,
};

#[tokio::test(flavor = "multi_thread")]
async fn book_by_phone_find_it_and_check_it_in() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    drop(new_store(data.path()));
    let day = next_open_weekday();
    // The app's clock starts at 10:03 on that day, so the check-in is on the booked day.
    let clock = format!("{}T10:03:00", day.format("%Y-%m-%d"));
    let app = Desktop::launch_with_env(
        "e2e_reservations",
        data.path(),
        &[("MADOGUCHI_CLOCK", &clock)],
    )
    .await?;

    app.unlock_and_sign_in("M001").await?;
    app.find("a[href='#book']").await?.click().await?;

    // The booking flow: applicant, procedure, day, slot.
    app.find("input[name=nameKanji0]")
        .await?
        .send_keys("見本 花子")
        .await?;
    app.find("input[name=nameKana0]")
        .await?
        .send_keys("ミホン ハナコ")
        .await?;
    app.find("input[name=phone0]")
        .await?
        .send_keys("090-0000-4321")
        .await?;
    app.find("input[name=card_issue0]").await?.click().await?;
    let day_input = app.find("input[name=day]").await?;
    app.client
        .execute(
            SET_VALUE,
            vec![
                serde_json::to_value(&day_input)?,
                day.format("%Y-%m-%d").to_string().into(),
            ],
        )
        .await?;
    app.find("button[data-slot='10:30']").await?.click().await?;
    app.screenshot("01-booking-flow").await?;
    app.client
        .find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;

    let number = app
        .wait_for_text("[data-testid=reservation-number]", "-")
        .await?;
    assert_eq!(
        number.len(),
        9,
        "reads back a number like 1234-5678: {number}"
    );
    app.screenshot("02-booked").await?;

    // Find it by phone number in another notation.
    app.find("a[href='#search']").await?.click().await?;
    // All at once: typed key by key, a prefix of the number would already match.
    app.set_value("input[type=search]", "０９０００００４３２１")
        .await?;
    let found = app
        .wait_for_text("[data-testid=reservation-table]", &number)
        .await?;
    assert!(
        found.contains("ミホン ハナコ") && found.contains("カード交付"),
        "{found}"
    );
    app.screenshot("03-search").await?;

    // Check it in on the board of that day.
    app.find("a[href='#board']").await?.click().await?;
    let board_day = app.find("input[type=date]").await?;
    app.client
        .execute(
            SET_VALUE,
            vec![
                serde_json::to_value(&board_day)?,
                day.format("%Y-%m-%d").to_string().into(),
            ],
        )
        .await?;
    let row = format!("[data-number='{number}']");
    app.wait_for_text(&row, "予約済").await?;
    app.find(&format!("{row} button[data-action=check-in]"))
        .await?
        .click()
        .await?;
    app.wait_for_text(&row, "受付済").await?;
    app.screenshot("04-board").await?;

    // A J-LIS outage from 10:00 to 12:00 that day: the booking is listed to be called.
    app.find("a[href='#plan']").await?.click().await?;
    for (name, value) in [
        ("closureDay", day.format("%Y-%m-%d").to_string()),
        ("closureFrom", "10:00".into()),
        ("closureUntil", "12:00".into()),
    ] {
        let input = app.find(&format!("input[name={name}]")).await?;
        app.client
            .execute(SET_VALUE, vec![serde_json::to_value(&input)?, value.into()])
            .await?;
    }
    app.find("input[name=closureNote]")
        .await?
        .send_keys("J-LIS 障害（試験）")
        .await?;
    app.find("[data-testid=closure-form] button[type=submit]")
        .await?
        .click()
        .await?;
    let incident = app.wait_for_text("[data-testid=incident]", &number).await?;
    assert!(
        incident.contains("要連絡") && incident.contains("10:00〜12:00"),
        "{incident}"
    );
    let record = app.find("[data-testid=incident]").await?;
    app.client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![serde_json::to_value(&record)?],
        )
        .await?;
    app.screenshot("05-outage-record").await?;
    app.close().await
}
