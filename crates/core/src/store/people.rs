//! The staff roster, PIN sign-in per seat, the session a store acts for, and the permission
//! check every change and every read of personal data goes through.
//!
//! * PINs are kept only as argon2id hashes. Five wrong PINs in a row lock the member out for
//!   [`LOCKOUT`]; a manager can lift it sooner. An unknown staff ID and a wrong PIN give the
//!   same error.
//! * A sign-in ends by signing out, by another member signing in at the seat, by the store
//!   being locked or closed, or after [`IDLE_SIGN_OUT`] without activity. The rows of
//!   `sign_ins` are the attendance record (出勤記録) the city may ask for.
//! * [`Actor::Site`] is the holder of the site passphrase without a roster sign-in (the CLI,
//!   the hub, seeding); the desktop app never acts as it.
use crate::mutation::{Mutation, StaffMutation};
use std::cell::RefCell;

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Store, DATETIME};
use crate::{
    people::{Actor, Permission, Role},
    Error, Result,
};

/// Without activity for this long, a sign-in ends.
pub const IDLE_SIGN_OUT: Duration = Duration::minutes(15);
/// Wrong PINs in a row that lock a member out.
pub const MAX_PIN_FAILURES: u32 = 5;
/// How long a lock-out lasts unless a manager lifts it.
pub const LOCKOUT: Duration = Duration::minutes(15);

/// A staff PIN as typed: 4 to 8 digits. Zeroised on drop; never printed.
pub struct Pin(Zeroizing<String>);

impl<'de> Deserialize<'de> for Pin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Pin, D::Error> {
        String::deserialize(d).map(Pin::new)
    }
}

impl Pin {
    /// Wraps a typed PIN.
    pub fn new(pin: impl Into<String>) -> Pin {
        Pin(Zeroizing::new(pin.into()))
    }

    fn checked(&self) -> Result<&str> {
        let pin = self.0.as_str();
        if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
            Ok(pin)
        } else {
            Err(Error::Invalid("a PIN is 4 to 8 digits".into()))
        }
    }
}

/// Sent to the hub only inside a TLS connection pinned at both ends (a manager's proof for
/// hub administration); never written anywhere.
impl Serialize for Pin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl Clone for Pin {
    fn clone(&self) -> Pin {
        Pin::new(self.0.as_str())
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// A member of the roster as the screens show it (no PIN hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    /// Staff ID (e.g. "S001").
    pub code: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Still on the roster (inactive members cannot sign in; their records stay).
    pub active: bool,
    /// Locked out after wrong PINs until this local time.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub locked_until: Option<NaiveDateTime>,
}

/// A new member of the roster.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewStaff {
    /// Staff ID: letters, digits and hyphens, up to 20.
    pub code: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// First PIN.
    pub pin: Pin,
}

/// One sign-in, as the attendance record lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Attendance {
    /// Staff ID.
    pub code: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Seat (PC) signed in at.
    pub seat: String,
    /// The site it was at.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub site: crate::site::SiteId,
    /// Signed in.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub signed_in_at: NaiveDateTime,
    /// Signed out (none while still signed in).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub signed_out_at: Option<NaiveDateTime>,
    /// How it ended: sign_out, idle, replaced, locked, deactivated, closed.
    pub ended_by: Option<String>,
}

/// The session of a store: who it acts for, and since when.
#[derive(Debug, Default)]
pub(crate) struct Session {
    current: RefCell<Option<Current>>,
    /// The actor of the mutation being applied (for the chain of custody).
    acting: RefCell<String>,
}

impl Session {
    pub(crate) fn set_acting(&self, actor: &Actor) {
        *self.acting.borrow_mut() = actor.label();
    }

    pub(crate) fn acting(&self) -> String {
        self.acting.borrow().clone()
    }
}

#[derive(Debug, Clone)]
struct Current {
    actor: Actor,
    /// The `sign_ins` row (none for the site actor).
    sign_in: Option<i64>,
    last_active: NaiveDateTime,
}

impl Store {
    /// Runs `f` as the site actor `tool` (seeding a training store's day on a manager's
    /// request), then gives the session back to whoever held it.
    pub(crate) fn as_site_while<T>(
        &self,
        tool: &str,
        f: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<T> {
        let held = self.session.current.replace(Some(Current {
            actor: Actor::Site {
                tool: tool.to_owned(),
            },
            sign_in: None,
            last_active: self.now(),
        }));
        let result = f(self);
        *self.session.current.borrow_mut() = held;
        result
    }

    /// Acts as the holder of the site passphrase (CLI, hub, seeding): every permission, recorded
    /// in the audit trail as `site:<tool>`. The desktop app never calls this.
    pub fn act_as_site(self, tool: &str) -> Store {
        *self.session.current.borrow_mut() = Some(Current {
            actor: Actor::Site {
                tool: tool.to_owned(),
            },
            sign_in: None,
            last_active: self.now(),
        });
        self
    }

    /// Who the store acts for now, if anyone (an idle sign-in has ended).
    pub fn signed_in(&self) -> Result<Option<Actor>> {
        self.end_if_idle()?;
        Ok(self
            .session
            .current
            .borrow()
            .as_ref()
            .map(|c| c.actor.clone()))
    }

    /// Signs a member in at this seat with their PIN; whoever was signed in is signed out.
    pub fn sign_in(&self, code: &str, pin: &Pin) -> Result<Actor> {
        let member = self.check_pin(code, pin)?;
        let site = self.site()?;
        self.check_rostered_at(&member.code, member.role, &site)?;
        self.end_session("replaced")?;
        let now = self.now();
        self.conn().execute(
            "INSERT INTO sign_ins (staff_code, seat, signed_in_at, site_id) VALUES (?1, ?2, ?3, ?4)",
            params![
                member.code,
                self.meta().seat_name,
                now.format(DATETIME).to_string(),
                site.as_str()
            ],
        )?;
        let actor = Actor::Staff {
            code: member.code.clone(),
            name: member.name,
            role: member.role,
        };
        *self.session.current.borrow_mut() = Some(Current {
            actor: actor.clone(),
            sign_in: Some(self.conn().last_insert_rowid()),
            last_active: now,
        });
        self.audit(&actor, "sign_in", &member.code, "")?;
        Ok(actor)
    }

    /// Signs out whoever is signed in at this seat.
    pub fn sign_out(&self) -> Result<()> {
        self.end_session("sign_out")
    }

    /// Ends the sign-in because the store is being locked (Ctrl+L, the lock button).
    pub fn end_sign_in_on_lock(&self) -> Result<()> {
        self.end_session("locked")
    }

    /// The actor, if they may do `permission`; refusals are recorded in the audit trail. Every
    /// use counts as activity for the idle sign-out.
    pub(crate) fn require(&self, permission: Permission) -> Result<Actor> {
        self.end_if_idle()?;
        let mut current = self.session.current.borrow_mut();
        let Some(session) = current.as_mut() else {
            return Err(Error::NotSignedIn);
        };
        if !session.actor.allows(permission) {
            let actor = session.actor.clone();
            drop(current);
            self.audit(&actor, "denied", permission.code(), "")?;
            return Err(Error::Forbidden {
                permission: permission.code(),
            });
        }
        session.last_active = self.now();
        Ok(session.actor.clone())
    }

    /// Checks a member's PIN (sign-in, or city staff acknowledging a handoff with their own
    /// PIN at someone else's seat), counting failures towards the lock-out.
    pub fn check_pin(&self, code: &str, pin: &Pin) -> Result<StaffMember> {
        let pin = pin.checked().map_err(|_| Error::WrongPin)?;
        let row: Option<(StaffMember, String, u32)> = self
            .conn()
            .query_row(
                "SELECT s.code, s.name, s.role, s.active, l.locked_until, s.pin_hash, coalesce(l.failed_attempts, 0)
                 FROM staff s LEFT JOIN staff_lockout l ON l.code = s.code WHERE s.code = ?1",
                [code.trim()],
                |r| Ok((staff_row(r)?, r.get(5)?, r.get(6)?)),
            )
            .optional()?;
        let Some((member, hash, failures)) = row else {
            // A new seat writes the hub's rows as they come: until the roster is in, nobody
            // can sign in, and saying so is no clue to which IDs exist.
            if self.first_load_pending()? && self.roster_is_empty()? {
                return Err(Error::FirstLoad);
            }
            return Err(Error::WrongPin);
        };
        if !member.active {
            return Err(Error::WrongPin);
        }
        let now = self.now();
        if let Some(until) = member.locked_until.filter(|until| *until > now) {
            return Err(Error::StaffLocked {
                until: until.format("%H:%M").to_string(),
            });
        }
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| Error::Invalid(format!("stored PIN hash: {e}")))?;
        if Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
        {
            self.conn()
                .execute("DELETE FROM staff_lockout WHERE code = ?1", [&member.code])?;
            return Ok(StaffMember {
                locked_until: None,
                ..member
            });
        }
        let failures = failures + 1;
        let locked = (failures >= MAX_PIN_FAILURES).then(|| now + LOCKOUT);
        self.conn().execute(
            "INSERT INTO staff_lockout (code, failed_attempts, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT (code) DO UPDATE SET failed_attempts = excluded.failed_attempts,
                 locked_until = excluded.locked_until",
            params![
                member.code,
                if locked.is_some() { 0 } else { failures },
                locked.map(|t| t.format(DATETIME).to_string())
            ],
        )?;
        let site = Actor::Site {
            tool: "pin-check".into(),
        };
        self.audit(&site, "wrong_pin", &member.code, &format!("{failures}"))?;
        Err(match locked {
            Some(until) => Error::StaffLocked {
                until: until.format("%H:%M").to_string(),
            },
            None => Error::WrongPin,
        })
    }

    /// Adds a member to the roster (manager / deputy; the site actor for the first manager).
    /// A mutation: the roster syncs to every seat.
    pub fn add_staff(&self, new: NewStaff) -> Result<StaffMember> {
        let code = new.code.trim().to_uppercase();
        if self.staff_member(&code).is_ok() {
            return Err(Error::NotAllowed(format!(
                "staff ID {code} is already on the roster"
            )));
        }
        let pin_hash = hash_pin(&new.pin)?;
        // The security gate (docs/design/paperwork.md §3.2): a member a signed-in manager adds
        // without a valid passed security training is added inactive; the site actor passes,
        // audited.
        let untrained = self.lacks_security_training(&code, new.role)?;
        let gated = untrained && self.gated_actor()?.is_some();
        self.execute(Mutation::Staff(StaffMutation::AddStaff {
            code: code.clone(),
            name: new.name,
            role: new.role,
            pin_hash,
            active: !gated,
        }))?;
        if let (true, false, Some(actor)) = (untrained, gated, self.signed_in()?) {
            self.audit(&actor, "staff_added_untrained", &code, new.role.code())?;
        }
        self.staff_member(&code)
    }

    /// Changes a member's role, or takes them off / back on the roster.
    pub fn update_staff(&self, code: &str, role: Role, active: bool) -> Result<StaffMember> {
        let actor = self.require(Permission::ManageStaff)?;
        let member = self.staff_member(code)?;
        if actor.label() == code && !(active && matches!(role, Role::Manager | Role::Deputy)) {
            return Err(Error::NotAllowed(
                "a manager cannot remove their own management role".into(),
            ));
        }
        // The security gate: an inactive member becomes active, and a city staff member becomes
        // a contractor's, only with a valid passed security training, when a member acts; the
        // site actor passes, audited.
        let newly_contractor = !member.active || member.role == Role::CityStaff;
        if active && newly_contractor && self.lacks_security_training(code, role)? {
            if matches!(actor, Actor::Staff { .. }) {
                return Err(Error::SecurityTrainingMissing {
                    code: code.to_owned(),
                });
            }
            self.audit(&actor, "staff_activated_untrained", code, role.code())?;
        }
        self.execute(Mutation::Staff(StaffMutation::UpdateStaff {
            code: code.to_owned(),
            role,
            active,
        }))?;
        self.staff_member(code)
    }

    /// Sets a new PIN for a member and lifts any lock-out.
    pub fn reset_pin(&self, code: &str, pin: &Pin) -> Result<StaffMember> {
        self.require(Permission::ManageStaff)?;
        self.staff_member(code)?;
        let pin_hash = hash_pin(pin)?;
        self.execute(Mutation::Staff(StaffMutation::SetPinHash {
            code: code.to_owned(),
            pin_hash,
        }))?;
        // The lock-out is this seat's own record.
        self.conn()
            .execute("DELETE FROM staff_lockout WHERE code = ?1", [code])?;
        self.staff_member(code)
    }

    /// Applies a roster change (the people domain's mutations).
    pub(super) fn apply_staff(&self, m: &StaffMutation) -> Result<()> {
        match m {
            StaffMutation::AddStaff {
                code,
                name,
                role,
                pin_hash,
                active,
            } => self.apply_add_staff(code, name, *role, pin_hash, *active),
            StaffMutation::UpdateStaff { code, role, active } => {
                self.apply_update_staff(code, *role, *active)
            }
            StaffMutation::SetPinHash { code, pin_hash } => self.apply_set_pin_hash(code, pin_hash),
        }
    }

    pub(super) fn apply_add_staff(
        &self,
        code: &str,
        name: &str,
        role: Role,
        pin_hash: &str,
        active: bool,
    ) -> Result<()> {
        if code.is_empty()
            || code.len() > 20
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::Invalid(
                "a staff ID is 1 to 20 letters, digits or hyphens".into(),
            ));
        }
        let name = super::required_label("name", name)?;
        PasswordHash::new(pin_hash).map_err(|e| Error::Invalid(format!("PIN hash: {e}")))?;
        if let Ok(existing) = self.staff_member(code) {
            // Two seats that added the same member (the same roster seeded on each) agree:
            // the first one stands. A different person under the same ID is a conflict.
            if existing.name == name && existing.role == role {
                return Ok(());
            }
            return Err(Error::NotAllowed(format!(
                "staff ID {code} is already on the roster"
            )));
        }
        self.conn().execute(
            "INSERT INTO staff (code, name, role, pin_hash, created_at, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![code, name, role.code(), pin_hash, self.origin().at.format(DATETIME).to_string(), active],
        )?;
        Ok(())
    }

    pub(super) fn apply_update_staff(&self, code: &str, role: Role, active: bool) -> Result<()> {
        self.staff_member(code)?;
        self.conn().execute(
            "UPDATE staff SET role = ?2, active = ?3 WHERE code = ?1",
            params![code, role.code(), active],
        )?;
        Ok(())
    }

    pub(super) fn apply_set_pin_hash(&self, code: &str, pin_hash: &str) -> Result<()> {
        self.staff_member(code)?;
        PasswordHash::new(pin_hash).map_err(|e| Error::Invalid(format!("PIN hash: {e}")))?;
        self.conn().execute(
            "UPDATE staff SET pin_hash = ?2 WHERE code = ?1",
            params![code, pin_hash],
        )?;
        Ok(())
    }

    /// The roster, by role then ID (any signed-in member may read it: handoffs name city staff).
    pub fn staff(&self) -> Result<Vec<StaffMember>> {
        self.require(Permission::ReadPersonal)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.code, s.name, s.role, s.active, l.locked_until
             FROM staff s LEFT JOIN staff_lockout l ON l.code = s.code
             ORDER BY CASE s.role WHEN 'manager' THEN 0 WHEN 'deputy' THEN 1 WHEN 'staff' THEN 2 ELSE 3 END, s.code",
        )?;
        let rows = stmt.query_map([], staff_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether anyone is on the roster yet (the app asks for the first manager otherwise).
    pub fn roster_is_empty(&self) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM staff)", [], |r| r.get(0))?)
    }

    /// Sign-ins that began on `from` ..= `to` (the attendance record), oldest first.
    pub fn attendance(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Attendance>> {
        let actor = self.require(Permission::ManageStaff)?;
        self.audit(&actor, "read_attendance", &format!("{from}..{to}"), "")?;
        let mut stmt = self.conn().prepare_cached(
            // A sign-in stays in the record even while its member is missing from the roster
            // (the roster is the hub's; the attendance record is this PC's).
            "SELECT i.staff_code, coalesce(s.name, ''), coalesce(s.role, 'staff'), i.seat, i.signed_in_at, i.signed_out_at, i.ended_by, i.site_id
             FROM sign_ins i LEFT JOIN staff s ON s.code = i.staff_code
             WHERE i.signed_in_at >= ?1 AND i.signed_in_at < ?2 ORDER BY i.signed_in_at, i.id",
        )?;
        let rows = stmt.query_map(
            params![from.to_string(), (to + Duration::days(1)).to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )?;
        rows.map(|row| {
            let (code, name, role, seat, at, out, ended_by, site) = row?;
            Ok(Attendance {
                code,
                name,
                role: Role::from_code(&role)?,
                seat,
                site: site.parse()?,
                signed_in_at: parse(&at)?,
                signed_out_at: out.as_deref().map(parse).transpose()?,
                ended_by,
            })
        })
        .collect()
    }

    /// The attendance record as CSV (UTF-8 with BOM, so Excel opens it), with Japanese headers.
    pub fn attendance_csv(&self, from: NaiveDate, to: NaiveDate) -> Result<String> {
        let mut out = String::from("\u{feff}職員番号,氏名,役割,席,拠点,出勤,退出,終了の理由\r\n");
        let sites = self.sites()?;
        for a in self.attendance(from, to)? {
            let site = sites
                .iter()
                .find(|s| s.id == a.site)
                .map_or_else(|| a.site.to_string(), |s| s.name.clone());
            let fields = [
                a.code,
                a.name,
                role_ja(a.role).to_owned(),
                a.seat,
                site,
                a.signed_in_at.format("%Y-%m-%d %H:%M").to_string(),
                a.signed_out_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                a.ended_by.as_deref().map(ended_ja).unwrap_or("").to_owned(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }

    pub(crate) fn staff_member(&self, code: &str) -> Result<StaffMember> {
        self.conn()
            .query_row(
                "SELECT s.code, s.name, s.role, s.active, l.locked_until
                 FROM staff s LEFT JOIN staff_lockout l ON l.code = s.code WHERE s.code = ?1",
                [code],
                staff_row,
            )
            .optional()?
            .ok_or(Error::NotFound("staff member"))
    }

    /// Ends the session, recording how (no-op when nobody is signed in).
    pub(crate) fn end_session(&self, how: &str) -> Result<()> {
        let Some(current) = self.session.current.borrow_mut().take() else {
            return Ok(());
        };
        let at = match how {
            "idle" => current.last_active + IDLE_SIGN_OUT,
            _ => self.now(),
        };
        if let Some(id) = current.sign_in {
            self.conn().execute(
                "UPDATE sign_ins SET signed_out_at = ?2, ended_by = ?3 WHERE id = ?1 AND signed_out_at IS NULL",
                params![id, at.format(DATETIME).to_string(), how],
            )?;
            self.audit(&current.actor, "sign_out", &current.actor.label(), how)?;
        }
        Ok(())
    }

    /// After rows arrived by sync: the signed-in member's role or standing may have changed on
    /// another seat. A member taken off the roster is signed out at once; a new role applies to
    /// the next action. Sync never counts as activity, so it never keeps a sign-in alive.
    pub(crate) fn refresh_session(&self) -> Result<()> {
        let code = match self.session.current.borrow().as_ref().map(|c| &c.actor) {
            Some(Actor::Staff { code, .. }) => code.clone(),
            _ => return Ok(()),
        };
        let member = self.staff_member(&code).ok();
        match member {
            Some(m) if m.active => {
                if let Some(current) = self.session.current.borrow_mut().as_mut() {
                    current.actor = Actor::Staff {
                        code: m.code,
                        name: m.name,
                        role: m.role,
                    };
                }
                Ok(())
            }
            _ => self.end_session("deactivated"),
        }
    }

    fn end_if_idle(&self) -> Result<()> {
        let idle = self
            .session
            .current
            .borrow()
            .as_ref()
            .is_some_and(|c| c.sign_in.is_some() && self.now() - c.last_active > IDLE_SIGN_OUT);
        if idle {
            self.end_session("idle")?;
        }
        Ok(())
    }
}

fn hash_pin(pin: &Pin) -> Result<String> {
    let pin = pin.checked()?;
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Ok(Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| Error::Invalid(format!("hashing the PIN: {e}")))?
        .to_string())
}

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffMember> {
    let role: String = r.get(2)?;
    let locked: Option<String> = r.get(4)?;
    Ok(StaffMember {
        code: r.get(0)?,
        name: r.get(1)?,
        role: Role::from_code(&role).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        active: r.get(3)?,
        locked_until: locked
            .as_deref()
            .and_then(|t| NaiveDateTime::parse_from_str(t, DATETIME).ok()),
    })
}

fn parse(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, DATETIME)
        .map_err(|e| Error::Invalid(format!("stored time {s:?}: {e}")))
}

/// Quotes a CSV field when it holds a comma, quote or line break.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn role_ja(role: Role) -> &'static str {
    match role {
        Role::Manager => "業務管理者",
        Role::Deputy => "副管理者",
        Role::Staff => "従事者",
        Role::CityStaff => "市職員",
    }
}

fn ended_ja(how: &str) -> &'static str {
    match how {
        "sign_out" => "退出",
        "idle" => "無操作による自動退出",
        "replaced" => "別の職員がサインイン",
        "locked" => "ロック",
        "deactivated" => "名簿の変更により退出",
        _ => "アプリ終了",
    }
}
