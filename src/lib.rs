//! periodize (crate docs are written in full below the module list).

pub mod cli;
pub mod daily;
pub mod error;
pub mod fit;
pub mod fmath;
pub mod model;
pub mod montecarlo;
pub mod output;
pub mod plan;
pub mod plots;
pub mod stats;
pub mod scenario;
pub mod simulate;

pub use error::{Error, Result};
