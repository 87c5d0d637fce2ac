//! ChaCha8 for eight athletes' streams at once, one stream per AVX2 lane.
//!
//! The engine's `load` noise reads, for eight consecutive athletes, the same word position of
//! eight ChaCha8 streams that differ only in their stream number (the athlete index). Generating
//! them "vertically" — register i holds state word i of all eight streams — needs no shuffles
//! and no buffering: one call yields 64 bytes of each stream, i.e. eight days of load noise for
//! eight athletes, already in day-major order (words 2j and 2j + 1 of the block are day j's low
//! and high 32 bits).
//!
//! It computes exactly the ChaCha8 of the `chacha20` crate's `ChaCha8Rng` (the original "DJB"
//! layout: 64-bit block counter in words 12-13, 64-bit stream number in words 14-15); the tests
//! below hold every word to the crate's output.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// "expand 32-byte k".
const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// ChaCha8's rounds on state `$x` with quarter-round function `$quarter`: four double rounds,
/// each the columns, then the diagonals. Written out (not a loop over an index table) so that
/// every index is a constant and the state stays in registers.
macro_rules! chacha8_rounds {
    ($quarter:ident, $x:ident) => {
        for _ in 0..4 {
            $quarter(&mut $x, [0, 4, 8, 12]);
            $quarter(&mut $x, [1, 5, 9, 13]);
            $quarter(&mut $x, [2, 6, 10, 14]);
            $quarter(&mut $x, [3, 7, 11, 15]);
            $quarter(&mut $x, [0, 5, 10, 15]);
            $quarter(&mut $x, [1, 6, 11, 12]);
            $quarter(&mut $x, [2, 7, 8, 13]);
            $quarter(&mut $x, [3, 4, 9, 14]);
        }
    };
}

/// The 16 input words of a block as vectors: the constants and the key broadcast by `splat`,
/// then the block counter (words 12-13) and the stream number (words 14-15) per lane.
#[inline(always)]
fn input<V: Copy>(splat: impl Fn(u32) -> V, key: &[u32; 8], counter_and_stream: [V; 4]) -> [V; 16] {
    let [c_lo, c_hi, s_lo, s_hi] = counter_and_stream;
    let k = key.map(&splat);
    let c = CONSTANTS.map(splat);
    [c[0], c[1], c[2], c[3], k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], c_lo, c_hi, s_lo, s_hi]
}

/// Eight lanes of ChaCha8 with one key: eight streams (the `load` noise of eight athletes), or
/// eight block counters of one stream (the `params` blocks of eight athletes).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub struct ChaCha8x8 {
    key: [u32; 8],
    stream_lo: __m256i,
    stream_hi: __m256i,
}

#[cfg(target_arch = "x86_64")]
impl ChaCha8x8 {
    /// Streams `first`..`first + 8` of `key` (stream numbers wrap around u64 like the crate's).
    ///
    /// # Safety
    /// The processor must support AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn new(key: &[u8; 32], first: u64) -> Self {
        let key = std::array::from_fn(|i| u32::from_le_bytes([key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]]));
        let s: [u64; 8] = std::array::from_fn(|l| first.wrapping_add(l as u64));
        let lo = s.map(|x| x as u32 as i32);
        let hi = s.map(|x| (x >> 32) as u32 as i32);
        ChaCha8x8 {
            key,
            stream_lo: _mm256_setr_epi32(lo[0], lo[1], lo[2], lo[3], lo[4], lo[5], lo[6], lo[7]),
            stream_hi: _mm256_setr_epi32(hi[0], hi[1], hi[2], hi[3], hi[4], hi[5], hi[6], hi[7]),
        }
    }

    /// Eight lanes of one stream, `stream`, for [`ChaCha8x8::blocks`].
    ///
    /// # Safety
    /// The processor must support AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn one_stream(key: &[u8; 32], stream: u64) -> Self {
        let mut g = unsafe { Self::new(key, 0) };
        g.stream_lo = _mm256_set1_epi32(stream as u32 as i32);
        g.stream_hi = _mm256_set1_epi32((stream >> 32) as u32 as i32);
        g
    }

    /// Block `counters[l]` in lane l, layout as in [`ChaCha8x8::block`]: u64 word j of lane l's
    /// block is `out[2j] | out[2j + 1] << 32`.
    ///
    /// # Safety
    /// The processor must support AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn blocks(&self, counters: &[u64; 8], out: &mut [__m256i; 16]) {
        let lo = counters.map(|c| c as u32);
        let hi = counters.map(|c| (c >> 32) as u32);
        unsafe { self.core(_mm256_loadu_si256(lo.as_ptr().cast()), _mm256_loadu_si256(hi.as_ptr().cast()), out) }
    }

    /// Block `counter` of the eight streams: `out[i]` holds word i of each stream's block, lane l
    /// for stream `first + l`. As u64 words of the stream (little-endian, as `next_u64` reads
    /// them), word position 8 * counter + j is `out[2j] | out[2j + 1] << 32`.
    ///
    /// # Safety
    /// The processor must support AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub unsafe fn block(&self, counter: u64, out: &mut [__m256i; 16]) {
        unsafe { self.core(_mm256_set1_epi32(counter as u32 as i32), _mm256_set1_epi32((counter >> 32) as u32 as i32), out) }
    }

    /// The ChaCha8 block function of every lane, for block counter (words 12-13) `counter_lo`,
    /// `counter_hi`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn core(&self, counter_lo: __m256i, counter_hi: __m256i, out: &mut [__m256i; 16]) {
        let init = input(|w| _mm256_set1_epi32(w as i32), &self.key, [counter_lo, counter_hi, self.stream_lo, self.stream_hi]);
        let mut x = init;
        chacha8_rounds!(quarter8, x);
        for i in 0..16 {
            out[i] = _mm256_add_epi32(x[i], init[i]);
        }
    }
}

/// The AVX-512 form of [`ChaCha8x8`]: the same eight streams in the low eight lanes of each
/// register and again in the high eight, one block further on, so one pass yields sixteen days
/// of noise for eight athletes.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub struct ChaCha8x16 {
    key: [u32; 8],
    stream_lo: __m512i,
    stream_hi: __m512i,
}

#[cfg(target_arch = "x86_64")]
impl ChaCha8x16 {
    /// Streams `first`..`first + 8` of `key`, twice.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn new(key: &[u8; 32], first: u64) -> Self {
        let key = std::array::from_fn(|i| u32::from_le_bytes([key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]]));
        let s: [u64; 16] = std::array::from_fn(|l| first.wrapping_add((l % 8) as u64));
        let lo = s.map(|x| x as u32);
        let hi = s.map(|x| (x >> 32) as u32);
        // SAFETY: 16 u32 are 64 readable bytes.
        unsafe { ChaCha8x16 { key, stream_lo: _mm512_loadu_si512(lo.as_ptr().cast()), stream_hi: _mm512_loadu_si512(hi.as_ptr().cast()) } }
    }

    /// Blocks `counter` (lanes 0-7, streams first + l) and `counter + 1` (lanes 8-15): `out[i]`
    /// holds state word i, so u64 word j of lane l's block is `out[2j] | out[2j + 1] << 32`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub fn blocks(&self, counter: u64, out: &mut [__m512i; 16]) {
        let counters: [u64; 16] = std::array::from_fn(|l| counter.wrapping_add((l / 8) as u64));
        let (lo, hi) = (counters.map(|c| c as u32), counters.map(|c| (c >> 32) as u32));
        // SAFETY: 16 u32 are 64 readable bytes.
        let (counter_lo, counter_hi) = unsafe { (_mm512_loadu_si512(lo.as_ptr().cast()), _mm512_loadu_si512(hi.as_ptr().cast())) };
        let init = input(|w| _mm512_set1_epi32(w as i32), &self.key, [counter_lo, counter_hi, self.stream_lo, self.stream_hi]);
        let mut x = init;
        chacha8_rounds!(quarter16, x);
        for i in 0..16 {
            out[i] = _mm512_add_epi32(x[i], init[i]);
        }
    }
}

/// A ChaCha quarter round on state words a, b, c, d of 8 lanes (AVX2: rotations by byte
/// shuffles and shift pairs).
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
fn quarter8(x: &mut [__m256i; 16], [a, b, c, d]: [usize; 4]) {
    let rot16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    let rot8 = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
    x[a] = _mm256_add_epi32(x[a], x[b]);
    x[d] = _mm256_shuffle_epi8(_mm256_xor_si256(x[d], x[a]), rot16);
    x[c] = _mm256_add_epi32(x[c], x[d]);
    let t = _mm256_xor_si256(x[b], x[c]);
    x[b] = _mm256_or_si256(_mm256_slli_epi32::<12>(t), _mm256_srli_epi32::<20>(t));
    x[a] = _mm256_add_epi32(x[a], x[b]);
    x[d] = _mm256_shuffle_epi8(_mm256_xor_si256(x[d], x[a]), rot8);
    x[c] = _mm256_add_epi32(x[c], x[d]);
    let t = _mm256_xor_si256(x[b], x[c]);
    x[b] = _mm256_or_si256(_mm256_slli_epi32::<7>(t), _mm256_srli_epi32::<25>(t));
}

/// A ChaCha quarter round on state words a, b, c, d of 16 lanes (AVX-512 rotations).
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f")]
fn quarter16(x: &mut [__m512i; 16], [a, b, c, d]: [usize; 4]) {
    x[a] = _mm512_add_epi32(x[a], x[b]);
    x[d] = _mm512_rol_epi32::<16>(_mm512_xor_si512(x[d], x[a]));
    x[c] = _mm512_add_epi32(x[c], x[d]);
    x[b] = _mm512_rol_epi32::<12>(_mm512_xor_si512(x[b], x[c]));
    x[a] = _mm512_add_epi32(x[a], x[b]);
    x[d] = _mm512_rol_epi32::<8>(_mm512_xor_si512(x[d], x[a]));
    x[c] = _mm512_add_epi32(x[c], x[d]);
    x[b] = _mm512_rol_epi32::<7>(_mm512_xor_si512(x[b], x[c]));
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn equals_the_chacha20_crate_word_for_word() {
        if !std::is_x86_feature_detected!("avx2") {
            return;
        }
        let key = crate::montecarlo::rng::key(42, "load");
        // Stream numbers across the 32-bit boundary, and block counters past the first buffers.
        for first in [0u64, 1000, (1 << 32) - 3, u64::MAX - 3] {
            let g = unsafe { ChaCha8x8::new(&key, first) };
            let mut crate_rngs: Vec<_> = (0..8).map(|l| crate::montecarlo::rng::stream(&key, first.wrapping_add(l))).collect();
            let mut out = [unsafe { _mm256_setzero_si256() }; 16];
            for counter in 0..20u64 {
                unsafe { g.block(counter, &mut out) };
                let words: Vec<[u32; 8]> = out.iter().map(|v| unsafe { std::mem::transmute::<__m256i, [u32; 8]>(*v) }).collect();
                for (l, r) in crate_rngs.iter_mut().enumerate() {
                    for j in 0..8 {
                        let expected = r.next_u64();
                        let got = words[2 * j][l] as u64 | (words[2 * j + 1][l] as u64) << 32;
                        assert_eq!(got, expected, "stream {first}+{l}, block {counter}, word {j}");
                    }
                }
            }
        }
    }

    #[test]
    fn sixteen_lanes_equal_the_chacha20_crate_word_for_word() {
        if !std::is_x86_feature_detected!("avx512f") {
            return;
        }
        let key = crate::montecarlo::rng::key(42, "load");
        for first in [0u64, 1000, (1 << 32) - 3, u64::MAX - 3] {
            let g = unsafe { ChaCha8x16::new(&key, first) };
            let mut crate_rngs: Vec<_> = (0..8).map(|l| crate::montecarlo::rng::stream(&key, first.wrapping_add(l))).collect();
            let mut out = [unsafe { _mm512_setzero_si512() }; 16];
            // Pairs of blocks: 0-1, 2-3, ..., and the pair that crosses the counter's 32-bit word.
            for counter in (0..20u64).step_by(2) {
                unsafe { g.blocks(counter, &mut out) };
                let words: Vec<[u32; 16]> = out.iter().map(|v| unsafe { std::mem::transmute::<__m512i, [u32; 16]>(*v) }).collect();
                for (l, r) in crate_rngs.iter_mut().enumerate() {
                    for half in 0..2 {
                        r.set_word_pos((counter + half as u64) as u128 * 16);
                        for j in 0..8 {
                            let got = words[2 * j][8 * half + l] as u64 | (words[2 * j + 1][8 * half + l] as u64) << 32;
                            assert_eq!(got, r.next_u64(), "stream {first}+{l}, block {}, word {j}", counter + half as u64);
                        }
                    }
                }
            }
            let mut r = crate::montecarlo::rng::stream(&key, first);
            r.set_word_pos(((1u128 << 32) - 1) * 16);
            unsafe { g.blocks((1 << 32) - 1, &mut out) };
            let words: Vec<[u32; 16]> = out.iter().map(|v| unsafe { std::mem::transmute::<__m512i, [u32; 16]>(*v) }).collect();
            for half in 0..2 {
                for j in 0..8 {
                    assert_eq!(words[2 * j][8 * half] as u64 | (words[2 * j + 1][8 * half] as u64) << 32, r.next_u64());
                }
            }
        }
    }

    #[test]
    fn lanes_of_one_stream_equal_the_crate_at_their_block_counters() {
        if !std::is_x86_feature_detected!("avx2") {
            return;
        }
        let key = crate::montecarlo::rng::key(7, "params");
        // Counters across the 32-bit boundary of the counter word, and far out in the stream.
        let counters = [0u64, 1, 5, (1 << 32) - 1, 1 << 32, (3 << 40) + 17, u64::MAX, 12345];
        let g = unsafe { ChaCha8x8::one_stream(&key, 0) };
        let mut out = [unsafe { _mm256_setzero_si256() }; 16];
        unsafe { g.blocks(&counters, &mut out) };
        let words: Vec<[u32; 8]> = out.iter().map(|v| unsafe { std::mem::transmute::<__m256i, [u32; 8]>(*v) }).collect();
        for (l, &c) in counters.iter().enumerate() {
            let mut r = crate::montecarlo::rng::stream(&key, 0);
            r.set_word_pos(c as u128 * 16);
            for j in 0..8 {
                let got = words[2 * j][l] as u64 | (words[2 * j + 1][l] as u64) << 32;
                assert_eq!(got, r.next_u64(), "counter {c}, word {j}");
            }
        }
    }
}
