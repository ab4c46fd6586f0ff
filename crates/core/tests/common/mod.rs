//! Helpers shared by the core's integration tests.
#![allow(dead_code)]
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use madoguchi_core::{
    checklist::{CaseInput, Mark, PresentedDocument},
    people::{Actor, Role},
    reservation::{ApplicantType, Procedure},
    store::{NewApplicant, NewStaff, Pin},
    DataDir, KdfCost, NewStore, Passphrase, Personal, Store,
};

/// A Tuesday on which the counter is open.
pub const DAY: &str = "2026-12-01";

/// A store whose clock reads 08:30 on [`DAY`], so the tests do not depend on when they run.
pub fn store() -> (tempfile::TempDir, Store) {
    store_at(d(DAY).and_hms_opt(8, 30, 0).unwrap())
}

pub fn store_at(now: NaiveDateTime) -> (tempfile::TempDir, Store) {
    let (tmp, store, _clock) = store_with_clock("窓口1", now);
    (tmp, store)
}

/// The clock of a test store, which the test moves.
pub type TestClock = Arc<Mutex<NaiveDateTime>>;

/// A store for seat `seat` whose clock starts at `start` and moves when the test says so,
/// acting as the site administrator.
pub fn store_with_clock(seat: &str, start: NaiveDateTime) -> (tempfile::TempDir, Store, TestClock) {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(Mutex::new(start));
    let reading = clock.clone();
    let store = Store::create(
        &DataDir::at(tmp.path()),
        &Passphrase::new("test passphrase".into()),
        &NewStore {
            site_name: "テスト市".into(),
            seat_name: seat.into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .unwrap()
    .with_clock(Arc::new(move || *reading.lock().unwrap()))
    .act_as_site("tests");
    (tmp, store, clock)
}

/// A counter checklist for a card issue that is complete: the postcard and a driving licence.
pub fn ready_input() -> CaseInput {
    CaseInput {
        marks: [("notice_postcard".to_string(), Mark::Presented)].into(),
        documents: [(
            "holder_id".to_string(),
            vec![PresentedDocument {
                document: "driving_licence".into(),
                expired: false,
            }],
        )]
        .into(),
        ..CaseInput::default()
    }
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

pub fn person(i: usize, procedures: &[Procedure]) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(format!("山田 太郎{i}")),
            name_kana: Personal::new(format!("ヤマダ タロウ{i}")),
            phone: Some(Personal::new(format!("090-0000-{:04}", i % 10_000))),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        procedures.to_vec(),
    )
}

/// Records a passed 個人情報保護・情報セキュリティ session (held today) for `codes` and makes each
/// of them active: what a manager does before a new member's first day, since the security
/// gate adds a member a manager signs in to add inactive (docs/design/paperwork.md §3.2).
pub fn trained(store: &Store, codes: &[&str]) {
    use madoguchi_core::paperwork::training::{
        AttendanceMark, NewTrainingSession, TrainingPhase, TrainingResult, TrainingTopic,
    };
    store
        .record_training_session(
            NewTrainingSession {
                held_on: store.today(),
                starts: None,
                minutes: 60,
                topic: TrainingTopic::PrivacySecurity,
                phase: TrainingPhase::PreService,
                title: "個人情報保護・情報セキュリティ研修".into(),
                trainer: "研修 担当".into(),
                trainer_code: None,
                material: String::new(),
                city_approved: true,
            },
            codes
                .iter()
                .map(|c| AttendanceMark {
                    staff_code: (*c).into(),
                    attended: true,
                    result: Some(TrainingResult::Passed),
                    score: None,
                })
                .collect(),
        )
        .unwrap();
    for code in codes {
        let member = store
            .staff()
            .unwrap()
            .into_iter()
            .find(|m| m.code == *code)
            .unwrap();
        if !member.active {
            store.update_staff(code, member.role, true).unwrap();
        }
    }
}

/// Staff ID, name, role, PIN: one member of each role.
pub const ROSTER: [(&str, &str, Role, &str); 4] = [
    ("M001", "管理 一郎", Role::Manager, "1234"),
    ("D001", "副 二郎", Role::Deputy, "2345"),
    ("S001", "窓口 花子", Role::Staff, "3456"),
    ("C001", "市役所 田中", Role::CityStaff, "4567"),
];

/// Enrols every member of [`ROSTER`] in `store`, as the site administrator does with
/// `madoguchi staff add`.
pub fn enrol_roster(store: &Store) {
    for (code, name, role, pin) in ROSTER {
        store
            .add_staff(NewStaff {
                code: code.into(),
                name: name.into(),
                role,
                pin: Pin::new(pin),
            })
            .unwrap();
    }
}

/// A store with [`ROSTER`] enrolled and nobody signed in, with the clock the test moves.
pub struct Site {
    _tmp: tempfile::TempDir,
    pub store: Store,
    pub clock: TestClock,
}

/// A store for seat 窓口1 whose clock starts at `start`, with [`ROSTER`] enrolled by the site
/// administrator, then with nobody signed in.
pub fn site_at(start: NaiveDateTime) -> Site {
    let (tmp, store, clock) = store_with_clock("窓口1", start);
    enrol_roster(&store);
    store.sign_out().unwrap();
    Site {
        _tmp: tmp,
        store,
        clock,
    }
}

impl Site {
    /// Sets the clock to `h:m` on [`DAY`].
    pub fn at(&self, h: u32, m: u32) {
        *self.clock.lock().unwrap() = d(DAY).and_hms_opt(h, m, 0).unwrap();
    }
    pub fn advance(&self, minutes: i64) {
        *self.clock.lock().unwrap() += chrono::Duration::minutes(minutes);
    }
    /// Signs in the [`ROSTER`] member `code` with their PIN.
    pub fn sign_in(&self, code: &str) -> Actor {
        let pin = ROSTER.iter().find(|r| r.0 == code).unwrap().3;
        self.store.sign_in(code, &Pin::new(pin)).unwrap()
    }
}
