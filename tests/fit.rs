//! `periodize fit` against the published Clarke & Skiba fit, synthetic athletes with known
//! parameters, and bootstrap coverage.

mod common;

use std::path::Path;

use periodize::daily::DailySeries;
use periodize::fit::{FitOptions, fit};
use periodize::model::{Convention, ModelKind};

fn cyclist() -> std::path::PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("tests/data/clarke2013_cyclist.csv")
}

fn fit_csv(text: &str) -> Vec<(String, f64)> {
    text.lines().skip(1).map(|l| {
        let c: Vec<&str> = l.split(',').collect();
        (c[0].to_string(), c[1].parse().unwrap())
    }).collect()
}

/// SSE of Banister parameters on the cyclist's tests, by the convolution-sum oracle.
fn oracle_sse(series: &DailySeries, p: &[f64], same_day: bool) -> f64 {
    let o = common::banister(&series.load, p[0], p[1], p[2], p[3], p[4], same_day, 0.0, 0.0);
    series.performance.iter().enumerate().filter_map(|(d, y)| y.map(|y| (y - o[d].2).powi(2))).sum()
}

#[test]
fn the_reference_cyclist_fits_at_least_as_well_as_the_published_fit() {
    let series = periodize::daily::read_daily(&cyclist(), true).unwrap();
    // The data and convention reproduce the paper: its parameters give its SSE of 20.25.
    let published = [261.93, 0.18258, 0.23016, 35.82, 21.34];
    assert!((oracle_sse(&series, &published, true) - 20.25).abs() < 0.02);
    let o = common::bin().args(["fit", "--model", "banister", "--data", cyclist().to_str().unwrap(), "--convention", "same-day"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = fit_csv(&String::from_utf8(o.stdout).unwrap());
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names[..7], ["p0", "k1", "k2", "tau1", "tau2", "sse", "r2"]);
    let sse = rows[5].1;
    assert!(sse <= 20.26, "SSE {sse}");
    // The reported SSE is what the reported parameters give, by the independent oracle.
    let p: Vec<f64> = rows[..5].iter().map(|r| r.1).collect();
    assert!((oracle_sse(&series, &p, true) - sse).abs() < 1e-6 * sse);
    // The valley towards tau1 = tau2 is reported, not hidden.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not identified"), "{err}");
}

/// A reproducible training history: hard, easy and rest days, about 200 days.
fn history(days: usize, seed: u64) -> Vec<f64> {
    let mut x = seed;
    (0..days).map(|d| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        match d % 7 { 0 => 0.0, 1 | 3 | 5 => 100.0 + 80.0 * u, _ => 30.0 + 40.0 * u }
    }).collect()
}

fn series_with_tests(load: Vec<f64>, perf: &[f64], every: usize, noise: &mut impl FnMut() -> f64) -> DailySeries {
    let performance = (0..load.len()).map(|d| (d % every == every - 1).then(|| perf[d] + noise())).collect();
    DailySeries { load, performance, ..Default::default() }
}

#[test]
fn known_parameters_are_recovered_within_two_percent_from_noise_free_tests() {
    for same_day in [false, true] {
        let conv = if same_day { Convention::SameDay } else { Convention::Lagged };
        let load = history(210, 3);
        let truth = [250.0, 0.12, 0.25, 40.0, 8.0];
        let perf: Vec<f64> = common::banister(&load, truth[0], truth[1], truth[2], truth[3], truth[4], same_day, 0.0, 0.0).iter().map(|r| r.2).collect();
        let s = series_with_tests(load, &perf, 4, &mut || 0.0);
        let r = fit(&s, &FitOptions::new(ModelKind::Banister, conv).unwrap()).unwrap();
        for (e, t) in r.params.iter().zip(truth) {
            assert!((e.value / t - 1.0).abs() < 0.02, "banister {same_day}: {} = {} vs {t}", e.name, e.value);
        }
        assert!(r.sse < 1e-8, "{}", r.sse);

        let load = history(210, 5);
        let truth = [100.0, 0.1, 0.0007, 40.0, 8.0, 4.0];
        let perf: Vec<f64> = common::busso(&load, truth[0], truth[1], truth[2], truth[3], truth[4], truth[5], same_day).iter().map(|r| r.3).collect();
        let s = series_with_tests(load, &perf, 4, &mut || 0.0);
        let r = fit(&s, &FitOptions::new(ModelKind::Busso, conv).unwrap()).unwrap();
        for (e, t) in r.params.iter().zip(truth) {
            assert!((e.value / t - 1.0).abs() < 0.02, "busso {same_day}: {} = {} vs {t}", e.name, e.value);
        }
    }
}

/// Share of `datasets` synthetic athletes (the truth below, loads from `history`, a test every
/// `every` days with Gaussian noise of sd 1.5) whose 95% bootstrap interval holds the truth, per
/// parameter.
fn coverage(days: usize, every: usize, datasets: u64, interval: periodize::fit::Interval) -> Vec<f64> {
    let truth = [250.0, 0.12, 0.25, 40.0, 8.0];
    let mut hits = [0usize; 5];
    let mut x = 17u64 + every as u64;
    let mut gauss = move || {
        // Box-Muller from an LCG: the test's own noise, independent of the crate's streams.
        let mut u = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let (a, b) = (u(), u());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    };
    for k in 0..datasets {
        let load = history(days, 100 + k);
        let perf: Vec<f64> = common::banister(&load, truth[0], truth[1], truth[2], truth[3], truth[4], false, 0.0, 0.0).iter().map(|r| r.2).collect();
        let s = series_with_tests(load, &perf, every, &mut || 1.5 * gauss());
        let mut o = FitOptions::new(ModelKind::Banister, Convention::Lagged).unwrap();
        o.bootstrap = 1000;
        o.grid = 40;
        o.seed = k;
        o.interval = interval;
        let r = fit(&s, &o).unwrap();
        for (i, e) in r.params.iter().enumerate() {
            let (lo, hi) = e.ci.unwrap();
            hits[i] += usize::from(lo <= truth[i] && truth[i] <= hi);
        }
    }
    hits.iter().map(|h| *h as f64 / datasets as f64).collect()
}

#[test]
fn bootstrap_intervals_cover_the_truth_at_their_nominal_rate() {
    // Issue 28: 200 synthetic athletes for each of two designs, 42 tests in 30 weeks and 21 (a test
    // every 10 days), 1,000 replicates each. The studentized intervals must hold the truth for at
    // least 93% of them, for every parameter (the percentile intervals held p0 for 87-88%). A
    // binomial(200, 0.95) falls below 186/200 with probability 0.08: at exactly 95% a parameter
    // would fail about one run in twelve; the measured rates are 93.0-97.0% (README).
    for (days, every) in [(210, 5), (210, 10)] {
        let rates = coverage(days, every, 200, periodize::fit::Interval::Studentized);
        eprintln!("{days} days, a test every {every}: coverage of p0, k1, k2, tau1, tau2: {rates:?}");
        assert!(rates.iter().all(|r| *r >= 0.93), "{days} days, every {every}: coverage {rates:?}");
    }
}

#[test]
fn the_fitted_athlete_runs_as_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("athlete.toml");
    let o = common::bin().args(["fit", "--model", "banister", "--data", cyclist().to_str().unwrap(), "--convention", "same-day",
        "--bootstrap", "100", "--scenario-out", sc.to_str().unwrap(), "-o", dir.path().join("fit.csv").to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&sc).unwrap();
    assert!(text.contains("sample_from = \"athlete-replicates.csv\"") && text.contains("history = \"athlete-history.csv\""), "{text}");
    // The replicates file holds every replicate as a whole row; the history is the athlete's.
    let reps = std::fs::read_to_string(dir.path().join("athlete-replicates.csv")).unwrap();
    assert_eq!(reps.lines().next(), Some("p0,k1,k2,tau1,tau2"));
    assert!(reps.lines().count() > 90);
    let series = periodize::daily::read_daily(&cyclist(), true).unwrap();
    let hist = periodize::daily::read_daily(&dir.path().join("athlete-history.csv"), false).unwrap();
    assert_eq!(hist.load, series.load);
    let out = dir.path().join("out");
    let o = common::bin().args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "2000"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // No warning but one that is true of this athlete: the history ends fitter than a plan at
    // the history's mean weekly load keeps it, so performance peaks in the plan's first days.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.lines().filter(|l| l.starts_with("warning")).all(|l| l.ends_with("(peak_before_race)") && l.contains("early in the plan")), "{err}");
    let rows = common::summary(&out);
    assert_eq!(rows.len(), 2);
    // The rider tested at 271-302 W. Each simulated athlete is one joint replicate of the fit,
    // starting from the fitness the history left: the race-day prediction stays in a possible
    // band near the tests (the round-1 scenario, with independent draws from rest, predicted
    // 115-756 W), and both plans have the same total load. Since the bootstrap corrects each
    // residual for its leverage (9 tests, 5 parameters: the fit leans hard on some tests) the
    // replicates spread wider than with a uniform rescale: 291-367 W here (100 replicates).
    for r in &rows {
        let (p05, p95) = (common::cell(r, "perf_final_p05"), common::cell(r, "perf_final_p95"));
        assert!(p05 > 260.0 && p95 < 400.0 && p95 - p05 < 90.0, "{}: p05 {p05} W, p95 {p95} W", r["variant"]);
    }
    assert!(common::close(common::cell(&rows[0], "load_total_mean"), common::cell(&rows[1], "load_total_mean"), 1e-12));
    // Fixed values without --bootstrap: one athlete, exactly the estimates.
    let o = common::bin().args(["fit", "--model", "banister", "--data", cyclist().to_str().unwrap(), "--scenario-out", sc.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success());
    let est = fit_csv(&String::from_utf8(o.stdout).unwrap());
    let text = std::fs::read_to_string(&sc).unwrap();
    assert!(text.contains(&format!("tau1 = {}\n", est[3].1)), "{text}");
    assert!(common::bin().args(["validate", sc.to_str().unwrap()]).output().unwrap().status.success());
}

#[test]
fn bad_data_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let few = write("few.csv", "day,load,performance\n0,100,\n1,50,250\n2,0,251\n3,80,\n4,0,252\n5,0,250\n");
    let neg = write("neg.csv", "day,load,performance\n0,100,\n1,50,-3\n");
    let txt = write("txt.csv", "day,load,performance\n0,100,\n1,50,fast\n");
    let rest = write("rest.csv", &format!("day,load,performance\n{}", (0..20).map(|d| format!("{d},0,{}\n", 250 + d % 3)).collect::<String>()));
    let noperf = write("noperf.csv", "day,load\n0,1\n");
    let cases: [(&[&str], &str); 6] = [
        (&["--data", &few], "4 performance tests, but banister has 5 parameters: at least 6 tests are needed"),
        (&["--data", &neg], "neg.csv:3: performance: \"-3\": expected a number from 0 to 1e9 or an empty cell"),
        (&["--data", &txt], "txt.csv:3: performance: \"fast\": expected a number from 0 to 1e9 or an empty cell"),
        (&["--data", &rest], "every load is 0: the model's gains cannot be fitted without training"),
        (&["--data", &noperf], "noperf.csv:1: performance: missing column: expected a `performance` column, found `day`, `load`"),
        (&["--data", &few, "--tau1", "50:5"], "'50:5': expected 0 < LO < HI"),
    ];
    for (args, want) in cases {
        let mut a = vec!["fit", "--model", "banister"];
        a.extend(args);
        let o = common::bin().args(&a).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{want}: {err}");
        assert!(err.contains(want), "expected {want:?} in {err:?}");
        assert!(o.stdout.is_empty());
    }
    let o = common::bin().args(["fit", "--model", "pmc", "--data", &few]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// A destination in a folder that does not exist is refused before anything is written: no
/// fit.csv without the scenario that was asked for with it.
#[test]
fn a_missing_output_folder_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fit_csv = dir.path().join("fit.csv");
    let sc = dir.path().join("nodir").join("a.toml");
    let o = common::bin()
        .args(["fit", "--model", "banister", "--data", cyclist().to_str().unwrap(), "-o", fit_csv.to_str().unwrap(), "--scenario-out", sc.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--scenario-out"));
    assert!(!fit_csv.exists(), "fit.csv must not be written");
}

/// Data and scenario names with quotes, backslashes (a Windows-style path) and a line break still
/// give a scenario that validates: the data part goes through the toml serializer and the
/// comments that name the file lose their control characters.
#[test]
fn odd_file_names_give_a_valid_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("C:\\rider \"one\"\nlog");
    std::fs::create_dir(&odd).unwrap();
    let data = odd.join("tests.csv");
    std::fs::copy(cyclist(), &data).unwrap();
    let sc = odd.join("a\"b\\c.toml");
    let o = common::bin().args(["fit", "--model", "banister", "--data", data.to_str().unwrap(), "--convention", "same-day", "--scenario-out", sc.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&sc).unwrap();
    assert!(text.lines().take_while(|l| !l.trim().is_empty() && !l.contains('=')).all(|l| l.starts_with('#')), "{text}");
    let o = common::bin().args(["validate", sc.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}\n{text}", String::from_utf8_lossy(&o.stderr));
}

/// Issue 26 (defect 7): a fit killed between its files leaves an old scenario beside a new
/// history; the scenario records each file's SHA-256, so `run` refuses the pair.
#[test]
fn a_scenario_beside_a_history_it_was_not_written_with_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("athlete.toml");
    let o = common::bin().args(["fit", "--model", "banister", "--data", cyclist().to_str().unwrap(), "--bootstrap", "20", "--scenario-out", sc.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&sc).unwrap();
    let history = std::fs::read(dir.path().join("athlete-history.csv")).unwrap();
    assert!(text.contains(&format!("sha256 = \"{}\"", periodize::output::sha256_hex(&history))), "{text}");
    assert!(common::bin().args(["validate", sc.to_str().unwrap()]).output().unwrap().status.success());
    // What the killed fit left: the history of another athlete (a day more) beside the scenario.
    let mut other = history.clone();
    other.extend_from_slice(format!("{},0\n", history.iter().filter(|b| **b == b'\n').count() - 1).as_bytes());
    std::fs::write(dir.path().join("athlete-history.csv"), &other).unwrap();
    let o = common::bin().args(["validate", sc.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("athlete.start.sha256") && err.contains("the file changed after the scenario"), "{err}");
    std::fs::write(dir.path().join("athlete-history.csv"), &history).unwrap();
    // The replicates likewise.
    let reps = dir.path().join("athlete-replicates.csv");
    let mut r = std::fs::read_to_string(&reps).unwrap();
    let first = r.lines().nth(1).unwrap().to_string();
    r.push_str(&first);
    r.push('\n');
    std::fs::write(&reps, r).unwrap();
    let o = common::bin().args(["validate", sc.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("model.sample_from_sha256"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Issue 26 (defect 4): the grid's solvers are kept only when they fit; otherwise they are
/// rebuilt at each evaluation. Both ways give the same numbers, and a grid too large for an
/// address-space limit now fits instead of aborting (the old estimate ignored the limit and was
/// exceeded several times over on long histories).
#[test]
fn the_fit_is_the_same_whether_the_grid_is_kept_or_rebuilt_and_fits_under_a_memory_limit() {
    let series = periodize::daily::read_daily(&cyclist(), true).unwrap();
    let mut opts = FitOptions::new(ModelKind::Banister, Convention::Lagged).unwrap();
    opts.bootstrap = 8;
    opts.grid = 30;
    opts.keep_solvers = Some(true);
    let kept = fit(&series, &opts).unwrap();
    opts.keep_solvers = Some(false);
    let rebuilt = fit(&series, &opts).unwrap();
    assert_eq!(kept.sse.to_bits(), rebuilt.sse.to_bits());
    for (a, b) in kept.params.iter().zip(&rebuilt.params) {
        assert_eq!(a.value.to_bits(), b.value.to_bits(), "{}", a.name);
    }
    assert_eq!(format!("{:?}", kept.replicates), format!("{:?}", rebuilt.replicates));
    // A long, densely tested history: its 4,950-point grid's solvers take about 2.5 GB.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("day,load,performance\n");
    let (mut g, mut h) = (0.0f64, 0.0f64);
    for d in 0..4000u64 {
        let w = [0.0, 50.0, 100.0, 150.0][(d * 7 % 11 % 4) as usize];
        g = g * (-1.0f64 / 40.0).exp() + w;
        h = h * (-1.0f64 / 8.0).exp() + w;
        text.push_str(&format!("{d},{w},{:.3}\n", 300.0 + 0.1 * g - 0.2 * h + ((d * 13 % 7) as f64 - 3.0)));
    }
    let data = dir.path().join("long.csv");
    std::fs::write(&data, text).unwrap();
    let exe = common::bin().get_program().to_owned();
    let cmd = format!("ulimit -v 1200000; exec '{}' fit --model banister --data '{}' --grid 100", exe.to_str().unwrap(), data.display());
    let o = std::process::Command::new("sh").arg("-c").arg(&cmd).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let est = fit_csv(&String::from_utf8(o.stdout).unwrap());
    // The fit of the model that made the data explains it (the noise is +/-3 around a range of
    // about 60).
    let r2 = est.iter().find(|(n, _)| n == "r2").unwrap().1;
    assert!(r2 > 0.9, "{est:?}");
}

/// `--interval percentile` reports the 2.5% and 97.5% quantiles of the replicates it writes (an
/// independent linear-interpolation quantile here); the default studentized interval differs.
#[test]
fn percentile_intervals_are_the_replicates_quantiles_and_the_default_is_studentized() {
    let dir = tempfile::tempdir().unwrap();
    let fit_with = |interval: Option<&str>, name: &str| {
        let (csv, reps) = (dir.path().join(format!("{name}.csv")), dir.path().join(format!("{name}-reps.csv")));
        let mut args = vec!["fit", "--model", "banister", "--data", cyclist().to_str().unwrap().to_owned().leak(), "--convention", "same-day", "--bootstrap", "200"];
        args.extend(["-o", csv.to_str().unwrap().to_owned().leak(), "--replicates-out", reps.to_str().unwrap().to_owned().leak()]);
        if let Some(i) = interval {
            args.extend(["--interval", i]);
        }
        let o = common::bin().args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut r = csv::Reader::from_path(&csv).unwrap();
        let ci: Vec<(f64, f64)> = r.records().map(|x| x.unwrap()).take(5).map(|x| (x[2].parse().unwrap(), x[3].parse().unwrap())).collect();
        let mut r = csv::Reader::from_path(&reps).unwrap();
        let rows: Vec<Vec<f64>> = r.records().map(|x| x.unwrap().iter().skip(1).map(|v| v.parse().unwrap()).collect()).collect();
        (ci, rows)
    };
    let (pct, rows) = fit_with(Some("percentile"), "pct");
    let q = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        let h = p * (v.len() - 1) as f64;
        let (i, f) = (h.floor() as usize, h - h.floor());
        v[i] + f * (v[(i + 1).min(v.len() - 1)] - v[i])
    };
    for k in 0..5 {
        let mut v: Vec<f64> = rows.iter().map(|r| r[k]).collect();
        let (lo, hi) = (q(&mut v, 0.025), q(&mut v, 0.975));
        assert!(common::close(pct[k].0, lo, 1e-12) && common::close(pct[k].1, hi, 1e-12), "parameter {k}: {:?} vs ({lo}, {hi})", pct[k]);
    }
    let (stud, _) = fit_with(None, "stud");
    assert!(stud.iter().zip(&pct).any(|(a, b)| !common::close(a.0, b.0, 1e-6)), "{stud:?} vs {pct:?}");
}

#[test]
fn a_two_channel_athletes_gains_are_recovered_from_its_history() {
    // A synthetic athlete whose easy load costs a third of the hard load's fatigue per unit and
    // builds 80% of its fitness, trained on days with hard, easy or both kinds of load, tested
    // every 4th day; its performance by the convolution sums of each channel (independent of the
    // engine). The fit recovers all seven parameters from the tests through `--load-columns`.
    let (p0, k1, k2, tau1, tau2, k1e, k2e) = (250.0, 0.1, 0.2, 40.0, 9.0, 0.08, 0.066);
    let mut x = 7u64;
    let mut u = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let days = 280;
    let (mut hard, mut easy) = (vec![0.0; days], vec![0.0; days]);
    for d in 0..days {
        if u() < 0.4 {
            hard[d] = 60.0 + 80.0 * u();
        }
        if u() < 0.5 {
            easy[d] = 20.0 + 40.0 * u();
        }
    }
    let perf = |n: usize| {
        // Lagged: the sums over days i < n.
        let s = |k: f64, ke: f64, tau: f64| (0..n).map(|i| (k * hard[i] + ke * easy[i]) * (-((n - i) as f64) / tau).exp()).sum::<f64>();
        p0 + s(k1, k1e, tau1) - s(k2, k2e, tau2)
    };
    let mut csv = String::from("day,hard_tss,easy_tss,performance\n");
    for d in 0..days {
        let test = if d % 4 == 3 { format!("{}", perf(d)) } else { String::new() };
        csv.push_str(&format!("{d},{},{},{test}\n", hard[d], easy[d]));
    }
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(dir.path(), "two.csv", &csv);
    let o = common::bin().args(["fit", "--model", "two-channel", "--data", f.to_str().unwrap(), "--load-columns", "hard=hard_tss,easy=easy_tss"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = fit_csv(&String::from_utf8(o.stdout).unwrap());
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names[..7], ["p0", "k1", "k2", "k1_easy", "k2_easy", "tau1", "tau2"]);
    for ((name, got), want) in rows.iter().zip([p0, k1, k2, k1e, k2e, tau1, tau2]) {
        assert!((got / want - 1.0).abs() < 2e-3, "{name}: fitted {got}, true {want}");
    }
    // Read as one channel (the columns' sum), banister cannot tell the channels apart: its best
    // fit leaves errors the two-channel fit does not.
    let one = common::bin().args(["fit", "--model", "banister", "--data", f.to_str().unwrap(), "--load-columns", "hard=hard_tss,easy=easy_tss"]).output().unwrap();
    let sse = |rows: &[(String, f64)]| rows.iter().find(|r| r.0 == "sse").unwrap().1;
    let one = fit_csv(&String::from_utf8(one.stdout).unwrap());
    assert!(sse(&rows) < 1e-6 * sse(&one), "two-channel SSE {} vs banister {}", sse(&rows), sse(&one));
}
