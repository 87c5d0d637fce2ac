//! `[optimize]`: what `periodize optimize` searches (the objective, the direction, the budget,
//! the varied paths and their domains, the constraints), checked when the scenario is loaded, and
//! the rows it evaluates: the variant as written with a point of the search space written in.
//!
//! Every domain's ends (and each listed value) are validated against every optimised variant
//! when the file is read, so a path that does not exist or a range of the wrong type is an error
//! with the line of the `[optimize.vary]` entry before any work is done.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::error::ScenarioError;
use super::spec::{PlanSpec, Row, Scenario, TotalTarget};
use super::tree::{Key, Node, Val};
use super::collector::V;
use super::plan_spec::validate_plan;
use super::validate::{check_row, validate_row};

/// Whether `name` is a numeric column of summary.csv that an objective or a constraint may name.
fn is_numeric_column(name: &str) -> bool {
    crate::summary::columns::column(name).is_some_and(|c| c.is_numeric())
}

/// The numeric columns of summary.csv, for messages.
fn numeric_columns() -> String {
    crate::summary::columns::numeric_names().collect::<Vec<_>>().join(", ")
}

/// Most evaluations a budget may ask for.
pub const MAX_BUDGET: i64 = 1_000_000;

/// Maximise or minimise the objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Maximise the objective.
    Max,
    /// Minimise the objective.
    Min,
}

/// How the space is searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Every point of a discrete space when it fits the budget, otherwise a screening design,
    /// Nelder-Mead (argmin) on the numeric values of the best categories and a mixed-integer
    /// poll around the best point.
    Auto,
    /// Every point of a discrete space (refused when it has more points than the budget).
    Grid,
}

/// A varied path's values.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Domain {
    /// `{ min, max }`: any number in between.
    Continuous {
        /// The lowest value.
        min: f64,
        /// The highest value.
        max: f64,
    },
    /// `{ min, max, step }`: min, min + step, ... up to max. `integer` when all three are TOML
    /// integers (the values are written as integers).
    Steps {
        /// The first value.
        min: f64,
        /// The highest value.
        max: f64,
        /// The step between values.
        step: f64,
        /// Whether the values are integers.
        integer: bool,
    },
    /// A list: each value as written (its label in trace.csv).
    Choice {
        /// The values as written.
        labels: Vec<String>,
    },
}

impl Domain {
    /// The number of values of a discrete domain (None for a continuous one).
    pub fn levels(&self) -> Option<usize> {
        match self {
            Domain::Continuous { .. } => None,
            Domain::Steps { min, max, step, .. } => Some(((max - min) / step + 1e-9).floor() as usize + 1),
            Domain::Choice { labels } => Some(labels.len()),
        }
    }

    /// Value k of a discrete domain (a step or a listed value); for a continuous one its minimum.
    pub fn level(&self, k: usize) -> Level {
        match self {
            Domain::Choice { .. } => Level::Choice(k),
            Domain::Continuous { min, .. } => Level::Num(*min),
            Domain::Steps { .. } => Level::Num(self.step_value(k)),
        }
    }

    /// The middle of the domain: the midpoint of a range, the middle step, the first listed value.
    pub fn centre(&self) -> Level {
        match self {
            Domain::Choice { .. } => Level::Choice(0),
            Domain::Continuous { min, max } => Level::Num(0.5 * (min + max)),
            Domain::Steps { .. } => self.level(self.levels().unwrap_or(1) / 2),
        }
    }

    /// Value k of a `Steps` domain.
    pub fn step_value(&self, k: usize) -> f64 {
        match self {
            Domain::Steps { min, step, integer, .. } => {
                let x = min + k as f64 * step;
                // Decimal steps (0.05) accumulate binary error: round to the step's decimals.
                if *integer { x.round() } else { round_to_step(x, *step) }
            }
            _ => f64::NAN,
        }
    }
}

/// `x` rounded to the decimals of `step` (at most 12), so that 0.1 * 3 is written 0.3.
fn round_to_step(x: f64, step: f64) -> f64 {
    let mut d = 0;
    while d < 12 && ((step * 10f64.powi(d)).round() - step * 10f64.powi(d)).abs() > 1e-9 {
        d += 1;
    }
    let p = 10f64.powi(d);
    (x * p).round() / p
}

/// One varied path.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Vary {
    /// The scenario path varied (`plan.key_workouts`).
    pub path: String,
    /// Its values.
    pub domain: Domain,
}

/// A bound on a summary column of the evaluated row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Bound {
    /// A summary.csv column.
    pub column: String,
    /// Its lowest allowed value.
    pub min: Option<f64>,
    /// Its highest allowed value.
    pub max: Option<f64>,
}

impl Bound {
    /// How far `x` is outside the bound, relative to the bound's size (0 inside; NaN counts as
    /// infinitely far).
    pub fn violation(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::INFINITY;
        }
        let rel = |by: f64, b: f64| by / b.abs().max(1e-12);
        let lo = self.min.map_or(0.0, |m| if x < m { rel(m - x, m) } else { 0.0 });
        let hi = self.max.map_or(0.0, |m| if x > m { rel(x - m, m) } else { 0.0 });
        lo + hi
    }
}

/// The `[optimize]` table.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Optimize {
    /// The summary.csv column optimised.
    pub objective: String,
    /// Maximise or minimise it.
    pub direction: Direction,
    /// Evaluations per variant.
    pub budget: usize,
    /// How the space is searched.
    pub method: Method,
    /// The variant to optimise; None: every variant, one after another.
    pub variant: Option<String>,
    /// The varied paths.
    pub vary: Vec<Vary>,
    /// Bounds on summary columns.
    pub subject_to: Vec<Bound>,
}

impl Optimize {
    /// The number of points of a fully discrete space (None when a value is continuous or the
    /// count overflows).
    pub fn grid_points(&self) -> Option<usize> {
        grid_size(self.vary.iter().map(|v| &v.domain))
    }
}

/// The number of points of a space of discrete domains (None when one is continuous or the
/// count overflows).
pub fn grid_size<'a>(domains: impl IntoIterator<Item = &'a Domain>) -> Option<usize> {
    domains.into_iter().try_fold(1usize, |acc, d| acc.checked_mul(d.levels()?))
}

/// A value of one varied path at a point of the search: a number, or the index of a listed value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Level {
    /// A number.
    Num(f64),
    /// The index of a listed value.
    Choice(usize),
}

/// A variant's name, tree and overrides as written.
type SourceVariant = (String, Node, Vec<(String, Node)>);

/// What `optimize` needs to build rows at new points: the variants' trees as validated, and the
/// `[optimize.vary]` entries' spans and listed values.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    path: PathBuf,
    text: String,
    /// Each variant: its name, its tree (the file with the variant's overrides applied) and the
    /// overrides as written (`model`, `athlete`, `plan`, `noise`), for best.toml.
    variants: Vec<SourceVariant>,
    /// Each varied path: the span of its key and value, and its listed values.
    vary: Vec<(Range<usize>, Range<usize>, Vec<Node>)>,
    /// Whether the file has `[[variant]]` tables.
    has_variants: bool,
    /// The plan files validation read, so that candidates never read them again.
    pub(super) files: super::validate::FileCache,
}

impl Source {
    /// The source with the plan files validation read, for the candidates to reuse.
    pub(super) fn with_files(self, files: super::validate::FileCache) -> Self {
        Source { files, ..self }
    }
}

impl Scenario {
    /// The row of variant `variant` (an index into the scenario's variants) with `point` written
    /// at the `[optimize.vary]` paths. Errors point at the `[optimize.vary]` entry.
    pub fn optimize_row(&self, variant: usize, point: &[Level]) -> Result<Row, ScenarioError> {
        let (src, opt) = self.optimize_parts();
        let mut v = V::new(&src.path, &src.text);
        let (name, tree, _) = &src.variants[variant];
        let mut t = tree.clone();
        apply(&mut t, opt, src, point);
        let dir = src.path.parent().unwrap_or(Path::new("."));
        let written = self.rows.iter().find(|r| r.variant == *name && r.sweep.is_empty());
        // Only the plan varies (the usual case): the model, start and noise are the variant's
        // as validated, and only the plan is checked again (a model's population check draws
        // thousands of trial athletes).
        let row = match written {
            Some(w) if opt.vary.iter().all(|x| x.path.starts_with("plan.")) => t
                .get("plan")
                .and_then(|p| validate_plan(&mut v, p, t.key_span("plan").unwrap_or_default(), dir, &mut src.files.clone()))
                .and_then(|plan| check_row(&mut v, &t, Row { plan, reference: None, ..w.clone() })),
            _ => validate_row(&mut v, &t, name, Vec::new(), dir, &mut src.files.clone()),
        };
        match row {
            Some(mut r) if v.err.is_empty() => {
                // `target_total_load = "reference"`: the candidate keeps the plan as written's total.
                if let (PlanSpec::Generated { target_total_load: tt @ Some(TotalTarget::Reference), .. }, Some(w)) = (&mut r.plan, written) {
                    *tt = Some(TotalTarget::Load(crate::plan::generate(&w.plan).total()));
                }
                Ok(r)
            }
            _ => Err(v.err),
        }
    }

    /// The variants' names, in order (the rows' variants without sweeps).
    pub fn variant_names(&self) -> Vec<String> {
        self.source.as_ref().map_or_else(Vec::new, |s| s.variants.iter().map(|(n, _, _)| n.clone()).collect())
    }

    /// Each varied path's value as written in variant `variant`, when it lies in its domain.
    pub fn as_written(&self, variant: usize) -> Vec<Option<Level>> {
        let (src, opt) = self.optimize_parts();
        as_written(opt, src, variant)
    }

    /// The scenario with variant `variant` written in again at `point` as a new variant `name`
    /// (its overrides as written plus the point's values), as TOML lines to append to the file.
    pub fn optimum_variant_toml(&self, variant: usize, point: &[Level], name: &str) -> String {
        let (src, opt) = self.optimize_parts();
        let mut over = Node { val: Val::Table(Vec::new()), span: 0..0 };
        for (k, n) in &src.variants[variant].2 {
            over.set_path(&[k], n.clone(), &(0..0));
        }
        apply(&mut over, opt, src, point);
        let mut table = toml::Table::new();
        table.insert("name".into(), toml::Value::String(name.into()));
        // Compared with the variant it came from, whatever [compare] says about the others.
        table.insert("compare_with".into(), toml::Value::String(src.variants[variant].0.clone()));
        if let Val::Table(t) = over.val {
            for (k, n) in t {
                table.insert(k.name, to_toml(&n));
            }
        }
        let mut doc = toml::Table::new();
        doc.insert("variant".into(), toml::Value::Array(vec![toml::Value::Table(table)]));
        toml::to_string(&doc).unwrap_or_default()
    }

    /// A varied value as text (a number in full, a listed value as its label).
    pub fn level_text(&self, i: usize, level: Level) -> String {
        let (_, opt) = self.optimize_parts();
        match (level, &opt.vary[i].domain) {
            (Level::Num(x), Domain::Steps { integer: true, .. }) => format!("{}", x as i64),
            (Level::Num(x), _) => format!("{x}"),
            (Level::Choice(c), Domain::Choice { labels }) => labels[c].clone(),
            (Level::Choice(c), _) => c.to_string(),
        }
    }

    /// Whether the file has `[[variant]]` tables (without, its one variant is the file itself).
    pub fn has_variants(&self) -> bool {
        self.source.as_ref().is_some_and(|s| s.has_variants)
    }

    /// The scenario file's text with every relative file path it names (`plan.loads`,
    /// `model.sample_from`, `athlete.start.history`) rewritten to work from the folder `to`.
    pub fn relocated_text(&self, to: &Path) -> String {
        let (src, _) = self.optimize_parts();
        let from = src.path.parent().unwrap_or(Path::new("."));
        let mut spans: Vec<(Range<usize>, String)> = Vec::new();
        for (_, tree, _) in &src.variants {
            for path in [&["plan", "loads"][..], &["model", "sample_from"], &["athlete", "start", "history"]] {
                let Some(node) = path.iter().try_fold(tree, |n, p| n.get(p)) else { continue };
                let Val::Str(p) = &node.val else { continue };
                if Path::new(p).is_absolute() || spans.iter().any(|(s, _)| *s == node.span) {
                    continue;
                }
                let moved = relative_to(&from.join(p), to);
                spans.push((node.span.clone(), toml::Value::String(moved.to_string_lossy().into_owned()).to_string()));
            }
        }
        spans.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
        let mut text = src.text.clone();
        for (span, with) in spans {
            if text.get(span.clone()).is_some_and(|t| t.starts_with(['"', '\''])) {
                text.replace_range(span, &with);
            }
        }
        text
    }

    fn optimize_parts(&self) -> (&Source, &Optimize) {
        match (self.source.as_deref(), self.optimize.as_ref()) {
            (Some(s), Some(o)) => (s, o),
            // ok: the public entry points are documented to need a scenario with [optimize].
            _ => panic!("the scenario has no [optimize] table"),
        }
    }
}

/// `file` as a path that works from the folder `dir`: relative when both resolve, else absolute.
fn relative_to(file: &Path, dir: &Path) -> PathBuf {
    let (Ok(f), Ok(d)) = (file.canonicalize(), dir.canonicalize()) else {
        return std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    };
    let (fc, dc): (Vec<_>, Vec<_>) = (f.components().collect(), d.components().collect());
    let common = fc.iter().zip(&dc).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return f;
    }
    let mut out = PathBuf::new();
    for _ in common..dc.len() {
        out.push("..");
    }
    for c in &fc[common..] {
        out.push(c);
    }
    out
}

/// Write `point` into the tree `t` at the varied paths.
fn apply(t: &mut Node, opt: &Optimize, src: &Source, point: &[Level]) {
    for ((var, (kspan, vspan, choices)), level) in opt.vary.iter().zip(&src.vary).zip(point) {
        let node = match (level, &var.domain) {
            (Level::Num(x), Domain::Steps { integer: true, .. }) => Node { val: Val::Int(x.round() as i64), span: vspan.clone() },
            (Level::Num(x), _) => Node { val: Val::Float(*x), span: vspan.clone() },
            (Level::Choice(c), _) => choices[*c].clone(),
        };
        let parts: Vec<&str> = var.path.split('.').collect();
        t.set_path(&parts, node, kspan);
    }
}

/// A tree node as a TOML value (the serializer writes it; strings are escaped properly).
fn to_toml(n: &Node) -> toml::Value {
    match &n.val {
        Val::Str(s) => toml::Value::String(s.clone()),
        Val::Int(i) => toml::Value::Integer(*i),
        Val::Float(f) => toml::Value::Float(*f),
        Val::Bool(b) => toml::Value::Boolean(*b),
        Val::Datetime(d) => d.parse().map_or_else(|_| toml::Value::String(d.clone()), toml::Value::Datetime),
        Val::Array(a) => toml::Value::Array(a.iter().map(to_toml).collect()),
        Val::Table(t) => toml::Value::Table(t.iter().map(|(k, v)| (k.name.clone(), to_toml(v))).collect()),
    }
}

/// Read `[optimize]` (None when absent) and check its paths against every optimised variant.
pub(super) fn read(
    v: &mut V,
    root: &Node,
    variants: &[(String, Node)],
    has_sweep: bool,
    path: &Path,
    text: &str,
) -> Option<(Optimize, Source)> {
    let o = root.get("optimize")?;
    let ospan = root.key_span("optimize").unwrap_or_default();
    if !v.keys(o, "optimize", &["objective", "direction", "budget", "method", "variant", "vary", "subject_to"]) {
        return None;
    }
    let errs = v.reported;
    if has_sweep {
        v.bad(&ospan, "optimize: a scenario with [optimize] cannot also have [sweep]; the optimiser chooses the values itself (run the sweep with periodize run from a copy without [optimize])");
    }
    let column = |v: &mut V, n: &Node, what: &str| -> Option<String> {
        match &n.val {
            Val::Str(s) if is_numeric_column(s) => Some(s.clone()),
            _ => {
                v.bad(&n.span, format!("{what} = {}: expected a numeric column of summary.csv: {}", n.show(), numeric_columns()));
                None
            }
        }
    };
    let objective = match o.get("objective") {
        Some(n) => column(v, n, "optimize.objective"),
        None => {
            v.bad(&ospan, format!("optimize.objective: missing; expected a numeric summary.csv column, e.g. \"{}\"", crate::summary::columns::PERF_FINAL_MEAN.name));
            None
        }
    };
    let direction = read_direction(v, o);
    let budget = v.int(o, "budget", "optimize", 1, MAX_BUDGET).map_or(300, |b| b as usize);
    let method = read_method(v, o);
    let variant = v.string(o, "variant", "optimize").map(str::to_string);
    if let (Some(name), Some(n)) = (&variant, o.get("variant"))
        && !variants.iter().any(|(vn, _)| vn == name)
    {
        let names: Vec<&str> = variants.iter().map(|(n, _)| n.as_str()).collect();
        v.bad(&n.span, format!("optimize.variant = \"{name}\": no such variant; expected one of {}", names.join(", ")));
    }

    let mut vary = Vec::new();
    let mut src_vary = Vec::new();
    match o.get("vary").map(|n| (n, n.table())) {
        None => v.bad(&ospan, "optimize.vary: missing; expected a table of \"path\" = { min, max[, step] } or [values]"),
        Some((n, Some([]))) => v.bad(&n.span, "optimize.vary: empty; vary at least one path"),
        Some((_, Some(t))) => {
            for (k, n) in t {
                if let Some((var, choices)) = read_vary(v, k, n) {
                    vary.push(var);
                    src_vary.push((k.span.clone(), n.span.clone(), choices));
                }
            }
        }
        Some((n, None)) => v.bad(&n.span, "optimize.vary: expected a table of \"path\" = { min, max[, step] } or [values]"),
    }
    let subject_to = read_subject_to(v, o);
    if v.reported != errs {
        return None;
    }
    let opt = Optimize { objective: objective?, direction: direction?, budget, method: method?, variant, vary, subject_to };
    // Overrides as written, per variant, for best.toml.
    let overrides: Vec<Vec<(String, Node)>> = match root.get("variant").map(|n| &n.val) {
        Some(Val::Array(list)) => list
            .iter()
            .map(|var| ["model", "athlete", "plan", "noise"].iter().filter_map(|s| var.get(s).map(|n| (s.to_string(), n.clone()))).collect())
            .collect(),
        _ => vec![Vec::new()],
    };
    let src = Source {
        path: path.to_path_buf(),
        text: text.to_string(),
        variants: variants.iter().zip(overrides).map(|((n, t), o)| (n.clone(), t.clone(), o)).collect(),
        vary: src_vary,
        has_variants: root.get("variant").is_some(),
        files: Vec::new(),
    };
    check_domain_ends(v, &opt, &src, variants, path);
    Some((opt, src))
}

/// `optimize.direction`: `max` (the default) or `min`.
fn read_direction(v: &mut V, o: &Node) -> Option<Direction> {
    read_choice(v, o, "direction", [("max", Direction::Max), ("min", Direction::Min)])
}

/// `optimize.method`: `auto` (the default) or `grid`.
fn read_method(v: &mut V, o: &Node) -> Option<Method> {
    read_choice(v, o, "method", [("auto", Method::Auto), ("grid", Method::Grid)])
}

/// `optimize.KEY`: one of two names, the first the default when the key is absent.
fn read_choice<T: Copy>(v: &mut V, o: &Node, key: &str, choices: [(&str, T); 2]) -> Option<T> {
    let Some(n) = o.get(key) else {
        return Some(choices[0].1);
    };
    if let Val::Str(s) = &n.val
        && let Some((_, x)) = choices.iter().find(|(name, _)| name == s)
    {
        return Some(*x);
    }
    v.bad(&n.span, format!("optimize.{key} = {}: expected \"{}\" or \"{}\"", n.show(), choices[0].0, choices[1].0));
    None
}

/// `optimize.subject_to`: bounds on numeric summary columns.
fn read_subject_to(v: &mut V, o: &Node) -> Vec<Bound> {
    let mut subject_to = Vec::new();
    if let Some(s) = o.get("subject_to") {
        match s.table() {
            Some(t) => {
                for (k, n) in t {
                    let col = is_numeric_column(&k.name).then(|| k.name.clone());
                    if col.is_none() {
                        v.bad(&k.span, format!("optimize.subject_to.{}: not a numeric column of summary.csv; expected one of {}", k.name, numeric_columns()));
                    }
                    let p = format!("optimize.subject_to.{}", k.name);
                    if !v.keys(n, &p, &["min", "max"]) {
                        continue;
                    }
                    let finite = |x: f64| (!x.is_finite()).then(|| "expected a finite number".to_string());
                    let min = v.float(n, "min", &p, finite);
                    let max = v.float(n, "max", &p, finite);
                    if min.is_none() && max.is_none() && n.get("min").is_none() && n.get("max").is_none() {
                        v.bad(&n.span, format!("{p}: expected {{ min = X }}, {{ max = X }} or both"));
                    } else if let (Some(a), Some(b)) = (min, max)
                        && a > b
                    {
                        v.bad(&n.span, format!("{p}: min {a} is above max {b}"));
                    }
                    if let Some(column) = col {
                        subject_to.push(Bound { column, min, max });
                    }
                }
            }
            None => v.bad(&s.span, "optimize.subject_to: expected a table of column = { min = X } or { max = X }"),
        }
    }
    subject_to
}

/// Each domain's ends and each listed value, with the rest as written, in every optimised
/// variant: a wrong path or a value of the wrong type is found now, at its line.
fn check_domain_ends(v: &mut V, opt: &Optimize, src: &Source, variants: &[(String, Node)], path: &Path) {
    let dir = path.parent().unwrap_or(Path::new("."));
    for (vi, (vname, tree)) in variants.iter().enumerate() {
        if opt.variant.as_ref().is_some_and(|n| n != vname) {
            continue;
        }
        let written = written_or_first(opt, src, vi);
        for (i, var) in opt.vary.iter().enumerate() {
            let ends: Vec<Level> = match &var.domain {
                Domain::Continuous { min, max } => vec![Level::Num(*min), Level::Num(*max)],
                Domain::Steps { .. } => vec![var.domain.level(0), var.domain.level(var.domain.levels().unwrap_or(1) - 1)],
                Domain::Choice { labels } => (0..labels.len()).map(Level::Choice).collect(),
            };
            for end in ends {
                let mut point = written.clone();
                point[i] = end;
                let mut t = tree.clone();
                apply(&mut t, opt, src, &point);
                let before = v.reported;
                let warnings = v.warnings.len();
                validate_row(v, &t, vname, Vec::new(), dir, &mut Vec::new());
                v.warnings.truncate(warnings);
                if v.reported != before {
                    break;
                }
            }
        }
    }
}

/// Each varied path's value as written in variant `vi`, when it lies in its domain (on a step
/// for a stepped one, among the values for a list).
fn as_written(opt: &Optimize, src: &Source, vi: usize) -> Vec<Option<Level>> {
    let tree = &src.variants[vi].1;
    opt.vary
        .iter()
        .zip(&src.vary)
        .map(|(var, (_, _, choices))| {
            let node = var.path.split('.').try_fold(tree, |n, p| n.get(p))?;
            match &var.domain {
                Domain::Continuous { min, max } => node.as_f64().filter(|x| x >= min && x <= max).map(Level::Num),
                Domain::Steps { min, max, step, .. } => {
                    let x = node.as_f64().filter(|x| x >= min && x <= max)?;
                    let k = (x - min) / step;
                    ((k - k.round()).abs() < 1e-9).then_some(Level::Num(x))
                }
                Domain::Choice { .. } => choices.iter().position(|c| c.show() == node.show()).map(Level::Choice),
            }
        })
        .collect()
}

/// Each varied path's value as written in variant `vi` when it is in its domain, else the
/// domain's first value (for the checks of the domains' ends).
fn written_or_first(opt: &Optimize, src: &Source, vi: usize) -> Vec<Level> {
    as_written(opt, src, vi).into_iter().zip(&opt.vary).map(|(l, var)| l.unwrap_or(var.domain.level(0))).collect()
}

/// One `[optimize.vary]` entry.
fn read_vary(v: &mut V, k: &Key, n: &Node) -> Option<(Vary, Vec<Node>)> {
    let path = &k.name;
    let first = path.split('.').next().unwrap_or("");
    if !["model", "athlete", "plan", "noise"].contains(&first) || path.split('.').any(str::is_empty) {
        v.bad(&k.span, format!("optimize.vary.\"{path}\": expected a path under model., athlete., plan. or noise."));
        return None;
    }
    let p = format!("optimize.vary.\"{path}\"");
    match &n.val {
        Val::Array(list) if list.is_empty() => {
            v.bad(&n.span, format!("{p} = []: expected at least one value"));
            None
        }
        Val::Array(list) => {
            let labels: Vec<String> = list.iter().map(Node::label).collect();
            // A set of the values as written: 10,000 listed values are checked in linear time.
            let mut seen = std::collections::HashSet::with_capacity(list.len());
            for a in list {
                let shown = a.show();
                if !seen.insert(shown.clone()) {
                    v.bad(&a.span, format!("{p}: {shown} is listed twice"));
                    return None;
                }
            }
            Some((Vary { path: path.clone(), domain: Domain::Choice { labels } }, list.clone()))
        }
        Val::Table(_) => {
            if !v.keys(n, &p, &["min", "max", "step"]) {
                return None;
            }
            let errs = v.reported;
            let finite = |x: f64| (!x.is_finite()).then(|| "must be a finite number".to_string());
            let min = v.float(n, "min", &p, finite);
            let min = v.required(min, n, "min", &p, &n.span, "the smallest value");
            let max = v.float(n, "max", &p, finite);
            let max = v.required(max, n, "max", &p, &n.span, "the largest value");
            let step = v.float(n, "step", &p, |x| (!(x.is_finite() && x > 0.0)).then(|| "must be > 0".to_string()));
            if v.reported != errs {
                return None;
            }
            let (min, max) = (min?, max?);
            if min > max {
                v.bad(&n.span, format!("{p}: min {min} is above max {max}"));
                return None;
            }
            let is_int = |key: &str| n.get(key).is_none_or(|x| matches!(x.val, Val::Int(_)));
            let domain = match step {
                None if n.get("step").is_none() => Domain::Continuous { min, max },
                None => return None,
                Some(step) => {
                    if (max - min) / step > 1e7 {
                        v.bad(&n.span, format!("{p}: {} steps of {step} from {min} to {max}; at most 10,000,000", ((max - min) / step) as u64));
                        return None;
                    }
                    Domain::Steps { min, max, step, integer: is_int("min") && is_int("max") && is_int("step") }
                }
            };
            Some((Vary { path: path.clone(), domain }, Vec::new()))
        }
        _ => {
            v.bad(&n.span, format!("{p} = {}: expected {{ min, max }}, {{ min, max, step }} or a list of values", n.show()));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_count_their_ends_and_round_decimal_steps() {
        let d = Domain::Steps { min: 0.0, max: 1.0, step: 0.05, integer: false };
        assert_eq!(d.levels(), Some(21));
        assert_eq!(d.step_value(3), 0.15);
        assert_eq!(d.step_value(20), 1.0);
        let d = Domain::Steps { min: 7.0, max: 35.0, step: 7.0, integer: true };
        assert_eq!(d.levels(), Some(5));
        assert_eq!(Domain::Steps { min: 0.0, max: 10.0, step: 3.0, integer: true }.levels(), Some(4));
    }

    #[test]
    fn violations_are_relative_and_nan_is_infinite() {
        let b = Bound { column: "acwr_max_p95".into(), min: None, max: Some(1.5) };
        assert_eq!(b.violation(1.2), 0.0);
        assert!((b.violation(1.8) - 0.2).abs() < 1e-12);
        assert!(b.violation(f64::NAN).is_infinite());
    }
}
