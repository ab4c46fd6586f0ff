//! End to end in a real window: a phone booking that answers the intake script (generated
//! from the shipped rules), then at the counter a missing identity document leading to a
//! revisit with its reason and what to bring; and a proxy renewing a certificate, ready today
//! with the sealed 照会書兼回答書 and a driving licence, then a second visit (and why) once the
//! certificate turns out to have expired. Screenshots of each step.
use std::sync::Arc;

use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure},
    store::NewApplicant,
    Personal,
};
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
    app.find("input[name=holder_id-pension_book]")
        .await?
        .click()
        .await?;
    // The verdict already said "不足" before the tick: wait for the row to count the pension
    // book first, so the verdict below is read from the new render.
    let reason = app
        .wait_for_text("tr[data-item=holder_id]", "B 1点")
        .await?;
    assert!(reason.contains("A 1点、または B 2点"), "{reason}");
    let verdict = app
        .wait_for_text("[data-testid=checklist-0] [data-testid=verdict]", "不足")
        .await?;
    assert!(verdict.contains("1件"), "only the ID is missing: {verdict}");
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

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_renewal_is_ready_today_and_an_expired_certificate_means_a_second_visit(
) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let day = next_open_weekday();
    let morning = day.and_hms_opt(9, 30, 0).unwrap();
    let number = {
        let store = new_store(data.path()).with_clock(Arc::new(move || morning));
        let proxy = (
            NewApplicant {
                name_kanji: Personal::new("見本 花子"),
                name_kana: Personal::new("ミホン ハナコ"),
                phone: Some(Personal::new("080-0000-1357")),
                birth_date: None,
            },
            ApplicantType::Proxy,
            vec![Procedure::CertificateRenewal],
        );
        let at = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        store
            .book(day, at, Channel::Phone, vec![proxy], "")?
            .number
            .to_string()
    };
    let clock = format!("{}T09:55:00", day.format("%Y-%m-%d"));
    let app = Desktop::launch_with_env(
        "e2e_checklist_renewal",
        data.path(),
        &[("MADOGUCHI_CLOCK", &clock)],
    )
    .await?;
    app.unlock_and_sign_in("S001").await?;
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
        .wait_for_text("[data-testid=checklist-0]", "照会書兼回答書")
        .await?;
    assert!(card.contains("代理人の顔写真付き本人確認書類"), "{card}");

    // The card and the sealed J-LIS form are there; the agent shows a driving licence.
    for item in ["card_itself", "jlis_answer_form"] {
        app.find(&format!("tr[data-item={item}] button"))
            .await?
            .click()
            .await?;
        app.wait_for_text(&format!("tr[data-item={item}]"), "OK")
            .await?;
    }
    app.find("input[name=agent_photo_id-driving_licence]")
        .await?
        .click()
        .await?;
    app.wait_for_text(
        "[data-testid=checklist-0] [data-testid=verdict]",
        "書類はそろっています",
    )
    .await?;
    let plan = app
        .wait_for_text(
            "[data-testid=checklist-0] [data-testid=visit-plan]",
            "1回の来庁",
        )
        .await?;
    assert!(plan.contains("今日で手続きが終わります"), "{plan}");
    app.screenshot("05-renewal-by-proxy-ready-today").await?;

    // The certificate has expired: the enclosed form cannot be used; 文書照会, a second visit.
    app.find("input[name=fact-certificate_expired]")
        .await?
        .click()
        .await?;
    let plan = app
        .wait_for_text(
            "[data-testid=checklist-0] [data-testid=visit-plan]",
            "2回の来庁",
        )
        .await?;
    assert!(
        plan.contains("有効期限が過ぎている") && plan.contains("後日もう一度お越しいただきます"),
        "{plan}"
    );
    let verdict = app
        .find("[data-testid=checklist-0] [data-testid=verdict]")
        .await?
        .text()
        .await?;
    assert!(
        verdict.contains("そろっています"),
        "today's part is ready: {verdict}"
    );
    app.screenshot("06-renewal-expired-second-visit").await?;
    app.close().await
}
