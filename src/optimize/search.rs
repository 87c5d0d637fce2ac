//! The search strategies of `periodize optimize`, over a mixed space of continuous, stepped
//! (integer-like) and categorical values. They see the problem only through [`Objective`]:
//! points in, costs out (lower is better; infeasible points cost more than any feasible one).
//!
//! - `grid`: every point, in sweep order (the last varied path fastest).
//! - `auto`: the grid when the space is discrete and fits the budget; otherwise
//!   1. the plan as written (projected into the space), then a space-filling screening design
//!      (a Halton sequence over the numeric values, every category combination in turn);
//!   2. for the best category combinations, Nelder-Mead (argmin) over the numeric values in the
//!      unit cube, stepped values snapped to their steps at every evaluation, from the best
//!      screened point of that combination;
//!   3. a poll around the best point: each stepped value one step either way, each continuous
//!      value by a shrinking fraction of its range, each categorical value changed to each other
//!      value; move to the best neighbour while it improves.
//!
//!   Categorical and stepped values are handled as such in every stage (never a continuous
//!   optimum rounded once at the end), and every point is evaluated at most once.
//!
//! Every stage is deterministic: the same scenario, seed and budget give the same trace.

use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;

use crate::error::Result;
use crate::scenario::optimize::{Domain, Level, grid_size};

/// What a search sees of the problem.
pub trait Objective {
    /// Evaluate `points` (in order; the stage is recorded in the trace). A point evaluated before
    /// costs nothing; a new one costs one evaluation of the budget. Returns each point's cost,
    /// None for the points left when the budget ran out.
    fn eval(&mut self, points: &[Vec<Level>], stage: &'static str) -> Result<Vec<Option<f64>>>;
    /// Evaluations left in the budget.
    fn remaining(&self) -> usize;
}

/// Every point of a discrete space, the last value fastest (as `[sweep]` orders a grid).
pub fn grid(space: &[Domain]) -> Vec<Vec<Level>> {
    let levels: Vec<usize> = space.iter().map(|d| d.levels().unwrap_or(1)).collect();
    let total: usize = levels.iter().product();
    (0..total)
        .map(|mut i| {
            let mut idx = vec![0; space.len()];
            for j in (0..space.len()).rev() {
                idx[j] = i % levels[j];
                i /= levels[j];
            }
            space.iter().zip(idx).map(|(d, k)| d.level(k)).collect()
        })
        .collect()
}

/// The `auto` search from `start` (the plan as written, projected into the space).
pub fn auto(space: &[Domain], start: Vec<Level>, obj: &mut dyn Objective) -> Result<()> {
    if let Some(n) = grid_size(space)
        && n <= obj.remaining()
    {
        obj.eval(&grid(space), "grid")?;
        return Ok(());
    }
    let cube = Cube::new(space);
    // 1. The plan as written, then the screening design.
    let c0 = obj.eval(std::slice::from_ref(&start), "start")?;
    let budget = obj.remaining() + 1;
    let n0 = (budget / 4).clamp(1, 256).min(obj.remaining());
    let screen: Vec<Vec<Level>> = (0..n0).map(|i| cube.screening_point(i)).collect();
    let costs = obj.eval(&screen, "screen")?;
    let mut seen: Vec<(Vec<Level>, f64)> = std::iter::once(start)
        .zip(c0)
        .chain(screen.into_iter().zip(costs))
        .filter_map(|(p, c)| c.map(|c| (p, c)))
        .collect();
    // 2. Nelder-Mead in the best category combinations, best first; after each, 3. the poll.
    let mut combos: Vec<(Vec<usize>, Vec<Level>, f64)> = Vec::new();
    for (p, c) in &seen {
        let key = cube.combo(p);
        match combos.iter_mut().find(|(k, _, _)| *k == key) {
            Some(e) if *c < e.2 => {
                e.1 = p.clone();
                e.2 = *c;
            }
            Some(_) => {}
            None => combos.push((key, p.clone(), *c)),
        }
    }
    combos.sort_by(|a, b| a.2.total_cmp(&b.2));
    let rounds = combos.len().min(3);
    for (r, (_, from, _)) in combos.into_iter().take(rounds).enumerate() {
        if obj.remaining() == 0 {
            break;
        }
        if !cube.numeric.is_empty() {
            // Share what is left among the remaining rounds; keep a fifth for the polls.
            let share = (obj.remaining() * 4 / 5 / (rounds - r)).max(1);
            if let Some(best) = cube.nelder_mead(&from, share, obj)? {
                seen.push(best);
            }
        }
        let best = seen.iter().min_by(|a, b| a.1.total_cmp(&b.1)).map(|(p, c)| (p.clone(), *c));
        if let Some((p, c)) = best {
            let polled = cube.poll(p, c, obj)?;
            seen.push(polled);
        }
    }
    // Budget left: keep polling from the best point with finer continuous steps.
    while obj.remaining() > 0 {
        let Some((p, c)) = seen.iter().min_by(|a, b| a.1.total_cmp(&b.1)).map(|(p, c)| (p.clone(), *c)) else { break };
        let before = obj.remaining();
        let polled = cube.poll(p, c, obj)?;
        seen.push(polled);
        if obj.remaining() == before {
            break;
        }
    }
    Ok(())
}

/// The numeric values of a point as coordinates in the unit cube, the categorical ones as a
/// combination.
struct Cube<'a> {
    space: &'a [Domain],
    /// Indices of the numeric (continuous or stepped) values.
    numeric: Vec<usize>,
    /// Indices of the categorical values.
    choice: Vec<usize>,
}

impl<'a> Cube<'a> {
    fn new(space: &'a [Domain]) -> Self {
        let (choice, numeric) = (0..space.len()).partition(|&i| matches!(space[i], Domain::Choice { .. }));
        Cube { space, numeric, choice }
    }

    fn combos(&self) -> usize {
        self.choice.iter().map(|&i| self.space[i].levels().unwrap_or(1)).fold(1usize, usize::saturating_mul)
    }

    fn combo(&self, p: &[Level]) -> Vec<usize> {
        self.choice.iter().map(|&i| if let Level::Choice(c) = p[i] { c } else { 0 }).collect()
    }

    /// Numeric value i at coordinate u (clamped to [0, 1]; stepped values snapped to a step).
    fn value(&self, i: usize, u: f64) -> Level {
        let u = if u.is_finite() { u.clamp(0.0, 1.0) } else { 0.5 };
        match &self.space[i] {
            Domain::Continuous { min, max } => Level::Num(min + u * (max - min)),
            d @ Domain::Steps { .. } => {
                let n = d.levels().unwrap_or(1);
                Level::Num(d.step_value((u * (n - 1) as f64).round() as usize))
            }
            Domain::Choice { .. } => Level::Choice(0),
        }
    }

    /// The coordinate of numeric value i's level.
    fn coord(&self, i: usize, l: Level) -> f64 {
        let Level::Num(x) = l else { return 0.5 };
        match &self.space[i] {
            Domain::Continuous { min, max } | Domain::Steps { min, max, .. } if max > min => (x - min) / (max - min),
            _ => 0.5,
        }
    }

    /// Point i of the screening design: Halton coordinates for the numeric values; the category
    /// combinations in turn when there are fewer than the design's points, else Halton too.
    fn screening_point(&self, i: usize) -> Vec<Level> {
        let mut p = vec![Level::Num(0.0); self.space.len()];
        let combos = self.combos();
        let mut rest = i % combos.max(1);
        for (dim, &j) in self.numeric.iter().enumerate() {
            p[j] = self.value(j, halton(i + 1, PRIMES[dim % PRIMES.len()]));
        }
        for (dim, &j) in self.choice.iter().enumerate().rev() {
            let n = self.space[j].levels().unwrap_or(1);
            let c = if combos <= 4096 {
                let c = rest % n;
                rest /= n;
                c
            } else {
                ((halton(i + 1, PRIMES[(self.numeric.len() + dim) % PRIMES.len()]) * n as f64) as usize).min(n - 1)
            };
            p[j] = Level::Choice(c);
        }
        p
    }

    /// Nelder-Mead over the numeric values with the categories of `from` fixed, started at
    /// `from`, for at most `budget` new evaluations. Returns the best point it evaluated.
    fn nelder_mead(&self, from: &[Level], budget: usize, obj: &mut dyn Objective) -> Result<Option<(Vec<Level>, f64)>> {
        let x0: Vec<f64> = self.numeric.iter().map(|&i| self.coord(i, from[i])).collect();
        // The first simplex: a quarter of each range away from the start, towards the inside.
        let mut simplex = vec![x0.clone()];
        for d in 0..x0.len() {
            let mut x = x0.clone();
            x[d] = if x[d] + 0.25 <= 1.0 { x[d] + 0.25 } else { x[d] - 0.25 };
            simplex.push(x);
        }
        let stop = obj.remaining().saturating_sub(budget);
        let problem = Problem { cube: self, from, obj: std::cell::RefCell::new(obj), stop, best: Default::default(), failed: Default::default() };
        let solver = NelderMead::new(simplex).with_sd_tolerance(1e-9).map_err(|e| crate::Error::Failed(format!("Nelder-Mead: {e}")))?;
        // Stops when the simplex's costs agree, or at the iteration limit (reached quickly once
        // the budget share is spent: every new point then costs infinity without an evaluation).
        let max_iters = 20 * budget as u64 + 100;
        // The solver's own result is not needed: the objective records every point.
        drop(Executor::new(&problem, solver).configure(|s| s.max_iters(max_iters)).run());
        if let Some(e) = problem.failed.into_inner() {
            return Err(e);
        }
        Ok(problem.best.into_inner())
    }

    /// Poll the neighbours of `p` (cost `c`) and move to the best while it improves. Returns the
    /// best point reached.
    fn poll(&self, mut p: Vec<Level>, mut c: f64, obj: &mut dyn Objective) -> Result<(Vec<Level>, f64)> {
        let mut h = 1.0 / 16.0;
        loop {
            let mut nbrs: Vec<Vec<Level>> = Vec::new();
            for (i, d) in self.space.iter().enumerate() {
                match (d, p[i]) {
                    (Domain::Choice { labels }, Level::Choice(k)) => {
                        nbrs.extend((0..labels.len()).filter(|&o| o != k).map(|o| with(&p, i, Level::Choice(o))));
                    }
                    (Domain::Steps { step, min, max, .. }, Level::Num(x)) => {
                        let k = ((x - min) / step).round() as i64;
                        let n = d.levels().unwrap_or(1) as i64;
                        for kk in [k - 1, k + 1] {
                            if (0..n).contains(&kk) && d.step_value(kk as usize) <= *max {
                                nbrs.push(with(&p, i, Level::Num(d.step_value(kk as usize))));
                            }
                        }
                    }
                    (Domain::Continuous { min, max }, Level::Num(x)) => {
                        for s in [-h, h] {
                            let y = (x + s * (max - min)).clamp(*min, *max);
                            if y != x {
                                nbrs.push(with(&p, i, Level::Num(y)));
                            }
                        }
                    }
                    _ => {}
                }
            }
            if nbrs.is_empty() || obj.remaining() == 0 {
                return Ok((p, c));
            }
            let costs = obj.eval(&nbrs, "poll")?;
            let best = nbrs.into_iter().zip(costs).filter_map(|(q, k)| k.map(|k| (q, k))).min_by(|a, b| a.1.total_cmp(&b.1));
            match best {
                Some((q, k)) if k < c => {
                    p = q;
                    c = k;
                }
                _ if h > 1.0 / 1024.0 && self.numeric.iter().any(|&i| matches!(self.space[i], Domain::Continuous { .. })) => h /= 2.0,
                _ => return Ok((p, c)),
            }
        }
    }
}

/// `p` with value i replaced.
fn with(p: &[Level], i: usize, l: Level) -> Vec<Level> {
    let mut q = p.to_vec();
    q[i] = l;
    q
}

/// Nelder-Mead's view: coordinates in, the objective's cost out.
struct Problem<'c, 'o> {
    cube: &'c Cube<'c>,
    from: &'c [Level],
    obj: std::cell::RefCell<&'o mut dyn Objective>,
    /// Stop when the objective's remaining budget falls to this.
    stop: usize,
    best: std::cell::RefCell<Option<(Vec<Level>, f64)>>,
    /// An error of the objective (not of the search), returned after the solver stops.
    failed: std::cell::RefCell<Option<crate::Error>>,
}

impl CostFunction for &Problem<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        let mut p = self.from.to_vec();
        for (&i, &x) in self.cube.numeric.iter().zip(u) {
            p[i] = self.cube.value(i, x);
        }
        // Never an error: argmin unwraps the costs of a shrink step (and of the first simplex),
        // so a spent budget or a failed evaluation is an infinite cost, which no step prefers;
        // the solver then stops at its iteration limit without evaluating anything more.
        let mut obj = self.obj.borrow_mut();
        if obj.remaining() <= self.stop || self.failed.borrow().is_some() {
            return Ok(f64::INFINITY);
        }
        let got = match obj.eval(std::slice::from_ref(&p), "nelder-mead") {
            Ok(c) => c.first().copied().flatten(),
            Err(e) => {
                *self.failed.borrow_mut() = Some(e);
                return Ok(f64::INFINITY);
            }
        };
        let Some(c) = got else { return Ok(f64::INFINITY) };
        // Points outside the cube are evaluated at its edge; a small penalty on the distance
        // keeps the simplex from wandering off along a flat edge.
        let outside: f64 = u.iter().map(|x| (x - x.clamp(0.0, 1.0)).abs()).sum();
        let mut best = self.best.borrow_mut();
        if best.as_ref().is_none_or(|b| c < b.1) {
            *best = Some((p, c));
        }
        Ok(c + outside * (c.abs() * 1e-3 + 1e-9))
    }
}

const PRIMES: [usize; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

/// The radical inverse of i in `base`: the Halton sequence's coordinate.
fn halton(mut i: usize, base: usize) -> f64 {
    let (mut f, mut r) = (1.0, 0.0);
    while i > 0 {
        f /= base as f64;
        r += f * (i % base) as f64;
        i /= base;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counting objective over a known function, with its own record of every point.
    struct Fn<F: FnMut(&[Level]) -> f64> {
        f: F,
        budget: usize,
        seen: Vec<(Vec<Level>, f64)>,
    }

    impl<F: FnMut(&[Level]) -> f64> Objective for Fn<F> {
        fn eval(&mut self, points: &[Vec<Level>], _: &'static str) -> Result<Vec<Option<f64>>> {
            Ok(points
                .iter()
                .map(|p| {
                    if let Some((_, c)) = self.seen.iter().find(|(q, _)| q == p) {
                        return Some(*c);
                    }
                    if self.budget == 0 {
                        return None;
                    }
                    self.budget -= 1;
                    let c = (self.f)(p);
                    self.seen.push((p.clone(), c));
                    Some(c)
                })
                .collect())
        }
        fn remaining(&self) -> usize {
            self.budget
        }
    }

    fn num(l: Level) -> f64 {
        if let Level::Num(x) = l { x } else { f64::NAN }
    }

    #[test]
    fn halton_is_the_radical_inverse() {
        assert_eq!(halton(1, 2), 0.5);
        assert_eq!(halton(6, 2), 0.375); // 110 -> .011
        assert!((halton(5, 3) - 7.0 / 9.0).abs() < 1e-15); // 12 -> .21
    }

    #[test]
    fn grid_enumerates_every_point_last_value_fastest() {
        let space = [Domain::Steps { min: 1.0, max: 3.0, step: 1.0, integer: true }, Domain::Choice { labels: vec!["a".into(), "b".into()] }];
        let g = grid(&space);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![Level::Num(1.0), Level::Choice(0)]);
        assert_eq!(g[1], vec![Level::Num(1.0), Level::Choice(1)]);
        assert_eq!(g[5], vec![Level::Num(3.0), Level::Choice(1)]);
    }

    #[test]
    fn auto_finds_a_mixed_optimum_within_budget() {
        // Minimum at days = 17 (integer steps), factor = 0.62 (continuous), shape = "c".
        let space = [
            Domain::Steps { min: 0.0, max: 40.0, step: 1.0, integer: true },
            Domain::Continuous { min: 0.0, max: 1.0 },
            Domain::Choice { labels: vec!["a".into(), "b".into(), "c".into()] },
        ];
        let f = |p: &[Level]| {
            let shape = if let Level::Choice(c) = p[2] { [3.0, 1.0, 0.0][c] } else { 9.0 };
            (num(p[0]) - 17.0).powi(2) / 40.0 + 10.0 * (num(p[1]) - 0.62).powi(2) + shape
        };
        let mut obj = Fn { f, budget: 150, seen: Vec::new() };
        auto(&space, vec![Level::Num(0.0), Level::Num(0.5), Level::Choice(0)], &mut obj).unwrap();
        assert!(obj.seen.len() <= 150, "{} evaluations", obj.seen.len());
        let (best, c) = obj.seen.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert_eq!(best[0], Level::Num(17.0), "{best:?} {c}");
        assert_eq!(best[2], Level::Choice(2));
        assert!((num(best[1]) - 0.62).abs() < 0.02, "{best:?}");
    }

    #[test]
    fn auto_uses_the_grid_when_it_fits() {
        let space = [Domain::Steps { min: 0.0, max: 9.0, step: 1.0, integer: true }];
        let mut obj = Fn { f: |p: &[Level]| (num(p[0]) - 4.0).abs(), budget: 10, seen: Vec::new() };
        auto(&space, vec![Level::Num(0.0)], &mut obj).unwrap();
        assert_eq!(obj.seen.len(), 10);
        assert_eq!(obj.remaining(), 0);
    }
}
