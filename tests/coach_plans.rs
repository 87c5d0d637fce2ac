//! Plans as coaches write them: race day on a weekday, "none" blocks, recovery counted across
//! phases, carried progression, dates, long runs, explicit weekly loads, equal-load comparisons,
//! CSV imports, `init`, `plan --weekly`, `validate --explain` and the warnings. Expected values
//! come from the documented rules, computed here by hand, not from the generator.

mod common;

use std::path::Path;

use periodize::plan::{Session, WeekKind, generate};
use periodize::scenario::{Scenario, parse_scenario};

const MODEL: &str = "[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n";

fn parse(text: &str) -> Result<Scenario, String> {
    parse_scenario(&format!("schema_version = 1\n{MODEL}{text}"), Path::new("c.toml")).map_err(|e| e.render())
}

fn scenario(text: &str) -> Scenario {
    parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn plan_of(plan: &str) -> periodize::plan::Plan {
    generate(scenario(&format!("[plan]\n{plan}\n")).rows()[0].plan())
}

fn week_totals(p: &periodize::plan::Plan) -> Vec<f64> {
    p.load.chunks(7).map(|w| w.iter().sum()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

use common::{run, write};

#[test]
fn race_weekday_ends_the_plan_the_day_before_and_the_taper_with_it() {
    for (wd, idx) in [("mon", 0), ("wed", 2), ("sun", 6)] {
        let p = plan_of(&format!("weeks = 3\nkey_workouts = 2\nkey_load = 100\neasy_load = 10\nrace_weekday = \"{wd}\"\ntaper = {{ days = 4, factor = 0.5 }}"));
        let race = 7 * 2 + idx;
        assert_eq!(p.days(), race, "{wd}");
        // The template week of 2 spread keys: Tue and Fri (1 + i 7/2), easy elsewhere.
        for d in 0..race {
            let full = if [1, 4].contains(&(d % 7)) { 100.0 } else { 10.0 };
            let want = if d + 4 >= race { full * 0.5 } else { full };
            assert!(close(p.load[d], want), "{wd} day {d}: {} vs {want}", p.load[d]);
            assert_eq!(p.kind[d] == WeekKind::Taper, d + 4 >= race);
        }
    }
    // Without it, race day stays the Monday after the last week.
    assert_eq!(plan_of("weeks = 3\nkey_workouts = 2\nkey_load = 100").days(), 21);
}

#[test]
fn none_switches_blocks_off_and_plan_counted_recovery_runs_across_phases() {
    let base = "key_workouts = 1\nkey_load = 70\nrecovery = { every = 3, factor = 0.5, count = \"plan\" }\noverreach = { weeks = 1, factor = 2.0 }\n";
    let p = plan_of(&format!("{base}[[plan.phase]]\nname = \"a\"\nweeks = 4\n[[plan.phase]]\nname = \"b\"\nweeks = 4\n[[plan.phase]]\nname = \"c\"\nweeks = 2\nrecovery = \"none\"\n"));
    // Plan weeks 3, 6 (1-based) are recovery weeks, 2 and 5 overreach; "c" (weeks 9, 10) has none.
    let want = [70.0, 140.0, 35.0, 70.0, 140.0, 35.0, 70.0, 140.0, 70.0, 70.0];
    assert_eq!(week_totals(&p), want);
    assert_eq!(p.kind[2 * 7], WeekKind::Recovery);
    assert_eq!(p.kind[7 * 7], WeekKind::Overreach, "week 8 precedes plan week 9, which would be a recovery week");
    // Counted per phase (the default), the same cycle restarts in phase b: its week 3 (plan week 7).
    let p = plan_of(&format!("{}[[plan.phase]]\nname = \"a\"\nweeks = 4\n[[plan.phase]]\nname = \"b\"\nweeks = 4\n", base.replace(", count = \"plan\"", "")));
    assert_eq!(week_totals(&p), [70.0, 140.0, 35.0, 70.0, 70.0, 140.0, 35.0, 70.0]);
    // overreach = "none" and taper = "none" at plan level.
    let p = plan_of("weeks = 4\nkey_workouts = 1\nkey_load = 70\nrecovery = { every = 2, factor = 0.5 }\noverreach = \"none\"\ntaper = \"none\"");
    assert_eq!(week_totals(&p), [70.0, 35.0, 70.0, 35.0]);
}

#[test]
fn carried_progression_continues_from_the_last_normal_week() {
    let p = plan_of(
        "key_workouts = 1\nkey_load = 100\nprogression = { rate = 0.1, carry = true }\nrecovery = { every = 3, factor = 0.5 }\n\
         [[plan.phase]]\nname = \"a\"\nweeks = 3\n[[plan.phase]]\nname = \"b\"\nweeks = 2\nrecovery = \"none\"\n",
    );
    // a: 1, 1.1, (1.21 x 0.5); last normal week 2 at 1.1, so b starts at 1.1 x 1.1 and grows.
    let want = [100.0, 110.0, 60.5, 121.0, 133.1];
    for (g, w) in week_totals(&p).iter().zip(want) {
        assert!(close(*g, w), "{:?}", week_totals(&p));
    }
    // Without carry, b restarts at 1.
    let p = plan_of("key_workouts = 1\nkey_load = 100\nprogression = 0.1\n[[plan.phase]]\nname = \"a\"\nweeks = 2\n[[plan.phase]]\nname = \"b\"\nweeks = 2\n");
    assert!(close(week_totals(&p)[2], 100.0));
}

#[test]
fn long_runs_sit_on_their_day_and_spread_keys_keep_away_from_them() {
    let p = plan_of("weeks = 2\nkey_workouts = 3\nkey_load = 100\neasy_load = 30\nrest_days = 1\nlong_run = { weekday = \"sun\", load = 150 }\nprogression = 0.5");
    for w in 0..2 {
        assert_eq!(p.session[7 * w + 6], Session::Long);
        assert!(close(p.load[7 * w + 6], 150.0 * 1.5f64.powi(w as i32)), "the long run scales with the week");
    }
    assert_eq!(p.session.iter().filter(|s| **s == Session::Long).count(), 2);
    // Brute force: no set of 3 key days (not Sunday) has a larger smallest gap between any two
    // sessions around the week, counting the long run.
    let gap = |days: &[usize]| {
        let mut d = days.to_vec();
        d.sort();
        (0..d.len()).map(|i| (d[(i + 1) % d.len()] + 7 - d[i]) % 7).map(|g| if g == 0 { 7 } else { g }).min().unwrap()
    };
    let keys: Vec<usize> = (0..7).filter(|&d| p.session[d] == Session::Key).collect();
    let best = (0u32..128).filter(|m| m.count_ones() == 3 && m & (1 << 6) == 0).map(|m| gap(&(0..7).filter(|d| m & (1 << d) != 0).chain([6]).collect::<Vec<_>>())).max().unwrap();
    assert_eq!(gap(&keys.iter().copied().chain([6]).collect::<Vec<_>>()), best, "{keys:?}");
    assert!(!keys.contains(&0), "not the day after the long run when another placement is as good: {keys:?}");
    // Clustered keys step over the long run's day.
    let p = plan_of("weeks = 1\nkey_workouts = 3\nspacing = \"clustered\"\nkey_load = 100\nlong_run = { weekday = \"wed\", load = 150 }");
    let kinds: Vec<&str> = p.session.iter().map(|s| s.name()).collect();
    assert_eq!(kinds, ["rest", "key", "long", "key", "key", "rest", "rest"]);
}

#[test]
fn weekly_loads_replace_the_week_scaling_and_keep_taper_and_total() {
    let p = plan_of("weeks = 3\nkey_workouts = 2\nkey_load = 100\neasy_load = 20\nweekly_loads = [300, 600, 150]\ntaper = { days = 2, factor = 0.5 }");
    // Template 2 x 100 + 5 x 20 = 300: week w is the template x weekly_loads[w] / 300.
    let t = week_totals(&p);
    assert!(close(t[0], 300.0) && close(t[1], 600.0));
    // Week 3's last two days (easy, 20 x 0.5 each before the taper) are halved.
    assert!(close(t[2], 150.0 - 0.5 * 2.0 * 10.0), "{t:?}");
    let p = plan_of("weeks = 2\nkey_workouts = 2\nkey_load = 100\neasy_load = 20\nweekly_loads = [300, 600]\ntarget_total_load = 450");
    assert!(close(p.total(), 450.0));
    assert!(close(week_totals(&p)[1], 300.0));
}

#[test]
fn equal_load_comparisons_take_the_references_total() {
    let sc = scenario(
        "[plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 150\neasy_load = 50\nrecovery = { every = 3, factor = 0.6 }\n\
         [[variant]]\nname = \"ttr\"\n[[variant]]\nname = \"rtt\"\nplan.spacing = \"clustered\"\nplan.easy_load = 0.0\nplan.recovery = \"none\"\nplan.target_total_load = \"reference\"\n\
         [sweep]\n\"plan.key_load\" = [120.0, 150.0]\n[compare]\nreference = \"ttr\"\n",
    );
    for (i, row) in sc.rows().iter().enumerate() {
        let total = generate(row.plan()).total();
        let reference = generate(sc.rows()[row.reference().unwrap_or(i)].plan()).total();
        assert!(close(total, reference), "row {i}: {total} vs {reference}");
    }
    // The reference rows themselves keep their own totals, which differ by key load.
    assert!(!close(generate(sc.rows()[0].plan()).total(), generate(sc.rows()[1].plan()).total()));
}

#[test]
fn dates_start_on_a_monday_and_race_date_sets_weeks_and_weekday() {
    let sc = scenario("[plan]\nstart_date = 2027-03-01\nrace_date = \"2027-06-20\"\nkey_workouts = 2\nkey_load = 100\n");
    let plan = &sc.rows()[0].plan();
    // 2027-03-01 to 2027-06-20 is 111 days: 16 weeks, race on a Sunday.
    assert_eq!(generate(plan).days(), 111);
    assert_eq!(plan.start_date(), periodize::daily::parse_date("2027-03-01"));
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "d.toml", &format!("schema_version = 1\n[run]\nathletes = 3\n{MODEL}[plan]\nstart_date = 2027-03-01\nweeks = 2\nkey_workouts = 2\nkey_load = 100\n"));
    let (code, out, _) = run(&["plan", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert_eq!(lines.next().unwrap(), "variant,day,week,weekday,session,load,phase,week_kind,channel,date");
    // Weeks count from 1 in every output a person reads; days stay 0-based.
    assert_eq!(lines.next().unwrap(), "d,0,1,mon,rest,0,main,normal,none,2027-03-01");
    assert!(out.lines().last().unwrap().ends_with(",2027-03-14"));
    let o = dir.path().join("o");
    assert_eq!(run(&["run", f.to_str().unwrap(), "--out", o.to_str().unwrap(), "--daily"]).0, 0);
    let daily = std::fs::read_to_string(o.join("daily.csv")).unwrap();
    assert!(daily.starts_with("variant,day,date,perf_mean"));
    assert!(daily.lines().last().unwrap().starts_with("d,14,2027-03-15,"), "race day's date");
}

#[test]
fn plan_weekly_and_explain_show_each_week() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "w.toml",
        &format!("schema_version = 1\n{MODEL}[plan]\nweeks = 4\nkey_workouts = 2\nkey_load = 100\neasy_load = 10\nrest_days = 1\nrecovery = {{ every = 2, factor = 0.5 }}\ntaper = {{ days = 3, factor = 0.5 }}\n"),
    );
    let (code, out, _) = run(&["plan", "--weekly", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    let rows: Vec<Vec<String>> = out.lines().map(|l| l.split(',').map(String::from).collect()).collect();
    assert_eq!(rows[0], ["variant", "week", "first_day", "last_day", "week_kind", "phase", "key", "long", "easy", "rest", "load"]);
    assert_eq!(rows[1], ["w", "1", "0", "6", "normal", "main", "2", "0", "4", "1", "240"]);
    assert_eq!(rows.last().unwrap()[1], "4", "the last of 4 weeks is week 4");
    assert_eq!(rows[2][4], "recovery");
    // Week 4 is a recovery week cut into by the taper: the taper wins the label.
    assert_eq!(rows[4][4], "taper");
    let (code, out, _) = run(&["validate", "--explain", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("recovery week (week 2 of the phase, every 2 weeks)"), "{out}");
    assert!(out.contains("taper: the last 3 days (days 25 to 27)"), "{out}");
    assert!(out.contains("race day: day 28 (mon)"), "{out}");
}

#[test]
fn warnings_go_to_stderr_and_keep_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, &str)> = vec![
        ("[plan]\nweeks = 8\nkey_workouts = 2\nkey_load = 100\nrecovery = { every = 4, factor = 0.6 }\ntaper = { days = 10, factor = 0.5 }\n", "overlaps recovery week 8"),
        ("[plan]\nweeks = 4\nkey_workouts = 2\nkey_load = 100\noverreach = { weeks = 1, factor = 130 }\nrecovery = { every = 2, factor = 0.6 }\n", "a factor of 1.3 would be 130%"),
        ("[plan]\nweeks = 4\nkey_workouts = 2\nkey_load = 100\nprogression = 0.9\n", "did you mean 0.009"),
        ("[plan]\nweeks = 4\nkey_workouts = 2\nkey_load = 100\ntaper = { days = 7, factor = 40 }\n", "plan.taper.factor = 40"),
        (
            "[plan]\nkey_workouts = 2\nkey_load = 100\n[[plan.phase]]\nname = \"base\"\nweeks = 2\nkey_workouts = 3\n[[variant]]\nname = \"four\"\nplan.key_workouts = 4\n",
            "variant[0].plan.key_workouts: phase base sets its own key_workouts",
        ),
        ("[plan]\nweeks = 3\nkey_workouts = 2\nkey_load = 100\nprogression = 0.2\n", "race week (week 3, load 288) is heavier than the week before (240)"),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let f = write(dir.path(), &format!("w{i}.toml"), &format!("schema_version = 1\n[run]\nathletes = 2\n{MODEL}{text}"));
        for cmd in ["validate", "plan"] {
            let (code, _, err) = run(&[cmd, f.to_str().unwrap()]);
            assert_eq!(code, 0, "case {i} {cmd}: {err}");
            assert!(err.contains("warning: ") && err.contains(words), "case {i} {cmd}: {err}");
            assert!(err.contains(&format!("w{i}.toml:")), "case {i}: the warning names the file and line: {err}");
        }
        let o = dir.path().join(format!("o{i}"));
        let (code, _, err) = run(&["run", f.to_str().unwrap(), "--out", o.to_str().unwrap()]);
        assert!(code == 0 && err.contains(words), "case {i} run: {err}");
    }
}

#[test]
fn bad_coach_keys_point_at_the_value() {
    let cases: Vec<(&str, &str)> = vec![
        ("[plan]\nstart_date = 2027-03-02\nweeks = 2\nkey_workouts = 1\nkey_load = 1\n", "plan.start_date = 2027-03-02: is a tue; day 0 is a Monday"),
        ("[plan]\nstart_date = 2027-03-01\nrace_date = 2027-02-01\nkey_workouts = 1\nkey_load = 1\n", "must be after plan.start_date"),
        ("[plan]\nrace_date = 2027-06-20\nkey_workouts = 1\nkey_load = 1\n", "needs plan.start_date"),
        ("[plan]\nstart_date = 2027-03-01\nrace_date = 2027-06-20\nweeks = 3\nkey_workouts = 1\nkey_load = 1\n", "plan.weeks: plan.race_date sets the weeks"),
        ("[plan]\nstart_date = \"1st March\"\nweeks = 2\nkey_workouts = 1\nkey_load = 1\n", "expected a date YYYY-MM-DD"),
        ("[plan]\nweeks = 3\nkey_workouts = 1\nkey_load = 1\nweekly_loads = [1, 2]\n", "plan.weekly_loads: has 2 values but the plan has 3 weeks"),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nweekly_loads = [1, -2]\n", "plan.weekly_loads[1] = -2"),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nweekly_loads = [1, 2]\nprogression = 0.1\n", "plan.progression: cannot be combined with plan.weekly_loads"),
        ("[plan]\nweeks = 2\nspacing = [\"tue\", \"sun\"]\nkey_load = 1\nlong_run = { weekday = \"sun\", load = 2 }\n", "sun is the long run's day"),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nlong_run = { weekday = \"sunday\", load = 2 }\n", "plan.long_run.weekday = \"sunday\": expected a weekday"),
        ("[plan]\nweeks = 2\nkey_workouts = 6\nkey_load = 1\nrest_days = 1\nlong_run = { weekday = \"sun\", load = 2 }\n", "key_workouts + the long run + rest_days = 8"),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nrecovery = \"off\"\n", "plan.recovery = \"off\": expected a table { every, factor[, count] } or \"none\""),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nrecovery = { every = 2, factor = 0.5, count = \"season\" }\n", "plan.recovery.count = \"season\""),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nrace_weekday = \"funday\"\n", "plan.race_weekday = \"funday\": expected a weekday"),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\ntarget_total_load = \"same\"\n", "expected a total load (a number) or \"reference\""),
        ("[plan]\nweeks = 2\nkey_workouts = 1\nkey_load = 1\nprogression = { rate = 0.1, carry = \"yes\" }\n", "plan.progression.carry: expected true or false"),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let e = parse(text).expect_err(&format!("case {i} must fail"));
        assert!(e.contains(words), "case {i}: missing {words:?} in {e}");
        assert!(e.starts_with("c.toml:"), "case {i}: {e}");
    }
}

#[test]
fn csv_imports_sum_a_days_rows_and_read_other_load_columns_and_date_formats() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "tss.csv", "date,TSS\n01/03/2027,50\n01/03/2027,30\n03/03/2027,100\n");
    let out = dir.path().join("sim.csv");
    let (code, _, err) = run(&["simulate", "--model", "pmc", "--loads", f.to_str().unwrap(), "--load-column", "TSS", "--date-format", "%d/%m/%Y", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 row shared a day") && err.contains("summed"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let loads: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(loads, ["80", "0", "100"]);
    // Without --load-column the message says how to name it; a date that does not match fails.
    let (code, _, err) = run(&["simulate", "--model", "pmc", "--loads", f.to_str().unwrap(), "--date-format", "%d/%m/%Y"]);
    assert_eq!(code, 2);
    assert!(err.contains("tss.csv:1: load: missing column") && err.contains("--load-column"), "{err}");
    let (code, _, err) = run(&["simulate", "--model", "pmc", "--loads", f.to_str().unwrap(), "--load-column", "TSS", "--date-format", "%Y-%m-%d"]);
    assert_eq!(code, 2);
    assert!(err.contains("tss.csv:2: date: \"01/03/2027\": does not match the date format \"%Y-%m-%d\""), "{err}");
    let (code, _, err) = run(&["simulate", "--model", "pmc", "--loads", f.to_str().unwrap(), "--load-column", "Watts", "--date-format", "%d/%m/%Y"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected a `Watts` column"), "{err}");
    // A scenario's loads = "..." with load_column.
    write(dir.path(), "plan.csv", "day,TRIMP\n0,10\n0,5\n1,20\n2,0\n");
    let sc = write(dir.path(), "s.toml", &format!("schema_version = 1\n{MODEL}[plan]\nloads = \"plan.csv\"\nload_column = \"TRIMP\"\n"));
    let (code, out, err) = run(&["plan", sc.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let loads: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').nth(5).unwrap()).collect();
    assert_eq!(loads, ["15", "20", "0"]);
    assert!(err.contains("1 row shared a day"), "{err}");
}

#[test]
fn init_writes_a_template_that_runs_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mine.toml");
    let (code, _, err) = run(&["init", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "the template validates without warnings: {err}");
    let o = dir.path().join("o");
    let (code, _, err) = run(&["run", f.to_str().unwrap(), "--out", o.to_str().unwrap(), "--athletes", "50"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("recover-to-train vs train-to-recover"), "{err}");
    std::fs::write(&f, "mine").unwrap();
    let (code, _, err) = run(&["init", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "mine");
    // `-` prints the same template.
    let (code, out, _) = run(&["init", "-"]);
    assert_eq!(code, 0);
    assert_eq!(out, periodize::scenario::TEMPLATE);
}

/// The shipped 16-week marathon build: every week's total from the scenario's rules, computed
/// here, and race day on Sunday 2027-06-20.
#[test]
fn the_marathon_scenario_has_the_intended_weekly_loads_and_race_day() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/marathon-16-weeks.toml");
    let sc = periodize::scenario::load(&path).unwrap();
    assert!(sc.warnings().is_empty(), "{:?}", sc.warnings());
    let plan = generate(sc.rows()[0].plan());
    assert_eq!(plan.days(), 111);
    assert_eq!(sc.rows()[0].plan().start_date().map(|d| periodize::daily::format_date(d + 111)), Some("2027-06-20".into()));
    // Template: 3 keys, the long run 120, rest 1, 2 easy days at 45.
    let template = |key: f64| 3.0 * key + 120.0 + 2.0 * 45.0;
    // Progression 3% carried on: base weeks 0..6 at 1.03^i; base's last normal week is week 5
    // (1.03^4), so build week j is at 1.03^(5+j); build's last normal is week 9 (1.03^7), so
    // peak week j is at 1.03^(8+j). Recovery (x0.6) in plan weeks 4, 8, 12, overreach (x1.15) in
    // the two weeks before each; peak has neither.
    let mut want = Vec::new();
    for w in 0..16usize {
        let (key, prog) = match w {
            0..6 => (100.0, 1.03f64.powi(w as i32)),
            6..12 => (130.0, 1.03f64.powi(5 + w as i32 - 6)),
            _ => (150.0, 1.03f64.powi(8 + w as i32 - 12)),
        };
        let block = match w + 1 {
            4 | 8 | 12 => 0.6,
            2 | 3 | 6 | 7 | 10 | 11 => 1.15,
            _ => 1.0,
        };
        want.push(template(key) * prog * block);
    }
    let totals = week_totals(&plan);
    for w in 0..14 {
        assert!(close(totals[w], want[w]), "week {}: {} vs {}", w + 1, totals[w], want[w]);
    }
    // The taper: the last 13 days (98..=110) at 1 - 0.4 j / 13, j = 1..13. Race week has 6 days.
    let untapered_day = |d: usize| {
        let prog = 1.03f64.powi(8 + (d / 7) as i32 - 12);
        let s = match d % 7 {
            // Race week (days 105..111) has one key session, on Wednesday.
            2 if d >= 105 => 150.0,
            1 | 3 | 5 if d >= 105 => 45.0,
            1 | 3 | 5 => 150.0, // spread keys with the long run on Sunday: Tue, Thu, Sat
            6 => 120.0,
            0 => 0.0,
            _ => 45.0,
        };
        s * prog
    };
    for d in 98..111 {
        let j = d - 97;
        let want = untapered_day(d) * (1.0 - 0.4 * j as f64 / 13.0);
        assert!(close(plan.load[d], want), "day {d}: {} vs {want}", plan.load[d]);
    }
    // The flat variant has the same total.
    assert!(close(generate(sc.rows()[1].plan()).total(), plan.total()));
}
