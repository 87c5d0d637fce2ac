//! `[compare]`: chosen references, the comparison columns against an oracle computed from
//! athletes.csv, the verdict on stderr, and the table's bad inputs.

mod common;

use std::collections::HashMap;
use std::path::Path;

const MODEL: &str = "[model]\nkind = \"busso\"\np0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.2 }\nk3 = { dist = \"lognormal\", median = 0.0007, sigma = 0.3 }\ntau1 = 42.0\ntau2 = 7.0\ntau3 = 4.0\n";
const PLAN: &str = "[plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 150.0\neasy_load = 50.0\nrest_days = 1\n";

use common::{cell as f, summary, write};

fn run(args: &[&str]) -> (i32, String) {
    let (code, _, err) = common::run(args);
    (code, err)
}

/// Race-day performance per row label and athlete, from athletes.csv.
fn finals(dir: &Path, paths: usize) -> HashMap<String, Vec<f64>> {
    let mut r = csv::Reader::from_path(dir.join("athletes.csv")).unwrap();
    let mut out: HashMap<String, Vec<f64>> = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let key: Vec<&str> = (0..=paths).map(|i| rec.get(i).unwrap()).collect();
        out.entry(key.join("|")).or_default().push(rec.get(paths + 2).unwrap().parse().unwrap());
    }
    out
}

/// The comparison columns, recomputed from per-athlete values by the textbook formulas.
fn check_against(row: &HashMap<String, String>, this: &[f64], reference: &[f64], reference_mean: f64) {
    let n = this.len() as f64;
    let d: Vec<f64> = this.iter().zip(reference).map(|(a, b)| a - b).collect();
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let wins = this.iter().zip(reference).filter(|(a, b)| a > b).count() as f64;
    let p = wins / n;
    let z = 1.959963984540054;
    let close = |col: &str, want: f64| {
        let got = f(row, col);
        assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{col}: {got} vs {want}");
    };
    close("diff_mean", mean);
    close("diff_ci_low", mean - z * sd / n.sqrt());
    close("diff_ci_high", mean + z * sd / n.sqrt());
    close("diff_pct", 100.0 * mean / reference_mean);
    close("win_rate", p);
    // Wilson (1927): (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
    let c = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    close("win_rate_ci_low", (c - h).max(0.0));
    close("win_rate_ci_high", (c + h).min(1.0));
    // Against the smallest worthwhile change (percent of the reference's mean).
    let swc = f(row, "swc_pct");
    let thr = swc / 100.0 * reference_mean.abs();
    let better = d.iter().filter(|x| **x > thr).count() as f64 / n;
    let worse = d.iter().filter(|x| **x < -thr).count() as f64 / n;
    close("better_share", better);
    close("worse_share", worse);
    close("trivial_share", 1.0 - better - worse);
    let (lo, hi) = (100.0 * (mean - z * sd / n.sqrt()) / reference_mean.abs(), 100.0 * (mean + z * sd / n.sqrt()) / reference_mean.abs());
    close("diff_ci_low_pct", lo);
    close("diff_ci_high_pct", hi);
    let verdict = if lo > swc {
        "better"
    } else if hi < -swc {
        "worse"
    } else if lo >= -swc && hi <= swc {
        "trivial"
    } else {
        "unclear"
    };
    assert_eq!(row["verdict"], verdict, "lo {lo} hi {hi} swc {swc}");
}

#[test]
fn a_named_reference_variant_is_compared_at_each_sweep_point() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "schema_version = 1\n[run]\nathletes = 500\n{MODEL}{PLAN}\
         [[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n[[variant]]\nname = \"spread\"\n[[variant]]\nname = \"heavy\"\nplan.key_load = 160.0\n\
         [sweep]\n\"plan.key_workouts\" = [2, 3]\n[compare]\nreference = \"spread\"\n"
    );
    let sc = write(dir.path(), "ref.toml", &text);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    let perf = finals(&out, 1);
    assert_eq!(rows.len(), 6);
    for r in &rows {
        let k = &r["plan.key_workouts"];
        if r["variant"] == "spread" {
            assert_eq!(r["reference"], "", "the reference row has no reference");
            assert_eq!(r["win_rate"], "");
            assert_eq!(r["diff_pct"], "");
            continue;
        }
        assert_eq!(r["reference"], format!("spread plan.key_workouts={k}"));
        let reference = rows.iter().find(|x| x["variant"] == "spread" && &x["plan.key_workouts"] == k).unwrap();
        check_against(r, &perf[&format!("{}|{k}", r["variant"])], &perf[&format!("spread|{k}")], f(reference, "perf_final_mean"));
    }
    // The verdict names both rows and the shared sweep point, with the rounded numbers.
    let clustered2 = rows.iter().find(|x| x["variant"] == "clustered" && x["plan.key_workouts"] == "2").unwrap();
    let line = err.lines().find(|l| l.starts_with("clustered vs spread (key_workouts=2): ")).unwrap_or_else(|| panic!("no verdict line in {err}"));
    // `A vs B (same): VERDICT: +1.23% (95% CI ...), ...`
    let parts: Vec<&str> = line.splitn(3, ": ").collect();
    assert_eq!(parts[1], clustered2["verdict"], "{line}");
    let shown: f64 = parts[2].split('%').next().unwrap().parse().unwrap();
    let half = f(clustered2, "diff_ci_high_pct") - f(clustered2, "diff_pct");
    assert!((shown - f(clustered2, "diff_pct")).abs() <= half, "{line}");
    assert!(line.contains("95% CI") && line.contains("of athletes") && line.contains("0.5%"), "{line}");
}

#[test]
fn across_compares_with_the_first_value_of_that_path_all_else_equal() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "schema_version = 1\n[run]\nathletes = 300\n{MODEL}{PLAN}recovery = {{ every = 4, factor = 0.6 }}\n\
         [sweep]\n\"plan.key_workouts\" = [2, 3]\n\"plan.spacing\" = [\"spread\", \"clustered\"]\n[compare]\nacross = \"plan.spacing\"\n"
    );
    let sc = write(dir.path(), "across.toml", &text);
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]).0, 0);
    let rows = summary(&out);
    let perf = finals(&out, 2);
    for r in &rows {
        let (k, s) = (&r["plan.key_workouts"], &r["plan.spacing"]);
        if s == "spread" {
            assert_eq!(r["reference"], "");
            continue;
        }
        assert_eq!(r["reference"], format!("across plan.key_workouts={k} plan.spacing=spread"));
        let reference = rows.iter().find(|x| &x["plan.key_workouts"] == k && x["plan.spacing"] == "spread").unwrap();
        check_against(r, &perf[&format!("across|{k}|clustered")], &perf[&format!("across|{k}|spread")], f(reference, "perf_final_mean"));
    }
}

#[test]
fn one_variant_with_a_sweep_compares_with_the_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write(dir.path(), "one.toml", &format!("schema_version = 1\n[run]\nathletes = 50\n{MODEL}{PLAN}[sweep]\n\"plan.key_load\" = [120.0, 150.0, 180.0]\n"));
    let out = dir.path().join("out");
    assert_eq!(run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]).0, 0);
    let rows = summary(&out);
    assert_eq!(rows[0]["reference"], "");
    assert_eq!(rows[1]["reference"], "one plan.key_load=120.0");
    assert_eq!(rows[2]["reference"], "one plan.key_load=120.0");
}

#[test]
fn bad_compare_tables_point_at_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let base = format!("schema_version = 1\n{MODEL}{PLAN}[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\n");
    // (scenario, the line that is wrong, its column, key words of the message)
    let cases: Vec<(String, &str, usize, Vec<&str>)> = vec![
        (format!("{base}[compare]\nreference = \"c\"\n"), "reference = \"c\"", 13, vec!["compare.reference = \"c\"", "no variant", "\"a\", \"b\""]),
        (format!("{base}[compare]\nacross = \"plan.weeks\"\n"), "across =", 10, vec!["compare.across = \"plan.weeks\"", "not a swept path", "no [sweep]"]),
        (
            format!("{base}[sweep]\nmode = \"zip\"\n\"plan.weeks\" = [4, 6]\n\"plan.key_load\" = [100.0, 120.0]\n[compare]\nacross = \"plan.weeks\"\n"),
            "across =",
            10,
            vec!["has no partner", "plan.weeks = 4"],
        ),
        (format!("{base}[compare]\nrefrence = \"a\"\n"), "refrence", 1, vec!["compare.refrence: unknown key", "did you mean `reference`"]),
        (format!("{base}[compare]\nreference = 3\n"), "reference = 3", 13, vec!["compare.reference = 3: expected a string"]),
    ];
    for (i, (text, marker, col, words)) in cases.iter().enumerate() {
        let line = text.lines().position(|l| l.starts_with(marker)).unwrap() + 1;
        let at = format!(":{line}:{col}:");
        let sc = write(dir.path(), &format!("bad{i}.toml"), text);
        let out = dir.path().join(format!("out{i}"));
        let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(code, 2, "case {i}: {err}");
        assert!(err.contains(&format!("bad{i}.toml{at}")), "case {i}: {err}");
        for w in words {
            assert!(err.contains(w), "case {i}: missing {w:?} in {err}");
        }
        assert!(!out.exists(), "case {i}: a bad scenario must write nothing");
    }
}

/// Issue 27: a difference far smaller than the smallest worthwhile change reads `trivial`
/// everywhere (summary.csv, the verdict line), however consistent it is across athletes; the
/// same difference under `swc = 0` is `better` or `worse`.
#[test]
fn a_tiny_consistent_difference_is_trivial_under_the_smallest_worthwhile_change() {
    let dir = tempfile::tempdir().unwrap();
    let base = format!("schema_version = 1\n[run]\nathletes = 2000\n{MODEL}{PLAN}[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.key_load = 150.3\n");
    for (swc, want) in [(None, "trivial"), (Some("0.0"), "")] {
        let text = match swc {
            Some(x) => format!("{base}[compare]\nswc = {x}\n"),
            None => base.clone(),
        };
        let sc = write(dir.path(), "s.toml", &text);
        let out = dir.path().join(format!("out{}", swc.unwrap_or("d")));
        let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]);
        assert_eq!(code, 0, "{err}");
        let rows = summary(&out);
        let b = &rows[1];
        let perf = finals(&out, 0);
        check_against(b, &perf["b"], &perf["a"], f(&rows[0], "perf_final_mean"));
        // A real but tiny difference: its interval excludes 0.
        assert!(f(b, "diff_pct").abs() < 0.2 && (f(b, "diff_ci_low") > 0.0 || f(b, "diff_ci_high") < 0.0), "{b:?}");
        let line = err.lines().find(|l| l.starts_with("b vs a: ")).unwrap();
        if want == "trivial" {
            assert_eq!(b["swc_pct"], "0.5");
            assert_eq!(b["verdict"], "trivial");
            assert!(f(b, "trivial_share") > 0.99, "{b:?}");
            assert!(line.starts_with("b vs a: trivial: ") && line.contains("inside +/-0.5%"), "{line}");
        } else {
            assert!(b["verdict"] == "better" || b["verdict"] == "worse", "{b:?}");
            assert!(f(b, "trivial_share") < 0.05);
        }
        // The reference row leaves every comparison cell empty.
        for col in ["swc_pct", "better_share", "worse_share", "trivial_share", "verdict", "diff_ci_low_pct"] {
            assert_eq!(rows[0][col], "", "{col}");
        }
    }
    let sc = write(dir.path(), "bad.toml", &format!("{base}[compare]\nswc = 60\n"));
    let (code, err) = run(&["validate", sc.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("compare.swc = 60: expected a percent from 0 to 50"), "{err}");
}

/// Issue 27 (rule 4): rows of different models are never compared by accident: without
/// `[compare]` each model's first variant is its reference; a reference of another model is
/// refused unless `across_models = true`, and then the verdict names both models.
#[test]
fn rows_of_different_models_are_compared_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let base = format!(
        "schema_version = 1\n[run]\nathletes = 300\n{MODEL}{PLAN}[[variant]]\nname = \"busso-spread\"\n[[variant]]\nname = \"busso-clustered\"\nplan.spacing = \"clustered\"\n\
         [[variant]]\nname = \"banister-spread\"\nmodel = {{ kind = \"banister\", preset = \"banister-literature\" }}\n[[variant]]\nname = \"banister-clustered\"\nmodel = {{ kind = \"banister\", preset = \"banister-literature\" }}\nplan.spacing = \"clustered\"\n"
    );
    let sc = write(dir.path(), "m.toml", &base);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    let refs: Vec<&str> = rows.iter().map(|r| r["reference"].as_str()).collect();
    assert_eq!(refs, ["", "busso-spread", "", "banister-spread"]);
    assert!(!err.contains("banister-spread vs busso"), "{err}");
    let named = format!("{base}[compare]\nreference = \"busso-spread\"\n");
    let sc = write(dir.path(), "n.toml", &named);
    let (code, err) = run(&["validate", sc.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rows of different models are compared only with [compare] across_models = true") && err.contains("(banister-literature)"), "{err}");
    let across = format!("{base}[compare]\nreference = \"busso-spread\"\nacross_models = true\n");
    let sc = write(dir.path(), "a.toml", &across);
    let out = dir.path().join("out-a");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.lines().any(|l| l.starts_with("banister-spread (banister-literature) vs busso-spread (busso), across models: ")), "{err}");
}

/// Issue 27 (rule 5): rows whose athletes are all identical (pmc; fixed values without noise)
/// are one athlete: no win rate, no interval, `athletes = 1` in the verdict; a form (TSB) has no
/// level, so no percent and no verdict.
#[test]
fn identical_athletes_are_one_athlete_and_a_form_has_no_percent() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = "[model]\nkind = \"banister\"\np0 = 100.0\nk1 = 0.1\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0\n";
    let text = format!("schema_version = 1\n[run]\nathletes = 500\n{fixed}{PLAN}[[variant]]\nname = \"spread\"\n[[variant]]\nname = \"heavy\"\nplan.key_load = 200.0\n");
    let sc = write(dir.path(), "f.toml", &text);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    for col in ["win_rate", "win_rate_ci_low", "diff_ci_low", "diff_ci_low_pct"] {
        assert_eq!(rows[1][col], "", "{col}");
    }
    assert!(f(&rows[1], "diff_pct").abs() > 0.0);
    assert!(["better", "worse", "trivial"].contains(&rows[1]["verdict"].as_str()), "{:?}", rows[1]);
    let line = err.lines().find(|l| l.starts_with("heavy vs spread: ")).unwrap();
    assert!(line.contains("athletes = 1") && !line.contains("95% CI"), "{line}");
    // pmc: a form chart, one athlete, no percent.
    let pmc = format!("schema_version = 1\n[run]\nathletes = 200\n[model]\nkind = \"pmc\"\n{PLAN}[[variant]]\nname = \"spread\"\n[[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n");
    let sc = write(dir.path(), "p.toml", &pmc);
    let out = dir.path().join("out-p");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    for col in ["diff_pct", "win_rate", "verdict", "better_share", "swc_pct"] {
        assert_eq!(rows[1][col], "", "pmc {col}");
    }
    assert!(!rows[1]["diff_mean"].is_empty());
    let line = err.lines().find(|l| l.starts_with("clustered vs spread: ")).unwrap();
    assert!(line.contains("a form has no level") && line.contains("athletes = 1"), "{line}");
}

/// Issue 26 (defect 9): `target_total_load = "reference"` follows a chain of references in
/// order (c takes b's total, which b took from a), and a reference row that has none of its own
/// keeps its plan's total; only rows that take totals from each other are refused.
#[test]
fn reference_totals_follow_chains_of_references() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "schema_version = 1\n[run]\nathletes = 20\n{MODEL}{PLAN}target_total_load = \"reference\"\n\
         [[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\ncompare_with = \"a\"\nplan.key_load = 100.0\n[[variant]]\nname = \"c\"\ncompare_with = \"b\"\nplan.key_load = 300.0\nplan.spacing = \"clustered\"\n"
    );
    let sc = write(dir.path(), "chain.toml", &text);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    // a's own plan: 6 weeks of 3 keys at 150 and 3 easy days at 50 (rest_days = 1).
    let own = 6.0 * (3.0 * 150.0 + 3.0 * 50.0);
    for r in &rows {
        assert!((f(r, "load_total_mean") - own).abs() < 1e-6, "{}: {}", r["variant"], r["load_total_mean"]);
    }
    assert_eq!(rows[2]["reference"], "b");
}

/// Banister athletes whose race-day performance is above 0 (a time needs a speed or a power).
const POSITIVE: &str = "[model]\nkind = \"banister\"\np0 = 100.0\nk1 = { dist = \"lognormal\", median = 0.1, sigma = 0.2 }\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0\n";

/// Issue 27 (rule 2): `[run] race_time` turns each athlete's race-day difference into seconds:
/// the athlete races the reference's plan in race_time, and this row's plan in
/// race_time x (P_ref / P)^e, e = 1 for a speed and 1/3 for a power.
#[test]
fn race_time_gives_the_difference_in_seconds() {
    let dir = tempfile::tempdir().unwrap();
    for (is, e) in [("speed", 1.0), ("power", 1.0 / 3.0)] {
        let text = format!(
            "schema_version = 1\n[run]\nathletes = 400\nrace_time = \"1:30:00\"\nperformance_is = \"{is}\"\n{POSITIVE}{PLAN}[[variant]]\nname = \"spread\"\n[[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n"
        );
        let sc = write(dir.path(), &format!("{is}.toml"), &text);
        let out = dir.path().join(is);
        let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]);
        assert_eq!(code, 0, "{err}");
        let rows = summary(&out);
        let perf = finals(&out, 0);
        let s: Vec<f64> = perf["clustered"].iter().zip(&perf["spread"]).map(|(p, r)| 5400.0 * ((r / p).powf(e) - 1.0)).collect();
        let n = s.len() as f64;
        let mean = s.iter().sum::<f64>() / n;
        let sd = (s.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let got = f(&rows[1], "diff_seconds_mean");
        assert!((got - mean).abs() <= 1e-9 * mean.abs().max(1.0), "{is}: {got} vs {mean}");
        let half = 1.959963984540054 * sd / n.sqrt();
        assert!((f(&rows[1], "diff_seconds_ci_low") - (mean - half)).abs() < 1e-9 * half.max(1.0));
        // Faster when better: the sign is the opposite of diff_mean's.
        assert!(mean * f(&rows[1], "diff_mean") < 0.0);
        assert_eq!(rows[0]["diff_seconds_mean"], "");
        let line = err.lines().find(|l| l.starts_with("clustered vs spread: ")).unwrap();
        assert!(line.contains(", race time ") && line.contains(" s (95% CI "), "{line}");
    }
    for (bad, want) in [
        ("race_time = \"1:75:00\"", "run.race_time = \"1:75:00\": expected a race time"),
        ("performance_is = \"speed\"", "run.performance_is: needs run.race_time"),
        ("race_time = \"1:30:00\"\nperformance_is = \"pace\"", "run.performance_is = \"pace\": expected \"speed\""),
    ] {
        let sc = write(dir.path(), "bad.toml", &format!("schema_version = 1\n[run]\n{bad}\n{MODEL}{PLAN}"));
        let (code, err) = run(&["validate", sc.to_str().unwrap()]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains(want), "{bad}: {err}");
    }
}

/// Issue 27 (rule 3): `[compare] models` runs every variant under each preset, compares within
/// a model only, and writes verdicts.csv and one agreement line per question. Oracles: each
/// model's rows equal a run of the same variants with that preset as the scenario's `[model]`
/// (the same athletes), the verdict columns recomputed from athletes.csv, and the agreement
/// line rebuilt from verdicts.csv.
#[test]
fn every_model_side_by_side_with_verdicts_and_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let variants = "[[variant]]\nname = \"spread\"\n[[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n";
    let models = ["busso2003", "banister-literature"];
    let text = format!("schema_version = 1\n[run]\nathletes = 400\n{PLAN}{variants}[compare]\nmodels = [\"busso2003\", \"banister-literature\"]\n");
    let sc = write(dir.path(), "m.toml", &text);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--per-athlete"]);
    assert_eq!(code, 0, "{err}");
    let rows = summary(&out);
    let names: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r["variant"].as_str(), r["model"].as_str(), r["reference"].as_str())).collect();
    assert_eq!(names, [("spread", "busso2003", ""), ("clustered", "busso2003", "spread model=busso2003"), ("spread", "banister-literature", ""), ("clustered", "banister-literature", "spread model=banister-literature")]);
    // Every label is unique, and a reference names a label.
    assert_eq!(rows[2]["label"], "spread model=banister-literature");
    // athletes.csv names each row by variant and model; the comparison is within the model.
    let perf = finals(&out, 1);
    for (k, m) in models.iter().enumerate() {
        let reference = &rows[2 * k];
        check_against(&rows[2 * k + 1], &perf[&format!("clustered|{m}")], &perf[&format!("spread|{m}")], f(reference, "perf_final_mean"));
        // The same rows as a scenario of that model alone.
        let one = write(dir.path(), &format!("{m}.toml"), &format!("schema_version = 1\n[run]\nathletes = 400\n[model]\npreset = \"{m}\"\n{PLAN}{variants}"));
        let o = dir.path().join(format!("out-{m}"));
        let (code, err) = run(&["run", one.to_str().unwrap(), "--out", o.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let alone = summary(&o);
        for (a, b) in alone.iter().zip(&rows[2 * k..2 * k + 2]) {
            for col in ["perf_final_mean", "perf_final_sd", "diff_mean", "diff_pct", "verdict", "better_share"] {
                assert_eq!(a[col], b[col], "{m} {col}");
            }
        }
    }
    // verdicts.csv: one row per question and model, the same numbers as summary.csv.
    let mut r = csv::Reader::from_path(out.join("verdicts.csv")).unwrap();
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), ["comparison", "model", "diff_pct", "diff_ci_low_pct", "diff_ci_high_pct", "better_share", "worse_share", "trivial_share", "verdict"]);
    let v: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(v.len(), 2);
    for (rec, (m, row)) in v.iter().zip(models.iter().zip([&rows[1], &rows[3]])) {
        assert_eq!(&rec[0], "clustered vs spread");
        assert_eq!(&rec[1], *m);
        for (i, col) in ["diff_pct", "diff_ci_low_pct", "diff_ci_high_pct", "better_share", "worse_share", "trivial_share", "verdict"].iter().enumerate() {
            assert_eq!(&rec[i + 2], row[*col].as_str(), "{col}");
        }
    }
    // The agreement line, from verdicts.csv's verdicts.
    let want = if v[0][8] == v[1][8] {
        format!("clustered vs spread: models agree: {} (2 of 2)", &v[0][8])
    } else {
        format!("clustered vs spread: models disagree: busso2003 {}, banister-literature {}", &v[0][8], &v[1][8])
    };
    assert!(err.lines().any(|l| l == want), "want {want:?} in\n{err}");
    // Verdict lines name the model.
    assert!(err.lines().any(|l| l.starts_with("clustered vs spread (busso2003): ")), "{err}");
    // "all": every preset, in `periodize presets` order.
    let all = write(dir.path(), "all.toml", &text.replace("models = [\"busso2003\", \"banister-literature\"]", "models = \"all\""));
    let (code, out_text, err) = common::run(&["validate", all.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out_text.contains("ok, 10 row(s)"), "{out_text}");
    let order: Vec<&str> = out_text.lines().skip(1).filter(|l| !l.starts_with("loads: ")).map(|l| l.split(' ').nth(1).unwrap_or("")).collect();
    assert_eq!(order, ["busso2003", "busso2003", "trained-endurance", "trained-endurance", "banister-literature", "banister-literature", "clarke2013-cyclist", "clarke2013-cyclist", "perpot-perl", "perpot-perl"]);
}

/// `[compare] models` refuses what it would silently override, pointing at the line.
#[test]
fn compare_models_refuses_a_second_choice_of_model() {
    let dir = tempfile::tempdir().unwrap();
    let base = format!("schema_version = 1\n{PLAN}[[variant]]\nname = \"a\"\n");
    for (extra, want) in [
        ("[compare]\nmodels = [\"busso2003\", \"bannister-literature\"]\n", "bad.toml:11:24: compare.models: \"bannister-literature\" is not a preset (did you mean \"banister-literature\"?)"),
        ("[compare]\nmodels = [\"busso2003\", \"busso2003\"]\n", "compare.models: \"busso2003\" is listed twice"),
        ("[compare]\nmodels = []\n", "compare.models = []: expected \"all\" or a list of preset names"),
        ("[model]\npreset = \"busso2003\"\n[compare]\nmodels = \"all\"\n", "bad.toml:10:2: [model]: [compare] models runs every variant under each listed preset"),
        ("[[variant]]\nname = \"b\"\nmodel.tau1 = 30.0\n[compare]\nmodels = \"all\"\n", "variant[1].model: [compare] models runs every variant under each listed preset"),
        ("[sweep]\n\"model.tau1\" = [30.0, 40.0]\n[compare]\nmodels = \"all\"\n", "sweep \"model.tau1\": [compare] models runs every variant"),
    ] {
        let sc = write(dir.path(), "bad.toml", &format!("{base}{extra}"));
        let (code, err) = run(&["validate", sc.to_str().unwrap()]);
        assert_eq!(code, 2, "{extra}: {err}");
        assert!(err.contains(want), "{extra}: want {want:?} in\n{err}");
    }
}

/// Under `across` with several variants, each variant's comparison is its own question (the
/// variant is named), so verdicts.csv has one row per question and model, never two of a model.
#[test]
fn across_within_several_variants_names_the_variant_in_each_question() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "schema_version = 1\n[run]\nathletes = 100\n{PLAN}[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.spacing = \"clustered\"\n\
         [sweep]\n\"plan.key_workouts\" = [2, 3]\n[compare]\nacross = \"plan.key_workouts\"\nmodels = [\"busso2003\", \"banister-literature\"]\n"
    );
    let sc = write(dir.path(), "x.toml", &text);
    let out = dir.path().join("out");
    let (code, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_path(out.join("verdicts.csv")).unwrap();
    let keys: Vec<(String, String)> = r.records().map(Result::unwrap).map(|x| (x[0].to_string(), x[1].to_string())).collect();
    assert_eq!(
        keys,
        [
            ("key_workouts=3 vs key_workouts=2 (a)", "busso2003"),
            ("key_workouts=3 vs key_workouts=2 (a)", "banister-literature"),
            ("key_workouts=3 vs key_workouts=2 (b)", "busso2003"),
            ("key_workouts=3 vs key_workouts=2 (b)", "banister-literature"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(err.lines().any(|l| l.starts_with("key_workouts=3 vs key_workouts=2 (b, banister-literature): ")), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("key_workouts=3 vs key_workouts=2 (a): models ")).count(), 1, "{err}");
}
