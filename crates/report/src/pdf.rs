//! The reports as PDF.
use chrono::Datelike;
use madoguchi_core::{
    reason::{CityReason, ReasonKind},
    reservation::Procedure,
    store::{DailyReport, DayFigures, MonthlyIncident, MonthlyReport},
};

use crate::{
    figures::{counted, site_heading, staff, summary, time_lines, CITY_TOTAL},
    labels::{label, reason, reasons},
    layout::{Align, Col, Composer},
    Result,
};

const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

fn day_label(d: chrono::NaiveDate) -> String {
    format!(
        "{}月{}日（{}）",
        d.month(),
        d.day(),
        WEEKDAYS[d.weekday().num_days_from_monday() as usize]
    )
}

fn footer(produced: chrono::NaiveDateTime, due: chrono::NaiveDate) -> String {
    format!(
        "作成 {}　提出期限 {}年{}　集計値のみ（個人情報を含みません）",
        produced.format("%Y-%m-%d %H:%M"),
        due.year(),
        day_label(due)
    )
}

/// The tables and charts both reports share: procedures, channels, revisit reasons, inquiries
/// by category, check-ins by hour.
fn breakdowns(c: &mut Composer, f: &DayFigures, city: &[CityReason]) {
    c.heading("手続き別（来庁者）");
    c.facts(&counted("procedure", &f.by_procedure, |p| p.code()));
    c.heading("受付方法別（予約・当日来庁の人数）");
    c.facts(&counted("channel", &f.by_channel, |ch| ch.code()));
    if !f.revisit_reasons.is_empty() {
        c.heading("再来庁の理由");
        c.facts(&reasons(ReasonKind::Revisit, &f.revisit_reasons, city));
    }
    if !f.cancel_reasons.is_empty() {
        c.heading("窓口での取消の理由");
        c.facts(&reasons(ReasonKind::Cancel, &f.cancel_reasons, city));
    }
    if !f.by_category.is_empty() {
        c.heading("問い合わせ・クレームの内容");
        c.facts(&counted("inq.category", &f.by_category, |k| k.code()));
    }
    let hours: Vec<(String, f64)> = (8..=17)
        .map(|h| {
            let n = f
                .by_hour
                .iter()
                .find(|(x, _)| *x == h)
                .map_or(0, |(_, n)| *n);
            (format!("{h}時"), f64::from(n))
        })
        .collect();
    c.bar_chart("時間帯別の受付人数", &hours, "人");
}

/// The daily report (a holiday session's report when the day was one).
pub fn daily(report: &DailyReport) -> Result<Vec<u8>> {
    let f = &report.figures;
    let kind = if f.holiday_session {
        "休日交付 実施報告"
    } else {
        "日報"
    };
    let date = format!("{}年{}", f.day.year(), day_label(f.day));
    let mut c = Composer::new(
        &format!("{kind} {date}"),
        format!("{}　{kind}", report.site),
        report.store_kind,
    )?;
    c.title(&format!("{kind}　{date}"), &report.site);
    for section in &report.sections {
        c.heading(&site_heading(section));
        c.facts(&summary(&section.figures));
    }
    c.heading(if report.sections.is_empty() {
        "受付・処理の状況"
    } else {
        CITY_TOTAL
    });
    c.facts(&summary(f));
    for (label, value) in time_lines(f) {
        c.line(&format!("{label}：{value}"));
    }
    c.line(&format!("業務従事者（サインインした職員）：{}", staff(f)));
    c.line(&format!(
        "未解決のクレーム（本日終了時点）：{} 件",
        report.open_complaints
    ));
    if !f.forms_reason.is_empty() {
        c.line(&format!(
            "申請書の差の理由：{}",
            reason(
                ReasonKind::FormDifference,
                &f.forms_reason,
                &report.city_reasons
            )
        ));
    }
    breakdowns(&mut c, f, &report.city_reasons);
    Ok(c.finish(&footer(report.produced_at, report.due)))
}

/// The monthly report.
pub fn monthly(report: &MonthlyReport) -> Result<Vec<u8>> {
    let t = &report.totals;
    let month = format!("{}年{}月", report.month.year(), report.month.month());
    let mut c = Composer::new(
        &format!("月報 {month}"),
        format!("{}　月報 {month}", report.site),
        report.store_kind,
    )?;
    c.title(&format!("月報　{month}"), &report.site);
    for section in &report.sections {
        c.heading(&format!("{}（月間）", site_heading(section)));
        c.facts(&summary(&section.figures));
    }
    c.heading(if report.sections.is_empty() {
        "月間の合計"
    } else {
        CITY_TOTAL
    });
    c.facts(&summary(t));
    let sessions = report.days.iter().filter(|d| d.holiday_session).count();
    c.line(&format!(
        "開庁日 {} 日（うち休日交付 {} 日）　未解決のクレーム（月末時点）：{} 件",
        report.days.len(),
        sessions,
        report.open_complaints
    ));
    let used = t.booked + t.walk_ins - t.no_shows.min(t.booked + t.walk_ins);
    if t.places > 0 {
        c.line(&format!(
            "予約枠に対する利用：{} 人／{} 人分（{:.1}%）",
            used,
            t.places,
            f64::from(used) * 100.0 / f64::from(t.places)
        ));
    }

    if let Some(f) = &report.forecast {
        let count = |ps: &[Procedure]| -> u32 {
            t.by_procedure
                .iter()
                .filter(|(p, _)| ps.contains(p))
                .map(|(_, n)| n)
                .sum()
        };
        c.line(&format!(
            "見込（有効期限切れ予定）：カード {} 件・電子証明書 {} 件（{}）",
            f.card, f.certificate, f.source
        ));
        c.line(&format!(
            "実績（来庁者の手続き）：カード交付・再交付 {} 件・電子証明書の発行・更新 {} 件",
            count(&[Procedure::CardIssue, Procedure::CardReissue]),
            count(&[Procedure::CertificateIssue, Procedure::CertificateRenewal])
        ));
    }

    c.heading("日別の状況");
    let cols = [
        Col("日付", 30.0, Align::Left),
        Col("枠", 14.0, Align::Right),
        Col("予約", 14.0, Align::Right),
        Col("当日", 14.0, Align::Right),
        Col("来庁", 14.0, Align::Right),
        Col("完了", 14.0, Align::Right),
        Col("再来庁", 16.0, Align::Right),
        Col("来なし", 16.0, Align::Right),
        Col("平均待ち", 18.0, Align::Right),
        Col("問合せ", 14.0, Align::Right),
        Col("苦情", 14.0, Align::Right),
    ];
    let row = |d: &DayFigures, label: String| {
        vec![
            label,
            d.places.to_string(),
            d.booked.to_string(),
            d.walk_ins.to_string(),
            d.visitors.to_string(),
            d.completed.to_string(),
            d.revisits.to_string(),
            d.no_shows.to_string(),
            if d.waiting.count == 0 {
                "—".into()
            } else {
                format!("{:.1}", d.waiting.mean)
            },
            (d.inquiries_phone + d.inquiries_visitor).to_string(),
            d.complaints_received.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = report
        .days
        .iter()
        .map(|d| {
            row(
                d,
                format!(
                    "{}{}",
                    day_label(d.day),
                    if d.holiday_session { "★" } else { "" }
                ),
            )
        })
        .collect();
    rows.push(row(t, "合計".into()));
    c.table(&cols, &rows);
    c.line("★ 休日交付　平均待ち：受付から呼出までの分");

    let by_day: Vec<(String, f64)> = report
        .days
        .iter()
        .map(|d| (d.day.day().to_string(), f64::from(d.visitors)))
        .collect();
    c.bar_chart("日別の来庁者数", &by_day, "人");

    c.heading("クレーム・問い合わせの内容別");
    let rows: Vec<Vec<String>> = report
        .complaints_by_category
        .iter()
        .map(|(cat, complaints, resolved, inquiries)| {
            vec![
                label("inq.category", cat.code()),
                inquiries.to_string(),
                complaints.to_string(),
                resolved.to_string(),
            ]
        })
        .collect();
    c.table(
        &[
            Col("内容", 80.0, Align::Left),
            Col("問い合わせ", 26.0, Align::Right),
            Col("クレーム", 26.0, Align::Right),
            Col("うち解決", 26.0, Align::Right),
        ],
        &rows,
    );
    for (label, value) in time_lines(t) {
        c.line(&format!("{label}：{value}"));
    }
    incidents(&mut c, report);
    breakdowns(&mut c, t, &report.city_reasons);
    Ok(c.finish(&footer(report.produced_at, report.due)))
}

/// A time on the monthly report: month and day (with the year when it is not the report's).
fn incident_at(t: chrono::NaiveDateTime, year: i32) -> String {
    if t.year() == year {
        t.format("%m/%d %H:%M").to_string()
    } else {
        t.format("%Y/%m/%d").to_string()
    }
}

/// The measures' labels, a few to a line (the table does not wrap).
fn measure_lines(i: &MonthlyIncident) -> Vec<String> {
    const CHARS: usize = 28;
    let mut lines: Vec<String> = Vec::new();
    for m in &i.measures {
        let l = crate::incident::label("incident.measure", m.code());
        match lines.last_mut() {
            Some(last) if last.chars().count() + 1 + l.chars().count() <= CHARS => {
                last.push('、');
                last.push_str(&l);
            }
            _ => lines.push(l),
        }
    }
    if lines.is_empty() {
        lines.push("未記録".into());
    }
    lines
}

/// 事故・トラブル (seed 000 §10(2), 1.3(1); seed 002 §7, §13(6)): every incident found in the
/// month or open at its end, by its codes' labels, counts and times, as it stood at the end of
/// the month. The words typed about an incident are not in the report.
fn incidents(c: &mut Composer, report: &MonthlyReport) {
    use crate::incident::label;
    let year = report.month.year();
    c.heading("事故・トラブル");
    let found = report
        .incidents
        .iter()
        .filter(|i| i.detected_at.date() >= report.month)
        .count();
    c.line(&format!(
        "この月に発見：{found} 件　前月以前から対応中：{} 件　月末時点で対応中：{} 件",
        report.incidents.len() - found,
        report.open_incidents
    ));
    if report.incidents.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = report
        .incidents
        .iter()
        .map(|i| {
            vec![
                i.number.clone(),
                label("incident.category", i.category.code()),
                label("incident.kind", i.kind.code()),
                incident_at(i.occurred_at, year),
                incident_at(i.detected_at, year),
                i.persons_affected.to_string(),
                i.documents_affected.to_string(),
            ]
        })
        .collect();
    c.table(
        &[
            Col("番号", 28.0, Align::Left),
            Col("分類", 43.0, Align::Left),
            Col("内容", 34.0, Align::Left),
            Col("発生", 23.0, Align::Left),
            Col("発見", 23.0, Align::Left),
            Col("人数", 11.0, Align::Right),
            Col("書類", 11.0, Align::Right),
        ],
        &rows,
    );
    let mut rows: Vec<Vec<String>> = Vec::new();
    for i in &report.incidents {
        for (n, measures) in measure_lines(i).into_iter().enumerate() {
            rows.push(if n == 0 {
                vec![
                    i.number.clone(),
                    label("incident.status", i.status.code()),
                    i.first_reported_at
                        .map_or_else(|| "—".into(), |t| incident_at(t, year)),
                    measures,
                ]
            } else {
                vec![String::new(), String::new(), String::new(), measures]
            });
        }
    }
    c.table(
        &[
            Col("番号", 28.0, Align::Left),
            Col("状況（月末時点）", 36.0, Align::Left),
            Col("市への第一報", 23.0, Align::Left),
            Col("再発防止策", 86.0, Align::Left),
        ],
        &rows,
    );
    c.line("経過の記述は暗号化された記録にのみ保存され、この報告には印刷されません。");
}
