//! Several sites of one city (issue 21; seed 002 §2: 本庁舎, アクタ西宮ステーション, 分室, the call
//! center): each site has its own slot plan and its own places, its board shows its own
//! bookings, and every row of a citizen's business says which site it belongs to.
use madoguchi_core::{
    mutation::{Mutation, PlanMutation, ReservationMutation},
    reservation::{Band, Book, Channel, PlanKind, Procedure, SlotPlan},
    site::{SiteId, SiteKind},
    Error, Store,
};

mod common;
use common::{d, person, store, t, DAY};

fn ekimae() -> SiteId {
    "ekimae".parse().unwrap()
}

/// 駅前's weekday plan: 10:00–16:00 with `capacity` seats.
fn station_plan(capacity: u32) -> Mutation {
    Mutation::Plan(PlanMutation::SetSlotPlan {
        kind: PlanKind::Regular,
        plan: SlotPlan {
            slot_minutes: 15,
            bands: vec![Band {
                starts: t(10, 0),
                ends: t(16, 0),
                capacity,
            }],
        },
        site: ekimae(),
    })
}

/// A booking for `site` made as the call center does: the site is chosen, not this PC's.
fn book_at(s: &Store, site: &SiteId, h: u32, m: u32, who: usize) -> madoguchi_core::Result<()> {
    let mut book = Book::new(
        madoguchi_core::reservation_number::ReservationNumber::random(&mut rand::thread_rng()),
        d(DAY),
        t(h, m),
        Channel::Phone,
        vec![person(who, &[Procedure::CardIssue])],
        "",
    );
    book.site = site.clone();
    s.execute(Mutation::Reservation(ReservationMutation::Book(book)))
        .map(drop)
}

#[test]
fn a_store_from_before_is_one_site_and_new_sites_start_with_its_plan() {
    let (_tmp, s) = store();
    let sites = s.sites().unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].id, SiteId::main());
    assert_eq!(
        sites[0].name, "テスト市",
        "the name falls back to the store's"
    );
    assert_eq!(s.site().unwrap(), SiteId::main());

    let added = s.add_site(ekimae(), "駅前", SiteKind::Counter).unwrap();
    assert_eq!((added.position, added.active), (2, true));
    assert!(matches!(
        s.add_site(ekimae(), "駅前", SiteKind::Counter),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s.add_site("bunshitsu".parse().unwrap(), "  ", SiteKind::Counter),
        Err(Error::Invalid(_))
    ));
    // This PC still works for the first site.
    assert_eq!(s.site().unwrap(), SiteId::main());
    let renamed = s
        .change_site(ekimae(), "アクタ西宮ステーション", true)
        .unwrap();
    assert_eq!(renamed.name, "アクタ西宮ステーション");
    // The only open counter cannot be closed; another one can.
    s.change_site(ekimae(), "アクタ西宮ステーション", false)
        .unwrap();
    assert!(matches!(
        s.change_site(SiteId::main(), "本庁舎", false),
        Err(Error::NotAllowed(_))
    ));
    assert!(s.site_problems().unwrap().is_empty());
}

#[test]
fn each_site_has_its_own_places_plan_and_board() {
    let (_tmp, s) = store();
    s.add_site(ekimae(), "駅前", SiteKind::Counter).unwrap();
    s.add_site(
        "callcenter".parse().unwrap(),
        "コールセンター",
        SiteKind::Desk,
    )
    .unwrap();
    // 駅前 has two seats.
    s.execute(station_plan(2)).unwrap();
    // 本庁舎's 10:00 is full (4 places, 2 slots each booking of 30 minutes).
    for who in 0..4 {
        book_at(&s, &SiteId::main(), 10, 0, who).unwrap();
    }
    assert!(matches!(
        book_at(&s, &SiteId::main(), 10, 0, 9),
        Err(Error::SlotFull { .. })
    ));
    // 駅前's places are its own: two, whatever 本庁舎 holds.
    book_at(&s, &ekimae(), 10, 0, 10).unwrap();
    book_at(&s, &ekimae(), 10, 0, 11).unwrap();
    assert!(matches!(
        book_at(&s, &ekimae(), 10, 0, 12),
        Err(Error::SlotFull { .. })
    ));
    // The call center books for others and serves nobody; an unknown site is refused.
    assert!(matches!(
        book_at(&s, &"callcenter".parse().unwrap(), 11, 0, 13),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        book_at(&s, &"nowhere".parse().unwrap(), 11, 0, 14),
        Err(Error::Invalid(_))
    ));

    // This PC is 本庁舎's: its board and schedule are 本庁舎's only.
    let board = s.day_board(d(DAY)).unwrap();
    assert_eq!(board.reservations.len(), 4);
    let ten = board.slots.iter().find(|x| x.starts == t(10, 0)).unwrap();
    assert_eq!((ten.taken, ten.capacity), (4, 4));
    assert_eq!(s.slot_plan(PlanKind::Regular).unwrap().bands.len(), 3);

    // Checked in at 駅前: the cases and their checklists are 駅前's rows.
    let number = s
        .reservations_on(d(DAY))
        .unwrap()
        .into_iter()
        .find(|r| r.people[0].name_kana.expose() == "ヤマダ タロウ10")
        .unwrap()
        .number;
    s.check_in(number).unwrap();
    assert!(
        s.site_problems().unwrap().is_empty(),
        "{:?}",
        s.site_problems()
    );

    // A plan change at 駅前 leaves 本庁舎's bookings alone, and finds 駅前's that no longer fit.
    let outcome = s.execute(station_plan(1)).unwrap();
    let needs = match outcome {
        madoguchi_core::store::Outcome::PlanChanged { needs_follow_up } => needs_follow_up,
        other => panic!("{other:?}"),
    };
    assert_eq!(needs.len(), 1, "one of 駅前's two 10:00 bookings");
    assert_eq!(s.overbooked_on(d(DAY)).unwrap().len(), 1);
}

#[test]
fn each_site_is_a_section_of_the_report_and_the_sections_add_up_to_the_city() {
    use rand::{Rng, SeedableRng};
    let (_tmp, s) = store();
    // A one-site city's report has no sections, as before sites.
    assert!(s.daily_report(d(DAY)).unwrap().sections.is_empty());
    s.add_site(ekimae(), "駅前", SiteKind::Counter).unwrap();
    s.add_site(
        "callcenter".parse().unwrap(),
        "コールセンター",
        SiteKind::Desk,
    )
    .unwrap();
    let sites = [SiteId::main(), ekimae()];
    let mut rng = rand::rngs::StdRng::seed_from_u64(21);
    let mut booked = Vec::new();
    for who in 0..40 {
        let site = &sites[rng.gen_range(0..2)];
        let (h, m) = (rng.gen_range(9..16), [0, 15, 30, 45][rng.gen_range(0..4)]);
        if book_at(&s, site, h, m, who).is_ok() {
            booked.push(who);
        }
    }
    for r in s.reservations_on(d(DAY)).unwrap() {
        match rng.gen_range(0..4) {
            0 => drop(s.cancel(r.number).unwrap()),
            1 | 2 => drop(s.check_in(r.number).unwrap()),
            _ => {}
        }
    }
    let report = s.daily_report(d(DAY)).unwrap();
    let names: Vec<&str> = report.sections.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["テスト市", "駅前", "コールセンター"]);
    let total = &report.figures;
    let sum = |f: fn(&madoguchi_core::store::DayFigures) -> u32| {
        report.sections.iter().map(|x| f(&x.figures)).sum::<u32>()
    };
    assert!(total.booked > 0 && total.visitors > 0 && total.cancelled > 0);
    assert_eq!(sum(|f| f.places), total.places, "places");
    assert_eq!(sum(|f| f.booked), total.booked, "booked");
    assert_eq!(sum(|f| f.cancelled), total.cancelled, "cancelled");
    assert_eq!(sum(|f| f.visitors), total.visitors, "visitors");
    assert_eq!(sum(|f| f.waiting.count), total.waiting.count, "waits");
    // The call center serves nobody: no places, no visitors.
    let desk = &report.sections[2].figures;
    assert_eq!((desk.places, desk.visitors), (0, 0));
    // The month adds up the same way.
    let month = s.monthly_report(d(DAY)).unwrap();
    let booked: u32 = month.sections.iter().map(|x| x.figures.booked).sum();
    assert_eq!(booked, month.totals.booked);
}

/// A site's own pattern (seed 002 §2): the station opens on weekends with its holiday-session
/// plan (national holidays and the year end stay closed); the 分室 offers only some procedures.
#[test]
fn the_station_opens_on_weekends_and_the_branch_offers_only_some_procedures() {
    use madoguchi_core::calendar::{ClosedReason, DayStatus};
    let (_tmp, s) = store();
    s.add_site(ekimae(), "駅前", SiteKind::Counter).unwrap();
    let saturday = d("2026-12-05");
    assert!(s.day_schedule_at(&ekimae(), saturday).unwrap().is_empty());
    let station = s.set_site_pattern(ekimae(), true, None).unwrap();
    assert!(station.weekends);
    let slots = s.day_schedule_at(&ekimae(), saturday).unwrap();
    assert!(!slots.is_empty(), "the station opens on Saturday");
    assert!(
        s.day_schedule_at(&SiteId::main(), saturday)
            .unwrap()
            .is_empty(),
        "本庁舎 does not"
    );
    let board = s.day_board_at(&ekimae(), saturday).unwrap();
    assert!(matches!(board.status, DayStatus::Open { .. }), "{board:?}");
    // A weekend national holiday and the year end stay closed.
    let calendar = s.calendar().unwrap();
    let holiday = d("2027-01-01")
        .iter_days()
        .take(400)
        .find(|day| {
            matches!(
                calendar.day(*day),
                DayStatus::Closed {
                    reason: ClosedReason::NationalHoliday { .. }
                }
            ) && chrono::Datelike::weekday(day).number_from_monday() >= 6
        })
        .expect("a national holiday on a weekend within the calendar");
    assert!(s.day_schedule_at(&ekimae(), holiday).unwrap().is_empty());
    assert!(s
        .day_schedule_at(&ekimae(), d("2027-01-02"))
        .unwrap()
        .is_empty());
    // A booking on the station's Saturday.
    let mut book = Book::new(
        madoguchi_core::reservation_number::ReservationNumber::random(&mut rand::thread_rng()),
        saturday,
        slots[0].starts,
        Channel::Phone,
        vec![person(1, &[Procedure::CardIssue])],
        "",
    );
    book.site = ekimae();
    s.execute(Mutation::Reservation(ReservationMutation::Book(book)))
        .unwrap();

    // 分室 offers the certificate's renewal only.
    let branch: SiteId = "bunshitsu".parse().unwrap();
    s.add_site(branch.clone(), "分室", SiteKind::Counter)
        .unwrap();
    let only = s
        .set_site_pattern(
            branch.clone(),
            false,
            Some(vec![Procedure::CertificateRenewal]),
        )
        .unwrap();
    assert_eq!(only.procedures, Some(vec![Procedure::CertificateRenewal]));
    let at_branch = |who: usize, p: Procedure| {
        let mut book = Book::new(
            madoguchi_core::reservation_number::ReservationNumber::random(&mut rand::thread_rng()),
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(who, &[p])],
            "",
        );
        book.site = branch.clone();
        s.execute(Mutation::Reservation(ReservationMutation::Book(book)))
    };
    assert!(matches!(
        at_branch(2, Procedure::CardIssue),
        Err(Error::NotAllowed(_))
    ));
    at_branch(3, Procedure::CertificateRenewal).unwrap();
    // A card booking does not move there either.
    let card = s
        .book(
            d(DAY),
            t(11, 0),
            Channel::Phone,
            vec![person(4, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    assert!(matches!(
        s.move_booking(card.number, Some(branch.clone()), d(DAY), t(11, 0)),
        Err(Error::NotAllowed(_))
    ));
    // A site offers at least one procedure; a desk has no pattern.
    assert!(s
        .set_site_pattern(branch.clone(), false, Some(Vec::new()))
        .is_err());
    let desk: SiteId = "callcenter".parse().unwrap();
    s.add_site(desk.clone(), "コールセンター", SiteKind::Desk)
        .unwrap();
    assert!(s.set_site_pattern(desk, true, None).is_err());
    // Every procedure again.
    assert_eq!(
        s.set_site_pattern(branch, false, None).unwrap().procedures,
        None
    );
}

/// A revisit points at its first visit, and a PC of one site holds its own site's bookings
/// only: the two stay at one site (a revisit elsewhere, or moving either away, is refused).
#[test]
fn a_revisit_and_its_first_visit_stay_at_one_site() {
    let (_tmp, s) = store();
    s.add_site(ekimae(), "駅前", SiteKind::Counter).unwrap();
    let first = s
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    let again = |site: &SiteId| {
        s.book_at_site(
            site,
            d("2026-12-03"),
            t(10, 0),
            Channel::Phone,
            vec![person(2, &[Procedure::CardIssue])],
            "",
            Vec::new(),
            Some(first.number),
        )
    };
    assert!(matches!(again(&ekimae()), Err(Error::NotAllowed(_))));
    let revisit = again(&SiteId::main()).unwrap();
    for number in [first.number, revisit.number] {
        assert!(matches!(
            s.move_booking(number, Some(ekimae()), d("2026-12-04"), t(11, 0)),
            Err(Error::NotAllowed(_))
        ));
    }
    assert!(s.site_problems().unwrap().is_empty());
}

/// A site has its own holiday sessions and closures on top of the city's: a 休日交付 day at
/// 本庁舎 only, and the station counter closed for its building's maintenance while 本庁舎
/// opens. The closure's incident record lists the station's bookings it hit, not 本庁舎's.
#[test]
fn a_site_has_its_own_holiday_sessions_and_closures_beside_the_citys() {
    use madoguchi_core::calendar::{Closure, ClosureReason, DayStatus};
    let (_tmp, s) = store();
    s.add_site(ekimae(), "駅前", SiteKind::Counter).unwrap();
    s.execute(station_plan(2)).unwrap();
    // A holiday session at 本庁舎 only.
    let saturday = d("2026-12-05");
    s.set_holiday_session_at(Some(&SiteId::main()), saturday, Some("休日交付（本庁舎）"))
        .unwrap();
    assert!(!s
        .day_schedule_at(&SiteId::main(), saturday)
        .unwrap()
        .is_empty());
    assert!(
        s.day_schedule_at(&ekimae(), saturday).unwrap().is_empty(),
        "駅前 stays closed"
    );
    let sessions = s.holiday_sessions(d("2026-12-01")).unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].site, Some(SiteId::main()));
    // 駅前's day-long closure of a day both sites have bookings on.
    book_at(&s, &SiteId::main(), 10, 0, 1).unwrap();
    book_at(&s, &ekimae(), 10, 0, 2).unwrap();
    let maintenance = Closure {
        reason: ClosureReason::Maintenance,
        note: "駅ビル設備点検".into(),
        from: None,
        until: None,
    };
    let hit = s
        .set_closure_at(Some(&ekimae()), d(DAY), Some(maintenance.clone()))
        .unwrap();
    assert_eq!(hit.len(), 1, "{hit:?}");
    let closures = s.closures(d(DAY)).unwrap();
    assert_eq!(closures.len(), 1);
    assert_eq!(closures[0].site, Some(ekimae()));
    assert_eq!(closures[0].affected.len(), 1);
    assert_eq!(closures[0].affected[0].reservation.id, hit[0].id);
    assert!(matches!(
        s.day_board_at(&ekimae(), d(DAY)).unwrap().status,
        DayStatus::Closed { .. }
    ));
    assert!(matches!(
        s.day_board_at(&SiteId::main(), d(DAY)).unwrap().status,
        DayStatus::Open { .. }
    ));
    assert!(book_at(&s, &ekimae(), 11, 0, 3).is_err(), "駅前 is closed");
    book_at(&s, &SiteId::main(), 11, 0, 4).unwrap();
    // The city's own closure of that day closes both; the station's stays beside it.
    s.set_closure(
        d(DAY),
        Some(Closure {
            note: "システム障害".into(),
            reason: ClosureReason::SystemOutage,
            ..maintenance.clone()
        }),
    )
    .unwrap();
    assert!(book_at(&s, &SiteId::main(), 11, 30, 5).is_err());
    assert_eq!(s.closures(d(DAY)).unwrap().len(), 2);
    // Reopened (the city's, then the station's): both open again.
    s.set_closure(d(DAY), None).unwrap();
    s.set_closure_at(Some(&ekimae()), d(DAY), None).unwrap();
    assert!(s.closures(d(DAY)).unwrap().is_empty());
    book_at(&s, &ekimae(), 11, 0, 6).unwrap();
    // Not for a site that does not exist or serves nobody.
    assert!(s
        .set_closure_at(Some(&"nowhere".parse().unwrap()), d(DAY), Some(maintenance))
        .is_err());
    assert!(s.site_problems().unwrap().is_empty());
}
