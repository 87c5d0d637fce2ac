//! A result set's commit killed at every rename (SIGKILL injected by `strace -e inject`, so no
//! handler runs): afterwards a reader sees the old set whole, or, once `periodize verify` (or the
//! next run) has completed the journaled move, the new set whole; never a mix.
//!
//! Needs strace; without it the test says so and passes, unless PERIODIZE_REQUIRE_STRACE=1
//! (set by `.ci/run` where strace is installed).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{bin, write};

/// Every regular, visible file of a folder with its bytes.
fn visible(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| !f.starts_with('.'))
        .map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap()))
        .collect()
}

/// A set written by an uninterrupted run: its files without the manifest's timestamps.
fn set_of(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    files.iter().filter(|(f, _)| *f != "manifest.json").map(|(f, b)| (f.clone(), b.clone())).collect()
}

/// Whether strace runs here; without it `test` says SKIP, unless PERIODIZE_REQUIRE_STRACE=1
/// (set by `.ci/run` where strace is installed) makes that a failure.
fn strace(test: &str) -> bool {
    let found = std::process::Command::new("strace").arg("-V").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("PERIODIZE_REQUIRE_STRACE").is_none(), "strace is required (PERIODIZE_REQUIRE_STRACE=1) but not found");
        println!("SKIP: strace is not installed; {test} did not run");
    }
    found
}

#[test]
fn a_kill_at_any_rename_leaves_the_old_set_or_a_journal_that_completes_the_new() {
    if !strace("the kill-at-every-rename test") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let text = std::fs::read_to_string(root.join("scenarios/busso-train-to-recover.toml")).unwrap();
    let sc = write(dir.path(), "s.toml", &text);
    let exe = bin().get_program().to_owned();
    let args = |out: &Path, seed: &str| {
        vec![
            "run".to_string(),
            sc.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--athletes".into(),
            "50".into(),
            "--per-athlete".into(),
            "--plots".into(),
            "--threads".into(),
            "1".into(),
            "--seed".into(),
            seed.into(),
        ]
    };
    // The two sets, each written whole (reference copies).
    let (old_dir, new_dir) = (dir.path().join("old"), dir.path().join("new"));
    for (d, seed) in [(&old_dir, "1"), (&new_dir, "2")] {
        let st = bin().args(args(d, seed)).output().unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    }
    let (old, new) = (set_of(&visible(&old_dir)), set_of(&visible(&new_dir)));
    assert_ne!(old, new);
    let mut killed_mid_move = 0;
    for n in 1.. {
        let out = dir.path().join(format!("out{n}"));
        let st = bin().args(args(&out, "1")).output().unwrap();
        assert!(st.status.success());
        // Kill the second run at its n-th rename (before the rename happens).
        let st = std::process::Command::new("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2"])
            .arg("-e")
            .arg(format!("inject=rename,renameat,renameat2:signal=KILL:when={n}"))
            .arg(&exe)
            .args(args(&out, "2"))
            .output()
            .unwrap();
        let completed = st.status.success();
        let journal = out.join(".periodize-commit.json").exists();
        let before = set_of(&visible(&out));
        if completed {
            assert_eq!(before, new, "an uninterrupted run leaves the new set");
            assert!(!journal);
            assert!(n > 3, "the commit renames several files");
            break;
        }
        if journal {
            killed_mid_move += 1;
        } else {
            // Killed before the move began: the old set is whole and its manifest checks out.
            assert_eq!(before, old, "kill at rename {n}: without a journal the old set is untouched");
        }
        // A reader (verify) completes whatever the journal says and then sees one whole set.
        let v = bin().args(["verify", out.to_str().unwrap()]).output().unwrap();
        assert!(v.status.success(), "kill at rename {n}: verify: {}", String::from_utf8_lossy(&v.stderr));
        let after = set_of(&visible(&out));
        assert!(!out.join(".periodize-commit.json").exists());
        if journal {
            assert_eq!(after, new, "kill at rename {n}: the journal completes the new set");
        } else {
            assert_eq!(after, old);
        }
        assert!(n < 200, "the run was never allowed to finish");
    }
    assert!(killed_mid_move >= 3, "the kills fell inside the move phase several times ({killed_mid_move})");
}

#[test]
fn verify_reports_a_changed_file_and_a_missing_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let text = std::fs::read_to_string(root.join("scenarios/busso-train-to-recover.toml")).unwrap();
    let sc = write(dir.path(), "s.toml", &text);
    let out = dir.path().join("out");
    let st = bin().args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "20"]).output().unwrap();
    assert!(st.status.success());
    let ok = bin().args(["verify", out.to_str().unwrap()]).output().unwrap();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stderr).contains("complete: 2 files match"), "{}", String::from_utf8_lossy(&ok.stderr));
    let mut s = std::fs::read(out.join("summary.csv")).unwrap();
    s.push(b'\n');
    std::fs::write(out.join("summary.csv"), s).unwrap();
    let bad = bin().args(["verify", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("summary.csv: changed since it was written"), "{}", String::from_utf8_lossy(&bad.stderr));
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    let none = bin().args(["verify", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no complete result set"));
}

/// Issue 26 (defect 6): a single-file output is written to a temporary name that is random and
/// created exclusively (O_CREAT|O_EXCL, which never follows a link planted under that name),
/// then renamed into place.
#[test]
fn single_files_are_written_through_an_exclusive_random_temporary_name() {
    if !strace("the exclusive-temporary test") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let text = std::fs::read_to_string(root.join("scenarios/busso-train-to-recover.toml")).unwrap();
    let sc = write(dir.path(), "s.toml", &text);
    let out = dir.path().join("plan.csv");
    let exe = bin().get_program().to_owned();
    let mut temps = Vec::new();
    for _ in 0..2 {
        let log = dir.path().join("trace.log");
        let st = std::process::Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=open,openat", "-o"])
            .arg(&log)
            .arg(&exe)
            .args(["plan", sc.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        let log = std::fs::read_to_string(&log).unwrap();
        let open = log.lines().find(|l| l.contains(".plan.csv.tmp-")).unwrap_or_else(|| panic!("no temporary file opened:\n{log}"));
        assert!(open.contains("O_CREAT") && open.contains("O_EXCL"), "{open}");
        let name = open.split('"').nth(1).unwrap().to_string();
        temps.push(name);
    }
    assert_ne!(temps[0], temps[1], "the temporary name is not predictable");
}
