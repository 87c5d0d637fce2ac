//! The typed result of a run: [`run`] computes every row of a scenario, its summary and its
//! pairing with its reference once, in memory, and returns a [`RunResult`]. Every output file
//! (summary.csv, athletes.csv, daily.csv, manifest.json, the charts, report.html) is an exporter
//! over it (the `export` module, above this one); `optimize` ranks candidates on its values.
//!
//! ```
//! use periodize::result::{RunConfig, run};
//! let text = "schema_version = 1\n[model]\npreset = \"busso2003\"\n[plan]\nweeks = 8\nkey_workouts = 3\nkey_load = 100\n\
//!             [[variant]]\nname = \"spread\"\n[[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n";
//! let sc = periodize::scenario::parse_scenario(text, std::path::Path::new("s.toml")).unwrap();
//! let result = run(&sc, &RunConfig { athletes: Some(400), ..Default::default() }).unwrap();
//! // Two rows: the reference (spread) and clustered, compared athlete by athlete.
//! assert_eq!(result.rows.len(), 2);
//! assert!(result.rows[0].summary.comparison.is_none());
//! use periodize::summary::columns::{DIFF_MEAN, PERF_FINAL_MEAN};
//! let diff = result.value(1, DIFF_MEAN.name).unwrap();
//! let mean = |r: usize| result.value(r, PERF_FINAL_MEAN.name).unwrap();
//! // The mean paired difference is the difference of the means (the same athletes in both rows).
//! assert!((diff - (mean(1) - mean(0))).abs() < 1e-9 * mean(0).abs());
//! ```

mod verdict;
mod warnings;
pub mod who_wins;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::montecarlo::{DailyRow, Metrics, RowOptions, first_non_finite_day, run_row};
use crate::population::rng;
use crate::scenario::Scenario;
use crate::stats::quantiles;
use crate::summary::{COLUMNS, Comparison, RowFigures, RowSummary, Value, columns};

pub use verdict::{agree, agreement, judgement, questions, verdict, verdict_line, verdict_word};
pub use warnings::{RunWarning, documented_range};

/// How to run a scenario in memory.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Athletes per row (overrides `[run] athletes`).
    pub athletes: Option<usize>,
    /// Seed (overrides `[run] seed`).
    pub seed: Option<u64>,
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
    /// Keep every athlete's metrics and drawn parameters ([`RowOutcome::athletes`]).
    pub per_athlete: bool,
    /// Keep per-day aggregates of every row ([`RowOutcome::daily`]).
    pub daily: bool,
    /// Keep what the charts and the report draw: race-day quantiles and per-day aggregates.
    pub views: bool,
    /// Where to report progress (athletes done); the CLI draws a bar on a terminal.
    pub progress: Option<Arc<dyn crate::progress::Progress>>,
    /// The widest instruction set the engine may use (every form gives the same bits).
    pub simd: crate::montecarlo::Simd,
    /// Set it (from a signal handler, another thread, a notebook) to stop the run at the next
    /// row: [`run`] then returns [`Error::Cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
    /// The most athlete-days (rows x athletes x days, histories included) the run may simulate;
    /// more is refused before any work ([`MAX_ATHLETE_DAYS`] by default).
    pub max_athlete_days: f64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            athletes: None,
            seed: None,
            threads: None,
            per_athlete: false,
            daily: false,
            views: false,
            progress: None,
            simd: Default::default(),
            cancel: None,
            max_athlete_days: MAX_ATHLETE_DAYS,
        }
    }
}

/// Every athlete of one row: metrics and, when the row's model draws any, parameters.
#[derive(Clone, Debug)]
pub struct Athletes {
    /// Every athlete's metrics.
    pub metrics: Metrics,
    /// Every athlete's parameters, `params[athlete * n_params + p]` in the row's model order.
    pub params: Option<Vec<f64>>,
}

/// The result of one row.
#[derive(Clone, Debug)]
pub struct RowOutcome {
    /// Summary statistics and the comparison with the reference row.
    pub summary: RowSummary,
    /// Every athlete, with [`RunConfig::per_athlete`].
    pub athletes: Option<Athletes>,
    /// Per-day aggregates, with [`RunConfig::daily`] or [`RunConfig::views`].
    pub daily: Option<DailyRow>,
    /// Race-day performance quantiles 5, 25, 50, 75 and 95% (finite athletes; NaN if none), with
    /// [`RunConfig::views`].
    pub final_q: Option<[f64; 5]>,
    /// Per-day quantiles of each athlete's paired difference from the reference row, with
    /// [`RunConfig::views`] for a compared row (the daily chart draws them).
    pub paired: Option<crate::montecarlo::PairedDaily>,
}

/// Everything a run computed, in memory.
#[derive(Clone, Debug)]
pub struct RunResult<'s> {
    /// The scenario that was run.
    pub scenario: &'s Scenario,
    /// The seed used.
    pub seed: u64,
    /// Athletes per row.
    pub athletes: usize,
    /// One outcome per row, in the scenario's row order.
    pub rows: Vec<RowOutcome>,
    /// Athlete-days simulated.
    pub athlete_days: f64,
    /// Wall time of the simulation, in seconds.
    pub seconds: f64,
    /// The instruction set the engine ran on.
    pub simd: &'static str,
    /// The verdict lines, built once (see [`verdict`]): every compared row, or the three best
    /// and worst of more than [`MAX_VERDICT_LINES`].
    pub verdict: Vec<String>,
    /// Where the numbers should not be read at face value (see [`RunWarning`]), in row order.
    pub warnings: Vec<RunWarning>,
}

/// Compared rows a verdict lists one by one; beyond it, the three best and three worst.
pub const MAX_VERDICT_LINES: usize = 12;

impl<'s> RunResult<'s> {
    /// Row `ri`'s figures, from which every summary column is computed.
    pub fn figures(&self, ri: usize) -> Figures<'_> {
        let sc = self.scenario;
        let row = &sc.rows[ri];
        let summary = &self.rows[ri].summary;
        let reference = summary.comparison.as_ref().map(|c| sc.row_label(c.reference));
        let kind = row.model.config.kind;
        Figures {
            summary,
            model: row.model_name(),
            kind: kind.name(),
            convention: kind.has_convention().then(|| row.model.config.convention.name()),
            label: sc.row_label(ri),
            reference,
        }
    }

    /// Row `ri`'s value of the summary column `name` as a number (NaN for an empty cell), or
    /// None for a name that is no numeric column.
    pub fn value(&self, ri: usize, name: &str) -> Option<f64> {
        let c = columns::column(name).filter(|c| c.is_numeric())?;
        Some(c.get(&self.figures(ri).get()).as_f64())
    }

    /// The rows' summaries, in row order.
    pub fn summaries(&self) -> Vec<&RowSummary> {
        self.rows.iter().map(|r| &r.summary).collect()
    }

    /// The closing line: rows, athletes, time and throughput to two significant digits.
    pub fn line(&self, out: &std::path::Path) -> String {
        format!(
            "{} rows x {} athletes, {} athlete-days in {} ({} athlete-days/s); results in {}",
            self.rows.len(),
            self.athletes,
            sig2(self.athlete_days),
            seconds(self.seconds),
            sig2(self.athlete_days / self.seconds.max(1e-9)),
            out.display()
        )
    }
}

/// A row's figures with their labels owned; [`Figures::get`] borrows them as [`RowFigures`].
#[derive(Clone, Debug)]
pub struct Figures<'a> {
    summary: &'a RowSummary,
    model: &'a str,
    kind: &'static str,
    convention: Option<&'static str>,
    label: String,
    reference: Option<String>,
}

impl Figures<'_> {
    /// The figures the column table reads.
    pub fn get(&self) -> RowFigures<'_> {
        RowFigures { summary: self.summary, model: self.model, kind: self.kind, convention: self.convention, label: &self.label, reference: self.reference.as_deref() }
    }

    /// Every column's value, in [`COLUMNS`] order.
    pub fn values(&self) -> Vec<Value<'_>> {
        let f = self.get();
        COLUMNS.iter().map(|c| c.get(&f)).collect()
    }
}

/// `x` to two significant digits: `3.4e9`, `2.3e6`, `450`, `12`.
fn sig2(x: f64) -> String {
    if !(x.is_finite() && x > 0.0) {
        return "0".into();
    }
    if x >= 1000.0 { format!("{x:.1e}") } else { format!("{:.*}", (1 - x.log10().floor() as i32).max(0) as usize, x) }
}

/// A duration to two significant digits, in s or ms, never "0.00 s".
fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{} s", sig2(s))
    } else if s >= 1e-3 {
        format!("{} ms", sig2(s * 1e3))
    } else {
        "under 1 ms".into()
    }
}

/// Run every row of a validated scenario in memory: each row's plan is generated once, its
/// athletes simulated, its summary computed and paired with its reference row.
pub fn run<'s>(sc: &'s Scenario, cfg: &RunConfig) -> Result<RunResult<'s>> {
    let athletes = cfg.athletes.unwrap_or(sc.athletes);
    if athletes == 0 {
        return Err(Error::Usage("--athletes must be at least 1".into()));
    }
    check_memory(sc, athletes, cfg)?;
    let seed = cfg.seed.unwrap_or(sc.seed);
    let progress = AtomicU64::new(0);
    let bar = cfg.progress.as_deref();
    let mut simulate = |ri: usize, opts: RowOptions| Ok(crate::progress::watch(bar, &progress, || run_row(&sc.rows[ri], seed, athletes, opts, &progress)));
    assemble(sc, cfg, &mut simulate)
}

/// Each row's per-athlete results, made by a [`run`] or read back from a run's shards.
pub type RowSource<'a> = dyn FnMut(usize, RowOptions) -> Result<crate::montecarlo::RowResult> + Send + 'a;

/// [`run`] with every row's [`crate::montecarlo::RowResult`] taken from `rows(row, options)`
/// (the merge of a sharded run reads them back): the summaries, pairings, checks, warnings and
/// verdicts are computed from them exactly as [`run`] computes them.
pub fn assemble<'s>(sc: &'s Scenario, cfg: &RunConfig, rows: &mut RowSource<'_>) -> Result<RunResult<'s>> {
    let athletes = cfg.athletes.unwrap_or(sc.athletes);
    let seed = cfg.seed.unwrap_or(sc.seed);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let bar = cfg.progress.as_deref();
    if let Some(b) = bar {
        b.start((sc.rows.len() * athletes) as u64, "athletes");
    }
    let start = Instant::now();
    let outcome = pool.install(|| run_rows(sc, cfg, seed, athletes, rows));
    if let Some(b) = bar {
        b.finish();
    }
    let (rows, athlete_days, mut warnings) = outcome?;
    for (ri, r) in rows.iter().enumerate() {
        warnings.extend(warnings::peak_before_race(sc, ri, &r.summary));
        warnings.extend(warnings::beyond_calibration(sc, ri));
        if let Some(c) = &r.summary.comparison {
            warnings.extend(warnings::unequal_load(sc, ri, &r.summary, &rows[c.reference].summary));
        }
    }
    // Row order, then the order above (range first).
    warnings.sort_by_key(|w| w.row);
    let simd = crate::montecarlo::Form::detect(cfg.simd).name();
    let summaries: Vec<&RowSummary> = rows.iter().map(|r| &r.summary).collect();
    let verdict = verdict(sc, &summaries, MAX_VERDICT_LINES);
    Ok(RunResult { scenario: sc, seed, athletes, rows, athlete_days, seconds: start.elapsed().as_secs_f64(), simd, verdict, warnings })
}

/// A duration for a message: seconds, minutes, hours or days.
fn human_seconds(s: f64) -> String {
    match s {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} minutes", s / 60.0),
        s if s < 172_800.0 => format!("{:.0} hours", s / 3600.0),
        s => format!("{:.0} days", s / 86_400.0),
    }
}

/// The most athlete-days a run simulates unless told otherwise (`--max-athlete-days`): about 17
/// minutes of the engine on a laptop; a run beyond it is more likely a typo than a plan.
pub const MAX_ATHLETE_DAYS: f64 = 1e12;

/// The rows of a run, in the worker pool, and the athlete-days simulated.
fn run_rows(sc: &Scenario, cfg: &RunConfig, seed: u64, athletes: usize, source: &mut RowSource<'_>) -> Result<(Vec<RowOutcome>, f64, Vec<RunWarning>)> {
    let mut found = Vec::new();
    let bar = cfg.progress.as_deref();
    let mut pairing = Pairing::new(sc);
    let mut rows: Vec<RowOutcome> = Vec::with_capacity(sc.rows.len());
    let mut athlete_days = 0.0;
    let opts = RowOptions { keep_params: cfg.per_athlete, daily: cfg.daily || cfg.views, simd: cfg.simd, row: 0 };
    for (ri, row) in sc.rows.iter().enumerate() {
        if cfg.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        if let Some(b) = bar {
            b.message(format!("row {}/{}", ri + 1, sc.rows.len()));
        }
        let res = source(ri, RowOptions { row: ri, ..opts })?;
        check_finite(sc, ri, seed, &res)?;
        found.extend(warnings::out_of_range(sc, ri, seed, &res.metrics));
        athlete_days += (res.plan_days + 1) as f64 * athletes as f64;
        rows.push(RowOutcome { summary: res.summary(), athletes: None, daily: None, final_q: None, paired: None });
        pairing.add(sc, ri, &res.metrics.perf_final, &mut rows);
        let out = &mut rows[ri];
        if cfg.views {
            let mut finite: Vec<f64> = res.metrics.perf_final.iter().copied().filter(|x| x.is_finite()).collect();
            out.final_q = Some(if finite.is_empty() { [f64::NAN; 5] } else { quantiles(&mut finite, [0.05, 0.25, 0.5, 0.75, 0.95]) });
            // Only rows the daily chart draws (the first ones) need them.
            let drawn = ri < crate::montecarlo::MAX_DAILY_PANELS;
            out.paired = row.reference.filter(|_| drawn).and_then(|r| crate::montecarlo::paired_daily(row, ri, &sc.rows[r], r, seed, athletes, cfg.simd));
        }
        out.daily = res.daily;
        if cfg.per_athlete {
            out.athletes = Some(Athletes { metrics: res.metrics, params: res.params });
        }
    }
    Ok((rows, athlete_days, found))
}

/// `[run] race_time` as (seconds, exponent).
fn race(sc: &Scenario) -> Option<(f64, f64)> {
    sc.race.map(|r| (r.seconds, r.exponent))
}

/// Whether a row's performance has a level to take percents of (not a form chart's TSB).
fn has_level(row: &crate::scenario::Row) -> bool {
    !row.model.config.kind.info().form_chart
}

/// Race-day performances kept for pairing: of reference rows (until the run ends) and of rows
/// run before their reference (until it runs).
struct Pairing {
    kept: std::collections::HashMap<usize, Vec<f64>>,
    pending: Vec<(usize, Vec<f64>)>,
    is_reference: Vec<bool>,
}

impl Pairing {
    fn new(sc: &Scenario) -> Self {
        let mut is_reference = vec![false; sc.rows.len()];
        for r in sc.rows.iter().filter_map(|r| r.reference) {
            is_reference[r] = true;
        }
        Pairing { kept: Default::default(), pending: Vec::new(), is_reference }
    }

    /// Row `ri` has run with race-day performances `perf`: compare it with its reference if that
    /// has run, and every waiting row whose reference it is.
    fn add(&mut self, sc: &Scenario, ri: usize, perf: &[f64], rows: &mut [RowOutcome]) {
        if let Some(r) = sc.rows[ri].reference {
            match self.kept.get(&r) {
                Some(other) => rows[ri].summary.comparison = Some(Comparison::new(r, perf, other, rows[r].summary.perf_final_mean(), sc.compare.swc, has_level(&sc.rows[r]), race(sc))),
                None => self.pending.push((ri, perf.to_vec())),
            }
        }
        if self.is_reference[ri] {
            let (ready, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending).into_iter().partition(|(i, _)| sc.rows[*i].reference == Some(ri));
            self.pending = rest;
            for (i, theirs) in ready {
                rows[i].summary.comparison = Some(Comparison::new(ri, &theirs, perf, rows[ri].summary.perf_final_mean(), sc.compare.swc, has_level(&sc.rows[ri]), race(sc)));
            }
            self.kept.insert(ri, perf.to_vec());
        }
    }
}

/// A result that is not finite (or so large that summaries would overflow) is an error, never an
/// empty cell or an `inf`.
fn check_finite(sc: &Scenario, ri: usize, seed: u64, res: &crate::montecarlo::RowResult) -> Result<()> {
    use crate::model::{MAX_STATE, in_range};
    let row = &sc.rows[ri];
    let m = &res.metrics;
    let Some(i) = (0..m.len()).find(|&i| !(in_range(m.perf_final[i]) && in_range(m.perf_peak[i]))) else {
        return Ok(());
    };
    let x = if in_range(m.perf_final[i]) { m.perf_peak[i] } else { m.perf_final[i] };
    let x = if x.is_finite() { format!("{x:.3e}, beyond the limit of {MAX_STATE:e},") } else { x.to_string() };
    let day = match first_non_finite_day(row, seed, i) {
        Some(d) if d == res.plan_days => format!(" from race day (day {d})"),
        Some(d) => format!(" from day {d} of the plan"),
        None => String::new(),
    };
    Err(Error::Usage(format!(
        "{}: row {}: athlete {i}'s performance is {x}{day}: its parameters and the plan's loads overflow the model (see them with --per-athlete --athletes {}); check the gains, distributions and loads",
        sc.path.display(),
        row.label(&sc.sweep_paths),
        i + 1
    )))
}

/// Refuse up front a run that needs more memory than the machine has available, instead of being
/// killed half-way. Per athlete and row: the metric columns (40 bytes, 56 with load noise), the
/// race-day values kept for pairing (8 per reference row); with per-athlete output every row's
/// metrics and parameters are kept; a factor of 1.5 covers the summaries' scratch columns.
pub(crate) fn check_memory(sc: &Scenario, athletes: usize, cfg: &RunConfig) -> Result<()> {
    let days: f64 = sc.rows.iter().map(|r| (r.generated().days() + 1 + r.start.history_days()) as f64).sum();
    let total = days * athletes as f64;
    if total > cfg.max_athlete_days {
        return Err(Error::Usage(format!(
            "this run simulates {total:.3e} athlete-days ({} rows, {athletes} athletes, {:.0} days a row on average), more than the {:.0e} allowed (--max-athlete-days); at about 1e9 a second that is {}. Raise --max-athlete-days if you mean it, or use fewer athletes or rows",
            sc.rows.len(),
            days / sc.rows.len().max(1) as f64,
            cfg.max_athlete_days,
            human_seconds(total / 1e9)
        )));
    }
    let refs = sc.rows.iter().filter_map(|r| r.reference).collect::<std::collections::BTreeSet<_>>().len() + 1;
    let kept = if cfg.per_athlete { sc.rows.len() as f64 * (64 + 8 * rng::PARAM_SLOTS.len()) as f64 } else { 0.0 };
    let per_athlete = (64 + 8 * refs) as f64 + kept;
    // Worker threads map stacks and allocator arenas: counted against an address-space limit.
    let threads = cfg.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())) as f64;
    let need = (athletes as f64) * per_athlete * 1.5 + 256.0 * (1u64 << 20) as f64 + threads * 72.0 * (1u64 << 20) as f64;
    if let Some(avail) = crate::output::available_memory()
        && need > avail
    {
        let gib = |b: f64| b / (1u64 << 30) as f64;
        return Err(Error::Usage(format!(
            "{} athletes per row need about {:.1} GiB of memory; {:.1} GiB are available (the machine's free memory, or a ulimit or cgroup limit): use fewer athletes (--athletes)",
            athletes,
            gib(need),
            gib(avail)
        )));
    }
    Ok(())
}
