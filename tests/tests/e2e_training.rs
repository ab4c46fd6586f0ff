//! End to end in a real window (issue 23): a training store (研修モード) says so from the
//! unlock screen on, on the board and on every paper; the manager resets it to the training day
//! (2026-10-01) on the status screen, and the day before's daily report, saved as a PDF, reads
//! 研修モード and is named 研修_…; enrolling it with a real hub on the 同期 screen is refused and the
//! hub enrols nothing. Screenshots in `test-output/e2e_training/`.
use anyhow::{ensure, Result};
use madoguchi_tests::{
    cluster::{madoguchi, HubProcess},
    desktop::Desktop,
    new_hub_store, new_training_store,
};

const TEST: &str = "e2e_training";

#[tokio::test(flavor = "multi_thread")]
async fn a_training_store_says_so_everywhere_and_cannot_enrol_with_a_real_hub() -> Result<()> {
    let (data, hub_dir) = (tempfile::tempdir()?, tempfile::tempdir()?);
    drop(new_training_store(data.path()));
    drop(new_hub_store(hub_dir.path(), "ハブ"));
    let hub = HubProcess::start(hub_dir.path())?;

    let app = Desktop::launch(TEST, data.path()).await?;
    // Locked: the data folder's hint already puts the mark on the unlock screen.
    app.find("#passphrase").await?;
    app.wait_for_text("[data-testid=training-mark]", "研修モード")
        .await?;
    app.screenshot("00-unlock").await?;
    app.unlock().await?;
    // Nobody signed in yet: the sign-in screen already carries the mark.
    let mark = app
        .wait_for_text("[data-testid=training-mark]", "研修モード")
        .await?;
    ensure!(mark.contains("研修モード"), "{mark}");
    app.screenshot("01-sign-in").await?;
    app.sign_in("M001").await?;
    app.wait_for_text("[data-testid=training-mark]", "研修モード")
        .await?;
    app.screenshot("02-board").await?;

    // The manager resets the store to the training day on the status screen.
    app.click("a[href='#status']").await?;
    app.find("[data-testid=training-day]").await?;
    app.find("#training-reset-confirm")
        .await?
        .send_keys("リセット")
        .await?;
    app.click("[data-testid=training-day] button[type=submit]")
        .await?;
    app.wait_for_text(
        "[data-testid=training-day]",
        "研修日 2026-10-01 にリセットしました",
    )
    .await?;
    app.screenshot("03-reset").await?;

    // The day before the training day was run through the counter: its report is a training
    // paper.
    app.click("a[href='#reports']").await?;
    app.set_value("input[name=reportDay]", "2026-09-30").await?;
    app.click("button[data-action=make-report]").await?;
    app.wait_for_text("[data-testid=report-preview]", "日報 2026-09-30")
        .await?;
    app.click("button[data-action=save-pdf]").await?;
    app.wait_for_text("[data-testid=report-message]", "研修_日報_2026-09-30.pdf")
        .await?;
    let pdf = data.path().join("reports").join("研修_日報_2026-09-30.pdf");
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()?;
    let text = String::from_utf8_lossy(&text.stdout);
    ensure!(
        text.contains("研修モード（架空データ・提出不可）") && text.contains("日報"),
        "the training PDF says so: {text}"
    );

    // Enrolling with a real hub, as the operator manual says, is refused.
    let code = madoguchi(hub_dir.path(), &["hub", "code"])?;
    app.click("a[href='#sync']").await?;
    app.set_value("input[name=hubAddress]", &hub.address)
        .await?;
    app.set_value("input[name=enrolCode]", code.trim()).await?;
    app.click("[data-testid=enrol] button[type=submit]").await?;
    let refused = app
        .wait_for_text(".error[role=alert]", "研修用と本番用")
        .await?;
    ensure!(refused.contains("同期できません"), "{refused}");
    app.screenshot("04-enrol-refused").await?;
    let seats = madoguchi(hub_dir.path(), &["hub", "seats"])?;
    ensure!(
        !seats.contains("研修1"),
        "the real hub enrolled nothing: {seats}"
    );
    app.close().await?;
    Ok(())
}
