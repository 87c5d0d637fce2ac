//! Monte Carlo runs: every row (variant x sweep point) of a scenario over a population of
//! simulated athletes, with common random numbers, so rows are paired comparisons.
//!
//! Athletes are processed in fixed chunks of [`CHUNK`] (independent of the thread count), each
//! chunk in lanes of [`LANES`] athletes side by side. Per-athlete metrics land at the athlete's
//! index; every reduction runs in index order, so the output is byte-identical for any
//! `--threads`. Memory is O(athletes) per row (six metrics per athlete plus the first row's
//! race-day performance for pairing), never O(athletes x days) unless asked for.

pub mod daily;
mod chacha_x8;
mod fast;
pub mod kernel;
pub mod population;
pub mod rng;
pub mod report;

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

pub use kernel::{AthleteMetrics, LANES};
pub use report::{RunReport, run_to_dir};

use crate::model::{Banister, Busso, LaneModel, ModelKind, Perpot, Pmc};
use crate::scenario::Row;
use daily::{DayHist, DaySums};
use kernel::{Block, DAY_BLOCK, DaySink, FAST_GROUP, RowKernel};
use rng::PARAM_SLOTS;
use population::Sampler;

/// Athletes per work unit.
pub const CHUNK: usize = 1024;

/// The result of one row.
#[derive(Clone, Debug)]
pub struct RowResult {
    pub metrics: Vec<AthleteMetrics>,
    /// Every athlete's parameters, `params[athlete * n_params + p]`, when asked for.
    pub params: Option<Vec<f64>>,
    pub daily: Option<DailyRow>,
    pub plan_days: usize,
    /// Whether the hand-vectorised Banister loop ran the athletes (see [`RowKernel::uses_fast_path`]).
    pub fast_path: bool,
}

/// Per-day aggregates of a row: index d = 0..=plan days (the last is race day).
#[derive(Clone, Debug)]
pub struct DailyRow {
    pub perf_mean: Vec<f64>,
    pub perf_q: Vec<[f64; 3]>,
    pub fitness_mean: Vec<f64>,
    pub fatigue_mean: Vec<f64>,
    pub load_mean: Vec<f64>,
}

/// Run one row over `athletes` athletes. `progress` counts athletes done.
pub fn run_row(row: &Row, seed: u64, athletes: usize, keep_params: bool, daily: bool, progress: &AtomicU64) -> RowResult {
    let plan = crate::plan::generate(&row.plan);
    let kernel = RowKernel::new(&row.model.config, &plan.load, row.noise, seed);
    let sampler = Sampler::new(seed, &row.model);
    let job = Job { kernel: &kernel, sampler: &sampler, athletes };
    let (metrics, params, daily) = match row.model.config.kind {
        ModelKind::Banister => job.run::<Banister<LANES>>(keep_params, daily, progress),
        ModelKind::Busso => job.run::<Busso<LANES>>(keep_params, daily, progress),
        ModelKind::Pmc => job.run::<Pmc<LANES>>(keep_params, daily, progress),
        ModelKind::Perpot => job.run::<Perpot<LANES>>(keep_params, daily, progress),
    };
    let fast_path = daily.is_none() && kernel.uses_fast_path::<(), LANES>();
    RowResult { metrics, params, daily, plan_days: plan.days(), fast_path }
}

/// `n` default metrics from zeroed memory: the allocator maps zero pages lazily, so the pages are
/// first touched by the workers that fill them, in parallel, instead of by a serial fill here.
///
/// Transparent huge pages (madvise) were tried: median 0.129 s instead of 0.150 s for 2M athletes,
/// but with the kernel's default `defrag = madvise` a fault may compact memory first, and a
/// quarter of the runs took 0.21-0.22 s (the mean was worse than with 4 KiB pages). Ordinary
/// pages give steady times.
fn zeroed_metrics(n: usize) -> Vec<AthleteMetrics> {
    let boxed = Box::<[AthleteMetrics]>::new_zeroed_slice(n);
    // SAFETY: AthleteMetrics is six f64, for which all-zero bits are 0.0, its default.
    unsafe { boxed.assume_init() }.into_vec()
}

struct Job<'a> {
    kernel: &'a RowKernel<'a>,
    sampler: &'a Sampler,
    athletes: usize,
}

impl Job<'_> {
    /// Run every chunk of athletes of the row, each with the sink `sink(chunk)`, handed to
    /// `done(chunk, sink)` afterwards; each athlete's metrics (and parameters) land at its index.
    fn chunks<M: LaneModel<LANES>, S: DaySink<LANES>>(
        &self,
        metrics: &mut [AthleteMetrics],
        params: Option<&mut [f64]>,
        sink: &(dyn Fn(usize) -> S + Sync),
        done: &(dyn Fn(usize, S) + Sync),
    ) {
        let np = self.sampler.len();
        let fast = self.kernel.uses_fast_path::<S, LANES>();
        let work = |c: usize, m: &mut [AthleteMetrics], mut p: Option<&mut [f64]>| {
            let mut scratch = vec![0u64; 2 * LANES * DAY_BLOCK];
            let mut values = vec![[0.0; LANES]; np];
            let mut s = sink(c);
            let mut cursor = self.sampler.cursor((c * CHUNK) as u64);
            // Athletes i.. (index within the chunk) keep their parameters when asked to.
            let mut keep = |i: usize, n: usize, values: &[[f64; LANES]]| {
                if let Some(p) = p.as_deref_mut() {
                    for l in 0..n {
                        for (k, v) in values.iter().enumerate() {
                            p[(i + l) * np + k] = v[l];
                        }
                    }
                }
            };
            if fast {
                // FAST_GROUP blocks at a time, so that the fast loops can advance them together.
                let mut group = [[[0.0f64; LANES]; PARAM_SLOTS.len()]; FAST_GROUP];
                for (g, out) in m.chunks_mut(LANES * FAST_GROUP).enumerate() {
                    for (j, block) in group.iter_mut().enumerate().take(out.len().div_ceil(LANES)) {
                        cursor.next_lanes(&mut values);
                        block[..np].copy_from_slice(&values);
                        keep((g * FAST_GROUP + j) * LANES, (out.len() - j * LANES).min(LANES), &values);
                    }
                    let valid = out.len();
                    self.kernel.run_fast(&group, (c * CHUNK + g * FAST_GROUP * LANES) as u64, valid, out);
                }
            } else {
                for (b, out) in m.chunks_mut(LANES).enumerate() {
                    let first = (c * CHUNK + b * LANES) as u64;
                    cursor.next_lanes(&mut values);
                    let valid = out.len();
                    self.kernel.run::<M, S, LANES>(Block { values: &values, first, valid, scratch: &mut scratch, out }, &mut s);
                    keep(b * LANES, valid, &values);
                }
            }
            done(c, s);
        };
        match params {
            Some(params) if np > 0 => metrics
                .par_chunks_mut(CHUNK)
                .zip(params.par_chunks_mut(CHUNK * np))
                .enumerate()
                .for_each(|(c, (m, p))| work(c, m, Some(p))),
            _ => metrics.par_chunks_mut(CHUNK).enumerate().for_each(|(c, m)| work(c, m, None)),
        }
    }

    /// The row for model M: the metrics pass and, for daily output, the histogram pass.
    #[allow(clippy::type_complexity)]
    fn run<M: LaneModel<LANES>>(&self, keep_params: bool, daily: bool, progress: &AtomicU64) -> (Vec<AthleteMetrics>, Option<Vec<f64>>, Option<DailyRow>) {
        let (metrics, params, sums) = self.pass::<M>(keep_params, daily, progress);
        let daily = sums.map(|s| {
            let hist = self.histograms::<M>(&s);
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
    fn pass<M: LaneModel<LANES>>(&self, keep_params: bool, daily: bool, progress: &AtomicU64) -> (Vec<AthleteMetrics>, Option<Vec<f64>>, Option<DaySums>) {
        let n = self.athletes;
        let mut metrics = zeroed_metrics(n);
        let mut params = keep_params.then(|| vec![0.0; n * self.sampler.len()]);
        let days = self.kernel.plan.len() + 1;
        let count = |c: usize| progress.fetch_add(CHUNK.min(n - c * CHUNK) as u64, Ordering::Relaxed);
        if daily {
            let slots: Vec<std::sync::Mutex<Option<DaySums>>> = (0..n.div_ceil(CHUNK)).map(|_| Default::default()).collect();
            self.chunks::<M, DaySums>(&mut metrics, params.as_deref_mut(), &|_| DaySums::new(days), &|c, s| {
                count(c);
                if let Ok(mut slot) = slots[c].lock() {
                    *slot = Some(s);
                }
            });
            let mut total = DaySums::new(days);
            for s in slots.into_iter().filter_map(|m| m.into_inner().ok().flatten()) {
                total.add(&s);
            }
            (metrics, params, Some(total))
        } else {
            self.chunks::<M, ()>(&mut metrics, params.as_deref_mut(), &|_| (), &|c, _| {
                count(c);
            });
            (metrics, params, None)
        }
    }

    fn histograms<'s, M: LaneModel<LANES>>(&self, sums: &'s DaySums) -> DayHist<'s> {
        let mut scratch_metrics = vec![AthleteMetrics::default(); self.athletes];
        let total = std::sync::Mutex::new(DayHist::new(&sums.min, &sums.max));
        self.chunks::<M, DayHist<'s>>(&mut scratch_metrics, None, &|_| DayHist::new(&sums.min, &sums.max), &|_, h| {
            if let Ok(mut t) = total.lock() {
                let merged = std::mem::replace(&mut *t, DayHist::new(&[], &[])).merge(h);
                *t = merged;
            }
        });
        total.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}
