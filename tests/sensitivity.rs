//! Where a verdict flips and for whom a plan wins. `periodize sensitivity` against a
//! brute-force `periodize run` of the same scenario with an explicit, fine `[sweep]`: the
//! crossings it finds by bisection lie where the brute-force curve crosses, within the
//! bisection's tolerance (plus the fine grid's own interpolation error). `run --who-wins`
//! against the test's own ranks and fifths of athletes.csv.

mod common;

use std::collections::HashMap;
use std::path::Path;

const TWO_CHANNEL: &str = r#"schema_version = 1
[run]
athletes = 300
seed = 7
[model]
kind = "two-channel"
p0 = 100
k1 = { dist = "lognormal", median = 0.1, sigma = 0.2 }
k2 = 0.2
tau1 = { dist = "uniform", min = 35.0, max = 50.0 }
tau2 = 7
k1_easy = 0.1
k2_easy = 0.05
[plan]
weeks = 6
key_workouts = 2
key_load = 100
[[variant]]
name = "rest"
[[variant]]
name = "easy-runs"
plan.easy_load = 40
plan.rest_days = 1
plan.target_total_load = "reference"
"#;

/// Run `sensitivity` and return (exit code, stderr, break_even rows as maps, sweep.csv text).
fn sensitivity(dir: &Path, text: &str, args: &[&str]) -> (i32, String, Vec<HashMap<String, String>>, String) {
    let f = common::write(dir, "s.toml", text);
    let out = dir.join("sens");
    let mut all = vec!["sensitivity", f.to_str().unwrap(), "--out", out.to_str().unwrap()];
    all.extend(args);
    let (code, _, err) = common::run(&all);
    if code != 0 {
        return (code, err, Vec::new(), String::new());
    }
    let mut r = csv::Reader::from_path(out.join("break_even.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let rows = r.records().map(|rec| h.iter().zip(rec.unwrap().iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()).collect();
    (code, err, rows, std::fs::read_to_string(out.join("sweep.csv")).unwrap())
}

/// The brute force: `run` with `[sweep] PATH = xs`; each x's diff_pct of the compared rows.
fn brute(dir: &Path, text: &str, path: &str, xs: &[f64]) -> Vec<f64> {
    let list: Vec<String> = xs.iter().map(|x| format!("{x:?}")).collect();
    let f = common::write(dir, "brute.toml", &format!("{text}\n[sweep]\n\"{path}\" = [{}]\n", list.join(", ")));
    let out = dir.join("brute");
    let (code, _, err) = common::run(&["run", f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    common::summary(&out).iter().filter(|r| !r["diff_pct"].is_empty()).map(|r| common::cell(r, "diff_pct")).collect()
}

/// Where the piecewise-linear curve (xs, ys) crosses t.
fn crossings(xs: &[f64], ys: &[f64], t: f64) -> Vec<f64> {
    (1..xs.len())
        .filter(|&i| (ys[i - 1] - t < 0.0) != (ys[i] - t < 0.0))
        .map(|i| {
            let (a, b) = (ys[i - 1] - t, ys[i] - t);
            xs[i - 1] + (xs[i] - xs[i - 1]) * a / (a - b)
        })
        .collect()
}

fn fine(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..=n).map(|i| lo + (hi - lo) * i as f64 / n as f64).collect()
}

#[test]
fn sensitivity_finds_the_crossings_a_brute_force_sweep_finds() {
    // Two-channel: race-day performance is linear in k2_easy, and the rest plan has no easy
    // load, so the mean difference is a straight line in k2_easy and linear interpolation on the
    // fine sweep is exact. Easy runs win while their fatigue gain is small.
    let dir = tempfile::tempdir().unwrap();
    let (code, err, rows, sweep) = sensitivity(dir.path(), TWO_CHANNEL, &["--param", "model.k2_easy", "--range", "0:0.6"]);
    assert_eq!(code, 0, "{err}");
    let xs = fine(0.0, 0.6, 120);
    let ys = brute(dir.path(), TWO_CHANNEL, "model.k2_easy", &xs);
    assert_eq!(ys.len(), xs.len());
    assert!(ys[0] > 0.5 && ys[120] < -0.5, "the range must hold both swc crossings: {} .. {}", ys[0], ys[120]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = &rows[0];
    assert_eq!(r["comparison"], "easy-runs vs rest");
    assert_eq!(r["param"], "model.k2_easy");
    let tol = 1e-3 * 0.6;
    for (col, t) in [("at_zero", 0.0), ("at_plus_swc", 0.5), ("at_minus_swc", -0.5)] {
        let want = crossings(&xs, &ys, t);
        assert_eq!(want.len(), 1, "{col}: {want:?}");
        let got: f64 = r[col].parse().unwrap();
        assert!((got - want[0]).abs() <= tol, "{col}: sensitivity {got}, brute force {}", want[0]);
    }
    // The line, in the order of the range: better, then trivial, then worse.
    let line = err.lines().find(|l| l.starts_with("easy-runs vs rest:")).unwrap_or_else(|| panic!("{err}"));
    let plus: f64 = r["at_plus_swc"].parse().unwrap();
    assert!(line.starts_with(&format!("easy-runs vs rest: better while k2_easy < {plus:.3}")) && line.contains(", trivial to ") && line.ends_with(", worse above"), "{line}");
    // sweep.csv: the value, then the comparison's difference and verdict, sorted, the grid included.
    let mut lines = sweep.lines();
    assert_eq!(lines.next(), Some("param,easy-runs vs rest diff_pct,easy-runs vs rest verdict"));
    let values: Vec<f64> = lines.map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] < w[1]));
    for g in fine(0.0, 0.6, 10) {
        assert!(values.iter().any(|v| (v - g).abs() < 1e-12), "grid value {g} missing");
    }
}

#[test]
fn a_nonlinear_curve_is_bisected_to_the_brute_force_crossing() {
    // adaptive-recovery: the key-only plan (rest days between) against the same load with easy
    // runs on the rest days, over the frequency exponent a: the curve bends, so the fine sweep's
    // interpolation error (spacing 0.0125) adds to the tolerance.
    let text = TWO_CHANNEL
        .replace("kind = \"two-channel\"", "kind = \"adaptive-recovery\"")
        .replace("k1_easy = 0.1\nk2_easy = 0.05\n", "a = 0.0\n")
        .replace("tau2 = 7", "tau2 = 12");
    let dir = tempfile::tempdir().unwrap();
    let (code, err, rows, _) = sensitivity(dir.path(), &text, &["--param", "model.a", "--range", "-2:3", "--points", "6"]);
    assert_eq!(code, 0, "{err}");
    let xs = fine(-2.0, 3.0, 400);
    let ys = brute(dir.path(), &text, "model.a", &xs);
    let r = &rows[0];
    let mut checked = 0;
    for (col, t) in [("at_zero", 0.0), ("at_plus_swc", 0.5), ("at_minus_swc", -0.5)] {
        let want = crossings(&xs, &ys, t);
        match want.first() {
            Some(w) => {
                let got: f64 = r[col].parse().unwrap_or_else(|_| panic!("{col} empty; brute force crosses at {want:?}"));
                assert!((got - w).abs() <= 1e-3 * 5.0 + 0.0125, "{col}: sensitivity {got}, brute force {w}");
                checked += 1;
            }
            None => assert_eq!(r[col], "", "{col}: the brute force does not cross"),
        }
    }
    assert!(checked >= 1, "no crossing in the range: {:?} .. {:?}", ys.first(), ys.last());
}

#[test]
fn a_distribution_moves_its_centre_and_bad_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // k1 is a lognormal: the sweep moves its median, keeping sigma; runs of the same seed with
    // the median written in must give the same difference.
    let (code, err, _, sweep) = sensitivity(dir.path(), TWO_CHANNEL, &["--param", "model.k1", "--range", "0.05:0.15", "--points", "3"]);
    assert_eq!(code, 0, "{err}");
    let cells = |line: &str| -> Vec<f64> { line.split(',').take(2).map(|c| c.parse().unwrap()).collect() };
    let mid = cells(sweep.lines().nth(2).unwrap_or_else(|| panic!("{sweep}")));
    assert!((mid[0] - 0.1).abs() < 1e-12, "{sweep}");
    let written = brute(dir.path(), TWO_CHANNEL, "model.k1.median", &[mid[0]]);
    assert!(common::close(mid[1], written[0], 1e-12), "{mid:?} vs {written:?}");
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("sens/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["param_centre"], "median");
    // A path a variant writes itself is swept there too, and said so.
    let (code, err, _, _) = sensitivity(dir.path(), TWO_CHANNEL, &["--param", "plan.easy_load", "--range", "20:60", "--points", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: variant easy-runs writes plan.easy_load itself"), "{err}");
    let cases: [(&str, &[&str], &str); 6] = [
        (TWO_CHANNEL, &["--param", "model.k2_easy", "--range", "1:0"], "LO must be below HI"),
        (TWO_CHANNEL, &["--param", "model.kind", "--range", "0:1"], "expected a number"),
        (TWO_CHANNEL, &["--param", "model.tau1", "--range", "0:1"], "model.tau1.min"),
        (TWO_CHANNEL, &["--param", "model.k2_easy", "--range", "-1:1"], "k2_easy"),
        ("schema_version = 1\n[model]\npreset = \"busso2003\"\n[plan]\nweeks = 2\nkey_workouts = 2\nkey_load = 100\n", &["--param", "plan.key_load", "--range", "50:150"], "has no comparison"),
        ("schema_version = 1\n[model]\npreset = \"busso2003\"\n[plan]\nweeks = 2\nkey_workouts = 2\nkey_load = 100\n[sweep]\n\"plan.weeks\" = [2, 3]\n", &["--param", "plan.key_load", "--range", "50:150"], "[sweep]"),
    ];
    for (text, args, want) in cases {
        let (code, err, _, _) = sensitivity(dir.path(), text, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

#[test]
fn who_wins_agrees_with_the_athletes_own_ranks_and_fifths() {
    // k2_easy drawn (the difference falls with it, the rest held), tau1 drawn too.
    let text = TWO_CHANNEL.replace("k2_easy = 0.05", "k2_easy = { dist = \"lognormal\", median = 0.2, sigma = 0.6 }");
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(dir.path(), "w.toml", &text);
    let out = dir.path().join("w");
    let (code, _, err) = common::run(&["run", f.to_str().unwrap(), "--out", out.to_str().unwrap(), "--who-wins", "--per-athlete", "--report"]);
    assert_eq!(code, 0, "{err}");
    // The oracle: athletes.csv's race-day results of both rows, paired by athlete.
    let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (v, pf, k2e, t1) = (col("variant"), col("perf_final"), col("k2_easy"), col("tau1"));
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let of = |name: &str| -> Vec<&csv::StringRecord> { recs.iter().filter(|x| &x[v] == name).collect() };
    let (easy, rest) = (of("easy-runs"), of("rest"));
    let num = |x: &csv::StringRecord, c: usize| x[c].parse::<f64>().unwrap();
    let diff: Vec<f64> = easy.iter().zip(&rest).map(|(a, b)| num(a, pf) - num(b, pf)).collect();
    let base = rest.iter().map(|b| num(b, pf)).sum::<f64>() / rest.len() as f64;
    let swc = 0.005 * base;
    let rank = |x: &[f64]| -> Vec<f64> {
        // No ties among continuous draws: the rank is the position in sorted order.
        let mut idx: Vec<usize> = (0..x.len()).collect();
        idx.sort_by(|&a, &b| x[a].partial_cmp(&x[b]).unwrap());
        let mut r = vec![0.0; x.len()];
        for (k, &i) in idx.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let rho = |x: &[f64]| {
        // 1 - 6 sum d^2 / (n (n^2 - 1)), exact without ties.
        let (rx, ry) = (rank(x), rank(&diff));
        let n = x.len() as f64;
        1.0 - 6.0 * rx.iter().zip(&ry).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / (n * (n * n - 1.0))
    };
    let mut w = csv::Reader::from_path(out.join("who_wins.csv")).unwrap();
    assert_eq!(w.headers().unwrap().iter().collect::<Vec<_>>(), ["comparison", "param", "spearman", "quintile", "param_low", "param_high", "better_share", "worse_share", "diff_pct_mean"]);
    let rows: Vec<csv::StringRecord> = w.records().map(|x| x.unwrap()).collect();
    // Only the drawn parameters, five fifths each.
    let params: Vec<&str> = rows.iter().map(|x| &x[1]).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(params, ["k1", "k2_easy", "tau1"]);
    assert_eq!(rows.len(), 15);
    for (name, c) in [("k2_easy", k2e), ("tau1", t1)] {
        let x: Vec<f64> = easy.iter().map(|a| num(a, c)).collect();
        let mine: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == name).collect();
        let got: f64 = mine[0][2].parse().unwrap();
        assert!((got - rho(&x)).abs() < 1e-9, "{name}: {got} vs {}", rho(&x));
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].partial_cmp(&x[b]).unwrap());
        for (k, q) in mine.iter().enumerate() {
            let part = &order[k * x.len() / 5..(k + 1) * x.len() / 5];
            let better = part.iter().filter(|&&a| diff[a] > swc).count() as f64 / part.len() as f64;
            let worse = part.iter().filter(|&&a| diff[a] < -swc).count() as f64 / part.len() as f64;
            assert!((q[4].parse::<f64>().unwrap() - x[part[0]]).abs() < 1e-12 && (q[5].parse::<f64>().unwrap() - x[*part.last().unwrap()]).abs() < 1e-12);
            assert!((q[6].parse::<f64>().unwrap() - better).abs() < 1e-12 && (q[7].parse::<f64>().unwrap() - worse).abs() < 1e-12, "{name} fifth {k}: {q:?} vs {better} {worse}");
        }
    }
    // Easy runs lose where their fatigue gain is high: the strongest parameter, told in words
    // on stderr and in the report.
    let k2_rho: f64 = rows.iter().find(|r| &r[1] == "k2_easy").unwrap()[2].parse().unwrap();
    // k1 and tau1 move the difference too, so the rank correlation is strong, not perfect.
    assert!(k2_rho < -0.8, "{k2_rho}");
    // The fifths with the highest and the lowest k2_easy fare differently: the sentence says how.
    let top: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "k2_easy").collect();
    let share = |q: &csv::StringRecord, c: usize| q[c].parse::<f64>().unwrap();
    assert!(share(top[4], 7) >= 0.5 && share(top[0], 6) >= 0.5, "{:?} {:?}", top[4], top[0]);
    let want = format!("easy-runs vs rest: loses for athletes with k2_easy above {} (worse for {:.0}% of them), wins for athletes with k2_easy below {} (better for {:.0}% of them) (Spearman {k2_rho:+.2})",
        short(share(top[4], 4)), 100.0 * share(top[4], 7), short(share(top[0], 5)), 100.0 * share(top[0], 6));
    assert!(err.lines().any(|l| l == want), "expected {want}\n{err}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("For whom each plan wins") && html.contains(&want));
}

/// 3 significant digits, as the sentences write values.
fn short(x: f64) -> String {
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}
