//! The adaptive-recovery model: Banister's equations whose fatigue time constant depends on how
//! often the athlete has trained lately. A hypothesis model, not a fitted one: it writes the
//! seed's claim that training more often teaches the body to recover faster as an equation, so
//! that a plan's verdict can be read as a function of the one parameter `a`.
//!
//! - f(t) = the share of the 28 days before day t (t-28 .. t-1) that had a session (load > 0);
//!   days before the first day count as rest, unless a start history or steady load filled them;
//! - tau2(t) = tau2 * exp(-a * (f(t) - 4/7)): 4 sessions a week (16 of 28 days) is neutral;
//! - fatigue decays from day t-1 to day t by e2(t) = e^(-1/tau2(t)), the decay of that day:
//!   lagged h(t) = e2(t) (h(t-1) + w(t-1)), same-day h(t) = e2(t) h(t-1) + w(t), so
//!   h(n) = sum_i w(i) prod_{t=i+1}^{n} e2(t) (i < n lagged, i <= n same-day);
//! - fitness is Banister's, with the fixed tau1; performance = p0 + k1 g - k2 h.
//!
//! a > 0: more frequent training shortens fatigue (the seed's claim); a < 0: lengthens it (Busso
//! et al. 2002 measured that a session's fatigue lasted longer at 5 sessions a week than at 3);
//! a = 0: Banister's model exactly, bit for bit. Nothing published gives a value of a; Busso et
//! al.'s recovery times (0.9 days at 3 sessions a week, 3.6 at 5) point to a < 0.
//!
//! The share takes 29 values (0 to 28 days), so each lane's 29 decays are computed once, with
//! the standard library's exp, when the model is built; a day looks its decay up.

use super::{Convention, Day, LaneModel, ModelConfig, decay, lanes};
use super::{Finite, ModelInfo, NonNegative, Positive, opt, req};

/// The window of days whose sessions set the training frequency.
pub const WINDOW: usize = 28;

/// The neutral frequency: 4 sessions a week.
pub const NEUTRAL: f64 = 4.0 / 7.0;

/// The adaptive-recovery model's registration.
pub const INFO: ModelInfo = ModelInfo {
    name: "adaptive-recovery",
    summary: "hypothesis: Banister's model whose fatigue time constant shortens (a > 0) or lengthens (a < 0) with training frequency",
    params: &[
        req("p0", 0, Finite, 100.0),
        req("k1", 1, NonNegative, 0.075),
        req("k2", 2, NonNegative, 0.15),
        req("tau1", 4, Positive, 42.0),
        req("tau2", 5, Positive, 15.0),
        req("a", 20, Finite, 0.0),
        opt("g0", 7, 0.0, NonNegative),
        opt("h0", 8, 0.0, NonNegative),
    ],
    options: &[],
    columns: &["fitness", "fatigue", "tau2", "performance"],
    has_convention: true,
    baseline_param: Some(0),
    linear: false,
    form_chart: false,
    acwr_column: false,
    avx2_lanes: 8,
    requires: &[],
    fit: None,
};

/// tau2 at a training frequency of `days` of the last 28: tau2 exp(-a (days/28 - 4/7)).
pub fn tau2_at(tau2: f64, a: f64, days: usize) -> f64 {
    tau2 * (-a * (days as f64 / WINDOW as f64 - NEUTRAL)).exp()
}

/// N athletes side by side (structure of arrays).
#[derive(Clone, Debug, PartialEq)]
pub struct AdaptiveRecovery<const N: usize = 1> {
    p0: [f64; N],
    k1: [f64; N],
    k2: [f64; N],
    e1: [f64; N],
    /// e2 at each count of training days in the window: `e2[days][lane]`.
    e2: [[f64; N]; WINDOW + 1],
    /// tau2 and a, for the `tau2` column.
    tau2: [f64; N],
    a: [f64; N],
    convention: Convention,
    g: [f64; N],
    h: [f64; N],
    pending: [f64; N],
    /// The last 28 days, bit 0 the latest: 1 where the day had a session.
    window: [u32; N],
    /// The count of training days behind the latest decay (the `tau2` column's).
    count: [u32; N],
}

const MASK: u32 = (1 << WINDOW) - 1;

impl<const N: usize> AdaptiveRecovery<N> {
    /// Each lane's fatigue time constant on the current day.
    pub fn tau2_now(&self) -> [f64; N] {
        super::lanes_from(|l| tau2_at(self.tau2[l], self.a[l], self.count[l] as usize))
    }
}

impl<const N: usize> LaneModel<N> for AdaptiveRecovery<N> {
    fn from_values(config: &ModelConfig, v: &[[f64; N]]) -> Self {
        let mut e2 = [[0.0; N]; WINDOW + 1];
        for (c, row) in e2.iter_mut().enumerate() {
            for l in 0..N {
                row[l] = decay(tau2_at(v[4][l], v[5][l], c));
            }
        }
        AdaptiveRecovery {
            p0: v[0],
            k1: v[1],
            k2: v[2],
            e1: v[3].map(decay),
            e2,
            tau2: v[4],
            a: v[5],
            convention: config.convention,
            g: v[6],
            h: v[7],
            pending: [0.0; N],
            window: [0; N],
            count: [0; N],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let w = &day.load;
        lanes!(N, l => {
            // The decay into today is set by the 28 days before it; then today joins the window.
            let c = self.window[l].count_ones();
            self.count[l] = c;
            let e2 = self.e2[c as usize][l];
            match self.convention {
                Convention::Lagged => {
                    self.g[l] = self.e1[l] * (self.g[l] + self.pending[l]);
                    self.h[l] = e2 * (self.h[l] + self.pending[l]);
                    self.pending[l] = w[l];
                }
                Convention::SameDay => {
                    self.g[l] = self.e1[l] * self.g[l] + w[l];
                    self.h[l] = e2 * self.h[l] + w[l];
                }
            }
            self.window[l] = ((self.window[l] << 1) | u32::from(w[l] > 0.0)) & MASK;
        });
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
        out.extend([self.g[l], self.h[l], self.tau2_now()[l], self.performance()[l]]);
    }
    /// Under a constant load w > 0 every day has a session, so the window is full and fatigue
    /// settles with tau2 at a frequency of 1 (w = 0: an empty window, no fatigue).
    fn settle(&mut self, w: f64, _easy: f64) {
        let c = if w > 0.0 { WINDOW } else { 0 };
        lanes!(N, l => {
            let (e1, e2) = (self.e1[l], self.e2[c][l]);
            self.window[l] = if w > 0.0 { MASK } else { 0 };
            self.count[l] = c as u32;
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
