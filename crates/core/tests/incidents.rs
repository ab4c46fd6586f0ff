//! Incidents (事故・トラブル, docs/design/paperwork.md §3.4) through the core API, acted by
//! signed-in people as at the counter: staff open an incident and add notes and immediate
//! actions; the manager or deputy reports it, records cause and measures, sets and completes
//! follow-ups and closes it; closing lists what is missing; a personal-data incident is due at
//! once and shows the city's seven steps until it is closed.
use chrono::Duration;
use madoguchi_core::{
    paperwork::incident::{
        FollowupWhat, IncidentCategory, IncidentImpact, IncidentKind, IncidentStatus, IncidentStep,
        NewIncident, NewIncidentStep,
    },
    store::sync::{convergence_problems, protocol::Request, SeatRound, Step},
    store::Pin,
    Error, Personal, Store,
};
use uuid::Uuid;

mod common;
use common::{d, enrol_roster, site_at, store_with_clock, Site, DAY};

/// A name typed into an incident's words: it must never reach paper or another site.
const CANARY: &str = "炭酸 カナリア子";

fn site() -> Site {
    site_at(d(DAY).and_hms_opt(10, 0, 0).unwrap())
}

fn new_incident(category: IncidentCategory, kind: IncidentKind) -> NewIncident {
    NewIncident {
        category,
        kind,
        impact: IncidentImpact::PersonalDataExposed,
        occurred_at: d(DAY).and_hms_opt(9, 50, 0).unwrap(),
        detected_at: d(DAY).and_hms_opt(10, 0, 0).unwrap(),
        persons_affected: 1,
        documents_affected: 1,
        minutes_stopped: 0,
        description: Personal::new(format!("{CANARY}さんに別の方の通知書を渡した")),
        inquiry_id: None,
    }
}

fn step(step: IncidentStep, code: Option<&str>) -> NewIncidentStep {
    NewIncidentStep {
        step,
        code: code.map(str::to_owned),
        count: None,
        title: None,
        words: None,
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, Error>) {
    assert!(
        matches!(r, Err(Error::Forbidden { .. })),
        "expected forbidden: {r:?}"
    );
}

#[test]
fn an_incident_goes_from_open_to_closed_with_its_measures() {
    let s = site();
    // Counter staff open it and take what they may: notes and immediate actions.
    s.sign_in("S001");
    let i = s
        .store
        .open_incident(new_incident(
            IncidentCategory::SystemOutage,
            IncidentKind::PrinterDown,
        ))
        .unwrap();
    assert_eq!(i.status, IncidentStatus::Open);
    assert!(i.number.starts_with("JK-261201-"), "{}", i.number);
    assert_eq!(i.opened_by, "S001");
    assert_eq!(
        i.report_due_at,
        d(DAY).and_hms_opt(23, 59, 59).unwrap(),
        "not personal data: the end of the day"
    );
    let mut note = step(IncidentStep::Note, None);
    note.words = Some(Personal::new(format!("{CANARY}さんには電話で連絡済み")));
    s.store.take_incident_step(i.id, note).unwrap();
    s.store
        .take_incident_step(
            i.id,
            step(IncidentStep::ImmediateAction, Some("switched_to_paper")),
        )
        .unwrap();
    let mut report = step(IncidentStep::FirstReport, Some("phone"));
    report.title = Some("市民課 担当係長".into());
    forbidden(s.store.take_incident_step(i.id, report.clone()));
    forbidden(
        s.store
            .take_incident_step(i.id, step(IncidentStep::Cause, Some("equipment_fault"))),
    );
    forbidden(
        s.store
            .set_incident_followup(i.id, FollowupWhat::EffectChecked, d("2026-12-08")),
    );
    forbidden(s.store.close_incident(i.id));
    // City staff do not handle the contractor's incidents.
    s.sign_in("C001");
    forbidden(s.store.incidents());
    forbidden(
        s.store
            .open_incident(new_incident(IncidentCategory::Other, IncidentKind::Other)),
    );

    // The manager reports it, records cause and measure, and a follow-up.
    s.advance(20);
    s.sign_in("M001");
    let i = s.store.take_incident_step(i.id, report).unwrap();
    assert_eq!(i.status, IncidentStatus::Reported);
    assert_eq!(i.reported_to_title.as_deref(), Some("市民課 担当係長"));
    assert_eq!(
        i.first_reported_at,
        Some(d(DAY).and_hms_opt(10, 20, 0).unwrap())
    );
    s.store
        .take_incident_step(i.id, step(IncidentStep::Cause, Some("equipment_fault")))
        .unwrap();
    assert!(
        s.store
            .take_incident_step(i.id, step(IncidentStep::Cause, Some("phone")))
            .is_err(),
        "a cause takes a cause's code"
    );
    let i = s
        .store
        .take_incident_step(i.id, step(IncidentStep::Measure, Some("equipment_fixed")))
        .unwrap();
    let i = s
        .store
        .set_incident_followup(i.id, FollowupWhat::EffectChecked, d("2026-12-08"))
        .unwrap();
    assert_eq!(i.missing.len(), 1);
    match s.store.close_incident(i.id) {
        Err(Error::IncidentIncomplete { missing }) => assert_eq!(missing, vec!["open_followups"]),
        other => panic!("{other:?}"),
    }
    // The deputy completes the follow-up and closes it.
    s.sign_in("D001");
    let i = s
        .store
        .complete_incident_followup(i.followups[0].id, d("2026-12-07"))
        .unwrap();
    assert_eq!(i.followups[0].done_by.as_deref(), Some("D001"));
    assert!(i.missing.is_empty(), "{:?}", i.missing);
    let i = s.store.close_incident(i.id).unwrap();
    assert_eq!(i.status, IncidentStatus::Closed);
    assert_eq!(i.closed_by.as_deref(), Some("D001"));
    assert_eq!(i.cause.map(|c| c.code()), Some("equipment_fault"));
    assert_eq!(
        i.steps.iter().map(|s| s.step.code()).collect::<Vec<_>>(),
        [
            "note",
            "immediate_action",
            "first_report",
            "cause",
            "measure"
        ]
    );
    // The words are read back here (its site), and only here.
    assert!(i.texts_here);
    assert!(i.description.unwrap().expose().contains(CANARY));
    assert!(i.steps[0].words.as_ref().unwrap().expose().contains(CANARY));
    assert!(
        s.store.incidents().unwrap()[0].description.is_none(),
        "the list carries no words"
    );
    // Closed: no more steps, staff cannot reopen, the manager can.
    assert!(matches!(
        s.store
            .take_incident_step(i.id, step(IncidentStep::Measure, Some("retraining"))),
        Err(Error::NotAllowed(_))
    ));
    s.sign_in("S001");
    forbidden(
        s.store
            .take_incident_step(i.id, step(IncidentStep::Reopen, None)),
    );
    s.sign_in("M001");
    let i = s
        .store
        .take_incident_step(i.id, step(IncidentStep::Reopen, None))
        .unwrap();
    assert_eq!(i.status, IncidentStatus::Reported);
    let codes: Vec<_> = i.missing.iter().map(|m| m.code()).collect();
    assert_eq!(codes, ["cause", "measure"], "reopened: measures again");
    // The audit trail names the incident by id and the steps by code, never words.
    let audit = s.store.audit_trail(200).unwrap();
    let text = format!("{audit:?}");
    assert!(text.contains("take_incident_step"), "{text}");
    assert!(!text.contains(CANARY));
}

#[test]
fn closing_lists_what_is_missing() {
    let s = site();
    s.sign_in("M001");
    let i = s
        .store
        .open_incident(new_incident(
            IncidentCategory::PersonalData,
            IncidentKind::WrongHandover,
        ))
        .unwrap();
    match s.store.close_incident(i.id) {
        Err(Error::IncidentIncomplete { missing }) => assert_eq!(
            missing,
            vec![
                "first_report",
                "cause",
                "measure",
                "written_report",
                "follow_up_report"
            ]
        ),
        other => panic!("{other:?}"),
    }
    let e = s.store.close_incident(i.id).unwrap_err();
    assert_eq!(
        serde_json::to_value(e.code()).unwrap(),
        "incident_incomplete"
    );
    let mut report = step(IncidentStep::FirstReport, Some("in_person"));
    report.title = Some("市民課長".into());
    s.store.take_incident_step(i.id, report).unwrap();
    s.store
        .take_incident_step(i.id, step(IncidentStep::Cause, Some("check_missed")))
        .unwrap();
    s.store
        .take_incident_step(i.id, step(IncidentStep::Measure, Some("double_check")))
        .unwrap();
    match s.store.close_incident(i.id) {
        Err(Error::IncidentIncomplete { missing }) => {
            assert_eq!(missing, vec!["written_report", "follow_up_report"])
        }
        other => panic!("{other:?}"),
    }
    s.store
        .take_incident_step(i.id, step(IncidentStep::WrittenReport, None))
        .unwrap();
    s.store
        .take_incident_step(i.id, step(IncidentStep::FollowUpReport, None))
        .unwrap();
    assert_eq!(
        s.store.close_incident(i.id).unwrap().status,
        IncidentStatus::Closed
    );
}

#[test]
fn a_personal_data_incident_is_flagged_for_immediate_report_with_the_city_s_steps() {
    let s = site();
    s.sign_in("S001");
    let i = s
        .store
        .open_incident(new_incident(
            IncidentCategory::PersonalData,
            IncidentKind::WrongHandover,
        ))
        .unwrap();
    assert_eq!(
        i.report_due_at,
        d(DAY).and_hms_opt(10, 30, 0).unwrap(),
        "detected at 10:00: due 30 minutes later"
    );
    s.store
        .open_incident(NewIncident {
            impact: IncidentImpact::Delay,
            ..new_incident(IncidentCategory::SystemOutage, IncidentKind::PrinterDown)
        })
        .unwrap();
    let board = s.store.open_incidents().unwrap();
    assert_eq!(board.len(), 2);
    let first = &board[0];
    assert_eq!(first.id, i.id, "personal data first");
    assert!(first.urgent && !first.overdue);
    assert!(!board[1].urgent && board[1].city_steps.is_empty());
    assert_eq!(
        first
            .city_steps
            .iter()
            .map(|c| (c.step.code(), c.done))
            .collect::<Vec<_>>(),
        [
            ("first_report", false),
            ("city_instruction", false),
            ("immediate_action", false),
            ("impact_assessed", false),
            ("written_report", false),
            ("measure", false),
            ("follow_up_report", false)
        ]
    );
    s.store
        .take_incident_step(
            i.id,
            step(IncidentStep::ImmediateAction, Some("documents_recovered")),
        )
        .unwrap();
    s.advance(31);
    s.sign_in("S001");
    let first = s.store.open_incidents().unwrap().remove(0);
    assert!(first.overdue, "31 minutes without a first report");
    assert_eq!(first.minutes_since_detection, 31);
    assert!(first.city_steps[2].done);

    s.sign_in("M001");
    let mut report = step(IncidentStep::FirstReport, Some("phone"));
    report.title = Some("市民課 担当係長".into());
    s.store.take_incident_step(i.id, report).unwrap();
    let mut assessed = step(IncidentStep::ImpactAssessed, None);
    assessed.count = Some(1);
    s.store.take_incident_step(i.id, assessed).unwrap();
    let first = s.store.open_incidents().unwrap().remove(0);
    assert!(!first.overdue, "reported");
    assert_eq!(
        first.city_steps.iter().filter(|c| c.done).count(),
        3,
        "{:?}",
        first.city_steps
    );
    assert!(
        s.store
            .take_incident_step(i.id, step(IncidentStep::ImpactAssessed, None))
            .is_err(),
        "the impact is a count"
    );
}

#[test]
fn the_words_are_guarded_and_checked() {
    let s = site();
    s.sign_in("S001");
    let mut bad = new_incident(IncidentCategory::PersonalData, IncidentKind::WrongHandover);
    bad.description = Personal::new("個人番号 123456789018 の通知書");
    assert!(matches!(
        s.store.open_incident(bad),
        Err(Error::IndividualNumberInText { .. })
    ));
    let mut long = new_incident(IncidentCategory::PersonalData, IncidentKind::WrongHandover);
    long.description = Personal::new("あ".repeat(2001));
    assert!(matches!(
        s.store.open_incident(long),
        Err(Error::TooLong { .. })
    ));
    assert!(
        s.store
            .open_incident(new_incident(
                IncidentCategory::Safety,
                IncidentKind::WrongHandover
            ))
            .is_err(),
        "a kind of another category"
    );
    let mut early = new_incident(IncidentCategory::PersonalData, IncidentKind::WrongHandover);
    early.detected_at = early.occurred_at - Duration::minutes(1);
    assert!(s.store.open_incident(early).is_err());
    let i = s
        .store
        .open_incident(new_incident(
            IncidentCategory::PersonalData,
            IncidentKind::WrongHandover,
        ))
        .unwrap();
    s.sign_in("M001");
    let mut report = step(IncidentStep::FirstReport, Some("phone"));
    assert!(
        s.store.take_incident_step(i.id, report.clone()).is_err(),
        "the title reported to"
    );
    report.title = Some("あ".repeat(51));
    assert!(matches!(
        s.store.take_incident_step(i.id, report),
        Err(Error::TooLong { .. })
    ));
    let by_number = s
        .store
        .incident_by_number(&i.number.to_lowercase())
        .unwrap();
    assert_eq!(by_number.id, i.id);
}

/// One sync round of `seat` against `hub`, in process, as the network client runs it.
fn sync(hub: &Store, seat: &Store, id: Uuid) {
    let mut round = SeatRound::default();
    let mut answer = None;
    loop {
        match seat.sync_step(&mut round, answer.take()).unwrap() {
            Step::Done(_) => return,
            Step::Send(request) => {
                let _: &Request = &request;
                answer = Some(hub.hub_answer(id, request).unwrap());
            }
        }
    }
}

fn enrol(hub: &Store, seat: &Store, name: &str) -> Uuid {
    let id = seat.meta().store_id;
    let code = hub.hub_enrolment_code().unwrap();
    hub.hub_enrol(
        &code,
        id,
        name,
        &format!("fp-{name}"),
        seat.outbox_last_seq().unwrap(),
    )
    .unwrap();
    seat.set_sync_link("hub.test:7750", "hubfp", "ハブ")
        .unwrap();
    id
}

/// The codes of 本庁舎's incident reach 駅前's PC (its board shows it: every manager of the
/// city sees a personal-data incident), but its words stay at 本庁舎's PCs and the hub.
#[test]
fn incident_texts_stay_at_their_site() {
    let start = d(DAY).and_hms_opt(10, 0, 0).unwrap();
    let (_hub_tmp, hub, _) = store_with_clock("ハブ", start);
    let (_a_tmp, honcho, _) = store_with_clock("本庁舎1", start);
    // The first PC is set up before it enrols: 駅前 added, then the roster.
    let ekimae: madoguchi_core::site::SiteId = "ekimae".parse().unwrap();
    honcho
        .add_site(
            ekimae.clone(),
            "駅前",
            madoguchi_core::site::SiteKind::Counter,
        )
        .unwrap();
    enrol_roster(&honcho);
    let a = enrol(&hub, &honcho, "本庁舎1");
    sync(&hub, &honcho, a);
    honcho.sign_out().unwrap();
    let (_b_tmp, station, _) = store_with_clock("駅前1", start);
    station.sign_out().unwrap();
    let b = enrol(&hub, &station, "駅前1");
    hub.hub_set_seat_site(b, &ekimae).unwrap();
    sync(&hub, &station, b);
    assert_eq!(station.site().unwrap(), ekimae);

    // 本庁舎's counter opens it, the manager reports it.
    honcho.sign_in("S001", &Pin::new("3456")).unwrap();
    let i = honcho
        .open_incident(new_incident(
            IncidentCategory::PersonalData,
            IncidentKind::WrongHandover,
        ))
        .unwrap();
    let mut note = step(IncidentStep::Note, None);
    note.words = Some(Personal::new(format!("{CANARY}さんに連絡")));
    honcho.take_incident_step(i.id, note).unwrap();
    honcho.sign_in("M001", &Pin::new("1234")).unwrap();
    let mut report = step(IncidentStep::FirstReport, Some("phone"));
    report.title = Some("市民課 担当係長".into());
    honcho.take_incident_step(i.id, report).unwrap();
    for _ in 0..2 {
        sync(&hub, &honcho, a);
        sync(&hub, &station, b);
    }
    assert!(convergence_problems(&hub, &[&honcho, &station])
        .unwrap()
        .is_empty());

    // 駅前's manager sees the incident on the board, with its steps, but not its words.
    station.sign_in("D001", &Pin::new("2345")).unwrap();
    let board = station.open_incidents().unwrap();
    assert_eq!(board.len(), 1);
    assert!(board[0].urgent);
    assert!(
        board[0].city_steps[0].done,
        "the first report is ticked off"
    );
    let there = station.incident(i.id).unwrap();
    assert!(!there.texts_here);
    assert!(there.description.is_none());
    assert_eq!(there.steps.len(), 2);
    assert!(there.steps.iter().all(|s| s.words.is_none()));
    let dump = station.synced_dump().unwrap();
    assert!(dump.iter().any(|r| r.starts_with("incidents|")));
    assert!(dump.iter().any(|r| r.starts_with("incident_steps|")));
    assert!(
        !dump.iter().any(|r| r.starts_with("incident_texts|")),
        "駅前's PC holds no words of 本庁舎's incident"
    );
    assert!(!dump.iter().any(|r| r.contains(CANARY)));
    // The hub and 本庁舎's PCs hold them.
    assert!(hub
        .synced_dump()
        .unwrap()
        .iter()
        .any(|r| r.contains(CANARY)));
    assert!(honcho
        .incident(i.id)
        .unwrap()
        .description
        .unwrap()
        .expose()
        .contains(CANARY));
}

/// The monthly report (月報) lists December's incidents (事故・トラブル) by their codes and where
/// they stood at the end of the month, and counts those still open; November's incident, closed
/// in November, is not listed; the words typed about them never reach the report.
#[test]
fn the_monthly_report_lists_the_month_s_incidents_by_their_codes() {
    let s = site_at(d("2026-11-10").and_hms_opt(9, 0, 0).unwrap());
    let at = |day: &str, h: u32, m: u32| d(day).and_hms_opt(h, m, 0).unwrap();
    let set = |t: chrono::NaiveDateTime| *s.clock.lock().unwrap() = t;
    let incident = |category, kind, day: &str| NewIncident {
        category,
        kind,
        impact: IncidentImpact::ServiceStopped,
        occurred_at: at(day, 9, 50),
        detected_at: at(day, 10, 0),
        persons_affected: 3,
        documents_affected: 2,
        minutes_stopped: 20,
        description: Personal::new(format!("{CANARY}さんの受付中に起きた")),
        inquiry_id: None,
    };
    let handle = |id: Uuid, measures: &[&str]| {
        let mut report = step(IncidentStep::FirstReport, Some("phone"));
        report.title = Some("市民課 担当係長".into());
        report.words = Some(Personal::new(format!("{CANARY}さんの件を報告")));
        s.store.take_incident_step(id, report).unwrap();
        s.store
            .take_incident_step(id, step(IncidentStep::Cause, Some("equipment_fault")))
            .unwrap();
        for m in measures {
            s.store
                .take_incident_step(id, step(IncidentStep::Measure, Some(m)))
                .unwrap();
        }
    };

    // November: a printer stops and is closed in November.
    set(at("2026-11-10", 10, 5));
    s.sign_in("M001");
    let november = s
        .store
        .open_incident(incident(
            IncidentCategory::SystemOutage,
            IncidentKind::PrinterDown,
            "2026-11-10",
        ))
        .unwrap();
    handle(november.id, &["equipment_fixed"]);
    s.store.close_incident(november.id).unwrap();

    // December: the network stops (closed with its measures), then a wrong handover (reported
    // to the city, still open at the end of the month).
    set(at("2026-12-01", 10, 5));
    s.sign_in("M001");
    let outage = s
        .store
        .open_incident(incident(
            IncidentCategory::SystemOutage,
            IncidentKind::NetworkDown,
            "2026-12-01",
        ))
        .unwrap();
    handle(outage.id, &["system_fix", "city_consulted"]);
    s.store.close_incident(outage.id).unwrap();
    set(at("2026-12-14", 11, 0));
    s.sign_in("M001");
    let mut wrong = incident(
        IncidentCategory::PersonalData,
        IncidentKind::WrongHandover,
        "2026-12-14",
    );
    wrong.occurred_at = at("2026-12-14", 10, 40);
    wrong.detected_at = at("2026-12-14", 10, 50);
    wrong.persons_affected = 1;
    wrong.documents_affected = 1;
    let personal = s.store.open_incident(wrong).unwrap();
    handle(personal.id, &["double_check"]);
    let mut note = step(IncidentStep::Note, None);
    note.words = Some(Personal::new(format!("{CANARY}さんに連絡した")));
    s.store.take_incident_step(personal.id, note).unwrap();
    assert!(
        s.store
            .incident(personal.id)
            .unwrap()
            .description
            .unwrap()
            .expose()
            .contains(CANARY),
        "the words are in the store, so their absence below means something"
    );

    // Staff cannot produce the report.
    s.sign_in("S001");
    forbidden(s.store.monthly_report(d("2026-12-01")));

    // In January the manager produces December's report.
    set(at("2027-01-05", 9, 0));
    s.sign_in("M001");
    let report = s.store.monthly_report(d("2026-12-01")).unwrap();
    let numbers: Vec<&str> = report.incidents.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(
        numbers,
        vec![outage.number.as_str(), personal.number.as_str()],
        "December's two, oldest found first; November's closed one is not listed"
    );
    let (o, p) = (&report.incidents[0], &report.incidents[1]);
    assert_eq!(o.category, IncidentCategory::SystemOutage);
    assert_eq!(o.kind, IncidentKind::NetworkDown);
    assert_eq!(o.status, IncidentStatus::Closed);
    assert_eq!(o.occurred_at, at("2026-12-01", 9, 50));
    assert_eq!(o.detected_at, at("2026-12-01", 10, 0));
    assert_eq!(o.first_reported_at, Some(at("2026-12-01", 10, 5)));
    assert_eq!((o.persons_affected, o.documents_affected), (3, 2));
    assert_eq!(
        o.measures.iter().map(|m| m.code()).collect::<Vec<_>>(),
        vec!["system_fix", "city_consulted"]
    );
    assert_eq!(p.category, IncidentCategory::PersonalData);
    assert_eq!(p.kind, IncidentKind::WrongHandover);
    assert_eq!(
        p.status,
        IncidentStatus::Reported,
        "told the city, not closed"
    );
    assert_eq!(p.first_reported_at, Some(at("2026-12-14", 11, 0)));
    assert_eq!((p.persons_affected, p.documents_affected), (1, 1));
    assert_eq!(
        p.measures.iter().map(|m| m.code()).collect::<Vec<_>>(),
        vec!["double_check"]
    );
    assert_eq!(report.open_incidents, 1);
    let debug = format!("{report:?}");
    for canary in [CANARY, "カナリア", "受付中に起きた", "連絡した"] {
        assert!(!debug.contains(canary), "{canary} in the report: {debug}");
    }
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("カナリア"), "{json}");

    // November's report lists November's incident only, closed, none open at its end.
    let november_report = s.store.monthly_report(d("2026-11-01")).unwrap();
    assert_eq!(
        november_report
            .incidents
            .iter()
            .map(|i| (i.number.as_str(), i.status))
            .collect::<Vec<_>>(),
        vec![(november.number.as_str(), IncidentStatus::Closed)]
    );
    assert_eq!(november_report.open_incidents, 0);

    // January: the December incident still open is listed again, as of now.
    let january = s.store.monthly_report(d("2027-01-01")).unwrap();
    assert_eq!(
        january
            .incidents
            .iter()
            .map(|i| i.number.as_str())
            .collect::<Vec<_>>(),
        vec![personal.number.as_str()]
    );
    assert_eq!(january.open_incidents, 1);
}
