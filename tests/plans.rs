//! Plan semantics against hand-computed plans and a brute-force spacing oracle.

mod common;

use periodize::plan::{Session, generate, key_days};
use periodize::scenario::{Scenario, Spacing, parse_scenario};
use std::path::Path;

fn scenario(plan: &str) -> Scenario {
    let text = format!("schema_version = 1\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n[plan]\n{plan}\n");
    parse_scenario(&text, Path::new("t.toml")).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn plan_of(plan: &str) -> periodize::plan::Plan {
    generate(scenario(plan).rows()[0].plan())
}

/// The smallest gap between consecutive keys, counted around the week.
fn min_circular_gap(days: &[usize]) -> usize {
    if days.len() < 2 {
        return 7;
    }
    (0..days.len()).map(|i| (days[(i + 1) % days.len()] + 7 - days[i]) % 7).map(|g| if g == 0 { 7 } else { g }).min().unwrap()
}

#[test]
fn spread_maximises_the_smallest_gap_across_the_week_boundary() {
    for k in 1..=7 {
        let days = key_days(k, &Spacing::Spread);
        assert_eq!(days.len(), k);
        // Brute force over every set of k weekdays: no placement has a larger smallest gap.
        let best = (0u32..128).filter(|m| m.count_ones() as usize == k)
            .map(|m| min_circular_gap(&(0..7).filter(|d| m & (1 << d) != 0).collect::<Vec<_>>()))
            .max().unwrap();
        assert_eq!(min_circular_gap(&days), best, "k = {k}: {days:?}");
    }
    // Three keys: no two on adjacent days, Sunday-Monday included, in every week of a plan.
    let p = plan_of("weeks = 3\nkey_workouts = 3\nspacing = \"spread\"\nkey_load = 100\neasy_load = 40\nrest_days = 1");
    let keys: Vec<usize> = (0..p.days()).filter(|&d| p.session[d] == Session::Key).collect();
    assert_eq!(keys.len(), 9);
    for w in keys.windows(2) {
        assert!(w[1] - w[0] >= 2, "{keys:?}");
    }
}

#[test]
fn clustered_keys_are_consecutive_and_explicit_days_are_honoured() {
    for k in 1..=6 {
        let d = key_days(k, &Spacing::Clustered);
        assert!(d.windows(2).all(|w| w[1] == w[0] + 1), "{d:?}");
    }
    let p = plan_of("weeks = 2\nspacing = [\"mon\", \"wed\", \"sat\"]\nkey_load = 100\neasy_load = 30");
    let week: Vec<&str> = p.session[..7].iter().map(|s| s.name()).collect();
    assert_eq!(week, ["key", "easy", "key", "easy", "easy", "key", "easy"]);
    assert_eq!(p.load[..7], [100.0, 30.0, 100.0, 30.0, 30.0, 100.0, 30.0]);
    assert_eq!(p.load[7..], p.load[..7]);
}

#[test]
fn recovery_and_overreach_weeks_scale_every_load_of_the_week() {
    let p = plan_of("weeks = 8\nkey_workouts = 2\nkey_load = 100\neasy_load = 50\nrest_days = 1\n\
                     recovery = { every = 4, factor = 0.5 }\noverreach = { weeks = 2, factor = 1.2 }");
    // Template: Mon rest, Tue key, Fri key (spread 2), others easy = 2*100 + 4*50 = 400.
    let week_total = |w: usize| p.load[w * 7..w * 7 + 7].iter().sum::<f64>();
    let expected = [400.0, 480.0, 480.0, 200.0, 400.0, 480.0, 480.0, 200.0];
    for (w, e) in expected.iter().enumerate() {
        assert!((week_total(w) - e).abs() < 1e-9, "week {w}: {}", week_total(w));
    }
    assert_eq!(p.load[7 * 3 + 1], 50.0); // the recovery week's Tuesday key at half load
    // No recovery table: no recovery or overreach weeks.
    let flat = plan_of("weeks = 4\nkey_workouts = 2\nkey_load = 100\neasy_load = 50\noverreach = { weeks = 1, factor = 2.0 }");
    assert!((0..4).all(|w| flat.load[w * 7..w * 7 + 7].iter().sum::<f64>() == flat.load[..7].iter().sum::<f64>()));
}

#[test]
fn taper_scales_the_last_days_by_step_linear_or_exponential_shape() {
    let base = "weeks = 2\nkey_workouts = 7\nkey_load = 100\n";
    let p = plan_of(&format!("{base}taper = {{ days = 4, factor = 0.5 }}"));
    assert_eq!(p.load, [vec![100.0; 10], vec![50.0; 4]].concat());
    let p = plan_of(&format!("{base}taper = {{ days = 4, factor = 0.2, shape = \"linear\" }}"));
    assert!(p.load[10..].iter().zip([80.0, 60.0, 40.0, 20.0]).all(|(a, b)| (a - b).abs() < 1e-9), "{:?}", &p.load[10..]);
    let p = plan_of(&format!("{base}taper = {{ days = 2, factor = 0.25, shape = \"exponential\" }}"));
    assert!((p.load[12] - 50.0).abs() < 1e-9 && (p.load[13] - 25.0).abs() < 1e-9);
}

#[test]
fn taper_overload_multiplies_the_days_right_before_the_taper() {
    // 3 weeks of 100 a day: days 0..21. Taper: the last 5 days (16..21) at 0.5; overload: the 6
    // days before it (10..16) at 1.2 (Thomas & Busso 2005), marked as overreach days.
    let base = "weeks = 3\nkey_workouts = 7\nkey_load = 100\n";
    let p = plan_of(&format!("{base}taper = {{ days = 5, factor = 0.5, overload = {{ days = 6, factor = 1.2 }} }}"));
    let want: Vec<f64> = (0..21).map(|d| if d >= 16 { 50.0 } else if d >= 10 { 120.0 } else { 100.0 }).collect();
    assert!(p.load.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-9), "{:?}", p.load);
    assert!((10..16).all(|d| p.kind[d] == periodize::plan::WeekKind::Overreach) && p.kind[9] != periodize::plan::WeekKind::Overreach);
    // "none" is no overload; an overload longer than the plan before the taper is cut at day 0.
    let none = plan_of(&format!("{base}taper = {{ days = 5, factor = 0.5, overload = \"none\" }}"));
    assert_eq!(none.load[..16], vec![100.0; 16][..]);
    let long = plan_of(&format!("{base}taper = {{ days = 5, factor = 0.5, overload = {{ days = 100, factor = 2.0 }} }}"));
    assert_eq!(long.load[..16], vec![200.0; 16][..]);
}

#[test]
fn targets_progression_and_phases() {
    let p = plan_of("weeks = 3\nkey_workouts = 3\nkey_load = 150\neasy_load = 50\nrest_days = 1\ntarget_weekly_load = 300");
    for w in 0..3 {
        assert!((p.load[w * 7..w * 7 + 7].iter().sum::<f64>() - 300.0).abs() < 1e-9);
    }
    let p = plan_of("weeks = 3\nkey_workouts = 2\nkey_load = 100\nprogression = 0.1");
    assert!((p.load[15] - 121.0).abs() < 1e-9); // week 2's Tuesday: 100 * 1.1^2
    let p = plan_of("weeks = 5\nkey_workouts = 2\nkey_load = 100\neasy_load = 20\nrecovery = { every = 2, factor = 0.5 }\ntarget_total_load = 1234");
    assert!((p.total() - 1234.0).abs() < 1e-9);
    let p = plan_of("key_load = 100\neasy_load = 10\n[[plan.phase]]\nname = \"base\"\nweeks = 1\nkey_workouts = 1\n\
                     [[plan.phase]]\nname = \"build\"\nweeks = 2\nkey_workouts = 3\nkey_load = 200");
    assert_eq!(p.days(), 21);
    assert_eq!(p.counts()[0], 1 + 6);
    assert_eq!(p.load[..7].iter().sum::<f64>(), 100.0 + 6.0 * 10.0);
    assert_eq!(p.load[7..14].iter().sum::<f64>(), 600.0 + 4.0 * 10.0);
}

#[test]
fn variants_and_sweeps_come_in_contract_order_with_readable_names() {
    let text = "schema_version = 1\nname = \"s\"\n[model]\nkind = \"banister\"\np0 = 1\nk1 = 1\nk2 = 1\ntau1 = 40\ntau2 = 7\n\
        [plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 100\nrecovery = { every = 4, factor = 0.5 }\noverreach = { weeks = 1, factor = 1.2 }\n\
        [[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.spacing = \"clustered\"\n\
        [sweep]\n\"plan.key_workouts\" = [2, 3]\n\"plan.overreach.weeks\" = [0, 1, 2]\n";
    let sc = parse_scenario(text, Path::new("s.toml")).unwrap();
    let labels: Vec<String> = sc.rows().iter().map(|r| r.label(sc.sweep_paths())).collect();
    assert_eq!(labels.len(), 12);
    assert_eq!(labels[0], "a plan.key_workouts=2 plan.overreach.weeks=0");
    assert_eq!(labels[1], "a plan.key_workouts=2 plan.overreach.weeks=1");
    assert_eq!(labels[3], "a plan.key_workouts=3 plan.overreach.weeks=0");
    assert_eq!(labels[6], "b plan.key_workouts=2 plan.overreach.weeks=0");
    let p = generate(sc.rows()[7].plan()); // b, 2 keys, 1 overreach week: clustered Tue+Wed, week 2 at 1.2
    assert_eq!(p.load[1..3], [100.0, 100.0]);
    assert_eq!(p.load[15], 120.0);
    let zip = text.replace("[sweep]\n", "[sweep]\nmode = \"zip\"\n").replace("[0, 1, 2]", "[0, 1]");
    let sc = parse_scenario(&zip, Path::new("s.toml")).unwrap();
    assert_eq!(sc.rows().len(), 4);
    assert_eq!(sc.rows()[1].label(sc.sweep_paths()), "a plan.key_workouts=3 plan.overreach.weeks=1");
}

#[test]
fn plan_command_writes_contract_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("s.toml");
    std::fs::write(&sc, "schema_version = 1\n[model]\nkind = \"pmc\"\n[plan]\nweeks = 1\nkey_workouts = 2\nkey_load = 80\neasy_load = 20\nrest_days = 1\n").unwrap();
    let o = common::bin().args(["plan", sc.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    // The contract's columns first, then phase and week_kind (round 2) and channel (round 3);
    // weeks count from 1 (round 3), days from 0. Keys are hard, easy runs easy, rest none.
    assert_eq!(text, "variant,day,week,weekday,session,load,phase,week_kind,channel\n\
        s,0,1,mon,rest,0,main,normal,none\ns,1,1,tue,key,80,main,normal,hard\ns,2,1,wed,easy,20,main,normal,easy\ns,3,1,thu,easy,20,main,normal,easy\n\
        s,4,1,fri,key,80,main,normal,hard\ns,5,1,sat,easy,20,main,normal,easy\ns,6,1,sun,easy,20,main,normal,easy\n");
}

#[test]
fn every_shipped_scenario_validates_and_plans() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        n += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Question:"), "{} must open with the question it answers", path.display());
        let sc = periodize::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        for row in sc.rows() {
            let p = generate(row.plan());
            assert!(p.days() > 0 && p.total() > 0.0 && p.load.iter().all(|w| w.is_finite() && *w >= 0.0));
        }
        let o = common::bin().args(["validate", path.to_str().unwrap()]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The head line, one line per row, one per distinct load mapping.
        assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), sc.rows().len() + 1 + sc.load_mappings().len());
    }
    assert!(n >= 10, "{n} scenarios");
}

#[test]
fn a_plan_read_from_csv_keeps_its_loads_and_sessions_and_rejects_a_longer_taper() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), "day,load,session\n0,0,rest\n1,120,key\n2,40,easy\n3,100,key\n").unwrap();
    let sc = dir.path().join("s.toml");
    let head = "schema_version = 1\n[model]\nkind = \"pmc\"\n[plan]\nloads = \"p.csv\"\n";
    std::fs::write(&sc, format!("{head}taper = {{ days = 2, factor = 0.5 }}\n")).unwrap();
    let s = periodize::scenario::load(&sc).unwrap();
    let p = generate(s.rows()[0].plan());
    assert_eq!(p.load, [0.0, 120.0, 20.0, 50.0]);
    assert_eq!(p.session, [Session::Rest, Session::Key, Session::Easy, Session::Key]);
    std::fs::write(&sc, format!("{head}taper = {{ days = 5, factor = 0.5 }}\n")).unwrap();
    let o = common::bin().args(["plan", sc.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("s.toml:6:9: plan.taper.days = 5: longer than the plan (4 days)"), "{err}");
}
