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

/// A result set being written: a staging folder inside the output folder, whose files are moved
/// into place together by [`Staging::commit`] (the manifest last), and removed with the folder
/// on any error. Staging folders left by killed processes are removed by the next set written
/// into the same folder.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Whether `out` was created here (then a failed set removes it again if it is empty).
    created: bool,
}

const STAGING_PREFIX: &str = ".periodize-staging-";

impl Staging {
    /// Create `out` if needed and a staging folder inside it.
    pub fn new(out: &Path) -> Result<Self> {
        let werr = |source| Error::Write { path: out.to_path_buf(), source };
        let created = !out.exists();
        std::fs::create_dir_all(out).map_err(werr)?;
        // Staging folders of processes that no longer run (Linux: no /proc/PID) are garbage.
        if let Ok(entries) = std::fs::read_dir(out) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix(STAGING_PREFIX)
                    && Path::new("/proc/self").exists()
                    && !Path::new("/proc").join(pid).exists()
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).map_err(werr)?;
        Ok(Staging { out: out.to_path_buf(), dir, committed: false, created })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Move `files` (names in the staging folder, `manifest.json` last) into the output folder,
    /// remove the files an earlier set's manifest named that this set does not write, and remove
    /// the staging folder.
    pub fn commit(mut self, files: &[String]) -> Result<()> {
        let old: Vec<String> = std::fs::read(self.out.join("manifest.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|m| m.get("files").and_then(|f| f.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()))
            .unwrap_or_default();
        for f in files {
            let to = self.out.join(f);
            std::fs::rename(self.dir.join(f), &to).map_err(|source| Error::Write { path: to, source })?;
        }
        for f in old.iter().filter(|f| !files.contains(f) && !f.contains(['/', '\\']) && *f != "..") {
            let _ = std::fs::remove_file(self.out.join(f));
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
            if self.created {
                let _ = std::fs::remove_dir(&self.out);
            }
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
