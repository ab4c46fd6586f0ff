//! Helpers for Madoguchi's system tests: stores in temporary directories, byte-level snapshots
//! of everything the app wrote, and an independent unwrap of the key file (with the `age` crate
//! directly, not through core) for the tests that open the database with another client.
use std::{
    collections::BTreeMap,
    io::Read,
    path::{Path, PathBuf},
};

use madoguchi_core::{DataDir, KdfCost, NewStore, Passphrase, Store};
use secrecy::SecretString;

/// The passphrase of test stores.
pub const PASSPHRASE: &str = "test site passphrase";

/// The test passphrase as a core type.
pub fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE.to_owned())
}

/// A new store in `root` (cheap KDF: tests make many), with the demo roster
/// ([`madoguchi_core::demo::DEMO_STAFF`]), acting as the site administrator.
pub fn new_store(root: &Path) -> Store {
    new_seat_store(root, "窓口1")
}

/// [`new_store`] for a seat with another name.
pub fn new_seat_store(root: &Path, seat_name: &str) -> Store {
    let store = new_hub_store(root, seat_name);
    madoguchi_core::demo::seed_staff(&store).expect("demo roster");
    store
}

/// A store with no roster and no history, as a hub starts (the roster reaches it from the
/// seats, like everything else).
pub fn new_hub_store(root: &Path, seat_name: &str) -> Store {
    Store::create(
        &DataDir::at(root),
        &passphrase(),
        &NewStore {
            site_name: "テスト市 特設窓口".into(),
            seat_name: seat_name.into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .expect("create store")
    .act_as_site("tests")
}

/// A training store (研修モード) in `root` with the demo roster, acting as the site
/// administrator: what `madoguchi init --demo` makes, without the history.
pub fn new_training_store(root: &Path) -> Store {
    let store = Store::create_training(
        &DataDir::at(root),
        &passphrase(),
        &NewStore {
            site_name: "研修市 特設窓口".into(),
            seat_name: "研修1".into(),
        },
        KdfCost::insecure_for_tests(),
    )
    .expect("create training store")
    .act_as_site("tests");
    madoguchi_core::demo::seed_staff(&store).expect("demo roster");
    store
}

/// A binary built next to the test executables (target/debug/<name>).
pub fn built_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    // target/debug/deps/<test> -> target/debug/<name>
    let path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build -p madoguchi-cli`",
        path.display()
    );
    path
}

/// Every file under `root` with its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in DataDir::at(root).inventory().expect("inventory") {
        let bytes = std::fs::read(root.join(&entry.relative)).expect("read");
        out.insert(entry.relative, bytes);
    }
    out
}

/// True if `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The raw SQLCipher key of the store in `root`, as hex, unwrapped with the `age` crate
/// directly (independently of core's key-file code, beyond its documented layout).
pub fn raw_key_hex(root: &Path, passphrase: &str) -> String {
    let wrapped = std::fs::read(DataDir::at(root).key_file()).expect("key file");
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    let decryptor = age::Decryptor::new_buffered(&wrapped[..]).expect("age header");
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("unwrap");
    let mut payload = Vec::new();
    reader.read_to_end(&mut payload).unwrap();
    assert_eq!(
        (&payload[..4], payload.len()),
        (&b"MDK2"[..], 53),
        "documented key-file layout: magic, kind, store id, key"
    );
    assert!(
        [b'R', b'T'].contains(&payload[4]),
        "the store's kind: R real, T training"
    );
    payload[21..53].iter().map(|b| format!("{b:02x}")).collect()
}

/// The repository root (the tests package is one level below it).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

pub mod cluster;
pub mod desktop;

/// Where a test leaves files for people to look at (screenshots, rendered pages).
pub fn output_dir(test: &str) -> PathBuf {
    let dir = std::env::var_os("MADOGUCHI_TEST_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("test-output"))
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
