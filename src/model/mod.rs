//! The fitness-fatigue models, one file each, all advanced by an O(1)-per-day recursion.
//!
//! Every model is a [`Model`]: a small state machine that is stepped once per day with that day's
//! load. After [`Model::step`] the state describes the model's row for that day (the columns of
//! `periodize simulate`). Race day, the day after the last plan day, is one more step with load 0.
//!
//! Parameters are validated once, when a model is built from a [`ModelConfig`] and a slice of
//! numeric values in the order of [`ModelKind::params`]; the step functions never re-check.

mod acwr;
pub mod adaptive_recovery;
mod banister;
mod busso;
mod busso_two_channel;
mod fitness_delay;
mod perpot;
mod pmc;
mod two_channel;

pub use acwr::{Acwr, AcwrLanes};
pub use adaptive_recovery::AdaptiveRecovery;
pub use banister::Banister;
pub use busso::Busso;
pub use busso_two_channel::BussoTwoChannel;
pub use fitness_delay::FitnessDelay;
pub use perpot::Perpot;
pub use pmc::{Ewma, FormDay, Pmc, PmcState, pmc_factors};
pub use two_channel::TwoChannel;

/// The models, one registration each: the [`ModelKind`] variant, the model's file and its lane
/// type (which is generic over the number of lanes), in the order `periodize` lists them. Each
/// file's `INFO` ([`ModelInfo`]) says everything else the program needs to know about it.
macro_rules! register_models {
    ($($(#[$doc:meta])* $variant:ident => $module:ident :: $ty:ident,)*) => {
        /// The model families.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum ModelKind {
            $($(#[$doc])* $variant,)*
        }

        impl ModelKind {
            /// Every model, in registration order.
            pub const ALL: &'static [ModelKind] = &[$(ModelKind::$variant,)*];

            /// What the program knows about the model.
            pub const fn info(self) -> &'static ModelInfo {
                match self {
                    $(ModelKind::$variant => &$module::INFO,)*
                }
            }
        }

        /// Any model for one athlete, built from a config and its numeric values.
        // One per simulated athlete in `simulate`, `fit` and validation, never per day: the
        // largest variant (adaptive-recovery's table of 29 daily decays) costs nothing there,
        // and boxing it would put an allocation into the engine's per-block model.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug)]
        pub enum AnyModel {
            $($(#[$doc])* $variant($ty),)*
        }

        impl AnyModel {
            /// Build a model from values in the order of [`ModelKind::params`], checked: the
            /// error names the first missing or bad value (see [`check_values`]).
            ///
            /// ```
            /// use periodize::model::{AnyModel, ModelConfig, ModelKind};
            /// let config = ModelConfig::new(ModelKind::Banister);
            /// assert!(AnyModel::try_new(&config, &[100.0, 0.1, 0.2, 42.0, 7.0, 0.0, 0.0]).is_ok());
            /// assert!(AnyModel::try_new(&config, &[100.0, 0.1]).is_err());
            /// assert!(AnyModel::try_new(&config, &[100.0, 0.1, 0.2, -42.0, 7.0, 0.0, 0.0]).is_err());
            /// ```
            pub fn try_new(config: &ModelConfig, values: &[f64]) -> Result<Self, String> {
                let v: Vec<[f64; 1]> = values.iter().map(|&x| [x]).collect();
                LaneModel::try_from_values(config, &v)
            }

            /// Build a model from values in the order of [`ModelKind::params`] that validation
            /// or [`check_values`] has passed.
            pub(crate) fn new(config: &ModelConfig, values: &[f64]) -> Self {
                let v: Vec<[f64; 1]> = values.iter().map(|&x| [x]).collect();
                match config.kind {
                    $(ModelKind::$variant => AnyModel::$variant(LaneModel::from_values(config, &v)),)*
                }
            }
        }

        macro_rules! dispatch {
            ($self:ident, $m:ident => $e:expr) => {
                match $self {
                    $(AnyModel::$variant($m) => $e,)*
                }
            };
        }

        /// Call `visitor` with the lane type of model `kind` (N lanes): the one place generic
        /// engine code goes from a model's name to its monomorphised loop.
        pub fn visit_lanes<const N: usize, V: LaneVisitor<N>>(kind: ModelKind, visitor: V) -> V::Output {
            match kind {
                $(ModelKind::$variant => visitor.visit::<$ty<N>>(),)*
            }
        }
    };
}

register_models! {
    /// Banister's two-component impulse-response model.
    Banister => banister::Banister,
    /// Busso's (2003) variable dose-response model.
    Busso => busso::Busso,
    /// The coaches' fitness/fatigue/form chart (performance management chart).
    Pmc => pmc::Pmc,
    /// Perl's performance-potential metamodel with overflow.
    Perpot => perpot::Perpot,
    /// Calvert et al.'s (1976) three-component model: fitness rises with a delay.
    FitnessDelay => fitness_delay::FitnessDelay,
    /// Banister's model with a gain pair per load channel (hard, easy).
    TwoChannel => two_channel::TwoChannel,
    /// Busso's model in which only hard load raises the fatigue gain.
    BussoTwoChannel => busso_two_channel::BussoTwoChannel,
    /// A hypothesis: Banister's model whose fatigue time constant follows training frequency.
    AdaptiveRecovery => adaptive_recovery::AdaptiveRecovery,
}

pub use crate::plan::Channel;

/// What a model sees of one day, for N athletes side by side: each lane's load in all channels
/// together and in the easy channel (the hard channel holds the rest), and the planned session
/// (None on a history day or race day). A model with one load channel reads [`Day::load`];
/// a model with a gain per channel reads [`Day::easy`] and [`Day::hard`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Day<const N: usize> {
    /// Each lane's load, every channel together.
    pub load: [f64; N],
    /// Each lane's load in the easy channel (0 when the day's load is all hard).
    pub easy: [f64; N],
    /// The planned session, or None (a history day, race day, a bare load series).
    pub session: Option<crate::plan::Session>,
}

impl<const N: usize> Day<N> {
    /// A day of loads `load`, all in one channel, with no planned session.
    #[inline(always)]
    pub fn single(load: [f64; N]) -> Self {
        Day { load, easy: [0.0; N], session: None }
    }

    /// Each lane's load in the hard channel.
    #[inline(always)]
    pub fn hard(&self) -> [f64; N] {
        lanes_from(|l| self.load[l] - self.easy[l])
    }
}

/// Generic code run with a model's lane type, through [`visit_lanes`].
pub trait LaneVisitor<const N: usize> {
    /// What the visit returns.
    type Output;
    /// Run the generic code with `M`, the model's lane type.
    fn visit<M: LaneModel<N>>(self) -> Self::Output;
}

/// Everything the rest of the program needs to know about a model, defined once in its file.
#[derive(Debug)]
pub struct ModelInfo {
    /// The name in scenarios, on the command line and in CSVs.
    pub name: &'static str,
    /// One line: what the model is (the command line's help).
    pub summary: &'static str,
    /// The numeric parameters, in the order the model's `from_values` takes them.
    pub params: &'static [ParamDef],
    /// Text options: name and allowed values, the first the default.
    pub options: &'static [(&'static str, &'static [&'static str])],
    /// Output columns after `day,load`, in contract order.
    pub columns: &'static [&'static str],
    /// Whether the lagged/same-day convention applies.
    pub has_convention: bool,
    /// The parameter "below baseline" is measured against (an index into `params`), if any.
    pub baseline_param: Option<usize>,
    /// Linear in the loads: moving a session inside the week only re-weights exponential sums.
    pub linear: bool,
    /// The model's performance is a form (fitness minus fatigue, in load units, with no level):
    /// charts draw its fitness and fatigue too, labelled as the coaches' chart labels them.
    pub form_chart: bool,
    /// The last of `columns` is the 7:28 ACWR of the loads, which `simulate` computes from the
    /// load series (the model's own row holds the columns before it).
    pub acwr_column: bool,
    /// AVX2 lanes the engine runs the model at without load noise (8 or 16; chosen by
    /// measurement: long dependency chains such as PerPot's divisions gain from 16).
    pub avx2_lanes: usize,
    /// Orders between parameters that every athlete must meet, `(a, b)` for a > b: fixed values
    /// that break one are refused; distributions are redrawn until they meet it.
    pub requires: &'static [(&'static str, &'static str)],
    /// How `periodize fit` fits the model, if it can.
    pub fit: Option<FitInfo>,
}

/// A model that `fit` can fit: performance = p0 + sum over gain pairs (a_j G_j(taus) - b_j
/// H_j(taus)), linear in p0 and the gains for fixed time constants. G_j and H_j are the model's
/// fitness and fatigue with p0 = 0, pair j's gains 1, every other gain 0 and the initial states 0.
#[derive(Debug)]
pub struct FitInfo {
    /// The time constants and their default bounds (days).
    pub taus: &'static [(&'static str, f64, f64)],
    /// The gains, as (fitness gain, fatigue gain) pairs: one pair for one load channel.
    pub gains: &'static [(&'static str, &'static str)],
}

use std::fmt;

/// The largest magnitude a model's values may reach: performance in W, % or a 0-1 potential never
/// comes near it; beyond it, sums of squares over a population lose every digit and soon
/// overflow. Validation refuses a row whose central athlete goes beyond it, and `run` an athlete.
pub const MAX_STATE: f64 = 1e15;

/// Whether a model value is finite and within [`MAX_STATE`].
pub fn in_range(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_STATE
}

/// Step one athlete's model through `loads`, each day's (load, its easy part), and return the
/// first day (its index in `loads`) on which one of the model's columns fails `ok`: (day,
/// column name, value).
pub fn first_bad_value(config: &ModelConfig, values: &[f64], loads: impl IntoIterator<Item = (f64, f64)>, ok: impl Fn(f64) -> bool) -> Option<(usize, &'static str, f64)> {
    let mut model = AnyModel::new(config, values);
    let columns = config.kind.columns();
    let mut row = Vec::with_capacity(8);
    for (d, (w, e)) in loads.into_iter().enumerate() {
        LaneModel::step(&mut model, &Day { load: [w], easy: [e], session: None });
        row.clear();
        Model::row(&model, &mut row);
        if let Some(k) = row.iter().position(|&x| !ok(x)) {
            return Some((d, columns.get(k).copied().unwrap_or("a value"), row[k]));
        }
    }
    None
}

/// When a day's load starts to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize)]
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
    /// Both conventions.
    pub const ALL: &'static [Convention] = &[Convention::Lagged, Convention::SameDay];

    /// One line for help texts.
    pub fn summary(self) -> &'static str {
        match self {
            Convention::Lagged => "A day's load first affects the next day (Morton 1990, Busso 2003; a morning test): g(t) = e^(-1/tau) * (g(t-1) + w(t-1))",
            Convention::SameDay => "A day's load counts on that day (Clarke & Skiba 2013, GoldenCheetah): g(t) = e^(-1/tau) * g(t-1) + w(t)",
        }
    }

    /// The name in scenarios and CSVs (`lagged`, `same-day`).
    pub fn name(self) -> &'static str {
        match self {
            Convention::Lagged => "lagged",
            Convention::SameDay => "same-day",
        }
    }

    /// The convention of a name, or None.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "lagged" => Some(Convention::Lagged),
            "same-day" => Some(Convention::SameDay),
            _ => None,
        }
    }
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
    /// From 0 to 1 (a potential on PerPot's 0-1 scale).
    Unit,
}

impl Constraint {
    /// Check one value; the error says what was expected.
    pub fn check(self, x: f64) -> Result<(), &'static str> {
        let ok = x.is_finite()
            && match self {
                Constraint::Finite => true,
                Constraint::NonNegative => x >= 0.0,
                Constraint::Positive => x > 0.0,
                Constraint::Unit => (0.0..=1.0).contains(&x),
            };
        if ok {
            Ok(())
        } else {
            Err(self.expected())
        }
    }

    /// Whether draws between `lowest` and `highest` all satisfy the constraint.
    pub fn allows_all_draws(self, lowest: f64, highest: f64) -> bool {
        match self {
            Constraint::Finite => true,
            Constraint::NonNegative => lowest >= 0.0,
            Constraint::Positive => lowest > 0.0,
            Constraint::Unit => lowest >= 0.0 && highest <= 1.0,
        }
    }

    /// What the constraint expects, for messages ("a finite number > 0").
    pub fn expected(self) -> &'static str {
        match self {
            Constraint::Finite => "a finite number",
            Constraint::NonNegative => "a finite number >= 0",
            Constraint::Positive => "a finite number > 0",
            Constraint::Unit => "a number from 0 to 1",
        }
    }
}

/// A numeric model parameter: its name, default (None: required), constraint and a typical
/// value (the shipped presets' central value, loads of about 100 per hard session), which
/// validation uses to name the parameter behind an overflow.
#[derive(Clone, Copy, Debug)]
pub struct ParamDef {
    /// The name in scenarios, on the command line and in CSV headers.
    pub name: &'static str,
    /// The parameter's slot in every athlete's `params` stream (the population layer's `rng`):
    /// the same name has the same slot in every model, so athlete i has the same `tau1` under
    /// Banister and Busso. A new name takes the next free slot (the crate does not compile when
    /// two names share one); changing a slot changes every draw of that parameter.
    pub slot: usize,
    /// The value used when a scenario leaves the parameter out (None: required).
    pub default: Option<f64>,
    /// The values it accepts.
    pub constraint: Constraint,
    /// A typical value, for messages.
    pub typical: f64,
}

pub(crate) const fn req(name: &'static str, slot: usize, constraint: Constraint, typical: f64) -> ParamDef {
    ParamDef { name, slot, default: None, constraint, typical }
}
pub(crate) const fn opt(name: &'static str, slot: usize, default: f64, constraint: Constraint) -> ParamDef {
    ParamDef { name, slot, default: Some(default), constraint, typical: default }
}

pub(crate) use Constraint::{Finite, NonNegative, Positive, Unit};

impl ModelKind {
    /// The name in scenarios and on the command line (`banister`, `fitness-delay`, ...).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The model of a name, or None.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Every model's name, for messages: "banister, busso, pmc, perpot, fitness-delay".
    pub fn names() -> String {
        Self::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
    }

    /// The numeric parameters, in the order that [`AnyModel::try_new`] takes their values.
    pub fn params(self) -> &'static [ParamDef] {
        self.info().params
    }

    /// The text options (only pmc has any): name and allowed values, the first the default.
    pub fn options(self) -> &'static [(&'static str, &'static [&'static str])] {
        self.info().options
    }

    /// Output columns after `day,load`, in contract order.
    pub fn columns(self) -> &'static [&'static str] {
        self.info().columns
    }

    /// Whether the lagged/same-day convention means anything for this model.
    pub fn has_convention(self) -> bool {
        self.info().has_convention
    }

    /// The parameter that "below baseline" is measured against (its index in [`Self::params`]):
    /// p0 for banister, busso and fitness-delay, pp0 for perpot; None for pmc, whose baseline is
    /// a form of 0.
    pub fn baseline_param(self) -> Option<usize> {
        self.info().baseline_param
    }

    /// The position of a parameter in [`ModelKind::params`], or None.
    pub fn param_index(self, name: &str) -> Option<usize> {
        self.params().iter().position(|p| p.name == name)
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Text options a model may declare at most ([`ModelInfo::options`]).
pub const MAX_OPTIONS: usize = 4;

/// The non-numeric part of a model's configuration: which model, which convention, and the
/// model's own text options ([`ModelInfo::options`]: pmc's smoothing rule and form day), each
/// held as the index of its value in the model's declaration (0 is the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelConfig {
    /// Which model.
    pub kind: ModelKind,
    /// The day convention (models that have one).
    pub convention: Convention,
    /// Option k's value, as an index into the values the model declares for it.
    options: [u8; MAX_OPTIONS],
}

impl serde::Serialize for ModelConfig {
    /// `kind`, `convention`, then each of the model's options by name with its value's name.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let opts = self.kind.options();
        let mut m = s.serialize_map(Some(2 + opts.len()))?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("convention", &self.convention)?;
        for (k, (name, _)) in opts.iter().enumerate() {
            m.serialize_entry(name, self.option(k))?;
        }
        m.end()
    }
}

impl ModelConfig {
    /// The defaults of `kind`: lagged, and each option's first value (for PMC GoldenCheetah's
    /// `exp` smoothing and yesterday's form).
    pub fn new(kind: ModelKind) -> Self {
        ModelConfig { kind, convention: Convention::Lagged, options: [0; MAX_OPTIONS] }
    }

    /// The value of the model's option k (in [`ModelInfo::options`] order).
    pub fn option(&self, k: usize) -> &'static str {
        self.kind.options()[k].1[self.options[k] as usize]
    }

    /// Set a text option by name; `Err` lists what was expected.
    pub fn set_option(&mut self, name: &str, value: &str) -> Result<(), String> {
        let opts = self.kind.options();
        let k = opts.iter().position(|(n, _)| *n == name).ok_or_else(|| format!("{} has no text option '{name}'", self.kind))?;
        let allowed = opts[k].1;
        let v = allowed.iter().position(|a| *a == value).ok_or_else(|| format!("expected one of {}", allowed.join(", ")))?;
        self.options[k] = v as u8;
        Ok(())
    }
}

// Every model's options fit in ModelConfig.
const _: () = {
    let models = ModelKind::ALL;
    let mut m = 0;
    while m < models.len() {
        assert!(models[m].info().options.len() <= MAX_OPTIONS, "a model declares more text options than ModelConfig holds: raise MAX_OPTIONS");
        m += 1;
    }
};

/// Check one named parameter of `kind` (an initial state set after construction).
fn check_param(kind: ModelKind, name: &str, x: f64) -> Result<(), String> {
    let i = kind.param_index(name).ok_or_else(|| format!("{kind} has no parameter {name}"))?;
    kind.params()[i].constraint.check(x).map_err(|e| format!("{name} = {x}: expected {e}"))
}

/// Check numeric values against the model's parameter definitions.
/// `values` must be in the order of [`ModelKind::params`]; the error names the first bad one.
pub fn check_values(kind: ModelKind, values: &[f64]) -> Result<(), (String, f64, String)> {
    for (def, &v) in kind.params().iter().zip(values) {
        def.constraint.check(v).map_err(|e| (def.name.to_string(), v, e.to_string()))?;
    }
    for &(a, b) in kind.info().requires {
        let (i, j) = (kind.param_index(a), kind.param_index(b));
        if let (Some(i), Some(j)) = (i, j)
            && values[i].partial_cmp(&values[j]) != Some(std::cmp::Ordering::Greater)
        {
            return Err((b.to_string(), values[j], format!("a value below {a} = {} ({} needs {a} > {b})", values[i], kind.name())));
        }
    }
    Ok(())
}

/// N athletes of one model advanced side by side, structure of arrays: each state is an
/// `[f64; N]`, so one day's update is a loop over lanes that the compiler vectorises. With N = 1
/// it is one athlete; the scalar [`Model`] API comes with it.
pub trait LaneModel<const N: usize>: Sized {
    /// Build from numeric values, `v[param][lane]`, in the order of [`ModelKind::params`] of
    /// `config.kind` (which must be this model), without checks: the engine's constructor, for
    /// values a validated scenario or [`check_values`] has passed. Fewer rows than parameters
    /// panic; [`LaneModel::try_from_values`] checks everything.
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self;
    /// Build from numeric values as [`LaneModel::from_values`], checked: one row per parameter
    /// and every lane's values within the parameters' constraints; the error names the first
    /// bad value.
    fn try_from_values(config: &ModelConfig, v: &[[f64; N]]) -> Result<Self, String> {
        let defs = config.kind.params();
        if v.len() != defs.len() {
            return Err(format!("{} takes {} values ({}), not {}", config.kind.name(), defs.len(), defs.iter().map(|d| d.name).collect::<Vec<_>>().join(" "), v.len()));
        }
        for l in 0..N {
            let lane: Vec<f64> = v.iter().map(|x| x[l]).collect();
            check_values(config.kind, &lane).map_err(|(name, x, expected)| format!("{name} = {x}: expected {expected}"))?;
        }
        Ok(Self::from_values(config, v))
    }
    /// Advance every lane to the next day, `day` (its loads by channel and its session).
    /// Afterwards the state is that day's row. Single-channel models read [`Day::load`], the
    /// day's load in all channels together.
    fn step(&mut self, day: &Day<N>);
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
    /// Put every lane in the model's steady state under a constant daily load `w`, of which
    /// `easy` is in the easy channel: the state after a day of that load that a day of that load
    /// leaves unchanged, so that a plan of constant load keeps performance constant. The
    /// initial-state parameters (g0, h0, ...) are replaced. Single-channel models ignore `easy`.
    fn settle(&mut self, w: f64, easy: f64);
}

/// One athlete's model, stepped one day at a time.
pub trait Model {
    /// Advance to the next day, whose load is `load`.
    fn step(&mut self, load: f64);
    /// Performance on the current day.
    fn performance(&self) -> f64;
    /// The fitness-like state (see [`LaneModel::fitness`]).
    fn fitness(&self) -> f64;
    /// The fatigue-like state (see [`LaneModel::fatigue`]).
    fn fatigue(&self) -> f64;
    /// The current day's row after `day,load`, in contract order.
    fn row(&self, out: &mut Vec<f64>);
}

impl<M: LaneModel<1>> Model for M {
    #[inline]
    fn step(&mut self, load: f64) {
        LaneModel::step(self, &Day::single([load]))
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

impl LaneModel<1> for AnyModel {
    fn from_values(config: &ModelConfig, v: &[[f64; 1]]) -> Self {
        AnyModel::new(config, &v.iter().map(|x| x[0]).collect::<Vec<_>>())
    }
    #[inline]
    fn step(&mut self, day: &Day<1>) {
        dispatch!(self, m => LaneModel::step(m, day))
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
    fn settle(&mut self, w: f64, easy: f64) {
        dispatch!(self, m => LaneModel::settle(m, w, easy))
    }
}

/// `for l in 0..N { body }`, spelled once for every model's lane loop.
macro_rules! lanes {
    ($n:expr, $l:ident => $body:block) => {
        for $l in 0..$n $body
    };
}
pub(crate) use lanes;

/// `[f(0), .., f(N - 1)]` as a plain loop: `std::array::from_fn` and `map` are not always
/// inlined into the engine's `#[target_feature]` copies, and a call per day undoes the vector
/// loop.
#[inline(always)]
pub fn lanes_from<const N: usize>(f: impl Fn(usize) -> f64) -> [f64; N] {
    let mut a = [0.0; N];
    for l in 0..N {
        a[l] = f(l);
    }
    a
}

/// The one-day decay factor e^(-1/tau).
#[inline]
pub fn decay(tau: f64) -> f64 {
    (-1.0 / tau).exp()
}
