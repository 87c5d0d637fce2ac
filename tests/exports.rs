//! Real exports in: each platform's fixture (tests/data/exports/, headers, row order and quirks as
//! the platform writes them) loads unchanged through `simulate` and `[athlete] start`, against the
//! athlete's days typed out here; zones split the load in proportion to time; a history meets
//! the plan's start date or the error names both dates.

mod common;

use std::path::{Path, PathBuf};

use common::{close, run, write};

/// The athlete's days in every fixture: (date, summed load, [(load, easy minutes, all minutes)]
/// per activity with zone times: the share the zones give).
const DAYS: [(&str, f64); 21] = [
    ("2026-11-30", 45.0), ("2026-12-01", 85.0), ("2026-12-02", 35.0), ("2026-12-03", 0.0), ("2026-12-04", 70.0),
    ("2026-12-05", 0.0), ("2026-12-06", 120.0), ("2026-12-07", 0.0), ("2026-12-08", 90.0), ("2026-12-09", 42.0),
    ("2026-12-10", 0.0), ("2026-12-11", 75.0), ("2026-12-12", 0.0), ("2026-12-13", 130.0), ("2026-12-14", 0.0),
    ("2026-12-15", 95.0), ("2026-12-16", 0.0), ("2026-12-17", 40.0), ("2026-12-18", 0.0), ("2026-12-19", 0.0),
    ("2026-12-20", 110.0),
];

/// Each day's easy load from its activities' zone minutes (zones 1-2 over all; the tempo ride by
/// its power zones; the commute has no zone times and counts as hard).
fn easy_loads() -> Vec<f64> {
    let share = |z: [f64; 5]| (z[0] + z[1]) / z.iter().sum::<f64>();
    let acts: [(&str, f64, [f64; 5]); 12] = [
        ("2026-11-30", 45.0, [10.0, 30.0, 5.0, 0.0, 0.0]),
        ("2026-12-01", 85.0, [15.0, 20.0, 10.0, 15.0, 5.0]),
        ("2026-12-02", 35.0, [20.0, 20.0, 0.0, 0.0, 0.0]),
        ("2026-12-04", 70.0, [5.0, 15.0, 35.0, 5.0, 0.0]),
        ("2026-12-06", 120.0, [30.0, 90.0, 10.0, 0.0, 0.0]),
        ("2026-12-08", 90.0, [15.0, 20.0, 5.0, 20.0, 5.0]),
        ("2026-12-09", 30.0, [15.0, 25.0, 0.0, 0.0, 0.0]),
        ("2026-12-11", 75.0, [10.0, 20.0, 35.0, 0.0, 0.0]),
        ("2026-12-13", 130.0, [25.0, 80.0, 20.0, 5.0, 0.0]),
        ("2026-12-15", 95.0, [15.0, 15.0, 5.0, 20.0, 10.0]),
        ("2026-12-17", 40.0, [20.0, 25.0, 0.0, 0.0, 0.0]),
        ("2026-12-20", 110.0, [30.0, 75.0, 5.0, 0.0, 0.0]),
    ];
    DAYS.iter().map(|(d, _)| acts.iter().filter(|a| a.0 == *d).map(|a| a.1 * share(a.2)).sum()).collect()
}

/// The athlete's days as periodize's own `date,load` file.
fn plain_days() -> String {
    let mut plain = String::from("date,load\n");
    for (d, w) in DAYS {
        plain.push_str(&format!("{d},{w}\n"));
    }
    plain
}

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("tests/data/exports").join(name)
}

const FIXTURES: [(&str, &str); 4] = [
    ("intervals-activities.csv", "intervals"),
    ("trainingpeaks-workouts.csv", "trainingpeaks"),
    ("goldencheetah-metrics.csv", "goldencheetah"),
    ("strava-activities.csv", "strava"),
];

const P: [&str; 10] = ["--param", "p0=100", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7"];

fn simulate(loads: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["simulate", "--model", "banister", "--loads", loads.to_str().unwrap()];
    args.extend(P);
    args.extend(extra);
    run(&args)
}

#[test]
fn every_export_loads_unchanged_as_the_athletes_days() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "plain.csv", &plain_days());
    let (code, want, err) = simulate(&plain, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(want.lines().nth(1).unwrap().starts_with("0,45,") && want.lines().nth(1).unwrap().ends_with(",2026-11-30"), "{want}");
    for (file, format) in FIXTURES {
        for f in ["auto", format] {
            let (code, got, err) = simulate(&fixture(file), &["--format", f]);
            assert_eq!(code, 0, "{file} --format {f}: {err}");
            assert_eq!(got, want, "{file} --format {f}");
            // The strength session's empty load is read as 0 and said once.
            assert_eq!(err.matches("empty `").count(), 1, "{file}: {err}");
        }
    }
    // TrainingPeaks: the rest day and the strength session have an empty TSS (2 rows), the two
    // planned workouts after the last completed day are skipped, not rest days.
    let (_, _, err) = simulate(&fixture("trainingpeaks-workouts.csv"), &[]);
    assert!(err.contains("2 rows have an empty `TSS`; read as 0"), "{err}");
    assert!(err.contains("2 planned workouts"), "{err}");
    // Strava repeats `Relative Effort`; the first copy is read (the second is on another scale).
    let (_, _, err) = simulate(&fixture("intervals-activities.csv"), &[]);
    assert!(err.contains("2 rows shared a day"), "{err}");
}

#[test]
fn zones_split_each_days_load_in_proportion_to_time_in_zones() {
    let dir = tempfile::tempdir().unwrap();
    let easy = easy_loads();
    let mut plain = String::from("date,hard,easy\n");
    for ((d, w), e) in DAYS.iter().zip(&easy) {
        plain.push_str(&format!("{d},{},{e}\n", w - e));
    }
    let plain = write(dir.path(), "split.csv", &plain);
    let two = |loads: &Path, extra: &[&str]| {
        let mut args = vec!["simulate", "--model", "two-channel", "--loads", loads.to_str().unwrap()];
        args.extend(["--param", "p0=100", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7", "--param", "k1_easy=0.08", "--param", "k2_easy=0.05"]);
        args.extend(extra);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        (out, err)
    };
    let (want, _) = two(&plain, &["--load-columns", "hard=hard,easy=easy"]);
    let rows = |t: &str| -> Vec<Vec<f64>> { t.lines().skip(1).map(|l| l.split(',').filter(|x| !x.contains('-')).map(|x| x.parse().unwrap()).collect()).collect() };
    for file in ["intervals-activities.csv", "trainingpeaks-workouts.csv"] {
        let (got, err) = two(&fixture(file), &["--channels", "zones"]);
        assert!(err.contains("1 row with load has no time in zones"), "{file}: {err}");
        let (g, w) = (rows(&got), rows(&want));
        assert_eq!(g.len(), w.len());
        for (a, b) in g.iter().zip(&w) {
            for (x, y) in a.iter().zip(b) {
                assert!(close(*x, *y, 1e-12), "{file}: {a:?} vs {b:?}");
            }
        }
    }
    // Without zones the same export is one channel: two-channel sees all of it as hard.
    let (all_hard, _) = two(&fixture("intervals-activities.csv"), &[]);
    assert_ne!(rows(&all_hard), rows(&want));
    // An export without zone columns is refused with the formats that have them.
    let (code, _, err) = simulate(&fixture("strava-activities.csv"), &["--channels", "zones"]);
    assert_eq!(code, 2);
    assert!(err.contains("Strava format, which has no time-in-zone columns"), "{err}");
}

fn scenario(dir: &Path, history: &str, start: &str) -> PathBuf {
    let text = format!(
        "schema_version = 1\nname = \"history\"\n[run]\nathletes = 40\nseed = 3\n[model]\nkind = \"banister\"\np0 = 100\nk1 = {{ dist = \"lognormal\", median = 0.1, sigma = 0.2 }}\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n[athlete]\nstart = {{ history = \"{history}\"{start} }}\n[plan]\nstart_date = 2026-12-21\nweeks = 4\nkey_workouts = 3\nkey_load = 100\neasy_load = 30\n"
    );
    write(dir, "s.toml", &text)
}

#[test]
fn a_history_export_starts_the_athletes_on_the_day_before_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "plain.csv", &plain_days());
    let out = |name: &str| d.join(name).to_str().unwrap().to_string();
    let (code, _, err) = run(&["run", scenario(d, "plain.csv", "").to_str().unwrap(), "--out", &out("plain")]);
    assert_eq!(code, 0, "{err}");
    let want = std::fs::read_to_string(d.join("plain/summary.csv")).unwrap();
    for (file, format) in FIXTURES {
        std::fs::copy(fixture(file), d.join(file)).unwrap();
        let s = scenario(d, file, &format!(", format = \"{format}\""));
        let (code, _, err) = run(&["run", s.to_str().unwrap(), "--out", &out(format)]);
        assert_eq!(code, 0, "{file}: {err}");
        assert_eq!(std::fs::read_to_string(d.join(format).join("summary.csv")).unwrap(), want, "{file}");
        let manifest = std::fs::read_to_string(d.join(format).join("manifest.json")).unwrap();
        assert!(manifest.contains(&format!("history {file}, 21 days to 2026-12-20, fitness ")), "{manifest}");
    }
    // PMC fitness on the start day, by its own recursion over the 21 days (42-day constant).
    let mut ctl = 0.0;
    for (_, w) in DAYS {
        ctl += (w - ctl) * (1.0 - (-1.0f64 / 42.0).exp());
    }
    let manifest = std::fs::read_to_string(d.join("plain/manifest.json")).unwrap();
    assert!(manifest.contains(&format!("fitness {ctl:.1} on the start day")), "{ctl:.1}: {manifest}");
    // Race day's chart in summary.csv: the same recursion continued over plan.csv's loads.
    let (code, plan, err) = run(&["plan", d.join("s.toml").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(plan.as_bytes());
    let load = r.headers().unwrap().iter().position(|h| h == "load").unwrap();
    let plan: Vec<f64> = r.records().map(|x| x.unwrap()[load].parse().unwrap()).collect();
    let (mut fit, mut fat) = (0.0, 0.0);
    let mut fitness = Vec::new();
    for w in DAYS.iter().map(|x| x.1).chain(plan.iter().copied()) {
        fit += (w - fit) * (1.0 - (-1.0f64 / 42.0).exp());
        fat += (w - fat) * (1.0 - (-1.0f64 / 7.0).exp());
        fitness.push(fit);
    }
    let ramp = (DAYS.len()..fitness.len()).map(|t| fitness[t] - fitness[t - 7]).fold(f64::NEG_INFINITY, f64::max);
    // The forward chart: history and plan on one dated axis, and the report opens with it (s.toml
    // now starts from the last fixture of the loop above, the same days).
    let (code, _, err) = run(&["run", d.join("s.toml").to_str().unwrap(), "--out", &out("charts"), "--plots", "--report"]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(d.join("charts/pmc.svg")).unwrap();
    for text in ["today: the plan starts", "race day", "2026-12-21", &format!("fitness {ctl:.1} on the start day"), &format!("race-day fitness {fit:.0}")] {
        assert!(svg.contains(text), "{text}");
    }
    let report = std::fs::read_to_string(d.join("charts/report.html")).unwrap();
    let first = report.find("<h2>").map(|i| &report[i..i + 60]).unwrap_or("");
    assert!(first.starts_with("<h2>Fitness, fatigue and form"), "{first}");
    assert!(report.contains("Where the athletes start: history strava-activities.csv, 21 days to 2026-12-20"), "the report states the start");
    let row = &common::summary(&d.join("plain"))[0];
    for (col, want) in [("fitness_race_mean", fit), ("fatigue_race_mean", fat), ("form_race_mean", fit - fat), ("ramp_max_mean", ramp)] {
        assert!(close(common::cell(row, col), want, 1e-9), "{col}: {} vs {want}", row[col]);
    }
}

#[test]
fn a_history_that_misses_or_overlaps_the_plan_names_both_dates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("intervals-activities.csv"), d.join("a.csv")).unwrap();
    let s = scenario(d, "a.csv", "");
    let text = std::fs::read_to_string(&s).unwrap();
    // Two weeks late: a gap of 14 days, refused unless filled with rest.
    std::fs::write(&s, text.replace("2026-12-21", "2027-01-04")).unwrap();
    let (code, _, err) = run(&["validate", s.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ends on 2026-12-20, but the plan starts on 2027-01-04") && err.contains("14 days are missing"), "{err}");
    // With gap = "rest" it runs as the history followed by 14 rest days.
    let gap = write(d, "gap.toml", &std::fs::read_to_string(&s).unwrap().replace("history = \"a.csv\"", "history = \"a.csv\", gap = \"rest\""));
    let (code, _, err) = run(&["run", gap.to_str().unwrap(), "--out", d.join("gap").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let plain = plain_days() + "2027-01-03,0\n";
    write(d, "padded.csv", &plain);
    let padded = write(d, "padded.toml", &std::fs::read_to_string(&s).unwrap().replace("a.csv", "padded.csv"));
    let (code, _, err) = run(&["run", padded.to_str().unwrap(), "--out", d.join("padded").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(d.join("gap/summary.csv")).unwrap(), std::fs::read_to_string(d.join("padded/summary.csv")).unwrap());
    // A week early: the history overlaps the plan.
    std::fs::write(&s, text.replace("2026-12-21", "2026-12-14")).unwrap();
    let (code, _, err) = run(&["validate", s.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ends on 2026-12-20, but the plan starts on 2026-12-14") && err.contains("overlaps the plan by 7 days"), "{err}");
}

/// A dated plan of four weeks in TSS.
fn dated_plan(dir: &Path) -> PathBuf {
    write(dir, "plan.toml", "schema_version = 1\nname = \"block\"\n[run]\nload_unit = \"TSS\"\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n[plan]\nstart_date = 2026-12-21\nweeks = 4\nkey_workouts = 3\nkey_load = 90.04\neasy_load = 33.33\nlong_run = { load = 120, weekday = \"sun\" }\n")
}

/// plan.csv's sessions: (date, session, load) of every day with a session.
fn plan_sessions(s: &Path) -> Vec<(String, String, f64)> {
    let (code, out, err) = run(&["plan", s.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h = r.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (date, session, load) = (at("date"), at("session"), at("load"));
    r.records().map(|x| x.unwrap()).filter(|x| &x[session] != "rest").map(|x| (x[date].to_string(), x[session].to_string(), x[load].parse().unwrap())).collect()
}

#[test]
fn plans_out_read_back_through_the_platforms_formats() {
    let dir = tempfile::tempdir().unwrap();
    let s = dated_plan(dir.path());
    let want = plan_sessions(&s);
    assert!(want.len() > 12, "{want:?}");
    for format in ["intervals", "trainingpeaks"] {
        let out = dir.path().join(format!("{format}.csv"));
        let (code, _, err) = run(&["plan", s.to_str().unwrap(), "--format", format, "-o", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        // Loads a person reads are rounded to 0.1, titles say what and how much.
        assert!(text.contains("Key 90 TSS") && text.contains("Easy 33.3 TSS") && text.contains("Long 120 TSS"), "{text}");
        let (code, sim, err) = run(&["simulate", "--model", "pmc", "--loads", out.to_str().unwrap(), "--format", format]);
        assert_eq!(code, 0, "{err}");
        let days: Vec<(String, f64)> = sim.lines().skip(1).map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c.last().unwrap().to_string(), c[1].parse().unwrap())
        }).filter(|(_, w)| *w > 0.0).collect();
        assert_eq!(days.len(), want.len(), "{format}");
        for ((d, w), (date, _, load)) in days.iter().zip(&want) {
            assert_eq!(d, date);
            assert!((w - (load * 10.0).round() / 10.0).abs() < 1e-9, "{format} {date}: {w} vs {load}");
        }
    }
}

#[test]
fn the_ics_file_has_one_all_day_event_per_session_and_parses() {
    let dir = tempfile::tempdir().unwrap();
    let s = dated_plan(dir.path());
    let want = plan_sessions(&s);
    let ics = dir.path().join("plan.ics");
    let o = common::bin().args(["plan", s.to_str().unwrap(), "--ics", ics.to_str().unwrap()]).env("SOURCE_DATE_EPOCH", "1796212800").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "--ics without -o writes no plan CSV");
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded at 75 octets");
    assert!(text.contains("DTSTAMP:20261202T120000Z\r\n"), "SOURCE_DATE_EPOCH fixes DTSTAMP");
    // By hand: the events in order, each an all-day event on its date with its title.
    let events: Vec<&str> = text.split("BEGIN:VEVENT").skip(1).collect();
    assert_eq!(events.len(), want.len() + 1, "the sessions and race day");
    // Race day: the day after the four weeks from Monday 2026-12-21 (no race_weekday given).
    assert!(events[want.len()].contains("DTSTART;VALUE=DATE:20270118\r\n") && events[want.len()].contains("SUMMARY:Race\r\n"), "{}", events[want.len()]);
    for (e, (date, session, load)) in events.iter().zip(&want) {
        let ymd = date.replace('-', "");
        assert!(e.contains(&format!("DTSTART;VALUE=DATE:{ymd}\r\n")), "{e}");
        let title = format!("{}{} {} TSS", session[..1].to_uppercase(), &session[1..], crate_num((load * 10.0).round() / 10.0));
        assert!(e.contains(&format!("SUMMARY:{title}\r\n")), "{title}: {e}");
    }
    // A standard parser reads it back (Python's icalendar, which CI installs).
    let py = "import sys, icalendar\ncal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\nfor e in cal.walk('VEVENT'):\n    print(e.decoded('DTSTART').isoformat(), (e.decoded('DTEND') - e.decoded('DTSTART')).days, e.get('SUMMARY'), sep='|')\n";
    let o = std::process::Command::new("python3").args(["-c", py, ics.to_str().unwrap()]).output();
    match o {
        Ok(o) if o.status.success() => {
            let rows: Vec<String> = String::from_utf8(o.stdout).unwrap().lines().map(str::to_string).collect();
            assert_eq!(rows.len(), want.len() + 1);
            for (r, (date, _, _)) in rows.iter().zip(&want) {
                assert!(r.starts_with(&format!("{date}|1|")), "{r}");
            }
        }
        _ if std::env::var_os("PERIODIZE_REQUIRE_ICALENDAR").is_some() => panic!("python3 with icalendar is required here: {o:?}"),
        _ => eprintln!("SKIP: python3 with the icalendar package is not available; the ICS file was checked by hand only"),
    }
    // Several plans: the one to write must be named.
    let two = write(dir.path(), "two.toml", &format!("{}[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.key_load = 80\n", std::fs::read_to_string(&s).unwrap()));
    let (code, _, err) = run(&["plan", two.to_str().unwrap(), "--ics", dir.path().join("x.ics").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("2 plans (a, b); choose one with --variant NAME"), "{err}");
    assert!(!dir.path().join("x.ics").exists());
    let (code, _, err) = run(&["plan", two.to_str().unwrap(), "--ics", dir.path().join("x.ics").to_str().unwrap(), "--variant", "b"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(dir.path().join("x.ics")).unwrap().contains("SUMMARY:Key 80 TSS"));
}

/// A load as the files write it (shortest round trip: 90, 33.3).
fn crate_num(x: f64) -> String {
    format!("{x}")
}

#[test]
fn race_week_rules_warn_with_the_day_and_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = "schema_version = 1\nname = \"rules\"\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n[plan]\nstart_date = 2027-03-01\nweeks = 4\nrace_weekday = \"sun\"\nkey_workouts = 3\nkey_load = 100\neasy_load = 30\nlong_run = { weekday = \"sun\", load = 120 }\ntaper = { days = 7, factor = 0.6 }\n";
    let validate = |name: &str, text: &str| {
        let s = write(d, name, text);
        let (code, _, err) = run(&["validate", s.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        err
    };
    // Spread keys Tue, Thu, Sat and race on Sunday 2027-03-28 (day 27): Saturday's key is 1 day before.
    let err = validate("a.toml", base);
    assert!(err.contains("a key session on day 26 (sat 2027-03-27), 1 day before race day; the last key session should come at least 3 days before it"), "{err}");
    // The rule is the scenario's to set.
    assert!(!validate("b.toml", &format!("{base}race_week = {{ last_key = 1 }}\n")).contains("key session on"));
    // Back-to-back key sessions from a file plan, in weeks of two: said once, with the count.
    let mut file = String::from("day,load,session\n");
    for w in 0..4 {
        for (k, (load, s)) in [(0, "rest"), (100, "key"), (100, "key"), (30, "easy"), (30, "easy"), (30, "easy"), (120, "long")].iter().enumerate() {
            file.push_str(&format!("{},{load},{s}\n", 7 * w + k));
        }
    }
    write(d, "p.csv", &file);
    let err = validate("c.toml", "schema_version = 1\nname = \"file\"\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n[plan]\nloads = \"p.csv\"\n");
    assert!(err.contains("back-to-back hard days on day 1 (tue) and day 2 (wed) (and 3 more times)"), "{err}");
    // max_ramp against the chart computed here: from rested, the plan's largest 7-day rise.
    let (code, plan, _) = run(&["plan", d.join("a.toml").to_str().unwrap()]);
    assert_eq!(code, 0);
    let mut r = csv::Reader::from_reader(plan.as_bytes());
    let load = r.headers().unwrap().iter().position(|h| h == "load").unwrap();
    let (mut fit, mut seen) = (0.0, vec![0.0; 7]);
    let mut ramp = f64::NEG_INFINITY;
    for (t, rec) in r.records().enumerate() {
        let w: f64 = rec.unwrap()[load].parse().unwrap();
        fit += (w - fit) * (1.0 - (-1.0f64 / 42.0).exp());
        ramp = ramp.max(fit - seen[t % 7]);
        seen[t % 7] = fit;
    }
    let err = validate("e.toml", &format!("{base}max_ramp = 5\n"));
    assert!(err.contains(&format!("fitness (the coaches' chart, 42 days) rises by {ramp:.1} in the 7 days to day")) && err.contains("above plan.max_ramp = 5"), "{ramp}: {err}");
    assert!(!validate("f.toml", &format!("{base}max_ramp = {}\n", ramp + 0.1)).contains("max_ramp"));
}

/// Copy a folder's files into `to` (the garmin fixture, for scenarios that read it by a relative path).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn a_folder_of_garmin_fit_files_loads_as_the_athletes_days_on_local_dates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = write(d, "plain.csv", &plain_days());
    let (code, want, err) = simulate(&plain, &[]);
    assert_eq!(code, 0, "{err}");
    // One file per activity from a watch at UTC+9: the morning sessions start on the previous
    // day in UTC, so only the device's local time gives the days of DAYS.
    for f in [&[][..], &["--format", "fit"][..], &["--format", "auto"][..]] {
        let (code, got, err) = simulate(&fixture("garmin"), f);
        assert_eq!(code, 0, "{f:?}: {err}");
        assert_eq!(got, want, "{f:?}");
        assert!(err.contains("1 session has no training_stress_score; read as 0"), "{err}");
        assert!(err.contains("2 sessions shared a day"), "{err}");
        assert!(!err.contains("UTC"), "{err}");
    }
    // One file: the evening key session alone (local 2026-12-01 18:20, 85 TSS).
    let (code, got, err) = simulate(&fixture("garmin/2026-12-01-182000.fit"), &[]);
    assert_eq!(code, 0, "{err}");
    let row: Vec<&str> = got.lines().nth(1).unwrap().split(',').collect();
    assert_eq!((row[1], row[5], got.lines().count()), ("85", "2026-12-01", 2), "{got}");
    // Without the activity's local time the date is UTC's, and the note says so.
    let (code, got, err) = simulate(&fixture("garmin-no-local-time.fit"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(got.lines().nth(1).unwrap().starts_with("0,55.5,") && got.lines().nth(1).unwrap().ends_with(",2026-12-20"), "{got}");
    assert!(err.contains("1 of the FIT files has no local time") && err.contains("dated in UTC"), "{err}");
    // As a history: the folder is the athlete's days, so the run equals the plain file's.
    copy_dir(&fixture("garmin"), &d.join("garmin"));
    let out = |name: &str| d.join(name).to_str().unwrap().to_string();
    let (code, _, err) = run(&["run", scenario(d, "plain.csv", "").to_str().unwrap(), "--out", &out("plain")]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["run", scenario(d, "garmin", "").to_str().unwrap(), "--out", &out("garmin-run")]);
    assert_eq!(code, 0, "{err}");
    let summary = |n: &str| std::fs::read_to_string(d.join(n).join("summary.csv")).unwrap();
    assert_eq!(summary("garmin-run"), summary("plain"));
}

#[test]
fn fit_files_that_cannot_give_a_load_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let refused = |loads: &Path, extra: &[&str], what: &str| {
        let (code, out, err) = simulate(loads, extra);
        assert_eq!((code, out.as_str()), (2, ""), "{}: {err}", loads.display());
        assert!(err.contains(what), "{what}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    };
    // The strength session has no training stress score: a file of only that is no load.
    refused(&fixture("garmin/2026-12-01-193000.fit"), &[], "no session has a training_stress_score");
    // A damaged byte in the data: the file's CRC no longer holds.
    let mut bytes = std::fs::read(fixture("garmin/2026-12-01-182000.fit")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(d.join("bad.fit"), &bytes).unwrap();
    refused(&d.join("bad.fit"), &[], "damaged at byte 0: the CRC value of its");
    // Truncated: cut in the middle of a message.
    std::fs::write(d.join("short.fit"), &std::fs::read(fixture("garmin/2026-12-01-182000.fit")).unwrap()[..40]).unwrap();
    refused(&d.join("short.fit"), &[], "FIT: truncated: the header at byte 0 announces");
    // Two files chained in one (as some devices write) are both read; bytes after the last are refused.
    let (a, b) = (std::fs::read(fixture("garmin/2026-11-30-070512.fit")).unwrap(), std::fs::read(fixture("garmin/2026-12-01-182000.fit")).unwrap());
    std::fs::write(d.join("chained.fit"), [a.as_slice(), b.as_slice()].concat()).unwrap();
    let (code, got, err) = simulate(&d.join("chained.fit"), &[]);
    assert_eq!(code, 0, "{err}");
    let loads: Vec<&str> = got.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(loads, ["45", "85"], "{got}");
    std::fs::write(d.join("tail.fit"), [a.as_slice(), b"junk"].concat()).unwrap();
    refused(&d.join("tail.fit"), &[], &format!("damaged at byte {}: 4 bytes after the FIT data are not a FIT file", a.len()));
    // A CSV given as FIT, and FIT options that do not apply.
    refused(&fixture("strava-activities.csv"), &["--format", "fit"], "not a FIT file");
    refused(&fixture("garmin"), &["--channels", "zones"], "--channels zones does not apply");
    refused(&fixture("garmin"), &["--date-column", "when"], "does not apply");
    // A folder without FIT files.
    std::fs::create_dir(d.join("empty")).unwrap();
    refused(&d.join("empty"), &[], "without .fit files");
    // fit needs performance tests, which a FIT file does not hold.
    let (code, _, err) = run(&["fit", "--model", "banister", "--data", fixture("garmin/2026-12-01-182000.fit").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no performance tests"), "{err}");
}

#[test]
fn a_wrong_format_names_the_export_the_header_looks_like() {
    let (code, _, err) = simulate(&fixture("strava-activities.csv"), &["--format", "intervals"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("looks like a Strava export") && err.contains("--format strava"), "{err}");
}
