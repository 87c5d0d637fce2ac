//! FIT activity files (the binary format of Garmin, Wahoo, Hammerhead and Coros devices, and of
//! Garmin Connect's "Export Original"): one file, or a folder of them, read as a daily series of
//! each session's `training_stress_score` on its local start date.
//!
//! The file is decoded with the `fitparser` crate at the level of raw messages (its header and
//! data CRCs checked), and three fields are read by their numbers in the FIT profile:
//! - session (message 18): `start_time` (field 2, seconds since 1989-12-31 00:00 UTC; the
//!   session's `timestamp`, field 253, when absent) and `training_stress_score` (field 35,
//!   uint16, scale 10). A multisport file has one session per sport; each adds to its day.
//! - activity (message 34): `timestamp` (253) and `local_timestamp` (5), whose difference is the
//!   device's time zone offset (the FIT SDK's way to local time). Without it the dates are UTC,
//!   and the notes say so.
//!
//! Raw messages keep the reading independent of the machine's time zone (fitparser's decoded
//! timestamps are in the local zone of the computer that reads them).

use std::path::Path;

use fitparser::Value;
use fitparser::de::{FitObject, FitStreamProcessor};

use super::{DailySeries, Format, ReadOptions};
use crate::io::{IoError as Error, Result};

/// Seconds from 1970-01-01 to the FIT epoch, 1989-12-31 00:00:00 UTC.
const FIT_EPOCH_UNIX: i64 = 631_065_600;
/// The largest time zone offset taken from a file (UTC+14, Kiribati); beyond it the device's
/// clock is wrong and the dates are UTC.
const MAX_OFFSET_S: i64 = 14 * 3600;
/// The most FIT files read from one folder.
const MAX_FILES: usize = 100_000;

/// Whether `bytes` start with a FIT file header (12 or 14 bytes, `.FIT` at offset 8).
pub(super) fn is_fit(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && matches!(bytes[0], 12 | 14) && &bytes[8..12] == b".FIT"
}

/// One session as read: its local day (days since 1970-01-01) and its TSS (None when the session
/// has none).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Session {
    day: i64,
    tss: Option<f64>,
}

/// What one file gave: its sessions, and whether it carried a local time.
#[derive(Debug, Default)]
struct FileRead {
    sessions: Vec<Session>,
    utc: bool,
}

fn bad(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{}: FIT: {message}", path.display()))
}

/// The FIT CRC-16 (the FIT SDK's nibble table), over `data`: a file's last two bytes hold it
/// (little-endian) over every byte before them, a 14-byte header's last two over its first 12.
pub fn crc16(data: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400];
    let mut crc = 0u16;
    for &b in data {
        for nibble in [b & 0xF, b >> 4] {
            let t = TABLE[(crc & 0xF) as usize];
            crc = ((crc >> 4) & 0x0FFF) ^ t ^ TABLE[nibble as usize];
        }
    }
    crc
}

/// The FIT files in `bytes` (one, or several chained, as some devices write), each checked
/// before the decoder sees it: a header (12 or 14 bytes, `.FIT`), as many bytes as it announces,
/// and the header's and the file's CRCs. The decoder is then never given an incomplete or
/// damaged frame (fitparser 0.11 panics in debug builds, and prints to stderr, on some).
fn frames<'a>(bytes: &'a [u8], path: &Path) -> Result<Vec<&'a [u8]>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if !is_fit(rest) {
            let what = if at == 0 { "not a FIT file (no `.FIT` signature in its header); for a CSV export give its --format".to_string() } else { format!("damaged at byte {at}: {} bytes after the FIT data are not a FIT file", rest.len()) };
            return Err(bad(path, what));
        }
        let header = rest[0] as usize;
        let total = header + u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize + 2;
        if rest.len() < total {
            return Err(bad(path, format!("truncated: the header at byte {at} announces {total} bytes, the file has {} (requires {} more bytes)", rest.len(), total - rest.len())));
        }
        if header == 14 && rest.len() >= 14 {
            let stated = u16::from_le_bytes([rest[12], rest[13]]);
            if stated != 0 && stated != crc16(&rest[..12]) {
                return Err(bad(path, format!("damaged at byte {at}: the header's CRC does not hold")));
            }
        }
        let frame = &rest[..total];
        if crc16(&frame[..total - 2]) != u16::from_le_bytes([frame[total - 2], frame[total - 1]]) {
            return Err(bad(path, format!("damaged at byte {at}: the CRC value of its {total} bytes does not hold")));
        }
        out.push(frame);
        at += total;
    }
    Ok(out)
}

/// One checked FIT file's messages: each session's (start or end time, tss) into `sessions`, and
/// the time zone offset from the activity's (timestamp, local_timestamp) into `offset`.
fn decode_frame(frame: &[u8], first_byte: usize, path: &Path, sessions: &mut Vec<(Option<i64>, Option<f64>)>, offset: &mut Option<i64>) -> Result<()> {
    let mut proc = FitStreamProcessor::new();
    // Where the messages end and the CRC begins (`frames` checked that the frame holds both).
    let end = frame.len() - 2;
    let mut input = frame;
    while !input.is_empty() {
        let pos = frame.len() - input.len();
        let at = first_byte + pos;
        if pos > end {
            // The decoder would read the rest as a chained file's header.
            return Err(bad(path, format!("damaged at byte {at}: a message runs past the end of the file's data")));
        }
        // fitparser returns errors for malformed input; a panic inside it must not end the
        // process either (a damaged file is a user's input, not a bug of theirs).
        let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| proc.deserialize_next(input)));
        let (rest, obj) = match step {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => return Err(bad(path, format!("damaged at byte {at}: {e}"))),
            Err(_) => return Err(bad(path, format!("damaged at byte {at}: the decoder could not read it"))),
        };
        if rest.len() >= input.len() {
            return Err(bad(path, format!("damaged at byte {at}: the decoder made no progress")));
        }
        input = rest;
        let FitObject::DataMessage(msg) = obj else { continue };
        let fields = msg.fields();
        match msg.global_message_number() {
            18 => {
                let start = fields.get(&2).or_else(|| fields.get(&253)).and_then(int);
                let tss = fields.get(&35).and_then(number).map(|x| x / 10.0);
                sessions.push((start, tss));
            }
            34 => {
                if let (Some(t), Some(local)) = (fields.get(&253).and_then(int), fields.get(&5).and_then(int)) {
                    *offset = Some(local - t).filter(|o| o.abs() <= MAX_OFFSET_S);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Decode the raw messages of a file (chained files included) and pick the sessions.
fn decode(bytes: &[u8], path: &Path) -> Result<FileRead> {
    let mut raw_sessions: Vec<(Option<i64>, Option<f64>)> = Vec::new();
    let mut offset: Option<i64> = None;
    let mut start = 0;
    for frame in frames(bytes, path)? {
        decode_frame(frame, start, path, &mut raw_sessions, &mut offset)?;
        start += frame.len();
    }
    if raw_sessions.is_empty() {
        return Err(bad(path, "no session message: not an activity file (a course, workout or settings file?)"));
    }
    let mut sessions = Vec::with_capacity(raw_sessions.len());
    for (start, tss) in raw_sessions {
        let Some(start) = start else {
            return Err(bad(path, "a session has no start_time or timestamp; its day is unknown"));
        };
        let local = FIT_EPOCH_UNIX + start + offset.unwrap_or(0);
        sessions.push(Session { day: local.div_euclid(86_400), tss });
    }
    Ok(FileRead { sessions, utc: offset.is_none() })
}

/// An unsigned or signed integer field's value.
fn int(v: &Value) -> Option<i64> {
    Some(match *v {
        Value::UInt32(x) | Value::UInt32z(x) => i64::from(x),
        Value::UInt16(x) | Value::UInt16z(x) => i64::from(x),
        Value::SInt32(x) => i64::from(x),
        _ => return None,
    })
}

/// A numeric field's raw value (before its scale).
fn number(v: &Value) -> Option<f64> {
    Some(match *v {
        Value::UInt8(x) | Value::UInt8z(x) | Value::Byte(x) => f64::from(x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(x),
        Value::Float32(x) => f64::from(x),
        Value::Float64(x) => x,
        _ => return None,
    })
    .filter(|x| x.is_finite() && *x >= 0.0)
}

/// The options a FIT file cannot honour, refused so that none is silently ignored.
fn check_options(path: &Path, opts: &ReadOptions<'_>) -> Result<()> {
    let refuse = |what: &str| Err(bad(path, format!("{what} does not apply: a FIT file's load is each session's training_stress_score, on the session's local date")));
    if opts.with_performance {
        return Err(bad(path, "a FIT file has no performance tests; fit needs a CSV with a `performance` column (date,load,performance)"));
    }
    if opts.zones {
        return refuse("--channels zones");
    }
    if opts.load_columns.is_some() {
        return refuse("--load-columns");
    }
    if opts.load_column.is_some_and(|c| !c.eq_ignore_ascii_case("training_stress_score")) {
        return refuse("--load-column");
    }
    if opts.date_column.is_some() || opts.date_format.is_some() {
        return refuse("a date column or format");
    }
    Ok(())
}

/// Read a FIT file, or every `*.fit` file of a folder (names sorted), as a daily series. A
/// session without a training stress score is read as 0 and counted (a ride without power, a
/// run without a stress model); a file or folder with none at all is an error.
pub(super) fn read(path: &Path, bytes: Option<&[u8]>, opts: &ReadOptions<'_>) -> Result<DailySeries> {
    check_options(path, opts)?;
    let mut reads = Vec::new();
    match bytes {
        Some(b) => reads.push(decode(b, path)?),
        None => {
            let rerr = |source| Error::Read { path: path.to_path_buf(), source };
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(rerr)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("fit")))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::Read { path: path.to_path_buf(), source: std::io::Error::other("is a folder without .fit files; expected a file, or a folder of FIT activity files") });
            }
            if files.len() > MAX_FILES {
                return Err(Error::Usage(format!("{}: {} FIT files; at most {MAX_FILES} are read from one folder", path.display(), files.len())));
            }
            for f in files {
                reads.push(decode(&crate::io::read_input_bytes(&f)?, &f)?);
            }
        }
    }
    series(path, &reads)
}

/// The daily series of the files' sessions.
fn series(path: &Path, reads: &[FileRead]) -> Result<DailySeries> {
    let all: Vec<Session> = reads.iter().flat_map(|r| r.sessions.iter().copied()).collect();
    if all.iter().all(|s| s.tss.is_none()) {
        return Err(bad(path, format!(
            "no session has a training_stress_score (field 35 of the session message) in {}; devices write it only with a power meter and FTP (or a pace/heart-rate stress model) set; export the activities as CSV from intervals.icu, TrainingPeaks or GoldenCheetah instead",
            if reads.len() == 1 { "this file".to_string() } else { format!("any of its {} FIT files", reads.len()) }
        )));
    }
    let first = all.iter().map(|s| s.day).min().unwrap_or(0);
    let last = all.iter().map(|s| s.day).max().unwrap_or(0);
    let span = usize::try_from(last - first).map_or(usize::MAX, |d| d.saturating_add(1));
    if span > super::MAX_SPAN_DAYS {
        return Err(bad(path, format!("the sessions span {span} days: at most {} (100 years); is a device's clock wrong?", super::MAX_SPAN_DAYS)));
    }
    let mut load = vec![0.0; span];
    let mut seen = vec![false; span];
    let mut merged = 0;
    for s in &all {
        let i = (s.day - first) as usize;
        if std::mem::replace(&mut seen[i], true) {
            merged += 1;
        }
        load[i] += s.tss.unwrap_or(0.0);
    }
    let utc = reads.iter().filter(|r| r.utc).count();
    Ok(DailySeries {
        first_day: 0,
        first_date: Some(first),
        load,
        merged,
        format: Format::Fit,
        load_column: "training_stress_score".to_string(),
        empty_loads: all.iter().filter(|s| s.tss.is_none()).count(),
        utc_files: utc,
        ..Default::default()
    })
}
