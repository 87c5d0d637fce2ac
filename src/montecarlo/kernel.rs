//! The hot loop: N athletes of one row advanced day by day, side by side, with their summary
//! metrics updated in the same pass. One generic loop serves every model, with and without
//! noise; [`Form::call`] compiles it for AVX-512 (32 lanes) or AVX2 (16 lanes) where the
//! processor has them. Noise words come from the vertical ChaCha8 (`chacha_lanes.rs`), eight days
//! of every lane's stream per call, held on the stack: nothing is allocated per athlete or day.

use crate::model::{PmcState, pmc_factors};
use crate::population::chacha_lanes::ChaChaLanes;
use crate::population::rng::{self, normal_lanes};
use crate::simd::{Form, Simd};
use crate::model::{Day, LaneModel, lanes_from};
use crate::model::{Acwr, AcwrLanes};
use crate::scenario::Noise;

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
    /// The first day of the highest performance (the plan's length for race day).
    pub peak_day: f64,
    /// The lowest performance over the plan days and race day (the model's own, without a
    /// measurement error): where a model leaves its documented range.
    pub perf_min: f64,
    /// The load actually done (after missed sessions and load noise).
    pub load_total: f64,
    /// Plan days (before race day) with performance below the model's baseline.
    pub days_below: f64,
    /// The largest 7:28 acute:chronic ratio of the athlete's loads (NaN for plans under 28 days).
    pub acwr_max: f64,
    /// Performance at the start of the plan (after `[athlete] start`): the level the relative
    /// gain is measured against, and `days_below` too when the start is not rested.
    pub perf_start: f64,
    /// The coaches' chart over the athlete's loads (scenario units, whatever the model): fitness
    /// (42-day) on the morning of race day, after the last plan day.
    pub fitness_race: f64,
    /// Fatigue (7-day) on the morning of race day; form on race day is fitness minus fatigue.
    pub fatigue_race: f64,
    /// The largest 7-day rise of that fitness over the plan days (the ramp rate, per week).
    pub ramp_max: f64,
}

/// Receives every day's lanes; the daily aggregates implement it, the plain run uses `()`.
pub trait DaySink<const N: usize> {
    /// Day d's lanes (d = the plan's length is race day); the first `valid` lanes are athletes,
    /// the rest padding.
    fn day(&mut self, d: usize, valid: usize, perf: &[f64; N], fitness: &[f64; N], fatigue: &[f64; N], load: &[f64; N]);
}

impl<const N: usize> DaySink<N> for () {
    #[inline(always)]
    fn day(&mut self, _: usize, _: usize, _: &[f64; N], _: &[f64; N], _: &[f64; N], _: &[f64; N]) {}
}


/// One block of N athletes for the kernel: their parameters `values[param][lane]`, the index of
/// the first, how many are real (the rest is padding) and where their metrics go.
pub struct Block<'a, const N: usize> {
    pub values: &'a [[f64; N]],
    pub first: u64,
    pub valid: usize,
    pub out: &'a mut [AthleteMetrics],
}

/// Everything about a row that the kernel needs, prepared once per row.
pub struct RowKernel<'a> {
    pub config: &'a crate::model::ModelConfig,
    pub plan: &'a [f64],
    /// Each plan day's session, handed to the model with the day's loads.
    pub sessions: &'a [crate::plan::Session],
    /// Each plan day's share of its load in the easy channel.
    pub easy_share: &'a [f64],
    /// The easy share of the loads before the plan (a steady start or a history): the plan's
    /// own share of its total load.
    pub start_share: f64,
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
    /// The chart at the plan's start, and after the plan itself (used when loads carry no noise).
    pub pmc_start: PmcState,
    pub plan_pmc: PmcState,
    load_key: [u8; 32],
    test_key: [u8; 32],
    /// The row whose race-day measurement error this kernel draws: block `row << 32 | days / 8`
    /// of the athlete's `test` stream, so each row's test is a new one (row 0 reads block
    /// `days / 8`, as before rows had their own).
    test_row: u64,
    /// Lognormal load factor: ln f ~ N(mu, sigma^2) with E f = 1.
    mu: f64,
    sigma: f64,
    form: Form,
    /// The model sees each day's load times this ([`crate::scenario::LoadMap`]); loads written
    /// out, totals and the ACWR stay in the scenario's units.
    load_scale: f64,
}

impl<'a> RowKernel<'a> {
    /// The kernel of a row: its model, plan loads, noise, seed and start, with loops compiled for
    /// the widest instruction set the processor has within `simd`.
    /// `row` keys the race-day measurement error (each row's test is drawn anew).
    pub fn new(r: &'a crate::scenario::Row, days: &'a crate::plan::Plan, seed: u64, simd: Simd, row: usize) -> Self {
        let (config, noise, start) = (&r.model.config, r.noise, &r.start);
        let plan = &days.load[..];
        let sigma2 = (1.0 + noise.load_cv * noise.load_cv).ln();
        let mut acwr = Acwr::default();
        let recent = start.recent_loads();
        for &w in &recent {
            acwr.push(w);
        }
        let plan_acwr_max = plan.iter().filter_map(|&w| acwr.push(w)).fold(f64::NAN, f64::max);
        let pmc_start = start.pmc();
        let mut plan_pmc = pmc_start;
        for &w in plan {
            plan_pmc.step(w);
        }
        RowKernel {
            pmc_start,
            plan_pmc,
            config,
            plan,
            sessions: &days.session,
            easy_share: &days.easy_share,
            start_share: days.easy_fraction(),
            noise,
            baseline: config.kind.baseline_param(),
            start,
            recent,
            plan_acwr_max,
            plan_total: plan.iter().sum(),
            load_key: rng::key(seed, "load"),
            test_key: rng::key(seed, "test"),
            test_row: row as u64,
            mu: -0.5 * sigma2,
            sigma: sigma2.sqrt(),
            form: Form::detect(simd),
            load_scale: r.load_map.scale,
        }
    }

    /// The instruction set the loops run on.
    pub fn form(&self) -> Form {
        self.form
    }

    /// Whether loads carry noise (missed sessions or load factors).
    pub fn load_noise(&self) -> bool {
        self.noise.load_cv > 0.0 || self.noise.miss_rate > 0.0
    }

    /// Run a block of athletes through the day loop, compiled for the kernel's [`Form`]. Every
    /// form does the same operations in the same order, without fused multiply-add, so the
    /// results do not depend on the processor.
    pub fn run<M: LaneModel<N>, S: DaySink<N>, const N: usize>(&self, b: Block<'_, N>, sink: &mut S) {
        // Only the day loop is compiled twice (with and without load noise): the race-day
        // measurement error is drawn once per block, after the loop.
        self.form.call_for::<N, _>(
            #[inline(always)]
            || if self.load_noise() { self.run_with::<M, S, N, true>(b, sink) } else { self.run_with::<M, S, N, false>(b, sink) },
        )
    }

    /// Put a freshly built model in the athletes' start state ([`crate::scenario::Start`]): as
    /// built (rested), settled under the steady load, or stepped through the history.
    #[inline(always)]
    fn apply_start<M: LaneModel<N>, const N: usize>(&self, model: &mut M) {
        match self.start {
            crate::scenario::Start::Rested => {}
            crate::scenario::Start::SteadyLoad(w) => {
                let w = *w * self.load_scale;
                model.settle(w, w * self.start_share)
            }
            crate::scenario::Start::History { loads, .. } => {
                for &w in loads.iter() {
                    let w = w * self.load_scale;
                    model.step(&Day { load: [w; N], easy: [w * self.start_share; N], session: None });
                }
            }
        }
    }

    /// The loads of one day for planned load `planned`, from the day's two noise words per lane
    /// (`lo`, `hi`: the `load` stream's u64 word of that day): the session is skipped when
    /// u(hi) < miss_rate, else scaled by the lognormal factor exp(mu + sigma Phi^-1(u(lo))),
    /// whose mean is 1. Branch-free over the lanes.
    #[inline(always)]
    fn loads<const N: usize>(&self, planned: f64, lo: &[u32; N], hi: &[u32; N]) -> [f64; N] {
        if planned <= 0.0 {
            return [planned; N];
        }
        let z = normal_lanes::<N>(&lanes_from(|l| rng::u32f(lo[l])));
        let mut w = [0.0; N];
        for l in 0..N {
            // periodize's own exp: the same bits on every platform, and it vectorises.
            let factor = crate::fmath::exp(self.mu + self.sigma * z[l]);
            let skipped = mask(rng::u32f(hi[l]) < self.noise.miss_rate);
            w[l] = select(skipped, 0.0, planned * factor);
        }
        w
    }

    /// Add the measurement errors of day d, test_sd Phi^-1(u53(word d of the `test` stream)),
    /// from that stream's block holding day d, to the performances `p`.
    #[inline(always)]
    fn add_test_errors<const N: usize>(&self, block: &[[u32; N]; 16], d: usize, p: &mut [f64; N]) {
        let j = d % 8;
        let z = normal_lanes::<N>(&lanes_from(|l| rng::u53_halves(block[2 * j][l], block[2 * j + 1][l])));
        for l in 0..N {
            p[l] += self.noise.test_sd * z[l];
        }
    }

    /// The day loop. LOAD: loads carry noise (missed sessions, load factors); with `test_sd` the
    /// race-day result carries a measurement error. Without LOAD every lane's load is the plan's, so load
    /// totals and the ACWR come from the plan once per row. Day d's load noise is word d of the
    /// athlete's `load` stream, drawn eight days at a time; the race-day result's measurement
    /// error is word `days` of its `test` stream (the plan's length), one block per athlete. The
    /// peak, its day, the days below baseline and the day sink see the model's own performance:
    /// they describe the athlete, and a measurement error on every day would raise the peak by
    /// the largest of hundreds of errors (about 3 test_sd over a year).
    // One body on purpose: the hot loop, inlined into each instruction set's copy so that every
    // lane's state stays in registers; pieces that are not per-day (start, race day) are in it
    // because they share those registers.
    #[inline(always)]
    fn run_with<M: LaneModel<N>, S: DaySink<N>, const N: usize, const LOAD: bool>(&self, b: Block<'_, N>, sink: &mut S) {
        let Block { values, first, valid, out } = b;
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
        // A day counts below the level only by more than 1e-9 of it: at an exact steady state
        // the last bit of rounding is not a day below.
        let floor: [f64; N] = lanes_from(|l| base[l] - 1e-9 * base[l].abs());
        let load_gen = ChaChaLanes::<N>::new(&self.load_key, first);
        let mut load_words = [[0u32; N]; 16];
        let mut acwr = AcwrLanes::<N>::default();
        let mut acwr_max = [f64::NAN; N];
        if LOAD {
            let mut ignored = [f64::NAN; N];
            for &w in &self.recent {
                acwr.push_max(&[w; N], &mut ignored);
            }
        }
        let mut peak = [f64::NEG_INFINITY; N];
        let mut lowest = [f64::INFINITY; N];
        let mut peak_day = [0.0; N];
        let mut below = [0.0; N];
        let mut total = [0.0; N];
        // The chart per lane, only with load noise (else every athlete has the plan's).
        let (af, aa) = pmc_factors();
        let mut ctl = [self.pmc_start.fitness; N];
        let mut atl = [self.pmc_start.fatigue; N];
        let mut ring: [[f64; N]; 7] = self.pmc_start.ring.map(|x| [x; N]);
        let mut ramp = [f64::NEG_INFINITY; N];
        for (d, &planned) in self.plan.iter().enumerate() {
            if LOAD && d.is_multiple_of(8) {
                load_gen.block((d / 8) as u64, &mut load_words);
            }
            let w = if LOAD {
                let j = d % 8;
                self.loads(planned, &load_words[2 * j], &load_words[2 * j + 1])
            } else {
                [planned; N]
            };
            // The day's easy part, from its share: a single-channel model never reads it.
            let (scale, share) = (self.load_scale, self.easy_share[d]);
            model.step(&Day { load: lanes_from(|l| w[l] * scale), easy: lanes_from(|l| w[l] * scale * share), session: self.sessions.get(d).copied() });
            let p = model.performance();
            let day = d as f64;
            for l in 0..N {
                let better = mask(p[l] > peak[l]);
                peak[l] = select(better, p[l], peak[l]);
                peak_day[l] = select(better, day, peak_day[l]);
                lowest[l] = select(mask(p[l] < lowest[l]), p[l], lowest[l]);
                below[l] += select(mask(p[l] < floor[l]), 1.0, 0.0);
            }
            if LOAD {
                let slot = &mut ring[d % 7];
                for l in 0..N {
                    total[l] += w[l];
                    ctl[l] += af * (w[l] - ctl[l]);
                    atl[l] += aa * (w[l] - atl[l]);
                    ramp[l] = ramp[l].max(ctl[l] - slot[l]);
                    slot[l] = ctl[l];
                }
                acwr.push_max(&w, &mut acwr_max);
            }
            sink.day(d, valid, &p, &model.fitness(), &model.fatigue(), &w);
        }
        // Race day: the day after the last plan day, without load.
        let w = [0.0; N];
        model.step(&Day::single(w));
        let mut last = model.performance();
        for l in 0..N {
            let better = mask(last[l] > peak[l]);
            peak[l] = select(better, last[l], peak[l]);
            peak_day[l] = select(better, days as f64, peak_day[l]);
            lowest[l] = select(mask(last[l] < lowest[l]), last[l], lowest[l]);
        }
        sink.day(days, valid, &last, &model.fitness(), &model.fatigue(), &w);
        if self.noise.test_sd > 0.0 {
            let mut test_words = [[0u32; N]; 16];
            ChaChaLanes::<N>::new(&self.test_key, first).block((self.test_row << 32) | (days / 8) as u64, &mut test_words);
            self.add_test_errors(&test_words, days, &mut last);
        }
        for (l, o) in out.iter_mut().enumerate().take(valid) {
            *o = AthleteMetrics {
                perf_final: last[l],
                perf_peak: peak[l],
                peak_day: peak_day[l],
                perf_min: lowest[l],
                load_total: if LOAD { total[l] } else { self.plan_total },
                days_below: below[l],
                acwr_max: if LOAD { acwr_max[l] } else { self.plan_acwr_max },
                perf_start: perf_start[l],
                fitness_race: if LOAD { ctl[l] } else { self.plan_pmc.fitness },
                fatigue_race: if LOAD { atl[l] } else { self.plan_pmc.fatigue },
                ramp_max: if LOAD { ramp[l] } else { self.plan_pmc.ramp_max },
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::chacha_lanes::word;

    #[test]
    fn the_day_loop_reads_the_streams_word_for_word() {
        // Day d's words are word d of the athlete's stream: the kernel's blocks against the
        // chacha20 crate's ChaCha8Rng, read word by word as the scalar engine did.
        use rand::Rng;
        let key = rng::key(5, "test");
        let g = ChaChaLanes::<16>::new(&key, 40);
        let mut block = [[0u32; 16]; 16];
        for l in [0usize, 7, 15] {
            let mut r = rng::stream(&key, 40 + l as u64);
            for d in 0..40usize {
                if d.is_multiple_of(8) {
                    g.block((d / 8) as u64, &mut block);
                }
                assert_eq!(word(&block, d % 8, l), r.next_u64());
            }
        }
    }
}
