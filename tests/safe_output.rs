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
    assert_eq!(files(&out), ["manifest.json", "my-notes.txt", "summary.csv", "verdicts.csv"]);
    assert_eq!(std::fs::read_to_string(out.join("my-notes.txt")).unwrap(), "mine");
}

#[test]
fn only_files_periodize_wrote_are_removed_never_a_file_a_manifest_merely_names() {
    // Issue 26 defect 8: a foreign manifest.json with a `files` list made `run` delete those
    // files. The manifest records each file's SHA-256, and a file of an earlier set is removed
    // only while its bytes are the ones recorded.
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "years of work").unwrap();
    std::fs::write(out.join("daily.csv"), "my own daily log").unwrap();
    let forged = serde_json::json!({ "periodize_version": "0.1.0", "files": ["thesis.txt", "daily.csv", "manifest.json"] });
    std::fs::write(out.join("manifest.json"), forged.to_string()).unwrap();
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(out.join("thesis.txt")).unwrap(), "years of work");
    // Nor a file with one of periodize's own names: a manifest without checksums removes nothing.
    assert_eq!(std::fs::read_to_string(out.join("daily.csv")).unwrap(), "my own daily log");
    // The new manifest records checksums that match the files on disk.
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let sums = m["sha256"].as_object().unwrap();
    assert_eq!(sums.len(), m["files"].as_array().unwrap().len() - 1, "every file but the manifest has a checksum");
    for (name, want) in sums {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(want.as_str().unwrap(), sha256_hex(&bytes), "{name}");
    }
    // A set with athletes.csv, then one without: athletes.csv goes, as before ...
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100", "--per-athlete"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("athletes.csv").exists());
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join("athletes.csv").exists(), "a file periodize wrote and nobody changed is removed");
    // ... but one that someone edited since is theirs now, and stays.
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100", "--per-athlete"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(out.join("athletes.csv"), "edited by hand").unwrap();
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(out.join("athletes.csv")).unwrap(), "edited by hand");
    assert_eq!(std::fs::read_to_string(out.join("thesis.txt")).unwrap(), "years of work");
}

/// SHA-256 by the FIPS 180-4 algorithm, written out here (no code shared with periodize).
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
        0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
        0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
        0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
        0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
    let mut h: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend(((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7].wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), v[0], v[1], v[2], v[3].wrapping_add(t1), v[4], v[5], v[6]];
        }
        for i in 0..8 {
            h[i] = h[i].wrapping_add(v[i]);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
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
    assert_eq!(files(&out), ["athletes.csv", "manifest.json", "summary.csv", "verdicts.csv"]);
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
    assert_eq!(files(&out), ["manifest.json", "summary.csv", "verdicts.csv"]);
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
    // (athletes.csv would be larger than the output limit too: raised, so memory is checked.)
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100000000", "--per-athlete", "--max-output-bytes", "1e12"]);
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
    assert_eq!(files(&out), ["manifest.json", "summary.csv", "verdicts.csv"], "no staging folder, lock or temporary file left");
    assert_eq!(snapshot(&out), before, "the earlier set, byte for byte");
}

/// Issue 26 (defect 10): a text cell that a spreadsheet would run as a formula gets a leading
/// apostrophe in every CSV; numbers that start with `-` stay numbers.
#[test]
fn formula_like_names_are_quoted_in_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = "schema_version = 1\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n\
        [plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 100.0\neasy_load = 20.0\n\
        [[variant]]\nname = \"=HYPERLINK(\\\"http://x\\\")\"\n[[variant]]\nname = \"-fast\"\n[[variant]]\nname = \"@sum\"\n\
        [sweep]\n\"model.p0\" = [-5.0, 100.0]\n";
    let sc = write(dir.path(), "s.toml", text);
    let out = dir.path().join("out");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "5", "--per-athlete", "--daily"]);
    assert_eq!(code, 0, "{err}");
    let plan = dir.path().join("plan.csv");
    let (code, _, err) = run(&["plan", sc.to_str().unwrap(), "-o", plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for f in [out.join("summary.csv"), out.join("athletes.csv"), out.join("daily.csv"), plan] {
        let mut r = csv::Reader::from_path(&f).unwrap();
        let h = r.headers().unwrap().clone();
        let (vi, si) = (h.iter().position(|c| c == "variant").unwrap(), h.iter().position(|c| c == "model.p0").unwrap());
        let mut names = std::collections::BTreeSet::new();
        for rec in r.records() {
            let rec = rec.unwrap();
            names.insert(rec[vi].to_string());
            // The swept number stays a number.
            assert!(rec[si].parse::<f64>().is_ok(), "{}: {:?}", f.display(), &rec[si]);
        }
        let want: std::collections::BTreeSet<String> = ["'=HYPERLINK(\"http://x\")", "'-fast", "'@sum"].iter().map(|s| s.to_string()).collect();
        assert_eq!(names, want, "{}", f.display());
    }
}

/// Issue 26 (defect 10): control characters from a file name never reach the terminal raw.
#[test]
fn control_characters_in_messages_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("loads\x1b[31m.csv");
    let (code, _, err) = run(&["simulate", "--model", "banister", "--loads", bad.to_str().unwrap(), "--param", "p0=100", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("loads\\u{1b}[31m.csv"), "{err:?}");
}

/// Issue 26 (defect 11): under a memory limit (`ulimit -v`) a run that would not fit is refused
/// before it starts (exit 2, a message naming the limit), instead of aborting with a backtrace
/// and leaving its lock and staging folder.
#[test]
fn a_run_beyond_a_memory_limit_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    let exe = bin().get_program().to_owned();
    let cmd = format!("ulimit -v 1500000; exec '{}' run '{}' --out '{}' --athletes 40000000 --threads 1", exe.to_str().unwrap(), sc.display(), out.display());
    let o = Command::new("sh").arg("-c").arg(&cmd).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("GiB are available") && err.contains("ulimit or cgroup limit"), "{err}");
    assert!(!out.exists(), "nothing is left behind");
}

/// Issue 26 (defect 3): memory grows linearly with the number of `[[variant]]`s (each variant's
/// tree held every variant: 4,000 took 3.3 GB). 6,000 validate within 1 GB of address space.
#[test]
fn many_variants_validate_in_linear_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("schema_version = 1\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n[plan]\nweeks = 2\nkey_workouts = 3\nkey_load = 100.0\n");
    for i in 0..6000 {
        text.push_str(&format!("[[variant]]\nname = \"v{i}\"\nplan.key_load = {}\n", 50 + i % 100));
    }
    let sc = write(dir.path(), "s.toml", &text);
    let exe = bin().get_program().to_owned();
    let cmd = format!("ulimit -v 1000000; exec '{}' validate '{}'", exe.to_str().unwrap(), sc.display());
    let o = Command::new("sh").arg("-c").arg(&cmd).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.starts_with('v')).count(), 6000);
}
