//! A catalogue of bad scenarios, each with the exact message expected: file, line, column, the
//! field, and what was expected. Through the CLI: exit 2, nothing written.

mod common;

const BASE: &str = r#"schema_version = 1
name = "base"
[run]
seed = 7
athletes = 100
[model]
kind = "banister"
p0 = 100.0
k1 = 0.1
k2 = { dist = "lognormal", median = 0.2, sigma = 0.25 }
tau1 = { dist = "normal", mean = 42.0, sd = 5.0, min = 20.0, max = 70.0 }
tau2 = 7.0
[plan]
weeks = 12
key_workouts = 3
spacing = "spread"
key_load = 150.0
easy_load = 50.0
rest_days = 1
recovery = { every = 4, factor = 0.6 }
overreach = { weeks = 2, factor = 1.3 }
taper = { days = 10, factor = 0.5 }
[noise]
load_cv = 0.1
"#;

/// (replace this, with this, an exact error line expected after `error: `)
const CASES: &[(&str, &str, &str)] = &[
    ("key_workouts = 3", "key_workouts = 9", "s.toml:15:16: plan.key_workouts = 9: must be between 0 and 7"),
    ("key_workouts = 3", "key_workouts = -1", "s.toml:15:16: plan.key_workouts = -1: must be between 0 and 7"),
    ("key_workouts = 3", "key_workouts = \"three\"", "s.toml:15:16: plan.key_workouts = \"three\": expected an integer, found a string"),
    ("rest_days = 1", "rest_days = 5", "s.toml:19:13: plan.rest_days = 5: key_workouts + rest_days = 8 but a week has 7 days"),
    ("key_load = 150.0", "key_load = -150.0", "s.toml:17:12: plan.key_load = -150.0: must be between 0 and 1e9"),
    ("factor = 0.6", "factor = 0.0", "s.toml:20:34: plan.recovery.factor = 0.0: must be > 0"),
    ("overreach = { weeks = 2", "overreach = { weeks = 4", "s.toml:21:23: plan.overreach.weeks = 4: must be shorter than the recovery cycle (recovery.every = 4)"),
    ("spacing = \"spread\"", "spacing = [\"tue\", \"thursday\"]", "s.toml:16:19: plan.spacing: \"thursday\" is not a weekday; expected one of mon, tue, wed, thu, fri, sat, sun"),
    ("spacing = \"spread\"", "spacing = \"even\"", "s.toml:16:11: plan.spacing = \"even\": expected \"spread\", \"clustered\" or a list of weekdays such as [\"tue\", \"thu\", \"sat\"]"),
    ("spacing = \"spread\"", "spacing = [\"tue\", \"tue\", \"sat\"]", "s.toml:16:19: plan.spacing: \"tue\" is listed twice"),
    ("sd = 5.0", "sd = -5.0", "s.toml:11:45: model.tau1.sd = -5.0: must be >= 0"),
    ("min = 20.0, max = 70.0", "min = 70.0, max = 20.0", "s.toml:11:8: model.tau1: min = 70 must be less than max = 20"),
    ("min = 20.0, max = 70.0 }", "max = 70.0 }", "s.toml:11:8: model.tau1: draws can reach -inf, but a finite number > 0 is expected; set min"),
    ("dist = \"lognormal\"", "dist = \"gamma\"", "s.toml:10:15: model.k2.dist = \"gamma\": expected \"normal\", \"lognormal\" or \"uniform\""),
    ("median = 0.2", "median = 0.0", "s.toml:10:37: model.k2.median = 0.0: must be > 0"),
    ("tau2 = 7.0", "tau2 = 0.0", "s.toml:12:8: model.tau2 = 0.0: expected a finite number > 0"),
    ("kind = \"banister\"", "kind = \"elo\"", "s.toml:7:8: model.kind = \"elo\": expected one of banister, busso, pmc, perpot, fitness-delay, two-channel, busso-two-channel, adaptive-recovery"),
    ("k1 = 0.1", "k1 = 0.1\nk3 = 0.1", "s.toml:10:1: model.k3: unknown key (did you mean `k1`?); expected one of kind, convention, preset, correlation, require, sample_from, sample_from_sha256, load_scale, p0, k1, k2, tau1, tau2, g0, h0"),
    ("k1 = 0.1\n", "", "s.toml:6:2: model.k1: missing; banister needs k1 (a number or a distribution)"),
    ("kind = \"banister\"", "kind = \"banister\"\nconvention = \"tomorrow\"", "s.toml:8:14: model.convention = \"tomorrow\": expected \"lagged\" or \"same-day\""),
    ("schema_version = 1", "schema_version = 2", "s.toml:1:18: schema_version = 2: expected 1, the only version this periodize reads"),
    ("schema_version = 1\n", "", "s.toml:1:1: schema_version: missing; expected schema_version = 1"),
    ("weeks = 12", "wekes = 12", "s.toml:14:1: plan.wekes: unknown key (did you mean `weeks`?); expected one of weeks, key_workouts, spacing, key_load, easy_load, rest_days, recovery, overreach, progression, target_weekly_load, long_run, taper, loads, phase, target_total_load, weekly_loads, race_weekday, race_date, start_date, load_column, load_columns, channels, format, date_column, race_week, max_ramp"),
    ("load_cv = 0.1", "load_cv = 0.1\nmiss_rate = 1.5", "s.toml:25:13: noise.miss_rate = 1.5: must be >= 0 and < 1"),
    ("athletes = 100", "athletes = 0", "s.toml:5:12: run.athletes = 0: must be between 1 and 100000000"),
    ("taper = { days = 10", "taper = { days = 100", "s.toml:22:9: plan.taper.days = 100: longer than the plan (84 days)"),
    ("taper = { days = 10, factor = 0.5 }", "taper = { days = 10, factor = 0.5, shape = \"cosine\" }", "s.toml:22:44: plan.taper.shape = \"cosine\": expected \"step\", \"linear\" or \"exponential\""),
    ("[noise]", "[sweep]\n\"plan.keys\" = [2, 3]\n[noise]", "s.toml:24:1: plan.keys: unknown key; expected one of weeks, key_workouts, spacing, key_load, easy_load, rest_days, recovery, overreach, progression, target_weekly_load, long_run, taper, loads, phase, target_total_load, weekly_loads, race_weekday, race_date, start_date, load_column, load_columns, channels, format, date_column, race_week, max_ramp"),
    ("[noise]", "[sweep]\n\"run.seed\" = [1, 2]\n[noise]", "s.toml:24:1: sweep.\"run.seed\": run settings are the same for every row; set them in [run]"),
    ("[noise]", "[sweep]\n\"plan.key_workouts\" = []\n[noise]", "s.toml:24:23: sweep.\"plan.key_workouts\" = []: expected a non-empty array of values"),
    ("[noise]", "[sweep]\n\"plan.key_workouts\" = [2, 8]\n[noise]", "s.toml:24:27: plan.key_workouts = 8: must be between 0 and 7"),
    ("[noise]", "[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n[noise]", "s.toml:26:8: variant[1].name = \"a\": names must be unique"),
    ("[noise]", "[[variant]]\nname = \"x\"\nplan.rest_day = 2\n[noise]", "s.toml:25:6: plan.rest_day: unknown key (did you mean `rest_days`?); expected one of weeks, key_workouts, spacing, key_load, easy_load, rest_days, recovery, overreach, progression, target_weekly_load, long_run, taper, loads, phase, target_total_load, weekly_loads, race_weekday, race_date, start_date, load_column, load_columns, channels, format, date_column, race_week, max_ramp"),
    ("[noise]", "[[variant]]\nname = \"x\"\nrun.seed = 3\n[noise]", "s.toml:25:1: variant[0].run: unknown key; expected one of name, description, compare_with, model, athlete, plan, noise"),
    ("[plan]", "[plan\n", "s.toml:13:6: invalid TOML: unclosed table, expected `]`"),
    ("weeks = 12", "weeks = 12\nloads = \"nope.csv\"", "s.toml:14:1: plan.weeks: cannot be combined with plan.loads, which gives the whole daily plan"),
    ("easy_load = 50.0", "easy_load = 1e308", "s.toml:18:13: plan.easy_load = 1e308: must be between 0 and 1e9"),
];

#[test]
fn every_bad_scenario_gets_its_exact_message() {
    assert!(CASES.len() >= 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let mut wrong = Vec::new();
    for (from, to, want) in CASES {
        assert!(BASE.contains(from), "{from}");
        let text = BASE.replacen(from, to, 1);
        std::fs::write(&path, &text).unwrap();
        let out = dir.path().join("plan.csv");
        let o = common::bin().args(["plan", path.to_str().unwrap(), "-o", out.to_str().unwrap()]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{want}\n{err}");
        let got: Vec<String> = err
            .lines()
            .filter_map(|l| l.strip_prefix("error: "))
            .map(|l| l.replace(&format!("{}/", dir.path().display()), ""))
            .collect();
        if !got.iter().any(|g| g == want) {
            wrong.push(format!("want {want}\n got {got:?}"));
        }
        assert!(!out.exists(), "no output file after a bad scenario");
        // The source line is quoted beneath the message.
        assert!(err.lines().nth(2).is_some_and(|l| l.contains(" | ")), "{err}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = BASE.replace("key_workouts = 3", "key_workouts = 9").replace("tau2 = 7.0", "tau2 = -1.0").replace("load_cv = 0.1", "load_cv = -0.1");
    let e = periodize::scenario::parse_scenario(&text, std::path::Path::new("m.toml")).unwrap_err();
    let lines: Vec<String> = e.problems.iter().map(|p| format!("{}:{}: {}", p.line, p.column, p.message)).collect();
    assert_eq!(lines, [
        "12:8: model.tau2 = -1.0: expected a finite number > 0",
        "15:16: plan.key_workouts = 9: must be between 0 and 7",
        "24:11: noise.load_cv = -0.1: must be between 0 and 3",
    ]);
}
