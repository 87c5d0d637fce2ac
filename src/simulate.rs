//! `periodize simulate`: one deterministic athlete over a daily load series.

use std::io::Write;

use crate::daily::DailySeries;
use crate::error::{Error, Result};
use crate::model::{Acwr, AnyModel, Convention, Day, LaneModel, Model, ModelConfig, ModelKind, check_values};
use crate::output::num;

/// Resolve `NAME=VALUE` parameters for a model into its config and numeric values (in the order of
/// [`ModelKind::params`]), with defaults filled in. Errors name the parameter and what it expects.
///
/// ```
/// use periodize::model::{AnyModel, Model, ModelKind};
/// let params: Vec<(String, String)> = [("p0", "100"), ("k1", "0.1"), ("k2", "0.2"), ("tau1", "42"), ("tau2", "7"), ("tau3", "5")]
///     .iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let (config, values) = periodize::simulate::resolve_params(ModelKind::FitnessDelay, None, &params).unwrap();
/// let mut m = AnyModel::try_new(&config, &values).unwrap();
/// m.step(100.0);
/// m.step(0.0);
/// // Lagged: the first day's load counts from day two; fitness-delay's fitness starts near 0.
/// assert!(m.fitness() > 0.0 && m.fitness() < 100.0 * (1.0 - (-1.0f64 / 5.0).exp()));
///
/// // tau3 must stay below tau1.
/// let mut bad = params.clone();
/// bad[5].1 = "50".into();
/// assert!(periodize::simulate::resolve_params(ModelKind::FitnessDelay, None, &bad).is_err());
/// ```
pub fn resolve_params(
    kind: ModelKind,
    convention: Option<Convention>,
    params: &[(String, String)],
) -> Result<(ModelConfig, Vec<f64>)> {
    let mut config = ModelConfig::new(kind);
    if let Some(c) = convention {
        config.convention = c;
    }
    let defs = kind.params();
    let mut values: Vec<Option<f64>> = defs.iter().map(|d| d.default).collect();
    let mut seen: Vec<&str> = Vec::new();
    for (name, raw) in params {
        if seen.contains(&name.as_str()) {
            return Err(Error::Usage(format!("--param {name} is given twice")));
        }
        seen.push(name);
        if let Some(i) = kind.param_index(name) {
            let v: f64 = raw.trim().parse().map_err(|_| {
                Error::Usage(format!("--param {name}={raw}: expected {}", defs[i].constraint.expected()))
            })?;
            defs[i].constraint.check(v).map_err(|e| Error::Usage(format!("--param {name}={raw}: expected {e}")))?;
            values[i] = Some(v);
        } else if kind.options().iter().any(|(n, _)| n == name) {
            config.set_option(name, raw.trim()).map_err(|e| Error::Usage(format!("--param {name}={raw}: {e}")))?;
        } else {
            let mut known: Vec<&str> = defs.iter().map(|d| d.name).collect();
            known.extend(kind.options().iter().map(|(n, _)| *n));
            return Err(Error::Usage(format!(
                "unknown parameter '{name}' for {kind}: expected one of {}",
                known.join(", ")
            )));
        }
    }
    let missing: Vec<&str> = defs.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|(d, _)| d.name).collect();
    if !missing.is_empty() {
        let flags: Vec<String> = missing.iter().map(|n| format!("--param {n}=VALUE")).collect();
        return Err(Error::Usage(format!("{kind} needs {}", flags.join(" "))));
    }
    let values: Vec<f64> = values.into_iter().flatten().collect();
    check_values(kind, &values).map_err(|(n, v, e)| Error::Usage(format!("--param {n}={v}: expected {e}")))?;
    Ok((config, values))
}

/// Run the model once and refuse a result that is not finite (the parameters and loads overflow
/// f64), naming the first such day and column, so no CSV with `inf` or empty cells is written.
pub fn check_finite(config: &ModelConfig, values: &[f64], series: &DailySeries) -> Result<()> {
    match crate::model::first_bad_value(config, values, channel_days(series), f64::is_finite) {
        Some((i, column, x)) => Err(Error::Usage(format!(
            "day {}: {column} is {x}: these parameters and loads overflow the model; check the gains, time constants and loads",
            series.first_day + i as i64
        ))),
        None => Ok(()),
    }
}

use crate::daily::channel_days;

/// Simulate one athlete and write the contract's columns as CSV.
pub fn write_simulation(
    out: &mut dyn Write,
    config: &ModelConfig,
    values: &[f64],
    series: &DailySeries,
) -> std::io::Result<()> {
    let kind = config.kind;
    let mut header = vec!["day", "load"];
    header.extend(kind.columns());
    if series.first_date.is_some() {
        header.push("date");
    }
    let mut csv = crate::output::csv_writer(out);
    csv.write_record(&header)?;
    let mut model = AnyModel::new(config, values);
    let mut acwr = Acwr::default();
    let mut row = Vec::with_capacity(8);
    for (i, (w, e)) in channel_days(series).enumerate() {
        LaneModel::step(&mut model, &Day { load: [w], easy: [e], session: None });
        row.clear();
        Model::row(&model, &mut row);
        csv.write_field((series.first_day + i as i64).to_string())?;
        csv.write_field(num(w))?;
        for &x in &row {
            csv.write_field(num(x))?;
        }
        if kind.info().acwr_column {
            csv.write_field(acwr.push(w).map_or(String::new(), num))?;
        }
        if let Some(d) = series.date_label(i) {
            csv.write_field(d)?;
        }
        csv.write_record(None::<&[u8]>)?;
    }
    csv.flush()
}
