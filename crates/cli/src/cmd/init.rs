//! `madoguchi init`: create the encrypted store of one seat.
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use madoguchi_core::{demo, DataDir, KdfCost, NewStore, Store};

use crate::passphrase::{self, PASSPHRASE_ENV};

/// Create a new encrypted store for a site and a seat (never overwrites an existing one).
#[derive(Debug, Args)]
pub struct Init {
    /// The site, e.g. "川西市 マイナンバーカード特設窓口".
    #[arg(long)]
    site: String,
    /// This seat, e.g. "窓口1".
    #[arg(long)]
    seat: String,
    /// Make a training store (研修モード): made-up data only, marked on every screen and paper,
    /// syncing with a training hub only. Fixed for good: a real store never becomes one.
    #[arg(long)]
    training: bool,
    /// Fill the store with fictional demo data (training, the quick start). Makes a training
    /// store: demo data never goes into a real one.
    #[arg(long)]
    demo: bool,
}

impl Init {
    pub fn run(self, dir: &DataDir) -> Result<ExitCode> {
        let passphrase = passphrase::new(PASSPHRASE_ENV, "New site passphrase: ")?;
        let new = NewStore {
            site_name: self.site,
            seat_name: self.seat,
        };
        let store = if self.training || self.demo {
            Store::create_training(dir, &passphrase, &new, KdfCost::STANDARD)?
        } else {
            Store::create(dir, &passphrase, &new, KdfCost::STANDARD)?
        };
        let store = store.act_as_site("cli");
        if self.demo {
            let n = demo::seed_staff(&store)?;
            println!("added {n} fictional staff (IDs and PINs in docs/operator-manual.ja.md)");
            // Two weeks of fictional bookings from today, about 60% full, and the last two
            // weeks already run through the counter (history for the reports and figures).
            let today = chrono::Local::now().date_naive();
            let past = today - chrono::Days::new(14);
            let n = demo::seed_reservations(&store, past, 28, 0.6, 42)?;
            let served: usize = past
                .iter_days()
                .take_while(|d| *d < today)
                .enumerate()
                .map(|(i, day)| demo::run_day(&store, day, 4, "C001", i as u64))
                .sum::<madoguchi_core::Result<usize>>()?;
            println!("added {n} fictional reservations; {served} visits already served");
        }
        println!(
            "created {}store {} in {}",
            if store.kind().is_training() {
                "training (研修モード) "
            } else {
                ""
            },
            store.meta().store_id,
            dir.root().display()
        );
        Ok(ExitCode::SUCCESS)
    }
}
