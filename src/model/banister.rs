//! Banister's impulse-response model (Banister et al. 1975; Calvert et al. 1976; Morton,
//! Fitz-Clarke & Banister 1990).
//!
//! fitness g and fatigue h are unweighted sums of decayed loads with time constants tau1 and tau2;
//! performance p = p0 + k1*g - k2*h.
//!
//! - lagged:   g(t) = e^(-1/tau1) * (g(t-1) + w(t-1))
//! - same-day: g(t) = e^(-1/tau1) * g(t-1) + w(t)
//!
//! g0 and h0 are the states on the day before the first day; they decay once into day one.
//! The model is linear in the loads: moving a session within the week only re-weights the
//! exponential sums, so the linear model barely sees spacing.

use super::{Day, Convention, LaneModel, ModelConfig, decay, lanes};
use super::{FitInfo, ModelInfo, NonNegative, Positive, Finite, opt, req};
/// Banister's registration: parameters, columns, conventions, fitting.
pub const INFO: ModelInfo = ModelInfo {
    name: "banister",
    summary: "Banister's two-component impulse-response model",
    params: &[
        req("p0", 0, Finite, 100.0),
        req("k1", 1, NonNegative, 0.075),
        req("k2", 2, NonNegative, 0.15),
        req("tau1", 4, Positive, 42.0),
        req("tau2", 5, Positive, 15.0),
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
    fit: Some(FitInfo { taus: &[("tau1", 1.0, 100.0), ("tau2", 1.0, 60.0)], gains: &[("k1", "k2")] }),
};

/// N athletes side by side (structure of arrays); `Banister` (N = 1) is one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct Banister<const N: usize = 1> {
    p0: [f64; N],
    k1: [f64; N],
    k2: [f64; N],
    e1: [f64; N],
    e2: [f64; N],
    convention: Convention,
    g: [f64; N],
    h: [f64; N],
    /// The load of the previous day, carried for the lagged convention.
    pending: [f64; N],
}

impl Banister {
    /// One athlete, rested (g0 = h0 = 0); the error names the first value out of range.
    ///
    /// ```
    /// use periodize::model::{Banister, Convention, Model};
    /// let mut m = Banister::new(100.0, 0.1, 0.2, 42.0, 7.0, Convention::SameDay).unwrap();
    /// m.step(100.0);
    /// // Same day: the load counts at once, p = 100 + 0.1 * 100 - 0.2 * 100.
    /// assert!((m.performance() - 90.0).abs() < 1e-12);
    /// assert!(Banister::new(100.0, 0.1, 0.2, 0.0, 7.0, Convention::SameDay).is_err());
    /// ```
    pub fn new(p0: f64, k1: f64, k2: f64, tau1: f64, tau2: f64, convention: Convention) -> Result<Self, String> {
        let mut c = ModelConfig::new(super::ModelKind::Banister);
        c.convention = convention;
        Self::try_from_values(&c, &[[p0], [k1], [k2], [tau1], [tau2], [0.0], [0.0]])
    }

    /// The same athlete with fitness g0 and fatigue h0 on the day before the first day.
    pub fn with_initial(mut self, g0: f64, h0: f64) -> Result<Self, String> {
        super::check_param(super::ModelKind::Banister, "g0", g0)?;
        super::check_param(super::ModelKind::Banister, "h0", h0)?;
        self.g = [g0];
        self.h = [h0];
        Ok(self)
    }
}

impl<const N: usize> Banister<N> {
    /// The state: (g, h, the load pending for the next day under the lagged convention; 0 under
    /// same-day).
    pub fn state(&self) -> ([f64; N], [f64; N], [f64; N]) {
        (self.g, self.h, self.pending)
    }
}

impl<const N: usize> LaneModel<N> for Banister<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        Banister {
            p0: v[0],
            k1: v[1],
            k2: v[2],
            e1: v[3].map(decay),
            e2: v[4].map(decay),
            convention: config.convention,
            g: v[5],
            h: v[6],
            pending: [0.0; N],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let w = &day.load;
        match self.convention {
            Convention::Lagged => lanes!(N, l => {
                self.g[l] = self.e1[l] * (self.g[l] + self.pending[l]);
                self.h[l] = self.e2[l] * (self.h[l] + self.pending[l]);
                self.pending[l] = w[l];
            }),
            Convention::SameDay => lanes!(N, l => {
                self.g[l] = self.e1[l] * self.g[l] + w[l];
                self.h[l] = self.e2[l] * self.h[l] + w[l];
            }),
        }
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        super::lanes_from(|l| self.p0[l] + self.k1[l] * self.g[l] - self.k2[l] * self.h[l])
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        self.g
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        self.h
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.g[l], self.h[l], self.performance()[l]]);
    }
    /// lagged: g = e1 w / (1 - e1) with w pending; same-day: g = w / (1 - e1); h likewise.
    fn settle(&mut self, w: f64, _easy: f64) {
        lanes!(N, l => {
            let (e1, e2) = (self.e1[l], self.e2[l]);
            match self.convention {
                Convention::Lagged => {
                    self.g[l] = e1 * w / (1.0 - e1);
                    self.h[l] = e2 * w / (1.0 - e2);
                    self.pending[l] = w;
                }
                Convention::SameDay => {
                    self.g[l] = w / (1.0 - e1);
                    self.h[l] = w / (1.0 - e2);
                }
            }
        });
    }
}
