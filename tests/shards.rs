//! Sharded runs: `run --shard I/N` parts merged by `periodize merge` give the unsharded run's
//! result set byte for byte (the oracle is the unsharded run, whose numbers the other test
//! files hold to closed forms), for any N, part order and thread count; merge refuses parts that
//! do not make one run, naming them; the Slurm example runs as written.

mod common;

use std::path::{Path, PathBuf};

/// Four rows (key workouts 2, 3 x spread, clustered), load noise, comparisons across spacing;
/// 2500 athletes are three chunks a row, twelve units.
const SCENARIO: &str = r#"schema_version = 1
[run]
seed = 77
athletes = 2500
[model]
preset = "busso2003"
[plan]
weeks = 6
key_workouts = 3
key_load = 100.0
easy_load = 30.0
[noise]
load_cv = 0.1
miss_rate = 0.03
[sweep]
"plan.key_workouts" = [2, 3]
"plan.spacing" = ["spread", "clustered"]
[compare]
across = "plan.spacing"
"#;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn ok(args: &[&str]) -> String {
    let (code, _, err) = common::run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    err
}

fn refused(args: &[&str]) -> String {
    let (code, out, err) = common::run(args);
    assert_eq!(code, 2, "{args:?} should exit 2: {err}");
    assert!(out.is_empty());
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Run `scenario` in `n` parts (given to merge in reverse order, with different thread counts)
/// and merge them into `dir/merged-n`.
fn sharded(dir: &Path, scenario: &Path, n: usize, extra: &[&str]) -> PathBuf {
    let mut parts = Vec::new();
    for i in 1..=n {
        let part = dir.join(format!("part-{n}-{i}"));
        let shard = format!("{i}/{n}");
        let threads = (1 + i % 2).to_string();
        let mut args = vec!["run", s(scenario), "--shard", &shard, "--threads", &threads, "--out", s(&part)];
        args.extend(extra);
        ok(&args);
        parts.push(part);
    }
    let merged = dir.join(format!("merged-{n}"));
    let mut args = vec!["merge".to_string()];
    args.extend(parts.iter().rev().map(|p| s(p).to_string()));
    args.extend(["--out".into(), s(&merged).into()]);
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    merged
}

fn same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn parts_merge_into_the_unsharded_set_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::write(dir.path(), "s.toml", SCENARIO);
    let extra = ["--per-athlete", "--who-wins"];
    let full = dir.path().join("full");
    let mut args = vec!["run", s(&sc), "--out", s(&full)];
    args.extend(extra);
    let full_err = ok(&args);
    let files = ["summary.csv", "verdicts.csv", "athletes.csv", "who_wins.csv"];
    // The athletes of the four rows, each once.
    let athletes = std::fs::read_to_string(full.join("athletes.csv")).unwrap();
    assert_eq!(athletes.lines().count(), 1 + 4 * 2500);
    for n in [1, 2, 3, 7] {
        let merged = sharded(dir.path(), &sc, n, &extra);
        same_files(&full, &merged, &files);
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(merged.join("manifest.json")).unwrap()).unwrap();
        let parts: Vec<&str> = m["parts"].as_array().unwrap().iter().map(|p| p["part"].as_str().unwrap()).collect();
        let want: Vec<String> = (1..=n).map(|i| format!("{i}/{n}")).collect();
        assert_eq!(parts, want, "the manifest lists the parts in order");
        assert_eq!(m["files"], serde_json::json!(["summary.csv", "verdicts.csv", "athletes.csv", "who_wins.csv", "manifest.json"]));
        assert_eq!(m["seed"], 77);
    }
    // The unsharded run's verdict and warnings are the merge's too.
    let (_, _, merge_err) = common::run(&["merge", s(&dir.path().join("part-2-1")), s(&dir.path().join("part-2-2")), "--out", s(&dir.path().join("again"))]);
    let lines = |e: &str| e.lines().filter(|l| !l.contains("athlete-days") && !l.starts_with("merged")).map(String::from).collect::<Vec<_>>();
    assert_eq!(lines(&merge_err), lines(&full_err));
}

#[test]
fn more_parts_than_units_and_a_summary_only_run() {
    // Two rows of 700 athletes are two units: part 1 of 3 holds none and still merges.
    let dir = tempfile::tempdir().unwrap();
    let text = SCENARIO.replace("athletes = 2500", "athletes = 700").replace("\"plan.key_workouts\" = [2, 3]\n", "");
    let sc = common::write(dir.path(), "s.toml", &text);
    let full = dir.path().join("full");
    ok(&["run", s(&sc), "--out", s(&full)]);
    let merged = sharded(dir.path(), &sc, 3, &[]);
    same_files(&full, &merged, &["summary.csv", "verdicts.csv"]);
    assert!(!merged.join("athletes.csv").exists());
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("part-3-1/manifest.json")).unwrap()).unwrap();
    assert_eq!(m["part"]["segments"], serde_json::json!([]));
}

#[test]
fn merge_refuses_parts_that_are_not_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sc = common::write(d, "s.toml", SCENARIO);
    let part = |i: usize, n: usize, extra: &[&str]| {
        let p = d.join(format!("p{i}of{n}{}", extra.join("")));
        let shard = format!("{i}/{n}");
        let mut args = vec!["run", s(&sc), "--shard", &shard, "--athletes", "1500", "--out", s(&p)];
        args.extend(extra);
        ok(&args);
        p
    };
    let (p1, p2, p3) = (part(1, 3, &[]), part(2, 3, &[]), part(3, 3, &[]));
    let out = d.join("out");
    let e = refused(&["merge", s(&p1), s(&p3), "--out", s(&out)]);
    assert!(e.contains("missing part 2/3"), "{e}");
    // Into one of its own parts (by another spelling of its path): refused, the part kept.
    let spelled = d.join(".").join(p2.file_name().unwrap());
    let e = refused(&["merge", s(&p1), s(&p2), s(&p3), "--out", s(&spelled)]);
    assert!(e.contains("is the part"), "{e}");
    assert!(p2.join("metrics.bin").exists());
    let e = refused(&["merge", s(&p1), s(&p2), s(&p2), s(&p3), "--out", s(&out)]);
    assert!(e.contains("are both part 2/3"), "{e}");
    let other_seed = part(2, 3, &["--seed", "5"]);
    let e = refused(&["merge", s(&p1), s(&other_seed), s(&p3), "--out", s(&out)]);
    assert!(e.contains("parts of different runs") && e.contains("seed 5 vs 77"), "{e}");
    let four = part(2, 4, &[]);
    let e = refused(&["merge", s(&p1), s(&four), s(&p3), "--out", s(&out)]);
    assert!(e.contains("part count 4 vs 3"), "{e}");
    // A result set is not a part; a folder without a manifest is an unfinished part.
    let set = d.join("set");
    ok(&["run", s(&sc), "--athletes", "300", "--out", s(&set)]);
    let e = refused(&["merge", s(&set), "--out", s(&out)]);
    assert!(e.contains("has no `part`"), "{e}");
    let e = refused(&["merge", s(&d.join("nothing")), "--out", s(&out)]);
    assert!(e.contains("no manifest.json"), "{e}");
    // A damaged part.
    let bytes = std::fs::read(p2.join("metrics.bin")).unwrap();
    let mut bad = bytes.clone();
    bad[100] ^= 1;
    std::fs::write(p2.join("metrics.bin"), &bad).unwrap();
    let e = refused(&["merge", s(&p1), s(&p2), s(&p3), "--out", s(&out)]);
    assert!(e.contains("metrics.bin does not have the SHA-256"), "{e}");
    std::fs::write(p2.join("metrics.bin"), &bytes).unwrap();
    // An edited scenario, and the original given back with --scenario.
    let original = std::fs::read_to_string(&sc).unwrap();
    std::fs::write(&sc, original.replace("key_load = 100.0", "key_load = 101.0")).unwrap();
    let e = refused(&["merge", s(&p1), s(&p2), s(&p3), "--out", s(&out)]);
    assert!(e.contains("is not the scenario the parts ran"), "{e}");
    std::fs::create_dir(d.join("moved")).unwrap();
    let moved = common::write(&d.join("moved"), "s.toml", &original);
    ok(&["merge", s(&p1), s(&p2), s(&p3), "--scenario", s(&moved), "--out", s(&out)]);
    assert!(!out.join(".periodize-lock").exists() && out.join("summary.csv").exists());
    // Nothing was written by the refusals before it.
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".periodize-staging")));
}

#[test]
fn bad_shard_values_and_unshardable_outputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::write(dir.path(), "s.toml", SCENARIO);
    let out = dir.path().join("p");
    for (value, says) in [("0/3", "I must be 1 to 3"), ("4/3", "I must be 1 to 3"), ("1/0", "N must be 1"), ("two", "expected I/N"), ("1/x", "'x' is not a whole number")] {
        let e = refused(&["run", s(&sc), "--shard", value, "--out", s(&out)]);
        assert!(e.contains(says), "{value}: {e}");
    }
    for flag in ["--daily", "--plots", "--report"] {
        let e = refused(&["run", s(&sc), "--shard", "1/2", flag, "--out", s(&out)]);
        assert!(e.contains("--shard cannot be combined with") && e.contains(flag), "{e}");
    }
    assert!(!out.exists(), "a refused shard writes nothing");
    // auto without a job array's variables.
    let o = common::bin().args(["run", s(&sc), "--shard", "auto", "--out", s(&out)]).env_remove("SLURM_ARRAY_TASK_ID").env_remove("SLURM_ARRAY_TASK_COUNT").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SLURM_ARRAY_TASK_ID"));
}

#[test]
fn shard_auto_reads_the_slurm_array_task() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::write(dir.path(), "s.toml", SCENARIO);
    // --array=0-2: task 2 is part 3/3; --array=1-3: task 1 is part 1/3.
    for (id, min, want) in [("2", "0", 3), ("1", "1", 1)] {
        let out = dir.path().join(format!("auto-{id}-{min}"));
        let o = common::bin()
            .args(["run", s(&sc), "--shard", "auto", "--athletes", "900", "--out", s(&out)])
            .env("SLURM_ARRAY_TASK_ID", id)
            .env("SLURM_ARRAY_TASK_MIN", min)
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!((m["part"]["index"].as_u64(), m["part"]["count"].as_u64()), (Some(want), Some(3)));
    }
}

#[test]
fn the_slurm_example_runs_as_an_array_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::write(dir.path(), "s.toml", SCENARIO);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = if root.join("examples/slurm").exists() { root } else { PathBuf::from(env!("CARGO_MANIFEST_DIR")) };
    let slurm = root.join("examples/slurm");
    let parts = dir.path().join("parts");
    let out = dir.path().join("results");
    let bin = env!("CARGO_BIN_EXE_periodize");
    // The array's tasks, in another order than their ids, as the scheduler may run them.
    for id in ["3", "1", "2"] {
        let o = std::process::Command::new("bash")
            .arg(slurm.join("shards.sbatch"))
            .env("SCENARIO", &sc)
            .env("PARTS", &parts)
            .env("PERIODIZE", bin)
            .env("PERIODIZE_ARGS", "--per-athlete --athletes 2100")
            .env("SLURM_ARRAY_TASK_ID", id)
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_CPUS_PER_TASK", "2")
            .output()
            .unwrap();
        assert!(o.status.success(), "task {id}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let o = std::process::Command::new("bash").arg(slurm.join("merge.sbatch")).env("PARTS", &parts).env("OUT", &out).env("PERIODIZE", bin).output().unwrap();
    assert!(o.status.success(), "merge: {}", String::from_utf8_lossy(&o.stderr));
    let full = dir.path().join("full");
    ok(&["run", s(&sc), "--per-athlete", "--athletes", "2100", "--out", s(&full)]);
    same_files(&full, &out, &["summary.csv", "verdicts.csv", "athletes.csv"]);
}
