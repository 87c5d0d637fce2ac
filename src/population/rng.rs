//! Random streams keyed by (seed, purpose, athlete), and the transforms from raw words to draws.
//!
//! Every athlete has one ChaCha8 stream per purpose: the key is derived from the seed and the
//! purpose name, the stream number is the athlete index. Draws sit at fixed positions in those
//! streams, so athlete i gets the same parameters and the same day-by-day noise in every row and
//! for any number of threads:
//!
//! - `params` (one stream for all athletes): parameter slot k (its position in [`PARAM_SLOTS`],
//!   by name, so `tau1` is the same draw under Banister and Busso) lives in 8-word group
//!   g = k / 8; athlete i's first draw of slot k is u64 number k % 8 of ChaCha block
//!   g * 2^40 + i. Banister's and Busso's parameters all sit in group 0, so an athlete costs one
//!   64-byte block. A truncated normal that needs more draws continues at word
//!   2^60 + (32 i + k) * 2^20.
//! - `load`: one u64 per day d (at u64 position d): the high 32 bits decide a missed session, the
//!   low 32 bits the session's load factor.
//! - `test`: one u64 per day d: the measurement error of day d's performance.

use chacha20::ChaCha8Rng;
use rand::{Rng, SeedableRng};

/// Whether two strings are equal, at compile time.
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The number of parameter slots: one more than the largest slot a model declares.
const fn slot_count() -> usize {
    let models = crate::model::ModelKind::ALL;
    let (mut n, mut m) = (0, 0);
    while m < models.len() {
        let params = models[m].info().params;
        let mut p = 0;
        while p < params.len() {
            if params[p].slot + 1 > n {
                n = params[p].slot + 1;
            }
            p += 1;
        }
        m += 1;
    }
    n
}

/// Every slot's parameter name, from the models' own declarations ([`crate::model::ParamDef::slot`]).
/// The crate does not compile when two names share a slot, one name has two slots, or a slot
/// is left unused.
const fn slot_names() -> [&'static str; slot_count()] {
    let mut names = [""; slot_count()];
    let models = crate::model::ModelKind::ALL;
    let mut m = 0;
    while m < models.len() {
        let params = models[m].info().params;
        let mut p = 0;
        while p < params.len() {
            let (name, k) = (params[p].name, params[p].slot);
            assert!(names[k].is_empty() || str_eq(names[k], name), "two parameter names share a stream slot: give the new one the next free slot");
            names[k] = name;
            p += 1;
        }
        m += 1;
    }
    let mut k = 0;
    while k < names.len() {
        assert!(!names[k].is_empty(), "a parameter stream slot is unused: slots are numbered from 0 without gaps");
        let mut j = k + 1;
        while j < names.len() {
            assert!(!str_eq(names[k], names[j]), "one parameter name has two stream slots");
            j += 1;
        }
        k += 1;
    }
    names
}

/// The parameter name of each slot in the `params` stream, made from the models' declarations.
pub const PARAM_SLOTS: [&str; slot_count()] = slot_names();

/// The slot of a parameter name, at compile time.
pub const fn slot(name: &str) -> Option<usize> {
    let mut k = 0;
    while k < PARAM_SLOTS.len() {
        if str_eq(PARAM_SLOTS[k], name) {
            return Some(k);
        }
        k += 1;
    }
    None
}

/// SplitMix64, to spread a seed into key material.
fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 256-bit key of a purpose: SplitMix64 of seed XOR the FNV-1a hash of the purpose name.
pub fn key(seed: u64, purpose: &str) -> [u8; 32] {
    let fnv = purpose.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    let mut state = seed ^ fnv;
    let mut k = [0u8; 32];
    for chunk in k.chunks_mut(8) {
        chunk.copy_from_slice(&splitmix(&mut state).to_le_bytes());
    }
    k
}

/// Athlete `athlete`'s stream for a purpose whose key is `key`.
pub fn stream(key: &[u8; 32], athlete: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::from_seed(*key);
    r.set_stream(athlete);
    r
}

/// A uniform in (0, 1) from the top 53 bits of a word.
#[inline(always)]
pub fn u53(x: u64) -> f64 {
    ((x >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// [`u53`] of the word `lo | hi << 32`, computed from the two 32-bit halves so that it
/// vectorises without a 64-bit integer conversion: the top 53 bits are 21 high bits times 2^32
/// plus 32 low bits, each converted exactly, and their sum is exact (below 2^53), so the result
/// has `u53`'s bits.
#[inline(always)]
pub fn u53_halves(lo: u32, hi: u32) -> f64 {
    let top = (hi >> 11) as f64;
    let low = ((lo >> 11) | (hi << 21)) as f64;
    ((top * 4_294_967_296.0 + low) + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A uniform in (0, 1) from 32 bits.
#[inline(always)]
pub fn u32f(x: u32) -> f64 {
    (x as f64 + 0.5) * (1.0 / 4_294_967_296.0)
}

/// Acklam's coefficients: the central region's numerator and denominator, and where the tails start.
pub(crate) const INV_NORM_A: [f64; 6] = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383_577_518_672_69e2, -3.066479806614716e+01, 2.506628277459239e+00];
pub(crate) const INV_NORM_B: [f64; 5] = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
pub(crate) const INV_NORM_LOW: f64 = 0.02425;
/// Acklam's coefficients of the tails: numerator and denominator in q = sqrt(-2 ln p).
const INV_NORM_C: [f64; 6] = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
const INV_NORM_D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

/// The standard normal quantile, Phi^-1(p) for p in (0, 1): Acklam's rational approximation
/// (relative error below 1.15e-9), one uniform in, one normal out.
#[inline(always)]
pub fn inv_norm(p: f64) -> f64 {
    if !in_centre(p) {
        return acklam_tail(p, f64::ln);
    }
    acklam_central(p)
}

/// Whether p is in the central region of Acklam's approximation, [0.02425, 0.97575].
#[inline(always)]
fn in_centre(p: f64) -> bool {
    (INV_NORM_LOW..=1.0 - INV_NORM_LOW).contains(&p)
}

/// Acklam's central rational function (for p in [0.02425, 0.97575]).
#[inline(always)]
fn acklam_central(p: f64) -> f64 {
    use INV_NORM_A as A;
    use INV_NORM_B as B;
    let q = p - 0.5;
    let r = q * q;
    (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
        / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
}

/// Acklam's tails (p outside [0.02425, 0.97575]), in q = sqrt(-2 ln(min(p, 1 - p))) with the
/// logarithm `ln`: the platform's for [`inv_norm`], periodize's own for [`normal_lanes`].
#[inline(always)]
fn acklam_tail(p: f64, ln: impl Fn(f64) -> f64) -> f64 {
    use INV_NORM_C as C;
    use INV_NORM_D as D;
    let low = p < INV_NORM_LOW;
    let q = (-2.0 * ln(if low { p } else { 1.0 - p })).sqrt();
    let x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0);
    if low { x } else { -x }
}

/// [`inv_norm`] for N uniforms at once: the central rational function over every lane (a
/// branch-free loop the compiler vectorises, the same operations in the same order, so the same
/// bits), then the rare tail lanes recomputed one by one.
#[inline(always)]
pub fn inv_norm_lanes<const N: usize>(p: &[f64; N]) -> [f64; N] {
    let mut z = inv_norm_lanes_central(p);
    for l in 0..N {
        if !in_centre(p[l]) {
            z[l] = inv_norm(p[l]);
        }
    }
    z
}

/// The standard normal quantile of N uniforms at once, for the day-by-day noise: Acklam's
/// approximation as [`inv_norm`], with the tails (about 5% of draws) computed in the same
/// vector loop through periodize's own logarithm ([`crate::fmath::ln`]) instead of the platform
/// libm's. So the whole transform vectorises and gives the same bits on every platform. It may differ from [`inv_norm`] in the last bit in the tails; parameter draws keep
/// `inv_norm`.
#[inline(always)]
pub fn normal_lanes<const N: usize>(p: &[f64; N]) -> [f64; N] {
    let mut z = inv_norm_lanes_central(p);
    // The tails by groups of four lanes (one AVX2 register), each only where one of its lanes
    // needs it: a group of four has a tail lane on 18% of draws, a block of 16 on 56%.
    for g in (0..N).step_by(4) {
        let group = g..(g + 4).min(N);
        let mut tails = false;
        for l in group.clone() {
            tails |= !in_centre(p[l]);
        }
        if tails {
            for l in group {
                let tail = acklam_tail(p[l], crate::fmath::ln);
                z[l] = if in_centre(p[l]) { z[l] } else { tail };
            }
        }
    }
    z
}

/// Acklam's central rational function over every lane (valid for p in [0.02425, 0.97575]).
#[inline(always)]
fn inv_norm_lanes_central<const N: usize>(p: &[f64; N]) -> [f64; N] {
    let mut z = [0.0; N];
    for l in 0..N {
        z[l] = acklam_central(p[l]);
    }
    z
}

/// Fill `out` with the next u64 words of a stream.
#[inline]
pub fn fill(rng: &mut ChaCha8Rng, out: &mut [u64]) {
    for x in out {
        *x = rng.next_u64();
    }
}

/// Parameter slots per 8-word group in the `params` stream.
pub const GROUP: usize = 8;

/// The `params` stream's block that holds athlete `athlete`'s slot group `group` (its 8 u64
/// words are the group's slots; the next athlete's block follows).
#[inline(always)]
pub fn group_block(group: usize, athlete: u64) -> u64 {
    ((group as u64) << 40) + athlete
}

/// Position the `params` stream at athlete `athlete`'s first draws of slot group `group`; the
/// next 8 u64 words are that group's slots, then the next athlete's follow.
pub fn seek_group(rng: &mut ChaCha8Rng, group: usize, athlete: u64) {
    rng.set_word_pos(group_block(group, athlete) as u128 * 16);
}

/// Position the `params` stream where athlete `athlete`'s slot `slot` continues past its first draw.
pub fn seek_overflow(rng: &mut ChaCha8Rng, athlete: u64, slot: usize) {
    rng.set_word_pos((1u128 << 60) + ((athlete as u128 * 32 + slot as u128) << 20));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_keep_their_published_positions() {
        // The slots every earlier release drew from: moving one would change every athlete.
        let published = ["p0", "k1", "k2", "k3", "tau1", "tau2", "tau3", "g0", "h0", "fitness_days", "fatigue_days", "fitness0", "fatigue0", "ds", "dr", "dso", "pp0", "scale"];
        assert_eq!(PARAM_SLOTS[..published.len()], published);
        assert_eq!(slot("tau1"), Some(4));
        assert_eq!(slot("nope"), None);
    }

    #[test]
    fn inv_norm_inverts_the_normal_cdf() {
        for &p in &[1e-9, 1e-4, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1.0 - 1e-7] {
            let x = inv_norm(p);
            assert!((crate::stats::normal_cdf(x) - p).abs() < 2e-7 * p.min(1.0 - p).max(1e-3), "p = {p}: x = {x}");
        }
        assert!((inv_norm(0.975) - 1.959963985).abs() < 1e-8);
    }

    #[test]
    fn the_noise_quantile_equals_inv_norm_within_an_ulp_and_is_exact_in_the_centre() {
        let mut r = stream(&key(9, "test"), 1);
        let mut p: Vec<f64> = [1e-16, 1e-9, 1e-4, 0.01, 0.024, 0.02425, 0.5, 0.9758, 0.99, 1.0 - 1e-9, 1.0 - 1.1e-16].to_vec();
        p.extend((0..100_000).map(|_| u53(r.next_u64())));
        for c in p.chunks_exact(8) {
            let c: [f64; 8] = c.try_into().unwrap();
            let z = normal_lanes(&c);
            for (x, z) in c.iter().zip(z) {
                let exact = inv_norm(*x);
                if (INV_NORM_LOW..=1.0 - INV_NORM_LOW).contains(x) {
                    assert_eq!(z.to_bits(), exact.to_bits(), "p = {x}");
                } else {
                    // ln within one ulp; sqrt and the rational function damp it.
                    assert!((z - exact).abs() <= 4.0 * f64::EPSILON * exact.abs(), "p = {x}: {z} vs {exact}");
                }
            }
        }
    }

    #[test]
    fn u53_from_halves_has_the_bits_of_u53() {
        let mut r = stream(&key(3, "test"), 0);
        let edge = [0u64, 1, 2047, 2048, u64::MAX, u64::MAX - 2047, 1 << 63, (1 << 32) - 1, 1 << 32, 0x0000_07ff_ffff_f800];
        for x in edge.into_iter().chain((0..100_000).map(|_| r.next_u64())) {
            assert_eq!(u53_halves(x as u32, (x >> 32) as u32).to_bits(), u53(x).to_bits(), "{x:#x}");
        }
    }

    #[test]
    fn streams_differ_by_purpose_athlete_and_seed_and_are_stable() {
        let first = |seed, purpose, i| stream(&key(seed, purpose), i).next_u64();
        let a = first(1, "params", 0);
        assert_eq!(a, first(1, "params", 0));
        assert_ne!(a, first(1, "params", 1));
        assert_ne!(a, first(1, "load", 0));
        assert_ne!(a, first(2, "params", 0));
    }
}
