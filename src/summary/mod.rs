//! A row's summary: the nine metrics' mean, sd and quantiles, and the paired comparison with its
//! reference row (the scenario's `[compare]`), as plain numbers; [`columns`] is the one
//! table of summary.csv's columns (name, unit, description, how each is computed), which every
//! writer, chart, the report, `optimize` and scenario validation read.
//!
//! This module sits low in the crate: it knows statistics, not scenarios or the engine, so that
//! scenario validation can check an `[optimize]` column name against the same table.

pub mod columns;

use crate::stats::summarize_columns;

pub use columns::{COLUMNS, Column, RowFigures, Value};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959963984540054;

/// The summary of one row.
#[derive(Clone, Debug)]
pub struct RowSummary {
    /// Per metric (in [`METRICS`] order): mean, sd, p05, p50, p95.
    pub stats: Vec<[f64; 5]>,
    /// Athletes in the row.
    pub athletes: usize,
    /// The plan's length in days.
    pub plan_days: usize,
    /// The paired comparison with the reference row; None for a reference row.
    pub comparison: Option<Comparison>,
    /// The per-athlete gain in percent, 100 (race day - start) / start: mean, sd, p05, p50,
    /// p95; None where it means nothing (pmc's form, or a start at or below 0).
    pub gain_pct: Option<[f64; 5]>,
}

/// The nine metrics of one row as columns, in [`METRICS`] order, for [`RowSummary::new`].
pub trait MetricColumns: Sync {
    /// Number of athletes.
    fn len(&self) -> usize;
    /// Whether there are no athletes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Athlete i's value of metric k (in [`METRICS`] order).
    fn metric(&self, k: usize, i: usize) -> f64;
    /// Athlete i's performance at the start of the plan.
    fn start(&self, i: usize) -> f64;
}

/// The nine per-athlete metrics, in summary order.
pub const METRICS: [&str; 9] = ["perf_final", "perf_peak", "peak_day", "load_total", "days_below", "acwr_max", "fitness_race", "fatigue_race", "ramp_max"];

impl RowSummary {
    /// Summarise a row's per-athlete metrics; `relative`: whether performance is a level a
    /// relative gain makes sense of (not pmc's form).
    pub fn new(m: &impl MetricColumns, plan_days: usize, relative: bool) -> Self {
        let n = m.len();
        // The nine metrics in three groups of three, in parallel; the values do not depend on it.
        let ((a, b), c) = rayon::join(
            || {
                rayon::join(
                    || summarize_columns(n, |i| [m.metric(0, i), m.metric(1, i), m.metric(2, i)]),
                    || summarize_columns(n, |i| [m.metric(3, i), m.metric(4, i), m.metric(5, i)]),
                )
            },
            || summarize_columns(n, |i| [m.metric(6, i), m.metric(7, i), m.metric(8, i)]),
        );
        let all_positive = (0..n).all(|i| {
            let x = m.start(i);
            x > 0.0 && x.is_finite()
        });
        let gain_pct = (relative && n > 0 && all_positive).then(|| {
            summarize_columns(n, |i| {
                let s = m.start(i);
                [100.0 * (m.metric(0, i) - s) / s]
            })[0]
        });
        RowSummary { stats: a.into_iter().chain(b).chain(c).collect(), athletes: n, plan_days, comparison: None, gain_pct }
    }

    /// Mean race-day performance.
    pub fn perf_final_mean(&self) -> f64 {
        self.stats[0][0]
    }
}

/// The paired comparison of a row with its reference: athlete i against athlete i.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The reference row's index.
    pub reference: usize,
    /// Athletes strictly better in this row than in the reference.
    pub wins: usize,
    /// Athletes compared.
    pub athletes: usize,
    /// Mean and sd of the per-athlete difference (this row minus the reference).
    pub diff_mean: f64,
    /// The sd of the per-athlete difference.
    pub diff_sd: f64,
    /// 100 * diff_mean / |the reference's mean race-day performance|.
    pub diff_pct: f64,
    /// The smallest worthwhile change, in percent of the reference's mean race-day performance
    /// (`[compare] swc`).
    pub swc_pct: f64,
    /// Athletes whose paired difference is above +swc.
    pub better: usize,
    /// Athletes whose paired difference is below -swc.
    pub worse: usize,
    /// |the reference's mean race-day performance|, the base of every percent.
    pub base: f64,
    /// With `[run] race_time`: the mean and sd of each athlete's race-time difference in
    /// seconds (this row minus the reference; negative is faster). None without it, or where a
    /// performance is not above 0 (a time needs a speed or a power).
    pub seconds: Option<(f64, f64)>,
}

/// What a comparison means against the smallest worthwhile change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The 95% interval of the difference lies above +swc.
    Better,
    /// It lies below -swc.
    Worse,
    /// It lies inside [-swc, +swc]: whichever way, the difference does not matter.
    Trivial,
    /// It straddles +swc or -swc: more athletes are needed to tell.
    Unclear,
}

impl Verdict {
    /// `better`, `worse`, `trivial` or `unclear` (summary.csv's `verdict`).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Trivial => "trivial",
            Verdict::Unclear => "unclear",
        }
    }
}

impl Comparison {
    /// Compare race-day performances `this` with `reference` (same athletes, same order).
    /// `swc_pct` is the smallest worthwhile change in percent of the reference's mean; `level`
    /// says whether performance has a level that percents can be taken of (not a form, TSB,
    /// whose zero is arbitrary: then every percent, share and verdict is left undefined).
    ///
    /// Rows whose athletes are all identical (pmc, fixed values without noise) are one athlete:
    /// `athletes` is 1, and there is no win rate and no interval.
    ///
    /// `race` is `[run] race_time` (seconds, exponent): each athlete's time changes from the
    /// race time to race_time x (reference / this)^exponent.
    pub fn new(reference: usize, this: &[f64], other: &[f64], reference_mean: f64, swc_pct: f64, level: bool, race: Option<(f64, f64)>) -> Self {
        let identical = this.len() > 1 && this.iter().all(|x| x.to_bits() == this[0].to_bits()) && other.iter().all(|x| x.to_bits() == other[0].to_bits());
        let (this, other) = if identical { (&this[..1], &other[..1]) } else { (this, other) };
        let n = this.len();
        let wins = this.iter().zip(other).filter(|(a, b)| a > b).count();
        let [s] = summarize_columns(n, |i| [this[i] - other[i]]);
        // Percent of the reference level's size, so the sign is the difference's even where the
        // level is negative (a collapsed PerPot potential).
        let base = if level { reference_mean.abs() } else { f64::NAN };
        let threshold = swc_pct / 100.0 * base;
        let better = this.iter().zip(other).filter(|(a, b)| *a - *b > threshold).count();
        let worse = this.iter().zip(other).filter(|(a, b)| *a - *b < -threshold).count();
        let seconds = race.filter(|_| this.iter().chain(other).all(|x| *x > 0.0)).map(|(t, e)| {
            let [d] = summarize_columns(n, |i| [t * ((other[i] / this[i]).powf(e) - 1.0)]);
            (d[0], d[1])
        });
        Comparison { reference, wins, athletes: n, diff_mean: s[0], diff_sd: s[1], diff_pct: 100.0 * s[0] / base, swc_pct, better, worse, base, seconds }
    }

    /// The share of athletes whose difference is above +swc.
    pub fn better_share(&self) -> f64 {
        if self.has_level() { self.better as f64 / self.athletes as f64 } else { f64::NAN }
    }

    /// The share of athletes whose difference is below -swc.
    pub fn worse_share(&self) -> f64 {
        if self.has_level() { self.worse as f64 / self.athletes as f64 } else { f64::NAN }
    }

    /// The share of athletes whose difference lies within +/-swc.
    pub fn trivial_share(&self) -> f64 {
        if self.has_level() { (self.athletes - self.better - self.worse) as f64 / self.athletes as f64 } else { f64::NAN }
    }

    /// The 95% interval of the mean race-time difference in seconds (NaN without race_time or
    /// for one athlete).
    pub fn seconds_ci(&self) -> (f64, f64) {
        match self.seconds {
            Some((m, sd)) if self.athletes > 1 => {
                let half = Z95 * sd / (self.athletes as f64).sqrt();
                (m - half, m + half)
            }
            _ => (f64::NAN, f64::NAN),
        }
    }

    /// The 95% interval of the mean difference in percent of the reference's mean.
    pub fn diff_pct_ci(&self) -> (f64, f64) {
        let (lo, hi) = self.diff_ci();
        (100.0 * lo / self.base, 100.0 * hi / self.base)
    }

    /// The verdict against the smallest worthwhile change, from the 95% interval of the percent
    /// difference (from the difference itself where there is no interval: one athlete). None
    /// without a level to take percents of (a form).
    pub fn verdict(&self) -> Option<Verdict> {
        if !self.has_level() {
            return None;
        }
        let (lo, hi) = self.diff_pct_ci();
        let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (self.diff_pct, self.diff_pct) };
        Some(if !(lo.is_finite() && hi.is_finite()) {
            Verdict::Unclear
        } else if lo > self.swc_pct {
            Verdict::Better
        } else if hi < -self.swc_pct {
            Verdict::Worse
        } else if lo >= -self.swc_pct && hi <= self.swc_pct {
            Verdict::Trivial
        } else {
            Verdict::Unclear
        })
    }

    /// The share of athletes better in this row than in the reference (NaN for one athlete:
    /// a share of one says nothing a difference does not).
    pub fn win_rate(&self) -> f64 {
        if self.athletes > 1 { self.wins as f64 / self.athletes as f64 } else { f64::NAN }
    }

    /// Whether performance has a level to take percents of (see [`Comparison::new`]).
    pub fn has_level(&self) -> bool {
        self.base.is_finite()
    }

    /// The Wilson score 95% interval of the win rate.
    pub fn win_rate_ci(&self) -> (f64, f64) {
        if self.athletes <= 1 {
            return (f64::NAN, f64::NAN);
        }
        let n = self.athletes as f64;
        let p = self.win_rate();
        let z2 = Z95 * Z95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }

    /// The normal-approximation 95% interval of the mean difference (NaN for one athlete).
    pub fn diff_ci(&self) -> (f64, f64) {
        let half = if self.athletes > 1 { Z95 * self.diff_sd / (self.athletes as f64).sqrt() } else { f64::NAN };
        (self.diff_mean - half, self.diff_mean + half)
    }

    /// Decimals that show the difference to the precision its interval supports: one
    /// significant digit of the interval's half-width (at least 0, at most 6).
    pub fn decimals(&self) -> usize {
        let (lo, hi) = self.diff_ci();
        decimals_for((hi - lo) / 2.0)
    }
}

/// Decimals that show one significant digit of `half_width` (0 to 6).
pub fn decimals_for(half_width: f64) -> usize {
    if !(half_width.is_finite() && half_width > 0.0) {
        return 2;
    }
    (-half_width.log10().floor()).clamp(0.0, 6.0) as usize
}

/// A signed number with `d` decimals, `-0` shown as `0`.
pub fn signed(x: f64, d: usize) -> String {
    let s = format!("{x:+.d$}");
    if s.trim_start_matches(['+', '-']).chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s }
}

/// A share as a percentage with no more decimals than n supports.
pub fn percent(p: f64, athletes: usize) -> String {
    let d = if athletes >= 100_000 { 1 } else { 0 };
    format!("{:.d$}%", 100.0 * p)
}

/// Decimals of the percent difference: the same relative precision as the difference.
pub fn pct_decimals(c: &Comparison) -> usize {
    let (lo, hi) = c.diff_ci();
    let ratio = if c.diff_mean != 0.0 { (c.diff_pct / c.diff_mean).abs() } else { 0.0 };
    decimals_for((hi - lo) / 2.0 * ratio)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Wilson interval is the set of proportions pi that a score test does not reject:
    /// |p - pi| <= z sqrt(pi (1 - pi) / n). Find its ends by bisection, independently of the
    /// closed form.
    fn score_interval(wins: usize, n: usize) -> (f64, f64) {
        let p = wins as f64 / n as f64;
        let inside = |pi: f64| (p - pi).abs() <= Z95 * (pi * (1.0 - pi) / n as f64).sqrt();
        let edge = |mut out: f64, mut inn: f64| {
            for _ in 0..200 {
                let mid = 0.5 * (out + inn);
                if inside(mid) { inn = mid } else { out = mid }
            }
            inn
        };
        let lo = if inside(0.0) { 0.0 } else { edge(0.0, p) };
        let hi = if inside(1.0) { 1.0 } else { edge(1.0, p) };
        (lo, hi)
    }

    #[test]
    fn wilson_interval_is_the_score_test_interval() {
        for (wins, n) in [(40, 100), (0, 50), (50, 50), (1, 3), (9_990, 10_000), (1234, 2000)] {
            let c = Comparison { reference: 0, wins, athletes: n, diff_mean: 0.0, diff_sd: 0.0, diff_pct: 0.0, swc_pct: 0.5, better: 0, worse: 0, base: 1.0, seconds: None };
            let (lo, hi) = c.win_rate_ci();
            let (a, b) = score_interval(wins, n);
            assert!((lo - a).abs() < 1e-9 && (hi - b).abs() < 1e-9, "{wins}/{n}: {lo} {hi} vs {a} {b}");
        }
    }

    #[test]
    fn decimals_follow_the_half_width() {
        assert_eq!(decimals_for(0.2), 1);
        assert_eq!(decimals_for(0.085), 2);
        assert_eq!(decimals_for(3.0), 0);
        assert_eq!(decimals_for(f64::NAN), 2);
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(8.25, 1), "+8.2");
    }
}
