//! The figures of a day or a month as labelled rows, shared by the PDF and the CSV so both
//! always say the same thing.
use madoguchi_core::store::{DayFigures, SiteSection, TimeStats};

use crate::labels::label;

/// "12.3 分 / 20 分 / 45 分" (mean, 90th percentile, longest), or "—" when nothing was measured.
pub(crate) fn times(t: &TimeStats) -> String {
    if t.count == 0 {
        "—".into()
    } else {
        format!("平均 {:.1} 分／90% {} 分／最長 {} 分", t.mean, t.p90, t.max)
    }
}

/// The forms counted by hand against the recorded handoffs.
pub(crate) fn forms(f: &DayFigures) -> (String, String) {
    match f.forms_counted {
        None => ("未入力".into(), "—".into()),
        Some(c) => {
            let diff = i64::from(c) - i64::from(f.forms_recorded);
            (
                format!("{c} 枚"),
                if diff == 0 {
                    "一致".into()
                } else {
                    format!("{diff:+} 枚")
                },
            )
        }
    }
}

/// The headline figures, label and value.
pub(crate) fn summary(f: &DayFigures) -> Vec<(String, String)> {
    let (counted, diff) = forms(f);
    let n = |v: u32, unit: &str| format!("{v} {unit}");
    vec![
        ("予約枠（席数×枠）".into(), n(f.places, "人分")),
        ("予約（電話・窓口）".into(), n(f.booked, "人")),
        ("当日来庁（予約なし）".into(), n(f.walk_ins, "人")),
        ("予約の来庁なし".into(), n(f.no_shows, "人")),
        ("予約の取消".into(), n(f.cancelled, "人")),
        ("来庁・受付".into(), n(f.visitors, "人")),
        ("交付完了".into(), n(f.completed, "件")),
        ("再来庁".into(), n(f.revisits, "件")),
        ("窓口での取消".into(), n(f.cases_cancelled, "件")),
        ("市職員への手交".into(), n(f.handed_over, "件")),
        ("受領確認待ち".into(), n(f.unacknowledged, "件")),
        ("申請書（手交の記録）".into(), n(f.forms_recorded, "枚")),
        ("申請書（計数）".into(), counted),
        ("申請書の差".into(), diff),
        ("問い合わせ（電話）".into(), n(f.inquiries_phone, "件")),
        ("問い合わせ（来庁者）".into(), n(f.inquiries_visitor, "件")),
        (
            "問い合わせ・クレーム対応時間".into(),
            n(f.inquiry_minutes, "分"),
        ),
        (
            "クレーム 受付／解決".into(),
            format!("{} 件／{} 件", f.complaints_received, f.complaints_resolved),
        ),
    ]
}

/// Waiting and service times, each a line of its own (they do not fit half a page).
pub(crate) fn time_lines(f: &DayFigures) -> Vec<(String, String)> {
    vec![
        ("待ち時間（受付→呼出）".into(), times(&f.waiting)),
        ("対応時間（呼出→手交）".into(), times(&f.service)),
    ]
}

/// Counts by code with their Japanese labels.
pub(crate) fn counted<C: Copy>(
    prefix: &str,
    rows: &[(C, u32)],
    code: impl Fn(C) -> &'static str,
) -> Vec<(String, String)> {
    rows.iter()
        .map(|(c, n)| (label(prefix, code(*c)), n.to_string()))
        .collect()
}

/// Staff on duty, e.g. "業務管理者 1・従事者 4・市職員 2".
pub(crate) fn staff(f: &DayFigures) -> String {
    if f.staff_on_duty.is_empty() {
        return "—".into();
    }
    f.staff_on_duty
        .iter()
        .map(|(role, n)| format!("{} {n}", label("role", role.code())))
        .collect::<Vec<_>>()
        .join("・")
}

/// The heading of one site's section (the city's format: each site, then the total).
pub(crate) fn site_heading(section: &SiteSection) -> String {
    format!("拠点：{}", section.name)
}

/// The heading of the total when the report has site sections.
pub(crate) const CITY_TOTAL: &str = "合計（全拠点）";
