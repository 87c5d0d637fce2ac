//! Numerical sanity at validation: a row whose central athlete's model values overflow (or grow
//! beyond [`MAX_STATE`]) on the row's plan is refused, naming the parameter behind it.
//!
//! The central athlete takes each parameter's fixed value or the centre of its distribution (the
//! first row of a `sample_from` table). Heavy-tailed distributions can still draw an athlete who
//! overflows; `run` then refuses the result naming the row, athlete and day.

use std::ops::Range;

use super::spec::{Dist, Row};
use super::tree::Node;
use super::collector::V;
use crate::model::MAX_STATE;


/// The central athlete's parameter values.
fn central(row: &Row) -> Vec<f64> {
    let mut values: Vec<f64> = row
        .model
        .params
        .iter()
        .map(|(_, d)| match *d {
            Dist::Fixed { value } => value,
            Dist::Normal { mean, min, max, .. } => mean.clamp(min, max),
            Dist::Lognormal { median, .. } => median,
            Dist::Uniform { min, max } => 0.5 * (min + max),
        })
        .collect();
    if let Some(t) = row.model.joint.sample_from.as_ref().filter(|t| t.rows > 0) {
        for (&i, &x) in t.index.iter().zip(t.row(0)) {
            values[i] = x;
        }
    }
    values
}

/// The first day and value at which the model leaves [-MAX_STATE, MAX_STATE] (or is not finite)
/// on these loads and the race day after them, every load in the hard channel.
fn first_overflow(row: &Row, values: &[f64], loads: &[f64]) -> Option<(usize, &'static str, f64)> {
    let scale = row.load_map.scale;
    crate::model::first_bad_value(&row.model.config, values, loads.iter().map(|w| (w * scale, 0.0)).chain([(0.0, 0.0)]), crate::model::in_range)
}

/// Refuse a row whose central athlete overflows on its plan (`loads`). Returns false when it does.
pub(super) fn check_row(v: &mut V, t: &Node, row: &Row, loads: &[f64]) -> bool {
    let values = central(row);
    // Values that break a model's own constraints were reported already.
    if crate::model::check_values(row.model.config.kind, &values).is_err() {
        return true;
    }
    let Some((day, column, x)) = first_overflow(row, &values, loads) else {
        return true;
    };
    let defs = row.model.config.kind.params();
    // The parameters that, each set to its typical value alone, bring the values back in range.
    let culprits: Vec<usize> = (0..values.len())
        .filter(|&i| values[i] != defs[i].typical)
        .filter(|&i| {
            let mut tried = values.clone();
            tried[i] = defs[i].typical;
            first_overflow(row, &tried, loads).is_none()
        })
        .collect();
    let model_span = t.key_span("model").unwrap_or_default();
    let span_of = |i: usize| -> Range<usize> { t.get("model").and_then(|m| m.get(defs[i].name)).map(|n| n.span.clone()).unwrap_or_else(|| model_span.clone()) };
    let at = if row.sweep.is_empty() { String::new() } else { format!(" ({})", row.sweep.join(", ")) };
    let max_load = loads.iter().fold(0.0f64, |a, &w| a.max(w));
    let shown = if x.is_finite() { format!("{x:.3e}") } else { x.to_string() };
    let max_load = if max_load >= 1e6 { format!("{max_load:e}") } else { max_load.to_string() };
    let what = format!("{column} reaches {shown} on day {day} for the population's central athlete (the limit is {MAX_STATE:e})");
    match culprits.first() {
        Some(&i) => v.bad(
            &span_of(i),
            format!(
                "model.{} = {:e}{at}: with the plan's loads (up to {max_load}) the model overflows: {what}; a typical {} is {} for loads of about 100 per hard session",
                defs[i].name, values[i], defs[i].name, defs[i].typical
            ),
        ),
        None => v.bad(
            &model_span,
            format!(
                "model{at}: these parameters ({}) with the plan's loads (up to {max_load}) overflow the model: {what}; check the gains, time constants and loads",
                defs.iter().zip(&values).map(|(d, x)| format!("{} = {x:e}", d.name)).collect::<Vec<_>>().join(", ")
            ),
        ),
    }
    false
}
