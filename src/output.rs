//! Output files: written to a temporary name beside the target and renamed into place when
//! complete, so a failed run never leaves a partial file and never clobbers an earlier result.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::io::{IoError as Error, Result};

/// A file that hashes (SHA-256) everything written to it, so a result set's manifest can record
/// each file's checksum without reading it back.
pub struct HashingFile {
    file: File,
    hash: sha2::Sha256,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.file.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// The lower-case hex SHA-256 of a file's bytes (None if it cannot be read as a regular file;
/// a link is not followed).
pub fn file_sha256(path: &Path) -> Option<String> {
    use sha2::Digest;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut f = File::open(path).ok()?;
    let mut h = sha2::Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

/// 64 bits that differ between calls and processes (temporary names only, never results):
/// std's randomly keyed hasher over a counter, the time and the process id.
fn random_word() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.write_u32(std::process::id());
    h.finish()
}

/// Make a rename in `path`'s folder durable (fsync of the folder; best effort: a file system
/// that cannot sync folders loses nothing more than it would without it).
fn sync_parent(path: &Path) {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    sync_dir(dir);
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A file being written; it appears under its final name only on [`AtomicFile::commit`].
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<HashingFile>>,
}

impl AtomicFile {
    /// Create the temporary file now, so that a bad output path fails before any work is done.
    ///
    /// The temporary name is new and random (`.NAME.tmp-PID-RANDOM`) and created exclusively
    /// (`O_CREAT|O_EXCL`, which never follows a link): a file or link planted under a
    /// predictable name in a shared folder cannot redirect the write.
    pub fn create(path: &Path) -> Result<Self> {
        if path.is_dir() {
            return Err(Error::Write { path: path.to_path_buf(), source: std::io::Error::other("is a folder; name a file") });
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let mut last = None;
        for _ in 0..16 {
            let tmp = path.with_file_name(format!(".{name}.tmp-{}-{:016x}", std::process::id(), random_word()));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    cleanup::register(&tmp);
                    let file = HashingFile { file, hash: Default::default() };
                    return Ok(AtomicFile { path: path.to_path_buf(), tmp, writer: Some(BufWriter::new(file)) });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(source) => return Err(Error::Write { path: path.to_path_buf(), source }),
            }
        }
        Err(Error::Write { path: path.to_path_buf(), source: last.unwrap_or_else(|| std::io::Error::other("no free temporary name")) })
    }

    /// The buffered writer of the temporary file.
    pub fn writer(&mut self) -> &mut BufWriter<HashingFile> {
        self.writer.as_mut().expect("writer is present until commit") // ok: taken only in commit(self)
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush, sync and rename into place; returns the hex SHA-256 of the file's bytes.
    pub fn commit(mut self) -> Result<String> {
        let done = (|| {
            let mut digest = String::new();
            if let Some(w) = self.writer.take() {
                use sha2::Digest;
                let inner = w.into_inner().map_err(|e| e.into_error())?;
                inner.file.sync_all()?;
                digest = hex(&inner.hash.finalize());
            }
            std::fs::rename(&self.tmp, &self.path)?;
            sync_parent(&self.path);
            Ok(digest)
        })();
        match done {
            Ok(digest) => {
                cleanup::unregister(&self.tmp);
                Ok(digest)
            }
            // Drop removes the temporary file (a full disk, a folder in the way, ...).
            Err(source) => Err(Error::Write { path: self.path.clone(), source }),
        }
    }
}

impl Drop for AtomicFile {
    /// A file not committed (an error, a panic) leaves nothing behind; after a commit the
    /// temporary name no longer exists and removing it does nothing.
    fn drop(&mut self) {
        self.writer = None;
        if self.tmp.exists() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        cleanup::unregister(&self.tmp);
    }
}

/// Write `bytes` to `path` atomically ([`AtomicFile`]); returns their hex SHA-256.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<String> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(bytes).map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
    f.commit()
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
    /// The output folder's lock, released when the set is committed or dropped.
    _lock: Lock,
}

const STAGING_PREFIX: &str = ".periodize-staging-";

impl Staging {
    /// Create `out` if needed and a staging folder inside it.
    pub fn new(out: &Path) -> Result<Self> {
        if out.exists() && !out.is_dir() {
            return Err(Error::Usage(format!("{}: is a file; --out names a folder for the result set", out.display())));
        }
        let werr = |source| Error::Write { path: out.to_path_buf(), source };
        let created = !out.exists();
        std::fs::create_dir_all(out).map_err(werr)?;
        let lock = match Lock::take(out) {
            Ok(l) => l,
            Err(e) => {
                if created {
                    let _ = std::fs::remove_dir(out);
                }
                return Err(e);
            }
        };
        // A commit a killed process left half done is completed first (its staging folder is
        // the journal's source).
        if let Some(n) = repair(out)? {
            note(format_args!("note: {}: completed the result set an interrupted run was moving into place ({n} files moved)", out.display()));
        }
        // Staging folders of processes that no longer run (Linux: no /proc/PID) are garbage.
        if let Ok(entries) = std::fs::read_dir(out) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix(STAGING_PREFIX).and_then(|p| p.parse::<u32>().ok())
                    && !process_alive(pid)
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::create_dir(&dir) {
            // A full disk (no inodes left): leave no empty folder behind.
            drop(lock);
            if created {
                let _ = std::fs::remove_dir(out);
            }
            return Err(werr(e));
        }
        cleanup::register(&dir);
        Ok(Staging { out: out.to_path_buf(), dir, committed: false, created, _lock: lock })
    }

    /// The staging folder, where the set's files are written.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The files of the earlier set in the folder that periodize may remove: only files periodize
    /// wrote, never a file someone else put there or changed since: a file the earlier
    /// manifest lists whose bytes still have the SHA-256 it records. A manifest without
    /// checksums (an older version's, or one periodize did not write) removes nothing; a name
    /// with a path separator, `..` or a link is never removed.
    fn removable(&self, manifest: Option<&serde_json::Value>) -> Vec<(String, String)> {
        let Some(m) = manifest.filter(|m| m.get("periodize_version").is_some()) else {
            return Vec::new();
        };
        let plain = |f: &String| !f.contains(['/', '\\']) && f != ".." && f != "." && !f.is_empty();
        let (Some(listed), Some(sums)) = (m.get("files").and_then(|f| f.as_array()), m.get("sha256").and_then(|s| s.as_object())) else {
            return Vec::new();
        };
        listed
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .filter(plain)
            .filter_map(|f| {
                let want = sums.get(&f).and_then(|v| v.as_str())?;
                (file_sha256(&self.out.join(&f)).as_deref() == Some(want)).then(|| (f, want.to_string()))
            })
            .collect()
    }

    /// Move `files` (names in the staging folder, `manifest.json` last) into the output folder,
    /// remove the files an earlier set's manifest named that this set does not write, and remove
    /// the staging folder.
    ///
    /// The move is journaled: `.periodize-commit.json` (written durably before the first rename)
    /// lists the moves and removals, and is removed after the last. SIGINT/SIGTERM wait until the
    /// move is over ([`cleanup::remove_all`]); after a kill (SIGKILL, power loss) the journal stays,
    /// and the next run into the folder, or `periodize verify`, completes the move
    /// ([`repair`]). The manifest, moved last, is the set's commit point: until it is in place the
    /// earlier manifest's checksums no longer match and the journal says why.
    pub fn commit(mut self, files: &[String]) -> Result<()> {
        let _deferred = cleanup::defer();
        let manifest = std::fs::read(self.out.join("manifest.json")).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        let old: Vec<(String, String)> = self.removable(manifest.as_ref()).into_iter().filter(|(f, _)| !files.contains(f)).collect();
        let staging = self.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let journal = Journal { staging, moves: files.to_vec(), remove: old };
        let journal_path = self.out.join(JOURNAL);
        write_file(&journal_path, &serde_json::to_vec(&journal).unwrap_or_default())?;
        // From here on the journal owns the staging folder: an error or a kill leaves both for
        // the next run to complete.
        self.committed = true;
        cleanup::unregister(&self.dir);
        journal.finish(&self.out).map(|_| ())
    }
}

/// The commit journal's name inside an output folder.
pub const JOURNAL: &str = ".periodize-commit.json";

/// What a result set's commit does, written before it starts ([`Staging::commit`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct Journal {
    /// The staging folder's name inside the output folder.
    staging: String,
    /// Files to move from the staging folder, in order (the manifest last).
    moves: Vec<String>,
    /// Files of the earlier set to remove, with the SHA-256 they must still have.
    remove: Vec<(String, String)>,
}

impl Journal {
    /// Do (or finish) the commit: move what is still in the staging folder, remove the earlier
    /// set's files that still have their checksums, then the journal and the staging folder.
    /// Returns how many files were moved.
    fn finish(&self, out: &Path) -> Result<usize> {
        let plain = |f: &str| !f.is_empty() && !f.contains(['/', '\\']) && f != "." && f != "..";
        let dir = out.join(&self.staging);
        let mut moved = 0;
        for f in self.moves.iter().filter(|f| plain(f)) {
            let from = dir.join(f);
            if std::fs::symlink_metadata(&from).is_ok() {
                let to = out.join(f);
                std::fs::rename(&from, &to).map_err(|source| Error::Write { path: to, source })?;
                moved += 1;
            }
        }
        let missing = self.moves.iter().find(|f| plain(f) && std::fs::symlink_metadata(out.join(f)).is_err());
        if let Some(f) = missing {
            // Someone removed part of the staging folder: the set cannot be completed. Its
            // manifest goes, so no reader takes what is there for a set; the earlier set's files
            // stay.
            note(format_args!("warning: {}: an interrupted commit could not be completed ({f} is gone); the folder holds no complete result set: run again", out.display()));
            let _ = std::fs::remove_file(out.join("manifest.json"));
        }
        for (f, want) in self.remove.iter().filter(|(f, _)| plain(f) && missing.is_none()) {
            if file_sha256(&out.join(f)).as_deref() == Some(want.as_str()) {
                let _ = std::fs::remove_file(out.join(f));
            }
        }
        sync_dir(out);
        let _ = std::fs::remove_file(out.join(JOURNAL));
        if self.staging.starts_with(STAGING_PREFIX) && plain(&self.staging) {
            let _ = std::fs::remove_dir_all(&dir);
        }
        sync_dir(out);
        Ok(moved)
    }
}

/// Complete a commit that a killed process left half done in output folder `out` (the caller
/// holds its lock): the journal's remaining moves and removals are done, so the folder holds the
/// new set whole. Returns the number of files moved, None when there was nothing to repair.
/// A journal that cannot be read marks the set incomplete: the earlier manifest is removed (its
/// checksums no longer describe the folder), so no reader takes the mixed files for a set.
pub fn repair(out: &Path) -> Result<Option<usize>> {
    let path = out.join(JOURNAL);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let text = read_regular(&path, 1 << 24);
    match text.ok().and_then(|b| serde_json::from_slice::<Journal>(&b).ok()) {
        Some(j) => j.finish(out).map(Some),
        None => {
            let _ = std::fs::remove_file(out.join("manifest.json"));
            let _ = std::fs::remove_file(&path);
            Ok(Some(0))
        }
    }
}

/// A regular file's bytes, at most `limit` (a link, FIFO or device is refused: reading a FIFO
/// would wait for a writer).
fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut buf = Vec::new();
    File::open(path)?.take(limit).read_to_end(&mut buf)?;
    Ok(buf)
}

/// What `periodize verify` found in a result folder.
#[derive(Debug, Default)]
pub struct Verified {
    /// Files moved into place to complete an interrupted commit (None: nothing was interrupted).
    pub repaired: Option<usize>,
    /// Files the manifest lists whose bytes match its SHA-256.
    pub ok: usize,
    /// What does not match: a missing file, a changed checksum, a manifest without checksums.
    pub problems: Vec<String>,
}

/// Check a result folder: complete an interrupted commit ([`repair`]), then compare every file
/// its manifest lists with the SHA-256 recorded for it.
pub fn verify(out: &Path) -> Result<Verified> {
    if !out.is_dir() {
        return Err(Error::Usage(format!("{}: not a folder; verify reads a result folder (run --out)", out.display())));
    }
    let _lock = Lock::take(out)?;
    let repaired = repair(out)?;
    let mut v = Verified { repaired, ..Default::default() };
    let manifest = out.join("manifest.json");
    let m = match read_regular(&manifest, 1 << 26).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()) {
        Some(m) => m,
        None => {
            v.problems.push(format!("{}: missing or not JSON: the folder holds no complete result set", manifest.display()));
            return Ok(v);
        }
    };
    let sums = m.get("sha256").and_then(|s| s.as_object());
    let listed = m.get("files").and_then(|f| f.as_array()).cloned().unwrap_or_default();
    let Some(sums) = sums else {
        v.problems.push(format!("{}: lists no checksums (written by another program or an older periodize)", manifest.display()));
        return Ok(v);
    };
    for f in listed.iter().filter_map(|f| f.as_str()).filter(|f| *f != "manifest.json") {
        let want = sums.get(f).and_then(|x| x.as_str());
        match (want, file_sha256(&out.join(f))) {
            (Some(w), Some(got)) if w == got => v.ok += 1,
            (None, _) => v.problems.push(format!("{f}: no checksum in the manifest")),
            (Some(_), None) => v.problems.push(format!("{f}: missing")),
            (Some(_), Some(_)) => v.problems.push(format!("{f}: changed since it was written (SHA-256 differs)")),
        }
    }
    Ok(v)
}

/// Whether process `pid` runs (this one always does). Without /proc (not Linux) every process
/// counts as running, so nothing of another process is ever removed or taken over.
fn process_alive(pid: u32) -> bool {
    pid == std::process::id() || !Path::new("/proc/self").exists() || Path::new("/proc").join(pid.to_string()).exists()
}

/// `DIR/.periodize.lock`: one periodize process writes into a folder at a time. The file holds
/// the holder's pid; a lock whose process is gone (killed) is taken over.
pub struct Lock {
    path: PathBuf,
}

/// The lock file's name inside an output folder.
pub const LOCK_FILE: &str = ".periodize.lock";

impl Lock {
    /// Take the lock of output folder `dir`; an error when a live process holds it.
    pub fn take(dir: &Path) -> Result<Lock> {
        let path = dir.join(LOCK_FILE);
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = write!(f, "{}", std::process::id());
                    cleanup::register(&path);
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // Only a regular file can be a lock (reading a planted FIFO would hang).
                    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
                        return Err(Error::Failed(format!("{}: {} is not a regular file, so it is not periodize's lock; remove it", dir.display(), path.display())));
                    }
                    let holder = read_regular(&path, 64).ok().and_then(|t| String::from_utf8(t).ok()).and_then(|t| t.trim().parse::<u32>().ok());
                    let alive = holder.is_some_and(process_alive);
                    if alive {
                        let who = holder.map_or("another periodize".to_string(), |p| format!("periodize (pid {p})"));
                        return Err(Error::Failed(format!(
                            "{}: in use by {who}; wait for it to finish, or write elsewhere (if no such process runs, remove {})",
                            dir.display(),
                            path.display()
                        )));
                    }
                    // The holder was killed: take the lock over.
                    let _ = std::fs::remove_file(&path);
                }
                Err(source) => return Err(Error::Write { path, source }),
            }
        }
        Err(Error::Failed(format!("{}: could not take the lock {}", dir.display(), path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        cleanup::unregister(&self.path);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
            cleanup::unregister(&self.dir);
            if self.created {
                // The lock is released after this; remove it first so the folder is empty.
                let _ = std::fs::remove_file(self.out.join(LOCK_FILE));
                let _ = std::fs::remove_dir(&self.out);
            }
        }
    }
}

/// Write to `path` atomically, or to stdout when `path` is None or `-`.
///
/// Only regular files (and new paths) are written under a temporary name and renamed: `-` and
/// `/dev/stdout` go to stdout, and special files (`/dev/null`, `/dev/full`, FIFOs, terminals,
/// anything under /dev or /proc, and symlinks to them) are opened and written directly, never
/// replaced. A symlink to a regular file is written through: its target is replaced.
pub fn write_to(path: Option<&Path>, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match path.map(destination) {
        Some(Destination::Regular(p)) => {
            let mut file = AtomicFile::create(&p)?;
            f(file.writer()).map_err(|source| Error::Write { path: p.clone(), source })?;
            file.commit().map(|_| ())
        }
        Some(Destination::Special(p)) => {
            let file = std::fs::OpenOptions::new().write(true).open(&p).map_err(|source| Error::Write { path: p.clone(), source })?;
            let mut w = BufWriter::new(file);
            f(&mut w).and_then(|_| w.flush()).map_err(|source| Error::Write { path: p.clone(), source })
        }
        None | Some(Destination::Stdout) => {
            let stdout = std::io::stdout();
            let mut lock = BufWriter::new(stdout.lock());
            f(&mut lock).and_then(|_| lock.flush()).map_err(|source| Error::Write { path: "<stdout>".into(), source })
        }
    }
}

/// Where an output path really goes.
enum Destination {
    Stdout,
    /// A regular file, or a path that does not exist yet: written atomically (the symlink's
    /// target when the path is a symlink to a regular file).
    Regular(PathBuf),
    /// A device, FIFO or socket (or a symlink to one): written in place.
    Special(PathBuf),
}

fn destination(p: &Path) -> Destination {
    if p == Path::new("-") || p == Path::new("/dev/stdout") || p == Path::new("/proc/self/fd/1") {
        return Destination::Stdout;
    }
    let under_system = p.starts_with("/dev") || p.starts_with("/proc") || p.starts_with("/sys");
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() && !under_system => match std::fs::symlink_metadata(p) {
            Ok(l) if l.file_type().is_symlink() => Destination::Regular(p.canonicalize().unwrap_or_else(|_| p.to_path_buf())),
            _ => Destination::Regular(p.to_path_buf()),
        },
        Ok(m) if m.is_dir() => Destination::Regular(p.to_path_buf()),
        Ok(_) => Destination::Special(p.to_path_buf()),
        Err(_) if under_system => Destination::Special(p.to_path_buf()),
        Err(_) => Destination::Regular(p.to_path_buf()),
    }
}

pub use crate::io::{MAX_INPUT_BYTES, read_input};

/// Paths to remove if the process is interrupted (SIGINT, SIGTERM): temporary files, staging
/// folders and output-folder locks of the work in progress.
pub mod cleanup {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    /// Held while a result set is moved into place: a signal handler waits for it.
    static COMMIT: Mutex<()> = Mutex::new(());

    /// Defer [`remove_all`] (the signal handler) until the guard is dropped.
    pub(crate) fn defer() -> std::sync::MutexGuard<'static, ()> {
        COMMIT.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What [`remove_all`] holds until the process exits.
    pub struct Held {
        _commit: std::sync::MutexGuard<'static, ()>,
        _paths: std::sync::MutexGuard<'static, Vec<PathBuf>>,
    }

    pub(crate) fn register(p: &Path) {
        if let Ok(mut v) = PATHS.lock() {
            v.push(p.to_path_buf());
        }
    }

    pub(crate) fn unregister(p: &Path) {
        if let Ok(mut v) = PATHS.lock()
            && let Some(i) = v.iter().rposition(|q| q == p)
        {
            v.swap_remove(i);
        }
    }

    /// Remove everything registered, newest first, holding the registry so that nothing new is
    /// registered in between. A program's signal handler calls it before exiting (the library
    /// itself never exits the process nor installs handlers; the command line does both).
    /// A result set being moved into place is moved whole first (the call waits for it).
    /// Returns the guards: keep them until the process exits, so nothing new starts.
    pub fn remove_all() -> Held {
        let commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
        let v = PATHS.lock().unwrap_or_else(|e| e.into_inner());
        for p in v.iter().rev() {
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
        Held { _commit: commit, _paths: v }
    }
}

/// Write one message line to stderr. A stderr that cannot be written (closed, or `2>/dev/full`)
/// is ignored: messages are for the user, never a reason to fail or to panic as `eprintln!` does.
///
/// Control characters other than line breaks and tabs (an ESC from a file name, a NUL from an
/// input) are written as `\u{1b}`: a message never drives the terminal.
pub fn note(msg: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "{}", escape_controls(&msg.to_string()));
}

/// `s` with every control character other than `\n` and `\t` written as `\u{XX}`.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A text cell of an output CSV (a variant's name, a sweep value, a phase): one that a
/// spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return and is not a number) gets a leading apostrophe, which spreadsheets show as text.
/// Numbers (`-0.5`, `+1e3`) are left as they are.
pub fn text_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.trim().parse::<f64>().is_err();
    if risky { std::borrow::Cow::Owned(format!("'{s}")) } else { std::borrow::Cow::Borrowed(s) }
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

/// The memory this process may still use, in bytes: the least of the machine's MemAvailable
/// (/proc/meminfo), the address-space limit (`ulimit -v`, less what the process has mapped) and
/// the cgroup's memory.max (less its memory.current). None where none of them can be read.
/// A run that needs more is refused before it starts, instead of aborting under a limit.
pub fn available_memory() -> Option<f64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok().and_then(|t| kib_field(&t, "MemAvailable:"));
    let status = std::fs::read_to_string("/proc/self/status").ok();
    let mapped = status.as_deref().and_then(|t| kib_field(t, "VmSize:")).unwrap_or(0.0);
    let address_space = std::fs::read_to_string("/proc/self/limits").ok().and_then(|t| {
        let line = t.lines().find(|l| l.starts_with("Max address space"))?;
        let soft = line.split_whitespace().nth(3)?;
        soft.parse::<f64>().ok().map(|limit| (limit - mapped).max(0.0))
    });
    let cgroup = (|| {
        let cg = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let rel = cg.lines().find_map(|l| l.strip_prefix("0::"))?.trim();
        let dir = Path::new("/sys/fs/cgroup").join(rel.trim_start_matches('/'));
        let max: f64 = std::fs::read_to_string(dir.join("memory.max")).ok()?.trim().parse().ok()?;
        let current: f64 = std::fs::read_to_string(dir.join("memory.current")).ok()?.trim().parse().unwrap_or(0.0);
        Some((max - current).max(0.0))
    })();
    [meminfo, address_space, cgroup].into_iter().flatten().reduce(f64::min)
}

/// A `Name:   123 kB` field of a /proc file, in bytes.
fn kib_field(text: &str, name: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// The CSV writer of every output table: records as given (no header of its own), RFC 4180
/// quoting of the fields that need it, `\n` line ends, every record as long as the first.
/// Call `flush` before the underlying file is committed: an error on drop would be lost.
pub fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().has_headers(false).terminator(csv::Terminator::Any(b'\n')).from_writer(w)
}

/// A value for a sentence, to 3 significant digits (`0.138`, `13.3`, `286`).
pub fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
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
