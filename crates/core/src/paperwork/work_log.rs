//! The daily work log (業務日誌): seed 002 §13(4) 「業務責任者は、毎日の業務終了後、業務日誌に
//! 必要な事項を記入し、本市に提出すること。項目、様式等は協議の上、定めること」
//! (docs/design/paperwork.md §3.3).
//!
//! One log per site and day: the day's figures (read from the reports, never stored), plus
//! notes the manager adds as a category, a code and a count. A note may carry words (≤200),
//! kept in the store and never printed: the paper holds labels and counts only. A closed log
//! refuses notes until it is reopened (`work_log_closed`); it is submitted once closed.
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::people::Permission;
use crate::site::SiteId;

coded_enum!(
    /// What a work-log note is about (labels: `worklog.category.*` in
    /// `ui/src/locales/ja/worklog.json`).
    WorkLogCategory {
        /// 人員 (absence, lateness, support from another site).
        Staffing = "staffing",
        /// システム・機器.
        System = "system",
        /// 混雑.
        Congestion = "congestion",
        /// 市との連絡 (002 §11(6)イ 制度運用上の疑義).
        CityContact = "city_contact",
        /// 消耗品.
        Supplies = "supplies",
        /// 貸与資料 (000 §1.4(2)).
        LentMaterials = "lent_materials",
        /// セキュリティ点検 (000 §6(1) 不要文書廃棄).
        SecurityCheck = "security_check",
        /// 事故・トラブル (carries `incident_id`).
        Incident = "incident",
        /// 業務改善.
        Improvement = "improvement",
        /// その他.
        Other = "other",
    }
);

impl WorkLogCategory {
    /// The built-in codes of this category, `other` last (design §3.3). A city adds its own
    /// as `city_…` codes.
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            WorkLogCategory::Staffing => &[
                "absence",
                "late",
                "support_from_other_site",
                "short_staffed",
                "other",
            ],
            WorkLogCategory::System => &[
                "terminal_fault",
                "printer_fault",
                "network_down",
                "jlis_outage",
                "other",
            ],
            WorkLogCategory::Congestion => &["long_wait", "walk_ins_turned_away", "other"],
            WorkLogCategory::CityContact => &[
                "instruction_received",
                "question_referred",
                "meeting",
                "other",
            ],
            WorkLogCategory::Supplies => &["shortage", "delivered", "other"],
            WorkLogCategory::LentMaterials => &["checked", "discrepancy", "other"],
            WorkLogCategory::SecurityCheck => &[
                "opening_done",
                "closing_done",
                "documents_locked",
                "shredding_done",
                "other",
            ],
            WorkLogCategory::Incident => &["opened", "updated", "other"],
            WorkLogCategory::Improvement => &["measure_carried_out", "city_notified", "other"],
            WorkLogCategory::Other => &["other"],
        }
    }

    /// Whether `code` may be used in this category: a built-in one, or a city's own
    /// (`city_` then lowercase letters, digits and `_`, at most 40 characters).
    pub fn accepts(self, code: &str) -> bool {
        self.codes().contains(&code) || is_city_code(code)
    }
}

/// A city's own code: `city_` then `[a-z0-9_]`, at most 40 characters (never free text).
pub fn is_city_code(code: &str) -> bool {
    code.len() <= 40
        && code.len() > "city_".len()
        && code.starts_with("city_")
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

coded_enum!(
    /// Where a day's log stands.
    WorkLogState {
        /// Notes may be added.
        Open = "open",
        /// Closed by the manager: no notes until reopened.
        Closed = "closed",
    }
);

/// The most a note may count.
pub const MAX_COUNT: u32 = 10_000;

/// A note being added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NewWorkLogNote {
    /// Category.
    pub category: WorkLogCategory,
    /// Code within the category.
    pub code: String,
    /// How many (1 when it is not a count).
    pub count: u32,
    /// Words (≤200): kept in the store, never printed.
    #[serde(default)]
    pub words: String,
    /// The incident it is about (an id only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub incident_id: Option<Uuid>,
}

/// A note of a work log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WorkLogNote {
    /// Id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Category.
    pub category: WorkLogCategory,
    /// Code.
    pub code: String,
    /// Count.
    pub count: u32,
    /// Words (never printed).
    pub words: String,
    /// The incident it is about.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub incident_id: Option<Uuid>,
    /// Staff ID of who wrote it.
    pub written_by: String,
    /// When (local time).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub written_at: NaiveDateTime,
}

/// Notes as the paper prints them: per category and code, the counts added up (words never).
pub fn tally(notes: &[WorkLogNote]) -> Vec<(WorkLogCategory, String, u32)> {
    let mut out: Vec<(WorkLogCategory, String, u32)> = Vec::new();
    for n in notes {
        match out
            .iter_mut()
            .find(|(c, code, _)| *c == n.category && *code == n.code)
        {
            Some(row) => row.2 += n.count,
            None => out.push((n.category, n.code.clone(), n.count)),
        }
    }
    let rank = |c: WorkLogCategory, code: &str| {
        let built = c.codes();
        built
            .iter()
            .position(|b| *b == code)
            .unwrap_or(built.len() - 1)
    };
    out.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(rank(a.0, &a.1).cmp(&rank(b.0, &b.1)))
            .then(a.1.cmp(&b.1))
    });
    out
}

/// Changes of this part, applied by `store/paperwork/work_log.rs`.
///
/// Do not change variants or fields casually once released: stored mutations read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WorkLogMutation {
    /// A note added to a site's log of a day (the log opens if it had no row).
    AddWorkLogNote {
        /// Its id (UUIDv7).
        id: Uuid,
        /// The site.
        site: SiteId,
        /// The day.
        day: NaiveDate,
        /// What.
        note: NewWorkLogNote,
    },
    /// A note taken out of an open log.
    RemoveWorkLogNote {
        /// The note.
        id: Uuid,
    },
    /// The log closed by the manager (業務終了後).
    CloseWorkLog {
        /// The site.
        site: SiteId,
        /// The day.
        day: NaiveDate,
    },
    /// A closed log opened again for more notes.
    ReopenWorkLog {
        /// The site.
        site: SiteId,
        /// The day.
        day: NaiveDate,
    },
    /// A closed log handed to the city on `on`.
    MarkWorkLogSubmitted {
        /// The site.
        site: SiteId,
        /// The day.
        day: NaiveDate,
        /// Submitted on.
        on: NaiveDate,
    },
}

impl WorkLogMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkLogMutation::AddWorkLogNote { .. } => "add_work_log_note",
            WorkLogMutation::RemoveWorkLogNote { .. } => "remove_work_log_note",
            WorkLogMutation::CloseWorkLog { .. } => "close_work_log",
            WorkLogMutation::ReopenWorkLog { .. } => "reopen_work_log",
            WorkLogMutation::MarkWorkLogSubmitted { .. } => "mark_work_log_submitted",
        }
    }

    /// What it is about: `site:day`, or the note's id.
    pub fn subject(&self) -> String {
        match self {
            WorkLogMutation::AddWorkLogNote { site, day, .. }
            | WorkLogMutation::CloseWorkLog { site, day }
            | WorkLogMutation::ReopenWorkLog { site, day }
            | WorkLogMutation::MarkWorkLogSubmitted { site, day, .. } => {
                format!("{}:{}", site.as_str(), day.format("%Y-%m-%d"))
            }
            WorkLogMutation::RemoveWorkLogNote { id } => id.to_string(),
        }
    }

    /// Codes for the audit trail (never the words).
    pub fn detail(&self) -> String {
        match self {
            WorkLogMutation::AddWorkLogNote { id, note, .. } => format!(
                "{id} {}.{} x{}",
                note.category.code(),
                note.code,
                note.count
            ),
            WorkLogMutation::MarkWorkLogSubmitted { on, .. } => on.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        }
    }

    /// What the actor needs.
    pub fn permission(&self) -> Permission {
        Permission::ManagePaperwork
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_ends_in_other_and_takes_city_codes() {
        for c in WorkLogCategory::ALL {
            assert_eq!(c.codes().last(), Some(&"other"), "{c:?}");
            assert!(c.accepts("city_kiosk"));
            assert!(!c.accepts("city_"));
            assert!(!c.accepts("City_X"));
            assert!(!c.accepts("山田"));
        }
        assert!(WorkLogCategory::System.accepts("printer_fault"));
        assert!(!WorkLogCategory::Staffing.accepts("printer_fault"));
    }

    #[test]
    fn the_tally_adds_counts_by_code_in_list_order() {
        let note = |category, code: &str, count| WorkLogNote {
            id: Uuid::now_v7(),
            category,
            code: code.into(),
            count,
            words: "山田さん".into(),
            incident_id: None,
            written_by: "M001".into(),
            written_at: NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(17, 0, 0)
                .unwrap(),
        };
        let t = tally(&[
            note(WorkLogCategory::System, "printer_fault", 1),
            note(WorkLogCategory::Staffing, "late", 1),
            note(WorkLogCategory::System, "terminal_fault", 2),
            note(WorkLogCategory::System, "printer_fault", 2),
        ]);
        assert_eq!(
            t,
            vec![
                (WorkLogCategory::Staffing, "late".to_string(), 1),
                (WorkLogCategory::System, "terminal_fault".to_string(), 2),
                (WorkLogCategory::System, "printer_fault".to_string(), 3),
            ]
        );
    }
}
