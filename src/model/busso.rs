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
//! - q(i) = e^(-1/tau3) q(i-1) + w(i)            (so k2(i) = k3 q(i); includes day i in both conventions)
//! - lagged:   g(n) = e1 (g(n-1) + w(n-1)),  f(n) = e2 (f(n-1) + k2(n-1) w(n-1))
//! - same-day: g(n) = e1 g(n-1) + w(n),      f(n) = e2 f(n-1) + k2(n) w(n)
//!
//! Because fatigue is quadratic in load, clustering hard days raises k2 on exactly the days that
//! carry the most load: here, unlike in Banister's model, spacing within a week matters.
//! Under a constant daily load w the model settles at
//! p*(w) = p0 + A w - B w^2, an inverted U with its best load at w* = A / (2B) (see
//! [`Busso::steady_state`]).

use super::{Convention, Model, decay};

#[derive(Clone, Debug, PartialEq)]
pub struct Busso {
    pub p0: f64,
    pub k1: f64,
    pub k3: f64,
    e1: f64,
    e2: f64,
    e3: f64,
    convention: Convention,
    g: f64,
    f: f64,
    q: f64,
    /// The previous day's load and its k2-weighted load, carried for the lagged convention.
    pending_w: f64,
    pending_kw: f64,
}

impl Busso {
    pub fn new(p0: f64, k1: f64, k3: f64, tau1: f64, tau2: f64, tau3: f64, convention: Convention) -> Self {
        Busso {
            p0,
            k1,
            k3,
            e1: decay(tau1),
            e2: decay(tau2),
            e3: decay(tau3),
            convention,
            g: 0.0,
            f: 0.0,
            q: 0.0,
            pending_w: 0.0,
            pending_kw: 0.0,
        }
    }

    pub fn with_initial(mut self, g0: f64, h0: f64) -> Self {
        self.g = g0;
        self.f = h0;
        self
    }

    /// The fatigue gain k2 of the current day (it includes the current day's load).
    pub fn k2(&self) -> f64 {
        self.k3 * self.q
    }

    /// The steady state under a constant daily load: `(A, B)` with p*(w) = p0 + A w - B w^2.
    ///
    /// lagged: A = k1 e1/(1-e1), B = k3 e2 / ((1-e2)(1-e3));
    /// same-day: A = k1/(1-e1), B = k3 / ((1-e2)(1-e3)). The best constant load is A/(2B) and the
    /// best steady performance p0 + A^2/(4B).
    pub fn steady_state(&self) -> (f64, f64) {
        let c3 = 1.0 / (1.0 - self.e3);
        match self.convention {
            Convention::Lagged => {
                (self.k1 * self.e1 / (1.0 - self.e1), self.k3 * self.e2 / (1.0 - self.e2) * c3)
            }
            Convention::SameDay => (self.k1 / (1.0 - self.e1), self.k3 / (1.0 - self.e2) * c3),
        }
    }

    /// The constant daily load that maximises steady-state performance, A/(2B) (infinite when k3 = 0).
    pub fn best_constant_load(&self) -> f64 {
        let (a, b) = self.steady_state();
        a / (2.0 * b)
    }
}

impl Model for Busso {
    #[inline]
    fn step(&mut self, w: f64) {
        self.q = self.e3 * self.q + w;
        let kw = self.k3 * self.q * w;
        match self.convention {
            Convention::Lagged => {
                self.g = self.e1 * (self.g + self.pending_w);
                self.f = self.e2 * (self.f + self.pending_kw);
                self.pending_w = w;
                self.pending_kw = kw;
            }
            Convention::SameDay => {
                self.g = self.e1 * self.g + w;
                self.f = self.e2 * self.f + kw;
            }
        }
    }
    #[inline]
    fn performance(&self) -> f64 {
        self.p0 + self.k1 * self.g - self.f
    }
    fn fitness(&self) -> f64 {
        self.g
    }
    fn fatigue(&self) -> f64 {
        self.f
    }
    fn row(&self, out: &mut Vec<f64>) {
        out.extend([self.g, self.f, self.k2(), self.performance()]);
    }
}
