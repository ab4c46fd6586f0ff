//! The end-of-contract wipe, as the manager runs it at the counter (issue 9's acceptance):
//! two seats and a hub as separate processes, canary personal data booked at both seats and
//! synced, the WebView's folders in the (test's own) XDG directories and a stray temp file;
//! then the handover exports, the wipes (killed at several steps and run again), the hub
//! recording the seats' certificates, and a byte scan of everything left for the canaries.
use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use chrono::NaiveTime;
use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure},
    store::NewApplicant,
    store::Pin,
    wipe::{
        handover, Certificate, HandoverTarget, Wipe, WipeItemKind, WipeOptions, WipePhase,
        WipeProgress,
    },
    DataDir, Personal, Store,
};
use madoguchi_tests::{
    built_binary, contains, new_hub_store, new_seat_store, passphrase, PASSPHRASE,
};

/// The test's roots: every path the app may write is redirected under one temporary folder.
struct Site {
    tmp: tempfile::TempDir,
}

impl Site {
    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn cli(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(built_binary("madoguchi"));
        cmd.arg("--data-dir")
            .arg(dir)
            .env("MADOGUCHI_PASSPHRASE", PASSPHRASE)
            .env("MADOGUCHI_PIN", "1234") // M001, the demo roster's manager
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("XDG_CACHE_HOME", self.path("xdg-cache"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("TMPDIR", self.path("tmp"))
            .env("RUST_LOG", "warn")
            .env_remove("MADOGUCHI_WIPE_ABORT_AT")
            .stdin(Stdio::null());
        cmd
    }
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const CANARIES: &[&str] = &[
    "鳥籠試験太郎",
    "トリカゴシケンタロウ",
    "09071234567",
    "鳥籠試験花子",
    "トリカゴシケンハナコ",
    "08098765432",
    "鳥籠試験次郎",
    "トリカゴシケンジロウ",
    "07011112222",
    "籠鳥メモ一二三",
];
/// The free-text note booked with the first person.
const NOTE: usize = 9;

fn canary_applicant(i: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(CANARIES[i * 3].to_owned()),
            name_kana: Personal::new(CANARIES[i * 3 + 1].to_owned()),
            phone: Some(Personal::new(CANARIES[i * 3 + 2].to_owned())),
            birth_date: Some(Personal::new("1961-04-01".to_owned())),
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CardIssue],
    )
}

fn open_site(dir: &Path) -> Store {
    Store::open(&DataDir::at(dir), &passphrase())
        .unwrap()
        .act_as_site("tests")
}

/// A seat's store with a counter staff member signed in (the roster came from the hub).
fn open_signed_in(dir: &Path) -> Store {
    let store = Store::open(&DataDir::at(dir), &passphrase()).unwrap();
    store
        .sign_in("S001", &madoguchi_core::store::Pin::new("1111"))
        .unwrap();
    store
}

/// Every file under `root` that holds a canary (as UTF-8).
fn canary_hits(root: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let meta = fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                let bytes = fs::read(entry.path()).unwrap();
                for c in CANARIES {
                    if contains(&bytes, c.as_bytes()) {
                        hits.push((entry.path(), *c));
                    }
                }
            }
        }
    }
    hits
}

fn wipe(site: &Site, dir: &Path, seat: &str, extra: &[&str], abort_at: Option<&str>) -> Output {
    let mut cmd = site.cli(dir);
    cmd.args([
        "wipe",
        "--staff",
        "M001",
        "--organisation",
        "株式会社テスト窓口サービス",
        "--contract",
        "令和8年度 マイナンバーカード特設窓口運営業務委託",
        "--certificate-dir",
    ])
    .arg(site.path("certificates"))
    .args(["--confirm", seat])
    .args(extra);
    if let Some(step) = abort_at {
        cmd.env("MADOGUCHI_WIPE_ABORT_AT", step);
    }
    cmd.output().unwrap()
}

/// Runs an interrupted wipe again until it finishes (the resume asks for FINISH).
fn resume(site: &Site, dir: &Path, abort_at: Option<&str>) -> Output {
    let mut cmd = site.cli(dir);
    cmd.args(["wipe", "--confirm", "FINISH"]);
    if let Some(step) = abort_at {
        cmd.env("MADOGUCHI_WIPE_ABORT_AT", step);
    }
    cmd.output().unwrap()
}

fn aborted(out: &Output, step: &str) {
    assert!(
        !out.status.success(),
        "the wipe should have been killed at {step}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("aborting the wipe at {step}")),
        "not killed at {step}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn certificate_of(site: &Site, seat: &str) -> Certificate {
    let file = fs::read_dir(site.path("certificates"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains(seat) && name.ends_with(".json")
        })
        .unwrap_or_else(|| panic!("no certificate for {seat}"));
    let cert = Certificate::from_json(&fs::read_to_string(&file).unwrap()).unwrap();
    let pdf = fs::read(file.with_extension("pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the PDF copy is there");
    cert
}

#[test]
fn two_seats_and_a_hub_hand_over_and_wipe_leaving_nothing_readable() {
    let site = Site {
        tmp: tempfile::tempdir().unwrap(),
    };
    for d in [
        "home",
        "xdg-data",
        "xdg-cache",
        "xdg-config",
        "tmp",
        "certificates",
        "usb",
    ] {
        fs::create_dir_all(site.path(d)).unwrap();
    }
    let (hub_dir, seats) = (site.path("hub"), [site.path("seat1"), site.path("seat2")]);
    drop(new_hub_store(&hub_dir, "ハブ"));
    // The first PC gets the roster before it enrols; the second gets it from the hub.
    drop(new_seat_store(&seats[0], "窓口1"));
    drop(new_hub_store(&seats[1], "窓口2"));

    // The city's key pair; the contractor gets only the public key.
    let city_key = site.path("city.key");
    let recipient = ok(
        site.cli(&hub_dir)
            .args(["handover", "keygen", "--out"])
            .arg(&city_key)
            .output()
            .unwrap(),
        "keygen",
    );
    let recipient = recipient.trim().to_owned();
    assert!(recipient.starts_with("age1"));

    // The hub on loopback and both seats enrolled.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut hub = site
        .cli(&hub_dir)
        .args(["hub", "serve", "--listen", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "hub did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for seat in &seats {
        let code = ok(
            site.cli(&hub_dir).args(["hub", "code"]).output().unwrap(),
            "hub code",
        );
        ok(
            site.cli(seat)
                .args(["enrol", "--hub", &addr, "--code", code.trim()])
                .output()
                .unwrap(),
            "enrol",
        );
    }

    for seat in &seats {
        ok(
            site.cli(seat).args(["sync"]).output().unwrap(),
            "first sync",
        );
    }

    // The counter's work with canary personal data, one person at each seat, checked in.
    for (i, seat) in seats.iter().enumerate() {
        let store = open_signed_in(seat);
        let day = (1..30)
            .map(|n| store.today() + chrono::Days::new(n))
            .find(|d| {
                store
                    .day_board(*d)
                    .map(|b| !b.slots.is_empty())
                    .unwrap_or(false)
            })
            .unwrap();
        let booked = store
            .book(
                day,
                NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                Channel::Phone,
                vec![canary_applicant(i)],
                CANARIES[NOTE],
            )
            .unwrap();
        assert!(!booked.number.to_string().is_empty());
    }
    for _ in 0..2 {
        for seat in &seats {
            ok(site.cli(seat).args(["sync"]).output().unwrap(), "sync");
        }
    }
    // Every store holds both people now.
    for dir in [&hub_dir, &seats[0], &seats[1]] {
        assert_eq!(open_site(dir).status().unwrap().counts.applicants, 2);
    }
    // Seat 2 makes one more change after its last sync: it is not on the hub.
    {
        let store = open_signed_in(&seats[1]);
        let day = store.today() + chrono::Days::new(1);
        let day = (1..30)
            .map(|n| day + chrono::Days::new(n))
            .find(|d| {
                store
                    .day_board(*d)
                    .map(|b| !b.slots.is_empty())
                    .unwrap_or(false)
            })
            .unwrap();
        store
            .book(
                day,
                NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
                Channel::Phone,
                vec![canary_applicant(2)],
                "",
            )
            .unwrap();
        assert_eq!(store.outbox_status().unwrap().pending, 1);
    }
    // What the app and WebKit leave around: a saved report, the WebView's folders in the XDG
    // directories (one holding a canary, as a cache of a page could), a temp file of the app.
    let webkit = site.path("xdg-data/jp.madoguchi.counter/localstorage");
    fs::create_dir_all(&webkit).unwrap();
    fs::write(
        webkit.join("http_localhost_0.localstorage"),
        format!("cached {}", CANARIES[0]),
    )
    .unwrap();
    fs::create_dir_all(site.path("xdg-cache/jp.madoguchi.counter/WebKitCache")).unwrap();
    fs::write(
        site.path("xdg-cache/jp.madoguchi.counter/WebKitCache/blob"),
        CANARIES[3],
    )
    .unwrap();
    fs::write(site.path("tmp/madoguchi-crash.dmp"), CANARIES[2]).unwrap();
    fs::create_dir_all(seats[0].join("reports")).unwrap();
    fs::write(seats[0].join("reports/日報_2026-12-01.csv"), "件数,2\n").unwrap();

    // Seat 1: its bookings are all on the hub, but its attendance record (sign-ins) exists only
    // here, so it hands over too. Killed after the plan, while the key is half destroyed and
    // mid-delete, then run again to the end.
    let dry = ok(
        site.cli(&seats[0])
            .args(["wipe", "--dry-run", "--staff", "M001"])
            .output()
            .unwrap(),
        "dry run",
    );
    assert!(
        dry.contains("store.db") && dry.contains("key.age") && dry.contains("jp.madoguchi.counter"),
        "{dry}"
    );
    assert!(
        dry.contains("madoguchi-crash.dmp"),
        "the temp file is found: {dry}"
    );
    assert!(
        dry.contains("Snapshots and backups of the data folder") && dry.contains("not detected"),
        "{dry}"
    );
    assert!(
        open_site(&seats[0]).status().is_ok(),
        "a dry run changes nothing"
    );

    let usb = site.path("usb");
    let export_args = [
        "--recipient",
        recipient.as_str(),
        "--export-dir",
        usb.to_str().unwrap(),
    ];
    let refused = wipe(&site, &seats[0], "窓口1", &[], None);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("kept only on this PC"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    aborted(
        &wipe(&site, &seats[0], "窓口1", &export_args, Some("planned")),
        "planned",
    );
    assert!(
        Wipe::pending(&DataDir::at(&seats[0])).unwrap().is_some(),
        "the journal is there"
    );
    aborted(
        &resume(&site, &seats[0], Some("key_overwritten")),
        "key_overwritten",
    );
    assert!(
        Store::open(&DataDir::at(&seats[0]), &passphrase()).is_err(),
        "the key is no longer usable"
    );
    aborted(&resume(&site, &seats[0], Some("deleting")), "deleting");
    let out = ok(resume(&site, &seats[0], None), "seat 1 wipe finished");
    assert!(out.contains("Wipe complete"), "{out}");

    // Seat 2: a change is not on the hub, so the wipe refuses without the export and loses nothing.
    let refused = wipe(&site, &seats[1], "窓口2", &[], None);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not on the hub"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(open_site(&seats[1]).status().is_ok(), "nothing was changed");
    let mismatch = wipe(&site, &seats[1], "窓口9", &export_args, None);
    assert!(
        !mismatch.status.success(),
        "a confirmation that does not match stops it"
    );
    assert!(open_site(&seats[1]).status().is_ok());
    aborted(
        &wipe(
            &site,
            &seats[1],
            "窓口2",
            &export_args,
            Some("key_destroyed"),
        ),
        "key_destroyed",
    );
    aborted(&resume(&site, &seats[1], Some("deleted")), "deleted");
    ok(resume(&site, &seats[1], None), "seat 2 wipe finished");

    // The hub records both seats' certificates, then is wiped itself (export required).
    let cert1 = certificate_of(&site, "窓口1");
    let cert2 = certificate_of(&site, "窓口2");
    hub.kill().unwrap();
    hub.wait().unwrap();
    for seat in ["窓口1", "窓口2"] {
        let json = fs::read_dir(site.path("certificates"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.to_string_lossy().contains(seat) && p.extension().is_some_and(|e| e == "json")
            })
            .unwrap();
        ok(
            site.cli(&hub_dir)
                .args(["certificate", "record"])
                .arg(&json)
                .output()
                .unwrap(),
            "record",
        );
    }
    let hub_rows: BTreeMap<String, u64> = {
        let store = open_site(&hub_dir);
        store
            .wipe_preflight()
            .unwrap()
            .records
            .into_iter()
            .map(|r| (r.table, r.rows))
            .collect()
    };
    let refused = wipe(&site, &hub_dir, "ハブ", &[], None);
    assert!(!refused.status.success(), "the hub always hands over first");
    aborted(
        &wipe(&site, &hub_dir, "ハブ", &export_args, Some("certified")),
        "certified",
    );
    ok(resume(&site, &hub_dir, None), "hub wipe finished");
    let hub_cert = certificate_of(&site, "ハブ");

    // Nothing of anyone is left: every byte of every file under the test's roots.
    let hits = canary_hits(site.tmp.path());
    assert!(hits.is_empty(), "canaries left: {hits:?}");
    for dir in [&hub_dir, &seats[0], &seats[1]] {
        assert!(!dir.exists(), "{} is gone", dir.display());
        assert!(
            Store::open(&DataDir::at(dir), &passphrase()).is_err(),
            "the store cannot be opened"
        );
    }
    assert!(!site.path("xdg-data/jp.madoguchi.counter").exists());
    assert!(!site.path("xdg-cache/jp.madoguchi.counter").exists());
    assert!(!site.path("tmp/madoguchi-crash.dmp").exists());

    // The certificates say what was done.
    for cert in [&cert1, &cert2, &hub_cert] {
        assert!(cert.verified(), "{:?}", cert.verification);
        assert!(cert.key_destroyed_at.is_some());
        let kinds: Vec<_> = cert.items.iter().map(|i| i.kind).collect();
        assert_eq!(kinds[0], WipeItemKind::DataKey, "the key goes first");
        assert!(kinds.contains(&WipeItemKind::Database));
        assert!(cert.items.iter().all(|i| i.removed));
        assert_eq!(cert.performer.staff_code, "M001");
        assert_eq!(cert.performer.role, "業務管理者");
        assert!(cert
            .verification
            .iter()
            .any(|c| c.check == "store_unopenable" && c.result == "passed"));
        assert_eq!(
            cert.limitations.len(),
            madoguchi_core::wipe::LIMITATIONS.len()
        );
    }
    assert!(
        cert1
            .items
            .iter()
            .any(|i| i.kind == WipeItemKind::OsWebView),
        "the WebView's folders are listed"
    );
    assert!(cert1.items.iter().any(|i| i.kind == WipeItemKind::TempFile));
    assert!(cert1.items.iter().any(|i| i.kind == WipeItemKind::Reports));
    assert!(cert1.handover.is_some() && cert2.handover.is_some() && hub_cert.handover.is_some());
    assert!(hub_cert.hub);
    // The seats' wipes were finished by a later run, which no longer has the samples for the
    // scan; the hub's was certified (scan included) before it was killed.
    for cert in [&cert1, &cert2] {
        assert!(cert.resumed);
        assert!(cert
            .verification
            .iter()
            .any(|c| c.check == "canary_scan" && c.result == "not_run"));
    }
    assert!(!hub_cert.resumed);
    assert!(
        hub_cert
            .verification
            .iter()
            .any(|c| c.check == "canary_scan" && c.result == "passed"),
        "{:?}",
        hub_cert.verification
    );
    let recorded: Vec<_> = hub_cert
        .seat_certificates
        .iter()
        .map(|s| s.digest.clone())
        .collect();
    assert_eq!(recorded, vec![cert1.digest.clone(), cert2.digest.clone()]);
    // Every site's seats are on the hub's certificate, each with the certificate received.
    assert_eq!(hub_cert.sites.len(), 1, "{:?}", hub_cert.sites);
    let seats = &hub_cert.sites[0].seats;
    assert_eq!(seats.len(), 2);
    for cert in [&cert1, &cert2] {
        let line = seats.iter().find(|s| s.seat_id == cert.store_id).unwrap();
        assert_eq!(
            line.certificate.as_ref().map(|c| c.digest.clone()),
            Some(cert.digest.clone())
        );
    }
    ok(
        site.cli(&hub_dir)
            .args(["certificate", "check"])
            .arg(
                fs::read_dir(site.path("certificates"))
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| {
                        p.to_string_lossy().contains("ハブ")
                            && p.extension().is_some_and(|e| e == "json")
                    })
                    .unwrap(),
            )
            .output()
            .unwrap(),
        "certificate check",
    );

    // The hub's export decrypts with the city's identity and holds every record.
    let export = hub_cert.handover.as_ref().unwrap().file.clone();
    let identity = fs::read_to_string(&city_key).unwrap();
    let opened = handover::open(&export, &identity).unwrap();
    let exported: BTreeMap<String, u64> = opened
        .manifest
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows))
        .collect();
    for (table, rows) in &hub_rows {
        if table == "audit_log"
            || table == "audit_head"
            || table == "wipe_certificates"
            || table == "sign_ins"
        {
            assert!(
                exported[table] >= *rows,
                "{table}: the wipe's own sign-in and audit entries come on top"
            );
        } else {
            assert_eq!(exported.get(table), Some(rows), "{table}");
        }
    }
    let applicants = opened
        .files
        .iter()
        .find(|(n, _)| n == "tables/applicants.jsonl")
        .unwrap();
    for c in &CANARIES[..6] {
        assert!(contains(&applicants.1, c.as_bytes()), "{c} is handed over");
    }
    // The change that never reached the hub is in seat 2's own export.
    let seat2 = handover::open(&cert2.handover.as_ref().unwrap().file, &identity).unwrap();
    let applicants = seat2
        .files
        .iter()
        .find(|(n, _)| n == "tables/applicants.jsonl")
        .unwrap();
    for c in &CANARIES[6..NOTE] {
        assert!(
            contains(&applicants.1, c.as_bytes()),
            "{c} is handed over by seat 2"
        );
    }
    let listed = ok(
        site.cli(&hub_dir)
            .args(["handover", "list", "--identity"])
            .arg(&city_key)
            .arg(&export)
            .output()
            .unwrap(),
        "handover list",
    );
    assert!(
        listed.contains("applicants") && listed.contains("checksums verified"),
        "{listed}"
    );
    // Another key cannot open it.
    let (other, _) = handover::new_city_identity();
    assert!(handover::open(&export, &other).is_err());
    // A damaged copy is refused, not half read.
    let bytes = fs::read(&export).unwrap();
    let damaged = site.path("damaged.age");
    fs::write(&damaged, &bytes[..bytes.len() - 100]).unwrap();
    assert!(handover::open(&damaged, &identity).is_err());
    // An edited certificate no longer matches its digest.
    let edited = site.path("edited.json");
    let json = hub_cert
        .to_json()
        .unwrap()
        .replace("株式会社テスト窓口サービス", "株式会社べつの会社");
    fs::write(&edited, json).unwrap();
    let check = site
        .cli(&hub_dir)
        .args(["certificate", "check"])
        .arg(&edited)
        .output()
        .unwrap();
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains("altered"));
}

/// A site whose every OS folder (home, XDG, temp) is the test's own. The library is called in
/// this process, so the variables are set here: nextest runs each test in its own process.
fn isolated_site() -> Site {
    let site = Site {
        tmp: tempfile::tempdir().unwrap(),
    };
    for d in [
        "home",
        "xdg-data",
        "xdg-cache",
        "xdg-config",
        "tmp",
        "certificates",
        "usb",
    ] {
        fs::create_dir_all(site.path(d)).unwrap();
    }
    std::env::set_var("HOME", site.path("home"));
    std::env::set_var("XDG_DATA_HOME", site.path("xdg-data"));
    std::env::set_var("XDG_CACHE_HOME", site.path("xdg-cache"));
    std::env::set_var("XDG_CONFIG_HOME", site.path("xdg-config"));
    std::env::set_var("TMPDIR", site.path("tmp"));
    site
}

fn options(site: &Site) -> WipeOptions {
    let (_, recipient) = handover::new_city_identity();
    WipeOptions {
        organisation: "株式会社テスト窓口サービス".into(),
        contract: "令和8年度 マイナンバーカード特設窓口運営業務委託".into(),
        handover: Some(HandoverTarget {
            recipient,
            dir: site.path("usb"),
        }),
        certificate_dir: site.path("certificates"),
    }
}

fn render(cert: &Certificate) -> Result<Vec<u8>, String> {
    madoguchi_report::certificate::pdf(cert).map_err(|e| e.to_string())
}

/// The PDF's text with every space and line break removed (pdftotext wraps and spaces as it
/// guesses from glyph positions).
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect()
}

/// The printout says what the JSON says, check by check, and claims nothing more.
fn assert_certificate_text_matches_its_checks(cert: &Certificate, pdf: &Path) {
    let text = pdf_text(pdf);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let label = |check: &str| match check {
        "items_removed" => "全項目の削除",
        "data_dir_empty" => "データフォルダが空",
        "store_unopenable" => "ストアが開けない",
        "canary_scan" => "個人情報の残存検索",
        other => panic!("a check the test does not know: {other}"),
    };
    for check in &cert.verification {
        let result = match check.result.as_str() {
            "passed" => "合格",
            "failed" => "不合格",
            "not_run" => "実施せず",
            other => panic!("{other}"),
        };
        let line = format!("【{result}】{}：", label(&check.check));
        assert!(text.contains(&line), "{line} not in the PDF:\n{text}");
        let detail: String = squeeze(&check.detail).chars().take(30).collect();
        assert!(
            text.contains(&detail),
            "the detail of {} is printed: {detail}",
            check.check
        );
    }
    let statement = squeeze(&madoguchi_report::certificate::statement(cert));
    assert!(text.contains(&statement.chars().take(60).collect::<String>()));
    assert!(
        !text.contains("個人情報を含むデータを消去したことを証明します"),
        "no claim beyond the checks"
    );
    if cert.verification.iter().any(|c| c.result == "not_run") {
        assert!(
            text.contains("次の確認は実施していません"),
            "the statement names what was not checked"
        );
    }
    for limit in &cert.limitations {
        let start: String = squeeze(limit).chars().take(25).collect();
        assert!(text.contains(&start), "limitation printed: {start}");
    }
    for topic in [
        "かな漢字変換",
        "クリップボード",
        "クラッシュダンプ",
        "シャドウコピー",
        "btrfs",
        "TimeMachine",
        "MADOGUCHI_PASSPHRASE",
    ] {
        assert!(
            cert.limitations.iter().any(|l| squeeze(l).contains(topic)),
            "{topic} is a stated limit"
        );
    }
    assert!(
        cert.method.contains("NIST SP 800-88 Rev. 2") && cert.method.contains("ゼロ化"),
        "{}",
        cert.method
    );
    assert!(!cert.method.contains("Rev.1") && !cert.method.contains("Rev. 1"));
    assert!(text.contains("NISTSP800-88Rev.2"));
}

#[test]
fn a_store_without_personal_data_reports_the_scan_as_not_run() {
    let site = isolated_site();
    let dir = site.path("seat");
    let store = new_seat_store(&dir, "窓口1");
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let wipe = Wipe::begin(store, options(&site), &mut |_| {}).unwrap();
    let outcome = wipe.run(&render, &mut |_| {}).unwrap();
    let cert = &outcome.certificate;
    let scan = cert
        .verification
        .iter()
        .find(|c| c.check == "canary_scan")
        .unwrap();
    assert_eq!(scan.result, "not_run", "{scan:?}");
    assert!(scan.detail.contains("1件もなかった"), "{}", scan.detail);
    assert!(cert.verified() && !cert.fully_verified());
    assert_certificate_text_matches_its_checks(cert, &outcome.pdf);
    assert!(
        !dir.exists(),
        "the journal was overwritten and removed, and the folder with it"
    );
}

#[test]
fn a_utf16_canary_the_webview_writes_during_the_wipe_is_found() {
    let site = isolated_site();
    let dir = site.path("seat");
    let store = new_seat_store(&dir, "窓口1");
    let day = (1..30)
        .map(|n| store.today() + chrono::Days::new(n))
        .find(|d| {
            store
                .day_board(*d)
                .map(|b| !b.slots.is_empty())
                .unwrap_or(false)
        })
        .unwrap();
    store
        .book(
            day,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            Channel::Phone,
            vec![canary_applicant(0)],
            CANARIES[NOTE],
        )
        .unwrap();
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let wipe = Wipe::begin(store, options(&site), &mut |_| {}).unwrap();

    // WebKit flushes its localStorage (UTF-16LE, as WebKit and Chromium store text) after the
    // delete step, while the app still runs: the reading of the first canary, hyphen-free
    // phone as typed with hyphens, and the note.
    let webview = site.path("xdg-data/jp.madoguchi.counter/localstorage");
    let planted = webview.join("http_tauri.localhost_0.localstorage");
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>()
    };
    let mut plant = |p: WipeProgress| {
        if p.phase == WipePhase::Verify {
            fs::create_dir_all(&webview).unwrap();
            let mut bytes = b"SQLite format 3\0".to_vec();
            bytes.extend(utf16(&format!("{{\"draft\":\"{}\"}}", CANARIES[1])));
            fs::write(&planted, bytes).unwrap();
        }
    };
    let err = wipe.run(&render, &mut plant).unwrap_err().to_string();
    assert!(
        err.contains("canary_scan") && err.contains("http_tauri.localhost_0.localstorage"),
        "{err}"
    );
    assert!(
        !CANARIES.iter().any(|c| err.contains(c)),
        "the error names the file, never the value"
    );
    assert!(err.contains("UTF-16LE"), "{err}");
    assert!(
        !site.path("certificates").read_dir().unwrap().any(|_| true),
        "no certificate for a failed scan"
    );

    // Run again: the folder is deleted this time; the scan cannot run again (the samples were
    // only in memory) and says which file it had found.
    let outcome = Wipe::resume(&DataDir::at(&dir))
        .unwrap()
        .unwrap()
        .run(&render, &mut |_| {})
        .unwrap();
    assert!(!planted.exists());
    let scan = outcome
        .certificate
        .verification
        .iter()
        .find(|c| c.check == "canary_scan")
        .unwrap();
    assert_eq!(scan.result, "not_run");
    assert!(
        scan.detail.contains("http_tauri.localhost_0.localstorage"),
        "{}",
        scan.detail
    );
    assert_certificate_text_matches_its_checks(&outcome.certificate, &outcome.pdf);
}

#[test]
fn the_scan_samples_every_kind_and_says_so() {
    let site = isolated_site();
    let dir = site.path("seat");
    let store = new_seat_store(&dir, "窓口1");
    let day = (1..30)
        .map(|n| store.today() + chrono::Days::new(n))
        .find(|d| {
            store
                .day_board(*d)
                .map(|b| !b.slots.is_empty())
                .unwrap_or(false)
        })
        .unwrap();
    store
        .book(
            day,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            Channel::Phone,
            vec![canary_applicant(0)],
            CANARIES[NOTE],
        )
        .unwrap();
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let outcome = Wipe::begin(store, options(&site), &mut |_| {})
        .unwrap()
        .run(&render, &mut |_| {})
        .unwrap();
    let scan = outcome
        .certificate
        .verification
        .iter()
        .find(|c| c.check == "canary_scan")
        .unwrap();
    assert_eq!(scan.result, "passed", "{scan:?}");
    for counted in [
        "氏名 1 件",
        "フリガナ 1 件",
        "電話番号（数字のみ・ハイフン付き） 1 件",
        "生年月日",
        "自由記述",
    ] {
        assert!(
            scan.detail.contains(counted),
            "{counted} in {}",
            scan.detail
        );
    }
    assert!(scan.detail.contains("UTF-8 と UTF-16LE"));
    assert!(
        !CANARIES.iter().any(|c| scan.detail.contains(c)),
        "counts, never values"
    );
    assert!(outcome.certificate.fully_verified());
    assert_certificate_text_matches_its_checks(&outcome.certificate, &outcome.pdf);
}
