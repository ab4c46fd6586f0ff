//! End to end in a real window (issue 23): the manager adds a new member (the security-training
//! gate puts them on the roster inactive), records a 個人情報保護・情報セキュリティ session with
//! attendees and results from the keyboard grid, sees the roster change report list the new
//! member and saves it (pdftotext reads it back), then records a printer outage, reports it to
//! the city, records its cause and measure, closes it and saves its report. Screenshots in
//! `test-output/e2e_paperwork/`.
use anyhow::{ensure, Result};
use madoguchi_tests::{desktop::Desktop, new_store};

const TEST: &str = "e2e_paperwork";

fn pdftotext(path: &std::path::Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()?;
    ensure!(out.status.success(), "pdftotext {}", path.display());
    Ok(String::from_utf8(out.stdout)?)
}

/// Puts the keyboard focus on the element matching `css` (a row of the attendee grid, which
/// takes keys itself), as Tab would.
async fn focus(app: &Desktop, css: &str) -> Result<()> {
    let el = app.find(css).await?;
    app.client
        .execute("arguments[0].focus();", vec![serde_json::to_value(&el)?])
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_training_session_an_incident_and_the_roster_change_report() -> Result<()> {
    let data = tempfile::tempdir()?;
    {
        // The roster as submitted before the start (the site's set-up).
        let store = new_store(data.path());
        let today = store.today();
        store.record_roster_submission(today, today, None)?;
    }
    let app = Desktop::launch(TEST, data.path()).await?;
    app.unlock_and_sign_in("M001").await?;

    // A new member joins: untrained, they go on the roster inactive.
    app.click("a[href='#staff']").await?;
    app.set_value("input[name=newCode]", "S010").await?;
    app.set_value("input[name=newName]", "新人 三郎").await?;
    app.set_value("input[name=newPin]", "4321").await?;
    app.click("[data-testid=add-staff] button[type=submit]")
        .await?;
    app.wait_for_text("[data-testid=roster]", "新人 三郎")
        .await?;
    let active = "[data-testid=roster] tr[data-code=S010] input[type=checkbox]";
    ensure!(
        !app.find(active).await?.is_selected().await?,
        "an untrained member goes on the roster inactive"
    );

    // 研修記録: a security session; the grid is worked from the keyboard.
    app.click("a[href='#training']").await?;
    app.field("研修名")
        .await?
        .send_keys("守秘義務と情報セキュリティ")
        .await?;
    app.field("講師").await?.send_keys("業務管理者").await?;
    let mut keys = 0;
    for (code, typed) in [("S010", "p95"), ("S001", "p"), ("S002", "f")] {
        focus(
            &app,
            &format!("[data-testid=attendee-grid] tr[data-code={code}]"),
        )
        .await?;
        keys += app.press(typed).await?;
    }
    eprintln!("attendance and results: {keys} keys for three people");
    app.wait_for_text("[data-testid=score-S010]", "95").await?;
    app.screenshot("01-training-grid").await?;
    app.button("研修を保存").await?.click().await?;
    app.wait_for_text("[data-testid=training-saved]", "研修を記録しました")
        .await?;
    app.wait_for_text(
        "[data-testid=training-sessions]",
        "守秘義務と情報セキュリティ",
    )
    .await?;
    app.screenshot("02-training-saved").await?;

    // Passed: now the member can be made active on the staff screen.
    app.click("a[href='#staff']").await?;
    app.click(active).await?;
    app.click("[data-testid=roster] tr[data-code=S010] td.actions button")
        .await?;
    for _ in 0..50 {
        if app.find(active).await?.is_selected().await?
            && !app
                .find("[data-testid=roster] tr[data-code=S010] td.actions button")
                .await?
                .is_enabled()
                .await?
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // 従事者名簿: the change report, shown before its paper, lists the new member.
    app.click("a[href='#roster']").await?;
    app.button("変更報告を出力").await?.click().await?;
    let changes = app
        .wait_for_text("[data-testid=roster-changes]", "新人 三郎")
        .await?;
    ensure!(changes.contains("S010"), "{changes}");
    app.screenshot("03-roster-changes").await?;
    app.click("[data-testid=roster-changes] button").await?;
    let saved = app
        .wait_for_text("[data-testid=roster-saved]", "従事者名簿変更_")
        .await?;
    let name = saved
        .split_whitespace()
        .find(|w| w.contains("従事者名簿変更_"))
        .unwrap_or_default()
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '-' && c != '.');
    let paper = std::fs::read_dir(data.path().join("reports"))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with("従事者名簿変更_")
                    && n.to_string_lossy().ends_with(".pdf")
            })
        });
    let paper = paper.ok_or_else(|| anyhow::anyhow!("no change report saved ({name})"))?;
    let text = pdftotext(&paper)?;
    ensure!(
        text.contains("新人 三郎"),
        "the paper lists the new member: {text}"
    );

    // 事故・トラブル: a printer outage, reported, with its cause and measure, then closed.
    app.click("a[href='#incidents']").await?;
    app.click("[data-testid=incident-new]").await?;
    app.click("[data-testid=incident-form] select[name=category] option[value=system_outage]")
        .await?;
    app.click("[data-testid=incident-form] select[name=kind] option[value=printer_down]")
        .await?;
    app.find("[data-testid=incident-form] textarea[name=description]")
        .await?
        .send_keys("窓口2のプリンタが停止")
        .await?;
    app.click("[data-testid=incident-form] button[type=submit]")
        .await?;
    app.find("[data-testid=incident-detail]").await?;
    let form = "[data-testid=incident-step-form]";
    app.click(&format!(
        "{form} select[name=step] option[value=first_report]"
    ))
    .await?;
    app.click(&format!("{form} select[name=code] option[value=phone]"))
        .await?;
    app.find(&format!("{form} input[name=title]"))
        .await?
        .send_keys("市民課 担当係長")
        .await?;
    app.click(&format!("{form} button[type=submit]")).await?;
    app.wait_for_text("[data-testid=incident-status]", "市へ報告済み")
        .await?;
    for (step, code) in [("cause", "equipment_fault"), ("measure", "equipment_fixed")] {
        app.click(&format!("{form} select[name=step] option[value={step}]"))
            .await?;
        app.click(&format!("{form} select[name=code] option[value={code}]"))
            .await?;
        app.click(&format!("{form} button[type=submit]")).await?;
    }
    app.wait_for_text("[data-testid=incident-timeline]", "再発防止策：機器の修理")
        .await?;
    app.click("[data-testid=incident-close]").await?;
    app.wait_for_text("[data-testid=incident-status]", "完了")
        .await?;
    app.screenshot("04-incident-closed").await?;
    app.button("事故報告書を出力").await?.click().await?;
    app.wait_for_text("[role=status]", "事故報告_").await?;
    app.close().await?;
    Ok(())
}
