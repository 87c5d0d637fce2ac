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

use super::{Convention, Model, decay};

#[derive(Clone, Debug, PartialEq)]
pub struct Banister {
    pub p0: f64,
    pub k1: f64,
    pub k2: f64,
    e1: f64,
    e2: f64,
    convention: Convention,
    g: f64,
    h: f64,
    /// The load of the previous day, carried for the lagged convention.
    pending: f64,
}

impl Banister {
    pub fn new(p0: f64, k1: f64, k2: f64, tau1: f64, tau2: f64, convention: Convention) -> Self {
        Banister { p0, k1, k2, e1: decay(tau1), e2: decay(tau2), convention, g: 0.0, h: 0.0, pending: 0.0 }
    }

    pub fn with_initial(mut self, g0: f64, h0: f64) -> Self {
        self.g = g0;
        self.h = h0;
        self
    }
}

impl Model for Banister {
    #[inline]
    fn step(&mut self, w: f64) {
        match self.convention {
            Convention::Lagged => {
                self.g = self.e1 * (self.g + self.pending);
                self.h = self.e2 * (self.h + self.pending);
                self.pending = w;
            }
            Convention::SameDay => {
                self.g = self.e1 * self.g + w;
                self.h = self.e2 * self.h + w;
            }
        }
    }
    #[inline]
    fn performance(&self) -> f64 {
        self.p0 + self.k1 * self.g - self.k2 * self.h
    }
    fn fitness(&self) -> f64 {
        self.g
    }
    fn fatigue(&self) -> f64 {
        self.h
    }
    fn row(&self, out: &mut Vec<f64>) {
        out.extend([self.g, self.h, self.performance()]);
    }
}
