//! Upgrades (issue 24): a store written by an older version (the schema-17 fixture, a seat with
//! a worked day and a booking still in its outbox) opens with this build after an encrypted
//! copy of it is kept in `backups/`; the copy holds the store as it was (it opens with the same
//! key and shows the same bookings), holds no plaintext, is recorded in the audit trail, is made
//! once, and is on the wipe's list.
use std::path::Path;

use madoguchi_core::{wipe::WipeItemKind, DataDir, KdfCost, NewStore, Passphrase, Store};

fn passphrase() -> Passphrase {
    Passphrase::new("test passphrase".into())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn backups(dir: &DataDir) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.backups_dir()) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    found.sort();
    found
}

fn fixture_seat() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/schema17/seat1")
}

#[test]
fn an_older_store_is_kept_as_an_encrypted_copy_before_it_is_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::at(tmp.path());
    copy_dir(&fixture_seat(), tmp.path());
    assert!(backups(&dir).is_empty());

    let store = Store::open(&dir, &passphrase())
        .unwrap()
        .act_as_site("tests");
    let status = store.status().unwrap();
    assert_eq!(status.schema_version, status.known_schema_version);
    let kept = backups(&dir);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let name = kept[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("store-schema0017-") && name.ends_with(".db"),
        "{name}"
    );
    let bytes = std::fs::read(&kept[0]).unwrap();
    assert!(
        !bytes.starts_with(b"SQLite format 3"),
        "the copy is encrypted"
    );
    let trail = store.audit_trail(100_000).unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "upgrade_backup" && e.subject == name),
        "the upgrade is in the audit trail"
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let upgraded = store.reservations_on(day).unwrap().len();
    assert!(upgraded > 0);
    // The wipe knows the folder.
    let preflight = store.wipe_preflight().unwrap();
    assert!(preflight
        .items
        .iter()
        .any(|i| i.kind == WipeItemKind::UpgradeBackups && i.files == 1));
    drop(store);

    // Opening the upgraded store again keeps no second copy; nor does trying the same upgrade
    // again (a migration that failed, a service restarting): the old schema's copy is there.
    drop(Store::open(&dir, &passphrase()).unwrap());
    assert_eq!(backups(&dir).len(), 1);
    let again = tempfile::tempdir().unwrap();
    copy_dir(&fixture_seat(), again.path());
    let again_dir = DataDir::at(again.path());
    std::fs::create_dir_all(again_dir.backups_dir()).unwrap();
    std::fs::copy(&kept[0], again_dir.backups_dir().join(&name)).unwrap();
    drop(Store::open(&again_dir, &passphrase()).unwrap());
    assert_eq!(backups(&again_dir).len(), 1, "no second copy of schema 17");

    // The copy is the store as the older version left it: with the same key file it opens (and
    // this build migrates that copy in turn), showing the same bookings.
    let restore = tempfile::tempdir().unwrap();
    std::fs::copy(tmp.path().join("key.age"), restore.path().join("key.age")).unwrap();
    std::fs::copy(&kept[0], restore.path().join("store.db")).unwrap();
    let restored = Store::open(&DataDir::at(restore.path()), &passphrase())
        .unwrap()
        .act_as_site("tests");
    assert_eq!(restored.reservations_on(day).unwrap().len(), upgraded);
    let copy_of_copy = backups(&DataDir::at(restore.path()));
    assert_eq!(
        copy_of_copy.len(),
        1,
        "the restored copy was at schema 17 too"
    );
}

#[test]
fn a_current_store_keeps_no_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::at(tmp.path());
    drop(
        Store::create(
            &dir,
            &passphrase(),
            &NewStore {
                site_name: "テスト市".into(),
                seat_name: "窓口1".into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap(),
    );
    drop(Store::open(&dir, &passphrase()).unwrap());
    assert!(backups(&dir).is_empty());
    assert!(!dir.backups_dir().exists());
}
