//! The io layer's error: reading inputs and writing outputs (`daily` reads load and
//! performance CSVs, `output` writes files atomically and reads inputs). It knows nothing of
//! scenarios, fits or runs; [`crate::Error`] wraps it with the same messages and exit codes.

use std::path::{Path, PathBuf};

/// What can go wrong reading an input or writing an output.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
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
    /// An input that periodize refuses as given (too large, not UTF-8; exit 2).
    #[error("{0}")]
    Usage(String),
    /// An output could not be written (exit 1).
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        #[source]
        /// Why it could not be written.
        source: std::io::Error,
    },
    /// An output folder could not be used for another reason (its lock is held; exit 1).
    #[error("{0}")]
    Failed(String),
}

impl IoError {
    pub(crate) fn data(path: &Path, line: u64, field: &str, message: impl Into<String>) -> Self {
        IoError::Data { path: path.to_path_buf(), line, field: field.to_string(), message: message.into() }
    }
}

/// `Result` with the io layer's [`IoError`].
pub type Result<T, E = IoError> = std::result::Result<T, E>;
