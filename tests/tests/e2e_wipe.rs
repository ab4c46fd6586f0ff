//! End to end in a real window: at the end of the contract the manager opens データ消去, sees
//! what would go and why the handover export is required, fills in the contract and the city's
//! key, types the seat name, and runs it; the app shows the certificate and quits. Then every
//! byte left under the test's roots (data folder, the WebView's XDG folders, temp) is scanned
//! for the person booked before: nothing; the export opens with the city's key and holds them.
//! Screenshots of the preflight and of the result.
use std::{
    fs,
    path::Path,
    time::{Duration, Instant},
};

use chrono::NaiveTime;
use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure},
    store::NewApplicant,
    wipe::{handover, Certificate},
    Personal,
};
use madoguchi_tests::{
    contains,
    desktop::{next_open_weekday, Desktop},
    new_store,
};

const NAME: &str = "窓辺消去試験子";
const KANA: &str = "マドベショウキョシケンコ";
const PHONE: &str = "09055501234";

fn hits(root: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(root).unwrap().flatten() {
        let meta = fs::symlink_metadata(entry.path()).unwrap();
        if meta.is_dir() {
            hits(&entry.path(), out);
        } else if meta.is_file() {
            let bytes = fs::read(entry.path()).unwrap_or_default();
            for needle in [NAME, KANA, PHONE] {
                if contains(&bytes, needle.as_bytes()) {
                    out.push(format!("{} holds {needle}", entry.path().display()));
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_manager_hands_over_and_wipes_this_pc_from_the_admin_screen() -> anyhow::Result<()> {
    let root = tempfile::tempdir()?;
    let path = |p: &str| root.path().join(p);
    for d in ["xdg-data", "xdg-cache", "xdg-config", "tmp", "usb"] {
        fs::create_dir_all(path(d))?;
    }
    let data = path("data");
    {
        let store = new_store(&data);
        store.book(
            next_open_weekday(),
            NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            Channel::Phone,
            vec![(
                NewApplicant {
                    name_kanji: Personal::new(NAME.to_owned()),
                    name_kana: Personal::new(KANA.to_owned()),
                    phone: Some(Personal::new(PHONE.to_owned())),
                    birth_date: None,
                },
                ApplicantType::ApplicantSelf,
                vec![Procedure::CardIssue],
            )],
            "",
        )?;
    }
    let (identity, recipient) = handover::new_city_identity();
    let (xdg_data, xdg_cache, xdg_config, tmp, usb) = (
        path("xdg-data"),
        path("xdg-cache"),
        path("xdg-config"),
        path("tmp"),
        path("usb"),
    );
    let app = Desktop::launch_with_env(
        "e2e_wipe",
        &data,
        &[
            ("XDG_DATA_HOME", xdg_data.to_str().unwrap()),
            ("XDG_CACHE_HOME", xdg_cache.to_str().unwrap()),
            ("XDG_CONFIG_HOME", xdg_config.to_str().unwrap()),
            ("TMPDIR", tmp.to_str().unwrap()),
        ],
    )
    .await?;
    app.unlock_and_sign_in("M001").await?;
    app.click("a[href='#wipe']").await?;
    app.find("#wipe-organisation")
        .await?
        .send_keys("株式会社テスト窓口サービス")
        .await?;
    app.find("#wipe-contract")
        .await?
        .send_keys("令和8年度 マイナンバーカード特設窓口運営業務委託")
        .await?;
    app.find("#wipe-recipient")
        .await?
        .send_keys(&recipient)
        .await?;
    app.set_value("#wipe-export-dir", usb.to_str().unwrap())
        .await?;
    app.set_value("#wipe-certificate-dir", usb.to_str().unwrap())
        .await?;
    assert!(
        !app.find("#wipe-run").await?.is_enabled().await?,
        "nothing runs before the seat name is typed"
    );
    app.find("#wipe-confirmation")
        .await?
        .send_keys("窓口1")
        .await?;
    app.screenshot("01-preflight").await?;
    app.click("#wipe-run").await?;

    // A debug build on two busy cores: the export, the erase and the PDF take a while.
    let deadline = Instant::now() + Duration::from_secs(90);
    let done = loop {
        match app.wait_for_text("#wipe-done", "消去が完了しました").await {
            Ok(text) => break text,
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => {}
        }
    };
    assert!(done.contains("消去が完了しました"));
    app.screenshot("02-done").await?;
    let pdf = app.find("#wipe-certificate-pdf").await?.text().await?;
    let pdf = pdf.trim().to_owned();
    // The app exits on this click, so the click's own answer may never come.
    let _ = app.find("#wipe-quit").await?.click().await;
    drop(app);

    // The app has quit: its last act removed what the WebView wrote while the wipe ran.
    let deadline = Instant::now() + Duration::from_secs(20);
    while data.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!data.exists(), "the data folder is gone");
    for dir in [&xdg_data, &xdg_cache, &xdg_config] {
        assert!(
            !dir.join("jp.madoguchi.counter").exists(),
            "{} is cleared",
            dir.display()
        );
    }
    let mut found = Vec::new();
    hits(root.path(), &mut found);
    assert!(found.is_empty(), "personal data left: {found:?}");

    let json = Path::new(&pdf).with_extension("json");
    let cert = Certificate::from_json(&fs::read_to_string(&json)?)?;
    assert!(cert.verified(), "{:?}", cert.verification);
    assert!(fs::read(&pdf)?.starts_with(b"%PDF"));
    assert_eq!(cert.performer.name, "管理 一郎");
    let export = cert
        .handover
        .as_ref()
        .expect("the export was required")
        .file
        .clone();
    let opened = handover::open(&export, &identity)?;
    let applicants = opened
        .files
        .iter()
        .find(|(n, _)| n == "tables/applicants.jsonl")
        .expect("applicants");
    assert!(contains(&applicants.1, NAME.as_bytes()), "handed over");
    Ok(())
}
