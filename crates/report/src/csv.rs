//! The reports as CSV: UTF-8 with a BOM and CRLF line ends, so Excel on a counter PC opens them
//! as they are. Sections are separated by a blank line, each with its own header row.
use madoguchi_core::store::{DailyReport, DayFigures, MonthlyReport};

use madoguchi_core::reason::{CityReason, ReasonKind};

use crate::{
    figures::{counted, site_heading, staff, summary, time_lines},
    labels::{label, reason, reasons},
};

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

struct Csv(String);

impl Csv {
    fn new() -> Csv {
        Csv("\u{feff}".into())
    }
    fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let line: Vec<String> = cells.iter().map(|c| field(c.as_ref())).collect();
        self.0.push_str(&line.join(","));
        self.0.push_str("\r\n");
    }
    fn section(&mut self, title: &str, header: &[&str], rows: &[Vec<String>]) {
        self.0.push_str("\r\n");
        self.row(&[title]);
        self.row(header);
        for r in rows {
            self.row(r);
        }
    }
}

fn pairs(rows: Vec<(String, String)>) -> Vec<Vec<String>> {
    rows.into_iter().map(|(k, v)| vec![k, v]).collect()
}

fn breakdowns(csv: &mut Csv, f: &DayFigures, city: &[CityReason]) {
    csv.section(
        "手続き別",
        &["手続き", "件数"],
        &pairs(counted("procedure", &f.by_procedure, |p| p.code())),
    );
    csv.section(
        "受付方法別",
        &["受付方法", "人数"],
        &pairs(counted("channel", &f.by_channel, |c| c.code())),
    );
    csv.section(
        "再来庁の理由",
        &["理由", "件数"],
        &pairs(reasons(ReasonKind::Revisit, &f.revisit_reasons, city)),
    );
    csv.section(
        "窓口での取消の理由",
        &["理由", "件数"],
        &pairs(reasons(ReasonKind::Cancel, &f.cancel_reasons, city)),
    );
    csv.section(
        "問い合わせ・クレームの内容",
        &["内容", "件数"],
        &pairs(counted("inq.category", &f.by_category, |k| k.code())),
    );
    let hours: Vec<Vec<String>> = f
        .by_hour
        .iter()
        .map(|(h, n)| vec![format!("{h}時"), n.to_string()])
        .collect();
    csv.section("時間帯別の受付人数", &["時間帯", "人数"], &hours);
}

/// Each site's headline figures, a section each (nothing for a one-site city).
fn sites(csv: &mut Csv, sections: &[madoguchi_core::store::SiteSection]) {
    for section in sections {
        csv.section(
            &site_heading(section),
            &["項目", "値"],
            &pairs(summary(&section.figures)),
        );
    }
}

/// The daily report as CSV.
pub fn daily(report: &DailyReport) -> String {
    let f = &report.figures;
    let mut csv = Csv::new();
    let kind = if f.holiday_session {
        "休日交付 実施報告"
    } else {
        "日報"
    };
    csv.row(&[kind, &f.day.to_string(), &report.site]);
    let mut rows = pairs(summary(f));
    rows.extend(pairs(time_lines(f)));
    rows.push(vec!["業務従事者".into(), staff(f)]);
    rows.push(vec![
        "未解決のクレーム".into(),
        format!("{} 件", report.open_complaints),
    ]);
    rows.push(vec![
        "申請書の差の理由".into(),
        if f.forms_reason.is_empty() {
            String::new()
        } else {
            reason(
                ReasonKind::FormDifference,
                &f.forms_reason,
                &report.city_reasons,
            )
        },
    ]);
    rows.push(vec!["提出期限".into(), report.due.to_string()]);
    sites(&mut csv, &report.sections);
    csv.section("受付・処理の状況", &["項目", "値"], &rows);
    breakdowns(&mut csv, f, &report.city_reasons);
    csv.0
}

/// The monthly report as CSV: the per-day table first (one row a day, numbers only), then the
/// breakdowns of the month.
pub fn monthly(report: &MonthlyReport) -> String {
    let mut csv = Csv::new();
    csv.row(&[
        "月報",
        &report.month.format("%Y-%m").to_string(),
        &report.site,
    ]);
    let header = [
        "日付",
        "休日交付",
        "予約枠",
        "予約",
        "当日来庁",
        "来庁なし",
        "取消",
        "来庁",
        "交付完了",
        "再来庁",
        "手交",
        "申請書(記録)",
        "申請書(計数)",
        "問合せ(電話)",
        "問合せ(来庁)",
        "クレーム受付",
        "クレーム解決",
        "平均待ち(分)",
        "90%待ち(分)",
        "最長待ち(分)",
        "平均対応(分)",
    ];
    let row = |d: &DayFigures, day: String| -> Vec<String> {
        vec![
            day,
            if d.holiday_session {
                "1".into()
            } else {
                "0".into()
            },
            d.places.to_string(),
            d.booked.to_string(),
            d.walk_ins.to_string(),
            d.no_shows.to_string(),
            d.cancelled.to_string(),
            d.visitors.to_string(),
            d.completed.to_string(),
            d.revisits.to_string(),
            d.handed_over.to_string(),
            d.forms_recorded.to_string(),
            d.forms_counted.map(|c| c.to_string()).unwrap_or_default(),
            d.inquiries_phone.to_string(),
            d.inquiries_visitor.to_string(),
            d.complaints_received.to_string(),
            d.complaints_resolved.to_string(),
            format!("{:.1}", d.waiting.mean),
            d.waiting.p90.to_string(),
            d.waiting.max.to_string(),
            format!("{:.1}", d.service.mean),
        ]
    };
    let mut rows: Vec<Vec<String>> = report
        .days
        .iter()
        .map(|d| row(d, d.day.to_string()))
        .collect();
    rows.push(row(&report.totals, "合計".into()));
    csv.section("日別の状況", &header, &rows);
    if !report.sections.is_empty() {
        // The same columns, a row per site, then the city's total.
        let mut by_site: Vec<Vec<String>> = report
            .sections
            .iter()
            .map(|s| row(&s.figures, s.name.clone()))
            .collect();
        by_site.push(row(&report.totals, "合計".into()));
        let mut header = header;
        header[0] = "拠点";
        csv.section("拠点別の状況", &header, &by_site);
    }
    let cats: Vec<Vec<String>> = report
        .complaints_by_category
        .iter()
        .map(|(c, complaints, resolved, inquiries)| {
            vec![
                label("inq.category", c.code()),
                inquiries.to_string(),
                complaints.to_string(),
                resolved.to_string(),
            ]
        })
        .collect();
    if let Some(f) = &report.forecast {
        csv.section(
            "見込（有効期限切れ予定）",
            &["カード", "電子証明書", "出典"],
            &[vec![
                f.card.to_string(),
                f.certificate.to_string(),
                f.source.clone(),
            ]],
        );
    }
    csv.section(
        "内容別",
        &["内容", "問い合わせ", "クレーム", "うち解決"],
        &cats,
    );
    incidents(&mut csv, report);
    breakdowns(&mut csv, &report.totals, &report.city_reasons);
    csv.0
}

/// 事故・トラブル: a row an incident (codes' labels, counts, times; as it stood at the end of
/// the month), then the counts. Never the words typed about an incident.
fn incidents(csv: &mut Csv, report: &MonthlyReport) {
    use crate::incident::label;
    let at = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    let rows: Vec<Vec<String>> = report
        .incidents
        .iter()
        .map(|i| {
            vec![
                i.number.clone(),
                label("incident.category", i.category.code()),
                label("incident.kind", i.kind.code()),
                at(i.occurred_at),
                at(i.detected_at),
                label("incident.status", i.status.code()),
                i.first_reported_at.map(at).unwrap_or_default(),
                i.persons_affected.to_string(),
                i.documents_affected.to_string(),
                i.measures
                    .iter()
                    .map(|m| label("incident.measure", m.code()))
                    .collect::<Vec<_>>()
                    .join("、"),
            ]
        })
        .collect();
    csv.section(
        "事故・トラブル",
        &[
            "番号",
            "分類",
            "内容",
            "発生日時",
            "発見日時",
            "状況（月末時点）",
            "市への第一報",
            "人数",
            "書類",
            "再発防止策",
        ],
        &rows,
    );
    csv.section(
        "事故・トラブルの件数",
        &["項目", "件数"],
        &[
            vec![
                "この月に発見".into(),
                report
                    .incidents
                    .iter()
                    .filter(|i| i.detected_at.date() >= report.month)
                    .count()
                    .to_string(),
            ],
            vec![
                "前月以前から対応中".into(),
                report
                    .incidents
                    .iter()
                    .filter(|i| i.detected_at.date() < report.month)
                    .count()
                    .to_string(),
            ],
            vec!["月末時点で対応中".into(), report.open_incidents.to_string()],
        ],
    );
}
