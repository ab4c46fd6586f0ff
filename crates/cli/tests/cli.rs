//! The `madoguchi` command end to end, against temporary data directories.
use assert_cmd::Command;
use predicates::prelude::*;

const PASS: &str = "site passphrase 1";

fn madoguchi(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("madoguchi").unwrap();
    cmd.env("MADOGUCHI_DATA_DIR", dir)
        .env_remove("MADOGUCHI_NEW_PASSPHRASE")
        .env("MADOGUCHI_PASSPHRASE", PASS);
    cmd
}

fn init(dir: &std::path::Path) {
    madoguchi(dir)
        .args([
            "init",
            "--site",
            "テスト市 特設窓口",
            "--seat",
            "窓口1",
            "--demo",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created training (研修モード) store",
        ));
}

#[test]
fn version_is_printed() {
    Command::cargo_bin("madoguchi")
        .unwrap()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "madoguchi {}",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn init_then_doctor_is_healthy() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    madoguchi(tmp.path())
        .arg("doctor")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("[ok  ] unlock")
                .and(predicate::str::contains("[ok  ] schema")),
        )
        .stdout(predicate::str::contains("FAIL").not());
}

#[test]
fn init_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let before = std::fs::read(tmp.path().join("key.age")).unwrap();
    madoguchi(tmp.path())
        .args(["init", "--site", "x", "--seat", "y"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read(tmp.path().join("key.age")).unwrap(), before);
}

#[test]
fn doctor_fails_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    // Nothing there yet.
    madoguchi(&tmp.path().join("none"))
        .arg("doctor")
        .assert()
        .failure()
        .stdout(predicate::str::contains("does not exist"));

    init(tmp.path());
    madoguchi(tmp.path())
        .arg("doctor")
        .env("MADOGUCHI_PASSPHRASE", "not the passphrase")
        .assert()
        .failure()
        .stdout(
            predicate::str::contains("[FAIL] unlock")
                .and(predicate::str::contains("wrong passphrase")),
        );

    std::fs::remove_file(tmp.path().join("key.age")).unwrap();
    madoguchi(tmp.path())
        .arg("doctor")
        .assert()
        .failure()
        .stdout(predicate::str::contains("[FAIL] key file"));
}

#[test]
fn doctor_json_is_machine_readable() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let out = madoguchi(tmp.path())
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] != "fail"));
}

#[test]
fn change_passphrase_rewraps_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let db_before = std::fs::read(tmp.path().join("store.db")).unwrap();
    madoguchi(tmp.path())
        .arg("change-passphrase")
        .env("MADOGUCHI_NEW_PASSPHRASE", "a brand new passphrase")
        .assert()
        .success();
    assert_eq!(
        std::fs::read(tmp.path().join("store.db")).unwrap(),
        db_before,
        "the database is not rewritten"
    );
    madoguchi(tmp.path()).arg("doctor").assert().failure();
    madoguchi(tmp.path())
        .arg("doctor")
        .env("MADOGUCHI_PASSPHRASE", "a brand new passphrase")
        .assert()
        .success();
}

#[test]
fn init_refuses_a_directory_with_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("someones-notes.txt"), b"keep me").unwrap();
    madoguchi(tmp.path())
        .args(["init", "--site", "x", "--seat", "y"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not Madoguchi's"));
    assert!(!tmp.path().join("key.age").exists());
    assert_eq!(
        std::fs::read(tmp.path().join("someones-notes.txt")).unwrap(),
        b"keep me"
    );
}

#[test]
fn the_first_manager_is_added_then_listed_and_the_audit_trail_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    madoguchi(tmp.path())
        .args(["init", "--site", "テスト市", "--seat", "窓口1"])
        .assert()
        .success();
    madoguchi(tmp.path())
        .env("MADOGUCHI_STAFF_PIN", "2468")
        .args([
            "staff",
            "add",
            "--code",
            "m001",
            "--name",
            "管理 一郎",
            "--role",
            "manager",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("added M001 (manager)"));
    madoguchi(tmp.path())
        .env("MADOGUCHI_STAFF_PIN", "12")
        .args([
            "staff",
            "add",
            "--code",
            "S001",
            "--name",
            "窓口 花子",
            "--role",
            "staff",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("PIN is 4 to 8 digits"));
    madoguchi(tmp.path())
        .args(["staff", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("M001\tmanager\t管理 一郎"));
    madoguchi(tmp.path())
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("intact"));
    // The attendance record is saved among the reports (which the wipe removes), never
    // printed for a shell redirect.
    let csv = saved_attendance(tmp.path(), "出勤記録_2026-12-01_2026-12-31.csv");
    assert!(csv.starts_with("\u{feff}職員番号,氏名"), "{csv}");
}

/// `init --demo` makes a training store: its papers say so in their names and first line.
#[test]
fn init_demo_makes_a_training_store_whose_papers_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    init(tmp.path());
    let csv = saved_attendance(tmp.path(), "研修_出勤記録_2026-12-01_2026-12-31.csv");
    assert!(
        csv.starts_with("\u{feff}研修モード（架空データ・提出不可）\r\n職員番号,氏名"),
        "{csv}"
    );
    madoguchi(tmp.path())
        .args(["training-day", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("training store, never reset"));
}

/// Saves December's attendance record with `madoguchi attendance` and checks it went, whole, to
/// `reports/<name>` (printed, never written to a shell redirect); returns the CSV.
fn saved_attendance(dir: &std::path::Path, name: &str) -> String {
    let out = madoguchi(dir)
        .args(["attendance", "--from", "2026-12-01", "--to", "2026-12-31"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let saved = std::path::PathBuf::from(String::from_utf8(out).unwrap().trim());
    assert_eq!(saved, dir.join("reports").join(name));
    assert!(!dir.join("reports").join(format!("{name}.tmp")).exists());
    std::fs::read_to_string(&saved).unwrap()
}
