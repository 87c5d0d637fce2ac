//! The daily chart's paired differences: each athlete's performance in a row minus the same
//! athlete's in its reference row, day by day, as per-day quantiles across athletes, in memory
//! that does not grow with athletes x days.
//!
//! Both rows are run block by block together: for each block of N athletes the reference row's
//! kernel runs first into a buffer of N lanes x days, then this row's kernel hands each day's
//! lanes minus the buffer's to the aggregate sinks of daily.csv (a range pass, then a histogram
//! pass, as for the row's own quantiles; see [`super::aggregate`]).

use super::aggregate::DayHist;
use super::kernel::{AthleteMetrics, Block, DaySink, RowKernel};
use super::{CHUNK, Job, visit_row};
use crate::model::{LaneModel, LaneVisitor, visit_lanes};
use crate::population::Sampler;
use crate::scenario::Row;

/// The most rows the daily chart draws (its files times its panels per file): the rows whose
/// paired differences a run with charts computes.
pub const MAX_DAILY_PANELS: usize = 60;

/// Per-day statistics of the paired differences (this row minus its reference), one entry per
/// day (plan days and race day).
#[derive(Clone, Debug, PartialEq)]
pub struct PairedDaily {
    /// The quantiles 5, 50 and 95% of the athletes' differences.
    pub q: Vec<[f64; 3]>,
}

/// The paired differences of `row` (run as row `index`) from `reference` (row `ref_index`) over
/// `athletes` athletes; None when the rows' plans differ in length or their kernels take lanes of
/// different widths (different models with load noise), where no block-by-block pairing exists.
pub fn paired_daily(row: &Row, index: usize, reference: &Row, ref_index: usize, seed: u64, athletes: usize, simd: crate::simd::Simd) -> Option<PairedDaily> {
    let (pa, pr) = (row.generated(), reference.generated());
    if pa.days() != pr.days() || athletes == 0 {
        return None;
    }
    let ka = RowKernel::new(row, pa, seed, simd, index);
    let kr = RowKernel::new(reference, pr, seed, simd, ref_index);
    if ka.form().lanes(row.model.config.kind, ka.load_noise()) != kr.form().lanes(reference.model.config.kind, kr.load_noise()) || ka.form() != kr.form() {
        return None;
    }
    let (sa, sr) = (Sampler::new(seed, &row.model), Sampler::new(seed, &reference.model));
    let job = Job { kernel: &ka, sampler: &sa, athletes, chunks: 0..athletes.div_ceil(super::CHUNK) };
    let other = Job { kernel: &kr, sampler: &sr, athletes, chunks: 0..athletes.div_ceil(super::CHUNK) };
    // This row's model is a type parameter; the reference's kernel is reached through a function
    // pointer taken once per block of athletes, so each model pair does not compile a kernel of
    // its own (the copies grew with the square of the number of models).
    struct This<'a, 'j>(&'a Job<'j>, &'a Job<'j>, &'a Row);
    impl<const N: usize> LaneVisitor<N> for This<'_, '_> {
        type Output = PairedDaily;
        fn visit<M: LaneModel<N>>(self) -> PairedDaily {
            let run_ref = visit_lanes::<N, _>(self.2.model.config.kind, Runner);
            paired::<M, N>(self.0, self.1, run_ref)
        }
    }
    Some(visit_row(row, &ka, This(&job, &other, reference)))
}

/// Runs one block of the reference row's athletes and records their performances, day by day.
type RunReference<const N: usize> = fn(&RowKernel<'_>, Block<'_, N>, &mut [[f64; N]]);

/// The reference row's block runner for its model `R`.
fn run_into<R: LaneModel<N>, const N: usize>(kernel: &RowKernel<'_>, b: Block<'_, N>, recorded: &mut [[f64; N]]) {
    kernel.run::<R, Record<'_, N>, N>(b, &mut Record(recorded));
}

/// The visitor that picks [`run_into`] for a model.
struct Runner;

impl<const N: usize> LaneVisitor<N> for Runner {
    type Output = RunReference<N>;
    fn visit<R: LaneModel<N>>(self) -> RunReference<N> {
        run_into::<R, N>
    }
}

/// The two passes: each day's range of the differences, then their histograms.
fn paired<M: LaneModel<N>, const N: usize>(this: &Job<'_>, other: &Job<'_>, run_ref: RunReference<N>) -> PairedDaily {
    let days = this.kernel.plan.len() + 1;
    let range = std::sync::Mutex::new(Range::new(days));
    let new = |c: usize| Diff::<Range, N>::new(other, run_ref, c, days, Range::new(days));
    this.chunks::<M, Diff<'_, '_, Range, N>, N>(None, None, &new, &|_, s| {
        if let Ok(mut t) = range.lock() {
            for d in 0..days {
                t.lo[d] = t.lo[d].min(s.inner.lo[d]);
                t.hi[d] = t.hi[d].max(s.inner.hi[d]);
            }
        }
    });
    let range = range.into_inner().unwrap_or_else(|e| e.into_inner());
    let new = |c: usize| Diff::<DayHist<'_>, N>::new(other, run_ref, c, days, DayHist::new(&range.lo, &range.hi));
    let hist = this.merged_histograms::<M, _, N>(&range.lo, &range.hi, &new, &|s| s.inner);
    PairedDaily { q: (0..days).map(|d| [0.05, 0.5, 0.95].map(|q| hist.quantile(d, q, this.athletes))).collect() }
}

/// Each day's lowest and highest value.
struct Range {
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl Range {
    fn new(days: usize) -> Self {
        Range { lo: vec![f64::INFINITY; days], hi: vec![f64::NEG_INFINITY; days] }
    }
}

impl<const N: usize> DaySink<N> for Range {
    fn day(&mut self, d: usize, valid: usize, perf: &[f64; N], _: &[f64; N], _: &[f64; N], _: &[f64; N]) {
        for &p in &perf[..valid.min(N)] {
            self.lo[d] = self.lo[d].min(p);
            self.hi[d] = self.hi[d].max(p);
        }
    }
}

/// The reference row's performances of one block, day by day.
struct Record<'a, const N: usize>(&'a mut [[f64; N]]);

impl<const N: usize> DaySink<N> for Record<'_, N> {
    fn day(&mut self, d: usize, _: usize, perf: &[f64; N], _: &[f64; N], _: &[f64; N], _: &[f64; N]) {
        self.0[d] = *perf;
    }
}

/// A sink for this row's kernel that hands `inner` each day's lanes minus the reference row's
/// (run for the same block of athletes when the block starts, on day 0).
struct Diff<'a, 'j, S, const N: usize> {
    inner: S,
    other: &'a Job<'j>,
    run_ref: RunReference<N>,
    chunk: usize,
    /// The block being run (blocks run in order within a chunk; each starts on day 0).
    block: usize,
    recorded: Vec<[f64; N]>,
    values: Vec<[f64; N]>,
}

impl<'a, 'j, S, const N: usize> Diff<'a, 'j, S, N> {
    fn new(other: &'a Job<'j>, run_ref: RunReference<N>, chunk: usize, days: usize, inner: S) -> Self {
        Diff { inner, other, run_ref, chunk, block: usize::MAX, recorded: vec![[0.0; N]; days], values: vec![[0.0; N]; other.sampler.len()] }
    }

    /// Run the reference row for this block's athletes into `recorded`.
    fn run_reference(&mut self, valid: usize) {
        let first = (self.chunk * CHUNK + self.block * N) as u64;
        let mut cursor = self.other.sampler.cursor(first);
        cursor.next_lanes(self.other.kernel.form(), &mut self.values);
        let mut out = [AthleteMetrics::default(); N];
        (self.run_ref)(self.other.kernel, Block { values: &self.values, first, valid, out: &mut out[..valid] }, &mut self.recorded);
    }
}

impl<S: DaySink<N>, const N: usize> DaySink<N> for Diff<'_, '_, S, N> {
    fn day(&mut self, d: usize, valid: usize, perf: &[f64; N], fit: &[f64; N], fat: &[f64; N], load: &[f64; N]) {
        if d == 0 {
            self.block = self.block.wrapping_add(1);
            self.run_reference(valid);
        }
        let mut diff = [0.0; N];
        for (x, (a, b)) in diff.iter_mut().zip(perf.iter().zip(&self.recorded[d])) {
            *x = a - b;
        }
        self.inner.day(d, valid, &diff, fit, fat, load);
    }
}
