//! Portable elementary functions for the noise loop.
//!
//! `exp` is fdlibm's algorithm (Sun Microsystems, used by many libms): reduce x = k ln2 + r with
//! |r| <= ln2/2 (Cody-Waite, ln2 split in two), approximate exp(r) by fdlibm's degree-5 rational
//! remez form, scale by 2^k through the exponent bits. Its error is below 1 ulp. It uses only
//! IEEE basic operations (no fused multiply-add), so it gives the same bits on every platform,
//! unlike a platform libm, and it has no branch in the range the engine uses, so it vectorises.
//!
//! `ln` is fdlibm's `__ieee754_log` in musl's branch-free form for positive normal inputs:
//! x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f), and a degree-14
//! polynomial in s; error below 1 ulp, basic operations only.

/// The constants of [`exp`], shared with its vector forms.
#[allow(clippy::excessive_precision, clippy::approx_constant)] // fdlibm's constants, verbatim
pub(crate) mod exp_consts {
    pub const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01;
    pub const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    pub const INV_LN2: f64 = 1.442_695_040_888_963_387_00e+00;
    pub const P1: f64 = 1.666_666_666_666_660_190_37e-01;
    pub const P2: f64 = -2.777_777_777_701_559_338_74e-03;
    pub const P3: f64 = 6.613_756_321_437_934_361_17e-05;
    pub const P4: f64 = -1.653_390_220_546_525_153_13e-06;
    pub const P5: f64 = 4.138_136_797_057_238_460_39e-08;
    /// 1.5 * 2^52: adding and subtracting it rounds to the nearest integer (ties to even).
    pub const SHIFTER: f64 = 6_755_399_441_055_744.0;
}
use exp_consts::*;

/// e^x for |x| <= 700 (inputs outside are clamped to that range).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let t = x * INV_LN2 + SHIFTER;
    let k = t - SHIFTER;
    // The integer k sits in the low mantissa bits of t.
    let ki = (t.to_bits() as i64).wrapping_sub(SHIFTER.to_bits() as i64);
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // Scale by 2^k in two halves, so that k down to -1074 and up to 1023 stays representable.
    let k1 = ki >> 1;
    let k2 = ki - k1;
    y * f64::from_bits(((k1 + 1023) as u64) << 52) * f64::from_bits(((k2 + 1023) as u64) << 52)
}

/// fdlibm's log coefficients.
#[allow(clippy::excessive_precision)]
mod ln_consts {
    pub const LG1: f64 = 6.666666666666735130e-01;
    pub const LG2: f64 = 3.999999999940941908e-01;
    pub const LG3: f64 = 2.857142874366239149e-01;
    pub const LG4: f64 = 2.222219843214978396e-01;
    pub const LG5: f64 = 1.818357216161805012e-01;
    pub const LG6: f64 = 1.531383769920937332e-01;
    pub const LG7: f64 = 1.479819860511658591e-01;
}

/// The natural logarithm of a positive normal x (the engine's uniforms, never 0 or subnormal):
/// branch-free, so the compiler vectorises it.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    use ln_consts::*;
    let bits = x.to_bits();
    // Move x's mantissa into [sqrt(2)/2, sqrt(2)) and count the exponent k accordingly.
    let hx = ((bits >> 32) as u32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    let k = (hx >> 20) as i32 - 0x3ff;
    let hx = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits(((hx as u64) << 32) | (bits & 0xffff_ffff));
    // k as f64, exactly, through the mantissa of 2^52 (no 64-bit integer conversion).
    let kf = f64::from_bits(0x4330_0000_0000_0000 | (k + 2048) as u32 as u64) - (4_503_599_627_370_496.0 + 2048.0);
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    s * (hfsq + r) + kf * LN2_LO - hfsq + f + kf * LN2_HI
}

#[cfg(test)]
mod tests {
    /// The largest difference in ulps between `ours` and the platform's `libm` over 2M inputs
    /// `input(i, state)`, state a 64-bit LCG seeded with `seed`.
    fn max_ulp_difference(seed: u64, input: impl Fn(u64, u64) -> f64, ours: fn(f64) -> f64, libm: fn(f64) -> f64) -> u64 {
        let mut state = seed;
        let mut worst = 0u64;
        for i in 0..2_000_000u64 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let x = input(i, state);
            worst = worst.max((ours(x).to_bits() as i64 - libm(x).to_bits() as i64).unsigned_abs());
        }
        worst
    }

    #[test]
    fn ln_is_within_one_ulp_of_the_platform_libm() {
        let input = |i: u64, state: u64| {
            let u = ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            // Uniforms as the engine draws them, the tails' range, and wide magnitudes.
            match i % 3 {
                0 => u,
                1 => 0.02425 * u,
                _ => u * 2f64.powi((state % 2000) as i32 - 1000),
            }
        };
        let worst = max_ulp_difference(11, input, super::ln, f64::ln);
        assert!(worst <= 1, "max ulp difference {worst}");
        assert_eq!(super::ln(1.0), 0.0);
        assert_eq!(super::ln(std::f64::consts::E), 1.0);
        assert_eq!(super::ln(0.5), -std::f64::consts::LN_2);
        assert!((super::ln(f64::MIN_POSITIVE) - f64::MIN_POSITIVE.ln()).abs() < 1e-12);
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_exact_value() {
        // Against the platform libm (correctly rounded or within 1 ulp on glibc): ours may differ
        // from it by at most 1 ulp, i.e. be within 2 ulp of the exact value.
        let input = |i: u64, state: u64| {
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            if i.is_multiple_of(2) { -20.0 + 40.0 * u } else { -700.0 + 1400.0 * u }
        };
        let worst = max_ulp_difference(7, input, super::exp, f64::exp);
        assert!(worst <= 1, "max ulp difference {worst}");
        assert_eq!(super::exp(0.0), 1.0);
        assert!((super::exp(1.0).to_bits() as i64 - std::f64::consts::E.to_bits() as i64).abs() <= 1);
        assert!((super::exp(-745.0) - 0.0).abs() < 1e-300);
    }
}
