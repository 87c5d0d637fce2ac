//! Exporters: every output of `periodize run` is one [`Exporter`] over a [`RunResult`]
//! (summary.csv, athletes.csv, daily.csv, the SVG charts, report.html, manifest.json), in the way
//! hyperfine's `export/` folder has one file per output format. Adding an output format is one
//! new file here and one line in [`exporters`].
//!
//! [`write_set`] writes a result set into a folder, each file atomically and the manifest last;
//! [`run_to_dir`] runs a scenario and writes its set through a staging folder, so a reader sees
//! the old set or the new one, never a mix.

mod csv_files;
mod manifest;
mod parquet;
mod shard;

use std::path::{Path, PathBuf};

pub use csv_files::{AthletesCsv, DailyCsv, SummaryCsv, VERDICTS_HEADER, VerdictsCsv, WhoWinsCsv, summary_header};
pub use manifest::Manifest;
pub use parquet::{OutputFormat, ParquetFiles, csv_to_parquet};
pub use shard::{MAX_SHARDS, MergeOptions, PartReport, Parts, Shard, merge, units, write_part};

use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::plots::Chart;
use crate::result::{RunConfig, RunResult};
use crate::scenario::Scenario;

/// What an exporter may read besides the result: where it writes, the charts drawn once for
/// every exporter that shows them, and the run's provenance.
pub struct Context<'a> {
    /// The folder the files go into.
    pub dir: &'a Path,
    /// The run's charts (empty unless charts or the report were asked for).
    pub charts: &'a [Chart],
    /// Charts made elsewhere (`optimize`'s convergence chart), shown first in the report.
    pub extra_charts: &'a [Chart],
    /// The command line, recorded in the manifest.
    pub command_line: &'a [String],
    /// When the set was made, ISO 8601 UTC.
    pub created_utc: &'a str,
    /// The names of the files written before the manifest, in order (for the manifest).
    pub files: &'a [String],
    /// Each of those files' SHA-256 (hex), by name: the manifest records them, and the next run
    /// removes only listed files whose bytes still have them.
    pub sha256: &'a [(String, String)],
    /// who_wins.csv's rows, computed once per set (empty without `--who-wins`), and the report's
    /// sentences made from them.
    pub who_wins: &'a [crate::result::who_wins::WhoWins],
    /// See `who_wins`.
    pub who_wins_lines: &'a [String],
    /// The parts a merged set was made from (`periodize merge`; empty otherwise).
    pub parts: &'a [serde_json::Value],
}

/// One output format: writes its files (under temporary names, committed by the caller) from a
/// run's result.
pub trait Exporter {
    /// Write the files; each is renamed into place when the whole set is complete.
    fn write(&self, result: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>>;
}

/// The SVG charts (`--plots`).
pub struct Svg;

impl Exporter for Svg {
    fn write(&self, _: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        cx.charts.iter().map(|c| crate::plots::save(&cx.dir.join(&c.file), &c.svg)).collect()
    }
}

/// report.html (`--report`).
pub struct Html;

impl Exporter for Html {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        let meta = crate::html_report::Meta { seed: r.seed, athletes: r.athletes, created_utc: cx.created_utc, git_commit: option_env!("PERIODIZE_GIT_COMMIT"), warnings: &r.warnings, who_wins: cx.who_wins_lines };
        let charts: Vec<Chart> = cx.extra_charts.iter().chain(cx.charts).cloned().collect();
        let html = crate::html_report::render(r.scenario, &r.summaries(), &r.verdict, &charts, &meta);
        Ok(vec![crate::plots::save(&cx.dir.join("report.html"), &html)?])
    }
}

/// Which outputs to write.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// athletes.csv.
    pub per_athlete: bool,
    /// daily.csv.
    pub daily: bool,
    /// The SVG charts.
    pub plots: bool,
    /// report.html.
    pub report: bool,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
    /// Charts made elsewhere (`optimize`'s convergence chart) to show first in report.html.
    pub extra_charts: Vec<Chart>,
    /// The most bytes the set's files may take, estimated before any work (None:
    /// [`MAX_OUTPUT_BYTES`]; `--max-output-bytes`).
    pub max_output_bytes: Option<f64>,
    /// Also write who_wins.csv (`run --who-wins`): keeps every athlete of every row in memory.
    pub who_wins: bool,
    /// The parts a merged set is made from, recorded in its manifest (`periodize merge`).
    pub parts: Vec<serde_json::Value>,
    /// CSV, Parquet or both (`--output-format`).
    pub format: OutputFormat,
}

/// The most bytes a result set is estimated to take unless told otherwise: 16 GiB.
pub const MAX_OUTPUT_BYTES: f64 = 16.0 * (1u64 << 30) as f64;

/// Refuse, before any work, a result set whose athletes.csv and daily.csv would be larger than
/// allowed (about 20 bytes a cell: a full-precision number and its comma).
pub fn check_output_size(sc: &Scenario, opts: &RunOptions) -> Result<()> {
    const CELL: f64 = 20.0;
    let athletes = opts.run.athletes.unwrap_or(sc.athletes) as f64;
    let rows = sc.rows.len() as f64;
    let keys = 1.0 + sc.sweep_paths.len() as f64;
    let mut bytes = 0.0;
    if opts.export.per_athlete {
        let cols = keys + 1.0 + crate::summary::METRICS.len() as f64 + crate::population::rng::PARAM_SLOTS.len() as f64;
        bytes += rows * athletes * cols * CELL;
    }
    if opts.export.daily {
        let days: f64 = sc.rows.iter().map(|r| (r.generated().days() + 1) as f64).sum();
        bytes += days * (keys + 12.0) * CELL;
    }
    let most = opts.export.max_output_bytes.unwrap_or(MAX_OUTPUT_BYTES);
    if bytes > most {
        let gib = |b: f64| b / (1u64 << 30) as f64;
        return Err(Error::Usage(format!(
            "the result set would take about {:.1} GiB ({}), more than the {:.1} GiB allowed (--max-output-bytes {most:.3e}); raise --max-output-bytes if you mean it, or write fewer athletes or rows",
            gib(bytes),
            [opts.export.per_athlete.then_some("athletes.csv"), opts.export.daily.then_some("daily.csv")].into_iter().flatten().collect::<Vec<_>>().join(" and "),
            gib(most)
        )));
    }
    Ok(())
}

/// The exporters of a result set, in the order their files are listed and committed (the
/// manifest comes after them, from [`write_set`]).
pub fn exporters(opts: &ExportOptions) -> Vec<Box<dyn Exporter>> {
    let mut e: Vec<Box<dyn Exporter>> = vec![Box::new(SummaryCsv), Box::new(VerdictsCsv)];
    if opts.per_athlete && opts.format.csv() {
        e.push(Box::new(AthletesCsv));
    }
    if opts.daily && opts.format.csv() {
        e.push(Box::new(DailyCsv));
    }
    if opts.format.parquet() {
        e.push(Box::new(ParquetFiles { athletes: opts.per_athlete, daily: opts.daily }));
    }
    if opts.who_wins {
        e.push(Box::new(WhoWinsCsv));
    }
    if opts.plots {
        e.push(Box::new(Svg));
    }
    if opts.report {
        e.push(Box::new(Html));
    }
    e
}

/// What [`write_set`] wrote.
#[derive(Clone, Debug)]
pub struct Written {
    /// The files' paths, the manifest last.
    pub files: Vec<PathBuf>,
    /// The manifest's JSON.
    pub manifest: serde_json::Value,
    /// Each file's SHA-256 (hex) but the manifest's, by name.
    pub sha256: Vec<(String, String)>,
    /// For whom each comparison wins, in words (`--who-wins`; empty without it).
    pub who_wins: Vec<String>,
}

/// Write a result's set into the folder `dir`: every file atomically (the set is not; see
/// [`run_to_dir`]), the manifest last.
pub fn write_set(r: &RunResult<'_>, dir: &Path, opts: &ExportOptions) -> Result<Written> {
    std::fs::create_dir_all(dir).map_err(|source| Error::write(dir, source))?;
    let charts = if opts.plots || opts.report { crate::plots::charts(r)? } else { Vec::new() };
    let created_utc = crate::output::utc_now();
    let who = if opts.who_wins { crate::result::who_wins::who_wins(r) } else { Vec::new() };
    let who_lines = crate::result::who_wins::sentences(&who);
    let mut cx = Context { dir, charts: &charts, extra_charts: &opts.extra_charts, command_line: &opts.command_line, created_utc: &created_utc, files: &[], sha256: &[], who_wins: &who, who_wins_lines: &who_lines, parts: &opts.parts };
    let mut written = Vec::new();
    for e in exporters(opts) {
        written.extend(e.write(r, &cx)?);
    }
    let mut names: Vec<String> = written.iter().filter_map(|f| file_name(f.path())).collect();
    names.push("manifest.json".into());
    // The data files first, each with its checksum, then the manifest that records them.
    let mut files = Vec::new();
    let mut sums = Vec::new();
    for f in written {
        let path = f.path().to_path_buf();
        sums.push((file_name(&path).unwrap_or_default(), f.commit()?));
        files.push(path);
    }
    cx.files = &names;
    cx.sha256 = &sums;
    let manifest = Manifest::json(r, &cx);
    let f = Manifest::file(dir, &manifest)?;
    files.push(f.path().to_path_buf());
    f.commit()?;
    Ok(Written { files, manifest, sha256: sums, who_wins: who_lines })
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// How `periodize run` runs a scenario and what it writes.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// How to run it (athletes, seed, threads, progress, SIMD, cancellation).
    pub run: RunConfig,
    /// What to write.
    pub export: ExportOptions,
}

/// What a run wrote.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Rows run.
    pub rows: usize,
    /// The output folder.
    pub out_dir: PathBuf,
    /// The files written, the manifest last.
    pub files: Vec<PathBuf>,
    /// One line per compared row.
    pub verdict: Vec<String>,
    /// The run's validity warnings, one line each (`row N (kind): message`).
    pub warnings: Vec<String>,
    /// The closing line: rows, athletes, time and throughput.
    pub line: String,
}

/// The [`RunConfig`] that keeps what `opts` writes.
fn config_for(opts: &RunOptions) -> RunConfig {
    let mut cfg = opts.run.clone();
    cfg.per_athlete |= opts.export.per_athlete || opts.export.who_wins;
    cfg.daily |= opts.export.daily;
    cfg.views |= opts.export.plots || opts.export.report;
    cfg
}

/// Run a validated scenario and write its files straight into the folder `out` (each file
/// atomically, the set not: [`run_to_dir`] stages it).
pub fn write_run(sc: &Scenario, out: &Path, opts: &RunOptions) -> Result<RunReport> {
    write_run_shown(sc, out, out, opts)
}

/// [`write_run`], naming `shown` as the results' folder in the closing line.
fn write_run_shown(sc: &Scenario, out: &Path, shown: &Path, opts: &RunOptions) -> Result<RunReport> {
    let r = crate::result::run(sc, &config_for(opts))?;
    let written = write_set(&r, out, &opts.export)?;
    let files = written.files;
    let mut verdict = r.verdict.clone();
    verdict.extend(written.who_wins);
    Ok(RunReport { rows: r.rows.len(), out_dir: out.to_path_buf(), files, verdict, warnings: r.warnings.iter().map(|w| format!("{} ({})", w.message, w.kind)).collect(), line: r.line(shown) })
}

/// Write a result a program already holds (from [`crate::result::run`]) into `out` as one set, as
/// [`run_to_dir`] does: staged under the folder's lock, the manifest last, an earlier set's files
/// replaced. Writes athletes.csv and daily.csv when the result kept them. Returns the files.
pub fn write_result(r: &RunResult<'_>, out: &Path, command_line: &[String]) -> Result<Vec<PathBuf>> {
    let opts = ExportOptions {
        per_athlete: r.rows.iter().all(|o| o.athletes.is_some()),
        daily: r.rows.iter().all(|o| o.daily.is_some()),
        command_line: command_line.to_vec(),
        ..Default::default()
    };
    let staging = crate::output::Staging::new(out)?;
    let written = write_set(r, staging.path(), &opts)?;
    let names: Vec<String> = written.files.iter().filter_map(|f| file_name(f)).collect();
    staging.commit(&names)?;
    Ok(names.iter().map(|n| out.join(n)).collect())
}

/// The manifest of a result that has not been written (no files, no checksums): what was run,
/// how, with which seed, and its warnings.
pub fn manifest(r: &RunResult<'_>, command_line: &[String]) -> serde_json::Value {
    let created_utc = crate::output::utc_now();
    let cx = Context { dir: Path::new(""), charts: &[], extra_charts: &[], command_line, created_utc: &created_utc, files: &[], sha256: &[], who_wins: &[], who_wins_lines: &[], parts: &[] };
    Manifest::json(r, &cx)
}

/// Run a validated scenario and write its results into `out` as one set: every file is written
/// into a staging folder inside `out` (under the folder's lock) and moved into place when all are
/// complete, the manifest last; files an earlier run listed in its manifest that this run does not
/// write are removed, and files periodize did not write are never touched.
pub fn run_to_dir(sc: &Scenario, out: &Path, opts: &RunOptions) -> Result<RunReport> {
    check_output_size(sc, opts)?;
    let staging = crate::output::Staging::new(out)?;
    let mut report = write_run_shown(sc, staging.path(), out, opts)?;
    let names: Vec<String> = report.files.iter().filter_map(|f| file_name(f)).collect();
    staging.commit(&names)?;
    report.out_dir = out.to_path_buf();
    report.files = names.iter().map(|n| out.join(n)).collect();
    Ok(report)
}
