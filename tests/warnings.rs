//! Validity warnings (issue 27, rule 6): each kind appears on stderr, in manifest.json's
//! `warnings` and in the report, for the case it describes, and not for a sound plan.

mod common;

use std::path::Path;

use common::{run, write};

fn manifest_warnings(out: &Path) -> Vec<serde_json::Value> {
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    m["warnings"].as_array().unwrap().clone()
}

fn run_scenario(dir: &Path, name: &str, text: &str, extra: &[&str]) -> (String, std::path::PathBuf) {
    let sc = write(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    let mut args = vec!["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "300"];
    args.extend(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    (err, out)
}

const RUNNER_PLAN: &str = "[plan]\nkey_workouts = 3\nkey_load = 110.0\neasy_load = 60.0\nrest_days = 1\nlong_run = { weekday = \"sun\", load = 150.0 }\n\
    taper = { days = 10, factor = 0.5 }\n[[plan.phase]]\nname = \"build\"\nweeks = 14\nrecovery = { every = 4, factor = 0.7 }\n[[plan.phase]]\nname = \"race\"\nweeks = 2\nrecovery = \"none\"\n";

#[test]
fn perpot_at_a_runners_load_leaves_its_range_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("schema_version = 1\n[model]\npreset = \"perpot-perl\"\n{RUNNER_PLAN}[[variant]]\nname = \"spread\"\n[[variant]]\nname = \"clustered\"\nplan.spacing = \"clustered\"\n");
    let (err, out) = run_scenario(dir.path(), "perpot", &text, &["--report", "--per-athlete"]);
    let line = err.lines().find(|l| l.starts_with("warning: ") && l.ends_with("(out_of_range)")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("0-1 scale") && line.contains("from day "), "{line}");
    let w = manifest_warnings(&out);
    let ranged: Vec<_> = w.iter().filter(|x| x["kind"] == "out_of_range").collect();
    assert_eq!(ranged.len(), 2, "{w:?}");
    // The share it states is the share of athletes whose lowest performance (race day at most)
    // falls outside [0, 1]: at least those whose race-day potential does.
    let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    let outside_on_race_day = r.records().map(|x| x.unwrap()).filter(|x| &x[0] == "spread").filter(|x| !(0.0..=1.0).contains(&x[2].parse::<f64>().unwrap())).count();
    assert!(outside_on_race_day > 0);
    // "... for N of 300 athletes (P%) ..."
    let stated: usize = ranged[0]["message"].as_str().unwrap().split(" for ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(stated >= outside_on_race_day && stated <= 300, "{stated} vs {outside_on_race_day}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("data-kind=\"out_of_range\""));
}

#[test]
fn a_plan_far_from_the_presets_calibration_load_is_flagged_and_a_near_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    // busso2003 was calibrated at about 52 a day (44 sessions of 100 in 12 weeks).
    // A plan of about 150 a day: nearly three times that.
    let heavy = format!("schema_version = 1\n[model]\npreset = \"busso2003\"\n{}", RUNNER_PLAN.replace("key_load = 110.0", "key_load = 200.0").replace("easy_load = 60.0", "easy_load = 100.0").replace("load = 150.0", "load = 250.0"));
    let (err, out) = run_scenario(dir.path(), "heavy", &heavy, &[]);
    let w = manifest_warnings(&out);
    let cal: Vec<_> = w.iter().filter(|x| x["kind"] == "beyond_calibration").collect();
    assert_eq!(cal.len(), 1, "{w:?}\n{err}");
    let msg = cal[0]["message"].as_str().unwrap();
    assert!(msg.contains("52.4 a day preset busso2003 was calibrated at"), "{msg}");
    // Busso's own protocol: no such warning.
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let own = std::fs::read_to_string(root.join("scenarios/calibration-busso2003.toml")).unwrap();
    let (_, out) = run_scenario(dir.path(), "own", &own, &[]);
    assert!(manifest_warnings(&out).iter().all(|x| x["kind"] != "beyond_calibration"));
}

#[test]
fn a_taper_too_long_for_the_model_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    // Busso's fatigue clears within days here: a five-week taper at 10% loses the fitness
    // long before race day.
    let text = "schema_version = 1\n[model]\npreset = \"busso2003\"\n[plan]\nkey_workouts = 3\nkey_load = 100.0\nrest_days = 1\ntaper = { days = 35, factor = 0.1 }\n\
        [[plan.phase]]\nname = \"build\"\nweeks = 12\n";
    let (err, out) = run_scenario(dir.path(), "taper", text, &[]);
    let w = manifest_warnings(&out);
    let early: Vec<_> = w.iter().filter(|x| x["kind"] == "peak_before_race").collect();
    assert_eq!(early.len(), 1, "{w:?}\n{err}");
    // The statement matches summary.csv: the mean peak day is more than 2 days before race day.
    let rows = common::summary(&out);
    let (peak_day, race_day) = (common::cell(&rows[0], "peak_day_mean"), common::cell(&rows[0], "plan_days"));
    assert!(race_day - peak_day > 2.0);
    assert!(common::cell(&rows[0], "perf_peak_mean") > common::cell(&rows[0], "perf_final_mean") * 1.005);
    assert!(err.contains("the taper is too long for this model"));
}

#[test]
fn a_comparison_at_unequal_load_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let path = root.join("scenarios/overreach-length.toml");
    let out = dir.path().join("o");
    let (code, _, err) = run(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
    assert_eq!(code, 0, "{err}");
    let w = manifest_warnings(&out);
    let unequal: Vec<_> = w.iter().filter(|x| x["kind"] == "unequal_load").collect();
    assert!(!unequal.is_empty(), "{w:?}");
    // Each flagged row's total differs from its reference's by more than 2% (summary.csv).
    let rows = common::summary(&out);
    for u in unequal {
        let r = &rows[u["row"].as_u64().unwrap() as usize];
        let reference = rows.iter().find(|x| x["label"] == r["reference"]).unwrap();
        let (a, b) = (common::cell(r, "load_total_mean"), common::cell(reference, "load_total_mean"));
        assert!(((a - b) / b).abs() > 0.02, "{a} vs {b}");
    }
    // The same comparison at equal load: no warning.
    let text = std::fs::read_to_string(&path).unwrap();
    let equal = text.replace("[plan]\n", "[plan]\ntarget_total_load = \"reference\"\n");
    assert_ne!(equal, text, "the scenario has a [plan] table");
    let sc = write(dir.path(), "eq.toml", &equal);
    let out = dir.path().join("eq");
    let (code, _, err) = run(&["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "100"]);
    assert_eq!(code, 0, "{err}");
    assert!(manifest_warnings(&out).iter().all(|x| x["kind"] != "unequal_load"), "{err}");
}
