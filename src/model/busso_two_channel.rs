//! Busso's variable dose-response model with two load channels: only hard load raises the
//! fatigue gain, while both channels add fitness and fatigue.
//!
//! With w_h and w_e a day's hard and easy load:
//!
//! - k2(i) = k3 * sum_{j<=i} w_h(j) e^(-(i-j)/tau3)  (Busso 2003's gain, driven by hard load only)
//! - fitness(n) = sum_{i<n} (k1 w_h(i) + k1_easy w_e(i)) e^(-(n-i)/tau1)
//! - fatigue(n) = sum_{i<n} (k2(i) w_h(i) + k2_easy w_e(i)) e^(-(n-i)/tau2)
//! - performance = p0 + fitness - fatigue
//!
//! (lagged; `same-day` lets i run to n.) Hard load's fatigue is Busso's, quadratic in the recent
//! hard load; easy load's fatigue has a constant gain, as in Banister's model, and does not make
//! the athlete more sensitive to the next hard session. On a plan without easy load the model is
//! Busso's exactly (performance, fatigue and k2 bit for bit; fitness is written weighted by k1).
//!
//! Sources and departures: Busso (2003) for the variable fatigue gain; Hellard et al. (2005, J
//! Strength Cond Res 19:67-75) for treating loads of different intensity as separate inputs
//! (they related Olympic swimmers' low- and high-intensity loads separately to performance and
//! found different residual effects: long-term for low, intermediate-term for high intensity).
//! Giving easy load a constant fatigue gain and keeping it out of the k2 sum is this model's
//! hypothesis, not a published fit: it is the seed's claim written as an equation, for testing,
//! and its easy gains have no published values.
//!
//! The recursion keeps Busso's states (q, g of all load, f) and g_e of the easy load alone:
//! fitness = k1 g + (k1_easy - k1) g_e.

use super::{Convention, Day, LaneModel, ModelConfig, decay, lanes};
use super::{Finite, ModelInfo, NonNegative, Positive, opt, req};

/// The two-channel Busso model's registration.
pub const INFO: ModelInfo = ModelInfo {
    name: "busso-two-channel",
    summary: "Busso's model in which only hard load raises the fatigue gain; easy load has its own constant gains",
    params: &[
        req("p0", 0, Finite, 100.0),
        req("k1", 1, NonNegative, 0.0181),
        req("k3", 3, NonNegative, 0.00004),
        req("tau1", 4, Positive, 40.0),
        req("tau2", 5, Positive, 8.0),
        req("tau3", 6, Positive, 4.0),
        req("k1_easy", 18, NonNegative, 0.0181),
        req("k2_easy", 19, NonNegative, 0.002),
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
    fit: None,
};

/// N athletes side by side (structure of arrays).
#[derive(Clone, Debug, PartialEq)]
pub struct BussoTwoChannel<const N: usize = 1> {
    p0: [f64; N],
    k1: [f64; N],
    k3: [f64; N],
    /// k1_easy - k1.
    dk1: [f64; N],
    k2e: [f64; N],
    e1: [f64; N],
    e2: [f64; N],
    e3: [f64; N],
    convention: Convention,
    /// Busso's unweighted fitness of all load, and the same sum of the easy load alone.
    g: [f64; N],
    ge: [f64; N],
    /// Fatigue, already weighted by its gains.
    f: [f64; N],
    /// The recent hard load: k2 = k3 q.
    q: [f64; N],
    /// The previous day's load, easy load and gain-weighted fatigue load (lagged convention).
    pending_w: [f64; N],
    pending_e: [f64; N],
    pending_kw: [f64; N],
}

impl<const N: usize> LaneModel<N> for BussoTwoChannel<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        BussoTwoChannel {
            p0: v[0],
            k1: v[1],
            k3: v[2],
            e1: v[3].map(decay),
            e2: v[4].map(decay),
            e3: v[5].map(decay),
            dk1: super::lanes_from(|l| v[6][l] - v[1][l]),
            k2e: v[7],
            convention: config.convention,
            g: v[8],
            ge: [0.0; N],
            f: v[9],
            q: [0.0; N],
            pending_w: [0.0; N],
            pending_e: [0.0; N],
            pending_kw: [0.0; N],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let (w, we) = (&day.load, &day.easy);
        match self.convention {
            Convention::Lagged => lanes!(N, l => {
                let wh = w[l] - we[l];
                self.q[l] = self.e3[l] * self.q[l] + wh;
                self.g[l] = self.e1[l] * (self.g[l] + self.pending_w[l]);
                self.ge[l] = self.e1[l] * (self.ge[l] + self.pending_e[l]);
                self.f[l] = self.e2[l] * (self.f[l] + self.pending_kw[l]);
                self.pending_w[l] = w[l];
                self.pending_e[l] = we[l];
                self.pending_kw[l] = self.k3[l] * self.q[l] * wh + self.k2e[l] * we[l];
            }),
            Convention::SameDay => lanes!(N, l => {
                let wh = w[l] - we[l];
                self.q[l] = self.e3[l] * self.q[l] + wh;
                self.g[l] = self.e1[l] * self.g[l] + w[l];
                self.ge[l] = self.e1[l] * self.ge[l] + we[l];
                self.f[l] = self.e2[l] * self.f[l] + (self.k3[l] * self.q[l] * wh + self.k2e[l] * we[l]);
            }),
        }
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        let fit = self.fitness();
        super::lanes_from(|l| self.p0[l] + fit[l] - self.f[l])
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        super::lanes_from(|l| self.k1[l] * self.g[l] + self.dk1[l] * self.ge[l])
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        self.f
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.fitness()[l], self.f[l], self.k3[l] * self.q[l], self.performance()[l]]);
    }
    /// Busso's steady state for the hard part w - e, with the easy part's constant-gain terms.
    fn settle(&mut self, w: f64, e: f64) {
        lanes!(N, l => {
            let (e1, e2) = (self.e1[l], self.e2[l]);
            let wh = w - e;
            self.q[l] = wh / (1.0 - self.e3[l]);
            let kw = self.k3[l] * self.q[l] * wh + self.k2e[l] * e;
            match self.convention {
                Convention::Lagged => {
                    self.g[l] = e1 * w / (1.0 - e1);
                    self.ge[l] = e1 * e / (1.0 - e1);
                    self.f[l] = e2 * kw / (1.0 - e2);
                    self.pending_w[l] = w;
                    self.pending_e[l] = e;
                    self.pending_kw[l] = kw;
                }
                Convention::SameDay => {
                    self.g[l] = w / (1.0 - e1);
                    self.ge[l] = e / (1.0 - e1);
                    self.f[l] = kw / (1.0 - e2);
                }
            }
        });
    }
}
