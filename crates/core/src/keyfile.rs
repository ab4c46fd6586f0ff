//! The wrapped data key: `key.age` in the data directory.
//!
//! The file is a standard age file encrypted to an scrypt recipient (the site passphrase). Its
//! plaintext is 53 bytes: the magic `MDK2`, the store's kind (`R` real, `T` training), the
//! 16-byte store id, and the 32-byte data key. Files written before training mode hold 52 bytes
//! (`MDK1`, no kind) and read as real. The store id lets a key file from another store be told
//! apart from a damaged database; the kind, checked against the database at every open, keeps
//! a real store and a training store from being turned into each other.
//!
//! Changing the passphrase rewrites only this file (write to a temporary file, fsync, rename),
//! never the database; a crash leaves either the old or the new key file, never neither.
use std::{fs, io::Read, path::Path};

use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{
    secret::{DataKey, Passphrase, DATA_KEY_LEN},
    training_mode::StoreKind,
    Error, Result,
};

const MAGIC: &[u8; 4] = b"MDK2";
/// Key files written before training mode: no kind byte, real.
const MAGIC_V1: &[u8; 4] = b"MDK1";
const PAYLOAD_LEN: usize = MAGIC.len() + 1 + 16 + DATA_KEY_LEN;
/// Refuse key files that ask for more scrypt work than this (2^22 ≈ 16× the default).
const MAX_WORK_FACTOR: u8 = 22;

/// scrypt cost for wrapping the key (age's `log_n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost(u8);

impl KdfCost {
    /// age's own default (2^18): about a second on a counter PC, once a day.
    pub const STANDARD: KdfCost = KdfCost(18);

    /// A cheap cost for tests that create many stores. Never use it for a real store.
    pub fn insecure_for_tests() -> KdfCost {
        KdfCost(10)
    }
}

/// The unwrapped contents of a key file.
pub(crate) struct KeyMaterial {
    pub store_id: Uuid,
    pub kind: StoreKind,
    pub key: DataKey,
}

/// Wraps `key` for `store_id` with `passphrase` and writes it atomically to `path`.
pub(crate) fn write(
    path: &Path,
    passphrase: &Passphrase,
    material: &KeyMaterial,
    cost: KdfCost,
) -> Result<()> {
    let mut payload = Zeroizing::new(Vec::with_capacity(PAYLOAD_LEN));
    payload.extend_from_slice(MAGIC);
    payload.push(match material.kind {
        StoreKind::Real => b'R',
        StoreKind::Training => b'T',
    });
    payload.extend_from_slice(material.store_id.as_bytes());
    payload.extend_from_slice(material.key.as_bytes());

    let mut recipient = age::scrypt::Recipient::new(passphrase.to_secret());
    recipient.set_work_factor(cost.0);
    let wrapped = age::encrypt(&recipient, &payload).map_err(|e| Error::Io {
        context: "wrapping the data key".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    write_atomically(path, &wrapped)
}

/// Reads and unwraps the key file at `path`.
pub(crate) fn read(path: &Path, passphrase: &Passphrase) -> Result<KeyMaterial> {
    let bytes = fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::KeyFileMissing(path.to_owned()),
        _ => Error::Io {
            context: format!("reading {}", path.display()),
            source: e,
        },
    })?;
    let corrupt = |reason: &str| Error::KeyFileCorrupt {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };

    let decryptor = age::Decryptor::new_buffered(&bytes[..])
        .map_err(|e| corrupt(&format!("not an age file ({e})")))?;
    let mut identity = age::scrypt::Identity::new(passphrase.to_secret());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            // The scrypt stanza's AEAD failed: the passphrase is not the one the file was made with.
            age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
                Error::WrongPassphrase
            }
            age::DecryptError::NoMatchingKeys => corrupt("not wrapped with a passphrase"),
            // Not through age's Display: it overflows a shift for an absurd (damaged) work factor.
            age::DecryptError::ExcessiveWork { required, .. } => corrupt(&format!(
                "scrypt work factor 2^{required} is beyond any this app writes"
            )),
            other => corrupt(&other.to_string()),
        })?;
    let mut payload = Zeroizing::new(Vec::with_capacity(PAYLOAD_LEN));
    reader
        .read_to_end(&mut payload)
        .map_err(|_| corrupt("damaged contents"))?;

    let (kind, rest) = match (&payload[..payload.len().min(4)], payload.len()) {
        (m, PAYLOAD_LEN) if m == MAGIC => (
            match payload[4] {
                b'R' => StoreKind::Real,
                b'T' => StoreKind::Training,
                _ => return Err(corrupt("unknown store kind")),
            },
            &payload[5..],
        ),
        (m, n) if m == MAGIC_V1 && n == PAYLOAD_LEN - 1 => (StoreKind::Real, &payload[4..]),
        _ => return Err(corrupt("not a Madoguchi data key")),
    };
    let store_id = Uuid::from_slice(&rest[..16]).map_err(|_| corrupt("bad store id"))?;
    let key = DataKey::from_bytes(&rest[16..]).ok_or_else(|| corrupt("bad key length"))?;
    Ok(KeyMaterial {
        store_id,
        kind,
        key,
    })
}

/// Replaces the passphrase that wraps the key; the database is not touched.
pub(crate) fn rewrap(path: &Path, old: &Passphrase, new: &Passphrase, cost: KdfCost) -> Result<()> {
    new.check_strength()?;
    let material = read(path, old)?;
    write(path, new, &material, cost)
}

/// Writes `bytes` to `path` via a sibling temporary file, fsyncs it and renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::files::write_atomically(path, &path.with_extension("age.tmp"), bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.to_owned())
    }

    fn sample() -> KeyMaterial {
        KeyMaterial {
            store_id: Uuid::now_v7(),
            kind: StoreKind::Real,
            key: DataKey::generate(),
        }
    }

    /// A key file as written before training mode: `MDK1`, id, key.
    fn write_v1(path: &Path, passphrase: &Passphrase, m: &KeyMaterial) {
        let mut payload = Vec::new();
        payload.extend_from_slice(MAGIC_V1);
        payload.extend_from_slice(m.store_id.as_bytes());
        payload.extend_from_slice(m.key.as_bytes());
        let mut recipient = age::scrypt::Recipient::new(passphrase.to_secret());
        recipient.set_work_factor(KdfCost::insecure_for_tests().0);
        fs::write(path, age::encrypt(&recipient, &payload).unwrap()).unwrap();
    }

    #[test]
    fn mdk1_reads_as_real_and_mdk2_keeps_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.age");
        let m = sample();
        write_v1(&path, &pass("correct horse"), &m);
        let old = read(&path, &pass("correct horse")).unwrap();
        assert_eq!(
            (old.store_id, old.kind, old.key.as_bytes()),
            (m.store_id, StoreKind::Real, m.key.as_bytes())
        );
        let training = KeyMaterial {
            kind: StoreKind::Training,
            ..sample()
        };
        write(
            &path,
            &pass("correct horse"),
            &training,
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        let back = read(&path, &pass("correct horse")).unwrap();
        assert_eq!(back.kind, StoreKind::Training);
        assert_eq!(back.store_id, training.store_id);
    }

    #[test]
    fn rewrap_keeps_the_store_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.age");
        let training = KeyMaterial {
            kind: StoreKind::Training,
            ..sample()
        };
        let cost = KdfCost::insecure_for_tests();
        write(&path, &pass("first passphrase"), &training, cost).unwrap();
        rewrap(
            &path,
            &pass("first passphrase"),
            &pass("second passphrase"),
            cost,
        )
        .unwrap();
        assert_eq!(
            read(&path, &pass("second passphrase")).unwrap().kind,
            StoreKind::Training
        );
    }

    #[test]
    fn round_trip_and_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.age");
        let m = sample();
        write(
            &path,
            &pass("correct horse"),
            &m,
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        let back = read(&path, &pass("correct horse")).unwrap();
        assert_eq!(back.store_id, m.store_id);
        assert_eq!(back.key.as_bytes(), m.key.as_bytes());
        assert!(matches!(
            read(&path, &pass("battery staple")),
            Err(Error::WrongPassphrase)
        ));
    }

    #[test]
    fn rewrap_keeps_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.age");
        let m = sample();
        write(
            &path,
            &pass("first passphrase"),
            &m,
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        rewrap(
            &path,
            &pass("first passphrase"),
            &pass("second passphrase"),
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        assert!(matches!(
            read(&path, &pass("first passphrase")),
            Err(Error::WrongPassphrase)
        ));
        assert_eq!(
            read(&path, &pass("second passphrase"))
                .unwrap()
                .key
                .as_bytes(),
            m.key.as_bytes()
        );
        assert!(!path.with_extension("age.tmp").exists());
    }

    #[test]
    fn damage_is_reported_as_corrupt_not_as_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.age");
        write(
            &path,
            &pass("correct horse"),
            &sample(),
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        let good = fs::read(&path).unwrap();

        fs::write(&path, b"hello, not age").unwrap();
        assert!(matches!(
            read(&path, &pass("correct horse")),
            Err(Error::KeyFileCorrupt { .. })
        ));

        // Flip a byte of the payload (after the header): the stream MAC fails.
        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        fs::write(&path, &bad).unwrap();
        assert!(matches!(
            read(&path, &pass("correct horse")),
            Err(Error::KeyFileCorrupt { .. })
        ));

        fs::remove_file(&path).unwrap();
        assert!(matches!(
            read(&path, &pass("correct horse")),
            Err(Error::KeyFileMissing(_))
        ));
    }

    /// A damaged work factor in the scrypt stanza (found by the property below: age's
    /// own message for it overflowed) is reported as corrupt, not a panic.
    #[test]
    fn an_absurd_work_factor_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.age");
        write(
            &path,
            &pass("correct horse"),
            &sample(),
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        let text = fs::read(&path).unwrap();
        let header_end = text.windows(4).position(|w| w == b"\n---").unwrap();
        let header = String::from_utf8(text[..header_end].to_vec()).unwrap();
        let damaged = header.replace(" 10\n", " 90\n");
        assert_ne!(damaged, header, "the stanza carries the work factor");
        let mut bytes = damaged.into_bytes();
        bytes.extend_from_slice(&text[header_end..]);
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            read(&path, &pass("correct horse")),
            Err(Error::KeyFileCorrupt { .. })
        ));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(24))]

            /// Any passphrase (any script, any length ≥ 8) wraps and unwraps the same key.
            #[test]
            fn any_passphrase_round_trips(p in "\\PC{8,40}") {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("key.age");
                let m = sample();
                write(&path, &pass(&p), &m, KdfCost::insecure_for_tests()).unwrap();
                let back = read(&path, &pass(&p)).unwrap();
                prop_assert_eq!(back.key.as_bytes(), m.key.as_bytes());
            }

            /// Flipping any bit of the key file never yields a key: it is reported as corrupt
            /// or as a wrong passphrase (a flip inside the scrypt stanza is indistinguishable).
            #[test]
            fn no_corruption_is_accepted(at in any::<prop::sample::Index>(), bit in 0u8..8) {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("key.age");
                write(&path, &pass("correct horse"), &sample(), KdfCost::insecure_for_tests()).unwrap();
                let mut bytes = fs::read(&path).unwrap();
                let i = at.index(bytes.len());
                bytes[i] ^= 1 << bit;
                fs::write(&path, &bytes).unwrap();
                match read(&path, &pass("correct horse")) {
                    Err(Error::KeyFileCorrupt { .. }) | Err(Error::WrongPassphrase) => {}
                    Err(other) => prop_assert!(false, "unexpected error {other:?}"),
                    Ok(_) => prop_assert!(false, "a corrupted key file was accepted (byte {i})"),
                }
            }
        }
    }
}
