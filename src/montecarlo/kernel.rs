//! The hot loop: N athletes of one row advanced day by day, side by side, with their summary
//! metrics updated in the same pass. Nothing is allocated per athlete-day; noise words are drawn
//! in blocks of days into scratch buffers owned by the caller.

use chacha20::ChaCha8Rng;

use super::rng::{self, inv_norm, inv_norm_lanes, u32f, u53};
use crate::model::LaneModel;
use crate::scenario::Noise;
use crate::model::{Acwr, AcwrLanes};

/// Set to route every run through the generic kernel (tests compare the fast path with it).
pub static FORCE_GENERIC: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Set to keep the fast path on AVX2 where AVX-512 exists (tests check both forms).
pub static FORCE_AVX2: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Applies `PERIODIZE_SIMD`, the widest form of the hand-vectorised loops a run may use (for
/// benchmarks and comparisons; every form gives the same bytes): `avx512` (or unset: whatever
/// the processor has), `avx2`, or `generic` (the generic lane kernel only).
pub fn simd_from_env() -> Result<(), String> {
    use std::sync::atomic::Ordering::Relaxed;
    match std::env::var("PERIODIZE_SIMD") {
        Err(std::env::VarError::NotPresent) => {}
        Ok(v) if v.is_empty() || v == "avx512" => {}
        Ok(v) if v == "avx2" => FORCE_AVX2.store(true, Relaxed),
        Ok(v) if v == "generic" => FORCE_GENERIC.store(true, Relaxed),
        Ok(v) => return Err(format!("PERIODIZE_SIMD={v}: expected avx512, avx2 or generic")),
        Err(std::env::VarError::NotUnicode(v)) => return Err(format!("PERIODIZE_SIMD={v:?}: expected avx512, avx2 or generic")),
    }
    Ok(())
}

/// The form of the hand-vectorised loops that Banister rows without measurement noise take
/// here: "avx512", "avx2" or "generic" (for the manifest).
pub fn fast_form() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if !FORCE_GENERIC.load(std::sync::atomic::Ordering::Relaxed) && std::is_x86_feature_detected!("avx2") {
        return if wide() { "avx512" } else { "avx2" };
    }
    "generic"
}

/// Whether the fast path runs its AVX-512 form: the processor has AVX-512F, and neither a test
/// nor `PERIODIZE_SIMD` asked for AVX2.
#[cfg(target_arch = "x86_64")]
fn wide() -> bool {
    std::is_x86_feature_detected!("avx512f") && !FORCE_AVX2.load(std::sync::atomic::Ordering::Relaxed)
}

/// Athletes advanced together; 8 lanes fill two AVX2 or four SSE2 registers per state.
pub const LANES: usize = 8;
/// Blocks of 8 athletes handed to the fast path at once ([`RowKernel::run_fast`]).
pub const FAST_GROUP: usize = 4;
/// Parameter slots in a block of lanes.
const SLOTS: usize = rng::PARAM_SLOTS.len();
/// Days of noise drawn at a time.
pub const DAY_BLOCK: usize = 64;

/// All ones when `c`, else all zeros: a comparison as a lane mask.
#[inline(always)]
fn mask(c: bool) -> u64 {
    (c as u64).wrapping_neg()
}

/// `a` where the mask is set, else `b`, by bits, so that the lane loops compile to vector
/// compare-and-blend instead of a branch per lane.
#[inline(always)]
fn select(m: u64, a: f64, b: f64) -> f64 {
    f64::from_bits((a.to_bits() & m) | (b.to_bits() & !m))
}

/// What the summaries read of one athlete.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AthleteMetrics {
    /// Performance on race day, the day after the last plan day.
    pub perf_final: f64,
    /// The highest performance over the plan days and race day, and its day.
    pub perf_peak: f64,
    pub peak_day: f64,
    /// The load actually done (after missed sessions and load noise).
    pub load_total: f64,
    /// Plan days (before race day) with performance below the model's baseline.
    pub days_below: f64,
    /// The largest 7:28 acute:chronic ratio of the athlete's loads (NaN for plans under 28 days).
    pub acwr_max: f64,
    /// Performance at the start of the plan (after `[athlete] start`): the level the relative
    /// gain is measured against, and `days_below` too when the start is not rested.
    pub perf_start: f64,
}

/// Receives every day's lanes; the daily aggregates implement it, the plain run uses `()`.
pub trait DaySink<const N: usize> {
    /// False for a sink that ignores every day, which lets a run take the fast path.
    const ACTIVE: bool = true;
    fn day(&mut self, d: usize, valid: usize, perf: &[f64; N], fitness: &[f64; N], fatigue: &[f64; N], load: &[f64; N]);
}

impl<const N: usize> DaySink<N> for () {
    const ACTIVE: bool = false;
    #[inline(always)]
    fn day(&mut self, _: usize, _: usize, _: &[f64; N], _: &[f64; N], _: &[f64; N], _: &[f64; N]) {}
}

/// Day-by-day noisy loads of N athletes: their `load` streams, read DAY_BLOCK days at a time.
pub struct LoadNoise<const N: usize> {
    rngs: Vec<ChaCha8Rng>,
    /// First day held in the scratch buffer.
    block_start: usize,
    block_end: usize,
    mu: f64,
    sigma: f64,
    miss: f64,
}

impl<const N: usize> LoadNoise<N> {
    /// No streams: for loads without noise, where [`LoadNoise::loads`] is never called.
    fn idle() -> Self {
        LoadNoise { rngs: Vec::new(), block_start: 0, block_end: 0, mu: 0.0, sigma: 0.0, miss: 0.0 }
    }

    /// The loads of day d for planned load `planned`: each session skipped with probability
    /// miss_rate, else scaled by a lognormal factor with mean 1. `scratch` holds N * DAY_BLOCK words.
    #[inline(always)]
    pub fn loads(&mut self, d: usize, planned: f64, scratch: &mut [u64]) -> [f64; N] {
        if d >= self.block_end {
            self.block_start = d;
            self.block_end = d + DAY_BLOCK;
            for (l, r) in self.rngs.iter_mut().enumerate() {
                rng::fill(r, &mut scratch[l * DAY_BLOCK..(l + 1) * DAY_BLOCK]);
            }
        }
        let mut w = [planned; N];
        if planned > 0.0 {
            let x: [u64; N] = std::array::from_fn(|l| scratch[l * DAY_BLOCK + d - self.block_start]);
            let z = inv_norm_lanes(&x.map(|x| u32f(x as u32)));
            // periodize's own exp: the same bits on every platform, and it vectorises.
            let factor: [f64; N] = std::array::from_fn(|l| crate::fmath::exp(self.mu + self.sigma * z[l]));
            for l in 0..N {
                let skipped = u32f((x[l] >> 32) as u32) < self.miss;
                w[l] = if skipped { 0.0 } else { planned * factor[l] };
            }
        }
        w
    }
}

/// One block of N athletes for the kernel: their parameters `values[param][lane]`, the index of
/// the first, how many are real (the rest is padding), scratch space for noise words
/// (2 * N * DAY_BLOCK) and where their metrics go.
pub struct Block<'a, const N: usize> {
    pub values: &'a [[f64; N]],
    pub first: u64,
    pub valid: usize,
    pub scratch: &'a mut [u64],
    pub out: &'a mut [AthleteMetrics],
}

/// Everything about a row that the kernel needs, prepared once per row.
pub struct RowKernel<'a> {
    pub config: &'a crate::model::ModelConfig,
    pub plan: &'a [f64],
    pub noise: Noise,
    /// Index of the baseline parameter in the value list, or None for a baseline of 0.
    pub baseline: Option<usize>,
    /// How athletes start the plan.
    pub start: &'a crate::scenario::Start,
    /// The loads before the plan that the ACWR looks back on (see [`crate::scenario::Start::recent_loads`]).
    pub recent: Vec<f64>,
    /// The ACWR maximum and total load of the plan itself (used when loads carry no noise).
    pub plan_acwr_max: f64,
    pub plan_total: f64,
    pub load_key: [u8; 32],
    pub test_key: [u8; 32],
    /// Banister without measurement noise: the hand-vectorised loops of `montecarlo/fast.rs` apply.
    pub fast: bool,
    /// Lognormal load factor: ln f ~ N(mu, sigma^2) with E f = 1.
    pub mu: f64,
    pub sigma: f64,
}

impl<'a> RowKernel<'a> {
    pub fn new(config: &'a crate::model::ModelConfig, plan: &'a [f64], noise: Noise, seed: u64, start: &'a crate::scenario::Start) -> Self {
        let sigma2 = (1.0 + noise.load_cv * noise.load_cv).ln();
        let mut acwr = Acwr::default();
        let recent = start.recent_loads();
        for &w in &recent {
            acwr.push(w);
        }
        let plan_acwr_max = plan.iter().filter_map(|&w| acwr.push(w)).fold(f64::NAN, f64::max);
        RowKernel {
            config,
            plan,
            noise,
            baseline: config.kind.baseline_param(),
            start,
            recent,
            plan_acwr_max,
            plan_total: plan.iter().sum(),
            fast: config.kind == crate::model::ModelKind::Banister
                && noise.test_sd == 0.0
                && !FORCE_GENERIC.load(std::sync::atomic::Ordering::Relaxed),
            load_key: rng::key(seed, "load"),
            test_key: rng::key(seed, "test"),
            mu: -0.5 * sigma2,
            sigma: sigma2.sqrt(),
        }
    }

    /// Whether runs with sink type S and N lanes take the hand-vectorised loops of
    /// `montecarlo/fast.rs`: Banister without measurement noise (load noise is fine), no per-day
    /// output, 8 lanes, and a processor with AVX2 (AVX-512 where it has that too).
    pub fn uses_fast_path<S: DaySink<N>, const N: usize>(&self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            self.fast && !S::ACTIVE && N == 8 && std::is_x86_feature_detected!("avx2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The load noise of athletes first..first+N.
    pub fn load_noise_source<const N: usize>(&self, first: u64) -> LoadNoise<N> {
        LoadNoise {
            rngs: (0..N).map(|l| rng::stream(&self.load_key, first + l as u64)).collect(),
            block_start: 0,
            block_end: 0,
            mu: self.mu,
            sigma: self.sigma,
            miss: self.noise.miss_rate,
        }
    }

    /// Whether loads carry noise (missed sessions or load factors).
    pub fn load_noise(&self) -> bool {
        self.noise.load_cv > 0.0 || self.noise.miss_rate > 0.0
    }

    /// Run a block of athletes through the day loop.
    ///
    /// On x86-64 processors with AVX2 the same code is compiled a second time for AVX2 and chosen
    /// at run time. It uses no fused multiply-add, so both paths round identically and the
    /// results do not depend on the processor's features.
    pub fn run<M: LaneModel<N>, S: DaySink<N>, const N: usize>(&self, b: Block<'_, N>, sink: &mut S) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            if self.uses_fast_path::<S, N>() {
                // N == 8 here; copy into fixed-size lanes on the stack (no allocation per block).
                let mut group = [[[0.0f64; 8]; SLOTS]; FAST_GROUP];
                for (dst, src) in group[0].iter_mut().zip(b.values) {
                    *dst = std::array::from_fn(|l| src[l]);
                }
                // The fast path is Banister's, so that is the model named for run_fast's fallback.
                return self.run_fast::<crate::model::Banister<8>>(&group, b.first, b.valid, b.out);
            }
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { self.run_avx2::<M, S, N>(b, sink) };
        }
        self.dispatch::<M, S, N>(b, sink)
    }

    /// Run up to [`FAST_GROUP`] blocks of 8 athletes through the hand-vectorised loops of
    /// `montecarlo/fast.rs` (only where [`RowKernel::uses_fast_path`] says so): `values[block]`
    /// holds block j's parameters (athletes `first + 8 j ..`), and the first `valid` athletes'
    /// metrics land in `out`. Without load noise the blocks advance together, which hides the
    /// recursion's latency; unused blocks are computed and dropped. Where the fast path does not
    /// apply (another model, measurement noise, no AVX2), the blocks go through [`RowKernel::run`]
    /// with model M one by one, with the same results.
    pub fn run_fast<M: LaneModel<8>>(&self, values: &[[[f64; 8]; SLOTS]; FAST_GROUP], first: u64, valid: usize, out: &mut [AthleteMetrics]) {
        if !self.uses_fast_path::<(), 8>() {
            let mut scratch = vec![0u64; 2 * 8 * DAY_BLOCK];
            for (j, v) in values.iter().enumerate().take(valid.div_ceil(8)) {
                let (o, n) = (&mut out[8 * j..], (valid - 8 * j).min(8));
                self.run::<M, (), 8>(Block { values: v, first: first + 8 * j as u64, valid: n, scratch: &mut scratch, out: o }, &mut ());
            }
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            use super::fast::{avx2, avx512};
            // Each block's start state folded into its g0 and h0, and its baseline in slot 7.
            let mut prepared = *values;
            let mut starts = [[0.0; 8]; FAST_GROUP];
            for (p, s) in prepared.iter_mut().zip(starts.iter_mut()).take(valid.div_ceil(8)) {
                *s = self.prepare_fast(p);
            }
            let values = &prepared;
            let (conv, plan, total, acwr) = (self.config.convention, self.plan, self.plan_total, self.plan_acwr_max);
            // SAFETY: uses_fast_path (checked above) found AVX2; the AVX-512 loops run only where
            // `wide` found AVX-512F.
            unsafe {
                if self.load_noise() {
                    for (j, v) in values.iter().enumerate().take(valid.div_ceil(8)) {
                        let (o, n) = (&mut out[8 * j..], (valid - 8 * j).min(8));
                        if wide() {
                            avx512::banister_noisy(self, v, first + 8 * j as u64, n, o)
                        } else {
                            avx2::banister_noisy(self, v, first + 8 * j as u64, n, o)
                        }
                    }
                } else if wide() {
                    const _: () = assert!(avx512::GROUP == FAST_GROUP);
                    avx512::banister_plain::<{ avx512::GROUP }>(values, conv, plan, total, acwr, valid, out)
                } else {
                    // Groups of avx2::GROUP blocks.
                    for (j, g) in values.chunks_exact(avx2::GROUP).enumerate().take(valid.div_ceil(8 * avx2::GROUP)) {
                        if let Ok(g) = <&[_; avx2::GROUP]>::try_from(g) {
                            let start = 8 * avx2::GROUP * j;
                            avx2::banister_plain(g, conv, plan, total, acwr, valid - start, &mut out[start..]);
                        }
                    }
                }
            }
            for (i, o) in out.iter_mut().enumerate().take(valid) {
                o.perf_start = starts[i / 8][i % 8];
            }

        }
    }

    /// Prepare a block of Banister parameters for the fast loops, which start from g0 and h0 with
    /// nothing pending: the athletes' start state ([`crate::scenario::Start`]) is applied to a
    /// `Banister<8>` and folded into g0 and h0 (lagged: plus the pending load, which the next step
    /// adds first, so the sums are the generic kernel's own); slot 7, which Banister does not use,
    /// receives the days-below baseline (p0 from a rested start, else the starting level).
    /// Returns the starting performance, computed as `Banister::performance` computes it.
    pub fn prepare_fast(&self, block: &mut [[f64; 8]; SLOTS]) -> [f64; 8] {
        let mut m = crate::model::Banister::<8>::from_values(self.config, &block[..7]);
        if self.start.is_rested() {
            block[7] = block[0];
            return m.performance();
        }
        self.apply_start(&mut m);
        let start = m.performance();
        let (g, h, pending) = m.state();
        block[5] = std::array::from_fn(|l| g[l] + pending[l]);
        block[6] = std::array::from_fn(|l| h[l] + pending[l]);
        block[7] = start;
        start
    }

    /// Put a freshly built model in the athletes' start state ([`crate::scenario::Start`]): as
    /// built (rested), settled under the steady load, or stepped through the history.
    #[inline]
    fn apply_start<M: LaneModel<N>, const N: usize>(&self, model: &mut M) {
        match self.start {
            crate::scenario::Start::Rested => {}
            crate::scenario::Start::SteadyLoad(w) => model.settle(*w),
            crate::scenario::Start::History { loads, .. } => {
                for &w in loads.iter() {
                    model.step(&[w; N]);
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_avx2<M: LaneModel<N>, S: DaySink<N>, const N: usize>(&self, b: Block<'_, N>, sink: &mut S) {
        self.dispatch::<M, S, N>(b, sink)
    }

    #[inline(always)]
    fn dispatch<M: LaneModel<N>, S: DaySink<N>, const N: usize>(&self, b: Block<'_, N>, sink: &mut S) {
        match (self.load_noise(), self.noise.test_sd > 0.0) {
            (false, false) => self.run_with::<M, S, N, false, false>(b, sink),
            (true, false) => self.run_with::<M, S, N, true, false>(b, sink),
            (false, true) => self.run_with::<M, S, N, false, true>(b, sink),
            (true, true) => self.run_with::<M, S, N, true, true>(b, sink),
        }
    }

    /// The day loop. LOAD: loads carry noise (missed sessions, load factors); TEST: performance
    /// carries measurement noise. Without LOAD every lane's load is the plan's, so load totals and
    /// the ACWR come from the plan once per row.
    #[inline(always)]
    fn run_with<M: LaneModel<N>, S: DaySink<N>, const N: usize, const LOAD: bool, const TEST: bool>(&self, b: Block<'_, N>, sink: &mut S) {
        let Block { values, first, valid, scratch, out } = b;
        let days = self.plan.len();
        let mut model = M::from_values(self.config, values);
        self.apply_start(&mut model);
        // The relative gain is measured against where the athlete starts; days below against
        // the untrained level (p0, pp0, form 0) from a rested start, else the starting level.
        let perf_start = model.performance();
        let base: [f64; N] = if !self.start.is_rested() {
            perf_start
        } else if let Some(i) = self.baseline {
            values[i]
        } else {
            [0.0; N]
        };
        let (load_words, test_words) = scratch.split_at_mut(N * DAY_BLOCK);
        let mut noise = if LOAD { self.load_noise_source::<N>(first) } else { LoadNoise::idle() };
        let mut test_rng: Vec<ChaCha8Rng> = Vec::new();
        if TEST {
            test_rng = (0..N).map(|l| rng::stream(&self.test_key, first + l as u64)).collect();
        }
        let mut acwr = AcwrLanes::<N>::default();
        let mut acwr_max = [f64::NAN; N];
        if LOAD {
            let mut ignored = [f64::NAN; N];
            for &w in &self.recent {
                acwr.push_max(&[w; N], &mut ignored);
            }
        }
        let mut peak = [f64::NEG_INFINITY; N];
        let mut peak_day = [0.0; N];
        let mut below = [0.0; N];
        let mut total = [0.0; N];
        let sd_test = self.noise.test_sd;
        // Plan days and race day (d = days, no load) in blocks of DAY_BLOCK for the noise words.
        let mut d0 = 0;
        let mut last = [0.0; N];
        while d0 <= days {
            let d1 = (d0 + DAY_BLOCK).min(days + 1);
            if TEST {
                for (l, r) in test_rng.iter_mut().enumerate() {
                    rng::fill(r, &mut test_words[l * DAY_BLOCK..l * DAY_BLOCK + (d1 - d0)]);
                }
            }
            for d in d0..d1.min(days) {
                let planned = self.plan[d];
                let w = if LOAD { noise.loads(d, planned, load_words) } else { [planned; N] };
                model.step(&w);
                let mut p = model.performance();
                if TEST {
                    for l in 0..N {
                        p[l] += sd_test * inv_norm(u53(test_words[l * DAY_BLOCK + d - d0]));
                    }
                }
                let day = d as f64;
                for l in 0..N {
                    let better = mask(p[l] > peak[l]);
                    peak[l] = select(better, p[l], peak[l]);
                    peak_day[l] = select(better, day, peak_day[l]);
                    below[l] += select(mask(p[l] < base[l]), 1.0, 0.0);
                }
                if LOAD {
                    for l in 0..N {
                        total[l] += w[l];
                    }
                    acwr.push_max(&w, &mut acwr_max);
                }
                sink.day(d, valid, &p, &model.fitness(), &model.fatigue(), &w);
            }
            if d1 == days + 1 {
                // Race day: the day after the last plan day, without load.
                let w = [0.0; N];
                model.step(&w);
                last = model.performance();
                if TEST {
                    for l in 0..N {
                        last[l] += sd_test * inv_norm(u53(test_words[l * DAY_BLOCK + days - d0]));
                    }
                }
                for l in 0..N {
                    if last[l] > peak[l] {
                        peak[l] = last[l];
                        peak_day[l] = days as f64;
                    }
                }
                sink.day(days, valid, &last, &model.fitness(), &model.fatigue(), &w);
            }
            d0 = d1;
        }
        for (l, o) in out.iter_mut().enumerate().take(valid) {
            *o = AthleteMetrics {
                perf_final: last[l],
                perf_peak: peak[l],
                peak_day: peak_day[l],
                load_total: if LOAD { total[l] } else { self.plan_total },
                days_below: below[l],
                acwr_max: if LOAD { acwr_max[l] } else { self.plan_acwr_max },
                perf_start: perf_start[l],
            };
        }
    }
}

