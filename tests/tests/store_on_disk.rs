//! The encrypted store as it lies on disk: no plaintext, readable only with the key (by a
//! client nobody here wrote), wrong passphrases and damage change nothing, schema rules, and
//! durability across `kill -9`.
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use madoguchi_core::{DataDir, Error, NewApplicant, Passphrase, Personal, Store};
use madoguchi_tests::{
    contains, new_store, passphrase, raw_key_hex, repo_root, snapshot, PASSPHRASE,
};

const CANARY_NAME: &str = "鳥籠カナリア右衛門";
const CANARY_KANA: &str = "トリカゴカナリアウエモン";
const CANARY_PHONE: &str = "08076543219";
const CANARY_BIRTH: &str = "1961-07-23";

fn add_canary(store: &Store) {
    store
        .add_applicant(&NewApplicant {
            name_kanji: Personal::new(CANARY_NAME),
            name_kana: Personal::new(CANARY_KANA),
            phone: Some(Personal::new("080-7654-3219")),
            birth_date: Some(Personal::new(CANARY_BIRTH)),
        })
        .unwrap();
}

fn assert_no_plaintext(root: &std::path::Path, stage: &str) {
    let files = snapshot(root);
    assert!(
        files.keys().any(|p| p.ends_with("store.db")),
        "{stage}: database present"
    );
    for (path, bytes) in &files {
        for needle in [
            &b"SQLite format 3"[..],
            CANARY_NAME.as_bytes(),
            CANARY_KANA.as_bytes(),
            CANARY_PHONE.as_bytes(),
            CANARY_BIRTH.as_bytes(),
        ] {
            assert!(
                !contains(bytes, needle),
                "{stage}: {} contains {:?}",
                path.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
}

#[test]
fn database_and_wal_hold_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let store = new_store(tmp.path());
    add_canary(&store);
    // While the store is open the rows sit in the WAL: check it is there and encrypted too.
    let wal = DataDir::at(tmp.path()).database().with_extension("db-wal");
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false),
        "the WAL holds the new rows"
    );
    assert_no_plaintext(tmp.path(), "open");
    // The canary really was written (and reads back through the API).
    assert_eq!(
        store
            .applicants_by_phone(&Personal::new(CANARY_PHONE))
            .unwrap()[0]
            .name_kana
            .expose(),
        CANARY_KANA
    );
    drop(store); // checkpoint into the main file
    assert_no_plaintext(tmp.path(), "closed");
}

fn python() -> std::path::PathBuf {
    let python = std::env::var_os("MADOGUCHI_TEST_PYTHON")
        .map(Into::into)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "{} missing: run scripts/test.sh (it installs sqlcipher3-binary)",
        python.display()
    );
    python
}

fn sqlcipher_read(db: &std::path::Path, key: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(python());
    cmd.arg(repo_root().join("tests/python/sqlcipher_read.py"))
        .arg(db);
    if let Some(key) = key {
        cmd.arg(key);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn an_independent_sqlcipher_client_needs_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let store = new_store(tmp.path());
    add_canary(&store);
    drop(store);
    let db = DataDir::at(tmp.path()).database();

    let (ok, out) = sqlcipher_read(&db, None);
    assert!(ok && out.starts_with("refused:"), "without the key: {out}");

    let key = raw_key_hex(tmp.path(), PASSPHRASE);
    let (ok, out) = sqlcipher_read(&db, Some(&key));
    assert!(ok, "with the key: {out}");
    assert!(
        out.lines().any(|l| l == CANARY_KANA),
        "with the key the canary reads back: {out}"
    );
    assert!(out.contains("cipher: 4."), "SQLCipher 4 client: {out}");
}

#[test]
fn a_wrong_passphrase_is_reported_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    add_canary(&new_store(tmp.path()));
    let before = snapshot(tmp.path());
    let err = Store::open(
        &DataDir::at(tmp.path()),
        &Passphrase::new("wrong passphrase!".into()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase), "{err:?}");
    assert_eq!(snapshot(tmp.path()), before);
    // Trying to initialise over it is refused too.
    assert!(matches!(
        new_store_result(tmp.path()),
        Err(Error::AlreadyInitialised(_))
    ));
    assert_eq!(snapshot(tmp.path()), before);
}

fn new_store_result(root: &std::path::Path) -> madoguchi_core::Result<Store> {
    Store::create(
        &DataDir::at(root),
        &passphrase(),
        &madoguchi_core::NewStore {
            site_name: "x".into(),
            seat_name: "y".into(),
        },
        madoguchi_core::KdfCost::insecure_for_tests(),
    )
}

#[test]
fn missing_or_damaged_files_get_their_own_error_and_nothing_is_recreated() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::at(tmp.path());
    add_canary(&new_store(tmp.path()));

    // Key file missing.
    let key = std::fs::read(dir.key_file()).unwrap();
    std::fs::remove_file(dir.key_file()).unwrap();
    let before = snapshot(tmp.path());
    assert!(matches!(
        Store::open(&dir, &passphrase()),
        Err(Error::KeyFileMissing(_))
    ));
    assert_eq!(snapshot(tmp.path()), before);
    std::fs::write(dir.key_file(), &key).unwrap();

    // Another store's key file (right passphrase): the database does not decrypt.
    let other = tempfile::tempdir().unwrap();
    drop(new_store(other.path()));
    std::fs::copy(DataDir::at(other.path()).key_file(), dir.key_file()).unwrap();
    let before = snapshot(tmp.path());
    assert!(matches!(
        Store::open(&dir, &passphrase()),
        Err(Error::DatabaseCorrupt { .. })
    ));
    assert_eq!(snapshot(tmp.path()), before);
    std::fs::write(dir.key_file(), &key).unwrap();

    // A damaged database page.
    let mut db = std::fs::read(dir.database()).unwrap();
    for b in &mut db[100..4000] {
        *b ^= 0x5a;
    }
    std::fs::write(dir.database(), &db).unwrap();
    let before = snapshot(tmp.path());
    assert!(matches!(
        Store::open(&dir, &passphrase()),
        Err(Error::DatabaseCorrupt { .. })
    ));
    assert_eq!(snapshot(tmp.path()), before);

    // Database missing: reported, never silently recreated.
    std::fs::remove_file(dir.database()).unwrap();
    assert!(matches!(
        Store::open(&dir, &passphrase()),
        Err(Error::DatabaseMissing(_))
    ));
    assert!(!dir.database().exists());
}

#[test]
fn migrations_applied_twice_are_a_no_op() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::at(tmp.path());
    drop(new_store(tmp.path()));
    let first = Store::open(&dir, &passphrase()).unwrap().status().unwrap();
    let db_after_first = std::fs::read(dir.database()).unwrap();
    let second = Store::open(&dir, &passphrase()).unwrap().status().unwrap();
    assert_eq!(first.schema_version, second.schema_version);
    assert_eq!(second.schema_version, second.known_schema_version);
    assert_eq!(
        std::fs::read(dir.database()).unwrap(),
        db_after_first,
        "reopening writes nothing"
    );
}

#[test]
fn a_newer_schema_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::at(tmp.path());
    drop(new_store(tmp.path()));
    let known = madoguchi_core::store::migrate::known_version();
    {
        // A future Madoguchi recorded a migration this build does not know.
        let conn = rusqlite::Connection::open(dir.database()).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\";",
            raw_key_hex(tmp.path(), PASSPHRASE)
        ))
        .unwrap();
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?1, 'from_the_future', '2030-01-01')",
            [known + 1],
        )
        .unwrap();
    }
    let before = snapshot(tmp.path());
    let err = Store::open(&dir, &passphrase()).unwrap_err();
    assert!(
        matches!(err, Error::SchemaTooNew { found, known: k } if found == known + 1 && k == known),
        "{err:?}"
    );
    assert!(err.to_string().contains("update Madoguchi"));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn committed_rows_survive_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    drop(new_store(tmp.path()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_store-writer"))
        .arg(tmp.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = 0u32;
    while committed < 200 {
        committed = lines.next().expect("writer died").unwrap().parse().unwrap();
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no checkpoint
    child.wait().unwrap();

    let store = Store::open(&DataDir::at(tmp.path()), &passphrase()).unwrap();
    let count = store.applicant_count().unwrap();
    assert!(
        count >= committed,
        "{count} rows survived, {committed} were reported committed"
    );
    assert!(store.integrity_problems().unwrap().is_empty());
}

#[cfg(unix)]
#[test]
fn the_directory_and_key_file_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("seat");
    drop(new_store(&root));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root), 0o700);
    assert_eq!(mode(&DataDir::at(&root).key_file()), 0o600);
}
