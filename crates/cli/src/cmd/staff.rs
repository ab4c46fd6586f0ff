//! `madoguchi staff`: the roster from the command line. `add` is how the first manager is put on
//! the roster of a new store (the site passphrase holder acts as the site administrator);
//! later members are usually added by a manager in the app.
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use madoguchi_core::{
    people::Role,
    store::{NewStaff, Pin},
    DataDir,
};

use super::open_as_site;

/// Environment variable holding the new member's PIN (automation, tests).
pub const PIN_ENV: &str = "MADOGUCHI_STAFF_PIN";

/// Manage the staff roster.
#[derive(Debug, Args)]
pub struct Staff {
    #[command(subcommand)]
    command: StaffCommand,
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a member (the PIN is asked for, or read from MADOGUCHI_STAFF_PIN).
    Add {
        /// Staff ID, e.g. M001.
        #[arg(long)]
        code: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// Role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the roster.
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Manager,
    Deputy,
    Staff,
    CityStaff,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Manager => Role::Manager,
            RoleArg::Deputy => Role::Deputy,
            RoleArg::Staff => Role::Staff,
            RoleArg::CityStaff => Role::CityStaff,
        }
    }
}

impl Staff {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = open_as_site(dir, "cli")?;
        match self.command {
            StaffCommand::Add { code, name, role } => {
                let pin = match std::env::var(PIN_ENV) {
                    Ok(pin) => pin,
                    Err(_) => {
                        let first = rpassword::prompt_password("PIN (4-8 digits): ").with_context(
                            || format!("no PIN: set {PIN_ENV} or run in a terminal"),
                        )?;
                        if rpassword::prompt_password("Type it again: ")? != first {
                            bail!("the two PINs differ");
                        }
                        first
                    }
                };
                let member = store.add_staff(NewStaff {
                    code,
                    name,
                    role: role.into(),
                    pin: Pin::new(pin),
                })?;
                println!("added {} ({})", member.code, member.role.code());
            }
            StaffCommand::List => {
                for m in store.staff()? {
                    let state = if m.active { "" } else { " (inactive)" };
                    println!("{}\t{}\t{}{state}", m.code, m.role.code(), m.name);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
