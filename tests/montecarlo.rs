//! `periodize run` against closed forms and the paired-comparison and reproducibility rules.
#![allow(clippy::needless_range_loop)]

mod common;

use std::path::Path;

use periodize::scenario::Dist;
use periodize::stats::normal_cdf;

const MODEL: &str = "[model]\nkind = \"banister\"\np0 = 100.0\nk1 = 0.1\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0\n";
const PLAN: &str = "[plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 150.0\neasy_load = 50.0\nrest_days = 1\nrecovery = { every = 3, factor = 0.6 }\ntaper = { days = 5, factor = 0.5 }\n";

use common::{cell as f, summary, write};

fn run(args: &[&str]) -> (i32, String) {
    let (code, _, err) = common::run(args);
    (code, err)
}

/// The plan's loads, read back through `periodize plan`.
fn plan_loads(scenario: &Path) -> Vec<f64> {
    let o = common::bin().args(["plan", scenario.to_str().unwrap()]).output().unwrap();
    String::from_utf8(o.stdout).unwrap().lines().skip(1).map(|l| l.split(',').nth(5).unwrap().parse().unwrap()).collect()
}

#[test]
fn a_fixed_athlete_without_noise_gives_exactly_simulates_race_day_value() {
    let dir = tempfile::tempdir().unwrap();
    for (model, conv) in [("banister", "lagged"), ("banister", "same-day"), ("busso", "lagged")] {
        let m = if model == "busso" {
            format!("[model]\nkind = \"busso\"\nconvention = \"{conv}\"\np0 = 100.0\nk1 = 0.1\nk3 = 0.0007\ntau1 = 42.0\ntau2 = 7.0\ntau3 = 4.0\n")
        } else {
            MODEL.replace("kind = \"banister\"", &format!("kind = \"banister\"\nconvention = \"{conv}\""))
        };
        let sc = write(dir.path(), "fixed.toml", &format!("schema_version = 1\n[run]\nathletes = 5\n{m}{PLAN}"));
        let out = dir.path().join("out");
        assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]).0, 0);
        let row = &summary(&out)[0];
        // simulate over the plan plus race day (one more day, no load).
        let mut loads = plan_loads(&sc);
        loads.push(0.0);
        let lf = common::write_loads(dir.path(), "loads.csv", &loads);
        let mut args = vec!["simulate", "--model", model, "--loads", lf.to_str().unwrap(), "--convention", conv];
        let params = if model == "busso" { vec!["p0=100", "k1=0.1", "k3=0.0007", "tau1=42", "tau2=7", "tau3=4"] } else { vec!["p0=100", "k1=0.1", "k2=0.2", "tau1=42", "tau2=7"] };
        for p in &params {
            args.extend(["--param", p]);
        }
        let o = common::bin().args(&args).output().unwrap();
        let text = String::from_utf8(o.stdout).unwrap();
        let race_day = text.lines().last().unwrap().rsplit(',').next().unwrap().to_string();
        assert_eq!(row["perf_final_p50"], race_day, "{model} {conv}");
        assert_eq!(row["perf_final_p05"], race_day);
        assert_eq!(f(row, "perf_final_sd"), 0.0);
        // The peak and its day, from the same series.
        let perf: Vec<f64> = text.lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
        let (day, peak) = perf.iter().enumerate().fold((0, f64::NEG_INFINITY), |a, (i, &p)| if p > a.1 { (i, p) } else { a });
        assert_eq!(f(row, "perf_peak_p50"), peak);
        assert_eq!(f(row, "peak_day_mean"), day as f64);
        assert!((f(row, "load_total_mean") - loads.iter().sum::<f64>()).abs() < 1e-9);
    }
}

/// Banister is linear in k1: with k1 ~ lognormal(m, s) and everything else fixed, race-day
/// performance is c + G k1 with G the convolution sum of the plan, so its mean, sd and quantiles
/// are known in closed form. The run must agree within 4 standard errors.
#[test]
fn a_population_matches_the_closed_form_of_the_linear_model() {
    let dir = tempfile::tempdir().unwrap();
    let (m, s, n) = (0.1, 0.3, 20000usize);
    let text = format!("schema_version = 1\n[run]\nseed = 99\nathletes = {n}\n{}{PLAN}", MODEL.replace("k1 = 0.1", &format!("k1 = {{ dist = \"lognormal\", median = {m}, sigma = {s} }}")));
    let sc = write(dir.path(), "pop.toml", &text);
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]).0, 0);
    let row = &summary(&out)[0];
    let mut w = plan_loads(&sc);
    w.push(0.0);
    let o = common::banister(&w, 0.0, 1.0, 0.0, 42.0, 7.0, false, 0.0, 0.0);
    let (g, h) = (o.last().unwrap().0, o.last().unwrap().1);
    let c = 100.0 - 0.2 * h;
    let mean = c + g * m * (s * s / 2.0f64).exp();
    let sd = g * m * ((s * s).exp() * ((s * s).exp() - 1.0)).sqrt();
    let se = sd / (n as f64).sqrt();
    assert!((f(row, "perf_final_mean") - mean).abs() < 4.0 * se, "mean {} vs {mean}", f(row, "perf_final_mean"));
    // sd of the sample sd of a lognormal is awkward; 4 % is over 4 standard errors at n = 20000.
    assert!((f(row, "perf_final_sd") / sd - 1.0).abs() < 0.04, "sd {} vs {sd}", f(row, "perf_final_sd"));
    // Quantiles: the model's CDF at the reported quantile must be within 4 binomial SE of q.
    let cdf = |x: f64| normal_cdf(((x - c) / (g * m)).ln() / s);
    for (col, q) in [("perf_final_p05", 0.05), ("perf_final_p50", 0.5), ("perf_final_p95", 0.95)] {
        let got = cdf(f(row, col));
        assert!((got - q).abs() < 4.0 * (q * (1.0 - q) / n as f64).sqrt(), "{col}: F = {got}");
    }
}

#[test]
fn rows_are_paired_identical_variants_tie_and_p0_plus_one_always_wins() {
    let dir = tempfile::tempdir().unwrap();
    let model = MODEL.replace("k1 = 0.1", "k1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }").replace("tau2 = 7.0", "tau2 = { dist = \"uniform\", min = 5.0, max = 10.0 }");
    // (Load noise only: a race-day test error is drawn anew in every row, see below.)
    let text = format!("schema_version = 1\n[run]\nathletes = 3000\n{model}{PLAN}[noise]\nload_cv = 0.2\nmiss_rate = 0.1\n\
        [[variant]]\nname = \"a\"\n[[variant]]\nname = \"same\"\n[[variant]]\nname = \"plus-one\"\nmodel.p0 = 101.0\n");
    let sc = write(dir.path(), "pair.toml", &text);
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]).0, 0);
    let rows = summary(&out);
    let comparison = [
        "reference", "win_rate", "win_rate_ci_low", "win_rate_ci_high", "diff_mean", "diff_ci_low", "diff_ci_high", "diff_pct", "diff_ci_low_pct",
        "diff_ci_high_pct", "swc_pct", "better_share", "worse_share", "trivial_share", "verdict",
    ];
    for (k, v) in &rows[0] {
        if !["variant", "label"].contains(&k.as_str()) && !comparison.contains(&k.as_str()) {
            assert_eq!(&rows[1][k], v, "identical variants differ in {k}");
        }
    }
    // The first variant is the reference: its comparison cells are empty, not a lost race.
    for k in comparison {
        assert_eq!(rows[0][k], "", "reference row's {k}");
    }
    assert_eq!(rows[1]["reference"], "a");
    assert_eq!(f(&rows[1], "win_rate"), 0.0);
    assert_eq!(f(&rows[1], "diff_mean"), 0.0);
    assert_eq!(f(&rows[1], "diff_pct"), 0.0);
    assert_eq!(f(&rows[2], "win_rate"), 1.0);
    assert!((f(&rows[2], "diff_mean") - 1.0).abs() < 1e-9);
    // Same athletes, same noise: every athlete's race day differs by exactly p0's step.
    let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(recs.len(), 3 * 3000);
    for i in 0..3000 {
        let (a, c) = (&recs[i], &recs[6000 + i]);
        assert_eq!(a.get(1), c.get(1));
        let (pa, pc): (f64, f64) = (a.get(2).unwrap().parse().unwrap(), c.get(2).unwrap().parse().unwrap());
        assert!((pc - pa - 1.0).abs() < 1e-9, "athlete {i}");
        assert_eq!(a.get(5), c.get(5), "load_total must match: same missed sessions and factors");
        assert_eq!(&a.iter().skip(11).collect::<Vec<_>>()[1..], &c.iter().skip(11).collect::<Vec<_>>()[1..], "parameters other than p0");
    }
}

#[test]
fn summary_is_byte_identical_across_threads_and_differs_with_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let sc = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/busso-train-to-recover.toml");
    let mut outs = Vec::new();
    for (t, seed) in [("1", "5"), ("2", "5"), ("2", "6")] {
        let out = dir.path().join(format!("t{t}s{seed}"));
        let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "2500", "--threads", t, "--seed", seed, "--daily"]);
        assert_eq!(code, 0, "{err}");
        outs.push((std::fs::read(out.join("summary.csv")).unwrap(), std::fs::read(out.join("daily.csv")).unwrap()));
    }
    assert!(outs[0] == outs[1], "threads changed the bytes");
    assert_ne!(outs[0].0, outs[2].0);
}

#[test]
fn daily_aggregates_agree_with_the_per_athlete_summary_on_race_day() {
    let dir = tempfile::tempdir().unwrap();
    let model = MODEL.replace("k2 = 0.2", "k2 = { dist = \"lognormal\", median = 0.2, sigma = 0.3 }");
    let sc = write(dir.path(), "d.toml", &format!("schema_version = 1\n[run]\nathletes = 4000\n{model}{PLAN}[noise]\nload_cv = 0.1\n"));
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--daily"]).0, 0);
    let row = &summary(&out)[0];
    let daily = std::fs::read_to_string(out.join("daily.csv")).unwrap();
    let race: Vec<f64> = daily.lines().last().unwrap().split(',').skip(2).map(|x| x.parse().unwrap()).collect();
    assert_eq!(race[7], 1.0, "the last daily row is race day");
    assert!((race[0] - f(row, "perf_final_mean")).abs() < 1e-9);
    let lows: Vec<f64> = daily.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().parse().unwrap()).collect();
    let (lo, hi) = (lows[lows.len() - 1], f(row, "perf_final_p95"));
    let bin = (hi - lo) / 512.0 * 2.0;
    for (i, col) in [(1, "perf_final_p05"), (2, "perf_final_p50"), (3, "perf_final_p95")] {
        assert!((race[i] - f(row, col)).abs() <= bin.max(1e-9), "{col}: {} vs {}", race[i], f(row, col));
    }
}

#[test]
fn load_noise_keeps_the_mean_load_and_skips_the_miss_rate() {
    let dir = tempfile::tempdir().unwrap();
    let (cv, miss, n) = (0.3, 0.1, 4000);
    let sc = write(dir.path(), "n.toml", &format!("schema_version = 1\n[run]\nathletes = {n}\n{MODEL}{PLAN}[noise]\nload_cv = {cv}\nmiss_rate = {miss}\n"));
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]).0, 0);
    let row = &summary(&out)[0];
    let w = plan_loads(&sc);
    let total: f64 = w.iter().sum();
    // Each session: w * B * F, B ~ Bernoulli(1 - miss), F lognormal with mean 1 and cv.
    let var: f64 = w.iter().map(|x| x * x * ((1.0 - miss) * (1.0 + cv * cv) - (1.0 - miss) * (1.0 - miss))).sum();
    let se = (var / n as f64).sqrt();
    assert!((f(row, "load_total_mean") - total * (1.0 - miss)).abs() < 4.0 * se);
    assert!((f(row, "load_total_sd") / var.sqrt() - 1.0).abs() < 0.06);
}

/// A truncated normal is drawn by resampling: every draw inside [min, max], and the draws follow
/// the truncated CDF (Kolmogorov-Smirnov at alpha = 0.001).
#[test]
fn truncated_normal_parameters_follow_the_truncated_distribution() {
    let (mean, sd, lo, hi) = (42.0, 10.0, 35.0, 70.0);
    let params: Vec<(String, Dist)> = vec![("tau1".into(), Dist::Normal { mean, sd, min: lo, max: hi })];
    let s = periodize::population::Sampler::from_params(7, &params).unwrap();
    let n = 20000;
    let mut x: Vec<f64> = (0..n).map(|i| { let mut v = [0.0]; s.sample(i, &mut v); v[0] }).collect();
    assert!(x.iter().all(|v| (lo..=hi).contains(v)));
    x.sort_by(f64::total_cmp);
    let (a, b) = (normal_cdf((lo - mean) / sd), normal_cdf((hi - mean) / sd));
    let d = x.iter().enumerate().map(|(i, &v)| {
        let fx = (normal_cdf((v - mean) / sd) - a) / (b - a);
        (fx - i as f64 / n as f64).abs().max((fx - (i + 1) as f64 / n as f64).abs())
    }).fold(0.0, f64::max);
    assert!(d < 1.95 / (n as f64).sqrt(), "KS D = {d}");
}

#[test]
fn every_shipped_scenario_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let scen = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios");
    for entry in std::fs::read_dir(&scen).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let out = dir.path().join(path.file_stem().unwrap());
        let (code, err) = run(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "40", "--plots"]);
        assert_eq!(code, 0, "{}: {err}", path.display());
        let sc = periodize::scenario::load(&path).unwrap();
        let rows = summary(&out);
        assert_eq!(rows.len(), sc.rows().len());
        for r in &rows {
            assert_eq!(r["athletes"], "40");
            for col in ["perf_final_mean", "perf_peak_mean", "load_total_mean"] {
                assert!(f(r, col).is_finite(), "{}: {col}", path.display());
            }
            // Every row is either a reference (empty comparison) or compared with a finite result.
            // (Rows of identical athletes are one athlete: no win rate or interval; a form,
            // pmc's, has no percent or verdict.)
            if !r["reference"].is_empty() {
                assert!(f(r, "diff_mean").is_finite(), "{}: diff_mean", path.display());
                let one = r["win_rate"].is_empty();
                let form = r["kind"] == "pmc";
                let cols: &[&str] = match (one, form) {
                    (false, false) => &["win_rate", "diff_pct", "win_rate_ci_low", "win_rate_ci_high", "better_share", "diff_ci_low_pct"],
                    (true, false) => &["diff_pct", "better_share"],
                    (false, true) => &["win_rate", "win_rate_ci_low"],
                    (true, true) => &[],
                };
                for col in cols {
                    assert!(f(r, col).is_finite(), "{}: {col}", path.display());
                }
                if one {
                    assert_eq!(r["diff_ci_low"], "", "{}: one athlete, no interval", path.display());
                }
                assert_eq!(r["verdict"].is_empty(), form, "{}: verdict {:?}", path.display(), r["verdict"]);
            }
        }
        assert!(rows.iter().any(|r| !r["reference"].is_empty()) || rows.len() == 1, "{}: nothing compared", path.display());
        let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["athletes"], 40);
        assert_eq!(manifest["seed"], sc.seed());
        assert_eq!(manifest["periodize_version"], env!("CARGO_PKG_VERSION"));
        for chart in ["final.svg", "daily.svg"] {
            assert!(std::fs::read_to_string(out.join(chart)).unwrap().starts_with("<svg"), "{}: {chart}", path.display());
        }
        if rows.len() > 1 {
            assert!(std::fs::read_to_string(out.join("diff.svg")).unwrap().starts_with("<svg"));
        }
        assert!(err.contains("athlete-days/s"));
    }
}

#[test]
fn a_failed_run_leaves_earlier_results_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.toml", &format!("schema_version = 1\n[run]\nathletes = 10\n{MODEL}{PLAN}"));
    let out = dir.path().join("out");
    assert_eq!(run(&["run", good.to_str().unwrap(), "--out", out.to_str().unwrap()]).0, 0);
    let before = std::fs::read(out.join("summary.csv")).unwrap();
    let bad = write(dir.path(), "bad.toml", &format!("schema_version = 1\n{}{PLAN}", MODEL.replace("tau1 = 42.0", "tau1 = -1.0")));
    let (code, err) = run(&["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap(), "--seed", "3"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), before);
    // An output folder that cannot be created: exit 1, nothing half-written.
    let blocker = write(dir.path(), "file", "x");
    let (code, err) = run(&["run", good.to_str().unwrap(), "--out", blocker.join("sub").to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2, "only summary.csv and manifest.json");
}

/// Value stability: the first draws for a fixed seed, pinned. The statistical tests above would
/// not notice a change of stream layout (which word feeds which parameter), but every user's
/// results would silently change with it; this pin makes such a change deliberate. A regression
/// pin, alongside the distribution tests, not instead of them.
#[test]
fn the_first_parameter_draws_of_a_seed_are_stable() {
    let params: Vec<(String, Dist)> = vec![
            ("k1".into(), Dist::Lognormal { median: 0.1, sigma: 0.25 }),
            ("tau1".into(), Dist::Normal { mean: 42.0, sd: 5.0, min: 20.0, max: 70.0 }),
        ];
    let s = periodize::population::Sampler::from_params(20261125, &params).unwrap();
    let pinned = [[0.10841498095028482, 30.451612972416612], [0.07964992604698806, 40.8121311502979], [0.13122368486827385, 45.05593258123235]];
    for (i, want) in pinned.iter().enumerate() {
        let mut v = [0.0; 2];
        s.sample(i as u64, &mut v);
        assert_eq!(&v, want, "athlete {i}");
    }
}

/// The lane sampler (8 athletes at once; with AVX2 from the vertical ChaCha8) must give every
/// athlete exactly the parameters of the one-athlete sampler, which reads the `params` stream
/// through the chacha20 crate: for every distribution, for parameters in three slot groups, for
/// truncated normals that need overflow draws, and for cursors that start anywhere.
#[test]
fn lane_sampling_equals_one_athlete_at_a_time() {
    let params: Vec<(String, Dist)> = vec![
            ("p0".into(), Dist::Fixed { value: 3.0 }),
            ("k1".into(), Dist::Lognormal { median: 0.1, sigma: 0.6 }),
            ("tau1".into(), Dist::Normal { mean: 42.0, sd: 15.0, min: 40.0, max: 45.0 }),
            ("fitness0".into(), Dist::Uniform { min: -1.0, max: 2.0 }),
            ("dso".into(), Dist::Normal { mean: 0.0, sd: 1.0, min: 1.5, max: 9.0 }),
            ("scale".into(), Dist::Lognormal { median: 2.0, sigma: 0.1 }),
        ];
    let s = periodize::population::Sampler::from_params(99, &params).unwrap();
    let np = params.len();
    for first in [0u64, 13, 1 << 33] {
        let mut c = s.cursor(first);
        let mut c4 = s.cursor(first);
        for block in 0..40u64 {
            // The widest form on 8 lanes, the portable one on 4.
            let mut lanes = vec![[0.0f64; 8]; np];
            c.next_lanes(periodize::montecarlo::Form::detect(periodize::montecarlo::Simd::Auto), &mut lanes);
            let mut lanes4 = vec![[0.0f64; 4]; np];
            c4.next_lanes(periodize::montecarlo::Form::detect(periodize::montecarlo::Simd::Generic), &mut lanes4);
            for l in 0..8 {
                let mut one = vec![0.0; np];
                s.sample(first + block * 8 + l as u64, &mut one);
                for p in 0..np {
                    assert_eq!(lanes[p][l].to_bits(), one[p].to_bits(), "first {first}, block {block}, lane {l}, param {p}");
                }
            }
            // The 4-lane cursor is half as far: athletes first + 4 block ..
            for l in 0..4 {
                let mut one = vec![0.0; np];
                s.sample(first + block * 4 + l as u64, &mut one);
                for p in 0..np {
                    assert_eq!(lanes4[p][l].to_bits(), one[p].to_bits(), "4 lanes: first {first}, block {block}, lane {l}, param {p}");
                }
            }
        }
    }
}

/// Every form of the engine (PERIODIZE_SIMD = generic, avx2, avx512) writes the same summary and
/// per-athlete bytes, with and without load noise, and the manifest says which form ran; an
/// unknown form is a usage error that writes nothing.
#[test]
fn every_simd_form_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "schema_version = 1\n[run]\nathletes = 700\n[model]\nkind = \"banister\"\np0 = 100.0\n\
         k1 = {{ dist = \"lognormal\", median = 0.1, sigma = 0.3 }}\nk2 = {{ dist = \"lognormal\", median = 0.2, sigma = 0.3 }}\n\
         tau1 = {{ dist = \"normal\", mean = 42.0, sd = 6.0, min = 25.0, max = 60.0 }}\ntau2 = 7.0\n{PLAN}\
         [[variant]]\nname = \"plain\"\n[[variant]]\nname = \"noisy\"\nnoise.load_cv = 0.2\nnoise.miss_rate = 0.1\n"
    );
    let sc = write(dir.path(), "s.toml", &text);
    let mut outputs = Vec::new();
    for form in ["generic", "avx2", "avx512"] {
        let out = dir.path().join(form);
        let o = common::bin()
            .env("PERIODIZE_SIMD", form)
            .args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{form}: {}", String::from_utf8_lossy(&o.stderr));
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        let used = manifest.lines().find(|l| l.contains("\"simd\"")).unwrap().to_string();
        // The form asked for, or a narrower one where the processor lacks it.
        let order = ["generic", "avx2", "avx512"];
        let rank = |f: &str| order.iter().position(|o| used.contains(&format!("\"{o}\""))).map(|u| u <= order.iter().position(|x| *x == f).unwrap());
        assert_eq!(rank(form), Some(true), "{form}: {used}");
        outputs.push((form, std::fs::read(out.join("summary.csv")).unwrap(), std::fs::read(out.join("athletes.csv")).unwrap()));
    }
    let rows = summary(&dir.path().join("generic"));
    assert_eq!(rows.len(), 2);
    assert!(f(&rows[1], "load_total_sd") > 0.0 && f(&rows[0], "load_total_sd") == 0.0, "the second row carries load noise");
    for (form, s, a) in &outputs[1..] {
        assert!(s == &outputs[0].1, "summary.csv of {form} differs from the generic kernel's");
        assert!(a == &outputs[0].2, "athletes.csv of {form} differs from the generic kernel's");
    }
    let bad = dir.path().join("bad");
    let o = common::bin().env("PERIODIZE_SIMD", "sse9").args(["run", sc.to_str().unwrap(), "--out", bad.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("PERIODIZE_SIMD=sse9: expected avx512, avx2 or generic"));
    assert!(!bad.exists());
}

/// Messages are for the user: a stderr that cannot be written (here /dev/full) must not make a
/// run panic or fail, and the results must be complete.
#[test]
fn a_full_stderr_does_not_fail_a_run() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("SKIPPED a_full_stderr_does_not_fail_a_run: no /dev/full on this system");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sc = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/busso-spacing.toml");
    let out = dir.path().join("out");
    let status = common::bin()
        .args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "50"])
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(summary(&out).len(), 6);
}

/// `test_sd` is a measurement error on the race-day result only: every athlete's peak, its day
/// and the days below baseline are the model's own (identical with and without it), daily.csv
/// is unchanged, and race day moves by errors whose mean is 0 and whose sd is test_sd (checked
/// against the normal's sampling distributions over 4000 athletes).
#[test]
fn measurement_noise_moves_only_the_race_day_result() {
    let dir = tempfile::tempdir().unwrap();
    let model = MODEL.replace("k1 = 0.1", "k1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }");
    let n = 4000;
    let sd = 2.5;
    let mut athletes = Vec::new();
    let mut daily = Vec::new();
    for noise in ["", &format!("[noise]\ntest_sd = {sd}\n")] {
        let sc = write(dir.path(), "t.toml", &format!("schema_version = 1\n[run]\nathletes = {n}\n{model}{PLAN}{noise}"));
        let out = dir.path().join("out");
        assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete", "--daily"]).0, 0);
        let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
        athletes.push(r.records().map(|x| x.unwrap()).collect::<Vec<csv::StringRecord>>());
        daily.push(std::fs::read(out.join("daily.csv")).unwrap());
    }
    assert_eq!(daily[0], daily[1], "daily.csv shows the model's performance");
    let (quiet, noisy) = (&athletes[0], &athletes[1]);
    assert_eq!(quiet.len(), n);
    let mut errors = Vec::new();
    for i in 0..n {
        // perf_peak, peak_day, load_total, days_below, acwr_max and the parameters are untouched.
        for col in 3..quiet[i].len() {
            assert_eq!(quiet[i].get(col), noisy[i].get(col), "athlete {i}, column {col}");
        }
        let get = |r: &csv::StringRecord| -> f64 { r.get(2).unwrap().parse().unwrap() };
        errors.push(get(&noisy[i]) - get(&quiet[i]));
    }
    let mean = errors.iter().sum::<f64>() / n as f64;
    let var = errors.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>() / (n - 1) as f64;
    // The mean's standard error is sd/sqrt(n); the variance's is about sd^2 sqrt(2/n).
    assert!(mean.abs() < 4.0 * sd / (n as f64).sqrt(), "mean error {mean}");
    assert!((var / (sd * sd) - 1.0).abs() < 4.0 * (2.0 / n as f64).sqrt(), "error variance {var}");
}

/// Issue 27 (rule 7): with `test_sd`, each row's race-day result is a new test, drawn from the
/// row's own stream words: two identical variants then differ only by two independent errors
/// (win rate near 0.5, paired sd sqrt(2) test_sd), while everything the errors do not touch
/// (peak, load, days below) stays identical.
#[test]
fn each_row_gets_its_own_race_day_measurement_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("schema_version = 1\n[run]\nathletes = 4000\n{MODEL}{PLAN}[noise]\ntest_sd = 50.0\n[[variant]]\nname = \"a\"\n[[variant]]\nname = \"same\"\n");
    let sc = write(dir.path(), "t.toml", &text);
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]).0, 0);
    let rows = summary(&out);
    let n = 4000.0;
    let w = f(&rows[1], "win_rate");
    // Binomial(4000, 1/2): 4 sd is 0.032.
    assert!((w - 0.5).abs() < 0.032, "win rate {w}");
    let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let d: Vec<f64> = (0..4000).map(|i| recs[4000 + i][2].parse::<f64>().unwrap() - recs[i][2].parse::<f64>().unwrap()).collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    // The difference of two independent N(0, 50^2): variance 5000, its estimate within 4 se.
    let se = 5000.0 * (2.0 / (n - 1.0)).sqrt();
    assert!((var - 5000.0).abs() < 4.0 * se, "variance {var}");
    assert!(mean.abs() < 4.0 * (5000.0 / n).sqrt(), "mean {mean}");
    for col in ["perf_peak_mean", "peak_day_mean", "load_total_mean", "days_below_mean"] {
        assert_eq!(rows[0][col], rows[1][col], "{col}");
    }
}

/// Issue 27 (rule 7): at an exact steady state (a steady-load start trained on at that load)
/// rounding in the last bit is not a day below the starting level.
#[test]
fn an_exact_steady_state_has_no_days_below() {
    let dir = tempfile::tempdir().unwrap();
    // (banister-literature's population counted 1.12 such days on average before.)
    let text = "schema_version = 1\n[run]\nathletes = 50\n[model]\npreset = \"banister-literature\"\n[athlete]\nstart = { steady_load = 60.0 }\n[plan]\nweeks = 8\nkey_workouts = 0\neasy_load = 60.0\nrest_days = 0\n";
    let sc = write(dir.path(), "s.toml", text);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    assert_eq!(f(&rows[0], "days_below_mean"), 0.0, "{:?}", rows[0]);
}
