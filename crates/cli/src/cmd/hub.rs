//! `madoguchi hub`: run the hub on this PC's store, and manage the seats enrolled with it.
use std::{net::SocketAddr, process::ExitCode};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use madoguchi_core::{site::SiteId, DataDir};
use madoguchi_sync::hub::Hub as Server;

use super::open_as_site;

/// The default port of the hub.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:7750";

/// Run or manage the hub (the single authority for bookings on the LAN).
#[derive(Debug, Args)]
pub struct Hub {
    #[command(subcommand)]
    command: HubCommand,
}

#[derive(Debug, Subcommand)]
enum HubCommand {
    /// Serve seats until stopped (Ctrl+C).
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
    },
    /// Print a one-time enrolment string for a new seat (valid 10 minutes, once), or with
    /// `--seat`, one that re-admits that revoked seat (only it can use the code).
    Code {
        /// A revoked seat's id (see `hub seats`).
        #[arg(long)]
        seat: Option<uuid::Uuid>,
        /// The site the new seat works for (its code, e.g. `ekimae`; default: the first site).
        #[arg(long, conflicts_with = "seat")]
        site: Option<SiteId>,
    },
    /// List the enrolled seats.
    Seats,
    /// Move an enrolled seat to another site (it hears it at its next sync).
    SeatSite {
        /// The seat's id (see `hub seats`).
        seat_id: uuid::Uuid,
        /// The site's code.
        site: SiteId,
    },
    /// Revoke a seat: it is cut off and must enrol again with a new code.
    Revoke {
        /// The seat's id (see `hub seats`).
        seat_id: uuid::Uuid,
    },
    /// Start a new log after restoring the hub from a backup or moving it to another PC: every
    /// seat loads the hub's data again at its next sync and re-sends what the hub does not hold.
    NewLog,
    /// Register this hub as a service that starts at boot (Linux: a systemd unit; Windows: a
    /// Windows service). See the operator manual 6-14.
    InstallService(super::hub_service::InstallService),
    /// Stop the hub's Windows service and remove it (the data directory and the passphrase file
    /// stay). Linux: `systemctl disable --now madoguchi-hub` and remove the unit file.
    #[cfg(windows)]
    UninstallService,
    /// What the Windows service runs (not for a console: use `serve`).
    #[cfg(windows)]
    #[command(hide = true)]
    RunService {
        /// Address and port to listen on.
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// The site passphrase file.
        #[arg(long)]
        passphrase_file: std::path::PathBuf,
    },
    /// A training hub only: reset the training day (研修日, 2026-10-01 09:00). The roster and the
    /// configuration stay; everything else is seeded again, and every seat follows at its next
    /// sync, dropping the work of the day that is gone.
    TrainingReset,
}

impl Hub {
    /// Is this `hub run-service` (the Windows service)?
    #[cfg(windows)]
    pub fn is_windows_service(&self) -> bool {
        matches!(self.command, HubCommand::RunService { .. })
    }

    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        match self.command {
            HubCommand::InstallService(install) => {
                install.run(dir)?;
                return Ok(ExitCode::SUCCESS);
            }
            #[cfg(windows)]
            HubCommand::UninstallService => {
                super::hub_service::windows_scm::uninstall()?;
                return Ok(ExitCode::SUCCESS);
            }
            #[cfg(windows)]
            HubCommand::RunService {
                listen,
                passphrase_file,
            } => {
                super::hub_service::windows_scm::run(dir, listen, passphrase_file)?;
                return Ok(ExitCode::SUCCESS);
            }
            _ => {}
        }
        let store = open_as_site(dir, "hub")?;
        let runtime = tokio::runtime::Runtime::new()?;
        let hub = Server::new(store)?;
        runtime.block_on(async move {
            match self.command {
                HubCommand::Serve { listen } => {
                    let listening = |addr, hub: &Server| println!("hub listening on {addr}; fingerprint {}", hub.fingerprint());
                    serve_until(hub, listen, listening, stop_signal()).await?;
                }
                HubCommand::Code { seat, site } => {
                    println!("{}", hub.enrolment_string_for(seat, site).await?);
                    eprintln!("Type it on the new seat within 10 minutes: madoguchi enrol --hub <address> --code <this>");
                }
                HubCommand::Seats => {
                    for s in hub.seats().await? {
                        let state = s.revoked_at.as_deref().map_or("enrolled".to_owned(), |t| format!("revoked {t}"));
                        println!("{}  {}  site {}  {}  last seq {}  {}", s.seat_id, s.name, s.site_id, state, s.last_seq, s.last_seen.as_deref().unwrap_or("never seen"));
                    }
                }
                HubCommand::SeatSite { seat_id, site } => {
                    let seat = hub.with_store(move |s| s.hub_set_seat_site(seat_id, &site)).await?;
                    println!("{} ({}) now works for site {}", seat.name, seat.seat_id, seat.site_id);
                }
                HubCommand::Revoke { seat_id } => {
                    hub.revoke(seat_id).await?;
                    println!("revoked {seat_id}");
                }
                HubCommand::TrainingReset => {
                    let reset = hub.with_store(|s| s.reset_training_day(madoguchi_core::demo::training_day)).await?;
                    println!(
                        "training day {} reset ({} bookings, {} visits served before it); seats follow at their next sync",
                        reset.state.day, reset.bookings, reset.served
                    );
                }
                #[cfg(windows)]
                HubCommand::UninstallService | HubCommand::RunService { .. } => unreachable!("handled before the store opens"),
                HubCommand::InstallService(_) => unreachable!("handled before the store opens"),
                HubCommand::NewLog => {
                    let id = hub.with_store(|s| s.hub_new_log()).await?;
                    println!("new log {id}: every seat reloads the hub's data at its next sync");
                }
            }
            anyhow::Ok(ExitCode::SUCCESS)
        })
    }
}

/// Serves seats on `listen` until `stop` completes (the hub then stops taking connections; each
/// change a seat sent is already committed or not at all) or the listener fails. `listening` is
/// told the bound address first.
pub async fn serve_until(
    hub: Server,
    listen: SocketAddr,
    listening: impl FnOnce(SocketAddr, &Server),
    stop: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let (addr, task) = hub
        .clone()
        .bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(%addr, fingerprint = %hub.fingerprint(), "hub serving");
    listening(addr, &hub);
    tokio::select! {
        () = stop => {
            tracing::info!("hub stopping");
            Ok(())
        }
        r = task => Ok(r.context("the hub's listener stopped")?),
    }
}

/// Completes at Ctrl+C, or (Unix) when the service manager asks the hub to stop (SIGTERM).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => tracing::warn!("cannot watch for SIGTERM: {e}"),
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
