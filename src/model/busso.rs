//! Busso's (2003) variable dose-response model.
//!
//! The fatigue gain grows with recent load: k2(i) = k3 * sum_{j<=i} w(j) e^(-(i-j)/tau3).
//! Lagged form:
//!
//! p(n) = p0 + k1 * sum_{i<n} w(i) e^(-(n-i)/tau1) - sum_{i<n} k2(i) w(i) e^(-(n-i)/tau2)
//!
//! `same-day` lets i run to n. fitness is the first sum, fatigue the second (already weighted by
//! k2), so p = p0 + k1*fitness - fatigue. The recursion keeps three states:
//!
//! - q(i) = e^(-1/tau3) q(i-1) + w(i)   (so k2(i) = k3 q(i); it includes day i in both conventions)
//! - lagged:   g(n) = e1 (g(n-1) + w(n-1)),  f(n) = e2 (f(n-1) + k2(n-1) w(n-1))
//! - same-day: g(n) = e1 g(n-1) + w(n),      f(n) = e2 f(n-1) + k2(n) w(n)
//!
//! Because fatigue is quadratic in load, clustering hard days raises k2 on exactly the days that
//! carry the most load: here, unlike in Banister's model, spacing within a week matters.
//! Under a constant daily load w the model settles at p*(w) = p0 + A w - B w^2, an inverted U
//! whose best load is w* = A / (2B) (see [`Busso::steady_state`]).

use super::{Day, Convention, LaneModel, ModelConfig, decay, lanes};
use super::{FitInfo, ModelInfo, NonNegative, Positive, Finite, opt, req};
/// Busso's registration: parameters, columns, conventions, fitting (k3 is the second gain).
pub const INFO: ModelInfo = ModelInfo {
    name: "busso",
    summary: "Busso's (2003) variable dose-response model",
    params: &[
        req("p0", 0, Finite, 100.0),
        req("k1", 1, NonNegative, 0.0181),
        req("k3", 3, NonNegative, 0.00004),
        req("tau1", 4, Positive, 40.0),
        req("tau2", 5, Positive, 8.0),
        req("tau3", 6, Positive, 4.0),
        opt("g0", 7, 0.0, NonNegative),
        opt("h0", 8, 0.0, NonNegative),
    ],
    options: &[],
    columns: &["fitness", "fatigue", "k2", "performance"],
    has_convention: true,
    baseline_param: Some(0),
    linear: false,
    form_chart: false,
    acwr_column: false,
    avx2_lanes: 8,
    requires: &[],
    fit: Some(FitInfo { taus: &[("tau1", 1.0, 100.0), ("tau2", 1.0, 60.0), ("tau3", 0.5, 30.0)], gains: &[("k1", "k3")] }),
};

/// N athletes side by side (structure of arrays); `Busso` (N = 1) is one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct Busso<const N: usize = 1> {
    p0: [f64; N],
    k1: [f64; N],
    k3: [f64; N],
    e1: [f64; N],
    e2: [f64; N],
    e3: [f64; N],
    convention: Convention,
    g: [f64; N],
    f: [f64; N],
    q: [f64; N],
    /// The previous day's load and its k2-weighted load, carried for the lagged convention.
    pending_w: [f64; N],
    pending_kw: [f64; N],
}

impl Busso {
    /// One athlete, rested; the error names the first value out of range.
    pub fn new(p0: f64, k1: f64, k3: f64, tau1: f64, tau2: f64, tau3: f64, convention: Convention) -> Result<Self, String> {
        let mut c = ModelConfig::new(super::ModelKind::Busso);
        c.convention = convention;
        Self::try_from_values(&c, &[[p0], [k1], [k3], [tau1], [tau2], [tau3], [0.0], [0.0]])
    }

    /// The same athlete with fitness g0 and fatigue h0 on the day before the first day.
    pub fn with_initial(mut self, g0: f64, h0: f64) -> Result<Self, String> {
        super::check_param(super::ModelKind::Busso, "g0", g0)?;
        super::check_param(super::ModelKind::Busso, "h0", h0)?;
        self.g = [g0];
        self.f = [h0];
        Ok(self)
    }

    /// The fatigue gain k2 of the current day (it includes the current day's load).
    pub fn k2(&self) -> f64 {
        self.k3[0] * self.q[0]
    }

    /// The steady state under a constant daily load: `(A, B)` with p*(w) = p0 + A w - B w^2.
    ///
    /// lagged: A = k1 e1/(1-e1), B = k3 e2 / ((1-e2)(1-e3));
    /// same-day: A = k1/(1-e1), B = k3 / ((1-e2)(1-e3)). The best constant load is A/(2B) and the
    /// best steady performance p0 + A^2/(4B).
    pub fn steady_state(&self) -> (f64, f64) {
        let (k1, k3, e1, e2, e3) = (self.k1[0], self.k3[0], self.e1[0], self.e2[0], self.e3[0]);
        let c3 = 1.0 / (1.0 - e3);
        match self.convention {
            Convention::Lagged => (k1 * e1 / (1.0 - e1), k3 * e2 / (1.0 - e2) * c3),
            Convention::SameDay => (k1 / (1.0 - e1), k3 / (1.0 - e2) * c3),
        }
    }

    /// The constant daily load that maximises steady-state performance, A/(2B) (infinite when k3 = 0).
    pub fn best_constant_load(&self) -> f64 {
        let (a, b) = self.steady_state();
        a / (2.0 * b)
    }
}

impl<const N: usize> LaneModel<N> for Busso<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        Busso {
            p0: v[0],
            k1: v[1],
            k3: v[2],
            e1: v[3].map(decay),
            e2: v[4].map(decay),
            e3: v[5].map(decay),
            convention: config.convention,
            g: v[6],
            f: v[7],
            q: [0.0; N],
            pending_w: [0.0; N],
            pending_kw: [0.0; N],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let w = &day.load;
        match self.convention {
            Convention::Lagged => lanes!(N, l => {
                self.q[l] = self.e3[l] * self.q[l] + w[l];
                self.g[l] = self.e1[l] * (self.g[l] + self.pending_w[l]);
                self.f[l] = self.e2[l] * (self.f[l] + self.pending_kw[l]);
                self.pending_w[l] = w[l];
                self.pending_kw[l] = self.k3[l] * self.q[l] * w[l];
            }),
            Convention::SameDay => lanes!(N, l => {
                self.q[l] = self.e3[l] * self.q[l] + w[l];
                self.g[l] = self.e1[l] * self.g[l] + w[l];
                self.f[l] = self.e2[l] * self.f[l] + self.k3[l] * self.q[l] * w[l];
            }),
        }
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        super::lanes_from(|l| self.p0[l] + self.k1[l] * self.g[l] - self.f[l])
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        self.g
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        self.f
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.g[l], self.f[l], self.k3[l] * self.q[l], self.performance()[l]]);
    }
    /// q = w / (1 - e3), so k2 = k3 q; lagged: g = e1 w / (1 - e1), f = e2 k2 w / (1 - e2) with
    /// w and k2 w pending; same-day: g = w / (1 - e1), f = k2 w / (1 - e2).
    fn settle(&mut self, w: f64, _easy: f64) {
        lanes!(N, l => {
            let (e1, e2) = (self.e1[l], self.e2[l]);
            self.q[l] = w / (1.0 - self.e3[l]);
            let kw = self.k3[l] * self.q[l] * w;
            match self.convention {
                Convention::Lagged => {
                    self.g[l] = e1 * w / (1.0 - e1);
                    self.f[l] = e2 * kw / (1.0 - e2);
                    self.pending_w[l] = w;
                    self.pending_kw[l] = kw;
                }
                Convention::SameDay => {
                    self.g[l] = w / (1.0 - e1);
                    self.f[l] = kw / (1.0 - e2);
                }
            }
        });
    }
}
