//! For whom a plan wins (`run --who-wins`): for each comparison and each parameter the
//! population draws, the Spearman correlation of the parameter with the athletes' paired
//! race-day differences, and in each fifth of the athletes ordered by that parameter the shares
//! better and worse than the smallest worthwhile change.

use super::RunResult;
use crate::output::short;

/// One parameter's fifth of the athletes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quintile {
    /// The lowest and highest value of the parameter in this fifth.
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// Athletes of this fifth better than +swc.
    pub better_share: f64,
    /// Athletes of this fifth worse than -swc.
    pub worse_share: f64,
    /// Their mean paired difference, percent of the reference's mean race-day performance.
    pub diff_pct_mean: f64,
}

/// One comparison and one drawn parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct WhoWins {
    /// The compared row.
    pub row: usize,
    /// The comparison, as verdicts.csv names it (with ` | MODEL` under `[compare] models`).
    pub comparison: String,
    /// The parameter.
    pub param: &'static str,
    /// Spearman's rank correlation of the parameter with the paired difference.
    pub spearman: f64,
    /// The five fifths, lowest values first.
    pub quintiles: [Quintile; 5],
}

/// Ranks from 1, ties at their average rank.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rho: Pearson's correlation of the ranks (NaN when either side is constant).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx > 0.0 && syy > 0.0 { sxy / (sxx * syy).sqrt() } else { f64::NAN }
}

/// Every comparison x drawn parameter of a run kept per athlete (empty otherwise).
pub fn who_wins(r: &RunResult<'_>) -> Vec<WhoWins> {
    let sc = r.scenario;
    let mut out = Vec::new();
    for (i, o) in r.rows.iter().enumerate() {
        let (Some(c), Some(me)) = (o.summary.comparison.as_ref(), o.athletes.as_ref()) else { continue };
        let (Some(params), Some(theirs)) = (me.params.as_ref(), r.rows[c.reference].athletes.as_ref()) else { continue };
        let defs = sc.rows()[i].model().config().kind.params();
        let np = defs.len();
        let n = me.metrics.perf_final.len().min(theirs.metrics.perf_final.len());
        let base = c.base;
        let swc = c.swc_pct / 100.0 * base;
        // Athletes with a finite difference.
        let keep: Vec<usize> = (0..n).filter(|&a| (me.metrics.perf_final[a] - theirs.metrics.perf_final[a]).is_finite()).collect();
        if keep.len() < 10 {
            continue;
        }
        let diff: Vec<f64> = keep.iter().map(|&a| me.metrics.perf_final[a] - theirs.metrics.perf_final[a]).collect();
        let comparison = sc.comparison_name(i);
        for (p, def) in defs.iter().enumerate() {
            let x: Vec<f64> = keep.iter().map(|&a| params[a * np + p]).collect();
            let rho = spearman(&x, &diff);
            if !rho.is_finite() {
                // A fixed parameter: nothing to say.
                continue;
            }
            let mut order: Vec<usize> = (0..x.len()).collect();
            order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
            let quintiles = std::array::from_fn(|k| {
                let part = &order[k * order.len() / 5..(k + 1) * order.len() / 5];
                let m = part.len().max(1) as f64;
                Quintile {
                    low: part.first().map_or(f64::NAN, |&a| x[a]),
                    high: part.last().map_or(f64::NAN, |&a| x[a]),
                    better_share: part.iter().filter(|&&a| diff[a] > swc).count() as f64 / m,
                    worse_share: part.iter().filter(|&&a| diff[a] < -swc).count() as f64 / m,
                    diff_pct_mean: if base > 0.0 { 100.0 * part.iter().map(|&a| diff[a]).sum::<f64>() / m / base } else { f64::NAN },
                }
            });
            out.push(WhoWins { row: i, comparison: comparison.clone(), param: def.name, spearman: rho, quintiles });
        }
    }
    out
}

/// who_wins.csv's columns: one row per comparison, parameter and fifth.
pub const WHO_WINS_HEADER: [&str; 9] = ["comparison", "param", "spearman", "quintile", "param_low", "param_high", "better_share", "worse_share", "diff_pct_mean"];


/// How most athletes of a fifth fare: better or worse than swc for at least half of them.
fn fare(q: &Quintile) -> Option<(&'static str, &'static str, f64)> {
    if q.worse_share >= 0.5 {
        Some(("loses", "worse", q.worse_share))
    } else if q.better_share >= 0.5 {
        Some(("wins", "better", q.better_share))
    } else {
        None
    }
}

/// The strongest parameter of each comparison in words. Where the highest and the lowest fifth
/// fare differently: "clustered vs spread: loses for athletes with tau3 above 4.52 (worse for 71%
/// of them), wins for athletes with tau3 below 4.08 (better for 54% of them) (Spearman -0.83)";
/// where they fare alike, how much the parameter moves the difference: "rest vs easy: loses for
/// most athletes, by 21.3% on average with tau1 above 47.0 and by 14.1% below 38.0 (Spearman
/// -0.83)". Only correlations of at least 0.3 in size are told.
pub fn sentences(all: &[WhoWins]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rows: Vec<usize> = all.iter().map(|w| w.row).collect();
    rows.dedup();
    for row in rows {
        let Some(w) = all.iter().filter(|w| w.row == row).max_by(|a, b| a.spearman.abs().total_cmp(&b.spearman.abs())) else { continue };
        if w.spearman.abs() < 0.3 {
            out.push(format!("{}: no drawn parameter tells who wins (the strongest, {}, has Spearman {:+.2})", w.comparison, w.param, w.spearman));
            continue;
        }
        let (top, bottom) = (&w.quintiles[4], &w.quintiles[0]);
        let (above, below) = (short(top.low), short(bottom.high));
        let text = match (fare(top), fare(bottom)) {
            (Some((verb, _, _)), Some((verb2, _, _))) if verb == verb2 => {
                let by = |q: &Quintile| format!("{:.1}%", q.diff_pct_mean.abs());
                format!("{verb} for most athletes, by {} on average with {} above {above} and by {} below {below}", by(top), w.param, by(bottom))
            }
            (t, b) => {
                let part = |f: Option<(&str, &str, f64)>, q: &Quintile, side: &str, bound: &str| match f {
                    Some((verb, what, share)) => format!("{verb} for athletes with {} {side} {bound} ({what} for {:.0}% of them)", w.param, 100.0 * share),
                    None => format!("is trivial or mixed for athletes with {} {side} {bound} ({:+.2}% on average)", w.param, q.diff_pct_mean),
                };
                format!("{}, {}", part(t, top, "above", &above), part(b, bottom, "below", &below))
            }
        };
        out.push(format!("{}: {text} (Spearman {:+.2})", w.comparison, w.spearman));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_is_one_for_any_increasing_map_and_averages_ties() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y: Vec<f64> = x.iter().map(|v: &f64| v.powi(3) - 7.0).collect();
        assert!((spearman(&x, &y) - 1.0).abs() < 1e-15);
        let rev: Vec<f64> = y.iter().map(|v| -v).collect();
        assert!((spearman(&x, &rev) + 1.0).abs() < 1e-15);
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
        assert!(spearman(&x, &[1.0; 5]).is_nan());
        // A textbook value: ranks (1,2,3,4,5) against (2,1,4,3,5): 1 - 6 * 4 / (5 * 24) = 0.8.
        assert!((spearman(&x, &[2.0, 1.0, 4.0, 3.0, 5.0]) - 0.8).abs() < 1e-12);
    }
}
