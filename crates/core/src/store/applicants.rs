//! Applicants (申請者): the people who book and visit. Every field but the id is personal data.
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

use super::{required_label, Store};
use crate::{secret::Personal, text, Error, Result};

/// An applicant's id (UUIDv7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct ApplicantId(pub Uuid);

pub use crate::reservation::NewApplicant;

/// An applicant on record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Applicant {
    /// Id.
    pub id: ApplicantId,
    /// Name in kanji.
    pub name_kanji: Personal,
    /// Name in katakana.
    pub name_kana: Personal,
    /// Phone, digits only.
    pub phone: Option<Personal>,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: Option<Personal>,
}

impl Store {
    /// Records a new applicant.
    pub fn add_applicant(&self, new: &NewApplicant) -> Result<Applicant> {
        self.require(crate::people::Permission::CounterWork)?;
        self.insert_applicant_with_id(Uuid::now_v7(), new, &self.site()?)
    }

    /// Records a new applicant under an id chosen by the caller (a booking made on another
    /// seat carries its applicants' ids, so every store agrees on them).
    pub(crate) fn insert_applicant_with_id(
        &self,
        id: Uuid,
        new: &NewApplicant,
        site: &crate::site::SiteId,
    ) -> Result<Applicant> {
        let applicant = Applicant {
            id: ApplicantId(id),
            name_kanji: Personal::new(required_label("name", new.name_kanji.expose())?),
            name_kana: Personal::new(required_label("kana name", new.name_kana.expose())?),
            phone: new.phone.as_ref().map(normalise_phone).transpose()?,
            birth_date: new.birth_date.as_ref().map(check_date).transpose()?,
        };
        self.conn().execute(
            "INSERT INTO applicants (id, name_kanji, name_kana, phone, birth_date, created_at, kana_key, name_key, site_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            (
                applicant.id.0.to_string(),
                applicant.name_kanji.expose(),
                applicant.name_kana.expose(),
                applicant.phone.as_ref().map(Personal::expose),
                applicant.birth_date.as_ref().map(Personal::expose),
                self.stamp(),
                text::fold_kana(applicant.name_kana.expose()),
                text::fold_kana(applicant.name_kanji.expose()),
                site.as_str(),
            ),
        )?;
        Ok(applicant)
    }

    /// One applicant by id.
    pub fn applicant(&self, id: ApplicantId) -> Result<Applicant> {
        self.audit_read("applicant", &id.0.to_string())?;
        self.conn()
            .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
            .query_row([id.0.to_string()], from_row)
            .optional()?
            .ok_or(Error::NotFound("applicant"))
    }

    /// Applicants with this phone number (any notation).
    pub fn applicants_by_phone(&self, phone: &Personal) -> Result<Vec<Applicant>> {
        self.audit_read("applicants_by_phone", "")?;
        let phone = normalise_phone(phone)?;
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{SELECT} WHERE phone = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([phone.expose()], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many applicants are on record.
    pub fn applicant_count(&self) -> Result<u32> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM applicants", [], |row| row.get(0))?)
    }
}

const SELECT: &str = "SELECT id, name_kanji, name_kana, phone, birth_date FROM applicants";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Applicant> {
    let id: String = row.get(0)?;
    let id = Uuid::parse_str(&id).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let personal = |i| {
        row.get::<_, Option<String>>(i)
            .map(|v| v.map(Personal::new))
    };
    Ok(Applicant {
        id: ApplicantId(id),
        name_kanji: Personal::new(row.get::<_, String>(1)?),
        name_kana: Personal::new(row.get::<_, String>(2)?),
        phone: personal(3)?,
        birth_date: personal(4)?,
    })
}

/// The digits of a phone number in any notation (see [`text::phone_digits`]).
fn normalise_phone(phone: &Personal) -> Result<Personal> {
    crate::limits::PHONE.check(phone.expose())?;
    text::phone_digits(phone.expose())
        .map(Personal::new)
        .ok_or_else(|| {
            Error::Invalid("a phone number has 10 or 11 digits and starts with 0".into())
        })
}

fn check_date(date: &Personal) -> Result<Personal> {
    NaiveDate::parse_from_str(date.expose(), "%Y-%m-%d")
        .map(|d| Personal::new(d.format("%Y-%m-%d").to_string()))
        .map_err(|_| Error::Invalid("a date is written YYYY-MM-DD".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_notations_fold_to_digits() {
        for p in ["090-1234-5678", "09012345678", "０９０ １２３４ ５６７８"] {
            assert_eq!(
                normalise_phone(&Personal::new(p)).unwrap().expose(),
                "09012345678"
            );
        }
        assert!(normalise_phone(&Personal::new("12-34")).is_err());
    }
}
