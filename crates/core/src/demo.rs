//! Synthetic data for the demo store, staff training (研修) and benchmarks. Never real people.
//!
//! Names are drawn from pools of common family and given names with their kana, combined at
//! random, so no entry is meant to be anyone. Phone numbers all have `0000` as their middle
//! group (`090-0000-1234`), a block no carrier assigns to a person in practice and easy to
//! recognise as fake. The same seed always yields the same data.
use crate::mutation::{ChecklistMutation, Mutation, ReservationMutation, VisitMutation};
use chrono::{Days, NaiveDate};
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::{
    reservation::{ApplicantType, Book, Channel, Procedure},
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
                Some(Mutation::Reservation(ReservationMutation::Book(Book::new(
                    ReservationNumber::random(&mut rng),
                    day,
                    slot.starts,
                    channel,
                    people,
                    "",
                ))))
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

/// The reasons a fictional visit ends in a revisit (no names, as the counter screen asks).
/// Revisit reasons as staff record them: a code, and sometimes a few words.
const REVISIT_REASONS: &[(&str, &str)] = &[
    ("identity_documents", ""),
    ("missing_documents", "交付通知書を忘れた"),
    ("other", "暗証番号が分からない"),
    ("proxy_documents", "委任状に不備"),
];

/// A complete counter checklist for `case`: every item presented (oral ones confirmed), one
/// unexpired passport for every identity item.
pub fn complete_checklist(
    store: &Store,
    case: &crate::checklist::CaseInput,
) -> crate::checklist::CaseInput {
    use crate::checklist::{ItemKind, Mark, PresentedDocument, Stage};
    let mut input = case.clone();
    for item in store.checklist_rules().evaluate(case, Stage::Counter).items {
        match item.kind {
            ItemKind::Identity => {
                input.documents.insert(
                    item.item,
                    vec![PresentedDocument {
                        document: "passport".into(),
                        expired: false,
                    }],
                );
            }
            ItemKind::Oral => {
                input.marks.insert(item.item, Mark::ConfirmedOrally);
            }
            _ => {
                input.marks.insert(item.item, Mark::Presented);
            }
        }
    }
    input
}

/// Runs the counter through `day` for the reservations booked on it, as mutations with their
/// own times (so the figures look like a real day whatever the clock says): about 7% do not
/// come, the rest check in around their slot (some late), `seats` counter seats serve them in
/// order, about 8% leave as revisits with a reason, the others go through the checklist, the
/// forms and the city's bundle to city staff member `city_staff`, who acknowledges and
/// completes. The back office's form count is entered (now and then one off, explained).
/// Returns the cases served. Needs the site actor (it acts for staff and city staff alike).
pub fn run_day(
    store: &Store,
    day: NaiveDate,
    seats: u32,
    city_staff: &str,
    seed: u64,
) -> Result<usize> {
    use crate::{
        checklist::{CaseInput, CheckOutcome, Stage},
        reservation::ReservationStatus,
        visit::VisitStep,
    };
    use chrono::{Duration, NaiveDateTime};

    let mut rng = StdRng::seed_from_u64(seed);
    let mut booked = store.reservations_on(day)?;
    booked.retain(|r| r.status == ReservationStatus::Booked);
    booked.sort_by_key(|r| r.starts);
    // Arrivals first, then the queue: each person goes to the first seat that is free.
    let mut arrivals: Vec<(NaiveDateTime, ReservationNumber, usize)> = Vec::new();
    let mut batch = Vec::new();
    for r in &booked {
        if rng.gen_range(0..100) < 7 {
            batch.push(Mutation::Reservation(ReservationMutation::NoShow {
                number: r.number,
            }));
            continue;
        }
        let at = day.and_time(r.starts) + Duration::minutes(rng.gen_range(-15..8));
        batch.push(Mutation::Reservation(ReservationMutation::CheckIn {
            number: r.number,
            at,
        }));
        arrivals.extend((0..r.people.len()).map(|p| (at, r.number, p)));
    }
    arrivals.sort();
    let mut free_at = vec![day.and_hms_opt(9, 0, 0).expect("9:00"); seats.max(1) as usize];
    let bundles = store.procedure_bundles()?;
    let mut handed_forms = 0u32;
    for (arrived, number, position) in &arrivals {
        let seat = (0..free_at.len())
            .min_by_key(|s| free_at[*s])
            .expect("a seat");
        let mut t = (*arrived).max(free_at[seat]) + Duration::minutes(rng.gen_range(0..3));
        let step = |step: VisitStep, after: i64, t: &mut NaiveDateTime| {
            *t += Duration::minutes(after);
            Mutation::Visit(VisitMutation::VisitStep {
                number: *number,
                position: *position as u32,
                step,
                at: *t,
            })
        };
        batch.push(step(
            VisitStep::Call {
                seat_no: seat as u32 + 1,
            },
            0,
            &mut t,
        ));
        let r = booked.iter().find(|r| r.number == *number).expect("booked");
        let person = &r.people[*position];
        if rng.gen_range(0..100) < 8 {
            let reason = REVISIT_REASONS[rng.gen_range(0..REVISIT_REASONS.len())];
            batch.push(step(
                VisitStep::Revisit {
                    reason: reason.1.into(),
                    code: Some(reason.0.into()),
                },
                rng.gen_range(4..10),
                &mut t,
            ));
        } else {
            let case = CaseInput {
                procedures: person.procedures.clone(),
                applicant_type: person.applicant_type,
                ..CaseInput::default()
            };
            let mut input = complete_checklist(store, &case);
            input.procedures.clear(); // the store takes them from the reservation
            t += Duration::minutes(rng.gen_range(3..8));
            batch.push(Mutation::Checklist(ChecklistMutation::RecordChecklist {
                number: *number,
                position: *position as u32,
                stage: Stage::Counter,
                input,
                at: t,
            }));
            batch.push(Mutation::Checklist(ChecklistMutation::RecordCheckOutcome {
                number: *number,
                position: *position as u32,
                outcome: CheckOutcome::Ready,
                at: t,
            }));
            let items: Vec<String> = bundles
                .iter()
                .filter(|b| person.procedures.contains(&b.procedure))
                .flat_map(|b| b.items.clone())
                .collect();
            handed_forms += bundles
                .iter()
                .filter(|b| person.procedures.contains(&b.procedure))
                .map(|b| b.forms)
                .sum::<u32>();
            batch.push(step(VisitStep::VerifyChecklist, 1, &mut t));
            batch.push(step(VisitStep::CheckForms, rng.gen_range(5..14), &mut t));
            batch.push(step(
                VisitStep::PrepareBundle { items },
                rng.gen_range(2..6),
                &mut t,
            ));
            batch.push(step(
                VisitStep::HandOver {
                    to: city_staff.into(),
                },
                1,
                &mut t,
            ));
            let done = t;
            let mut city = done;
            batch.push(step(
                VisitStep::Acknowledge {
                    by: city_staff.into(),
                },
                1,
                &mut city,
            ));
            batch.push(step(VisitStep::Complete, rng.gen_range(5..15), &mut city));
        }
        free_at[seat] = t;
    }
    if arrivals.is_empty() && batch.is_empty() {
        return Ok(0);
    }
    let results = store.execute_batch(&batch)?;
    if let Some(e) = results.into_iter().find_map(|r| r.err()) {
        return Err(e);
    }
    let off = u32::from(rng.gen_range(0..10) == 0);
    let note = if off == 1 {
        "書き損じ 1 枚を含む"
    } else {
        ""
    };
    store.execute(Mutation::Visit(VisitMutation::SetFormCount {
        day,
        count: handed_forms + off,
        note: note.into(),
        code: (!note.is_empty()).then(|| "spoiled".into()),
        at: day.and_hms_opt(17, 10, 0).expect("17:10"),
        site: store.site()?,
    }))?;
    Ok(arrivals.len())
}

/// A training store's day (研修日, docs/design/paperwork.md §8), seeded after a reset: the
/// demo roster if the store has none, bookings about 70% full over the two weeks before the
/// training day and the two weeks from it, and the two weeks before run through the counter
/// (history for the reports). Needs the site actor. Returns (bookings, visits served).
pub fn training_day(store: &Store) -> Result<(usize, usize)> {
    if !store.staff()?.iter().any(|m| m.code == "C001") {
        for (code, name, role, pin) in DEMO_STAFF {
            if store.staff()?.iter().any(|m| m.code == *code) {
                continue;
            }
            store.add_staff(crate::store::NewStaff {
                code: (*code).into(),
                name: (*name).into(),
                role: *role,
                pin: crate::store::Pin::new(*pin),
            })?;
        }
    }
    let day = crate::training_mode::training_day();
    let from = day - Days::new(14);
    let bookings = seed_reservations(store, from, 28, 0.7, 23)?;
    let served = from
        .iter_days()
        .take_while(|d| *d < day)
        .enumerate()
        .map(|(i, d)| run_day(store, d, 4, "C001", 100 + i as u64))
        .sum::<Result<usize>>()?;
    Ok((bookings, served))
}
