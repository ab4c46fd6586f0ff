//! Issue 18, acceptance line 1: canary text through every free-text field (booking note, revisit
//! reason, the checklist's revisit reason, cancel reason, form-count note, inquiry summary and
//! outcome, complaint steps, lending note, conflict resolution), then the daily and monthly
//! reports saved as the app saves them (PDF and CSV), the attendance record and the handover
//! export; then every byte under the data directories of two seats and their hub (and the
//! export folder) is searched for the canaries in UTF-8 and UTF-16LE, file names included, and
//! every PDF's text through `pdftotext` when it is installed. The store is SQLCipher: the
//! canaries are in it, but not readable there either.
use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use madoguchi_core::{
    checklist::{CheckOutcome, Mark, PresentedDocument, Stage},
    inquiry::{ComplaintStep, InquiryCategory, InquiryChannel, InquiryKind, NewInquiry},
    lending::NewLentMaterial,
    mutation::{ConflictMutation, Mutation},
    reservation::{ApplicantType, Channel, NewApplicant, Procedure},
    store::{
        sync::{protocol::Request, SeatRound, Step},
        ReportKind,
    },
    visit::VisitStep,
    Personal, Store,
};
use madoguchi_report::Format;
use madoguchi_tests::new_hub_store;

const DAY: &str = "2026-12-01";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// The canary of one field: a made-up name and phone number nobody else writes.
fn canary(field: usize) -> String {
    format!("金糸雀{field}号 籠目様 090-5555-{field:04} に連絡")
}

/// What must never be found in plaintext: each field's whole canary, its name parts and its
/// phone number (hyphenated and bare).
fn needles(fields: usize) -> Vec<String> {
    let mut out = vec!["金糸雀".to_string(), "籠目".to_string(), "鳥籠".to_string()];
    for f in 0..fields {
        out.push(canary(f));
        out.push(format!("090-5555-{f:04}"));
        out.push(format!("0905555{f:04}"));
    }
    out
}

fn applicant(i: usize) -> (NewApplicant, ApplicantType, Vec<Procedure>) {
    (
        NewApplicant {
            name_kanji: Personal::new(format!("鳥籠 花子{i}")),
            name_kana: Personal::new(format!("トリカゴ ハナコ{i}")),
            phone: Some(Personal::new(format!("090-5555-{:04}", 9000 + i))),
            birth_date: None,
        },
        ApplicantType::ApplicantSelf,
        vec![Procedure::CardIssue],
    )
}

/// A store whose clock the test holds.
fn with_clock(store: Store, clock: &Arc<Mutex<NaiveDateTime>>) -> Store {
    let clock = clock.clone();
    store.with_clock(Arc::new(move || *clock.lock().unwrap()))
}

/// One sync round of `seat` with the hub answering in-process, as the network client runs it.
fn sync(seat: &Store, hub: &Store) {
    let id = seat.meta().store_id;
    let mut round = SeatRound::default();
    let mut answer = None;
    loop {
        match seat.sync_step(&mut round, answer.take()).unwrap() {
            Step::Done(_) => return,
            Step::Send(request) => {
                let _push = matches!(request, Request::Push { .. });
                answer = Some(hub.hub_answer(id, request).unwrap());
            }
        }
    }
}

fn enrol(hub: &Store, seat: &Store, i: usize) {
    let code = hub.hub_enrolment_code().unwrap();
    hub.hub_enrol(
        &code,
        seat.meta().store_id,
        &seat.meta().seat_name.clone(),
        &format!("fp{i}"),
        seat.outbox_last_seq().unwrap(),
    )
    .unwrap();
    seat.set_sync_link("hub.test:7750", "hubfp", "ハブ")
        .unwrap();
}

/// Every file under `root`, recursively.
fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn pdftotext(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(path).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Every place a canary was found: file, encoding.
fn scan(roots: &[&Path], needles: &[String]) -> (Vec<String>, usize, bool) {
    let mut found = Vec::new();
    let (mut scanned, mut pdf_read) = (0, false);
    for root in roots {
        for path in files(root) {
            scanned += 1;
            let bytes = std::fs::read(&path).unwrap();
            let name = path.to_string_lossy();
            for n in needles {
                if name.contains(n.as_str()) {
                    found.push(format!("{name}: file name holds {n}"));
                }
                if find(&bytes, n.as_bytes()) {
                    found.push(format!("{name}: UTF-8 {n}"));
                }
                if find(&bytes, &utf16le(n)) {
                    found.push(format!("{name}: UTF-16LE {n}"));
                }
            }
            if path.extension().is_some_and(|e| e == "pdf") {
                if let Some(text) = pdftotext(&path) {
                    pdf_read = true;
                    // pdftotext may break lines inside a phrase: compare without white space.
                    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                    for n in needles {
                        let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
                        if flat.contains(&n) {
                            found.push(format!("{name}: pdftotext {n}"));
                        }
                    }
                }
            }
        }
    }
    (found, scanned, pdf_read)
}

#[test]
fn canaries_in_every_free_text_field_reach_no_file_in_plaintext() {
    let (hub_dir, a_dir, b_dir, export_dir) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let clock = Arc::new(Mutex::new(d(DAY).and_hms_opt(8, 30, 0).unwrap()));
    let at = |h: u32, m: u32| *clock.lock().unwrap() = d(DAY).and_hms_opt(h, m, 0).unwrap();
    let hub = with_clock(new_hub_store(hub_dir.path(), "ハブ"), &clock);
    // Seats acting as the site, with no roster (one roster pushed from two seats would itself
    // be a conflict).
    let a = with_clock(new_hub_store(a_dir.path(), "窓口1"), &clock);
    let b = with_clock(new_hub_store(b_dir.path(), "窓口2"), &clock);
    enrol(&hub, &a, 0);
    enrol(&hub, &b, 1);
    sync(&a, &hub);
    sync(&b, &hub);

    let mut field = 0;
    let mut next = || {
        field += 1;
        canary(field)
    };

    // Booking note.
    let revisit = a
        .book(
            d(DAY),
            t(10, 0),
            Channel::Phone,
            vec![applicant(1)],
            &next(),
        )
        .unwrap();
    let cancelled = a
        .book(d(DAY), t(10, 30), Channel::Phone, vec![applicant(2)], "")
        .unwrap();
    let moved = a
        .book(d(DAY), t(11, 0), Channel::Phone, vec![applicant(3)], "")
        .unwrap();
    at(9, 50);
    a.check_in(revisit.number).unwrap();
    a.check_in(cancelled.number).unwrap();
    at(10, 0);
    a.visit_step(revisit.number, 0, VisitStep::Call { seat_no: 1 })
        .unwrap();
    // The checklist's revisit reason, then the case's.
    a.record_checklist(
        revisit.number,
        0,
        Stage::Counter,
        madoguchi_core::checklist::CaseInput {
            marks: [("notice_postcard".to_string(), Mark::Presented)].into(),
            documents: [(
                "holder_id".to_string(),
                vec![PresentedDocument {
                    document: "driving_licence".into(),
                    expired: true,
                }],
            )]
            .into(),
            ..Default::default()
        },
    )
    .unwrap();
    a.record_check_outcome(
        revisit.number,
        0,
        CheckOutcome::Revisit {
            reason: next(),
            missing: vec!["holder_id".into()],
            code: Some("identity_documents".into()),
        },
    )
    .unwrap();
    at(10, 5);
    a.visit_step(
        revisit.number,
        0,
        VisitStep::Revisit {
            reason: next(),
            code: Some("identity_documents".into()),
        },
    )
    .unwrap();
    // A cancel reason.
    a.visit_step(
        cancelled.number,
        0,
        VisitStep::Cancel {
            reason: next(),
            code: Some("left".into()),
        },
    )
    .unwrap();
    // The form-count note.
    at(17, 0);
    a.set_form_count(d(DAY), 2, Some("spoiled"), &next())
        .unwrap();
    // An inquiry's summary and outcome; a complaint's steps.
    let inquiry = |kind, summary: String, outcome: String| NewInquiry {
        kind,
        channel: InquiryChannel::Phone,
        category: InquiryCategory::Service,
        minutes: 5,
        summary: Personal::new(summary),
        outcome,
        referred: false,
    };
    a.record_inquiry(inquiry(InquiryKind::Inquiry, next(), next()))
        .unwrap();
    let complaint = a
        .record_inquiry(inquiry(InquiryKind::Complaint, next(), next()))
        .unwrap();
    a.complaint_step(complaint.id, ComplaintStep::Respond, &next())
        .unwrap();
    a.complaint_step(complaint.id, ComplaintStep::EscalateManager, &next())
        .unwrap();
    a.complaint_step(complaint.id, ComplaintStep::Resolve, &next())
        .unwrap();
    // A lending note.
    a.lend(NewLentMaterial {
        item: "事務処理要領".into(),
        quantity: 1,
        lent_on: d(DAY),
        lent_by: "市民課".into(),
        kept_at: "キャビネットA".into(),
        note: next(),
    })
    .unwrap();

    // A conflict: seat B cancels a booking that seat A, offline, moves; A resolves it.
    sync(&a, &hub);
    sync(&b, &hub);
    b.cancel(moved.number).unwrap();
    a.reschedule(moved.number, d("2026-12-02"), t(11, 0))
        .unwrap();
    sync(&b, &hub);
    sync(&a, &hub);
    sync(&b, &hub);
    let conflicts = a.conflicts(false).unwrap();
    assert_eq!(conflicts.len(), 1, "the move of a cancelled booking");
    a.execute(Mutation::Conflict(ConflictMutation::ResolveConflict {
        id: conflicts[0].record.id,
        resolution: next(),
    }))
    .unwrap();
    sync(&a, &hub);
    sync(&b, &hub);
    let fields = field + 1;

    // The canaries are in the stores (they read back), and every seat has them.
    assert_eq!(
        b.case(revisit.number, 0).unwrap().end_reason,
        canary(3),
        "synced"
    );

    // Reports and exports as the app saves them, at every seat.
    at(17, 30);
    let mut saved = Vec::new();
    for store in [&a, &b] {
        for format in [Format::Pdf, Format::Csv] {
            saved.push(madoguchi_report::save(store, ReportKind::Daily, d(DAY), format).unwrap());
            saved.push(madoguchi_report::save(store, ReportKind::Monthly, d(DAY), format).unwrap());
        }
        saved.push(madoguchi_report::save_attendance(store, d(DAY), d(DAY)).unwrap());
    }
    let csv = std::fs::read_to_string(&saved[1 + 1]).unwrap();
    assert!(
        csv.contains("本人確認書類の不足") && csv.contains("来庁者が帰宅"),
        "the reasons' labels are on the report: {csv}"
    );
    let city = age::x25519::Identity::generate().to_public().to_string();
    let handover = a.handover_export(&city, export_dir.path());

    // Search every byte.
    let needles = needles(fields);
    let roots = [
        hub_dir.path(),
        a_dir.path(),
        b_dir.path(),
        export_dir.path(),
    ];
    let (found, scanned, pdf_read) = scan(&roots, &needles);
    assert!(
        found.is_empty(),
        "plaintext canaries found:\n{}",
        found.join("\n")
    );
    assert!(scanned >= 3 * 2 + 10, "only {scanned} files scanned");
    match handover {
        Ok(_) => assert!(
            !files(export_dir.path()).is_empty(),
            "the export was written"
        ),
        Err(e) => eprintln!("no handover export from a seat: {e}"),
    }
    // The search itself finds what it looks for: a planted canary in UTF-16LE, and the
    // canaries read back through the store (so they were written).
    let control = tempfile::tempdir().unwrap();
    std::fs::write(control.path().join("planted"), utf16le(&canary(1))).unwrap();
    assert!(!scan(&[control.path()], &needles).0.is_empty());
    assert_eq!(a.reservation(revisit.number).unwrap().notes, canary(1));
    if !pdf_read {
        eprintln!("pdftotext is not installed: PDFs were searched as bytes only");
    }
}
