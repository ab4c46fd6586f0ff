//! End to end in a real window: a phone booking that answers the intake script (generated
//! from the shipped rules), then at the counter a missing identity document leading to a
//! revisit with its reason and what to bring. Screenshots of each step.
use madoguchi_tests::{
    desktop::{next_open_weekday, Desktop},
    new_store,
};

#[tokio::test(flavor = "multi_thread")]
async fn intake_on_the_phone_then_a_revisit_at_the_counter() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    drop(new_store(data.path()));
    let day = next_open_weekday();
    let clock = format!("{}T09:55:00", day.format("%Y-%m-%d"));
    let app =
        Desktop::launch_with_env("e2e_checklist", data.path(), &[("MADOGUCHI_CLOCK", &clock)])
            .await?;
    app.unlock_and_sign_in("S001").await?;

    // The phone booking with its intake script.
    app.find("a[href='#book']").await?.click().await?;
    app.find("input[name=nameKanji0]")
        .await?
        .send_keys("見本 次郎")
        .await?;
    app.find("input[name=nameKana0]")
        .await?
        .send_keys("ミホン ジロウ")
        .await?;
    app.find("input[name=phone0]")
        .await?
        .send_keys("080-0000-2468")
        .await?;
    app.find("input[name=card_issue0]").await?.click().await?;
    for item in ["notice_postcard", "holder_id"] {
        app.find(&format!(
            "select[name=intake-{item}0] option[value=confirmed_orally]"
        ))
        .await?
        .click()
        .await?;
    }
    app.find("input[name=intake-fact-has_old_cards0]")
        .await?
        .click()
        .await?;
    app.find("select[name=intake-old_cards0]").await?; // the fact brought in the old-cards item
    app.set_value("input[name=day]", &day.format("%Y-%m-%d").to_string())
        .await?;
    app.find("button[data-slot='10:30']").await?.click().await?;
    app.screenshot("01-intake-script").await?;
    app.find("form.card > button[type=submit]")
        .await?
        .click()
        .await?;
    let number = app
        .wait_for_text("[data-testid=reservation-number]", "-")
        .await?;
    let bring = app
        .wait_for_text("[data-testid=bring-list]", "交付通知書")
        .await?;
    assert!(
        bring.contains("本人確認書類") && bring.contains("通知カード"),
        "{bring}"
    );
    app.screenshot("02-what-to-bring").await?;

    // At the counter: open the checklist from the board.
    app.find("a[href='#board']").await?.click().await?;
    app.set_value("input[type=date]", &day.format("%Y-%m-%d").to_string())
        .await?;
    app.find(&format!(
        "[data-number='{number}'] button[data-action=checklist]"
    ))
    .await?
    .click()
    .await?;
    let card = app
        .wait_for_text("[data-testid=checklist-0]", "電話で口頭確認済み")
        .await?;
    assert!(card.contains("交付通知書"), "{card}");
    app.find("tr[data-item=notice_postcard] button")
        .await?
        .click()
        .await?;
    app.wait_for_text("tr[data-item=notice_postcard]", "OK")
        .await?;
    app.find("input[name=holder_id-health_insurance]")
        .await?
        .click()
        .await?;
    let verdict = app
        .wait_for_text("[data-testid=checklist-0] [data-testid=verdict]", "不足")
        .await?;
    assert!(verdict.contains("1件"), "only the ID is missing: {verdict}");
    let reason = app
        .wait_for_text("tr[data-item=holder_id]", "B 1点")
        .await?;
    assert!(reason.contains("A 1点、または B 2点"), "{reason}");
    app.screenshot("03-counter-checklist").await?;

    app.find("[data-testid=checklist-0] form button[type=submit]")
        .await?
        .click()
        .await?;
    let outcome = app
        .wait_for_text("[data-testid=checklist-0] [data-testid=outcome]", "再来庁")
        .await?;
    assert!(outcome.contains("本人確認書類"), "{outcome}");
    app.wait_for_text("[data-testid=next-time]", "A の書類 1 点")
        .await?;
    let next = app.find("[data-testid=next-time]").await?;
    app.client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center' });",
            vec![serde_json::to_value(&next)?],
        )
        .await?;
    app.screenshot("04-revisit").await?;
    app.close().await
}
