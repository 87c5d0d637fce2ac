//! The coaches' fitness/fatigue/form chart (the performance management chart of Coggan and
//! TrainingPeaks; GoldenCheetah's `PMCData.cpp`).
//!
//! fitness(t) = fitness(t-1) + a (w(t) - fitness(t-1)) with N = `fitness_days`, fatigue likewise
//! with N = `fatigue_days`. The smoothing factor a:
//! - `exp`: 1 - e^(-1/N), as GoldenCheetah (the default);
//! - `simple`: 1/N, as TrainingPeaks-style spreadsheets;
//! - `span`: 2/(N+1), as pandas `ewm(span=N)`.
//!
//! form shown `yesterday` (the default, as TrainingPeaks and GoldenCheetah): form(t) =
//! fitness(t-1) - fatigue(t-1); `today`: form(t) = fitness(t) - fatigue(t). fitness0 and fatigue0
//! are the values on the day before the first day (so form on the first day is their difference
//! under `yesterday`). A day's load always counts on that day: the lagged/same-day convention does
//! not apply.

use super::{Day, LaneModel, ModelConfig, lanes};
use super::{ModelInfo, Positive, Finite, opt};
/// The performance management chart's registration (form has no baseline parameter: its
/// baseline is 0).
pub const INFO: ModelInfo = ModelInfo {
    name: "pmc",
    summary: "The coaches' fitness/fatigue/form chart (performance management chart)",
    params: &[
        opt("fitness_days", 9, 42.0, Positive),
        opt("fatigue_days", 10, 7.0, Positive),
        opt("fitness0", 11, 0.0, Finite),
        opt("fatigue0", 12, 0.0, Finite),
    ],
    options: &[("ewma", &["exp", "simple", "span"]), ("form", &["yesterday", "today"])],
    columns: &["fitness", "fatigue", "form", "acwr"],
    has_convention: false,
    baseline_param: None,
    linear: true,
    form_chart: true,
    acwr_column: true,
    avx2_lanes: 8,
    requires: &[],
    fit: None,
};

/// The EWMA smoothing rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ewma {
    /// 1 - e^(-1/N) (GoldenCheetah).
    Exp,
    /// 1/N.
    Simple,
    /// 2/(N+1) (the span of a financial EMA).
    Span,
}

impl Ewma {
    /// The rule of a name (`exp`, `simple`, `span`), or None.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "exp" => Some(Ewma::Exp),
            "simple" => Some(Ewma::Simple),
            "span" => Some(Ewma::Span),
            _ => None,
        }
    }

    /// The rule's name in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            Ewma::Exp => "exp",
            Ewma::Simple => "simple",
            Ewma::Span => "span",
        }
    }

    /// The smoothing factor a for a time constant of `n` days.
    pub fn alpha(self, n: f64) -> f64 {
        match self {
            Ewma::Exp => 1.0 - (-1.0 / n).exp(),
            Ewma::Simple => 1.0 / n,
            Ewma::Span => 2.0 / (n + 1.0),
        }
    }
}

/// Which day's fitness and fatigue the form of a day is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormDay {
    /// Form is yesterday's fitness minus yesterday's fatigue (TrainingPeaks, GoldenCheetah).
    Yesterday,
    /// Form is today's fitness minus today's fatigue.
    Today,
}

impl FormDay {
    /// The day's name in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            FormDay::Yesterday => "yesterday",
            FormDay::Today => "today",
        }
    }

    /// The day of a name (`yesterday`, `today`), or None.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "yesterday" => Some(FormDay::Yesterday),
            "today" => Some(FormDay::Today),
            _ => None,
        }
    }
}

/// N athletes side by side (structure of arrays); `Pmc` (N = 1) is one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct Pmc<const N: usize = 1> {
    a_fit: [f64; N],
    a_fat: [f64; N],
    form_day: FormDay,
    fitness: [f64; N],
    fatigue: [f64; N],
    form: [f64; N],
}

impl Pmc {
    /// One athlete starting from zero fitness and fatigue; the error names the first value out
    /// of range.
    pub fn new(fitness_days: f64, fatigue_days: f64, ewma: Ewma, form_day: FormDay) -> Result<Self, String> {
        let mut c = ModelConfig::new(super::ModelKind::Pmc);
        c.set_option("ewma", ewma.name())?;
        c.set_option("form", form_day.name())?;
        Self::try_from_values(&c, &[[fitness_days], [fatigue_days], [0.0], [0.0]])
    }

    /// The same athlete with these fitness and fatigue values on the day before the first day.
    pub fn with_initial(mut self, fitness0: f64, fatigue0: f64) -> Result<Self, String> {
        super::check_param(super::ModelKind::Pmc, "fitness0", fitness0)?;
        super::check_param(super::ModelKind::Pmc, "fatigue0", fatigue0)?;
        self.fitness = [fitness0];
        self.fatigue = [fatigue0];
        self.form = [fitness0 - fatigue0];
        Ok(self)
    }
}

impl<const N: usize> LaneModel<N> for Pmc<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        // The options as this file's INFO declares them: 0 is `ewma`, 1 is `form`.
        let ewma = Ewma::parse(config.option(0)).unwrap_or(Ewma::Exp);
        let form_day = FormDay::parse(config.option(1)).unwrap_or(FormDay::Yesterday);
        Pmc {
            a_fit: v[0].map(|n| ewma.alpha(n)),
            a_fat: v[1].map(|n| ewma.alpha(n)),
            form_day,
            fitness: v[2],
            fatigue: v[3],
            form: std::array::from_fn(|l| v[2][l] - v[3][l]),
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let w = &day.load;
        lanes!(N, l => {
            let yesterday = self.fitness[l] - self.fatigue[l];
            self.fitness[l] += self.a_fit[l] * (w[l] - self.fitness[l]);
            self.fatigue[l] += self.a_fat[l] * (w[l] - self.fatigue[l]);
            self.form[l] = match self.form_day {
                FormDay::Yesterday => yesterday,
                FormDay::Today => self.fitness[l] - self.fatigue[l],
            };
        });
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        self.form
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        self.fitness
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        self.fatigue
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.fitness[l], self.fatigue[l], self.form[l]]);
    }
    /// Every average at w, so form is 0 (for every smoothing rule and form day).
    fn settle(&mut self, w: f64, _easy: f64) {
        self.fitness = [w; N];
        self.fatigue = [w; N];
        self.form = [0.0; N];
    }
}

/// The coaches' fitness/fatigue chart (PMC) over a series of daily loads, as this model computes it by
/// default: fitness += a42 (w - fitness), fatigue likewise with a7, where
/// aN = 1 - e^(-1/N) (GoldenCheetah's smoothing); and the fitness of the last 7 days, oldest
/// first, for the ramp rate.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PmcState {
    /// Fitness (CTL) after the last day.
    pub fitness: f64,
    /// Fatigue (ATL) after the last day.
    pub fatigue: f64,
    /// Fitness after each of the last 7 days, `ring[d % 7]` the day d's (a week before d + 7).
    pub ring: [f64; 7],
    /// Days run so far (the ring's index).
    pub days: usize,
    /// The largest 7-day rise of fitness so far (-inf before any day).
    pub ramp_max: f64,
}

/// The chart's smoothing factors: (fitness 42 days, fatigue 7 days).
pub fn pmc_factors() -> (f64, f64) {
    (1.0 - crate::fmath::exp(-1.0 / 42.0), 1.0 - crate::fmath::exp(-1.0 / 7.0))
}

impl PmcState {
    /// One day of load.
    #[inline(always)]
    pub fn step(&mut self, w: f64) {
        let (af, aa) = pmc_factors();
        self.fitness += af * (w - self.fitness);
        self.fatigue += aa * (w - self.fatigue);
        let slot = &mut self.ring[self.days % 7];
        self.ramp_max = self.ramp_max.max(self.fitness - *slot);
        *slot = self.fitness;
        self.days += 1;
    }
}

