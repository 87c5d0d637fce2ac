//! The machine's limit for this workload: the bare Banister recursion (lagged), several athletes
//! per iteration as structure of arrays (8, 16 or 32 lanes), compiled for AVX2 and for AVX-512
//! where the processor has them, over all cores. No sampling, no noise, no summaries: what `run`
//! would reach if the day loop were all there is. Compare with `run/population-365`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;

#[inline(always)]
fn lanes<const N: usize>(e1: &[f64; N], e2: &[f64; N], k1: &[f64; N], k2: &[f64; N], w: &[f64]) -> f64 {
    let (mut g, mut h, mut pend, mut peak) = ([0.0; N], [0.0; N], 0.0, [f64::NEG_INFINITY; N]);
    for &x in w {
        for l in 0..N {
            g[l] = e1[l] * (g[l] + pend);
            h[l] = e2[l] * (h[l] + pend);
            peak[l] = peak[l].max(k1[l] * g[l] - k2[l] * h[l]);
        }
        pend = x;
    }
    peak.iter().sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn lanes_avx2<const N: usize>(e1: &[f64; N], e2: &[f64; N], k1: &[f64; N], k2: &[f64; N], w: &[f64]) -> f64 {
    lanes(e1, e2, k1, k2, w)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,avx512f")]
fn lanes_avx512<const N: usize>(e1: &[f64; N], e2: &[f64; N], k1: &[f64; N], k2: &[f64; N], w: &[f64]) -> f64 {
    lanes(e1, e2, k1, k2, w)
}

/// One block of N athletes on the widest vectors allowed (`wide`: AVX-512 if present).
fn block<const N: usize>(seed: usize, w: &[f64], wide: bool) -> f64 {
    let e1: [f64; N] = std::array::from_fn(|l| (-1.0 / (40.0 + ((seed + l) % 7) as f64)).exp());
    let e2: [f64; N] = std::array::from_fn(|l| (-1.0 / (7.0 + ((seed + l) % 3) as f64)).exp());
    let (k1, k2) = ([0.1; N], [0.2; N]);
    #[cfg(target_arch = "x86_64")]
    {
        if wide && std::is_x86_feature_detected!("avx512f") {
            // SAFETY: AVX-512F (and so AVX2) is present, checked just above.
            return unsafe { lanes_avx512(&e1, &e2, &k1, &k2, w) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present, checked just above.
            return unsafe { lanes_avx2(&e1, &e2, &k1, &k2, w) };
        }
    }
    lanes(&e1, &e2, &k1, &k2, w)
}

fn run<const N: usize>(athletes: usize, w: &[f64], wide: bool) -> f64 {
    (0..athletes / N).into_par_iter().map(|i| block::<N>(i, black_box(w), wide)).sum::<f64>()
}

fn bench(c: &mut Criterion) {
    let w: Vec<f64> = (0..365).map(|d| [0.0, 150.0, 50.0, 150.0, 50.0, 150.0, 50.0][d % 7]).collect();
    let athletes = 200_000;
    let mut group = c.benchmark_group("limit");
    group.throughput(Throughput::Elements((athletes * w.len()) as u64));
    for wide in [false, true] {
        let isa = if wide { "avx512" } else { "avx2" };
        group.bench_function(format!("banister_bare_loop/{isa}/8_lanes"), |b| b.iter(|| run::<8>(athletes, &w, wide)));
        group.bench_function(format!("banister_bare_loop/{isa}/16_lanes"), |b| b.iter(|| run::<16>(athletes, &w, wide)));
        group.bench_function(format!("banister_bare_loop/{isa}/32_lanes"), |b| b.iter(|| run::<32>(athletes, &w, wide)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
