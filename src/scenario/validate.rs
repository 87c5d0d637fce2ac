//! Turning a spanned TOML tree into a validated [`Scenario`], collecting every problem found.

use std::ops::Range;
use std::path::Path;

use super::error::ScenarioError;
use super::collector::*;
use super::model_spec::*;
use super::plan_spec::*;
use super::spec::*;
use super::tree::{self, Node, Val};
use crate::daily::MAX_LOAD;



pub use crate::plan::WEEKDAYS;
pub(super) const TOP_KEYS: &[&str] = &["schema_version", "name", "description", "run", "model", "athlete", "plan", "noise", "variant", "sweep", "compare", "optimize"];
pub(super) const RUN_KEYS: &[&str] = &["seed", "athletes", "load_unit", "performance_unit", "race_time", "performance_is"];
pub(super) const NOISE_KEYS: &[&str] = &["load_cv", "miss_rate", "test_sd"];
pub(super) const VARIANT_KEYS: &[&str] = &["name", "description", "compare_with", "model", "athlete", "plan", "noise"];
pub(super) const PHASE_KEYS: &[&str] = &[
    "weeks", "key_workouts", "spacing", "key_load", "easy_load", "rest_days", "recovery", "overreach", "progression",
    "target_weekly_load", "long_run",
];
pub(super) const PLAN_ONLY_KEYS: &[&str] =
    &["taper", "loads", "phase", "target_total_load", "weekly_loads", "race_weekday", "race_date", "start_date", "load_column", "load_columns", "channels", "format", "date_column", "race_week", "max_ramp"];
/// Factors above this look like percentages typed as factors.
pub(super) const FACTOR_WARN: f64 = 3.0;
pub(super) const MAX_WEEKS: usize = 1040;
pub(super) const MAX_ATHLETES: i64 = 100_000_000;
/// The most rows (variants x sweep points) a scenario may have.
pub const MAX_ROWS: usize = 100_000;

/// A unit label as written, trimmed.
pub(super) fn unit(s: &str) -> String {
    s.trim().to_string()
}

/// The comment lines before the first key or table of a TOML file, without their `#`.
pub(super) fn opening_comment(text: &str) -> String {
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
/// assert_eq!(sc.rows().len(), 3);
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
    let head = read_head(&mut v, &root, path);
    if let Some(Val::Array(list)) = root.get("variant").map(|n| &n.val)
        && list.len() > MAX_ROWS
    {
        v.bad(&root.get("variant").map_or(0..0, |n| n.span.clone()), format!("{} variants make more than {MAX_ROWS} rows, the most a scenario may have", list.len()));
        return Err(v.err);
    }
    let (variants, compare_with) = read_variants(&mut v, &root, &head.name);
    let (sweep, zip) = read_sweep(&mut v, &root);
    let points = sweep_points(&mut v, &sweep, zip);
    let optimize = super::optimize::read(&mut v, &root, &variants, root.get("sweep").is_some(), path, text);
    // A path written `?model.X` reaches only the rows whose model has X (see build_rows).
    let sweep_paths: Vec<String> = sweep.iter().map(|(p, _, _)| p.trim_start_matches('?').to_string()).collect();
    let names: Vec<String> = variants.iter().map(|(n, _)| n.clone()).collect();
    let first_values: Vec<String> = sweep.iter().map(|(_, _, vals)| vals[0].label()).collect();
    let compare = root.get("compare").and_then(|c| super::compare::read(&mut v, c)).unwrap_or_default();
    let blocks = model_blocks(&mut v, &root, &compare, &variants, &sweep_paths);
    if v.err.is_empty() && blocks.len().saturating_mul(variants.len()).saturating_mul(points.len()) > MAX_ROWS {
        let by = if blocks.len() > 1 { format!(" x {} models", blocks.len()) } else { String::new() };
        v.bad(&(0..0), format!("{} variants x {} sweep points{by} make more than {MAX_ROWS} rows, the most a scenario may have", variants.len(), points.len()));
        return Err(v.err);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut files: FileCache = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    // Each model's rows are compared among themselves: references are resolved per block and
    // moved by the rows before it.
    for block in &blocks {
        let mut block_rows = build_rows(&mut v, block, &sweep, &points, dir, &mut files);
        if v.err.is_empty() {
            match root.get("compare") {
                Some(c) => super::compare::resolve(&mut v, c, &compare, &names, &sweep_paths, &first_values, &mut block_rows),
                None => super::compare::resolve_default(&names, &mut block_rows),
            }
        }
        if v.err.is_empty() {
            super::compare::apply_compare_with(&mut v, &compare, &names, &compare_with, &mut block_rows);
        }
        let base = rows.len();
        rows.extend(block_rows.into_iter().map(|mut r| {
            r.reference = r.reference.map(|j| j + base);
            r
        }));
    }
    if v.err.is_empty() {
        let span = root.key_span("compare").unwrap_or(0..0);
        super::compare::check_models(&mut v, &compare, &span, &rows, &sweep_paths);
    }
    if v.err.is_empty() {
        let span = root.get("plan").and_then(|p| p.get("target_total_load")).map_or(0..0, |n| n.span.clone());
        resolve_reference_totals(&mut v, &span, &mut rows);
        plan_warnings(&mut v, &root, &rows, &sweep_paths);
    }
    if !v.err.is_empty() {
        v.err.problems.sort_by_key(|p| (p.line, p.column));
        return Err(v.err);
    }
    let warnings = located_warnings(std::mem::take(&mut v.warnings), text, path);
    let Head { name, description, seed, athletes, load_unit, performance_unit, race } = head;
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
        race,
        opening_comment: opening_comment(text),
        sha256: sha256_hex(text.as_bytes()),
        warnings,
        optimize: optimize.as_ref().map(|(o, _)| o.clone()),
        source: optimize.map(|(_, s)| std::sync::Arc::new(s.with_files(files))),
    })
}

/// The scenario's top-level settings.
struct Head {
    name: String,
    description: String,
    seed: u64,
    athletes: usize,
    load_unit: String,
    performance_unit: String,
    race: Option<super::spec::RaceTime>,
}

/// The top-level keys, `schema_version`, the name and description, `[run]`, and that `[model]`
/// and `[plan]` are there.
fn read_head(v: &mut V, root: &Node, path: &Path) -> Head {
    let whole = 0..0;
    v.keys(root, "", TOP_KEYS);
    match root.get("schema_version") {
        None => v.bad(&whole, "schema_version: missing; expected schema_version = 1"),
        Some(n) if n.val != Val::Int(1) => v.bad(&n.span, format!("schema_version = {}: expected 1, the only version this periodize reads", n.show())),
        _ => {}
    }
    let name = v.string(root, "name", "").map(str::to_string);
    let name = name.unwrap_or_else(|| path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned()));
    let description = v.string(root, "description", "").unwrap_or("").to_string();
    let mut head = Head { name, description, seed: 1, athletes: 1000, load_unit: String::new(), performance_unit: String::new(), race: None };
    if let Some(run) = root.get("run")
        && v.keys(run, "run", RUN_KEYS) {
            head.seed = v.int(run, "seed", "run", 0, i64::MAX).map_or(head.seed, |s| s as u64);
            head.athletes = v.int(run, "athletes", "run", 1, MAX_ATHLETES).map_or(head.athletes, |a| a as usize);
            head.load_unit = v.string(run, "load_unit", "run").map(unit).unwrap_or_default();
            head.performance_unit = v.string(run, "performance_unit", "run").map(unit).unwrap_or_default();
            head.race = race_time(v, run);
        }
    // With [compare] models the presets are the model.
    let models = root.get("compare").and_then(|c| c.get("models")).is_some();
    for section in ["model", "plan"] {
        if root.get(section).is_none() && !(section == "model" && models) {
            v.bad(&whole, format!("[{section}]: missing; every scenario needs a [{section}] table"));
        }
    }
    head
}

/// `[run] race_time = "H:MM:SS"` with `performance_is = "speed" | "power"`.
fn race_time(v: &mut V, run: &Node) -> Option<super::spec::RaceTime> {
    let is = match run.get("performance_is") {
        None => None,
        Some(n) => match &n.val {
            Val::Str(x) if x == "speed" => Some(1.0),
            Val::Str(x) if x == "power" => Some(1.0 / 3.0),
            _ => {
                v.bad(&n.span, format!("run.performance_is = {}: expected \"speed\" (race time scales with 1/performance) or \"power\" (with performance^(-1/3))", n.show()));
                return None;
            }
        },
    };
    let Some(n) = run.get("race_time") else {
        if let Some(p) = run.get("performance_is") {
            v.bad(&p.span, "run.performance_is: needs run.race_time = \"H:MM:SS\" (the reference's race time)");
        }
        return None;
    };
    let seconds = match &n.val {
        Val::Str(x) => parse_clock(x),
        _ => None,
    };
    match seconds {
        Some(s) if s > 0.0 && s <= 30.0 * 86_400.0 => Some(super::spec::RaceTime { seconds: s, exponent: is.unwrap_or(1.0) }),
        _ => {
            v.bad(&n.span, format!("run.race_time = {}: expected a race time as \"H:MM:SS\" or \"MM:SS\" (e.g. \"1:30:00\"), above 0", n.show()));
            None
        }
    }
}

/// Seconds of `H:MM:SS`, `MM:SS` or `SS` (each part after the first below 60; decimals allowed
/// in the seconds).
fn parse_clock(t: &str) -> Option<f64> {
    let parts: Vec<&str> = t.trim().split(':').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut total = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let x: f64 = if last { p.parse().ok()? } else { p.parse::<u32>().ok()? as f64 };
        if !x.is_finite() || x < 0.0 || (i > 0 && x >= 60.0) {
            return None;
        }
        total = total * 60.0 + x;
    }
    Some(total)
}

/// `compare_with = "OTHER"` of each variant: (name, target, span).
type CompareWith = Vec<(String, String, Range<usize>)>;

/// Variants: each a name plus overrides of model, athlete, plan and noise, as the tree of its
/// rows (the scenario itself, named `name`, when it has none).
fn read_variants(v: &mut V, root: &Node, name: &str) -> (Vec<(String, Node)>, CompareWith) {
    let mut variants: Vec<(String, Node)> = Vec::new();
    // Each row clones its variant's tree: without the sweep's value lists (which can be long)
    // that is O(rows), not O(rows x values).
    // Nor the variant list itself: each variant's tree holding every variant made memory
    // quadratic in their number.
    let mut base = root.clone();
    base.remove("sweep");
    base.remove("variant");
    base.remove("optimize");
    let mut compare_with = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    match root.get("variant").map(|n| &n.val) {
        None => variants.push((name.to_string(), base.clone())),
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
                let name_span = var.get("name").map_or(var.span.clone(), |n| n.span.clone());
                let written = vname;
                let vname = normal_name(&written);
                if vname.is_empty() {
                    v.bad(&name_span, format!("{vpath}.name = \"{written}\": a variant needs a name that is not empty"));
                    continue;
                }
                if let Some(&j) = seen.get(&vname) {
                    let same = if written == variants[j].0 { String::new() } else { format!(" (the same name as variant {j}'s once trimmed and NFC-normalised)") };
                    v.bad(&name_span, format!("{vpath}.name = \"{written}\": names must be unique{same}"));
                    continue;
                }
                seen.insert(vname.clone(), variants.len());
                let t = variant_tree(v, &base, var, &vpath);
                if let Some(target) = v.string(var, "compare_with", &vpath) {
                    compare_with.push((vname.clone(), target.to_string(), var.get("compare_with").map_or(var.span.clone(), |n| n.span.clone())));
                }
                variants.push((vname, t));
            }
        }
        Some(_) => v.bad(&root.get("variant").map_or(0..0, |n| n.span.clone()), "variant: expected [[variant]] tables"),
    }
    (variants, compare_with)
}

/// A name as periodize keeps it: trimmed and in Unicode normal form C, so that "é" typed as one
/// character or as e + accent, or with a trailing space, is one name.
pub(super) fn normal_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.trim().nfc().collect()
}

/// The tree of one variant: the base with the variant's sections written over it.
fn variant_tree(v: &mut V, base: &Node, var: &Node, vpath: &str) -> Node {
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
    hidden_overrides(v, var, &t, vpath);
    t
}

/// A swept path: the path, the span of its key, its values.
type SweptPath = (String, Range<usize>, Vec<Node>);

/// Sweep: dotted paths, each over a list of values; a grid (default) or zipped (`true`).
fn read_sweep(v: &mut V, root: &Node) -> (Vec<SweptPath>, bool) {
    let mut sweep = Vec::new();
    let mut zip = false;
    let Some(sw) = root.get("sweep") else {
        return (sweep, zip);
    };
    let Some(t) = sw.table() else {
        v.bad(&sw.span, "sweep: expected a table of \"path\" = [values]");
        return (sweep, zip);
    };
    for (k, n) in t {
        if k.name == "mode" {
            match &n.val {
                Val::Str(s) if s == "zip" => zip = true,
                Val::Str(s) if s == "grid" => {}
                _ => v.bad(&n.span, format!("sweep.mode = {}: expected \"grid\" or \"zip\"", n.show())),
            }
            continue;
        }
        let name = k.name.strip_prefix('?').unwrap_or(&k.name);
        let first = name.split('.').next().unwrap_or("");
        if !["model", "athlete", "plan", "noise"].contains(&first) || name.split('.').any(str::is_empty) || (name.len() < k.name.len() && first != "model") {
            let why = if first == "run" { "run settings are the same for every row; set them in [run]" } else { "expected a path under model., athlete., plan. or noise." };
            v.bad(&k.span, format!("sweep.\"{}\": {why}", k.name));
            continue;
        }
        match &n.val {
            Val::Array(vals) if !vals.is_empty() => sweep.push((k.name.clone(), k.span.clone(), vals.clone())),
            _ => v.bad(&n.span, format!("sweep.\"{}\" = {}: expected a non-empty array of values", k.name, n.show())),
        }
    }
    (sweep, zip)
}

/// Whether the model of a row's tree `t` has the parameter of a `model.X` path (other paths:
/// true). A model it cannot tell (no kind, an unknown preset) counts as having it, so that
/// validation says what is wrong.
fn model_has(t: &Node, path: &str) -> bool {
    let Some(param) = path.strip_prefix("model.").and_then(|p| p.split('.').next()) else { return true };
    let Some(m) = t.get("model") else { return true };
    let kind = match (m.get("kind"), m.get("preset")) {
        (Some(k), _) => k.label(),
        (None, Some(p)) => super::presets::find(&p.label()).map_or_else(String::new, |p| p.kind.to_string()),
        (None, None) => return true,
    };
    crate::model::ModelKind::parse(&kind).is_none_or(|k| k.param_index(param).is_some() || k.options().iter().any(|(n, _)| *n == param))
}

/// Every row: each variant at each sweep point, validated.
fn build_rows(v: &mut V, variants: &[(String, Node)], sweep: &[SweptPath], points: &[Vec<Node>], dir: &Path, file_cache: &mut FileCache) -> Vec<Row> {
    let mut rows = Vec::new();
    for (vname, t) in variants {
        // A value written in the file is checked even where a sweep replaces it in every row.
        if !sweep.is_empty() {
            validate_row(v, t, vname, Vec::new(), dir, file_cache);
        }
        for point in points {
            let mut t = t.clone();
            let mut labels = Vec::new();
            for ((p, kspan, _), val) in sweep.iter().zip(point) {
                labels.push(val.label());
                let (optional, p) = p.strip_prefix('?').map_or((false, p.as_str()), |q| (true, q));
                if optional && !model_has(&t, p) {
                    continue;
                }
                let parts: Vec<&str> = p.split('.').collect();
                t.set_path(&parts, val.clone(), kspan);
            }
            if let Some(row) = validate_row(v, &t, vname, labels, dir, file_cache) {
                rows.push(row);
            }
        }
    }
    rows
}

/// The variants to build rows from, once per model: the scenario's own variants, or with
/// `[compare] models` each variant under each listed preset (model order, then variant order).
/// The presets then choose every row's model, so a `[model]` table, a variant's `[model]` or a
/// swept `model.` path (which the presets would silently replace) is refused, as is `[optimize]`
/// (which searches one model's plan).
fn model_blocks<'a>(v: &mut V, root: &Node, compare: &Compare, variants: &'a [(String, Node)], sweep_paths: &[String]) -> Vec<std::borrow::Cow<'a, [(String, Node)]>> {
    if compare.models.is_empty() {
        // The scenario's own variants, borrowed: no copy of their trees.
        return vec![std::borrow::Cow::Borrowed(variants)];
    }
    let models_node = root.get("compare").and_then(|c| c.get("models"));
    let span = models_node.map_or(0..0, |n| n.span.clone());
    let why = "[compare] models runs every variant under each listed preset";
    if let Some(k) = root.key_span("model") {
        v.bad(&k, format!("[model]: {why}, so the scenario cannot choose a model too; remove [model] (or models)"));
    }
    if let Some(Val::Array(list)) = root.get("variant").map(|n| &n.val) {
        for (i, var) in list.iter().enumerate() {
            if let Some(k) = var.key_span("model") {
                v.bad(&k, format!("variant[{i}].model: {why}; a variant can change the plan, the athletes or the noise, not the model"));
            }
        }
    }
    if let Some(p) = sweep_paths.iter().find(|p| p.starts_with("model.")) {
        let k = root.get("sweep").and_then(|s| s.key_span(p)).unwrap_or_else(|| span.clone());
        v.bad(&k, format!("sweep \"{p}\": {why}, which replaces every model parameter; sweep the plan, the athletes or the noise"));
    }
    if let Some(k) = root.key_span("optimize") {
        v.bad(&k, format!("[optimize]: {why}; optimize one model at a time (give the scenario a [model] and no models)"));
    }
    compare
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // The preset's span is its item in the list (the whole value for "all").
            let at = match models_node.map(|n| &n.val) {
                Some(Val::Array(list)) => list.get(i).map_or(span.clone(), |n| n.span.clone()),
                _ => span.clone(),
            };
            let model = Node { val: Val::Table(vec![(super::tree::Key { name: "preset".into(), span: at.clone() }, Node { val: Val::Str(m.clone()), span: at.clone() })]), span: at.clone() };
            variants
                .iter()
                .map(|(name, t)| {
                    let mut t = t.clone();
                    t.remove("model");
                    t.set_path(&["model"], model.clone(), &at);
                    (name.clone(), t)
                })
                .collect::<Vec<_>>()
                .into()
        })
        .collect()
}

/// Warnings with their file, line and column, in the order they appear in the file.
fn located_warnings(mut warnings: Vec<(Range<usize>, String)>, text: &str, path: &Path) -> Vec<String> {
    warnings.sort_by_key(|(s, _)| s.start);
    warnings
        .into_iter()
        .map(|(span, m)| {
            let (line, col) = super::error::line_col(text, span.start);
            format!("{}:{line}:{col}: {m}", path.display())
        })
        .collect()
}

/// `target_total_load = "reference"`: each compared row is scaled to its reference's planned
/// total; a reference row keeps its own plan.
pub(super) fn resolve_reference_totals(v: &mut V, span: &Range<usize>, rows: &mut [Row]) {
    let takes = |r: &Row| matches!(&r.plan, PlanSpec::Generated { target_total_load: Some(TotalTarget::Reference), .. });
    // A row whose reference takes its total from its own reference in turn is resolved after
    // it (a chain); rows that take their totals from each other (a cycle) have none to take.
    let mut totals: Vec<Option<f64>> = vec![None; rows.len()];
    for start in 0..rows.len() {
        if !takes(&rows[start]) || totals[start].is_some() {
            continue;
        }
        let mut chain = vec![start];
        let mut at = start;
        let source = loop {
            match rows[at].reference {
                // A reference that takes its own reference's total is resolved first; one
                // without a reference keeps its plan's total.
                Some(r) if takes(&rows[r]) && totals[r].is_none() && rows[r].reference.is_some() => {
                    if chain.contains(&r) {
                        let labels: Vec<String> = chain.iter().map(|&i| rows[i].label(&[])).collect();
                        v.bad(span, format!("plan.target_total_load = \"reference\": {} take their total load from each other's (a cycle through their references); give one of them a number, or compare them with a row that has its own total", labels.join(" -> ")));
                        return;
                    }
                    chain.push(r);
                    at = r;
                }
                Some(r) => break Some(totals[r].unwrap_or_else(|| crate::plan::generate(&rows[r].plan).total())),
                None => break None,
            }
        };
        for &i in chain.iter().rev() {
            totals[i] = source;
        }
    }
    for (row, total) in rows.iter_mut().zip(totals) {
        if let PlanSpec::Generated { target_total_load: t @ Some(TotalTarget::Reference), .. } = &mut row.plan {
            *t = total.map(TotalTarget::Load);
        }
    }
}

/// Plans that validate but look wrong: a recovery or overreach week cut into by the taper, a
/// race week heavier than the week before. Rows with the same finding share one warning.
pub(super) fn plan_warnings(v: &mut V, root: &Node, rows: &[Row], sweep_paths: &[String]) {
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
        // Generated here, not through the row's cache: the reference totals were resolved into
        // the plan after any earlier generation.
        let generated = crate::plan::generate(&row.plan);
        for finding in super::race_week::findings(row, &generated) {
            note(&plan_span, finding, label.clone());
        }
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
                channels: row.plan.channels(),
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
        let weeks = crate::plan::weeks(&generated);
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
pub(super) fn hidden_overrides(v: &mut V, var: &Node, t: &Node, vpath: &str) {
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
pub(super) fn sweep_points(v: &mut V, sweep: &[(String, Range<usize>, Vec<Node>)], zip: bool) -> Vec<Vec<Node>> {
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
    let (model, mut start, plan) = (model?, start?, plan?);
    super::athletes::align_history(v, t, &mut start, plan.start_date())?;
    let load_map = super::athletes::load_map(v, t, &model, &start)?;
    let race_rules = match t.get("plan") {
        Some(p) => super::race_week::rules(v, p)?,
        None => Default::default(),
    };
    let row = Row { variant: variant.to_string(), sweep, model, plan, noise: noise?, start, reference: None, load_map, generated: Default::default(), race_rules };
    check_row(v, t, row)
}

/// The checks of a whole row (its plan's loads, load targets, the model at the plan's load), for
/// every row a scenario or `optimize` builds: a candidate `optimize` ranks is one `run` accepts.
pub(super) fn check_row(v: &mut V, t: &Node, row: Row) -> Option<Row> {
    let variant = row.variant.as_str();
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
pub(super) fn check_targets(v: &mut V, t: &Node, row: &Row, plan: &crate::plan::Plan) -> bool {
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
