//! Issue 21, acceptance line 1: a city with several sites, as processes with a hub.
//!
//! `madoguchi hub serve` runs the hub; every seat is a store of its own, enrolled as the
//! operator manual says (6-13: `madoguchi hub code --site …` on the hub's PC, `madoguchi enrol`
//! on the seat) and synced by `madoguchi sync`, which opens it with nobody signed in, as the app
//! after unlock. The city: 本庁舎 (4 seats), 駅前 (2), 分室 (1), a call center (2 seats that book
//! only) and an outreach laptop for a one-day 出張申請 at a community hall.
//!
//! - The call center books at every site and holds only the bookings it made; each site's
//!   board shows its own bookings only.
//! - The 分室's store holds no personal data of another site: not through core's API (its
//!   bookings, search, every synced row) and not in any page of its database or WAL, live or
//!   free (`tests/python/sqlcipher_pages.py` decrypts them with the store's key), while its own
//!   applicant's name is found there (the scan works).
//! - The laptop is prepared (the day sealed, every free place held), works the whole day
//!   offline, and converges on return; then it is taken off the site and drops the day's data.
//! - Reports per site add up to the city's total, and a site's PC reports its site alone.
//! - At the end every store holds exactly its part of the hub's rows (`convergence_problems`).
use std::{
    path::{Path, PathBuf},
    process::Command,
};

use chrono::{Days, NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Channel, Procedure},
    site::{SiteId, SiteKind},
    store::{sync::convergence_problems, NewApplicant},
    DataDir, Personal, Store,
};
use madoguchi_tests::{
    cluster::{enrol, madoguchi, HubProcess},
    desktop::next_open_weekday,
    new_hub_store, new_seat_store, passphrase, raw_key_hex, repo_root, PASSPHRASE,
};

/// The sites besides 本庁舎 (`main`): id, name, kind, seats.
const SITES: &[(&str, &str, SiteKind, usize)] = &[
    ("ekimae", "駅前", SiteKind::Counter, 2),
    ("bunshitsu", "分室", SiteKind::Counter, 1),
    ("callcenter", "コールセンター", SiteKind::Desk, 2),
];
const OUTREACH: &str = "out-hall";

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn id(s: &str) -> SiteId {
    s.parse().unwrap()
}

/// The made-up applicant the call center books at `site` (number `n`): a name nobody else
/// writes, so that finding it anywhere means the site's data is there.
fn canary(site: &str, n: usize) -> String {
    let tag = match site {
        "main" => "本庁",
        "ekimae" => "駅前",
        "bunshitsu" => "分室",
        _ => "出張",
    };
    format!("金糸雀{tag}{n}")
}

fn applicant(name: &str, n: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(name),
            name_kana: Personal::new(format!("カナリア {n}")),
            phone: Some(Personal::new(format!("090-7777-{n:04}"))),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CardIssue],
    )
}

/// A store opened with nobody signed in (as the app after unlock, and `madoguchi sync`).
fn open(dir: &Path) -> Store {
    Store::open(&DataDir::at(dir), &passphrase()).unwrap()
}

/// A store opened and a member of the demo roster signed in (the roster reached every PC
/// from the first one): 管理 一郎 (manager) adds sites, seals days and makes reports; 電話 桜
/// (staff) books.
fn signed_in(dir: &Path, code: &str) -> Store {
    let store = open(dir);
    let pin = madoguchi_core::demo::DEMO_STAFF
        .iter()
        .find(|m| m.0 == code)
        .unwrap()
        .3;
    store
        .sign_in(code, &madoguchi_core::store::Pin::new(pin))
        .unwrap();
    store
}
const MANAGER: &str = "M001";
const STAFF: &str = "S003";

/// One `madoguchi sync` round of the seat in `dir` (a process; nobody signed in).
fn sync(dir: &Path) {
    madoguchi(dir, &["sync"]).unwrap();
}

struct Seat {
    dir: PathBuf,
    site: String,
}

/// The pages of a store (database and WAL, decrypted with its key) that hold each needle.
fn page_scan(dir: &Path, needles: &[String]) -> serde_json::Value {
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test.sh, which makes it",
        python.display()
    );
    let key = raw_key_hex(dir, PASSPHRASE);
    let out = Command::new(python)
        .arg(repo_root().join("tests/python/sqlcipher_pages.py"))
        .arg(DataDir::at(dir).database())
        .arg(key)
        .args(needles)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "page scan: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_city_of_several_sites_keeps_each_sites_personal_data_on_its_own_pcs() {
    let tmp = tempfile::tempdir().unwrap();
    let hub_dir = tmp.path().join("hub");
    drop(new_hub_store(&hub_dir, "ハブ"));
    let hub = HubProcess::start(&hub_dir).unwrap();
    // A day a week ahead (bookings open), and the outreach day after it.
    let day = next_open_weekday() + Days::new(7);
    let mut outreach_day = day + Days::new(1);
    while !madoguchi_core::calendar::BusinessCalendar::new(
        madoguchi_core::calendar::Holidays::bundled().clone(),
    )
    .is_open(outreach_day)
    {
        outreach_day = outreach_day + Days::new(1);
    }

    // 本庁舎's first PC: the manager's, with the roster; the sites are added there.
    let mut seats = Vec::new();
    let first = tmp.path().join("main-0");
    drop(new_seat_store(&first, "本庁舎1"));
    enrol(&hub_dir, &hub, &first, None).unwrap();
    {
        let s = signed_in(&first, MANAGER);
        for (site, name, kind, _) in SITES {
            s.add_site_on(id(site), name, *kind, None).unwrap();
        }
        s.add_site_on(
            id(OUTREACH),
            "出張 公民館",
            SiteKind::Outreach,
            Some(outreach_day),
        )
        .unwrap();
    }
    sync(&first);
    seats.push(Seat {
        dir: first,
        site: "main".into(),
    });
    // The other PCs, each enrolled for its site by a code made for it.
    let mut add = |site: &str, n: usize| {
        let dir = tmp.path().join(format!("{site}-{n}"));
        drop(new_hub_store(&dir, &format!("{site}{n}")));
        let for_site = (site != "main").then_some(site);
        enrol(&hub_dir, &hub, &dir, for_site).unwrap();
        sync(&dir);
        seats.push(Seat {
            dir,
            site: site.into(),
        });
    };
    for n in 1..4 {
        add("main", n);
    }
    for (site, _, _, count) in SITES {
        for n in 0..*count {
            add(site, n);
        }
    }
    add(OUTREACH, 0);
    let of = |site: &str| -> Vec<&Seat> { seats.iter().filter(|s| s.site == site).collect() };

    // The call center books at every site (its two PCs take turns).
    let serving = ["main", "ekimae", "bunshitsu", OUTREACH];
    let mut booked: Vec<(String, NaiveDate, i64)> = Vec::new();
    for (k, desk) in of("callcenter").iter().enumerate() {
        let s = signed_in(&desk.dir, STAFF);
        for (j, site) in serving.iter().enumerate() {
            let n = k * 10 + j;
            let on = if *site == OUTREACH { outreach_day } else { day };
            let r = s
                .book_at_site(
                    &id(site),
                    on,
                    t(10, 0),
                    Channel::Phone,
                    vec![applicant(&canary(site, n), n)],
                    "",
                    Vec::new(),
                    None,
                )
                .unwrap();
            booked.push((site.to_string(), on, r.number.as_i64()));
        }
        drop(s);
        sync(&desk.dir);
    }
    // 本庁舎's counter books one of its own too.
    {
        let s = signed_in(&of("main")[1].dir, STAFF);
        let r = s
            .book(
                day,
                t(11, 0),
                Channel::Counter,
                vec![applicant(&canary("main", 99), 99)],
                "",
            )
            .unwrap();
        booked.push(("main".into(), day, r.number.as_i64()));
    }
    // Every PC syncs (the one that booked pushes first, the others then pull it).
    sync(&of("main")[1].dir);
    for seat in &seats {
        sync(&seat.dir);
    }

    // Each site's board shows its own bookings, and its PCs hold no other site's.
    for site in ["main", "ekimae", "bunshitsu"] {
        let mine: Vec<i64> = booked
            .iter()
            .filter(|(s, on, _)| s == site && *on == day)
            .map(|b| b.2)
            .collect();
        for seat in of(site) {
            let s = signed_in(&seat.dir, STAFF);
            let mut board: Vec<i64> = s
                .day_board(day)
                .unwrap()
                .reservations
                .iter()
                .map(|r| r.number.as_i64())
                .collect();
            board.sort();
            let mut want = mine.clone();
            want.sort();
            assert_eq!(board, want, "{site}'s board at {}", seat.dir.display());
            assert_eq!(s.reservations_on(day).unwrap().len(), mine.len());
            assert!(s.reservations_on(outreach_day).unwrap().is_empty());
        }
    }
    // The call center holds the bookings it made (either of its PCs), for every site, until
    // they are served, and none of the sites' own: 本庁舎's counter booking is not there.
    for desk in of("callcenter") {
        let s = signed_in(&desk.dir, STAFF);
        assert_eq!(
            s.reservations_on(day).unwrap().len(),
            booked.iter().filter(|b| b.1 == day).count() - 1,
            "{}",
            desk.dir.display()
        );
        assert!(s.search(&canary("main", 99), 10).unwrap().is_empty());
        assert_eq!(s.search(&canary("ekimae", 11), 10).unwrap().len(), 1);
    }

    // The 分室's store: no other site's personal data, through core's API…
    let bunshitsu = &of("bunshitsu")[0].dir;
    let others: Vec<String> = (0..20)
        .flat_map(|n| ["main", "ekimae", OUTREACH].map(|s| canary(s, n)))
        .chain([canary("main", 99)])
        .collect();
    let own = canary("bunshitsu", 2);
    {
        let s = signed_in(bunshitsu, STAFF);
        for name in &others {
            assert!(s.search(name, 10).unwrap().is_empty(), "{name} found");
        }
        assert_eq!(s.search(&own, 10).unwrap().len(), 1);
        let dump = s.synced_dump().unwrap().join("\n");
        assert!(dump.contains(&own));
        for name in &others {
            assert!(!dump.contains(name.as_str()), "{name} in the 分室's rows");
        }
    }
    // …nor in any page of its file or WAL, live or free.
    let mut needles = others.clone();
    needles.push(own.clone());
    let scan = page_scan(bunshitsu, &needles);
    assert!(scan["pages"].as_u64().unwrap() > 10, "{scan}");
    assert!(
        !scan["found"][own.as_str()].as_array().unwrap().is_empty(),
        "the scan finds the 分室's own applicant: {scan}"
    );
    for name in &others {
        assert!(
            scan["found"][name.as_str()].as_array().unwrap().is_empty(),
            "{name} is in the 分室's pages: {scan}"
        );
    }

    // The outreach laptop: the manager seals the day; the laptop, synced before it leaves,
    // holds the call center's bookings for the venue and every free place.
    {
        signed_in(&of("main")[0].dir, MANAGER)
            .seal_site(id(OUTREACH), true)
            .unwrap();
    }
    sync(&of("main")[0].dir);
    let laptop = &of(OUTREACH)[0].dir;
    sync(laptop);
    {
        let s = signed_in(laptop, STAFF);
        let ready = s.outreach_readiness().unwrap().unwrap();
        assert!(ready.ready, "{ready:?}");
        assert_eq!(
            s.day_board_at(&id(OUTREACH), outreach_day)
                .unwrap()
                .reservations
                .len(),
            2
        );
        assert!(s.reservations_on(day).unwrap().is_empty());
        // The day at the venue, offline: bookings at the counter all day, none provisional.
        let mut made = 0;
        for (i, h) in (9..17).enumerate() {
            for m in [0, 30] {
                made += s
                    .book_at_site(
                        &id(OUTREACH),
                        outreach_day,
                        t(h, m),
                        Channel::Counter,
                        vec![applicant(
                            &format!("出張来場{i}-{m}"),
                            500 + i * 60 + m as usize,
                        )],
                        "",
                        Vec::new(),
                        None,
                    )
                    .is_ok() as usize;
            }
        }
        assert!(made >= 8, "{made}");
        assert_eq!(s.outbox_status().unwrap().provisional, 0);
        assert!(s.outbox_status().unwrap().pending as usize >= made);
    }
    // Meanwhile the city goes on: the call center books more at 駅前.
    {
        let s = signed_in(&of("callcenter")[1].dir, STAFF);
        s.book_at_site(
            &id("ekimae"),
            day,
            t(13, 0),
            Channel::Phone,
            vec![applicant(&canary("ekimae", 50), 50)],
            "",
            Vec::new(),
            None,
        )
        .unwrap();
    }
    // Back at the office: everyone syncs twice (the second round takes what the first sent).
    for _ in 0..2 {
        for seat in &seats {
            sync(&seat.dir);
        }
    }
    let laptop_store = open(laptop);
    assert_eq!(laptop_store.outbox_status().unwrap().pending, 0);
    drop(laptop_store);

    // Reports: the hub holds the city; each site's section, and the sections add up to the
    // total. A site's PC reports its site alone. (The hub's store is read beside its running
    // process, as `madoguchi hub …` commands do.)
    let hub_store = signed_in(&hub_dir, MANAGER);
    let hub_ref = &hub_store;
    let stores: Vec<Store> = seats.iter().map(|s| open(&s.dir)).collect();
    let problems = convergence_problems(hub_ref, &stores.iter().collect::<Vec<_>>()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let report = hub_ref.daily_report(day).unwrap();
    let sum: u32 = report.sections.iter().map(|s| s.figures.booked).sum();
    assert_eq!(sum, report.figures.booked);
    for (site, want) in [("main", 3), ("ekimae", 3), ("bunshitsu", 2)] {
        let section = report
            .sections
            .iter()
            .find(|s| s.site == id(site))
            .unwrap_or_else(|| panic!("no section for {site}: {:?}", report.sections));
        assert_eq!(section.figures.booked, want, "{site}");
    }
    let at_bunshitsu = signed_in(&of("bunshitsu")[0].dir, MANAGER)
        .daily_report(day)
        .unwrap();
    assert!(at_bunshitsu.sections.is_empty());
    assert_eq!(at_bunshitsu.figures.booked, 2);
    drop(stores);
    drop(hub_store);
    // The city's report as a manager makes it on the hub's PC (manual 6-13): `madoguchi report`,
    // a section per site, in the hub's data folder.
    let saved = madoguchi(
        &hub_dir,
        &["report", "daily", &day.to_string(), "--format", "csv"],
    )
    .unwrap();
    let saved = PathBuf::from(saved.trim());
    assert!(saved.starts_with(&hub_dir), "{}", saved.display());
    let csv = std::fs::read_to_string(&saved).unwrap();
    for (_, name, _, _) in SITES {
        assert!(csv.contains(name), "{name} has no section in {csv}");
    }
    for name in &others {
        assert!(!csv.contains(name.as_str()), "{name} in the city's report");
    }

    // The laptop back from the venue is taken off the site (to the city's first site, as
    // the manual says): it then holds none of the day's applicants.
    let laptop_id = Store::open(&DataDir::at(laptop), &passphrase())
        .unwrap()
        .meta()
        .store_id
        .to_string();
    madoguchi(&hub_dir, &["hub", "seat-site", &laptop_id, "main"]).unwrap();
    sync(laptop);
    drop(hub);
    let s = signed_in(laptop, STAFF);
    assert!(s.reservations_on(outreach_day).unwrap().is_empty());
    assert!(s.search("出張来場", 10).unwrap().is_empty());
}
