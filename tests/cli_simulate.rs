//! `periodize simulate` end to end: output against the oracle, dated input, and bad input.

mod common;

use common::{bin, close};

fn run(args: &[&str]) -> (i32, String, String) {
    let o = bin().args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

#[test]
fn banister_csv_equals_the_convolution_sum_and_has_contract_columns() {
    let dir = tempfile::tempdir().unwrap();
    let w: Vec<f64> = (0..90).map(|d| [150.0, 50.0, 0.0, 150.0, 50.0, 50.0, 150.0][d % 7]).collect();
    let loads = common::write_loads(dir.path(), "w.csv", &w);
    let out = dir.path().join("out.csv");
    let (code, _, err) = run(&["simulate", "--model", "banister", "--loads", loads.to_str().unwrap(), "--param", "p0=100",
        "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("day,load,fitness,fatigue,performance"));
    let oracle = common::banister(&w, 100.0, 0.1, 0.2, 42.0, 7.0, false, 0.0, 0.0);
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 90);
    for (n, r) in rows.iter().enumerate() {
        assert_eq!(r[0], n as f64);
        assert!(close(r[2], oracle[n].0, 1e-12) && close(r[3], oracle[n].1, 1e-12) && close(r[4], oracle[n].2, 1e-12));
    }
}

#[test]
fn dated_loads_with_gaps_and_extra_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dated.csv");
    std::fs::write(&p, "notes,load,date\nx,100,2026-02-27\ny,50,2026-03-02\n").unwrap();
    let (code, out, err) = run(&["simulate", "--model", "pmc", "--loads", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "day,load,fitness,fatigue,form,acwr,date");
    assert_eq!(lines.len(), 1 + 4); // 27 Feb .. 2 Mar 2026: four days, two of them filled with 0
    assert!(lines[2].starts_with("1,0,") && lines[2].ends_with(",2026-02-28"));
    assert!(lines[4].starts_with("3,50,") && lines[4].ends_with(",2026-03-02"));
    let a = 1.0 - (-1.0f64 / 42.0).exp();
    let fit0: f64 = lines[1].split(',').nth(2).unwrap().parse().unwrap();
    assert!(close(fit0, 100.0 * a, 1e-12));
}

#[test]
fn acwr_is_seven_over_twenty_eight_day_mean_and_empty_before_day_28() {
    let dir = tempfile::tempdir().unwrap();
    let w: Vec<f64> = (0..60).map(|d| (d * 37 % 11) as f64 * 10.0).collect();
    let loads = common::write_loads(dir.path(), "w.csv", &w);
    let (code, out, _) = run(&["simulate", "--model", "pmc", "--loads", loads.to_str().unwrap()]);
    assert_eq!(code, 0);
    for (t, line) in out.lines().skip(1).enumerate() {
        let cell = line.rsplit(',').next().unwrap();
        if t < 27 {
            assert_eq!(cell, "", "day {t}");
        } else {
            let acute = w[t - 6..=t].iter().sum::<f64>() / 7.0;
            let chronic = w[t - 27..=t].iter().sum::<f64>() / 28.0;
            assert!(close(cell.parse().unwrap(), acute / chronic, 1e-12), "day {t}");
        }
    }
}

/// Bad input: exit 2, a message naming the file, line and field, and no output file.
#[test]
fn bad_input_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = common::write_loads(d, "good.csv", &[10.0, 20.0]);
    let good = good.to_str().unwrap();
    let file = |name: &str, text: &str| {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let bp = ["--param", "p0=1", "--param", "k1=1", "--param", "k2=1", "--param", "tau1=40", "--param", "tau2=7"];
    let cases: Vec<(Vec<String>, String)> = vec![
        (vec![file("neg.csv", "day,load\n0,5\n1,-3\n")], "neg.csv:3: load: \"-3\": expected a number from 0 to 1e9".into()),
        (vec![file("nan.csv", "day,load\n0,NaN\n")], "nan.csv:2: load: \"NaN\": expected a number from 0 to 1e9".into()),
        (vec![file("txt.csv", "day,load\n0,hard\n")], "txt.csv:2: load: \"hard\": expected a number from 0 to 1e9".into()),
        (vec![file("blank.csv", "day,load\n0,1\n,2\n")], "blank.csv:3: day: \"\": expected an integer day".into()),
        (vec![file("noload.csv", "day,tss\n0,1\n")], "noload.csv:1: load: missing column: expected a `load` column, found `day`, `tss`".into()),
        (vec![file("noday.csv", "when,load\n0,1\n")], "noday.csv:1: day: missing column: expected a `day` or `date` column, found `when`, `load`; for an export give --format".into()),
        (vec![file("baddate.csv", "date,load\n2026-02-30,1\n")], "baddate.csv:2: date: \"2026-02-30\": expected an ISO 8601 date (YYYY-MM-DD)".into()),
        (vec![file("empty.csv", "day,load\n")], "empty.csv:2: day: no data rows: expected at least one day".into()),
        (vec![d.join("missing.csv").to_str().unwrap().into()], "missing.csv: cannot read".into()),
    ];
    for (i, (loads, want)) in cases.iter().enumerate() {
        let out = d.join(format!("out{i}.csv"));
        let mut args: Vec<&str> = vec!["simulate", "--model", "banister", "--loads", &loads[0]];
        args.extend(bp);
        args.extend(["-o", out.to_str().unwrap()]);
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{want}: {err}");
        assert!(err.contains(want.as_str()), "expected {want:?} in {err:?}");
        assert!(!out.exists());
        assert_eq!(std::fs::read_dir(d).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("tmp")).count(), 0);
    }
    let param_cases: &[(&[&str], &str)] = &[
        (&["--model", "banister", "--param", "p0=1", "--param", "k1=1", "--param", "k2=1", "--param", "tau1=0", "--param", "tau2=7"], "--param tau1=0: expected a finite number > 0"),
        (&["--model", "banister", "--param", "p0=1"], "banister needs --param k1=VALUE --param k2=VALUE --param tau1=VALUE --param tau2=VALUE"),
        (&["--model", "banister", "--param", "p0=1", "--param", "k9=1"], "unknown parameter 'k9' for banister: expected one of p0, k1, k2, tau1, tau2, g0, h0"),
        (&["--model", "busso", "--param", "k3=fast"], "--param k3=fast: expected a finite number >= 0"),
        (&["--model", "pmc", "--param", "ewma=median"], "--param ewma=median: expected one of exp, simple, span"),
        (&["--model", "perpot", "--param", "ds"], "'ds': expected NAME=VALUE"),
        (&["--model", "elo"], "invalid value 'elo' for '--model <MODEL>'"),
    ];
    for (args, want) in param_cases {
        let mut a = vec!["simulate", "--loads", good];
        a.extend(*args);
        let (code, _, err) = run(&a);
        assert_eq!(code, 2, "{want}: {err}");
        assert!(err.contains(want), "expected {want:?} in {err:?}");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_a_failure() {
    // `periodize simulate ... | head -1`: the pipe closes after the first line; the CSV writer's
    // broken pipe (inside an io::Error) exits 0, as a closed stdout always has for plain writes.
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut loads = String::from("day,load\n");
    for d in 0..30_000 {
        loads.push_str(&format!("{d},{}\n", d % 7 * 20));
    }
    let path = dir.path().join("l.csv");
    std::fs::File::create(&path).unwrap().write_all(loads.as_bytes()).unwrap();
    let mut child = common::bin()
        .args(["simulate", "--model", "pmc", "--loads", path.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("day,load"), "{first}");
    // The reader is dropped here: the rest of the 30,000 days meet a closed pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
