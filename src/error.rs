//! Typed errors with the context a user needs: the file, the line, the field, what was expected.

use std::path::PathBuf;

use crate::io::IoError;
use crate::scenario::{LoadError, ScenarioError};

#[derive(Debug, thiserror::Error)]
/// Everything that can go wrong, with the context to fix it; [`Error::exit_code`] maps it to the process exit code.
pub enum Error {
    /// An input could not be read or an output written (exit 2 for inputs, 1 for outputs).
    #[error(transparent)]
    Io(#[from] IoError),
    /// A bad command-line value (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A bad scenario, with every problem found (exit 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
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

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io(e) => e.into(),
            LoadError::Scenario(e) => Error::Scenario(e),
        }
    }
}

impl Error {
    /// An output that could not be written.
    pub fn write(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io(IoError::Write { path: path.to_path_buf(), source })
    }

    /// The process exit code: 2 for bad usage or input, 1 for any other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io(IoError::Write { .. } | IoError::Failed(_)) | Error::Failed(_) => 1,
            Error::Cancelled => 130,
            Error::Fit { source, .. } => source.exit_code(),
            _ => 2,
        }
    }

}

/// `Result` with periodize's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
