//! `periodize optimize`: the grid finds exactly what an exhaustive `run` sweep finds, `auto`
//! gets within 2% of the exhaustive improvement on a space too big for its budget, every trace
//! value is the summary value `run` gives for the same plan, best.toml validates and reproduces
//! the search's value, the out-of-sample check uses a fresh population, constraints are honoured
//! and an infeasible problem says so, and bad input is refused before anything is written.
//! The oracle throughout is `periodize run` of the same plans written as a `[sweep]`.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{run, summary, write};

/// A 10-week plan for a small busso2003 population, trained start, 2-week step taper as written.
const BASE: &str = r#"schema_version = 1
name = "t"

[run]
seed = 11
athletes = 300

[model]
preset = "busso2003"

[athlete]
start = { steady_load = 40.0 }

[plan]
key_workouts = 3
key_load = 150.0
easy_load = 50.0
rest_days = 1
taper = { days = 14, factor = 0.6, shape = "step" }

[[plan.phase]]
name = "build"
weeks = 7
recovery = { every = 4, factor = 0.6 }

[[plan.phase]]
name = "race"
weeks = 3
"#;

fn trace(dir: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("trace.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    r.records().map(|rec| h.iter().zip(rec.unwrap().iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()).collect()
}

fn f(row: &HashMap<String, String>, c: &str) -> f64 {
    row[c].parse().unwrap_or_else(|_| panic!("{c} = {:?}", row[c]))
}

/// The sweep rows of an exhaustive run: (days, factor, shape) -> summary row.
fn sweep(dir: &Path, days: &[String], factors: &[String], shapes: &[&str]) -> Vec<HashMap<String, String>> {
    let q = |v: &[String]| v.join(", ");
    let shapes: Vec<String> = shapes.iter().map(|s| format!("\"{s}\"")).collect();
    let text = format!(
        "{BASE}\n[sweep]\n\"plan.taper.days\" = [{}]\n\"plan.taper.factor\" = [{}]\n\"plan.taper.shape\" = [{}]\n",
        q(days),
        q(factors),
        shapes.join(", ")
    );
    let sc = write(dir, "sweep.toml", &text);
    let out = dir.join("sweep-out");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    summary(&out)
}

fn optimize(dir: &Path, name: &str, opt: &str, extra: &[&str]) -> (i32, String, std::path::PathBuf) {
    let sc = write(dir, &format!("{name}.toml"), &format!("{BASE}\n{opt}"));
    let out = dir.join(name);
    let mut args = vec!["optimize", sc.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    let (code, _, err) = run(&args);
    (code, err, out)
}

#[test]
fn grid_finds_exactly_the_best_point_of_an_exhaustive_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let days: Vec<String> = (0..=21).step_by(7).map(|d| d.to_string()).collect();
    let factors: Vec<String> = ["0.25", "0.5", "0.75", "1.0"].map(String::from).to_vec();
    let shapes = ["step", "linear", "exponential"];
    let opt = "[optimize]\nobjective = \"perf_final_mean\"\nmethod = \"grid\"\nbudget = 48\n[optimize.vary]\n\
               \"plan.taper.days\" = { min = 0, max = 21, step = 7 }\n\"plan.taper.factor\" = { min = 0.25, max = 1.0, step = 0.25 }\n\
               \"plan.taper.shape\" = [\"step\", \"linear\", \"exponential\"]\n";
    let (code, err, out) = optimize(dir.path(), "grid", opt, &[]);
    assert_eq!(code, 0, "{err}");
    let t = trace(&out);
    let cands: Vec<&HashMap<String, String>> = t.iter().filter(|r| r["stage"] != "as-written").collect();
    assert_eq!(cands.len(), 48);
    let rows = sweep(dir.path(), &days, &factors, &shapes);
    assert_eq!(rows.len(), 48);
    // Every evaluated value is, to the last digit, the summary value of the same plan in `run`.
    for c in &cands {
        let same = rows
            .iter()
            .find(|r| {
                f(r, "plan.taper.days") == f(c, "plan.taper.days")
                    && f(r, "plan.taper.factor") == f(c, "plan.taper.factor")
                    && r["plan.taper.shape"] == c["plan.taper.shape"]
            })
            .unwrap_or_else(|| panic!("no sweep row for {c:?}"));
        assert_eq!(same["perf_final_mean"], c["perf_final_mean"], "{c:?}");
    }
    let best_sweep = rows.iter().max_by(|a, b| f(a, "perf_final_mean").total_cmp(&f(b, "perf_final_mean"))).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let values = &manifest["variants"][0]["values"];
    assert_eq!(values["plan.taper.days"].as_str().unwrap().parse::<f64>().unwrap(), f(best_sweep, "plan.taper.days"));
    assert_eq!(values["plan.taper.factor"].as_str().unwrap().parse::<f64>().unwrap(), f(best_sweep, "plan.taper.factor"));
    assert_eq!(values["plan.taper.shape"].as_str().unwrap(), best_sweep["plan.taper.shape"]);
    assert_eq!(cands.last().unwrap()["best_so_far"], best_sweep["perf_final_mean"]);

    // The grid refuses a budget smaller than itself, naming both counts, and writes nothing.
    let (code, err, out) = optimize(dir.path(), "small", opt, &["--budget", "47"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("48 points") && err.contains("47"), "{err}");
    assert!(!out.exists());
}

#[test]
fn auto_gets_within_two_percent_of_the_exhaustive_improvement() {
    let dir = tempfile::tempdir().unwrap();
    // 36 x 21 x 3 = 2268 points; auto may evaluate 150.
    let days: Vec<String> = (0..=35).map(|d| d.to_string()).collect();
    let factors: Vec<String> = (0..=20).map(|k| format!("{:.2}", k as f64 * 0.05)).collect();
    let shapes = ["step", "linear", "exponential"];
    let opt = "[optimize]\nobjective = \"perf_final_mean\"\nbudget = 150\n[optimize.vary]\n\
               \"plan.taper.days\" = { min = 0, max = 35, step = 1 }\n\"plan.taper.factor\" = { min = 0.0, max = 1.0, step = 0.05 }\n\
               \"plan.taper.shape\" = [\"step\", \"linear\", \"exponential\"]\n";
    let (code, err, out) = optimize(dir.path(), "auto", opt, &[]);
    assert_eq!(code, 0, "{err}");
    let t = trace(&out);
    let written = f(&t[0], "perf_final_mean");
    let cands: Vec<&HashMap<String, String>> = t.iter().filter(|r| r["stage"] != "as-written").collect();
    assert!(cands.len() <= 150, "{} evaluations", cands.len());
    let rows = sweep(dir.path(), &days, &factors, &shapes);
    assert_eq!(rows.len(), 2268);
    let exhaustive = rows.iter().map(|r| f(r, "perf_final_mean")).fold(f64::NEG_INFINITY, f64::max);
    let found = cands.iter().map(|r| f(r, "perf_final_mean")).fold(f64::NEG_INFINITY, f64::max);
    assert!(exhaustive > written, "the sweep improves on the plan as written");
    assert!(found <= exhaustive, "auto cannot beat the exhaustive grid over the same points");
    assert!(found - written >= 0.98 * (exhaustive - written), "auto: +{} of +{} possible", found - written, exhaustive - written);
    // The as-written row is the sweep's row at (14, 0.6, step), digit for digit.
    let same = rows.iter().find(|r| r["plan.taper.days"] == "14" && f(r, "plan.taper.factor") == 0.6 && r["plan.taper.shape"] == "step").unwrap();
    assert_eq!(same["perf_final_mean"], t[0]["perf_final_mean"]);
    // Stepped values stay on their steps, listed values in their list.
    for c in &cands {
        let d = f(c, "plan.taper.days");
        let x = f(c, "plan.taper.factor") / 0.05;
        assert!(d == d.round() && (x - x.round()).abs() < 1e-9 && shapes.contains(&c["plan.taper.shape"].as_str()), "{c:?}");
    }
}

#[test]
fn best_toml_runs_and_reproduces_the_search_and_the_check_is_out_of_sample() {
    let dir = tempfile::tempdir().unwrap();
    let opt = "[optimize]\nobjective = \"perf_final_mean\"\nbudget = 40\n[optimize.vary]\n\
               \"plan.taper.days\" = { min = 3, max = 28, step = 1 }\n\"plan.taper.factor\" = { min = 0.3, max = 1.0 }\n";
    let (code, err, out) = optimize(dir.path(), "b", opt, &["--seed", "5", "--plots"]);
    assert_eq!(code, 0, "{err}");
    for file in ["trace.csv", "best.toml", "summary.csv", "manifest.json", "convergence.svg", "heatmap.svg", "diff.svg"] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    assert!(!std::fs::read_dir(&out).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with('.')), "no staging left");
    let t = trace(&out);
    let best = t.iter().filter(|r| r["stage"] != "as-written").map(|r| f(r, "perf_final_mean")).fold(f64::NEG_INFINITY, f64::max);
    // best.toml at the search's seed and athletes gives the search's value for the optimum, and
    // the plan as written's value for the original variant.
    let again = dir.path().join("again");
    let (code, _, err) = run(&["run", out.join("best.toml").to_str().unwrap(), "--out", again.to_str().unwrap(), "--seed", "5"]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&again);
    let by = |v: &str| rows.iter().find(|r| r["variant"] == v).unwrap_or_else(|| panic!("no row {v}")).clone();
    assert_eq!(f(&by("optimum"), "perf_final_mean"), best);
    assert_eq!(by("t")["perf_final_mean"], t[0]["perf_final_mean"]);
    assert_eq!(by("optimum")["reference"], "t");
    // summary.csv is the check: ten times the athletes, another seed, so other values.
    let check = summary(&out);
    assert_eq!(check.len(), 2);
    assert!(check.iter().all(|r| r["athletes"] == "3000"));
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["search"]["seed"], 5);
    assert_ne!(m["out_of_sample"]["seed"], 5);
    assert_eq!(m["out_of_sample"]["athletes"], 3000);
    let c = check.iter().find(|r| r["variant"] == "optimum").unwrap();
    assert_ne!(f(c, "perf_final_mean"), best);
    assert_eq!(m["variants"][0]["out_of_sample"]["optimum"].as_f64().unwrap(), f(c, "perf_final_mean"));
    // The search is reproducible and does not depend on the thread count.
    let (_, _, out1) = optimize(dir.path(), "b1", opt, &["--seed", "5", "--threads", "1"]);
    let (_, _, out2) = optimize(dir.path(), "b2", opt, &["--seed", "5", "--threads", "2"]);
    assert_eq!(std::fs::read(out1.join("trace.csv")).unwrap(), std::fs::read(out.join("trace.csv")).unwrap());
    assert_eq!(std::fs::read(out1.join("trace.csv")).unwrap(), std::fs::read(out2.join("trace.csv")).unwrap());
    // A second run into the same folder without --plots removes the charts of the first.
    let (code, err) = {
        let sc = dir.path().join("b.toml");
        let (c, _, e) = run(&["optimize", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--seed", "5"]);
        (c, e)
    };
    assert_eq!(code, 0, "{err}");
    assert!(!out.join("convergence.svg").exists() && !out.join("heatmap.svg").exists() && out.join("trace.csv").exists());
}

#[test]
fn constraints_are_honoured_and_an_infeasible_problem_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let vary = "[optimize.vary]\n\"plan.taper.days\" = { min = 0, max = 28, step = 2 }\n\"plan.taper.factor\" = { min = 0.0, max = 1.0, step = 0.1 }\n";
    // Keep at least 97% of the plan as written's load: deep long tapers are refused.
    let total = {
        let (code, _, err, out) = {
            let sc = write(dir.path(), "plain.toml", BASE);
            let out = dir.path().join("plain");
            let (c, o, e) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
            (c, o, e, out)
        };
        assert_eq!(code, 0, "{err}");
        f(&summary(&out)[0], "load_total_mean")
    };
    let opt = format!("[optimize]\nobjective = \"perf_final_mean\"\nmethod = \"grid\"\nbudget = 200\n{vary}[optimize.subject_to]\nload_total_mean = {{ min = {} }}\n", 0.97 * total);
    let (code, err, out) = optimize(dir.path(), "c", &opt, &[]);
    assert_eq!(code, 0, "{err}");
    let t = trace(&out);
    for r in t.iter().filter(|r| r["stage"] != "as-written") {
        let ok = f(r, "load_total_mean") >= 0.97 * total;
        assert_eq!(r["feasible"] == "yes", ok, "{r:?}");
    }
    let feasible_best = t.iter().filter(|r| r["stage"] != "as-written" && r["feasible"] == "yes").map(|r| f(r, "perf_final_mean")).fold(f64::NEG_INFINITY, f64::max);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["variants"][0]["in_sample"]["optimum"].as_f64().unwrap(), feasible_best);
    assert_eq!(m["variants"][0]["feasible"], true);

    // No plan can have a total load of 1: exit 0, a warning, the least infeasible plan marked.
    let opt = format!("[optimize]\nobjective = \"perf_final_mean\"\nbudget = 30\n{vary}[optimize.subject_to]\nload_total_mean = {{ max = 1 }}\n");
    let (code, err, out) = optimize(dir.path(), "inf", &opt, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning") && err.contains("no evaluated plan satisfies"), "{err}");
    // It is the longest, deepest taper: both on the edge of their ranges, and said so.
    assert!(err.contains("plan.taper.days = 28 is at the top of its range") && err.contains("plan.taper.factor = 0 is at the bottom"), "{err}");
    assert!(trace(&out).iter().all(|r| r["feasible"] == "no"));
    let best = std::fs::read_to_string(out.join("best.toml")).unwrap();
    assert!(best.contains("NOT FEASIBLE"), "{best}");
    // The least infeasible plan has the least load: the longest, deepest taper evaluated.
    let t = trace(&out);
    let least = t.iter().filter(|r| r["stage"] != "as-written").map(|r| f(r, "load_total_mean")).fold(f64::INFINITY, f64::min);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let vals = &m["variants"][0]["values"];
    let chosen = t.iter().find(|r| r["plan.taper.days"] == vals["plan.taper.days"].as_str().unwrap() && r["plan.taper.factor"] == vals["plan.taper.factor"].as_str().unwrap()).unwrap();
    assert_eq!(f(chosen, "load_total_mean"), least);
}

#[test]
fn taper_overload_and_variants_are_optimised_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let opt = "[[variant]]\nname = \"plain\"\n[[variant]]\nname = \"overload\"\nplan.taper.overload = { days = 14, factor = 1.2 }\n\
               [optimize]\nobjective = \"gain_pct_mean\"\nmethod = \"grid\"\nbudget = 10\n[optimize.vary]\n\
               \"plan.taper.days\" = { min = 7, max = 21, step = 7 }\n\"plan.taper.overload\" = [\"none\", { days = 7, factor = 1.3 }]\n";
    let (code, err, out) = optimize(dir.path(), "v", opt, &[]);
    assert_eq!(code, 0, "{err}");
    let t = trace(&out);
    for v in ["plain", "overload"] {
        assert_eq!(t.iter().filter(|r| r["variant"] == v && r["stage"] == "grid").count(), 6, "{v}");
    }
    let best = std::fs::read_to_string(out.join("best.toml")).unwrap();
    assert!(best.contains("name = \"optimum-plain\"") && best.contains("name = \"optimum-overload\""), "{best}");
    let names: Vec<(String, String)> = summary(&out).iter().map(|r| (r["variant"].clone(), r["reference"].clone())).collect();
    let want = [("plain", ""), ("overload", "plain"), ("optimum-plain", "plain"), ("optimum-overload", "overload")];
    assert_eq!(names, want.map(|(a, b)| (a.to_string(), b.to_string())));
    // One variant only when [optimize] names it.
    let opt1 = opt.replace("budget = 10\n", "budget = 10\nvariant = \"overload\"\n");
    let (code, err, out) = optimize(dir.path(), "v1", &opt1, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(trace(&out).iter().all(|r| r["variant"] == "overload"));
    let best = std::fs::read_to_string(out.join("best.toml")).unwrap();
    assert!(best.contains("name = \"optimum\"") && best.contains("compare_with = \"overload\""), "{best}");
    let refs: Vec<(String, String)> = summary(&out).iter().map(|r| (r["variant"].clone(), r["reference"].clone())).collect();
    assert_eq!(refs[2], ("optimum".to_string(), "overload".to_string()));
}

#[test]
fn bad_optimize_tables_are_refused_with_the_line_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let vary = "[optimize.vary]\n\"plan.taper.days\" = { min = 0, max = 21, step = 7 }\n";
    let cases: Vec<(String, &str)> = vec![
        (format!("[optimize]\nobjective = \"perf_final\"\n{vary}"), "expected a numeric column of summary.csv: athletes, perf_final_mean"),
        (format!("[optimize]\nobjective = \"label\"\n{vary}"), "optimize.objective = \"label\""),
        (format!("[optimize]\n{vary}"), "optimize.objective: missing"),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\ndirection = \"up\"\n{vary}"), "expected \"max\" or \"min\""),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\nbudget = 0\n{vary}"), "optimize.budget = 0: must be between 1"),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\nmethod = \"cmaes\"\n{vary}"), "expected \"auto\" or \"grid\""),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\nvariant = \"nope\"\n{vary}"), "optimize.variant = \"nope\": no such variant"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n".into(), "optimize.vary: missing"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.dayz\" = { min = 0, max = 9 }\n".into(), "plan.taper.dayz: unknown key (did you mean `days`?)"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.shape\" = { min = 0, max = 1 }\n".into(), "plan.taper.shape = 0.0"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.days\" = { min = 0.5, max = 9.5 }\n".into(), "plan.taper.days = 0.5: expected an integer"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.days\" = { min = 9, max = 3, step = 1 }\n".into(), "min 9 is above max 3"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.days\" = { min = 0, max = 9, step = 0 }\n".into(), "step = 0: must be > 0"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.days\" = { min = 0, max = 9, step = -1 }\n".into(), "step = -1: must be > 0"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"run.seed\" = [1, 2]\n".into(), "expected a path under model., athlete., plan. or noise."),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.shape\" = [\"step\", \"step\"]\n".into(), "is listed twice"),
        ("[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.taper.shape\" = [\"step\", \"cubic\"]\n".into(), "plan.taper.shape = \"cubic\""),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\n{vary}[optimize.subject_to]\nacwr = {{ max = 1.5 }}\n"), "optimize.subject_to.acwr: not a numeric column"),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\n{vary}[optimize.subject_to]\nacwr_max_p95 = {{ below = 1.5 }}\n"), "unknown key"),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\n{vary}[optimize.subject_to]\nacwr_max_p95 = {{ min = 2, max = 1 }}\n"), "min 2 is above max 1"),
        (format!("[optimize]\nobjective = \"perf_final_mean\"\n{vary}[sweep]\n\"plan.key_load\" = [100, 120]\n"), "cannot also have [sweep]"),
        ("[optimize]\nobjective = \"perf_final_mean\"\nmethod = \"grid\"\n[optimize.vary]\n\"plan.taper.factor\" = { min = 0.1, max = 0.9 }\n".into(), "needs a step for every numeric value; plan.taper.factor"),
    ];
    for (i, (opt, words)) in cases.iter().enumerate() {
        let (code, err, out) = optimize(dir.path(), &format!("bad{i}"), opt, &[]);
        assert_eq!(code, 2, "case {i}: {err}");
        assert!(err.contains(words), "case {i}: expected {words:?} in {err}");
        // A scenario error points at its line (`file:line:col:`); the method check names the file.
        assert!(err.contains(&format!("bad{i}.toml:")), "case {i}: {err}");
        assert!(!out.exists(), "case {i}: {} was created", out.display());
    }
    // Without [optimize], and with --budget 0.
    let plain = write(dir.path(), "plain.toml", BASE);
    let out = dir.path().join("none");
    let (code, _, err) = run(&["optimize", plain.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(code == 2 && err.contains("no [optimize] table"), "{err}");
    assert!(!out.exists());
    let ok = write(dir.path(), "ok.toml", &format!("{BASE}\n[optimize]\nobjective = \"perf_final_mean\"\n{vary}"));
    let (code, _, err) = run(&["optimize", ok.to_str().unwrap(), "--out", out.to_str().unwrap(), "--budget", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(!out.exists());
    // `validate` checks [optimize] too, and `run` runs the rows as written.
    let (code, _, err) = run(&["validate", dir.path().join("bad0.toml").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["run", ok.to_str().unwrap(), "--out", dir.path().join("r").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(summary(&dir.path().join("r")).len(), 1);
}

#[test]
fn the_objective_columns_are_summary_csvs_numeric_columns() {
    // The columns an objective may name (listed by the refusal of a bad one) are exactly the
    // columns of the summary.csv that `run` writes, less its text columns.
    let dir = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.toml", BASE);
    let out = dir.path().join("r");
    let (code, _, err) = run(&["run", ok.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let header: Vec<String> = csv::Reader::from_path(out.join("summary.csv")).unwrap().headers().unwrap().iter().map(String::from).collect();
    let text = ["variant", "reference", "verdict", "model", "kind", "convention", "label"];
    let numeric: Vec<&str> = header.iter().map(String::as_str).filter(|h| !text.contains(h)).collect();
    let bad = write(dir.path(), "bad.toml", &format!("{BASE}\n[optimize]\nobjective = \"nope\"\nvary = {{ \"plan.key_load\" = {{ min = 100.0, max = 200.0 }} }}\n"));
    let (code, _, err) = run(&["validate", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let listed = err.split("expected a numeric column of summary.csv: ").nth(1).unwrap_or_else(|| panic!("{err}"));
    let listed: Vec<&str> = listed.lines().next().unwrap().split(", ").collect();
    assert_eq!(listed, numeric);
}

#[test]
fn compare_with_pairs_a_variant_with_another_and_bad_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let vars = "[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.key_load = 160.0\n[[variant]]\nname = \"c\"\ncompare_with = \"b\"\nplan.key_load = 170.0\n";
    let sc = write(dir.path(), "cw.toml", &format!("{BASE}\n{vars}"));
    let out = dir.path().join("cw");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    let refs: Vec<&str> = rows.iter().map(|r| r["reference"].as_str()).collect();
    assert_eq!(refs, ["", "a", "b"]);
    // c - b, athlete by athlete: the difference of the two rows' means.
    assert!((f(&rows[2], "diff_mean") - (f(&rows[2], "perf_final_mean") - f(&rows[1], "perf_final_mean"))).abs() < 1e-9);
    for (target, words) in [("zz", "compare_with = \"zz\": expected another variant's name"), ("c", "compare_with = \"c\": expected another")] {
        let sc = write(dir.path(), "bad.toml", &format!("{BASE}\n{}", vars.replace("compare_with = \"b\"", &format!("compare_with = \"{target}\""))));
        let (code, _, err) = run(&["validate", sc.to_str().unwrap()]);
        assert!(code == 2 && err.contains(words) && err.contains("bad.toml:"), "{err}");
    }
}

#[test]
fn small_budgets_end_the_search_without_a_panic() {
    // argmin's Nelder-Mead unwraps the costs of its first simplex and of a shrink step: a
    // budget spent inside either once panicked (exit 101). Every small budget ends the search.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/optimal-taper.toml")).unwrap();
    let sc = write(dir.path(), "taper.toml", &text.replace("athletes = 2000", "athletes = 60"));
    for budget in 1..=12 {
        let out = dir.path().join(format!("b{budget}"));
        let (code, _, err) = run(&["optimize", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--budget", &budget.to_string(), "--athletes", "60"]);
        assert_eq!(code, 0, "--budget {budget}: {err}");
        // Per optimised variant, the trace holds its as-written reference and 1 to `budget`
        // candidates.
        let t = trace(&out);
        let mut per: HashMap<String, (usize, usize)> = HashMap::new();
        for row in &t {
            let e = per.entry(row["variant"].clone()).or_default();
            if row["stage"] == "as-written" { e.0 += 1 } else { e.1 += 1 }
        }
        assert!(!per.is_empty());
        for (v, (written, candidates)) in per {
            assert_eq!(written, 1, "--budget {budget}: {v}");
            assert!((1..=budget).contains(&candidates), "--budget {budget}: {v} has {candidates} candidates");
        }
    }
}

/// Issue 26 (defect 9): a candidate is checked as `run` checks a row. A plan with no load to
/// scale to its target is refused by `run`; `optimize` counts it infeasible and says so, instead
/// of ranking it (a best.toml holding it failed to validate, "a bug").
#[test]
fn candidates_run_would_refuse_are_infeasible_not_ranked() {
    let dir = tempfile::tempdir().unwrap();
    let base = BASE.replace("rest_days = 1\n", "rest_days = 1\ntarget_total_load = 30000.0\n");
    let opt = "[optimize]\nobjective = \"perf_final_mean\"\nmethod = \"grid\"\n[optimize.vary]\n\"plan.key_load\" = { min = 0.0, max = 150.0, step = 75.0 }\n\"plan.easy_load\" = [0.0, 50.0]\n";
    let sc = write(dir.path(), "s.toml", &format!("{base}\n{opt}"));
    let out = dir.path().join("out");
    let (code, _, err) = run(&["optimize", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "300"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 of 6 candidates are plans run would refuse") && err.contains("no load to scale"), "{err}");
    let rows = trace(&out);
    let refused: Vec<_> = rows.iter().filter(|r| r["plan.key_load"] == "0" && r["plan.easy_load"] == "0.0").collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0]["perf_final_mean"].is_empty() && refused[0]["feasible"] == "no", "{:?}", refused[0]);
    // best.toml holds a plan run accepts.
    let (code, _, err) = run(&["validate", out.join("best.toml").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

/// Issue 28: the shipped taper study starts, as Thomas & Busso (2005, Med Sci Sports Exerc
/// 37:1615-1621) did, at the model's best constant load, and holds their qualitative findings:
/// a pre-taper overload reaches a higher peak and wants a longer taper, and a progressive taper
/// beats a step taper only after the overload. (Their depth, a 31-39% cut, is not reproduced:
/// the README and notebook 05 say so.)
#[test]
fn the_shipped_taper_study_reproduces_thomas_and_busso_qualitatively() {
    let dir = tempfile::tempdir().unwrap();
    let sc = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/optimal-taper.toml");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["optimize", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let v = |name: &str| m["variants"].as_array().unwrap().iter().find(|v| v["variant"] == name).unwrap().clone();
    let (plain, over) = (v("no-overload"), v("overload"));
    let peak = |v: &serde_json::Value| v["out_of_sample"]["optimum"].as_f64().unwrap();
    let days = |v: &serde_json::Value| v["values"]["plan.taper.days"].as_str().unwrap().parse::<f64>().unwrap();
    assert!(peak(&over) > peak(&plain) + 1.0, "peaks {} vs {}", peak(&over), peak(&plain));
    assert!(days(&over) > days(&plain), "taper days {} vs {}", days(&over), days(&plain));
    // The best of each shape on the search's athletes.
    let best = |variant: &str, shapes: &[&str]| {
        trace(&out)
            .iter()
            .filter(|r| r["variant"] == variant && r["stage"] != "as-written" && shapes.contains(&r["plan.taper.shape"].as_str()))
            .map(|r| f(r, "perf_final_mean"))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let edge = |variant: &str| best(variant, &["linear", "exponential"]) - best(variant, &["step"]);
    assert!(edge("overload") > 0.5, "progressive minus step after overload: {}", edge("overload"));
    assert!(edge("no-overload").abs() < 0.1, "progressive minus step without overload: {}", edge("no-overload"));
}
