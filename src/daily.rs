//! Daily series read from CSV: `day,load` (or `date,load`, ISO 8601 or a `--date-format`) with an
//! optional `performance` column. Other columns are ignored, columns may come in any order, a
//! missing day is a day of zero load, and several rows on one day (two activities) are summed.
//! The load column may have another name (`TSS`, `TRIMP`, ...) when the caller says so.

use std::path::Path;

use crate::io::{IoError as Error, Result};

/// The longest day span a CSV may cover: 100 years.
pub const MAX_SPAN_DAYS: usize = 36_525;
/// The largest daily load read from a CSV (as the scenario's limit).
pub const MAX_LOAD: f64 = 1e9;
/// The largest performance value read from a CSV.
pub const MAX_PERFORMANCE: f64 = 1e9;

/// A daily series from its first to its last day, gaps filled with zero load.
#[derive(Clone, Debug, PartialEq)]
pub struct DailySeries {
    /// The day number of the first row (for dated input: 0, the first date).
    pub first_day: i64,
    /// The first date as days since 1970-01-01, when the input was dated.
    pub first_date: Option<i64>,
    /// One load per day, every channel together.
    pub load: Vec<f64>,
    /// The easy channel's part of each day's load, when the input gave one load column per
    /// channel ([`ReadOptions::load_columns`]); empty otherwise (every load is hard).
    pub easy: Vec<f64>,
    /// One entry per day when a performance column was read: `Some` on test days.
    pub performance: Vec<Option<f64>>,
    /// Rows whose day repeated an earlier row's, their loads summed into it.
    pub merged: usize,
}

/// How to read a daily CSV.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions<'a> {
    /// Require a `performance` column (fit data).
    pub with_performance: bool,
    /// The load column's name (default `load`), matched without regard to case.
    pub load_column: Option<&'a str>,
    /// One load column per channel, `[hard, easy]`, instead of one load column: a day's load is
    /// their sum and [`DailySeries::easy`] holds the easy part.
    pub load_columns: Option<[&'a str; 2]>,
    /// A strftime-style format for the `date` column (default ISO `%Y-%m-%d`).
    pub date_format: Option<&'a str>,
    /// Refuse gaps between days (a start history must list every day, rest days as 0).
    pub contiguous: bool,
}

impl DailySeries {
    /// Number of days in the series.
    pub fn days(&self) -> usize {
        self.load.len()
    }

    /// The label of day index `i`: its ISO date, when the input was dated.
    pub fn date_label(&self, i: usize) -> Option<String> {
        self.first_date.map(|d| format_date(d + i as i64))
    }
}

/// Each day's (load, its easy part) of a series: the easy part is 0 when the series has one load
/// column.
pub fn channel_days(series: &DailySeries) -> impl Iterator<Item = (f64, f64)> + '_ {
    series.load.iter().enumerate().map(|(i, &w)| (w, series.easy.get(i).copied().unwrap_or(0.0)))
}

/// Read a daily CSV. With `with_performance`, a `performance` column is required.
pub fn read_daily(path: &Path, with_performance: bool) -> Result<DailySeries> {
    read_daily_with(path, &ReadOptions { with_performance, ..Default::default() })
}

/// Read a daily CSV with options.
pub fn read_daily_with(path: &Path, opts: &ReadOptions<'_>) -> Result<DailySeries> {
    let text = crate::io::read_input(path)?;
    parse_daily_with(&text, path, opts)
}

/// Parse daily CSV text; `path` only names the source in errors.
pub fn parse_daily(text: &str, path: &Path, with_performance: bool) -> Result<DailySeries> {
    parse_daily_with(text, path, &ReadOptions { with_performance, ..Default::default() })
}

/// Parse daily CSV text with options; `path` only names the source in errors.
// Long on purpose: one pass over the rows, each column's check written where its value is read,
// so that every error names the line and field it came from.
pub fn parse_daily_with(text: &str, path: &Path, opts: &ReadOptions<'_>) -> Result<DailySeries> {
    let with_performance = opts.with_performance;
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let csv_err = |source| Error::Csv { path: path.to_path_buf(), source };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    // A header named twice (two `load` columns) would silently read one of them. (A set: a
    // header of 100,000 columns is checked in linear time.)
    let mut seen = std::collections::HashSet::with_capacity(headers.len());
    for h in headers.iter().filter(|h| !h.is_empty()) {
        if !seen.insert(h.to_ascii_lowercase()) {
            return Err(Error::data(path, 1, h, format!("the column `{h}` appears twice; keep one")));
        }
    }
    let (day_col, dated) = match (col("day"), col("date")) {
        (Some(_), Some(_)) => return Err(Error::data(path, 1, "day", "both a `day` and a `date` column: keep one, so the days are not ambiguous")),
        (Some(c), _) => (c, false),
        (None, Some(c)) => (c, true),
        (None, None) => {
            return Err(Error::data(path, 1, "day", format!("missing column: expected a `day` or `date` column, found {}", list(&headers))));
        }
    };
    let missing = |name: &str| Error::data(path, 1, name, format!("missing column: expected a `{name}` column, found {}", list(&headers)));
    let load_name = opts.load_columns.map_or(opts.load_column.unwrap_or("load"), |[hard, _]| hard);
    let load_col = col(load_name).ok_or_else(|| {
        let hint = if opts.load_column.is_none() && opts.load_columns.is_none() { "; name another load column with --load-column NAME (load_column = \"NAME\" in a scenario)" } else { "" };
        Error::data(path, 1, load_name, format!("missing column: expected a `{load_name}` column, found {}{hint}", list(&headers)))
    })?;
    let easy_col = match opts.load_columns {
        Some([_, easy]) => Some((easy, col(easy).ok_or_else(|| Error::data(path, 1, easy, format!("missing column: expected a `{easy}` column (the easy channel's loads), found {}", list(&headers))))?)),
        None => None,
    };
    let perf_col = if with_performance { Some(col("performance").ok_or_else(|| missing("performance"))?) } else { None };

    // (day, load, easy load, performance)
    let mut rows: Vec<(i64, f64, f64, Option<f64>)> = Vec::new();
    let mut prev: Option<i64> = None;
    let mut record = csv::StringRecord::new();
    let mut first_date = None;
    let mut merged = 0;
    while rdr.read_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, |p| p.line());
        let raw_day = record.get(day_col).unwrap_or("");
        let day = if dated {
            let d = match opts.date_format {
                None => parse_date(raw_day).ok_or_else(|| Error::data(path, line, "date", format!("\"{raw_day}\": expected an ISO 8601 date (YYYY-MM-DD), or give --date-format")))?,
                Some(f) => parse_date_format(raw_day, f).ok_or_else(|| Error::data(path, line, "date", format!("\"{raw_day}\": does not match the date format \"{f}\"")))?,
            };
            let first = *first_date.get_or_insert(d);
            d - first
        } else {
            raw_day.parse::<i64>().map_err(|_| Error::data(path, line, "day", format!("\"{raw_day}\": expected an integer day")))?
        };
        let field = if dated { "date" } else { "day" };
        if let Some(p) = prev {
            if day < p {
                return Err(Error::data(path, line, field, format!("\"{raw_day}\" is decreasing: days must be in order (rows on one day are summed)")));
            }
            if opts.contiguous && day > p + 1 {
                return Err(Error::data(path, line, field, format!("\"{raw_day}\" leaves a gap of {} days: a history lists every day (write rest days with load 0)", day - p - 1)));
            }
        }
        prev = Some(day);
        let read_load = |c: usize, name: &str| {
            let raw = record.get(c).unwrap_or("");
            raw.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && (0.0..=MAX_LOAD).contains(x))
                .ok_or_else(|| Error::data(path, line, name, format!("\"{raw}\": expected a number from 0 to {MAX_LOAD:e} (daily loads are in the hundreds; beyond that the models overflow)")))
        };
        let (load, easy) = match easy_col {
            // One column per channel: the day's load is their sum.
            Some((name, c)) => {
                let easy = read_load(c, name)?;
                let load = read_load(load_col, load_name)? + easy;
                if load > MAX_LOAD {
                    return Err(Error::data(path, line, load_name, format!("the channels add up to a load of {load:e}, beyond {MAX_LOAD:e}")));
                }
                (load, easy)
            }
            None => (read_load(load_col, "load")?, 0.0),
        };
        let perf = match perf_col {
            Some(c) => {
                let raw = record.get(c).unwrap_or("");
                if raw.is_empty() {
                    None
                } else {
                    Some(raw.parse::<f64>().ok().filter(|x| x.is_finite() && (0.0..=MAX_PERFORMANCE).contains(x)).ok_or_else(|| {
                        Error::data(path, line, "performance", format!("\"{raw}\": expected a number from 0 to {MAX_PERFORMANCE:e} or an empty cell"))
                    })?)
                }
            }
            None => None,
        };
        match rows.last_mut() {
            // Another activity on the same day: its load adds to the day's.
            Some(last) if last.0 == day => {
                if let (Some(_), Some(_)) = (last.3, perf) {
                    return Err(Error::data(path, line, "performance", format!("\"{raw_day}\" has a second performance test; give one test a day")));
                }
                last.1 += load;
                last.2 += easy;
                // The limit holds for the day's total, not only for each row.
                if last.1 > MAX_LOAD {
                    return Err(Error::data(path, line, "load", format!("\"{raw_day}\": the day's rows add up to a load of {:e}, beyond {MAX_LOAD:e}", last.1)));
                }
                last.3 = last.3.or(perf);
                merged += 1;
            }
            _ => rows.push((day, load, easy, perf)),
        }
    }
    let (Some(first), Some(last)) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0)) else {
        return Err(Error::data(path, 2, if dated { "date" } else { "day" }, "no data rows: expected at least one day"));
    };
    let span = last.checked_sub(first).and_then(|d| usize::try_from(d).ok()).map_or(usize::MAX, |d| d.saturating_add(1));
    if span > MAX_SPAN_DAYS {
        return Err(Error::data(path, 2, "day", format!("days {first}..{last} span {span} days: at most {MAX_SPAN_DAYS} (100 years) are supported; is a day or date mistyped?")));
    }
    let mut load = vec![0.0; span];
    let mut easy = if easy_col.is_some() { vec![0.0; span] } else { Vec::new() };
    let mut performance = if with_performance { vec![None; span] } else { Vec::new() };
    for (day, w, e, p) in rows {
        let i = (day - first) as usize;
        load[i] = w;
        if let Some(x) = easy.get_mut(i) {
            *x = e;
        }
        if with_performance {
            performance[i] = p;
        }
    }
    Ok(DailySeries { first_day: first, first_date, load, easy, performance, merged })
}

///
/// What an error shows of a file it did not understand is bounded: at most 12 names of at most
/// 40 characters each (a path that names the wrong file, such as a process's environment, must
/// not have its contents printed).
fn list(headers: &csv::StringRecord) -> String {
    const NAMES: usize = 12;
    const CHARS: usize = 40;
    let mut names: Vec<String> = headers
        .iter()
        .take(NAMES)
        .map(|h| if h.chars().count() > CHARS { format!("`{}...`", h.chars().take(CHARS).collect::<String>()) } else { format!("`{h}`") })
        .collect();
    if headers.len() > NAMES {
        names.push(format!("and {} more", headers.len() - NAMES));
    }
    if names.is_empty() { "no columns".into() } else { names.join(", ") }
}

/// Days since 1970-01-01 of an ISO 8601 date `YYYY-MM-DD`, optionally followed by a time
/// (`T...` or ` ...`), which is ignored.
pub fn parse_date(s: &str) -> Option<i64> {
    let date = s.split(['T', ' ']).next()?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Days since 1970-01-01 of a date written in a strftime-style `format`: `%Y` (4-digit year),
/// `%y` (2-digit, 2000-2099), `%m`, `%d` (1 or 2 digits), `%b`/`%B` (English month name or its
/// first three letters), `%%`; other characters must match literally.
pub fn parse_date_format(s: &str, format: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let (mut y, mut m, mut d) = (None, None, None);
    let mut rest = s.trim();
    let mut f = format.chars();
    let digits = |r: &str, max: usize| -> Option<(i64, usize)> {
        let n = r.chars().take(max).take_while(char::is_ascii_digit).count();
        (n > 0).then(|| r[..n].parse().ok().map(|v| (v, n)))?
    };
    while let Some(c) = f.next() {
        if c != '%' {
            rest = rest.strip_prefix(c)?;
            continue;
        }
        match f.next()? {
            'Y' => {
                let (v, n) = digits(rest, 4).filter(|(_, n)| *n == 4)?;
                y = Some(v);
                rest = &rest[n..];
            }
            'y' => {
                let (v, n) = digits(rest, 2).filter(|(_, n)| *n == 2)?;
                y = Some(2000 + v);
                rest = &rest[n..];
            }
            'm' => {
                let (v, n) = digits(rest, 2)?;
                m = Some(v as u32);
                rest = &rest[n..];
            }
            'd' => {
                let (v, n) = digits(rest, 2)?;
                d = Some(v as u32);
                rest = &rest[n..];
            }
            'b' | 'B' => {
                let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                let lower = word.to_ascii_lowercase();
                let i = MONTHS.iter().position(|p| lower.len() >= 3 && lower.starts_with(p))?;
                m = Some(i as u32 + 1);
                rest = &rest[word.len()..];
            }
            '%' => rest = rest.strip_prefix('%')?,
            _ => return None,
        }
    }
    let (y, m, d) = (y?, m?, d?);
    if !rest.is_empty() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil and civil_from_days.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The ISO date of a day count since 1970-01-01.
pub fn format_date(z: i64) -> String {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_match_known_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11017));
        assert_eq!(parse_date("2024-02-29T06:00:00"), Some(19782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        for z in [-1000, 0, 11016, 11017, 19782, 40000] {
            assert_eq!(parse_date(&format_date(z)), Some(z));
        }
    }

    #[test]
    fn gaps_are_zero_load_and_errors_name_the_line() {
        let s = parse_daily("day,load\n3,10\n5,20\n", Path::new("x.csv"), false).unwrap();
        assert_eq!((s.first_day, s.load.clone()), (3, vec![10.0, 0.0, 20.0]));
        let e = parse_daily("day,load\n3,10\n2,20\n", Path::new("x.csv"), false).unwrap_err();
        assert_eq!(e.to_string(), "x.csv:3: day: \"2\" is decreasing: days must be in order (rows on one day are summed)");
        let e = parse_daily("day,load\n1,NaN\n", Path::new("x.csv"), false).unwrap_err();
        assert_eq!(e.to_string(), "x.csv:2: load: \"NaN\": expected a number from 0 to 1e9 (daily loads are in the hundreds; beyond that the models overflow)");
    }
}
