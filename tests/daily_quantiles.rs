//! daily.csv's quantiles against exact type-7 quantiles (numpy's default) of every athlete's
//! daily performance, for small and large populations: within the stated (max - min) / 512.

mod common;

use common::{run, write};

/// Type 7: h = q (n - 1), x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
fn type7(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let k = h.floor() as usize;
    if k + 1 >= sorted.len() {
        return sorted[k];
    }
    sorted[k] + (h - k as f64) * (sorted[k + 1] - sorted[k])
}

#[test]
fn daily_quantiles_are_exact_to_one_bin_for_every_population_size() {
    let dir = tempfile::tempdir().unwrap();
    // Only k1 varies (a wide lognormal, so the tails are sparse); performance on day d is then
    // p0 + k1 g(d) - k2 h(d), with g and h from the convolution oracle.
    let sc = write(
        dir.path(),
        "q.toml",
        "schema_version = 1\n[run]\nseed = 7\n[model]\nkind = \"banister\"\np0 = 100\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.6 }\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n\
         [plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 150\neasy_load = 50\nrest_days = 1\n",
    );
    let (_, plan, _) = run(&["plan", sc.to_str().unwrap()]);
    let mut loads: Vec<f64> = plan.lines().skip(1).map(|l| l.split(',').nth(5).unwrap().parse().unwrap()).collect();
    loads.push(0.0);
    let gh = common::banister(&loads, 0.0, 1.0, 0.0, 42.0, 7.0, false, 0.0, 0.0);
    for n in [50usize, 100, 1000, 3000] {
        let out = dir.path().join(format!("o{n}"));
        let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", &n.to_string(), "--daily", "--per-athlete"]);
        assert_eq!(code, 0, "{err}");
        let mut athletes = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
        let k1_col = athletes.headers().unwrap().iter().position(|h| h == "k1").unwrap();
        let k1: Vec<f64> = athletes.records().map(|r| r.unwrap()[k1_col].parse().unwrap()).collect();
        assert_eq!(k1.len(), n);
        let mut daily = csv::Reader::from_path(out.join("daily.csv")).unwrap();
        let h = daily.headers().unwrap().clone();
        let col = |name: &str| h.iter().position(|x| x == name).unwrap();
        let (dc, cols) = (col("day"), [col("perf_p05"), col("perf_p50"), col("perf_p95")]);
        let mut worst: f64 = 0.0;
        for rec in daily.records() {
            let rec = rec.unwrap();
            let d: usize = rec[dc].parse().unwrap();
            let mut x: Vec<f64> = k1.iter().map(|k| 100.0 + k * gh[d].0 - 0.2 * gh[d].1).collect();
            x.sort_by(f64::total_cmp);
            let width = (x[n - 1] - x[0]) / 512.0;
            for (q, c) in [0.05, 0.5, 0.95].into_iter().zip(cols) {
                let got: f64 = rec[c].parse().unwrap();
                let want = type7(&x, q);
                let err = (got - want).abs();
                assert!(err <= width * (1.0 + 1e-9) + 1e-12, "n = {n}, day {d}, q = {q}: {got} vs {want}, {:.2} bin widths", err / width);
                if width > 0.0 {
                    worst = worst.max(err / width);
                }
            }
        }
        eprintln!("n = {n}: worst error {worst:.3} bin widths");
    }
}
