//! `periodize::run` in memory against the binary: the summary it gives is summary.csv byte for
//! byte, its values are the CSV's numbers, a cancelled run stops, and this file runs without
//! being listed anywhere (integration tests are found automatically).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use common::run;

fn scenarios() -> std::path::PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios")
}

#[test]
fn the_in_memory_summary_is_summary_csv_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    // A sweep (key columns per swept path), a plan file and a pmc row (empty gain cells).
    for name in ["busso-spacing", "plan-from-csv", "pmc-taper-form"] {
        let path = scenarios().join(format!("{name}.toml"));
        let out = dir.path().join(name);
        let (code, _, err) = run(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "300", "--seed", "9"]);
        assert_eq!(code, 0, "{err}");
        let file = std::fs::read(out.join("summary.csv")).unwrap();
        let sc = periodize::scenario::load(&path).unwrap();
        let r = periodize::run(&sc, &periodize::RunConfig { athletes: Some(300), seed: Some(9), ..Default::default() }).unwrap();
        let mut text = Vec::new();
        periodize::export::SummaryCsv::to_writer(&r, &mut text).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), String::from_utf8(file).unwrap(), "{name}");
        // The typed values are the numbers the CSV holds.
        let rows = common::summary(&out);
        for (ri, row) in rows.iter().enumerate() {
            for col in ["perf_final_mean", "diff_mean", "win_rate", "gain_pct_p50", "plan_days"] {
                let v = r.value(ri, col).unwrap();
                let cell = &row[col];
                if cell.is_empty() {
                    assert!(v.is_nan(), "{name} row {ri} {col}: {v}");
                } else {
                    assert_eq!(v, cell.parse::<f64>().unwrap(), "{name} row {ri} {col}");
                }
            }
        }
        assert!(r.value(0, "label").is_none(), "text columns have no numeric value");
        assert!(r.value(0, "no_such_column").is_none());
    }
}

#[test]
fn a_cancelled_run_stops_with_the_cancelled_error() {
    let sc = periodize::scenario::load(&scenarios().join("busso-spacing.toml")).unwrap();
    let cancel = Arc::new(AtomicBool::new(true));
    let r = periodize::run(&sc, &periodize::RunConfig { athletes: Some(100), cancel: Some(cancel), ..Default::default() });
    match r {
        Err(e @ periodize::Error::Cancelled) => assert_eq!(e.exit_code(), 130),
        other => panic!("expected a cancelled run, got {:?}", other.map(|r| r.rows.len())),
    }
}
