//! The training report (研修実施報告, docs/design/paperwork.md §7): the sessions of a period
//! (date, topic, title, trainer, minutes, material, 本市の承諾), their attendees with 合格・不合格・
//! 再受講 and the absentees, and the members without a valid security training. Seed 002 §16(5)
//! 「セキュリティ研修について…その結果を本市に報告」; seed 000 §8(3). Staff names, course titles
//! and results only: nothing about citizens.
use chrono::NaiveDate;
use madoguchi_core::{
    paperwork::training::{MemberTraining, TrainingFlag, TrainingSession},
    training_mode::StoreKind,
};

use crate::{
    layout::{Align, Col, Composer},
    roster::{day, label, Csv, FOOTER},
    Result,
};

fn topic(s: &TrainingSession) -> String {
    label("training.topic", s.session.topic.code())
}

fn result(a: &madoguchi_core::paperwork::training::TrainingAttendance) -> String {
    match (a.attended, a.result) {
        (false, _) => label("training", "absentees"),
        (true, Some(r)) => label("training.result", r.code()),
        (true, None) => label("training", "attended"),
    }
}

/// Members without a valid security training (missing or expired).
fn untrained(status: &[MemberTraining]) -> Vec<&MemberTraining> {
    status.iter().filter(|m| m.security_lacking()).collect()
}

fn flags(m: &MemberTraining) -> String {
    m.flags
        .iter()
        .filter(|f| {
            matches!(
                f,
                TrainingFlag::SecurityMissing | TrainingFlag::SecurityExpired
            )
        })
        .map(|f| label("training.flag", f.code()))
        .collect::<Vec<_>>()
        .join("・")
}

/// The report as PDF.
pub fn pdf(
    sessions: &[TrainingSession],
    status: &[MemberTraining],
    city: &str,
    from: NaiveDate,
    to: NaiveDate,
    kind: StoreKind,
) -> Result<Vec<u8>> {
    let title = label("training", "reportTitle");
    let mut c = Composer::new(&title, format!("{city}　{title}"), kind)?;
    c.title(&title, &format!("{city}　期間 {from} 〜 {to}"));
    c.heading("実施した研修");
    if sessions.is_empty() {
        c.line("この期間の研修はありません。");
    } else {
        let cols = [
            Col("実施日", 20.0, Align::Left),
            Col("区分", 44.0, Align::Left),
            Col("研修名", 50.0, Align::Left),
            Col("講師", 28.0, Align::Left),
            Col("分", 10.0, Align::Right),
            Col("承諾", 10.0, Align::Left),
            Col("受講", 16.0, Align::Right),
        ];
        let rows: Vec<Vec<String>> = sessions
            .iter()
            .map(|s| {
                vec![
                    s.session.held_on.to_string(),
                    topic(s),
                    if s.cancelled {
                        format!("{}（中止）", s.session.title)
                    } else {
                        s.session.title.clone()
                    },
                    s.session.trainer.clone(),
                    s.session.minutes.to_string(),
                    if s.session.city_approved { "済" } else { "" }.into(),
                    format!("{} 名", s.attendance.iter().filter(|a| a.attended).count()),
                ]
            })
            .collect();
        c.table(&cols, &rows);
    }
    for s in sessions.iter().filter(|s| !s.cancelled) {
        c.heading(&format!(
            "{}　{}　{}",
            s.session.held_on,
            topic(s),
            s.session.title
        ));
        let mut facts = vec![
            ("講師".to_string(), s.session.trainer.clone()),
            (
                "時期".to_string(),
                label("training.phase", s.session.phase.code()),
            ),
            ("時間".to_string(), format!("{} 分", s.session.minutes)),
            (
                "本市の承諾".to_string(),
                if s.session.city_approved {
                    "済"
                } else {
                    "未"
                }
                .into(),
            ),
        ];
        if !s.session.material.is_empty() {
            facts.push(("資料".to_string(), s.session.material.clone()));
        }
        c.facts(&facts);
        let cols = [
            Col("職員番号", 24.0, Align::Left),
            Col("氏名", 50.0, Align::Left),
            Col("結果", 30.0, Align::Left),
            Col("点数", 20.0, Align::Right),
        ];
        let rows: Vec<Vec<String>> = s
            .attendance
            .iter()
            .map(|a| {
                vec![
                    a.staff_code.clone(),
                    a.name.clone(),
                    result(a),
                    a.score.map(|x| x.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        c.table(&cols, &rows);
    }
    c.heading(&format!("{}（{to} 時点）", label("training", "untrained")));
    let lacking = untrained(status);
    if lacking.is_empty() {
        c.line("該当者はいません。");
    } else {
        let cols = [
            Col("職員番号", 24.0, Align::Left),
            Col("氏名", 44.0, Align::Left),
            Col("役割", 30.0, Align::Left),
            Col("状況", 50.0, Align::Left),
            Col("最終合格日", 30.0, Align::Left),
        ];
        let rows: Vec<Vec<String>> = lacking
            .iter()
            .map(|m| {
                vec![
                    m.code.clone(),
                    m.name.clone(),
                    label("roster.role", m.role.code()),
                    flags(m),
                    day(m.security_passed_on),
                ]
            })
            .collect();
        c.table(&cols, &rows);
    }
    Ok(c.finish(FOOTER))
}

/// The report as CSV: one row per attendee of each session, then the members without a valid
/// security training.
pub fn csv(
    sessions: &[TrainingSession],
    status: &[MemberTraining],
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    let mut out = Csv::new();
    out.row(&["期間", &from.to_string(), &to.to_string()]);
    out.row(&[
        "実施日",
        "区分",
        "時期",
        "研修名",
        "講師",
        "分",
        "資料",
        "本市の承諾",
        "中止",
        "職員番号",
        "氏名",
        "結果",
        "点数",
    ]);
    for s in sessions {
        let head = [
            s.session.held_on.to_string(),
            topic(s),
            label("training.phase", s.session.phase.code()),
            s.session.title.clone(),
            s.session.trainer.clone(),
            s.session.minutes.to_string(),
            s.session.material.clone(),
            if s.session.city_approved {
                "済"
            } else {
                "未"
            }
            .into(),
            if s.cancelled { "中止" } else { "" }.into(),
        ];
        if s.attendance.is_empty() {
            let mut row = head.to_vec();
            row.extend([String::new(), String::new(), String::new(), String::new()]);
            out.row(&row);
        }
        for a in &s.attendance {
            let mut row = head.to_vec();
            row.extend([
                a.staff_code.clone(),
                a.name.clone(),
                result(a),
                a.score.map(|x| x.to_string()).unwrap_or_default(),
            ]);
            out.row(&row);
        }
    }
    out.0.push_str("\r\n");
    out.row(&[label("training", "untrained").as_str()]);
    out.row(&["職員番号", "氏名", "役割", "状況", "最終合格日"]);
    for m in untrained(status) {
        out.row(&[
            m.code.clone(),
            m.name.clone(),
            label("roster.role", m.role.code()),
            flags(m),
            day(m.security_passed_on),
        ]);
    }
    out.0
}
