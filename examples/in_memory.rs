//! A scenario run in memory: `periodize::run` computes every row, its summary and its pairing
//! with the reference, and the summary is printed as CSV on stdout, byte for byte the
//! summary.csv that `periodize run` writes for the same scenario, without creating any file.
//!
//! `cargo run --release --example in_memory -- scenarios/busso-spacing.toml [--athletes N] [--seed S]`

use periodize::export::SummaryCsv;
use periodize::{RunConfig, run};

fn main() -> std::process::ExitCode {
    match main_() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn main_() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: in_memory SCENARIO.toml [--athletes N] [--seed S]")?;
    let mut cfg = RunConfig::default();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--athletes" => cfg.athletes = Some(value.parse()?),
            "--seed" => cfg.seed = Some(value.parse()?),
            _ => return Err(format!("unknown option {flag}").into()),
        }
    }
    let sc = periodize::scenario::load(std::path::Path::new(&path))?;
    let result = run(&sc, &cfg)?;
    SummaryCsv::to_writer(&result, std::io::stdout().lock())?;
    // The figures are values, not text: the first compared row's paired difference.
    if let Some(ri) = result.rows.iter().position(|r| r.summary.comparison.is_some()) {
        eprintln!("row {ri}: diff_mean = {}", result.value(ri, "diff_mean").unwrap_or(f64::NAN));
    }
    Ok(())
}
