//! Monte Carlo runs: every row (variant x sweep point) of a scenario over a population of
//! simulated athletes, with common random numbers, so rows are paired comparisons.
//!
//! Athletes are processed in fixed chunks of [`CHUNK`] (independent of the thread count), each
//! chunk in blocks of 8 to 32 athletes side by side ([`Form::lanes`]). Per-athlete metrics land at the athlete's
//! index; every reduction runs in index order, so the output is byte-identical for any
//! `--threads`. Memory is O(athletes) per row ([`Metrics`], 32 to 48 bytes per athlete, plus
//! the first row's race-day performance for pairing), never O(athletes x days) unless asked for.

pub(crate) mod aggregate;
pub(crate) mod kernel;
mod paired;

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

pub use kernel::AthleteMetrics;
pub use paired::{MAX_DAILY_PANELS, PairedDaily, paired_daily};
pub use crate::simd::{Form, Simd};

use crate::model::{LaneModel, LaneVisitor, visit_lanes};
use crate::scenario::Row;
use aggregate::{DayHist, DaySums};
use kernel::{Block, DaySink, RowKernel};
use crate::population::Sampler;

/// Athletes per work unit.
pub const CHUNK: usize = 1024;
/// Work units in flight at once (see `Job::chunks`).
const WINDOW: usize = 64;

/// The result of one row.
#[derive(Clone, Debug)]
pub struct RowResult {
    /// Every athlete's summary metrics.
    pub metrics: Metrics,
    /// Every athlete's parameters, `params[athlete * n_params + p]`, when asked for.
    pub params: Option<Vec<f64>>,
    /// Per-day aggregates, when asked for.
    pub daily: Option<DailyRow>,
    /// The plan's length in days (race day is the day after).
    pub plan_days: usize,
    /// The instruction set the row's loops ran on.
    pub form: Form,
    /// Whether performance is a level that a relative gain makes sense of (not pmc's form).
    pub relative: bool,
}

/// The per-athlete metrics of a row, column by column. Day counts are exact integers and kept as
/// u32; load totals and ACWR maxima are kept only when loads carry noise (otherwise every athlete
/// has the plan's). For 2M athletes without load noise that is 64 MB instead of 112 MB for one
/// [`AthleteMetrics`] per athlete, and the summaries stream only the columns they read.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Performance on race day.
    pub perf_final: Vec<f64>,
    /// The highest performance over the plan and race day.
    pub perf_peak: Vec<f64>,
    /// Performance at the start of the plan.
    pub perf_start: Vec<f64>,
    /// The lowest performance over the plan and race day (see [`AthleteMetrics::perf_min`]).
    pub perf_min: Vec<f64>,
    peak_day: Vec<u32>,
    days_below: Vec<u32>,
    /// Per-athlete figures of the loads done ([`LOAD_FIGURES`]), or None for the plan's.
    loads: Option<[Vec<f64>; LOAD_FIGURES]>,
    plan: [f64; LOAD_FIGURES],
}

/// The figures of an athlete's loads that differ between athletes only with load noise: the
/// total, the ACWR maximum, the chart's race-day fitness and fatigue, and its ramp maximum.
const LOAD_FIGURES: usize = 5;

impl AthleteMetrics {
    /// Its figures of the loads, in [`Metrics`]' order.
    fn load_figures(&self) -> [f64; LOAD_FIGURES] {
        [self.load_total, self.acwr_max, self.fitness_race, self.fatigue_race, self.ramp_max]
    }
}

impl Metrics {
    /// n athletes' worth of zeroed columns (`vec!` of zeros maps zero pages lazily, so the pages
    /// are first touched by the workers that fill them, in parallel). `plan`: the plan's own
    /// figures of the loads, every athlete's without load noise.
    fn new(n: usize, load_noise: bool, plan: [f64; LOAD_FIGURES]) -> Self {
        Metrics {
            perf_final: vec![0.0; n],
            perf_peak: vec![0.0; n],
            perf_start: vec![0.0; n],
            perf_min: vec![0.0; n],
            peak_day: vec![0; n],
            days_below: vec![0; n],
            loads: load_noise.then(|| std::array::from_fn(|_| vec![0.0; n])),
            plan,
        }
    }

    /// Number of athletes.
    pub fn len(&self) -> usize {
        self.perf_final.len()
    }

    /// Whether there are no athletes.
    pub fn is_empty(&self) -> bool {
        self.perf_final.is_empty()
    }

    /// Athlete i's metrics.
    pub fn get(&self, i: usize) -> AthleteMetrics {
        AthleteMetrics {
            perf_final: self.perf_final[i],
            perf_peak: self.perf_peak[i],
            peak_day: self.peak_day[i] as f64,
            load_total: self.load_total(i),
            days_below: self.days_below[i] as f64,
            acwr_max: self.acwr_max(i),
            perf_start: self.perf_start[i],
            perf_min: self.perf_min[i],
            fitness_race: self.load_figure(2, i),
            fatigue_race: self.load_figure(3, i),
            ramp_max: self.load_figure(4, i),
        }
    }

    /// Every athlete's metrics, in athlete order.
    pub fn iter(&self) -> impl Iterator<Item = AthleteMetrics> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    #[inline]
    /// Athlete i's day of peak performance.
    pub fn peak_day(&self, i: usize) -> f64 {
        self.peak_day[i] as f64
    }

    #[inline]
    /// Athlete i's plan days below the baseline.
    pub fn days_below(&self, i: usize) -> f64 {
        self.days_below[i] as f64
    }

    #[inline]
    fn load_figure(&self, k: usize, i: usize) -> f64 {
        self.loads.as_ref().map_or(self.plan[k], |l| l[k][i])
    }

    #[inline]
    /// Athlete i's total load done.
    pub fn load_total(&self, i: usize) -> f64 {
        self.load_figure(0, i)
    }

    #[inline]
    /// Athlete i's largest 7:28 ACWR (NaN for plans under 28 days).
    pub fn acwr_max(&self, i: usize) -> f64 {
        self.load_figure(1, i)
    }

    /// Whether the figures of the loads are kept per athlete (the loads carry noise).
    pub fn has_load_columns(&self) -> bool {
        self.loads.is_some()
    }

    /// The bytes of [`Metrics::encode`] for `n` athletes.
    pub fn encoded_len(n: usize, load_noise: bool) -> usize {
        8 * LOAD_FIGURES + n * (4 * 8 + 2 * 4 + if load_noise { 8 * LOAD_FIGURES } else { 0 })
    }

    /// The columns as little-endian bytes (a shard's part), written to `w`: the plan's figures
    /// of the loads, then each column in turn ([`Metrics::encoded_len`] bytes).
    /// [`Metrics::decode`] gives the same bits back.
    pub fn encode(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let f = |w: &mut dyn std::io::Write, v: &[f64]| v.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()));
        f(w, &self.plan)?;
        for c in [&self.perf_final, &self.perf_peak, &self.perf_start, &self.perf_min] {
            f(w, c)?;
        }
        for c in [&self.peak_day, &self.days_below] {
            c.iter().try_for_each(|x| w.write_all(&x.to_le_bytes()))?;
        }
        for c in self.loads.iter().flatten() {
            f(w, c)?;
        }
        Ok(())
    }

    /// `n` athletes' metrics from [`Metrics::encode`]'s bytes, or None if `bytes` is not their
    /// length.
    pub fn decode(bytes: &[u8], n: usize, load_noise: bool) -> Option<Metrics> {
        if bytes.len() != Self::encoded_len(n, load_noise) {
            return None;
        }
        fn take<'a>(rest: &mut &'a [u8], k: usize) -> &'a [u8] {
            let (head, tail) = rest.split_at(k);
            *rest = tail;
            head
        }
        let f64s = |rest: &mut &[u8], k: usize| -> Vec<f64> { take(rest, 8 * k).chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default())).collect() };
        let u32s = |rest: &mut &[u8], k: usize| -> Vec<u32> { take(rest, 4 * k).chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default())).collect() };
        let r = &mut &bytes[..];
        let plan: [f64; LOAD_FIGURES] = f64s(r, LOAD_FIGURES).try_into().ok()?;
        let (perf_final, perf_peak, perf_start, perf_min) = (f64s(r, n), f64s(r, n), f64s(r, n), f64s(r, n));
        let (peak_day, days_below) = (u32s(r, n), u32s(r, n));
        let loads = load_noise.then(|| std::array::from_fn(|_| f64s(r, n)));
        Some(Metrics { perf_final, perf_peak, perf_start, perf_min, peak_day, days_below, loads, plan })
    }

    /// Consecutive runs of athletes' metrics (in athlete order) as one; None if they disagree on
    /// the plan's figures or on whether loads carry noise, or if there are none.
    pub fn concat(parts: Vec<Metrics>) -> Option<Metrics> {
        let mut it = parts.into_iter();
        let mut all = it.next()?;
        for m in it {
            if m.plan.map(f64::to_bits) != all.plan.map(f64::to_bits) || m.loads.is_some() != all.loads.is_some() {
                return None;
            }
            all.perf_final.extend(m.perf_final);
            all.perf_peak.extend(m.perf_peak);
            all.perf_start.extend(m.perf_start);
            all.perf_min.extend(m.perf_min);
            all.peak_day.extend(m.peak_day);
            all.days_below.extend(m.days_below);
            if let (Some(a), Some(b)) = (all.loads.as_mut(), m.loads) {
                for (a, b) in a.iter_mut().zip(b) {
                    a.extend(b);
                }
            }
        }
        Some(all)
    }

    /// Views of consecutive runs of `size` athletes, for the workers.
    fn chunks_mut(&mut self, size: usize) -> Vec<MetricsChunk<'_>> {
        let mut loads: Vec<Vec<&mut [f64]>> = Vec::new();
        if let Some(cols) = self.loads.as_mut() {
            for col in cols.iter_mut() {
                for (j, c) in col.chunks_mut(size).enumerate() {
                    if loads.len() <= j {
                        loads.push(Vec::with_capacity(LOAD_FIGURES));
                    }
                    loads[j].push(c);
                }
            }
        }
        let mut loads = loads.into_iter();
        let mut starts = self.perf_start.chunks_mut(size);
        let mut mins = self.perf_min.chunks_mut(size);
        self.perf_final
            .chunks_mut(size)
            .zip(self.perf_peak.chunks_mut(size))
            .zip(self.peak_day.chunks_mut(size).zip(self.days_below.chunks_mut(size)))
            .map(|((perf_final, perf_peak), (peak_day, days_below))| MetricsChunk {
                perf_final,
                perf_peak,
                perf_start: starts.next().unwrap_or_default(),
                perf_min: mins.next().unwrap_or_default(),
                peak_day,
                days_below,
                loads: loads.next(),
            })
            .collect()
    }
}

impl crate::summary::MetricColumns for Metrics {
    fn len(&self) -> usize {
        self.perf_final.len()
    }
    #[inline]
    fn metric(&self, k: usize, i: usize) -> f64 {
        match k {
            0 => self.perf_final[i],
            1 => self.perf_peak[i],
            2 => self.peak_day(i),
            3 => self.load_total(i),
            4 => self.days_below(i),
            5 => self.acwr_max(i),
            6 => self.load_figure(2, i),
            7 => self.load_figure(3, i),
            _ => self.load_figure(4, i),
        }
    }
    #[inline]
    fn start(&self, i: usize) -> f64 {
        self.perf_start[i]
    }
}

impl RowResult {
    /// The row's summary: every metric's mean, sd and quantiles, without a comparison.
    pub fn summary(&self) -> crate::summary::RowSummary {
        crate::summary::RowSummary::new(&self.metrics, self.plan_days, self.relative)
    }
}

/// A worker's run of athletes in [`Metrics`].
struct MetricsChunk<'a> {
    perf_final: &'a mut [f64],
    perf_peak: &'a mut [f64],
    perf_start: &'a mut [f64],
    perf_min: &'a mut [f64],
    peak_day: &'a mut [u32],
    days_below: &'a mut [u32],
    loads: Option<Vec<&'a mut [f64]>>,
}

impl MetricsChunk<'_> {
    /// Store the kernel's metrics of the chunk's athletes. Day counts are exact small integers,
    /// so u32 holds them exactly.
    fn store(&mut self, m: &[AthleteMetrics]) {
        for (i, a) in m.iter().enumerate() {
            self.perf_final[i] = a.perf_final;
            self.perf_peak[i] = a.perf_peak;
            self.perf_start[i] = a.perf_start;
            self.perf_min[i] = a.perf_min;
            self.peak_day[i] = a.peak_day as u32;
            self.days_below[i] = a.days_below as u32;
            if let Some(cols) = self.loads.as_mut() {
                for (c, x) in cols.iter_mut().zip(a.load_figures()) {
                    c[i] = x;
                }
            }
        }
    }
}

/// Per-day aggregates of a row: index d = 0..=plan days (the last is race day).
#[derive(Clone, Debug)]
pub struct DailyRow {
    /// Mean performance.
    pub perf_mean: Vec<f64>,
    /// Performance quantiles 5, 50 and 95%.
    pub perf_q: Vec<[f64; 3]>,
    /// Mean fitness-like state.
    pub fitness_mean: Vec<f64>,
    /// Mean fatigue-like state.
    pub fatigue_mean: Vec<f64>,
    /// Mean load done.
    pub load_mean: Vec<f64>,
}

/// What [`run_row`] keeps besides each athlete's race-day metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowOptions {
    /// Keep every athlete's drawn parameters ([`RowResult::params`]).
    pub keep_params: bool,
    /// Aggregate every day across athletes ([`RowResult::daily`]): means and quantiles, in
    /// memory that does not grow with athletes x days (the row is run twice).
    pub daily: bool,
    /// The widest instruction set the loops may use (every form gives the same bits).
    pub simd: Simd,
    /// The row's index in its run: it keys the race-day measurement error (`test_sd`), so each
    /// row's test is an independent draw and paired comparisons carry it.
    pub row: usize,
}

/// Run one row over `athletes` athletes (athlete i's draws are fixed by (seed, i), so the same
/// athletes appear in every row). `progress` counts athletes done.
///
/// ```
/// use std::sync::atomic::AtomicU64;
/// use periodize::montecarlo::{RowOptions, run_row};
/// let text = "schema_version = 1\n[model]\npreset = \"busso2003\"\n[plan]\nweeks = 12\nkey_workouts = 3\nkey_load = 100\n";
/// let sc = periodize::scenario::parse_scenario(text, std::path::Path::new("s.toml")).unwrap();
/// let res = run_row(&sc.rows()[0], 1, 500, RowOptions::default(), &AtomicU64::new(0));
/// let mean = res.metrics.perf_final.iter().sum::<f64>() / 500.0;
/// // Twelve weeks of three sessions raise the population above its untrained level of 100.
/// assert!(mean > 100.0);
/// // The same seed draws the same athletes.
/// let again = run_row(&sc.rows()[0], 1, 500, RowOptions::default(), &AtomicU64::new(0));
/// assert_eq!(res.metrics.perf_final, again.metrics.perf_final);
/// ```
pub fn run_row(row: &Row, seed: u64, athletes: usize, opts: RowOptions, progress: &AtomicU64) -> RowResult {
    run_row_chunks(row, seed, athletes, 0..athletes.div_ceil(CHUNK), opts, progress)
}

/// [`run_row`] for the athletes of the chunks `chunks` (of [`CHUNK`] athletes each, the last
/// maybe shorter) of a population of `athletes`: the metrics (and parameters) of athletes
/// `chunks.start * CHUNK` up to `chunks.end * CHUNK` (or `athletes`), the same bits as
/// [`run_row`] gives them. A shard of a run is such a range; per-day aggregates need the whole
/// population, so `opts.daily` is ignored unless the range covers it.
pub fn run_row_chunks(row: &Row, seed: u64, athletes: usize, chunks: std::ops::Range<usize>, opts: RowOptions, progress: &AtomicU64) -> RowResult {
    let chunks = chunks.start.min(athletes.div_ceil(CHUNK))..chunks.end.min(athletes.div_ceil(CHUNK));
    let whole = chunks == (0..athletes.div_ceil(CHUNK));
    let RowOptions { keep_params, daily, simd, row: index } = opts;
    let daily = daily && whole;
    let plan = row.generated();
    let kernel = RowKernel::new(row, plan, seed, simd, index);
    let sampler = Sampler::new(seed, &row.model);
    let job = Job { kernel: &kernel, sampler: &sampler, athletes, chunks: chunks.clone() };
    struct Run<'a, 'j> {
        job: &'a Job<'j>,
        keep_params: bool,
        daily: bool,
        progress: &'a AtomicU64,
    }
    impl<const N: usize> LaneVisitor<N> for Run<'_, '_> {
        type Output = (Metrics, Option<Vec<f64>>, Option<DailyRow>);
        fn visit<M: LaneModel<N>>(self) -> Self::Output {
            self.job.run::<M, N>(self.keep_params, self.daily, self.progress)
        }
    }
    let (metrics, params, daily) = visit_row(row, &kernel, Run { job: &job, keep_params, daily, progress });
    let relative = row.model.config.kind.baseline_param().is_some();
    RowResult { metrics, params, daily, plan_days: plan.days(), form: kernel.form(), relative }
}

/// The first day (0 = the plan's first day, the plan's length = race day) on which athlete
/// `athlete`'s performance in `row` is not finite or beyond [`crate::model::MAX_STATE`]: the row
/// is run again up to that athlete (its draws are fixed by the seed) with a sink that watches its
/// lane. For error messages only.
pub fn first_non_finite_day(row: &Row, seed: u64, athlete: usize) -> Option<usize> {
    first_day_where(row, seed, athlete, Bounds::Finite)
}

/// The first day (0 = the plan's first day, the plan's length = race day) on which athlete
/// `athlete`'s performance in `row` lies outside [lo, hi] (or is not finite), found as
/// [`first_non_finite_day`] is. For warnings only.
pub fn first_day_outside(row: &Row, seed: u64, athlete: usize, lo: f64, hi: f64) -> Option<usize> {
    first_day_where(row, seed, athlete, Bounds::Within(lo, hi))
}

/// What a watched lane must stay within.
#[derive(Clone, Copy)]
enum Bounds {
    /// Finite and within the model's state limit.
    Finite,
    /// Within [lo, hi].
    Within(f64, f64),
}

impl Bounds {
    fn holds(self, p: f64) -> bool {
        match self {
            Bounds::Finite => crate::model::in_range(p),
            Bounds::Within(lo, hi) => p >= lo && p <= hi,
        }
    }
}

fn first_day_where(row: &Row, seed: u64, athlete: usize, bounds: Bounds) -> Option<usize> {
    let plan = row.generated();
    let kernel = RowKernel::new(row, plan, seed, Simd::Auto, 0);
    let sampler = Sampler::new(seed, &row.model);
    let job = Job { kernel: &kernel, sampler: &sampler, athletes: athlete + 1, chunks: 0..(athlete + 1).div_ceil(CHUNK) };
    struct Find<'a, 'j>(&'a Job<'j>, usize, Bounds);
    impl<const N: usize> LaneVisitor<N> for Find<'_, '_> {
        type Output = Option<usize>;
        fn visit<M: LaneModel<N>>(self) -> Option<usize> {
            self.0.first_outside::<M, N>(self.1, self.2)
        }
    }
    visit_row(row, &kernel, Find(&job, athlete, bounds))
}

/// Run `visitor` with the row's model type at the lane count its kernel's form takes for the
/// model and noise ([`Form::lanes`]).
fn visit_row<O, V>(row: &Row, kernel: &RowKernel<'_>, visitor: V) -> O
where
    V: LaneVisitor<8, Output = O> + LaneVisitor<16, Output = O> + LaneVisitor<32, Output = O>,
{
    let kind = row.model.config.kind;
    match kernel.form().lanes(kind, kernel.load_noise()) {
        8 => visit_lanes::<8, _>(kind, visitor),
        16 => visit_lanes::<16, _>(kind, visitor),
        _ => visit_lanes::<32, _>(kind, visitor),
    }
}

/// A sink that finds the first day on which one lane of one block of a chunk leaves its bounds.
struct Watch {
    /// The block being run (blocks run in order within a chunk; each starts on day 0).
    block: usize,
    target: Option<(usize, usize)>,
    found: Option<usize>,
    bounds: Bounds,
}

impl<const N: usize> DaySink<N> for Watch {
    fn day(&mut self, d: usize, _: usize, perf: &[f64; N], _: &[f64; N], _: &[f64; N], _: &[f64; N]) {
        if d == 0 {
            self.block = self.block.wrapping_add(1);
        }
        if let Some((b, l)) = self.target
            && self.found.is_none()
            && self.block == b
            && !self.bounds.holds(perf[l])
        {
            self.found = Some(d);
        }
    }
}

struct Job<'a> {
    kernel: &'a RowKernel<'a>,
    sampler: &'a Sampler,
    athletes: usize,
    /// The chunks run (all of the population's, but for a shard).
    chunks: std::ops::Range<usize>,
}

impl Job<'_> {
    /// Run every chunk of athletes of the row, each with the sink `sink(chunk)`, handed to
    /// `done(chunk, sink)` afterwards; each athlete's metrics (and parameters) land at its index.
    fn chunks<M: LaneModel<N>, S: DaySink<N>, const N: usize>(
        &self,
        metrics: Option<&mut Metrics>,
        params: Option<&mut [f64]>,
        sink: &(dyn Fn(usize) -> S + Sync),
        done: &(dyn Fn(usize, S) + Sync),
    ) {
        const { assert!(CHUNK / N * N == CHUNK) };
        let np = self.sampler.len();
        let form = self.kernel.form();
        let work = |c: usize, mut chunk: Option<MetricsChunk<'_>>, mut p: Option<&mut [f64]>| {
            // The kernel's metrics of this chunk, stored into the columns at the end.
            let mut metrics = [AthleteMetrics::default(); CHUNK];
            let m = &mut metrics[..CHUNK.min(self.athletes - c * CHUNK)];
            let mut values = vec![[0.0; N]; np];
            let mut s = sink(c);
            let mut cursor = self.sampler.cursor((c * CHUNK) as u64);
            for (b, out) in m.chunks_mut(N).enumerate() {
                let first = (c * CHUNK + b * N) as u64;
                cursor.next_lanes(form, &mut values);
                let valid = out.len();
                self.kernel.run::<M, S, N>(Block { values: &values, first, valid, out }, &mut s);
                // Athletes keep their parameters when asked to.
                if let Some(p) = p.as_deref_mut() {
                    for l in 0..valid {
                        for (k, v) in values.iter().enumerate() {
                            p[(b * N + l) * np + k] = v[l];
                        }
                    }
                }
            }
            if let Some(chunk) = chunk.as_mut() {
                chunk.store(m);
            }
            done(c, s);
        };
        // Chunks run in windows of WINDOW, in parallel within a window and windows in order, so
        // per-chunk sinks waiting to be merged in chunk order (the daily sums) never number more
        // than a window, whatever the number of athletes.
        // Without metrics (the histogram pass), nothing per athlete is kept.
        type Unit<'m, 'p> = (usize, Option<MetricsChunk<'m>>, Option<&'p mut [f64]>);
        let mut jobs: Vec<Unit<'_, '_>> = match metrics {
            Some(metrics) => metrics.chunks_mut(CHUNK).into_iter().enumerate().map(|(j, m)| (self.chunks.start + j, Some(m), None)).collect(),
            None => self.chunks.clone().map(|c| (c, None, None)).collect(),
        };
        if let Some(p) = params.filter(|_| np > 0) {
            for ((_, _, slot), p) in jobs.iter_mut().zip(p.chunks_mut(CHUNK * np)) {
                *slot = Some(p);
            }
        }
        while !jobs.is_empty() {
            let rest = jobs.split_off(WINDOW.min(jobs.len()));
            std::mem::replace(&mut jobs, rest).into_par_iter().for_each(|(c, m, p)| work(c, m, p));
        }
    }

    fn first_outside<M: LaneModel<N>, const N: usize>(&self, athlete: usize, bounds: Bounds) -> Option<usize> {
        let (chunk, within) = (athlete / CHUNK, athlete % CHUNK);
        let found = std::sync::Mutex::new(None);
        let sink = |c: usize| Watch { block: usize::MAX, target: (c == chunk).then_some((within / N, within % N)), found: None, bounds };
        self.chunks::<M, Watch, N>(None, None, &sink, &|_, w| {
            if let (Some(d), Ok(mut f)) = (w.found, found.lock()) {
                *f = Some(d);
            }
        });
        found.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// The row for model M: the metrics pass and, for daily output, the histogram pass.
    #[allow(clippy::type_complexity)]
    fn run<M: LaneModel<N>, const N: usize>(&self, keep_params: bool, daily: bool, progress: &AtomicU64) -> (Metrics, Option<Vec<f64>>, Option<DailyRow>) {
        let (metrics, params, sums) = self.pass::<M, N>(keep_params, daily, progress);
        let daily = sums.map(|s| {
            let hist = self.histograms::<M, N>(&s);
            let n = self.athletes as f64;
            DailyRow {
                perf_mean: s.perf.iter().map(|x| x / n).collect(),
                perf_q: (0..s.perf.len()).map(|d| [0.05, 0.5, 0.95].map(|q| hist.quantile(d, q, self.athletes))).collect(),
                fitness_mean: s.fitness.iter().map(|x| x / n).collect(),
                fatigue_mean: s.fatigue.iter().map(|x| x / n).collect(),
                load_mean: s.load.iter().map(|x| x / n).collect(),
            }
        });
        (metrics, params, daily)
    }

    #[allow(clippy::type_complexity)]
    fn pass<M: LaneModel<N>, const N: usize>(&self, keep_params: bool, daily: bool, progress: &AtomicU64) -> (Metrics, Option<Vec<f64>>, Option<DaySums>) {
        let n = self.athletes;
        let mut metrics = self.new_metrics();
        let mut params = keep_params.then(|| vec![0.0; self.range_athletes() * self.sampler.len()]);
        let days = self.kernel.plan.len() + 1;
        let count = |c: usize| progress.fetch_add(CHUNK.min(n - c * CHUNK) as u64, Ordering::Relaxed);
        if daily {
            // Chunk sums are added in chunk order (the same bits for any thread count); a chunk
            // that finishes early waits in `early`, at most a window of them.
            struct Merge {
                next: usize,
                early: std::collections::BTreeMap<usize, DaySums>,
                total: DaySums,
            }
            let merge = std::sync::Mutex::new(Merge { next: self.chunks.start, early: Default::default(), total: DaySums::new(days) });
            self.chunks::<M, DaySums, N>(Some(&mut metrics), params.as_deref_mut(), &|_| DaySums::new(days), &|c, s| {
                count(c);
                if let Ok(mut m) = merge.lock() {
                    m.early.insert(c, s);
                    loop {
                        let next = m.next;
                        let Some(s) = m.early.remove(&next) else { break };
                        m.total.add(&s);
                        m.next += 1;
                    }
                }
            });
            let total = merge.into_inner().unwrap_or_else(|e| e.into_inner()).total;
            (metrics, params, Some(total))
        } else {
            self.chunks::<M, (), N>(Some(&mut metrics), params.as_deref_mut(), &|_| (), &|c, _| {
                count(c);
            });
            (metrics, params, None)
        }
    }

    /// The athletes of the chunks run.
    fn range_athletes(&self) -> usize {
        (self.chunks.end * CHUNK).min(self.athletes).saturating_sub(self.chunks.start * CHUNK)
    }

    fn new_metrics(&self) -> Metrics {
        let k = self.kernel;
        Metrics::new(self.range_athletes(), k.load_noise(), [k.plan_total, k.plan_acwr_max, k.plan_pmc.fitness, k.plan_pmc.fatigue, k.plan_pmc.ramp_max])
    }

    fn histograms<'s, M: LaneModel<N>, const N: usize>(&self, sums: &'s DaySums) -> DayHist<'s> {
        self.merged_histograms::<M, DayHist<'s>, N>(&sums.min, &sums.max, &|_| DayHist::new(&sums.min, &sums.max), &|h| h)
    }

    /// Run every chunk with the sink `sink(chunk)` and merge the histograms (over each day's
    /// range `lo` to `hi`) that `hist` takes from the sinks; counts merge in any order.
    fn merged_histograms<'s, M: LaneModel<N>, S: DaySink<N>, const N: usize>(&self, lo: &'s [f64], hi: &'s [f64], sink: &(dyn Fn(usize) -> S + Sync), hist: &(dyn Fn(S) -> DayHist<'s> + Sync)) -> DayHist<'s> {
        let total = std::sync::Mutex::new(DayHist::new(lo, hi));
        self.chunks::<M, S, N>(None, None, sink, &|_, s| {
            if let Ok(mut t) = total.lock() {
                let merged = std::mem::replace(&mut *t, DayHist::new(&[], &[])).merge(hist(s));
                *t = merged;
            }
        });
        total.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}
