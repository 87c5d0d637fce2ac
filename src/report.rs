//! `periodize run`: run every row and write summary.csv, manifest.json and, on request,
//! athletes.csv, daily.csv and SVG charts. Every file is written under a temporary name and
//! renamed into place only when the whole run has succeeded.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use crate::montecarlo::summary::{Comparison, RowSummary, verdict};
use crate::montecarlo::{AthleteMetrics, DailyRow, RowOptions, RowResult, first_non_finite_day, rng, run_row};
use crate::error::{Error, Result};
use crate::output::{AtomicFile, csv_writer, num};
use crate::scenario::Scenario;
use crate::stats::quantiles;

/// How to run a scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Athletes per row (overrides `[run] athletes`).
    pub athletes: Option<usize>,
    /// Seed (overrides `[run] seed`).
    pub seed: Option<u64>,
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
    /// Write athletes.csv: every athlete's metrics and parameters.
    pub per_athlete: bool,
    /// Write daily.csv: per-day means and quantiles of every row.
    pub daily: bool,
    /// Write the SVG charts.
    pub plots: bool,
    /// Write report.html: the question, verdict, charts and population in one page.
    pub report: bool,
    /// Where to report progress (athletes done); the CLI draws a bar on a terminal.
    pub progress: Option<std::sync::Arc<dyn crate::progress::Progress>>,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
    /// Charts made elsewhere (`optimize`'s convergence chart) to show first in report.html.
    pub extra_charts: Vec<crate::plots::Chart>,
    /// The widest instruction set the engine may use (recorded in the manifest's `simd`).
    pub simd: crate::montecarlo::Simd,
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Rows run.
    pub rows: usize,
    /// Athletes per row.
    pub athletes: usize,
    /// Athlete-days simulated.
    pub athlete_days: f64,
    /// Wall time of the simulation, in seconds.
    pub seconds: f64,
    /// The output folder.
    pub out_dir: PathBuf,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// One line per compared row (see [`verdict`]).
    pub verdict: Vec<String>,
}

impl RunReport {
    /// The closing line: rows, athletes, time and throughput to two significant digits.
    pub fn line(&self) -> String {
        format!(
            "{} rows x {} athletes, {} athlete-days in {} ({} athlete-days/s); results in {}",
            self.rows,
            self.athletes,
            sig2(self.athlete_days),
            seconds(self.seconds),
            sig2(self.athlete_days / self.seconds.max(1e-9)),
            self.out_dir.display()
        )
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

/// The six per-athlete metrics, in summary order.
pub const METRICS: [&str; 6] = ["perf_final", "perf_peak", "peak_day", "load_total", "days_below", "acwr_max"];

/// The accessor of metric `i` (in [`METRICS`] order).
fn metric(i: usize) -> fn(&AthleteMetrics) -> f64 {
    match i {
        0 => |m| m.perf_final,
        1 => |m| m.perf_peak,
        2 => |m| m.peak_day,
        3 => |m| m.load_total,
        4 => |m| m.days_below,
        _ => |m| m.acwr_max,
    }
}

/// The summary.csv header.
pub fn summary_header(sc: &Scenario) -> Vec<String> {
    let mut h = vec!["variant".to_string()];
    h.extend(sc.sweep_paths.iter().cloned());
    h.extend(["athletes", "reference"].map(String::from));
    h.extend(["mean", "sd", "p05", "p50", "p95"].map(|s| format!("perf_final_{s}")));
    h.extend(["mean", "sd", "p05", "p50", "p95"].map(|s| format!("gain_pct_{s}")));
    h.extend(
        [
            "perf_peak_mean", "peak_day_mean", "load_total_mean", "win_rate", "win_rate_ci_low", "win_rate_ci_high", "diff_mean",
            "diff_ci_low", "diff_ci_high", "diff_pct",
        ]
        .map(String::from),
    );
    for m in &METRICS[1..4] {
        h.extend(["sd", "p05", "p50", "p95"].map(|s| format!("{m}_{s}")));
    }
    for m in &METRICS[4..] {
        h.extend(["mean", "sd", "p05", "p50", "p95"].map(|s| format!("{m}_{s}")));
    }
    h.extend(["model", "convention", "plan_days", "label"].map(String::from));
    h
}

/// One summary row. A reference row leaves `reference`, `win_rate` and `diff_*` empty.
fn summary_cells(sc: &Scenario, ri: usize, s: &RowSummary) -> Vec<String> {
    let reference = s.comparison.as_ref().map(|cmp| sc.rows[cmp.reference].label(&sc.sweep_paths));
    row_cells(&sc.rows[ri], &sc.sweep_paths, reference.as_deref(), s)
}

/// The summary.csv cells of `row` (in [`summary_header`]'s order), compared with the row
/// labelled `reference` when `s` has a comparison.
pub fn row_cells(row: &crate::scenario::Row, sweep_paths: &[String], reference: Option<&str>, s: &RowSummary) -> Vec<String> {
    let stats = &s.stats;
    let mut c = key_cells(row);
    c.push(s.athletes.to_string());
    c.push(s.comparison.as_ref().and(reference).map_or(String::new(), str::to_string));
    c.extend(stats[0].iter().map(|&x| num(x)));
    match &s.gain_pct {
        Some(g) => c.extend(g.iter().map(|&x| num(x))),
        None => c.extend(std::iter::repeat_n(String::new(), 5)),
    }
    c.extend([stats[1][0], stats[2][0], stats[3][0]].map(num));
    match &s.comparison {
        Some(cmp) => {
            let (wl, wh) = cmp.win_rate_ci();
            let (dl, dh) = cmp.diff_ci();
            c.extend([cmp.win_rate(), wl, wh, cmp.diff_mean, dl, dh, cmp.diff_pct].map(num));
        }
        None => c.extend(std::iter::repeat_n(String::new(), 7)),
    }
    for s in &stats[1..4] {
        c.extend(s[1..].iter().map(|&x| num(x)));
    }
    for s in &stats[4..] {
        c.extend(s.iter().map(|&x| num(x)));
    }
    c.push(row.model.config.kind.name().into());
    c.push(if row.model.config.kind.has_convention() { row.model.config.convention.name().into() } else { String::new() });
    c.push(s.plan_days.to_string());
    c.push(row.label(sweep_paths));
    c
}

/// The cells that name a row in every CSV: the variant, then one per swept path.
fn key_cells(row: &crate::scenario::Row) -> Vec<String> {
    std::iter::once(&row.variant).chain(&row.sweep).cloned().collect()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write { path: path.to_path_buf(), source }
}

/// What the charts and the report need of a row: a few numbers per row and day, never a value
/// per athlete.
#[derive(Clone, Debug)]
pub struct RowView {
    /// Race-day performance quantiles 5, 25, 50, 75 and 95% (finite athletes only; NaN if none).
    pub final_q: [f64; 5],
    /// Per-day aggregates, for the daily chart.
    pub daily: Option<DailyRow>,
}

/// Run a validated scenario and write its results into `out` as one set: every file is written
/// into a staging folder inside `out` (under the folder's lock) and moved into place when all are
/// complete, the manifest last; files an earlier run listed in its manifest that this run does not
/// write are removed, and files periodize did not write are never touched.
pub fn run_to_dir(sc: &Scenario, out: &Path, opts: &RunOptions) -> Result<RunReport> {
    let staging = crate::output::Staging::new(out)?;
    let mut report = write_run(sc, staging.path(), opts)?;
    let names: Vec<String> = report.files.iter().filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    staging.commit(&names)?;
    report.out_dir = out.to_path_buf();
    report.files = names.iter().map(|n| out.join(n)).collect();
    Ok(report)
}

/// Run a validated scenario and write its files straight into the folder `out` (each file
/// atomically, the set not: [`run_to_dir`] stages it). `report.files` lists them, the manifest last.
pub fn write_run(sc: &Scenario, out: &Path, opts: &RunOptions) -> Result<RunReport> {
    let athletes = opts.athletes.unwrap_or(sc.athletes);
    let seed = opts.seed.unwrap_or(sc.seed);
    if athletes == 0 {
        return Err(Error::Usage("--athletes must be at least 1".into()));
    }
    check_memory(sc, athletes, opts)?;
    std::fs::create_dir_all(out).map_err(io(out))?;
    // Create every output now, so a bad output folder fails before the work.
    let mut summary = AtomicFile::create(&out.join("summary.csv"))?;
    let mut manifest = AtomicFile::create(&out.join("manifest.json"))?;
    let mut per_athlete = if opts.per_athlete { Some(AtomicFile::create(&out.join("athletes.csv"))?) } else { None };
    let mut daily = if opts.daily { Some(AtomicFile::create(&out.join("daily.csv"))?) } else { None };
    let views_wanted = opts.plots || opts.report;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let progress = AtomicU64::new(0);
    let bar = opts.progress.as_deref();
    if let Some(b) = bar {
        b.start((sc.rows.len() * athletes) as u64, "athletes");
    }
    let start = Instant::now();

    let key_header = || std::iter::once("variant").chain(sc.sweep_paths.iter().map(String::as_str));
    let param_names = all_param_names(sc);
    if let Some(f) = per_athlete.as_mut() {
        let header = key_header().chain(["athlete"]).chain(METRICS).chain(param_names.iter().map(String::as_str));
        write_records(f, [header])?;
    }
    // A date column when a row's plan has a start date.
    let dated = sc.rows.iter().any(|r| r.plan.start_date().is_some());
    if let Some(f) = daily.as_mut() {
        let date = if dated { &["day", "date"][..] } else { &["day"] };
        let stats = ["perf_mean", "perf_p05", "perf_p50", "perf_p95", "fitness_mean", "fatigue_mean", "load_mean", "race_day"];
        write_records(f, [key_header().chain(date.iter().copied()).chain(stats)])?;
    }
    // Race-day performances kept for pairing: of reference rows (until the run ends) and of rows
    // run before their reference (until it runs).
    let mut kept: std::collections::HashMap<usize, Vec<f64>> = Default::default();
    let mut pending: Vec<(usize, Vec<f64>)> = Vec::new();
    let mut summaries: Vec<RowSummary> = Vec::with_capacity(sc.rows.len());
    let mut is_reference = vec![false; sc.rows.len()];
    for r in sc.rows.iter().filter_map(|r| r.reference) {
        is_reference[r] = true;
    }
    let mut views = Vec::new();
    let mut athlete_days = 0.0;
    for (ri, row) in sc.rows.iter().enumerate() {
        if let Some(b) = bar {
            b.message(format!("row {}/{}", ri + 1, sc.rows.len()));
        }
        let res = pool.install(|| crate::progress::watch(bar, &progress, || run_row(row, seed, athletes, RowOptions { keep_params: opts.per_athlete, daily: opts.daily || views_wanted, simd: opts.simd }, &progress)));
        // A result that is not finite (or so large that summaries would overflow) is an error,
        // never an empty cell or an `inf`.
        use crate::model::{MAX_STATE, in_range};
        let m = &res.metrics;
        if let Some(i) = (0..athletes).find(|&i| !(in_range(m.perf_final[i]) && in_range(m.perf_peak[i]))) {
            let x = if in_range(m.perf_final[i]) { m.perf_peak[i] } else { m.perf_final[i] };
            let x = if x.is_finite() { format!("{x:.3e}, beyond the limit of {MAX_STATE:e},") } else { x.to_string() };
            let day = match first_non_finite_day(row, seed, i) {
                Some(d) if d == res.plan_days => format!(" from race day (day {d})"),
                Some(d) => format!(" from day {d} of the plan"),
                None => String::new(),
            };
            return Err(Error::Usage(format!(
                "{}: row {}: athlete {i}'s performance is {x}{day}: its parameters and the plan's loads overflow the model (see them with --per-athlete --athletes {}); check the gains, distributions and loads",
                sc.path.display(),
                row.label(&sc.sweep_paths),
                i + 1
            )));
        }
        athlete_days += (res.plan_days + 1) as f64 * athletes as f64;
        summaries.push(pool.install(|| RowSummary::new(&res)));
        let perf = &res.metrics.perf_final;
        if let Some(r) = row.reference {
            match kept.get(&r) {
                Some(other) => summaries[ri].comparison = Some(pool.install(|| Comparison::new(r, perf, other, summaries[r].perf_final_mean()))),
                None => pending.push((ri, perf.clone())),
            }
        }
        if is_reference[ri] {
            let mine = perf.clone();
            let (ready, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut pending).into_iter().partition(|(i, _)| sc.rows[*i].reference == Some(ri));
            pending = rest;
            for (i, theirs) in ready {
                summaries[i].comparison = Some(pool.install(|| Comparison::new(ri, &theirs, &mine, summaries[ri].perf_final_mean())));
            }
            kept.insert(ri, mine);
        }
        let prefix = key_cells(row);
        if let Some(f) = per_athlete.as_mut() {
            write_athletes(f, &prefix, row, &res, &param_names)?;
        }
        if let (Some(f), Some(d)) = (daily.as_mut(), res.daily.as_ref()) {
            let start = dated.then(|| row.plan.start_date());
            write_daily(f, &prefix, start, d, res.plan_days)?;
        }
        if views_wanted {
            let mut finite: Vec<f64> = perf.iter().copied().filter(|x| x.is_finite()).collect();
            let final_q = if finite.is_empty() { [f64::NAN; 5] } else { quantiles(&mut finite, [0.05, 0.25, 0.5, 0.75, 0.95]) };
            views.push(RowView { final_q, daily: res.daily });
        }
    }
    drop(kept);
    if let Some(b) = bar {
        b.finish();
    }
    let seconds = start.elapsed().as_secs_f64();
    write_records(&mut summary, std::iter::once(summary_header(sc)).chain(summaries.iter().enumerate().map(|(ri, s)| summary_cells(sc, ri, s))))?;
    let created_utc = crate::output::utc_now();
    let charts = if views_wanted { crate::plots::charts(sc, &summaries, &views)? } else { Vec::new() };
    let report_charts: Vec<crate::plots::Chart> = opts.extra_charts.iter().chain(&charts).cloned().collect();
    let mut extra = Vec::new();
    if opts.plots {
        for c in &charts {
            extra.push(crate::plots::save(&out.join(&c.file), &c.svg)?);
        }
    }
    if opts.report {
        let meta = crate::html_report::Meta { seed, athletes, created_utc: &created_utc, git_commit: option_env!("PERIODIZE_GIT_COMMIT") };
        let html = crate::html_report::render(sc, &summaries, &report_charts, &meta);
        extra.push(crate::plots::save(&out.join("report.html"), &html)?);
    }
    // Every file of the set, the manifest last (the order they are moved into place).
    let mut files: Vec<PathBuf> = vec![summary.path().to_path_buf()];
    files.extend(per_athlete.iter().chain(daily.iter()).chain(extra.iter()).map(|f| f.path().to_path_buf()));
    files.push(manifest.path().to_path_buf());
    let names: Vec<String> = files.iter().filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    let manifest_json = serde_json::json!({
        "periodize_version": env!("CARGO_PKG_VERSION"),
        "git_commit": option_env!("PERIODIZE_GIT_COMMIT"),
        "created_utc": created_utc,
        "seed": seed,
        "athletes": athletes,
        "rows": sc.rows.len(),
        "command_line": opts.command_line,
        "scenario_file": sc.path,
        "scenario_sha256": sc.sha256,
        "scenario": sc,
        "rng": "ChaCha8 (chacha20 crate); one stream per (seed, purpose, athlete): params, load, test",
        "simd": crate::montecarlo::Form::detect(opts.simd).name(),
        "files": names,
    });
    serde_json::to_writer_pretty(manifest.writer(), &manifest_json).map_err(|e| Error::Write { path: out.join("manifest.json"), source: e.into() })?;
    summary.commit()?;
    for f in per_athlete.into_iter().chain(daily).chain(extra) {
        f.commit()?;
    }
    manifest.commit()?;
    let verdict = verdict(sc, &summaries, 12);
    Ok(RunReport { rows: sc.rows.len(), athletes, athlete_days, seconds, out_dir: out.to_path_buf(), files, verdict })
}

/// Refuse up front a run that needs more memory than the machine has available, instead of being
/// killed half-way. Per athlete and row: the metric columns (40 bytes, 56 with load noise), the
/// race-day values kept for pairing (8 per reference row), and the parameters with
/// --per-athlete; a factor of 1.5 covers the summaries' scratch columns.
fn check_memory(sc: &Scenario, athletes: usize, opts: &RunOptions) -> Result<()> {
    let refs = sc.rows.iter().filter_map(|r| r.reference).collect::<std::collections::BTreeSet<_>>().len() + 1;
    let params = if opts.per_athlete { 8 * rng::PARAM_SLOTS.len() } else { 0 };
    let per_athlete = 56 + 8 * refs + params;
    let need = (athletes as f64) * per_athlete as f64 * 1.5;
    if let Some(avail) = crate::output::available_memory()
        && need > avail
    {
        let gib = |b: f64| b / (1u64 << 30) as f64;
        return Err(Error::Usage(format!(
            "{} athletes per row need about {:.1} GiB of memory; this machine has {:.1} GiB available: use fewer athletes (--athletes)",
            athletes,
            gib(need),
            gib(avail)
        )));
    }
    Ok(())
}


/// Write CSV records to an output file (through [`csv_writer`]).
fn write_records<R: IntoIterator<Item: AsRef<[u8]>>>(f: &mut AtomicFile, records: impl IntoIterator<Item = R>) -> Result<()> {
    let path = f.path().to_path_buf();
    let mut w = csv_writer(f.writer());
    for r in records {
        w.write_record(r).map_err(|e| io(&path)(e.into()))?;
    }
    w.flush().map_err(io(&path))
}

/// A row's days in daily.csv; `start`: Some when the file has a date column (the row's start
/// date, if it has one).
fn write_daily(f: &mut AtomicFile, key: &[String], start: Option<Option<i64>>, d: &DailyRow, plan_days: usize) -> Result<()> {
    write_records(
        f,
        (0..d.perf_mean.len()).map(|day| {
            let q = d.perf_q[day];
            let mut rec = key.to_vec();
            rec.push(day.to_string());
            if let Some(s) = start {
                rec.push(s.map_or(String::new(), |s| crate::daily::format_date(s + day as i64)));
            }
            rec.extend([d.perf_mean[day], q[0], q[1], q[2], d.fitness_mean[day], d.fatigue_mean[day], d.load_mean[day]].map(num));
            rec.push(u8::from(day == plan_days).to_string());
            rec
        }),
    )
}

fn all_param_names(sc: &Scenario) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for slot in rng::PARAM_SLOTS {
        if sc.rows.iter().any(|r| r.model.params.iter().any(|(n, _)| n == slot)) {
            names.push(slot.to_string());
        }
    }
    names
}

fn write_athletes(f: &mut AtomicFile, key: &[String], row: &crate::scenario::Row, res: &RowResult, names: &[String]) -> Result<()> {
    let np = row.model.params.len();
    let cols: Vec<Option<usize>> = names.iter().map(|n| row.model.params.iter().position(|(p, _)| p == n)).collect();
    write_records(
        f,
        res.metrics.iter().enumerate().map(|(i, m)| {
            let mut rec = key.to_vec();
            rec.push(i.to_string());
            rec.extend((0..METRICS.len()).map(|k| num(metric(k)(&m))));
            rec.extend(cols.iter().map(|c| match (c, res.params.as_ref()) {
                (Some(c), Some(p)) => num(p[i * np + c]),
                _ => String::new(),
            }));
            rec
        }),
    )
}

