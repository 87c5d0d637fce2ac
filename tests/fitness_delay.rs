//! The fitness-delay model (Calvert et al. 1976) against its convolution sums, in every place a
//! model is used: the recursion, `simulate`, scenarios with sweeps, variants and noise, and `fit`.

mod common;

use common::close;
use periodize::daily::DailySeries;
use periodize::fit::{FitOptions, fit};
use periodize::model::{AnyModel, Convention, FitnessDelay, Model, ModelConfig, ModelKind};
use proptest::prelude::*;

fn conv(same_day: bool) -> Convention {
    if same_day { Convention::SameDay } else { Convention::Lagged }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_recursion_equals_the_convolution_sums(
        w in prop::collection::vec(prop_oneof![1 => Just(0.0), 3 => 0.0..300.0f64], 1..150),
        p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k2 in 0.0..4.0f64,
        tau1 in 5.0..80.0f64, tau2 in 1.0..30.0f64, frac in 0.01..0.95f64, same_day: bool,
        g0 in 0.0..1000.0f64, h0 in 0.0..1000.0f64,
    ) {
        let tau3 = frac * tau1;
        let oracle = common::fitness_delay(&w, p0, k1, k2, tau1, tau2, tau3, same_day, g0, h0);
        let mut config = ModelConfig::new(ModelKind::FitnessDelay);
        config.convention = conv(same_day);
        let mut m = AnyModel::try_new(&config, &[p0, k1, k2, tau1, tau2, tau3, g0, h0]).unwrap();
        let mut row = Vec::new();
        for (n, &x) in w.iter().enumerate() {
            m.step(x);
            row.clear();
            m.row(&mut row);
            let (g, h, p) = oracle[n];
            for (got, want) in row.iter().zip([g, h, p]) {
                prop_assert!(close(*got, want, 1e-9), "day {n}: {row:?} vs {:?}", (g, h, p));
            }
        }
    }
}

/// A single load's fitness response rises from 0, peaks at ln(tau1/tau3) tau1 tau3/(tau1 - tau3)
/// days after the load (the closed form of the difference of exponentials) and then decays.
#[test]
fn a_single_load_peaks_when_the_closed_form_says() {
    let (tau1, tau3): (f64, f64) = (40.0, 5.0);
    let peak: f64 = (tau1 / tau3).ln() * tau1 * tau3 / (tau1 - tau3);
    let mut m = FitnessDelay::new(0.0, 1.0, 0.0, tau1, 10.0, tau3, Convention::SameDay).unwrap();
    let mut fit = Vec::new();
    for d in 0..120 {
        m.step(if d == 0 { 100.0 } else { 0.0 });
        fit.push(m.fitness());
    }
    assert_eq!(fit[0], 0.0, "a same-day load has no fitness yet on its own day");
    let best = (0..fit.len()).max_by(|&a, &b| fit[a].total_cmp(&fit[b])).unwrap();
    assert!((best as f64 - peak).abs() <= 1.0, "peak on day {best}, closed form {peak:.2}");
}

#[test]
fn tau3_at_or_above_tau1_is_refused_where_users_give_values() {
    let dir = tempfile::tempdir().unwrap();
    let loads = dir.path().join("l.csv");
    std::fs::write(&loads, "day,load\n0,100\n1,0\n").unwrap();
    let l = loads.to_str().unwrap();
    let p = |s: &'static str| ["--param", s];
    let mut args = vec!["simulate", "--model", "fitness-delay", "--loads", l];
    for a in [p("p0=100"), p("k1=0.1"), p("k2=0.2"), p("tau1=40"), p("tau2=10"), p("tau3=40")] {
        args.extend(a);
    }
    let (code, _, err) = common::run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("tau3") && err.contains("tau1 > tau3"), "{err}");

    let sc = dir.path().join("s.toml");
    std::fs::write(&sc, "schema_version = 1\n[model]\nkind = \"fitness-delay\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 40\ntau2 = 10\ntau3 = 45\n[plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 100\n").unwrap();
    let (code, _, err) = common::run(&["validate", sc.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("s.toml:9:8") && err.contains("model.tau3 = 45") && err.contains("tau1 > tau3"), "{err}");
}

/// `run` with a sweep, two variants and load noise: a population drawn from distributions whose
/// ranges overlap (tau3 up to 12, tau1 from 10) only ever holds athletes with tau3 < tau1, and
/// without noise each athlete's race day equals its own convolution sum.
#[test]
fn a_scenario_runs_and_each_athlete_is_its_convolution_sum() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("s.toml");
    std::fs::write(
        &sc,
        "schema_version = 1\n[run]\nathletes = 300\nseed = 7\n[model]\nkind = \"fitness-delay\"\nconvention = \"same-day\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\n\
         tau1 = { dist = \"uniform\", min = 10, max = 50 }\ntau2 = 8\ntau3 = { dist = \"uniform\", min = 2, max = 12 }\n\
         [plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 100\neasy_load = 20\n\
         [[variant]]\nname = \"steady\"\n[[variant]]\nname = \"noisy\"\nnoise = { load_cv = 0.2, miss_rate = 0.1 }\n\
         [sweep]\n\"plan.key_workouts\" = [2, 3]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = common::run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]);
    assert_eq!(code, 0, "{err}");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 5, "{summary}");
    let mut rdr = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    let (variant, kw, tau1, tau3, fin) = (col("variant"), col("plan.key_workouts"), col("tau1"), col("tau3"), col("perf_final"));
    let mut plans = std::collections::HashMap::new();
    let mut checked = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (t1, t3): (f64, f64) = (rec[tau1].parse().unwrap(), rec[tau3].parse().unwrap());
        assert!(t3 < t1, "an athlete with tau3 {t3} >= tau1 {t1}");
        if &rec[variant] != "steady" {
            continue;
        }
        let k: String = rec[kw].to_string();
        let plan = plans.entry(k.clone()).or_insert_with(|| {
            let p = dir.path().join(format!("plan{k}.csv"));
            let mut text = std::fs::read_to_string(&sc).unwrap();
            text = text.replace("key_workouts = 3", &format!("key_workouts = {k}"));
            let one = dir.path().join(format!("one{k}.toml"));
            std::fs::write(&one, text.split("[[variant]]").next().unwrap()).unwrap();
            let (code, _, err) = common::run(&["plan", one.to_str().unwrap(), "-o", p.to_str().unwrap()]);
            assert_eq!(code, 0, "{err}");
            let mut r = csv::Reader::from_path(&p).unwrap();
            let h = r.headers().unwrap().clone();
            let li = h.iter().position(|x| x == "load").unwrap();
            r.records().map(|x| x.unwrap()[li].parse::<f64>().unwrap()).collect::<Vec<f64>>()
        });
        // Race day is the day after the plan, without load.
        let mut w = plan.clone();
        w.push(0.0);
        let oracle = common::fitness_delay(&w, 100.0, 0.1, 0.2, t1, 8.0, t3, true, 0.0, 0.0);
        let want = oracle.last().unwrap().2;
        let got: f64 = rec[fin].parse().unwrap();
        assert!(close(got, want, 1e-9), "race day {got} vs convolution sum {want} (tau1 {t1}, tau3 {t3})");
        checked += 1;
    }
    assert_eq!(checked, 600);
}

/// Noise-free tests every fourth day of a 210-day history: the fit finds the true parameters.
#[test]
fn fit_recovers_known_parameters() {
    for same_day in [false, true] {
        let mut x = 11u64;
        let load: Vec<f64> = (0..210)
            .map(|d| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                match d % 7 {
                    0 => 0.0,
                    1 | 3 | 5 => 100.0 + 80.0 * u,
                    _ => 30.0 + 40.0 * u,
                }
            })
            .collect();
        let truth = [250.0, 0.12, 0.25, 40.0, 8.0, 6.0];
        let perf = common::fitness_delay(&load, truth[0], truth[1], truth[2], truth[3], truth[4], truth[5], same_day, 0.0, 0.0);
        let performance = (0..load.len()).map(|d| (d % 4 == 3).then(|| perf[d].2)).collect();
        let s = DailySeries { load, performance, ..Default::default() };
        let r = fit(&s, &FitOptions::new(ModelKind::FitnessDelay, conv(same_day)).unwrap()).unwrap();
        let names: Vec<&str> = r.params.iter().map(|e| e.name).collect();
        assert_eq!(names, ["p0", "k1", "k2", "tau1", "tau2", "tau3"]);
        for (e, t) in r.params.iter().zip(truth) {
            assert!((e.value / t - 1.0).abs() < 0.02, "fitness-delay {same_day}: {} = {} vs {t}", e.name, e.value);
        }
    }
}
