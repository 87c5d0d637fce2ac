//! Turning a spanned TOML tree into a validated [`Scenario`], collecting every problem found.

use std::ops::Range;
use std::path::Path;

use super::error::ScenarioError;
use super::spec::*;
use super::tree::{self, Node, Val};
use crate::daily::MAX_LOAD;
use crate::model::{Constraint, Convention, ModelConfig, ModelKind};
use crate::plan::Session;

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TOP_KEYS: &[&str] = &["schema_version", "name", "description", "run", "model", "athlete", "plan", "noise", "variant", "sweep", "compare", "optimize"];
const RUN_KEYS: &[&str] = &["seed", "athletes", "load_unit", "performance_unit"];
const NOISE_KEYS: &[&str] = &["load_cv", "miss_rate", "test_sd"];
const VARIANT_KEYS: &[&str] = &["name", "description", "compare_with", "model", "athlete", "plan", "noise"];
const PHASE_KEYS: &[&str] = &[
    "weeks", "key_workouts", "spacing", "key_load", "easy_load", "rest_days", "recovery", "overreach", "progression",
    "target_weekly_load", "long_run",
];
const PLAN_ONLY_KEYS: &[&str] =
    &["taper", "loads", "phase", "target_total_load", "weekly_loads", "race_weekday", "race_date", "start_date", "load_column"];
/// Factors above this look like percentages typed as factors.
const FACTOR_WARN: f64 = 3.0;
const MAX_WEEKS: usize = 1040;
const MAX_ATHLETES: i64 = 100_000_000;
/// The most rows (variants x sweep points) a scenario may have.
pub const MAX_ROWS: usize = 100_000;

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
    pub pilots: std::collections::HashMap<String, Option<String>>,
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

/// A unit label as written, trimmed.
fn unit(s: &str) -> String {
    s.trim().to_string()
}

/// The comment lines before the first key or table of a TOML file, without their `#`.
fn opening_comment(text: &str) -> String {
    let mut lines = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if let Some(c) = t.strip_prefix('#') {
            lines.push(c.strip_prefix(' ').unwrap_or(c).trim_end().to_string());
        } else if !t.is_empty() {
            break;
        }
    }
    lines.join("\n")
}

/// SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// The allowed name closest to a misspelt one (edit distance at most 2).
fn suggest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
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

fn positive(x: f64) -> Option<String> {
    (!(x.is_finite() && x > 0.0)).then(|| "must be > 0".into())
}
fn non_negative(x: f64) -> Option<String> {
    (!(x.is_finite() && x >= 0.0)).then(|| "must be >= 0".into())
}

/// A daily load: daily training loads are in the hundreds; far beyond that the models overflow.
fn load_value(x: f64) -> Option<String> {
    (!(x.is_finite() && (0.0..=MAX_LOAD).contains(&x))).then(|| format!("must be between 0 and {MAX_LOAD:e}"))
}

/// Parse and validate scenario text. `path` names the file in errors and anchors `loads = "..."`.
///
/// ```
/// let text = r#"
/// schema_version = 1
/// [model]
/// preset = "busso2003"
/// [plan]
/// weeks = 8
/// key_workouts = 3
/// key_load = 100
/// [sweep]
/// "plan.key_workouts" = [2, 3, 4]
/// "#;
/// let sc = periodize::scenario::parse_scenario(text, std::path::Path::new("s.toml")).unwrap();
/// assert_eq!(sc.rows.len(), 3);
///
/// // Every problem is reported with its line and column.
/// let bad = text.replace("key_workouts = 3", "key_workouts = 9");
/// let err = periodize::scenario::parse_scenario(&bad, std::path::Path::new("s.toml")).unwrap_err();
/// assert!(err.to_string().contains("s.toml:7:16: plan.key_workouts = 9"));
/// ```
pub fn parse_scenario(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let mut v = V::new(path, text);
    let root = match tree::parse(text) {
        Ok(r) => r,
        Err((span, msg)) => {
            v.bad(&span, format!("invalid TOML: {msg}"));
            return Err(v.err);
        }
    };
    let whole = 0..0;
    v.keys(&root, "", TOP_KEYS);
    match root.get("schema_version") {
        None => v.bad(&whole, "schema_version: missing; expected schema_version = 1"),
        Some(n) if n.val != Val::Int(1) => v.bad(&n.span, format!("schema_version = {}: expected 1, the only version this periodize reads", n.show())),
        _ => {}
    }
    let name = v.string(&root, "name", "").map(str::to_string);
    let name = name.unwrap_or_else(|| path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned()));
    let description = v.string(&root, "description", "").unwrap_or("").to_string();

    let (mut seed, mut athletes) = (1u64, 1000usize);
    let (mut load_unit, mut performance_unit) = (String::new(), String::new());
    if let Some(run) = root.get("run")
        && v.keys(run, "run", RUN_KEYS) {
            seed = v.int(run, "seed", "run", 0, i64::MAX).map_or(seed, |s| s as u64);
            athletes = v.int(run, "athletes", "run", 1, MAX_ATHLETES).map_or(athletes, |a| a as usize);
            load_unit = v.string(run, "load_unit", "run").map(unit).unwrap_or_default();
            performance_unit = v.string(run, "performance_unit", "run").map(unit).unwrap_or_default();
        }
    for section in ["model", "plan"] {
        if root.get(section).is_none() {
            v.bad(&whole, format!("[{section}]: missing; every scenario needs a [{section}] table"));
        }
    }

    // Variants: each a name plus overrides of model, plan and noise.
    let mut variants: Vec<(String, Node)> = Vec::new();
    // Each row clones its variant's tree: without the sweep's value lists (which can be long)
    // that is O(rows), not O(rows x values).
    let mut base = root.clone();
    base.remove("sweep");
    // `compare_with = "OTHER"`: this variant's rows are compared with OTHER's (name, target, span).
    let mut compare_with: Vec<(String, String, Range<usize>)> = Vec::new();
    match root.get("variant").map(|n| &n.val) {
        None => variants.push((name.clone(), base.clone())),
        Some(Val::Array(list)) => {
            for (i, var) in list.iter().enumerate() {
                let vpath = format!("variant[{i}]");
                if !v.keys(var, &vpath, VARIANT_KEYS) {
                    continue;
                }
                let got = v.string(var, "name", &vpath).map(str::to_string);
                let Some(vname) = v.required(got, var, "name", &vpath, &var.span, "a name for the variant") else {
                    continue;
                };
                if vname.trim().is_empty() {
                    v.bad(&var.get("name").map_or(var.span.clone(), |n| n.span.clone()), format!("{vpath}.name = \"{vname}\": a variant needs a name that is not empty"));
                    continue;
                }
                if variants.iter().any(|(n, _)| *n == vname) {
                    v.bad(&var.get("name").map_or(var.span.clone(), |n| n.span.clone()), format!("{vpath}.name = \"{vname}\": names must be unique"));
                    continue;
                }
                let mut t = base.clone();
                for section in ["model", "athlete", "plan", "noise"] {
                    if let Some(over) = var.get(section) {
                        let key_span = var.key_span(section).unwrap_or_default();
                        // Another kind of model has other parameters: replace, don't merge.
                        if section == "model" && over.get("kind").is_some() {
                            t.remove(section);
                        }
                        t.set_path(&[section], over.clone(), &key_span);
                    }
                }
                hidden_overrides(&mut v, var, &t, &vpath);
                if let Some(target) = v.string(var, "compare_with", &vpath) {
                    compare_with.push((vname.clone(), target.to_string(), var.get("compare_with").map_or(var.span.clone(), |n| n.span.clone())));
                }
                variants.push((vname, t));
            }
        }
        Some(_) => v.bad(&root.get("variant").map_or(whole.clone(), |n| n.span.clone()), "variant: expected [[variant]] tables"),
    }

    // Sweep: dotted paths, each over a list of values; a grid (default) or zipped.
    let mut sweep: Vec<(String, Range<usize>, Vec<Node>)> = Vec::new();
    let mut zip = false;
    if let Some(sw) = root.get("sweep") {
        if let Some(t) = sw.table() {
            for (k, n) in t {
                if k.name == "mode" {
                    match &n.val {
                        Val::Str(s) if s == "zip" => zip = true,
                        Val::Str(s) if s == "grid" => {}
                        _ => v.bad(&n.span, format!("sweep.mode = {}: expected \"grid\" or \"zip\"", n.show())),
                    }
                    continue;
                }
                let first = k.name.split('.').next().unwrap_or("");
                if !["model", "athlete", "plan", "noise"].contains(&first) || k.name.split('.').any(str::is_empty) {
                    let why = if first == "run" { "run settings are the same for every row; set them in [run]" } else { "expected a path under model., athlete., plan. or noise." };
                    v.bad(&k.span, format!("sweep.\"{}\": {why}", k.name));
                    continue;
                }
                match &n.val {
                    Val::Array(vals) if !vals.is_empty() => sweep.push((k.name.clone(), k.span.clone(), vals.clone())),
                    _ => v.bad(&n.span, format!("sweep.\"{}\" = {}: expected a non-empty array of values", k.name, n.show())),
                }
            }
        } else {
            v.bad(&sw.span, "sweep: expected a table of \"path\" = [values]");
        }
    }
    let points = sweep_points(&mut v, &sweep, zip);
    let optimize = super::optimize::read(&mut v, &root, &variants, root.get("sweep").is_some(), path, text);

    let dir = path.parent().unwrap_or(Path::new("."));
    let mut rows = Vec::new();
    let mut file_cache: FileCache = Vec::new();
    for (vname, t) in &variants {
        // A value written in the file is checked even where a sweep replaces it in every row.
        if !sweep.is_empty() {
            validate_row(&mut v, t, vname, Vec::new(), dir, &mut file_cache);
        }
        for point in &points {
            let mut t = t.clone();
            let mut labels = Vec::new();
            for ((p, kspan, _), val) in sweep.iter().zip(point) {
                let parts: Vec<&str> = p.split('.').collect();
                t.set_path(&parts, val.clone(), kspan);
                labels.push(val.label());
            }
            if let Some(row) = validate_row(&mut v, &t, vname, labels, dir, &mut file_cache) {
                rows.push(row);
            }
        }
    }
    let sweep_paths: Vec<String> = sweep.iter().map(|(p, _, _)| p.clone()).collect();
    let names: Vec<String> = variants.iter().map(|(n, _)| n.clone()).collect();
    let first_values: Vec<String> = sweep.iter().map(|(_, _, vals)| vals[0].label()).collect();
    let compare = match root.get("compare") {
        Some(c) if v.err.is_empty() => super::compare::resolve(&mut v, c, &names, &sweep_paths, &first_values, &mut rows),
        Some(c) => super::compare::read(&mut v, c).unwrap_or_default(),
        None => {
            super::compare::resolve_default(&names, &mut rows);
            Compare::default()
        }
    };
    if v.err.is_empty() {
        super::compare::apply_compare_with(&mut v, &compare, &names, &compare_with, &mut rows);
    }
    if v.err.is_empty() && variants.len().saturating_mul(points.len()) > MAX_ROWS {
        v.bad(&whole, format!("{} variants x {} sweep points make more than {MAX_ROWS} rows, the most a scenario may have", variants.len(), points.len()));
    }
    if v.err.is_empty() {
        resolve_reference_totals(&mut rows);
        plan_warnings(&mut v, &root, &rows, &sweep_paths);
    }
    if !v.err.is_empty() {
        v.err.problems.sort_by_key(|p| (p.line, p.column));
        return Err(v.err);
    }
    let mut warnings = std::mem::take(&mut v.warnings);
    warnings.sort_by_key(|(s, _)| s.start);
    let warnings = warnings
        .into_iter()
        .map(|(span, m)| {
            let (line, col) = super::error::line_col(text, span.start);
            format!("{}:{line}:{col}: {m}", path.display())
        })
        .collect();
    Ok(Scenario {
        name,
        description,
        path: path.to_path_buf(),
        seed,
        athletes,
        sweep_paths,
        rows,
        compare,
        load_unit,
        performance_unit,
        opening_comment: opening_comment(text),
        sha256: sha256_hex(text.as_bytes()),
        warnings,
        optimize: optimize.as_ref().map(|(o, _)| o.clone()),
        source: optimize.map(|(_, s)| std::sync::Arc::new(s)),
    })
}

/// `target_total_load = "reference"`: each compared row is scaled to its reference's planned
/// total; a reference row keeps its own plan.
fn resolve_reference_totals(rows: &mut [Row]) {
    let totals: Vec<Option<f64>> = rows
        .iter()
        .map(|r| match (&r.plan, r.reference) {
            (PlanSpec::Generated { target_total_load: Some(TotalTarget::Reference), .. }, Some(i)) => Some(crate::plan::generate(&rows[i].plan).total()),
            _ => None,
        })
        .collect();
    for (row, total) in rows.iter_mut().zip(totals) {
        if let PlanSpec::Generated { target_total_load: t @ Some(TotalTarget::Reference), .. } = &mut row.plan {
            *t = total.map(TotalTarget::Load);
        }
    }
}

/// Plans that validate but look wrong: a recovery or overreach week cut into by the taper, a
/// race week heavier than the week before. Rows with the same finding share one warning.
fn plan_warnings(v: &mut V, root: &Node, rows: &[Row], sweep_paths: &[String]) {
    let plan_span = root.key_span("plan").unwrap_or(0..0);
    let taper_span = root.get("plan").and_then(|p| p.get("taper")).map_or(plan_span.clone(), |t| t.span.clone());
    // (span, finding) -> the labels of the rows with it, in row order.
    type Findings = Vec<((Range<usize>, String), Vec<String>)>;
    let mut found: Findings = Vec::new();
    let mut note = |span: &Range<usize>, finding: String, label: String| match found.iter_mut().find(|(k, _)| k.0 == *span && k.1 == finding) {
        Some((_, labels)) => labels.push(label),
        None => found.push(((span.clone(), finding), vec![label])),
    };
    for row in rows {
        let label = row.label(sweep_paths);
        let PlanSpec::Generated { phases, taper, weekly_loads, race_weekday, start_date, .. } = &row.plan else { continue };
        if let Some(t) = taper.filter(|t| t.days > 0) {
            // The kinds the taper's days had before the taper overwrote them.
            let untapered = crate::plan::generate(&PlanSpec::Generated {
                phases: phases.clone(),
                taper: None,
                target_total_load: None,
                weekly_loads: weekly_loads.clone(),
                race_weekday: *race_weekday,
                start_date: *start_date,
            });
            let n = untapered.days();
            for k in [crate::plan::WeekKind::Recovery, crate::plan::WeekKind::Overreach] {
                let weeks: std::collections::BTreeSet<usize> = (n.saturating_sub(t.days)..n).filter(|&d| untapered.kind[d] == k).map(|d| d / 7 + 1).collect();
                if !weeks.is_empty() {
                    let list: Vec<String> = weeks.iter().map(usize::to_string).collect();
                    note(&taper_span, format!("the taper (the last {} days) overlaps {} week {}", t.days, k.name(), list.join(", ")), label.clone());
                }
            }
        }
        let weeks = crate::plan::weeks(&crate::plan::generate(&row.plan));
        if let [.., before, last] = weeks.as_slice()
            && last.load > before.load * (1.0 + 1e-12)
        {
            note(&plan_span, format!("race week (week {}, load {:.0}) is heavier than the week before ({:.0})", last.week + 1, last.load, before.load), label);
        }
    }
    for ((span, finding), labels) in found {
        let which = if labels.len() == rows.len() && rows.len() > 1 {
            format!("every row ({})", rows.len())
        } else if labels.len() > 3 {
            format!("{} rows ({}, ...)", labels.len(), labels[..2].join("; "))
        } else {
            labels.join("; ")
        };
        let fix = if finding.starts_with("the taper") {
            "; end the plan with a [[plan.phase]] that sets recovery = \"none\" and overreach = \"none\" (with recovery.count = \"plan\" the cycle runs across phases), or shorten the taper"
        } else {
            ""
        };
        v.warn(&span, format!("{which}: {finding}{fix}"));
    }
}

/// Warn where a variant sets a plan key that a phase sets too: the phase's value wins there.
fn hidden_overrides(v: &mut V, var: &Node, t: &Node, vpath: &str) {
    let (Some(over), Some(Val::Array(phases))) = (var.get("plan").and_then(Node::table), t.get("plan").and_then(|p| p.get("phase")).map(|n| &n.val)) else {
        return;
    };
    for (k, val) in over.iter().filter(|(k, _)| k.name != "phase") {
        // A phase that sets the same value hides nothing, and one that switches a block off with
        // "none" says so on purpose.
        let hides = |p: &Node| p.val != val.val && !matches!(&p.val, Val::Str(x) if x == "none");
        let hiding: Vec<String> =
            phases.iter().enumerate().filter(|(_, ph)| ph.get(&k.name).is_some_and(hides)).map(|(i, ph)| ph.get("name").map_or(format!("phase{}", i + 1), Node::label)).collect();
        if !hiding.is_empty() {
            v.warn(&k.span, format!("{vpath}.plan.{}: phase {} sets its own {}, so this value does not reach it", k.name, hiding.join(", "), k.name));
        }
    }
}

/// Indices into each sweep path's values: the cartesian product (last path fastest) or a zip.
fn sweep_points(v: &mut V, sweep: &[(String, Range<usize>, Vec<Node>)], zip: bool) -> Vec<Vec<Node>> {
    if sweep.is_empty() {
        return vec![Vec::new()];
    }
    if zip {
        let n = sweep[0].2.len();
        for (p, span, vals) in sweep {
            if vals.len() != n {
                v.bad(span, format!("sweep.\"{p}\": has {} values but sweep.\"{}\" has {n}; mode = \"zip\" needs equal lengths", vals.len(), sweep[0].0));
                return Vec::new();
            }
        }
        return (0..n).map(|i| sweep.iter().map(|(_, _, vals)| vals[i].clone()).collect()).collect();
    }
    let total = sweep.iter().try_fold(1usize, |a, (_, _, vals)| a.checked_mul(vals.len()));
    if total.is_none_or(|n| n > MAX_ROWS) {
        let sizes: Vec<String> = sweep.iter().map(|(_, _, vals)| vals.len().to_string()).collect();
        v.bad(&sweep[0].1, format!("sweep: a grid of {} values makes more than {MAX_ROWS} rows, the most a scenario may have; sweep fewer values, or split the study", sizes.join(" x ")));
        return Vec::new();
    }
    let mut points: Vec<Vec<Node>> = vec![Vec::new()];
    for (_, _, vals) in sweep {
        points = points.into_iter().flat_map(|p| vals.iter().map(move |x| {
            let mut q = p.clone();
            q.push(x.clone());
            q
        })).collect();
    }
    points
}

pub(super) type FileCache = Vec<(String, Result<PlanFile, String>)>;

pub(super) fn validate_row(v: &mut V, t: &Node, variant: &str, sweep: Vec<String>, dir: &Path, files: &mut FileCache) -> Option<Row> {
    let model = t.get("model").and_then(|m| validate_model(v, m, t.key_span("model").unwrap_or_default(), dir));
    let start = match t.get("athlete") {
        None => Some(Start::Rested),
        Some(a) => super::athletes::validate_athlete(v, a, dir),
    };
    let plan = t.get("plan").and_then(|p| validate_plan(v, p, t.key_span("plan").unwrap_or_default(), dir, files));
    let noise = match t.get("noise") {
        None => Some(Noise::default()),
        Some(n) => validate_noise(v, n),
    };
    let row = Row { variant: variant.to_string(), sweep, model: model?, plan: plan?, noise: noise?, start: start?, reference: None };
    // Plans whose loads overflow (a progression compounded over years, a factor of 1e300), for
    // every row a scenario or `optimize` builds. A `target_total_load = "reference"` is resolved
    // later; an unscaled plan that overflows would scale to NaN.
    let plan = crate::plan::generate(&row.plan);
    if let Some((d, w)) = plan.load.iter().enumerate().find(|(_, w)| !(w.is_finite() && **w <= MAX_LOAD)) {
        if !v.plan_overflow {
            let at = if row.sweep.is_empty() { String::new() } else { format!(" ({})", row.sweep.join(", ")) };
            v.bad(&t.key_span("plan").unwrap_or_default(), format!("{variant}{at}: the plan's load on day {d} is {w:e}, beyond {MAX_LOAD:e}; check progression, factors and loads"));
        } else {
            // Counted, so the checks above see that the row failed.
            v.reported += 1;
        }
        v.plan_overflow = true;
        return None;
    }
    if !check_targets(v, t, &row, &plan) {
        return None;
    }
    super::sanity::check_row(v, t, &row, &plan.load).then_some(row)
}

/// A load target over a plan (or a phase) with no load to scale would be ignored: refuse it.
fn check_targets(v: &mut V, t: &Node, row: &Row, plan: &crate::plan::Plan) -> bool {
    let PlanSpec::Generated { phases, target_total_load, weekly_loads, .. } = &row.plan else {
        return true;
    };
    let span = |key: &str| t.get("plan").and_then(|p| p.get(key)).map(|n| n.span.clone()).or_else(|| t.key_span("plan")).unwrap_or_default();
    let at = if row.sweep.is_empty() { String::new() } else { format!(" ({})", row.sweep.join(", ")) };
    let mut ok = true;
    if let Some(TotalTarget::Load(x)) = target_total_load
        && *x > 0.0
        && plan.total() == 0.0
    {
        v.bad(&span("target_total_load"), format!("plan.target_total_load = {x}{at}: the plan has no load to scale (every day is rest); give it key workouts, easy days or a long run"));
        ok = false;
    }
    if weekly_loads.is_none() {
        for (i, ph) in phases.iter().enumerate() {
            let Some(x) = ph.target_weekly_load.filter(|x| *x > 0.0) else { continue };
            let days = plan.phase.iter().zip(&plan.load).filter(|(p, _)| **p as usize == i);
            if days.clone().count() > 0 && days.map(|(_, w)| *w).sum::<f64>() == 0.0 {
                let path = if phases.len() > 1 { format!("plan.phase[{i}]") } else { "plan".to_string() };
                v.bad(&span("target_weekly_load"), format!("{path}.target_weekly_load = {x}{at}: the template week has no load to scale (no key workouts, easy days or long run with a load)"));
                ok = false;
            }
        }
    }
    ok
}

fn validate_noise(v: &mut V, n: &Node) -> Option<Noise> {
    if !v.keys(n, "noise", NOISE_KEYS) {
        return None;
    }
    let errs = v.reported;
    let noise = Noise {
        load_cv: v.float(n, "load_cv", "noise", |x| (!(x.is_finite() && (0.0..=3.0).contains(&x))).then(|| "must be between 0 and 3".into())).unwrap_or(0.0),
        miss_rate: v.float(n, "miss_rate", "noise", |x| (!(x.is_finite() && (0.0..1.0).contains(&x))).then(|| "must be >= 0 and < 1".into())).unwrap_or(0.0),
        test_sd: v.float(n, "test_sd", "noise", non_negative).unwrap_or(0.0),
    };
    (v.reported == errs).then_some(noise)
}

fn validate_model(v: &mut V, m: &Node, span: Range<usize>, dir: &Path) -> Option<ModelSpec> {
    let errs = v.reported;
    let m = &super::athletes::expand_preset(v, m)?;
    let got = v.string(m, "kind", "model").map(str::to_string);
    let kinds = ModelKind::ALL.iter().map(|k| format!("\"{}\"", k.name())).collect::<Vec<_>>().join(", ");
    let kind_name = v.required(got, m, "kind", "model", &span, &format!("kind = one of {kinds} (or a preset = \"NAME\")"))?;
    let Some(kind) = ModelKind::parse(&kind_name) else {
        let n = m.get("kind")?;
        v.bad(&n.span, format!("model.kind = {}: expected one of {}", n.show(), ModelKind::names()));
        return None;
    };
    let defs = kind.params();
    let mut allowed: Vec<&str> = vec!["kind", "convention", "preset", "correlation", "require", "sample_from"];
    allowed.extend(defs.iter().map(|d| d.name));
    allowed.extend(kind.options().iter().map(|(n, _)| *n));
    v.keys(m, "model", &allowed);
    let mut config = ModelConfig::new(kind);
    if let Some(c) = v.string(m, "convention", "model") {
        match Convention::parse(c) {
            Some(c) => config.convention = c,
            None => {
                let n = m.get("convention")?;
                v.bad(&n.span, format!("model.convention = {}: expected \"lagged\" or \"same-day\"", n.show()));
            }
        }
    }
    for (opt, allowed) in kind.options() {
        if let Some(val) = v.string(m, opt, "model")
            && config.set_option(opt, val).is_err() {
                let n = m.get(opt)?;
                let list: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
                v.bad(&n.span, format!("model.{opt} = {}: expected one of {}", n.show(), list.join(", ")));
            }
    }
    let mut params = Vec::new();
    for def in defs {
        let path = format!("model.{}", def.name);
        let dist = match m.get(def.name) {
            None => match def.default {
                Some(d) => Some(Dist::Fixed { value: d }),
                None => {
                    v.bad(&span, format!("{path}: missing; {kind} needs {} (a number or a distribution)", def.name));
                    None
                }
            },
            Some(n) => validate_dist(v, n, &path, def.constraint),
        };
        if let Some(d) = dist {
            params.push((def.name.to_string(), d));
        }
    }
    if v.reported != errs {
        return None;
    }
    let joint = super::athletes::validate_joint(v, m, kind, &params, dir)?;
    (v.reported == errs).then_some(ModelSpec { config, params, joint })
}

/// A number (fixed) or `{ dist = "normal" | "lognormal" | "uniform", ... }`, whose every draw
/// must satisfy the parameter's constraint.
fn validate_dist(v: &mut V, n: &Node, path: &str, c: Constraint) -> Option<Dist> {
    if let Some(x) = n.as_f64() {
        if let Err(e) = c.check(x) {
            v.bad(&n.span, format!("{path} = {}: expected {e}", n.show()));
            return None;
        }
        return Some(Dist::Fixed { value: x });
    }
    if n.table().is_none() {
        v.bad(&n.span, format!("{path} = {}: expected a number or a distribution table, found {}", n.show(), n.kind()));
        return None;
    }
    let errs = v.reported;
    let kind = v.string(n, "dist", path)?.to_string();
    let need = |v: &mut V, key: &str, check: fn(f64) -> Option<String>| {
        let x = v.float(n, key, path, check);
        v.required(x, n, key, path, &n.span, "a number")
    };
    let dist = match kind.as_str() {
        "normal" => {
            v.keys(n, path, &["dist", "mean", "sd", "min", "max"]);
            let mean = need(v, "mean", |x| (!x.is_finite()).then(|| "must be finite".into()));
            let sd = need(v, "sd", |x| (!(x.is_finite() && x >= 0.0)).then(|| "must be >= 0".into()));
            let min = v.float(n, "min", path, |x| x.is_nan().then(|| "must be a number".into())).unwrap_or(f64::NEG_INFINITY);
            let max = v.float(n, "max", path, |x| x.is_nan().then(|| "must be a number".into())).unwrap_or(f64::INFINITY);
            let (mean, sd) = (mean?, sd?);
            if min >= max {
                v.bad(&n.span, format!("{path}: min = {min} must be less than max = {max}"));
                return None;
            }
            let mass = crate::stats::normal_cdf((max - mean) / sd) - crate::stats::normal_cdf((min - mean) / sd);
            if sd > 0.0 && mass < 1e-4 {
                v.bad(&n.span, format!("{path}: [min, max] = [{min}, {max}] holds only {mass:.1e} of normal(mean = {mean}, sd = {sd}); expected a window the distribution reaches"));
                return None;
            }
            if sd == 0.0 && !(min..=max).contains(&mean) {
                v.bad(&n.span, format!("{path}: sd = 0 puts every draw at mean = {mean}, outside [min, max]"));
                return None;
            }
            Dist::Normal { mean, sd, min, max }
        }
        "lognormal" => {
            v.keys(n, path, &["dist", "median", "sigma"]);
            let median = need(v, "median", positive);
            // sigma 3 already spreads the middle 99.7% over a factor of e^18 (6.6e7); beyond
            // that draws overflow the models, and it is a typo for a percentage or an sd.
            let sigma = need(v, "sigma", |x| (!(x.is_finite() && (0.0..=3.0).contains(&x))).then(|| "must be from 0 to 3 (the sd of ln x: 0.2 is a 20% spread)".into()));
            Dist::Lognormal { median: median?, sigma: sigma? }
        }
        "uniform" => {
            v.keys(n, path, &["dist", "min", "max"]);
            let min = need(v, "min", |x| (!x.is_finite()).then(|| "must be finite".into()));
            let max = need(v, "max", |x| (!x.is_finite()).then(|| "must be finite".into()));
            let (min, max) = (min?, max?);
            if min >= max {
                v.bad(&n.span, format!("{path}: min = {min} must be less than max = {max}"));
                return None;
            }
            Dist::Uniform { min, max }
        }
        _ => {
            let d = n.get("dist")?;
            v.bad(&d.span, format!("{path}.dist = {}: expected \"normal\", \"lognormal\" or \"uniform\"", d.show()));
            return None;
        }
    };
    // Every draw must be a valid parameter value.
    let lowest = match dist {
        Dist::Normal { min, .. } | Dist::Uniform { min, .. } => min,
        _ => f64::MIN_POSITIVE,
    };
    let ok = match c {
        Constraint::Finite => true,
        Constraint::NonNegative => lowest >= 0.0,
        Constraint::Positive => lowest > 0.0,
    };
    if !ok {
        v.bad(&n.span, format!("{path}: draws can reach {lowest}, but {} is expected; set min", c.expected()));
        return None;
    }
    (v.reported == errs).then_some(dist)
}

/// A value that may be written `"none"` to switch a table-valued setting off: `Some(None)`.
/// The outer None means an error was reported.
fn or_none<T>(v: &mut V, n: &Node, path: &str, what: &str, read: impl FnOnce(&mut V, &Node) -> Option<T>) -> Option<Option<T>> {
    match &n.val {
        Val::Str(s) if s == "none" => Some(None),
        Val::Table(_) => read(v, n).map(Some),
        _ => {
            v.bad(&n.span, format!("{path} = {}: expected {what} or \"none\"", n.show()));
            None
        }
    }
}

/// A calendar date written as a TOML date (`2027-03-01`) or a string (`"2027-03-01"`), as days
/// since 1970-01-01.
fn date(v: &mut V, t: &Node, key: &str, path: &str) -> Option<Option<i64>> {
    let Some(n) = t.get(key) else { return Some(None) };
    let text = match &n.val {
        Val::Str(s) | Val::Datetime(s) => s.clone(),
        _ => {
            v.bad(&n.span, format!("{}.{key} = {}: expected a date such as 2027-03-01", path, n.show()));
            return None;
        }
    };
    match crate::daily::parse_date(&text).filter(|_| text.len() == 10) {
        Some(d) => Some(Some(d)),
        None => {
            v.bad(&n.span, format!("{path}.{key} = {}: expected a date YYYY-MM-DD such as 2027-03-01", n.show()));
            None
        }
    }
}

/// The weekday of days since 1970-01-01 (a Thursday), 0 = Monday.
fn weekday_of(days: i64) -> usize {
    (days + 3).rem_euclid(7) as usize
}

fn weekday(v: &mut V, n: &Node, path: &str) -> Option<usize> {
    match &n.val {
        Val::Str(s) if WEEKDAYS.contains(&s.as_str()) => WEEKDAYS.iter().position(|w| w == s),
        _ => {
            v.bad(&n.span, format!("{path} = {}: expected a weekday, one of {}", n.show(), WEEKDAYS.join(", ")));
            None
        }
    }
}

pub(super) fn validate_plan(v: &mut V, p: &Node, span: Range<usize>, dir: &Path, files: &mut FileCache) -> Option<Plan> {
    let errs = v.reported;
    let mut allowed: Vec<&str> = PHASE_KEYS.to_vec();
    allowed.extend(PLAN_ONLY_KEYS);
    if !v.keys(p, "plan", &allowed) {
        return None;
    }
    let taper = match p.get("taper") {
        None => Some(None),
        Some(t) => or_none(v, t, "plan.taper", "a table { days, factor[, shape] }", validate_taper),
    };
    let start_date = date(v, p, "start_date", "plan");
    if let (Some(Some(d)), Some(n)) = (start_date, p.get("start_date"))
        && weekday_of(d) != 0
    {
        v.bad(&n.span, format!("plan.start_date = {}: is a {}; day 0 is a Monday, so start_date must be one", n.show(), WEEKDAYS[weekday_of(d)]));
    }
    let load_column = v.string(p, "load_column", "plan").map(str::to_string);
    if let Some(file) = p.get("loads") {
        for k in PHASE_KEYS.iter().chain(&["phase", "target_total_load", "weekly_loads", "race_weekday", "race_date"]) {
            if let Some(s) = p.key_span(k) {
                v.bad(&s, format!("plan.{k}: cannot be combined with plan.loads, which gives the whole daily plan"));
            }
        }
        let Val::Str(rel) = &file.val else {
            v.bad(&file.span, format!("plan.loads = {}: expected a file name (a CSV with day,load)", file.show()));
            return None;
        };
        let full = dir.join(rel);
        let key = format!("{}\u{0}{}", full.display(), load_column.as_deref().unwrap_or("load"));
        if !files.iter().any(|(k, _)| *k == key) {
            files.push((key.clone(), read_plan_file(&full, load_column.as_deref())));
        }
        let (_, res) = files.iter().find(|(k, _)| *k == key)?;
        let taper = taper?;
        if let (Ok(f), Some(t)) = (res, &taper)
            && t.days > f.loads.len() {
                v.bad(&p.get("taper")?.span, format!("plan.taper.days = {}: longer than the plan ({} days)", t.days, f.loads.len()));
            }
        return match res {
            Ok(f) => {
                if f.merged > 0 {
                    v.warn(&file.span, format!("plan.loads = {}: {} rows shared a day with an earlier row; their loads were summed", file.show(), f.merged));
                }
                (v.reported == errs).then(|| PlanSpec::File {
                    path: full,
                    loads: f.loads.clone(),
                    sessions: f.sessions.clone(),
                    taper,
                    start_date: start_date.flatten(),
                })
            }
            Err(e) => {
                v.bad(&file.span, format!("plan.loads = {}: {e}", file.show()));
                None
            }
        };
    }
    if let Some(n) = p.get("load_column") {
        v.bad(&n.span, "plan.load_column: names the load column of plan.loads; there is no plan.loads here");
    }
    let target_total_load = match p.get("target_total_load") {
        None => Some(None),
        Some(n) => match &n.val {
            Val::Str(s) if s == "reference" => Some(Some(TotalTarget::Reference)),
            _ if n.as_f64().is_some() => v
                .float(p, "target_total_load", "plan", |x| positive(x).or_else(|| (x > MAX_LOAD * 1e4).then(|| format!("must be at most {:e}", MAX_LOAD * 1e4))))
                .map(|x| Some(TotalTarget::Load(x))),
            _ => {
                v.bad(&n.span, format!("plan.target_total_load = {}: expected a total load (a number) or \"reference\"", n.show()));
                None
            }
        },
    };
    let race_weekday = p.get("race_weekday").map(|n| weekday(v, n, "plan.race_weekday"));
    let race_date = date(v, p, "race_date", "plan");
    // race_date gives the weeks and the race weekday, counted from start_date.
    let mut weeks_from_date = None;
    let mut race_wd = race_weekday.flatten();
    if let (Some(Some(race)), Some(n)) = (race_date, p.get("race_date")) {
        match start_date {
            Some(Some(start)) if race > start => {
                let d = (race - start) as usize;
                weeks_from_date = Some(d / 7 + 1);
                race_wd = Some(d % 7);
                if d / 7 + 1 > MAX_WEEKS {
                    v.bad(&n.span, format!("plan.race_date = {}: {} weeks after start_date; at most {MAX_WEEKS} are supported", n.show(), d / 7 + 1));
                }
            }
            Some(Some(_)) => v.bad(&n.span, format!("plan.race_date = {}: must be after plan.start_date", n.show())),
            Some(None) => v.bad(&n.span, format!("plan.race_date = {}: needs plan.start_date (the Monday of the first week) to count the weeks", n.show())),
            None => {}
        }
        for k in ["weeks", "race_weekday"] {
            if let Some(s) = p.key_span(k) {
                v.bad(&s, format!("plan.{k}: plan.race_date sets the weeks and the race weekday; give one or the other"));
            }
        }
    }
    let mut phases = Vec::new();
    match p.get("phase").map(|n| &n.val) {
        None => phases.extend(validate_phase(v, p, None, "plan", &span, "main", weeks_from_date)),
        Some(Val::Array(list)) => {
            if let Some(s) = p.key_span("weeks") {
                v.bad(&s, "plan.weeks: with [[plan.phase]] each phase sets its own weeks");
            }
            for (i, ph) in list.iter().enumerate() {
                let path = format!("plan.phase[{i}]");
                let mut keys = PHASE_KEYS.to_vec();
                keys.push("name");
                if !v.keys(ph, &path, &keys) {
                    continue;
                }
                let name = v.string(ph, "name", &path).map_or(format!("phase{}", i + 1), str::to_string);
                phases.extend(validate_phase(v, ph, Some(p), &path, &ph.span, &name, None));
            }
            if list.is_empty() {
                v.bad(&span, "plan.phase: expected at least one [[plan.phase]]");
            }
        }
        Some(_) => v.bad(&p.get("phase")?.span, "plan.phase: expected [[plan.phase]] tables"),
    }
    let weeks: usize = phases.iter().map(|ph| ph.weeks).sum();
    if let (Some(w), Some(n), true) = (weeks_from_date, p.get("race_date"), p.get("phase").is_some())
        && v.reported == errs
        && w != weeks
    {
        v.bad(&n.span, format!("plan.race_date = {}: is in week {w} from start_date, but the phases add up to {weeks} weeks", n.show()));
    }
    let weekly_loads = match p.get("weekly_loads") {
        None => None,
        Some(n) => validate_weekly_loads(v, n, p, weeks, v.reported == errs),
    };
    let days = race_wd.map_or(weeks * 7, |wd| crate::plan::race_day(weeks, wd));
    if let (Some(Some(t)), true) = (&taper, v.reported == errs)
        && t.days > days
    {
        v.bad(&p.get("taper")?.span, format!("plan.taper.days = {}: longer than the plan ({days} days)", t.days));
    }
    if days == 0 && v.reported == errs {
        v.bad(&span, "plan: race day is day 0, so the plan has no days; race on a later weekday or add a week");
    }
    (v.reported == errs).then_some(PlanSpec::Generated {
        phases,
        taper: taper?,
        target_total_load: target_total_load?,
        weekly_loads,
        race_weekday: race_wd,
        start_date: start_date?,
    })
}

/// `weekly_loads = [...]`: one finite, non-negative total per plan week, instead of the week
/// scaling keys. `check_len`: the phases were valid, so their weeks can be counted.
fn validate_weekly_loads(v: &mut V, n: &Node, p: &Node, weeks: usize, check_len: bool) -> Option<Vec<f64>> {
    let Val::Array(items) = &n.val else {
        v.bad(&n.span, format!("plan.weekly_loads = {}: expected a list of weekly total loads, one per week", n.show()));
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        match x.as_f64() {
            Some(w) if w.is_finite() && (0.0..=MAX_LOAD * 7.0).contains(&w) => out.push(w),
            _ => {
                v.bad(&x.span, format!("plan.weekly_loads[{i}] = {}: expected a weekly load between 0 and {:e}", x.show(), MAX_LOAD * 7.0));
                return None;
            }
        }
    }
    if check_len && out.len() != weeks {
        v.bad(&n.span, format!("plan.weekly_loads: has {} values but the plan has {weeks} weeks; give one per week", out.len()));
        return None;
    }
    // The list replaces the week-scaling keys, wherever they are set.
    let mut tables = vec![("plan".to_string(), p)];
    if let Some(Val::Array(ph)) = p.get("phase").map(|n| &n.val) {
        tables.extend(ph.iter().enumerate().map(|(i, t)| (format!("plan.phase[{i}]"), t)));
    }
    for (path, t) in tables {
        for k in ["progression", "target_weekly_load", "recovery", "overreach"] {
            if let (Some(s), Some(val)) = (t.key_span(k), t.get(k))
                && !matches!(&val.val, Val::Str(x) if x == "none") {
                    v.bad(&s, format!("{path}.{k}: cannot be combined with plan.weekly_loads, which gives every week's total"));
                }
        }
    }
    Some(out)
}

type Plan = PlanSpec;

/// A phase's settings: its own keys, falling back to the plan's (`defaults`) for the rest.
/// `weeks`: the number of weeks when plan.race_date gave it.
fn validate_phase(v: &mut V, ph: &Node, defaults: Option<&Node>, path: &str, span: &Range<usize>, name: &str, weeks: Option<usize>) -> Option<Phase> {
    let errs = v.reported;
    // Look a key up in the phase, then in the plan-level defaults; report with the right path.
    let pick = |key: &str| -> Option<(&Node, String)> {
        if ph.get(key).is_some() {
            Some((ph, path.to_string()))
        } else {
            defaults.filter(|d| d.get(key).is_some()).map(|d| (d, "plan".to_string()))
        }
    };
    let weeks = match (weeks, pick("weeks")) {
        (Some(w), _) => Some(w as i64),
        (None, Some((t, pth))) => v.int(t, "weeks", &pth, 1, MAX_WEEKS as i64),
        (None, None) => {
            v.bad(span, format!("{path}.weeks: missing; expected the number of weeks (or plan.start_date and plan.race_date)"));
            None
        }
    };
    let long_run = match pick("long_run") {
        None => Some(None),
        Some((t, pth)) => or_none(v, t.get("long_run")?, &format!("{pth}.long_run"), "a table { weekday, load }", |v, n| validate_long_run(v, n, &format!("{pth}.long_run"))),
    };
    let long_day = long_run.flatten().map(|l| l.weekday);
    let spacing_node = pick("spacing");
    let spacing = match &spacing_node {
        None => Some(Spacing::Spread),
        Some((t, pth)) => validate_spacing(v, t.get("spacing")?, pth),
    };
    if let (Some(Spacing::Days(d)), Some(l), Some((t, pth))) = (&spacing, long_day, &spacing_node)
        && d.contains(&l) {
            v.bad(&t.get("spacing")?.span, format!("{pth}.spacing: {} is the long run's day (long_run.weekday); a day holds one session", WEEKDAYS[l]));
        }
    let kw = match pick("key_workouts") {
        Some((t, pth)) => v.int(t, "key_workouts", &pth, 0, 7).map(|k| (k as usize, t.get("key_workouts").map(|n| n.span.clone()), pth)),
        None => match &spacing {
            Some(Spacing::Days(d)) => Some((d.len(), None, path.to_string())),
            _ => {
                v.bad(span, format!("{path}.key_workouts: missing; expected the number of key sessions a week (0 to 7)"));
                None
            }
        },
    };
    if let (Some((k, Some(kspan), kpath)), Some(Spacing::Days(d))) = (&kw, &spacing)
        && *k != d.len() {
            v.bad(kspan, format!("{kpath}.key_workouts = {k}: the spacing lists {} weekdays", d.len()));
        }
    let key_load = match pick("key_load") {
        Some((t, pth)) => v.float(t, "key_load", &pth, load_value),
        None if kw.as_ref().is_some_and(|k| k.0 == 0) => Some(0.0),
        None => {
            v.bad(span, format!("{path}.key_load: missing; expected the load of a key session"));
            None
        }
    };
    let easy_load = pick("easy_load").map_or(Some(0.0), |(t, pth)| v.float(t, "easy_load", &pth, load_value));
    let rest = pick("rest_days").map_or(Some(0), |(t, pth)| v.int(t, "rest_days", &pth, 0, 7).map(|r| r as usize));
    let long_n = usize::from(long_day.is_some());
    if let (Some((k, kspan, kpath)), Some(r)) = (&kw, rest)
        && k + r + long_n > 7 {
            let long = if long_n > 0 { " + the long run" } else { "" };
            match pick("rest_days").and_then(|(t, pth)| t.get("rest_days").map(|n| (n.span.clone(), pth))) {
                Some((rspan, pth)) => v.bad(&rspan, format!("{pth}.rest_days = {r}: key_workouts{long} + rest_days = {} but a week has 7 days", k + r + long_n)),
                None => v.bad(kspan.as_ref().unwrap_or(span), format!("{kpath}.key_workouts = {k}: key_workouts{long} = {} but a week has 7 days", k + long_n)),
            }
        }
    let recovery = match pick("recovery") {
        None => Some(None),
        Some((t, pth)) => or_none(v, t.get("recovery")?, &format!("{pth}.recovery"), "a table { every, factor[, count] }", |v, n| validate_recovery(v, n, &format!("{pth}.recovery"))),
    };
    let overreach = match pick("overreach") {
        None => Some(None),
        Some((t, pth)) => {
            let n = t.get("overreach")?;
            let opath = format!("{pth}.overreach");
            let o = or_none(v, n, &opath, "a table { weeks, factor }", |v, n| validate_overreach(v, n, &opath));
            if let (Some(Some(o)), Some(Some(r))) = (o, recovery)
                && o.weeks >= r.every {
                    let at = n.get("weeks").map_or(n.span.clone(), |w| w.span.clone());
                    v.bad(&at, format!("{opath}.weeks = {}: must be shorter than the recovery cycle (recovery.every = {})", o.weeks, r.every));
                }
            o
        }
    };
    let (progression, progression_carry) = match pick("progression") {
        None => (Some(0.0), false),
        Some((t, pth)) => validate_progression(v, t.get("progression")?, &format!("{pth}.progression")),
    };
    let target_weekly_load = match pick("target_weekly_load") {
        None => None,
        Some((t, pth)) => Some(v.float(t, "target_weekly_load", &pth, |x| positive(x).or_else(|| load_value(x / 7.0)))?),
    };
    if v.reported != errs {
        return None;
    }
    Some(Phase {
        name: name.to_string(),
        weeks: weeks? as usize,
        key_workouts: kw?.0,
        spacing: spacing?,
        key_load: key_load?,
        easy_load: easy_load?,
        rest_days: rest?,
        recovery: recovery?,
        overreach: overreach?,
        progression: progression?,
        progression_carry,
        long_run: long_run?,
        target_weekly_load,
    })
}

/// `progression = 0.05` or `progression = { rate = 0.05, carry = true }`.
fn validate_progression(v: &mut V, n: &Node, path: &str) -> (Option<f64>, bool) {
    let check = |x: f64| (!(x.is_finite() && x > -1.0 && x <= 1.0)).then(|| "must be > -1 and <= 1 (a weekly fraction)".to_string());
    let (rate_node, carry) = match &n.val {
        Val::Table(_) => {
            if !v.keys(n, path, &["rate", "carry"]) {
                return (None, false);
            }
            let carry = match n.get("carry").map(|c| &c.val) {
                None => false,
                Some(Val::Bool(b)) => *b,
                Some(_) => {
                    let c = &n.get("carry").map_or(n.span.clone(), |c| c.span.clone());
                    v.bad(c, format!("{path}.carry: expected true or false"));
                    return (None, false);
                }
            };
            match n.get("rate") {
                Some(r) => (r, carry),
                None => {
                    v.bad(&n.span, format!("{path}.rate: missing; expected the weekly growth, e.g. 0.05"));
                    return (None, false);
                }
            }
        }
        _ => (n, false),
    };
    let Some(x) = rate_node.as_f64() else {
        v.bad(&rate_node.span, format!("{path} = {}: expected a weekly fraction such as 0.05, or {{ rate = 0.05, carry = true }}", rate_node.show()));
        return (None, false);
    };
    if let Some(m) = check(x) {
        v.bad(&rate_node.span, format!("{path} = {}: {m}", rate_node.show()));
        return (None, false);
    }
    if x > 0.5 {
        v.warn(&rate_node.span, format!("{path} = {x}: {:.0}% more load every week; did you mean {}?", x * 100.0, x / 100.0));
    }
    (Some(x), carry)
}

fn validate_long_run(v: &mut V, n: &Node, path: &str) -> Option<LongRun> {
    if !v.keys(n, path, &["weekday", "load"]) {
        return None;
    }
    let wd = match n.get("weekday") {
        Some(w) => weekday(v, w, &format!("{path}.weekday")),
        None => {
            v.bad(&n.span, format!("{path}.weekday: missing; expected the long run's weekday, e.g. \"sun\""));
            None
        }
    };
    let load = v.float(n, "load", path, load_value);
    let load = v.required(load, n, "load", path, &n.span, "the load of the long run");
    Some(LongRun { weekday: wd?, load: load? })
}

fn validate_spacing(v: &mut V, n: &Node, path: &str) -> Option<Spacing> {
    match &n.val {
        Val::Str(s) if s == "spread" => Some(Spacing::Spread),
        Val::Str(s) if s == "clustered" => Some(Spacing::Clustered),
        Val::Array(days) => {
            // Every problem of the list is reported, not only the first.
            let errs = v.reported;
            let mut out = Vec::new();
            for d in days {
                match &d.val {
                    Val::Str(s) if WEEKDAYS.contains(&s.as_str()) => {
                        let i = WEEKDAYS.iter().position(|w| w == s)?;
                        if out.contains(&i) {
                            v.bad(&d.span, format!("{path}.spacing: \"{s}\" is listed twice"));
                        }
                        out.push(i);
                    }
                    _ => v.bad(&d.span, format!("{path}.spacing: {} is not a weekday; expected one of {}", d.show(), WEEKDAYS.join(", "))),
                }
            }
            if v.reported != errs {
                return None;
            }
            out.sort_unstable();
            Some(Spacing::Days(out))
        }
        _ => {
            v.bad(&n.span, format!("{path}.spacing = {}: expected \"spread\", \"clustered\" or a list of weekdays such as [\"tue\", \"thu\", \"sat\"]", n.show()));
            None
        }
    }
}

/// Warn about a factor that looks like a percentage (130 for +30%).
fn warn_factor(v: &mut V, n: &Node, path: &str) {
    if let Some(f) = n.get("factor").filter(|f| f.as_f64().is_some_and(|x| x > FACTOR_WARN)) {
        let x = f.as_f64().unwrap_or(0.0);
        v.warn(&f.span, format!("{path}.factor = {}: multiplies the load {x} times; a factor of {} would be {x}%", f.show(), x / 100.0));
    }
}

fn factor(x: f64) -> Option<String> {
    (!(x.is_finite() && x > 0.0)).then(|| "must be > 0".into())
}

/// A `{ <count> = integer, factor = number }` table: recovery (`every`, at least 1) and overreach
/// (`weeks`, at least 0).
fn count_and_factor(v: &mut V, n: &Node, path: &str, count: (&str, i64, &str), what_factor: &str) -> Option<(usize, f64)> {
    let (key, min, what_count) = count;
    let allowed: &[&str] = if key == "every" { &["every", "factor", "count"] } else { &[key, "factor"] };
    if !v.keys(n, path, allowed) {
        return None;
    }
    let c = v.int(n, key, path, min, MAX_WEEKS as i64);
    let c = v.required(c, n, key, path, &n.span, what_count);
    let f = v.float(n, "factor", path, factor);
    let f = v.required(f, n, "factor", path, &n.span, what_factor);
    warn_factor(v, n, path);
    Some((c? as usize, f?))
}

fn validate_recovery(v: &mut V, n: &Node, path: &str) -> Option<Recovery> {
    let count = match n.get("count").map(|c| &c.val) {
        None => RecoveryCount::Phase,
        Some(Val::Str(c)) if c == "phase" => RecoveryCount::Phase,
        Some(Val::Str(c)) if c == "plan" => RecoveryCount::Plan,
        Some(_) => {
            let c = n.get("count")?;
            v.bad(&c.span, format!("{path}.count = {}: expected \"phase\" (weeks counted within each phase) or \"plan\" (across phases)", c.show()));
            return None;
        }
    };
    let (every, factor) = count_and_factor(v, n, path, ("every", 1, "the recovery cycle in weeks"), "the load factor of a recovery week")?;
    Some(Recovery { every, factor, count })
}

fn validate_overreach(v: &mut V, n: &Node, path: &str) -> Option<Overreach> {
    let what = "the number of overreach weeks before each recovery week";
    let (weeks, factor) = count_and_factor(v, n, path, ("weeks", 0, what), "the load factor of an overreach week")?;
    Some(Overreach { weeks, factor })
}

fn validate_taper(v: &mut V, n: &Node) -> Option<Taper> {
    if !v.keys(n, "plan.taper", &["days", "factor", "shape", "overload"]) {
        return None;
    }
    let days = v.int(n, "days", "plan.taper", 0, (MAX_WEEKS * 7) as i64);
    let days = v.required(days, n, "days", "plan.taper", &n.span, "the number of taper days");
    // 0 is a taper of complete rest (the issue's example range starts there).
    let f = v.float(n, "factor", "plan.taper", non_negative);
    let f = v.required(f, n, "factor", "plan.taper", &n.span, "the load factor of the taper");
    warn_factor(v, n, "plan.taper");
    let shape = match n.get("shape") {
        None => Some(TaperShape::Step),
        Some(s) => match &s.val {
            Val::Str(x) if x == "step" => Some(TaperShape::Step),
            Val::Str(x) if x == "linear" => Some(TaperShape::Linear),
            Val::Str(x) if x == "exponential" => Some(TaperShape::Exponential),
            _ => {
                v.bad(&s.span, format!("plan.taper.shape = {}: expected \"step\", \"linear\" or \"exponential\"", s.show()));
                None
            }
        },
    };
    let overload = match n.get("overload") {
        None => Some(None),
        Some(o) => or_none(v, o, "plan.taper.overload", "a table { days = 28, factor = 1.2 }", |v, o| {
            let what = "the number of days before the taper that are overloaded";
            let (days, factor) = count_and_factor(v, o, "plan.taper.overload", ("days", 1, what), "the load factor of the overload days")?;
            Some(Overload { days, factor })
        }),
    };
    Some(Taper { days: days? as usize, factor: f?, shape: shape?, overload: overload? })
}

/// An explicit plan read from a CSV.
pub(super) struct PlanFile {
    loads: Vec<f64>,
    sessions: Option<Vec<Session>>,
    /// Rows summed into an earlier row's day.
    merged: usize,
}

/// Read an explicit plan: `day,load` (or `date,load`; the load column may be renamed), with an
/// optional `session` column (the first row of a day names its session).
fn read_plan_file(path: &Path, load_column: Option<&str>) -> Result<PlanFile, String> {
    let opts = crate::daily::ReadOptions { load_column, ..Default::default() };
    let series = crate::daily::read_daily_with(path, &opts).map_err(|e| e.to_string())?;
    let text = crate::output::read_input(path).map_err(|e| e.to_string())?;
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let done = |sessions| PlanFile { loads: series.load.clone(), sessions, merged: series.merged };
    let Some(col) = headers.iter().position(|h| h.eq_ignore_ascii_case("session")) else {
        return Ok(done(None));
    };
    let day_col = headers.iter().position(|h| h.eq_ignore_ascii_case("day"));
    let mut sessions: Vec<Option<Session>> = vec![None; series.load.len()];
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        let line = rec.position().map_or(0, |p| p.line());
        let raw = rec.get(col).unwrap_or("");
        let Some(s) = Session::parse(raw) else {
            return Err(format!("{}:{line}: session: \"{raw}\": expected key, long, easy or rest", path.display()));
        };
        let idx = match day_col {
            Some(c) => rec.get(c).and_then(|d| d.parse::<i64>().ok()).map_or(i, |d| (d - series.first_day) as usize),
            None => i,
        };
        if let Some(slot) = sessions.get_mut(idx) {
            slot.get_or_insert(s);
        }
    }
    Ok(done(Some(sessions.into_iter().map(|s| s.unwrap_or(Session::Rest)).collect())))
}
