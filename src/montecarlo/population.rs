//! Athlete populations: every model parameter a fixed value or a distribution, drawn from the
//! athlete's own `params` stream at the parameter's fixed slot (see [`super::rng`]).

use rand::Rng;

use chacha20::ChaCha8Rng;

use super::rng::{self, GROUP, PARAM_SLOTS, inv_norm, inv_norm_lanes, u53};
use crate::scenario::{Dist, ModelSpec};

/// Draws the parameters of athletes of one row.
#[derive(Clone, Debug)]
pub struct Sampler {
    key: [u8; 32],
    /// Each parameter in model order: its slot in the stream and its distribution.
    params: Vec<(usize, Dist)>,
    /// The slot groups that random parameters use.
    groups: Vec<usize>,
}

/// Reads consecutive athletes' draws from the `params` stream (one crate stream per slot group
/// for the generic path; they are positioned on every call).
pub struct Cursor<'a> {
    sampler: &'a Sampler,
    streams: Vec<(usize, ChaCha8Rng)>,
    overflow: ChaCha8Rng,
    next: u64,
    words: Vec<[[u64; GROUP]; GROUPS]>,
}

/// Slot groups in the `params` stream.
const GROUPS: usize = PARAM_SLOTS.len().div_ceil(GROUP);

impl Sampler {
    pub fn new(seed: u64, spec: &ModelSpec) -> Self {
        let params: Vec<(usize, Dist)> = spec
            .params
            .iter()
            .map(|(name, d)| (PARAM_SLOTS.iter().position(|s| s == name).unwrap_or(PARAM_SLOTS.len()), d.clone()))
            .collect();
        let mut groups: Vec<usize> = params.iter().filter(|(_, d)| !d.is_fixed()).map(|(k, _)| k / GROUP).collect();
        groups.dedup();
        groups.sort_unstable();
        groups.dedup();
        Sampler { key: rng::key(seed, "params"), params, groups }
    }

    pub fn len(&self) -> usize {
        self.params.len()
    }

    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// A cursor at athlete `first`; each [`Cursor::next`] draws the next athlete.
    pub fn cursor(&self, first: u64) -> Cursor<'_> {
        let streams = self
            .groups
            .iter()
            .map(|&g| {
                let mut r = rng::stream(&self.key, 0);
                rng::seek_group(&mut r, g, first);
                (g, r)
            })
            .collect();
        Cursor { sampler: self, streams, overflow: rng::stream(&self.key, 0), next: first, words: Vec::new() }
    }

    /// Athlete `athlete`'s parameter values, in model order.
    pub fn sample(&self, athlete: u64, out: &mut [f64]) {
        self.cursor(athlete).next(out);
    }
}

impl Cursor<'_> {
    /// The next N athletes' parameter values, `out[param][lane]`: the same values as N calls of
    /// [`Cursor::next`]. With AVX2 the same code is compiled for AVX2 (no fused multiply-add, so
    /// the same bits) and 8 athletes' blocks come from the vertical ChaCha8 at once.
    pub fn next_lanes<const N: usize>(&mut self, out: &mut [[f64; N]]) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { self.next_lanes_avx2(out) };
        }
        self.lanes::<N, false>(out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn next_lanes_avx2<const N: usize>(&mut self, out: &mut [[f64; N]]) {
        self.lanes::<N, true>(out)
    }

    /// The words of athletes first..first + N: `words[lane][group][slot % GROUP]`. Stateless: every
    /// call positions its streams itself.
    #[inline(always)]
    fn fill_words<const N: usize, const AVX2: bool>(&mut self, first: u64) {
        // Reused between calls: only the groups in use are filled, nothing is zeroed per call.
        self.words.resize(N, [[0u64; GROUP]; GROUPS]);
        #[cfg(target_arch = "x86_64")]
        if AVX2 && N == 8 {
            use super::chacha_x8::ChaCha8x8;
            // SAFETY: AVX2 is only set by `next_lanes_avx2`, which runs where the processor has it.
            let g = unsafe { ChaCha8x8::one_stream(&self.sampler.key, 0) };
            let mut out = [unsafe { std::arch::x86_64::_mm256_setzero_si256() }; 16];
            for &group in &self.sampler.groups {
                let counters: [u64; 8] = std::array::from_fn(|l| ((group as u64) << 40) + first + l as u64);
                unsafe { g.blocks(&counters, &mut out) };
                // SAFETY: __m256i and [u32; 8] have the same size, and every bit pattern is valid.
                let words: [[u32; 8]; 16] = unsafe { std::mem::transmute(out) };
                for (l, w) in self.words.iter_mut().enumerate() {
                    for (j, x) in w[group].iter_mut().enumerate() {
                        *x = words[2 * j][l] as u64 | (words[2 * j + 1][l] as u64) << 32;
                    }
                }
            }
            return;
        }
        for (g, r) in &mut self.streams {
            rng::seek_group(r, *g, first);
            for w in self.words.iter_mut() {
                rng::fill(r, &mut w[*g]);
            }
        }
    }

    #[inline(always)]
    fn lanes<const N: usize, const AVX2: bool>(&mut self, out: &mut [[f64; N]]) {
        let first = self.next;
        self.next += N as u64;
        self.fill_words::<N, AVX2>(first);
        let words = &self.words;
        for (o, (slot, d)) in out.iter_mut().zip(&self.sampler.params) {
            let u: [f64; N] = std::array::from_fn(|l| u53(words[l][slot / GROUP][slot % GROUP]));
            match *d {
                Dist::Fixed { value } => *o = [value; N],
                Dist::Uniform { min, max } => *o = u.map(|u| min + (max - min) * u),
                Dist::Lognormal { median, sigma } => *o = inv_norm_lanes(&u).map(|z| median * (sigma * z).exp()),
                Dist::Normal { mean, sd, min, max } => {
                    let z = inv_norm_lanes(&u);
                    for l in 0..N {
                        let mut x = mean + sd * z[l];
                        if !(min..=max).contains(&x) {
                            rng::seek_overflow(&mut self.overflow, first + l as u64, *slot);
                            while !(min..=max).contains(&x) {
                                x = mean + sd * inv_norm(u53(self.overflow.next_u64()));
                            }
                        }
                        o[l] = x;
                    }
                }
            }
        }
    }

    /// The next athlete's parameter values, in model order.
    pub fn next(&mut self, out: &mut [f64]) {
        let athlete = self.next;
        self.next += 1;
        let mut words = [[0u64; GROUP]; GROUPS];
        for (g, r) in &mut self.streams {
            rng::seek_group(r, *g, athlete);
            rng::fill(r, &mut words[*g]);
        }
        for (o, (slot, d)) in out.iter_mut().zip(&self.sampler.params) {
            let u = || u53(words[slot / GROUP][slot % GROUP]);
            *o = match *d {
                Dist::Fixed { value } => value,
                Dist::Lognormal { median, sigma } => median * (sigma * inv_norm(u())).exp(),
                Dist::Uniform { min, max } => min + (max - min) * u(),
                Dist::Normal { mean, sd, min, max } => {
                    let mut x = mean + sd * inv_norm(u());
                    if !(min..=max).contains(&x) {
                        rng::seek_overflow(&mut self.overflow, athlete, *slot);
                        while !(min..=max).contains(&x) {
                            x = mean + sd * inv_norm(u53(self.overflow.next_u64()));
                        }
                    }
                    x
                }
            };
        }
    }
}
