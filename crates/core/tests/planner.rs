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
    let dec = |p: &madoguchi_core::store::CapacityPlan| {
        p.months
            .iter()
            .find(|m| m.month == "2026-12")
            .unwrap()
            .clone()
    };
    assert!(dec(&what_if).visits_per_day > dec(&before).visits_per_day);
    assert!(dec(&what_if).staff.total() > dec(&before).staff.total());
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
