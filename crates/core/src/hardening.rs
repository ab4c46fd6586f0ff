//! What every Madoguchi process does to itself first thing (issue 18, "No dumps"): a crash
//! must not write the process's memory — decrypted pages, the data key, names typed at the
//! counter — to a core file or a crash-report service, and SQLCipher must wipe what it frees.
//!
//! [`harden_process`] is called at the top of `main` by the desktop app, the `madoguchi` CLI and
//! so the hub (`madoguchi hub serve`). It is best effort and never fails the start: what could
//! not be done is returned, and the caller logs it (no personal data is involved).
//!
//! - Unix: `RLIMIT_CORE` is set to 0, soft and hard, so neither this process nor any child it
//!   starts (the WebView's processes, a shell the CLI never starts) can raise it again; a core
//!   file is never written, and `systemd-coredump` honours the limit too.
//! - Linux: `prctl(PR_SET_DUMPABLE, 0)` as well: the kernel makes no dump at all (with the
//!   default `fs.suid_dumpable = 0`), and other processes of the same user can no longer
//!   `ptrace` this one or read its memory through `/proc/<pid>/mem`. The flag does not survive
//!   `exec`, which is why the limit above is what protects child processes.
//! - Windows: nothing can be done here without FFI (this crate forbids `unsafe`); Windows Error
//!   Reporting is turned off for the app by the set-up step in the operator manual (see
//!   docs/threat-model.md, "Crash dumps").
//! - Everywhere: SQLCipher's memory security ([`memory_security`]) is turned on for every
//!   connection this process opens afterwards. Its cost is measured in docs/threat-model.md.
use std::sync::atomic::{AtomicBool, Ordering};

static MEMORY_SECURITY: AtomicBool = AtomicBool::new(false);

/// What [`harden_process`] managed to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hardening {
    /// The core-file size limit is 0 (soft and hard).
    pub core_limit_zero: bool,
    /// The process is marked not dumpable (Linux).
    pub not_dumpable: bool,
    /// SQLCipher's memory security will be on for connections opened from now on.
    pub memory_security: bool,
    /// What could not be done, and why (no personal data).
    pub problems: Vec<String>,
}

/// Turns off core dumps for this process and its children, and turns SQLCipher's memory
/// security on (see the module documentation). Call once, first thing in `main`, and log
/// [`Hardening::problems`] as warnings.
pub fn harden_process() -> Hardening {
    let mut done = Hardening::default();
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        match setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        ) {
            Ok(()) => done.core_limit_zero = getrlimit(Resource::Core).current == Some(0),
            Err(e) => done
                .problems
                .push(format!("setrlimit(RLIMIT_CORE, 0): {e}")),
        }
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{dumpable_behavior, set_dumpable_behavior, DumpableBehavior};
        match set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            Ok(()) => {
                done.not_dumpable = matches!(dumpable_behavior(), Ok(DumpableBehavior::NotDumpable))
            }
            Err(e) => done
                .problems
                .push(format!("prctl(PR_SET_DUMPABLE, 0): {e}")),
        }
    }
    MEMORY_SECURITY.store(true, Ordering::SeqCst);
    done.memory_security = true;
    done
}

/// Whether connections opened by this process turn SQLCipher's `cipher_memory_security` on
/// (set by [`harden_process`]; in-process tests run without it, the CLI and app with it).
pub fn memory_security() -> bool {
    MEMORY_SECURITY.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    // nextest runs every test in its own process, so this changes nothing for other tests.
    #[test]
    fn the_process_is_left_without_core_dumps() {
        let done = harden_process();
        assert!(done.memory_security && memory_security());
        #[cfg(unix)]
        {
            use rustix::process::{getrlimit, Resource};
            assert!(done.core_limit_zero, "{:?}", done.problems);
            let limit = getrlimit(Resource::Core);
            assert_eq!((limit.current, limit.maximum), (Some(0), Some(0)));
        }
        #[cfg(target_os = "linux")]
        {
            assert!(done.not_dumpable, "{:?}", done.problems);
            // The limit cannot be raised again, by this process or a child.
            use rustix::process::{setrlimit, Resource, Rlimit};
            assert!(
                setrlimit(
                    Resource::Core,
                    Rlimit {
                        current: Some(1 << 20),
                        maximum: Some(1 << 20)
                    }
                )
                .is_err()
                    || rustix::process::getuid().is_root()
            );
        }
    }
}
