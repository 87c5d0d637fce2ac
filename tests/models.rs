//! The model engine against independent oracles: convolution sums, closed forms and published
//! worked examples.

mod common;

use common::close;
use periodize::model::{AnyModel, Banister, Busso, Convention, Ewma, FormDay, Model, ModelConfig, ModelKind, Perpot, Pmc};
use proptest::prelude::*;

fn conv(same_day: bool) -> Convention {
    if same_day { Convention::SameDay } else { Convention::Lagged }
}

fn loads() -> impl Strategy<Value = Vec<f64>> {
    // Plans with rest days (zeros) and hard days, up to ~5 months.
    prop::collection::vec(prop_oneof![1 => Just(0.0), 3 => 0.0..300.0f64], 1..150)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn banister_equals_convolution_sum(w in loads(), p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k2 in 0.0..4.0f64,
                                       tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64, same_day: bool,
                                       g0 in 0.0..1000.0f64, h0 in 0.0..1000.0f64) {
        let oracle = common::banister(&w, p0, k1, k2, tau1, tau2, same_day, g0, h0);
        let mut m = Banister::new(p0, k1, k2, tau1, tau2, conv(same_day)).unwrap().with_initial(g0, h0).unwrap();
        for (n, &x) in w.iter().enumerate() {
            m.step(x);
            let (g, h, p) = oracle[n];
            prop_assert!(close(m.fitness(), g, 1e-9), "day {n}: g {} vs {g}", m.fitness());
            prop_assert!(close(m.fatigue(), h, 1e-9), "day {n}: h {} vs {h}", m.fatigue());
            prop_assert!(close(m.performance(), p, 1e-9), "day {n}: p {} vs {p}", m.performance());
        }
    }

    #[test]
    fn busso_equals_double_convolution_sum(w in loads(), p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k3 in 0.0..0.01f64,
                                           tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64, tau3 in 1.0..30.0f64, same_day: bool) {
        let oracle = common::busso(&w, p0, k1, k3, tau1, tau2, tau3, same_day);
        let mut m = Busso::new(p0, k1, k3, tau1, tau2, tau3, conv(same_day)).unwrap();
        let mut row = Vec::new();
        for (n, &x) in w.iter().enumerate() {
            m.step(x);
            row.clear();
            m.row(&mut row);
            let (g, f, k2, p) = oracle[n];
            for (got, want) in row.iter().zip([g, f, k2, p]) {
                prop_assert!(close(*got, want, 1e-9), "day {n}: {row:?} vs {:?}", (g, f, k2, p));
            }
        }
    }

    #[test]
    fn pmc_equals_closed_form_ewma(w in loads(), nfit in 2.0..60.0f64, nfat in 2.0..15.0f64, ewma_i in 0usize..3,
                                   today: bool, fit0 in 0.0..100.0f64, fat0 in 0.0..100.0f64) {
        let (ewma, a): (Ewma, fn(f64) -> f64) = match ewma_i {
            0 => (Ewma::Exp, |n| 1.0 - (-1.0 / n).exp()),
            1 => (Ewma::Simple, |n| 1.0 / n),
            _ => (Ewma::Span, |n| 2.0 / (n + 1.0)),
        };
        let fit = common::ewma(&w, a(nfit), fit0);
        let fat = common::ewma(&w, a(nfat), fat0);
        let form_day = if today { FormDay::Today } else { FormDay::Yesterday };
        let mut m = Pmc::new(nfit, nfat, ewma, form_day).unwrap().with_initial(fit0, fat0).unwrap();
        for (t, &x) in w.iter().enumerate() {
            m.step(x);
            let form = if today { fit[t] - fat[t] } else if t == 0 { fit0 - fat0 } else { fit[t - 1] - fat[t - 1] };
            prop_assert!(close(m.fitness(), fit[t], 1e-9));
            prop_assert!(close(m.fatigue(), fat[t], 1e-9));
            prop_assert!(close(m.performance(), form, 1e-9), "day {t}: {} vs {form}", m.performance());
        }
    }

    #[test]
    fn perpot_equals_literal_equations_and_conserves_potential(w in prop::collection::vec(0.0..2.0f64, 1..200),
            ds in 1.0..10.0f64, dr in 1.0..10.0f64, dso in prop_oneof![Just(0.0), 0.5..5.0f64],
            pp0 in 0.0..1.0f64, scale in 0.5..4.0f64) {
        let oracle = common::perpot(&w, ds, dr, dso, pp0, scale);
        let mut m = Perpot::new(ds, dr, dso, pp0, scale).unwrap();
        let mut row = Vec::new();
        for (t, &x) in w.iter().enumerate() {
            m.step(x);
            row.clear();
            m.row(&mut row);
            let (sp, rp, pp) = oracle[t];
            for (got, want) in row.iter().zip([sp, rp, pp]) {
                prop_assert!(close(*got, want, 1e-9), "day {t}: {row:?} vs {:?}", (sp, rp, pp));
            }
            // Flows move potential between SP, RP and PP and each load adds equally to SP and
            // RP, so PP + RP - SP stays at pp0.
            prop_assert!(close(pp + rp - sp, pp0, 1e-9));
        }
    }

    #[test]
    fn banister_is_linear_in_the_load(w in loads(), c in 0.0..5.0f64, k1 in 0.0..2.0f64, k2 in 0.0..4.0f64,
                                      tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64, same_day: bool) {
        let p0 = 300.0;
        let run = |scale: f64| {
            let mut m = Banister::new(p0, k1, k2, tau1, tau2, conv(same_day)).unwrap();
            w.iter().map(|&x| { m.step(scale * x); m.performance() - p0 }).collect::<Vec<_>>()
        };
        let (base, scaled) = (run(1.0), run(c));
        for (b, s) in base.iter().zip(&scaled) {
            prop_assert!((s - c * b).abs() <= 1e-9 * (1.0 + (c * b).abs()));
        }
    }

    #[test]
    fn banister_is_invariant_to_a_shift_in_time(w in loads(), shift in 1usize..60, same_day: bool) {
        let run = |w: &[f64]| {
            let mut m = Banister::new(100.0, 0.1, 0.2, 42.0, 7.0, conv(same_day)).unwrap();
            w.iter().map(|&x| { m.step(x); m.performance() }).collect::<Vec<_>>()
        };
        let mut shifted = vec![0.0; shift];
        shifted.extend(&w);
        let (a, b) = (run(&w), run(&shifted));
        prop_assert!(b[..shift].iter().all(|&p| p == 100.0));
        for (x, y) in a.iter().zip(&b[shift..]) {
            prop_assert!(close(*x, *y, 1e-12));
        }
    }
}

/// Clarke & Skiba (2013), the teaching example: p(1) = 400, p(2) = 315.3966, a minimum of 18.208 on
/// day 12 and a peak of 1595.160 on day 134.
#[test]
fn clarke_skiba_teaching_example() {
    let mut w = vec![0.0];
    w.extend(std::iter::repeat_n(100.0, 119));
    w.extend([80.0, 60.0, 50.0, 40.0, 35.0, 30.0, 30.0]);
    w.extend(std::iter::repeat_n(0.0, 60));
    let mut m = Banister::new(500.0, 1.0, 2.0, 27.0, 10.0, Convention::SameDay).unwrap();
    let p: Vec<f64> = w.iter().map(|&x| { m.step(x); m.performance() }).collect();
    assert!((p[1] - 400.0).abs() < 1e-12);
    assert!((p[2] - 315.3966).abs() < 5e-5, "{}", p[2]);
    let (imin, pmin) = p.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    let (imax, pmax) = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    assert_eq!((imin, imax), (12, 134));
    assert!((pmin - 18.208).abs() < 5e-4, "{pmin}");
    assert!((pmax - 1595.160).abs() < 5e-4, "{pmax}");
}

/// Fitz-Clarke, Morton & Banister (1991): after one load the best day is
/// tg = tau1 tau2 / (tau1 - tau2) ln(k2 tau1 / (k1 tau2)). Sampled once a day, the discrete best
/// day is the integer neighbour of tg with the higher response, in both conventions.
#[test]
fn single_load_best_day_matches_fitz_clarke() {
    for &(k1, k2, tau1, tau2) in &[(1.0f64, 2.0f64, 27.0f64, 10.0f64), (0.1, 0.2, 42.0, 7.0), (1.0, 1.8, 50.0, 11.0), (0.18258, 0.23016, 35.82, 21.34), (1.0, 3.0, 45.0, 5.0)] {
        let tg: f64 = tau1 * tau2 / (tau1 - tau2) * (k2 * tau1 / (k1 * tau2)).ln();
        let response = |t: f64| k1 * (-t / tau1).exp() - k2 * (-t / tau2).exp();
        let expected = if response(tg.floor()) >= response(tg.ceil()) { tg.floor() } else { tg.ceil() } as usize;
        for same_day in [false, true] {
            let mut w = vec![0.0; 400];
            w[0] = 100.0;
            let mut m = Banister::new(0.0, k1, k2, tau1, tau2, conv(same_day)).unwrap();
            let p: Vec<f64> = w.iter().map(|&x| { m.step(x); m.performance() }).collect();
            let best = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
            assert_eq!(best, expected, "tg = {tg}, same_day = {same_day}");
            assert!((best as f64 - tg).abs() < 1.0);
        }
    }
}

/// Busso under a constant load w settles at p0 + A w - B w^2 (see `Busso::steady_state`); the
/// engine must reach that closed form, and the load that maximises it, A/(2B), must beat its
/// neighbours in the engine too.
#[test]
fn busso_steady_state_is_the_closed_form_inverted_u() {
    let (p0, k1, k3, tau1, tau2, tau3) = (100.0, 0.05, 0.0005, 42.0, 7.0, 5.0);
    for same_day in [false, true] {
        let c = conv(same_day);
        let m = Busso::new(p0, k1, k3, tau1, tau2, tau3, c).unwrap();
        let (e1, e2, e3) = ((-1.0 / tau1).exp(), (-1.0f64 / tau2).exp(), (-1.0f64 / tau3).exp());
        // The closed form derived by hand, independent of Busso::steady_state.
        let (a, b) = if same_day {
            (k1 / (1.0 - e1), k3 / ((1.0 - e2) * (1.0 - e3)))
        } else {
            (k1 * e1 / (1.0 - e1), k3 * e2 / ((1.0 - e2) * (1.0 - e3)))
        };
        assert!(close(m.steady_state().0, a, 1e-12) && close(m.steady_state().1, b, 1e-12));
        let steady = |w: f64| {
            let mut m = Busso::new(p0, k1, k3, tau1, tau2, tau3, c).unwrap();
            for _ in 0..5000 {
                m.step(w);
            }
            m.performance()
        };
        for w in [0.0, 10.0, 50.0, 100.0, 200.0] {
            assert!(close(steady(w), p0 + a * w - b * w * w, 1e-9), "w = {w}");
        }
        let best = a / (2.0 * b);
        assert!(close(m.best_constant_load(), best, 1e-12));
        assert!(steady(best) > steady(best * 0.95) && steady(best) > steady(best * 1.05));
        assert!(close(steady(best), p0 + a * a / (4.0 * b), 1e-9));
    }
}

/// GoldenCheetah's PMC (src/Metrics/PMCData.cpp): lts(t) = w(t)(1 - e^(-1/42)) + lts(t-1) e^(-1/42),
/// sts likewise with 7, and stress balance shown on the following day: sb(t) = lts(t-1) - sts(t-1).
/// From zero at 100 a day for 42 days, fitness is 63.21 (exp), 63.65 (1/N) and 86.47 (2/(N+1)).
#[test]
fn pmc_defaults_equal_goldencheetah() {
    let w: Vec<f64> = (0..120).map(|d| if d % 7 == 6 { 0.0 } else { 40.0 + (d % 5) as f64 * 25.0 }).collect();
    let (lexp, sexp) = ((-1.0f64 / 42.0).exp(), (-1.0f64 / 7.0).exp());
    let mut m = AnyModel::try_new(&ModelConfig::new(ModelKind::Pmc), &[42.0, 7.0, 0.0, 0.0]).unwrap();
    let (mut lts, mut sts) = (0.0, 0.0);
    for &x in &w {
        let sb = lts - sts;
        lts = x * (1.0 - lexp) + lts * lexp;
        sts = x * (1.0 - sexp) + sts * sexp;
        m.step(x);
        assert!(close(m.fitness(), lts, 1e-12) && close(m.fatigue(), sts, 1e-12) && close(m.performance(), sb, 1e-12));
    }
    for (ewma, want) in [(Ewma::Exp, 63.21), (Ewma::Simple, 63.65), (Ewma::Span, 86.47)] {
        let mut m = Pmc::new(42.0, 7.0, ewma, FormDay::Yesterday).unwrap();
        for _ in 0..42 {
            m.step(100.0);
        }
        assert!((m.fitness() - want).abs() < 0.005, "{ewma:?}: {}", m.fitness());
    }
}

/// Decay to baseline: after the last load, every linear model returns to p0.
#[test]
fn performance_returns_to_baseline_under_rest() {
    for same_day in [false, true] {
        let mut m = Banister::new(250.0, 0.2, 0.3, 40.0, 12.0, conv(same_day)).unwrap();
        let mut b = Busso::new(250.0, 0.2, 0.001, 40.0, 12.0, 4.0, conv(same_day)).unwrap();
        for d in 0..2000 {
            let x = if d < 60 { 120.0 } else { 0.0 };
            m.step(x);
            b.step(x);
        }
        assert!((m.performance() - 250.0).abs() < 1e-9 && (b.performance() - 250.0).abs() < 1e-9);
    }
}
