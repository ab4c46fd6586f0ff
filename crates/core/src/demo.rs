//! Demo data for training and the quick start: obviously fictional applicants.
//!
//! The names are built from a small pool and the phone numbers use the 090-0000-xxxx range,
//! which is not assigned, so nothing here can be mistaken for a real person.
use crate::{
    secret::Personal,
    store::{NewApplicant, Store},
    Result,
};

const FAMILY: &[(&str, &str)] =
    &[("窓口", "マドグチ"), ("見本", "ミホン"), ("試験", "シケン"), ("練習", "レンシュウ"), ("仮野", "カリノ")];
const GIVEN: &[(&str, &str)] =
    &[("花子", "ハナコ"), ("太郎", "タロウ"), ("一郎", "イチロウ"), ("桜", "サクラ"), ("翔", "ショウ")];

/// Adds `count` fictional applicants to `store`; returns how many were added.
pub fn seed_applicants(store: &Store, count: usize) -> Result<usize> {
    for i in 0..count {
        let (fk, fkana) = FAMILY[i % FAMILY.len()];
        let (gk, gkana) = GIVEN[(i / FAMILY.len()) % GIVEN.len()];
        store.add_applicant(&NewApplicant {
            name_kanji: Personal::new(format!("{fk} {gk}")),
            name_kana: Personal::new(format!("{fkana} {gkana}")),
            phone: Some(Personal::new(format!("090-0000-{:04}", i))),
            birth_date: Some(Personal::new(format!("{}-{:02}-{:02}", 1950 + (i * 7) % 60, 1 + i % 12, 1 + i % 28))),
        })?;
    }
    Ok(count)
}
