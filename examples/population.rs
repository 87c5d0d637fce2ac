//! A population through a shipped scenario, from Rust: read and validate the scenario, run every
//! row with the same athletes, and compare each row's race day with its reference athlete by
//! athlete.
//!
//! `cargo run --release --example population` runs `scenarios/busso-spacing.toml` with 2,000
//! athletes per row and prints each row's mean race-day performance and its paired difference.

use std::sync::atomic::AtomicU64;

use periodize::montecarlo::{RowOptions, run_row};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/busso-spacing.toml");
    let sc = periodize::scenario::load(&path)?;
    let athletes = 2000;
    let results: Vec<_> = sc.rows().iter().map(|row| run_row(row, sc.seed(), athletes, RowOptions::default(), &AtomicU64::new(0))).collect();
    println!("{} rows x {athletes} athletes (seed {})", sc.rows().len(), sc.seed());
    for (row, res) in sc.rows().iter().zip(&results) {
        let perf = &res.metrics.perf_final;
        let mean = perf.iter().sum::<f64>() / perf.len() as f64;
        let label = row.label(sc.sweep_paths());
        match row.reference() {
            // The same athlete i in both rows: the difference is paired.
            Some(r) => {
                let other = &results[r].metrics.perf_final;
                let diff = perf.iter().zip(other).map(|(a, b)| a - b).sum::<f64>() / perf.len() as f64;
                let wins = perf.iter().zip(other).filter(|(a, b)| a > b).count();
                println!("{label:40} race day {mean:8.3}  vs reference {diff:+.3} (better for {wins} of {athletes})");
            }
            None => println!("{label:40} race day {mean:8.3}  (reference)"),
        }
    }
    Ok(())
}
