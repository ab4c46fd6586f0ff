//! The incident report (事故報告書, docs/design/paperwork.md §7): one incident's codes as
//! Japanese labels, counts, times, the channel and the title it was reported to, its steps and
//! follow-ups with their dates, and its measures. Seed 000 §10(2), 1.3(1) 「発生原因、経過、
//! 被害の内容等」; seed 002 §13(6) 再発防止策・事後の措置状況.
//!
//! Never the words staff typed (the description, a step's words): they may name citizens, so
//! they stay in the encrypted store. This module does not read them: an [`Incident`] from
//! `Store::incidents` carries none, and [`pdf`] ignores them even when present.
use std::{collections::HashMap, sync::OnceLock};

use chrono::NaiveDateTime;
use madoguchi_core::{
    paperwork::incident::{Incident, IncidentStep},
    training_mode::StoreKind,
};

use crate::{
    layout::{Align, Col, Composer},
    Result,
};

/// The labels, from the UI's own locale file (one source for the screen and the paper).
const LOCALE: &str = include_str!("../../../ui/src/locales/ja/incidents.json");

/// The label of `prefix.code` (e.g. `incident.kind.wrong_handover`), or the code itself.
pub(crate) fn label(prefix: &str, code: &str) -> String {
    static TEXTS: OnceLock<HashMap<String, String>> = OnceLock::new();
    TEXTS
        .get_or_init(|| serde_json::from_str(LOCALE).unwrap_or_default())
        .get(&format!("{prefix}.{code}"))
        .cloned()
        .unwrap_or_else(|| code.to_owned())
}

fn at(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// A step's code as its label (the code's kind follows the step).
fn step_code(step: IncidentStep, code: &str) -> String {
    let prefix = match step {
        IncidentStep::ImmediateAction => "incident.action",
        IncidentStep::FirstReport => "incident.channel",
        IncidentStep::Cause => "incident.cause",
        IncidentStep::Measure => "incident.measure",
        _ => return String::new(),
    };
    label(prefix, code)
}

/// The incident report as PDF: `city` (the store's site name) and `site` (the site's name)
/// head it; `produced` is when it was made.
pub fn pdf(
    incident: &Incident,
    city: &str,
    site: &str,
    produced: NaiveDateTime,
    kind: StoreKind,
) -> Result<Vec<u8>> {
    let i = incident;
    let title = format!("事故報告書　{}", i.number);
    let mut c = Composer::new(&title, format!("{city}　事故報告書"), kind)?;
    let place = if site == city {
        city.to_owned()
    } else {
        format!("{city}　{site}")
    };
    c.title(&title, &place);
    c.heading("事故の概要");
    let or_dash = |s: Option<String>| s.unwrap_or_else(|| "—".into());
    c.facts(&[
        ("番号".into(), i.number.clone()),
        ("状況".into(), label("incident.status", i.status.code())),
        ("分類".into(), label("incident.category", i.category.code())),
        ("内容".into(), label("incident.kind", i.kind.code())),
        ("影響".into(), label("incident.impact", i.impact.code())),
        ("発生日時".into(), at(i.occurred_at)),
        ("発見日時".into(), at(i.detected_at)),
        ("第一報の期限".into(), at(i.report_due_at)),
        (
            "影響を受けた人数".into(),
            format!("{} 人", i.persons_affected),
        ),
        (
            "影響を受けた書類".into(),
            format!("{} 件", i.documents_affected),
        ),
        ("業務の停止".into(), format!("{} 分", i.minutes_stopped)),
        ("記録者（職員番号）".into(), i.opened_by.clone()),
    ]);
    c.heading("市への報告");
    c.facts(&[
        ("第一報".into(), or_dash(i.first_reported_at.map(at))),
        (
            "方法".into(),
            or_dash(
                i.report_channel
                    .map(|ch| label("incident.channel", ch.code())),
            ),
        ),
        (
            "報告先（役職）".into(),
            or_dash(i.reported_to_title.clone()),
        ),
        (
            "原因".into(),
            or_dash(i.cause.map(|x| label("incident.cause", x.code()))),
        ),
    ]);
    if i.category.code() == "personal_data" {
        c.heading("個人情報の事故：市が求める手順");
        let taken: Vec<IncidentStep> = i.steps.iter().map(|s| s.step).collect();
        for step in madoguchi_core::paperwork::incident::CITY_STEPS {
            let mark = if taken.contains(&step) { "済" } else { "未" };
            c.line(&format!(
                "［{mark}］{}",
                label("incident.cityStep", step.code())
            ));
        }
    }
    c.heading("対応の経過");
    let rows: Vec<Vec<String>> = i
        .steps
        .iter()
        .map(|s| {
            vec![
                at(s.at),
                label("incident.step", s.step.code()),
                s.code
                    .as_deref()
                    .map(|code| step_code(s.step, code))
                    .unwrap_or_default(),
                s.count.map(|n| n.to_string()).unwrap_or_default(),
                s.title.clone().unwrap_or_default(),
                s.staff.clone(),
            ]
        })
        .collect();
    if rows.is_empty() {
        c.line("記録はありません。");
    } else {
        c.table(
            &[
                Col("日時", 30.0, Align::Left),
                Col("対応", 36.0, Align::Left),
                Col("区分", 40.0, Align::Left),
                Col("数", 12.0, Align::Right),
                Col("報告先（役職）", 34.0, Align::Left),
                Col("職員", 18.0, Align::Left),
            ],
            &rows,
        );
    }
    let measures: Vec<String> = i
        .steps
        .iter()
        .filter(|s| s.step == IncidentStep::Measure)
        .filter_map(|s| s.code.as_deref().map(|c| label("incident.measure", c)))
        .collect();
    c.heading("再発防止策");
    c.line(&if measures.is_empty() {
        "未記録".to_owned()
    } else {
        measures.join("、")
    });
    c.heading("フォローアップ");
    if i.followups.is_empty() {
        c.line("なし");
    } else {
        let rows: Vec<Vec<String>> = i
            .followups
            .iter()
            .map(|f| {
                vec![
                    label("incident.followup", f.what.code()),
                    f.due_on.to_string(),
                    f.done_on
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "未完了".into()),
                    f.done_by.clone().unwrap_or_default(),
                ]
            })
            .collect();
        c.table(
            &[
                Col("内容", 70.0, Align::Left),
                Col("期限", 32.0, Align::Left),
                Col("完了日", 32.0, Align::Left),
                Col("職員", 30.0, Align::Left),
            ],
            &rows,
        );
    }
    if let Some(closed) = i.closed_at {
        c.line(&format!(
            "完了：{}（{}）",
            at(closed),
            i.closed_by.clone().unwrap_or_default()
        ));
    } else if !i.missing.is_empty() {
        let missing: Vec<String> = i
            .missing
            .iter()
            .map(|m| label("incident.missing", m.code()))
            .collect();
        c.line(&format!("完了に必要なもの：{}", missing.join("、")));
    }
    c.blank(3.0);
    c.paragraph("経過の記述は暗号化された記録にのみ保存され、この報告書には印刷されません。");
    Ok(c.finish(&format!(
        "作成 {}　市民の個人情報を含みません",
        produced.format("%Y-%m-%d %H:%M")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use madoguchi_core::paperwork::incident::{
        FollowupWhat, ImmediateAction, IncidentCategory, IncidentCause, IncidentImpact,
        IncidentKind, IncidentMeasure, IncidentMissing, IncidentStep, ReportChannel,
    };

    #[test]
    fn every_code_has_a_japanese_label() {
        let check = |prefix: &str, codes: &[&str]| {
            for code in codes {
                assert_ne!(label(prefix, code), *code, "{prefix}.{code} has no label");
            }
        };
        check(
            "incident.category",
            &IncidentCategory::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.kind",
            &IncidentKind::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.impact",
            &IncidentImpact::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.step",
            &IncidentStep::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.action",
            &ImmediateAction::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.channel",
            &ReportChannel::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.cause",
            &IncidentCause::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.measure",
            &IncidentMeasure::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.followup",
            &FollowupWhat::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
        check(
            "incident.missing",
            &IncidentMissing::ALL
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>(),
        );
    }
}
