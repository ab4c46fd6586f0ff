//! The waiting room's call display (issue 22) in the conditions it runs in: the monitor stays
//! up while the counter's staff sign in and out, so it is read with nobody signed in, and it
//! reads no person (no read of personal data is audited for it).
use madoguchi_core::{
    reservation::{Channel, Procedure},
    store::Lamp,
};

mod common;
use common::{d, person, store_with_clock, t, DAY};

#[test]
fn the_display_shows_a_call_with_nobody_signed_in_and_reads_no_person() {
    let (_tmp, s, clock) = store_with_clock("窓口1", d(DAY).and_hms_opt(9, 0, 0).unwrap());
    let first = s
        .book(
            d(DAY),
            t(9, 30),
            Channel::Phone,
            vec![person(1, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    let second = s
        .book(
            d(DAY),
            t(9, 30),
            Channel::Phone,
            vec![person(2, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    *clock.lock().unwrap() = d(DAY).and_hms_opt(9, 20, 0).unwrap();
    s.check_in(first.number).unwrap();
    s.check_in(second.number).unwrap();
    *clock.lock().unwrap() = d(DAY).and_hms_opt(9, 45, 0).unwrap();
    s.call_next(3).unwrap().expect("someone to call");
    let audited = s.audit_trail(10_000).unwrap().len();
    s.sign_out().unwrap();

    let shown = s.call_display().unwrap();
    assert_eq!(shown.calls.len(), 1);
    assert_eq!(
        (shown.calls[0].number, shown.calls[0].seat_no),
        (first.number, 3)
    );
    assert_eq!(shown.next, vec![second.number]);
    assert_eq!((shown.waiting, shown.wait_minutes), (1, 25));
    assert_eq!(shown.lamp, Lamp::Yellow);
    let json = serde_json::to_string(&shown).unwrap();
    assert!(!json.contains("ヤマダ") && !json.contains("山田"), "{json}");
    // Nothing read or written in the audit trail by the display's reads.
    for _ in 0..5 {
        s.call_display().unwrap();
    }
    let s = s.act_as_site("tests");
    assert_eq!(s.audit_trail(10_000).unwrap().len(), audited);
}
