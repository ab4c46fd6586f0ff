//! Types that say what is secret.
//!
//! * [`DataKey`]: the random 256-bit key of one store. Not `Clone`, not `Debug`, not `Serialize`;
//!   zeroised on drop. It leaves this crate only as the SQLCipher key pragma.
//! * [`Passphrase`]: the site passphrase a manager types each morning; zeroised on drop.
//! * [`Personal`]: a piece of personal data (name, phone, birth date). Its `Debug` prints
//!   `<redacted>` so that a stray `{:?}` in a log line cannot leak it, and it has no `Display`.
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of a data key in bytes (SQLCipher raw key: 256 bits).
pub const DATA_KEY_LEN: usize = 32;

/// A store's data key.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; DATA_KEY_LEN]);

impl DataKey {
    /// A fresh key from the OS random generator.
    pub fn generate() -> Self {
        let mut key = [0u8; DATA_KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut key);
        DataKey(key)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; DATA_KEY_LEN] = bytes.try_into().ok()?;
        Some(DataKey(array))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }

    /// The SQLCipher `PRAGMA key` statement for this raw key (`x'…'` skips SQLCipher's own KDF:
    /// the key is already random).
    pub(crate) fn key_pragma(&self) -> Zeroizing<String> {
        let mut sql = Zeroizing::new(String::with_capacity(20 + 2 * DATA_KEY_LEN));
        sql.push_str("PRAGMA key = \"x'");
        for byte in self.0 {
            sql.push(char::from_digit((byte >> 4) as u32, 16).unwrap());
            sql.push(char::from_digit((byte & 0xf) as u32, 16).unwrap());
        }
        sql.push_str("'\";");
        sql
    }
}

/// Minimum passphrase length in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The site passphrase.
pub struct Passphrase(SecretString);

impl Passphrase {
    /// Wraps a typed passphrase (the `String` is moved in and zeroised when dropped).
    pub fn new(text: String) -> Self {
        Passphrase(SecretString::from(text))
    }

    /// Refuses passphrases shorter than [`MIN_PASSPHRASE_CHARS`] (used when one is set, not
    /// when one is tried: a short wrong guess is simply wrong).
    pub fn check_strength(&self) -> crate::Result<()> {
        if self.0.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(crate::Error::PassphraseTooShort {
                min: MIN_PASSPHRASE_CHARS,
            });
        }
        Ok(())
    }

    pub(crate) fn to_secret(&self) -> SecretString {
        SecretString::from(self.0.expose_secret().to_owned())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// A value that is personal data. Serialises transparently (the UI must show it), but never
/// prints in `Debug` and is zeroised on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct Personal(String);

impl Personal {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Personal(value.into())
    }

    /// The plain value: call only where it is shown to the person entitled to see it or stored.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Personal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_never_prints_in_debug() {
        let p = Personal::new("山田太郎 090-1234-5678");
        assert_eq!(format!("{p:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&p)), "Some(<redacted>)");
    }

    #[test]
    fn key_pragma_is_hex_of_the_key() {
        let key = DataKey::from_bytes(&[0xab; 32]).unwrap();
        assert_eq!(
            *key.key_pragma(),
            format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32))
        );
    }

    #[test]
    fn short_passphrases_are_refused_when_set() {
        assert!(Passphrase::new("short".into()).check_strength().is_err());
        assert!(Passphrase::new("長い合言葉ですよね".into())
            .check_strength()
            .is_ok());
    }
}
