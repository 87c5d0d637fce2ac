//! `periodize run`: run every row and write summary.csv, manifest.json and, on request,
//! athletes.csv, daily.csv and SVG charts. Every file is written under a temporary name and
//! renamed into place only when the whole run has succeeded.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use super::{AthleteMetrics, RowResult, run_row};
use crate::error::{Error, Result};
use crate::output::{AtomicFile, num};
use crate::plan::csv_field;
use crate::scenario::Scenario;
use crate::stats::summarize_columns;

/// How to run a scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub athletes: Option<usize>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub per_athlete: bool,
    pub daily: bool,
    pub plots: bool,
    /// Show a progress bar (the CLI sets this only when stderr is a terminal).
    pub progress: bool,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub rows: usize,
    pub athletes: usize,
    pub athlete_days: f64,
    pub seconds: f64,
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
}

impl RunReport {
    pub fn line(&self) -> String {
        format!(
            "{} rows x {} athletes, {:.3e} athlete-days in {:.2} s ({:.3e} athlete-days/s); results in {}",
            self.rows,
            self.athletes,
            self.athlete_days,
            self.seconds,
            self.athlete_days / self.seconds.max(1e-9),
            self.out_dir.display()
        )
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
    h.push("athletes".into());
    h.extend(["mean", "sd", "p05", "p50", "p95"].map(|s| format!("perf_final_{s}")));
    h.extend(["perf_peak_mean", "peak_day_mean", "load_total_mean", "win_rate", "diff_mean", "diff_ci_low", "diff_ci_high"].map(String::from));
    for m in &METRICS[1..4] {
        h.extend(["sd", "p05", "p50", "p95"].map(|s| format!("{m}_{s}")));
    }
    for m in &METRICS[4..] {
        h.extend(["mean", "sd", "p05", "p50", "p95"].map(|s| format!("{m}_{s}")));
    }
    h.extend(["model", "convention", "plan_days", "label"].map(String::from));
    h
}

/// One summary row. `first` is the first row's race-day performance per athlete (None for the first row).
fn summary_cells(sc: &Scenario, ri: usize, res: &RowResult, first: Option<&[f64]>) -> Vec<String> {
    let row = &sc.rows[ri];
    let n = res.metrics.len();
    // The six metrics in two groups of three, in parallel; the values do not depend on it.
    let m = &res.metrics;
    let (a, b) = rayon::join(
        || summarize_columns(n, |i| [m.perf_final[i], m.perf_peak[i], m.peak_day(i)]),
        || summarize_columns(n, |i| [m.load_total(i), m.days_below(i), m.acwr_max(i)]),
    );
    let stats: Vec<[f64; 5]> = a.into_iter().chain(b).collect();
    let (win, diff) = match first {
        None => (0.0, [0.0; 3]),
        Some(f) => {
            let wins = m.perf_final.iter().zip(f).filter(|(a, b)| a > b).count();
            let [s] = summarize_columns(n, |i| [m.perf_final[i] - f[i]]);
            let half = if n > 1 { 1.959963984540054 * s[1] / (n as f64).sqrt() } else { f64::NAN };
            (wins as f64 / n as f64, [s[0], s[0] - half, s[0] + half])
        }
    };
    let mut c = key_cells(row);
    c.push(n.to_string());
    c.extend(stats[0].iter().map(|&x| num(x)));
    c.extend([stats[1][0], stats[2][0], stats[3][0], win, diff[0], diff[1], diff[2]].map(num));
    for s in &stats[1..4] {
        c.extend(s[1..].iter().map(|&x| num(x)));
    }
    for s in &stats[4..] {
        c.extend(s.iter().map(|&x| num(x)));
    }
    c.push(row.model.config.kind.name().into());
    c.push(if row.model.config.kind.has_convention() { row.model.config.convention.name().into() } else { String::new() });
    c.push(res.plan_days.to_string());
    c.push(csv_field(&row.label(&sc.sweep_paths)));
    c
}

/// The cells that name a row in every CSV: the variant, then one per swept path.
fn key_cells(row: &crate::scenario::Row) -> Vec<String> {
    std::iter::once(&row.variant).chain(&row.sweep).map(|v| csv_field(v)).collect()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write { path: path.to_path_buf(), source }
}

/// Run a validated scenario and write its results into `out`.
pub fn run_to_dir(sc: &Scenario, out: &Path, opts: &RunOptions) -> Result<RunReport> {
    let athletes = opts.athletes.unwrap_or(sc.athletes);
    let seed = opts.seed.unwrap_or(sc.seed);
    if athletes == 0 {
        return Err(Error::Usage("--athletes must be at least 1".into()));
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    // Create every output now, so a bad output folder fails before the work.
    let mut summary = AtomicFile::create(&out.join("summary.csv"))?;
    let mut manifest = AtomicFile::create(&out.join("manifest.json"))?;
    let mut per_athlete = if opts.per_athlete { Some(AtomicFile::create(&out.join("athletes.csv"))?) } else { None };
    let mut daily = if opts.daily { Some(AtomicFile::create(&out.join("daily.csv"))?) } else { None };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let progress = AtomicU64::new(0);
    let bar = opts.progress.then(|| progress_bar((sc.rows.len() * athletes) as u64));
    let start = Instant::now();

    let sweep_header: String = sc.sweep_paths.iter().map(|p| format!(",{}", csv_field(p))).collect();
    writeln!(summary.writer(), "{}", summary_header(sc).iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(",")).map_err(io(summary.path()))?;
    let param_names = all_param_names(sc);
    if let Some(f) = per_athlete.as_mut() {
        let params: String = param_names.iter().map(|p| format!(",{p}")).collect();
        writeln!(f.writer(), "variant{sweep_header},athlete,{}{params}", METRICS.join(",")).map_err(io(f.path()))?;
    }
    if let Some(f) = daily.as_mut() {
        writeln!(f.writer(), "variant{sweep_header},day,perf_mean,perf_p05,perf_p50,perf_p95,fitness_mean,fatigue_mean,load_mean,race_day")
            .map_err(io(f.path()))?;
    }
    let mut first: Option<Vec<f64>> = None;
    let mut athlete_days = 0.0;
    let mut plot_rows = Vec::new();
    for (ri, row) in sc.rows.iter().enumerate() {
        if let Some(b) = &bar {
            b.set_message(format!("row {}/{}", ri + 1, sc.rows.len()));
        }
        let watch = bar.as_ref().map(|b| (b, &progress));
        let res = pool.install(|| {
            let job = || run_row(row, seed, athletes, opts.per_athlete, opts.daily || opts.plots, &progress);
            match watch {
                Some((b, p)) => with_progress(b, p, job),
                None => job(),
            }
        });
        athlete_days += (res.plan_days + 1) as f64 * athletes as f64;
        let cells = pool.install(|| summary_cells(sc, ri, &res, first.as_deref()));
        writeln!(summary.writer(), "{}", cells.join(",")).map_err(io(summary.path()))?;
        let prefix = key_cells(row).join(",");
        if let Some(f) = per_athlete.as_mut() {
            write_athletes(f, &prefix, row, &res, &param_names)?;
        }
        if let (Some(f), Some(d)) = (daily.as_mut(), res.daily.as_ref()) {
            let path = f.path().to_path_buf();
            let w = f.writer();
            for day in 0..d.perf_mean.len() {
                let q = d.perf_q[day];
                writeln!(
                    w,
                    "{prefix},{day},{},{},{},{},{},{},{},{}",
                    num(d.perf_mean[day]),
                    num(q[0]),
                    num(q[1]),
                    num(q[2]),
                    num(d.fitness_mean[day]),
                    num(d.fatigue_mean[day]),
                    num(d.load_mean[day]),
                    u8::from(day == res.plan_days)
                )
                .map_err(io(&path))?;
            }
        }
        if opts.plots {
            plot_rows.push((row.label(&sc.sweep_paths), res.metrics.perf_final.clone(), res.daily.clone()));
        }
        if first.is_none() && sc.rows.len() > 1 {
            first = Some(res.metrics.perf_final.clone());
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let seconds = start.elapsed().as_secs_f64();
    let manifest_json = serde_json::json!({
        "periodize_version": env!("CARGO_PKG_VERSION"),
        "seed": seed,
        "athletes": athletes,
        "rows": sc.rows.len(),
        "command_line": opts.command_line,
        "scenario": sc,
        "rng": "ChaCha8 (chacha20 crate); one stream per (seed, purpose, athlete): params, load, test",
        "simd": super::kernel::fast_form(),
    });
    serde_json::to_writer_pretty(manifest.writer(), &manifest_json).map_err(|e| Error::Write { path: out.join("manifest.json"), source: e.into() })?;
    let mut files = vec![out.join("summary.csv"), out.join("manifest.json")];
    let mut svgs = Vec::new();
    if opts.plots {
        svgs = crate::plots::write_plots(out, &sc.name, &plot_rows)?;
    }
    summary.commit()?;
    manifest.commit()?;
    if let Some(f) = per_athlete {
        files.push(f.path().to_path_buf());
        f.commit()?;
    }
    if let Some(f) = daily {
        files.push(f.path().to_path_buf());
        f.commit()?;
    }
    for s in svgs {
        files.push(s.path().to_path_buf());
        s.commit()?;
    }
    Ok(RunReport { rows: sc.rows.len(), athletes, athlete_days, seconds, out_dir: out.to_path_buf(), files })
}

fn all_param_names(sc: &Scenario) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for slot in super::rng::PARAM_SLOTS {
        if sc.rows.iter().any(|r| r.model.params.iter().any(|(n, _)| n == slot)) {
            names.push(slot.to_string());
        }
    }
    names
}

fn write_athletes(f: &mut AtomicFile, prefix: &str, row: &crate::scenario::Row, res: &RowResult, names: &[String]) -> Result<()> {
    let path = f.path().to_path_buf();
    let w = f.writer();
    let np = row.model.params.len();
    let cols: Vec<Option<usize>> = names.iter().map(|n| row.model.params.iter().position(|(p, _)| p == n)).collect();
    let mut line = String::new();
    for (i, m) in res.metrics.iter().enumerate() {
        line.clear();
        line.push_str(&format!("{prefix},{i}"));
        for k in 0..METRICS.len() {
            line.push(',');
            line.push_str(&num(metric(k)(&m)));
        }
        for c in &cols {
            line.push(',');
            if let (Some(c), Some(p)) = (c, res.params.as_ref()) {
                line.push_str(&num(p[i * np + c]));
            }
        }
        writeln!(w, "{line}").map_err(io(&path))?;
    }
    Ok(())
}

fn progress_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} athletes  {rate}  eta {eta}") {
        bar.set_style(style.with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} athletes/s", s.per_sec());
        }));
    }
    bar
}

/// Run `job` while a watcher thread copies the athlete count into the bar.
fn with_progress<T: Send>(bar: &indicatif::ProgressBar, done: &AtomicU64, job: impl FnOnce() -> T + Send) -> T {
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                bar.set_position(done.load(std::sync::atomic::Ordering::Relaxed));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        let r = job();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        bar.set_position(done.load(std::sync::atomic::Ordering::Relaxed));
        r
    })
}
