//! The reports as files, checked with tools nobody here wrote: `pdftotext` must read back every
//! figure of a fixture day and month, `qpdf --check` must pass, the one-page daily report must be
//! well under 300 KB (the font subset, not embedded whole), and one page of each is rendered with
//! `pdftoppm` into test-output/reports/ for people to look at. The CSVs open in Excel (BOM) and
//! carry the same figures. A holiday session's report says so.
use std::{path::Path, process::Command, sync::Arc};

use chrono::NaiveDate;
use madoguchi_core::{
    calendar::{Closure, ClosureReason},
    demo,
    store::{DayFigures, InquiryCategory, InquiryChannel, InquiryKind, NewInquiry, ReportKind},
    Personal, Store,
};
use madoguchi_report::{csv, pdf};
use madoguchi_tests::{new_store, output_dir};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// December 2026 run through the counter: bookings on every open day, a busy day's workflow
/// (4 seats), a few inquiries and a complaint; plus a holiday session on Saturday 12/12.
/// The clock reads 2027-01-05 09:00 (after the month, before its report is due).
fn december(root: &Path) -> Store {
    let store =
        new_store(root).with_clock(Arc::new(|| d("2027-01-05").and_hms_opt(9, 0, 0).unwrap()));
    store
        .set_holiday_session(d("2026-12-12"), Some("休日交付（12月）"))
        .unwrap();
    store
        .set_closure(
            d("2026-12-24"),
            Some(Closure::all_day(ClosureReason::SystemOutage, "J-LIS 障害")),
        )
        .unwrap();
    demo::seed_reservations(&store, d("2026-12-01"), 31, 0.7, 5).unwrap();
    for (i, day) in d("2026-12-01").iter_days().take(31).enumerate() {
        demo::run_day(&store, day, 4, "C001", i as u64).unwrap();
    }
    for (kind, channel, category) in [
        (
            InquiryKind::Inquiry,
            InquiryChannel::Phone,
            InquiryCategory::Reservation,
        ),
        (
            InquiryKind::Inquiry,
            InquiryChannel::Visitor,
            InquiryCategory::OutsideCardWork,
        ),
        (
            InquiryKind::Complaint,
            InquiryChannel::Visitor,
            InquiryCategory::Service,
        ),
    ] {
        store
            .record_inquiry(NewInquiry {
                kind,
                channel,
                category,
                minutes: 7,
                summary: Personal::new("カナリア 太郎 090-0000-9999"),
                outcome: String::new(),
                referred: false,
            })
            .unwrap();
    }
    store
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e} (install poppler-utils and qpdf)"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF's text as pdftotext reads it (layout kept, so a label and its value share a line).
fn text_of(pdf: &Path) -> String {
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// `pdftotext` prints the line holding `label` with `value` on it (spaces aside: it guesses
/// them from the glyph positions).
fn assert_line(text: &str, label: &str, value: &str) {
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let (label, value) = (squeeze(label), squeeze(value));
    assert!(
        text.lines()
            .map(squeeze)
            .any(|l| l.contains(&label) && l.contains(&value)),
        "{label} … {value} not found in:\n{text}"
    );
}

fn check_summary(text: &str, f: &DayFigures) {
    assert_line(text, "予約枠（席数×枠）", &format!("{} 人分", f.places));
    assert_line(text, "予約の取消", &format!("{} 人", f.cancelled));
    assert_line(text, "窓口での取消", &format!("{} 件", f.cases_cancelled));
    assert_line(text, "受領確認待ち", &format!("{} 件", f.unacknowledged));
    assert_line(
        text,
        "問い合わせ（電話）",
        &format!("{} 件", f.inquiries_phone),
    );
    assert_line(
        text,
        "問い合わせ（来庁者）",
        &format!("{} 件", f.inquiries_visitor),
    );
    assert_line(
        text,
        "クレーム 受付／解決",
        &format!("{} 件／{} 件", f.complaints_received, f.complaints_resolved),
    );
    if let Some(counted) = f.forms_counted {
        assert_line(text, "申請書（計数）", &format!("{counted} 枚"));
    }
    // The breakdowns by procedure and channel, with the UI's labels.
    let labels: std::collections::HashMap<String, String> =
        serde_json::from_str(include_str!("../../ui/src/locales/ja/reservations.json")).unwrap();
    for (p, n) in &f.by_procedure {
        assert_line(
            text,
            &labels[&format!("procedure.{}", p.code())],
            &n.to_string(),
        );
    }
    for (c, n) in &f.by_channel {
        assert_line(
            text,
            &labels[&format!("channel.{}", c.code())],
            &n.to_string(),
        );
    }
    assert_line(text, "予約（電話・窓口）", &format!("{} 人", f.booked));
    assert_line(text, "当日来庁（予約なし）", &format!("{} 人", f.walk_ins));
    assert_line(text, "予約の来庁なし", &format!("{} 人", f.no_shows));
    assert_line(text, "来庁・受付", &format!("{} 人", f.visitors));
    assert_line(text, "交付完了", &format!("{} 件", f.completed));
    assert_line(text, "再来庁", &format!("{} 件", f.revisits));
    assert_line(text, "市職員への手交", &format!("{} 件", f.handed_over));
    assert_line(
        text,
        "申請書（手交の記録）",
        &format!("{} 枚", f.forms_recorded),
    );
    assert_line(
        text,
        "待ち時間（受付→呼出）",
        &format!("平均 {:.1} 分", f.waiting.mean),
    );
    assert_line(
        text,
        "待ち時間（受付→呼出）",
        &format!("最長 {} 分", f.waiting.max),
    );
    assert_line(
        text,
        "対応時間（呼出→手交）",
        &format!("90% {} 分", f.service.p90),
    );
}

fn qpdf_check(pdf: &Path) {
    let out = Command::new("qpdf")
        .args(["--check", pdf.to_str().unwrap()])
        .output()
        .expect("qpdf");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "qpdf --check failed: {report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
}

fn render_first_page(pdf: &Path, name: &str) {
    let png = output_dir("reports").join(name);
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    assert!(png.with_extension("png").exists());
}

#[test]
fn the_daily_report_reads_back_every_figure_and_stays_small() {
    let data = tempfile::tempdir().unwrap();
    let store = december(data.path());
    let report = store.daily_report(d("2026-12-01")).unwrap();
    let f = &report.figures;
    assert!(
        f.visitors > 50 && f.completed > 0 && f.revisits > 0,
        "a busy fixture day: {f:?}"
    );

    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("daily.pdf");
    let bytes = pdf::daily(&report).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    qpdf_check(&path);
    assert!(
        bytes.len() < 300 * 1024,
        "the daily report is {} bytes: the font must be subset",
        bytes.len()
    );
    let text = text_of(&path);
    assert!(
        text.contains("日報") && text.contains("2026年12月1日（火）"),
        "{text}"
    );
    assert!(text.contains("テスト市 特設窓口"));
    check_summary(&text, f);
    assert_line(&text, "提出期限", "12月2日（水）");
    // Reasons are codes; the report prints their labels (the UI's own texts).
    let labels: std::collections::HashMap<String, String> =
        serde_json::from_str(include_str!("../../ui/src/locales/ja/reasons.json")).unwrap();
    for (code, n) in &f.revisit_reasons {
        assert_line(
            &text,
            &labels[&format!("reason.revisit.{code}")],
            &n.to_string(),
        );
    }
    // The demo's words behind the codes stay in the store.
    assert!(!text.contains("交付通知書を忘れた") && !text.contains("委任状に不備"));
    assert!(run("pdfinfo", &[path.to_str().unwrap()]).contains("Pages:"));
    render_first_page(&path, "daily");

    // Nothing personal: the canary summary of the inquiries never reaches a report.
    assert!(!text.contains("カナリア") && !text.contains("090-0000-9999"));

    let csv = csv::daily(&report);
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(&format!("来庁・受付,{} 人", f.visitors)),
        "{csv}"
    );
    assert!(csv.contains("\r\n"));
    assert!(!csv.contains("カナリア"));
}

#[test]
fn a_holiday_session_gets_its_own_report() {
    let data = tempfile::tempdir().unwrap();
    let store = december(data.path());
    let report = store.daily_report(d("2026-12-12")).unwrap();
    assert!(report.figures.holiday_session);
    assert_eq!(
        report.due,
        d("2026-12-14"),
        "Saturday's session is due on Monday"
    );
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("session.pdf");
    std::fs::write(&path, pdf::daily(&report).unwrap()).unwrap();
    qpdf_check(&path);
    let text = text_of(&path);
    assert!(
        text.contains("休日交付 実施報告") && text.contains("12月12日（土）"),
        "{text}"
    );
    check_summary(&text, &report.figures);
    let due = store.reports_due(d("2026-12-01")).unwrap();
    assert!(due
        .iter()
        .any(|r| r.period == "2026-12-12" && r.holiday_session));
    assert!(
        !due.iter().any(|r| r.period == "2026-12-24"),
        "a day closed by an outage has no report"
    );
}

#[test]
fn the_monthly_report_has_every_day_breaks_across_pages_and_matches_its_csv() {
    let data = tempfile::tempdir().unwrap();
    let store = december(data.path());
    let report = store.monthly_report(d("2026-12-01")).unwrap();
    assert_eq!(
        report.days.len(),
        20,
        "19 weekdays open (12/24 closed) + the holiday session"
    );
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("monthly.pdf");
    std::fs::write(&path, pdf::monthly(&report).unwrap()).unwrap();
    qpdf_check(&path);
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    let pages: u32 = info.lines().find(|l| l.starts_with("Pages:")).unwrap()[6..]
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 2, "{info}");
    let text = text_of(&path);
    assert!(text.contains("月報") && text.contains("2026年12月"));
    let squeezed: String = text.split_whitespace().collect();
    for page in 1..=pages {
        assert!(
            squeezed.contains(&format!("{page}/{pages}")),
            "page number {page}/{pages}"
        );
    }
    check_summary(&text, &report.totals);
    for day in &report.days {
        let label = format!("12月{}日", chrono::Datelike::day(&day.day));
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&label))
            .unwrap_or_else(|| panic!("{label} row"));
        let numbers: Vec<&str> = line.split_whitespace().skip(1).collect();
        assert_eq!(numbers[0], day.places.to_string(), "{line}");
        assert_eq!(numbers[3], day.visitors.to_string(), "{line}");
        assert_eq!(numbers[4], day.completed.to_string(), "{line}");
    }
    assert!(
        text.contains("12月12日（土）★"),
        "the holiday session is marked"
    );
    assert_line(&text, "合計", &report.totals.visitors.to_string());
    render_first_page(&path, "monthly");

    let csv = csv::monthly(&report);
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("2026-12-")).collect();
    assert_eq!(rows.len(), report.days.len());
    let sum: u32 = rows
        .iter()
        .map(|r| r.split(',').nth(7).unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(
        sum, report.totals.visitors,
        "the CSV's visitors add up to the total"
    );
    assert!(!csv.contains("カナリア"));

    // What was produced is on record; the month is not overdue before the 7th business day.
    let due = store.reports_due(d("2026-12-01")).unwrap();
    let month = due.iter().find(|r| r.kind == ReportKind::Monthly).unwrap();
    assert_eq!(month.due, d("2027-01-13"));
    assert!(month.produced_at.is_some() && !month.overdue);
}

/// A city with two sites (seed 002 §2: 本庁舎 and アクタ西宮ステーション): each site is a section
/// of the daily and monthly report, then the city's total; the sections add up to the total,
/// in the PDF (as pdftotext reads it) and in the CSV.
#[test]
fn a_city_with_two_sites_reports_each_site_then_the_total() {
    use madoguchi_core::{
        mutation::{Mutation, ReservationMutation},
        reservation::{ApplicantType, Book, Channel, Procedure},
        reservation_number::ReservationNumber,
        site::{SiteId, SiteKind},
        store::NewApplicant,
    };
    let data = tempfile::tempdir().unwrap();
    let store = new_store(data.path())
        .with_clock(Arc::new(|| d("2026-12-02").and_hms_opt(9, 0, 0).unwrap()));
    let ekimae: SiteId = "ekimae".parse().unwrap();
    store
        .add_site(ekimae.clone(), "アクタ西宮ステーション", SiteKind::Counter)
        .unwrap();
    demo::seed_reservations(&store, d("2026-12-01"), 1, 0.5, 9).unwrap();
    // The station's bookings of the day, as the call center makes them.
    let mut rng = rand::thread_rng();
    for i in 0..6u32 {
        let mut book = Book::new(
            ReservationNumber::random(&mut rng),
            d("2026-12-01"),
            chrono::NaiveTime::from_hms_opt(10 + i, 0, 0).unwrap(),
            Channel::Phone,
            vec![(
                NewApplicant {
                    name_kanji: Personal::new(format!("駅前 花子{i}")),
                    name_kana: Personal::new(format!("エキマエ ハナコ{i}")),
                    phone: None,
                    birth_date: None,
                },
                ApplicantType::ApplicantSelf,
                vec![Procedure::CardIssue],
            )],
            "",
        );
        book.site = ekimae.clone();
        store
            .execute(Mutation::Reservation(ReservationMutation::Book(book)))
            .unwrap();
    }
    demo::run_day(&store, d("2026-12-01"), 2, "C001", 3).unwrap();
    let report = store.daily_report(d("2026-12-01")).unwrap();
    assert_eq!(report.sections.len(), 2);
    let (main, station) = (&report.sections[0].figures, &report.sections[1].figures);
    assert_eq!(station.booked, 6);
    assert_eq!(main.booked + station.booked, report.figures.booked);
    assert_eq!(main.visitors + station.visitors, report.figures.visitors);
    assert_eq!(main.places + station.places, report.figures.places);

    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("daily-sites.pdf");
    std::fs::write(&path, pdf::daily(&report).unwrap()).unwrap();
    qpdf_check(&path);
    let text = text_of(&path);
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s} not in:\n{text}"))
    };
    // Each site, then the total, in that order.
    assert!(at("拠点：テスト市 特設窓口") < at("拠点：アクタ西宮ステーション"));
    assert!(at("拠点：アクタ西宮ステーション") < at("合計（全拠点）"));
    assert_line(
        &text,
        "予約（電話・窓口）",
        &format!("{} 人", station.booked),
    );
    assert_line(
        &text,
        "予約（電話・窓口）",
        &format!("{} 人", report.figures.booked),
    );
    assert!(!text.contains("エキマエ") && !text.contains("駅前 花子"));
    let csv = csv::daily(&report);
    assert!(csv.contains("拠点：アクタ西宮ステーション"), "{csv}");

    let month = store.monthly_report(d("2026-12-01")).unwrap();
    let csv = csv::monthly(&month);
    assert!(csv.contains("拠点別の状況"), "{csv}");
    let station_month = &month.sections[1].figures;
    assert_eq!(station_month.booked, 6);
    assert!(
        csv.contains(&format!(
            "アクタ西宮ステーション,0,{},6,",
            station_month.places
        )),
        "{csv}"
    );
    let path = out.path().join("monthly-sites.pdf");
    std::fs::write(&path, pdf::monthly(&month).unwrap()).unwrap();
    let text = text_of(&path);
    assert!(
        text.contains("拠点：アクタ西宮ステーション（月間）"),
        "{text}"
    );
}
