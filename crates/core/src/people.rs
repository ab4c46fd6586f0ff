//! Who may do what: roles from the staff roster (業務従事者名簿), the permissions each role
//! carries, and the actor a store acts for. Pure: the store checks these before every change
//! and every read of personal data, so a hidden button is never the only guard.
//!
//! The rules come from the seeds: the manager and deputy (業務管理者・副管理者) run the plan, the
//! roster, the reports and the end-of-contract wipe; counter staff (従事者) do the counter,
//! phone and back-office work; city staff (市職員) receive bundles by hand and do the acts of
//! public authority, so only they acknowledge a handoff and complete an issue.
use serde::{Deserialize, Serialize};

coded_enum! {
    /// A role on the staff roster.
    Role {
        /// 業務管理者.
        Manager = "manager",
        /// 副管理者 (acts for the manager).
        Deputy = "deputy",
        /// 従事者: counter, reception, phone and back office.
        Staff = "staff",
        /// 市職員: receives bundles, PIN setting and issue.
        CityStaff = "city_staff",
    }
}

impl Role {
    /// Whether this role carries `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            // The manager and deputy run the contract; acts of public authority stay with the city.
            Role::Manager | Role::Deputy => !matches!(permission, P::AcknowledgeHandoff),
            // Staff hand trouble to the manager (000 §8(2)ウH): they may open an incident.
            Role::Staff => matches!(
                permission,
                P::ReadPersonal | P::CounterWork | P::HandleInquiries | P::ReportIncident
            ),
            Role::CityStaff => matches!(
                permission,
                P::ReadPersonal | P::AcknowledgeHandoff | P::ConfirmLending
            ),
        }
    }
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the personal data of bookings and cases.
    ReadPersonal,
    /// Book, check in, record checklists, take a case through the counter, count forms.
    CounterWork,
    /// Acknowledge a handed bundle, give items back, complete the issue (city staff).
    AcknowledgeHandoff,
    /// Change the slot plan, rules, durations, bundles, holiday sessions and closures.
    ChangePlan,
    /// Add staff, change roles and PINs, unlock a locked-out member, read attendance.
    ManageStaff,
    /// Record inquiries and complaints and their response steps.
    HandleInquiries,
    /// Close a complaint as resolved.
    ResolveComplaint,
    /// Keep the ledger of materials lent by the city (contractor side).
    ManageLending,
    /// Confirm a lent material's return for the city.
    ConfirmLending,
    /// Read and verify the audit trail.
    ViewAudit,
    /// Produce and submit the daily and monthly reports.
    SubmitReports,
    /// Run the end-of-contract wipe.
    Wipe,
    /// Keep the contractor's paperwork: roster submissions, training records, the work log,
    /// incidents' follow-up and closing, the improvement cycle.
    ManagePaperwork,
    /// Open an incident and add notes and immediate actions to it.
    ReportIncident,
    /// Reset a training store to its training day.
    ResetTrainingDay,
}

impl Permission {
    /// The code, for errors and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Permission::ReadPersonal => "read_personal",
            Permission::CounterWork => "counter_work",
            Permission::AcknowledgeHandoff => "acknowledge_handoff",
            Permission::ChangePlan => "change_plan",
            Permission::ManageStaff => "manage_staff",
            Permission::HandleInquiries => "handle_inquiries",
            Permission::ResolveComplaint => "resolve_complaint",
            Permission::ManageLending => "manage_lending",
            Permission::ConfirmLending => "confirm_lending",
            Permission::ViewAudit => "view_audit",
            Permission::SubmitReports => "submit_reports",
            Permission::Wipe => "wipe",
            Permission::ManagePaperwork => "manage_paperwork",
            Permission::ReportIncident => "report_incident",
            Permission::ResetTrainingDay => "reset_training_day",
        }
    }
}

/// Changes to the roster (業務従事者名簿): the people domain's mutations, applied by
/// `store/people.rs`. PINs travel and are stored only as argon2id hashes.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum StaffMutation {
    /// A member added to the roster, with their PIN as an argon2id hash.
    AddStaff {
        /// Staff ID.
        code: String,
        /// Name.
        name: String,
        /// Role.
        role: Role,
        /// PHC string of the PIN (the PIN itself is never stored or sent).
        pin_hash: String,
        /// On the roster and able to sign in: false for a member a manager adds without a
        /// valid security training (docs/design/paperwork.md §3.2). Entries without it (all
        /// before issue 23) read as active, and an active one is written as before.
        #[serde(default = "active_by_default", skip_serializing_if = "is_active")]
        active: bool,
    },
    /// A member's role changed, or taken off / back on the roster.
    UpdateStaff {
        /// Staff ID.
        code: String,
        /// Role.
        role: Role,
        /// On the roster.
        active: bool,
    },
    /// A member's PIN set anew (as its hash).
    SetPinHash {
        /// Staff ID.
        code: String,
        /// PHC string of the PIN.
        pin_hash: String,
    },
}

fn active_by_default() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_active(active: &bool) -> bool {
    *active
}

impl StaffMutation {
    /// The audit trail's name for it (these predate the roster syncing: kept).
    pub fn kind(&self) -> &'static str {
        match self {
            StaffMutation::AddStaff { .. } => "staff_add",
            StaffMutation::UpdateStaff { .. } => "staff_update",
            StaffMutation::SetPinHash { .. } => "staff_reset_pin",
        }
    }

    /// The staff ID.
    pub fn subject(&self) -> String {
        match self {
            StaffMutation::AddStaff { code, .. }
            | StaffMutation::UpdateStaff { code, .. }
            | StaffMutation::SetPinHash { code, .. } => code.clone(),
        }
    }

    /// The role (and standing), never the PIN.
    pub fn detail(&self) -> String {
        match self {
            StaffMutation::AddStaff {
                role, active: true, ..
            } => role.code().to_owned(),
            StaffMutation::AddStaff { role, .. } => format!("{} active=false", role.code()),
            StaffMutation::UpdateStaff { role, active, .. } => {
                format!("{} active={active}", role.code())
            }
            StaffMutation::SetPinHash { .. } => String::new(),
        }
    }

    /// The manager's and deputy's.
    pub fn permission(&self) -> Permission {
        Permission::ManageStaff
    }
}

/// Who a store is acting for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A member of the roster, signed in at this seat with their PIN.
    Staff {
        /// Staff ID on the roster (e.g. "S001").
        code: String,
        /// Name as on the roster.
        name: String,
        /// Role.
        role: Role,
    },
    /// The holder of the site passphrase acting without a roster sign-in: the `madoguchi`
    /// command, the hub re-executing pushed mutations, demo seeding. Never the desktop app.
    Site {
        /// What is acting (e.g. "cli", "hub").
        tool: String,
    },
}

impl Actor {
    /// Whether the actor may do `permission` (the site administrator may do everything).
    pub fn allows(&self, permission: Permission) -> bool {
        match self {
            Actor::Staff { role, .. } => role.allows(permission),
            Actor::Site { .. } => true,
        }
    }

    /// How the actor is named in the audit trail and the chain of custody.
    pub fn label(&self) -> String {
        match self {
            Actor::Staff { code, .. } => code.clone(),
            Actor::Site { tool } => format!("site:{tool}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_table_follows_the_contract() {
        use Permission as P;
        for p in [
            P::ChangePlan,
            P::ManageStaff,
            P::SubmitReports,
            P::Wipe,
            P::ResolveComplaint,
        ] {
            assert!(Role::Manager.allows(p) && Role::Deputy.allows(p), "{p:?}");
            assert!(
                !Role::Staff.allows(p) && !Role::CityStaff.allows(p),
                "{p:?}"
            );
        }
        for role in [Role::Manager, Role::Deputy, Role::Staff] {
            assert!(
                !role.allows(P::AcknowledgeHandoff),
                "only city staff: {role:?}"
            );
        }
        assert!(Role::CityStaff.allows(P::AcknowledgeHandoff));
        assert!(!Role::CityStaff.allows(P::CounterWork));
        for &role in Role::ALL {
            assert!(role.allows(P::ReadPersonal));
            assert_eq!(Role::from_code(role.code()).unwrap(), role);
        }
    }
}
