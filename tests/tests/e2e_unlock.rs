//! End to end in a real window: unlock a demo store and read the status rendered from core.
use fantoccini::key::Key;
use madoguchi_core::demo;
use madoguchi_tests::{desktop::Desktop, new_store, PASSPHRASE};

#[tokio::test(flavor = "multi_thread")]
async fn unlock_a_demo_store_and_read_its_status() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    {
        let store = new_store(data.path());
        demo::seed_applicants(&store, 40)?;
    }
    let app = Desktop::launch("e2e_unlock", data.path()).await?;
    let result = async {
        let input = app.find("#passphrase").await?;
        app.wait_for_text("h1", "ストアの解錠").await?;

        // A wrong passphrase: a Japanese error, and the field is cleared.
        input
            .send_keys(&format!("not the passphrase{}", char::from(Key::Enter)))
            .await?;
        app.wait_for_text("[role=alert]", "合言葉が違います")
            .await?;
        app.screenshot("01-wrong-passphrase").await?;
        assert_eq!(input.prop("value").await?.unwrap_or_default(), "");

        // The right one, then the status screen, rendered from core.
        input
            .send_keys(&format!("{PASSPHRASE}{}", char::from(Key::Enter)))
            .await?;
        // Then the staff sign-in: a wrong PIN is refused in Japanese, the right one signs in.
        app.wait_for_text("h1", "職員のサインイン").await?;
        app.find("#staff-code").await?.send_keys("S001").await?;
        app.find("#staff-pin")
            .await?
            .send_keys(&format!("0000{}", char::from(Key::Enter)))
            .await?;
        app.wait_for_text("[role=alert]", "暗証番号が違います")
            .await?;
        app.screenshot("02-sign-in").await?;
        app.find("#staff-pin")
            .await?
            .send_keys(&format!("1111{}", char::from(Key::Enter)))
            .await?;
        app.wait_for_text("[data-testid=who]", "窓口 花子（従事者）")
            .await?;
        app.find("a[href='#status']").await?.click().await?;
        let status = app.wait_for_text("[data-testid=status]", "40 件").await?;
        for expected in [
            "テスト市 特設窓口",
            "窓口1",
            "SQLCipher 4.",
            "申請者の登録数",
        ] {
            assert!(
                status.contains(expected),
                "status shows {expected:?}: {status}"
            );
        }
        app.wait_for_text("h1", "ストアの状態").await?;
        let shot = app.screenshot("03-status").await?;
        assert!(
            std::fs::metadata(&shot)?.len() > 10_000,
            "a real screenshot"
        );

        // Ctrl+L locks again.
        app.find("body")
            .await?
            .send_keys(&format!("{}l", char::from(Key::Control)))
            .await?;
        app.wait_for_text("h1", "ストアの解錠").await?;
        anyhow::Ok(())
    }
    .await;
    app.close().await?;
    result
}
