//! The fitness-fatigue models, one file each, all advanced by an O(1)-per-day recursion.
//!
//! Every model is a [`Model`]: a small state machine that is stepped once per day with that day's
//! load. After [`Model::step`] the state describes the model's row for that day (the columns of
//! `periodize simulate`). Race day, the day after the last plan day, is one more step with load 0.
//!
//! Parameters are validated once, when a model is built from a [`ModelConfig`] and a slice of
//! numeric values in the order of [`ModelKind::params`]; the step functions never re-check.

mod banister;
mod busso;
mod perpot;
mod pmc;

pub use banister::Banister;
pub use busso::Busso;
pub use perpot::Perpot;
pub use pmc::{Ewma, FormDay, Pmc};

use std::fmt;

/// The largest magnitude a model's values may reach: performance in W, % or a 0-1 potential never
/// comes near it; beyond it, sums of squares over a population lose every digit and soon
/// overflow. Validation refuses a row whose central athlete goes beyond it, and `run` an athlete.
pub const MAX_STATE: f64 = 1e15;

/// Whether a model value is finite and within [`MAX_STATE`].
pub fn in_range(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_STATE
}

/// When a day's load starts to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Convention {
    /// A day's load first affects the next day (Morton 1990, Busso 2003; a morning test):
    /// g(t) = e^(-1/tau) * (g(t-1) + w(t-1)).
    #[default]
    Lagged,
    /// A day's load counts on that day (Clarke & Skiba 2013, GoldenCheetah):
    /// g(t) = e^(-1/tau) * g(t-1) + w(t).
    SameDay,
}

impl Convention {
    pub fn name(self) -> &'static str {
        match self {
            Convention::Lagged => "lagged",
            Convention::SameDay => "same-day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "lagged" => Some(Convention::Lagged),
            "same-day" => Some(Convention::SameDay),
            _ => None,
        }
    }
}

/// The four model families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Banister's two-component impulse-response model.
    Banister,
    /// Busso's (2003) variable dose-response model.
    Busso,
    /// The coaches' fitness/fatigue/form chart (performance management chart).
    Pmc,
    /// Perl's performance-potential metamodel with overflow.
    Perpot,
}

/// What a numeric parameter must satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// Any finite number.
    Finite,
    /// Finite and >= 0.
    NonNegative,
    /// Finite and > 0.
    Positive,
}

impl Constraint {
    pub fn check(self, x: f64) -> Result<(), &'static str> {
        let ok = x.is_finite()
            && match self {
                Constraint::Finite => true,
                Constraint::NonNegative => x >= 0.0,
                Constraint::Positive => x > 0.0,
            };
        if ok {
            Ok(())
        } else {
            Err(self.expected())
        }
    }

    pub fn expected(self) -> &'static str {
        match self {
            Constraint::Finite => "a finite number",
            Constraint::NonNegative => "a finite number >= 0",
            Constraint::Positive => "a finite number > 0",
        }
    }
}

/// A numeric model parameter: its name, default (None: required), constraint and a typical
/// value (the shipped presets' central value, loads of about 100 per hard session), which
/// validation uses to name the parameter behind an overflow.
#[derive(Clone, Copy, Debug)]
pub struct ParamDef {
    pub name: &'static str,
    pub default: Option<f64>,
    pub constraint: Constraint,
    pub typical: f64,
}

const fn req(name: &'static str, constraint: Constraint, typical: f64) -> ParamDef {
    ParamDef { name, default: None, constraint, typical }
}
const fn opt(name: &'static str, default: f64, constraint: Constraint) -> ParamDef {
    ParamDef { name, default: Some(default), constraint, typical: default }
}

use Constraint::{Finite, NonNegative, Positive};

const BANISTER_PARAMS: &[ParamDef] = &[
    req("p0", Finite, 100.0),
    req("k1", NonNegative, 0.075),
    req("k2", NonNegative, 0.15),
    req("tau1", Positive, 42.0),
    req("tau2", Positive, 15.0),
    opt("g0", 0.0, NonNegative),
    opt("h0", 0.0, NonNegative),
];
const BUSSO_PARAMS: &[ParamDef] = &[
    req("p0", Finite, 100.0),
    req("k1", NonNegative, 0.0181),
    req("k3", NonNegative, 0.00004),
    req("tau1", Positive, 40.0),
    req("tau2", Positive, 8.0),
    req("tau3", Positive, 4.0),
    opt("g0", 0.0, NonNegative),
    opt("h0", 0.0, NonNegative),
];
const PMC_PARAMS: &[ParamDef] = &[
    opt("fitness_days", 42.0, Positive),
    opt("fatigue_days", 7.0, Positive),
    opt("fitness0", 0.0, Finite),
    opt("fatigue0", 0.0, Finite),
];
const PERPOT_PARAMS: &[ParamDef] = &[
    req("ds", Positive, 2.75),
    req("dr", Positive, 4.0),
    req("dso", NonNegative, 3.0),
    opt("pp0", 0.0, Finite),
    ParamDef { name: "scale", default: Some(1.0), constraint: Positive, typical: 250.0 },
];

impl ModelKind {
    pub const ALL: [ModelKind; 4] =
        [ModelKind::Banister, ModelKind::Busso, ModelKind::Pmc, ModelKind::Perpot];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Banister => "banister",
            ModelKind::Busso => "busso",
            ModelKind::Pmc => "pmc",
            ModelKind::Perpot => "perpot",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The numeric parameters, in the order that [`AnyModel::new`] takes their values.
    pub fn params(self) -> &'static [ParamDef] {
        match self {
            ModelKind::Banister => BANISTER_PARAMS,
            ModelKind::Busso => BUSSO_PARAMS,
            ModelKind::Pmc => PMC_PARAMS,
            ModelKind::Perpot => PERPOT_PARAMS,
        }
    }

    /// The text options (only pmc has any): name and allowed values, the first the default.
    pub fn options(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            ModelKind::Pmc => &[("ewma", &["exp", "simple", "span"]), ("form", &["yesterday", "today"])],
            _ => &[],
        }
    }

    /// Output columns after `day,load`, in contract order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ModelKind::Banister => &["fitness", "fatigue", "performance"],
            ModelKind::Busso => &["fitness", "fatigue", "k2", "performance"],
            ModelKind::Pmc => &["fitness", "fatigue", "form", "acwr"],
            ModelKind::Perpot => &["strain", "response", "performance"],
        }
    }

    /// Whether the lagged/same-day convention means anything for this model.
    pub fn has_convention(self) -> bool {
        matches!(self, ModelKind::Banister | ModelKind::Busso)
    }

    /// The parameter that "below baseline" is measured against (its index in [`Self::params`]):
    /// p0 for banister and busso, pp0 for perpot; None for pmc, whose baseline is a form of 0.
    pub fn baseline_param(self) -> Option<usize> {
        match self {
            ModelKind::Banister | ModelKind::Busso => Some(0),
            ModelKind::Pmc => None,
            ModelKind::Perpot => Some(3),
        }
    }

    pub fn param_index(self, name: &str) -> Option<usize> {
        self.params().iter().position(|p| p.name == name)
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The non-numeric part of a model's configuration: which model, which convention and, for pmc,
/// the smoothing rule and the day on which form is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ModelConfig {
    pub kind: ModelKind,
    pub convention: Convention,
    pub ewma: Ewma,
    pub form: FormDay,
}

impl ModelConfig {
    pub fn new(kind: ModelKind) -> Self {
        ModelConfig { kind, convention: Convention::Lagged, ewma: Ewma::Exp, form: FormDay::Yesterday }
    }

    /// Set a text option by name; `Err` lists what was expected.
    pub fn set_option(&mut self, name: &str, value: &str) -> Result<(), String> {
        let bad = |allowed: &[&str]| format!("expected one of {}", allowed.join(", "));
        match (self.kind, name) {
            (ModelKind::Pmc, "ewma") => {
                self.ewma = Ewma::parse(value).ok_or_else(|| bad(&["exp", "simple", "span"]))?
            }
            (ModelKind::Pmc, "form") => {
                self.form = FormDay::parse(value).ok_or_else(|| bad(&["yesterday", "today"]))?
            }
            _ => return Err(format!("{} has no text option '{name}'", self.kind)),
        }
        Ok(())
    }
}

/// Check numeric values against the model's parameter definitions.
/// `values` must be in the order of [`ModelKind::params`]; the error names the first bad one.
pub fn check_values(kind: ModelKind, values: &[f64]) -> Result<(), (String, f64, &'static str)> {
    for (def, &v) in kind.params().iter().zip(values) {
        def.constraint.check(v).map_err(|e| (def.name.to_string(), v, e))?;
    }
    Ok(())
}

/// N athletes of one model advanced side by side, structure of arrays: each state is an
/// `[f64; N]`, so one day's update is a loop over lanes that the compiler vectorises. With N = 1
/// it is one athlete; the scalar [`Model`] API comes with it.
pub trait LaneModel<const N: usize>: Sized {
    /// Build from numeric values, `v[param][lane]`, in the order of [`ModelKind::params`];
    /// the values are already checked.
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self;
    /// Advance every lane to the next day, whose loads are `w`. Afterwards the state is that day's row.
    fn step(&mut self, w: &[f64; N]);
    /// Performance on the current day.
    fn performance(&self) -> [f64; N];
    /// The fitness-like state (banister/busso: g; pmc: fitness; perpot: response potential).
    fn fitness(&self) -> [f64; N];
    /// The fatigue-like state (banister: h; busso: the k2-weighted fatigue; pmc: fatigue;
    /// perpot: strain potential).
    fn fatigue(&self) -> [f64; N];
    /// Lane `l`'s row after `day,load`, in contract order (pmc's `acwr` is a load statistic, added
    /// by the caller).
    fn row(&self, l: usize, out: &mut Vec<f64>);
    /// Put every lane in the model's steady state under a constant daily load `w`: the state
    /// after a day of load w that a day of load w leaves unchanged, so that a plan of constant
    /// load w keeps performance constant. The initial-state parameters (g0, h0, ...) are replaced.
    fn settle(&mut self, w: f64);
}

/// One athlete's model, stepped one day at a time.
pub trait Model {
    fn step(&mut self, load: f64);
    fn performance(&self) -> f64;
    fn fitness(&self) -> f64;
    fn fatigue(&self) -> f64;
    fn row(&self, out: &mut Vec<f64>);
}

impl<M: LaneModel<1>> Model for M {
    #[inline]
    fn step(&mut self, load: f64) {
        LaneModel::step(self, &[load])
    }
    #[inline]
    fn performance(&self) -> f64 {
        LaneModel::performance(self)[0]
    }
    fn fitness(&self) -> f64 {
        LaneModel::fitness(self)[0]
    }
    fn fatigue(&self) -> f64 {
        LaneModel::fatigue(self)[0]
    }
    fn row(&self, out: &mut Vec<f64>) {
        LaneModel::row(self, 0, out)
    }
}

/// Any of the four models for one athlete, built from a config and its numeric values.
#[derive(Clone, Debug)]
pub enum AnyModel {
    Banister(Banister),
    Busso(Busso),
    Pmc(Pmc),
    Perpot(Perpot),
}

impl AnyModel {
    /// Build a model. `values` are in the order of [`ModelKind::params`] and already checked.
    pub fn new(config: &ModelConfig, values: &[f64]) -> Self {
        let v: Vec<[f64; 1]> = values.iter().map(|&x| [x]).collect();
        match config.kind {
            ModelKind::Banister => AnyModel::Banister(LaneModel::from_values(config, &v)),
            ModelKind::Busso => AnyModel::Busso(LaneModel::from_values(config, &v)),
            ModelKind::Pmc => AnyModel::Pmc(LaneModel::from_values(config, &v)),
            ModelKind::Perpot => AnyModel::Perpot(LaneModel::from_values(config, &v)),
        }
    }
}

macro_rules! dispatch {
    ($self:ident, $m:ident => $e:expr) => {
        match $self {
            AnyModel::Banister($m) => $e,
            AnyModel::Busso($m) => $e,
            AnyModel::Pmc($m) => $e,
            AnyModel::Perpot($m) => $e,
        }
    };
}

impl LaneModel<1> for AnyModel {
    fn from_values(config: &ModelConfig, v: &[[f64; 1]]) -> Self {
        AnyModel::new(config, &v.iter().map(|x| x[0]).collect::<Vec<_>>())
    }
    #[inline]
    fn step(&mut self, w: &[f64; 1]) {
        dispatch!(self, m => LaneModel::step(m, w))
    }
    #[inline]
    fn performance(&self) -> [f64; 1] {
        dispatch!(self, m => LaneModel::performance(m))
    }
    fn fitness(&self) -> [f64; 1] {
        dispatch!(self, m => LaneModel::fitness(m))
    }
    fn fatigue(&self) -> [f64; 1] {
        dispatch!(self, m => LaneModel::fatigue(m))
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        dispatch!(self, m => LaneModel::row(m, l, out))
    }
    fn settle(&mut self, w: f64) {
        dispatch!(self, m => LaneModel::settle(m, w))
    }
}

/// `for l in 0..N { body }`, spelled once for every model's lane loop.
macro_rules! lanes {
    ($n:expr, $l:ident => $body:block) => {
        for $l in 0..$n $body
    };
}
pub(crate) use lanes;

/// The one-day decay factor e^(-1/tau).
#[inline]
pub fn decay(tau: f64) -> f64 {
    (-1.0 / tau).exp()
}
