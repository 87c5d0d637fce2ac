//! The `[compare]` table: which row each row is compared with.
//!
//! - Several variants, no `across`: each row is compared with the reference variant's row at the
//!   same sweep point (`reference`, default the first variant).
//! - One variant, no `across`: every row is compared with the first row.
//! - `across = "PATH"` (a swept path): each row is compared with the row that has the same values
//!   of every other swept path and the first listed value of PATH, in the same variant, or in the
//!   `reference` variant when one is named.
//!
//! A row compared with itself is a reference row: its comparison cells stay empty.

use super::spec::{Compare, Row};
use super::tree::{Node, Val};
use super::collector::V;

const KEYS: &[&str] = &["reference", "across", "swc", "across_models", "models"];

/// Read the table's keys (types only).
pub(super) fn read(v: &mut V, c: &Node) -> Option<Compare> {
    if !v.keys(c, "compare", KEYS) {
        return None;
    }
    let swc = v.float(c, "swc", "compare", |x| (!(0.0..=50.0).contains(&x)).then(|| "expected a percent from 0 to 50 (the smallest worthwhile change; 0.5 by default)".to_string()));
    Some(Compare {
        reference: v.string(c, "reference", "compare").map(str::to_string),
        across: v.string(c, "across", "compare").map(str::to_string),
        swc: swc.unwrap_or(super::spec::DEFAULT_SWC_PCT),
        across_models: match c.get("across_models") {
            None => false,
            Some(n) => match n.val {
                super::tree::Val::Bool(b) => b,
                _ => {
                    v.bad(&n.span, format!("compare.across_models = {}: expected true or false", n.show()));
                    false
                }
            },
        },
        models: models(v, c),
    })
}

/// `models = ["PRESET", ...]` or `"all"` (every preset, in the order `periodize presets` lists
/// them): the presets each variant runs under. Empty without the key.
fn models(v: &mut V, c: &Node) -> Vec<String> {
    let Some(n) = c.get("models") else { return Vec::new() };
    let names = super::presets::names();
    let expected = format!("expected \"all\" or a list of preset names: {}", names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "));
    let items: Vec<&Node> = match &n.val {
        Val::Str(s) if s == "all" => return names.iter().map(|s| s.to_string()).collect(),
        Val::Array(list) if !list.is_empty() => list.iter().collect(),
        _ => {
            v.bad(&n.span, format!("compare.models = {}: {expected}", n.show()));
            return Vec::new();
        }
    };
    let mut out: Vec<String> = Vec::new();
    for item in items {
        match &item.val {
            Val::Str(s) if names.contains(&s.as_str()) => {
                if out.contains(s) {
                    v.bad(&item.span, format!("compare.models: \"{s}\" is listed twice"));
                } else {
                    out.push(s.clone());
                }
            }
            _ => {
                let hint = match &item.val {
                    Val::Str(s) => super::collector::suggest(s, &names).map_or(String::new(), |m| format!(" (did you mean \"{m}\"?)")),
                    _ => String::new(),
                };
                v.bad(&item.span, format!("compare.models: {} is not a preset{hint}; {expected}", item.show()));
            }
        }
    }
    out
}

/// Without a `[compare]` table: the first variant at the same sweep point, or with one variant
/// the first row.
pub(super) fn resolve_default(variants: &[String], rows: &mut [Row]) {
    assign(variants, rows, None);
}

/// Resolve every row's reference from the table, reporting problems with their spans.
pub(super) fn resolve(v: &mut V, c: &Node, compare: &Compare, variants: &[String], paths: &[String], first_values: &[String], rows: &mut [Row]) {
    let ref_variant = match &compare.reference {
        None => None,
        Some(name) => match variants.iter().position(|n| n == name) {
            Some(i) => Some(i),
            None => {
                let span = c.get("reference").map_or(c.span.clone(), |n| n.span.clone());
                let list: Vec<String> = variants.iter().map(|n| format!("\"{n}\"")).collect();
                v.bad(&span, format!("compare.reference = \"{name}\": no variant has that name; expected one of {}", list.join(", ")));
                return;
            }
        },
    };
    let Some(across) = &compare.across else {
        assign(variants, rows, ref_variant);
        return;
    };
    let span = c.get("across").map_or(c.span.clone(), |n| n.span.clone());
    let Some(k) = paths.iter().position(|p| p == across) else {
        let swept = if paths.is_empty() { "the scenario has no [sweep]".to_string() } else { format!("swept paths: {}", paths.join(", ")) };
        v.bad(&span, format!("compare.across = \"{across}\": not a swept path; {swept}"));
        return;
    };
    // Each (variant, sweep values) to its first row, so finding partners is linear in the rows.
    let mut index: std::collections::HashMap<(&str, &[String]), usize> = std::collections::HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        index.entry((r.variant.as_str(), r.sweep.as_slice())).or_insert(i);
    }
    let mut refs = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let variant = ref_variant.map_or(row.variant.as_str(), |r| variants[r].as_str());
        let mut point = row.sweep.clone();
        point[k] = first_values[k].clone();
        match index.get(&(variant, point.as_slice())).copied() {
            Some(j) => refs.push((j != i).then_some(j)),
            None => {
                let label = row.label(paths);
                v.bad(&span, format!("compare.across = \"{across}\": row \"{label}\" has no partner with {across} = {} and the other swept values equal (a zip sweep pairs values; use a grid)", first_values[k]));
                return;
            }
        }
    }
    for (row, r) in rows.iter_mut().zip(refs) {
        row.reference = r;
    }
}

/// `compare_with = "OTHER"` in a variant (`(variant, OTHER, span)` each): that variant's rows
/// are compared with OTHER's rows at the same sweep point, whatever `[compare]` says. Rows are
/// complete here (every variant has every point), so the partner is found by position.
pub(super) fn apply_compare_with(v: &mut V, compare: &Compare, variants: &[String], pairs: &[(String, String, std::ops::Range<usize>)], rows: &mut [Row]) {
    let points = (rows.len() / variants.len().max(1)).max(1);
    for (name, target, span) in pairs {
        if compare.across.is_some() {
            v.bad(span, format!("variant \"{name}\": compare_with cannot be combined with [compare] across"));
            continue;
        }
        let (Some(from), Some(to)) = (variants.iter().position(|n| n == name), variants.iter().position(|n| n == target).filter(|_| name != target)) else {
            let list: Vec<String> = variants.iter().filter(|n| *n != name).map(|n| format!("\"{n}\"")).collect();
            v.bad(span, format!("variant \"{name}\": compare_with = \"{target}\": expected another variant's name: {}", list.join(", ")));
            continue;
        };
        for k in 0..points {
            rows[from * points + k].reference = Some(to * points + k);
        }
    }
}

/// Rows are in variant order, then sweep order, with the same number of points per variant.
/// With several variants each row is compared with `reference`'s row at the same point, by
/// default the first variant's *with the same model* (a variant of another model starts its
/// own comparisons); with one variant, every row with the first row of its model.
fn assign(variants: &[String], rows: &mut [Row], reference: Option<usize>) {
    let points = (rows.len() / variants.len().max(1)).max(1);
    let targets: Vec<usize> = (0..rows.len())
        .map(|i| match (variants.len() > 1, reference) {
            (true, Some(r)) => r * points + i % points,
            (true, None) => (0..variants.len()).map(|v| v * points + i % points).find(|&j| rows[j].same_model(&rows[i])).unwrap_or(i),
            (false, _) => (0..rows.len()).find(|&j| rows[j].same_model(&rows[i])).unwrap_or(i),
        })
        .collect();
    for (i, (row, target)) in rows.iter_mut().zip(targets).enumerate() {
        row.reference = (target != i).then_some(target);
    }
}

/// Refuse a comparison between rows of different models unless `[compare] across_models =
/// true` says it is meant (the percent between two models' levels answers no training question).
pub(super) fn check_models(v: &mut V, compare: &Compare, span: &std::ops::Range<usize>, rows: &[Row], paths: &[String]) {
    if compare.across_models {
        return;
    }
    if let Some((i, r)) = rows.iter().enumerate().find_map(|(i, row)| row.reference.filter(|&r| !row.same_model(&rows[r])).map(|r| (i, r))) {
        v.bad(
            span,
            format!(
                "row \"{}\" ({}) would be compared with row \"{}\" ({}): rows of different models are compared only with [compare] across_models = true; compare each model's variants with a variant of the same model",
                rows[i].label(paths),
                rows[i].model_name(),
                rows[r].label(paths),
                rows[r].model_name()
            ),
        );
    }
}
