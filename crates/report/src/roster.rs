//! The roster papers (docs/design/paperwork.md §7): 業務従事者名簿 (seed 000 §8(2)カ 「業務開始前に
//! 全員の名簿を提出」, seed 002 §11チ) and 名簿変更報告 (「変更が生じた場合は、その都度本市に報告」), as
//! PDF and CSV. They name staff (the city asks for them), never citizens: the only words on them
//! are a manager's or deputy's experience, which describes the member.
use std::{collections::HashMap, sync::OnceLock};

use chrono::NaiveDate;
use madoguchi_core::{
    paperwork::roster::{RosterChangeKind, RosterChanges, RosterLine},
    people::Role,
    training_mode::StoreKind,
};

use crate::{
    layout::{Align, Col, Composer},
    Result,
};

/// The labels, from the UI's own locale file (one source for the screen and the paper).
const LOCALE: &str = include_str!("../../../ui/src/locales/ja/roster.json");

/// The footer of every roster and training paper.
pub(crate) const FOOTER: &str = "市民の個人情報を含みません";

/// The label of `prefix.code` (e.g. `roster.duty.phone`), or the code itself.
pub(crate) fn label(prefix: &str, code: &str) -> String {
    static TEXTS: OnceLock<HashMap<String, String>> = OnceLock::new();
    TEXTS
        .get_or_init(|| serde_json::from_str(LOCALE).unwrap_or_default())
        .get(&format!("{prefix}.{code}"))
        .cloned()
        .unwrap_or_else(|| code.to_owned())
}

pub(crate) fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn role(r: Role) -> String {
    label("roster.role", r.code())
}

fn duties(line: &RosterLine) -> String {
    line.duties
        .iter()
        .map(|d| label("roster.duty", d.code()))
        .collect::<Vec<_>>()
        .join("・")
}

fn sites(line: &RosterLine) -> String {
    if line.sites.is_empty() {
        label("roster", "allSites")
    } else {
        line.sites.join("・")
    }
}

/// A CSV file: UTF-8 with a BOM and CRLF line ends, so Excel opens it.
pub(crate) struct Csv(pub(crate) String);

impl Csv {
    pub(crate) fn new() -> Csv {
        Csv("\u{feff}".into())
    }

    pub(crate) fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let line: Vec<String> = cells
            .iter()
            .map(|c| {
                let s = c.as_ref();
                if s.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_owned()
                }
            })
            .collect();
        self.0.push_str(&line.join(","));
        self.0.push_str("\r\n");
    }
}

/// The roster at `as_of` as PDF: members on duty by role, then those starting later (予定).
pub fn pdf(lines: &[RosterLine], city: &str, as_of: NaiveDate, kind: StoreKind) -> Result<Vec<u8>> {
    let title = label("roster", "title");
    let mut c = Composer::new(&title, format!("{city}　{title}"), kind)?;
    c.title(&title, &format!("{city}　基準日 {as_of}"));
    let cols = [
        Col("職員番号", 16.0, Align::Left),
        Col("氏名", 26.0, Align::Left),
        Col("役割", 24.0, Align::Left),
        Col("担当業務", 28.0, Align::Left),
        Col("従事場所", 22.0, Align::Left),
        Col("従事開始日", 20.0, Align::Left),
        Col("従事終了日", 20.0, Align::Left),
        Col("雇用形態", 22.0, Align::Left),
    ];
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let mut r = role(l.role);
            if l.planned {
                r.push_str("（予定）");
            }
            vec![
                l.code.clone(),
                l.name.clone(),
                r,
                duties(l),
                sites(l),
                day(l.assigned_from),
                day(l.assigned_until),
                l.employment
                    .map(|e| label("roster.employment", e.code()))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    c.table(&cols, &rows);
    c.line(&format!(
        "計 {} 名",
        lines.iter().filter(|l| !l.planned).count()
    ));
    c.heading("研修・誓約書");
    let cols = [
        Col("職員番号", 16.0, Align::Left),
        Col("氏名", 30.0, Align::Left),
        Col("セキュリティ研修（合格日）", 50.0, Align::Left),
        Col("誓約書（提出日）", 40.0, Align::Left),
    ];
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.code.clone(),
                l.name.clone(),
                l.security_passed_on
                    .map_or_else(|| "未受講".into(), |d| d.to_string()),
                l.pledge_on
                    .map_or_else(|| "未提出".into(), |d| d.to_string()),
            ]
        })
        .collect();
    c.table(&cols, &rows);
    let managers: Vec<&RosterLine> = lines
        .iter()
        .filter(|l| matches!(l.role, Role::Manager | Role::Deputy))
        .collect();
    if !managers.is_empty() {
        c.heading("業務管理者・副管理者の要件（仕様書 §8(2)イ）");
        for l in managers {
            let flag = if l.manager_requirements {
                "　※要件未確認"
            } else {
                ""
            };
            c.paragraph(&format!(
                "{} {}（{}、{}）：{}{flag}",
                l.code,
                l.name,
                role(l.role),
                l.employment
                    .map(|e| label("roster.employment", e.code()))
                    .unwrap_or_else(|| "雇用形態未登録".into()),
                if l.experience.is_empty() {
                    "経験未登録"
                } else {
                    &l.experience
                },
            ));
        }
    }
    Ok(c.finish(FOOTER))
}

/// The roster at `as_of` as CSV.
pub fn csv(lines: &[RosterLine]) -> String {
    let mut out = Csv::new();
    out.row(&[
        "職員番号",
        "氏名",
        "役割",
        "予定",
        "担当業務",
        "従事場所",
        "従事開始日",
        "従事終了日",
        "雇用形態",
        "経験",
        "誓約書",
        "セキュリティ研修",
    ]);
    for l in lines {
        out.row(&[
            l.code.clone(),
            l.name.clone(),
            role(l.role),
            if l.planned {
                "予定".into()
            } else {
                String::new()
            },
            duties(l),
            sites(l),
            day(l.assigned_from),
            day(l.assigned_until),
            l.employment
                .map(|e| label("roster.employment", e.code()))
                .unwrap_or_default(),
            l.experience.clone(),
            day(l.pledge_on),
            day(l.security_passed_on),
        ]);
    }
    out.0
}

fn change_rows(changes: &RosterChanges) -> Vec<Vec<String>> {
    changes
        .changes
        .iter()
        .map(|c| {
            let what = match c.kind {
                RosterChangeKind::RoleChanged => format!(
                    "{} → {}",
                    c.previous_role.map(role).unwrap_or_default(),
                    role(c.role)
                ),
                RosterChangeKind::Changed => c
                    .fields
                    .iter()
                    .map(|f| label("roster.field", f))
                    .collect::<Vec<_>>()
                    .join("・"),
                _ => role(c.role),
            };
            vec![
                label("roster.change", c.kind.code()),
                c.code.clone(),
                c.name.clone(),
                what,
                day(c.effective_on),
            ]
        })
        .collect()
}

/// The change report (名簿変更報告) as PDF.
pub fn changes_pdf(changes: &RosterChanges, city: &str, kind: StoreKind) -> Result<Vec<u8>> {
    let title = label("roster", "changesTitle");
    let mut c = Composer::new(&title, format!("{city}　{title}"), kind)?;
    let since = changes
        .since_on
        .map_or_else(|| "提出の記録なし".into(), |d| format!("前回提出 {d}"));
    c.title(
        &title,
        &format!("{city}　基準日 {}　{since}", changes.as_of),
    );
    if changes.changes.is_empty() {
        c.line("前回の提出から変更はありません。");
    } else {
        let cols = [
            Col("区分", 24.0, Align::Left),
            Col("職員番号", 18.0, Align::Left),
            Col("氏名", 30.0, Align::Left),
            Col("内容", 70.0, Align::Left),
            Col("適用日", 26.0, Align::Left),
        ];
        c.table(&cols, &change_rows(changes));
        c.line(&format!("計 {} 件", changes.changes.len()));
    }
    Ok(c.finish(FOOTER))
}

/// The change report as CSV.
pub fn changes_csv(changes: &RosterChanges) -> String {
    let mut out = Csv::new();
    out.row(&["基準日", &changes.as_of.to_string()]);
    out.row(&["前回提出", &day(changes.since_on)]);
    out.row(&["区分", "職員番号", "氏名", "内容", "適用日"]);
    for r in change_rows(changes) {
        out.row(&r);
    }
    out.0
}
