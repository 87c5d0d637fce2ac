//! A hand-vectorised day loop for the most common job: Banister without noise and without
//! per-day output, 8 athletes in two AVX registers.
//!
//! It performs exactly the operations of the generic lane kernel ([`super::kernel`]), in the same
//! order and without fused multiply-add, so its results are bit-identical to the generic path;
//! `tests/fast_path.rs` holds it to that. Only the arithmetic is explicit here: compilers do not
//! reliably vectorise the generic code's compare-and-select lanes, and this loop is where
//! population runs spend their time.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::kernel::AthleteMetrics;
use crate::model::{Convention, decay};

/// Banister over a noise-free plan for 8 athletes, `values[param][lane]` in model order
/// (p0, k1, k2, tau1, tau2, g0, h0). Writes the first `valid` athletes' metrics; load total and
/// ACWR come from the plan.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn banister_plain(
    values: &[[f64; 8]],
    convention: Convention,
    plan: &[f64],
    plan_total: f64,
    plan_acwr_max: f64,
    valid: usize,
    out: &mut [AthleteMetrics],
) {
    let res = match convention {
        Convention::Lagged => unsafe { lanes::<true>(values, plan) },
        Convention::SameDay => unsafe { lanes::<false>(values, plan) },
    };
    for (l, o) in out.iter_mut().enumerate().take(valid) {
        *o = AthleteMetrics {
            perf_final: res[0][l],
            perf_peak: res[1][l],
            peak_day: res[2][l],
            load_total: plan_total,
            days_below: res[3][l],
            acwr_max: plan_acwr_max,
        };
    }
}

/// The state of 8 lanes: two AVX registers per quantity, advanced together so that the two
/// independent dependency chains overlap.
#[cfg(target_arch = "x86_64")]
struct State {
    p0: [__m256d; 2],
    k1: [__m256d; 2],
    k2: [__m256d; 2],
    e1: [__m256d; 2],
    e2: [__m256d; 2],
    g: [__m256d; 2],
    h: [__m256d; 2],
    peak: [__m256d; 2],
    peak_day: [__m256d; 2],
    below: [__m256d; 2],
}

/// Load 8 lanes into two registers.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn ld(a: &[f64; 8]) -> [__m256d; 2] {
    unsafe { [_mm256_loadu_pd(a.as_ptr()), _mm256_loadu_pd(a.as_ptr().add(4))] }
}

#[cfg(target_arch = "x86_64")]
impl State {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn new(values: &[[f64; 8]]) -> State {
        let zero = [_mm256_setzero_pd(); 2];
        unsafe {
            State {
                p0: ld(&values[0]),
                k1: ld(&values[1]),
                k2: ld(&values[2]),
                e1: ld(&values[3].map(decay)),
                e2: ld(&values[4].map(decay)),
                g: ld(&values[5]),
                h: ld(&values[6]),
                peak: [_mm256_set1_pd(f64::NEG_INFINITY); 2],
                peak_day: zero,
                below: zero,
            }
        }
    }

    /// Peak, peak day and days below as 8-lane arrays, with the final performance.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn results(&self, last: [__m256d; 2]) -> [[f64; 8]; 4] {
        let mut res = [[0.0f64; 8]; 4];
        for (k, q) in [last, self.peak, self.peak_day, self.below].into_iter().enumerate() {
            for (v, r) in q.into_iter().enumerate() {
                unsafe { _mm256_storeu_pd(res[k].as_mut_ptr().add(4 * v), r) };
            }
        }
        res
    }

    /// One day: update g and h, then performance, returned per register.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn step<const LAGGED: bool>(&mut self, pending: [__m256d; 2], w: [__m256d; 2]) -> [__m256d; 2] {
        let mut p = [_mm256_setzero_pd(); 2];
        for v in 0..2 {
            if LAGGED {
                self.g[v] = _mm256_mul_pd(self.e1[v], _mm256_add_pd(self.g[v], pending[v]));
                self.h[v] = _mm256_mul_pd(self.e2[v], _mm256_add_pd(self.h[v], pending[v]));
            } else {
                self.g[v] = _mm256_add_pd(_mm256_mul_pd(self.e1[v], self.g[v]), w[v]);
                self.h[v] = _mm256_add_pd(_mm256_mul_pd(self.e2[v], self.h[v]), w[v]);
            }
            // p0 + k1 g - k2 h, left to right as the generic model computes it.
            p[v] = _mm256_sub_pd(_mm256_add_pd(self.p0[v], _mm256_mul_pd(self.k1[v], self.g[v])), _mm256_mul_pd(self.k2[v], self.h[v]));
        }
        p
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn track(&mut self, p: &[__m256d; 2], day: __m256d) {
        for v in 0..2 {
            let better = _mm256_cmp_pd::<_CMP_GT_OQ>(p[v], self.peak[v]);
            self.peak[v] = _mm256_blendv_pd(self.peak[v], p[v], better);
            self.peak_day[v] = _mm256_blendv_pd(self.peak_day[v], day, better);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn lanes<const LAGGED: bool>(values: &[[f64; 8]], plan: &[f64]) -> [[f64; 8]; 4] {
    let mut s = unsafe { State::new(values) };
    let one = _mm256_set1_pd(1.0);
    let mut pending = _mm256_setzero_pd();
    let mut day = _mm256_setzero_pd();
    for &x in plan {
        let w = _mm256_set1_pd(x);
        let p = unsafe { s.step::<LAGGED>([pending; 2], [w; 2]) };
        pending = w;
        unsafe { s.track(&p, day) };
        for v in 0..2 {
            s.below[v] = _mm256_add_pd(s.below[v], _mm256_and_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(p[v], s.p0[v]), one));
        }
        day = _mm256_add_pd(day, one);
    }
    // Race day: the day after the last plan day, without load.
    let last = unsafe { s.step::<LAGGED>([pending; 2], [_mm256_setzero_pd(); 2]) };
    unsafe { s.track(&last, day) };
    unsafe { s.results(last) }
}

/// Banister with load noise (missed sessions, lognormal load factors) for 8 athletes starting at
/// athlete `first`: the generic kernel's noise draws, load totals and ACWR, written once in
/// [`super::kernel`] and compiled here for AVX2, around the explicit model loop.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn banister_noisy(
    k: &super::kernel::RowKernel<'_>,
    values: &[[f64; 8]],
    first: u64,
    valid: usize,
    scratch: &mut [u64],
    out: &mut [AthleteMetrics],
) {
    let res = match k.config.convention {
        Convention::Lagged => unsafe { noisy::<true>(k, values, first, scratch) },
        Convention::SameDay => unsafe { noisy::<false>(k, values, first, scratch) },
    };
    for (l, o) in out.iter_mut().enumerate().take(valid) {
        *o = AthleteMetrics {
            perf_final: res.0[0][l],
            perf_peak: res.0[1][l],
            peak_day: res.0[2][l],
            load_total: res.1[0][l],
            days_below: res.0[3][l],
            acwr_max: res.1[1][l],
        };
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::type_complexity)]
unsafe fn noisy<const LAGGED: bool>(k: &super::kernel::RowKernel<'_>, values: &[[f64; 8]], first: u64, scratch: &mut [u64]) -> ([[f64; 8]; 4], [[f64; 8]; 2]) {
    let mut s = unsafe { State::new(values) };
    let one = _mm256_set1_pd(1.0);
    let mut noise = k.load_noise_source::<8>(first);
    let mut acwr = crate::simulate::AcwrLanes::<8>::default();
    let mut acwr_max = [f64::NAN; 8];
    let mut total = [0.0f64; 8];
    let mut pending = [_mm256_setzero_pd(); 2];
    let mut day = _mm256_setzero_pd();
    let days = k.plan.len();
    for d in 0..days {
        let w = noise.loads(d, k.plan[d], scratch);
        let wv = unsafe { ld(&w) };
        let p = unsafe { s.step::<LAGGED>(pending, wv) };
        pending = wv;
        unsafe { s.track(&p, day) };
        for v in 0..2 {
            s.below[v] = _mm256_add_pd(s.below[v], _mm256_and_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(p[v], s.p0[v]), one));
        }
        day = _mm256_add_pd(day, one);
        for l in 0..8 {
            total[l] += w[l];
        }
        acwr.push_max(&w, &mut acwr_max);
    }
    let last = unsafe { s.step::<LAGGED>(pending, [_mm256_setzero_pd(); 2]) };
    unsafe { s.track(&last, day) };
    (unsafe { s.results(last) }, [total, acwr_max])
}
