//! Real-window end-to-end harness: the built desktop app under Xvfb, driven over WebDriver
//! (tauri-driver in front of WebKitWebDriver), with screenshots saved for review.
//!
//! Each [`Desktop`] starts its own Xvfb display and driver on free ports and kills exactly
//! those processes when dropped, so tests can run in parallel and leave nothing behind.
use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use std::os::unix::process::CommandExt;

use anyhow::{bail, Context, Result};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

/// A running app in a real window.
pub struct Desktop {
    /// The WebDriver session (the app's one window).
    pub client: Client,
    out: PathBuf,
    _processes: Processes,
}

/// The display and driver this harness started; stopped on drop, also when a test panics.
struct Processes {
    xvfb: Child,
    driver: Child,
}

impl Drop for Processes {
    fn drop(&mut self) {
        // The driver's whole group (tauri-driver, WebKitWebDriver, the app), then the display.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// The desktop app binary: `MADOGUCHI_APP_BIN`, or `madoguchi-app` next to this test's target dir.
pub fn app_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("MADOGUCHI_APP_BIN") {
        return Ok(path.into());
    }
    // target/debug/deps/<test> -> target/debug/madoguchi-app
    let exe = std::env::current_exe()?;
    let path = exe
        .parent()
        .and_then(Path::parent)
        .context("target dir")?
        .join("madoguchi-app");
    if !path.exists() {
        bail!(
            "{} is not built: run `cargo build -p madoguchi-app` (scripts/test.sh does)",
            path.display()
        );
    }
    Ok(path)
}

fn require(tool: &str) -> Result<()> {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).exists()))
        .unwrap_or(false);
    if !found {
        bail!("{tool} is not on PATH: run scripts/test.sh, which installs it");
    }
    Ok(())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Sets an input's value the way React notices (date and time inputs take no typed keys in
/// WebKitWebDriver). Arguments: the element, the value.
pub const SET_VALUE: &str = "const el = arguments[0]; \
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; \
    set.call(el, arguments[1]); el.dispatchEvent(new Event('input', { bubbles: true }));";

/// The first day after today on which the counter opens (end-to-end tests book it).
pub fn next_open_weekday() -> chrono::NaiveDate {
    let mut day = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let calendar = madoguchi_core::calendar::BusinessCalendar::new(
        madoguchi_core::calendar::Holidays::bundled().clone(),
    );
    while !calendar.is_open(day) {
        day = day + chrono::Days::new(1);
    }
    day
}

impl Desktop {
    /// Unlocks with the test passphrase and signs in as `code`, a member of the demo roster
    /// ([`madoguchi_core::demo::DEMO_STAFF`]) that [`crate::new_store`] enrols.
    pub async fn unlock_and_sign_in(&self, code: &str) -> Result<()> {
        self.unlock().await?;
        self.sign_in(code).await
    }

    /// Unlocks with the test passphrase and stops at the sign-in screen (nobody signed in).
    pub async fn unlock(&self) -> Result<()> {
        self.find("#passphrase")
            .await?
            .send_keys(&format!("{}\u{E007}", crate::PASSPHRASE))
            .await?;
        self.find("#staff-code").await?;
        Ok(())
    }

    /// Signs in at the sign-in screen as `code`, a member of the demo roster
    /// ([`madoguchi_core::demo::DEMO_STAFF`]), with that member's PIN.
    pub async fn sign_in(&self, code: &str) -> Result<()> {
        let pin = madoguchi_core::demo::DEMO_STAFF
            .iter()
            .find(|s| s.0 == code)
            .map(|s| s.3)
            .context("not on the demo roster")?;
        self.find("#staff-code").await?.send_keys(code).await?;
        self.find("#staff-pin")
            .await?
            .send_keys(&format!("{pin}\u{E007}"))
            .await?;
        self.find("[data-testid=who]").await?;
        Ok(())
    }

    /// Sends `keys` to the element that has the focus, as a keyboard would, and returns how
    /// many keys a person presses for them: each character, each special key (`\u{E004}` Tab,
    /// `\u{E007}` Enter, arrows, F-keys), a chord of Alt and a letter as two; the `\u{E000}`
    /// that releases a held modifier is WebDriver's, not a key press.
    pub async fn press(&self, keys: &str) -> Result<usize> {
        self.client.active_element().await?.send_keys(keys).await?;
        Ok(keys.chars().filter(|c| *c != '\u{E000}').count())
    }

    /// Sets the value of the input matching `css` (see [`SET_VALUE`]).
    pub async fn set_value(&self, css: &str, value: &str) -> Result<()> {
        let input = self.find(css).await?;
        self.client
            .execute(SET_VALUE, vec![serde_json::to_value(&input)?, value.into()])
            .await?;
        Ok(())
    }

    /// Starts the app on `data_dir` in a 1366×768 virtual screen; screenshots go to
    /// `test-output/<test>/`.
    pub async fn launch(test: &str, data_dir: &Path) -> Result<Desktop> {
        Self::launch_with_env(test, data_dir, &[]).await
    }

    /// As [`Desktop::launch`], with extra environment for the app (e.g. `MADOGUCHI_CLOCK`).
    pub async fn launch_with_env(
        test: &str,
        data_dir: &Path,
        env: &[(&str, &str)],
    ) -> Result<Desktop> {
        Self::launch_on_screen(test, data_dir, env, (1366, 768)).await
    }

    /// As [`Desktop::launch_with_env`], on a virtual screen of `(width, height)` pixels (a
    /// waiting room's 1920×1080 monitor).
    pub async fn launch_on_screen(
        test: &str,
        data_dir: &Path,
        env: &[(&str, &str)],
        size: (u32, u32),
    ) -> Result<Desktop> {
        Self::launch_binary_on_screen(test, &app_binary()?, data_dir, env, size).await
    }

    /// As [`Desktop::launch`], with the app binary at `app` (e.g. one extracted from the .deb)
    /// instead of [`app_binary`].
    pub async fn launch_binary(test: &str, app: &Path, data_dir: &Path) -> Result<Desktop> {
        Self::launch_binary_on_screen(test, app, data_dir, &[], (1366, 768)).await
    }

    /// As [`Desktop::launch_on_screen`], with the app binary at `app`.
    pub async fn launch_binary_on_screen(
        test: &str,
        app: &Path,
        data_dir: &Path,
        env: &[(&str, &str)],
        (width, height): (u32, u32),
    ) -> Result<Desktop> {
        // Two rustls providers are linked into the tests (the WebDriver client's and sync's):
        // name the process default, which the WebDriver client relies on.
        let _ = rustls::crypto::ring::default_provider().install_default();
        for tool in ["Xvfb", "tauri-driver", "WebKitWebDriver"] {
            require(tool)?;
        }
        if !app.exists() {
            bail!("the app binary {} does not exist", app.display());
        }

        // Xvfb picks a free display and writes its number to the fd we give it.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?;
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().unwrap()).read_line(&mut line)?;
        let display = format!(":{}", line.trim());

        let (port, native_port) = (free_port()?, free_port()?);
        // Its own process group, so stopping it also stops the WebKitWebDriver it starts.
        let driver = Command::new("tauri-driver")
            .process_group(0)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("MADOGUCHI_DATA_DIR", data_dir)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let driver = match driver {
            Ok(d) => d,
            Err(e) => {
                let _ = xvfb.kill();
                let _ = xvfb.wait();
                return Err(e).context("starting tauri-driver");
            }
        };
        let processes = Processes { xvfb, driver };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on {port}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let mut caps = serde_json::Map::new();
        // No browserName: WebKitWebDriver rejects "wry" before launch, and reports it itself.
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        let client = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("starting the app through WebDriver")?;
        Ok(Desktop {
            client,
            out: crate::output_dir(test),
            _processes: processes,
        })
    }

    /// Waits (up to 15 s) for the element matching `css`.
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// The input, select or text area whose label says `label`, found as a person finds it
    /// (waits up to 15 s).
    pub async fn field(&self, label: &str) -> Result<Element> {
        let xpath = format!(
            "//label[contains(normalize-space(.), '{label}')]//*[self::input or self::select or self::textarea]"
        );
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&xpath))
            .await
            .with_context(|| format!("waiting for the field {label}"))
    }

    /// The enabled button that says `name` (waits up to 15 s).
    pub async fn button(&self, name: &str) -> Result<Element> {
        let xpath = format!(
            "//button[(normalize-space(.)='{name}' or @aria-label='{name}') and not(@disabled)]"
        );
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&xpath))
            .await
            .with_context(|| format!("waiting for the button {name}"))
    }

    /// Waits (up to 15 s) until the element matching `css` contains `text`; returns its text.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Result<String> {
        self.wait_until(css, &format!("{text:?}"), |found| found.contains(text))
            .await
    }

    /// Waits (up to 15 s) until the text of the element matching `css` satisfies `ok`
    /// (`wanted` says what it waits for, in the error); returns its text.
    pub async fn wait_until(
        &self,
        css: &str,
        wanted: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(found) = el.text().await {
                    if ok(&found) {
                        return Ok(found);
                    }
                    if Instant::now() > deadline {
                        bail!("{css} shows {found:?}, not {wanted}");
                    }
                }
            }
            if Instant::now() > deadline {
                bail!("{css} never appeared");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element matching `css`, scrolled to the middle of the window first; retries
    /// for a while when the element is being re-rendered or is not yet clickable.
    pub async fn click(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let attempt = async {
                let el = self.client.find(Locator::Css(css)).await?;
                self.client
                    .execute(
                        "arguments[0].scrollIntoView({ block: 'center' });",
                        vec![serde_json::to_value(&el)?],
                    )
                    .await?;
                el.click().await?;
                anyhow::Ok(())
            };
            match attempt.await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() > deadline => bail!("could not click {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Scrolls the element matching `css` to the middle of the window (before a screenshot).
    pub async fn scroll_to(&self, css: &str) -> Result<()> {
        let el = self.find(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center' });",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        Ok(())
    }

    /// Saves a PNG screenshot as `test-output/<test>/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = self.out.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the session (closing the app); the driver and display stop when `self` drops.
    pub async fn close(self) -> Result<()> {
        self.client
            .clone()
            .close()
            .await
            .context("closing the WebDriver session")
    }
}

impl Desktop {
    /// The reservation numbers the board shows now (slot rows and the walk-in queue).
    pub async fn numbers_on_board(&self) -> Result<BTreeSet<String>> {
        let found = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(\
                 '[data-testid=board] [data-number], [data-testid=walk-in-queue] [data-number]'))\
                 .map(e => e.getAttribute('data-number'));",
                vec![],
            )
            .await?;
        Ok(serde_json::from_value(found)?)
    }

    /// Shows `day` on the board and waits (up to 5 s) until it shows exactly `expected`.
    pub async fn board_shows(&self, day: &str, expected: &BTreeSet<String>) -> Result<()> {
        self.set_value("input[type=date]", day).await?;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let shown = self.numbers_on_board().await?;
            if &shown == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                let missing: Vec<_> = expected.difference(&shown).collect();
                let extra: Vec<_> = shown.difference(expected).collect();
                bail!(
                    "the board of {day} shows {} reservations, the store {}; missing {missing:?}, extra {extra:?}",
                    shown.len(),
                    expected.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Books one person in the app's booking screen on `day` (at `site`, chosen in the booking
    /// screen's site picker, or this PC's), in the last slot with a free place; returns the
    /// reservation number the app shows and when the booking was submitted.
    pub async fn book_in_app(
        &self,
        day: chrono::NaiveDate,
        site: Option<&str>,
    ) -> Result<(String, Instant)> {
        let app = self;
        if let Some(site) = site {
            app.click("a[href='#book']").await?;
            app.find("select[name=bookingSite]")
                .await?
                .select_by_value(site)
                .await?;
        }
        app.click("a[href='#book']").await?;
        app.find("input[name=nameKanji0]")
            .await?
            .send_keys("二席 確認")
            .await?;
        app.find("input[name=nameKana0]")
            .await?
            .send_keys("ニセキ カクニン")
            .await?;
        app.find("input[name=phone0]")
            .await?
            .send_keys("090-2222-0002")
            .await?;
        app.click("input[name=certificate_renewal0]").await?;
        app.set_value("input[name=day]", &day.format("%Y-%m-%d").to_string())
            .await?;
        // The slots of that day replace today's within a moment: poll until one is free.
        let deadline = Instant::now() + Duration::from_secs(15);
        let slot = loop {
            let found = app
                .client
                .execute(
                    "const free = Array.from(document.querySelectorAll('button[data-slot]:not([disabled])')); \
                     return free.length ? free[free.length - 1].getAttribute('data-slot') : null;",
                    vec![],
                )
                .await?;
            if let Some(slot) = found.as_str() {
                break slot.to_owned();
            }
            if Instant::now() > deadline {
                bail!("the booking screen showed no slot with a free place on {day} within 15 s");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        app.click(&format!("button[data-slot='{slot}']")).await?;
        app.click("form button[type=submit]").await?;
        let submitted = Instant::now();
        let number = app
            .wait_for_text("[data-testid=reservation-number]", "-")
            .await?;
        Ok((number.trim().to_owned(), submitted))
    }
}
