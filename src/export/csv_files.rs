//! summary.csv, athletes.csv and daily.csv.

use super::{Context, Exporter};
use crate::error::{Error, Result};
use crate::montecarlo::DailyRow;
use crate::population::rng;
use crate::output::{AtomicFile, csv_writer, num};
use crate::result::RunResult;
use crate::scenario::{Row, Scenario};
use std::path::Path;
use crate::summary::{COLUMNS, METRICS, MetricColumns, Value};

/// The summary.csv header: the row's name columns, then [`COLUMNS`].
pub fn summary_header(sc: &Scenario) -> Vec<String> {
    let mut h = vec!["variant".to_string()];
    h.extend(sc.sweep_paths.iter().cloned());
    h.extend(COLUMNS.iter().map(|c| c.name.to_string()));
    h
}

/// A cell's text: numbers as the shortest text that reads back to the same f64, NaN empty.
fn cell(v: &Value<'_>) -> String {
    match *v {
        Value::Num(x) => num(x),
        Value::Count(n) => n.to_string(),
        Value::Text(s) => crate::output::text_cell(s).into_owned(),
        Value::Empty => String::new(),
    }
}

/// The cells that name a row: the variant, `model` when given, then one per swept path.
/// athletes.csv and daily.csv give the model under `[compare] models` (where a variant has a row
/// per model, see [`key_header`]); summary.csv has its own `model` column.
fn key_cells(row: &Row, model: Option<&str>) -> Vec<String> {
    std::iter::once(row.variant.as_str()).chain(model).chain(row.sweep.iter().map(String::as_str)).map(|c| crate::output::text_cell(c).into_owned()).collect()
}

/// [`key_cells`] of athletes.csv and daily.csv.
fn keyed_cells(sc: &Scenario, row: &Row) -> Vec<String> {
    key_cells(row, sc.by_model().then(|| row.model_name()))
}

/// The names of [`key_cells`].
fn key_header(sc: &Scenario) -> impl Iterator<Item = &str> {
    std::iter::once("variant").chain(sc.by_model().then_some("model")).chain(sc.sweep_paths.iter().map(String::as_str))
}

/// Write CSV records; a failure names `path`.
fn write_records<W: std::io::Write, R: IntoIterator<Item: AsRef<[u8]>>>(w: &mut csv::Writer<W>, path: &Path, records: impl IntoIterator<Item = R>) -> Result<()> {
    for r in records {
        w.write_record(r).map_err(|e| Error::write(path, e.into()))?;
    }
    Ok(())
}

/// Flush a CSV writer; a failure names `path`.
fn finish<W: std::io::Write>(mut w: csv::Writer<W>, path: &Path) -> Result<()> {
    w.flush().map_err(|e| Error::write(path, e))
}

/// summary.csv: one row per scenario row, the columns of [`COLUMNS`].
pub struct SummaryCsv;

impl SummaryCsv {
    /// summary.csv's text, written to `w` (the exporter writes it to a file; a program can
    /// write it anywhere).
    pub fn to_writer(r: &RunResult<'_>, w: impl std::io::Write) -> csv::Result<()> {
        let sc = r.scenario;
        let mut csv = csv_writer(w);
        csv.write_record(summary_header(sc))?;
        for ri in 0..r.rows.len() {
            let mut c = key_cells(&sc.rows[ri], None);
            c.extend(r.figures(ri).values().iter().map(cell));
            csv.write_record(c)?;
        }
        csv.flush()?;
        Ok(())
    }
}

impl Exporter for SummaryCsv {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        let path = cx.dir.join("summary.csv");
        let mut f = AtomicFile::create(&path)?;
        Self::to_writer(r, f.writer()).map_err(|e| Error::write(&path, e.into()))?;
        Ok(vec![f])
    }
}

/// The parameter names of every row's model, in stream-slot order (athletes.csv's columns).
fn all_param_names(sc: &Scenario) -> Vec<&'static str> {
    rng::PARAM_SLOTS.into_iter().filter(|slot| sc.rows.iter().any(|r| r.model.params.iter().any(|(n, _)| n == slot))).collect()
}

/// athletes.csv: every athlete's metrics and parameters, row by row.
pub struct AthletesCsv;

impl AthletesCsv {
    /// athletes.csv's text, written to `w` (needs [`crate::result::RunConfig::per_athlete`]); a write
    /// failure names `path`.
    pub fn to_writer(r: &RunResult<'_>, w: impl std::io::Write, path: &Path) -> Result<()> {
        let sc = r.scenario;
        let mut w = csv_writer(w);
        let names = all_param_names(sc);
        let header = key_header(sc).chain(["athlete"]).chain(METRICS).chain(names.iter().copied());
        write_records(&mut w, path, [header])?;
        for (row, out) in sc.rows.iter().zip(&r.rows) {
            let Some(a) = out.athletes.as_ref() else {
                return Err(Error::Failed("athletes.csv needs the run's per-athlete metrics (RunConfig::per_athlete)".into()));
            };
            let key = keyed_cells(sc, row);
            let np = row.model.params.len();
            let cols: Vec<Option<usize>> = names.iter().map(|n| row.model.params.iter().position(|(p, _)| p == n)).collect();
            let m = &a.metrics;
            write_records(
                &mut w,
                path,
                (0..m.len()).map(|i| {
                    let mut rec = key.clone();
                    rec.push(i.to_string());
                    rec.extend((0..METRICS.len()).map(|k| num(m.metric(k, i))));
                    rec.extend(cols.iter().map(|c| match (c, a.params.as_ref()) {
                        (Some(c), Some(p)) => num(p[i * np + c]),
                        _ => String::new(),
                    }));
                    rec
                }),
            )?;
        }
        finish(w, path)
    }
}

impl Exporter for AthletesCsv {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        let path = cx.dir.join("athletes.csv");
        let mut f = AtomicFile::create(&path)?;
        Self::to_writer(r, f.writer(), &path)?;
        Ok(vec![f])
    }
}

/// daily.csv: per-day means and quantiles of every row.
pub struct DailyCsv;

impl DailyCsv {
    /// daily.csv's text, written to `w` (needs [`crate::result::RunConfig::daily`]); a write failure
    /// names `path`.
    pub fn to_writer(r: &RunResult<'_>, w: impl std::io::Write, path: &Path) -> Result<()> {
        let sc = r.scenario;
        let mut w = csv_writer(w);
        // A date column when a row's plan has a start date.
        let dated = sc.rows.iter().any(|r| r.plan.start_date().is_some());
        let date = if dated { &["day", "date"][..] } else { &["day"] };
        let stats = ["perf_mean", "perf_p05", "perf_p50", "perf_p95", "fitness_mean", "fatigue_mean", "load_mean", "race_day"];
        let header = key_header(sc).chain(date.iter().copied()).chain(stats);
        write_records(&mut w, path, [header])?;
        for (row, out) in sc.rows.iter().zip(&r.rows) {
            let Some(d) = out.daily.as_ref() else {
                return Err(Error::Failed("daily.csv needs the run's per-day aggregates (RunConfig::daily)".into()));
            };
            let start = dated.then(|| row.plan.start_date());
            write_daily(&mut w, path, &keyed_cells(sc, row), start, d, out.summary.plan_days)?;
        }
        finish(w, path)
    }
}

impl Exporter for DailyCsv {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        let path = cx.dir.join("daily.csv");
        let mut f = AtomicFile::create(&path)?;
        Self::to_writer(r, f.writer(), &path)?;
        Ok(vec![f])
    }
}

/// A row's days in daily.csv; `start`: Some when the file has a date column (the row's start
/// date, if it has one).
fn write_daily<W: std::io::Write>(w: &mut csv::Writer<W>, path: &Path, key: &[String], start: Option<Option<i64>>, d: &DailyRow, plan_days: usize) -> Result<()> {
    write_records(
        w,
        path,
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

/// verdicts.csv: one row per comparison and model, the question in words (without the model,
/// so a question reads the same under every model of `[compare] models`), then the verdict's
/// figures. Written when a run has a compared row.
pub struct VerdictsCsv;

/// verdicts.csv's columns.
pub const VERDICTS_HEADER: [&str; 9] = ["comparison", "model", "diff_pct", "diff_ci_low_pct", "diff_ci_high_pct", "better_share", "worse_share", "trivial_share", "verdict"];

impl VerdictsCsv {
    /// verdicts.csv's text, written to `w`.
    pub fn to_writer(r: &RunResult<'_>, w: impl std::io::Write) -> csv::Result<()> {
        let sc = r.scenario;
        let summaries = r.summaries();
        let mut csv = csv_writer(w);
        csv.write_record(VERDICTS_HEADER)?;
        for (q, list) in crate::result::questions(sc, &summaries) {
            for i in list {
                let Some(c) = summaries[i].comparison.as_ref() else { continue };
                let (lo, hi) = c.diff_pct_ci();
                let pct = |x: f64| if c.verdict().is_some() { num(x) } else { String::new() };
                let name = crate::output::text_cell(&q).into_owned();
                let model = crate::output::text_cell(sc.rows()[i].model_name()).into_owned();
                csv.write_record([
                    name,
                    model,
                    pct(c.diff_pct),
                    pct(lo),
                    pct(hi),
                    num(c.better_share()),
                    num(c.worse_share()),
                    num(c.trivial_share()),
                    c.verdict().map_or(String::new(), |v| v.name().to_string()),
                ])?;
            }
        }
        csv.flush()?;
        Ok(())
    }
}

impl Exporter for VerdictsCsv {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        if r.rows.iter().all(|o| o.summary.comparison.is_none()) {
            return Ok(Vec::new());
        }
        let path = cx.dir.join("verdicts.csv");
        let mut f = AtomicFile::create(&path)?;
        Self::to_writer(r, f.writer()).map_err(|e| Error::write(&path, e.into()))?;
        Ok(vec![f])
    }
}

/// who_wins.csv (`run --who-wins`): for each comparison and drawn parameter, Spearman's
/// correlation with the paired difference and, per fifth of the athletes ordered by the
/// parameter, its range and the shares better and worse than swc
/// ([`crate::result::who_wins`]).
pub struct WhoWinsCsv;

impl WhoWinsCsv {
    /// who_wins.csv's text for the rows `rows` ([`crate::result::who_wins::who_wins`]), written
    /// to `w`.
    pub fn to_writer(rows: &[crate::result::who_wins::WhoWins], w: impl std::io::Write) -> csv::Result<()> {
        let mut csv = csv_writer(w);
        csv.write_record(crate::result::who_wins::WHO_WINS_HEADER)?;
        for x in rows {
            for (k, q) in x.quintiles.iter().enumerate() {
                csv.write_record([
                    crate::output::text_cell(&x.comparison).into_owned(),
                    x.param.to_string(),
                    num(x.spearman),
                    (k + 1).to_string(),
                    num(q.low),
                    num(q.high),
                    num(q.better_share),
                    num(q.worse_share),
                    num(q.diff_pct_mean),
                ])?;
            }
        }
        csv.flush()?;
        Ok(())
    }
}

impl Exporter for WhoWinsCsv {
    fn write(&self, _: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        let path = cx.dir.join("who_wins.csv");
        let mut f = AtomicFile::create(&path)?;
        Self::to_writer(cx.who_wins, f.writer()).map_err(|e| Error::write(&path, e.into()))?;
        Ok(vec![f])
    }
}
