//! A row's summary: the six metrics' mean, sd and quantiles, and the paired comparison with its
//! reference row (see [`crate::scenario::Compare`]), with the readable verdict built from them.

use crate::scenario::Scenario;
use crate::stats::summarize_columns;

use super::RowResult;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959963984540054;

/// The summary of one row.
#[derive(Clone, Debug)]
pub struct RowSummary {
    /// Per metric (in [`crate::report::METRICS`] order): mean, sd, p05, p50, p95.
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

impl RowSummary {
    /// Summarise a row's per-athlete metrics.
    pub fn new(res: &RowResult) -> Self {
        let m = &res.metrics;
        let n = m.len();
        // The six metrics in two groups of three, in parallel; the values do not depend on it.
        let (a, b) = rayon::join(
            || summarize_columns(n, |i| [m.perf_final[i], m.perf_peak[i], m.peak_day(i)]),
            || summarize_columns(n, |i| [m.load_total(i), m.days_below(i), m.acwr_max(i)]),
        );
        let s = &m.perf_start;
        let gain_pct = (res.relative && n > 0 && s.iter().all(|&x| x > 0.0 && x.is_finite()))
            .then(|| summarize_columns(n, |i| [100.0 * (m.perf_final[i] - s[i]) / s[i]])[0]);
        RowSummary { stats: a.into_iter().chain(b).collect(), athletes: n, plan_days: res.plan_days, comparison: None, gain_pct }
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
}

impl Comparison {
    /// Compare race-day performances `this` with `reference` (same athletes, same order).
    pub fn new(reference: usize, this: &[f64], other: &[f64], reference_mean: f64) -> Self {
        let n = this.len();
        let wins = this.iter().zip(other).filter(|(a, b)| a > b).count();
        let [s] = summarize_columns(n, |i| [this[i] - other[i]]);
        // Percent of the reference level's size, so the sign is the difference's even where the
        // level is negative (a collapsed PerPot potential, a pmc form).
        Comparison { reference, wins, athletes: n, diff_mean: s[0], diff_sd: s[1], diff_pct: 100.0 * s[0] / reference_mean.abs() }
    }

    /// The share of athletes better in this row than in the reference.
    pub fn win_rate(&self) -> f64 {
        self.wins as f64 / self.athletes as f64
    }

    /// The Wilson score 95% interval of the win rate.
    pub fn win_rate_ci(&self) -> (f64, f64) {
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

/// The verdict of a compared row, e.g.
/// `clustered vs spread (key_workouts=3): -8.2 (-2.9%, 95% CI -8.4 to -8.0), better for 4% of athletes`.
pub fn verdict_line(sc: &Scenario, i: usize, c: &Comparison) -> String {
    let d = c.decimals();
    let (lo, hi) = c.diff_ci();
    let ci = if lo.is_finite() { format!(", 95% CI {} to {}", signed(lo, d), signed(hi, d)) } else { String::new() };
    let who = match sc.diff_parts(i) {
        Some((a, b, same)) if !same.is_empty() => format!("{a} vs {b} ({same})"),
        Some((a, b, _)) => format!("{a} vs {b}"),
        None => sc.short_label(i),
    };
    format!(
        "{who}: {} ({}%{ci}), better for {} of athletes",
        signed(c.diff_mean, d),
        signed(c.diff_pct, pct_decimals(c)),
        percent(c.win_rate(), c.athletes)
    )
}

/// Decimals of the percent difference: the same relative precision as the difference.
pub fn pct_decimals(c: &Comparison) -> usize {
    let (lo, hi) = c.diff_ci();
    let ratio = if c.diff_mean != 0.0 { (c.diff_pct / c.diff_mean).abs() } else { 0.0 };
    decimals_for((hi - lo) / 2.0 * ratio)
}

/// The verdict lines of a run: every compared row, or with more than `max` compared rows the
/// three best and three worst by mean difference, and a line counting the rest.
pub fn verdict(sc: &Scenario, rows: &[RowSummary], max: usize) -> Vec<String> {
    let compared: Vec<(usize, &Comparison)> = rows.iter().enumerate().filter_map(|(i, r)| r.comparison.as_ref().map(|c| (i, c))).collect();
    if compared.len() <= max {
        return compared.iter().map(|(i, c)| verdict_line(sc, *i, c)).collect();
    }
    let mut by_diff = compared.clone();
    by_diff.sort_by(|a, b| b.1.diff_pct.total_cmp(&a.1.diff_pct));
    let mut out = vec![format!("{} compared rows; the three best and the three worst by percent difference:", compared.len())];
    out.extend(by_diff[..3].iter().map(|(i, c)| format!("  best:  {}", verdict_line(sc, *i, c))));
    out.extend(by_diff[by_diff.len() - 3..].iter().map(|(i, c)| format!("  worst: {}", verdict_line(sc, *i, c))));
    let ahead = compared.iter().filter(|(_, c)| c.diff_ci().0 > 0.0).count();
    let behind = compared.iter().filter(|(_, c)| c.diff_ci().1 < 0.0).count();
    out.push(format!(
        "  {ahead} rows are ahead of their reference and {behind} behind (95% CI excludes 0); {} are within noise; see summary.csv",
        compared.len() - ahead - behind
    ));
    out
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
            let c = Comparison { reference: 0, wins, athletes: n, diff_mean: 0.0, diff_sd: 0.0, diff_pct: 0.0 };
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
