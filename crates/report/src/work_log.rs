//! The daily work log (業務日誌, seed 002 §13(4); docs/design/paperwork.md §7): the day's
//! figures (the daily report's, for the site), the notes as label × count by category, the due
//! date (提出期限 = the daily report's, 翌営業日) and who closed it.
//!
//! Never the words staff typed beside a note: they may name citizens, so they stay in the
//! encrypted store. [`pdf`] prints notes through [`tally`], which carries no words.
use std::{collections::HashMap, sync::OnceLock};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use madoguchi_core::{
    paperwork::work_log::{tally, WorkLogCategory, WorkLogState},
    store::WorkLog,
    training_mode::StoreKind,
};

use crate::{
    figures::{staff, summary, time_lines},
    layout::{Align, Col, Composer},
    Result,
};

/// The labels, from the UI's own locale file (one source for the screen and the paper).
const LOCALE: &str = include_str!("../../../ui/src/locales/ja/worklog.json");

fn text(key: &str) -> Option<String> {
    static TEXTS: OnceLock<HashMap<String, String>> = OnceLock::new();
    TEXTS
        .get_or_init(|| serde_json::from_str(LOCALE).unwrap_or_default())
        .get(key)
        .cloned()
}

/// The label of a category.
pub(crate) fn category_label(c: WorkLogCategory) -> String {
    text(&format!("worklog.category.{}", c.code())).unwrap_or_else(|| c.code().to_owned())
}

/// The label of a note's code in its category (a city's own code prints as itself: codes are
/// `[a-z0-9_]`, never free text).
pub(crate) fn code_label(c: WorkLogCategory, code: &str) -> String {
    text(&format!("worklog.code.{}.{code}", c.code()))
        .or_else(|| text(&format!("worklog.code.{code}")))
        .unwrap_or_else(|| code.to_owned())
}

const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

fn date(d: NaiveDate) -> String {
    format!(
        "{}年{}月{}日（{}）",
        d.year(),
        d.month(),
        d.day(),
        WEEKDAYS[d.weekday().num_days_from_monday() as usize]
    )
}

/// The work log as PDF; `produced` is when it was made.
pub fn pdf(log: &WorkLog, produced: NaiveDateTime, kind: StoreKind) -> Result<Vec<u8>> {
    let f = &log.figures;
    let day = date(log.day);
    let place = if log.site_name == log.city {
        log.city.clone()
    } else {
        format!("{}　{}", log.city, log.site_name)
    };
    let mut c = Composer::new(
        &format!("業務日誌 {day}"),
        format!("{place}　業務日誌"),
        kind,
    )?;
    c.title(&format!("業務日誌　{day}"), &place);
    c.heading("本日の状況");
    if !log.counter_open {
        c.line("閉庁日");
    }
    c.facts(&summary(f));
    for (label, value) in time_lines(f) {
        c.line(&format!("{label}：{value}"));
    }
    c.line(&format!("業務従事者（サインインした職員）：{}", staff(f)));

    c.heading("記録事項");
    let rows: Vec<Vec<String>> = tally(&log.notes)
        .into_iter()
        .map(|(category, code, n)| {
            vec![
                category_label(category),
                code_label(category, &code),
                format!("{n}"),
            ]
        })
        .collect();
    if rows.is_empty() {
        c.line("記録なし");
    } else {
        c.table(
            &[
                Col("区分", 40.0, Align::Left),
                Col("事項", 90.0, Align::Left),
                Col("件数", 20.0, Align::Right),
            ],
            &rows,
        );
    }

    c.heading("締め・提出");
    let closed_by = match (&log.closed_by_name, &log.closed_by) {
        (Some(name), Some(code)) => format!("{name}（{code}）"),
        (None, Some(code)) => code.clone(),
        _ => "—".into(),
    };
    c.facts(&[
        (
            "状態".into(),
            match log.state {
                WorkLogState::Open => "未締め".into(),
                WorkLogState::Closed => "締め済み".into(),
            },
        ),
        ("締めた人".into(), closed_by),
        (
            "締めた日時".into(),
            log.closed_at
                .map_or("—".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
        ),
        ("提出期限".into(), date(log.due)),
        (
            "提出日".into(),
            log.submitted_on.map_or("未提出".into(), date),
        ),
    ]);
    Ok(c.finish(&format!(
        "作成 {}　提出期限 {}　コードと件数のみ（市民の個人情報を含みません）",
        produced.format("%Y-%m-%d %H:%M"),
        date(log.due)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_code_has_a_label() {
        for c in WorkLogCategory::ALL {
            assert_ne!(category_label(*c), c.code(), "{c:?}");
            for code in c.codes() {
                assert_ne!(code_label(*c, code), *code, "{c:?} {code}");
            }
        }
        assert_eq!(
            code_label(WorkLogCategory::Supplies, "city_envelopes"),
            "city_envelopes"
        );
    }
}
