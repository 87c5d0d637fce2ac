//! The hand-vectorised Banister loops (src/montecarlo/fast.rs, with and without load noise, in
//! their AVX-512 and AVX2 forms) must give bit-identical metrics to the generic lane kernel,
//! which the model tests hold against convolution sums. One test in its own binary, because it
//! flips the global switches that force the generic path and the AVX2 form.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use periodize::model::Banister;
use periodize::montecarlo::AthleteMetrics;
use periodize::montecarlo::kernel::{FAST_GROUP, FORCE_AVX2, FORCE_GENERIC, RowKernel};
use periodize::montecarlo::population::Sampler;
use periodize::montecarlo::rng::PARAM_SLOTS;
use periodize::montecarlo::run_row;

/// Every metric of `a` and `b` has the same bits.
fn assert_same_bits(a: &AthleteMetrics, b: &AthleteMetrics, what: &str) {
    for (x, y) in [(a.perf_final, b.perf_final), (a.perf_peak, b.perf_peak), (a.peak_day, b.peak_day), (a.days_below, b.days_below), (a.load_total, b.load_total), (a.acwr_max, b.acwr_max), (a.perf_start, b.perf_start)] {
        assert_eq!(x.to_bits(), y.to_bits(), "{what}: {a:?} vs {b:?}");
    }
}

#[test]
fn fast_path_equals_generic_kernel_bit_for_bit() {
    let cases = [
        ("lagged", "g0 = 0.0\nh0 = 0.0", ""),
        ("same-day", "g0 = 0.0\nh0 = 0.0", ""),
        ("lagged", "g0 = { dist = \"uniform\", min = 0.0, max = 500.0 }\nh0 = 120.0", ""),
        ("same-day", "g0 = 300.0\nh0 = { dist = \"lognormal\", median = 50.0, sigma = 0.5 }", ""),
        ("lagged", "g0 = 0.0\nh0 = 0.0", "[noise]\nload_cv = 0.3\nmiss_rate = 0.1\n"),
        ("same-day", "g0 = 10.0\nh0 = 0.0", "[noise]\nload_cv = 0.0\nmiss_rate = 0.2\n"),
        ("lagged", "g0 = 0.0\nh0 = 5.0", "[noise]\nload_cv = 0.5\n"),
        // 20 weeks: 140 plan days, many 8-day noise blocks and a partial last one.
        ("same-day", "g0 = 0.0\nh0 = 0.0\nweeks = 20", "[noise]\nload_cv = 0.2\nmiss_rate = 0.05\n"),
        // Trained starts: folded into g0 and h0, with the starting level as the days-below
        // baseline and the ACWR window filled by the loads before the plan.
        ("lagged", "g0 = 0.0\nh0 = 0.0", "[athlete]\nstart = { steady_load = 60.0 }\n"),
        ("same-day", "g0 = 0.0\nh0 = 0.0", "[athlete]\nstart = { steady_load = 45.0 }\n[noise]\nload_cv = 0.3\nmiss_rate = 0.1\n"),
        ("lagged", "g0 = 0.0\nh0 = 0.0", "[athlete]\nstart = { history = \"tests/data/clarke2013_cyclist.csv\" }\n[noise]\nload_cv = 0.2\n"),
        ("same-day", "g0 = 0.0\nh0 = 0.0", "[athlete]\nstart = { history = \"tests/data/clarke2013_cyclist.csv\" }\n"),
    ];
    for (conv, init, noise) in cases {
        // A `weeks = n` line in the init field moves to [plan]; 9 weeks (63 days) otherwise.
        let (init, weeks) = match init.split_once("\nweeks = ") {
            Some((i, w)) => (i, w),
            None => (init, "9"),
        };
        let text = format!(
            "schema_version = 1\n[model]\nkind = \"banister\"\nconvention = \"{conv}\"\n{init}\n\
             p0 = {{ dist = \"normal\", mean = 100.0, sd = 20.0 }}\nk1 = {{ dist = \"lognormal\", median = 0.1, sigma = 0.4 }}\n\
             k2 = {{ dist = \"lognormal\", median = 0.2, sigma = 0.4 }}\ntau1 = {{ dist = \"uniform\", min = 20.0, max = 60.0 }}\n\
             tau2 = {{ dist = \"uniform\", min = 3.0, max = 15.0 }}\n\
             [plan]\nweeks = {weeks}\nkey_workouts = 3\nkey_load = 150.0\neasy_load = 40.0\nrest_days = 1\n\
             recovery = {{ every = 3, factor = 0.5 }}\ntaper = {{ days = 9, factor = 0.4, shape = \"linear\" }}\n{noise}"
        );
        let sc = periodize::scenario::parse_scenario(&text, &Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("f.toml")).unwrap();
        let row = &sc.rows[0];
        // 1001 athletes: full lane blocks and a partial last one.
        FORCE_GENERIC.store(true, Ordering::Relaxed);
        let generic = run_row(row, 11, 1001, Default::default(), &AtomicU64::new(0));
        FORCE_GENERIC.store(false, Ordering::Relaxed);
        assert!(!generic.fast_path);
        // Both forms of the fast path: AVX-512 (where the processor has it) and AVX2.
        let mut fast = None;
        for force_avx2 in [false, true] {
            FORCE_AVX2.store(force_avx2, Ordering::Relaxed);
            let f = run_row(row, 11, 1001, Default::default(), &AtomicU64::new(0));
            FORCE_AVX2.store(false, Ordering::Relaxed);
            assert_eq!(f.metrics.len(), 1001);
            #[cfg(target_arch = "x86_64")]
            assert_eq!(f.fast_path, std::is_x86_feature_detected!("avx2"), "the fast path must run where AVX2 exists");
            for (i, (a, b)) in f.metrics.iter().zip(generic.metrics.iter()).enumerate() {
                assert_same_bits(&a, &b, &format!("{conv} {init} {noise} (AVX2 forced: {force_avx2}): athlete {i}"));
            }
            fast = Some(f);
        }
        let fast = fast.unwrap();
        // The metrics are not trivial: athletes differ and some days fall below baseline.
        assert!(fast.metrics.iter().any(|m| m.days_below > 0.0));
        assert!(fast.metrics.perf_final[0] != fast.metrics.perf_final[1]);
        if noise.contains("[noise]") {
            assert!(fast.metrics.load_total(0) != fast.metrics.load_total(1), "noise reaches the loads");
        }
        // RowKernel::run_fast, called where the fast path is off, falls back to the generic
        // kernel: the first 27 athletes (a partial fourth block) as the generic run has them.
        FORCE_GENERIC.store(true, Ordering::Relaxed);
        let plan = periodize::plan::generate(&row.plan);
        let kernel = RowKernel::new(&row.model.config, &plan.load, row.noise, 11, &row.start);
        let sampler = Sampler::new(11, &row.model);
        let mut cursor = sampler.cursor(0);
        let mut group = [[[0.0; 8]; PARAM_SLOTS.len()]; FAST_GROUP];
        for block in group.iter_mut() {
            let mut v = vec![[0.0; 8]; row.model.params.len()];
            cursor.next_lanes(&mut v);
            block[..v.len()].copy_from_slice(&v);
        }
        let mut out = vec![AthleteMetrics::default(); 27];
        kernel.run_fast::<Banister<8>>(&group, 0, 27, &mut out);
        FORCE_GENERIC.store(false, Ordering::Relaxed);
        for (i, a) in out.iter().enumerate() {
            assert_same_bits(a, &generic.metrics.get(i), &format!("{conv} {init} {noise}: run_fast fallback, athlete {i}"));
        }
    }
}
