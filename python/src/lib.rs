//! `periodize._periodize`: the Rust core of the Python package. It returns CSV text and JSON,
//! written by the same exporters as the command line, and `periodize/__init__.py` turns them into
//! pandas DataFrames (numbers are written as the shortest text that reads back to the same f64,
//! so the frames hold exactly the CLI's values). The engine runs without the GIL; Ctrl-C in the
//! interpreter cancels a run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use periodize::scenario::Scenario;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyboardInterrupt};
use pyo3::prelude::*;

create_exception!(_periodize, PeriodizeError, PyException, "A periodize run failed.");
create_exception!(_periodize, ScenarioError, PeriodizeError, "A bad scenario: the CLI's message, every problem with its file:line:column.");
create_exception!(_periodize, InputError, PeriodizeError, "A bad input file or value (the CLI's exit code 2).");

/// The exception for an error, with the message the command line prints after `error: `.
fn py_err(e: periodize::Error) -> PyErr {
    match e {
        periodize::Error::Scenario(s) => ScenarioError::new_err(s.render().trim_end().to_string()),
        periodize::Error::Cancelled => PyKeyboardInterrupt::new_err("cancelled"),
        e if e.exit_code() == 2 => InputError::new_err(e.to_string()),
        e => PeriodizeError::new_err(e.to_string()),
    }
}

/// A scenario from a file (`is_text` false) or from TOML text (relative paths in it are read
/// from the working directory).
fn scenario(source: &str, is_text: bool) -> PyResult<Scenario> {
    let sc = if is_text {
        periodize::scenario::parse_scenario(source, Path::new("<string>")).map_err(|e| py_err(e.into()))?
    } else {
        periodize::scenario::load(Path::new(source)).map_err(|e| py_err(e.into()))?
    };
    Ok(sc)
}

/// Run `f` on a worker thread without the GIL; every 50 ms the caller's thread looks for a
/// pending signal (Ctrl-C) and, on one, sets `cancel` and returns the signal's exception once the
/// worker has stopped.
fn interruptible<T: Send>(py: Python<'_>, cancel: &AtomicBool, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| {
        std::thread::scope(|s| {
            let worker = s.spawn(f);
            let mut signal: Option<PyErr> = None;
            while !worker.is_finished() {
                std::thread::sleep(Duration::from_millis(50));
                if signal.is_none()
                    && let Err(e) = Python::attach(|py| py.check_signals())
                {
                    cancel.store(true, Ordering::Relaxed);
                    signal = Some(e);
                }
            }
            let out = worker.join().map_err(|_| PeriodizeError::new_err("the run panicked"))?;
            match signal {
                Some(e) => Err(e),
                None => Ok(out),
            }
        })
    })
}

/// A run's result, held in memory: the same figures `periodize run` writes.
#[pyclass(frozen, module = "periodize._periodize")]
struct RunOutput {
    // Declared before the scenario it borrows, so it is dropped first.
    result: periodize::RunResult<'static>,
    /// What the result borrows: its scenario, or the merged parts holding it.
    _owner: Arc<dyn std::any::Any + Send + Sync>,
    command_line: Vec<String>,
}

#[pymethods]
impl RunOutput {
    /// summary.csv's text.
    fn summary_csv(&self) -> PyResult<String> {
        let mut out = Vec::new();
        periodize::export::SummaryCsv::to_writer(&self.result, &mut out).map_err(|e| PeriodizeError::new_err(e.to_string()))?;
        text(out)
    }

    /// athletes.csv's text, or None when the run did not keep every athlete.
    fn athletes_csv(&self, py: Python<'_>) -> PyResult<Option<String>> {
        if self.result.rows.iter().any(|r| r.athletes.is_none()) {
            return Ok(None);
        }
        let out = py.detach(|| {
            let mut out = Vec::new();
            periodize::export::AthletesCsv::to_writer(&self.result, &mut out, Path::new("athletes.csv")).map(|_| out)
        });
        text(out.map_err(py_err)?).map(Some)
    }

    /// daily.csv's text, or None when the run did not keep the per-day aggregates.
    fn daily_csv(&self, py: Python<'_>) -> PyResult<Option<String>> {
        if self.result.rows.iter().any(|r| r.daily.is_none()) {
            return Ok(None);
        }
        let out = py.detach(|| {
            let mut out = Vec::new();
            periodize::export::DailyCsv::to_writer(&self.result, &mut out, Path::new("daily.csv")).map(|_| out)
        });
        text(out.map_err(py_err)?).map(Some)
    }

    /// verdicts.csv's text.
    fn verdicts_csv(&self) -> PyResult<String> {
        let mut out = Vec::new();
        periodize::export::VerdictsCsv::to_writer(&self.result, &mut out).map_err(|e| PeriodizeError::new_err(e.to_string()))?;
        text(out)
    }

    /// The verdict lines `periodize run` prints.
    fn verdicts(&self) -> Vec<String> {
        self.result.verdict.clone()
    }

    /// The run's validity warnings, as `periodize run` prints them (`message (kind)`).
    fn warnings(&self) -> Vec<String> {
        self.result.warnings.iter().map(|w| format!("{} ({})", w.message, w.kind)).collect()
    }

    /// The manifest's JSON (without files: nothing is written yet).
    fn manifest_json(&self) -> String {
        periodize::export::manifest(&self.result, &self.command_line).to_string()
    }

    /// Write the result set into `out_dir` as `periodize run` does; returns the files' paths.
    fn write(&self, py: Python<'_>, out_dir: PathBuf) -> PyResult<Vec<String>> {
        let files = py.detach(|| periodize::export::write_result(&self.result, &out_dir, &self.command_line)).map_err(py_err)?;
        Ok(files.iter().map(|p| p.display().to_string()).collect())
    }

    /// The closing line `periodize run` prints (rows, athletes, time, throughput).
    fn line(&self, out_dir: PathBuf) -> String {
        self.result.line(&out_dir)
    }
}

fn text(bytes: Vec<u8>) -> PyResult<String> {
    String::from_utf8(bytes).map_err(|e| PeriodizeError::new_err(e.to_string()))
}

/// Run a scenario in memory (see `periodize.run`).
#[pyfunction]
#[pyo3(signature = (scenario, is_text, athletes=None, seed=None, threads=None, per_athlete=false, daily=false))]
#[allow(clippy::too_many_arguments)] // one per keyword of periodize.run
fn run(py: Python<'_>, scenario: &str, is_text: bool, athletes: Option<usize>, seed: Option<u64>, threads: Option<usize>, per_athlete: bool, daily: bool) -> PyResult<RunOutput> {
    let sc = Arc::new(self::scenario(scenario, is_text)?);
    let cancel = Arc::new(AtomicBool::new(false));
    let cfg = periodize::RunConfig { athletes, seed, threads, per_athlete, daily, cancel: Some(cancel.clone()), ..Default::default() };
    let held = sc.clone();
    let result = interruptible(py, &cancel, || periodize::run(&held, &cfg))?.map_err(py_err)?;
    // SAFETY: the result borrows the scenario behind `sc`, a heap allocation that RunOutput
    // keeps alive (in `_scenario`, dropped after `result`) and never mutates; moving the Arc does
    // not move it.
    let result: periodize::RunResult<'static> = unsafe { std::mem::transmute::<periodize::RunResult<'_>, periodize::RunResult<'static>>(result) };
    let mut command_line = vec!["periodize.run".to_string(), if is_text { "<string>".to_string() } else { scenario.to_string() }];
    for (k, v) in [("athletes", athletes.map(|a| a.to_string())), ("seed", seed.map(|s| s.to_string())), ("threads", threads.map(|t| t.to_string()))] {
        if let Some(v) = v {
            command_line.push(format!("{k}={v}"));
        }
    }
    Ok(RunOutput { result, _owner: sc, command_line })
}

/// Run part `index` (from 1) of `count` of a scenario file's work into the folder `out`, as
/// `periodize run SCENARIO --shard INDEX/COUNT --out OUT` does; returns its closing line.
#[pyfunction]
#[pyo3(signature = (scenario, index, count, out, athletes=None, seed=None, threads=None, per_athlete=false))]
#[allow(clippy::too_many_arguments)] // one per keyword of the shard task
fn run_shard(py: Python<'_>, scenario: PathBuf, index: usize, count: usize, out: PathBuf, athletes: Option<usize>, seed: Option<u64>, threads: Option<usize>, per_athlete: bool) -> PyResult<String> {
    let shard = periodize::export::Shard::parse(&format!("{index}/{count}")).map_err(InputError::new_err)?;
    let sc = periodize::scenario::load(&scenario).map_err(|e| py_err(e.into()))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let opts = periodize::export::RunOptions {
        run: periodize::RunConfig { athletes, seed, threads, cancel: Some(cancel.clone()), ..Default::default() },
        export: periodize::export::ExportOptions { per_athlete, command_line: vec!["periodize.run_shard".into(), scenario.display().to_string(), shard.to_string()], ..Default::default() },
    };
    let part = interruptible(py, &cancel, || periodize::export::write_part(&sc, &out, &opts, shard))?.map_err(py_err)?;
    Ok(part.line)
}

/// The merged result of a sharded run's parts (see `periodize merge`), held in memory.
#[pyfunction]
#[pyo3(signature = (parts, scenario=None, threads=None))]
fn merge(py: Python<'_>, parts: Vec<PathBuf>, scenario: Option<PathBuf>, threads: Option<usize>) -> PyResult<RunOutput> {
    let cancel = AtomicBool::new(false);
    let opened = Arc::new(interruptible(py, &cancel, || periodize::export::Parts::open(&parts, scenario.as_deref()))?.map_err(py_err)?);
    let held = opened.clone();
    let result = interruptible(py, &cancel, || held.result(threads))?.map_err(py_err)?;
    // SAFETY: as in `run`: the result borrows the parts behind the Arc, which RunOutput keeps
    // alive (dropped after `result`) and never mutates.
    let result: periodize::RunResult<'static> = unsafe { std::mem::transmute::<periodize::RunResult<'_>, periodize::RunResult<'static>>(result) };
    let mut command_line = vec!["periodize.merge".to_string()];
    command_line.extend(parts.iter().map(|p| p.display().to_string()));
    Ok(RunOutput { result, _owner: opened, command_line })
}

/// `periodize plan SCENARIO`'s CSV (plan.csv): every row's planned days.
#[pyfunction]
fn plan_csv(scenario: &str, is_text: bool) -> PyResult<String> {
    let sc = self::scenario(scenario, is_text)?;
    let mut out = Vec::new();
    periodize::plan_files::write_plans(&mut out, &sc).map_err(|e| PeriodizeError::new_err(e.to_string()))?;
    text(out)
}

/// The scenario's warnings, as `periodize validate` prints them.
#[pyfunction]
fn scenario_warnings(scenario: &str, is_text: bool) -> PyResult<Vec<String>> {
    Ok(self::scenario(scenario, is_text)?.warnings().iter().map(|w| w.to_string()).collect())
}

/// `periodize simulate`'s CSV for loads given as a daily CSV's text.
#[pyfunction]
#[pyo3(signature = (model, loads_csv, params, convention=None))]
fn simulate_csv(py: Python<'_>, model: &str, loads_csv: &str, params: Vec<(String, String)>, convention: Option<&str>) -> PyResult<String> {
    let kind = model_kind(model)?;
    let convention = convention.map(convention_of).transpose()?;
    let (config, values) = periodize::simulate::resolve_params(kind, convention, &params).map_err(py_err)?;
    let series = periodize::daily::parse_daily_with(loads_csv, Path::new("<loads>"), &Default::default()).map_err(|e| py_err(e.into()))?;
    periodize::simulate::check_finite(&config, &values, &series).map_err(py_err)?;
    let out = py.detach(|| {
        let mut out = Vec::new();
        periodize::simulate::write_simulation(&mut out, &config, &values, &series).map(|_| out)
    });
    text(out.map_err(|e| PeriodizeError::new_err(e.to_string()))?)
}

/// `periodize fit`'s CSV (fit.csv) for a daily CSV's text with `performance` tests.
#[pyfunction]
#[pyo3(signature = (model, data_csv, convention="lagged", bootstrap=0, seed=1, interval="studentized"))]
fn fit_csv(py: Python<'_>, model: &str, data_csv: &str, convention: &str, bootstrap: usize, seed: u64, interval: &str) -> PyResult<String> {
    let kind = model_kind(model)?;
    let convention = convention_of(convention)?;
    let mut opts = periodize::fit::FitOptions::new(kind, convention).map_err(|e| InputError::new_err(e.to_string()))?;
    if bootstrap > 100_000 {
        return Err(InputError::new_err(format!("bootstrap={bootstrap}: expected at most 100000 replicates")));
    }
    opts.bootstrap = bootstrap;
    opts.seed = seed;
    opts.interval = match interval {
        "studentized" => periodize::fit::Interval::Studentized,
        "percentile" => periodize::fit::Interval::Percentile,
        _ => return Err(InputError::new_err(format!("interval {interval:?}: expected \"studentized\" or \"percentile\""))),
    };
    let path = Path::new("<data>");
    let read = periodize::daily::ReadOptions { with_performance: true, ..Default::default() };
    let series = periodize::daily::parse_daily_with(data_csv, path, &read).map_err(|e| py_err(e.into()))?;
    let fitted = py.detach(|| periodize::fit::fit(&series, &opts)).map_err(|source| py_err(periodize::Error::Fit { path: path.to_path_buf(), source }))?;
    let mut out = Vec::new();
    periodize::fit::write_csv(&mut out, &fitted).map_err(|e| PeriodizeError::new_err(e.to_string()))?;
    text(out)
}

fn model_kind(model: &str) -> PyResult<periodize::model::ModelKind> {
    periodize::model::ModelKind::parse(model).ok_or_else(|| {
        InputError::new_err(format!("model {model:?}: expected one of {}", periodize::model::ModelKind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")))
    })
}

fn convention_of(c: &str) -> PyResult<periodize::model::Convention> {
    periodize::model::Convention::parse(c).ok_or_else(|| {
        InputError::new_err(format!("convention {c:?}: expected one of {}", periodize::model::Convention::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")))
    })
}

/// Every preset as JSON: name, kind, summary, source, units, calibration and targets.
#[pyfunction]
fn presets_json() -> String {
    let list: Vec<serde_json::Value> = periodize::scenario::presets::PRESETS
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name, "kind": p.kind, "summary": p.summary, "source": p.source,
                "load_unit": p.load_unit, "performance_unit": p.performance_unit,
                "calibrated": p.calibrated, "calibration_load": p.calibration_load,
                "targets": p.targets.iter().map(|t| serde_json::json!({
                    "what": t.what, "published": t.published, "reproduced": t.reproduced, "source": t.source, "protocol": t.protocol,
                })).collect::<Vec<_>>(),
                "model_toml": p.toml,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[pymodule]
fn _periodize(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PeriodizeError", m.py().get_type::<PeriodizeError>())?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<RunOutput>()?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(run_shard, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(plan_csv, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_warnings, m)?)?;
    m.add_function(wrap_pyfunction!(simulate_csv, m)?)?;
    m.add_function(wrap_pyfunction!(presets_json, m)?)?;
    m.add_function(wrap_pyfunction!(fit_csv, m)?)?;
    Ok(())
}
