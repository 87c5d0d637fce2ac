//! The engine's lane kernel (every model, with and without noise, in every instruction-set form
//! and lane count) against an independent scalar oracle: each athlete on its own, through the
//! single-athlete model (`AnyModel`, which the model tests hold against convolution sums), its
//! noise read word by word from the `chacha20` crate's `ChaCha8Rng`, and its summary metrics
//! computed by a plain loop. The forms must agree bit for bit with each other and with the
//! oracle on every performance value.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

use periodize::model::{Acwr, AnyModel, Day, LaneModel, Model, ModelKind};
use periodize::population::Sampler;
use periodize::population::rng;
use periodize::montecarlo::{AthleteMetrics, Form, RowOptions, RowResult, Simd, run_row};
use periodize::scenario::{Row, Start};
use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).to_path_buf()
}

/// Athlete `athlete` of `row` computed on its own, as the engine documents it.
fn oracle(row: &Row, seed: u64, athlete: u64) -> AthleteMetrics {
    let generated = periodize::plan::generate(row.plan());
    let plan = generated.load.clone();
    // Each day's easy part is its share of the day's load; the start's loads take the plan's
    // share of its total (the engine's documented split).
    let share = &generated.easy_share;
    let start_share = {
        let total: f64 = plan.iter().sum();
        if total > 0.0 { plan.iter().zip(share).map(|(w, s)| w * s).sum::<f64>() / total } else { 0.0 }
    };
    let day = |w: f64, e: f64| Day { load: [w], easy: [e], session: None };
    let mut v = vec![0.0; row.model().params().len()];
    Sampler::new(seed, row.model()).sample(athlete, &mut v);
    let mut m = AnyModel::try_new(row.model().config(), &v).unwrap();
    let mut acwr = Acwr::default();
    let recent = row.start().recent_loads();
    for &w in &recent {
        acwr.push(w);
    }
    // The model sees every load times the row's load mapping (habitual load onto the preset's).
    let scale = row.load_map().scale;
    match &row.start() {
        Start::Rested => {}
        Start::SteadyLoad(w) => LaneModel::settle(&mut m, *w * scale, *w * scale * start_share),
        Start::History { loads, .. } => {
            for &w in loads.iter() {
                LaneModel::step(&mut m, &day(w * scale, w * scale * start_share));
            }
        }
    }
    let start = Model::performance(&m);
    let base = if !row.start().is_rested() {
        start
    } else {
        row.model().config().kind.baseline_param().map_or(0.0, |i| v[i])
    };
    let noise = row.noise();
    let sigma2 = (1.0 + noise.load_cv * noise.load_cv).ln();
    let (mu, sigma) = (-0.5 * sigma2, sigma2.sqrt());
    let mut load_rng = rng::stream(&rng::key(seed, "load"), athlete);
    let mut test_rng = rng::stream(&rng::key(seed, "test"), athlete);
    let noisy_loads = noise.load_cv > 0.0 || noise.miss_rate > 0.0;
    // The race-day result's measurement error: word `days` of the `test` stream.
    let race_error = {
        use rand::Rng;
        let x = (0..=plan.len()).map(|_| test_rng.next_u64()).last().unwrap_or(0);
        if noise.test_sd > 0.0 { noise.test_sd * rng::normal_lanes(&[rng::u53(x)])[0] } else { 0.0 }
    };
    let (mut peak, mut peak_day, mut below, mut total, mut acwr_max) = (f64::NEG_INFINITY, 0.0, 0.0, 0.0, f64::NAN);
    let mut lowest = f64::INFINITY;
    let mut done = Vec::with_capacity(plan.len());
    for (d, &planned) in plan.iter().enumerate() {
        use rand::Rng;
        let x = load_rng.next_u64();
        let w = if noisy_loads && planned > 0.0 {
            let z = rng::normal_lanes(&[rng::u32f(x as u32)])[0];
            if rng::u32f((x >> 32) as u32) < noise.miss_rate { 0.0 } else { planned * periodize::fmath::exp(mu + sigma * z) }
        } else {
            planned
        };
        LaneModel::step(&mut m, &day(w * scale, w * scale * share[d]));
        let p = Model::performance(&m);
        if p > peak {
            (peak, peak_day) = (p, d as f64);
        }
        lowest = lowest.min(p);
        // Below the level by more than 1e-9 of it (rounding at a steady state is not a day below).
        if p < base - 1e-9 * base.abs() {
            below += 1.0;
        }
        total += w;
        done.push(w);
        if let Some(r) = acwr.push(w) {
            acwr_max = f64::max(acwr_max, r);
        }
    }
    Model::step(&mut m, 0.0);
    let last = Model::performance(&m);
    if last > peak {
        (peak, peak_day) = (last, plan.len() as f64);
    }
    lowest = lowest.min(last);
    let (fitness_race, fatigue_race, ramp_max) = pmc_oracle(row.start(), &done);
    AthleteMetrics { perf_final: last + race_error, perf_peak: peak, peak_day, perf_min: lowest, load_total: total, days_below: below, acwr_max, perf_start: start, fitness_race, fatigue_race, ramp_max }
}

/// The coaches' chart by its convolution sums over the start's days and the loads done:
/// x(t) = x0 (1 - a)^(t + 1) + sum_i a (1 - a)^(t - i) w(i), a = 1 - e^(-1/N); (fitness after the
/// last day, fatigue, the largest fitness(t) - fitness(t - 7) over the plan days).
fn pmc_oracle(start: &Start, done: &[f64]) -> (f64, f64, f64) {
    let (before, x0): (Vec<f64>, f64) = match start {
        Start::Rested => (Vec::new(), 0.0),
        Start::SteadyLoad(w) => (Vec::new(), *w),
        Start::History { loads, .. } => (loads.to_vec(), 0.0),
    };
    let all: Vec<f64> = before.iter().chain(done).copied().collect();
    let chart = |n: f64, t: i64| -> f64 {
        let a = 1.0 - (-1.0 / n).exp();
        if t < 0 {
            // Before the first day: the start's own level (0 before a history).
            return x0;
        }
        x0 * (1.0 - a).powi(t as i32 + 1) + (0..=t as usize).map(|i| a * (1.0 - a).powi((t as usize - i) as i32) * all[i]).sum::<f64>()
    };
    let h = before.len() as i64;
    let last = all.len() as i64 - 1;
    let ramp = (0..done.len() as i64).map(|d| chart(42.0, h + d) - chart(42.0, h + d - 7)).fold(f64::NEG_INFINITY, f64::max);
    (chart(42.0, last), chart(7.0, last), ramp)
}

/// The model block of a scenario for each model: distributed parameters, so athletes differ.
fn model_block(kind: ModelKind, convention: &str) -> String {
    let conv = if kind.has_convention() { format!("convention = \"{convention}\"\n") } else { String::new() };
    let params = match kind {
        ModelKind::Banister => "p0 = { dist = \"normal\", mean = 100.0, sd = 20.0 }\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.4 }\nk2 = { dist = \"lognormal\", median = 0.2, sigma = 0.4 }\ntau1 = { dist = \"uniform\", min = 20.0, max = 60.0 }\ntau2 = { dist = \"uniform\", min = 3.0, max = 15.0 }\nh0 = 30.0",
        ModelKind::Busso => "preset = \"busso2003\"",
        ModelKind::Pmc => "fitness_days = { dist = \"uniform\", min = 30.0, max = 50.0 }\nfatigue_days = { dist = \"uniform\", min = 4.0, max = 10.0 }",
        ModelKind::Perpot => "ds = { dist = \"uniform\", min = 2.0, max = 3.5 }\ndr = { dist = \"uniform\", min = 3.0, max = 5.0 }\ndso = { dist = \"uniform\", min = 1.5, max = 4.0 }\npp0 = 0.2\nscale = 250.0",
        ModelKind::TwoChannel => "p0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }\nk2 = { dist = \"lognormal\", median = 0.2, sigma = 0.3 }\ntau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\ntau2 = { dist = \"uniform\", min = 5.0, max = 12.0 }\nk1_easy = { dist = \"lognormal\", median = 0.08, sigma = 0.3 }\nk2_easy = { dist = \"lognormal\", median = 0.05, sigma = 0.5 }\ng0 = 20.0",
        ModelKind::BussoTwoChannel => "p0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.0235, sigma = 0.11 }\nk3 = { dist = \"lognormal\", median = 0.000088, sigma = 0.32 }\ntau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\ntau2 = { dist = \"uniform\", min = 5.0, max = 10.0 }\ntau3 = { dist = \"uniform\", min = 3.0, max = 6.0 }\nk1_easy = { dist = \"lognormal\", median = 0.02, sigma = 0.3 }\nk2_easy = { dist = \"lognormal\", median = 0.004, sigma = 0.5 }",
        ModelKind::AdaptiveRecovery => "p0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }\nk2 = { dist = \"lognormal\", median = 0.2, sigma = 0.3 }\ntau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\ntau2 = { dist = \"uniform\", min = 5.0, max = 12.0 }\na = { dist = \"uniform\", min = -1.5, max = 1.5 }",
        ModelKind::FitnessDelay => "p0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.3 }\nk2 = { dist = \"lognormal\", median = 0.2, sigma = 0.3 }\ntau1 = { dist = \"uniform\", min = 30.0, max = 50.0 }\ntau2 = { dist = \"uniform\", min = 5.0, max = 12.0 }\ntau3 = { dist = \"uniform\", min = 2.0, max = 8.0 }",
    };
    // busso2003 fixes its own convention.
    if params.starts_with("preset") { format!("{params}\n") } else { format!("kind = \"{}\"\n{conv}{params}\n", kind.name()) }
}

fn scenario(kind: ModelKind, convention: &str, plan: &str, extra: &str) -> periodize::scenario::Scenario {
    let text = format!("schema_version = 1\n[model]\n{}{plan}\n{extra}", model_block(kind, convention));
    periodize::scenario::parse_scenario(&text, &root().join("f.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn run(row: &Row, athletes: usize, simd: Simd) -> RowResult {
    run_row(row, 11, athletes, RowOptions { simd, ..Default::default() }, &AtomicU64::new(0))
}

/// Every performance metric of `a` and `b` has the same bits; load totals too; the ACWR maxima
/// agree to 1e-12 (the kernel keeps running sums, the oracle sums each window afresh).
fn assert_same(a: &AthleteMetrics, b: &AthleteMetrics, what: &str) {
    for (x, y) in [(a.perf_final, b.perf_final), (a.perf_peak, b.perf_peak), (a.peak_day, b.peak_day), (a.days_below, b.days_below), (a.load_total, b.load_total), (a.perf_start, b.perf_start), (a.perf_min, b.perf_min)] {
        assert_eq!(x.to_bits(), y.to_bits(), "{what}: {a:?} vs {b:?}");
    }
    assert!(a.acwr_max.is_nan() && b.acwr_max.is_nan() || (a.acwr_max - b.acwr_max).abs() <= 1e-12 * b.acwr_max.abs(), "{what}: ACWR {} vs {}", a.acwr_max, b.acwr_max);
    // The chart: the kernel's recursion against the oracle's sums.
    for (x, y, name) in [(a.fitness_race, b.fitness_race, "fitness"), (a.fatigue_race, b.fatigue_race, "fatigue"), (a.ramp_max, b.ramp_max, "ramp")] {
        assert!((x - y).abs() <= 1e-9 * y.abs().max(1.0), "{what}: race-day {name} {x} vs {y}");
    }
}

/// The forms this processor can run (the widest first), saying which ones it cannot.
fn forms() -> Vec<Simd> {
    let mut forms = vec![Simd::Auto];
    for (cap, name) in [(Simd::Avx2, "avx2"), (Simd::Generic, "generic")] {
        if Form::detect(cap).name() == name && Form::detect(Simd::Auto).name() != name {
            forms.push(cap);
        }
    }
    // Said once per test binary, straight to stderr (past the test harness's capture).
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let mut said = Vec::new();
        #[cfg(target_arch = "x86_64")]
        for (feature, has) in [("AVX-512F", std::is_x86_feature_detected!("avx512f")), ("AVX2", std::is_x86_feature_detected!("avx2"))] {
            if !has {
                said.push(format!("fast_path: skipping the {feature} form: this processor does not have {feature}\n"));
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        said.push("fast_path: skipping the AVX-512 and AVX2 forms: not an x86-64 processor\n".to_string());
        let _ = std::io::stderr().write_all(said.concat().as_bytes());
    });
    forms
}

/// Row `row` over `athletes` in every form: all equal bit for bit, and equal to the oracle on
/// the athletes in `check` (every athlete when None).
fn check_row(row: &Row, athletes: usize, check: Option<&[usize]>, what: &str) -> RowResult {
    let mut results = forms().into_iter().map(|f| (f, run(row, athletes, f)));
    let (_, first) = results.next().unwrap();
    assert_eq!(first.metrics.len(), athletes);
    for (f, r) in results {
        for i in 0..athletes {
            assert_same(&r.metrics.get(i), &first.metrics.get(i), &format!("{what}, {f:?} vs the widest form, athlete {i}"));
        }
    }
    let all: Vec<usize> = (0..athletes).collect();
    for &i in check.unwrap_or(&all) {
        assert_same(&first.metrics.get(i), &oracle(row, 11, i as u64), &format!("{what}, athlete {i} vs the scalar oracle"));
    }
    first
}

const NOISES: [&str; 4] = ["", "[noise]\ntest_sd = 2.0\n", "[noise]\nload_cv = 0.3\nmiss_rate = 0.1\n", "[noise]\nload_cv = 0.2\nmiss_rate = 0.05\ntest_sd = 1.0\n"];

#[test]
fn every_model_and_noise_kind_equals_the_scalar_oracle_in_every_form() {
    let plan = "[plan]\nweeks = 9\nkey_workouts = 3\nkey_load = 150.0\neasy_load = 40.0\nrest_days = 1\nrecovery = { every = 3, factor = 0.5 }\ntaper = { days = 9, factor = 0.4, shape = \"linear\" }\n";
    for kind in ModelKind::ALL.iter().copied() {
        for conv in ["lagged", "same-day"] {
            if !kind.has_convention() && conv == "same-day" {
                continue;
            }
            for noise in NOISES {
                let sc = scenario(kind, conv, plan, noise);
                let what = format!("{} {conv} {noise:?}", kind.name());
                // 1001 athletes: full lane blocks and a partial last one.
                let r = check_row(&sc.rows()[0], 1001, None, &what);
                // The metrics are not trivial: athletes differ.
                assert!(r.metrics.perf_final[0] != r.metrics.perf_final[1], "{what}");
                if noise.contains("load_cv") {
                    assert!(r.metrics.load_total(0) != r.metrics.load_total(1), "{what}: noise reaches the loads");
                }
            }
        }
    }
}

#[test]
fn trained_starts_fill_the_state_and_the_acwr_window() {
    let plan = "[plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 150.0\neasy_load = 40.0\n";
    for kind in ModelKind::ALL.iter().copied() {
        for (start, noise) in [("start = { steady_load = 45.0 }", NOISES[0]), ("start = { steady_load = 60.0 }", NOISES[3]), ("start = { history = \"tests/data/clarke2013_cyclist.csv\" }", NOISES[2])] {
            let sc = scenario(kind, "lagged", plan, &format!("[athlete]\n{start}\n{noise}"));
            let r = check_row(&sc.rows()[0], 100, None, &format!("{} {start} {noise:?}", kind.name()));
            assert!(r.metrics.iter().any(|m| m.perf_start != r.metrics.perf_start[0]) || kind == ModelKind::Pmc);
        }
    }
}

#[test]
fn the_load_noise_stream_is_pinned() {
    // Athlete 3's first load under seed 11: a pinned value of the `load` stream and its
    // transform (word 0 of stream 3 of the key of (11, "load")), so that a change to either
    // shows here and not only as shifted statistics.
    let sc = scenario(ModelKind::Banister, "same-day", "[plan]\nweeks = 1\nkey_workouts = 1\nkey_load = 100.0\n", "[noise]\nload_cv = 0.3\n");
    let r = run(&sc.rows()[0], 4, Simd::Auto);
    let expected = oracle(&sc.rows()[0], 11, 3).load_total;
    assert_eq!(r.metrics.load_total(3).to_bits(), expected.to_bits());
    assert_eq!(format!("{:.12}", r.metrics.load_total(3)), PINNED_LOAD);
}

/// See `the_load_noise_stream_is_pinned`.
const PINNED_LOAD: &str = "126.336861862486";

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any athlete count from 1 to 5000 (across the 1024-athlete chunks) and any plan of 1 to
    /// 400 days, some shorter than the 28-day ACWR window and some that start with rest.
    #[test]
    fn any_population_and_plan_length(athletes in 1usize..5000, days in 1usize..400, rest in 0usize..21, model in 0usize..5, noise in 0usize..4, seed_athletes in prop::collection::vec(0usize..5000, 4)) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("plan.csv");
        let mut text = String::from("day,load\n");
        for d in 0..days {
            let w = if d < rest { 0.0 } else { [0.0, 140.0, 45.0, 110.0, 45.0, 160.0, 60.0][d % 7] };
            text += &format!("{d},{w}\n");
        }
        std::fs::write(&csv, text).unwrap();
        let kind = ModelKind::ALL[model];
        let sc = scenario(kind, "lagged", &format!("[plan]\nloads = {:?}\n", csv.display().to_string()), NOISES[noise]);
        let mut check: Vec<usize> = seed_athletes.iter().map(|i| i % athletes).collect();
        check.push(athletes - 1);
        check_row(&sc.rows()[0], athletes, Some(&check), &format!("{} x {athletes} athletes x {days} days, {rest} rest, noise {noise}", kind.name()));
    }
}
