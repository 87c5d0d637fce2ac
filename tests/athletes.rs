//! Who the athletes are: correlated parameters (Gaussian copula), population constraints, whole
//! rows of a table, and where they start (rested, a steady load, their own history).

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{cell, run, summary, write};

const PLAN: &str = "[plan]\nweeks = 8\nkey_workouts = 3\nkey_load = 100.0\neasy_load = 20.0\nrest_days = 1\n";

/// Per-athlete rows of athletes.csv as column -> number maps (variant and label columns skipped).
fn athletes(out: &Path) -> Vec<HashMap<String, f64>> {
    let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| h.iter().zip(rec.unwrap().iter()).filter_map(|(a, b)| Some((a.to_string(), b.parse::<f64>().ok()?))).collect())
        .collect()
}

fn run_ok(dir: &Path, name: &str, text: &str, extra: &[&str]) -> std::path::PathBuf {
    let f = write(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    let mut args = vec!["run", f.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{name}: {err}");
    out
}

/// The standard normal quantile by bisection on libm's erfc (independent of the engine's
/// rational approximation).
fn probit(p: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if 0.5 * libm::erfc(-mid / std::f64::consts::SQRT_2) < p { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

fn corr(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

/// 100,000 athletes with rho = 0.8 between a lognormal and a uniform, and rho = -0.5 between
/// the uniform and a truncated normal: the normal scores (each marginal's CDF, then probit)
/// correlate at 0.8 and -0.5 to within 0.01, and the marginals keep their distributions.
#[test]
fn the_gaussian_copula_gives_the_declared_normal_score_correlations() {
    let dir = tempfile::tempdir().unwrap();
    let text = "schema_version = 1\n[run]\nathletes = 100000\n[model]\nkind = \"banister\"\np0 = 100.0\n\
         k1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }\nk2 = 0.2\n\
         tau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\n\
         tau2 = { dist = \"normal\", mean = 12.0, sd = 4.0, min = 5.0, max = 20.0 }\n\
         [[model.correlation]]\nparams = [\"k1\", \"tau1\"]\nrho = 0.8\n\
         [[model.correlation]]\nparams = [\"tau1\", \"tau2\"]\nrho = -0.5\n\
         [plan]\nweeks = 1\nkey_workouts = 1\nkey_load = 100.0\n";
    let out = run_ok(dir.path(), "cop", text, &["--per-athlete"]);
    let a = athletes(&out);
    let phi = |x: f64| 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
    let z1: Vec<f64> = a.iter().map(|r| (r["k1"] / 0.1).ln() / 0.3).collect();
    let z2: Vec<f64> = a.iter().map(|r| probit((r["tau1"] - 30.0) / 20.0)).collect();
    let (lo, hi) = (phi((5.0 - 12.0) / 4.0), phi((20.0 - 12.0) / 4.0));
    let z3: Vec<f64> = a.iter().map(|r| probit((phi((r["tau2"] - 12.0) / 4.0) - lo) / (hi - lo))).collect();
    let (r12, r23) = (corr(&z1, &z2), corr(&z2, &z3));
    assert!((r12 - 0.8).abs() < 0.01, "k1-tau1 normal-score correlation {r12}");
    assert!((r23 + 0.5).abs() < 0.01, "tau1-tau2 normal-score correlation {r23}");
    // Marginals: every score is standard normal (mean 0, sd 1 within sampling error).
    for z in [&z1, &z2, &z3] {
        let n = z.len() as f64;
        let m = z.iter().sum::<f64>() / n;
        let sd = (z.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt();
        assert!(m.abs() < 0.015 && (sd - 1.0).abs() < 0.015, "mean {m} sd {sd}");
    }
    assert!(a.iter().all(|r| (5.0..=20.0).contains(&r["tau2"]) && (30.0..50.0).contains(&r["tau1"])));
}

/// `require` keeps only athletes who satisfy every constraint, redrawing the rest the same way
/// in every row (common random numbers), and results do not depend on the thread count.
#[test]
fn require_redraws_athletes_who_break_a_constraint() {
    let dir = tempfile::tempdir().unwrap();
    let model = "[model]\nkind = \"banister\"\np0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.4 }\n\
                 k2 = { dist = \"lognormal\", median = 0.2, sigma = 0.4 }\ntau1 = { dist = \"uniform\", min = 20.0, max = 50.0 }\n\
                 tau2 = { dist = \"uniform\", min = 5.0, max = 30.0 }\nrequire = [\"tau1 >= 1.5 * tau2\", \"k1 * tau1 > k2 * tau2 + 0.5\"]\n";
    let text = format!("schema_version = 1\n[run]\nathletes = 3000\n{model}{PLAN}[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.key_load = 120.0\n");
    let out = run_ok(dir.path(), "req", &text, &["--per-athlete", "--threads", "1"]);
    let a = athletes(&out);
    assert!(a.iter().all(|r| r["tau1"] >= 1.5 * r["tau2"] && r["k1"] * r["tau1"] > r["k2"] * r["tau2"] + 0.5));
    // Without the constraints many draws break them, so redraws happened.
    let free = format!("schema_version = 1\n[run]\nathletes = 3000\n{}{PLAN}", model.lines().filter(|l| !l.starts_with("require")).collect::<Vec<_>>().join("\n") + "\n");
    let fa = athletes(&run_ok(dir.path(), "free", &free, &["--per-athlete"]));
    assert!(fa.iter().filter(|r| r["tau1"] < 1.5 * r["tau2"]).count() > 300);
    // Athletes who satisfied the constraints at the first draw keep that draw.
    let kept = fa.iter().zip(&a).filter(|(f, _)| f["tau1"] >= 1.5 * f["tau2"] && f["k1"] * f["tau1"] > f["k2"] * f["tau2"] + 0.5).all(|(f, r)| f["k1"] == r["k1"]);
    assert!(kept);
    // Same athletes in both variants (athletes.csv lists variant a's 3000, then b's).
    assert_eq!(a.len(), 6000);
    for (x, y) in a[..3000].iter().zip(&a[3000..]) {
        assert_eq!((x["k1"], x["tau2"]), (y["k1"], y["tau2"]));
    }
    // Same bytes with two threads.
    let out2 = run_ok(dir.path(), "req2", &text, &["--per-athlete", "--threads", "2"]);
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), std::fs::read(out2.join("summary.csv")).unwrap());
}

/// `sample_from`: every athlete takes one whole row of the table (joint structure kept exactly),
/// rows are used in about equal shares, and other parameters come from `[model]`.
#[test]
fn sample_from_takes_whole_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut table = String::from("k1,k2,tau1\n");
    let rows: Vec<[f64; 3]> = (0..7).map(|i| [0.05 + 0.01 * i as f64, 0.1 + 0.03 * i as f64, 30.0 + 2.0 * i as f64]).collect();
    for r in &rows {
        table.push_str(&format!("{},{},{}\n", r[0], r[1], r[2]));
    }
    write(dir.path(), "reps.csv", &table);
    let text = format!(
        "schema_version = 1\n[run]\nathletes = 7000\n[model]\nkind = \"banister\"\np0 = 100.0\nk1 = 1.0\nk2 = 1.0\ntau1 = 1.0\n\
         tau2 = {{ dist = \"uniform\", min = 5.0, max = 10.0 }}\nsample_from = \"reps.csv\"\n{PLAN}"
    );
    let a = athletes(&run_ok(dir.path(), "sf", &text, &["--per-athlete"]));
    let mut counts = [0usize; 7];
    for r in &a {
        let i = rows.iter().position(|x| x[0] == r["k1"] && x[1] == r["k2"] && x[2] == r["tau1"]).expect("a whole row of the table");
        counts[i] += 1;
        assert!((5.0..10.0).contains(&r["tau2"]));
    }
    assert!(counts.iter().all(|&c| (800..1200).contains(&c)), "{counts:?}");
}

/// A steady start: a plan of constant load at the steady load keeps every model's performance
/// constant to 1e-9 (relative), and the start is that steady level, so the gain is 0.
#[test]
fn a_constant_plan_at_the_steady_load_keeps_performance_constant() {
    let models = [
        "kind = \"banister\"\nconvention = \"lagged\"\np0 = 100.0\nk1 = 0.1\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0",
        "kind = \"banister\"\nconvention = \"same-day\"\np0 = 100.0\nk1 = 0.1\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0",
        "kind = \"busso\"\nconvention = \"lagged\"\np0 = 100.0\nk1 = 0.02\nk3 = 0.00004\ntau1 = 40.0\ntau2 = 8.0\ntau3 = 4.0",
        "kind = \"busso\"\nconvention = \"same-day\"\np0 = 100.0\nk1 = 0.02\nk3 = 0.00004\ntau1 = 40.0\ntau2 = 8.0\ntau3 = 4.0",
        "kind = \"pmc\"",
        "kind = \"pmc\"\newma = \"span\"\nform = \"today\"",
        "kind = \"perpot\"\nds = 2.5\ndr = 4.0\ndso = 3.0\npp0 = 0.3\nscale = 250.0",
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, m) in models.iter().enumerate() {
        let text = format!(
            "schema_version = 1\n[run]\nathletes = 3\n[model]\n{m}\n[athlete]\nstart = {{ steady_load = 60.0 }}\n\
             [plan]\nweeks = 10\nkey_workouts = 7\nkey_load = 60.0\nrest_days = 0\n"
        );
        let out = run_ok(dir.path(), &format!("m{i}"), &text, &["--daily"]);
        let mut r = csv::Reader::from_path(out.join("daily.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let c = h.iter().position(|x| x == "perf_mean").unwrap();
        let p: Vec<f64> = r.records().map(|x| x.unwrap()[c].parse().unwrap()).collect();
        // Every plan day (race day has no load).
        let first = p[0];
        for (d, x) in p[..p.len() - 1].iter().enumerate() {
            assert!((x - first).abs() <= 1e-9 * first.abs().max(1.0), "{m}: day {d}: {x} vs {first}");
        }
        let row = &summary(&out)[0];
        if m.contains("pmc") {
            assert_eq!(row["gain_pct_mean"], "", "pmc's form has no relative gain");
            assert!(first.abs() < 1e-9);
        } else if m.contains("lagged") {
            // Lagged: race day still feels the last plan day's load, so it too is steady.
            assert!(cell(row, "gain_pct_mean").abs() < 1e-9, "{m}: {}", row["gain_pct_mean"]);
        }
    }
}

/// A history start equals running the history and then the plan from rest: checked against the
/// convolution-sum oracle over the concatenated loads, for Banister (lagged) and Busso.
#[test]
fn a_history_start_continues_the_athletes_own_history() {
    let dir = tempfile::tempdir().unwrap();
    let history: Vec<f64> = (0..60).map(|d| if d % 3 == 0 { 120.0 } else if d % 7 == 6 { 0.0 } else { 40.0 }).collect();
    common::write_loads(dir.path(), "hist.csv", &history);
    for (kind, params) in [("banister", "p0 = 100.0\nk1 = 0.1\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0"), ("busso", "p0 = 100.0\nk1 = 0.02\nk3 = 0.00004\ntau1 = 40.0\ntau2 = 8.0\ntau3 = 4.0")] {
        let text = format!("schema_version = 1\n[run]\nathletes = 2\n[model]\nkind = \"{kind}\"\n{params}\n[athlete]\nstart = {{ history = \"hist.csv\" }}\n{PLAN}");
        let out = run_ok(dir.path(), kind, &text, &[]);
        let plan_text = run(&["plan", dir.path().join(format!("{kind}.toml")).to_str().unwrap()]).1;
        let plan: Vec<f64> = plan_text.lines().skip(1).map(|l| l.split(',').nth(5).unwrap().parse().unwrap()).collect();
        let mut all = history.clone();
        all.extend(&plan);
        all.push(0.0); // race day
        let want = match kind {
            "banister" => common::banister(&all, 100.0, 0.1, 0.2, 42.0, 7.0, false, 0.0, 0.0).last().unwrap().2,
            _ => common::busso(&all, 100.0, 0.02, 0.00004, 40.0, 8.0, 4.0, false).last().unwrap().3,
        };
        let start = match kind {
            "banister" => common::banister(&history, 100.0, 0.1, 0.2, 42.0, 7.0, false, 0.0, 0.0).last().unwrap().2,
            _ => common::busso(&history, 100.0, 0.02, 0.00004, 40.0, 8.0, 4.0, false).last().unwrap().3,
        };
        let row = &summary(&out)[0];
        assert!(common::close(cell(row, "perf_final_mean"), want, 1e-9), "{kind}: {} vs {want}", cell(row, "perf_final_mean"));
        let gain = 100.0 * (want - start) / start;
        assert!(common::close(cell(row, "gain_pct_mean"), gain, 1e-9), "{kind}: gain {} vs {gain}", cell(row, "gain_pct_mean"));
    }
}

/// Bad populations and starts: exit 2, the file, line and field named, nothing written.
#[test]
fn bad_populations_and_starts_are_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nan.csv", "k1,k2\n0.1,0.2\n0.1,NaN\n");
    write(dir.path(), "neg.csv", "k1,k2\n0.1,-0.2\n");
    write(dir.path(), "cols.csv", "k1,kk2\n0.1,0.2\n");
    write(dir.path(), "short.csv", "k1,k2\n0.1,0.2\n0.1\n");
    write(dir.path(), "gap.csv", "day,load\n0,10\n1,20\n4,tired\n");
    write(dir.path(), "baddate.csv", "date,load\n2026-01-01,10\n2026-13-02,20\n");
    let base = "[model]\nkind = \"banister\"\np0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }\n\
                k2 = { dist = \"lognormal\", median = 0.2, sigma = 0.3 }\ntau1 = 42.0\ntau2 = 7.0\n";
    let cases: &[(&str, &str, &[&str])] = &[
        ("[model]\npreset = \"busso2030\"\n", "", &["unknown preset", "busso2003", "banister-literature"]),
        ("[model]\npreset = \"busso2003\"\nkind = \"banister\"\n", "", &["busso model"]),
        (base, "[[model.correlation]]\nparams = [\"k1\", \"k9\"]\nrho = 0.5\n", &["\"k9\" is not a banister parameter"]),
        (base, "[[model.correlation]]\nparams = [\"k1\", \"tau1\"]\nrho = 0.5\n", &["\"tau1\" is fixed"]),
        (base, "[[model.correlation]]\nparams = [\"k1\", \"k2\"]\nrho = 1.5\n", &["strictly between -1 and 1"]),
        (
            "[model]\nkind = \"banister\"\np0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }\nk2 = { dist = \"lognormal\", median = 0.2, sigma = 0.3 }\ntau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\ntau2 = 7.0\n",
            "[[model.correlation]]\nparams = [\"k1\", \"k2\"]\nrho = 0.9\n[[model.correlation]]\nparams = [\"k1\", \"tau1\"]\nrho = 0.9\n[[model.correlation]]\nparams = [\"k2\", \"tau1\"]\nrho = -0.9\n",
            &["positive definite", "k1-k2", "k2-tau1"],
        ),
        (base, "require = [\"k1 >= 10 * k2\"]\n", &["\"k1 >= 10 * k2\" rejects", "100.0%"]),
        (base, "require = [\"k1 >= tau3\"]\n", &["\"tau3\" is not a parameter"]),
        (base, "require = [\"k1 + k2\"]\n", &["expected a comparison"]),
        (base, "sample_from = \"nan.csv\"\n", &["nan.csv:3", "k2", "finite"]),
        (base, "sample_from = \"neg.csv\"\n", &["neg.csv:2", "k2", ">= 0"]),
        (base, "sample_from = \"cols.csv\"\n", &["cols.csv:1", "kk2"]),
        (base, "sample_from = \"missing.csv\"\n", &["missing.csv"]),
        (base, "sample_from = \"short.csv\"\n", &["short.csv:3", "1 values; expected 2 (k1, k2)"]),
        (base, "[athlete]\nstart = { history = \"gap.csv\" }\n", &["gap.csv:4", "\"tired\": expected a number"]),
        (base, "[athlete]\nstart = { history = \"baddate.csv\" }\n", &["baddate.csv:3", "date"]),
        (base, "[athlete]\nstart = \"tired\"\n", &["athlete.start", "rested"]),
        (base, "[athlete]\nstart = { steady_load = -5.0 }\n", &["steady_load", "between 0"]),
    ];
    for (i, (model, extra, want)) in cases.iter().enumerate() {
        // Extra lines that belong in [model] come right after it, the rest after it too.
        let text = format!("schema_version = 1\n{model}{extra}{PLAN}");
        let f = write(dir.path(), &format!("bad{i}.toml"), &text);
        let out = dir.path().join(format!("out{i}"));
        let (code, _, err) = run(&["run", f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(code, 2, "case {i}: {err}");
        assert!(err.contains(&format!("bad{i}.toml:")), "case {i}: no file:line in {err}");
        for w in *want {
            assert!(err.contains(w), "case {i}: {w:?} not in {err}");
        }
        assert!(!out.exists(), "case {i}: wrote output");
    }
}

/// Joint draws are the same whether drawn eight athletes at a time (as runs do) or one by one,
/// from any starting athlete.
#[test]
fn joint_draws_are_the_same_in_lanes_and_one_by_one() {
    let text = "schema_version = 1\n[model]\nkind = \"busso\"\np0 = { dist = \"normal\", mean = 100.0, sd = 5.0, min = 90.0, max = 104.0 }\n\
                k1 = { dist = \"lognormal\", median = 0.02, sigma = 0.3 }\nk3 = { dist = \"lognormal\", median = 0.00004, sigma = 0.3 }\n\
                tau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\ntau2 = { dist = \"uniform\", min = 5.0, max = 25.0 }\ntau3 = 4.0\n\
                require = [\"tau1 >= 2 * tau2\"]\n[[model.correlation]]\nparams = [\"k1\", \"k3\"]\nrho = 0.6\n\
                [plan]\nweeks = 1\nkey_workouts = 1\nkey_load = 100.0\n";
    let sc = periodize::scenario::parse_scenario(text, Path::new("x.toml")).unwrap();
    let spec = sc.rows()[0].model();
    let s = periodize::population::Sampler::new(5, spec);
    let np = spec.params().len();
    for first in [0u64, 21, 1 << 30] {
        let mut c = s.cursor(first);
        for block in 0..3u64 {
            let mut lanes = vec![[0.0; 8]; np];
            c.next_lanes(periodize::montecarlo::Form::detect(periodize::montecarlo::Simd::Auto), &mut lanes);
            for l in 0..8u64 {
                let mut one = vec![0.0; np];
                s.sample(first + 8 * block + l, &mut one);
                let got: Vec<f64> = lanes.iter().map(|v| v[l as usize]).collect();
                assert_eq!(got, one, "athlete {}", first + 8 * block + l);
                assert!(one[4] * 2.0 <= one[3], "require holds");
            }
        }
    }
}
