//! Where the CLI gets passphrases: an environment variable (automation, tests, the demo) or a
//! prompt on the terminal that does not echo. Never a command-line argument (it would show in
//! the process list and the shell history).
use anyhow::{bail, Context, Result};
use madoguchi_core::Passphrase;

/// Environment variable holding the site passphrase.
pub const PASSPHRASE_ENV: &str = "MADOGUCHI_PASSPHRASE";
/// Environment variable holding the new passphrase for `change-passphrase`.
pub const NEW_PASSPHRASE_ENV: &str = "MADOGUCHI_NEW_PASSPHRASE";

/// Reads the passphrase from `env` or asks for it; `None` if neither is possible.
pub fn get(env: &str, prompt: &str) -> Result<Option<Passphrase>> {
    if let Ok(value) = std::env::var(env) {
        return Ok(Some(Passphrase::new(value)));
    }
    match rpassword::prompt_password(prompt) {
        Ok(value) => Ok(Some(Passphrase::new(value))),
        Err(_) => Ok(None), // no terminal
    }
}

/// Like [`get`], but a passphrase is required.
pub fn require(env: &str, prompt: &str) -> Result<Passphrase> {
    get(env, prompt)?.with_context(|| format!("no passphrase: set {env} or run in a terminal"))
}

/// A new passphrase: from `env`, or typed twice at the terminal.
pub fn new(env: &str, prompt: &str) -> Result<Passphrase> {
    if let Ok(value) = std::env::var(env) {
        return Ok(Passphrase::new(value));
    }
    let first = rpassword::prompt_password(prompt)
        .with_context(|| format!("no passphrase: set {env} or run in a terminal"))?;
    let again = rpassword::prompt_password("Type it again: ")?;
    if first != again {
        bail!("the two passphrases differ");
    }
    Ok(Passphrase::new(first))
}

/// A staff PIN: from `env`, or typed at the terminal without echo.
pub fn pin(env: &str, prompt: &str) -> Result<madoguchi_core::store::Pin> {
    let typed = match std::env::var(env) {
        Ok(value) => value,
        Err(_) => rpassword::prompt_password(prompt)
            .with_context(|| format!("no PIN: set {env} or run in a terminal"))?,
    };
    Ok(madoguchi_core::store::Pin::new(typed))
}
