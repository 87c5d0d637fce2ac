//! One athlete, one plan, two models: Banister's and the fitness-delay model, day by day.
//!
//! `cargo run --example simulate` prints a 6-week block of three hard sessions a week followed by
//! a week of rest, and performance under both models: the fitness-delay model's gain arrives
//! later, because its fitness rises for ln(tau1/tau3) tau1 tau3/(tau1 - tau3) days after a load.

use periodize::model::{AnyModel, Convention, Model, ModelConfig, ModelKind};

fn main() {
    // Three hard sessions (Tue, Thu, Sat) for six weeks, then a rest week.
    let loads: Vec<f64> = (0..49).map(|d| if d < 42 && matches!(d % 7, 1 | 3 | 5) { 100.0 } else { 0.0 }).collect();

    // Parameters in the order of each model's registration (`ModelKind::params`).
    let mut banister = model(ModelKind::Banister, &[100.0, 0.075, 0.15, 42.0, 10.0]);
    let mut delay = model(ModelKind::FitnessDelay, &[100.0, 0.075, 0.15, 42.0, 10.0, 6.0]);

    println!("day  load  banister  fitness-delay");
    for (day, &w) in loads.iter().enumerate() {
        banister.step(w);
        delay.step(w);
        if day % 7 == 6 {
            println!("{day:3}  {w:4.0}  {:8.2}  {:13.2}", banister.performance(), delay.performance());
        }
    }
}

/// A model for one athlete: the given values, every optional parameter at its default, checked
/// by `AnyModel::try_new` (a bad value is an error naming it, never a panic).
fn model(kind: ModelKind, values: &[f64]) -> AnyModel {
    let mut all: Vec<f64> = kind.params().iter().map(|p| p.default.unwrap_or(f64::NAN)).collect();
    all[..values.len()].copy_from_slice(values);
    let mut config = ModelConfig::new(kind);
    config.convention = Convention::Lagged;
    match AnyModel::try_new(&config, &all) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{}: {e}", kind.name());
            std::process::exit(2);
        }
    }
}
