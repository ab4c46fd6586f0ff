//! Synthetic data for the demo store, staff training (研修) and benchmarks. Never real people.
//!
//! Names are drawn from pools of common family and given names with their kana, combined at
//! random, so no entry is meant to be anyone. Phone numbers all have `0000` as their middle
//! group (`090-0000-1234`), a block no carrier assigns to a person in practice and easy to
//! recognise as fake. The same seed always yields the same data.
use chrono::{Days, NaiveDate};
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::{
    reservation::{ApplicantType, Book, Channel, Mutation, Procedure},
    reservation_number::ReservationNumber,
    secret::Personal,
    store::{NewApplicant, Store},
    Error, Result,
};

/// The demo and training roster: staff ID, name, role, PIN (printed by `scripts/demo.sh`).
pub const DEMO_STAFF: &[(&str, &str, crate::people::Role, &str)] = &[
    ("M001", "管理 一郎", crate::people::Role::Manager, "1234"),
    ("D001", "副島 次郎", crate::people::Role::Deputy, "2345"),
    ("S001", "窓口 花子", crate::people::Role::Staff, "1111"),
    ("S002", "受付 太郎", crate::people::Role::Staff, "1112"),
    ("S003", "電話 桜", crate::people::Role::Staff, "1113"),
    (
        "C001",
        "市役所 田中",
        crate::people::Role::CityStaff,
        "2222",
    ),
    (
        "C002",
        "市役所 鈴木",
        crate::people::Role::CityStaff,
        "2223",
    ),
];

/// Puts [`DEMO_STAFF`] on the roster (needs a manager or the site actor).
pub fn seed_staff(store: &Store) -> Result<usize> {
    for (code, name, role, pin) in DEMO_STAFF {
        store.add_staff(crate::store::NewStaff {
            code: (*code).into(),
            name: (*name).into(),
            role: *role,
            pin: crate::store::Pin::new(*pin),
        })?;
    }
    Ok(DEMO_STAFF.len())
}

const FAMILY: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("窓口", "マドグチ"),
    ("見本", "ミホン"),
    ("試験", "シケン"),
    ("練習", "レンシュウ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("一郎", "イチロウ"),
    ("桜", "サクラ"),
    ("翔", "ショウ"),
    ("陽菜", "ヒナ"),
    ("蓮", "レン"),
    ("結衣", "ユイ"),
    ("大輝", "ダイキ"),
    ("美咲", "ミサキ"),
    ("健太", "ケンタ"),
    ("由美", "ユミ"),
    ("誠", "マコト"),
    ("恵子", "ケイコ"),
    ("浩", "ヒロシ"),
    ("幸子", "サチコ"),
    ("直樹", "ナオキ"),
    ("明美", "アケミ"),
    ("湊", "ミナト"),
    ("葵", "アオイ"),
];

/// A fictional applicant.
pub fn applicant(rng: &mut impl Rng) -> NewApplicant {
    let (fk, fkana) = FAMILY[rng.gen_range(0..FAMILY.len())];
    let (gk, gkana) = GIVEN[rng.gen_range(0..GIVEN.len())];
    let prefix = ["090", "080", "070"][rng.gen_range(0..3)];
    NewApplicant {
        name_kanji: Personal::new(format!("{fk} {gk}")),
        name_kana: Personal::new(format!("{fkana} {gkana}")),
        phone: Some(Personal::new(format!(
            "{prefix}-0000-{:04}",
            rng.gen_range(0..10_000)
        ))),
        birth_date: Some(Personal::new(format!(
            "{}-{:02}-{:02}",
            rng.gen_range(1935..2020),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        ))),
    }
}

/// The procedure mix of the special counter: mostly card handovers and certificate renewals.
fn procedures(rng: &mut impl Rng) -> Vec<Procedure> {
    match rng.gen_range(0..100) {
        0..=39 => vec![Procedure::CardIssue],
        40..=74 => vec![Procedure::CertificateRenewal],
        75..=84 => vec![Procedure::CardIssue, Procedure::CertificateIssue],
        85..=91 => vec![Procedure::DetailsChange],
        92..=96 => vec![Procedure::CardReissue],
        _ => vec![Procedure::CertificateIssue],
    }
}

/// Adds `count` fictional applicants (no reservations); returns how many were added.
pub fn seed_applicants(store: &Store, count: usize) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..count {
        store.add_applicant(&applicant(&mut rng))?;
    }
    Ok(count)
}

/// Books about `fill` (0.0–1.0) of every open day's places from `from` for `days` calendar
/// days, phone and counter bookings mixed, one household in ten; each day is one batch (one
/// transaction). Capacity is enforced as for any booking; the city's booking-window rules are
/// not (seeding is an import, and may fill past days for reports and training). Returns the
/// bookings made.
pub fn seed_reservations(
    store: &Store,
    from: NaiveDate,
    days: u32,
    fill: f64,
    seed: u64,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut made = 0;
    for offset in 0..days {
        let day = from
            .checked_add_days(Days::new(offset.into()))
            .ok_or_else(|| Error::Invalid("date out of range".into()))?;
        let slots = store.day_schedule(day)?;
        let places: u32 = slots.iter().map(|s| s.capacity).sum();
        let attempts = (places as f64 * fill) as usize;
        let batch: Vec<Mutation> = (0..attempts)
            .filter_map(|_| {
                let slot = slots.get(rng.gen_range(0..slots.len().max(1)))?;
                let household = if rng.gen_range(0..10) == 0 { 2 } else { 1 };
                let people = (0..household)
                    .map(|_| {
                        (
                            applicant(&mut rng),
                            ApplicantType::ApplicantSelf,
                            procedures(&mut rng),
                        )
                    })
                    .collect();
                let channel = if rng.gen_range(0..10) < 7 {
                    Channel::Phone
                } else {
                    Channel::Counter
                };
                Some(Mutation::Book(Book::new(
                    ReservationNumber::random(&mut rng),
                    day,
                    slot.starts,
                    channel,
                    people,
                    "",
                )))
            })
            .collect();
        for result in store.execute_batch(&batch)? {
            match result {
                Ok(_) => made += 1,
                // Full, runs past a band, or a number drawn twice: skip, as a person would.
                Err(Error::SlotFull { .. } | Error::NotAllowed(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(made)
}
