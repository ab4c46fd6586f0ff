//! End to end in a real window: a day run through the counter shows up as an overdue daily
//! report on the board; the manager produces it on the reports screen, reads the preview, saves
//! the PDF (a real file in the data folder that pdftotext can read) and marks it submitted.
//! Screenshot of the preview.
use chrono::NaiveDate;
use madoguchi_core::demo;
use madoguchi_tests::{desktop::Desktop, new_store};

#[tokio::test(flavor = "multi_thread")]
async fn produce_preview_save_and_submit_a_daily_report() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    {
        let store = new_store(data.path());
        demo::seed_reservations(&store, day, 1, 0.5, 3)?;
        demo::run_day(&store, day, 4, "C001", 3)?;
    }
    // Two days later: the report (due 12/2) is overdue.
    let app = Desktop::launch_with_env(
        "e2e_reports",
        data.path(),
        &[("MADOGUCHI_CLOCK", "2026-12-03T09:00:00")],
    )
    .await?;
    app.unlock_and_sign_in("M001").await?;
    app.wait_for_text("[data-testid=overdue-reports]", "件")
        .await?;

    app.find("a[href='#reports']").await?.click().await?;
    let due = app
        .wait_for_text("[data-testid=reports-due]", "期限超過")
        .await?;
    assert!(due.contains("2026-12-01"), "{due}");
    app.set_value("input[name=reportDay]", "2026-12-01").await?;
    app.find("button[data-action=make-report]")
        .await?
        .click()
        .await?;
    let preview = app
        .wait_for_text("[data-testid=report-preview]", "日報 2026-12-01")
        .await?;
    for expected in [
        "来庁・受付",
        "交付完了",
        "待ち時間（受付→呼出）",
        "テスト市 特設窓口",
    ] {
        assert!(preview.contains(expected), "{expected} in {preview}");
    }
    app.screenshot("01-preview").await?;

    app.find("button[data-action=save-pdf]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=report-message]", "日報_2026-12-01.pdf")
        .await?;
    let pdf = data.path().join("reports").join("日報_2026-12-01.pdf");
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()?;
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("日報"),
        "the saved PDF reads back"
    );

    app.find("button[data-action=submit-report]")
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=report-message]", "提出済み")
        .await?;
    // The message shows before the table reloads: wait for the row itself to say submitted
    // (the produced time, also 12/3, is there since the save).
    let row = app
        .wait_until(
            "[data-testid=reports-due] tr[data-period='2026-12-01']",
            "the row submitted and no longer overdue",
            |row| !row.contains("期限超過") && row.matches("2026-12-03").count() == 2,
        )
        .await?;
    assert!(row.contains("2026-12-03"), "{row}");
    app.screenshot("02-submitted").await?;
    app.close().await
}
