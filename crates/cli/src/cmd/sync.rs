//! `madoguchi enrol` and `madoguchi sync`: a seat's link to its hub from the command line.
use std::{process::ExitCode, sync::Arc};

use anyhow::Result;
use clap::Args;
use madoguchi_core::DataDir;
use madoguchi_sync::{client, tls::HubPin};

use super::{open_as_site, open_unlocked};

/// Enrol this seat with a hub using the one-time string the hub shows.
#[derive(Debug, Args)]
pub struct Enrol {
    /// The hub's address, host:port.
    #[arg(long)]
    hub: String,
    /// The enrolment string (XXXX-XXXX-XXXX-<start of the hub's fingerprint>).
    #[arg(long)]
    code: String,
}

impl Enrol {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = Arc::new(std::sync::Mutex::new(Some(open_as_site(dir, "enrol")?)));
        let runtime = tokio::runtime::Runtime::new()?;
        let hub_name = runtime.block_on(client::enrol(&store, &self.hub, &self.code))?;
        println!("enrolled with {hub_name} at {}", self.hub);
        // Send what this PC already holds (a seat used on its own before, the demo history) now,
        // before another PC enrols and the hub sets places aside for it: bookings confirmed here
        // then keep their places. The hub's data arrives with the app's (or `sync`'s) first round.
        let round = runtime.block_on(async {
            let (identity, link) = {
                let guard = store.lock().unwrap_or_else(|p| p.into_inner());
                let s = guard.as_ref().expect("the store is open");
                (
                    s.sync_identity(madoguchi_sync::tls::new_identity)?,
                    s.sync_link()?.ok_or(madoguchi_sync::Error::NoHub)?,
                )
            };
            let mut conn = client::connect(
                &identity,
                &link.hub_address,
                HubPin::Exact(link.hub_fingerprint),
            )
            .await?;
            client::push_outbox(&store, &mut conn).await
        })?;
        println!("sent {} changes to the hub", round.pushed);
        Ok(ExitCode::SUCCESS)
    }
}

/// Sync this seat with its hub: one round, or keep syncing with `--watch`.
#[derive(Debug, Args)]
pub struct Sync {
    /// Keep running: sync on every change announced by the hub and retry while it is away.
    #[arg(long)]
    watch: bool,
}

impl Sync {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        // Nobody signed in, exactly as a counter PC's app after unlock.
        let store = open_unlocked(dir)?;
        let link = store.sync_link()?.ok_or(madoguchi_sync::Error::NoHub)?;
        let identity = store.sync_identity(madoguchi_sync::tls::new_identity)?;
        let store = Arc::new(std::sync::Mutex::new(Some(store)));
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async move {
            if self.watch {
                let (task, mut status) = client::spawn(store, Arc::new(tokio::sync::Notify::new()));
                loop {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => break,
                        changed = status.changed() => {
                            if changed.is_err() { break; }
                            let s = status.borrow().clone();
                            match (s.last_error, s.last_round) {
                                (Some(e), _) => eprintln!("offline: {e}"),
                                (None, Some(r)) if r.snapshot.is_some() => eprintln!(
                                    "in sync (round {}; loaded the hub's snapshot: {})",
                                    s.rounds,
                                    r.snapshot.unwrap_or_default()
                                ),
                                (None, _) => eprintln!("in sync (round {})", s.rounds),
                            }
                        }
                    }
                }
                task.abort();
            } else {
                let mut conn = client::connect(
                    &identity,
                    &link.hub_address,
                    HubPin::Exact(link.hub_fingerprint),
                )
                .await?;
                let round = client::round(&store, &mut conn).await?;
                println!("pushed {}, pulled {}", round.pushed, round.pulled);
                if let Some(reason) = round.snapshot {
                    println!("loaded the hub's snapshot ({reason})");
                }
            }
            anyhow::Ok(ExitCode::SUCCESS)
        })
    }
}
