//! The io layer's error: reading inputs and writing outputs (`daily` reads load and
//! performance CSVs, `output` writes files atomically and reads inputs). It knows nothing of
//! scenarios, fits or runs; [`crate::Error`] wraps it with the same messages and exit codes.

use std::fs::File;
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

/// The largest input file periodize reads (scenarios, CSVs): 64 MiB.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Read an input file as UTF-8 text, at most [`MAX_INPUT_BYTES`] (so `/dev/zero` or a wrong file
/// fails fast instead of filling memory). Text that is not UTF-8 is refused with the line and
/// column of the first bad byte.
pub fn read_input(path: &Path) -> Result<String> {
    utf8_text(read_input_bytes(path)?, path)
}

/// An input's bytes as UTF-8 text; text that is not UTF-8 is refused with the line and column of
/// the first bad byte.
pub fn utf8_text(bytes: Vec<u8>, path: &Path) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        let byte = e.as_bytes().get(good.len()).copied().unwrap_or(0);
        IoError::Usage(format!("{}:{line}:{col}: not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", path.display()))
    })
}

/// Read an input file's bytes, at most [`MAX_INPUT_BYTES`], from a regular file only (as
/// [`read_input`], for binary inputs such as FIT files).
pub fn read_input_bytes(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let rerr = |source| IoError::Read { path: path.to_path_buf(), source };
    // Only regular files are inputs: opening a FIFO would wait for a writer, and a device or a
    // system pseudo-file (/proc, /sys) is not data.
    let meta = std::fs::metadata(path).map_err(rerr)?;
    if meta.is_dir() {
        return Err(IoError::Read { path: path.to_path_buf(), source: std::io::Error::other("is a folder; expected a file") });
    }
    if !meta.is_file() {
        return Err(IoError::Read { path: path.to_path_buf(), source: std::io::Error::other("not a regular file (a FIFO, device or socket); inputs are read from regular files") });
    }
    let pseudo = std::fs::canonicalize(path).is_ok_and(|p| p.starts_with("/proc") || p.starts_with("/sys"));
    if pseudo {
        return Err(IoError::Read { path: path.to_path_buf(), source: std::io::Error::other("a system pseudo-file under /proc or /sys, not an input file") });
    }
    let file = File::open(path).map_err(rerr)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(rerr)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(IoError::Usage(format!("{}: larger than {} MiB, the most periodize reads from one input file", path.display(), MAX_INPUT_BYTES >> 20)));
    }
    Ok(bytes)
}

