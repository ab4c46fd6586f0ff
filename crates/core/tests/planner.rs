//! The planner in the store: every month of the shipped forecast is planned with the open days
//! of the business calendar and the places of the slot plan; a what-if changes nothing stored;
//! only the manager saves assumptions; months with visits show their actuals.
use madoguchi_core::{
    demo,
    planner::{plan_month, Assumptions, MonthInput},
    store::Pin,
    Error,
};

mod common;
use common::{d, store_at};

/// December 2026 of a plan.
fn december(p: &madoguchi_core::store::CapacityPlan) -> madoguchi_core::planner::MonthPlan {
    p.months
        .iter()
        .find(|m| m.month == "2026-12")
        .unwrap()
        .clone()
}

#[test]
fn the_shipped_forecast_is_planned_month_by_month() {
    let (_tmp, s) = store_at(d("2026-11-23").and_hms_opt(9, 0, 0).unwrap());
    let plan = s.capacity_plan(None).unwrap();
    assert_eq!(plan.months.len(), 18, "Oct 2026 – Mar 2028");
    assert_eq!(plan.assumptions, Assumptions::default());
    let dec = plan.months.iter().find(|m| m.month == "2026-12").unwrap();
    assert_eq!(dec.open_days, 20, "weekdays up to 12/28; 12/29–31 closed");
    let offered = dec.places_offered;
    assert!(offered > 0);
    // The same month through the pure planner, with the inputs taken from the shipped figures.
    let by_hand = plan_month(
        &Assumptions::default(),
        &MonthInput {
            month: "2026-12".into(),
            card: 697,
            certificate: 2275,
            card_next: 854,
            certificate_next: 3058,
            open_days: 20,
            open_by_weekday: [4, 4, 4, 4, 4, 0, 0],
            places_per_day: offered,
        },
        2,
    );
    assert_eq!(dec, &by_hand);
    // The last month has no next month: its own figures stand in.
    assert_eq!(plan.months.last().unwrap().month, "2028-03");
    assert!(plan.actual.is_empty());
}

#[test]
fn what_if_changes_nothing_and_only_managers_save() {
    let (_tmp, s) = store_at(d("2026-11-23").and_hms_opt(9, 0, 0).unwrap());
    demo::seed_staff(&s).unwrap();
    let higher = Assumptions {
        take_up_certificate: 0.9,
        ..Assumptions::default()
    };
    let before = s.capacity_plan(None).unwrap();
    let what_if = s.capacity_plan(Some(higher.clone())).unwrap();
    assert!(december(&what_if).visits_per_day > december(&before).visits_per_day);
    assert!(december(&what_if).staff.total() > december(&before).staff.total());
    assert_eq!(
        s.plan_assumptions().unwrap(),
        Assumptions::default(),
        "a what-if is not saved"
    );
    assert!(matches!(
        s.capacity_plan(Some(Assumptions {
            take_up_card: 2.0,
            ..Assumptions::default()
        })),
        Err(Error::Invalid(_))
    ));
    s.sign_in("S001", &Pin::new("1111")).unwrap();
    assert!(matches!(
        s.set_plan_assumptions(&higher),
        Err(Error::Forbidden { .. })
    ));
    s.sign_in("M001", &Pin::new("1234")).unwrap();
    s.set_plan_assumptions(&higher).unwrap();
    assert_eq!(s.capacity_plan(None).unwrap().assumptions, higher);
}

#[test]
fn months_with_visits_show_their_actuals() {
    let (_tmp, s) = store_at(d("2026-12-20").and_hms_opt(9, 0, 0).unwrap());
    demo::seed_staff(&s).unwrap();
    demo::seed_reservations(&s, d("2026-12-01"), 3, 0.5, 1).unwrap();
    let mut served = 0;
    for (i, day) in d("2026-12-01").iter_days().take(3).enumerate() {
        served += demo::run_day(&s, day, 4, "C001", i as u64).unwrap();
    }
    let plan = s.capacity_plan(None).unwrap();
    let actual = plan.actual.iter().find(|a| a.month == "2026-12").unwrap();
    assert_eq!(actual.days, 3);
    assert!((actual.visits_per_day - served as f64 / 3.0).abs() < 1e-9);
    assert!(actual.no_show_rate > 0.0 && actual.no_show_rate < 0.3);
}

/// Issue 21: the planner plans each site with its own slot plan, open days, visits and saved
/// assumptions (the take-up at that site); a desk, which serves nobody, has no plan.
#[test]
fn each_site_is_planned_with_its_own_places_and_assumptions() {
    use madoguchi_core::{
        mutation::{Mutation, PlanMutation},
        reservation::PlanKind,
        site::{SiteId, SiteKind},
    };
    let (_tmp, s) = store_at(d("2026-11-23").and_hms_opt(9, 0, 0).unwrap());
    let ekimae: SiteId = "ekimae".parse().unwrap();
    s.add_site(ekimae.clone(), "駅前", SiteKind::Counter)
        .unwrap();
    // 駅前 opens one seat where 本庁舎 opens several.
    let mut plan = s.slot_plan(PlanKind::Regular).unwrap();
    for band in &mut plan.bands {
        band.capacity = 1;
    }
    s.execute(Mutation::Plan(PlanMutation::SetSlotPlan {
        kind: PlanKind::Regular,
        plan,
        site: ekimae.clone(),
    }))
    .unwrap();
    let city_hall = s.capacity_plan(None).unwrap();
    let station = s.capacity_plan_at(&ekimae, None).unwrap();
    assert!(
        december(&station).places_offered < december(&city_hall).places_offered,
        "{} vs {}",
        december(&station).places_offered,
        december(&city_hall).places_offered
    );
    assert_eq!(december(&station).open_days, december(&city_hall).open_days);
    // Each site keeps its own assumptions: the share of the city's expiries that comes there.
    let at_station = Assumptions {
        take_up_card: 0.2,
        take_up_certificate: 0.1,
        seats: 1,
        ..Assumptions::default()
    };
    s.set_plan_assumptions_at(&ekimae, &at_station).unwrap();
    assert_eq!(s.plan_assumptions_at(&ekimae).unwrap(), at_station);
    assert_eq!(s.plan_assumptions().unwrap(), Assumptions::default());
    let station = s.capacity_plan_at(&ekimae, None).unwrap();
    assert!(december(&station).visits_per_day < december(&city_hall).visits_per_day);
    // A desk serves nobody: it has no plan.
    let desk: SiteId = "callcenter".parse().unwrap();
    s.add_site(desk.clone(), "コールセンター", SiteKind::Desk)
        .unwrap();
    assert!(s.capacity_plan_at(&desk, None).is_err());
    assert!(s
        .set_plan_assumptions_at(&desk, &Assumptions::default())
        .is_err());
}
