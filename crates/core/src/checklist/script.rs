//! The phone intake script: the facts that matter for this procedure × applicant (and the
//! answers so far), then one question per item, then whether the case finishes in one visit,
//! said in plain Japanese before anything is booked.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{today, CaseInput, Fact, Item, ItemKind, Rules, Stage, VisitPlan};
use crate::procedure::{ApplicantType, Procedure};

/// What the back office says before booking a case that needs two visits.
pub const SECOND_VISIT_NOTICE: &str =
    "今回は書類のお預かりのみで、後日もう一度お越しいただきます。";

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
    /// How it is checked (a notice or a refusal is said, not asked).
    pub kind: ItemKind,
}

/// The questions the back office reads aloud, in order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct IntakeScript {
    /// Facts first (their answers change the items): only those that matter for this visit
    /// given the answers so far.
    pub facts: Vec<Fact>,
    /// Then each item.
    pub items: Vec<ScriptLine>,
    /// One visit or two, from the answers so far.
    pub visits: VisitPlan,
    /// What to say about the visits before booking (empty when it finishes in one visit).
    pub say: Vec<String>,
    /// The list of what to bring, read back at the end (same items as the counter checklist).
    pub bring: Vec<String>,
    /// Rules version.
    pub rules_version: String,
    /// The day whose rules were used.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on: NaiveDate,
}

impl Rules {
    /// The phone intake script for a visit today (see [`Rules::intake_script_on`]).
    pub fn intake_script(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        facts: &BTreeMap<String, bool>,
    ) -> IntakeScript {
        self.intake_script_on(procedures, applicant_type, facts, today())
    }

    /// The phone intake script for a visit on `on`: the facts to ask, one question per item,
    /// whether it takes two visits (and what to say), and the bring-list.
    pub fn intake_script_on(
        &self,
        procedures: &[Procedure],
        applicant_type: ApplicantType,
        facts: &BTreeMap<String, bool>,
        on: NaiveDate,
    ) -> IntakeScript {
        let case = CaseInput {
            procedures: procedures.to_vec(),
            applicant_type,
            facts: facts.clone(),
            date: Some(on),
            ..CaseInput::default()
        };
        let visits = self.evaluate(&case, Stage::Phone).visits;
        let items = self.items_on(procedures, applicant_type, facts, on);
        let mut say: Vec<String> = Vec::new();
        for r in &visits.reasons {
            if !say.contains(&r.say) {
                say.push(r.say.clone());
            }
            say.push(r.reason.clone());
        }
        IntakeScript {
            facts: self
                .facts_on(procedures, applicant_type, facts, Some(Stage::Phone), on)
                .into_iter()
                .cloned()
                .collect(),
            bring: bring_list(&items),
            items: items
                .iter()
                .map(|i| ScriptLine {
                    item: i.id.clone(),
                    question: question_for(i),
                    explain: i.explain.clone(),
                    kind: i.kind,
                })
                .collect(),
            visits,
            say,
            rules_version: self.version.clone(),
            on,
        }
    }
}

/// The labels of what the citizen brings (not what is only said).
fn bring_list(items: &[&Item]) -> Vec<String> {
    items
        .iter()
        .filter(|i| {
            !matches!(
                i.kind,
                ItemKind::Oral | ItemKind::Notice | ItemKind::Refusal
            )
        })
        .map(|i| i.label.clone())
        .collect()
}

fn question_for(item: &Item) -> String {
    match item.kind {
        ItemKind::Oral => format!("{}、よろしいですか？", item.label),
        ItemKind::Return => format!("{}をお持ちでしたら、ご持参いただけますか？", item.label),
        ItemKind::Fee => format!("{}がかかります。よろしいですか？", item.label),
        ItemKind::Notice => format!("ご案内：{}。", item.label),
        ItemKind::Refusal => format!("申し訳ありません。{}。{}", item.label, item.explain),
        _ => format!("{}をお持ちですか？", item.label),
    }
}
