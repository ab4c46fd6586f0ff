//! The ledger of materials lent by the city (貸与資料, seed 000 1.4(2)): what, how many, when and
//! by whom it was lent, where it is kept, and its return, confirmed on both sides: the
//! contractor's manager or deputy records the return, and a city staff member confirms it with
//! their own PIN. Nothing is deleted; a material stays listed until confirmed returned.
use crate::mutation::{LendingMutation, Mutation};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

use super::{people::Pin, Store, DATE};
pub use crate::lending::{LentMaterial, NewLentMaterial};
use crate::{
    people::{Actor, Permission, Role},
    Error, Result,
};

impl Store {
    /// Records a material received from the city (a mutation: it syncs to every seat).
    pub fn lend(&self, new: NewLentMaterial) -> Result<LentMaterial> {
        let id = Uuid::now_v7();
        self.execute(Mutation::Lending(LendingMutation::LendMaterial {
            id,
            material: new,
        }))?;
        self.lent_material(id)
    }

    /// Records a material handed back to the city on `day`.
    pub fn return_material(&self, id: Uuid, day: NaiveDate) -> Result<LentMaterial> {
        self.execute(Mutation::Lending(LendingMutation::ReturnMaterial {
            id,
            day,
        }))?;
        self.lent_material(id)
    }

    /// A city staff member confirms, with their own PIN, that the material came back.
    pub fn confirm_return(&self, id: Uuid, city_code: &str, pin: &Pin) -> Result<LentMaterial> {
        self.require(Permission::ReadPersonal)?;
        let member = self.check_pin(city_code, pin)?;
        let city = Actor::Staff {
            code: member.code.clone(),
            name: member.name,
            role: member.role,
        };
        if member.role != Role::CityStaff {
            self.audit(&city, "denied", Permission::ConfirmLending.code(), "")?;
            return Err(Error::Forbidden {
                permission: Permission::ConfirmLending.code(),
            });
        }
        // Executed as the city staff member: the permission check, the audit entry and the
        // recorded confirmer are theirs.
        self.execute_batch_as(
            Some(&city),
            &[Mutation::Lending(LendingMutation::ConfirmReturn { id })],
        )?
        .pop()
        .expect("one result per mutation")?;
        self.lent_material(id)
    }

    /// Applies a ledger change.
    pub(super) fn apply_lending(&self, m: &LendingMutation) -> Result<()> {
        match m {
            LendingMutation::LendMaterial { id, material } => self.apply_lend(*id, material),
            LendingMutation::ReturnMaterial { id, day } => self.apply_return(*id, *day),
            LendingMutation::ConfirmReturn { id } => self.apply_confirm_return(*id),
        }
    }

    pub(super) fn apply_lend(&self, id: Uuid, new: &NewLentMaterial) -> Result<()> {
        for (field, text) in [
            ("lending note", &new.note),
            ("lent item", &new.item),
            ("lent by", &new.lent_by),
            ("kept at", &new.kept_at),
        ] {
            crate::my_number::refuse_in_text(field, text)?;
        }
        let item = super::required_label("lent item", &new.item)?;
        let lent_by = super::required_label("lent by", &new.lent_by)?;
        let kept_at = super::required_label("kept at", &new.kept_at)?;
        if !(1..=10_000).contains(&new.quantity) {
            return Err(Error::Invalid("a quantity is 1 to 10,000".into()));
        }
        self.conn().execute(
            "INSERT INTO lent_materials (id, item, quantity, lent_on, lent_by, kept_at, received_by, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id.to_string(), item, new.quantity, new.lent_on.format(DATE).to_string(), lent_by, kept_at, self.origin().staff, new.note.trim()],
        )?;
        Ok(())
    }

    pub(super) fn apply_return(&self, id: Uuid, day: NaiveDate) -> Result<()> {
        let m = self.lent_material(id)?;
        if m.returned_on.is_some() {
            return Err(Error::NotAllowed("already returned".into()));
        }
        if day < m.lent_on {
            return Err(Error::Invalid("returned before it was lent".into()));
        }
        self.conn().execute(
            "UPDATE lent_materials SET returned_on = ?2, returned_by = ?3 WHERE id = ?1",
            params![
                id.to_string(),
                day.format(DATE).to_string(),
                self.origin().staff
            ],
        )?;
        Ok(())
    }

    pub(super) fn apply_confirm_return(&self, id: Uuid) -> Result<()> {
        let m = self.lent_material(id)?;
        if m.returned_on.is_none() {
            return Err(Error::NotAllowed("record the return first".into()));
        }
        if m.return_confirmed_by.is_some() {
            return Err(Error::NotAllowed("the return is already confirmed".into()));
        }
        self.conn().execute(
            "UPDATE lent_materials SET return_confirmed_by = ?2 WHERE id = ?1",
            params![id.to_string(), self.origin().staff],
        )?;
        Ok(())
    }

    /// The ledger: still lent first, then returned, by date lent.
    pub fn lent_materials(&self) -> Result<Vec<LentMaterial>> {
        self.require(Permission::ReadPersonal)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM lent_materials ORDER BY return_confirmed_by IS NOT NULL, returned_on IS NOT NULL, lent_on, rowid",
        )?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|id| {
                self.lent_material(id.parse().map_err(|_| Error::Invalid("stored id".into()))?)
            })
            .collect()
    }

    fn lent_material(&self, id: Uuid) -> Result<LentMaterial> {
        self.conn()
            .query_row(
                "SELECT item, quantity, lent_on, lent_by, kept_at, received_by, returned_on, returned_by, return_confirmed_by, note
                 FROM lent_materials WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, String>(9)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::NotFound("lent material"))
            .and_then(|(item, quantity, lent_on, lent_by, kept_at, received_by, returned_on, returned_by, confirmed, note)| {
                Ok(LentMaterial {
                    id,
                    item,
                    quantity,
                    lent_on: super::parse_date(&lent_on)?,
                    lent_by,
                    kept_at,
                    received_by,
                    returned_on: returned_on.as_deref().map(super::parse_date).transpose()?,
                    returned_by,
                    return_confirmed_by: confirmed,
                    note,
                })
            })
    }
}
