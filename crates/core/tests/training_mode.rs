//! Training mode (研修モード, issue 23; docs/design/paperwork.md §8): a training store says so,
//! resets to its fixed training day keeping the roster, refuses what only a real store does, and
//! a training hub's seats follow its reset, dropping the old day's work.
mod common;

use madoguchi_core::{
    reservation::{Channel, Procedure, ReservationStatus},
    store::sync::{convergence_problems, SeatRound, Step},
    store::Pin,
    training_mode::{training_day, StoreKind},
    DataDir, Error, KdfCost, NewStore, Passphrase, Store,
};

use common::{person, t};

fn create(dir: &std::path::Path, seat: &str, kind: StoreKind) -> Store {
    let new = NewStore {
        site_name: "研修市 特設窓口".into(),
        seat_name: seat.into(),
    };
    let (dir, pass, cost) = (
        DataDir::at(dir),
        Passphrase::new("training passphrase".into()),
        KdfCost::insecure_for_tests(),
    );
    match kind {
        StoreKind::Training => Store::create_training(&dir, &pass, &new, cost),
        StoreKind::Real => Store::create(&dir, &pass, &new, cost),
    }
    .unwrap()
}

/// One sync round of `seat` with `hub` answering in-process, as the network client runs it.
fn round(hub: &Store, seat: &Store) -> madoguchi_core::Result<()> {
    let (mut r, mut answer) = (SeatRound::default(), None);
    loop {
        match seat.sync_step(&mut r, answer.take())? {
            Step::Done(_) => return Ok(()),
            Step::Send(request) => answer = Some(hub.hub_answer(seat.meta().store_id, request)?),
        }
    }
}

fn enrol(hub: &Store, seat: &Store) {
    let code = hub.hub_enrolment_code().unwrap();
    hub.hub_enrol_of_kind(
        seat.kind(),
        &code,
        seat.meta().store_id,
        &seat.meta().seat_name,
        &format!("fp-{}", seat.meta().seat_name),
        seat.outbox_last_seq().unwrap(),
    )
    .unwrap();
    seat.set_sync_link("hub.test:7750", "hubfp", "研修ハブ")
        .unwrap();
}

/// A booking today in the latest free slot for person `i` (a canary the reset must take away).
fn book_today(store: &Store, i: usize) -> madoguchi_core::reservation_number::ReservationNumber {
    (0..32)
        .map(|k| t(16, 45) - chrono::Duration::minutes(15 * k))
        .find_map(|at| {
            store
                .book(
                    store.today(),
                    at,
                    Channel::Phone,
                    vec![person(i, &[Procedure::CardIssue])],
                    "",
                )
                .ok()
        })
        .expect("a free place today")
        .number
}

#[test]
fn a_training_store_says_so_in_its_status_reports_and_wipe() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let training = create(a.path(), "研修1", StoreKind::Training).act_as_site("tests");
    let real = create(b.path(), "窓口1", StoreKind::Real).act_as_site("tests");
    assert_eq!(training.status().unwrap().meta.kind, StoreKind::Training);
    assert_eq!(real.status().unwrap().meta.kind, StoreKind::Real);
    let day = training.today();
    assert_eq!(
        training.daily_report(day).unwrap().store_kind,
        StoreKind::Training
    );
    assert_eq!(real.daily_report(day).unwrap().store_kind, StoreKind::Real);
    // Nothing to hand over: a training store holds made-up data only.
    let out = tempfile::tempdir().unwrap();
    let recipient = madoguchi_core::wipe::handover::new_city_identity().1;
    assert!(matches!(
        training.handover_export(&recipient, out.path()),
        Err(Error::TrainingStore(_))
    ));
    assert!(!training.wipe_preflight().unwrap().handover_required);
}

#[test]
fn reset_restores_the_fixed_day_and_keeps_the_roster() {
    let tmp = tempfile::tempdir().unwrap();
    let store = create(tmp.path(), "研修1", StoreKind::Training).act_as_site("tests");
    madoguchi_core::demo::seed_staff(&store).unwrap();
    let canary = book_today(&store, 7);
    assert_ne!(store.today(), training_day());

    // The manager resets the day from the app (signed in, not as the site).
    store.sign_out().unwrap();
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let reset = store
        .reset_training_day(madoguchi_core::demo::training_day)
        .unwrap();
    assert_eq!(reset.state.day, training_day());
    assert!(reset.bookings > 100 && reset.served > 50, "{reset:?}");
    assert_eq!(
        store.today(),
        training_day(),
        "the clock reads the training day"
    );
    let now = store.now().time();
    assert!(now >= t(9, 0) && now < t(9, 5), "{now}");
    assert!(
        matches!(store.reservation(canary), Err(Error::NotFound(_))),
        "the day before the reset is gone"
    );
    assert!(
        store.staff().unwrap().iter().any(|m| m.code == "S001"),
        "trainees keep their IDs"
    );
    let today = store.reservations_on(training_day()).unwrap();
    assert!(today.iter().all(|r| r.status == ReservationStatus::Booked));
    assert!(!today.is_empty());

    // The same day again after a restart: the clock's shift is kept in the store.
    drop(store);
    let again = Store::open(
        &DataDir::at(tmp.path()),
        &Passphrase::new("training passphrase".into()),
    )
    .unwrap();
    assert_eq!(again.today(), training_day());
    assert_eq!(
        again.training_state().unwrap().unwrap().epoch,
        reset.state.epoch
    );
}

#[test]
fn a_reset_cut_short_keeps_the_old_day_and_can_be_made_again() {
    let tmp = tempfile::tempdir().unwrap();
    let store = create(tmp.path(), "研修1", StoreKind::Training).act_as_site("tests");
    madoguchi_core::demo::seed_staff(&store).unwrap();
    let today = store.today();
    let cut = store.reset_training_day(|_| Err(Error::NotAllowed("power cut".into())));
    assert!(matches!(cut, Err(Error::NotAllowed(_))));
    assert_eq!(store.training_state().unwrap(), None, "no new day recorded");
    assert_eq!(store.today(), today, "the clock did not move");
    let reset = store
        .reset_training_day(madoguchi_core::demo::training_day)
        .unwrap();
    assert_eq!(
        store.training_state().unwrap().unwrap().epoch,
        reset.state.epoch
    );
    assert_eq!(store.today(), training_day());
}

#[test]
fn reset_is_refused_on_a_real_store_and_to_counter_staff() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let real = create(a.path(), "窓口1", StoreKind::Real).act_as_site("tests");
    assert!(matches!(
        real.reset_training_day(madoguchi_core::demo::training_day),
        Err(Error::NotTrainingStore)
    ));
    assert_eq!(real.training_state().unwrap(), None);
    let training = create(b.path(), "研修1", StoreKind::Training).act_as_site("tests");
    madoguchi_core::demo::seed_staff(&training).unwrap();
    training.sign_out().unwrap();
    training.sign_in("S001", &Pin::new("1111")).unwrap();
    assert!(matches!(
        training.reset_training_day(madoguchi_core::demo::training_day),
        Err(Error::Forbidden { .. })
    ));
}

#[test]
fn seats_follow_a_training_hub_reset_dropping_their_outbox() {
    let (h, a) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hub = create(h.path(), "研修ハブ", StoreKind::Training).act_as_site("hub");
    let seat = create(a.path(), "研修1", StoreKind::Training).act_as_site("tests");
    madoguchi_core::demo::seed_staff(&seat).unwrap();
    enrol(&hub, &seat);
    round(&hub, &seat).unwrap();
    assert!(convergence_problems(&hub, &[&seat]).unwrap().is_empty());

    // Practice at the seat, offline: still in its outbox when the trainer resets the day.
    let practice = book_today(&seat, 3);
    assert_eq!(seat.outbox_status().unwrap().pending, 1);
    // A seat cannot reset a day its hub rules.
    assert!(matches!(
        seat.reset_training_day(madoguchi_core::demo::training_day),
        Err(Error::NotAllowed(_))
    ));
    let reset = hub
        .reset_training_day(madoguchi_core::demo::training_day)
        .unwrap();
    assert_eq!(hub.today(), training_day());

    round(&hub, &seat).unwrap();
    assert_eq!(
        seat.today(),
        training_day(),
        "the seat's clock follows the hub's day"
    );
    assert_eq!(
        seat.training_state().unwrap().unwrap().epoch,
        reset.state.epoch
    );
    assert_eq!(
        seat.outbox_status().unwrap().pending,
        0,
        "the old day's work is dropped"
    );
    assert!(matches!(
        seat.reservation(practice),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(hub.reservation(practice), Err(Error::NotFound(_))));
    assert_eq!(
        seat.reservations_on(training_day()).unwrap().len(),
        hub.reservations_on(training_day()).unwrap().len()
    );
    assert!(!hub.reservations_on(training_day()).unwrap().is_empty());
    assert!(convergence_problems(&hub, &[&seat]).unwrap().is_empty());
    // A trainee's work on the new day syncs as usual.
    seat.sign_out().unwrap();
    seat.sign_in("S001", &Pin::new("1111")).unwrap();
    let new = book_today(&seat, 4);
    round(&hub, &seat).unwrap();
    assert!(hub.reservation(new).is_ok());
}

#[test]
fn a_training_hub_refuses_a_real_seat_and_a_real_hub_a_training_seat() {
    let (h, r, a, b) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let training_hub = create(h.path(), "研修ハブ", StoreKind::Training).act_as_site("hub");
    let real_hub = create(r.path(), "ハブ", StoreKind::Real).act_as_site("hub");
    let real_seat = create(a.path(), "窓口1", StoreKind::Real);
    let training_seat = create(b.path(), "研修1", StoreKind::Training);
    for (hub, seat) in [(&training_hub, &real_seat), (&real_hub, &training_seat)] {
        let code = hub.hub_enrolment_code().unwrap();
        let refused = hub.hub_enrol_of_kind(seat.kind(), &code, seat.meta().store_id, "x", "fp", 0);
        assert!(
            matches!(refused, Err(Error::SyncStoreKind { .. })),
            "{refused:?}"
        );
        assert!(hub.hub_seats().unwrap().is_empty());
    }
}
