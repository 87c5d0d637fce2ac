//! The command line: argument definitions and dispatch. `main.rs` only maps errors to exit codes.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use periodize::error::{Error, Result};
use periodize::model::{Convention, ModelKind};
use clap::builder::TypedValueParser;

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
    /// Fit Banister, Busso or fitness-delay parameters to an athlete's history (`day,load,performance`).
    Fit(FitArgs),
    /// Write a commented template scenario (the train-to-recover comparison) to start from.
    Init(InitArgs),
    /// List the named populations (`[model] preset = "NAME"`): source, units, calibration.
    Presets(PresetsArgs),
    /// Check a result folder: complete a commit a killed run left half done, then compare every
    /// file with the SHA-256 its manifest records (exit 1 when something does not match).
    Verify(VerifyArgs),
    /// Search the plan values named in the scenario's `[optimize]` table for the best objective,
    /// then check the optimum out of sample (fresh seed, more athletes).
    Optimize(OptimizeArgs),
    /// Merge the parts of a sharded run (`run --shard I/N`) into the result set the unsharded run
    /// writes, byte for byte (the manifest records the parts).
    Merge(MergeArgs),
    /// Where a verdict flips: sweep one scenario value (`--param PATH`) over a range with the
    /// same athletes, and find by bisection where each comparison's mean difference crosses 0
    /// and +-swc.
    Sensitivity(SensitivityArgs),
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML) with at least one comparison.
    pub scenario: PathBuf,
    /// The value to vary: a dotted scenario path to a number (`plan.easy_load`, `model.a`) or to
    /// a normal or lognormal distribution (its centre moves, its spread stays).
    #[arg(long)]
    pub param: String,
    /// The range, LO:HI.
    #[arg(long, value_parser = parse_range, allow_hyphen_values = true)]
    pub range: (f64, f64),
    /// Output folder (created if missing): sweep.csv, break_even.csv, manifest.json.
    #[arg(long)]
    pub out: PathBuf,
    /// Evenly spaced values over the range before bisection.
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u64).range(2..=1001))]
    pub points: u64,
    /// Bisection stops at brackets narrower than this share of the range.
    #[arg(long, default_value_t = 1e-3, value_parser = parse_tolerance)]
    pub tolerance: f64,
    /// Athletes per row (overrides run.athletes).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub athletes: Option<u64>,
    /// Seed (overrides run.seed); every value runs the same athletes.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

/// `LO:HI`, two finite numbers with LO < HI.
fn parse_range(s: &str) -> std::result::Result<(f64, f64), String> {
    let (a, b) = s.split_once(':').ok_or_else(|| format!("'{s}': expected LO:HI, e.g. 0:1"))?;
    let num = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("'{x}': expected a finite number"));
    let (lo, hi) = (num(a)?, num(b)?);
    if lo >= hi {
        return Err(format!("'{s}': LO must be below HI"));
    }
    Ok((lo, hi))
}

fn parse_tolerance(s: &str) -> std::result::Result<f64, String> {
    s.trim().parse::<f64>().ok().filter(|t| *t > 0.0 && *t < 1.0).ok_or_else(|| format!("'{s}': expected a share of the range between 0 and 1, e.g. 0.001"))
}

#[derive(Debug, clap::Args)]
pub struct OptimizeArgs {
    /// The scenario file (TOML) with an `[optimize]` table.
    pub scenario: PathBuf,
    /// Output folder (created if missing): trace.csv, best.toml, summary.csv (the out-of-sample
    /// check), manifest.json, and the charts asked for.
    #[arg(long)]
    pub out: PathBuf,
    /// Evaluations per optimised variant (overrides `[optimize] budget`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=periodize::scenario::optimize::MAX_BUDGET as u64))]
    pub budget: Option<u64>,
    /// Athletes of the out-of-sample check (default: ten times the scenario's run.athletes,
    /// which the search uses).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub athletes: Option<u64>,
    /// Seed of the search (overrides run.seed); the check uses a seed derived from it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Also write convergence.svg, heatmap.svg (two varied values) and the check's charts.
    #[arg(long)]
    pub plots: bool,
    /// Also write report.html of the check, with the convergence chart.
    #[arg(long)]
    pub report: bool,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The result folder (`run --out` or `optimize --out`).
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct PresetsArgs {
    /// Print this preset's `[model]` table (TOML to paste into a scenario) instead of the list.
    pub name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write it (never over an existing file; `-` prints it).
    #[arg(default_value = "scenario.toml")]
    pub file: PathBuf,
}

/// How the daily CSV inputs of `simulate` and `fit` are read.
#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// The load column's name, for exports that call it TSS, TRIMP, Load, ... (default `load`).
    #[arg(long)]
    pub load_column: Option<String>,
    /// One load column per channel, `hard=COL,easy=COL`: a day's load is their sum, and models
    /// with a gain per channel (two-channel, busso-two-channel) see each part. Single-channel
    /// models see the sum.
    #[arg(long, value_name = "hard=COL,easy=COL", value_parser = parse_load_columns, conflicts_with = "load_column")]
    pub load_columns: Option<[String; 2]>,
    /// The format of the `date` column, strftime-style: %Y %y %m %d %b (e.g. %d/%m/%Y).
    /// Default ISO 8601 (YYYY-MM-DD).
    #[arg(long)]
    pub date_format: Option<String>,
    /// The export the file comes from: its date column, date format and load column
    /// (intervals.icu activities.csv, TrainingPeaks workouts.csv, GoldenCheetah's metrics CSV,
    /// Strava's activities.csv), or `fit`: a Garmin/Wahoo FIT file or a folder of them, each
    /// session's training_stress_score on its local date. `auto` recognises them from the header.
    #[arg(long, default_value = "auto", value_parser = clap::builder::PossibleValuesParser::new(periodize::daily::FORMAT_NAMES))]
    pub format: String,
    /// The date column's name, for files that keep their dates in another column.
    #[arg(long)]
    pub date_column: Option<String>,
    /// `zones`: split each day's load into the hard (zones 3 and up) and easy (zones 1-2)
    /// channels in proportion to its time in zones (intervals.icu, TrainingPeaks exports).
    #[arg(long, value_parser = ["zones"], conflicts_with = "load_columns")]
    pub channels: Option<String>,
}

impl CsvArgs {
    fn options(&self, with_performance: bool) -> periodize::daily::ReadOptions<'_> {
        let load_columns = self.load_columns.as_ref().map(|[h, e]| [h.as_str(), e.as_str()]);
        periodize::daily::ReadOptions {
            with_performance,
            load_column: self.load_column.as_deref(),
            load_columns,
            date_format: self.date_format.as_deref(),
            format: periodize::daily::Format::parse(&self.format).unwrap_or_default(),
            date_column: self.date_column.as_deref(),
            zones: self.channels.is_some(),
            label_column: None,
        }
    }
}

/// `hard=COL,easy=COL` (either order), both named once.
fn parse_load_columns(s: &str) -> Result<[String; 2], String> {
    let (mut hard, mut easy) = (None, None);
    for part in s.split(',') {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("\"{part}\": expected CHANNEL=COLUMN, e.g. hard=hard_tss,easy=easy_tss"))?;
        let (k, v) = (k.trim(), v.trim());
        if v.is_empty() {
            return Err(format!("\"{part}\": the column name is empty"));
        }
        let slot = match k {
            "hard" => &mut hard,
            "easy" => &mut easy,
            _ => return Err(format!("\"{k}\": expected the channel hard or easy")),
        };
        if slot.replace(v.to_string()).is_some() {
            return Err(format!("the channel {k} is named twice"));
        }
    }
    match (hard, easy) {
        (Some(h), Some(e)) => Ok([h, e]),
        _ => Err("expected both channels: hard=COL,easy=COL".to_string()),
    }
}

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// The model to fit: banister, busso, fitness-delay or two-channel (with --load-columns).
    #[arg(long, value_parser = model_parser())]
    pub model: ModelKind,
    /// The athlete's history: `day,load,performance` (performance empty on days without a test).
    #[arg(long)]
    pub data: PathBuf,
    /// When a day's load starts to count.
    #[arg(long, value_parser = convention_parser(), default_value = "lagged")]
    pub convention: Convention,
    /// Residual-bootstrap replicates for 95% intervals (0: none; at most 100000; 999 or more for
    /// intervals that cover at their nominal rate).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub bootstrap: u64,
    /// How the replicates become intervals: `studentized` (bootstrap-t) or `percentile`.
    #[arg(long, default_value = "studentized", value_parser = ["studentized", "percentile"])]
    pub interval: String,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Bounds of tau1, LO:HI days (default 1:100).
    #[arg(long, value_parser = parse_bounds)]
    pub tau1: Option<(f64, f64)>,
    /// Bounds of tau2, LO:HI days (default 1:60).
    #[arg(long, value_parser = parse_bounds)]
    pub tau2: Option<(f64, f64)>,
    /// Bounds of tau3 (busso, fitness-delay), LO:HI days (default 0.5:30).
    #[arg(long, value_parser = parse_bounds)]
    pub tau3: Option<(f64, f64)>,
    /// Require tau1 >= RATIO * tau2 (0: no order between the time constants).
    #[arg(long, default_value_t = periodize::fit::DEFAULT_MIN_RATIO)]
    pub min_ratio: f64,
    /// Grid points per time constant (default 80 for banister, 24 for busso; at least 2, and at
    /// most 250000 grid points in all: banister 500, busso 62).
    #[arg(long, default_value_t = 0)]
    pub grid: usize,
    /// Output CSV (stdout when absent or `-`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write the fitted athlete as a scenario file that `periodize run` can run.
    #[arg(long)]
    pub scenario_out: Option<PathBuf>,
    /// Also write every bootstrap replicate's parameters as CSV (with --bootstrap).
    #[arg(long)]
    pub replicates_out: Option<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
}

fn parse_positive(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("'{s}': expected a positive number (such as 5e12)")),
    }
}

fn parse_bounds(s: &str) -> std::result::Result<(f64, f64), String> {
    let (a, b) = s.split_once(':').ok_or_else(|| format!("'{s}': expected LO:HI, e.g. 5:60"))?;
    let (a, b): (f64, f64) = (a.trim().parse().map_err(|_| format!("'{a}' is not a number"))?, b.trim().parse().map_err(|_| format!("'{b}' is not a number"))?);
    if !(a > 0.0 && b > a && b.is_finite()) {
        return Err(format!("'{s}': expected 0 < LO < HI"));
    }
    Ok((a, b))
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
    /// Also write who_wins.csv: for each comparison and drawn parameter, its Spearman
    /// correlation with the paired difference and the shares better/worse per fifth of it.
    #[arg(long)]
    pub who_wins: bool,
    /// Also write daily.csv: per day and row, mean and 5/50/95% of performance, mean fitness,
    /// fatigue and load.
    #[arg(long)]
    pub daily: bool,
    /// Also write SVG charts: diff.svg (paired difference from the reference, 95% CI),
    /// daily.svg (weeks, median and 5-95% band over the planned load) and final.svg.
    #[arg(long)]
    pub plots: bool,
    /// Also write report.html: the question, the verdict, the charts, the weekly plans and the
    /// population in one self-contained page.
    #[arg(long)]
    pub report: bool,
    /// The most athlete-days (rows x athletes x days) the run may simulate; more is refused
    /// before any work. Default 1e12 (about 17 minutes of the engine).
    #[arg(long, value_parser = parse_positive, default_value_t = periodize::result::MAX_ATHLETE_DAYS)]
    pub max_athlete_days: f64,
    /// The most bytes athletes.csv and daily.csv may take (estimated before any work). Default
    /// 16 GiB.
    #[arg(long, value_parser = parse_positive, default_value_t = periodize::export::MAX_OUTPUT_BYTES)]
    pub max_output_bytes: f64,
    /// Run only part I of N (from 1) of the work (rows x blocks of 1024 athletes) and write it
    /// into --out as a part; `periodize merge` makes the whole set from all N parts. `auto`: the
    /// Slurm job array's task (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT).
    #[arg(long, value_name = "I/N|auto", value_parser = periodize::export::Shard::parse)]
    pub shard: Option<periodize::export::Shard>,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, clap::Args)]
pub struct FormatArgs {
    /// How to write the tables: `csv`; `parquet` (athletes and daily as Parquet instead of CSV,
    /// summary.csv kept with summary.parquet beside it); `both`.
    #[arg(long, value_name = "csv|parquet|both", value_parser = periodize::export::OutputFormat::parse, conflicts_with = "parquet")]
    pub output_format: Option<periodize::export::OutputFormat>,
    /// Parquet beside every CSV table (`--output-format both`).
    #[arg(long)]
    pub parquet: bool,
}

impl FormatArgs {
    fn get(&self) -> periodize::export::OutputFormat {
        if self.parquet { periodize::export::OutputFormat::Both } else { self.output_format.unwrap_or_default() }
    }
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The parts' folders (each written by `periodize run --shard I/N --out PART`), in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output folder for the merged result set.
    #[arg(long)]
    pub out: PathBuf,
    /// The scenario file, when it is no longer at the path the parts recorded (it must be the
    /// same file: its SHA-256 is checked).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output CSV (stdout when absent or `-`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// One row per week (variant, week, days, dates, kind, phase, sessions by kind, total load)
    /// instead of one per day.
    #[arg(long)]
    pub weekly: bool,
    /// Write the plan's sessions to this iCalendar file (one all-day event per session, for
    /// Google Calendar, Outlook, Apple Calendar). Needs plan.start_date.
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
    /// Write the sessions as a planned-workouts CSV in a platform's columns instead of plan.csv
    /// (`intervals`: its calendar events; `trainingpeaks`: its workouts.csv). Needs plan.start_date.
    #[arg(long, value_parser = ["intervals", "trainingpeaks"], conflicts_with = "weekly")]
    pub format: Option<String>,
    /// The plan --ics and --format write, when the scenario has several (a variant's name, or
    /// its label with the swept values).
    #[arg(long)]
    pub variant: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Also print every row's weeks: kind, phase, total load, and the rule that made them.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The model.
    #[arg(long, value_parser = model_parser())]
    pub model: ModelKind,
    /// Daily loads: a CSV with a header and `day` (or ISO `date`) and `load` columns, a
    /// platform's export (--format), or FIT files (one, or a folder of them).
    #[arg(long)]
    pub loads: PathBuf,
    /// A model parameter, NAME=VALUE; repeat for each (e.g. --param tau1=42).
    #[arg(long = "param", value_parser = parse_key_value)]
    pub params: Vec<(String, String)>,
    /// When a day's load starts to count (banister, busso and fitness-delay; pmc and perpot ignore it).
    #[arg(long, value_parser = convention_parser())]
    pub convention: Option<Convention>,
    /// Output CSV (stdout when absent or `-`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
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
            let sc = load_scenario(&a.scenario)?;
            if a.ics.is_some() || a.format.is_some() {
                return plan_out(&a, &sc);
            }
            if a.weekly {
                Ok(periodize::output::write_to(a.output.as_deref(), |w| periodize::plan_files::write_weekly(w, &sc))?)
            } else {
                Ok(periodize::output::write_to(a.output.as_deref(), |w| periodize::plan_files::write_plans(w, &sc))?)
            }
        }
        Command::Init(a) => init(&a.file),
        Command::Presets(a) => presets(a.name.as_deref()),
        Command::Run(a) => {
            let simd = periodize::montecarlo::Simd::from_env().map_err(Error::Usage)?;
            let sc = load_scenario(&a.scenario)?;
            let opts = periodize::export::RunOptions {
                run: periodize::RunConfig {
                    athletes: a.athletes.map(|n| n as usize),
                    seed: a.seed,
                    threads: a.threads.map(|n| n as usize),
                    progress: terminal_bar(),
                    simd,
                    max_athlete_days: a.max_athlete_days,
                    ..Default::default()
                },
                export: periodize::export::ExportOptions {
                    per_athlete: a.per_athlete,
                    daily: a.daily,
                    plots: a.plots,
                    report: a.report,
                    command_line: std::env::args().collect(),
                    extra_charts: Vec::new(),
                    max_output_bytes: Some(a.max_output_bytes),
                    who_wins: a.who_wins,
                    parts: Vec::new(),
                    format: a.format.get(),
                },
            };
            if let Some(shard) = a.shard {
                let part = periodize::export::write_part(&sc, &a.out, &opts, shard)?;
                periodize::output::note(format_args!("{}", part.line));
                return Ok(());
            }
            let report = periodize::export::run_to_dir(&sc, &a.out, &opts)?;
            report_run(&report);
            Ok(())
        }
        Command::Merge(a) => {
            let opts = periodize::export::MergeOptions { scenario: a.scenario, threads: a.threads.map(|n| n as usize), command_line: std::env::args().collect(), format: a.format.get() };
            let report = periodize::export::merge(&a.parts, &a.out, &opts)?;
            report_run(&report);
            Ok(())
        }
        Command::Fit(a) => fit(a),
        Command::Sensitivity(a) => {
            let simd = periodize::montecarlo::Simd::from_env().map_err(Error::Usage)?;
            // Read and validated once: the swept runs reuse the text, the comparisons come from `sc`.
            let text = periodize::io::read_input(&a.scenario)?;
            let sc = periodize::scenario::parse_scenario(&text, &a.scenario)?;
            for w in sc.warnings() {
                periodize::output::note(format_args!("warning: {w}"));
            }
            let opts = periodize::sensitivity::SensitivityOptions {
                points: a.points as usize,
                tolerance: a.tolerance,
                athletes: a.athletes.map(|n| n as usize),
                seed: a.seed,
                threads: a.threads.map(|n| n as usize),
                simd,
                ..periodize::sensitivity::SensitivityOptions::new(&a.param, a.range)
            };
            let s = periodize::sensitivity::sensitivity_to_dir(&a.scenario, &text, &sc, &a.out, &opts, &std::env::args().collect::<Vec<_>>())?;
            if !s.param.overridden.is_empty() {
                periodize::output::note(format_args!(
                    "warning: variant {} writes {} itself; the swept value replaces it there, so its comparison no longer asks what it was written to",
                    s.param.overridden.join(", "),
                    s.param.path
                ));
            }
            for c in &s.curves {
                periodize::output::note(format_args!("{}", c.line(s.param.short())));
            }
            periodize::output::note(format_args!("{} values in {} runs of {} athletes per row; wrote sweep.csv and break_even.csv to {}", s.evaluations, s.runs, s.athletes, a.out.display()));
            Ok(())
        }
        Command::Verify(a) => verify(&a.out),
        Command::Optimize(a) => {
            let simd = periodize::montecarlo::Simd::from_env().map_err(Error::Usage)?;
            let sc = load_scenario(&a.scenario)?;
            let opts = periodize::optimize::OptimizeOptions {
                budget: a.budget.map(|n| n as usize),
                athletes: a.athletes.map(|n| n as usize),
                seed: a.seed,
                threads: a.threads.map(|n| n as usize),
                plots: a.plots,
                report: a.report,
                progress: terminal_bar(),
                command_line: std::env::args().collect(),
                simd,
            };
            let report = periodize::optimize::optimize_to_dir(&sc, &a.out, &opts)?;
            for w in &report.warnings {
                periodize::output::note(format_args!("warning: {w}"));
            }
            for line in &report.lines {
                periodize::output::note(format_args!("{line}"));
            }
            periodize::output::note(format_args!("results in {}: {}", report.out_dir.display(), report.files.join(", ")));
            Ok(())
        }
        Command::Validate(a) => {
            let sc = load_scenario(&a.scenario)?;
            let mut text = validate_report(&sc);
            if a.explain {
                text.push_str(&periodize::plan_files::explain(&sc));
            }
            Ok(periodize::output::write_to(None, |w| w.write_all(text.as_bytes()))?)
        }
    }
}

/// `periodize verify OUT`: repair an interrupted commit, then check every file's checksum.
fn verify(out: &std::path::Path) -> Result<()> {
    let v = periodize::output::verify(out)?;
    if let Some(n) = v.repaired {
        periodize::output::note(format_args!("{}: completed the result set an interrupted run was moving into place ({n} files moved)", out.display()));
    }
    for p in &v.problems {
        periodize::output::note(format_args!("{}: {p}", out.display()));
    }
    if v.problems.is_empty() {
        periodize::output::note(format_args!("{}: complete: {} files match manifest.json", out.display(), v.ok));
        Ok(())
    } else {
        Err(Error::Failed(format!("{}: {} of {} files do not match manifest.json", out.display(), v.problems.len(), v.ok + v.problems.len())))
    }
}

/// `periodize presets [NAME]`: the list, or one preset's `[model]` table.
fn presets(name: Option<&str>) -> Result<()> {
    use periodize::scenario::presets::{PRESETS, Preset, find, names};
    // Every target: what, published vs reproduced, source and protocol, each line prefixed.
    let targets = |p: &Preset, prefix: &str| -> String {
        p.targets
            .iter()
            .map(|t| format!("{prefix}- {}: published {}, reproduced {}\n{prefix}    {}; {}\n", t.what, t.published, t.reproduced, t.source, t.protocol))
            .collect()
    };
    let text = match name {
        Some(n) => {
            let p = find(n).ok_or_else(|| Error::Usage(format!("preset \"{n}\": unknown; expected one of {}", names().join(", "))))?;
            format!(
                "# {}: {}\n# source: {}\n# load unit: {}; performance: {}\n# calibrated: {}\n# calibrated at a mean daily load of {:.1} (athlete.habitual_load maps the athlete's usual load onto it)\n# targets:\n{}[model]{}",
                p.name, p.summary, p.source, p.load_unit, p.performance_unit, p.calibrated, p.calibration_load, targets(p, "#   "), p.toml
            )
        }
        None => {
            let mut s = String::new();
            for p in PRESETS {
                s.push_str(&format!(
                    "{} ({})\n  {}\n  source:      {}\n  load unit:   {}\n  performance: {}\n  calibrated:  {}\n  daily load:  {:.1} (the calibration's mean; athlete.habitual_load maps the athlete's usual load onto it; plans beyond 2x either way get a beyond_calibration warning)\n  targets:\n{}\n",
                    p.name, p.kind, p.summary, p.source, p.load_unit, p.performance_unit, p.calibrated, p.calibration_load, targets(p, "    ")
                ));
            }
            s.push_str("Use one with [model] preset = \"NAME\"; keys written in [model] override it. periodize presets NAME prints its values.\n");
            s
        }
    };
    Ok(periodize::output::write_to(None, |w| w.write_all(text.as_bytes()))?)
}

/// Load a scenario and print its warnings on stderr.
fn load_scenario(path: &std::path::Path) -> Result<periodize::scenario::Scenario> {
    let sc = periodize::scenario::load(path)?;
    for w in sc.warnings() {
        periodize::output::note(format_args!("warning: {w}"));
    }
    Ok(sc)
}

/// The verdict, warnings and closing line of a run or merge, on stderr.
fn report_run(report: &periodize::export::RunReport) {
    for line in &report.verdict {
        periodize::output::note(format_args!("{line}"));
    }
    for w in &report.warnings {
        periodize::output::note(format_args!("warning: {w}"));
    }
    periodize::output::note(format_args!("{}", report.line));
}

/// `periodize init`: the template, never over an existing file (`-`: to stdout).
fn init(path: &std::path::Path) -> Result<()> {
    if path == std::path::Path::new("-") {
        return Ok(periodize::output::write_to(None, |w| w.write_all(periodize::scenario::TEMPLATE.as_bytes()))?);
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Usage(format!("{}: already exists; periodize init never overwrites a file (name another: periodize init my-plan.toml)", path.display()))
        } else {
            Error::write(path, source)
        }
    })?;
    let written = f.write_all(periodize::scenario::TEMPLATE.as_bytes()).and_then(|_| f.sync_all());
    if let Err(source) = written {
        let _ = std::fs::remove_file(path);
        return Err(Error::write(path, source));
    }
    periodize::output::note(format_args!("wrote {}; try: periodize validate --explain {0} && periodize run {0} --out out --report", path.display()));
    Ok(())
}

/// One line per row: its name, model, weeks, sessions by kind and total load.
pub fn validate_report(sc: &periodize::scenario::Scenario) -> String {
    let mut s = format!(
        "{}: ok, {} row(s), {} athletes per row, seed {}\n",
        sc.path().display(),
        sc.rows().len(),
        sc.athletes(),
        sc.seed()
    );
    for row in sc.rows() {
        let plan = periodize::plan::generate(row.plan());
        let [key, easy, rest, long] = plan.counts();
        let long = if long > 0 { format!(", {long} long") } else { String::new() };
        s.push_str(&format!(
            "{}: {} {}, {} weeks ({} days), {key} key{long}, {easy} easy, {rest} rest, total load {:.1}\n",
            row.label(sc.sweep_paths()),
            // The preset's name where there is one ("busso2003"), else the kind.
            row.model_name(),
            row.model().config().convention.name(),
            if plan.days().is_multiple_of(7) { (plan.days() / 7).to_string() } else { format!("{:.1}", plan.days() as f64 / 7.0) },
            plan.days(),
            plan.total()
        ));
    }
    for m in sc.load_mappings() {
        s.push_str(&format!("loads: {m}\n"));
    }
    s
}

/// `plan --ics` and `plan --format`: one plan's sessions for a calendar or a platform; the
/// plan CSV as well only when `-o` asks for it with `--ics`.
fn plan_out(a: &PlanArgs, sc: &periodize::scenario::Scenario) -> Result<()> {
    let row = periodize::plan_files::plan_row(sc, a.variant.as_deref()).map_err(|e| Error::Usage(format!("{}: {e}", a.scenario.display())))?;
    if let Some(path) = &a.ics {
        let stamp = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64));
        let stamp = format!("{}T{:02}{:02}{:02}Z", periodize::daily::format_date(stamp.div_euclid(86400)).replace('-', ""), stamp.rem_euclid(86400) / 3600, stamp.rem_euclid(3600) / 60, stamp.rem_euclid(60));
        periodize::output::write_to(Some(path), |w| periodize::plan_files::write_ics(w, sc, row, &stamp))?;
    }
    match a.format.as_deref() {
        Some(f) => {
            let f = if f == "intervals" { periodize::plan_files::PlannedFormat::Intervals } else { periodize::plan_files::PlannedFormat::TrainingPeaks };
            Ok(periodize::output::write_to(a.output.as_deref(), |w| periodize::plan_files::write_planned(w, sc, row, f))?)
        }
        None if a.output.is_some() && a.weekly => Ok(periodize::output::write_to(a.output.as_deref(), |w| periodize::plan_files::write_weekly(w, sc))?),
        None if a.output.is_some() => Ok(periodize::output::write_to(a.output.as_deref(), |w| periodize::plan_files::write_plans(w, sc))?),
        None => Ok(()),
    }
}

fn simulate(a: SimulateArgs) -> Result<()> {
    let (config, values) = periodize::simulate::resolve_params(a.model, a.convention, &a.params)?;
    if a.convention.is_some() && !a.model.has_convention() {
        periodize::output::note(format_args!("note: --convention does not apply to {}; a day's load counts on that day", a.model));
    }
    let series = periodize::daily::read_daily_with(&a.loads, &a.csv.options(false))?;
    read_notes(&a.loads, &series);
    periodize::simulate::check_finite(&config, &values, &series)?;
    Ok(periodize::output::write_to(a.output.as_deref(), |w| periodize::simulate::write_simulation(w, &config, &values, &series))?)
}

/// The files `fit --scenario-out PATH` writes beside the scenario: its history and replicates.
fn scenario_companions(path: &std::path::Path) -> [PathBuf; 2] {
    let stem = path.file_stem().map_or("athlete".into(), |s| s.to_string_lossy().into_owned());
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    [dir.join(format!("{stem}-history.csv")), dir.join(format!("{stem}-replicates.csv"))]
}

/// Before anything is written: no output of `fit` may be its `--data` file, and the files
/// `--scenario-out` writes beside the scenario may replace only files an earlier `fit
/// --scenario-out` wrote (the scenario at PATH, generated by periodize fit, names them).
fn check_fit_outputs(a: &FitArgs) -> Result<()> {
    let same = |p: &std::path::Path| match (std::fs::canonicalize(p), std::fs::canonicalize(&a.data)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    let mut outputs: Vec<(&str, PathBuf)> = Vec::new();
    for (flag, p) in [("-o", &a.output), ("--replicates-out", &a.replicates_out), ("--scenario-out", &a.scenario_out)] {
        if let Some(p) = p.as_deref().filter(|p| *p != std::path::Path::new("-")) {
            outputs.push((flag, p.to_path_buf()));
        }
    }
    if let Some(path) = &a.scenario_out {
        let ours = std::fs::read_to_string(path).is_ok_and(|t| t.contains("Generated by `periodize fit`"));
        for c in scenario_companions(path) {
            if c.exists() && !ours && !same(&c) {
                return Err(Error::Usage(format!(
                    "--scenario-out {}: {} exists and periodize did not write it (no scenario generated by periodize fit at {} names it); nothing was written: move it or choose another --scenario-out",
                    path.display(),
                    c.display(),
                    path.display()
                )));
            }
            outputs.push(("--scenario-out", c));
        }
    }
    for (flag, p) in outputs {
        if same(&p) {
            return Err(Error::Usage(format!("{flag}: {} is the --data file {}; nothing was written: choose another output", p.display(), a.data.display())));
        }
    }
    Ok(())
}

fn fit(a: FitArgs) -> Result<()> {
    let mut opts = periodize::fit::FitOptions::new(a.model, a.convention).map_err(|e| Error::Usage(e.to_string()))?;
    if a.replicates_out.is_some() && a.bootstrap == 0 {
        return Err(Error::Usage("--replicates-out needs --bootstrap N".into()));
    }
    // Every destination's folder must exist before anything is written, so that a bad one
    // cannot leave fit.csv written and the rest of the set missing.
    for (flag, path) in [("-o", &a.output), ("--replicates-out", &a.replicates_out), ("--scenario-out", &a.scenario_out)] {
        if let Some(p) = path.as_deref().filter(|p| *p != std::path::Path::new("-"))
            && let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(Error::Usage(format!("{flag} {}: the folder {} does not exist; nothing was written", p.display(), dir.display())));
        }
    }
    check_fit_outputs(&a)?;
    if a.tau3.is_some() && opts.bounds.len() < 3 {
        return Err(Error::Usage(format!("--tau3: {} has no tau3", a.model)));
    }
    for (i, b) in [a.tau1, a.tau2, a.tau3].into_iter().enumerate() {
        if let (Some(b), Some(slot)) = (b, opts.bounds.get_mut(i)) {
            *slot = b;
        }
    }
    if !(a.min_ratio.is_finite() && a.min_ratio >= 0.0) {
        return Err(Error::Usage(format!("--min-ratio {}: expected a number >= 0", a.min_ratio)));
    }
    opts.min_ratio = a.min_ratio;
    if a.grid == 1 {
        return Err(Error::Usage(format!("--grid 1: a grid needs at least 2 points per time constant (the default is {} for {})", periodize::fit::FitOptions::default_grid(a.model), a.model)));
    }
    let dims = opts.bounds.len() as u32;
    if a.grid > 0 && (a.grid as u64).checked_pow(dims).is_none_or(|n| n > periodize::fit::MAX_GRID_POINTS) {
        let most = (periodize::fit::MAX_GRID_POINTS as f64).powf(1.0 / dims as f64).floor();
        return Err(Error::Usage(format!(
            "--grid {}: {} time constants make {} grid points; at most {} are searched (--grid {most} for {})",
            a.grid,
            dims,
            (a.grid as f64).powi(dims as i32),
            periodize::fit::MAX_GRID_POINTS,
            a.model
        )));
    }
    opts.grid = a.grid;
    opts.bootstrap = a.bootstrap as usize;
    opts.interval = if a.interval == "percentile" { periodize::fit::Interval::Percentile } else { periodize::fit::Interval::Studentized };
    opts.seed = a.seed;
    let series = periodize::daily::read_daily_with(&a.data, &a.csv.options(true))?;
    read_notes(&a.data, &series);
    // A progress bar for long bootstraps, on a terminal only.
    if opts.bootstrap >= 100 {
        opts.progress = terminal_bar();
    }
    let fitted = periodize::fit::fit(&series, &opts);
    let fitted = fitted.map_err(|source| Error::Fit { path: a.data.clone(), source })?;
    periodize::output::write_to(a.output.as_deref(), |w| periodize::fit::write_csv(w, &fitted))?;
    if let Some(path) = &a.replicates_out {
        periodize::output::write_to(Some(path), |w| periodize::fit::write_replicates(w, &opts, &fitted))?;
    }
    if let Some(path) = &a.scenario_out {
        let stem = path.file_stem().map_or("athlete".into(), |s| s.to_string_lossy().into_owned());
        let files = periodize::fit::scenario_files(&fitted, &opts, &series, &a.data.display().to_string(), &stem);
        let [history, replicates] = scenario_companions(path);
        // The files the scenario names first, the scenario last: it never points at missing files.
        periodize::output::write_to(Some(&history), |w| w.write_all(files.history.as_bytes()))?;
        if let Some(t) = &files.replicates {
            periodize::output::write_to(Some(&replicates), |w| w.write_all(t.as_bytes()))?;
        }
        periodize::output::write_to(Some(path), |w| w.write_all(files.scenario.as_bytes()))?;
    }
    periodize::output::note(format_args!(
        "{} fit ({}) to {} tests: SSE {:.4}, R^2 {:.4}, residual sd {:.4}",
        a.model,
        a.convention.name(),
        fitted.n_tests,
        fitted.sse,
        fitted.r2,
        fitted.residual_sd
    ));
    for w in &fitted.warnings {
        periodize::output::note(format_args!("warning: {w}"));
    }
    Ok(())
}

/// Say once that rows sharing a day were summed.
/// How a daily CSV was read, once on stderr: rows summed, empty loads, planned rows skipped.
fn read_notes(path: &std::path::Path, series: &periodize::daily::DailySeries) {
    for n in series.notes() {
        periodize::output::note(format_args!("note: {}: {n}", path.display()));
    }
}

/// A progress bar on stderr when it is a terminal (None otherwise: pipes and logs get no bars).
fn terminal_bar() -> Option<std::sync::Arc<dyn periodize::progress::Progress>> {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal().then(|| std::sync::Arc::new(Bar(indicatif::ProgressBar::hidden())) as std::sync::Arc<dyn periodize::progress::Progress>)
}

/// indicatif's bar as a [`periodize::progress::Progress`].
#[derive(Debug)]
struct Bar(indicatif::ProgressBar);

impl periodize::progress::Progress for Bar {
    fn start(&self, total: u64, unit: &'static str) {
        let template = match unit {
            "athletes" => "{msg} {bar:40} {pos}/{len} athletes  {rate}  eta {eta}",
            "evaluations" => "{bar:30} {pos}/{len} evaluations  {msg}",
            _ => "{msg} {bar:40} {pos}/{len} {unit}  eta {eta}",
        };
        let template = template.replace("{unit}", unit);
        if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
            self.0.set_style(style.with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} athletes/s", s.per_sec());
            }));
        }
        if unit == "replicates" {
            self.0.set_message("bootstrap");
        }
        self.0.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.0.set_length(total);
        self.0.set_position(0);
    }
    fn set(&self, done: u64) {
        self.0.set_position(done);
    }
    fn message(&self, text: String) {
        self.0.set_message(text);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// `--model NAME`: the registered models, each with its one-line summary in `--help`.
fn model_parser() -> impl TypedValueParser<Value = ModelKind> {
    let values = ModelKind::ALL.iter().map(|k| clap::builder::PossibleValue::new(k.name()).help(k.info().summary));
    clap::builder::PossibleValuesParser::new(values).try_map(|s| ModelKind::parse(&s).ok_or_else(|| format!("unknown model {s}")))
}

/// `--convention lagged|same-day`.
fn convention_parser() -> impl TypedValueParser<Value = Convention> {
    let values = Convention::ALL.iter().map(|c| clap::builder::PossibleValue::new(c.name()).help(c.summary()));
    clap::builder::PossibleValuesParser::new(values).try_map(|s| Convention::parse(&s).ok_or_else(|| format!("unknown convention {s}")))
}
