//! Per-day aggregates across athletes (daily.csv) in memory that does not grow with athletes x
//! days: means from sums, quantiles from per-day histograms.
//!
//! Pass one sums performance, fitness, fatigue and load per day and finds each day's range;
//! each chunk of athletes keeps its own sums, added in chunk order, so the result is the same for
//! any thread count. Pass two (a re-run: every athlete's draws are fixed by the seed) counts each
//! day's performances into [`BINS`] equal bins of that range; counts are integers, so their merge
//! order does not matter. A type-7 quantile interpolates between two order statistics; each is
//! placed within its bin (the smallest and largest exactly at the day's range), so the quantile
//! is exact to (max - min) / BINS for any number of athletes, however sparse the bins.

use super::kernel::DaySink;

pub const BINS: usize = 512;

/// Sums and ranges of one chunk of athletes, one entry per day (plan days and race day).
#[derive(Clone, Debug)]
pub struct DaySums {
    pub perf: Vec<f64>,
    pub fitness: Vec<f64>,
    pub fatigue: Vec<f64>,
    pub load: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
}

impl DaySums {
    pub fn new(days: usize) -> Self {
        DaySums {
            perf: vec![0.0; days],
            fitness: vec![0.0; days],
            fatigue: vec![0.0; days],
            load: vec![0.0; days],
            min: vec![f64::INFINITY; days],
            max: vec![f64::NEG_INFINITY; days],
        }
    }

    /// Add another chunk's sums (call in chunk order).
    pub fn add(&mut self, o: &DaySums) {
        for d in 0..self.perf.len() {
            self.perf[d] += o.perf[d];
            self.fitness[d] += o.fitness[d];
            self.fatigue[d] += o.fatigue[d];
            self.load[d] += o.load[d];
            self.min[d] = self.min[d].min(o.min[d]);
            self.max[d] = self.max[d].max(o.max[d]);
        }
    }
}

impl<const N: usize> DaySink<N> for DaySums {
    // Inlined into the kernel's day loop, so compiled for its instruction set with it.
    #[inline(always)]
    fn day(&mut self, d: usize, valid: usize, perf: &[f64; N], fit: &[f64; N], fat: &[f64; N], load: &[f64; N]) {
        // The day's sums in registers while the lanes are added in athlete order (the order
        // fixes the bits): the six fields are separate vectors the compiler cannot prove apart,
        // so updating them in place reloads each after every store.
        let (mut p, mut f, mut g, mut w) = (self.perf[d], self.fitness[d], self.fatigue[d], self.load[d]);
        let (mut lo, mut hi) = (self.min[d], self.max[d]);
        for l in 0..valid.min(N) {
            p += perf[l];
            f += fit[l];
            g += fat[l];
            w += load[l];
            lo = lo.min(perf[l]);
            hi = hi.max(perf[l]);
        }
        (self.perf[d], self.fitness[d], self.fatigue[d], self.load[d]) = (p, f, g, w);
        (self.min[d], self.max[d]) = (lo, hi);
    }
}

/// Per-day histograms of performance over known per-day ranges.
#[derive(Clone, Debug)]
pub struct DayHist<'a> {
    pub lo: &'a [f64],
    pub hi: &'a [f64],
    pub counts: Vec<u32>,
}

impl<'a> DayHist<'a> {
    pub fn new(lo: &'a [f64], hi: &'a [f64]) -> Self {
        DayHist { lo, hi, counts: vec![0; lo.len() * BINS] }
    }

    pub fn merge(mut self, o: DayHist<'a>) -> Self {
        for (a, b) in self.counts.iter_mut().zip(o.counts) {
            *a += b;
        }
        self
    }

    /// The q-quantile of day d over n athletes, type 7 (numpy's default): the order statistics
    /// k = floor(q (n - 1)) and k + 1, interpolated. Each is within one bin width of its true
    /// value, so their interpolation is too.
    pub fn quantile(&self, d: usize, q: f64, n: usize) -> f64 {
        let (lo, hi) = (self.lo[d], self.hi[d]);
        if hi <= lo || n < 2 {
            return lo;
        }
        let h = q * (n - 1) as f64;
        let k = (h.floor() as usize).min(n - 1);
        let frac = h - k as f64;
        let a = self.order_statistic(d, k, n);
        if frac == 0.0 || k + 1 >= n {
            return a;
        }
        a + frac * (self.order_statistic(d, k + 1, n) - a)
    }

    /// The j-th smallest of day d's n values (0-based): exact at both ends, elsewhere spread
    /// evenly within its bin.
    fn order_statistic(&self, d: usize, j: usize, n: usize) -> f64 {
        let (lo, hi) = (self.lo[d], self.hi[d]);
        if j == 0 {
            return lo;
        }
        if j + 1 >= n {
            return hi;
        }
        let width = (hi - lo) / BINS as f64;
        let mut before = 0usize;
        for (b, &c) in self.counts[d * BINS..(d + 1) * BINS].iter().enumerate() {
            let c = c as usize;
            if before + c > j {
                return lo + width * (b as f64 + ((j - before) as f64 + 0.5) / c as f64);
            }
            before += c;
        }
        hi
    }
}

impl<const N: usize> DaySink<N> for DayHist<'_> {
    // Inlined into the kernel's day loop, so compiled for its instruction set with it.
    #[inline(always)]
    fn day(&mut self, d: usize, valid: usize, perf: &[f64; N], _: &[f64; N], _: &[f64; N], _: &[f64; N]) {
        // Every lane's bin first (a vector loop), then the counts.
        let (lo, w) = (self.lo[d], self.hi[d] - self.lo[d]);
        let mut bins = [0usize; N];
        for l in 0..N {
            bins[l] = if w <= 0.0 { 0 } else { (((perf[l] - lo) / w * BINS as f64) as usize).min(BINS - 1) };
        }
        let counts = &mut self.counts[d * BINS..(d + 1) * BINS];
        for &b in bins.iter().take(valid) {
            counts[b] += 1;
        }
    }
}
