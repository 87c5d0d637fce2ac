//! Hand-vectorised day loops for the most common jobs: Banister without measurement noise and
//! without per-day output, with or without load noise, 8 athletes at a time.
//!
//! The loops are written once ([`banister_loops`]) over a small 8-lane vector vocabulary and
//! compiled twice: for AVX2 (8 lanes in two 256-bit registers, [`avx2`]) and for AVX-512 (one
//! 512-bit register and mask registers, [`avx512`]; its ChaCha8 yields 16 days per pass, and its
//! noise-free loop advances 4 blocks side by side). The kernel picks the widest the processor
//! has, unless `PERIODIZE_SIMD` caps it.
//!
//! Both perform exactly the operations of the generic lane kernel ([`super::kernel`]), in the
//! same order and without fused multiply-add, so their results are bit-identical to it and to
//! each other; `tests/fast_path.rs` holds both to that. Only the arithmetic is explicit here:
//! compilers do not reliably vectorise the generic code's compare-and-select lanes, and these
//! loops are where population runs spend their time.

/// The day loops over the vocabulary of the enclosing module: `V` (8 f64 lanes), `M` (8 lane
/// masks), `Noise` (the load streams of 8 athletes, `DAYS` days per pass) and the functions
/// `splat load store add sub mul div min max lt gt nlt or blend bits ones_where scales uniforms`
/// (`max(a, b)` returns b where either is NaN, as `maxpd` does).
/// `$feat` is the target feature list every function is compiled for.
#[cfg(target_arch = "x86_64")]
macro_rules! banister_loops {
    ($feat:tt) => {
        use super::super::kernel::{AthleteMetrics, RowKernel};
        use super::super::rng::{INV_NORM_A, INV_NORM_B, INV_NORM_LOW, inv_norm};
        use crate::fmath::exp_consts::*;
        use crate::model::{Convention, decay};

        /// Parameter slots per block of lanes.
        const SLOTS: usize = super::super::rng::PARAM_SLOTS.len();

        /// Banister over a noise-free plan for G blocks of 8 athletes, `values[block][param][lane]`
        /// in model order (p0, k1, k2, tau1, tau2, g0, h0), advanced side by side so that their
        /// independent dependency chains overlap. Writes the first `valid` athletes' metrics
        /// (block j's lanes at `out[8 j..]`); load total and ACWR come from the plan.
        #[target_feature(enable = $feat)]
        pub fn banister_plain<const G: usize>(
            values: &[[[f64; 8]; SLOTS]; G],
            convention: Convention,
            plan: &[f64],
            plan_total: f64,
            plan_acwr_max: f64,
            valid: usize,
            out: &mut [AthleteMetrics],
        ) {
            let res = match convention {
                Convention::Lagged => plain::<true, G>(values, plan),
                Convention::SameDay => plain::<false, G>(values, plan),
            };
            for (j, r) in res.iter().enumerate().take(valid.min(8 * G).div_ceil(8)) {
                write(r, [plan_total; 8], [plan_acwr_max; 8], (valid - 8 * j).min(8), &mut out[8 * j..]);
            }
        }

        /// Banister with load noise (missed sessions, lognormal load factors) for 8 athletes
        /// starting at athlete `first`: noise words from the vertical ChaCha8 (the same words as
        /// the generic kernel's per-athlete `ChaCha8Rng` streams), turned into loads by
        /// [`LoadTransform`] with the generic kernel's operations in the same order; load totals
        /// and the ACWR use the generic kernel's lane code.
        #[target_feature(enable = $feat)]
        pub fn banister_noisy(k: &RowKernel<'_>, values: &[[f64; 8]], first: u64, valid: usize, out: &mut [AthleteMetrics]) {
            let (res, total, acwr_max) = match k.config.convention {
                Convention::Lagged => noisy::<true>(k, values, first),
                Convention::SameDay => noisy::<false>(k, values, first),
            };
            write(&res, total, acwr_max, valid, out);
        }

        fn write(res: &[[f64; 8]; 4], total: [f64; 8], acwr_max: [f64; 8], valid: usize, out: &mut [AthleteMetrics]) {
            for (l, o) in out.iter_mut().enumerate().take(valid) {
                *o = AthleteMetrics {
                    perf_final: res[0][l],
                    perf_peak: res[1][l],
                    peak_day: res[2][l],
                    load_total: total[l],
                    days_below: res[3][l],
                    acwr_max: acwr_max[l],
                    perf_start: f64::NAN,
                };
            }
        }

        /// The model and the running metrics of 8 lanes.
        #[derive(Clone, Copy)]
        struct State {
            p0: V,
            k1: V,
            k2: V,
            e1: V,
            e2: V,
            g: V,
            h: V,
            peak: V,
            peak_day: V,
            below: V,
            /// The days-below baseline (slot 7, see `RowKernel::prepare_fast`).
            base: V,
        }

        impl State {
            #[inline]
            #[target_feature(enable = $feat)]
            fn new(values: &[[f64; 8]]) -> State {
                let zero = splat(0.0);
                State {
                    p0: load(&values[0]),
                    k1: load(&values[1]),
                    k2: load(&values[2]),
                    e1: load(&values[3].map(decay)),
                    e2: load(&values[4].map(decay)),
                    g: load(&values[5]),
                    h: load(&values[6]),
                    peak: splat(f64::NEG_INFINITY),
                    peak_day: zero,
                    below: zero,
                    base: load(&values[7]),
                }
            }

            /// One day: update g and h (lagged: with yesterday's load `pending`; same-day: with
            /// today's `w`), then performance p0 + k1 g - k2 h, left to right as the generic
            /// model computes it.
            #[inline]
            #[target_feature(enable = $feat)]
            fn step<const LAGGED: bool>(&mut self, pending: V, w: V) -> V {
                if LAGGED {
                    self.g = mul(self.e1, add(self.g, pending));
                    self.h = mul(self.e2, add(self.h, pending));
                } else {
                    self.g = add(mul(self.e1, self.g), w);
                    self.h = add(mul(self.e2, self.h), w);
                }
                sub(add(self.p0, mul(self.k1, self.g)), mul(self.k2, self.h))
            }

            /// The peak and its day (a later day must be strictly better).
            #[inline]
            #[target_feature(enable = $feat)]
            fn track(&mut self, p: V, day: V) {
                let better = gt(p, self.peak);
                self.peak = blend(better, p, self.peak);
                self.peak_day = blend(better, day, self.peak_day);
            }

            /// A plan day: its performance counts for the peak and for the days below baseline.
            #[inline]
            #[target_feature(enable = $feat)]
            fn plan_day(&mut self, p: V, day: V) {
                self.track(p, day);
                self.below = add(self.below, ones_where(lt(p, self.base)));
            }

            /// Final performance, peak, peak day and days below, per lane.
            #[inline]
            #[target_feature(enable = $feat)]
            fn results(&self, last: V) -> [[f64; 8]; 4] {
                [store(last), store(self.peak), store(self.peak_day), store(self.below)]
            }
        }

        /// The day loop of `banister_plain`. The day number and yesterday's load are carried as
        /// scalars and broadcast each day (exact: small integers and the plan's own values), which
        /// keeps two registers free for the state on AVX2.
        #[inline]
        #[target_feature(enable = $feat)]
        fn plain<const LAGGED: bool, const G: usize>(values: &[[[f64; 8]; SLOTS]; G], plan: &[f64]) -> [[[f64; 8]; 4]; G] {
            let mut s: [State; G] = std::array::from_fn(|j| State::new(&values[j]));
            let mut pending = 0.0;
            for (d, &x) in plan.iter().enumerate() {
                let (w, day, yesterday) = (splat(x), splat(d as f64), splat(pending));
                for st in s.iter_mut() {
                    let p = st.step::<LAGGED>(yesterday, w);
                    st.plan_day(p, day);
                }
                pending = x;
            }
            // Race day: the day after the last plan day, without load.
            let day = splat(plan.len() as f64);
            let mut res = [[[0.0; 8]; 4]; G];
            for (st, r) in s.iter_mut().zip(res.iter_mut()) {
                let last = st.step::<LAGGED>(splat(pending), splat(0.0));
                st.track(last, day);
                *r = st.results(last);
            }
            res
        }

        #[inline]
        #[target_feature(enable = $feat)]
        fn noisy<const LAGGED: bool>(k: &RowKernel<'_>, values: &[[f64; 8]], first: u64) -> ([[f64; 8]; 4], [f64; 8], [f64; 8]) {
            let mut s = State::new(values);
            let one = splat(1.0);
            let streams = Noise::new(&k.load_key, first);
            let transform = LoadTransform { mu: splat(k.mu), sigma: splat(k.sigma), miss: splat(k.noise.miss_rate) };
            let mut words = [[0u32; 8]; 2 * DAYS];
            let mut loads = [[0.0f64; 8]; DAYS];
            let mut acwr = Acwr::new();
            // The loads before the plan (a steady or history start) fill the ACWR's window; the
            // ratios they make do not count, as in the generic kernel.
            let before = k.recent.len();
            for (d, &w) in k.recent.iter().enumerate() {
                acwr.push(d, splat(w));
            }
            acwr.max = splat(f64::NAN);
            let mut total = splat(0.0);
            let mut pending = splat(0.0);
            let mut day = splat(0.0);
            // Day d's noise is u64 word d of each athlete's stream: pass b covers days
            // DAYS b .. DAYS (b + 1).
            for (b, planned) in k.plan.chunks(DAYS).enumerate() {
                streams.days(b as u64, &mut words);
                transform.loads(&words, planned, &mut loads);
                for (j, w) in loads[..planned.len()].iter().enumerate() {
                    let wv = load(w);
                    let p = s.step::<LAGGED>(pending, wv);
                    pending = wv;
                    s.plan_day(p, day);
                    day = add(day, one);
                    total = add(total, wv);
                    acwr.push(before + DAYS * b + j, wv);
                }
            }
            let last = s.step::<LAGGED>(pending, splat(0.0));
            s.track(last, day);
            (s.results(last), store(total), store(acwr.max))
        }

        /// The largest 7:28 acute:chronic load ratio of 8 lanes: the explicit form of
        /// [`crate::model::AcwrLanes::push_max`], operation for operation (acute sums in the
        /// same ring order, the same skip test, the same division).
        struct Acwr {
            loads: [V; 7],
            /// prefix[j] = ((0 + loads[0]) + ...) + loads[j]: prefix[6] is the acute sum.
            prefix: [V; 7],
            /// The acute sums of the last 28 days, by day % 28.
            weekly: [V; 28],
            max: V,
        }

        impl Acwr {
            #[inline]
            #[target_feature(enable = $feat)]
            fn new() -> Self {
                let zero = splat(0.0);
                Acwr { loads: [zero; 7], prefix: [zero; 7], weekly: [zero; 28], max: splat(f64::NAN) }
            }

            /// Day d's loads `w`, folded into the maximum from day 27 on.
            #[inline]
            #[target_feature(enable = $feat)]
            fn push(&mut self, d: usize, w: V) {
                let (k, i28) = (d % 7, d % 28);
                self.loads[k] = w;
                let mut run = if k == 0 { splat(0.0) } else { self.prefix[k - 1] };
                for j in k..7 {
                    run = add(run, self.loads[j]);
                    self.prefix[j] = run;
                }
                self.weekly[i28] = run;
                if d + 1 >= 28 {
                    let back = |n: usize| (i28 + 28 - n) % 28;
                    let chronic = add(add(add(run, self.weekly[back(7)]), self.weekly[back(14)]), self.weekly[back(21)]);
                    let acute4 = mul(splat(4.0), run);
                    // Lanes whose ratio could beat their maximum (a NaN maximum always can).
                    if bits(nlt(acute4, mul(mul(self.max, chronic), splat(1.0 - 1e-12)))) != 0 {
                        self.max = blend(gt(chronic, splat(0.0)), max(self.max, div(acute4, chronic)), self.max);
                    }
                }
            }
        }

        /// Noise words to loads, 8 lanes x `DAYS` days at a time: the explicit form of
        /// [`super::super::kernel::LoadNoise::loads`] (uniforms from 32-bit halves, Acklam's
        /// inverse normal, periodize's fdlibm `exp`), with the same IEEE operations in the same
        /// order and no fused multiply-add, so the same bits. The inverse normal's tails (about 5%
        /// of draws) need a logarithm; they are collected in a bit mask over the pass and
        /// computed by the scalar [`inv_norm`] afterwards, so the vector code has no branch per
        /// draw.
        struct LoadTransform {
            mu: V,
            sigma: V,
            miss: V,
        }

        impl LoadTransform {
            /// The loads of up to `DAYS` days (`planned`) into `out[day][lane]`. Day j draws its
            /// load factor from `words[2j]` (the low 32 bits of its u64 word) and whether the
            /// session is missed from `words[2j + 1]`. Days with a planned load of 0 (or less)
            /// keep it.
            #[inline]
            #[target_feature(enable = $feat)]
            fn loads(&self, words: &[[u32; 8]; 2 * DAYS], planned: &[f64], out: &mut [[f64; 8]; DAYS]) {
                let mut p = [[0.0f64; 8]; DAYS];
                let mut z = [[0.0f64; 8]; DAYS];
                let mut tails = 0u128;
                for (j, &w) in planned.iter().enumerate() {
                    let u = uniforms(&words[2 * j]);
                    let (zj, tail) = inv_norm_central(u);
                    p[j] = store(u);
                    z[j] = store(zj);
                    if w > 0.0 {
                        tails |= (bits(tail) as u128) << (8 * j);
                    }
                }
                while tails != 0 {
                    let i = tails.trailing_zeros() as usize;
                    z[i / 8][i % 8] = inv_norm(p[i / 8][i % 8]);
                    tails &= tails - 1;
                }
                for (j, &w) in planned.iter().enumerate() {
                    out[j] = if w > 0.0 {
                        let factor = exp(add(self.mu, mul(self.sigma, load(&z[j]))));
                        let skipped = lt(uniforms(&words[2 * j + 1]), self.miss);
                        store(blend(skipped, splat(0.0), mul(splat(w), factor)))
                    } else {
                        [w; 8]
                    };
                }
            }
        }

        /// The central rational function of [`inv_norm`] (as in
        /// [`super::super::rng::inv_norm_lanes`]), and the mask of lanes in the tails, where it
        /// does not apply.
        #[inline]
        #[target_feature(enable = $feat)]
        fn inv_norm_central(p: V) -> (V, M) {
            let q = sub(p, splat(0.5));
            let r = mul(q, q);
            let mut num = splat(INV_NORM_A[0]);
            for &a in &INV_NORM_A[1..] {
                num = add(mul(num, r), splat(a));
            }
            num = mul(num, q);
            let mut den = splat(INV_NORM_B[0]);
            for &b in &INV_NORM_B[1..] {
                den = add(mul(den, r), splat(b));
            }
            den = add(mul(den, r), splat(1.0));
            let tail = or(lt(p, splat(INV_NORM_LOW)), gt(p, splat(1.0 - INV_NORM_LOW)));
            (div(num, den), tail)
        }

        /// [`crate::fmath::exp`], operation for operation.
        #[inline]
        #[target_feature(enable = $feat)]
        fn exp(x: V) -> V {
            let x = min(max(x, splat(-700.0)), splat(700.0));
            let t = add(mul(x, splat(INV_LN2)), splat(SHIFTER));
            let k = sub(t, splat(SHIFTER));
            let hi = sub(x, mul(k, splat(LN2_HI)));
            let lo = mul(k, splat(LN2_LO));
            let r = sub(hi, lo);
            let rr = mul(r, r);
            let mut poly = splat(P5);
            for c in [P4, P3, P2, P1] {
                poly = add(splat(c), mul(rr, poly));
            }
            let c = sub(r, mul(rr, poly));
            let frac = div(mul(r, c), sub(splat(2.0), c));
            let y = sub(splat(1.0), sub(sub(lo, frac), hi));
            let (s1, s2) = scales(t);
            mul(mul(y, s1), s2)
        }
    };
}

/// 8 lanes as two AVX2 registers.
#[cfg(target_arch = "x86_64")]
pub mod avx2 {
    use std::arch::x86_64::*;

    use super::super::chacha_x8::ChaCha8x8;

    #[derive(Clone, Copy)]
    struct V([__m256d; 2]);
    /// All-ones lanes where true.
    #[derive(Clone, Copy)]
    struct M([__m256d; 2]);

    /// Noise days per ChaCha8 pass: one block of each stream.
    const DAYS: usize = 8;
    /// Blocks of 8 athletes the plain loop advances together: one (two dependency chains). With
    /// 16 registers, two blocks' state spills to memory and the loop gets slower (measured:
    /// 0.19 s -> 0.23 s for 2M athletes x 366 days).
    pub const GROUP: usize = 1;

    macro_rules! lanewise {
        ($($name:ident($a:ident, $b:ident) -> $out:ident = $op:ident;)*) => {$(
            #[inline]
            #[target_feature(enable = "avx2")]
            fn $name($a: V, $b: V) -> $out {
                $out([$op($a.0[0], $b.0[0]), $op($a.0[1], $b.0[1])])
            }
        )*};
    }
    lanewise! {
        add(a, b) -> V = _mm256_add_pd;
        sub(a, b) -> V = _mm256_sub_pd;
        mul(a, b) -> V = _mm256_mul_pd;
        div(a, b) -> V = _mm256_div_pd;
        min(a, b) -> V = _mm256_min_pd;
        max(a, b) -> V = _mm256_max_pd;
        lt(a, b) -> M = lt4;
        gt(a, b) -> M = gt4;
        nlt(a, b) -> M = nlt4;
    }

    /// Not less than, or unordered.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn nlt4(a: __m256d, b: __m256d) -> __m256d {
        _mm256_cmp_pd::<_CMP_NLT_UQ>(a, b)
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn lt4(a: __m256d, b: __m256d) -> __m256d {
        _mm256_cmp_pd::<_CMP_LT_OQ>(a, b)
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn gt4(a: __m256d, b: __m256d) -> __m256d {
        _mm256_cmp_pd::<_CMP_GT_OQ>(a, b)
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn splat(x: f64) -> V {
        V([_mm256_set1_pd(x); 2])
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(a: &[f64; 8]) -> V {
        // SAFETY: 8 f64 are readable.
        unsafe { V([_mm256_loadu_pd(a.as_ptr()), _mm256_loadu_pd(a.as_ptr().add(4))]) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn store(v: V) -> [f64; 8] {
        let mut a = [0.0; 8];
        // SAFETY: 8 f64 are writable.
        unsafe {
            _mm256_storeu_pd(a.as_mut_ptr(), v.0[0]);
            _mm256_storeu_pd(a.as_mut_ptr().add(4), v.0[1]);
        }
        a
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn or(a: M, b: M) -> M {
        M([_mm256_or_pd(a.0[0], b.0[0]), _mm256_or_pd(a.0[1], b.0[1])])
    }

    /// `a` where `m`, else `b`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn blend(m: M, a: V, b: V) -> V {
        V([_mm256_blendv_pd(b.0[0], a.0[0], m.0[0]), _mm256_blendv_pd(b.0[1], a.0[1], m.0[1])])
    }

    /// Bit l set where lane l is.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn bits(m: M) -> u8 {
        (_mm256_movemask_pd(m.0[0]) | (_mm256_movemask_pd(m.0[1]) << 4)) as u8
    }

    /// 1.0 where `m`, else 0.0.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn ones_where(m: M) -> V {
        let one = _mm256_set1_pd(1.0);
        V([_mm256_and_pd(m.0[0], one), _mm256_and_pd(m.0[1], one)])
    }

    /// The two factors 2^k1, 2^k2 (k1 = floor(k / 2), k2 = k - k1) that scale exp's result,
    /// from t = x / ln 2 + 1.5 * 2^52, whose low mantissa bits hold k.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn scales(t: V) -> (V, V) {
        let shifter = _mm256_set1_epi64x(crate::fmath::exp_consts::SHIFTER.to_bits() as i64);
        let bias = _mm256_set1_epi64x(1023);
        let mut s = [[_mm256_setzero_pd(); 2]; 2];
        for v in 0..2 {
            let k = _mm256_sub_epi64(_mm256_castpd_si256(t.0[v]), shifter);
            // floor(k / 2) without a 64-bit arithmetic shift (AVX2 has none): |k| <= 1010 here.
            let k1 = _mm256_sub_epi64(_mm256_srli_epi64::<1>(_mm256_add_epi64(k, _mm256_set1_epi64x(2048))), _mm256_set1_epi64x(1024));
            let k2 = _mm256_sub_epi64(k, k1);
            s[0][v] = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_add_epi64(k1, bias)));
            s[1][v] = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_add_epi64(k2, bias)));
        }
        (V(s[0]), V(s[1]))
    }

    /// [`crate::montecarlo::rng::u32f`] of 8 u32 lanes: exact, as the scalar is.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn uniforms(w: &[u32; 8]) -> V {
        // SAFETY: 8 u32 are 32 readable bytes.
        let x = unsafe { _mm256_loadu_si256(w.as_ptr().cast()) };
        // Signed conversion of x - 2^31, then + 2^31: every step is exact.
        let flipped = _mm256_xor_si256(x, _mm256_set1_epi32(i32::MIN));
        let half = |h: __m128i| {
            let v = _mm256_add_pd(_mm256_cvtepi32_pd(h), _mm256_set1_pd(2_147_483_648.0));
            _mm256_mul_pd(_mm256_add_pd(v, _mm256_set1_pd(0.5)), _mm256_set1_pd(1.0 / 4_294_967_296.0))
        };
        V([half(_mm256_castsi256_si128(flipped)), half(_mm256_extracti128_si256::<1>(flipped))])
    }

    /// The `load` streams of 8 athletes.
    struct Noise(ChaCha8x8);

    impl Noise {
        #[inline]
        #[target_feature(enable = "avx2")]
        fn new(key: &[u8; 32], first: u64) -> Self {
            // SAFETY: this function only runs with AVX2.
            Noise(unsafe { ChaCha8x8::new(key, first) })
        }

        /// Days 8b..8b + 8: block b of each stream, state word i in `out[i]`.
        #[inline]
        #[target_feature(enable = "avx2")]
        fn days(&self, b: u64, out: &mut [[u32; 8]; 16]) {
            let mut blocks = [_mm256_setzero_si256(); 16];
            // SAFETY: this function only runs with AVX2; __m256i and [u32; 8] have one layout.
            unsafe {
                self.0.block(b, &mut blocks);
                *out = std::mem::transmute::<[__m256i; 16], [[u32; 8]; 16]>(blocks);
            }
        }
    }

    banister_loops!("avx2");
}

/// 8 lanes in one AVX-512 register, masks in mask registers.
#[cfg(target_arch = "x86_64")]
pub mod avx512 {
    use std::arch::x86_64::*;

    use super::super::chacha_x8::ChaCha8x16;

    #[derive(Clone, Copy)]
    struct V(__m512d);
    #[derive(Clone, Copy)]
    struct M(__mmask8);

    /// Noise days per ChaCha8 pass: two blocks of each stream.
    const DAYS: usize = 16;
    /// Blocks of 8 athletes the plain loop advances together: 4 dependency chains, which hide
    /// the add-multiply latency of the recursion (`cargo bench --bench limit` compares).
    pub const GROUP: usize = 4;

    macro_rules! lanewise {
        ($($name:ident($a:ident, $b:ident) -> $out:ident = $op:expr;)*) => {$(
            #[inline]
            #[target_feature(enable = "avx2,avx512f")]
            fn $name($a: V, $b: V) -> $out {
                $out($op($a.0, $b.0))
            }
        )*};
    }
    lanewise! {
        add(a, b) -> V = _mm512_add_pd;
        sub(a, b) -> V = _mm512_sub_pd;
        mul(a, b) -> V = _mm512_mul_pd;
        div(a, b) -> V = _mm512_div_pd;
        min(a, b) -> V = _mm512_min_pd;
        max(a, b) -> V = _mm512_max_pd;
        lt(a, b) -> M = _mm512_cmp_pd_mask::<_CMP_LT_OQ>;
        gt(a, b) -> M = _mm512_cmp_pd_mask::<_CMP_GT_OQ>;
        nlt(a, b) -> M = _mm512_cmp_pd_mask::<_CMP_NLT_UQ>;
    }

    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn splat(x: f64) -> V {
        V(_mm512_set1_pd(x))
    }

    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn load(a: &[f64; 8]) -> V {
        // SAFETY: 8 f64 are readable.
        unsafe { V(_mm512_loadu_pd(a.as_ptr())) }
    }

    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn store(v: V) -> [f64; 8] {
        let mut a = [0.0; 8];
        // SAFETY: 8 f64 are writable.
        unsafe { _mm512_storeu_pd(a.as_mut_ptr(), v.0) };
        a
    }

    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn or(a: M, b: M) -> M {
        M(a.0 | b.0)
    }

    /// `a` where `m`, else `b`.
    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn blend(m: M, a: V, b: V) -> V {
        V(_mm512_mask_blend_pd(m.0, b.0, a.0))
    }

    /// Bit l set where lane l is.
    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn bits(m: M) -> u8 {
        m.0
    }

    /// 1.0 where `m`, else 0.0.
    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn ones_where(m: M) -> V {
        V(_mm512_maskz_mov_pd(m.0, _mm512_set1_pd(1.0)))
    }

    /// As `avx2::scales`, with AVX-512's 64-bit arithmetic shift.
    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn scales(t: V) -> (V, V) {
        let k = _mm512_sub_epi64(_mm512_castpd_si512(t.0), _mm512_set1_epi64(crate::fmath::exp_consts::SHIFTER.to_bits() as i64));
        let k1 = _mm512_srai_epi64::<1>(k);
        let k2 = _mm512_sub_epi64(k, k1);
        let bias = _mm512_set1_epi64(1023);
        (
            V(_mm512_castsi512_pd(_mm512_slli_epi64::<52>(_mm512_add_epi64(k1, bias)))),
            V(_mm512_castsi512_pd(_mm512_slli_epi64::<52>(_mm512_add_epi64(k2, bias)))),
        )
    }

    /// [`crate::montecarlo::rng::u32f`] of 8 u32 lanes: exact, as the scalar is.
    #[inline]
    #[target_feature(enable = "avx2,avx512f")]
    fn uniforms(w: &[u32; 8]) -> V {
        // SAFETY: 8 u32 are 32 readable bytes.
        let x = unsafe { _mm256_loadu_si256(w.as_ptr().cast()) };
        V(_mm512_mul_pd(_mm512_add_pd(_mm512_cvtepu32_pd(x), _mm512_set1_pd(0.5)), _mm512_set1_pd(1.0 / 4_294_967_296.0)))
    }

    /// The `load` streams of 8 athletes.
    struct Noise(ChaCha8x16);

    impl Noise {
        #[inline]
        #[target_feature(enable = "avx2,avx512f")]
        fn new(key: &[u8; 32], first: u64) -> Self {
            Noise(ChaCha8x16::new(key, first))
        }

        /// Days 16b..16b + 16: blocks 2b and 2b + 1 of each stream; `out[i]` and `out[16 + i]`
        /// hold state word i of the first and the second block.
        #[inline]
        #[target_feature(enable = "avx2,avx512f")]
        fn days(&self, b: u64, out: &mut [[u32; 8]; 32]) {
            let mut blocks = [_mm512_setzero_si512(); 16];
            self.0.blocks(2 * b, &mut blocks);
            // SAFETY: __m512i and [u32; 16] have one layout.
            let words = unsafe { std::mem::transmute::<[__m512i; 16], [[u32; 16]; 16]>(blocks) };
            for (i, w) in words.iter().enumerate() {
                out[i].copy_from_slice(&w[..8]);
                out[16 + i].copy_from_slice(&w[8..]);
            }
        }
    }

    banister_loops!("avx2,avx512f");
}
