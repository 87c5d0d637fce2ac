//! ChaCha8 for L streams at once, one stream per lane, in plain Rust that the compiler
//! vectorises (no intrinsics, no `unsafe`).
//!
//! The engine reads, for L consecutive athletes, the same word position of L ChaCha8 streams
//! that differ only in their stream number (the athlete index): the `load` and `test` noise of
//! a block of athletes, day by day. Generating them "vertically" (lane l of state word i is word
//! i of stream l) needs no shuffles: one call yields 64 bytes of every stream, i.e. eight days of
//! noise for L athletes, already in day-major order (words 2j and 2j + 1 of the block are day j's
//! low and high 32 bits). The same type with one stream and L block counters gives L athletes'
//! `params` blocks.
//!
//! Every operation is a loop over the L lanes of `[u32; L]` arrays; inlined into the kernel's
//! `#[target_feature]` copies, the loops become AVX2 or AVX-512 instructions (8 or 16 lanes per
//! register). It computes exactly the ChaCha8 of the `chacha20` crate's `ChaCha8Rng` (the
//! original "DJB" layout: 64-bit block counter in words 12-13, 64-bit stream number in words
//! 14-15); the tests below hold every word to the crate's output.

/// "expand 32-byte k".
const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// L lanes of ChaCha8 with one key: L streams, or L block counters of one stream.
#[derive(Clone, Copy, Debug)]
pub struct ChaChaLanes<const L: usize> {
    key: [u32; 8],
    stream_lo: [u32; L],
    stream_hi: [u32; L],
}

impl<const L: usize> ChaChaLanes<L> {
    /// Streams `first`..`first + L` of `key` (stream numbers wrap around u64 like the crate's).
    #[inline(always)]
    pub fn new(key: &[u8; 32], first: u64) -> Self {
        let key = std::array::from_fn(|i| u32::from_le_bytes([key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]]));
        let s: [u64; L] = std::array::from_fn(|l| first.wrapping_add(l as u64));
        ChaChaLanes { key, stream_lo: s.map(|x| x as u32), stream_hi: s.map(|x| (x >> 32) as u32) }
    }

    /// Every lane on one stream, `stream`, for [`ChaChaLanes::blocks`].
    #[inline(always)]
    pub fn one_stream(key: &[u8; 32], stream: u64) -> Self {
        let mut g = Self::new(key, 0);
        g.stream_lo = [stream as u32; L];
        g.stream_hi = [(stream >> 32) as u32; L];
        g
    }

    /// Block `counter` of every lane's stream: `out[i][l]` is word i of lane l's block. As u64
    /// words of the stream (little-endian, as `next_u64` reads them), word position
    /// 8 * counter + j of lane l is `out[2j][l] | out[2j + 1][l] << 32`.
    #[inline(always)]
    pub fn block(&self, counter: u64, out: &mut [[u32; L]; 16]) {
        self.core([counter as u32; L], [(counter >> 32) as u32; L], out)
    }

    /// Block `counters[l]` in lane l, layout as in [`ChaChaLanes::block`].
    #[inline(always)]
    pub fn blocks(&self, counters: &[u64; L], out: &mut [[u32; L]; 16]) {
        self.core(counters.map(|c| c as u32), counters.map(|c| (c >> 32) as u32), out)
    }

    /// The ChaCha8 block function of every lane for block counter (words 12-13) `lo`, `hi`:
    /// four double rounds (columns, then diagonals), then the input added back.
    #[inline(always)]
    fn core(&self, lo: [u32; L], hi: [u32; L], out: &mut [[u32; L]; 16]) {
        let k = self.key;
        let c = CONSTANTS;
        let init: [[u32; L]; 16] = [
            [c[0]; L], [c[1]; L], [c[2]; L], [c[3]; L],
            [k[0]; L], [k[1]; L], [k[2]; L], [k[3]; L], [k[4]; L], [k[5]; L], [k[6]; L], [k[7]; L],
            lo, hi, self.stream_lo, self.stream_hi,
        ];
        let mut x = init;
        for _ in 0..4 {
            quarter(&mut x, [0, 4, 8, 12]);
            quarter(&mut x, [1, 5, 9, 13]);
            quarter(&mut x, [2, 6, 10, 14]);
            quarter(&mut x, [3, 7, 11, 15]);
            quarter(&mut x, [0, 5, 10, 15]);
            quarter(&mut x, [1, 6, 11, 12]);
            quarter(&mut x, [2, 7, 8, 13]);
            quarter(&mut x, [3, 4, 9, 14]);
        }
        for i in 0..16 {
            for l in 0..L {
                out[i][l] = x[i][l].wrapping_add(init[i][l]);
            }
        }
    }
}

/// A ChaCha quarter round on state words a, b, c, d of every lane.
#[inline(always)]
fn quarter<const L: usize>(x: &mut [[u32; L]; 16], [a, b, c, d]: [usize; 4]) {
    let (mut va, mut vb, mut vc, mut vd) = (x[a], x[b], x[c], x[d]);
    for l in 0..L {
        va[l] = va[l].wrapping_add(vb[l]);
        vd[l] = (vd[l] ^ va[l]).rotate_left(16);
        vc[l] = vc[l].wrapping_add(vd[l]);
        vb[l] = (vb[l] ^ vc[l]).rotate_left(12);
        va[l] = va[l].wrapping_add(vb[l]);
        vd[l] = (vd[l] ^ va[l]).rotate_left(8);
        vc[l] = vc[l].wrapping_add(vd[l]);
        vb[l] = (vb[l] ^ vc[l]).rotate_left(7);
    }
    (x[a], x[b], x[c], x[d]) = (va, vb, vc, vd);
}

/// u64 word `j` (0..8) of lane l of a block: the low word `2j`, the high word `2j + 1`.
#[inline(always)]
pub fn word<const L: usize>(block: &[[u32; L]; 16], j: usize, l: usize) -> u64 {
    block[2 * j][l] as u64 | (block[2 * j + 1][l] as u64) << 32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::rng;
    use rand::Rng;

    fn check_streams<const L: usize>() {
        let key = rng::key(42, "load");
        // Stream numbers across the 32-bit boundary, and block counters past the first buffers.
        for first in [0u64, 1000, (1 << 32) - 3, u64::MAX - 3] {
            let g = ChaChaLanes::<L>::new(&key, first);
            let mut crate_rngs: Vec<_> = (0..L).map(|l| rng::stream(&key, first.wrapping_add(l as u64))).collect();
            let mut out = [[0; L]; 16];
            for counter in 0..20u64 {
                g.block(counter, &mut out);
                for (l, r) in crate_rngs.iter_mut().enumerate() {
                    for j in 0..8 {
                        assert_eq!(word(&out, j, l), r.next_u64(), "{L} lanes: stream {first}+{l}, block {counter}, word {j}");
                    }
                }
            }
            // The block counter's high word.
            let mut r = rng::stream(&key, first);
            r.set_word_pos(((1u128 << 32) + 5) * 16);
            g.block((1 << 32) + 5, &mut out);
            for j in 0..8 {
                assert_eq!(word(&out, j, 0), r.next_u64());
            }
        }
    }

    #[test]
    fn equals_the_chacha20_crate_word_for_word() {
        check_streams::<1>();
        check_streams::<8>();
        check_streams::<16>();
        check_streams::<32>();
    }

    #[test]
    fn lanes_of_one_stream_equal_the_crate_at_their_block_counters() {
        let key = rng::key(7, "params");
        // Counters across the 32-bit boundary of the counter word, and far out in the stream.
        let counters = [0u64, 1, 5, (1 << 32) - 1, 1 << 32, (3 << 40) + 17, u64::MAX, 12345];
        let g = ChaChaLanes::<8>::one_stream(&key, 3);
        let mut out = [[0; 8]; 16];
        g.blocks(&counters, &mut out);
        for (l, &c) in counters.iter().enumerate() {
            let mut r = rng::stream(&key, 3);
            r.set_word_pos(c as u128 * 16);
            for j in 0..8 {
                assert_eq!(word(&out, j, l), r.next_u64(), "counter {c}, word {j}");
            }
        }
    }
}
