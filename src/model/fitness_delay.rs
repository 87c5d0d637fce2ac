//! The fitness-delay model (Calvert, Banister, Savage & Bach 1976; the "fitness-delay" model of
//! the R fitness-fatigue models package): Banister's model whose fitness response to a load rises
//! with a delay before it decays.
//!
//! - fitness(t) = sum over past loads w(i) (e^(-(t-i)/tau1) - e^(-(t-i)/tau3)), with tau3 < tau1:
//!   a difference of two exponentials that starts at 0, peaks after
//!   ln(tau1/tau3) tau1 tau3 / (tau1 - tau3) days and then decays with tau1;
//! - fatigue(t) = sum w(i) e^(-(t-i)/tau2);
//! - performance = p0 + k1 fitness - k2 fatigue.
//!
//! The sums run over i < t (lagged) or i <= t (same-day), exactly as Banister's. Each exponential
//! sum is one O(1) recursion (a, c and h below, with fitness = a - c):
//!
//! - lagged:   a(t) = e^(-1/tau1) (a(t-1) + w(t-1)), likewise c with tau3 and h with tau2;
//! - same-day: a(t) = e^(-1/tau1) a(t-1) + w(t).
//!
//! g0 is a fitness already built up (it starts the tau1 sum and decays with tau1); h0 starts
//! fatigue, as in Banister's model. Like Banister's, the model is linear in the loads, so moving a
//! session within the week only re-weights exponential sums.

use super::{Day, Convention, LaneModel, ModelConfig, decay, lanes};
use super::{Finite, FitInfo, ModelInfo, NonNegative, Positive, opt, req};

/// The fitness-delay model's registration: Banister's parameters plus the delay's tau3.
pub const INFO: ModelInfo = ModelInfo {
    name: "fitness-delay",
    summary: "Calvert et al.'s (1976) three-component model: fitness rises with a delay",
    params: &[
        req("p0", 0, Finite, 100.0),
        req("k1", 1, NonNegative, 0.075),
        req("k2", 2, NonNegative, 0.15),
        req("tau1", 4, Positive, 42.0),
        req("tau2", 5, Positive, 15.0),
        req("tau3", 6, Positive, 4.0),
        opt("g0", 7, 0.0, NonNegative),
        opt("h0", 8, 0.0, NonNegative),
    ],
    options: &[],
    columns: &["fitness", "fatigue", "performance"],
    has_convention: true,
    baseline_param: Some(0),
    linear: true,
    form_chart: false,
    acwr_column: false,
    avx2_lanes: 8,
    requires: &[("tau1", "tau3")],
    fit: Some(FitInfo { taus: &[("tau1", 1.0, 100.0), ("tau2", 1.0, 60.0), ("tau3", 0.5, 30.0)], gains: &[("k1", "k2")] }),
};

/// N athletes side by side (structure of arrays); `FitnessDelay` (N = 1) is one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct FitnessDelay<const N: usize = 1> {
    p0: [f64; N],
    k1: [f64; N],
    k2: [f64; N],
    e1: [f64; N],
    e2: [f64; N],
    e3: [f64; N],
    convention: Convention,
    /// The tau1, tau3 and tau2 sums: fitness = a - c, fatigue = h.
    a: [f64; N],
    c: [f64; N],
    h: [f64; N],
    /// The load of the previous day, carried for the lagged convention.
    pending: [f64; N],
}

impl FitnessDelay {
    /// One athlete, rested; tau3 must be below tau1. The error names the first value out of
    /// range.
    #[allow(clippy::too_many_arguments)]
    pub fn new(p0: f64, k1: f64, k2: f64, tau1: f64, tau2: f64, tau3: f64, convention: Convention) -> Result<Self, String> {
        let mut c = ModelConfig::new(super::ModelKind::FitnessDelay);
        c.convention = convention;
        Self::try_from_values(&c, &[[p0], [k1], [k2], [tau1], [tau2], [tau3], [0.0], [0.0]])
    }
}

impl<const N: usize> LaneModel<N> for FitnessDelay<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        FitnessDelay {
            p0: v[0],
            k1: v[1],
            k2: v[2],
            e1: v[3].map(decay),
            e2: v[4].map(decay),
            e3: v[5].map(decay),
            convention: config.convention,
            a: v[6],
            c: [0.0; N],
            h: v[7],
            pending: [0.0; N],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let w = &day.load;
        match self.convention {
            Convention::Lagged => lanes!(N, l => {
                self.a[l] = self.e1[l] * (self.a[l] + self.pending[l]);
                self.c[l] = self.e3[l] * (self.c[l] + self.pending[l]);
                self.h[l] = self.e2[l] * (self.h[l] + self.pending[l]);
                self.pending[l] = w[l];
            }),
            Convention::SameDay => lanes!(N, l => {
                self.a[l] = self.e1[l] * self.a[l] + w[l];
                self.c[l] = self.e3[l] * self.c[l] + w[l];
                self.h[l] = self.e2[l] * self.h[l] + w[l];
            }),
        }
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        super::lanes_from(|l| self.p0[l] + self.k1[l] * (self.a[l] - self.c[l]) - self.k2[l] * self.h[l])
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        super::lanes_from(|l| self.a[l] - self.c[l])
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        self.h
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.a[l] - self.c[l], self.h[l], self.performance()[l]]);
    }
    /// Each sum at its fixed point, as Banister's: lagged x = e w / (1 - e) with w pending,
    /// same-day x = w / (1 - e).
    fn settle(&mut self, w: f64, _easy: f64) {
        lanes!(N, l => {
            let fixed = |e: f64| match self.convention {
                Convention::Lagged => e * w / (1.0 - e),
                Convention::SameDay => w / (1.0 - e),
            };
            self.a[l] = fixed(self.e1[l]);
            self.c[l] = fixed(self.e3[l]);
            self.h[l] = fixed(self.e2[l]);
            self.pending[l] = match self.convention {
                Convention::Lagged => w,
                Convention::SameDay => 0.0,
            };
        });
    }
}
