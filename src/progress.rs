//! Progress of long jobs, reported to whoever asked for it (the command line draws a bar on a
//! terminal; a library user may log it, or pass nothing).
//!
//! A job counts its units (athletes, evaluations, replicates) into an `AtomicU64` from its worker
//! threads; [`watch`] copies that count into the [`Progress`] every 100 ms from one thread, so a
//! `Progress` needs no locking of its own beyond `Sync`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Where a long job reports how far it is.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// The job starts: `total` units of `unit` ("athletes", "evaluations", "replicates").
    fn start(&self, total: u64, unit: &'static str);
    /// `done` units are complete.
    fn set(&self, done: u64);
    /// A short status: the row being run, the best value so far.
    fn message(&self, _text: String) {}
    /// The job ended (successfully or not); clear whatever was drawn.
    fn finish(&self) {}
}

/// Run `job` while a watcher thread copies `done` into `progress` (if any) every 100 ms.
pub fn watch<T: Send>(progress: Option<&dyn Progress>, done: &AtomicU64, job: impl FnOnce() -> T + Send) -> T {
    let Some(p) = progress else {
        return job();
    };
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                p.set(done.load(Ordering::Relaxed));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        let r = job();
        stop.store(true, Ordering::Relaxed);
        p.set(done.load(Ordering::Relaxed));
        r
    })
}
