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

use super::{Day, LaneModel, ModelConfig, lanes};
use super::{ModelInfo, NonNegative, ParamDef, Positive, Unit, opt, req};
/// PerPot's registration (`scale` divides the loads; 250 suits loads of about 100 a session).
pub const INFO: ModelInfo = ModelInfo {
    name: "perpot",
    summary: "Perl's performance-potential metamodel with overflow",
    params: &[
        req("ds", 13, Positive, 2.75),
        req("dr", 14, Positive, 4.0),
        req("dso", 15, NonNegative, 3.0),
        opt("pp0", 16, 0.0, Unit),
        ParamDef { name: "scale", slot: 17, default: Some(1.0), constraint: Positive, typical: 250.0 },
    ],
    options: &[],
    columns: &["strain", "response", "performance"],
    has_convention: false,
    baseline_param: Some(3),
    linear: false,
    form_chart: false,
    acwr_column: false,
    avx2_lanes: 16,
    requires: &[],
    fit: None,
};

/// N athletes side by side (structure of arrays); `Perpot` (N = 1) is one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct Perpot<const N: usize = 1> {
    ds: [f64; N],
    dr: [f64; N],
    inv_dso: [f64; N],
    scale: [f64; N],
    sp: [f64; N],
    rp: [f64; N],
    pp: [f64; N],
}

impl Perpot {
    /// One athlete; the error names the first value out of range.
    pub fn new(ds: f64, dr: f64, dso: f64, pp0: f64, scale: f64) -> Result<Self, String> {
        Self::try_from_values(&ModelConfig::new(super::ModelKind::Perpot), &[[ds], [dr], [dso], [pp0], [scale]])
    }
}

impl<const N: usize> LaneModel<N> for Perpot<N> {
    fn from_values(_: &ModelConfig, v: &[[f64; N]]) -> Self {
        Perpot {
            ds: v[0],
            dr: v[1],
            inv_dso: v[2].map(|d| if d == 0.0 { 0.0 } else { 1.0 / d }),
            scale: v[4],
            sp: [0.0; N],
            rp: [0.0; N],
            pp: v[3],
        }
    }

    #[inline(always)]
    fn step(&mut self, day: &Day<N>) {
        let w = &day.load;
        lanes!(N, l => {
            let u = w[l] / self.scale[l];
            self.sp[l] += u;
            self.rp[l] += u;
            let sr = 1f64.min(self.sp[l]).min(self.pp[l].max(0.0)) / self.ds[l];
            let rr = 1f64.min(self.rp[l]).min(1.0 - self.pp[l]) / self.dr[l];
            let or = (self.sp[l] - 1.0).max(0.0) * self.inv_dso[l];
            self.sp[l] -= sr + or;
            self.rp[l] -= rr;
            self.pp[l] += rr - sr - or;
        });
    }

    #[inline(always)]
    fn performance(&self) -> [f64; N] {
        self.pp
    }
    #[inline(always)]
    fn fitness(&self) -> [f64; N] {
        self.rp
    }
    #[inline(always)]
    fn fatigue(&self) -> [f64; N] {
        self.sp
    }
    fn row(&self, l: usize, out: &mut Vec<f64>) {
        out.extend([self.sp[l], self.rp[l], self.pp[l]]);
    }
    /// PerPot has no closed-form steady state: performance is neutral (any level where strain
    /// and response flows balance is steady), so the state is the one the athlete reaches from
    /// pp0 under load w, found by stepping until no state changes (to 1e-15 relative, at most
    /// 100,000 days; the flows settle geometrically with rate 1 - 1/max(ds, dr)).
    fn settle(&mut self, w: f64, _easy: f64) {
        // Each lane stops at its own convergence, so an athlete's start does not depend on the
        // athletes beside it in the block (or on how many lanes the block has).
        let load = Day::single([w; N]);
        let mut done = [false; N];
        for _ in 0..100_000 {
            let before = (self.sp, self.rp, self.pp);
            self.step(&load);
            let mut all = true;
            for l in 0..N {
                if done[l] {
                    (self.sp[l], self.rp[l], self.pp[l]) = (before.0[l], before.1[l], before.2[l]);
                    continue;
                }
                let d = (self.sp[l] - before.0[l]).abs() + (self.rp[l] - before.1[l]).abs() + (self.pp[l] - before.2[l]).abs();
                if d > 1e-15 * (1.0 + self.sp[l].abs() + self.rp[l].abs() + self.pp[l].abs()) {
                    all = false;
                } else {
                    done[l] = true;
                }
            }
            if all {
                break;
            }
        }
    }
}
