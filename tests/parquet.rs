//! `--output-format parquet|both` and `--parquet`: every Parquet table holds the CSV's columns
//! and values, cell for cell (floats to the bit, integers, text, empty cells as nulls), typed as
//! pandas types the CSV; the manifest lists the files; a merged sharded run writes them too.

mod common;

use std::path::Path;

use arrow_array::{Array, Float64Array, Int64Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

const SCENARIO: &str = r#"schema_version = 1
[run]
seed = 9
athletes = 1500
[model]
preset = "busso2003"
[plan]
weeks = 5
key_workouts = 3
key_load = 100.0
easy_load = 30.0
[noise]
load_cv = 0.1
[[variant]]
name = "spread"
[[variant]]
name = "=clustered, quoted"
plan.spacing = "clustered"
"#;

/// A Parquet file as (name, type, cells as CSV text would write them: shortest round-trip
/// floats, integers, text, "" for null) per column.
fn parquet_columns(path: &Path) -> Vec<(String, String, Vec<String>)> {
    let f = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap();
    let mut cols: Vec<(String, String, Vec<String>)> = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        if cols.is_empty() {
            cols = batch.schema().fields().iter().map(|f| (f.name().clone(), f.data_type().to_string(), Vec::new())).collect();
        }
        for (j, col) in batch.columns().iter().enumerate() {
            let out = &mut cols[j].2;
            let any = col.as_any();
            for i in 0..col.len() {
                out.push(if col.is_null(i) {
                    String::new()
                } else if let Some(a) = any.downcast_ref::<Float64Array>() {
                    // The CSV's text for this double must parse to the same bits.
                    format!("{:?}", a.value(i))
                } else if let Some(a) = any.downcast_ref::<Int64Array>() {
                    a.value(i).to_string()
                } else {
                    any.downcast_ref::<StringArray>().unwrap().value(i).to_string()
                });
            }
        }
    }
    cols
}

fn same_table(csv_path: &Path, pq_path: &Path) {
    let mut rd = csv::Reader::from_path(csv_path).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let cols = parquet_columns(pq_path);
    assert_eq!(cols.iter().map(|c| c.0.clone()).collect::<Vec<_>>(), header, "{}", pq_path.display());
    for (j, (name, ty, cells)) in cols.iter().enumerate() {
        assert_eq!(cells.len(), rows.len(), "{name}");
        let csv_cells: Vec<&str> = rows.iter().map(|r| r.get(j).unwrap()).collect();
        let all_int = csv_cells.iter().all(|c| c.parse::<i64>().is_ok());
        let all_num = csv_cells.iter().all(|c| c.is_empty() || c.parse::<f64>().is_ok());
        let want = if rows.is_empty() { "Utf8" } else if all_int { "Int64" } else if all_num { "Float64" } else { "Utf8" };
        assert_eq!(ty, want, "column {name}");
        for (c, p) in csv_cells.iter().zip(cells) {
            if ty == "Float64" && !c.is_empty() {
                assert_eq!(c.parse::<f64>().unwrap().to_bits(), p.parse::<f64>().unwrap().to_bits(), "{name}: {c} vs {p}");
            } else {
                assert_eq!(c, p, "column {name}");
            }
        }
    }
}

#[test]
fn parquet_tables_hold_the_csv_values_cell_for_cell() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::write(dir.path(), "s.toml", SCENARIO);
    let out = dir.path().join("both");
    let (code, _, err) = common::run(&["run", sc.to_str().unwrap(), "--per-athlete", "--daily", "--parquet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for t in ["summary", "athletes", "daily"] {
        same_table(&out.join(format!("{t}.csv")), &out.join(format!("{t}.parquet")));
    }
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let files: Vec<&str> = m["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(files, ["summary.csv", "verdicts.csv", "athletes.csv", "daily.csv", "summary.parquet", "athletes.parquet", "daily.parquet", "manifest.json"]);
    assert!(m["sha256"]["athletes.parquet"].is_string());
    // No temporary CSV is left behind.
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains("parquet-source")));
    let (code, stdout, err) = common::run(&["verify", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{err}");

    // parquet only: the per-athlete and per-day tables as Parquet, summary.csv kept.
    let only = dir.path().join("only");
    let (code, _, err) = common::run(&["run", sc.to_str().unwrap(), "--per-athlete", "--daily", "--output-format", "parquet", "--out", only.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!only.join("athletes.csv").exists() && !only.join("daily.csv").exists() && only.join("summary.csv").exists());
    assert_eq!(std::fs::read(only.join("athletes.parquet")).unwrap(), std::fs::read(out.join("athletes.parquet")).unwrap());
    // A sharded run's merge writes them too, the same bytes.
    let mut parts = Vec::new();
    for i in 1..=2 {
        let p = dir.path().join(format!("p{i}"));
        let (code, _, err) = common::run(&["run", sc.to_str().unwrap(), "--per-athlete", "--shard", &format!("{i}/2"), "--out", p.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        parts.push(p);
    }
    let merged = dir.path().join("merged");
    let (code, _, err) = common::run(&["merge", parts[0].to_str().unwrap(), parts[1].to_str().unwrap(), "--parquet", "--out", merged.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for f in ["athletes.parquet", "summary.parquet", "athletes.csv"] {
        assert_eq!(std::fs::read(merged.join(f)).unwrap(), std::fs::read(out.join(f)).unwrap(), "{f}");
    }
    // --output-format belongs to the merge, not to a part; a bad value is refused.
    let (code, _, err) = common::run(&["run", sc.to_str().unwrap(), "--shard", "1/2", "--parquet", "--out", dir.path().join("x").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("give them to periodize merge"), "{err}");
    let (code, _, err) = common::run(&["run", sc.to_str().unwrap(), "--output-format", "xlsx", "--out", dir.path().join("y").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("expected csv, parquet or both"), "{err}");
}
