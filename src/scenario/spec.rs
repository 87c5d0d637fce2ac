//! The validated scenario: what the engine runs. Built only by [`super::load`], so every value
//! here has been checked; the engine never re-checks.

use std::path::PathBuf;

use crate::model::ModelConfig;

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
}

/// How keys are placed in the week.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Spacing {
    /// As far apart as possible, counting the gap across the week boundary.
    Spread,
    /// Consecutive days.
    Clustered,
    /// Explicit weekdays (0 = Monday).
    Days(Vec<usize>),
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Recovery {
    pub every: usize,
    pub factor: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Overreach {
    pub weeks: usize,
    pub factor: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaperShape {
    /// Every taper day at `factor`.
    Step,
    /// From 1 down to `factor` in equal steps: day j of n at 1 - (1 - factor) j / n.
    Linear,
    /// Geometric: day j of n at factor^(j / n).
    Exponential,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Taper {
    pub days: usize,
    pub factor: f64,
    pub shape: TaperShape,
}

/// One block of a generated plan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Phase {
    pub name: String,
    pub weeks: usize,
    pub key_workouts: usize,
    pub spacing: Spacing,
    pub key_load: f64,
    pub easy_load: f64,
    pub rest_days: usize,
    pub recovery: Option<Recovery>,
    pub overreach: Option<Overreach>,
    /// Weekly growth: week k of the phase (0-based) is scaled by (1 + progression)^k.
    pub progression: f64,
    /// Scale the phase's template week (before block factors) to this weekly load.
    pub target_weekly_load: Option<f64>,
}

/// A daily plan: generated from phases, or read from a CSV.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanSpec {
    Generated {
        phases: Vec<Phase>,
        taper: Option<Taper>,
        /// Scale the whole finished plan to this total load.
        target_total_load: Option<f64>,
    },
    File {
        path: PathBuf,
        loads: Vec<f64>,
        /// Sessions given in the file's `session` column, if it had one.
        sessions: Option<Vec<crate::plan::Session>>,
        taper: Option<Taper>,
    },
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
}
