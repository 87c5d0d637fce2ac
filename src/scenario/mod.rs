//! Scenario files (TOML, `schema_version = 1`).

mod error;

pub use error::{Problem, ScenarioError, line_col};
