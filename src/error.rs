//! Typed errors with the context a user needs: the file, the line, the field, what was expected.

use std::path::PathBuf;

use crate::io::IoError;
use crate::scenario::{LoadError, ScenarioError};

#[derive(Debug, thiserror::Error)]
/// Everything that can go wrong, with the context to fix it; [`Error::exit_code`] maps it to the process exit code.
pub enum Error {
    /// An input file could not be read (exit 2).
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A value in a CSV input is wrong (exit 2).
    #[error("{}:{line}: {field}: {message}", path.display())]
    Data {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the value.
        line: u64,
        /// The column or field.
        field: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A CSV input is malformed as CSV (exit 2).
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        #[source]
        /// The CSV reader's error (with its position).
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
        /// The file or folder.
        path: PathBuf,
        #[source]
        /// Why it could not be written.
        source: std::io::Error,
    },
    /// A fit could not be made from the data in this file (exit 2, or 1 when no fit was found).
    #[error("{}: {source}", path.display())]
    Fit {
        /// The file of daily loads and tests.
        path: PathBuf,
        #[source]
        /// Why the fit failed.
        source: crate::fit::FitError,
    },
    /// A computation failed for a reason other than bad input (exit 1).
    #[error("{0}")]
    Failed(String),
    /// The run was cancelled through its cancellation flag (exit 130, as for SIGINT).
    #[error("cancelled")]
    Cancelled,
}

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        match e {
            IoError::Read { path, source } => Error::Read { path, source },
            IoError::Data { path, line, field, message } => Error::Data { path, line, field, message },
            IoError::Csv { path, source } => Error::Csv { path, source },
            IoError::Usage(m) => Error::Usage(m),
            IoError::Write { path, source } => Error::Write { path, source },
            IoError::Failed(m) => Error::Failed(m),
        }
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io(e) => e.into(),
            LoadError::Scenario(e) => Error::Scenario(e),
        }
    }
}

impl Error {
    /// The process exit code: 2 for bad usage or input, 1 for any other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Write { .. } | Error::Failed(_) => 1,
            Error::Cancelled => 130,
            Error::Fit { source, .. } => source.exit_code(),
            _ => 2,
        }
    }

}

/// `Result` with periodize's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
