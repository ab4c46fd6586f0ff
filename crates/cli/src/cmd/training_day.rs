//! `madoguchi training-day`: a standalone training PC's training day (研修モード).
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use madoguchi_core::DataDir;

use super::open_as_site;

/// A training store's training day (a training PC on its own; a training hub's seats follow
/// `madoguchi hub training-reset`).
#[derive(Debug, Args)]
pub struct TrainingDay {
    #[command(subcommand)]
    command: TrainingDayCommand,
}

#[derive(Debug, Subcommand)]
enum TrainingDayCommand {
    /// Reset to the training day (2026-10-01 09:00): the roster and the configuration stay,
    /// everything else is seeded again (a scheduled task each morning in a training room).
    Reset,
    /// Show the training day this store follows.
    Show,
}

impl TrainingDay {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let store = open_as_site(dir, "cli")?;
        match self.command {
            TrainingDayCommand::Reset => {
                let reset = store.reset_training_day(madoguchi_core::demo::training_day)?;
                println!(
                    "training day {} reset ({} bookings, {} visits served before it)",
                    reset.state.day, reset.bookings, reset.served
                );
            }
            TrainingDayCommand::Show => match store.training_state()? {
                Some(state) => println!(
                    "training day {} (reset {}); the store's clock reads {}",
                    state.day,
                    state.reset_at,
                    store.now().format("%Y-%m-%d %H:%M")
                ),
                None if store.kind().is_training() => println!("training store, never reset"),
                None => println!("not a training store"),
            },
        }
        Ok(ExitCode::SUCCESS)
    }
}
