//! Output that never lies: result sets move into place together and drop what an earlier set
//! wrote and this one does not, one run at a time per folder, killed and interrupted runs leave
//! the earlier result intact and their debris is cleaned, special files are written in place,
//! and closed or full outputs do not panic.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, run, write};

fn scenario(dir: &Path) -> PathBuf {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let text = std::fs::read_to_string(root.join("scenarios/busso-train-to-recover.toml")).unwrap();
    write(dir, "s.toml", &text)
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir).into_iter().filter(|f| dir.join(f).is_file()).map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

/// Start a long run (millions of athletes) into `out`.
fn start_long(sc: &Path, out: &Path) -> Child {
    start_run(sc, out, "3000000")
}

fn start_run(sc: &Path, out: &Path, athletes: &str) -> Child {
    bin()
        .args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", athletes, "--per-athlete", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until `cond` holds (at most 60 s).
fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let t = Instant::now();
    while !cond() {
        assert!(t.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn staging(dir: &Path) -> bool {
    files(dir).iter().any(|f| f.starts_with(".periodize-staging-"))
}

#[test]
fn a_set_replaces_the_earlier_set_and_leaves_other_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "200", "--plots", "--per-athlete", "--daily"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(out.join("my-notes.txt"), "mine").unwrap();
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<String> = m["files"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    let mut on_disk: Vec<String> = files(&out).into_iter().filter(|f| f != "my-notes.txt").collect();
    on_disk.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, on_disk, "the manifest names every file of its set");
    assert_eq!(listed.last().unwrap(), "manifest.json");
    // Again without the options: the charts, athletes.csv and daily.csv of the first set go.
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "200"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(&out), ["manifest.json", "my-notes.txt", "summary.csv"]);
    assert_eq!(std::fs::read_to_string(out.join("my-notes.txt")).unwrap(), "mine");
}

#[test]
fn a_second_run_into_a_folder_in_use_is_refused_with_the_holders_pid() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    let mut first = start_run(&sc, &out, "1000000");
    wait_for("the first run's lock", || out.join(".periodize.lock").exists());
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("in use by periodize (pid") && err.contains(&first.id().to_string()), "{err}");
    let status = first.wait().unwrap();
    assert!(status.success());
    // The first run's set is complete and its own.
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["athletes"], 1_000_000);
    assert_eq!(files(&out), ["athletes.csv", "manifest.json", "summary.csv"]);
}

#[test]
fn a_killed_run_leaves_the_earlier_result_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100", "--seed", "1"]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&out);
    let mut child = start_long(&sc, &out);
    wait_for("the staging folder", || staging(&out));
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap(); // SIGKILL: no cleanup possible
    child.wait().unwrap();
    // The earlier set is intact, byte for byte; the debris is hidden (dot names).
    let after: Vec<(String, Vec<u8>)> = snapshot(&out).into_iter().filter(|(f, _)| !f.starts_with('.')).collect();
    let before: Vec<(String, Vec<u8>)> = before.into_iter().filter(|(f, _)| !f.starts_with('.')).collect();
    assert_eq!(after, before);
    assert!(out.join(".periodize.lock").exists() && staging(&out));
    // The next run takes the dead holder's lock over and removes its staging folder.
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100", "--seed", "2"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(&out), ["manifest.json", "summary.csv"]);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["seed"], 2);
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_clean_up_and_exit_143_and_130() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    for (sig, code) in [("TERM", 143), ("INT", 130)] {
        let out = dir.path().join(format!("out-{sig}"));
        let (c, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
        assert_eq!(c, 0, "{err}");
        let before = snapshot(&out);
        let mut child = start_long(&sc, &out);
        wait_for("the staging folder", || staging(&out));
        std::thread::sleep(Duration::from_millis(200));
        let ok = Command::new("kill").args([&format!("-{sig}"), &child.id().to_string()]).status().unwrap();
        assert!(ok.success());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert_eq!(status.code(), Some(code), "SIG{sig}: {err}");
        assert_eq!(snapshot(&out), before, "SIG{sig}: the earlier set, and nothing else");
    }
}

#[cfg(unix)]
#[test]
fn special_files_are_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let loads = common::write_loads(dir.path(), "l.csv", &[100.0, 0.0, 50.0]);
    let params = ["--param", "p0=100", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7"];
    let sim = |o: &str| {
        let mut a = vec!["simulate", "--model", "banister", "--loads", loads.to_str().unwrap(), "-o", o];
        a.extend(params);
        run(&a)
    };
    // /dev/null stays a device; a symlink to it stays a symlink.
    let (code, _, err) = sim("/dev/null");
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    let link = dir.path().join("null-link");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let (code, _, err) = sim(link.to_str().unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // /dev/full: exit 1 with the reason, and it stays a device.
    if Path::new("/dev/full").exists() {
        let (code, _, err) = sim("/dev/full");
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("/dev/full") && err.contains("cannot write"), "{err}");
        assert!(std::fs::metadata("/dev/full").unwrap().file_type().is_char_device());
    }
    // /dev/stdout is stdout.
    let (code, out, err) = sim("/dev/stdout");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("day,load,fitness,fatigue,performance\n"), "{out}");
    // A FIFO is written in place (a reader gets the bytes; the FIFO is still a FIFO).
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let f = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(f).unwrap())
    };
    let (code, _, err) = sim(fifo.to_str().unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(reader.join().unwrap().starts_with("day,load"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // A symlink to a regular file: the target gets the output, the link stays.
    let target = dir.path().join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("to-target.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, _, err) = sim(link.to_str().unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("day,load"));
    // -o naming a folder: an error, and no temporary file left beside it.
    let (code, _, err) = sim(dir.path().to_str().unwrap());
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("is a folder"), "{err}");
    assert!(!files(dir.path()).iter().any(|f| f.contains(".tmp-")), "{:?}", files(dir.path()));
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_stdout_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    // `periodize plan big.toml | head -1`: the reader goes away early.
    let mut child = bin().args(["plan", sc.to_str().unwrap()]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let o = bin().args(["validate", sc.to_str().unwrap()]).stdout(full).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("cannot write") && !err.contains("panicked"), "{err}");
    }
}

/// MemAvailable from /proc/meminfo in bytes, read here rather than through the code under test.
fn mem_available() -> Option<f64> {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("MemAvailable:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map(|kb| kb * 1024.0)
}

#[test]
fn a_run_that_needs_more_memory_than_the_machine_has_is_refused_up_front() {
    // 1e8 athletes with their parameters need about 30 GiB; only check where that exceeds what
    // the machine has (otherwise the run would really start).
    let avail = mem_available();
    let Some(avail) = avail.filter(|&a| a < 28.0 * (1u64 << 30) as f64) else {
        eprintln!("skipped: this machine has 28 GiB or more available (or no /proc/meminfo)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    let t = Instant::now();
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100000000", "--per-athlete"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("need about") && err.contains("GiB") && err.contains("use fewer athletes"), "{err} (available {avail})");
    assert!(!out.exists());
    assert!(t.elapsed() < Duration::from_secs(30), "refused before any work");
}

/// A small tmpfs, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(unix)]
#[test]
fn a_full_disk_keeps_the_earlier_set_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.to_str().unwrap()]).stderr(Stdio::null()).status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        return;
    }
    let _guard = Tmpfs(mnt.clone());
    let sc = scenario(dir.path());
    let out = mnt.join("out");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100", "--seed", "1"]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&out);
    // athletes.csv of 200,000 athletes is far more than 2 MiB.
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "200000", "--per-athlete", "--seed", "2"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot write") && (err.contains("No space") || err.contains("space")), "{err}");
    assert_eq!(files(&out), ["manifest.json", "summary.csv"], "no staging folder, lock or temporary file left");
    assert_eq!(snapshot(&out), before, "the earlier set, byte for byte");
}

#[test]
fn a_fit_that_needs_more_memory_than_the_machine_has_is_refused_up_front() {
    // 10,000 tests and a busso grid of 60^3 points keep about 10^5 feasible points x 10^4 tests x
    // 128 bytes = over 100 GiB of linear solvers; check only where that exceeds the machine.
    let avail = mem_available();
    let Some(avail) = avail.filter(|&a| a < 100.0 * (1u64 << 30) as f64) else {
        eprintln!("skipped: this machine has 100 GiB or more available (or no /proc/meminfo)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("h.csv");
    let mut text = String::from("day,load,performance\n");
    for d in 0..10_000 {
        text.push_str(&format!("{d},{},{}\n", if d % 7 < 3 { 100 } else { 0 }, 250 + d % 13));
    }
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("fit.csv");
    let t = Instant::now();
    let (code, _, err) = run(&["fit", "--model", "busso", "--data", data.to_str().unwrap(), "--grid", "60", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("10000 tests") && err.contains("GiB of memory") && err.contains("use a smaller --grid"), "{err} (available {avail})");
    assert!(!out.exists());
    assert!(t.elapsed() < Duration::from_secs(60), "refused before the solvers were built");
}
