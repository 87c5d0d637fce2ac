//! The command line: argument definitions and dispatch. `main.rs` only maps errors to exit codes.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::model::{Convention, ModelKind};

/// Periodization simulator: fitness-fatigue models, Monte Carlo scenario runs and model fitting.
#[derive(Debug, Parser)]
#[command(name = "periodize", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate one deterministic athlete over a daily load CSV (`day,load` or `date,load`).
    Simulate(SimulateArgs),
    /// Print the daily plan every row (variant x sweep point) of a scenario generates.
    Plan(PlanArgs),
    /// Check a scenario and print one line per row: weeks, sessions by kind, total load.
    Validate(ValidateArgs),
    /// Monte Carlo: run every row of a scenario over a population of simulated athletes.
    Run(RunArgs),
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output folder (created if missing): summary.csv, manifest.json, and what the flags ask for.
    #[arg(long)]
    pub out: PathBuf,
    /// Athletes per row (overrides the scenario's run.athletes).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub athletes: Option<u64>,
    /// Random seed (overrides the scenario's run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Also write athletes.csv: every athlete's metrics and parameters in every row.
    #[arg(long)]
    pub per_athlete: bool,
    /// Also write daily.csv: per day and row, mean and 5/50/95% of performance, mean fitness,
    /// fatigue and load.
    #[arg(long)]
    pub daily: bool,
    /// Also write SVG charts: race-day performance per row, daily median with 5-95% band.
    #[arg(long)]
    pub plots: bool,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output CSV (stdout when absent or `-`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The model.
    #[arg(long, value_enum)]
    pub model: ModelKind,
    /// Daily loads: a CSV with a header and `day` (or ISO `date`) and `load` columns.
    #[arg(long)]
    pub loads: PathBuf,
    /// A model parameter, NAME=VALUE; repeat for each (e.g. --param tau1=42).
    #[arg(long = "param", value_parser = parse_key_value)]
    pub params: Vec<(String, String)>,
    /// When a day's load starts to count (banister and busso; pmc and perpot ignore it).
    #[arg(long, value_enum)]
    pub convention: Option<Convention>,
    /// Output CSV (stdout when absent or `-`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

fn parse_key_value(s: &str) -> std::result::Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("'{s}': expected NAME=VALUE"))?;
    if k.trim().is_empty() {
        return Err(format!("'{s}': the name before '=' is empty"));
    }
    Ok((k.trim().to_string(), v.to_string()))
}

/// Run a parsed command line. Messages for the user go to stderr through `notes`.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Simulate(a) => simulate(a),
        Command::Plan(a) => {
            let sc = crate::scenario::load(&a.scenario)?;
            crate::output::write_to(a.output.as_deref(), |w| crate::plan::write_plans(w, &sc))
        }
        Command::Run(a) => {
            use std::io::IsTerminal;
            let sc = crate::scenario::load(&a.scenario)?;
            let opts = crate::montecarlo::report::RunOptions {
                athletes: a.athletes.map(|n| n as usize),
                seed: a.seed,
                threads: a.threads.map(|n| n as usize),
                per_athlete: a.per_athlete,
                daily: a.daily,
                plots: a.plots,
                progress: std::io::stderr().is_terminal(),
                command_line: std::env::args().collect(),
            };
            let report = crate::montecarlo::run_to_dir(&sc, &a.out, &opts)?;
            eprintln!("{}", report.line());
            Ok(())
        }
        Command::Validate(a) => {
            let sc = crate::scenario::load(&a.scenario)?;
            print!("{}", validate_report(&sc));
            Ok(())
        }
    }
}

/// One line per row: its name, model, weeks, sessions by kind and total load.
pub fn validate_report(sc: &crate::scenario::Scenario) -> String {
    let mut s = format!(
        "{}: ok, {} row(s), {} athletes per row, seed {}\n",
        sc.path.display(),
        sc.rows.len(),
        sc.athletes,
        sc.seed
    );
    for row in &sc.rows {
        let plan = crate::plan::generate(&row.plan);
        let [key, easy, rest] = plan.counts();
        s.push_str(&format!(
            "{}: {} {}, {} weeks ({} days), {key} key, {easy} easy, {rest} rest, total load {:.1}\n",
            row.label(&sc.sweep_paths),
            row.model.config.kind,
            row.model.config.convention.name(),
            plan.days() as f64 / 7.0,
            plan.days(),
            plan.total()
        ));
    }
    s
}

fn simulate(a: SimulateArgs) -> Result<()> {
    let (config, values) = crate::simulate::resolve_params(a.model, a.convention, &a.params)?;
    if a.convention.is_some() && !a.model.has_convention() {
        eprintln!("note: --convention does not apply to {}; a day's load counts on that day", a.model);
    }
    let series = crate::daily::read_daily(&a.loads, false)?;
    crate::output::write_to(a.output.as_deref(), |w| crate::simulate::write_simulation(w, &config, &values, &series))
}

impl From<Error> for std::process::ExitCode {
    fn from(e: Error) -> Self {
        std::process::ExitCode::from(e.exit_code() as u8)
    }
}
