//! The problem collector that validation threads through every check ([`V`]), and the small
//! value checks and name helpers every part of validation shares.

use std::ops::Range;
use std::path::Path;

use super::error::ScenarioError;
use super::tree::{Node, Val};
use crate::daily::MAX_LOAD;

/// Collects problems while reading values out of the tree.
pub(super) struct V {
    pub err: ScenarioError,
    /// Warnings: the value validates but looks wrong.
    pub warnings: Vec<(Range<usize>, String)>,
    /// Problems reported so far, counting repeats that `err` keeps only once: a check compares
    /// this before and after to learn whether anything below it failed.
    pub reported: usize,
    /// The population-constraint pilot's verdict per model (rows of a sweep over the plan share
    /// one model: the 4096 trial athletes are drawn once).
    pub pilots: std::collections::HashMap<String, Option<(String, String)>>,
    /// Whether an overflowing plan was reported (the first one is enough: a sweep would repeat it
    /// for every row).
    pub plan_overflow: bool,
}

impl V {
    pub(super) fn new(path: &Path, text: &str) -> Self {
        V { err: ScenarioError::new(&path.display().to_string(), text), warnings: Vec::new(), reported: 0, pilots: Default::default(), plan_overflow: false }
    }

    pub(super) fn warn(&mut self, span: &Range<usize>, msg: impl Into<String>) {
        let msg = msg.into();
        if !self.warnings.iter().any(|(s, m)| s == span && *m == msg) {
            self.warnings.push((span.clone(), msg));
        }
    }

    pub(super) fn bad(&mut self, span: &Range<usize>, msg: impl Into<String>) {
        self.reported += 1;
        let msg = msg.into();
        if !self.err.problems.iter().any(|p| p.span == *span && p.message == msg) {
            self.err.push(span.clone(), msg);
        }
    }

    /// Check a table's keys against the allowed ones; unknown keys are errors.
    pub(super) fn keys(&mut self, node: &Node, path: &str, allowed: &[&str]) -> bool {
        let Some(t) = node.table() else {
            self.bad(&node.span, format!("{path} = {}: expected a table", node.show()));
            return false;
        };
        for (k, _) in t {
            if !allowed.contains(&k.name.as_str()) {
                let full = join(path, &k.name);
                let hint = suggest(&k.name, allowed).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                self.bad(&k.span, format!("{full}: unknown key{hint}; expected one of {}", allowed.join(", ")));
            }
        }
        true
    }

    pub(super) fn float(&mut self, t: &Node, key: &str, path: &str, check: impl Fn(f64) -> Option<String>) -> Option<f64> {
        let n = t.get(key)?;
        let full = join(path, key);
        let Some(x) = n.as_f64() else {
            self.bad(&n.span, format!("{full} = {}: expected a number, found {}", n.show(), n.kind()));
            return None;
        };
        if let Some(m) = check(x) {
            self.bad(&n.span, format!("{full} = {}: {m}", n.show()));
            return None;
        }
        Some(x)
    }

    pub(super) fn int(&mut self, t: &Node, key: &str, path: &str, lo: i64, hi: i64) -> Option<i64> {
        let n = t.get(key)?;
        let full = join(path, key);
        let Val::Int(i) = n.val else {
            self.bad(&n.span, format!("{full} = {}: expected an integer, found {}", n.show(), n.kind()));
            return None;
        };
        if i < lo || i > hi {
            self.bad(&n.span, format!("{full} = {i}: must be between {lo} and {hi}"));
            return None;
        }
        Some(i)
    }

    pub(super) fn string<'n>(&mut self, t: &'n Node, key: &str, path: &str) -> Option<&'n str> {
        let n = t.get(key)?;
        match &n.val {
            Val::Str(s) => Some(s),
            _ => {
                self.bad(&n.span, format!("{} = {}: expected a string, found {}", join(path, key), n.show(), n.kind()));
                None
            }
        }
    }

    pub(super) fn required<T>(&mut self, got: Option<T>, t: &Node, key: &str, path: &str, span: &Range<usize>, what: &str) -> Option<T> {
        if got.is_none() && t.get(key).is_none() {
            self.bad(span, format!("{}: missing; expected {what}", join(path, key)));
        }
        got
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// The allowed name closest to a misspelt one (edit distance at most 2).
pub(super) fn suggest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let dist = |a: &str, b: &str| {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
            }
            prev = cur;
        }
        prev[b.len()]
    };
    allowed.iter().map(|a| (dist(name, a), *a)).filter(|(d, _)| *d <= 2).min_by_key(|(d, _)| *d).map(|(_, a)| a)
}

pub(super) fn positive(x: f64) -> Option<String> {
    (!(x.is_finite() && x > 0.0)).then(|| "must be > 0".into())
}
pub(super) fn non_negative(x: f64) -> Option<String> {
    (!(x.is_finite() && x >= 0.0)).then(|| "must be >= 0".into())
}

/// A daily load: daily training loads are in the hundreds; far beyond that the models overflow.
pub(super) fn load_value(x: f64) -> Option<String> {
    (!(x.is_finite() && (0.0..=MAX_LOAD).contains(&x))).then(|| format!("must be between 0 and {MAX_LOAD:e}"))
}

