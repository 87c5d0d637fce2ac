//! The validated scenario: what the engine runs. Built only by [`super::load`], so every value
//! here has been checked; the engine never re-checks.

use std::path::PathBuf;

use crate::model::ModelConfig;
pub use crate::plan::spec::*;

/// A model parameter: a fixed value or a population distribution.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    /// The same value for every athlete.
    Fixed { value: f64 },
    /// Normal, truncated to [min, max] by resampling (not clamping).
    Normal { mean: f64, sd: f64, min: f64, max: f64 },
    /// Lognormal with the given median and sigma (the sd of ln x).
    Lognormal { median: f64, sigma: f64 },
    /// Uniform on [min, max).
    Uniform { min: f64, max: f64 },
}

impl Dist {
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed { .. })
    }
}

/// The model of a row: its config and one distribution per numeric parameter, in the order of
/// [`crate::model::ModelKind::params`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ModelSpec {
    pub config: ModelConfig,
    pub params: Vec<(String, Dist)>,
    /// How the parameters are drawn together: correlations, population constraints, rows of a
    /// table (empty: each parameter on its own, as before).
    pub joint: Joint,
}

/// Joint structure of a population's parameters (`[[model.correlation]]`, `require`,
/// `sample_from`) and the preset it came from.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Joint {
    /// `[model] preset`, when the model was filled from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Correlations of the normal scores of two parameters (indices in model order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<Correlation>,
    /// Constraints every athlete's parameters satisfy; athletes who break one are redrawn.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<Require>,
    /// Whole rows of a table of parameter values (each athlete takes one row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_from: Option<SampleTable>,
}

impl Joint {
    /// Whether the parameters are drawn jointly (otherwise each from its own slot, as always).
    pub fn is_active(&self) -> bool {
        !self.correlations.is_empty() || !self.require.is_empty() || self.sample_from.is_some()
    }

    /// The parameters (indices in model order, ascending) tied by the correlations.
    pub fn copula(&self) -> Vec<usize> {
        let mut c: Vec<usize> = self.correlations.iter().flat_map(|c| c.index).collect();
        c.sort_unstable();
        c.dedup();
        c
    }
}

/// `{ params = [a, b], rho }`: the correlation of the two parameters' normal scores.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Correlation {
    pub params: [String; 2],
    #[serde(skip)]
    pub index: [usize; 2],
    pub rho: f64,
}

/// A population constraint, `sum of coef * parameter + constant >= 0` (or `> 0` when strict),
/// kept with its text for messages.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Require {
    pub text: String,
    /// Monomials: a coefficient times the product of parameters (indices in model order).
    #[serde(skip)]
    pub terms: Vec<(f64, Vec<usize>)>,
    #[serde(skip)]
    pub constant: f64,
    #[serde(skip)]
    pub strict: bool,
}

impl Require {
    /// Whether parameter values (in model order) satisfy the constraint.
    #[inline]
    pub fn holds(&self, values: &[f64]) -> bool {
        let s = self.terms.iter().fold(self.constant, |s, (c, idx)| s + c * idx.iter().map(|&i| values[i]).product::<f64>());
        if self.strict { s > 0.0 } else { s >= 0.0 }
    }
}

/// `sample_from`: a table of parameter values read from a CSV, one athlete per row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SampleTable {
    pub path: PathBuf,
    /// The table's columns, as parameter names.
    pub columns: Vec<String>,
    /// The columns' indices in model order.
    #[serde(skip)]
    pub index: Vec<usize>,
    /// Row-major values, `values[row * columns.len() + column]`.
    #[serde(skip)]
    pub values: std::sync::Arc<Vec<f64>>,
    pub rows: usize,
}

impl SampleTable {
    pub fn row(&self, r: usize) -> &[f64] {
        let k = self.columns.len();
        &self.values[r * k..(r + 1) * k]
    }
}

/// The state an athlete starts the plan in (`[athlete] start`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The model's initial state from its parameters (g0, h0, ...): today's behaviour.
    #[default]
    Rested,
    /// The exact steady state of each athlete's model under this constant daily load.
    SteadyLoad(f64),
    /// Each athlete's own model run over these daily loads; the plan starts the day after.
    History {
        path: PathBuf,
        #[serde(skip)]
        loads: std::sync::Arc<Vec<f64>>,
        days: usize,
    },
}

impl Start {
    pub fn is_rested(&self) -> bool {
        matches!(self, Start::Rested)
    }

    /// The loads of the days before the plan that the ACWR looks back on (the last 28 at most):
    /// none when rested, 28 days of the steady load, or the history's last 28 days.
    pub fn recent_loads(&self) -> Vec<f64> {
        match self {
            Start::Rested => Vec::new(),
            Start::SteadyLoad(w) => vec![*w; 28],
            Start::History { loads, .. } => loads[loads.len().saturating_sub(28)..].to_vec(),
        }
    }
}

/// Day-to-day noise on loads and on the measured performance.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Noise {
    /// Each session's load is multiplied by a lognormal factor with mean 1 and this cv.
    pub load_cv: f64,
    /// The probability that a session is skipped.
    pub miss_rate: f64,
    /// The sd of a normal measurement error added to every performance the summaries read.
    pub test_sd: f64,
}

impl Noise {
    pub fn is_zero(&self) -> bool {
        self.load_cv == 0.0 && self.miss_rate == 0.0 && self.test_sd == 0.0
    }
}

/// One row of a run: a variant at one sweep point.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Row {
    /// The variant's name.
    pub variant: String,
    /// The swept values at this point, as written (strings unquoted), in sweep order.
    pub sweep: Vec<String>,
    pub model: ModelSpec,
    pub plan: PlanSpec,
    pub noise: Noise,
    /// How the athletes start the plan.
    pub start: Start,
    /// The index of the row this one is compared with (`[compare]`), or None for a reference row.
    pub reference: Option<usize>,
}

impl Row {
    /// A readable name: the variant and its sweep point, e.g. `ttr plan.key_workouts=3`.
    pub fn label(&self, sweep_paths: &[String]) -> String {
        let mut s = self.variant.clone();
        for (p, v) in sweep_paths.iter().zip(&self.sweep) {
            s.push_str(&format!(" {p}={v}"));
        }
        s
    }
}

/// A validated scenario: its rows in run order (variants, then sweep points, last path fastest).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub path: PathBuf,
    pub seed: u64,
    pub athletes: usize,
    pub sweep_paths: Vec<String>,
    pub rows: Vec<Row>,
    /// How rows are compared (`[compare]`), as written; each row's partner is [`Row::reference`].
    pub compare: Compare,
    /// Axis units (`[run] load_unit`, `performance_unit`), empty when not declared.
    pub load_unit: String,
    pub performance_unit: String,
    /// The comment lines at the top of the file (the scenario's question), without `#`.
    pub opening_comment: String,
    /// SHA-256 of the scenario file's bytes, in hex.
    pub sha256: String,
    /// Things that validate but look wrong (`file:line:col: message`), for stderr.
    pub warnings: Vec<String>,
    /// `[optimize]`: what `periodize optimize` searches (`periodize run` runs the rows as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimize: Option<super::optimize::Optimize>,
    /// The variants' trees, for the rows `optimize` builds at new points (with `[optimize]` only).
    #[serde(skip)]
    pub(crate) source: Option<std::sync::Arc<super::optimize::Source>>,
}

/// The `[compare]` table as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Compare {
    /// The variant every other variant is compared with at the same sweep point.
    pub reference: Option<String>,
    /// A swept path: each row is compared with the row at this path's first value, all else equal.
    pub across: Option<String>,
}

impl Scenario {
    /// A short name of row `i` for charts and verdicts: the variant (left out when the scenario
    /// has a single, unnamed variant) and each swept value as `key=value`, with the last segment
    /// of the path as the key.
    pub fn short_label(&self, i: usize) -> String {
        let row = &self.rows[i];
        // Rows are in variant order, so one variant means the first and last rows share it.
        let single = self.rows.first().map(|r| &r.variant) == self.rows.last().map(|r| &r.variant);
        let mut parts = Vec::new();
        if !single || self.sweep_paths.is_empty() {
            parts.push(row.variant.clone());
        }
        for (p, v) in self.sweep_paths.iter().zip(&row.sweep) {
            parts.push(format!("{}={v}", short_path(p, &self.sweep_paths)));
        }
        parts.join(", ")
    }

    /// What tells row `i` apart from its reference: (this row's differing values, the
    /// reference's, the swept values both share), e.g. (`clustered`, `spread`, `key_workouts=3`).
    /// None for a reference row.
    pub fn diff_parts(&self, i: usize) -> Option<(String, String, String)> {
        let row = &self.rows[i];
        let r = &self.rows[row.reference?];
        let (mut mine, mut theirs, mut same) = (Vec::new(), Vec::new(), Vec::new());
        if row.variant != r.variant {
            mine.push(row.variant.clone());
            theirs.push(r.variant.clone());
        }
        for ((p, a), b) in self.sweep_paths.iter().zip(&row.sweep).zip(&r.sweep) {
            let key = short_path(p, &self.sweep_paths);
            if a == b {
                same.push(format!("{key}={a}"));
            } else {
                mine.push(format!("{key}={a}"));
                theirs.push(format!("{key}={b}"));
            }
        }
        Some((mine.join(", "), theirs.join(", "), same.join(", ")))
    }

    /// Row `i` named by what differs from its reference: `clustered vs spread | key_workouts=3`.
    pub fn diff_label(&self, i: usize) -> String {
        match self.diff_parts(i) {
            None => self.short_label(i),
            Some((a, b, same)) if same.is_empty() => format!("{a} vs {b}"),
            Some((a, b, same)) => format!("{a} vs {b} | {same}"),
        }
    }
}

/// The last segment of a swept path, or the whole path where two paths share that segment.
fn short_path<'a>(p: &'a str, all: &[String]) -> &'a str {
    let last = |s: &'a str| s.rsplit('.').next().unwrap_or(s);
    let tail = last(p);
    let shared = all.iter().filter(|q| q.rsplit('.').next() == Some(tail)).count() > 1;
    if shared || matches!(tail, "weeks" | "factor" | "days" | "every") { p.split_once('.').map_or(p, |(_, rest)| rest) } else { tail }
}
