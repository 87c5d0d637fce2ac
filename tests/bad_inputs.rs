//! The bad-input catalogue: over every command, each case asserts the exit code, the key words of
//! the message, that it does not panic, and that nothing was created or changed in its folder.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

const MODEL: &str = "[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n";
const PLAN: &str = "[plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 100.0\neasy_load = 20.0\n";
const P: [&str; 10] = ["--param", "p0=100", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7"];

/// One case: input files, the arguments (`{d}` is the case's folder), the exit code, key words.
struct Case {
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    code: i32,
    words: Vec<&'static str>,
}

fn case(files: &[(&'static str, &str)], args: &[&str], code: i32, words: &[&'static str]) -> Case {
    Case { files: files.iter().map(|(n, t)| (*n, t.as_bytes().to_vec())).collect(), args: args.iter().map(|s| s.to_string()).collect(), code, words: words.to_vec() }
}

fn sim(files: &[(&'static str, &str)], extra: &[&str], code: i32, words: &[&'static str]) -> Case {
    let mut args = vec!["simulate", "--model", "banister", "--loads", "{d}/l.csv", "-o", "{d}/out.csv"];
    args.extend(extra);
    case(files, &args, code, words)
}

fn scen(text: &str) -> String {
    format!("schema_version = 1\n{text}")
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walk(dir) {
        let rel = e.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        m.insert(rel, if e.is_file() { std::fs::read(&e).unwrap() } else { Vec::new() });
    }
    m
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn every_bad_input_is_refused_cleanly() {
    let loads = "day,load\n0,100\n1,0\n2,50\n";
    let fitdata = "day,load,performance\n0,100,\n1,0,101\n2,50,\n3,0,102\n4,80,103\n5,0,\n6,60,104\n";
    let good = scen(&format!("{MODEL}{PLAN}"));
    let with_model = |m: &str, p: &str| scen(&format!("{m}{p}"));
    let mut cases: Vec<Case> = vec![
        // simulate
        sim(&[("l.csv", loads)], &[], 2, &["banister needs --param p0=VALUE"]),
        sim(&[("l.csv", loads)], &[&P[..], &["--param", "zz=1"]].concat(), 2, &["unknown parameter 'zz'"]),
        sim(&[("l.csv", loads)], &[&P[..], &["--param", "p0=1"]].concat(), 2, &["--param p0 is given twice"]),
        sim(&[("l.csv", loads)], &["--param", "p0=abc", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7"], 2, &["--param p0=abc"]),
        sim(&[("l.csv", loads)], &["--param", "p0=1e308", "--param", "k1=1e308", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7"], 2, &["overflow"]),
        sim(&[("l.csv", "day,load\n0,1e308\n")], &P, 2, &["l.csv:2", "1e308", "from 0 to 1e9"]),
        sim(&[("l.csv", "day,load\n0,-5\n")], &P, 2, &["l.csv:2", "\"-5\""]),
        sim(&[("l.csv", "day,load\nx,5\n")], &P, 2, &["l.csv:2", "expected an integer day"]),
        sim(&[("l.csv", "day,date,load\n0,2026-01-05,5\n")], &P, 2, &["both a `day` and a `date` column"]),
        sim(&[("l.csv", "day,load,load\n0,5,6\n")], &P, 2, &["`load` appears twice"]),
        sim(&[("l.csv", "day,load\n0,5\n9999999,5\n")], &P, 2, &["at most 36525 (100 years)"]),
        sim(&[("l.csv", "day,load\n-9223372036854775808,5\n9223372036854775807,5\n")], &P, 2, &["at most 36525"]),
        sim(&[("l.csv", "day,load\n")], &P, 2, &["no data rows"]),
        sim(&[("l.csv", "day,tss\n0,5\n")], &P, 2, &["expected a `load` column", "--load-column"]),
        sim(&[("l.csv", "date,load\n2026-13-01,5\n")], &P, 2, &["l.csv:2", "ISO 8601"]),
        sim(&[("l.csv", "date,load\n2026-01-05,5\n")], &[&P[..], &["--date-format", "%d/%m/%Y"]].concat(), 2, &["does not match the date format"]),
        sim(&[], &P, 2, &["l.csv: cannot read"]),
        Case { files: vec![("l.csv", b"day,load\n0,5\xff\n".to_vec())], args: ["simulate", "--model", "banister", "--loads", "{d}/l.csv", "-o", "{d}/o.csv"].iter().map(|s| s.to_string()).chain(P.iter().map(|s| s.to_string())).collect(), code: 2, words: vec!["not UTF-8", "l.csv:2:4"] },
        sim(&[("l.csv", loads)], &[&P[..], &["--convention", "sometimes"]].concat(), 2, &["invalid value 'sometimes'"]),
        case(&[("l.csv", loads)], &[&["simulate", "--model", "banister", "--loads", "{d}/l.csv", "-o", "{d}"][..], &P[..]].concat(), 1, &["is a folder"]),
        case(&[("l.csv", loads)], &[&["simulate", "--model", "banister", "--loads", "{d}/l.csv", "-o", "{d}/nodir/o.csv"][..], &P[..]].concat(), 1, &["cannot write"]),
        case(&[("l.csv", loads)], &["simulate", "--model", "fitness", "--loads", "{d}/l.csv"], 2, &["invalid value 'fitness'"]),
        // fit
        case(&[("f.csv", fitdata)], &["fit", "--model", "pmc", "--data", "{d}/f.csv", "-o", "{d}/o.csv"], 2, &["fit supports banister, busso, fitness-delay, two-channel, not pmc"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--grid", "1", "-o", "{d}/o.csv"], 2, &["--grid 1", "at least 2 points"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "busso", "--data", "{d}/f.csv", "--grid", "500", "-o", "{d}/o.csv"], 2, &["125000000 grid points", "--grid 62"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--bootstrap", "10000000", "-o", "{d}/o.csv"], 2, &["0..=100000"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--replicates-out", "{d}/r.csv"], 2, &["--replicates-out needs --bootstrap"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--tau3", "1:5"], 2, &["--tau3: banister has no tau3"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--tau1", "50:10"], 2, &["expected 0 < LO < HI"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--min-ratio=-1"], 2, &["--min-ratio -1"]),
        case(&[("f.csv", "day,load,performance\n0,100,\n1,0,1e308\n")], &["fit", "--model", "banister", "--data", "{d}/f.csv"], 2, &["f.csv:3", "performance", "1e308"]),
        case(&[("f.csv", "day,load,performance\n0,100,\n1,0,-3\n")], &["fit", "--model", "banister", "--data", "{d}/f.csv"], 2, &["f.csv:3", "\"-3\""]),
        case(&[("f.csv", "day,load,performance\n0,100,5\n0,10,6\n")], &["fit", "--model", "banister", "--data", "{d}/f.csv"], 2, &["second performance test"]),
        case(&[("f.csv", "day,load\n0,100\n")], &["fit", "--model", "banister", "--data", "{d}/f.csv"], 2, &["expected a `performance` column"]),
        case(&[("f.csv", fitdata)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "-o", "{d}/o.csv", "--scenario-out", "{d}/nodir/a.toml"], 2, &["does not exist; nothing was written"]),
        case(&[("f.csv", "day,load,performance\n0,0,100\n1,0,101\n2,0,102\n3,0,103\n4,0,104\n5,0,105\n")], &["fit", "--model", "banister", "--data", "{d}/f.csv"], 2, &["every load is 0"]),
        // validate / plan / run on bad scenarios
        case(&[("s.toml", "schema_version = 1\n[model\n")], &["validate", "{d}/s.toml"], 2, &["s.toml:2", "invalid TOML"]),
        case(&[("s.toml", &format!("{MODEL}{PLAN}"))], &["validate", "{d}/s.toml"], 2, &["schema_version: missing"]),
        case(&[("s.toml", &scen(&format!("colour = 1\n{MODEL}{PLAN}")))], &["validate", "{d}/s.toml"], 2, &["s.toml:2:1", "colour: unknown key"]),
        case(&[("s.toml", &with_model(MODEL, "[plan]\nweeks = 4\nkey_workouts = 9\nkey_load = 100\n"))], &["plan", "{d}/s.toml", "-o", "{d}/p.csv"], 2, &["key_workouts = 9: must be between 0 and 7"]),
        case(&[("s.toml", &with_model(&MODEL.replace("k2 = 0.2", "k2 = { dist = \"lognormal\", median = 0.2, sigma = 1000 }"), PLAN))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["model.k2.sigma = 1000", "from 0 to 3"]),
        case(&[("s.toml", &with_model(MODEL, "[plan]\nweeks = 1040\nkey_workouts = 3\nkey_load = 100\nprogression = 1.0\n"))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["the plan's load on day", "beyond 1e9"]),
        case(&[("s.toml", &with_model(MODEL, &format!("{PLAN}overreach = {{ weeks = 1, factor = 1e300 }}\nrecovery = {{ every = 3, factor = 0.5 }}\n")))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["beyond 1e9"]),
        case(&[("s.toml", &with_model(&MODEL.replace("k2 = 0.2", "k2 = 1e308"), "[plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 1e9\n"))], &["validate", "{d}/s.toml"], 2, &["s.toml:", "model.k2 = 1e308", "overflows", "performance reaches -inf on day 2", "typical k2"]),
        case(&[("s.toml", &with_model("[model]\npreset = \"busso2003\"\nk3 = 1e300\n", PLAN))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["model.k3 = 1e300", "overflows", "k2 reaches"]),
        case(&[("s.toml", &with_model("[model]\npreset = \"perpot-perl\"\nscale = 1e-300\n", PLAN))], &["validate", "{d}/s.toml"], 2, &["model.scale = 1e-300", "reaches"]),
        case(&[("s.toml", &with_model(&MODEL.replace("k2 = 0.2", "k2 = { dist = \"normal\", mean = 0.2, sd = 1e300, min = 0, max = 1e308 }"), PLAN))], &["run", "{d}/s.toml", "--out", "{d}/out", "--athletes", "50"], 2, &["row", "athlete 0's performance is", "beyond the limit of 1e15", "from day 1 of the plan"]),
        case(&[("s.toml", &with_model(&MODEL.replace("k2 = 0.2", "k2 = { dist = \"normal\", mean = 0.2, sd = 1e300, min = 0, max = 1e308 }"), "[plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 1e9\n"))], &["run", "{d}/s.toml", "--out", "{d}/out", "--athletes", "50"], 2, &["row", "athlete 0's performance is -inf from day", "of the plan"]),
        case(&[("s.toml", &with_model(MODEL, "[plan]\nweeks = 4\nkey_workouts = 0\nkey_load = 100\ntarget_total_load = 3000\n"))], &["validate", "{d}/s.toml"], 2, &["s.toml:", "plan.target_total_load = 3000", "no load to scale"]),
        case(&[("s.toml", &with_model(MODEL, "[plan]\nweeks = 4\nkey_workouts = 0\nkey_load = 100\ntarget_weekly_load = 300\n"))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["plan.target_weekly_load = 300", "no load to scale"]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[[variant]]\nname = \"\"\n")))], &["validate", "{d}/s.toml"], 2, &["variant[0].name = \"\"", "not empty"]),
        case(&[("s.toml", &with_model(MODEL, "[plan]\nweeks = 4\nkey_workouts = 3\nkey_load = 100\nspacing = [\"tue\", \"tue\", \"xyz\"]\n"))], &["validate", "{d}/s.toml"], 2, &["\"tue\" is listed twice", "\"xyz\" is not a weekday"]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[sweep]\n\"plan.key_load\" = [{}]\n\"plan.easy_load\" = [{}]\n", (0..400).map(|i| (100 + i).to_string()).collect::<Vec<_>>().join(","), (0..400).map(|i| i.to_string()).collect::<Vec<_>>().join(","))))], &["validate", "{d}/s.toml"], 2, &["400 x 400", "more than 100000 rows"]),
        case(&[("s.toml", &with_model("[model]\npreset = \"busso2004\"\n", PLAN))], &["validate", "{d}/s.toml"], 2, &["busso2004"]),
        case(&[("s.toml", &with_model(&format!("{MODEL}[[model.correlation]]\nparams = [\"k1\", \"k2\"]\nrho = 1.5\n"), PLAN))], &["validate", "{d}/s.toml"], 2, &["rho: expected a number strictly between -1 and 1"]),
        case(&[("s.toml", &with_model("[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = { dist = \"uniform\", min = 10, max = 20 }\ntau2 = 7\nrequire = [\"tau1 >= 5 * tau2\"]\n", PLAN))], &["validate", "{d}/s.toml"], 2, &["model.require", "tau1 >= 5 * tau2"]),
        case(&[("s.toml", &with_model(&format!("{MODEL}sample_from = \"missing.csv\"\n"), PLAN))], &["validate", "{d}/s.toml"], 2, &["sample_from = \"missing.csv\""]),
        case(&[("s.toml", &scen(&format!("{MODEL}[athlete]\nstart = {{ history = \"h.csv\" }}\n[plan]\nstart_date = 2026-01-12\nweeks = 4\nkey_workouts = 3\nkey_load = 100\n"))), ("h.csv", "date,load\n2026-01-01,5\n2026-01-04,5\n")], &["validate", "{d}/s.toml"], 2, &["ends on 2026-01-04", "starts on 2026-01-12", "7 days are missing", "gap = \"rest\""]),
        case(&[("s.toml", &scen(&format!("{MODEL}[athlete]\nstart = {{ history = \"h.csv\" }}\n[plan]\nstart_date = 2026-01-12\nweeks = 4\nkey_workouts = 3\nkey_load = 100\n"))), ("h.csv", "date,load\n2026-01-01,5\n2026-01-14,5\n")], &["validate", "{d}/s.toml"], 2, &["ends on 2026-01-14", "starts on 2026-01-12", "overlaps the plan by 3 days"]),
        case(&[("s.toml", &scen(&format!("{MODEL}[athlete]\nstart = {{ history = \"h.csv\", gap = \"none\" }}\n{PLAN}"))), ("h.csv", "day,load\n0,5\n")], &["validate", "{d}/s.toml"], 2, &["athlete.start.gap = \"none\"", "expected \"rest\""]),
        case(&[("s.toml", &scen(&format!("{MODEL}[athlete]\nstart = {{ history = \"h.csv\", format = \"garmin\" }}\n{PLAN}"))), ("h.csv", "day,load\n0,5\n")], &["validate", "{d}/s.toml"], 2, &["athlete.start.format = \"garmin\"", "\"intervals\", \"trainingpeaks\""]),
        sim(&[("l.csv", "day,load\n0,5\n")], &[&P[..], &["--channels", "zones"]].concat(), 2, &["l.csv:1", "no time-in-zone columns"]),
        sim(&[("l.csv", "WorkoutDay,TSS\n2026-01-05,5\n")], &[&P[..], &["--channels", "zones"]].concat(), 2, &["l.csv:1", "no time-in-zone columns", "PWRZone1Minutes"]),
        case(&[("s.toml", &with_model(MODEL, "[plan]\nweeks = 2000\nkey_workouts = 3\nkey_load = 100\n"))], &["validate", "{d}/s.toml"], 2, &["plan.weeks = 2000"]),
        case(&[("s.toml", &with_model(MODEL, &format!("{PLAN}taper = {{ days = 7, factor = 0.5, overload = {{ days = 0, factor = 1.2 }} }}\n")))], &["validate", "{d}/s.toml"], 2, &["plan.taper.overload.days = 0"]),
        case(&[("s.toml", &with_model(MODEL, &format!("{PLAN}taper = {{ days = 7, factor = 0.5, overload = {{ days = 7, factor = 0 }} }}\n")))], &["validate", "{d}/s.toml"], 2, &["plan.taper.overload.factor = 0"]),
        case(&[("s.toml", &with_model(MODEL, &format!("{PLAN}taper = {{ days = 7, factor = -1 }}\n")))], &["validate", "{d}/s.toml"], 2, &["plan.taper.factor = -1: must be >= 0"]),
        Case { files: vec![("s.toml", b"schema_version = 1\nname = \"caf\xe9\"\n".to_vec())], args: vec!["validate".into(), "{d}/s.toml".into()], code: 2, words: vec!["not UTF-8", "s.toml:2:12"] },
        case(&[("s.toml", "")], &["validate", "{d}/s.toml"], 2, &["schema_version: missing"]),
        case(&[("s.toml", &good)], &["run", "{d}/s.toml", "--out", "{d}/out", "--athletes", "0"], 2, &["--athletes"]),
        case(&[("s.toml", &good)], &["run", "{d}/s.toml", "--out", "{d}/out", "--threads", "0"], 2, &["--threads"]),
        // Issue 26: --out naming a file is a usage error (exit 2; it was 1), the file left as it was.
        case(&[("s.toml", &good), ("f", "a file")], &["run", "{d}/s.toml", "--out", "{d}/f"], 2, &["is a file", "--out names a folder"]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\n[compare]\nreference = \"c\"\n")))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["compare.reference = \"c\""]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[[variant]]\nname = \"a\"\ncompare_with = \"a\"\n[[variant]]\nname = \"b\"\n")))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["compare_with = \"a\""]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[noise]\nload_cv = -1\n")))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["noise.load_cv = -1"]),
        case(&[], &["run", "{d}/missing.toml", "--out", "{d}/out"], 2, &["missing.toml: cannot read"]),
        case(&[("s.toml", &good)], &["run", "{d}/s.toml"], 2, &["--out <OUT>"]),
        // init, presets, optimize
        case(&[("s.toml", "mine")], &["init", "{d}/s.toml"], 2, &["already exists"]),
        case(&[], &["init", "{d}/nodir/s.toml"], 1, &["cannot write"]),
        case(&[], &["presets", "busso2004"], 2, &["preset \"busso2004\": unknown"]),
        case(&[("s.toml", &good)], &["optimize", "{d}/s.toml", "--out", "{d}/out"], 2, &["no [optimize] table"]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[optimize]\nobjective = \"speed\"\n[optimize.vary]\n\"plan.key_load\" = {{ min = 80, max = 120 }}\n")))], &["optimize", "{d}/s.toml", "--out", "{d}/out"], 2, &["optimize.objective = \"speed\""]),
        case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[optimize]\nobjective = \"perf_final_mean\"\nmethod = \"grid\"\n[optimize.vary]\n\"plan.key_workouts\" = {{ min = 1, max = 7, step = 1 }}\n")))], &["optimize", "{d}/s.toml", "--out", "{d}/out", "--budget", "3"], 2, &["the grid has 7 points but the budget is 3"]),
        case(&[("s.toml", &good)], &["nonsense"], 2, &["unrecognized subcommand"]),
    ];
    // Issue 26: the week limit holds for the whole plan, not each phase (phases summing to
    // 1,040,000 weeks validated, and a --daily run grew until the kernel killed it).
    let long = "[plan]\nkey_workouts = 3\nkey_load = 100.0\n[[plan.phase]]\nname = \"a\"\nweeks = 1000\n[[plan.phase]]\nname = \"b\"\nweeks = 1000\n";
    cases.push(case(&[("s.toml", &with_model(MODEL, long))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["s.toml:", "plan.phase", "add up to 2000 weeks", "at most 1040"]));
    // Issue 26: fit --scenario-out never replaces a file it did not write (an athlete's
    // runner-history.csv was destroyed), nor the --data file.
    // (Real data that fits, so that without the check the files would have been written.)
    let cyclist = include_str!("data/clarke2013_cyclist.csv");
    cases.push(case(&[("f.csv", cyclist), ("runner-history.csv", "day,load\n0,50\n")], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--scenario-out", "{d}/runner.toml"], 2, &["runner-history.csv exists and periodize did not write it", "nothing was written"]));
    cases.push(case(&[("f.csv", cyclist)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "--scenario-out", "{d}/f.csv"], 2, &["is the --data file", "nothing was written"]));
    cases.push(case(&[("f.csv", cyclist)], &["fit", "--model", "banister", "--data", "{d}/f.csv", "-o", "{d}/f.csv"], 2, &["-o:", "is the --data file"]));
    // Issue 26 defect 9: silent nonsense is refused. PerPot's potential is on a 0-1 scale.
    cases.push(case(&[("s.toml", &with_model("[model]\npreset = \"perpot-perl\"\npp0 = 5\n", PLAN))], &["validate", "{d}/s.toml"], 2, &["s.toml:", "pp0 = 5", "from 0 to 1"]));
    cases.push(case(&[("s.toml", &with_model("[model]\npreset = \"perpot-perl\"\npp0 = { dist = \"normal\", mean = 0.3, sd = 0.1, min = 0 }\n", PLAN))], &["validate", "{d}/s.toml"], 2, &["model.pp0", "set max"]));
    // A NaN bound in [optimize.subject_to] was ignored.
    cases.push(case(&[("s.toml", &scen(&format!("{MODEL}{PLAN}[optimize]\nobjective = \"perf_final_mean\"\n[optimize.vary]\n\"plan.key_load\" = {{ min = 80.0, max = 120.0 }}\n[optimize.subject_to]\nacwr_max_p95 = {{ max = nan }}\n")))], &["validate", "{d}/s.toml"], 2, &["optimize.subject_to.acwr_max_p95.max", "expected a finite number"]));
    // The 1e9 load limit holds for a day's summed rows, not each row (simulate wrote -8.8e37).
    cases.push(sim(&[("l.csv", "day,load\n0,9e8\n0,9e8\n1,0\n")], &P, 2, &["l.csv:3: load", "add up to a load of 1.8e9", "beyond 1e9"]));
    // target_total_load = "reference" between rows that take their totals from each other was
    // resolved by swapping their plans' totals.
    let cycle = with_model(MODEL, &format!("{PLAN}target_total_load = \"reference\"\n[[variant]]\nname = \"a\"\ncompare_with = \"b\"\n[[variant]]\nname = \"b\"\ncompare_with = \"a\"\nplan.key_load = 50.0\n"));
    cases.push(case(&[("s.toml", &cycle)], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["s.toml:", "plan.target_total_load = \"reference\"", "a -> b", "a cycle"]));
    // A fitness-delay tau3 drawn mostly above tau1 lost 95% of its mass to redraws, silently.
    let fd = "[model]\nkind = \"fitness-delay\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = { dist = \"normal\", mean = 20.0, sd = 3.0, min = 5.0 }\ntau2 = 5\ntau3 = { dist = \"normal\", mean = 30.0, sd = 5.0, min = 1.0 }\n";
    cases.push(case(&[("s.toml", &with_model(fd, PLAN))], &["validate", "{d}/s.toml"], 2, &["s.toml:", "model.tau3", "needs tau1 > tau3", "silently truncate"]));
    // Defect 12: limits on the total of a run, checked before any work, each naming its flag.
    cases.push(case(&[("s.toml", &good)], &["run", "{d}/s.toml", "--out", "{d}/out", "--athletes", "100000", "--max-athlete-days", "1e6"], 2, &["athlete-days", "--max-athlete-days"]));
    let wide = with_model(MODEL, &format!("{PLAN}[sweep]\n\"model.p0\" = [{}]\n", (0..400).map(|i| format!("{}.0", 100 + i)).collect::<Vec<_>>().join(", ")));
    cases.push(case(&[("s.toml", &wide)], &["run", "{d}/s.toml", "--out", "{d}/out", "--athletes", "100000000"], 2, &["1.160e12 athlete-days", "more than the 1e12 allowed (--max-athlete-days)"]));
    cases.push(case(&[("s.toml", &good)], &["run", "{d}/s.toml", "--out", "{d}/out", "--athletes", "100000000", "--per-athlete"], 2, &["athletes.csv", "--max-output-bytes"]));
    cases.push(case(&[("s.toml", &good)], &["run", "{d}/s.toml", "--out", "{d}/out", "--max-athlete-days=-1"], 2, &["expected a positive number"]));
    // Found by the [optimize] fuzz target: a parameter given a table without `dist` went
    // missing without an error, and the row's model panicked on the short parameter list.
    cases.push(case(&[("s.toml", &with_model(&MODEL.replace("tau2 = 7\n", "tau2 = 7\ng0 = { x = 1 }\n"), PLAN))], &["validate", "{d}/s.toml"], 2, &["s.toml:", "model.g0 = { x = 1 }", "a distribution table needs dist"]));
    // Wrong files given as inputs.
    cases.push(case(&[], &["validate", "/dev/zero"], 2, &["/dev/zero", "not a regular file"]));
    // Defect 13: an input naming a pseudo-file (a process's environment) is refused, and what an
    // error echoes of a file it did not understand is bounded.
    let environ: Vec<&str> = ["simulate", "--model", "banister", "--loads", "/proc/self/environ"].into_iter().chain(P).collect();
    cases.push(case(&[], &environ, 2, &["pseudo-file"]));
    let wide = format!("{}\n1,2\n", (0..30).map(|i| format!("secret{i}{}", "x".repeat(60))).collect::<Vec<_>>().join(","));
    cases.push(sim(&[("l.csv", &wide)], &P, 2, &["missing column", "and 18 more", "secret0xxx"]));
    // Defect 10: control and invisible characters in names, look-alike names, and more variants
    // than rows are allowed, all refused.
    let named = |names: &[&str]| with_model(MODEL, &format!("{PLAN}{}", names.iter().map(|n| format!("[[variant]]\nname = \"{n}\"\n")).collect::<String>()));
    cases.push(case(&[("s.toml", &named(&["a\\u0007b"]))], &["validate", "{d}/s.toml"], 2, &["s.toml:", "control character U+0007"]));
    cases.push(case(&[("s.toml", &named(&["a\\u001b[31mb"]))], &["run", "{d}/s.toml", "--out", "{d}/out"], 2, &["control character U+001B"]));
    cases.push(case(&[("s.toml", &named(&["fast", "fa\\u200Bst"]))], &["validate", "{d}/s.toml"], 2, &["invisible format character U+200B"]));
    cases.push(case(&[("s.toml", &named(&["fast", "fast "]))], &["validate", "{d}/s.toml"], 2, &["variant[1].name = \"fast \"", "names must be unique", "trimmed and NFC-normalised"]));
    cases.push(case(&[("s.toml", &named(&["caf\\u00e9", "cafe\\u0301"]))], &["validate", "{d}/s.toml"], 2, &["names must be unique"]));
    let many: Vec<String> = (0..100_001).map(|i| format!("v{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    cases.push(case(&[("s.toml", &named(&many))], &["validate", "{d}/s.toml"], 2, &["100001 variants make more than 100000 rows"]));
    cases.push(case(&[], &["plan", "{d}"], 2, &["is a folder"]));
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        for (name, bytes) in &c.files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let before = snapshot(dir.path());
        let args: Vec<String> = c.args.iter().map(|a| a.replace("{d}", d)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = common::run(&args);
        let mut why = Vec::new();
        if code != c.code {
            why.push(format!("exit {code}, expected {}", c.code));
        }
        why.extend(c.words.iter().filter(|w| !err.contains(*w)).map(|w| format!("no {w:?}")));
        if err.contains("panicked") {
            why.push("panicked".into());
        }
        if snapshot(dir.path()) != before {
            why.push("files were created or changed".into());
        }
        if !why.is_empty() {
            failures.push(format!("case {i} {:?}: {}\n{err}", &args[..args.len().min(4)], why.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
