//! The counter workflow of one case (one person of a reservation): from check-in to the bundle
//! handed to city staff (手交), their acknowledgment and the PIN setting / issue they do, or a
//! revisit, or a cancellation. A pure state machine: the store records each step with its
//! time, seat and staff, and refuses what this refuses.
//!
//! The rules that matter to the city: nothing is completed without the checklist verified and
//! the bundle acknowledged by a named city staff member; times never go backwards; every case
//! ends in exactly one terminal state.
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// Checked in, waiting to be called.
    Waiting,
    /// Called to a seat.
    Called,
    /// The document checklist is complete (its outcome is "ready").
    ChecklistVerified,
    /// The application forms are filled in and checked.
    FormsChecked,
    /// The bundle of documents is prepared.
    BundlePrepared,
    /// Handed by hand to a named city staff member, not yet acknowledged.
    HandedOver,
    /// The city staff member acknowledged receipt in the app.
    Acknowledged,
    /// City staff did the PIN setting / issue: done (terminal).
    Completed,
    /// The citizen must come again (terminal).
    Revisit,
    /// Cancelled (terminal).
    Cancelled,
}

impl VisitState {
    /// Whether no step leads anywhere from here.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            VisitState::Completed | VisitState::Revisit | VisitState::Cancelled
        )
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            VisitState::Waiting => "waiting",
            VisitState::Called => "called",
            VisitState::ChecklistVerified => "checklist_verified",
            VisitState::FormsChecked => "forms_checked",
            VisitState::BundlePrepared => "bundle_prepared",
            VisitState::HandedOver => "handed_over",
            VisitState::Acknowledged => "acknowledged",
            VisitState::Completed => "completed",
            VisitState::Revisit => "revisit",
            VisitState::Cancelled => "cancelled",
        }
    }
}

/// One step of the workflow, as staff take it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum VisitStep {
    /// Call the person to a counter seat.
    Call {
        /// Seat number shown to the citizen.
        seat_no: u32,
    },
    /// The checklist is verified (needs the checklist outcome "ready").
    VerifyChecklist,
    /// The application forms are filled in and checked.
    CheckForms,
    /// The bundle is prepared with these documents (the city's list for the procedures).
    PrepareBundle {
        /// Document names in the bundle.
        items: Vec<String>,
    },
    /// Handed by hand to this city staff member.
    HandOver {
        /// The city staff member receiving it.
        to: String,
    },
    /// City staff acknowledge receipt (with their own sign-in).
    Acknowledge {
        /// Who acknowledged (must be the one it was handed to).
        by: String,
    },
    /// City staff give items back to the contractor (e.g. a document to copy again); the
    /// bundle goes back to "prepared" until handed over again.
    ReturnItems {
        /// What came back.
        items: Vec<String>,
        /// Why.
        note: String,
    },
    /// City staff finished the PIN setting / issue.
    Complete,
    /// The citizen must come again.
    Revisit {
        /// Staff's words (kept only in the encrypted store; never on a report).
        reason: String,
        /// The reason's code ([`crate::reason::ReasonKind::Revisit`]); absent in steps stored
        /// before codes, which count as "other".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        code: Option<String>,
    },
    /// Cancelled (left, wrong day…).
    Cancel {
        /// Staff's words (kept only in the encrypted store; never on a report).
        reason: String,
        /// The reason's code ([`crate::reason::ReasonKind::Cancel`]); absent in steps stored
        /// before codes, which count as "other".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        code: Option<String>,
    },
}

impl VisitStep {
    /// The step's code, for logs and errors.
    pub fn code(&self) -> &'static str {
        match self {
            VisitStep::Call { .. } => "call",
            VisitStep::VerifyChecklist => "verify_checklist",
            VisitStep::CheckForms => "check_forms",
            VisitStep::PrepareBundle { .. } => "prepare_bundle",
            VisitStep::HandOver { .. } => "hand_over",
            VisitStep::Acknowledge { .. } => "acknowledge",
            VisitStep::ReturnItems { .. } => "return_items",
            VisitStep::Complete => "complete",
            VisitStep::Revisit { .. } => "revisit",
            VisitStep::Cancel { .. } => "cancel",
        }
    }
}

/// What the machine needs to know beyond the current state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFacts {
    /// The checklist outcome is "ready".
    pub checklist_ready: bool,
    /// Whom the bundle was handed to, while handed over.
    pub handed_to: Option<String>,
    /// When the last step happened.
    pub last_at: Option<NaiveDateTime>,
}

/// The state after `step` at `at`, or why it is refused.
pub fn next(
    state: VisitState,
    facts: &VisitFacts,
    step: &VisitStep,
    at: NaiveDateTime,
) -> Result<VisitState> {
    use VisitState as S;
    use VisitStep as T;
    let refuse = |why: &str| {
        Err(Error::NotAllowed(format!(
            "cannot {} a case that is {}: {why}",
            step.code(),
            state.code()
        )))
    };
    if state.is_terminal() {
        return refuse("it has ended");
    }
    if facts.last_at.is_some_and(|last| at < last) {
        return refuse("the time is earlier than the previous step");
    }
    let blank = |s: &str| s.trim().is_empty();
    Ok(match (state, step) {
        (S::Waiting, T::Call { seat_no }) if *seat_no > 0 => S::Called,
        (S::Called, T::VerifyChecklist) if facts.checklist_ready => S::ChecklistVerified,
        (S::Called, T::VerifyChecklist) => return refuse("the checklist is not ready"),
        (S::ChecklistVerified, T::CheckForms) => S::FormsChecked,
        (S::FormsChecked, T::PrepareBundle { items }) if !items.is_empty() => S::BundlePrepared,
        (S::BundlePrepared, T::HandOver { to }) if !blank(to) => S::HandedOver,
        (S::HandedOver, T::Acknowledge { by })
            if facts.handed_to.as_deref() == Some(by.as_str()) =>
        {
            S::Acknowledged
        }
        (S::HandedOver, T::Acknowledge { .. }) => {
            return refuse("only the city staff member it was handed to can acknowledge it")
        }
        (S::HandedOver | S::Acknowledged, T::ReturnItems { items, .. }) if !items.is_empty() => {
            S::BundlePrepared
        }
        (S::Acknowledged, T::Complete) => S::Completed,
        // A revisit is decided at the counter, before the bundle leaves it.
        (
            S::Called | S::ChecklistVerified | S::FormsChecked | S::BundlePrepared,
            T::Revisit { reason, code },
        ) if code.is_some() || !blank(reason) => S::Revisit,
        // A case can be cancelled until city staff hold the bundle.
        (
            S::Waiting | S::Called | S::ChecklistVerified | S::FormsChecked | S::BundlePrepared,
            T::Cancel { reason, code },
        ) if code.is_some() || !blank(reason) => S::Cancelled,
        _ => return refuse("not a step from here (or a required detail is missing)"),
    })
}

/// Changes to the counter workflow: a step of a case, the day's form count, and what a
/// procedure's bundle must hold. Applied by `store/visits.rs`.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum VisitMutation {
    /// One step of a case's counter workflow (call, verify, prepare, hand over, acknowledge…).
    VisitStep {
        /// Which reservation.
        number: crate::reservation_number::ReservationNumber,
        /// Which person (0-based).
        position: u32,
        /// The step.
        step: VisitStep,
        /// When (local time).
        at: NaiveDateTime,
    },
    /// Set what the city specifies for a procedure's case bundle: the documents it must hold
    /// and how many application forms it counts as (申請書の枚数).
    SetProcedureBundle {
        /// Which procedure.
        procedure: crate::procedure::Procedure,
        /// Application forms per case, 0–10.
        forms: u32,
        /// Document names the bundle must hold.
        items: Vec<String>,
    },
    /// Set the codes the city added to the reason lists (revisit, cancel, form difference),
    /// the whole list at once; a code once used stays listed (retired: not active).
    SetCityReasons {
        /// Every city code of every list.
        reasons: Vec<crate::reason::CityReason>,
    },
    /// The back office's count of application forms for a day (申請書の枚数).
    SetFormCount {
        /// Day.
        day: chrono::NaiveDate,
        /// Forms counted.
        count: u32,
        /// Staff's words on a difference (kept only in the encrypted store; never on a report).
        note: String,
        /// The difference's code ([`crate::reason::ReasonKind::FormDifference`]); absent in
        /// counts stored before codes (words alone count as "other").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// When (local time).
        at: NaiveDateTime,
        /// Whose forms (`main` in entries from before sites).
        #[serde(default, skip_serializing_if = "crate::site::SiteId::is_main")]
        site: crate::site::SiteId,
    },
}

impl VisitMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            VisitMutation::VisitStep { .. } => "visit_step",
            VisitMutation::SetFormCount { .. } => "set_form_count",
            VisitMutation::SetProcedureBundle { .. } => "set_procedure_bundle",
            VisitMutation::SetCityReasons { .. } => "set_city_reasons",
        }
    }

    /// A reservation number, a day or a procedure (never a name).
    pub fn subject(&self) -> String {
        match self {
            VisitMutation::VisitStep { number, .. } => number.to_string(),
            VisitMutation::SetFormCount { day, .. } => day.to_string(),
            VisitMutation::SetProcedureBundle { procedure, .. } => procedure.code().to_owned(),
            VisitMutation::SetCityReasons { .. } => "reasons".to_owned(),
        }
    }

    /// The step of a case.
    pub fn detail(&self) -> String {
        match self {
            VisitMutation::VisitStep { position, step, .. } => {
                format!("#{} {}", position + 1, step.code())
            }
            _ => String::new(),
        }
    }

    /// Acts of public authority are city staff's; the bundle's contents are the plan's.
    pub fn permission(&self) -> crate::people::Permission {
        use crate::people::Permission as P;
        match self {
            VisitMutation::VisitStep { step, .. } => match step {
                VisitStep::Acknowledge { .. }
                | VisitStep::ReturnItems { .. }
                | VisitStep::Complete => P::AcknowledgeHandoff,
                _ => P::CounterWork,
            },
            VisitMutation::SetFormCount { .. } => P::CounterWork,
            VisitMutation::SetProcedureBundle { .. } | VisitMutation::SetCityReasons { .. } => {
                P::ChangePlan
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(m.into())
    }

    /// Applies steps, keeping facts the way the store does.
    fn run(steps: &[(VisitStep, u32)], checklist_ready: bool) -> (VisitState, Vec<VisitState>) {
        let mut state = VisitState::Waiting;
        let mut facts = VisitFacts {
            checklist_ready,
            ..VisitFacts::default()
        };
        let mut path = vec![state];
        for (step, minute) in steps {
            if let Ok(s) = next(state, &facts, step, at(*minute)) {
                state = s;
                facts.last_at = Some(at(*minute));
                facts.handed_to = match step {
                    VisitStep::HandOver { to } => Some(to.clone()),
                    VisitStep::ReturnItems { .. } => None,
                    _ => facts.handed_to,
                };
                path.push(state);
            }
        }
        (state, path)
    }

    fn full() -> Vec<(VisitStep, u32)> {
        vec![
            (VisitStep::Call { seat_no: 2 }, 5),
            (VisitStep::VerifyChecklist, 8),
            (VisitStep::CheckForms, 15),
            (
                VisitStep::PrepareBundle {
                    items: vec!["交付申請書".into()],
                },
                20,
            ),
            (
                VisitStep::HandOver {
                    to: "市職員 田中".into(),
                },
                22,
            ),
            (
                VisitStep::Acknowledge {
                    by: "市職員 田中".into(),
                },
                23,
            ),
            (VisitStep::Complete, 40),
        ]
    }

    #[test]
    fn a_full_visit_completes() {
        assert_eq!(run(&full(), true).0, VisitState::Completed);
    }

    #[test]
    fn refusals_say_why() {
        let facts = VisitFacts::default();
        let err = next(
            VisitState::Called,
            &facts,
            &VisitStep::VerifyChecklist,
            at(1),
        )
        .unwrap_err();
        assert!(err.to_string().contains("checklist is not ready"), "{err}");
        let handed = VisitFacts {
            handed_to: Some("田中".into()),
            ..facts.clone()
        };
        let err = next(
            VisitState::HandedOver,
            &handed,
            &VisitStep::Acknowledge {
                by: "佐藤".into()
            },
            at(1),
        )
        .unwrap_err();
        assert!(err.to_string().contains("handed to"), "{err}");
        let late = VisitFacts {
            last_at: Some(at(10)),
            ..facts
        };
        assert!(
            next(
                VisitState::Waiting,
                &late,
                &VisitStep::Call { seat_no: 1 },
                at(9)
            )
            .is_err(),
            "time going backwards"
        );
        assert!(next(
            VisitState::Completed,
            &VisitFacts::default(),
            &VisitStep::Cancel {
                reason: "x".into(),
                code: None
            },
            at(1)
        )
        .is_err());
        assert!(next(
            VisitState::HandedOver,
            &VisitFacts::default(),
            &VisitStep::Cancel {
                reason: "x".into(),
                code: None
            },
            at(1)
        )
        .is_err());
    }

    #[test]
    fn returned_items_go_back_to_the_counter_and_round_again() {
        let mut steps = full();
        steps.insert(
            6,
            (
                VisitStep::ReturnItems {
                    items: vec!["写真".into()],
                    note: "写真の貼り直し".into(),
                },
                30,
            ),
        );
        // After the return, the completion step is refused until handed and acknowledged again.
        let (state, _) = run(&steps, true);
        assert_eq!(state, VisitState::BundlePrepared);
        steps.push((
            VisitStep::HandOver {
                to: "市職員 鈴木".into(),
            },
            41,
        ));
        steps.push((
            VisitStep::Acknowledge {
                by: "市職員 鈴木".into(),
            },
            42,
        ));
        steps.push((VisitStep::Complete, 50));
        assert_eq!(run(&steps, true).0, VisitState::Completed);
    }

    fn step() -> impl Strategy<Value = VisitStep> {
        let staff =
            prop::sample::select(vec!["田中".to_string(), "佐藤".to_string(), String::new()]);
        prop_oneof![
            (0u32..4).prop_map(|seat_no| VisitStep::Call { seat_no }),
            Just(VisitStep::VerifyChecklist),
            Just(VisitStep::CheckForms),
            prop::bool::ANY.prop_map(|some| VisitStep::PrepareBundle {
                items: if some {
                    vec!["申請書".into()]
                } else {
                    vec![]
                }
            }),
            staff.clone().prop_map(|to| VisitStep::HandOver { to }),
            staff.prop_map(|by| VisitStep::Acknowledge { by }),
            Just(VisitStep::ReturnItems {
                items: vec!["写真".into()],
                note: String::new()
            }),
            Just(VisitStep::Complete),
            Just(VisitStep::Revisit {
                reason: "書類不足".into(),
                code: None,
            }),
            Just(VisitStep::Cancel {
                reason: String::new(),
                code: Some("left".into()),
            }),
        ]
    }

    proptest! {
        /// Whatever staff try, in whatever order and at whatever times: completed only after
        /// the checklist was verified and city staff acknowledged the bundle they were handed;
        /// the accepted steps' times never go backwards; at most one terminal state, last.
        #[test]
        fn the_workflow_invariants_hold(
            steps in prop::collection::vec((step(), 0u32..120), 0..40),
            checklist_ready in any::<bool>(),
        ) {
            let mut state = VisitState::Waiting;
            let mut facts = VisitFacts { checklist_ready, ..VisitFacts::default() };
            let mut path = vec![state];
            let mut times = Vec::new();
            let mut acknowledged_since_handover = false;
            for (step, minute) in &steps {
                let Ok(after) = next(state, &facts, step, at(*minute)) else { continue };
                times.push(*minute);
                match step {
                    VisitStep::HandOver { to } => { facts.handed_to = Some(to.clone()); acknowledged_since_handover = false; }
                    VisitStep::Acknowledge { by } => {
                        prop_assert_eq!(Some(by.clone()), facts.handed_to.clone(), "acknowledged by whom it was handed to");
                        acknowledged_since_handover = true;
                    }
                    VisitStep::ReturnItems { .. } => { facts.handed_to = None; acknowledged_since_handover = false; }
                    _ => {}
                }
                if after == VisitState::Completed {
                    prop_assert!(path.contains(&VisitState::ChecklistVerified), "completed without a verified checklist");
                    prop_assert!(acknowledged_since_handover, "completed without city staff acknowledging the bundle");
                    prop_assert!(checklist_ready);
                }
                facts.last_at = Some(at(*minute));
                state = after;
                path.push(state);
            }
            prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "times went backwards: {:?}", times);
            let terminals = path.iter().filter(|s| s.is_terminal()).count();
            prop_assert!(terminals <= 1, "{:?}", path);
            if terminals == 1 {
                prop_assert!(path.last().unwrap().is_terminal(), "a terminal state is the last");
            }
            // And a case still open can always be brought to exactly one end.
            let later = |m: u32| at(200 + m);
            let ended = match state {
                s if s.is_terminal() => s,
                VisitState::HandedOver => {
                    let by = facts.handed_to.clone().unwrap();
                    let s = next(state, &facts, &VisitStep::Acknowledge { by }, later(0)).unwrap();
                    next(s, &facts, &VisitStep::Complete, later(1)).unwrap()
                }
                VisitState::Acknowledged => next(state, &facts, &VisitStep::Complete, later(0)).unwrap(),
                _ => next(state, &facts, &VisitStep::Cancel { reason: String::new(), code: Some("other".into()) }, later(0)).unwrap(),
            };
            prop_assert!(ended.is_terminal());
        }
    }
}
