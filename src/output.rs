//! Output files: written to a temporary name beside the target and renamed into place when
//! complete, so a failed run never leaves a partial file and never clobbers an earlier result.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file being written; it appears under its final name only on [`AtomicFile::commit`].
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Create the temporary file now, so that a bad output path fails before any work is done.
    pub fn create(path: &Path) -> Result<Self> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp, writer: Some(BufWriter::new(file)) })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer is present until commit") // ok: taken only in commit(self)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<()> {
        let err = |source| Error::Write { path: self.path.clone(), source };
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(err)?;
            w.get_ref().sync_all().map_err(err)?;
        }
        std::fs::rename(&self.tmp, &self.path).map_err(err)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            self.writer = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write to `path` atomically, or to stdout when `path` is None or `-`.
pub fn write_to(path: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match path {
        Some(p) if p != Path::new("-") => {
            let mut file = AtomicFile::create(p)?;
            f(file.writer()).map_err(|source| Error::Write { path: p.to_path_buf(), source })?;
            file.commit()
        }
        _ => {
            let stdout = std::io::stdout();
            let mut lock = BufWriter::new(stdout.lock());
            f(&mut lock).and_then(|_| lock.flush()).map_err(|source| Error::Write { path: "<stdout>".into(), source })
        }
    }
}

/// Write one message line to stderr. A stderr that cannot be written (closed, or `2>/dev/full`)
/// is ignored: messages are for the user, never a reason to fail or to panic as `eprintln!` does.
pub fn note(msg: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Format a float for CSV: the shortest representation that round-trips, empty for NaN.
pub fn num(x: f64) -> String {
    if x.is_nan() { String::new() } else { format!("{x}") }
}

/// The current time in UTC as ISO 8601 (`2026-11-25T19:23:21Z`).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    utc_iso(secs)
}

/// Seconds since 1970-01-01 as an ISO 8601 UTC timestamp.
pub fn utc_iso(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    format!("{}T{:02}:{:02}:{:02}Z", crate::daily::format_date(days), rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_iso_matches_known_dates() {
        assert_eq!(super::utc_iso(0), "1970-01-01T00:00:00Z");
        // `date -u -d @1795634601` prints 2026-11-25 19:23:21 UTC.
        assert_eq!(super::utc_iso(1_795_634_601), "2026-11-25T19:23:21Z");
        assert_eq!(super::utc_iso(951_782_400), "2000-02-29T00:00:00Z");
    }
}
