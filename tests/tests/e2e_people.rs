//! End to end in a real window: counter staff sign in with their ID and PIN, record an inquiry
//! and a complaint, respond and report it to the manager and the city; staff cannot resolve it
//! nor see the management screens; the manager signs in, resolves it, and verifies the audit
//! trail. Screenshots of the inquiry log, the roster and the audit verification.
use madoguchi_tests::{desktop::Desktop, new_store};

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_record_an_inquiry_and_a_complaint_escalate_and_resolve_it() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    drop(new_store(data.path()));
    let app = Desktop::launch("e2e_people", data.path()).await?;
    app.unlock_and_sign_in("S001").await?;
    app.wait_for_text("[data-testid=who]", "窓口 花子（従事者）")
        .await?;
    assert!(
        app.client
            .find_all(fantoccini::Locator::Css(
                "a[href='#staff'], a[href='#audit']"
            ))
            .await?
            .is_empty(),
        "management screens are not offered to counter staff"
    );

    // An inquiry outside the card work, answered from the city's guidebook.
    app.find("a[href='#inquiries']").await?.click().await?;
    app.find("select[name=category] option[value=outside_card_work]")
        .await?
        .click()
        .await?;
    app.find("input[name=summary]")
        .await?
        .send_keys("転入届の受付時間について")
        .await?;
    app.find("input[name=outcome]")
        .await?
        .send_keys("市のガイドブックで案内")
        .await?;
    app.find("[data-testid=inquiry-form] button[type=submit]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=inquiry-list]", "回答済")
        .await?;

    // A complaint from a visitor, taken through its response procedure.
    app.find("select[name=kind] option[value=complaint]")
        .await?
        .click()
        .await?;
    app.find("select[name=channel] option[value=visitor]")
        .await?
        .click()
        .await?;
    app.find("select[name=category] option[value=service]")
        .await?
        .click()
        .await?;
    app.find("input[name=summary]")
        .await?
        .send_keys("待ち時間が長いとのご意見")
        .await?;
    app.find("input[name=outcome]")
        .await?
        .send_keys("お詫びし、混雑状況を説明")
        .await?;
    app.find("[data-testid=inquiry-form] button[type=submit]")
        .await?
        .click()
        .await?;
    let complaint = "[data-kind=complaint]";
    app.wait_for_text(&format!("{complaint} [data-testid=inquiry-status]"), "受付")
        .await?;
    for (step, note, status) in [
        ("respond", "後日お電話すると約束", "対応中"),
        ("escalate_manager", "業務管理者へ報告", "管理者へ報告済"),
        ("escalate_city", "市民課へ報告", "市へ報告済"),
    ] {
        app.find(&format!("{complaint} input[name=stepNote]"))
            .await?
            .send_keys(note)
            .await?;
        app.find(&format!("{complaint} button[data-step={step}]"))
            .await?
            .click()
            .await?;
        app.wait_for_text(&format!("{complaint} [data-testid=inquiry-status]"), status)
            .await?;
    }
    // Staff may not close it: refused in Japanese by core.
    app.find(&format!("{complaint} input[name=stepNote]"))
        .await?
        .send_keys("解決")
        .await?;
    app.find(&format!("{complaint} button[data-step=resolve]"))
        .await?
        .click()
        .await?;
    app.wait_for_text("[role=alert]", "権限がありません")
        .await?;
    app.screenshot("01-inquiries-staff").await?;

    // The manager signs in at the same seat and resolves it.
    app.find("[data-testid=who] button").await?.click().await?;
    app.find("#staff-code").await?.send_keys("M001").await?;
    app.find("#staff-pin")
        .await?
        .send_keys("1234\u{E007}")
        .await?;
    app.wait_for_text("[data-testid=who]", "管理 一郎（業務管理者）")
        .await?;
    app.find("a[href='#inquiries']").await?.click().await?;
    app.find(&format!("{complaint} input[name=stepNote]"))
        .await?
        .send_keys("窓口を1席増やすことで解決")
        .await?;
    app.find(&format!("{complaint} button[data-step=resolve]"))
        .await?
        .click()
        .await?;
    // Wait for the resolution step itself ("解決" alone also matches the button's label).
    let resolved = app.wait_for_text(complaint, "M001").await?;
    for expected in [
        "対応を記録：後日お電話すると約束 S001",
        "市へ報告：市民課へ報告 S001",
        "M001",
    ] {
        assert!(resolved.contains(expected), "{expected:?} in {resolved}");
    }
    app.screenshot("02-complaint-resolved").await?;

    // The roster and the attendance record; then the audit trail verifies intact.
    app.find("a[href='#staff']").await?.click().await?;
    let roster = app
        .wait_for_text("[data-testid=roster]", "市役所 田中")
        .await?;
    assert!(roster.contains("窓口 花子"), "{roster}");
    let attendance = app
        .wait_for_text("[data-testid=attendance]", "S001")
        .await?;
    assert!(
        attendance.contains("M001") && attendance.contains("窓口1"),
        "{attendance}"
    );
    app.screenshot("03-roster").await?;
    app.find("a[href='#audit']").await?.click().await?;
    app.find("button[data-action=verify-audit]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=audit-result]", "改ざんはありません")
        .await?;
    let entries = app
        .wait_for_text("[data-testid=audit-entries]", "complaint_step")
        .await?;
    assert!(
        entries.contains("denied") && entries.contains("sign_in"),
        "{entries}"
    );
    assert!(!entries.contains("待ち時間"), "no summaries in the trail");
    app.screenshot("04-audit").await?;
    app.close().await
}
