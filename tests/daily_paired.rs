//! The daily chart's paired differences (issue 27, rule 8): per-day quantiles of each athlete's
//! performance in a row minus the same athlete's in the reference row, against an oracle that
//! runs every athlete's two plans through Banister's convolution sum (with the parameters of
//! athletes.csv) and takes numpy's type-7 quantiles.

mod common;

use std::path::Path;

const SCENARIO: &str = "schema_version = 1\n[run]\nseed = 11\nathletes = 240\n\
    [model]\nkind = \"banister\"\np0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.08, sigma = 0.3 }\nk2 = { dist = \"lognormal\", median = 0.15, sigma = 0.3 }\n\
    tau1 = { dist = \"uniform\", min = 35.0, max = 50.0 }\ntau2 = { dist = \"uniform\", min = 7.0, max = 20.0 }\n\
    [plan]\nweeks = 5\nkey_workouts = 3\nkey_load = 150.0\neasy_load = 50.0\nrest_days = 1\n\
    [[variant]]\nname = \"spread\"\n[[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n[[variant]]\nname = \"same\"\n";

/// numpy's default (type 7) quantile of `x`.
fn type7(x: &mut [f64], q: f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let h = q * (x.len() - 1) as f64;
    let k = h.floor() as usize;
    if k + 1 >= x.len() { x[k] } else { x[k] + (h - k as f64) * (x[k + 1] - x[k]) }
}

#[test]
fn paired_daily_differences_match_each_athletes_two_plans() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "p.toml", SCENARIO);
    let out = dir.path().join("out");
    let (code, _, err) = common::run(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]);
    assert_eq!(code, 0, "{err}");
    let sc = periodize::scenario::load(Path::new(&path)).unwrap();
    let r = periodize::run(&sc, &periodize::RunConfig { views: true, ..Default::default() }).unwrap();
    // The reference row has no differences; the others do.
    assert!(r.rows[0].paired.is_none());
    // Parameters per athlete (every row draws the same athletes).
    let mut rd = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let params: Vec<[f64; 4]> = rd
        .records()
        .map(Result::unwrap)
        .filter(|x| &x[0] == "spread")
        .map(|x| ["k1", "k2", "tau1", "tau2"].map(|n| x[col(n)].parse().unwrap()))
        .collect();
    assert_eq!(params.len(), 240);
    let loads = |i: usize| {
        let mut w = sc.rows()[i].generated().load.clone();
        w.push(0.0); // race day: a lagged model never reads its own day's load
        w
    };
    let (w0, w1) = (loads(0), loads(1));
    let perf = |w: &[f64], p: &[f64; 4]| -> Vec<f64> { common::banister(w, 100.0, p[0], p[1], p[2], p[3], false, 0.0, 0.0).into_iter().map(|x| x.2).collect() };
    let diffs: Vec<Vec<f64>> = params.iter().map(|p| perf(&w1, p).iter().zip(perf(&w0, p)).map(|(a, b)| a - b).collect()).collect();
    let got = r.rows[1].paired.as_ref().expect("clustered is compared with spread");
    assert_eq!(got.q.len(), w0.len());
    let mut moved = 0;
    for (d, q) in got.q.iter().enumerate() {
        let mut day: Vec<f64> = diffs.iter().map(|a| a[d]).collect();
        let (lo, hi) = (day.iter().copied().fold(f64::INFINITY, f64::min), day.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        // Exact to a histogram bin of the day's range (see montecarlo::aggregate).
        let tol = (hi - lo) / 512.0 + 1e-9 * (1.0 + hi.abs().max(lo.abs()));
        for (k, p) in [0.05, 0.5, 0.95].into_iter().enumerate() {
            let want = type7(&mut day, p);
            assert!((q[k] - want).abs() <= tol, "day {d} q{p}: {} vs {want} (tol {tol})", q[k]);
        }
        moved += usize::from(hi - lo > 1e-6);
    }
    // The plans differ, so the athletes' differences spread on most days.
    assert!(moved > w0.len() / 2, "{moved}");
    // A variant identical to its reference differs by exactly nothing on every day.
    let same = r.rows[2].paired.as_ref().unwrap();
    assert!(same.q.iter().all(|q| q == &[0.0; 3]), "{:?}", &same.q[..3]);
}
