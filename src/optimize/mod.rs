//! `periodize optimize`: the best plan for a population under constraints, with an honest
//! out-of-sample check.
//!
//! Every evaluation runs one row (the variant as written with a point of the `[optimize.vary]`
//! space written in) over the same athletes with the same noise (common random numbers: the
//! athletes' streams depend only on the seed and the athlete index), so two candidates differ
//! only by their plans and the objective is a deterministic function of the plan. Each candidate
//! is compared, athlete by athlete, with the variant as written, so the paired columns
//! (`diff_mean`, `win_rate`, ...) can be objectives or constraints too.
//!
//! The search's best value is biased upward (the optimiser's curse: the best of many noisy
//! estimates is more often lucky than not). So the optimum is written into `best.toml` as a
//! variant and the whole file is run again with a fresh seed (a different population) and, by
//! default, ten times the athletes; `summary.csv` is that run, and both figures are reported.

#[cfg(feature = "charts")]
pub mod charts;
pub mod search;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::montecarlo::{RowOptions, run_row};
use crate::summary::{Column, Comparison, RowFigures, RowSummary, columns};
use crate::output::num;
use crate::scenario::Scenario;
use crate::scenario::optimize::{Direction, Level, Method, Optimize};

/// How to run an optimisation.
#[derive(Clone, Debug, Default)]
pub struct OptimizeOptions {
    /// Evaluations per optimised variant (overrides `[optimize] budget`).
    pub budget: Option<usize>,
    /// Athletes of the out-of-sample check (default ten times the search's `run.athletes`).
    pub athletes: Option<usize>,
    /// Seed of the search (overrides `run.seed`); the check's seed is derived from it.
    pub seed: Option<u64>,
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
    /// Write the charts: convergence.svg, heatmap.svg (two varied values), and the check's.
    pub plots: bool,
    /// Write report.html of the check, with the convergence chart first.
    pub report: bool,
    /// Where to report progress (evaluations done, the best value so far); the CLI draws a bar
    /// on a terminal.
    pub progress: Option<std::sync::Arc<dyn crate::progress::Progress>>,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
    /// The widest instruction set the engine may use (every form gives the same bits).
    pub simd: crate::montecarlo::Simd,
}

/// One evaluated point.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The optimised variant's index.
    pub variant: usize,
    /// `as-written` (the reference, not a candidate), `grid`, `start`, `screen`,
    /// `nelder-mead` or `poll`.
    pub stage: &'static str,
    /// The varied values (empty for the as-written reference).
    pub point: Vec<Level>,
    /// The objective column's value.
    pub objective: f64,
    /// The constrained columns' values, in `subject_to` order.
    pub constrained: Vec<f64>,
    /// How far outside the constraints (0: feasible), relative to each bound's size.
    pub violation: f64,
}

impl Evaluation {
    /// Whether the point meets every constraint and has an objective.
    pub fn feasible(&self) -> bool {
        self.violation == 0.0 && !self.objective.is_nan()
    }
}

/// The result for one optimised variant.
#[derive(Clone, Debug)]
pub struct VariantOutcome {
    /// The variant's name.
    pub variant: String,
    /// The name of its optimum in best.toml.
    pub optimum: String,
    /// Index into the evaluations of the as-written reference.
    pub as_written: usize,
    /// Index into the evaluations of the best candidate.
    pub best: usize,
    /// Whether the best candidate meets the constraints.
    pub feasible: bool,
    /// Candidate evaluations run.
    pub evaluations: usize,
    /// Objective of the optimum and of the variant as written in the out-of-sample check.
    pub check: Option<(f64, f64)>,
}

/// What an optimisation did.
#[derive(Clone, Debug)]
pub struct OptimizeReport {
    /// Every evaluated point, in order.
    pub evaluations: Vec<Evaluation>,
    /// One per optimised variant.
    pub outcomes: Vec<VariantOutcome>,
    /// The search's seed.
    pub seed: u64,
    /// Athletes per evaluation.
    pub athletes: usize,
    /// The out-of-sample check's seed.
    pub check_seed: u64,
    /// The out-of-sample check's athletes.
    pub check_athletes: usize,
    /// The output folder.
    pub out_dir: PathBuf,
    /// The files written, relative to the output folder.
    pub files: Vec<String>,
    /// Lines for the user: per variant, the optimum in and out of sample.
    pub lines: Vec<String>,
    /// Things the user should know.
    pub warnings: Vec<String>,
}

/// The out-of-sample seed: SplitMix64 of the search's seed, so the check's athletes are a
/// different population from the search's.
pub fn check_seed(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Infeasible points cost at least this (plus their violation), more than any feasible one.
const PENALTY: f64 = 1e100;

/// Evaluates points for one variant: runs rows, keeps the trace, answers the search.
struct Evaluator<'a> {
    sc: &'a Scenario,
    opt: &'a Optimize,
    variant: usize,
    seed: u64,
    athletes: usize,
    simd: crate::montecarlo::Simd,
    objective_col: &'static Column,
    constraint_cols: Vec<&'static Column>,
    /// The as-written row's race-day performances and mean, for the paired columns.
    reference: (Vec<f64>, f64, String),
    memo: HashMap<Vec<u64>, f64>,
    trace: &'a mut Vec<Evaluation>,
    remaining: usize,
    bar: Option<&'a dyn crate::progress::Progress>,
    /// Evaluations done over every optimised variant, for the progress display.
    done: &'a mut u64,
    /// The best feasible objective so far, for the progress bar.
    best: Option<f64>,
    /// Candidates that `run` would refuse (validation of the row failed): how many, and the
    /// first one's message. They count as infeasible, never ranked.
    refused: (usize, Option<String>),
}

impl Evaluator<'_> {
    fn key(point: &[Level]) -> Vec<u64> {
        point
            .iter()
            .map(|l| match l {
                Level::Num(x) => x.to_bits(),
                Level::Choice(c) => *c as u64,
            })
            .collect()
    }

    /// Run one candidate: its objective and constrained values.
    fn run(&self, point: &[Level]) -> Result<(f64, Vec<f64>)> {
        let row = self.sc.optimize_row(self.variant, point)?;
        // Row 1: a candidate's race-day test is drawn apart from the as-written row's (row 0).
        let res = run_row(&row, self.seed, self.athletes, RowOptions { simd: self.simd, row: 1, ..Default::default() }, &AtomicU64::new(0));
        let mut s = res.summary();
        let (perf, mean, label) = &self.reference;
        s.comparison = Some(Comparison::new(0, &res.metrics.perf_final, perf, *mean, self.sc.compare.swc, !row.model.config.kind.info().form_chart, self.sc.race.map(|r| (r.seconds, r.exponent))));
        Ok(values(&row, &s, Some(label), self.objective_col, &self.constraint_cols))
    }

    fn violation(&self, constrained: &[f64]) -> f64 {
        violation(self.opt, constrained)
    }

    /// The cost of a feasible objective value (lower is better).
    fn cost_of(&self, objective: f64) -> f64 {
        match self.opt.direction {
            Direction::Max => -objective,
            Direction::Min => objective,
        }
    }

    fn cost(&self, e: &Evaluation) -> f64 {
        if e.feasible() {
            self.cost_of(e.objective)
        } else {
            PENALTY * (1.0 + e.violation.min(1e200))
        }
    }
}

impl search::Objective for Evaluator<'_> {
    fn eval(&mut self, points: &[Vec<Level>], stage: &'static str) -> Result<Vec<Option<f64>>> {
        // The new points within the budget, each once, run in parallel; the trace keeps their order.
        let mut fresh: Vec<&Vec<Level>> = Vec::new();
        let mut queued = std::collections::HashSet::new();
        for p in points {
            let k = Self::key(p);
            if fresh.len() < self.remaining && !self.memo.contains_key(&k) && queued.insert(k) {
                fresh.push(p);
            }
        }
        let runs: Vec<Result<(f64, Vec<f64>)>> = fresh.par_iter().map(|p| self.run(p)).collect();
        for (p, r) in fresh.into_iter().zip(runs) {
            let (objective, constrained, violation) = match r {
                Ok((objective, constrained)) => {
                    let violation = self.violation(&constrained);
                    (objective, constrained, violation)
                }
                Err(Error::Scenario(e)) => {
                    self.refused.0 += 1;
                    self.refused.1.get_or_insert_with(|| e.problems.first().map_or_else(|| e.render(), |p| p.message.clone()));
                    (f64::NAN, vec![f64::NAN; self.constraint_cols.len()], f64::INFINITY)
                }
                Err(e) => return Err(e),
            };
            let e = Evaluation { variant: self.variant, stage, point: p.clone(), objective, constrained, violation };
            let c = self.cost(&e);
            if e.feasible() && self.best.is_none_or(|b| c < self.cost_of(b)) {
                self.best = Some(e.objective);
            }
            self.memo.insert(Self::key(p), c);
            self.trace.push(e);
            self.remaining -= 1;
            *self.done += 1;
            if let Some(b) = self.bar {
                b.set(*self.done);
            }
        }
        if let (Some(b), Some(best)) = (self.bar, self.best) {
            b.message(format!("{} {}: best {best:.6}", self.sc.variant_names()[self.variant], self.opt.objective));
        }
        Ok(points.iter().map(|p| self.memo.get(&Self::key(p)).copied()).collect())
    }

    fn remaining(&self) -> usize {
        self.remaining
    }
}

/// The objective and the constrained values of a row's summary (empty cells are NaN), compared
/// with the row labelled `reference` when the summary has a comparison.
fn values(row: &crate::scenario::Row, s: &RowSummary, reference: Option<&str>, objective: &Column, constrained: &[&Column]) -> (f64, Vec<f64>) {
    let kind = row.model.config.kind;
    let label = row.label(&[]);
    let f = RowFigures {
        summary: s,
        model: row.model_name(),
        kind: kind.name(),
        convention: kind.has_convention().then(|| row.model.config.convention.name()),
        label: &label,
        reference,
    };
    (objective.get(&f).as_f64(), constrained.iter().map(|c| c.get(&f).as_f64()).collect())
}

/// How far outside the constraints, summed over the bounds (0: feasible).
fn violation(opt: &Optimize, constrained: &[f64]) -> f64 {
    opt.subject_to.iter().zip(constrained).map(|(b, &x)| b.violation(x)).sum()
}

/// The index of the best candidate of `variant` in `trace`: the best feasible one, or when none
/// is feasible the one least outside the constraints.
fn best_of(trace: &[Evaluation], variant: usize, direction: Direction) -> Option<usize> {
    let sign = if direction == Direction::Max { -1.0 } else { 1.0 };
    let key = |e: &Evaluation| if e.feasible() { (0.0, sign * e.objective) } else { (1.0 + e.violation, if e.objective.is_nan() { f64::INFINITY } else { sign * e.objective }) };
    trace
        .iter()
        .enumerate()
        .filter(|(_, e)| e.variant == variant && e.stage != "as-written")
        .min_by(|a, b| {
            let (ka, kb) = (key(a.1), key(b.1));
            ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        })
        .map(|(i, _)| i)
}

/// Optimise a validated scenario with `[optimize]` and write the result set into `out`.
pub fn optimize_to_dir(sc: &Scenario, out: &Path, opts: &OptimizeOptions) -> Result<OptimizeReport> {
    let opt = sc.optimize.as_ref().ok_or_else(|| Error::Usage(format!("{}: no [optimize] table; add one (see the README's \"Optimising a plan\") or use periodize run", sc.path.display())))?;
    let budget = opts.budget.unwrap_or(opt.budget);
    check_budget(sc, opt, budget)?;
    let seed = opts.seed.unwrap_or(sc.seed);
    let athletes = sc.athletes;
    let check_athletes = opts.athletes.unwrap_or(athletes.saturating_mul(10).min(100_000_000));
    let names = sc.variant_names();
    let targets: Vec<usize> = (0..names.len()).filter(|&i| opt.variant.as_ref().is_none_or(|v| *v == names[i])).collect();
    let col = |c: &str| columns::column(c).filter(|c| c.is_numeric()).ok_or_else(|| Error::Failed(format!("summary.csv has no numeric column {c}")));
    let objective_col = col(&opt.objective)?;
    let constraint_cols = opt.subject_to.iter().map(|b| col(&b.column)).collect::<Result<Vec<_>>>()?;

    let staging = crate::output::Staging::new(out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let bar = opts.progress.as_deref();
    if let Some(b) = bar {
        b.start((budget * targets.len()) as u64, "evaluations");
    }
    let search = Search { sc, opt, seed, athletes, budget, simd: opts.simd, objective_col, constraint_cols, bar };
    let mut state = SearchState { trace: Vec::new(), done: 0, warnings: Vec::new() };
    let mut outcomes = Vec::new();
    for &vi in &targets {
        let outcome = pool.install(|| search.variant(vi, &mut state))?;
        let optimum = optimum_name(&names, &names[vi], targets.len());
        outcomes.push(VariantOutcome { optimum, ..outcome });
    }
    if let Some(b) = bar {
        b.finish();
    }
    let SearchState { trace, warnings, .. } = state;

    let text = best_toml(&search, out, &trace, &outcomes);
    let best_path = out.join("best.toml");
    let best_sc = crate::scenario::parse_scenario(&text, &best_path).map_err(|e| Error::Failed(format!("best.toml did not validate (a bug; please report it):\n{}", e.render())))?;

    // The out-of-sample check: best.toml run with a fresh seed and more athletes.
    let check = check_seed(seed);
    let extra_charts = optimize_charts(sc, opt, &trace, &outcomes, opts)?;
    let run = out_of_sample(&best_sc, staging.path(), opts, check, check_athletes, &extra_charts, &mut outcomes, &opt.objective)?;
    // The rest of the set: trace.csv, best.toml, the charts, manifest.json.
    // Every file's checksum, each from its writer: the check run's, then the search's own.
    let mut sums = run.sha256.clone();
    sums.push(("trace.csv".into(), write_trace(&staging.path().join("trace.csv"), sc, opt, &trace)?));
    sums.push(("best.toml".into(), crate::output::write_file(&staging.path().join("best.toml"), text.as_bytes())?));
    if opts.plots {
        for c in &extra_charts {
            sums.push((c.file.clone(), crate::output::write_file(&staging.path().join(&c.file), c.svg.as_bytes())?));
        }
    }
    let mut files: Vec<String> = run.files.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).filter(|n| n != "manifest.json").collect();
    files.extend(sums[run.sha256.len()..].iter().map(|(n, _)| n.clone()));
    let sha256: serde_json::Map<String, serde_json::Value> = sums.into_iter().map(|(n, h)| (n, serde_json::Value::String(h))).collect();
    files.push("manifest.json".into());
    let checked_with = Checked { seed: check, athletes: check_athletes, manifest: run.manifest };
    let mut manifest = manifest_json(&search, opts, &trace, &outcomes, &files, checked_with);
    manifest["sha256"] = sha256.into();
    let mpath = staging.path().join("manifest.json");
    crate::output::write_to(Some(&mpath), |w| serde_json::to_writer_pretty(&mut *w, &manifest).map_err(std::io::Error::other).and_then(|_| writeln!(w)))?;
    staging.commit(&files)?;

    let lines = outcome_lines(&search, &trace, &outcomes, check, check_athletes);
    Ok(OptimizeReport { evaluations: trace, outcomes, seed, athletes, check_seed: check, check_athletes, out_dir: out.to_path_buf(), files, lines, warnings })
}

/// The out-of-sample check: best.toml's scenario run with a fresh seed and more athletes and
/// written into `dir`; each outcome gets the check's objective of its optimum and as written.
#[allow(clippy::too_many_arguments)]
fn out_of_sample(best_sc: &Scenario, dir: &Path, opts: &OptimizeOptions, check: u64, check_athletes: usize, extra_charts: &[crate::plots::Chart], outcomes: &mut [VariantOutcome], objective: &str) -> Result<crate::export::Written> {
    let run_cfg = crate::result::RunConfig {
        athletes: Some(check_athletes),
        seed: Some(check),
        threads: opts.threads,
        views: opts.plots || opts.report,
        progress: opts.progress.clone(),
        simd: opts.simd,
        ..Default::default()
    };
    let export = crate::export::ExportOptions {
        plots: opts.plots,
        report: opts.report,
        command_line: opts.command_line.clone(),
        extra_charts: extra_charts.to_vec(),
        ..Default::default()
    };
    let checked_run = crate::result::run(best_sc, &run_cfg)?;
    let run = crate::export::write_set(&checked_run, dir, &export)?;
    // Each check row's variant and objective.
    let checked: Vec<(&str, f64)> = (0..checked_run.rows.len()).map(|ri| (best_sc.rows[ri].variant.as_str(), checked_run.value(ri, objective).unwrap_or(f64::NAN))).collect();
    for o in outcomes.iter_mut() {
        let get = |name: &str| checked.iter().find(|(v, _)| *v == name).map(|(_, x)| *x);
        if let (Some(a), Some(b)) = (get(&o.optimum), get(&o.variant)) {
            o.check = Some((a, b));
        }
    }

    Ok(run)
}

/// Refuse a budget of 0, and a grid without steps or with more points than the budget.
fn check_budget(sc: &Scenario, opt: &Optimize, budget: usize) -> Result<()> {
    if budget == 0 {
        return Err(Error::Usage("--budget must be at least 1".into()));
    }
    if opt.method == Method::Grid {
        match opt.grid_points() {
            None => {
                let cont: Vec<&str> = opt.vary.iter().filter(|v| v.domain.levels().is_none()).map(|v| v.path.as_str()).collect();
                return Err(Error::Usage(format!("{}: method = \"grid\" needs a step for every numeric value; {} has none (add step = ..., or use method = \"auto\")", sc.path.display(), cont.join(", "))));
            }
            Some(n) if n > budget => {
                return Err(Error::Usage(format!("{}: the grid has {n} points but the budget is {budget} evaluations; raise it (--budget {n}) or use method = \"auto\"", sc.path.display())));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// What every variant's search shares.
struct Search<'a> {
    sc: &'a Scenario,
    opt: &'a Optimize,
    seed: u64,
    athletes: usize,
    budget: usize,
    simd: crate::montecarlo::Simd,
    objective_col: &'static Column,
    constraint_cols: Vec<&'static Column>,
    bar: Option<&'a dyn crate::progress::Progress>,
}

/// What the searches add to as they go.
struct SearchState {
    trace: Vec<Evaluation>,
    /// Evaluations done over every optimised variant, for the progress display.
    done: u64,
    warnings: Vec<String>,
}

impl Search<'_> {
    /// Search variant `vi`: the as-written reference, then the candidates; the outcome's
    /// `optimum` name is left for the caller to give.
    fn variant(&self, vi: usize, st: &mut SearchState) -> Result<VariantOutcome> {
        let (sc, opt) = (self.sc, self.opt);
        let names = sc.variant_names();
        let as_written_row = sc.rows.iter().find(|r| r.variant == names[vi]).ok_or_else(|| Error::Failed(format!("no row for variant {}", names[vi])))?;
        let res = run_row(as_written_row, self.seed, self.athletes, RowOptions { simd: self.simd, ..Default::default() }, &AtomicU64::new(0));
        let s = res.summary();
        let (objective, constrained) = values(as_written_row, &s, None, self.objective_col, &self.constraint_cols);
        let violation = violation(opt, &constrained);
        st.trace.push(Evaluation { variant: vi, stage: "as-written", point: Vec::new(), objective, constrained, violation });
        let written_index = st.trace.len() - 1;
        let reference = (res.metrics.perf_final.clone(), s.perf_final_mean(), as_written_row.label(&[]));
        // The search starts from the plan as written, each value outside its domain at its centre.
        let start_point: Vec<Level> = sc.as_written(vi).into_iter().zip(&opt.vary).map(|(l, v)| l.unwrap_or(v.domain.centre())).collect();
        let space: Vec<_> = opt.vary.iter().map(|v| v.domain.clone()).collect();
        let before = st.trace.len();
        {
            let mut ev = Evaluator {
                sc,
                opt,
                variant: vi,
                seed: self.seed,
                athletes: self.athletes,
                simd: self.simd,
                objective_col: self.objective_col,
                constraint_cols: self.constraint_cols.clone(),
                reference,
                memo: HashMap::new(),
                trace: &mut st.trace,
                remaining: self.budget,
                bar: self.bar,
                done: &mut st.done,
                best: None,
                refused: (0, None),
            };
            match opt.method {
                Method::Grid => search::Objective::eval(&mut ev, &search::grid(&space), "grid").map(|_| ())?,
                Method::Auto => search::auto(&space, start_point, &mut ev)?,
            }
            if let (n, Some(first)) = &ev.refused {
                let evaluated = st.trace.len() - before;
                if *n == evaluated {
                    return Err(Error::Usage(format!("{}: every one of the {n} candidates [optimize.vary] gives is a plan run would refuse; narrow the ranges. The first: {first}", names[vi])));
                }
                st.warnings.push(format!("{}: {n} of {evaluated} candidates are plans run would refuse; they count as infeasible (the first: {first})", names[vi]));
            }
        }
        let best = best_of(&st.trace, vi, opt.direction).ok_or_else(|| Error::Failed("no candidate was evaluated".into()))?;
        let feasible = st.trace[best].feasible();
        if !feasible {
            st.warnings.push(format!("{}: no evaluated plan satisfies [optimize.subject_to]; best.toml holds the least infeasible one, marked as such", names[vi]));
        }
        self.edge_warnings(vi, &st.trace[best], &mut st.warnings);
        Ok(VariantOutcome { variant: names[vi].clone(), optimum: String::new(), as_written: written_index, best, feasible, evaluations: st.trace.len() - before, check: None })
    }

    /// An optimum on the edge of a numeric range may lie beyond it.
    fn edge_warnings(&self, vi: usize, best: &Evaluation, warnings: &mut Vec<String>) {
        use crate::scenario::optimize::Domain;
        for (i, v) in self.opt.vary.iter().enumerate() {
            if let (Level::Num(x), Domain::Continuous { min, max } | Domain::Steps { min, max, .. }) = (best.point[i], &v.domain)
                && max > min
                && (x <= *min || x >= *max)
            {
                let side = if x <= *min { "bottom" } else { "top" };
                warnings.push(format!("{}: {} = {} is at the {side} of its range; the optimum may lie beyond it (widen the range to check)", self.sc.variant_names()[vi], v.path, self.sc.level_text(i, best.point[i])));
            }
        }
    }
}

/// best.toml: the file as written (relative paths made to work from `out`), the optimum
/// variants appended.
fn best_toml(s: &Search<'_>, out: &Path, trace: &[Evaluation], outcomes: &[VariantOutcome]) -> String {
    let (sc, opt) = (s.sc, s.opt);
    let names = sc.variant_names();
    let mut text = sc.relocated_text(out);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "\n# ---- Written by periodize optimize {}: {} {} over {} evaluations per variant of {} athletes (seed {}).\n",
        env!("CARGO_PKG_VERSION"),
        match opt.direction {
            Direction::Max => "maximise",
            Direction::Min => "minimise",
        },
        opt.objective,
        s.budget,
        s.athletes,
        s.seed
    ));
    if !sc.has_variants() {
        text.push_str(&format!("# The scenario as written, as a variant, so the optimum is compared with it.\n[[variant]]\nname = {}\n", toml::Value::String(names[0].clone())));
    }
    for o in outcomes {
        let e = &trace[o.best];
        let vi = e.variant;
        let values: Vec<String> = opt.vary.iter().enumerate().map(|(i, v)| format!("{} = {}", v.path, sc.level_text(i, e.point[i]))).collect();
        text.push_str(&format!(
            "\n# {}: {}: {} = {} in the search (as written: {}){}.\n",
            o.optimum,
            values.join(", "),
            opt.objective,
            num(e.objective),
            num(trace[o.as_written].objective),
            if o.feasible { String::new() } else { "; NOT FEASIBLE: no evaluated plan met [optimize.subject_to], this one is the least outside".into() }
        ));
        text.push_str(&sc.optimum_variant_toml(vi, &e.point, &o.optimum));
    }
    text
}

/// The search's own charts (convergence, heatmap), when charts or the report are asked for.
fn optimize_charts(sc: &Scenario, opt: &Optimize, trace: &[Evaluation], outcomes: &[VariantOutcome], opts: &OptimizeOptions) -> Result<Vec<crate::plots::Chart>> {
    if !(opts.plots || opts.report) {
        return Ok(Vec::new());
    }
    #[cfg(feature = "charts")]
    return charts::charts(sc, opt, trace, outcomes);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (sc, opt, trace, outcomes);
        Err(crate::plots::no_charts())
    }
}

/// The out-of-sample check: its seed, athletes and run manifest.
struct Checked {
    seed: u64,
    athletes: usize,
    manifest: serde_json::Value,
}

/// optimize's manifest.json.
fn manifest_json(s: &Search<'_>, opts: &OptimizeOptions, trace: &[Evaluation], outcomes: &[VariantOutcome], files: &[String], checked: Checked) -> serde_json::Value {
    let (sc, opt) = (s.sc, s.opt);
    serde_json::json!({
        "periodize_version": env!("CARGO_PKG_VERSION"),
        "git_commit": option_env!("PERIODIZE_GIT_COMMIT"),
        "command": "optimize",
        "created_utc": crate::output::utc_now(),
        "command_line": opts.command_line,
        "scenario_file": sc.path,
        "scenario_sha256": sc.sha256,
        "optimize": opt,
        "budget": s.budget,
        "search": { "seed": s.seed, "athletes": s.athletes, "evaluations": trace.iter().filter(|e| e.stage != "as-written").count() },
        "out_of_sample": { "seed": checked.seed, "athletes": checked.athletes, "seed_rule": "SplitMix64 of the search seed" },
        "variants": outcomes.iter().map(|o| {
            let e = &trace[o.best];
            serde_json::json!({
                "variant": o.variant,
                "optimum": o.optimum,
                "feasible": o.feasible,
                "evaluations": o.evaluations,
                "values": opt.vary.iter().enumerate().map(|(i, v)| (v.path.clone(), serde_json::Value::String(sc.level_text(i, e.point[i])))).collect::<serde_json::Map<_, _>>(),
                "in_sample": { "optimum": json_num(e.objective), "as_written": json_num(trace[o.as_written].objective) },
                "out_of_sample": o.check.map(|(a, b)| serde_json::json!({ "optimum": json_num(a), "as_written": json_num(b) })),
            })
        }).collect::<Vec<_>>(),
        "files": files,
        "out_of_sample_run": checked.manifest,
    })
}

/// One line per optimised variant: the optimum in and out of sample.
fn outcome_lines(s: &Search<'_>, trace: &[Evaluation], outcomes: &[VariantOutcome], check: u64, check_athletes: usize) -> Vec<String> {
    outcomes
        .iter()
        .map(|o| {
            let e = &trace[o.best];
            let values: Vec<String> = s.opt.vary.iter().enumerate().map(|(i, v)| format!("{}={}", short(&v.path), s.sc.level_text(i, e.point[i]))).collect();
            let delta = |a: f64, b: f64| format!("{} vs {} as written ({:+.4})", fmt(a), fmt(b), a - b);
            format!(
                "{}: best {} after {} evaluations{}: {} in the search ({} athletes); out of sample ({} athletes, seed {}): {}",
                o.variant,
                values.join(" "),
                o.evaluations,
                if o.feasible { "" } else { " (NONE FEASIBLE)" },
                delta(e.objective, trace[o.as_written].objective),
                s.athletes,
                check_athletes,
                check,
                o.check.map_or("no check row".into(), |(a, b)| delta(a, b)),
            )
        })
        .collect()
}

fn json_num(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

fn fmt(x: f64) -> String {
    if x.is_nan() { "(empty)".into() } else { format!("{x:.4}") }
}

/// The last segment of a dotted path.
fn short(p: &str) -> &str {
    p.rsplit('.').next().unwrap_or(p)
}

/// `optimum` for one optimised variant, `optimum-NAME` for several; never a name in use.
fn optimum_name(names: &[String], variant: &str, targets: usize) -> String {
    let base = if targets == 1 { "optimum".to_string() } else { format!("optimum-{variant}") };
    let mut name = base.clone();
    let mut k = 2;
    while names.contains(&name) {
        name = format!("{base}-{k}");
        k += 1;
    }
    name
}

/// trace.csv: one row per evaluation, the as-written reference of each variant first.
/// Returns the file's hex SHA-256.
fn write_trace(path: &Path, sc: &Scenario, opt: &Optimize, trace: &[Evaluation]) -> Result<String> {
    let names = sc.variant_names();
    let mut header = vec!["evaluation".to_string(), "variant".into(), "stage".into()];
    header.extend(opt.vary.iter().map(|v| v.path.clone()));
    header.push(opt.objective.clone());
    let cons: Vec<usize> = (0..opt.subject_to.len()).filter(|&i| opt.subject_to[i].column != opt.objective).collect();
    header.extend(cons.iter().map(|&i| opt.subject_to[i].column.clone()));
    header.extend(["feasible".to_string(), "best_so_far".into()]);
    let mut buf = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let werr = |e: csv::Error| Error::Failed(format!("trace.csv: {e}"));
        w.write_record(&header).map_err(werr)?;
        let mut best: HashMap<usize, f64> = HashMap::new();
        let mut n = 0;
        for e in trace {
            let candidate = e.stage != "as-written";
            let mut rec = vec![if candidate { n += 1; n.to_string() } else { "0".into() }, crate::output::text_cell(&names[e.variant]).into_owned(), e.stage.to_string()];
            if candidate {
                rec.extend((0..opt.vary.len()).map(|i| sc.level_text(i, e.point[i])));
            } else {
                rec.extend(std::iter::repeat_n(String::new(), opt.vary.len()));
            }
            rec.push(num(e.objective));
            rec.extend(cons.iter().map(|&i| num(e.constrained[i])));
            rec.push(if e.feasible() { "yes" } else { "no" }.into());
            if candidate && e.feasible() {
                let b = best.entry(e.variant).or_insert(e.objective);
                let better = match opt.direction {
                    Direction::Max => e.objective > *b,
                    Direction::Min => e.objective < *b,
                };
                if better {
                    *b = e.objective;
                }
            }
            rec.push(if candidate { best.get(&e.variant).map_or(String::new(), |b| num(*b)) } else { String::new() });
            w.write_record(&rec).map_err(werr)?;
        }
        w.flush().map_err(|source| Error::write(path, source))?;
    }
    Ok(crate::output::write_file(path, &buf)?)
}
