//! Which instruction set the engine's lane loops are compiled for: decided here, once per run,
//! and nowhere else.
//!
//! The engine's loops are plain Rust over `[f64; N]` lanes. [`Form::call`] runs such a loop
//! inside a copy compiled for AVX-512 or AVX2 (`#[target_feature]`), chosen by what the
//! processor has and by the user's cap ([`Simd`]); everything the loop calls is
//! `#[inline(always)]`, so it is compiled for that instruction set too. No form uses fused
//! multiply-add (Rust never contracts `a * b + c`), so every form computes the same bits.

/// The widest instruction set a run may use (`RunOptions::simd`, the CLI's `PERIODIZE_SIMD`): for
/// benchmarks and comparisons, since every form writes the same bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Simd {
    /// Whatever the processor has.
    #[default]
    Auto,
    /// AVX-512 where the processor has it, else as `Avx2`.
    Avx512,
    /// AVX2 at most.
    Avx2,
    /// The portable build only (what a processor without AVX2 runs).
    Generic,
}

impl Simd {
    /// Parses `PERIODIZE_SIMD`'s values: `avx512` (or empty), `avx2`, `generic`.
    pub fn parse(s: &str) -> Option<Simd> {
        match s {
            "" | "avx512" => Some(Simd::Avx512),
            "avx2" => Some(Simd::Avx2),
            "generic" => Some(Simd::Generic),
            _ => None,
        }
    }

    /// The cap from the environment variable `PERIODIZE_SIMD` (unset: [`Simd::Auto`]).
    pub fn from_env() -> Result<Simd, String> {
        match std::env::var("PERIODIZE_SIMD") {
            Err(std::env::VarError::NotPresent) => Ok(Simd::Auto),
            Ok(v) => Simd::parse(&v).ok_or_else(|| format!("PERIODIZE_SIMD={v}: expected avx512, avx2 or generic")),
            Err(std::env::VarError::NotUnicode(v)) => Err(format!("PERIODIZE_SIMD={v:?}: expected avx512, avx2 or generic")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Avx512,
    Avx2,
    Generic,
}

/// The instruction set a run's loops use. Only [`Form::detect`] makes one, after checking the
/// processor, which is what makes [`Form::call`]'s `unsafe` sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Form(Kind);

impl Form {
    /// The widest form this processor supports within `cap`.
    pub fn detect(cap: Simd) -> Form {
        #[cfg(target_arch = "x86_64")]
        {
            let avx512 = std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx2");
            let avx2 = std::is_x86_feature_detected!("avx2");
            match cap {
                Simd::Auto | Simd::Avx512 if avx512 => return Form(Kind::Avx512),
                Simd::Auto | Simd::Avx512 | Simd::Avx2 if avx2 => return Form(Kind::Avx2),
                _ => {}
            }
        }
        let _ = cap;
        Form(Kind::Generic)
    }

    /// "avx512", "avx2" or "generic" (the manifest's `simd` field).
    pub fn name(self) -> &'static str {
        match self.0 {
            Kind::Avx512 => "avx512",
            Kind::Avx2 => "avx2",
            Kind::Generic => "generic",
        }
    }

    /// Athletes per lane block for a row of model `kind`, with or without noise: enough
    /// independent recursions to hide the latency of one day's step behind the others, but not
    /// so many that the state leaves the registers. Chosen by measurement on a 2-core AVX2 machine
    /// (`bash benches/scaling.sh`, see docs/performance.md): without load noise 8 lanes (two
    /// AVX2 registers per state) except for models that declare 16 in their `avx2_lanes` (PerPot,
    /// whose divisions and clamps gain from 16);
    /// with load noise 16, whose ChaCha8 and inverse normal keep more work in flight. AVX-512
    /// takes twice as many. (Measurement noise is drawn once per athlete, on race day, and does
    /// not change the day loop.) Every choice gives the same bits: each lane is one athlete's
    /// own arithmetic.
    pub fn lanes(self, kind: crate::model::ModelKind, load_noise: bool) -> usize {
        let avx2 = if load_noise { 16 } else { kind.info().avx2_lanes };
        match self.0 {
            Kind::Avx512 => 2 * avx2,
            _ => avx2,
        }
    }

    /// Run `f` compiled for this form. `f` and what it calls must be `#[inline(always)]` for
    /// the instruction set to reach them (a closure takes `#[inline(always)]` too).
    #[inline(always)]
    pub fn call<R>(self, f: impl FnOnce() -> R) -> R {
        match self.0 {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: a Form of kind Avx512 is only made by `detect`, after checking that the
            // processor has AVX-512F and AVX2.
            Kind::Avx512 => unsafe { avx512(f) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: a Form of kind Avx2 is only made by `detect`, after checking for AVX2.
            Kind::Avx2 => unsafe { avx2(f) },
            _ => f(),
        }
    }
}

impl Form {
    /// [`Form::call`] for a loop over N lanes, compiled only for the forms that run N lanes
    /// ([`Form::lanes`]: 32 under AVX-512 alone, 8 never under AVX-512, 16 under any form), so
    /// that no copy is built that no run can reach.
    #[inline(always)]
    pub fn call_for<const N: usize, R>(self, f: impl FnOnce() -> R) -> R {
        match self.0 {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as in `call`: only `detect` makes an Avx512 form, after checking.
            Kind::Avx512 if const { N >= 16 } => unsafe { avx512(f) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as in `call`.
            Kind::Avx2 if const { N <= 16 } => unsafe { avx2(f) },
            _ if const { N <= 16 } => f(),
            // `lanes` gives 32 lanes to the AVX-512 form only, and 8 to the others.
            _ => unreachable!("{N} lanes under the {} form", self.name()),
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,avx512f")]
fn avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_respected_and_names_parse_back() {
        assert_eq!(Form::detect(Simd::Generic).name(), "generic");
        let auto = Form::detect(Simd::Auto);
        assert!(matches!(Form::detect(Simd::Avx2).name(), "avx2" | "generic"));
        assert_eq!(Simd::parse(auto.name()).map(Form::detect), Some(auto));
        assert_eq!(Simd::parse("sse"), None);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(auto.name() == "avx512", std::is_x86_feature_detected!("avx512f"));
    }
}
