//! The two-channel model: Banister's equations with a pair of gains per load channel, so a unit
//! of easy load can build fitness and fatigue in another ratio than a unit of hard load (the
//! seed's claim that easy runs add fitness without adding a need for recovery).
//!
//! With w_h and w_e a day's hard and easy load (their sum is the day's load):
//!
//! - fitness(t) = sum over past days of (k1 w_h(i) + k1_easy w_e(i)) e^(-(t-i)/tau1)
//! - fatigue(t) = sum over past days of (k2 w_h(i) + k2_easy w_e(i)) e^(-(t-i)/tau2)
//! - performance = p0 + fitness - fatigue
//!
//! The sums run over i < t (lagged) or i <= t (same-day), as Banister's do. The recursion keeps
//! Banister's unweighted states g and h of all load and two more, g_e and h_e, of the easy load
//! alone, so that fitness = k1 g + (k1_easy - k1) g_e and fatigue = k2 h + (k2_easy - k2) h_e:
//! with k1_easy = k1 and k2_easy = k2 the differences are exactly 0 and every value is
//! Banister's, bit for bit, whatever the channels hold.
//!
//! g0 and h0 are Banister's: the unweighted fitness and fatigue (in load units) on the day before
//! the first day, counted as hard load. Fitness and fatigue are written weighted by their gains
//! (in performance units, as Busso's fatigue is), not in load units as Banister's.
//!
//! The model is linear in each channel's loads: `fit` fits its five linear parameters (p0 and
//! the four gains) by least squares for given time constants, from a history with one load
//! column per channel (`--load-columns`).

use super::{Convention, Day, LaneModel, ModelConfig, decay, lanes};
use super::{Finite, FitInfo, ModelInfo, NonNegative, Positive, opt, req};

/// The two-channel model's registration.
pub const INFO: ModelInfo = ModelInfo {
    name: "two-channel",
    summary: "Banister's model with a fitness and a fatigue gain per channel (hard, easy)",
    params: &[
        req("p0", 0, Finite, 100.0),
        req("k1", 1, NonNegative, 0.075),
        req("k2", 2, NonNegative, 0.15),
        req("tau1", 4, Positive, 42.0),
        req("tau2", 5, Positive, 15.0),
        req("k1_easy", 18, NonNegative, 0.075),
        req("k2_easy", 19, NonNegative, 0.05),
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
    requires: &[],
    fit: Some(FitInfo { taus: &[("tau1", 1.0, 100.0), ("tau2", 1.0, 60.0)], gains: &[("k1", "k2"), ("k1_easy", "k2_easy")] }),
};

/// N athletes side by side (structure of arrays); `TwoChannel` (N = 1) is one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoChannel<const N: usize = 1> {
    p0: [f64; N],
    k1: [f64; N],
    k2: [f64; N],
    /// k1_easy - k1 and k2_easy - k2.
    dk1: [f64; N],
    dk2: [f64; N],
    e1: [f64; N],
    e2: [f64; N],
    convention: Convention,
    /// Banister's unweighted sums of all load, and the same sums of the easy load alone.
    g: [f64; N],
    h: [f64; N],
    ge: [f64; N],
    he: [f64; N],
    /// The previous day's load and easy load, carried for the lagged convention.
    pending: [f64; N],
    pending_e: [f64; N],
}

impl TwoChannel {
    /// One athlete, rested; the error names the first value out of range.
    ///
    /// ```
    /// use periodize::model::{Convention, Day, LaneModel, TwoChannel};
    /// let mut m = TwoChannel::new(100.0, 0.1, 0.2, 42.0, 7.0, 0.1, 0.02, Convention::SameDay).unwrap();
    /// // An easy day of 100: fitness 0.1 * 100, fatigue 0.02 * 100.
    /// m.step(&Day { load: [100.0], easy: [100.0], session: None });
    /// assert!((m.performance()[0] - 108.0).abs() < 1e-12);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new(p0: f64, k1: f64, k2: f64, tau1: f64, tau2: f64, k1_easy: f64, k2_easy: f64, convention: Convention) -> Result<Self, String> {
        let mut c = ModelConfig::new(super::ModelKind::TwoChannel);
        c.convention = convention;
        Self::try_from_values(&c, &[[p0], [k1], [k2], [tau1], [tau2], [k1_easy], [k2_easy], [0.0], [0.0]])
    }
}

impl<const N: usize> LaneModel<N> for TwoChannel<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        TwoChannel {
            p0: v[0],
            k1: v[1],
            k2: v[2],
            e1: v[3].map(decay),
            e2: v[4].map(decay),
            dk1: super::lanes_from(|l| v[5][l] - v[1][l]),
            dk2: super::lanes_from(|l| v[6][l] - v[2][l]),
            convention: config.convention,
            g: v[7],
            h: v[8],
            ge: [0.0; N],
            he: [0.0; N],
            pending: [0.0; N],
            pending_e: [0.0; N],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let (w, we) = (&day.load, &day.easy);
        match self.convention {
            Convention::Lagged => lanes!(N, l => {
                self.g[l] = self.e1[l] * (self.g[l] + self.pending[l]);
                self.h[l] = self.e2[l] * (self.h[l] + self.pending[l]);
                self.ge[l] = self.e1[l] * (self.ge[l] + self.pending_e[l]);
                self.he[l] = self.e2[l] * (self.he[l] + self.pending_e[l]);
                self.pending[l] = w[l];
                self.pending_e[l] = we[l];
            }),
            Convention::SameDay => lanes!(N, l => {
                self.g[l] = self.e1[l] * self.g[l] + w[l];
                self.h[l] = self.e2[l] * self.h[l] + w[l];
                self.ge[l] = self.e1[l] * self.ge[l] + we[l];
                self.he[l] = self.e2[l] * self.he[l] + we[l];
            }),
        }
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        let (f, h) = (self.fitness(), self.fatigue());
        super::lanes_from(|l| self.p0[l] + f[l] - h[l])
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        super::lanes_from(|l| self.k1[l] * self.g[l] + self.dk1[l] * self.ge[l])
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        super::lanes_from(|l| self.k2[l] * self.h[l] + self.dk2[l] * self.he[l])
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.fitness()[l], self.fatigue()[l], self.performance()[l]]);
    }
    /// Banister's steady state for the load w and, separately, for its easy part e.
    fn settle(&mut self, w: f64, e: f64) {
        lanes!(N, l => {
            let (e1, e2) = (self.e1[l], self.e2[l]);
            match self.convention {
                Convention::Lagged => {
                    self.g[l] = e1 * w / (1.0 - e1);
                    self.h[l] = e2 * w / (1.0 - e2);
                    self.ge[l] = e1 * e / (1.0 - e1);
                    self.he[l] = e2 * e / (1.0 - e2);
                    self.pending[l] = w;
                    self.pending_e[l] = e;
                }
                Convention::SameDay => {
                    self.g[l] = w / (1.0 - e1);
                    self.h[l] = w / (1.0 - e2);
                    self.ge[l] = e / (1.0 - e1);
                    self.he[l] = e / (1.0 - e2);
                }
            }
        });
    }
}
