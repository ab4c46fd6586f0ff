//! Issue 19: every free-text field has a length limit (`crates/core/src/limits.rs`), enforced in
//! the domain's apply: an over-long field is refused with `too_long` at the seat before anything
//! reaches the outbox, and the hub, executing the same apply, refuses it the same way. A 5 MB
//! note can no longer wedge sync, and push batches are bounded in bytes as well as in count.
use madoguchi_core::{
    calendar::{Closure, ClosureReason},
    checklist::CheckOutcome,
    error::ErrorCode,
    inquiry::{ComplaintStep, InquiryCategory, InquiryChannel, InquiryKind, NewInquiry},
    lending::NewLentMaterial,
    limits,
    mutation::{ConflictMutation, Mutation, ReservationMutation},
    people::Role,
    reason::{CityReason, ReasonKind},
    reservation::{Channel, Procedure},
    store::sync::protocol::{Request, PAGE_BYTES, PUSH_BATCH},
    store::sync::{SeatRound, Step},
    store::{NewApplicant, NewStaff, Pin, ProcedureBundle},
    sync::PushOutcome,
    visit::VisitStep,
    Error, Personal, Store,
};
use uuid::Uuid;

mod common;
use common::{d, person, store_with_clock, t, DAY};

/// `n` characters of kanji (three bytes each in UTF-8, so bytes are not what is counted).
fn text(n: usize) -> String {
    "長".repeat(n)
}

/// `r` is the refusal of `limit`'s field, naming it and its limit, never the text.
fn too_long<T: std::fmt::Debug>(r: madoguchi_core::Result<T>, limit: limits::Limit) {
    match r {
        Err(e @ Error::TooLong { .. }) => {
            assert_eq!(e.code(), ErrorCode::TooLong);
            assert!(
                matches!(e, Error::TooLong { field, max } if field == limit.field && max == limit.max),
                "{e:?} is not {limit:?}"
            );
            let message = e.to_string();
            assert_eq!(
                message,
                format!(
                    "the {} is longer than {} characters",
                    limit.field, limit.max
                )
            );
        }
        // Not the value: it holds the long text.
        Ok(_) => panic!("{}: an over-long text was accepted", limit.field),
        Err(e) => panic!("{}: expected too_long, got {e:?}", limit.field),
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let (tmp, s, _clock) = store_with_clock("窓口1", d(DAY).and_hms_opt(9, 0, 0).unwrap());
    madoguchi_core::demo::seed_staff(&s).unwrap();
    (tmp, s)
}

/// The outbox as it stands: every mutation the store has recorded.
fn outbox(s: &Store) -> usize {
    s.mutation_count().unwrap()
}

/// Runs `f`, which must be refused as too long for `limit`, and checks nothing was queued.
fn refused_and_not_queued<T: std::fmt::Debug>(
    s: &Store,
    limit: limits::Limit,
    f: impl FnOnce() -> madoguchi_core::Result<T>,
) {
    let before = outbox(s);
    too_long(f(), limit);
    assert_eq!(outbox(s), before, "{}: something was queued", limit.field);
}

fn booking(
    s: &Store,
    notes: &str,
) -> madoguchi_core::Result<madoguchi_core::store::ReservationSummary> {
    s.book(
        d(DAY),
        t(10, 0),
        Channel::Phone,
        vec![person(1, &[Procedure::CardIssue])],
        notes,
    )
}

#[test]
fn bookings_refuse_over_long_names_phones_and_notes() {
    let (_tmp, s) = store();
    refused_and_not_queued(&s, limits::BOOKING_NOTE, || {
        booking(&s, &text(limits::BOOKING_NOTE.max + 1))
    });
    let applicant = |kanji: &str, kana: &str, phone: &str| {
        vec![(
            NewApplicant {
                name_kanji: Personal::new(kanji),
                name_kana: Personal::new(kana),
                phone: Some(Personal::new(phone)),
                birth_date: None,
            },
            madoguchi_core::reservation::ApplicantType::ApplicantSelf,
            vec![Procedure::CardIssue],
        )]
    };
    let book = |people| s.book(d(DAY), t(10, 0), Channel::Phone, people, "");
    refused_and_not_queued(&s, limits::NAME, || {
        book(applicant(&text(101), "ヤマダ", "090-1234-5678"))
    });
    refused_and_not_queued(&s, limits::KANA_NAME, || {
        book(applicant("山田", &"ア".repeat(101), "090-1234-5678"))
    });
    // Thirty-one characters of phone: refused for its length, not parsed.
    refused_and_not_queued(&s, limits::PHONE, || {
        book(applicant("山田", "ヤマダ", &"０".repeat(31)))
    });
    // At the limits everything is accepted.
    let before = outbox(&s);
    s.book(
        d(DAY),
        t(10, 0),
        Channel::Phone,
        applicant(
            &text(100),
            &"ア".repeat(100),
            "（０９０）－１２３４－５６７８",
        ),
        &text(limits::BOOKING_NOTE.max),
    )
    .unwrap();
    assert_eq!(outbox(&s), before + 1);
}

#[test]
fn the_plan_refuses_over_long_session_and_closure_notes() {
    let (_tmp, s) = store();
    // 2026-12-05 is a Saturday.
    refused_and_not_queued(&s, limits::HOLIDAY_SESSION_NOTE, || {
        s.set_holiday_session(d("2026-12-05"), Some(&text(201)))
    });
    refused_and_not_queued(&s, limits::CLOSURE_NOTE, || {
        s.set_closure(
            d(DAY),
            Some(Closure::all_day(ClosureReason::Disaster, text(1001))),
        )
    });
    s.set_closure(
        d(DAY),
        Some(Closure::all_day(ClosureReason::Disaster, text(1000))),
    )
    .unwrap();
}

#[test]
fn the_counter_refuses_over_long_reasons_notes_labels_and_documents() {
    let (_tmp, s) = store();
    let r = booking(&s, "").unwrap();
    s.check_in(r.number).unwrap();
    s.visit_step(r.number, 0, VisitStep::Call { seat_no: 1 })
        .unwrap();
    refused_and_not_queued(&s, limits::REVISIT_REASON, || {
        s.visit_step(
            r.number,
            0,
            VisitStep::Revisit {
                reason: text(501),
                code: Some("other".into()),
            },
        )
    });
    refused_and_not_queued(&s, limits::CANCEL_REASON, || {
        s.visit_step(
            r.number,
            0,
            VisitStep::Cancel {
                reason: text(501),
                code: Some("left".into()),
            },
        )
    });
    refused_and_not_queued(&s, limits::REVISIT_REASON, || {
        s.record_check_outcome(
            r.number,
            0,
            CheckOutcome::Revisit {
                reason: text(501),
                missing: vec![],
                code: Some("identity_documents".into()),
            },
        )
    });
    refused_and_not_queued(&s, limits::FORM_COUNT_NOTE, || {
        s.set_form_count(d(DAY), 3, Some("other"), &text(501))
    });
    refused_and_not_queued(&s, limits::RETURN_NOTE, || {
        s.visit_step(
            r.number,
            0,
            VisitStep::ReturnItems {
                items: vec![],
                note: text(501),
            },
        )
    });
    refused_and_not_queued(&s, limits::BUNDLE_DOCUMENT, || {
        s.visit_step(
            r.number,
            0,
            VisitStep::ReturnItems {
                items: vec![text(101)],
                note: String::new(),
            },
        )
    });
    refused_and_not_queued(&s, limits::BUNDLE_DOCUMENT, || {
        s.visit_step(
            r.number,
            0,
            VisitStep::PrepareBundle {
                items: vec![text(101)],
            },
        )
    });
    refused_and_not_queued(&s, limits::BUNDLE_DOCUMENT, || {
        s.set_procedure_bundle(ProcedureBundle {
            procedure: Procedure::CardIssue,
            forms: 1,
            items: vec!["交付通知書".into(), text(101)],
        })
    });
    refused_and_not_queued(&s, limits::REASON_LABEL, || {
        s.set_city_reasons(vec![CityReason {
            kind: ReasonKind::Cancel,
            code: "city_long".into(),
            label: text(31),
            active: true,
        }])
    });
    // The case stands where it was; words at the limit are taken.
    assert_eq!(s.case(r.number, 0).unwrap().end_reason, "");
    let c = s
        .visit_step(
            r.number,
            0,
            VisitStep::Cancel {
                reason: text(500),
                code: Some("left".into()),
            },
        )
        .unwrap();
    assert_eq!(c.end_reason.chars().count(), 500);
}

#[test]
fn inquiries_lending_the_roster_and_conflicts_refuse_over_long_text() {
    let (_tmp, s) = store();
    let inquiry = |summary: String, outcome: String| NewInquiry {
        kind: InquiryKind::Complaint,
        channel: InquiryChannel::Visitor,
        category: InquiryCategory::Other,
        minutes: 5,
        summary: Personal::new(summary),
        outcome,
        referred: false,
    };
    refused_and_not_queued(&s, limits::INQUIRY_SUMMARY, || {
        s.record_inquiry(inquiry(text(2001), String::new()))
    });
    refused_and_not_queued(&s, limits::INQUIRY_OUTCOME, || {
        s.record_inquiry(inquiry("待ち時間".into(), text(2001)))
    });
    let complaint = s.record_inquiry(inquiry(text(2000), text(2000))).unwrap();
    refused_and_not_queued(&s, limits::COMPLAINT_STEP_NOTE, || {
        s.complaint_step(complaint.id, ComplaintStep::Respond, &text(2001))
    });

    let lent = |item: String, lent_by: String, kept_at: String, note: String| NewLentMaterial {
        item,
        quantity: 1,
        lent_on: d(DAY),
        lent_by,
        kept_at,
        note,
    };
    let ok = || "事務処理要領".to_string();
    refused_and_not_queued(&s, limits::LENT_ITEM, || {
        s.lend(lent(text(101), ok(), ok(), String::new()))
    });
    refused_and_not_queued(&s, limits::LENT_BY, || {
        s.lend(lent(ok(), text(101), ok(), String::new()))
    });
    refused_and_not_queued(&s, limits::KEPT_AT, || {
        s.lend(lent(ok(), ok(), text(101), String::new()))
    });
    refused_and_not_queued(&s, limits::LENDING_NOTE, || {
        s.lend(lent(ok(), ok(), ok(), text(1001)))
    });
    s.lend(lent(text(100), text(100), text(100), text(1000)))
        .unwrap();

    refused_and_not_queued(&s, limits::NAME, || {
        s.add_staff(NewStaff {
            code: "S900".into(),
            name: text(101),
            role: Role::Staff,
            pin: Pin::new("1234"),
        })
    });
    refused_and_not_queued(&s, limits::CONFLICT_RESOLUTION, || {
        s.execute(Mutation::Conflict(ConflictMutation::ResolveConflict {
            id: Uuid::nil(),
            resolution: text(1001),
        }))
    });
}

/// A hub and seats in one process, syncing as the network client does (see tests/sync.rs).
struct Net {
    _tmp: Vec<tempfile::TempDir>,
    hub: Store,
    seats: Vec<(Uuid, Store)>,
}

impl Net {
    fn new(seats: usize) -> Net {
        let start = d(DAY).and_hms_opt(8, 30, 0).unwrap();
        let (hub_tmp, hub, _) = store_with_clock("ハブ", start);
        let mut net = Net {
            _tmp: vec![hub_tmp],
            hub,
            seats: Vec::new(),
        };
        for i in 0..seats {
            let (tmp, store, _) = store_with_clock(&format!("窓口{}", i + 1), start);
            let id = store.meta().store_id;
            let code = net.hub.hub_enrolment_code().unwrap();
            net.hub
                .hub_enrol(&code, id, &store.meta().seat_name, &format!("fp{i}"), 0)
                .unwrap();
            store
                .set_sync_link("hub.test:7750", "hubfp", "ハブ")
                .unwrap();
            net._tmp.push(tmp);
            net.seats.push((id, store));
        }
        net
    }

    /// One sync round of seat `i`; returns how many envelopes each push carried.
    fn sync(&self, i: usize) -> Vec<usize> {
        let (id, seat) = &self.seats[i];
        let (mut round, mut answer, mut pushes) = (SeatRound::default(), None, Vec::new());
        loop {
            match seat.sync_step(&mut round, answer.take()).unwrap() {
                Step::Done(_) => return pushes,
                Step::Send(request) => {
                    if let Request::Push { batch } = &request {
                        pushes.push(batch.len());
                    }
                    answer = Some(self.hub.hub_answer(*id, request).unwrap());
                }
            }
        }
    }
}

#[test]
fn a_five_megabyte_note_is_refused_at_the_seat_and_everything_else_syncs() {
    let net = Net::new(2);
    let (_, seat) = &net.seats[0];
    booking(seat, "二人目は後日").unwrap();
    let huge = "x".repeat(5 * 1024 * 1024);
    let before = outbox(seat);
    // Not `expect_err`: on failure it would print the 5 MB.
    let refused = match seat.book(
        d(DAY),
        t(10, 30),
        Channel::Phone,
        vec![person(3, &[Procedure::CardIssue])],
        &huge,
    ) {
        Ok(_) => panic!("a 5 MB note was accepted"),
        Err(e) => e,
    };
    assert_eq!(
        refused.to_string(),
        "the booking note is longer than 1000 characters"
    );
    assert_eq!(refused.code(), ErrorCode::TooLong);
    assert_eq!(outbox(seat), before, "nothing queued");
    // The other entries of the day go on.
    let after = seat
        .book(
            d(DAY),
            t(11, 0),
            Channel::Phone,
            vec![person(2, &[Procedure::CardIssue])],
            "",
        )
        .unwrap();
    net.sync(0);
    assert_eq!(seat.outbox_status().unwrap().pending, 0);
    net.sync(1);
    assert_eq!(net.seats[1].1.reservations_on(d(DAY)).unwrap().len(), 2);
    assert!(net.seats[1].1.reservation(after.number).is_ok());
    assert_eq!(
        net.hub.synced_dump().unwrap(),
        net.seats[1].1.synced_dump().unwrap()
    );
}

#[test]
fn the_hub_refuses_an_over_long_field_the_same_way() {
    // A seat that did not check (an older version, a crafted push): its booking becomes a
    // conflict with the code `too_long`, and nothing of it is applied.
    let net = Net::new(1);
    let (id, seat) = &net.seats[0];
    booking(seat, "").unwrap();
    let mut batch = seat.pending_envelopes(PUSH_BATCH).unwrap();
    match &mut batch[0].mutation {
        Mutation::Reservation(ReservationMutation::Book(book)) => book.notes = text(1001),
        other => panic!("{other:?}"),
    }
    let results = net.hub.hub_push(*id, &batch).unwrap();
    match &results[0].outcome {
        PushOutcome::Conflict { reason, .. } => assert_eq!(reason, "too_long"),
        other => panic!("{other:?}"),
    }
    assert!(net.hub.reservations_on(d(DAY)).unwrap().is_empty());
}

#[test]
fn push_batches_stop_at_about_a_page_of_bytes() {
    let net = Net::new(2);
    let (_, seat) = &net.seats[0];
    // Each inquiry is about 12 KB of JSON (4,000 kanji): 120 of them are well over a page but
    // under the count limit.
    let n = 120;
    for _ in 0..n {
        seat.record_inquiry(NewInquiry {
            kind: InquiryKind::Inquiry,
            channel: InquiryChannel::Phone,
            category: InquiryCategory::Other,
            minutes: 5,
            summary: Personal::new(text(2000)),
            outcome: text(2000),
            referred: false,
        })
        .unwrap();
    }
    assert!(n < PUSH_BATCH);
    let batch = seat.pending_envelopes(PUSH_BATCH).unwrap();
    let bytes: usize = batch
        .iter()
        .map(|e| serde_json::to_string(e).unwrap().len())
        .sum();
    assert!(
        !batch.is_empty() && batch.len() < n,
        "{} envelopes",
        batch.len()
    );
    assert!(bytes <= PAGE_BYTES, "{bytes} bytes in one batch");
    // The batch is as full as a page allows: one more of the same size would have passed it.
    let largest = batch
        .iter()
        .map(|e| serde_json::to_string(e).unwrap().len())
        .max()
        .unwrap();
    assert!(bytes + largest > PAGE_BYTES, "{bytes} + {largest}");

    // A round sends them all, in several pushes, and the other seat gets every one.
    let pushes = net.sync(0);
    assert!(pushes.len() >= 2, "{pushes:?}");
    assert_eq!(pushes.iter().sum::<usize>(), n);
    assert_eq!(seat.outbox_status().unwrap().pending, 0);
    net.sync(1);
    assert_eq!(net.seats[1].1.inquiries(d(DAY), d(DAY)).unwrap().len(), n);
}

#[test]
fn an_envelope_over_a_page_still_goes_alone() {
    // Queued before the limits existed: the batch is that one envelope, never empty.
    let net = Net::new(1);
    let (_, seat) = &net.seats[0];
    booking(seat, "x").unwrap();
    seat.book(
        d(DAY),
        t(11, 0),
        Channel::Phone,
        vec![person(2, &[Procedure::CardIssue])],
        "",
    )
    .unwrap();
    seat.run_migration_for_tests(
        r#"UPDATE mutations SET payload = replace(payload, '"notes":"x"', '"notes":"' || printf('%.*c', 1100000, 'y') || '"')"#,
    )
    .unwrap();
    let batch = seat.pending_envelopes(PUSH_BATCH).unwrap();
    assert_eq!(batch.len(), 1);
    match &batch[0].mutation {
        Mutation::Reservation(ReservationMutation::Book(book)) => {
            assert_eq!(book.notes.len(), 1_100_000)
        }
        other => panic!("{other:?}"),
    }
}
