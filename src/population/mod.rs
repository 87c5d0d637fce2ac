//! Athlete populations: every model parameter a fixed value or a distribution, drawn from the
//! athlete's own `params` stream at the parameter's fixed slot (see [`rng`]).
//!
//! This layer sits below both scenario validation and the engine: random streams ([`rng`], the
//! vertical ChaCha8 of `chacha_lanes`), population types ([`spec`]) and the sampler.

pub(crate) mod chacha_lanes;
pub mod rng;
pub mod spec;

use rand::Rng;

use chacha20::ChaCha8Rng;

use chacha_lanes::{ChaChaLanes, word};
use crate::simd::Form;
use rng::{GROUP, PARAM_SLOTS, inv_norm, inv_norm_lanes, u53};
use spec::{Dist, Joint, ModelSpec};

/// The most draws of one athlete under `require`: validation refuses populations that reject
/// more than 99% of draws, so an athlete runs out with probability below 0.99^10000 = 2e-44.
pub const MAX_DRAWS: u32 = 10_000;
/// The `params` slot whose word picks an athlete's `sample_from` row (group 3, word 7).
pub const ROW_SLOT: usize = 31;

/// Draws the parameters of athletes of one row.
#[derive(Clone, Debug)]
pub struct Sampler {
    key: [u8; 32],
    /// Each parameter in model order: its slot in the stream and its distribution.
    params: Vec<(usize, Dist)>,
    /// The slot groups that random parameters use.
    groups: Vec<usize>,
    /// Correlations, constraints and tables, when the parameters are drawn jointly.
    joint: Option<JointDraw>,
}

/// What a joint draw needs, prepared once per row.
#[derive(Clone, Debug)]
struct JointDraw {
    spec: Joint,
    /// Parameters (indices in model order) tied by the Gaussian copula, and the lower Cholesky
    /// factor of their normal scores' correlation matrix, row-major.
    copula: Vec<usize>,
    chol: Vec<f64>,
}

/// Reads consecutive athletes' draws from the `params` stream (one crate stream per slot group
/// for single athletes and joint draws, positioned on every call; blocks of lanes use the
/// vertical ChaCha8).
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
    /// The sampler of a validated population: its parameters are its model's, which all have
    /// slots (checked when the crate is compiled, in [`rng`]).
    pub fn new(seed: u64, spec: &ModelSpec) -> Self {
        Self::build(seed, &spec.params, &spec.joint).expect("a model's parameters all have stream slots") // ok: ModelSpec holds only its model's parameters
    }

    /// A sampler of independent parameters named freely (any of [`PARAM_SLOTS`], in any order
    /// and number): each is drawn from its own slot, as in a population of its model. An unknown
    /// name or a distribution with bad values is an error naming it.
    ///
    /// ```
    /// use periodize::population::Sampler;
    /// use periodize::scenario::Dist;
    /// let tau1 = ("tau1".to_string(), Dist::Normal { mean: 42.0, sd: 5.0, min: 20.0, max: 70.0 });
    /// let s = Sampler::from_params(1, &[tau1.clone()]).unwrap();
    /// let mut v = [0.0];
    /// s.sample(0, &mut v);
    /// assert!((20.0..=70.0).contains(&v[0]));
    /// assert!(Sampler::from_params(1, &[("tua1".to_string(), tau1.1)]).is_err());
    /// ```
    pub fn from_params(seed: u64, params: &[(String, Dist)]) -> Result<Self, String> {
        for (name, d) in params {
            d.check(crate::model::Constraint::Finite).map_err(|e| format!("{name}: {e}"))?;
        }
        Self::build(seed, params, &Joint::default())
    }

    fn build(seed: u64, params: &[(String, Dist)], joint: &Joint) -> Result<Self, String> {
        let params: Vec<(usize, Dist)> = params
            .iter()
            .map(|(name, d)| rng::slot(name).map(|k| (k, d.clone())).ok_or_else(|| format!("{name}: no model has this parameter; expected one of {}", PARAM_SLOTS.join(" "))))
            .collect::<Result<_, _>>()?;
        let mut groups: Vec<usize> = params.iter().filter(|(_, d)| !d.is_fixed()).map(|(k, _)| k / GROUP).collect();
        if joint.sample_from.is_some() {
            groups.push(ROW_SLOT / GROUP);
        }
        groups.sort_unstable();
        groups.dedup();
        let joint = joint.is_active().then(|| {
            let copula = joint.copula();
            let chol = correlation_cholesky(&copula, joint).unwrap_or_else(|_| identity(copula.len()));
            JointDraw { spec: joint.clone(), copula, chol }
        });
        Ok(Sampler { key: rng::key(seed, "params"), params, groups, joint })
    }

    /// How many parameters each athlete gets.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Whether there are no parameters.
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
    /// [`Cursor::next`], computed lane by lane in loops compiled for `form` (no fused
    /// multiply-add, so the same bits in every form), with the N athletes' `params` blocks drawn
    /// by the vertical ChaCha8 at once.
    pub fn next_lanes<const N: usize>(&mut self, form: Form, out: &mut [[f64; N]]) {
        if self.sampler.joint.is_some() {
            // Joint draws go athlete by athlete (`flat[athlete * params + p]`).
            let np = out.len();
            let mut flat = vec![0.0; np * N];
            self.next_joint_many(N, &mut flat);
            for (p, o) in out.iter_mut().enumerate() {
                *o = std::array::from_fn(|l| flat[l * np + p]);
            }
            return;
        }
        form.call(
            #[inline(always)]
            || self.lanes::<N>(out),
        )
    }

    /// The words of athletes first..first + N: `words[lane][group][slot % GROUP]`. Stateless: every
    /// call positions its streams itself.
    #[inline(always)]
    fn fill_words<const N: usize>(&mut self, first: u64) {
        // Reused between calls: only the groups in use are filled, nothing is zeroed per call.
        self.words.resize(N, [[0u64; GROUP]; GROUPS]);
        let g = ChaChaLanes::<N>::one_stream(&self.sampler.key, 0);
        let mut out = [[0u32; N]; 16];
        for &group in &self.sampler.groups {
            let counters: [u64; N] = std::array::from_fn(|l| rng::group_block(group, first + l as u64));
            g.blocks(&counters, &mut out);
            for (l, w) in self.words.iter_mut().enumerate() {
                for (j, x) in w[group].iter_mut().enumerate() {
                    *x = word(&out, j, l);
                }
            }
        }
    }

    #[inline(always)]
    fn lanes<const N: usize>(&mut self, out: &mut [[f64; N]]) {
        let first = self.next;
        self.next += N as u64;
        self.fill_words::<N>(first);
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

    /// The next `n` athletes' joint draws, athlete after athlete (`out[athlete * params + p]`).
    #[inline(never)]
    fn next_joint_many(&mut self, n: usize, out: &mut [f64]) {
        let np = out.len() / n;
        if np == 0 {
            self.next += n as u64;
            return;
        }
        for a in out.chunks_mut(np) {
            self.next(a);
        }
    }

    /// The next athlete's parameter values, in model order.
    pub fn next(&mut self, out: &mut [f64]) {
        let athlete = self.next;
        self.next += 1;
        if let Some(j) = &self.sampler.joint {
            self.joint(j, athlete, out);
            return;
        }
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

/// The identity matrix of size n, row-major.
fn identity(n: usize) -> Vec<f64> {
    (0..n * n).map(|i| if i % (n + 1) == 0 { 1.0 } else { 0.0 }).collect()
}

/// The lower Cholesky factor (row-major) of the correlation matrix of the parameters `copula`
/// (indices in model order), or the pairs involved when the matrix is not positive definite.
pub fn correlation_cholesky(copula: &[usize], joint: &Joint) -> Result<Vec<f64>, String> {
    let n = copula.len();
    let mut m = nalgebra::DMatrix::<f64>::identity(n, n);
    for c in &joint.correlations {
        let pos = |k: usize| copula.iter().position(|&x| x == c.index[k]);
        if let (Some(a), Some(b)) = (pos(0), pos(1)) {
            m[(a, b)] = c.rho;
            m[(b, a)] = c.rho;
        }
    }
    // Positive definite with some margin: a pivot below 1e-10 makes the draws numerically one
    // parameter in two names.
    let l = nalgebra::Cholesky::new(m).map(|ch| ch.l()).filter(|l| (0..n).all(|i| l[(i, i)] > 1e-5));
    match l {
        Some(l) => Ok((0..n * n).map(|i| l[(i / n, i % n)]).collect()),
        None => {
            let pairs: Vec<String> = joint.correlations.iter().map(|c| format!("{}-{} ({})", c.params[0], c.params[1], c.rho)).collect();
            Err(pairs.join(", "))
        }
    }
}

use crate::stats::normal_cdf as phi;

/// A parameter's value from its normal score z (the marginal's quantile at Phi(z)). Truncated
/// normals use the inverse CDF on [Phi(a), Phi(b)], so every draw is one word.
#[inline]
fn from_score(d: &Dist, z: f64) -> f64 {
    match *d {
        Dist::Fixed { value } => value,
        Dist::Lognormal { median, sigma } => median * (sigma * z).exp(),
        Dist::Uniform { min, max } => min + (max - min) * phi(z),
        Dist::Normal { mean, sd, min, max } => {
            if min == f64::NEG_INFINITY && max == f64::INFINITY {
                return mean + sd * z;
            }
            let (a, b) = (phi((min - mean) / sd), phi((max - mean) / sd));
            let u = (a + (b - a) * phi(z)).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
            (mean + sd * inv_norm(u)).clamp(min, max)
        }
    }
}

impl Cursor<'_> {
    /// A joint draw of athlete `athlete`: the first attempt reads the athlete's usual slot words
    /// (so a parameter outside every correlation keeps the draw it has without them, unless the
    /// athlete is redrawn); attempt r > 0 reads 32 fresh words at a position of its own in the
    /// `params` stream. Each parameter is one word turned into a normal score; the copula's
    /// scores are mixed by the Cholesky factor; a `sample_from` row replaces its columns; the
    /// first attempt that satisfies every `require` is kept.
    fn joint(&mut self, j: &JointDraw, athlete: u64, out: &mut [f64]) {
        let sampler = self.sampler;
        let mut words = [0u64; GROUPS_JOINT * GROUP];
        let mut e = vec![0.0; j.copula.len()];
        for attempt in 0..MAX_DRAWS {
            if attempt == 0 {
                for (g, r) in &mut self.streams {
                    rng::seek_group(r, *g, athlete);
                    rng::fill(r, &mut words[*g * GROUP..(*g + 1) * GROUP]);
                }
            } else {
                self.overflow.set_word_pos((1u128 << 62) + ((((athlete as u128) << 14) + attempt as u128) << 6));
                rng::fill(&mut self.overflow, &mut words);
            }
            for (o, (slot, d)) in out.iter_mut().zip(&sampler.params) {
                *o = match d {
                    Dist::Fixed { value } => *value,
                    // Without truncation the marginal is the usual one-word draw.
                    Dist::Normal { min, max, .. } if *min > f64::NEG_INFINITY || *max < f64::INFINITY => from_score(d, inv_norm(u53(words[*slot]))),
                    Dist::Uniform { min, max } => min + (max - min) * u53(words[*slot]),
                    _ => from_score(d, inv_norm(u53(words[*slot]))),
                };
            }
            if !j.copula.is_empty() {
                for (x, &k) in e.iter_mut().zip(&j.copula) {
                    *x = inv_norm(u53(words[sampler.params[k].0]));
                }
                let n = e.len();
                for (a, &k) in j.copula.iter().enumerate() {
                    let z: f64 = (0..=a).map(|b| j.chol[a * n + b] * e[b]).sum();
                    out[k] = from_score(&sampler.params[k].1, z);
                }
            }
            if let Some(t) = &j.spec.sample_from {
                let r = ((u53(words[ROW_SLOT]) * t.rows as f64) as usize).min(t.rows - 1);
                for (&k, &v) in t.index.iter().zip(t.row(r)) {
                    out[k] = v;
                }
            }
            if j.spec.require.iter().all(|c| c.holds(out)) {
                return;
            }
        }
    }
}

/// Slot groups a joint draw reads (the parameters' and the `sample_from` row word's).
const GROUPS_JOINT: usize = ROW_SLOT / GROUP + 1;
