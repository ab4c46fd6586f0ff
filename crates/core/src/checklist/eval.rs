//! The evaluator: one person's case (facts, marks, identity documents shown, the visit's day)
//! judged at a stage, item by item, with the two-visit outcome and its reasons.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    dated::{ja, Dated},
    today, Combo, DocumentClass, DocumentKind, Fact, Item, ItemKind, Rules, VisitPath, Whose,
};
use crate::procedure::{ApplicantType, Procedure};

/// Where a case is being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// On the phone: "confirmed orally" is what can be had.
    Phone,
    /// At the counter: documents must be presented.
    Counter,
}

/// What staff recorded for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Nothing yet.
    #[default]
    Unknown,
    /// The citizen said they have it (phone).
    ConfirmedOrally,
    /// Presented at the counter.
    Presented,
    /// Not there.
    Missing,
}

/// An identity document shown at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct PresentedDocument {
    /// Document kind id.
    pub document: String,
    /// Past its expiry date: does not count.
    pub expired: bool,
}

/// One person's case as staff recorded it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CaseInput {
    /// Procedures of the visit.
    pub procedures: Vec<Procedure>,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// Answers to the facts (a choice fact: its chosen option's id set to true).
    pub facts: BTreeMap<String, bool>,
    /// Marks by item id.
    pub marks: BTreeMap<String, Mark>,
    /// Identity documents shown, by item id.
    pub documents: BTreeMap<String, Vec<PresentedDocument>>,
    /// The visit's day: the rules in force that day apply (today when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub date: Option<NaiveDate>,
}

/// How one item stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    /// Fine.
    Satisfied,
    /// Not (yet) fine, and why, in plain Japanese.
    Missing {
        /// The explanation.
        reason: String,
    },
    /// Old cards to hand back (never blocks).
    ToReturn,
    /// Something to tell the citizen (never blocks).
    Notice,
    /// Missing, but the case goes on by the second-visit path instead (never blocks today).
    Deferred {
        /// The path's id.
        path: String,
        /// Why, in plain Japanese.
        reason: String,
    },
}

/// One item of an evaluation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ItemCheck {
    /// Item id.
    pub item: String,
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: ItemKind,
    /// Explanation.
    pub explain: String,
    /// What staff recorded.
    pub mark: Mark,
    /// The verdict.
    pub state: ItemState,
    /// Key into the rules' sources.
    pub source: String,
    /// Whose rule it is when not the national default (a city's).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Why a case needs a second visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VisitReason {
    /// The path's id.
    pub path: String,
    /// Why, in plain Japanese.
    pub reason: String,
    /// What to tell the citizen before booking.
    pub say: String,
    /// Key into the rules' sources.
    pub source: String,
    /// The item that led to it (missing, or met only by a second-visit alternative).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

/// Whether the case finishes today, or today's visit is the first of two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct VisitPlan {
    /// No second visit is needed.
    pub finishes_today: bool,
    /// Why a second visit is needed (empty when it finishes today).
    pub reasons: Vec<VisitReason>,
}

/// The verdict on a case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Every item needed today is satisfied (with a second visit ahead, today's part is
    /// ready).
    pub ready: bool,
    /// Ids of the items missing.
    pub missing: Vec<String>,
    /// Every required item, in order.
    pub items: Vec<ItemCheck>,
    /// Rules the verdict was reached by.
    pub rules_version: String,
    /// The day whose rules were applied.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on: NaiveDate,
    /// One visit or two, and why.
    pub visits: VisitPlan,
    /// The facts that matter for this case at this stage (to show and ask).
    pub facts: Vec<Fact>,
    /// Facts that matter for this case and have no answer yet (they count as "no").
    pub unanswered: Vec<String>,
}

/// What the counter decided for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckOutcome {
    /// Everything is there: the case goes on to the forms and the handoff.
    Ready,
    /// Something is missing: the citizen comes again.
    Revisit {
        /// Staff's words (kept only in the encrypted store; never on a report).
        reason: String,
        /// The items still missing (what to bring next time).
        missing: Vec<String>,
        /// The reason's code ([`crate::reason::ReasonKind::Revisit`]); absent in outcomes
        /// stored before codes, which count as "other".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        code: Option<String>,
    },
}

impl Rules {
    /// Judges a case at `stage` from what was confirmed or presented, by the rules in force on
    /// the case's day (today when it has none).
    pub fn evaluate(&self, case: &CaseInput, stage: Stage) -> Evaluation {
        let on = case.date.unwrap_or_else(today);
        let facts = self.answers_on(&case.facts, on);
        let yes = |f: &String| facts.get(f).copied().unwrap_or(false);
        let paths: Vec<&VisitPath> = self
            .paths_on(&case.procedures, case.applicant_type, on)
            .into_iter()
            .filter(|p| p.when.iter().all(yes) && !p.unless.iter().any(yes))
            .collect();
        let mut reasons: Vec<VisitReason> = paths
            .iter()
            .filter(|p| p.when_missing.is_none() && !p.by_documents)
            .map(|p| reason(p, None))
            .collect();
        let mut items = Vec::new();
        for item in self.items_on(&case.procedures, case.applicant_type, &case.facts, on) {
            let mark = case.marks.get(&item.id).copied().unwrap_or(Mark::Unknown);
            let documents = case
                .documents
                .get(&item.id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let (mut state, via) = self.judge(item, mark, documents, stage, on);
            if let Some(path) = via.and_then(|id| paths.iter().find(|p| p.id == id)) {
                reasons.push(reason(path, Some(&item.id)));
            }
            if mark == Mark::Missing {
                if let Some(path) = paths
                    .iter()
                    .find(|p| p.when_missing.as_deref() == Some(item.id.as_str()))
                {
                    reasons.push(reason(path, Some(&item.id)));
                    state = ItemState::Deferred {
                        path: path.id.clone(),
                        reason: path.reason.clone(),
                    };
                }
            }
            items.push(ItemCheck {
                item: item.id.clone(),
                label: item.label.clone(),
                kind: item.kind,
                explain: item.explain.clone(),
                mark,
                state,
                source: item.source.clone(),
                owner: item.owner.clone(),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        reasons.retain(|r| seen.insert(r.path.clone()));
        let missing: Vec<String> = items
            .iter()
            .filter(|c| matches!(c.state, ItemState::Missing { .. }))
            .map(|c| c.item.clone())
            .collect();
        let asked: Vec<Fact> = self
            .facts_on(
                &case.procedures,
                case.applicant_type,
                &case.facts,
                Some(stage),
                on,
            )
            .into_iter()
            .cloned()
            .collect();
        let unanswered = asked
            .iter()
            .filter(|f| {
                if f.options.is_empty() {
                    !facts.contains_key(&f.id)
                } else {
                    !f.options.iter().any(|o| yes(&o.id))
                }
            })
            .map(|f| f.id.clone())
            .collect();
        Evaluation {
            ready: missing.is_empty(),
            missing,
            items,
            rules_version: self.version.clone(),
            on,
            visits: VisitPlan {
                finishes_today: reasons.is_empty(),
                reasons,
            },
            facts: asked,
            unanswered,
        }
    }

    /// One item's state, and the path of the identity alternative that met it, if any.
    fn judge(
        &self,
        item: &Item,
        mark: Mark,
        documents: &[PresentedDocument],
        stage: Stage,
        on: NaiveDate,
    ) -> (ItemState, Option<String>) {
        match item.kind {
            ItemKind::Return => {
                let state = if mark == Mark::Presented {
                    ItemState::Satisfied
                } else {
                    ItemState::ToReturn
                };
                return (state, None);
            }
            ItemKind::Notice => return (ItemState::Notice, None),
            ItemKind::Refusal => {
                let reason = format!("{}。{}", item.label, item.explain);
                return (ItemState::Missing { reason }, None);
            }
            _ => {}
        }
        if mark == Mark::Missing {
            let reason = format!("不足：{}。{}", item.label, item.explain);
            return (ItemState::Missing { reason }, None);
        }
        if item.kind == ItemKind::Identity && stage == Stage::Counter {
            return self.judge_identity(item, documents, on);
        }
        let accepted = match (item.kind, stage) {
            (ItemKind::Oral, _) | (_, Stage::Phone) => {
                matches!(mark, Mark::ConfirmedOrally | Mark::Presented)
            }
            _ => mark == Mark::Presented,
        };
        if accepted {
            (ItemState::Satisfied, None)
        } else {
            let reason = format!("未確認：{}。{}", item.label, item.explain);
            (ItemState::Missing { reason }, None)
        }
    }

    fn judge_identity(
        &self,
        item: &Item,
        documents: &[PresentedDocument],
        on: NaiveDate,
    ) -> (ItemState, Option<String>) {
        let mut notes = Vec::new();
        let mut valid: Vec<&DocumentKind> = Vec::new();
        let mut expired = 0;
        for shown in documents {
            let Some(kind) = self.document(&shown.document) else {
                continue;
            };
            if shown.expired {
                expired += 1;
            } else if !kind.in_force(on) {
                notes.push(out_of_force(kind));
            } else if kind.holder_only && item.whose == Whose::Agent {
                notes.push(format!("{}はご本人の確認にだけ使えます", kind.name));
            } else {
                valid.push(kind);
            }
        }
        let a = valid.iter().filter(|d| d.class == DocumentClass::A).count() as u32;
        let all = valid.len() as u32;
        let photo = valid.iter().filter(|d| d.photo).count() as u32;
        let combos: Vec<&Combo> = item.combos.iter().filter(|c| c.in_force(on)).collect();
        if let Some(met) = combos
            .iter()
            .find(|c| a >= c.a && all >= c.a + c.b && photo >= c.photo)
        {
            return (ItemState::Satisfied, met.path.clone());
        }
        let mut reason = format!(
            "不足：{}（有効な書類 A {a}点・B {}点）。必要：{}",
            item.label,
            all - a,
            describe_combos(&combos)
        );
        if expired > 0 {
            reason.push_str(&format!("。有効期限切れの書類 {expired}点は使えません"));
        }
        for note in notes {
            reason.push('。');
            reason.push_str(&note);
        }
        (ItemState::Missing { reason }, None)
    }
}

fn reason(path: &VisitPath, item: Option<&String>) -> VisitReason {
    VisitReason {
        path: path.id.clone(),
        reason: path.reason.clone(),
        say: path
            .say
            .clone()
            .unwrap_or_else(|| super::SECOND_VISIT_NOTICE.to_owned()),
        source: path.source.clone(),
        item: item.cloned(),
    }
}

fn out_of_force(kind: &DocumentKind) -> String {
    match (kind.valid_from, kind.valid_until) {
        (_, Some(until)) => format!("{}は{}までのため使えません", kind.name, ja(until)),
        (Some(from), None) => format!("{}は{}から使えます", kind.name, ja(from)),
        (None, None) => format!("{}は使えません", kind.name),
    }
}

/// "A 1点、または B 2点" (the second-visit alternatives say so).
pub(super) fn describe_combos(combos: &[&Combo]) -> String {
    combos
        .iter()
        .map(|c| {
            let mut parts = Vec::new();
            if c.a > 0 {
                parts.push(format!("A {}点", c.a));
            }
            if c.b > 0 {
                parts.push(format!("B {}点", c.b));
            }
            let mut s = parts.join("と");
            if c.photo > 0 {
                s.push_str(&format!("（うち写真付き {}点）", c.photo));
            }
            if c.path.is_some() {
                s.push_str("（この場合は後日もう一度来庁）");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("、または ")
}
