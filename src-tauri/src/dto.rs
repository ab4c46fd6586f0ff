//! Request shapes the UI sends (responses are core types). TypeScript types are generated.
use chrono::{NaiveDate, NaiveTime};
use madoguchi_core::{
    reservation::{ApplicantType, Channel, PhoneIntake, Procedure},
    reservation_number::ReservationNumber,
    store::NewApplicant,
    Personal,
};
use serde::Deserialize;

/// One person of a booking, as typed in the booking form.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BookPersonRequest {
    /// Name in kanji.
    pub name_kanji: String,
    /// Name in kana.
    pub name_kana: String,
    /// Phone, any notation.
    pub phone: Option<String>,
    /// Birth date, YYYY-MM-DD.
    pub birth_date: Option<String>,
    /// Who comes.
    pub applicant_type: ApplicantType,
    /// What for.
    pub procedures: Vec<Procedure>,
}

impl BookPersonRequest {
    /// The people of a request as core's booking takes them.
    pub fn people(
        people: Vec<BookPersonRequest>,
    ) -> Vec<(NewApplicant, ApplicantType, Vec<Procedure>)> {
        people
            .into_iter()
            .map(|p| (p.applicant(), p.applicant_type, p.procedures))
            .collect()
    }

    /// The applicant as core takes it (empty optional fields count as absent).
    pub fn applicant(&self) -> NewApplicant {
        let optional = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(Personal::new)
        };
        NewApplicant {
            name_kanji: Personal::new(self.name_kanji.clone()),
            name_kana: Personal::new(self.name_kana.clone()),
            phone: optional(&self.phone),
            birth_date: optional(&self.birth_date),
        }
    }
}

/// A booking from the booking flow.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BookRequest {
    /// Day, YYYY-MM-DD.
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// Slot start, HH:MM.
    #[ts(type = "string")]
    pub starts: NaiveTime,
    /// Phone or counter.
    pub channel: Channel,
    /// One or more people.
    pub people: Vec<BookPersonRequest>,
    /// Staff notes.
    pub notes: String,
    /// Phone intake answers, per person.
    #[serde(default)]
    #[ts(as = "Option<Vec<PhoneIntake>>", optional)]
    pub intake: Vec<PhoneIntake>,
    /// For a second visit: the first reservation.
    #[serde(default)]
    #[ts(optional)]
    pub revisit_of: Option<ReservationNumber>,
    /// The site the citizen comes to (default: this PC's).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub site: Option<madoguchi_core::site::SiteId>,
}
