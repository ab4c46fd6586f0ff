//! The WebView keeps nothing, in a real window (issue 18): on the booking screen, a right-click
//! on a name field and the print and save-page shortcuts (Ctrl+P, Ctrl+S, Ctrl+Shift+S) do
//! nothing — no context menu, no print — and the screen goes on working with what was typed;
//! every field is left without autocomplete or spellcheck memory by the app itself (main.tsx).
use fantoccini::{
    actions::{
        InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_RIGHT,
    },
    key::Key,
    Locator,
};
use madoguchi_tests::{desktop::Desktop, new_store};

/// Records, after the app's own guards, what the page did with each event (window, capture
/// phase: listeners on one target run in the order they were added, and the app's came first).
const PROBE: &str = r#"
window.__probe = { contextmenu: [], keydown: [], beforeprint: 0 };
window.addEventListener("contextmenu", (e) => window.__probe.contextmenu.push(e.defaultPrevented), { capture: true });
window.addEventListener("keydown", (e) => {
  if (e.ctrlKey) window.__probe.keydown.push({ key: e.key.toLowerCase(), shift: e.shiftKey, prevented: e.defaultPrevented });
}, { capture: true });
window.addEventListener("beforeprint", () => { window.__probe.beforeprint += 1; });
"#;

async fn ctrl(app: &Desktop, keys: &[char]) -> anyhow::Result<()> {
    let mut seq = KeyActions::new("keyboard".into()).then(KeyAction::Down {
        value: Key::Control.into(),
    });
    for k in keys {
        seq = seq.then(KeyAction::Down { value: *k });
    }
    for k in keys.iter().rev() {
        seq = seq.then(KeyAction::Up { value: *k });
    }
    seq = seq.then(KeyAction::Up {
        value: Key::Control.into(),
    });
    app.client.perform_actions(seq).await?;
    app.client.release_actions().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn right_click_and_ctrl_p_do_nothing_on_the_booking_screen() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    drop(new_store(data.path()));
    let app = Desktop::launch("e2e_privacy", data.path()).await?;
    app.unlock_and_sign_in("M001").await?;
    app.find("a[href='#book']").await?.click().await?;

    let name = app.find("input[name=nameKanji0]").await?;
    name.send_keys("見本 花子").await?;
    app.find("input[name=phone0]")
        .await?
        .send_keys("090-0000-4321")
        .await?;

    // The app itself leaves every field without memory (the real build, not a test's setup).
    for css in [
        "input[name=nameKanji0]",
        "input[name=nameKana0]",
        "input[name=phone0]",
    ] {
        let field = app.find(css).await?;
        assert_eq!(
            field.attr("autocomplete").await?.as_deref(),
            Some("off"),
            "{css}"
        );
        assert_eq!(
            field.attr("spellcheck").await?.as_deref(),
            Some("false"),
            "{css}"
        );
    }

    app.client.execute(PROBE, vec![]).await?;

    // Right-click on the name field.
    let name = app.find("input[name=nameKanji0]").await?;
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: name.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_RIGHT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_RIGHT,
        });
    app.client.perform_actions(click).await?;
    app.client.release_actions().await?;
    app.screenshot("01-after-right-click").await?;

    // Print, save page, save as — with the focus in the name field, as staff would press them.
    name.click().await?;
    ctrl(&app, &['p']).await?;
    ctrl(&app, &['s']).await?;
    ctrl(&app, &[Key::Shift.into(), 's']).await?;
    app.screenshot("02-after-ctrl-p-ctrl-s").await?;

    let probe = app.client.execute("return window.__probe;", vec![]).await?;
    let menus = probe["contextmenu"].as_array().cloned().unwrap_or_default();
    assert!(
        !menus.is_empty(),
        "the right-click reached the page: {probe}"
    );
    assert!(
        menus.iter().all(|p| p == true),
        "no context menu was allowed: {probe}"
    );
    let keys = probe["keydown"].as_array().cloned().unwrap_or_default();
    for key in ["p", "s"] {
        let seen: Vec<_> = keys.iter().filter(|k| k["key"] == key).collect();
        assert!(!seen.is_empty(), "Ctrl+{key} reached the page: {probe}");
        assert!(
            seen.iter().all(|k| k["prevented"] == true),
            "Ctrl+{key} was refused: {probe}"
        );
    }
    assert!(
        keys.iter().any(|k| k["key"] == "s" && k["shift"] == true),
        "Ctrl+Shift+S reached the page: {probe}"
    );
    assert_eq!(probe["beforeprint"], 0, "nothing started printing: {probe}");

    // Nothing harmful happened: the same one window, the booking screen, what was typed.
    assert_eq!(app.client.windows().await?.len(), 1);
    let value = app
        .find("input[name=nameKanji0]")
        .await?
        .prop("value")
        .await?;
    assert_eq!(value.as_deref(), Some("見本 花子"));
    assert!(app
        .client
        .find(Locator::Css("input[name=phone0]"))
        .await
        .is_ok());

    // "No dumps": the app process runs with a core-file limit of 0, soft and hard.
    let limits = app_limits(data.path()).expect("the app's process is found");
    assert!(core_limit_is_zero(&limits), "{limits}");
    app.close().await?;
    Ok(())
}

/// `/proc/<pid>/limits` of the app running on `data_dir` (found by its binary and environment).
fn app_limits(data_dir: &std::path::Path) -> Option<String> {
    let app = std::fs::canonicalize(madoguchi_tests::desktop::app_binary().ok()?).ok()?;
    let wanted = format!("MADOGUCHI_DATA_DIR={}", data_dir.display());
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let exe = std::fs::read_link(e.path().join("exe")).ok()?;
        let environ = std::fs::read(e.path().join("environ")).ok()?;
        let ours = exe == app && environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes());
        if ours {
            std::fs::read_to_string(e.path().join("limits")).ok()
        } else {
            None
        }
    })
}

fn core_limit_is_zero(limits: &str) -> bool {
    limits.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        l.starts_with("Max core file size") && f.get(4) == Some(&"0") && f.get(5) == Some(&"0")
    })
}

/// The CLI, and so the hub (`madoguchi hub serve`), runs with a core-file limit of 0 too.
#[test]
fn the_hub_runs_without_core_dumps() {
    let data = tempfile::tempdir().unwrap();
    drop(madoguchi_tests::new_hub_store(data.path(), "ハブ"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut hub = std::process::Command::new(madoguchi_tests::built_binary("madoguchi"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["hub", "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("MADOGUCHI_PASSPHRASE", madoguchi_tests::PASSPHRASE)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 60, "the hub did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", hub.id())).unwrap();
    hub.kill().unwrap();
    hub.wait().unwrap();
    assert!(core_limit_is_zero(&limits), "{limits}");
}
