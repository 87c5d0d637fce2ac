//! Nelder-Mead minimisation (Nelder & Mead 1965; standard coefficients 1, 2, 0.5, 0.5), used to
//! refine the time constants from grid minima. Infinite values (infeasible points) are allowed
//! and simply lose every comparison.

/// Minimise `f` from `x0` with an initial simplex of relative size `step`; stop after `max_iter`
/// iterations or when the spread of values falls under `tol`. Returns (x, f(x)).
pub fn minimize(f: impl Fn(&[f64]) -> f64, x0: &[f64], step: f64, max_iter: usize, tol: f64) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut pts: Vec<(Vec<f64>, f64)> = vec![(x0.to_vec(), f(x0))];
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += if x[i] == 0.0 { step } else { step * x[i].abs().max(1.0) };
        let v = f(&x);
        pts.push((x, v));
    }
    for _ in 0..max_iter {
        pts.sort_by(|a, b| a.1.total_cmp(&b.1));
        if (pts[n].1 - pts[0].1).abs() <= tol * (1.0 + pts[0].1.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n).map(|j| pts[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64).collect();
        let along = |t: f64| -> Vec<f64> { (0..n).map(|j| centroid[j] + t * (pts[n].0[j] - centroid[j])).collect() };
        let xr = along(-1.0);
        let fr = f(&xr);
        if fr < pts[0].1 {
            let xe = along(-2.0);
            let fe = f(&xe);
            pts[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < pts[n - 1].1 {
            pts[n] = (xr, fr);
        } else {
            let xc = if fr < pts[n].1 { along(-0.5) } else { along(0.5) };
            let fc = f(&xc);
            if fc < pts[n].1.min(fr) {
                pts[n] = (xc, fc);
            } else {
                let best = pts[0].0.clone();
                for p in pts.iter_mut().skip(1) {
                    let x: Vec<f64> = (0..n).map(|j| best[j] + 0.5 * (p.0[j] - best[j])).collect();
                    let v = f(&x);
                    *p = (x, v);
                }
            }
        }
    }
    pts.sort_by(|a, b| a.1.total_cmp(&b.1));
    pts.swap_remove(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_minimum_of_rosenbrock() {
        let f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let (x, v) = super::minimize(f, &[-1.2, 1.0], 0.1, 5000, 1e-16);
        assert!((x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4 && v < 1e-8, "{x:?} {v}");
    }
}
