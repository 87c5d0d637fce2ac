//! Independent oracles: the models written as the convolution sums (or the literal equations) of
//! the contract, O(days^2), sharing no code with the engine.
#![allow(dead_code, clippy::needless_range_loop)]

/// Banister by the convolution sum. `same_day`: day n counts loads i <= n, else i < n.
/// Initial states sit on the day before day 0 and decay (n + 1) times by day n.
#[allow(clippy::too_many_arguments)]
pub fn banister(w: &[f64], p0: f64, k1: f64, k2: f64, tau1: f64, tau2: f64, same_day: bool, g0: f64, h0: f64) -> Vec<(f64, f64, f64)> {
    (0..w.len())
        .map(|n| {
            let upto = if same_day { n + 1 } else { n };
            let g: f64 = (0..upto).map(|i| w[i] * (-((n - i) as f64) / tau1).exp()).sum::<f64>()
                + g0 * (-((n + 1) as f64) / tau1).exp();
            let h: f64 = (0..upto).map(|i| w[i] * (-((n - i) as f64) / tau2).exp()).sum::<f64>()
                + h0 * (-((n + 1) as f64) / tau2).exp();
            (g, h, p0 + k1 * g - k2 * h)
        })
        .collect()
}

/// Busso (2003) by its double convolution sum: (fitness, fatigue, k2, performance) per day.
#[allow(clippy::too_many_arguments)]
pub fn busso(w: &[f64], p0: f64, k1: f64, k3: f64, tau1: f64, tau2: f64, tau3: f64, same_day: bool) -> Vec<(f64, f64, f64, f64)> {
    let k2 = |i: usize| k3 * (0..=i).map(|j| w[j] * (-((i - j) as f64) / tau3).exp()).sum::<f64>();
    (0..w.len())
        .map(|n| {
            let upto = if same_day { n + 1 } else { n };
            let g: f64 = (0..upto).map(|i| w[i] * (-((n - i) as f64) / tau1).exp()).sum();
            let f: f64 = (0..upto).map(|i| k2(i) * w[i] * (-((n - i) as f64) / tau2).exp()).sum();
            (g, f, k2(n), p0 + k1 * g - f)
        })
        .collect()
}

/// An exponentially weighted average by its closed form: x(t) = (1-a)^(t+1) x0 + sum a (1-a)^(t-i) w(i).
pub fn ewma(w: &[f64], a: f64, x0: f64) -> Vec<f64> {
    (0..w.len())
        .map(|t| (1.0 - a).powi(t as i32 + 1) * x0 + (0..=t).map(|i| a * (1.0 - a).powi((t - i) as i32) * w[i]).sum::<f64>())
        .collect()
}

/// PerPot written out literally from the contract (divisions, explicit min/max chains).
pub fn perpot(w: &[f64], ds: f64, dr: f64, dso: f64, pp0: f64, scale: f64) -> Vec<(f64, f64, f64)> {
    let (mut sp, mut rp, mut pp) = (0.0f64, 0.0f64, pp0);
    let mut out = Vec::new();
    for &x in w {
        let u = x / scale;
        sp += u;
        rp += u;
        let sr = [1.0, sp, f64::max(0.0, pp)].into_iter().fold(f64::INFINITY, f64::min) / ds;
        let rr = [1.0, rp, 1.0 - pp].into_iter().fold(f64::INFINITY, f64::min) / dr;
        let or = if dso == 0.0 { 0.0 } else { f64::max(0.0, sp - 1.0) / dso };
        sp -= sr + or;
        rp -= rr;
        pp += rr - sr - or;
        out.push((sp, rp, pp));
    }
    out
}

/// |a - b| <= tol * max(1, |a|, |b|).
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * 1f64.max(a.abs()).max(b.abs())
}

pub fn write_loads(dir: &std::path::Path, name: &str, loads: &[f64]) -> std::path::PathBuf {
    let mut s = String::from("day,load\n");
    for (i, w) in loads.iter().enumerate() {
        s.push_str(&format!("{i},{w}\n"));
    }
    let p = dir.join(name);
    std::fs::write(&p, s).unwrap();
    p
}

pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_periodize"))
}

/// Write `text` to `dir/name`.
pub fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Run the binary: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let o = bin().args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

/// summary.csv of a result folder as a list of column -> value maps.
pub fn summary(dir: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    r.records().map(|rec| h.iter().zip(rec.unwrap().iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()).collect()
}

/// A numeric cell of a summary row.
pub fn cell(row: &std::collections::HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().unwrap_or_else(|_| panic!("{col} = {:?}", row[col]))
}

/// The fitness-delay model by its convolution sums: (fitness, fatigue, performance) per day.
/// fitness = sum w(i) (e^(-(n-i)/tau1) - e^(-(n-i)/tau3)) + g0 e^(-(n+1)/tau1); fatigue as Banister's.
#[allow(clippy::too_many_arguments)]
pub fn fitness_delay(w: &[f64], p0: f64, k1: f64, k2: f64, tau1: f64, tau2: f64, tau3: f64, same_day: bool, g0: f64, h0: f64) -> Vec<(f64, f64, f64)> {
    (0..w.len())
        .map(|n| {
            let upto = if same_day { n + 1 } else { n };
            let lag = |i: usize| (n - i) as f64;
            let g: f64 = (0..upto).map(|i| w[i] * ((-lag(i) / tau1).exp() - (-lag(i) / tau3).exp())).sum::<f64>()
                + g0 * (-((n + 1) as f64) / tau1).exp();
            let h: f64 = (0..upto).map(|i| w[i] * (-lag(i) / tau2).exp()).sum::<f64>() + h0 * (-((n + 1) as f64) / tau2).exp();
            (g, h, p0 + k1 * g - k2 * h)
        })
        .collect()
}
