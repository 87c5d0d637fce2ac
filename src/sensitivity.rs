//! `periodize sensitivity`: where a comparison's verdict flips as one scenario value moves.
//!
//! The value at `--param PATH` (a number, or the centre of a normal or lognormal distribution,
//! whose spread is kept) is swept over `--range LO:HI` at `--points` evenly spaced values, with
//! the scenario's seed: the same athletes at every value (common random numbers), so each
//! comparison's mean paired difference is a smooth curve of the value. Wherever that curve
//! crosses 0, +swc or -swc between two neighbouring values, bisection narrows the crossing to a
//! tolerance of the range (1e-3 by default), every open bracket's midpoint in one run; the
//! crossing is then interpolated linearly inside its last bracket.
//!
//! The classes in the printed line ("better while k2_easy < 0.42, trivial to 0.61, worse
//! above") compare the mean paired difference with +-swc; the `verdict` column of sweep.csv is
//! the run's own (its 95% interval against +-swc, so it can be `unclear` near a crossing).

use std::path::Path;

use crate::error::{Error, Result};
use crate::output::{num, short};
use crate::scenario::sensitivity::{VariedPath, varied_path};
use crate::scenario::Scenario;
use crate::summary::Verdict;

/// How to run a sensitivity analysis.
#[derive(Clone, Debug)]
pub struct SensitivityOptions {
    /// The varied path (`model.k2_easy`).
    pub param: String,
    /// The range of values, low to high.
    pub range: (f64, f64),
    /// Evenly spaced values over the range (at least 2).
    pub points: usize,
    /// Bisection stops when a bracket is narrower than this share of the range.
    pub tolerance: f64,
    /// Athletes per row (overrides `[run] athletes`).
    pub athletes: Option<usize>,
    /// Seed (overrides `[run] seed`).
    pub seed: Option<u64>,
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
    /// The widest instruction set the engine may use.
    pub simd: crate::montecarlo::Simd,
}

impl SensitivityOptions {
    /// `param` over `range` at 11 values, tolerance 1e-3 of the range.
    pub fn new(param: &str, range: (f64, f64)) -> Self {
        SensitivityOptions { param: param.to_string(), range, points: 11, tolerance: 1e-3, athletes: None, seed: None, threads: None, simd: Default::default() }
    }
}

/// One comparison's value at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The varied value.
    pub x: f64,
    /// The mean paired difference, in percent of the reference's mean race-day performance.
    pub diff_pct: f64,
    /// The run's verdict at this value (None where the comparison has no level, as pmc's form).
    pub verdict: Option<Verdict>,
}

/// What one comparison does over the range.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// The comparison, as verdicts.csv names it (with ` | MODEL` under `[compare] models`).
    pub comparison: String,
    /// The smallest worthwhile change, percent.
    pub swc_pct: f64,
    /// Every evaluated value, in increasing order (the grid and the bisection's midpoints).
    pub points: Vec<Point>,
    /// Where the mean difference crosses 0, +swc and -swc, each in increasing order.
    pub at_zero: Vec<f64>,
    /// See `at_zero`.
    pub at_plus_swc: Vec<f64>,
    /// See `at_zero`.
    pub at_minus_swc: Vec<f64>,
}

/// A sensitivity analysis.
#[derive(Clone, Debug)]
pub struct Sensitivity {
    /// The varied path, resolved (a distribution's centre key is named in `centre`).
    pub param: VariedPath,
    /// The range.
    pub range: (f64, f64),
    /// One curve per comparison of the scenario, in row order.
    pub curves: Vec<Curve>,
    /// Runs made (one for the grid, one per bisection step) and values evaluated.
    pub runs: usize,
    /// Values evaluated.
    pub evaluations: usize,
    /// The seed and athletes per row used.
    pub seed: u64,
    /// Athletes per row.
    pub athletes: usize,
}

/// The mean difference's levels a crossing is sought at: 0, +swc, -swc.
const LEVELS: usize = 3;

/// Run the analysis on the scenario file `path` whose text is `text` and which validated as
/// `base`.
pub fn sensitivity(path: &Path, text: &str, base: &Scenario, opts: &SensitivityOptions) -> Result<Sensitivity> {
    let (lo, hi) = opts.range;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(Error::Usage(format!("--range {lo}:{hi}: expected LO:HI with LO < HI, both finite")));
    }
    if opts.points < 2 {
        return Err(Error::Usage(format!("--points {}: expected at least 2", opts.points)));
    }
    let param = varied_path(text, &opts.param).map_err(Error::Usage)?;
    let compared: Vec<usize> = (0..base.rows().len()).filter(|&r| base.rows()[r].reference.is_some()).collect();
    if compared.is_empty() {
        return Err(Error::Usage(format!("{}: has no comparison (one variant compared with another); sensitivity finds where comparisons flip", path.display())));
    }
    let names: Vec<String> = compared.iter().map(|&r| base.comparison_name(r)).collect();
    let eval = Evaluator { path, text, param: &param, base, compared: &compared, opts };
    let grid: Vec<f64> = (0..opts.points).map(|i| if i + 1 == opts.points { hi } else { lo + (hi - lo) * i as f64 / (opts.points - 1) as f64 }).collect();
    let mut points: Vec<Vec<Point>> = vec![Vec::new(); compared.len()];
    let mut swc = vec![f64::NAN; compared.len()];
    eval.run(&grid, &mut points, &mut swc)?;
    let mut runs = 1;
    let mut evaluations = grid.len();
    // Bisect every bracket of every comparison and level together: one run per step.
    let width = opts.tolerance.max(1e-12) * (hi - lo);
    loop {
        let mut mids: Vec<f64> = Vec::new();
        for (c, pts) in points.iter().enumerate() {
            for level in 0..LEVELS {
                for (a, b) in brackets(pts, target(level, swc[c])) {
                    if b.x - a.x > width {
                        mids.push(0.5 * (a.x + b.x));
                    }
                }
            }
        }
        mids.sort_by(f64::total_cmp);
        mids.dedup();
        if mids.is_empty() {
            break;
        }
        eval.run(&mids, &mut points, &mut swc)?;
        runs += 1;
        evaluations += mids.len();
    }
    let curves = points
        .into_iter()
        .zip(names)
        .zip(swc)
        .map(|((points, comparison), swc_pct)| {
            let at = |level| brackets(&points, target(level, swc_pct)).into_iter().map(|(a, b)| interpolate(a, b, target(level, swc_pct))).collect();
            Curve { at_zero: at(0), at_plus_swc: at(1), at_minus_swc: at(2), comparison, swc_pct, points }
        })
        .collect();
    Ok(Sensitivity { param, range: opts.range, curves, runs, evaluations, seed: opts.seed.unwrap_or(base.seed()), athletes: opts.athletes.unwrap_or(base.athletes()) })
}

/// Level k's value of the mean difference: 0, +swc, -swc.
fn target(level: usize, swc: f64) -> f64 {
    [0.0, swc, -swc][level]
}

/// Neighbouring points whose differences lie on either side of `t` (or one exactly on it).
fn brackets(pts: &[Point], t: f64) -> Vec<(Point, Point)> {
    pts.windows(2)
        .filter(|w| {
            let (a, b) = (w[0].diff_pct - t, w[1].diff_pct - t);
            a.is_finite() && b.is_finite() && ((a < 0.0) != (b < 0.0) || (a == 0.0) != (b == 0.0))
        })
        .map(|w| (w[0], w[1]))
        .collect()
}

/// Where the straight line through a and b reaches t.
fn interpolate(a: Point, b: Point, t: f64) -> f64 {
    let (da, db) = (a.diff_pct - t, b.diff_pct - t);
    if da == db { 0.5 * (a.x + b.x) } else { a.x + (b.x - a.x) * da / (da - db) }
}

/// Runs the scenario at given values.
struct Evaluator<'a> {
    path: &'a Path,
    text: &'a str,
    param: &'a VariedPath,
    base: &'a Scenario,
    compared: &'a [usize],
    opts: &'a SensitivityOptions,
}

impl Evaluator<'_> {
    /// Run the scenario at `xs` and add each comparison's point at each value (kept sorted).
    fn run(&self, xs: &[f64], points: &mut [Vec<Point>], swc: &mut [f64]) -> Result<()> {
        let text = self.param.swept_text(self.text, xs);
        let sc = crate::scenario::parse_scenario(&text, self.path).map_err(|e| {
            let at = xs.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(", ");
            Error::Usage(format!("--param {} at {at}: the scenario does not validate:\n{}", self.param.path, e.render()))
        })?;
        let k = xs.len();
        if sc.rows().len() != self.base.rows().len() * k {
            return Err(Error::Failed(format!("the swept scenario has {} rows, not {} x {k} (a bug; please report it)", sc.rows().len(), self.base.rows().len())));
        }
        let cfg = crate::result::RunConfig { athletes: self.opts.athletes, seed: self.opts.seed, threads: self.opts.threads, simd: self.opts.simd, ..Default::default() };
        let result = crate::result::run(&sc, &cfg)?;
        for (c, &r) in self.compared.iter().enumerate() {
            for (j, &x) in xs.iter().enumerate() {
                let Some(cmp) = result.rows[r * k + j].summary.comparison.as_ref() else { continue };
                swc[c] = cmp.swc_pct;
                let p = Point { x, diff_pct: cmp.diff_pct, verdict: cmp.verdict() };
                let at = points[c].partition_point(|q| q.x < x);
                points[c].insert(at, p);
            }
        }
        Ok(())
    }
}

/// How the mean difference compares with +-swc.
fn class(d: f64, swc: f64) -> &'static str {
    if d > swc {
        "better"
    } else if d < -swc {
        "worse"
    } else {
        "trivial"
    }
}


impl Curve {
    /// One line: where the comparison is better, trivial or worse along the range, e.g.
    /// `easy vs rest: better while k2_easy < 0.42, trivial to 0.61, worse above`.
    pub fn line(&self, name: &str) -> String {
        let finite: Vec<&Point> = self.points.iter().filter(|p| p.diff_pct.is_finite()).collect();
        let (Some(first), Some(last)) = (finite.first(), finite.last()) else {
            return format!("{}: no finite difference over the range", self.comparison);
        };
        // Segments of one class, each ending at the crossing into the next.
        let mut parts: Vec<(&str, Option<f64>)> = Vec::new();
        for w in finite.windows(2) {
            let (a, b) = (class(w[0].diff_pct, self.swc_pct), class(w[1].diff_pct, self.swc_pct));
            if a != b {
                let t = if (a == "better") || (b == "better") { self.swc_pct } else { -self.swc_pct };
                parts.push((a, Some(interpolate(*w[0], *w[1], t))));
            }
        }
        parts.push((class(last.diff_pct, self.swc_pct), None));
        if finite.iter().all(|p| p.diff_pct == first.diff_pct) {
            // A row of a model without the parameter (a `?model.X` sweep leaves it as written).
            return format!("{}: {} at every value ({}%): does not depend on {name}", self.comparison, parts[0].0, short(first.diff_pct));
        }
        if parts.len() == 1 {
            let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| (l.min(p.diff_pct), h.max(p.diff_pct)));
            return format!(
                "{}: {} over the whole range {name} = {} to {} (mean difference {}% to {}%, swc {}%)",
                self.comparison, parts[0].0, short(first.x), short(last.x), short(lo), short(hi), short(self.swc_pct)
            );
        }
        let mut s = format!("{}: {} while {name} < {}", self.comparison, parts[0].0, short(parts[0].1.unwrap_or(f64::NAN)));
        for (c, end) in &parts[1..] {
            match end {
                Some(e) => s.push_str(&format!(", {c} to {}", short(*e))),
                None => s.push_str(&format!(", {c} above")),
            }
        }
        s
    }
}

/// sweep.csv: `param` (the value), then each comparison's `COMPARISON diff_pct` and
/// `COMPARISON verdict`, one row per evaluated value in increasing order.
pub fn write_sweep(out: &mut dyn std::io::Write, s: &Sensitivity) -> std::io::Result<()> {
    let mut csv = crate::output::csv_writer(out);
    let mut header = vec!["param".to_string()];
    for c in &s.curves {
        header.push(format!("{} diff_pct", crate::output::text_cell(&c.comparison)));
        header.push(format!("{} verdict", crate::output::text_cell(&c.comparison)));
    }
    csv.write_record(&header)?;
    let mut xs: Vec<f64> = s.curves.iter().flat_map(|c| c.points.iter().map(|p| p.x)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    for x in xs {
        let mut rec = vec![num(x)];
        for c in &s.curves {
            match c.points.iter().find(|p| p.x == x) {
                Some(p) => {
                    rec.push(num(p.diff_pct));
                    rec.push(p.verdict.map_or(String::new(), |v| v.name().to_string()));
                }
                None => rec.extend([String::new(), String::new()]),
            }
        }
        csv.write_record(&rec)?;
    }
    csv.flush()
}

/// break_even.csv's columns.
pub const BREAK_EVEN_HEADER: [&str; 5] = ["comparison", "param", "at_zero", "at_plus_swc", "at_minus_swc"];

/// break_even.csv: one row per comparison with the first crossing of each level (empty where
/// the range holds none); a comparison that crosses a level again gets a further row with the
/// next crossings.
pub fn write_break_even(out: &mut dyn std::io::Write, s: &Sensitivity) -> std::io::Result<()> {
    let mut csv = crate::output::csv_writer(out);
    csv.write_record(BREAK_EVEN_HEADER)?;
    for c in &s.curves {
        let n = c.at_zero.len().max(c.at_plus_swc.len()).max(c.at_minus_swc.len()).max(1);
        for k in 0..n {
            let cell = |v: &[f64]| v.get(k).map_or(String::new(), |x| num(*x));
            csv.write_record([crate::output::text_cell(&c.comparison).into_owned(), s.param.path.clone(), cell(&c.at_zero), cell(&c.at_plus_swc), cell(&c.at_minus_swc)])?;
        }
    }
    csv.flush()
}

/// Write sweep.csv, break_even.csv and manifest.json into `out` as one result set, and return
/// the analysis.
pub fn sensitivity_to_dir(path: &Path, text: &str, base: &Scenario, out: &Path, opts: &SensitivityOptions, command_line: &[String]) -> Result<Sensitivity> {
    let s = sensitivity(path, text, base, opts)?;
    let staging = crate::output::Staging::new(out)?;
    let mut sums = Vec::new();
    for (name, write) in [("sweep.csv", write_sweep as fn(&mut dyn std::io::Write, &Sensitivity) -> std::io::Result<()>), ("break_even.csv", write_break_even)] {
        let p = staging.path().join(name);
        let mut bytes = Vec::new();
        write(&mut bytes, &s).map_err(|e| Error::write(&p, e))?;
        sums.push((name.to_string(), crate::output::write_file(&p, &bytes)?));
    }
    let mut files: Vec<String> = sums.iter().map(|(n, _)| n.clone()).collect();
    files.push("manifest.json".into());
    let manifest = serde_json::json!({
        "periodize_version": env!("CARGO_PKG_VERSION"),
        "git_commit": option_env!("PERIODIZE_GIT_COMMIT"),
        "created_utc": crate::output::utc_now(),
        "command_line": command_line,
        "scenario_file": path,
        "scenario_sha256": crate::scenario::sha256_hex(text.as_bytes()),
        "param": s.param.path,
        "param_centre": s.param.centre(),
        "range": [s.range.0, s.range.1],
        "points": opts.points,
        "tolerance": opts.tolerance,
        "seed": s.seed,
        "athletes": s.athletes,
        "runs": s.runs,
        "evaluations": s.evaluations,
        "files": files,
        "sha256": sums.iter().map(|(n, h)| (n.clone(), serde_json::Value::String(h.clone()))).collect::<serde_json::Map<_, _>>(),
    });
    let mpath = staging.path().join("manifest.json");
    let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Failed(format!("manifest.json: {e}")))?;
    crate::output::write_file(&mpath, &bytes)?;
    staging.commit(&files)?;
    Ok(s)
}
