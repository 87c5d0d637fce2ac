//! Typed errors with the context a user needs: the file, the line, the field, what was expected.

use std::path::PathBuf;

use crate::scenario::ScenarioError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be read (exit 2).
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A value in a CSV input is wrong (exit 2).
    #[error("{}:{line}: {field}: {message}", path.display())]
    Data { path: PathBuf, line: u64, field: String, message: String },
    /// A CSV input is malformed as CSV (exit 2).
    #[error("{}: {source}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// A bad command-line value (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A bad scenario, with every problem found (exit 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// An output could not be written (exit 1).
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A fit could not be made from the data in this file (exit 2, or 1 when no fit was found).
    #[error("{}: {source}", path.display())]
    Fit {
        path: PathBuf,
        #[source]
        source: crate::fit::FitError,
    },
    /// A computation failed for a reason other than bad input (exit 1).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// The process exit code: 2 for bad usage or input, 1 for any other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Write { .. } | Error::Failed(_) => 1,
            Error::Fit { source, .. } => source.exit_code(),
            _ => 2,
        }
    }

    pub(crate) fn data(path: &std::path::Path, line: u64, field: &str, message: impl Into<String>) -> Self {
        Error::Data { path: path.to_path_buf(), line, field: field.to_string(), message: message.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
