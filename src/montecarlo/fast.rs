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

use super::chacha_x8::ChaCha8x8;
use super::kernel::AthleteMetrics;
use super::rng::inv_norm;
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
/// athlete `first`. The noise words come from [`ChaCha8x8`] (the same words as the generic
/// kernel's per-athlete `ChaCha8Rng` streams), and [`LoadTransform`] turns them into loads with
/// the generic kernel's operations in the same order; load totals and the ACWR use the same lane
/// code as the generic kernel.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn banister_noisy(k: &super::kernel::RowKernel<'_>, values: &[[f64; 8]], first: u64, valid: usize, out: &mut [AthleteMetrics]) {
    let res = match k.config.convention {
        Convention::Lagged => unsafe { noisy::<true>(k, values, first) },
        Convention::SameDay => unsafe { noisy::<false>(k, values, first) },
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
unsafe fn noisy<const LAGGED: bool>(k: &super::kernel::RowKernel<'_>, values: &[[f64; 8]], first: u64) -> ([[f64; 8]; 4], [[f64; 8]; 2]) {
    let mut s = unsafe { State::new(values) };
    let one = _mm256_set1_pd(1.0);
    let streams = unsafe { ChaCha8x8::new(&k.load_key, first) };
    let transform = unsafe { LoadTransform::new(k.mu, k.sigma, k.noise.miss_rate) };
    let mut words = [_mm256_setzero_si256(); 16];
    let mut loads = [[0.0f64; 8]; 8];
    let mut acwr = crate::simulate::AcwrLanes::<8>::default();
    let mut acwr_max = [f64::NAN; 8];
    let mut total = [0.0f64; 8];
    let mut pending = [_mm256_setzero_pd(); 2];
    let mut day = _mm256_setzero_pd();
    // Day d's noise is u64 word d of each stream, so block b of the streams holds days 8b..8b+8.
    for (b, planned) in k.plan.chunks(8).enumerate() {
        unsafe {
            streams.block(b as u64, &mut words);
            transform.loads(&words, planned, &mut loads);
        }
        for w in &loads[..planned.len()] {
            let wv = unsafe { ld(w) };
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
            acwr.push_max(w, &mut acwr_max);
        }
    }
    let last = unsafe { s.step::<LAGGED>(pending, [_mm256_setzero_pd(); 2]) };
    unsafe { s.track(&last, day) };
    (unsafe { s.results(last) }, [total, acwr_max])
}

/// Noise words to loads, 8 lanes x 8 days at a time: the explicit AVX2 form of
/// [`super::kernel::LoadNoise::loads`] (uniforms from 32-bit halves, Acklam's inverse normal,
/// periodize's fdlibm `exp`), with the same IEEE operations in the same order and no fused
/// multiply-add, so the same bits. The inverse normal's tails (about 5% of draws) need a
/// logarithm; they are collected over the 64 draws and computed by the scalar [`inv_norm`]
/// afterwards, so that the vector code has no branch per draw.
#[cfg(target_arch = "x86_64")]
struct LoadTransform {
    mu: __m256d,
    sigma: __m256d,
    miss: __m256d,
}

#[cfg(target_arch = "x86_64")]
impl LoadTransform {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn new(mu: f64, sigma: f64, miss: f64) -> Self {
        LoadTransform { mu: _mm256_set1_pd(mu), sigma: _mm256_set1_pd(sigma), miss: _mm256_set1_pd(miss) }
    }

    /// The loads of up to 8 days (`planned`, one ChaCha block of each lane's stream in `words`)
    /// into `out[day][lane]`. Day j of the block draws its load factor from the low 32 bits of
    /// u64 word j (state word 2j) and whether the session is missed from the high 32 bits.
    /// Days with a planned load of 0 (or less) keep it.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn loads(&self, words: &[__m256i; 16], planned: &[f64], out: &mut [[f64; 8]; 8]) {
        let zero = _mm256_setzero_pd();
        // The central inverse normal of every draw, and a bit per draw that lies in a tail.
        let mut p = [[0.0f64; 8]; 8];
        let mut z = [[0.0f64; 8]; 8];
        let mut tails = 0u64;
        for (j, &w) in planned.iter().enumerate() {
            let u = unsafe { u32f(words[2 * j]) };
            for v in 0..2 {
                let (zv, tail) = unsafe { inv_norm_central(u[v]) };
                unsafe {
                    _mm256_storeu_pd(p[j].as_mut_ptr().add(4 * v), u[v]);
                    _mm256_storeu_pd(z[j].as_mut_ptr().add(4 * v), zv);
                }
                if w > 0.0 {
                    tails |= (_mm256_movemask_pd(tail) as u64) << (8 * j + 4 * v);
                }
            }
        }
        while tails != 0 {
            let i = tails.trailing_zeros() as usize;
            z[i / 8][i % 8] = inv_norm(p[i / 8][i % 8]);
            tails &= tails - 1;
        }
        for (j, &w) in planned.iter().enumerate() {
            let planned = _mm256_set1_pd(w);
            let miss = unsafe { u32f(words[2 * j + 1]) };
            for v in 0..2 {
                let load = if w > 0.0 {
                    let x = _mm256_add_pd(self.mu, _mm256_mul_pd(self.sigma, unsafe { _mm256_loadu_pd(z[j].as_ptr().add(4 * v)) }));
                    let factor = unsafe { exp4(x) };
                    let skipped = _mm256_cmp_pd::<_CMP_LT_OQ>(miss[v], self.miss);
                    _mm256_blendv_pd(_mm256_mul_pd(planned, factor), zero, skipped)
                } else {
                    planned
                };
                unsafe { _mm256_storeu_pd(out[j].as_mut_ptr().add(4 * v), load) };
            }
        }
    }
}

/// [`crate::montecarlo::rng::u32f`] of 8 u32 lanes, as two registers of 4: exact, as the scalar is.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn u32f(x: __m256i) -> [__m256d; 2] {
    // Signed conversion of x - 2^31, then + 2^31: every step is exact.
    let flipped = _mm256_xor_si256(x, _mm256_set1_epi32(i32::MIN));
    let halves = [_mm256_castsi256_si128(flipped), _mm256_extracti128_si256::<1>(flipped)];
    halves.map(|h| {
        let v = _mm256_add_pd(_mm256_cvtepi32_pd(h), _mm256_set1_pd(2_147_483_648.0));
        _mm256_mul_pd(_mm256_add_pd(v, _mm256_set1_pd(0.5)), _mm256_set1_pd(1.0 / 4_294_967_296.0))
    })
}

/// The central rational function of [`inv_norm`] for 4 lanes, as in
/// [`crate::montecarlo::rng::inv_norm_lanes`], and the mask of lanes in the tails, where it does
/// not apply.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn inv_norm_central(p: __m256d) -> (__m256d, __m256d) {
    use crate::montecarlo::rng::{INV_NORM_A as A, INV_NORM_B as B, INV_NORM_LOW as LOW};
    let c = _mm256_set1_pd;
    let q = _mm256_sub_pd(p, c(0.5));
    let r = _mm256_mul_pd(q, q);
    let mut num = c(A[0]);
    for &a in &A[1..] {
        num = _mm256_add_pd(_mm256_mul_pd(num, r), c(a));
    }
    num = _mm256_mul_pd(num, q);
    let mut den = c(B[0]);
    for &b in &B[1..] {
        den = _mm256_add_pd(_mm256_mul_pd(den, r), c(b));
    }
    den = _mm256_add_pd(_mm256_mul_pd(den, r), c(1.0));
    let tail = _mm256_or_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(p, c(LOW)), _mm256_cmp_pd::<_CMP_GT_OQ>(p, c(1.0 - LOW)));
    (_mm256_div_pd(num, den), tail)
}

/// [`crate::fmath::exp`] of 4 lanes, operation for operation.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn exp4(x: __m256d) -> __m256d {
    use crate::fmath::exp_consts::*;
    let c = _mm256_set1_pd;
    let x = _mm256_min_pd(_mm256_max_pd(x, c(-700.0)), c(700.0));
    let t = _mm256_add_pd(_mm256_mul_pd(x, c(INV_LN2)), c(SHIFTER));
    let k = _mm256_sub_pd(t, c(SHIFTER));
    let ki = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(SHIFTER.to_bits() as i64));
    let hi = _mm256_sub_pd(x, _mm256_mul_pd(k, c(LN2_HI)));
    let lo = _mm256_mul_pd(k, c(LN2_LO));
    let r = _mm256_sub_pd(hi, lo);
    let rr = _mm256_mul_pd(r, r);
    let mut poly = c(P5);
    for p in [P4, P3, P2, P1] {
        poly = _mm256_add_pd(c(p), _mm256_mul_pd(rr, poly));
    }
    let cc = _mm256_sub_pd(r, _mm256_mul_pd(rr, poly));
    let frac = _mm256_div_pd(_mm256_mul_pd(r, cc), _mm256_sub_pd(c(2.0), cc));
    let y = _mm256_sub_pd(c(1.0), _mm256_sub_pd(_mm256_sub_pd(lo, frac), hi));
    // k1 = floor(ki / 2) without a 64-bit arithmetic shift (AVX2 has none): |ki| <= 1010 here.
    let k1 = _mm256_sub_epi64(_mm256_srli_epi64::<1>(_mm256_add_epi64(ki, _mm256_set1_epi64x(2048))), _mm256_set1_epi64x(1024));
    let k2 = _mm256_sub_epi64(ki, k1);
    let bias = _mm256_set1_epi64x(1023);
    let s1 = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_add_epi64(k1, bias)));
    let s2 = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_add_epi64(k2, bias)));
    _mm256_mul_pd(_mm256_mul_pd(y, s1), s2)
}
