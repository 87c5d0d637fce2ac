//! What a population is: every model parameter a fixed value or a distribution ([`Dist`]),
//! optionally tied by a copula, constrained or taken from a table ([`Joint`]), for one model
//! ([`ModelSpec`]). Scenario validation builds these; the sampler draws from them.

use std::path::PathBuf;

use crate::model::{Constraint, ModelConfig};

/// A model parameter: a fixed value or a population distribution.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    /// The same value for every athlete.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Normal, truncated to [min, max] by resampling (not clamping).
    Normal {
        /// The mean before truncation.
        mean: f64,
        /// The sd before truncation.
        sd: f64,
        /// The lowest draw (may be -inf).
        min: f64,
        /// The highest draw (may be +inf).
        max: f64,
    },
    /// Lognormal with the given median and sigma (the sd of ln x).
    Lognormal {
        /// The median, e^mu.
        median: f64,
        /// The sd of ln x.
        sigma: f64,
    },
    /// Uniform on [min, max).
    Uniform {
        /// The lower end (included).
        min: f64,
        /// The upper end (excluded).
        max: f64,
    },
}

impl Dist {
    /// The largest lognormal sigma (the sd of ln x): 3 already spreads the middle 99.7% over a
    /// factor of e^18 (6.6e7); beyond that draws overflow the models, and it is a typo for a
    /// percentage or an sd.
    pub const MAX_SIGMA: f64 = 3.0;

    /// Whether every athlete gets the same value.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed { .. })
    }

    /// The highest value a draw can take (infinity for a lognormal).
    pub fn highest(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Normal { max, .. } | Dist::Uniform { max, .. } => max,
            Dist::Lognormal { .. } => f64::INFINITY,
        }
    }

    /// The lowest value a draw can take (the smallest positive number for a lognormal).
    pub fn lowest(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Normal { min, .. } | Dist::Uniform { min, .. } => min,
            Dist::Lognormal { .. } => f64::MIN_POSITIVE,
        }
    }

    /// Check the distribution's own values and that every draw satisfies the parameter's
    /// constraint `c`; the error says what was expected (the rules of a scenario's `[model]`).
    ///
    /// ```
    /// use periodize::model::Constraint;
    /// use periodize::scenario::Dist;
    /// assert!(Dist::Normal { mean: 42.0, sd: 5.0, min: 20.0, max: 70.0 }.check(Constraint::Positive).is_ok());
    /// // A normal without a floor can draw negative time constants.
    /// assert!(Dist::Normal { mean: 42.0, sd: 5.0, min: f64::NEG_INFINITY, max: f64::INFINITY }.check(Constraint::Positive).is_err());
    /// assert!(Dist::Uniform { min: 3.0, max: 1.0 }.check(Constraint::Finite).is_err());
    /// ```
    pub fn check(&self, c: Constraint) -> Result<(), String> {
        let finite = |name: &str, x: f64| if x.is_finite() { Ok(()) } else { Err(format!("{name} = {x}: expected a finite number")) };
        match *self {
            Dist::Fixed { value } => return c.check(value).map_err(|e| format!("{value}: expected {e}")),
            Dist::Normal { mean, sd, min, max } => {
                finite("mean", mean)?;
                if !(sd.is_finite() && sd >= 0.0) {
                    return Err(format!("sd = {sd}: expected a number >= 0"));
                }
                if min.is_nan() || max.is_nan() || min >= max {
                    return Err(format!("min = {min} must be less than max = {max}"));
                }
                if sd == 0.0 && !(min..=max).contains(&mean) {
                    return Err(format!("sd = 0 puts every draw at mean = {mean}, outside [min, max]"));
                }
                let mass = crate::stats::normal_cdf((max - mean) / sd) - crate::stats::normal_cdf((min - mean) / sd);
                if sd > 0.0 && mass < 1e-4 {
                    return Err(format!("[min, max] = [{min}, {max}] holds only {mass:.1e} of normal(mean = {mean}, sd = {sd}); expected a window the distribution reaches"));
                }
            }
            Dist::Lognormal { median, sigma } => {
                if !(median.is_finite() && median > 0.0) {
                    return Err(format!("median = {median}: expected a number > 0"));
                }
                if !(sigma.is_finite() && (0.0..=Dist::MAX_SIGMA).contains(&sigma)) {
                    return Err(format!("sigma = {sigma}: expected a number from 0 to 3 (the sd of ln x)"));
                }
            }
            Dist::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                if min >= max {
                    return Err(format!("min = {min} must be less than max = {max}"));
                }
            }
        }
        let (lo, hi) = (self.lowest(), self.highest());
        if c.allows_all_draws(lo, hi) {
            Ok(())
        } else if c.allows_all_draws(lo, f64::NEG_INFINITY) {
            Err(format!("draws can reach {hi}, but {} is expected; set max", c.expected()))
        } else {
            Err(format!("draws can reach {lo}, but {} is expected; set min", c.expected()))
        }
    }
}

/// The model of a row: its config and one distribution per numeric parameter, in the order of
/// [`crate::model::ModelKind::params`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ModelSpec {
    pub(crate) config: ModelConfig,
    pub(crate) params: Vec<(String, Dist)>,
    /// How the parameters are drawn together: correlations, population constraints, rows of a
    /// table (empty: each parameter on its own, as before).
    pub(crate) joint: Joint,
}

impl ModelSpec {
    /// A population whose parameters are drawn independently: `params` names every parameter
    /// of `config.kind` once, in the order of [`crate::model::ModelKind::params`], each with a
    /// value or distribution whose every draw the parameter accepts. The error names the first
    /// parameter that is missing, unknown, out of order or out of range.
    ///
    /// ```
    /// use periodize::model::{ModelConfig, ModelKind};
    /// use periodize::scenario::{Dist, ModelSpec};
    /// let config = ModelConfig::new(ModelKind::Pmc);
    /// let fixed = |v| Dist::Fixed { value: v };
    /// let ok = vec![("fitness_days".into(), fixed(42.0)), ("fatigue_days".into(), fixed(7.0)), ("fitness0".into(), fixed(0.0)), ("fatigue0".into(), fixed(0.0))];
    /// assert!(ModelSpec::new(config, ok.clone()).is_ok());
    /// let mut typo = ok.clone();
    /// typo[1].0 = "fatigue_dayz".into();
    /// assert!(ModelSpec::new(config, typo).unwrap_err().contains("fatigue_dayz"));
    /// assert!(ModelSpec::new(config, ok[..2].to_vec()).is_err());
    /// ```
    pub fn new(config: ModelConfig, params: Vec<(String, Dist)>) -> Result<Self, String> {
        let defs = config.kind.params();
        let names = || defs.iter().map(|d| d.name).collect::<Vec<_>>().join(" ");
        for (i, (name, dist)) in params.iter().enumerate() {
            match defs.get(i) {
                Some(def) if def.name == name => dist.check(def.constraint).map_err(|e| format!("{}.{name}: {e}", config.kind))?,
                _ if config.kind.param_index(name).is_none() => return Err(format!("{}: unknown parameter {name:?}; expected {}", config.kind, names())),
                _ => return Err(format!("{}: parameter {name:?} out of place; expected {} in that order", config.kind, names())),
            }
        }
        if params.len() != defs.len() {
            return Err(format!("{}: missing {}; expected {}", config.kind, defs[params.len()].name, names()));
        }
        if params.iter().all(|(_, d)| d.is_fixed()) {
            // A fixed value's lowest draw is the value.
            let fixed: Vec<f64> = params.iter().map(|(_, d)| d.lowest()).collect();
            crate::model::check_values(config.kind, &fixed).map_err(|(name, v, e)| format!("{}.{name} = {v}: expected {e}", config.kind))?;
        }
        Ok(ModelSpec { config, params, joint: Joint::default() })
    }

    /// The model, its convention and options.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// One value or distribution per parameter, in the model's order.
    pub fn params(&self) -> &[(String, Dist)] {
        &self.params
    }

    /// Correlations, population constraints and tables (empty for independent draws).
    pub fn joint(&self) -> &Joint {
        &self.joint
    }
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
    /// The two parameters' names.
    pub params: [String; 2],
    #[serde(skip)]
    /// Their indices in model order.
    pub index: [usize; 2],
    /// The correlation, in (-1, 1).
    pub rho: f64,
}

/// A population constraint, `sum of coef * parameter + constant >= 0` (or `> 0` when strict),
/// kept with its text for messages.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Require {
    /// The constraint as written.
    pub text: String,
    /// Monomials: a coefficient times the product of parameters (indices in model order).
    #[serde(skip)]
    pub terms: Vec<(f64, Vec<usize>)>,
    #[serde(skip)]
    /// The constant term.
    pub constant: f64,
    #[serde(skip)]
    /// `>` instead of `>=`.
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
    /// The CSV file.
    pub path: PathBuf,
    /// The table's columns, as parameter names.
    pub columns: Vec<String>,
    /// The columns' indices in model order.
    #[serde(skip)]
    pub index: Vec<usize>,
    /// Row-major values, `values[row * columns.len() + column]`.
    #[serde(skip)]
    pub values: std::sync::Arc<Vec<f64>>,
    /// The number of rows.
    pub rows: usize,
}

impl SampleTable {
    /// Row r's values, in column order.
    pub fn row(&self, r: usize) -> &[f64] {
        let k = self.columns.len();
        &self.values[r * k..(r + 1) * k]
    }
}

