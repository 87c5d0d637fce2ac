//! Validation of `[model]` (kind, convention, options, each parameter's value or distribution)
//! and `[noise]`.

use std::ops::Range;
use std::path::Path;

use super::collector::*;
use super::spec::*;
use super::tree::Node;
use crate::model::{Constraint, Convention, ModelConfig, ModelKind};
use super::validate::*;

pub(super) fn validate_noise(v: &mut V, n: &Node) -> Option<Noise> {
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

pub(super) fn validate_model(v: &mut V, m: &Node, span: Range<usize>, dir: &Path) -> Option<ModelSpec> {
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
    let mut allowed: Vec<&str> = vec!["kind", "convention", "preset", "correlation", "require", "sample_from", "sample_from_sha256", "load_scale"];
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
pub(super) fn validate_dist(v: &mut V, n: &Node, path: &str, c: Constraint) -> Option<Dist> {
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
    let Some(kind) = v.string(n, "dist", path).map(str::to_string) else {
        // A table without `dist` (or with one of the wrong type, reported by `string`) is no
        // distribution: say so, or the parameter would go missing without an error.
        if n.get("dist").is_none() {
            v.bad(&n.span, format!("{path} = {}: a distribution table needs dist = \"normal\", \"lognormal\" or \"uniform\"", n.show()));
        }
        return None;
    };
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
            Dist::Normal { mean: mean?, sd: sd?, min, max }
        }
        "lognormal" => {
            v.keys(n, path, &["dist", "median", "sigma"]);
            let median = need(v, "median", positive);
            let sigma = need(v, "sigma", |x| (!(x.is_finite() && (0.0..=Dist::MAX_SIGMA).contains(&x))).then(|| "must be from 0 to 3 (the sd of ln x: 0.2 is a 20% spread)".into()));
            Dist::Lognormal { median: median?, sigma: sigma? }
        }
        "uniform" => {
            v.keys(n, path, &["dist", "min", "max"]);
            let min = need(v, "min", |x| (!x.is_finite()).then(|| "must be finite".into()));
            let max = need(v, "max", |x| (!x.is_finite()).then(|| "must be finite".into()));
            Dist::Uniform { min: min?, max: max? }
        }
        _ => {
            let d = n.get("dist")?;
            v.bad(&d.span, format!("{path}.dist = {}: expected \"normal\", \"lognormal\" or \"uniform\"", d.show()));
            return None;
        }
    };
    if v.reported != errs {
        return None;
    }
    // The window, and every draw a valid parameter value (the keys' own values were checked
    // above, each at its key).
    if let Err(e) = dist.check(c) {
        v.bad(&n.span, format!("{path}: {e}"));
        return None;
    }
    Some(dist)
}

