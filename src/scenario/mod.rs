//! Scenario files (TOML, `schema_version = 1`): parsed once, at the edge, into a validated
//! [`Scenario`] whose rows (variants x sweep points) the engine runs without re-checking.
//!
//! Every problem found is reported, each with the file, line and column of the value that caused
//! it (after variants and sweeps were applied, so an error in a `[[variant]]` points there).

mod athletes;
mod collector;
mod compare;
mod error;
mod model_spec;
pub mod optimize;
pub mod presets;
mod plan_spec;
mod race_week;
mod sanity;
pub mod sensitivity;
mod spec;
mod tree;
mod validate;

use std::path::Path;

pub use error::{LoadError, Problem, ScenarioError, line_col};
pub use spec::*;
pub use athletes::parse_require;
pub use validate::{WEEKDAYS, parse_scenario, sha256_hex};

/// The scenario `periodize init` writes: the train-to-recover comparison, commented.
pub const TEMPLATE: &str = include_str!("template.toml");

/// Read and validate a scenario file.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    let text = crate::output::read_input(path)?;
    Ok(parse_scenario(&text, path)?)
}
