//! Parquet copies of summary.csv, athletes.csv and daily.csv (`run --output-format parquet|both`,
//! `--parquet`): the same columns and values, typed as pandas types the CSV (a column of whole
//! numbers without gaps is int64, a numeric column float64 with empty cells null, anything else
//! a string with empty cells null). Each file is converted from the CSV the set's own exporter
//! writes, through a temporary file read twice (once to type the columns, once to convert them
//! in batches of [`BATCH`] rows), so memory does not grow with athletes; the numbers are the CSV's shortest round-trip texts parsed back, so they
//! are the same doubles. Uncompressed: no codec to build, and the columns are mostly noise.

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;

use super::{Context, Exporter};
use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::result::RunResult;

/// Rows per record batch (and row group).
pub const BATCH: usize = 65_536;

/// Which files a result set writes its tables as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// CSV only (the default).
    #[default]
    Csv,
    /// athletes and daily as Parquet instead of CSV; summary.csv stays (it is small and the
    /// verdict points at it), with summary.parquet beside it.
    Parquet,
    /// CSV and Parquet of every table.
    Both,
}

impl OutputFormat {
    /// `csv`, `parquet` or `both`.
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        match s {
            "csv" => Ok(OutputFormat::Csv),
            "parquet" => Ok(OutputFormat::Parquet),
            "both" => Ok(OutputFormat::Both),
            _ => Err(format!("'{s}': expected csv, parquet or both")),
        }
    }

    /// Whether the CSV of a per-athlete or per-day table is written.
    pub fn csv(self) -> bool {
        self != OutputFormat::Parquet
    }

    /// Whether the Parquet files are written.
    pub fn parquet(self) -> bool {
        self != OutputFormat::Csv
    }
}

/// summary.parquet, and athletes.parquet and daily.parquet when the set has them.
pub struct ParquetFiles {
    /// Write athletes.parquet.
    pub athletes: bool,
    /// Write daily.parquet.
    pub daily: bool,
}

impl Exporter for ParquetFiles {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        let mut files = vec![convert(cx.dir, "summary", |w, _| super::SummaryCsv::to_writer(r, w).map_err(|e| Error::Failed(format!("summary: {e}"))))?];
        if self.athletes {
            files.push(convert(cx.dir, "athletes", |w, p| super::AthletesCsv::to_writer(r, w, p))?);
        }
        if self.daily {
            files.push(convert(cx.dir, "daily", |w, p| super::DailyCsv::to_writer(r, w, p))?);
        }
        Ok(files)
    }
}

/// `NAME.parquet` in `dir` from the CSV `csv(writer, path)` writes, through a temporary file.
fn convert(dir: &Path, name: &str, csv: impl FnOnce(&mut dyn Write, &Path) -> Result<()>) -> Result<AtomicFile> {
    let tmp = Temp(dir.join(format!(".{name}.csv.parquet-source")));
    let f = std::fs::File::create(&tmp.0).map_err(|e| Error::write(&tmp.0, e))?;
    let mut w = BufWriter::new(f);
    csv(&mut w, &tmp.0)?;
    w.flush().map_err(|e| Error::write(&tmp.0, e))?;
    drop(w);
    let path = dir.join(format!("{name}.parquet"));
    let mut out = AtomicFile::create(&path)?;
    csv_to_parquet(&tmp.0, out.writer(), &path)?;
    Ok(out)
}

/// A file removed when dropped.
struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A column's type, as pandas would infer it from the CSV.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Int,
    Float,
    Text,
}

/// Fold one cell into its column's kind so far (every column starts as [`Kind::Int`]).
fn widen(kind: Kind, c: &str) -> Kind {
    match kind {
        Kind::Int if c.is_empty() => Kind::Float,
        Kind::Int if c.parse::<i64>().is_ok() => Kind::Int,
        Kind::Int | Kind::Float if c.is_empty() || c.parse::<f64>().is_ok() => Kind::Float,
        _ => Kind::Text,
    }
}

/// Convert the CSV file `src` (a header, then records) into Parquet written to `w`: one pass
/// types the columns, a second converts them in batches. `path` names the output in errors.
pub fn csv_to_parquet(src: &Path, w: impl Write + Send, path: &Path) -> Result<()> {
    let failed = |e: String| Error::Failed(format!("{}: {e}", path.display()));
    let open = || -> Result<csv::Reader<BufReader<std::fs::File>>> {
        let f = std::fs::File::open(src).map_err(|e| failed(e.to_string()))?;
        Ok(csv::ReaderBuilder::new().has_headers(true).from_reader(BufReader::new(f)))
    };
    let mut rd = open()?;
    let header: Vec<String> = rd.headers().map_err(|e| failed(e.to_string()))?.iter().map(str::to_string).collect();
    let mut kinds = vec![Kind::Int; header.len()];
    let mut rows = 0usize;
    let mut rec = csv::StringRecord::new();
    while rd.read_record(&mut rec).map_err(|e| failed(e.to_string()))? {
        for (k, c) in kinds.iter_mut().zip(rec.iter()) {
            *k = widen(*k, c);
        }
        rows += 1;
    }
    if rows == 0 {
        kinds.fill(Kind::Text);
    }
    let fields: Vec<Field> = header
        .iter()
        .zip(&kinds)
        .map(|(h, k)| Field::new(h, match k { Kind::Int => DataType::Int64, Kind::Float => DataType::Float64, Kind::Text => DataType::Utf8 }, true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let props = parquet::file::properties::WriterProperties::builder().set_max_row_group_row_count(Some(BATCH)).build();
    let mut writer = ArrowWriter::try_new(w, schema.clone(), Some(props)).map_err(|e| failed(e.to_string()))?;
    let mut records = open()?.into_records();
    let mut batch: Vec<csv::StringRecord> = Vec::with_capacity(BATCH.min(rows));
    loop {
        batch.clear();
        for rec in records.by_ref() {
            batch.push(rec.map_err(|e| failed(e.to_string()))?);
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        let cols = kinds.iter().enumerate().map(|(j, k)| column(&batch, j, *k, &header[j])).collect::<std::result::Result<Vec<ArrayRef>, String>>().map_err(failed)?;
        let rb = RecordBatch::try_new(schema.clone(), cols).map_err(|e| failed(e.to_string()))?;
        writer.write(&rb).map_err(|e| failed(e.to_string()))?;
    }
    writer.close().map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// Cells as a numeric Arrow array, empty cells null; `bad(cell)` says why one does not parse.
fn numbers<'a, T: arrow_array::ArrowPrimitiveType>(cells: impl Iterator<Item = &'a str>, bad: impl Fn(&str) -> String) -> std::result::Result<ArrayRef, String>
where
    T::Native: std::str::FromStr,
{
    let mut b = arrow_array::builder::PrimitiveBuilder::<T>::new();
    for c in cells {
        if c.is_empty() {
            b.append_null();
        } else {
            b.append_value(c.parse().map_err(|_| bad(c))?);
        }
    }
    Ok(Arc::new(b.finish()))
}

/// Column `j` of a batch as an Arrow array of its kind.
fn column(batch: &[csv::StringRecord], j: usize, kind: Kind, name: &str) -> std::result::Result<ArrayRef, String> {
    let cells = batch.iter().map(|r| r.get(j).unwrap_or(""));
    let bad = |c: &str, what: &str| format!("column {name}: '{c}' is not {what}, as the first pass found");
    Ok(match kind {
        Kind::Int => numbers::<arrow_array::types::Int64Type>(cells, |c| bad(c, "a whole number"))?,
        Kind::Float => numbers::<arrow_array::types::Float64Type>(cells, |c| bad(c, "a number"))?,
        Kind::Text => {
            let mut b = StringBuilder::with_capacity(batch.len(), batch.len() * 8);
            for c in cells {
                if c.is_empty() { b.append_null() } else { b.append_value(c) }
            }
            Arc::new(b.finish())
        }
    })
}
