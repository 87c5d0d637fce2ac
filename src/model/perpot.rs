//! Perl's performance-potential metamodel, PerPot (Perl 2001; Pfeiffer 2008).
//!
//! Each day's load u = w/scale fills a strain potential SP and a response potential RP, which
//! flow into the performance potential PP with delays ds and dr:
//!
//! SP += u; RP += u;
//! SR = min(1, SP, max(0, PP)) / ds;  RR = min(1, RP, 1 - PP) / dr;
//! OR = max(0, SP - 1) / dso   (0 when dso = 0);
//! SP -= SR + OR; RP -= RR; PP += RR - SR - OR.
//!
//! The overflow OR is the model's nonlinearity: strain beyond the potential's capacity (1) drains
//! performance directly, so loads bunched on consecutive days, which a linear model would only
//! re-weight, can collapse performance. A day's load counts on that day; the lagged/same-day
//! convention does not apply. The row of day t shows the states after day t's update.

use super::Model;

#[derive(Clone, Debug, PartialEq)]
pub struct Perpot {
    inv_ds: f64,
    inv_dr: f64,
    inv_dso: f64,
    inv_scale: f64,
    sp: f64,
    rp: f64,
    pp: f64,
}

impl Perpot {
    pub fn new(ds: f64, dr: f64, dso: f64, pp0: f64, scale: f64) -> Self {
        Perpot {
            inv_ds: 1.0 / ds,
            inv_dr: 1.0 / dr,
            inv_dso: if dso == 0.0 { 0.0 } else { 1.0 / dso },
            inv_scale: 1.0 / scale,
            sp: 0.0,
            rp: 0.0,
            pp: pp0,
        }
    }
}

impl Model for Perpot {
    #[inline]
    fn step(&mut self, w: f64) {
        let u = w * self.inv_scale;
        self.sp += u;
        self.rp += u;
        let sr = 1f64.min(self.sp).min(self.pp.max(0.0)) * self.inv_ds;
        let rr = 1f64.min(self.rp).min(1.0 - self.pp) * self.inv_dr;
        let or = (self.sp - 1.0).max(0.0) * self.inv_dso;
        self.sp -= sr + or;
        self.rp -= rr;
        self.pp += rr - sr - or;
    }
    #[inline]
    fn performance(&self) -> f64 {
        self.pp
    }
    fn fitness(&self) -> f64 {
        self.rp
    }
    fn fatigue(&self) -> f64 {
        self.sp
    }
    fn row(&self, out: &mut Vec<f64>) {
        out.extend([self.sp, self.rp, self.pp]);
    }
}
