//! # periodize
//!
//! A periodization simulator and research toolkit: fitness-fatigue models, training plans from
//! scenario files, Monte Carlo populations of simulated athletes, and model fitting.
//!
//! ## Models
//!
//! Days are integers (day 0 is a Monday) and w(t) is the load of day t. Every model is a
//! [`model::LaneModel`]: N athletes advanced side by side, one O(1) recursion per day. The tests
//! hold each recursion against the convolution sum it stands for.
//!
//! - **Banister** (Banister et al. 1975; Morton, Fitz-Clarke & Banister 1990):
//!   p = p0 + k1 g - k2 h, with g and h decayed sums of load with time constants tau1 and tau2.
//! - **Busso** (2003), variable dose-response: the fatigue gain k2(i) = k3 sum_{j<=i} w(j)
//!   e^(-(i-j)/tau3) grows with recent load, so p = p0 + k1 sum w(i) e^(-(n-i)/tau1) -
//!   sum k2(i) w(i) e^(-(n-i)/tau2). Under a constant load w it settles at p0 + A w - B w^2, an
//!   inverted U whose best load is A/(2B) ([`model::Busso::steady_state`]).
//! - **Fitness-delay** (Calvert, Banister, Savage & Bach 1976): Banister's model whose fitness
//!   response rises with a delay, sum w(i) (e^(-(n-i)/tau1) - e^(-(n-i)/tau3)) with tau3 < tau1.
//! - **PMC**, the coaches' fitness/fatigue/form chart: exponentially weighted averages with 42 and
//!   7 days, smoothing `exp` (1 - e^(-1/N), GoldenCheetah), `simple` (1/N) or `span` (2/(N+1)),
//!   form shown yesterday (TrainingPeaks, GoldenCheetah) or today, plus the 7:28 ACWR.
//! - **PerPot** (Perl 2001): strain and response potentials flowing into a performance potential
//!   with delays ds and dr, and an overflow that drains performance when strain exceeds capacity.
//!
//! **Day conventions** ([`model::Convention`]): `lagged` (a day's load first counts the next day,
//! as a morning test sees it; Busso 2003) and `same-day` (Clarke & Skiba 2013, GoldenCheetah).
//!
//! Each model is one file in `src/model/` with its [`model::ModelInfo`] (parameters, columns,
//! conventions, fitting) and one line in `register_models!` (`src/model/mod.rs`).
//!
//! **What the models can see.** Banister's model (and fitness-delay) is linear: moving a key workout within the week
//! only re-weights exponential sums, so spacing, recovery runs and overreach blocks matter there
//! only through when load falls relative to race day. Busso's fatigue gain and PerPot's overflow
//! are nonlinear, and there the arrangement of load matters. The shipped scenarios ask the
//! coaching questions of both kinds of model.
//!
//! ## Scenarios and plans
//!
//! A TOML scenario ([`scenario`]) is parsed once into a spanned tree. Variants and sweeps are
//! applied to the tree, and the result is validated into a [`scenario::Scenario`] whose rows
//! the engine runs without re-checking. Every problem is reported with its file, line and column.
//! [`plan::generate`] turns a row into daily loads: key sessions spread (as far apart as possible
//! around the week, and from the long run) or clustered, a weekly long run, easy recovery runs,
//! rest days, recovery and overreach weeks (counted per phase or across the plan), a progression
//! that can carry on from phase to phase, explicit weekly loads, tapers, race day on any weekday,
//! calendar dates, and weekly or total load targets (including the comparison reference's total).
//! Plans that validate but look wrong (a recovery week inside the taper, a percentage typed as a
//! factor) come back as [`scenario::Scenario::warnings`].
//!
//! ## Athletes
//!
//! A population is one distribution per parameter, or a named preset with its source
//! ([`scenario::presets`]: `busso2003` calibrated to Busso's 2003 +30 +/- 7%,
//! `banister-literature`, `clarke2013-cyclist`, `perpot-perl`). Parameters can be tied by a
//! Gaussian copula, constrained (`require`, athletes redrawn deterministically) or taken as whole
//! rows of a table (`sample_from`, e.g. a fit's bootstrap replicates); see
//! [`population`]. Athletes start rested, in the exact steady state of a constant load
//! ([`model::LaneModel::settle`]), or after their own history ([`scenario::Start`]); summaries
//! report each athlete's gain relative to that start.
//!
//! ## Monte Carlo engine
//!
//! - **Common random numbers.** Athlete i's parameters and day-by-day noise come from ChaCha8
//!   streams keyed by (seed, purpose, i) at fixed positions ([`population::rng`]), so every row
//!   sees the same athletes and the same noise, and rows are paired comparisons.
//! - **Work units.** Athletes run in fixed chunks of 1024 across threads (rayon), in blocks of 8
//!   to 32 lanes within a chunk. Reductions run in index order, so results are byte-identical for
//!   any thread count.
//! - **Hot loop.** One generic day loop serves every model, with and without noise
//!   (`src/montecarlo/kernel.rs`); [`simd::Form`] compiles it for AVX-512 or AVX2 where
//!   the processor has them (chosen once per run; `PERIODIZE_SIMD` caps it). Every form does the
//!   same operations in the same order, so every form writes the same bytes. Noise comes from a
//!   vertical ChaCha8 (a block of athletes' streams side by side, plain Rust that vectorises),
//!   with exactly the words of the `chacha20` crate's streams. See docs/performance.md.
//! - **Summaries.** Mean, sd and quantiles of each metric in three streaming passes, sorting only
//!   the histogram bins that hold the wanted order statistics ([`stats::summarize_columns`]).
//! - **Memory.** Memory is O(athletes); daily quantiles come from per-day histograms.
//!
//! Measured on a 2-core AVX2 machine, a 365-day Banister population job runs at about 1e9
//! athlete-days per second, whole process (Busso 1.05e9, PMC 2.1e9, PerPot 7.6e8, fitness-delay
//! 7.4e8; 7e8 to 1.2e9 with measurement noise, 1.6e8 to 1.8e8 with load noise), against 4.9e9
//! for a bare loop of the recursion on the same machine and about 7.5e7 for the same job in
//! numpy (see the README and `benches/`).
//!
//! ## Results
//!
//! [`run`] computes a scenario in memory: every row, its summary and its pairing with its
//! reference, returned as a [`RunResult`]. Every output file is an exporter over it
//! ([`export`]); `optimize` ranks candidates on its values.
//!
//! Every row is compared with one reference row ([`scenario::Compare`]: a chosen variant at the same
//! sweep point, or the first value of a swept path), athlete by athlete. summary.csv carries the
//! paired difference with its 95% interval, its percent of the reference's mean and the win rate with
//! its Wilson interval ([`summary`], whose [`summary::columns`] is the one table of summary.csv's
//! columns); `run` prints a verdict per compared row. `--plots`
//! draws the forest plot of those differences, the daily panels over the planned load and the
//! race-day distributions ([`plots`]); `--report` puts the question, verdict, charts, plans and
//! population into one self-contained page ([`html_report`]).
//!
//! **Sharded runs.** [`export::write_part`] runs part I of N of the work (units of one row's
//! 1024 athletes; [`montecarlo::run_row_chunks`]) and writes every athlete's metrics;
//! [`export::merge`] reads all N parts back and computes the result through
//! [`result::assemble`], the code [`run`] uses, so the merged set is the unsharded run's byte for
//! byte.
//!
//! ## Optimising a plan
//!
//! [`optimize::optimize_to_dir`] searches the values of a scenario's `[optimize.vary]` paths for
//! the best summary column under `[optimize.subject_to]` bounds, every candidate run over the same
//! athletes ([`scenario::Scenario::optimize_row`]) and paired with the plan as written. `grid`
//! enumerates a discrete space; `auto` screens with a Halton design, refines the numeric values
//! with argmin's Nelder-Mead and polls stepped and listed values as such
//! ([`optimize::search`]). The optimum is written into `best.toml` as a variant and checked on a
//! fresh population, so the reported gain is not the search's own (biased) estimate.
//!
//! ## Fitting
//!
//! [`fit`] estimates Banister, Busso or fitness-delay parameters from a training log and performance tests by
//! variable projection: exact least squares for p0 and the gains (nalgebra), a global log-grid
//! search and Nelder-Mead refinement for the time constants, and residual-bootstrap intervals.
//! It warns when the data do not identify the time constants, which is common (Hellard et al.
//! 2006).
//!
//! ## Related software
//!
//! GoldenCheetah (Banister and PMC charts, `src/Metrics/PMCData.cpp`), TrainingPeaks and
//! intervals.icu (the fitness/fatigue/form chart) model one athlete's history. periodize models
//! plans over populations, so that training philosophies can be compared numerically before an
//! athlete lives through them.

// Lane loops index several arrays by lane on purpose: written so, the compiler vectorises them.
#![allow(clippy::needless_range_loop)]
// Every public item says what it is; clippy -D warnings in .ci/run holds it.
#![warn(missing_docs)]

pub mod daily;
pub mod error;
pub mod export;
pub mod fit;
pub mod fmath;
pub mod html_report;
pub mod io;
pub mod model;
pub mod montecarlo;
pub mod optimize;
pub mod output;
pub mod plan;
pub mod plan_files;
pub mod plots;
pub mod population;
pub mod progress;
pub mod result;
pub mod stats;
pub mod scenario;
pub mod sensitivity;
pub mod simd;
pub mod simulate;
pub mod summary;

pub use error::{Error, Result};
pub use result::{RunConfig, RunResult, run};
