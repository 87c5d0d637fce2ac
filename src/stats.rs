//! Small statistics: the normal CDF, quantiles, and summaries.

/// The standard normal CDF, Phi(x) = erfc(-x / sqrt 2) / 2, with erfc from W. J. Cody's rational
/// Chebyshev approximation as given in Numerical Recipes (erfcc, fractional error < 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t * (-z * z - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
        .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The q-quantile of `x` (type 7, as numpy's default linear interpolation). Reorders `x`.
pub fn quantile(x: &mut [f64], q: f64) -> f64 {
    let n = x.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let (_, a, right) = x.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    if lo + 1 >= n {
        return a;
    }
    let b = right.iter().copied().fold(f64::INFINITY, f64::min);
    a + (h - lo as f64) * (b - a)
}

/// Several quantiles at once (ascending `qs`), each exactly as [`quantile`] computes it, with the
/// selections nested so that each one searches only the part the previous one left.
pub fn quantiles<const K: usize>(x: &mut [f64], qs: [f64; K]) -> [f64; K] {
    let n = x.len();
    let mut out = [f64::NAN; K];
    if n == 0 {
        return out;
    }
    if let Some(q) = counted_quantiles(x, qs) {
        return q;
    }
    // Select every needed order statistic (lo and lo + 1 of each q), left to right, each within
    // the slice to the right of the previous one.
    let mut ranks: Vec<usize> = Vec::with_capacity(2 * K);
    for q in qs {
        let lo = ((n - 1) as f64 * q).floor() as usize;
        ranks.push(lo);
        ranks.push((lo + 1).min(n - 1));
    }
    let mut order: Vec<usize> = ranks.clone();
    order.sort_unstable();
    order.dedup();
    let mut start = 0;
    for &r in &order {
        if r >= start {
            x[start..].select_nth_unstable_by(r - start, f64::total_cmp);
            start = r + 1;
        }
    }
    for (k, q) in qs.iter().enumerate() {
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as usize;
        let (a, b) = (x[lo], x[(lo + 1).min(n - 1)]);
        out[k] = if lo + 1 >= n { a } else { a + (h - lo as f64) * (b - a) };
    }
    out
}

/// Counts instead of selection when every value is a small non-negative integer (days, counts):
/// the same order statistics, found in one pass. None when the values are not such integers.
fn counted_quantiles<const K: usize>(x: &[f64], qs: [f64; K]) -> Option<[f64; K]> {
    const LIMIT: f64 = 1_048_576.0;
    if x.len() < 4096 || !x.iter().all(|&v| (0.0..LIMIT).contains(&v) && v.fract() == 0.0) {
        return None;
    }
    let top = x.iter().fold(0.0f64, |a, &b| a.max(b)) as usize;
    let mut counts = vec![0usize; top + 1];
    for &v in x {
        counts[v as usize] += 1;
    }
    // The value of order statistic r (0-based).
    let order = |r: usize| {
        let mut seen = 0;
        for (v, &c) in counts.iter().enumerate() {
            seen += c;
            if seen > r {
                return v as f64;
            }
        }
        top as f64
    };
    let n = x.len();
    let mut out = [0.0; K];
    for (k, q) in qs.iter().enumerate() {
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as usize;
        let (a, b) = (order(lo), order((lo + 1).min(n - 1)));
        out[k] = if lo + 1 >= n { a } else { a + (h - lo as f64) * (b - a) };
    }
    Some(out)
}

/// Mean, sd (n - 1) and the 5%, 50% and 95% quantiles. Reorders `x`.
///
/// Sums are taken about the first value, so identical values give exactly that value and sd 0,
/// and large offsets (performance around p0) lose no precision.
pub fn summarize(x: &mut [f64]) -> [f64; 5] {
    let n = x.len() as f64;
    let shift = x.first().copied().unwrap_or(0.0);
    let d_mean = x.iter().map(|v| v - shift).sum::<f64>() / n;
    let mean = shift + d_mean;
    let var = if x.len() > 1 { x.iter().map(|v| (v - shift - d_mean) * (v - shift - d_mean)).sum::<f64>() / (n - 1.0) } else { f64::NAN };
    let [q05, q50, q95] = quantiles(x, [0.05, 0.5, 0.95]);
    [mean, var.sqrt(), q05, q50, q95]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_tabulated_values() {
        // Abramowitz & Stegun table 26.1.
        for (x, p) in [(0.0, 0.5), (1.0, 0.841344746), (1.96, 0.975002105), (-2.5, 0.006209665), (3.0, 0.998650102)] {
            assert!((normal_cdf(x) - p).abs() < 2e-7, "{x}");
        }
    }

    #[test]
    fn quantiles_match_numpy_linear_interpolation() {
        let mut x = vec![5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(quantile(&mut x, 0.5), 3.0);
        assert_eq!(quantile(&mut x, 0.05), 1.2);
        assert_eq!(quantile(&mut x, 0.95), 4.8);
        let mut y = vec![10.0];
        assert_eq!(summarize(&mut y)[3], 10.0);
    }

    #[test]
    fn counted_quantiles_equal_selected_ones() {
        let mut state = 99u64;
        let x: Vec<f64> = (0..20000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                ((state >> 33) % 366) as f64
            })
            .collect();
        let qs = [0.0, 0.05, 0.5, 0.95, 1.0];
        let counted = counted_quantiles(&x, qs).unwrap();
        for (k, q) in qs.iter().enumerate() {
            assert_eq!(counted[k], quantile(&mut x.clone(), *q));
        }
        assert!(counted_quantiles(&[0.5; 5000], qs).is_none());
    }

    #[test]
    fn nested_quantiles_equal_separate_selections() {
        let mut state = 12345u64;
        for n in [1usize, 2, 3, 7, 20, 101, 1000] {
            let x: Vec<f64> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((state >> 33) % 50) as f64 // many ties
                })
                .collect();
            let qs = [0.0, 0.05, 0.5, 0.95, 1.0];
            let got = quantiles(&mut x.clone(), qs);
            for (k, q) in qs.iter().enumerate() {
                assert_eq!(got[k], quantile(&mut x.clone(), *q), "n = {n}, q = {q}");
            }
        }
    }
}
