//! Sharded runs: `periodize run SCENARIO --shard I/N --out PART` computes the I-th of N disjoint
//! parts of a run and writes every athlete's metrics (and parameters) of its part;
//! `periodize merge PART... --out DIR` reads the parts back and writes the result set the
//! unsharded run writes, byte for byte: the summaries, pairings, checks, warnings and verdicts
//! are computed from the same per-athlete numbers by the same code ([`crate::result::assemble`]).
//!
//! The work is cut into units of one row's [`CHUNK`] athletes, numbered row by row; part I of N
//! takes units `(I-1) U / N` up to `I U / N` of the U units. An athlete's numbers depend only on
//! (seed, athlete, row), never on which part ran it.
//!
//! A part is a folder holding `metrics.bin` (each segment's [`Metrics::encode`] bytes, then its
//! parameters as little-endian f64) and `manifest.json`, whose `part` object says what was run
//! and which segments the bytes hold. It is written as a result set is: staged, the manifest
//! last, so a part that exists is complete.

use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};
use crate::montecarlo::{CHUNK, Form, Metrics, RowOptions, RowResult, run_row_chunks};
use crate::result::RunConfig;
use crate::scenario::Scenario;

use super::{ExportOptions, RunOptions, RunReport};

/// Part `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 1.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

/// The most parts a run may be cut into.
pub const MAX_SHARDS: usize = 100_000;

impl Shard {
    /// `I/N` (1 <= I <= N), or `auto`: the Slurm job array's task (see [`Shard::from_env`]).
    pub fn parse(s: &str) -> std::result::Result<Shard, String> {
        if s.trim() == "auto" {
            return Shard::from_env(|k| std::env::var(k).ok());
        }
        let (i, n) = s.split_once('/').ok_or_else(|| format!("'{s}': expected I/N (part I of N, from 1), e.g. 2/8, or auto"))?;
        let num = |t: &str, what: &str| t.trim().parse::<usize>().map_err(|_| format!("'{s}': {what} '{t}' is not a whole number"));
        let (index, count) = (num(i, "I")?, num(n, "N")?);
        if count == 0 || count > MAX_SHARDS {
            return Err(format!("'{s}': N must be 1 to {MAX_SHARDS}"));
        }
        if index == 0 || index > count {
            return Err(format!("'{s}': I must be 1 to {count} (parts count from 1)"));
        }
        Ok(Shard { index, count })
    }

    /// The part of a Slurm job array's task: `SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`
    /// (0 when unset), plus 1, of `SLURM_ARRAY_TASK_COUNT`, so `--array=0-7` and `--array=1-8`
    /// both give parts 1 to 8. Arrays with a step (`--array=0-15:2`) are refused: their ids do
    /// not number the parts.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> std::result::Result<Shard, String> {
        let get = |k: &str| -> std::result::Result<Option<usize>, String> {
            match var(k) {
                None => Ok(None),
                Some(v) => v.trim().parse::<usize>().map(Some).map_err(|_| format!("--shard auto: {k}='{v}' is not a whole number")),
            }
        };
        let (Some(id), Some(count)) = (get("SLURM_ARRAY_TASK_ID")?, get("SLURM_ARRAY_TASK_COUNT")?) else {
            return Err("--shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, and they are not set: run it as a Slurm job array task (sbatch --array=1-N), or give --shard I/N".into());
        };
        let min = get("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        if let Some(step) = get("SLURM_ARRAY_TASK_STEP")?
            && step != 1
        {
            return Err(format!("--shard auto: the job array has step {step} (SLURM_ARRAY_TASK_STEP); use a contiguous array such as --array=1-{count}, or give --shard I/N"));
        }
        if id < min || id - min >= count {
            return Err(format!("--shard auto: SLURM_ARRAY_TASK_ID={id} is outside the array's {count} tasks from {min}"));
        }
        Shard::parse(&format!("{}/{count}", id - min + 1))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The units of part `shard` of a run of `rows` rows of `athletes` athletes: for each row it
/// touches, the row and its range of chunks, in row order.
pub fn units(rows: usize, athletes: usize, shard: Shard) -> Vec<(usize, Range<usize>)> {
    let per_row = athletes.div_ceil(CHUNK);
    let total = rows * per_row;
    let (a, b) = ((shard.index - 1) * total / shard.count, shard.index * total / shard.count);
    let mut out = Vec::new();
    let mut u = a;
    while u < b {
        let (row, c) = (u / per_row, u % per_row);
        let end = per_row.min(c + (b - u));
        out.push((row, c..end));
        u += end - c;
    }
    out
}

/// SHA-256 of what fixes a run's numbers: its rows (models, parameters, distributions, plans,
/// starts) and comparisons, but not the scenario's path.
fn rows_sha256(sc: &Scenario) -> String {
    let json = serde_json::to_vec(&(&sc.rows, &sc.compare, &sc.race)).unwrap_or_default();
    crate::output::sha256_hex(&json)
}

/// One segment of a part: a row's run of chunks.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Segment {
    row: usize,
    chunks: [usize; 2],
    athletes: usize,
    load_noise: bool,
    params: usize,
    offset: u64,
    bytes: u64,
}

/// What a part's manifest says about the run it is part of.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct PartInfo {
    index: usize,
    count: usize,
    periodize_version: String,
    scenario_file: PathBuf,
    scenario_sha256: String,
    rows_sha256: String,
    seed: u64,
    athletes: usize,
    rows: usize,
    per_athlete: bool,
    who_wins: bool,
    segments: Vec<Segment>,
    metrics_sha256: String,
}

/// What [`write_part`] wrote.
#[derive(Clone, Debug)]
pub struct PartReport {
    /// The part's folder.
    pub out_dir: PathBuf,
    /// The closing line: which part, its athlete-days and time.
    pub line: String,
}

const METRICS: &str = "metrics.bin";

/// Outputs a part cannot hold: they need every athlete's days.
fn refuse_unshardable(e: &ExportOptions) -> Result<()> {
    let asked: Vec<&str> = [(e.daily, "--daily"), (e.plots, "--plots"), (e.report, "--report")].into_iter().filter_map(|(on, f)| on.then_some(f)).collect();
    if e.format != super::OutputFormat::Csv {
        return Err(Error::Usage("--output-format and --parquet are the merge's choice: give them to periodize merge (a part holds no tables)".into()));
    }
    if asked.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--shard cannot be combined with {}: per-day quantiles and the charts need the whole population's days in one process; a sharded run merges summary.csv, verdicts.csv, athletes.csv (--per-athlete) and who_wins.csv (--who-wins). Run the charts unsharded (the same seed gives the same athletes)",
        asked.join(", ")
    )))
}

/// Run part `shard` of a validated scenario and write it into the folder `out` (staged, as a
/// result set is).
pub fn write_part(sc: &Scenario, out: &Path, opts: &RunOptions, shard: Shard) -> Result<PartReport> {
    refuse_unshardable(&opts.export)?;
    super::check_output_size(sc, opts)?;
    let athletes = opts.run.athletes.unwrap_or(sc.athletes);
    if athletes == 0 {
        return Err(Error::Usage("--athletes must be at least 1".into()));
    }
    let seed = opts.run.seed.unwrap_or(sc.seed);
    let keep = opts.export.per_athlete || opts.export.who_wins;
    crate::result::check_memory(sc, athletes, &RunConfig { per_athlete: keep, ..opts.run.clone() })?;
    let scenario_file = std::fs::canonicalize(&sc.path).unwrap_or_else(|_| sc.path.clone());
    let staging = crate::output::Staging::new(out)?;
    let work = units(sc.rows.len(), athletes, shard);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.run.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let bar = opts.run.progress.as_deref();
    let todo: usize = work.iter().map(|(_, c)| (c.end * CHUNK).min(athletes) - c.start * CHUNK).sum();
    if let Some(b) = bar {
        b.start(todo as u64, "athletes");
    }
    let start = std::time::Instant::now();
    let path = staging.path().join(METRICS);
    let mut file = crate::output::AtomicFile::create(&path)?;
    let mut segments = Vec::with_capacity(work.len());
    let progress = AtomicU64::new(0);
    let mut offset = 0u64;
    let mut athlete_days = 0.0;
    for (ri, chunks) in work {
        if opts.run.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        let row = &sc.rows[ri];
        let ropts = RowOptions { keep_params: keep, daily: false, simd: opts.run.simd, row: ri };
        let res = pool.install(|| crate::progress::watch(bar, &progress, || run_row_chunks(row, seed, athletes, chunks.clone(), ropts, &progress)));
        let n = res.metrics.len();
        athlete_days += (res.plan_days + 1) as f64 * n as f64;
        let params = res.params.as_deref().unwrap_or_default();
        let w = file.writer();
        res.metrics.encode(w).and_then(|_| params.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()))).map_err(|e| Error::write(&path, e))?;
        let np = params.len().checked_div(n).unwrap_or(0);
        let bytes = (Metrics::encoded_len(n, res.metrics.has_load_columns()) + 8 * params.len()) as u64;
        segments.push(Segment { row: ri, chunks: [chunks.start, chunks.end], athletes: n, load_noise: res.metrics.has_load_columns(), params: np, offset, bytes });
        offset += bytes;
    }
    if let Some(b) = bar {
        b.finish();
    }
    let metrics_sha256 = file.commit()?;
    let info = PartInfo {
        index: shard.index,
        count: shard.count,
        periodize_version: env!("CARGO_PKG_VERSION").into(),
        scenario_file,
        scenario_sha256: sc.sha256.clone(),
        rows_sha256: rows_sha256(sc),
        seed,
        athletes,
        rows: sc.rows.len(),
        per_athlete: opts.export.per_athlete,
        who_wins: opts.export.who_wins,
        segments,
        metrics_sha256: metrics_sha256.clone(),
    };
    let manifest = serde_json::json!({
        "periodize_version": env!("CARGO_PKG_VERSION"),
        "git_commit": option_env!("PERIODIZE_GIT_COMMIT"),
        "created_utc": crate::output::utc_now(),
        "command_line": opts.export.command_line,
        "part": info,
        "files": [METRICS, "manifest.json"],
        "sha256": { METRICS: metrics_sha256 },
    });
    super::Manifest::file(staging.path(), &manifest)?.commit()?;
    staging.commit(&[METRICS.to_string(), "manifest.json".to_string()])?;
    let secs = start.elapsed().as_secs_f64();
    Ok(PartReport {
        out_dir: out.to_path_buf(),
        line: format!(
            "part {shard}: {todo} of {} athlete-rows, {athlete_days:.3e} athlete-days in {secs:.2} s; merge the parts with periodize merge PART... --out DIR; part in {}",
            athletes * sc.rows.len(),
            out.display()
        ),
    })
}

/// A part read back: its folder and what its manifest says.
struct Part {
    dir: PathBuf,
    info: PartInfo,
}

fn read_part(dir: &Path) -> Result<Part> {
    let bad = |why: String| Error::Usage(format!("{}: {why}", dir.display()));
    let mpath = dir.join("manifest.json");
    let text = std::fs::read(&mpath).map_err(|_| bad("no manifest.json: not a part written by periodize run --shard, or its shard did not finish".into()))?;
    let json: serde_json::Value = serde_json::from_slice(&text).map_err(|e| bad(format!("manifest.json is not JSON ({e})")))?;
    let part = json.get("part").ok_or_else(|| bad("manifest.json has no `part`: a result set, not a part written by periodize run --shard".into()))?;
    let info: PartInfo = serde_json::from_value(part.clone()).map_err(|e| bad(format!("manifest.json's `part` is not one this version reads ({e})")))?;
    let data = dir.join(METRICS);
    match crate::output::file_sha256(&data) {
        Some(h) if h == info.metrics_sha256 => {}
        Some(_) => return Err(bad(format!("{METRICS} does not have the SHA-256 its manifest records: the part was changed or damaged; run its shard again"))),
        None => return Err(bad(format!("{METRICS} is missing or unreadable; run its shard again"))),
    }
    Ok(Part { dir: dir.to_path_buf(), info })
}

/// Refuse parts that do not make one run: different runs, versions, duplicates, missing parts.
fn check_parts(parts: &[Part]) -> Result<()> {
    let first = &parts[0];
    let f = &first.info;
    for p in &parts[1..] {
        let i = &p.info;
        let differs: Vec<String> = [
            (i.periodize_version != f.periodize_version, format!("periodize version {} vs {}", i.periodize_version, f.periodize_version)),
            (i.scenario_sha256 != f.scenario_sha256 || i.rows_sha256 != f.rows_sha256, "scenario (its SHA-256 differs)".to_string()),
            (i.seed != f.seed, format!("seed {} vs {}", i.seed, f.seed)),
            (i.athletes != f.athletes, format!("athletes {} vs {}", i.athletes, f.athletes)),
            (i.count != f.count, format!("part count {} vs {}", i.count, f.count)),
            (i.per_athlete != f.per_athlete || i.who_wins != f.who_wins, "outputs (--per-athlete, --who-wins)".to_string()),
        ]
        .into_iter()
        .filter_map(|(d, what)| d.then_some(what))
        .collect();
        if !differs.is_empty() {
            return Err(Error::Usage(format!(
                "{} and {} are parts of different runs: {}; merge the parts of one run (the same scenario, seed, athletes, outputs and version)",
                p.dir.display(),
                first.dir.display(),
                differs.join(", ")
            )));
        }
    }
    let mut seen: Vec<Option<&Path>> = vec![None; f.count];
    for p in parts {
        let slot = p.info.index.checked_sub(1).and_then(|k| seen.get_mut(k)).ok_or_else(|| Error::Usage(format!("{}: part {}/{} is not a part of {}", p.dir.display(), p.info.index, p.info.count, f.count)))?;
        if let Some(other) = slot {
            return Err(Error::Usage(format!("{} and {} are both part {}/{}: give each part once", other.display(), p.dir.display(), p.info.index, f.count)));
        }
        *slot = Some(&p.dir);
    }
    let missing: Vec<String> = seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(k, _)| format!("{}/{}", k + 1, f.count)).collect();
    if !missing.is_empty() {
        let shown = if missing.len() > 10 { format!("{} and {} more", missing[..10].join(", "), missing.len() - 10) } else { missing.join(", ") };
        return Err(Error::Usage(format!("missing part{} {shown}: merge needs all {} parts of the run", if missing.len() == 1 { "" } else { "s" }, f.count)));
    }
    Ok(())
}

/// A row's segments: where each lies (part folder, segment), in chunk order.
type RowSegments = Vec<Vec<(PathBuf, Segment)>>;

fn row_segments(parts: &[Part]) -> Result<RowSegments> {
    let f = &parts[0].info;
    let per_row = f.athletes.div_ceil(CHUNK);
    let mut rows: RowSegments = vec![Vec::new(); f.rows];
    for p in parts {
        for s in &p.info.segments {
            let slot = rows.get_mut(s.row).ok_or_else(|| Error::Usage(format!("{}: a segment names row {}, beyond the run's {} rows", p.dir.display(), s.row + 1, f.rows)))?;
            slot.push((p.dir.clone(), s.clone()));
        }
    }
    for (ri, segs) in rows.iter_mut().enumerate() {
        segs.sort_by_key(|(_, s)| s.chunks[0]);
        let mut at = 0;
        for (dir, s) in segs.iter() {
            if s.chunks[0] != at {
                return Err(Error::Usage(format!("{}: row {} chunks {}..{} do not follow chunk {at}: the parts do not tile the run", dir.display(), ri + 1, s.chunks[0], s.chunks[1])));
            }
            at = s.chunks[1];
        }
        if at != per_row {
            return Err(Error::Usage(format!("row {}: the parts hold {at} of its {per_row} chunks of athletes", ri + 1)));
        }
    }
    Ok(rows)
}

/// A row's metrics and parameters read back from its segments.
fn read_row(segs: &[(PathBuf, Segment)], plan_days: usize, relative: bool, form: Form) -> Result<RowResult> {
    let mut metrics = Vec::with_capacity(segs.len());
    let mut params: Option<Vec<f64>> = None;
    for (dir, s) in segs {
        let path = dir.join(METRICS);
        let err = |source: std::io::Error| Error::Io(crate::io::IoError::Read { path: path.clone(), source });
        let mut f = std::fs::File::open(&path).map_err(err)?;
        f.seek(SeekFrom::Start(s.offset)).map_err(err)?;
        let mut bytes = vec![0u8; s.bytes as usize];
        f.read_exact(&mut bytes).map_err(err)?;
        let mlen = Metrics::encoded_len(s.athletes, s.load_noise);
        let damaged = || Error::Usage(format!("{}: segment of row {} is not the length its manifest records", path.display(), s.row + 1));
        if bytes.len() != mlen + 8 * s.athletes * s.params {
            return Err(damaged());
        }
        metrics.push(Metrics::decode(&bytes[..mlen], s.athletes, s.load_noise).ok_or_else(damaged)?);
        if s.params > 0 {
            params.get_or_insert_with(Vec::new).extend(bytes[mlen..].chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default())));
        }
    }
    let metrics = Metrics::concat(metrics).ok_or_else(|| Error::Usage("the parts disagree on a row's plan: parts of different runs".into()))?;
    Ok(RowResult { metrics, params, daily: None, plan_days, form, relative })
}

/// How `periodize merge` reads and writes.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// The scenario file, when it is no longer where the parts say (its SHA-256 must match).
    pub scenario: Option<PathBuf>,
    /// Worker threads for the summaries (None: one per core).
    pub threads: Option<usize>,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
    /// CSV, Parquet or both.
    pub format: super::OutputFormat,
}

/// The parts of one sharded run, checked and ready to merge: their scenario, reloaded and
/// checked against the hashes the parts recorded, and where each row's athletes lie.
pub struct Parts {
    scenario: Scenario,
    parts: Vec<Part>,
    segments: RowSegments,
}

impl Parts {
    /// Read and check the parts in `part_dirs` (any order): every part of one run, each once,
    /// undamaged, and the scenario they ran (`scenario`, or the path they recorded) unchanged.
    pub fn open(part_dirs: &[PathBuf], scenario: Option<&Path>) -> Result<Parts> {
        if part_dirs.is_empty() {
            return Err(Error::Usage("merge needs the parts' folders (periodize merge PART... --out DIR)".into()));
        }
        let mut parts = part_dirs.iter().map(|d| read_part(d)).collect::<Result<Vec<_>>>()?;
        check_parts(&parts)?;
        parts.sort_by_key(|p| p.info.index);
        let info = &parts[0].info;
        let path = scenario.map_or_else(|| info.scenario_file.clone(), Path::to_path_buf);
        let sc = crate::scenario::load(&path).map_err(|e| match Error::from(e) {
            Error::Io(crate::io::IoError::Read { source, .. }) if scenario.is_none() => Error::Usage(format!("{}: the parts' scenario cannot be read ({source}); name it with --scenario FILE", path.display())),
            e => e,
        })?;
        if sc.sha256 != info.scenario_sha256 || rows_sha256(&sc) != info.rows_sha256 || sc.rows.len() != info.rows {
            return Err(Error::Usage(format!(
                "{}: is not the scenario the parts ran (its SHA-256 differs{}); give the file they ran with --scenario, or run the shards again",
                path.display(),
                if sc.sha256 == info.scenario_sha256 { ": a file it reads has changed, or it was renamed and its rows take their name from the file's" } else { "" }
            )));
        }
        let segments = row_segments(&parts)?;
        Ok(Parts { scenario: sc, parts, segments })
    }

    /// The scenario the parts ran.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The merged run's result: what [`crate::result::run`] returns for the unsharded run (its
    /// `seconds` is the merge's time).
    pub fn result(&self, threads: Option<usize>) -> Result<crate::result::RunResult<'_>> {
        let info = &self.parts[0].info;
        let sc = &self.scenario;
        let cfg = RunConfig { athletes: Some(info.athletes), seed: Some(info.seed), threads, per_athlete: info.per_athlete || info.who_wins, ..Default::default() };
        crate::result::check_memory(sc, info.athletes, &cfg)?;
        let form = Form::detect(cfg.simd);
        let segs = &self.segments;
        let mut source = |ri: usize, _: RowOptions| {
            let row = &sc.rows[ri];
            read_row(&segs[ri], row.generated().days(), row.model.config.kind.baseline_param().is_some(), form)
        };
        let start = std::time::Instant::now();
        let mut r = crate::result::assemble(sc, &cfg, &mut source)?;
        r.seconds = start.elapsed().as_secs_f64();
        Ok(r)
    }

    /// What the merged set writes: the outputs the shards were asked for, and the parts for its
    /// manifest.
    pub fn export_options(&self, command_line: &[String]) -> ExportOptions {
        let info = &self.parts[0].info;
        let parts = self
            .parts
            .iter()
            .map(|p| serde_json::json!({ "part": format!("{}/{}", p.info.index, p.info.count), "folder": p.dir, "metrics_sha256": p.info.metrics_sha256 }))
            .collect();
        ExportOptions { per_athlete: info.per_athlete, who_wins: info.who_wins, command_line: command_line.to_vec(), parts, ..Default::default() }
    }
}

/// Merge the parts of a sharded run into `out`: the result set the unsharded run writes (its
/// manifest records the parts), staged as [`super::run_to_dir`] stages it.
pub fn merge(part_dirs: &[PathBuf], out: &Path, opts: &MergeOptions) -> Result<RunReport> {
    // Merging into one of the parts would replace it with the set (its files are the earlier
    // set the commit removes).
    if let Ok(o) = std::fs::canonicalize(out)
        && let Some(p) = part_dirs.iter().find(|p| std::fs::canonicalize(p).is_ok_and(|p| p == o))
    {
        return Err(Error::Usage(format!("--out {}: is the part {}; merge into another folder, so the part stays to merge again", out.display(), p.display())));
    }
    let parts = Parts::open(part_dirs, opts.scenario.as_deref())?;
    let r = parts.result(opts.threads)?;
    let export = ExportOptions { format: opts.format, ..parts.export_options(&opts.command_line) };
    let staging = crate::output::Staging::new(out)?;
    let written = super::write_set(&r, staging.path(), &export)?;
    let names: Vec<String> = written.files.iter().filter_map(|f| super::file_name(f)).collect();
    staging.commit(&names)?;
    let mut verdict = r.verdict.clone();
    verdict.extend(written.who_wins);
    Ok(RunReport {
        rows: r.rows.len(),
        out_dir: out.to_path_buf(),
        files: names.iter().map(|n| out.join(n)).collect(),
        verdict,
        warnings: r.warnings.iter().map(|w| format!("{} ({})", w.message, w.kind)).collect(),
        line: format!("merged {} parts: {} rows x {} athletes in {:.2} s; results in {}", export.parts.len(), r.rows.len(), r.athletes, r.seconds, out.display()),
    })
}
