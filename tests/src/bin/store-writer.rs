//! Test helper: writes applicants to the store in `argv[1]` one transaction at a time and
//! prints the count after each commit, until it is killed. Used to prove that committed rows
//! survive `kill -9`.
use std::io::Write;

use madoguchi_core::{DataDir, NewApplicant, Passphrase, Personal, Store};

fn main() {
    let root = std::env::args().nth(1).expect("data dir");
    let store = Store::open(
        &DataDir::at(root),
        &Passphrase::new(madoguchi_tests::PASSPHRASE.into()),
    )
    .expect("open")
    .act_as_site("store-writer");
    let mut stdout = std::io::stdout().lock();
    for i in 0u64.. {
        store
            .add_applicant(&NewApplicant {
                name_kanji: Personal::new(format!("耐久 {i}")),
                name_kana: Personal::new(format!("タイキュウ {i}")),
                phone: Some(Personal::new(format!("0900000{:04}", i % 10_000))),
                birth_date: None,
            })
            .expect("insert");
        writeln!(stdout, "{}", i + 1).unwrap();
        stdout.flush().unwrap();
    }
}
