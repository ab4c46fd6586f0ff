//! Where the CLI gets passphrases: an environment variable (automation, tests, the demo) or a
//! prompt on the terminal that does not echo. Never a command-line argument (it would show in
//! the process list and the shell history).
use anyhow::{bail, Context, Result};
use madoguchi_core::Passphrase;

/// Environment variable holding the site passphrase.
pub const PASSPHRASE_ENV: &str = "MADOGUCHI_PASSPHRASE";
/// The systemd credential holding the site passphrase for the hub's service (`LoadCredential=`,
/// `madoguchi hub install-service`): read from `$CREDENTIALS_DIRECTORY`.
pub const CREDENTIAL: &str = "madoguchi-passphrase";
/// Environment variable naming a file that holds the site passphrase (a service manager other
/// than systemd). The file must be readable by its owner only.
pub const PASSPHRASE_FILE_ENV: &str = "MADOGUCHI_PASSPHRASE_FILE";
/// Environment variable holding the new passphrase for `change-passphrase`.
pub const NEW_PASSPHRASE_ENV: &str = "MADOGUCHI_NEW_PASSPHRASE";

/// Reads the passphrase from `env`, or (the site passphrase only) from the service's
/// credential or the file `MADOGUCHI_PASSPHRASE_FILE` names, or asks for it; `None` if none is
/// possible.
pub fn get(env: &str, prompt: &str) -> Result<Option<Passphrase>> {
    if let Ok(value) = std::env::var(env) {
        return Ok(Some(Passphrase::new(value)));
    }
    if env == PASSPHRASE_ENV {
        if let Some(file) = passphrase_file()? {
            return read_file(&file).map(Some);
        }
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

/// The passphrase as typed (from `env` or the terminal), for a command that writes it into the
/// hub service's passphrase file; zeroised when dropped.
#[cfg_attr(not(windows), allow(dead_code))]
pub fn typed(env: &str, prompt: &str) -> Result<zeroize::Zeroizing<String>> {
    let text = match std::env::var(env) {
        Ok(value) => value,
        Err(_) => rpassword::prompt_password(prompt)
            .with_context(|| format!("no passphrase: set {env} or run in a terminal"))?,
    };
    Ok(zeroize::Zeroizing::new(text))
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

/// The file holding the site passphrase for a service: systemd's credential, else the file
/// `MADOGUCHI_PASSPHRASE_FILE` names.
fn passphrase_file() -> Result<Option<std::path::PathBuf>> {
    if let Ok(dir) = std::env::var("CREDENTIALS_DIRECTORY") {
        let path = std::path::Path::new(&dir).join(CREDENTIAL);
        if path.exists() {
            return Ok(Some(path));
        }
    }
    Ok(std::env::var_os(PASSPHRASE_FILE_ENV).map(Into::into))
}

/// The passphrase in `file` (one line; the line end is not part of it). The file is opened
/// once, and the opened file must be a regular file others may not read: the passphrase unlocks
/// every citizen's data on the hub. On Linux that is mode 600; on Windows no entry of the file's
/// access list may let everyone, all users or guests read it (`crate::windows_acl`).
pub fn read_file(file: &std::path::Path) -> Result<Passphrase> {
    use std::io::Read;
    let mut opened =
        std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
    let meta = opened
        .metadata()
        .with_context(|| format!("reading {}", file.display()))?;
    if !meta.is_file() {
        bail!("{} is not a file", file.display());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "{} may be read by others (mode {:o}): make it readable by its owner only (chmod 600)",
                file.display(),
                mode & 0o777
            );
        }
    }
    #[cfg(windows)]
    crate::windows_acl::refuse_if_others_may_read(&opened, file)?;
    let mut text = String::new();
    opened
        .read_to_string(&mut text)
        .with_context(|| format!("reading {}", file.display()))?;
    let line = text.strip_suffix('\n').unwrap_or(&text);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        bail!("{} is empty", file.display());
    }
    Ok(Passphrase::new(line.to_owned()))
}
