//! Document checklists: which documents each procedure needs for who comes, as data
//! (`assets/checklist/rules.toml`, overridable by the city), an evaluator that says whether a
//! case is ready, what is missing and why, and whether it finishes today or needs a second
//! visit (文書照会), and the phone intake script generated from the same rules.
//!
//! Every rule is dated and sourced: document kinds, items, the alternatives of an identity
//! item, requirements, facts and two-visit paths carry `valid_from` / `valid_until` (both
//! inclusive, both optional) and a key into `[sources]` (title, URL, the day it was read). The
//! evaluator applies the rules in force on the visit's day ([`CaseInput::date`]). Everything
//! added since the first rules format is optional, so older files (and a city's override of
//! that format) still load.
//!
//! Facts switch requirements. They are yes/no answers kept with each person's checklist (a map
//! of id → bool); a choice fact (where the card was lost, why the holder cannot come) stores
//! its chosen option's id as `true`. The two-visit outcome is computed from these facts and the
//! marks, never stored on its own.
//!
//! PINs never pass through here: the sealed PIN envelope is an item that is either there or
//! not, and "the holder knows their PINs" is confirmed by asking, never by typing them.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::OnceLock,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    procedure::{ApplicantType, Procedure},
    Error, Result,
};

mod dated;
mod eval;
mod script;

pub use dated::Dated;
use dated::{dated, one_or_many, opt_date};
pub use eval::{
    CaseInput, CheckOutcome, Evaluation, ItemCheck, ItemState, Mark, PresentedDocument, Stage,
    VisitPlan, VisitReason,
};
pub use script::{IntakeScript, ScriptLine, SECOND_VISIT_NOTICE};

const BUNDLED: &str = include_str!("../../../../assets/checklist/rules.toml");

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Counts for the holder only, never for the one who comes for them (顔写真証明書).
    #[serde(default)]
    pub holder_only: bool,
    /// Key into the rules' sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source: Option<String>,
    /// First day it counts.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_from: Option<NaiveDate>,
    /// Last day it counts.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_until: Option<NaiveDate>,
}

/// One answer of a choice fact: its id is stored as a fact set to true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct FactOption {
    /// Stable id (usable in items' `when`/`unless` like a fact).
    pub id: String,
    /// The answer as read aloud.
    pub label: String,
}

/// A fact about the case, asked first on the phone and at the counter (15歳未満, 同一世帯,
/// 有効期限…). Yes/no, or a choice among `options`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Stable id, used by items' `when`/`unless`.
    pub id: String,
    /// The question read aloud.
    pub question: String,
    /// Why it is asked (what changes with the answer).
    #[serde(default)]
    pub explain: String,
    /// A choice: one option is picked (none: a yes/no question).
    #[serde(default)]
    pub options: Vec<FactOption>,
    /// Only for these procedures (all when empty).
    #[serde(default)]
    pub procedures: Vec<Procedure>,
    /// Only for these applicant types (all when empty).
    #[serde(default)]
    pub applicant_types: Vec<ApplicantType>,
    /// Asked only at this stage (both when absent): e.g. a PIN mismatch is found at the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub stage: Option<Stage>,
    /// Asked only when these facts are all true.
    #[serde(default, deserialize_with = "one_or_many")]
    pub when: Vec<String>,
    /// Not asked when one of these facts is true.
    #[serde(default, deserialize_with = "one_or_many")]
    pub unless: Vec<String>,
    /// Key into the rules' sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source: Option<String>,
    /// First day it is asked.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_from: Option<NaiveDate>,
    /// Last day it is asked.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_until: Option<NaiveDate>,
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
    /// Something to tell the citizen (no 署名用 certificate…): listed, never blocking.
    Notice,
    /// The procedure cannot be done this way (a reason not accepted…): always blocks, and
    /// says why and what to do instead.
    Refusal,
}

/// One acceptable combination of identity documents: at least `a` of class A, `b` more of
/// either class, and `photo` of them with a photo. Combinations are tried in order; the first
/// one met decides, and one with a `path` means a second visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Met this way, the case needs this two-visit path (文書照会).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub path: Option<String>,
    /// Key into the rules' sources (the item's when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source: Option<String>,
    /// First day it is accepted.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_from: Option<NaiveDate>,
    /// Last day it is accepted.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_until: Option<NaiveDate>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Required only when these facts are all true.
    #[serde(default, deserialize_with = "one_or_many")]
    pub when: Vec<String>,
    /// Required only when at least one of these facts is true (ignored when empty).
    #[serde(default, deserialize_with = "one_or_many")]
    pub when_any: Vec<String>,
    /// Not required when one of these facts is true.
    #[serde(default, deserialize_with = "one_or_many")]
    pub unless: Vec<String>,
    /// Key into the rules' sources.
    pub source: String,
    /// First day it is required.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_from: Option<NaiveDate>,
    /// Last day it is required.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_until: Option<NaiveDate>,
    /// Whose rule this is when it is not the national default ("市": set when a city's override
    /// changes or adds it; a city may also name itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub owner: Option<String>,
}

/// A way a case needs a second visit: today the documents are taken (or the application
/// made), and the procedure finishes when the citizen comes again (文書照会: the city mails an
/// 照会書 to the holder, whose sealed 回答書 is brought the second time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct VisitPath {
    /// Stable id.
    pub id: String,
    /// Only for these procedures (all when empty).
    #[serde(default)]
    pub procedures: Vec<Procedure>,
    /// Only for these applicant types (all when empty).
    #[serde(default)]
    pub applicant_types: Vec<ApplicantType>,
    /// Applies when these facts are all true.
    #[serde(default, deserialize_with = "one_or_many")]
    pub when: Vec<String>,
    /// Does not apply when one of these facts is true (typically `second_visit`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub unless: Vec<String>,
    /// Applies only when this item is recorded as missing (it then does not block: the
    /// second visit replaces it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub when_missing: Option<String>,
    /// Only through an identity alternative that names it (never on facts alone).
    #[serde(default)]
    pub by_documents: bool,
    /// Why, in plain Japanese, for staff and the citizen.
    pub reason: String,
    /// What to say before booking (the standard sentence when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub say: Option<String>,
    /// Key into the rules' sources.
    pub source: String,
    /// First day it applies.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_from: Option<NaiveDate>,
    /// Last day it applies.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub valid_until: Option<NaiveDate>,
}

/// The items one procedure needs for one applicant type (between two dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Procedure.
    pub procedure: Procedure,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// Item ids, in the order they are asked and checked.
    pub items: Vec<String>,
    /// Key into the rules' sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// First day this list applies.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<NaiveDate>,
    /// Last day this list applies.
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_until: Option<NaiveDate>,
}

dated!(DocumentKind, Fact, Combo, Item, VisitPath, Requirement);

/// Where a rule comes from: a published page, and when it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(from = "SourceRepr")]
pub struct Source {
    /// Title (publisher and page).
    pub title: String,
    /// Address, when published online.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// The day it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub read: Option<NaiveDate>,
    /// What it says that the rules rely on, or why it is not enough on its own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A source as written: the first format's one line of text, or a table.
#[derive(Deserialize)]
#[serde(untagged)]
enum SourceRepr {
    Text(String),
    Full {
        title: String,
        #[serde(default)]
        url: String,
        #[serde(default, deserialize_with = "opt_date")]
        read: Option<NaiveDate>,
        #[serde(default)]
        note: String,
    },
}

impl From<SourceRepr> for Source {
    fn from(repr: SourceRepr) -> Source {
        match repr {
            SourceRepr::Text(title) => {
                // "Title https://…" in the first format.
                let (title, url) = match title.find("http") {
                    Some(at) => (title[..at].trim().to_owned(), title[at..].trim().to_owned()),
                    None => (title, String::new()),
                };
                Source {
                    title,
                    url,
                    read: None,
                    note: String::new(),
                }
            }
            SourceRepr::Full {
                title,
                url,
                read,
                note,
            } => Source {
                title,
                url,
                read,
                note,
            },
        }
    }
}

/// A complete, checked set of rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Shown on records, so a checklist says which rules it was judged by.
    pub version: String,
    /// Official sources, by key.
    pub sources: BTreeMap<String, Source>,
    /// Identity documents.
    pub documents: Vec<DocumentKind>,
    /// Facts asked first.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Items.
    pub items: Vec<Item>,
    /// The ways a case needs a second visit.
    #[serde(default)]
    pub paths: Vec<VisitPath>,
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

    /// Parses a city's override file: as [`Rules::parse`], except that a procedure the file
    /// has no requirement for (a file written before the procedure existed, such as
    /// 申請サポート) takes the bundled rules' requirement, with the items, facts and sources it
    /// names that the file lacks.
    pub fn parse_override(text: &str, path: &str, base: &Rules) -> Result<Rules> {
        let mut rules: Rules = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            Error::RulesInvalid {
                path: path.to_owned(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        rules.complete_from(base);
        rules
            .check()
            .map_err(|(needle, message)| Error::RulesInvalid {
                path: path.to_owned(),
                line: line_of(text, &needle),
                message,
            })?;
        Ok(rules)
    }

    /// Takes from `base` the requirement of every procedure and applicant type this file has
    /// none for, with what it names that this file lacks.
    fn complete_from(&mut self, base: &Rules) {
        for p in Procedure::ALL {
            for t in ApplicantType::ALL {
                let has = |r: &Requirement| r.procedure == *p && r.applicant_type == *t;
                if self.requirements.iter().any(has) {
                    continue;
                }
                let Some(req) = base.requirements.iter().find(|r| has(r)) else {
                    continue;
                };
                let mut sources: Vec<String> = req.source.iter().cloned().collect();
                let mut facts: Vec<String> = Vec::new();
                for id in &req.items {
                    if self.item(id).is_some() {
                        continue;
                    }
                    if let Some(item) = base.item(id) {
                        sources.push(item.source.clone());
                        facts.extend(
                            item.when
                                .iter()
                                .chain(&item.when_any)
                                .chain(&item.unless)
                                .cloned(),
                        );
                        self.items.push(item.clone());
                    }
                }
                for id in facts {
                    if self.facts.iter().any(|f| f.id == id) {
                        continue;
                    }
                    if let Some(fact) = base.facts.iter().find(|f| f.id == id) {
                        sources.extend(fact.source.iter().cloned());
                        self.facts.push(fact.clone());
                    }
                }
                for key in sources {
                    if let Some(source) = base.sources.get(&key) {
                        self.sources.entry(key).or_insert_with(|| source.clone());
                    }
                }
                self.requirements.push(req.clone());
            }
        }
    }

    /// The city's override at `path` if there is one, else `fallback`. A broken override is
    /// reported alongside the fallback, which stays in use ("the last good rules"). In a
    /// valid override, every item that differs from (or is missing in) the bundled rules is
    /// marked as the city's.
    pub fn load_override(path: &Path, fallback: &Rules) -> (Rules, Option<Error>) {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                match Rules::parse_override(&text, &path.display().to_string(), Rules::bundled()) {
                    Ok(mut rules) => {
                        rules.mark_city_changes(Rules::bundled());
                        (rules, None)
                    }
                    Err(e) => (fallback.clone(), Some(e)),
                }
            }
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

    /// Marks the items that differ from `national` as the city's ("市"), unless the file
    /// names an owner itself.
    pub fn mark_city_changes(&mut self, national: &Rules) {
        for item in &mut self.items {
            if item.owner.is_some() {
                continue;
            }
            let same = national.item(&item.id).is_some_and(|n| {
                let mut n = n.clone();
                n.owner = None;
                n == *item
            });
            if !same {
                item.owner = Some("市".into());
            }
        }
    }

    /// Cross-references: ids unique and known, every procedure × applicant type covered,
    /// identity items with combinations, every source cited exists. Errors carry a text to
    /// find the line by.
    fn check(&self) -> std::result::Result<(), (String, String)> {
        let mut ids = BTreeSet::new();
        let option_ids = self
            .facts
            .iter()
            .flat_map(|f| f.options.iter().map(|o| &o.id));
        for id in self
            .items
            .iter()
            .map(|i| &i.id)
            .chain(self.facts.iter().map(|f| &f.id))
            .chain(option_ids)
            .chain(self.documents.iter().map(|d| &d.id))
            .chain(self.paths.iter().map(|p| &p.id))
        {
            if !ids.insert(id) {
                return Err((format!("\"{id}\""), format!("id {id:?} is used twice")));
            }
        }
        let facts: BTreeSet<&str> = self
            .facts
            .iter()
            .flat_map(|f| {
                std::iter::once(f.id.as_str()).chain(f.options.iter().map(|o| o.id.as_str()))
            })
            .collect();
        let source = |owner: &str, key: &str| -> std::result::Result<(), (String, String)> {
            if self.sources.contains_key(key) {
                Ok(())
            } else {
                Err((
                    format!("\"{key}\""),
                    format!("{owner} cites unknown source {key:?}"),
                ))
            }
        };
        let known_facts =
            |owner: &str, list: &[String]| -> std::result::Result<(), (String, String)> {
                match list.iter().find(|f| !facts.contains(f.as_str())) {
                    Some(fact) => Err((
                        format!("\"{fact}\""),
                        format!("{owner} depends on unknown fact {fact:?}"),
                    )),
                    None => Ok(()),
                }
            };
        let dates = |owner: &str, d: &dyn Dated| -> std::result::Result<(), (String, String)> {
            match (d.valid_from(), d.valid_until()) {
                (Some(from), Some(until)) if until < from => Err((
                    owner.to_owned(),
                    format!("{owner}: valid_until is before valid_from"),
                )),
                _ => Ok(()),
            }
        };
        let paths: BTreeSet<&str> = self.paths.iter().map(|p| p.id.as_str()).collect();
        for doc in &self.documents {
            let owner = format!("document {:?}", doc.id);
            if let Some(key) = &doc.source {
                source(&owner, key)?;
            }
            dates(&doc.id, doc)?;
        }
        for fact in &self.facts {
            let owner = format!("fact {:?}", fact.id);
            if let Some(key) = &fact.source {
                source(&owner, key)?;
            }
            known_facts(&owner, &fact.when)?;
            known_facts(&owner, &fact.unless)?;
            dates(&fact.id, fact)?;
        }
        for item in &self.items {
            let owner = format!("item {:?}", item.id);
            source(&owner, &item.source)?;
            known_facts(&owner, &item.when)?;
            known_facts(&owner, &item.when_any)?;
            known_facts(&owner, &item.unless)?;
            dates(&item.id, item)?;
            if (item.kind == ItemKind::Identity) == item.combos.is_empty() {
                return Err((
                    format!("\"{}\"", item.id),
                    format!(
                        "item {:?}: identity items, and only they, list combos",
                        item.id
                    ),
                ));
            }
            for combo in &item.combos {
                if let Some(key) = &combo.source {
                    source(&owner, key)?;
                }
                if let Some(path) = &combo.path {
                    if !paths.contains(path.as_str()) {
                        return Err((
                            format!("\"{path}\""),
                            format!("{owner} names unknown path {path:?}"),
                        ));
                    }
                }
                dates(&item.id, combo)?;
            }
        }
        for path in &self.paths {
            let owner = format!("path {:?}", path.id);
            source(&owner, &path.source)?;
            known_facts(&owner, &path.when)?;
            known_facts(&owner, &path.unless)?;
            dates(&path.id, path)?;
            if let Some(item) = &path.when_missing {
                if self.item(item).is_none() {
                    return Err((
                        format!("\"{item}\""),
                        format!("{owner} names unknown item {item:?}"),
                    ));
                }
            }
        }
        for req in &self.requirements {
            if let Some(key) = &req.source {
                source("requirement", key)?;
            }
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

    /// A source by key.
    pub fn source(&self, key: &str) -> Option<&Source> {
        self.sources.get(key)
    }

    /// The answers that count on `on`: an answer to a fact not in force that day (特急発行
    /// before it existed) counts as no answer.
    pub fn answers_on(
        &self,
        answers: &BTreeMap<String, bool>,
        on: NaiveDate,
    ) -> BTreeMap<String, bool> {
        let out_of_force: BTreeSet<&str> = self
            .facts
            .iter()
            .filter(|f| !f.in_force(on))
            .flat_map(|f| {
                std::iter::once(f.id.as_str()).chain(f.options.iter().map(|o| o.id.as_str()))
            })
            .collect();
        answers
            .iter()
            .filter(|(id, _)| !out_of_force.contains(id.as_str()))
            .map(|(id, v)| (id.clone(), *v))
            .collect()
    }

    /// The requirements in force on `on` for this visit.
    fn requirements_on(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        on: NaiveDate,
    ) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .filter(|r| {
                r.applicant_type == applicant_type
                    && procedures.contains(&r.procedure)
                    && r.in_force(on)
            })
            .collect()
    }

    /// The two-visit paths that can apply to this visit on `on` (whatever the facts).
    fn paths_on(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        on: NaiveDate,
    ) -> Vec<&VisitPath> {
        self.paths
            .iter()
            .filter(|p| {
                p.in_force(on)
                    && (p.procedures.is_empty()
                        || p.procedures.iter().any(|x| procedures.contains(x)))
                    && (p.applicant_types.is_empty() || p.applicant_types.contains(&applicant_type))
            })
            .collect()
    }

    /// The facts worth asking for this visit today (see [`Rules::facts_on`]).
    pub fn facts_for(&self, procedures: &[Procedure], applicant_type: ApplicantType) -> Vec<&Fact> {
        self.facts_on(procedures, applicant_type, &BTreeMap::new(), None, today())
    }

    /// The facts worth asking for this visit on `on`, given the answers so far: a fact is
    /// asked when it is in force, its filters match, its own conditions hold, and something in
    /// this visit's rules depends on it (an item, an identity alternative's path, a two-visit
    /// path, or another fact asked). `stage` leaves out the facts asked only at the other one.
    pub fn facts_on(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        answers: &BTreeMap<String, bool>,
        stage: Option<Stage>,
        on: NaiveDate,
    ) -> Vec<&Fact> {
        let mut used: BTreeSet<&str> = BTreeSet::new();
        for req in self.requirements_on(procedures, applicant_type, on) {
            for item in req.items.iter().filter_map(|id| self.item(id)) {
                if item.in_force(on) {
                    used.extend(
                        item.when
                            .iter()
                            .chain(&item.when_any)
                            .chain(&item.unless)
                            .map(String::as_str),
                    );
                }
            }
        }
        for path in self.paths_on(procedures, applicant_type, on) {
            used.extend(path.when.iter().chain(&path.unless).map(String::as_str));
        }
        let answers = self.answers_on(answers, on);
        let yes = |f: &String| answers.get(f).copied().unwrap_or(false);
        let relevant = |f: &Fact| {
            f.in_force(on)
                && (f.procedures.is_empty() || f.procedures.iter().any(|p| procedures.contains(p)))
                && (f.applicant_types.is_empty() || f.applicant_types.contains(&applicant_type))
                && match (stage, f.stage) {
                    (Some(asked), Some(only)) => asked == only,
                    _ => true,
                }
        };
        // A fact that conditions another used fact is used too.
        loop {
            let before = used.len();
            let more: Vec<&str> = self
                .facts
                .iter()
                .filter(|f| relevant(f) && used.contains(f.id.as_str()))
                .flat_map(|f| f.when.iter().chain(&f.unless).map(String::as_str))
                .collect();
            used.extend(more);
            if used.len() == before {
                break;
            }
        }
        self.facts
            .iter()
            .filter(|f| relevant(f))
            .filter(|f| {
                used.contains(f.id.as_str())
                    || f.options.iter().any(|o| used.contains(o.id.as_str()))
            })
            .filter(|f| f.when.iter().all(yes) && !f.unless.iter().any(yes))
            .collect()
    }

    /// The items this visit needs today (the rules in force today), merged over its
    /// procedures in rule order, given the facts known so far (an unanswered fact counts as
    /// false).
    pub fn items_for(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        facts: &BTreeMap<String, bool>,
    ) -> Vec<&Item> {
        self.items_on(procedures, applicant_type, facts, today())
    }

    /// The items this visit needs on `on`, merged over its procedures in rule order, given
    /// the facts known so far (an unanswered fact counts as false).
    pub fn items_on(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        facts: &BTreeMap<String, bool>,
        on: NaiveDate,
    ) -> Vec<&Item> {
        let facts = self.answers_on(facts, on);
        let yes = |f: &String| facts.get(f).copied().unwrap_or(false);
        let mut out: Vec<&Item> = Vec::new();
        for req in self.requirements_on(procedures, applicant_type, on) {
            for item in req.items.iter().filter_map(|id| self.item(id)) {
                let wanted = item.in_force(on)
                    && item.when.iter().all(yes)
                    && (item.when_any.is_empty() || item.when_any.iter().any(yes))
                    && !item.unless.iter().any(yes);
                if wanted && !out.iter().any(|i| i.id == item.id) {
                    out.push(item);
                }
            }
        }
        out
    }
}

/// Today on this machine's clock: the day a case without its own date is judged on.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].matches('\n').count() + 1)
}

/// Changes to checklists: what was confirmed on the phone or at the counter, and the counter's
/// decision. Applied by `store/checklists.rs`.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ChecklistMutation {
    /// Record one person's checklist at one stage (facts, marks, identity documents shown).
    RecordChecklist {
        /// Which reservation.
        number: crate::reservation_number::ReservationNumber,
        /// Which person (0-based).
        position: u32,
        /// Phone or counter.
        stage: Stage,
        /// Facts, marks and documents (procedures and type come from the reservation).
        input: CaseInput,
        /// When (local time).
        at: chrono::NaiveDateTime,
    },
    /// Record what the counter decided for one person: ready, or revisit with a reason.
    RecordCheckOutcome {
        /// Which reservation.
        number: crate::reservation_number::ReservationNumber,
        /// Which person (0-based).
        position: u32,
        /// The decision.
        outcome: CheckOutcome,
        /// When (local time).
        at: chrono::NaiveDateTime,
    },
}

impl ChecklistMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            ChecklistMutation::RecordChecklist { .. } => "record_checklist",
            ChecklistMutation::RecordCheckOutcome { .. } => "record_check_outcome",
        }
    }

    /// The reservation number.
    pub fn subject(&self) -> String {
        match self {
            ChecklistMutation::RecordChecklist { number, .. }
            | ChecklistMutation::RecordCheckOutcome { number, .. } => number.to_string(),
        }
    }

    /// Which person.
    pub fn detail(&self) -> String {
        match self {
            ChecklistMutation::RecordChecklist { position, .. }
            | ChecklistMutation::RecordCheckOutcome { position, .. } => {
                format!("#{}", position + 1)
            }
        }
    }

    /// Counter work.
    pub fn permission(&self) -> crate::people::Permission {
        crate::people::Permission::CounterWork
    }
}
