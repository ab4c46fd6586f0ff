//! End to end in a real window: the counter workflow. Two people booked by phone (one with a
//! complete checklist) are checked in on the board; seat 2 calls the first, verifies, puts the
//! city's bundle together and hands it to a named city staff member, who acknowledges it on the
//! handoff screen and completes it; the second becomes a revisit. Reception sees the figures,
//! and the day end reconciles the form count. Screenshots of the seat view and the handoff queue.
use std::sync::Arc;

use madoguchi_core::{
    checklist::{CaseInput, CheckOutcome, Stage},
    reservation::{ApplicantType, Channel, Procedure},
    store::NewApplicant,
    Personal,
};
use madoguchi_tests::{
    desktop::{next_open_weekday, Desktop},
    new_store,
};

fn applicant(
    kanji: &str,
    kana: &str,
    phone: &str,
) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(kanji),
            name_kana: Personal::new(kana),
            phone: Some(Personal::new(phone)),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CardIssue],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visit_from_check_in_to_city_staff_acknowledgment_and_a_revisit() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let day = next_open_weekday();
    let morning = day.and_hms_opt(9, 30, 0).unwrap();
    // Booked by phone beforehand; the first person's checklist is complete and ready.
    let (first, second) = {
        let store = new_store(data.path()).with_clock(Arc::new(move || morning));
        let at = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let first = store.book(
            day,
            at,
            Channel::Phone,
            vec![applicant("見本 一郎", "ミホン イチロウ", "090-0000-1111")],
            "",
        )?;
        let second = store.book(
            day,
            at,
            Channel::Phone,
            vec![applicant("見本 二郎", "ミホン ジロウ", "090-0000-2222")],
            "",
        )?;
        let case = CaseInput {
            procedures: vec![Procedure::CardIssue],
            ..CaseInput::default()
        };
        let input = madoguchi_core::demo::complete_checklist(&store, &case);
        store.record_checklist(first.number, 0, Stage::Counter, input)?;
        store.record_check_outcome(first.number, 0, CheckOutcome::Ready)?;
        (first.number.to_string(), second.number.to_string())
    };

    let clock = format!("{}T09:50:00", day.format("%Y-%m-%d"));
    let app = Desktop::launch_with_env("e2e_workflow", data.path(), &[("MADOGUCHI_CLOCK", &clock)])
        .await?;
    app.unlock_and_sign_in("S001").await?;

    // Reception checks both in on the board, first one first.
    app.find("a[href='#board']").await?.click().await?;
    app.set_value("input[type=date]", &day.format("%Y-%m-%d").to_string())
        .await?;
    for number in [&first, &second] {
        app.find(&format!(
            "[data-number='{number}'] button[data-action=check-in]"
        ))
        .await?
        .click()
        .await?;
        app.wait_for_text(&format!("[data-number='{number}']"), "受付済")
            .await?;
    }

    // Seat 2 calls the next person: the first one checked in.
    app.find("a[href='#counter']").await?.click().await?;
    app.set_value("input[name=seatNo]", "2").await?;
    app.wait_for_text("[data-testid=waiting-count]", "2 人")
        .await?;
    app.find("button[data-action=call-next]")
        .await?
        .click()
        .await?;
    let case = app
        .wait_for_text("[data-testid=current-case]", "ミホン イチロウ")
        .await?;
    assert!(case.contains(&first), "{case}");
    app.find("button[data-action=verify]")
        .await?
        .click()
        .await?;
    app.find("button[data-action=forms]").await?.click().await?;
    // The city's bundle for a card issue: every item ticked before it counts as prepared.
    let bundle = app
        .wait_for_text("[data-testid=bundle]", "交付通知書")
        .await?;
    assert!(bundle.contains("本人確認記録票"), "{bundle}");
    for checkbox in app
        .client
        .find_all(fantoccini::Locator::Css(
            "[data-testid=bundle] input[type=checkbox]",
        ))
        .await?
    {
        checkbox.click().await?;
    }
    app.screenshot("01-seat-bundle").await?;
    app.find("button[data-action=prepare]")
        .await?
        .click()
        .await?;
    app.find("select[name=handTo] option[value=C001]")
        .await?
        .click()
        .await?;
    app.find("button[data-action=hand-over]")
        .await?
        .click()
        .await?;
    app.find("[data-testid=seat-idle]").await?;

    // City staff: the handoff queue, with the chain of custody; acknowledge, then complete.
    app.find("a[href='#handoff']").await?.click().await?;
    let queue = app
        .wait_for_text("[data-testid=handoff-queue]", "ミホン イチロウ")
        .await?;
    assert!(queue.contains("C001"), "{queue}");
    app.find("[data-testid=handoff-queue] button[data-action=history]")
        .await?
        .click()
        .await?;
    let history = app.wait_for_text("[data-testid=history]", "手交").await?;
    assert!(
        history.contains("窓口1") && history.contains("書類確認"),
        "{history}"
    );
    // The city staff member acknowledges with their own staff ID and PIN; a wrong PIN is refused.
    app.find("input[name=cityCode]")
        .await?
        .send_keys("C001")
        .await?;
    app.find("input[name=cityPin]")
        .await?
        .send_keys("0000")
        .await?;
    app.find("[data-testid=handoff-queue] button[data-action=acknowledge]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[role=alert]", "暗証番号が違います")
        .await?;
    app.find("input[name=cityPin]")
        .await?
        .send_keys("2222")
        .await?;
    app.screenshot("02-handoff-queue").await?;
    app.find("[data-testid=handoff-queue] button[data-action=acknowledge]")
        .await?
        .click()
        .await?;
    // The PIN field is cleared once the acknowledgment lands; type the next one only after it.
    app.wait_for_text("[data-testid=acknowledged]", "ミホン イチロウ")
        .await?;
    app.wait_for_text("h2", "受領待ち 0 件").await?;
    app.find("input[name=cityPin]")
        .await?
        .send_keys("2222")
        .await?;
    app.find("[data-testid=acknowledged] button[data-action=complete]")
        .await?
        .click()
        .await?;
    // "受領待ち 0 件" held before the click too: wait for the bundle to leave the list.
    app.wait_until("[data-testid=acknowledged]", "bundle completed", |t| {
        !t.contains("ミホン イチロウ")
    })
    .await?;

    // Back at seat 2: the second person, sent home to come again.
    app.find("a[href='#counter']").await?.click().await?;
    app.find("button[data-action=call-next]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=current-case]", "ミホン ジロウ")
        .await?;
    app.find("[data-testid=current-case] details summary")
        .await?
        .click()
        .await?;
    app.find("select[name=revisitCode]")
        .await?
        .select_by_value("identity_documents")
        .await?;
    app.find("input[name=endReason]")
        .await?
        .send_keys("運転免許証を忘れた")
        .await?;
    app.find("button[data-action=revisit]")
        .await?
        .click()
        .await?;
    app.find("[data-testid=seat-idle]").await?;

    // Reception's view of the day.
    app.find("a[href='#queue']").await?.click().await?;
    app.wait_for_text("[data-testid=case-table]", "完了")
        .await?;
    let table = app
        .wait_for_text("[data-testid=case-table]", "再来庁")
        .await?;
    assert!(
        table.contains("完了") && table.contains("本人確認書類の不足"),
        "{table}"
    );
    app.screenshot("03-queue").await?;

    // Day end: one bundle handed over, one form counted: they match.
    app.find("a[href='#reconcile']").await?.click().await?;
    app.wait_for_text("[data-testid=recorded]", "1 枚").await?;
    app.find("input[name=counted]")
        .await?
        .send_keys("1")
        .await?;
    app.find("[data-testid=form-count] button[type=submit]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=difference]", "一致")
        .await?;
    app.screenshot("04-reconcile").await?;
    app.close().await
}
