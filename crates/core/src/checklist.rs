//! Document checklists: which documents each procedure needs for who comes, as data
//! (`assets/checklist/rules.toml`, overridable by the city), an evaluator that says whether a
//! case is ready or what is missing and why, and the phone intake script generated from the
//! same rules.
//!
//! PINs never pass through here: the sealed PIN envelope is an item that is either there or
//! not, and "the holder knows their PINs" is confirmed by asking, never by typing them.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::OnceLock,
};

use serde::{Deserialize, Serialize};

use crate::{
    reservation::{ApplicantType, Procedure},
    Error, Result,
};

const BUNDLED: &str = include_str!("../../../assets/checklist/rules.toml");

/// Class of an identity document: A (photo ID from a public body) or B (the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum DocumentClass {
    /// One is enough for the holder.
    A,
    /// Two are needed for the holder.
    B,
}

/// A kind of identity document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct DocumentKind {
    /// Stable id.
    pub id: String,
    /// Name shown to staff.
    pub name: String,
    /// A or B.
    pub class: DocumentClass,
    /// Whether it carries a photo.
    pub photo: bool,
}

/// A yes/no fact about the case, asked first on the phone (15歳未満, 暗証番号を忘れた…).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Stable id, used by items' `when`/`unless`.
    pub id: String,
    /// The question read aloud.
    pub question: String,
    /// Only for these procedures (all when empty).
    #[serde(default)]
    pub procedures: Vec<Procedure>,
    /// Only for these applicant types (all when empty).
    #[serde(default)]
    pub applicant_types: Vec<ApplicantType>,
}

/// How an item is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A paper to bring and present.
    Document,
    /// Identity documents, judged by their combinations of A and B.
    Identity,
    /// A sealed envelope that passes to city staff unopened.
    Sealed,
    /// Confirmed by asking.
    Oral,
    /// Old cards to hand back: listed, never blocking.
    Return,
    /// A fee paid at the counter.
    Fee,
}

/// One acceptable combination of identity documents: at least `a` of class A, `b` more of
/// either class, and `photo` of them with a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Combo {
    /// Class A documents needed.
    #[serde(default)]
    pub a: u32,
    /// Further documents of class B (or A) needed.
    #[serde(default)]
    pub b: u32,
    /// Of all of them, how many must carry a photo.
    #[serde(default)]
    pub photo: u32,
}

/// Whose identity an identity item checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Whose {
    /// The person the card is for.
    #[default]
    Holder,
    /// The one who comes for them.
    Agent,
}

/// A checklist item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable id.
    pub id: String,
    /// Short label.
    pub label: String,
    /// Plain-Japanese explanation for staff and the citizen.
    pub explain: String,
    /// How it is checked.
    pub kind: ItemKind,
    /// Identity items: whose.
    #[serde(default)]
    pub whose: Whose,
    /// Identity items: the acceptable combinations.
    #[serde(default)]
    pub combos: Vec<Combo>,
    /// Required only when this fact is true.
    #[serde(default)]
    pub when: Option<String>,
    /// Required only when this fact is not true.
    #[serde(default)]
    pub unless: Option<String>,
    /// Key into the rules' sources.
    pub source: String,
}

/// The items one procedure needs for one applicant type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Procedure.
    pub procedure: Procedure,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// Item ids, in the order they are asked and checked.
    pub items: Vec<String>,
}

/// A complete, checked set of rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Shown on records, so a checklist says which rules it was judged by.
    pub version: String,
    /// Official sources, by key.
    pub sources: BTreeMap<String, String>,
    /// Identity documents.
    pub documents: Vec<DocumentKind>,
    /// Facts asked first.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Items.
    pub items: Vec<Item>,
    /// Procedure × applicant type → items.
    pub requirements: Vec<Requirement>,
}

impl Rules {
    /// The rules shipped with the app.
    pub fn bundled() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| {
            Rules::parse(BUNDLED, "assets/checklist/rules.toml")
                .expect("the bundled rules are valid (tested)")
        })
    }

    /// Parses and checks a rules file; errors name the file and, where known, the line.
    pub fn parse(text: &str, path: &str) -> Result<Rules> {
        let invalid = |line: Option<usize>, message: String| Error::RulesInvalid {
            path: path.to_owned(),
            line,
            message,
        };
        let rules: Rules = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            invalid(line, e.message().to_owned())
        })?;
        rules
            .check()
            .map_err(|(needle, message)| invalid(line_of(text, &needle), message))?;
        Ok(rules)
    }

    /// The city's override at `path` if there is one, else `fallback`. A broken override is
    /// reported alongside the fallback, which stays in use ("the last good rules").
    pub fn load_override(path: &Path, fallback: &Rules) -> (Rules, Option<Error>) {
        match std::fs::read_to_string(path) {
            Ok(text) => match Rules::parse(&text, &path.display().to_string()) {
                Ok(rules) => (rules, None),
                Err(e) => (fallback.clone(), Some(e)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (fallback.clone(), None),
            Err(e) => (
                fallback.clone(),
                Some(Error::RulesInvalid {
                    path: path.display().to_string(),
                    line: None,
                    message: e.to_string(),
                }),
            ),
        }
    }

    /// Cross-references: ids unique and known, every procedure × applicant type covered,
    /// identity items with combinations. Errors carry a text to find the line by.
    fn check(&self) -> std::result::Result<(), (String, String)> {
        let mut ids = BTreeSet::new();
        for id in self
            .items
            .iter()
            .map(|i| &i.id)
            .chain(self.facts.iter().map(|f| &f.id))
            .chain(self.documents.iter().map(|d| &d.id))
        {
            if !ids.insert(id) {
                return Err((format!("\"{id}\""), format!("id {id:?} is used twice")));
            }
        }
        let facts: BTreeSet<&str> = self.facts.iter().map(|f| f.id.as_str()).collect();
        for item in &self.items {
            if !self.sources.contains_key(&item.source) {
                return Err((
                    format!("\"{}\"", item.source),
                    format!("item {:?} cites unknown source {:?}", item.id, item.source),
                ));
            }
            for fact in item.when.iter().chain(&item.unless) {
                if !facts.contains(fact.as_str()) {
                    return Err((
                        format!("\"{fact}\""),
                        format!("item {:?} depends on unknown fact {fact:?}", item.id),
                    ));
                }
            }
            if (item.kind == ItemKind::Identity) == item.combos.is_empty() {
                return Err((
                    format!("\"{}\"", item.id),
                    format!(
                        "item {:?}: identity items, and only they, list combos",
                        item.id
                    ),
                ));
            }
        }
        for req in &self.requirements {
            for id in &req.items {
                if self.item(id).is_none() {
                    return Err((
                        format!("\"{id}\""),
                        format!(
                            "requirement for {} / {} names unknown item {id:?}",
                            req.procedure.code(),
                            req.applicant_type.code()
                        ),
                    ));
                }
            }
        }
        for p in Procedure::ALL {
            for t in ApplicantType::ALL {
                if !self
                    .requirements
                    .iter()
                    .any(|r| r.procedure == *p && r.applicant_type == *t)
                {
                    return Err((
                        "[[requirements]]".into(),
                        format!("no requirement for {} / {}", p.code(), t.code()),
                    ));
                }
            }
        }
        Ok(())
    }

    /// An item by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// A document kind by id.
    pub fn document(&self, id: &str) -> Option<&DocumentKind> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The facts worth asking for this visit.
    pub fn facts_for(&self, procedures: &[Procedure], applicant_type: ApplicantType) -> Vec<&Fact> {
        self.facts
            .iter()
            .filter(|f| {
                f.procedures.is_empty() || f.procedures.iter().any(|p| procedures.contains(p))
            })
            .filter(|f| f.applicant_types.is_empty() || f.applicant_types.contains(&applicant_type))
            .collect()
    }

    /// The items this visit needs, merged over its procedures in rule order, given the facts
    /// known so far (an unanswered fact counts as false).
    pub fn items_for(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        facts: &BTreeMap<String, bool>,
    ) -> Vec<&Item> {
        let fact = |f: &Option<String>| f.as_ref().map(|f| facts.get(f).copied().unwrap_or(false));
        let mut out: Vec<&Item> = Vec::new();
        for req in self
            .requirements
            .iter()
            .filter(|r| r.applicant_type == applicant_type && procedures.contains(&r.procedure))
        {
            for item in req.items.iter().filter_map(|id| self.item(id)) {
                let wanted =
                    fact(&item.when).unwrap_or(true) && !fact(&item.unless).unwrap_or(false);
                if wanted && !out.iter().any(|i| i.id == item.id) {
                    out.push(item);
                }
            }
        }
        out
    }

    /// The phone intake script: the facts to ask, then one question per item, then the list
    /// of what to bring.
    pub fn intake_script(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        facts: &BTreeMap<String, bool>,
    ) -> IntakeScript {
        IntakeScript {
            facts: self
                .facts_for(procedures, applicant_type)
                .into_iter()
                .cloned()
                .collect(),
            items: self
                .items_for(procedures, applicant_type, facts)
                .into_iter()
                .map(|i| ScriptLine {
                    item: i.id.clone(),
                    question: question_for(i),
                    explain: i.explain.clone(),
                })
                .collect(),
            rules_version: self.version.clone(),
        }
    }

    /// Judges a case at `stage` from what was confirmed or presented.
    pub fn evaluate(&self, case: &CaseInput, stage: Stage) -> Evaluation {
        let items: Vec<ItemCheck> = self
            .items_for(&case.procedures, case.applicant_type, &case.facts)
            .into_iter()
            .map(|item| {
                let mark = case.marks.get(&item.id).copied().unwrap_or(Mark::Unknown);
                let state = self.judge(
                    item,
                    mark,
                    case.documents
                        .get(&item.id)
                        .map(Vec::as_slice)
                        .unwrap_or(&[]),
                    stage,
                );
                ItemCheck {
                    item: item.id.clone(),
                    label: item.label.clone(),
                    kind: item.kind,
                    explain: item.explain.clone(),
                    mark,
                    state,
                }
            })
            .collect();
        let missing: Vec<String> = items
            .iter()
            .filter(|c| matches!(c.state, ItemState::Missing { .. }))
            .map(|c| c.item.clone())
            .collect();
        Evaluation {
            ready: missing.is_empty(),
            missing,
            items,
            rules_version: self.version.clone(),
        }
    }

    fn judge(
        &self,
        item: &Item,
        mark: Mark,
        documents: &[PresentedDocument],
        stage: Stage,
    ) -> ItemState {
        if item.kind == ItemKind::Return {
            return if mark == Mark::Presented {
                ItemState::Satisfied
            } else {
                ItemState::ToReturn
            };
        }
        if mark == Mark::Missing {
            return ItemState::Missing {
                reason: format!("不足：{}。{}", item.label, item.explain),
            };
        }
        if item.kind == ItemKind::Identity && stage == Stage::Counter {
            return self.judge_identity(item, documents);
        }
        let accepted = match (item.kind, stage) {
            (ItemKind::Oral, _) | (_, Stage::Phone) => {
                matches!(mark, Mark::ConfirmedOrally | Mark::Presented)
            }
            _ => mark == Mark::Presented,
        };
        if accepted {
            ItemState::Satisfied
        } else {
            ItemState::Missing {
                reason: format!("未確認：{}。{}", item.label, item.explain),
            }
        }
    }

    fn judge_identity(&self, item: &Item, documents: &[PresentedDocument]) -> ItemState {
        let valid: Vec<&DocumentKind> = documents
            .iter()
            .filter(|d| !d.expired)
            .filter_map(|d| self.document(&d.document))
            .collect();
        let expired = documents.iter().filter(|d| d.expired).count();
        let a = valid.iter().filter(|d| d.class == DocumentClass::A).count() as u32;
        let all = valid.len() as u32;
        let photo = valid.iter().filter(|d| d.photo).count() as u32;
        if item
            .combos
            .iter()
            .any(|c| a >= c.a && all >= c.a + c.b && photo >= c.photo)
        {
            return ItemState::Satisfied;
        }
        let mut reason = format!(
            "不足：{}（有効な書類 A {a}点・B {}点）。必要：{}",
            item.label,
            all - a,
            describe_combos(&item.combos)
        );
        if expired > 0 {
            reason.push_str(&format!("。有効期限切れの書類 {expired}点は使えません"));
        }
        ItemState::Missing { reason }
    }
}

fn describe_combos(combos: &[Combo]) -> String {
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
            s
        })
        .collect::<Vec<_>>()
        .join("、または ")
}

fn question_for(item: &Item) -> String {
    match item.kind {
        ItemKind::Oral => format!("{}、よろしいですか？", item.label),
        ItemKind::Return => format!("{}をお持ちでしたら、ご持参いただけますか？", item.label),
        ItemKind::Fee => format!("{}がかかります。よろしいですか？", item.label),
        _ => format!("{}をお持ちですか？", item.label),
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].matches('\n').count() + 1)
}

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
    /// Answers to the facts.
    pub facts: BTreeMap<String, bool>,
    /// Marks by item id.
    pub marks: BTreeMap<String, Mark>,
    /// Identity documents shown, by item id.
    pub documents: BTreeMap<String, Vec<PresentedDocument>>,
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
}

/// The verdict on a case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Every required item is satisfied.
    pub ready: bool,
    /// Ids of the items missing.
    pub missing: Vec<String>,
    /// Every required item, in order.
    pub items: Vec<ItemCheck>,
    /// Rules the verdict was reached by.
    pub rules_version: String,
}

/// One line of the intake script.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScriptLine {
    /// Item id.
    pub item: String,
    /// The question read aloud.
    pub question: String,
    /// What to say if they ask what it is.
    pub explain: String,
}

/// The questions the back office reads aloud, in order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct IntakeScript {
    /// Facts first (their answers change the items).
    pub facts: Vec<Fact>,
    /// Then each item.
    pub items: Vec<ScriptLine>,
    /// Rules version.
    pub rules_version: String,
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
        /// Why, in words staff chose.
        reason: String,
        /// The items still missing (what to bring next time).
        missing: Vec<String>,
    },
}
