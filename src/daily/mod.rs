//! Daily series read from CSV: `day,load` (or `date,load`, ISO 8601 or a `--date-format`) with an
//! optional `performance` column. Other columns are ignored, columns may come in any order, a
//! missing day is a day of zero load, and several rows on one day (two activities) are summed.
//! The load column may have another name (`TSS`, `TRIMP`, ...) when the caller says so.
//! Platforms' exports are read as they come ([`Format`]), and FIT activity files (one, or a
//! folder of them) as each session's training stress on its local date ([`parse_fit`]).

use std::path::Path;

use crate::io::{IoError as Error, Result};

mod fit_file;
pub use fit_file::crc16 as fit_crc16;
mod formats;
pub use formats::{FORMAT_NAMES, Format, ZoneColumns};

/// The longest day span a CSV may cover: 100 years.
pub const MAX_SPAN_DAYS: usize = 36_525;
/// The largest daily load read from a CSV (as the scenario's limit).
pub const MAX_LOAD: f64 = 1e9;
/// The largest performance value read from a CSV.
pub const MAX_PERFORMANCE: f64 = 1e9;

/// A daily series from its first to its last day, gaps filled with zero load.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// The format the file was read as (the one recognised, for `auto`).
    pub format: Format,
    /// The load column read (the hard channel's with one column per channel).
    pub load_column: String,
    /// Rows with an empty load cell, read as 0 (an export's strength sessions, notes).
    pub empty_loads: usize,
    /// TrainingPeaks' planned workouts (an empty TSS after the last completed day), skipped.
    pub planned: usize,
    /// With zones: rows with load but no time in any zone, counted as hard.
    pub unzoned: usize,
    /// When the file has the label column: each day's first non-empty cell of it, with its
    /// line (empty otherwise).
    pub labels: Vec<Option<(String, u64)>>,
    /// FIT files without a local time (no activity message's `local_timestamp`): their dates
    /// are UTC.
    pub utc_files: usize,
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
    /// A strftime-style format for the date column (default: the format's, ISO `%Y-%m-%d` for
    /// periodize's own).
    pub date_format: Option<&'a str>,
    /// The export format (default: recognised from the header).
    pub format: Format,
    /// The date column's name, for files whose dates are in another column than the format's.
    pub date_column: Option<&'a str>,
    /// Split each day's load into the channels by its time in zones (zones 1-2 easy, 3 and up
    /// hard), for exports with time-in-zone columns.
    pub zones: bool,
    /// A text column read per day (its first non-empty cell): a plan file's `session`.
    pub label_column: Option<&'a str>,
}

impl DailySeries {
    /// The notes a reader prints once about how the file was read: rows summed into a day,
    /// empty loads read as 0, planned workouts skipped, rows without zone times.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let fit = self.format == Format::Fit;
        // "1 row has", "2 rows have".
        let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        if self.merged > 0 {
            let what = if fit { n(self.merged, "session", "sessions") + " shared a day with an earlier session" } else { n(self.merged, "row", "rows") + " shared a day with an earlier row" };
            out.push(format!("{what}; their loads were summed"));
        }
        if self.empty_loads > 0 && fit {
            out.push(format!("{} no training_stress_score; read as 0", n(self.empty_loads, "session has", "sessions have")));
        } else if self.empty_loads > 0 {
            out.push(format!("{} an empty `{}`; read as 0", n(self.empty_loads, "row has", "rows have"), self.load_column));
        }
        if self.planned > 0 {
            let were = if self.planned == 1 { "was" } else { "were" };
            out.push(format!("{} (no `{}` after the last completed day) {were} skipped", n(self.planned, "planned workout", "planned workouts"), self.load_column));
        }
        if self.utc_files > 0 {
            out.push(format!("{} no local time (activity.local_timestamp); their sessions are dated in UTC", n(self.utc_files, "of the FIT files has", "of the FIT files have")));
        }
        if self.unzoned > 0 {
            out.push(format!("{} load {} no time in zones; their load counts as hard", n(self.unzoned, "row with", "rows with"), if self.unzoned == 1 { "has" } else { "have" }));
        }
        out
    }

    /// The date of the last day, when the input was dated.
    pub fn last_date(&self) -> Option<i64> {
        self.first_date.map(|d| d + self.load.len() as i64 - 1)
    }

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

/// Read a daily CSV (or export) with options; a FIT file, or a folder of FIT files, is read as
/// its sessions' training stress ([`Format::Fit`], recognised by its header with `auto`).
pub fn read_daily_with(path: &Path, opts: &ReadOptions<'_>) -> Result<DailySeries> {
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) && matches!(opts.format, Format::Auto | Format::Fit) {
        return fit_file::read(path, None, opts);
    }
    let bytes = crate::io::read_input_bytes(path)?;
    if opts.format == Format::Fit || (opts.format == Format::Auto && fit_file::is_fit(&bytes)) {
        return fit_file::read(path, Some(&bytes), opts);
    }
    let text = crate::io::utf8_text(bytes, path)?;
    parse_daily_with(&text, path, opts)
}

/// Parse a FIT file's bytes as a daily series of its sessions' training stress; `path` only
/// names the source in errors.
pub fn parse_fit(bytes: &[u8], path: &Path, opts: &ReadOptions<'_>) -> Result<DailySeries> {
    fit_file::read(path, Some(bytes), opts)
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
    let format = match opts.format {
        Format::Auto => Format::detect(headers.iter()),
        f => f,
    };
    // A column this reader reads must be named once (two `load` columns would silently read one
    // of them), except in Strava's export, which repeats names and whose first copy is read.
    let col = |name: &str| -> Result<Option<usize>> {
        let mut found = headers.iter().enumerate().filter(|(_, h)| h.eq_ignore_ascii_case(name)).map(|(i, _)| i);
        let first = found.next();
        if first.is_some() && found.next().is_some() && !format.repeats_headers() {
            return Err(Error::data(path, 1, name, format!("the column `{name}` appears twice; keep one")));
        }
        Ok(first)
    };
    let (day_col, dated, date_name) = match (opts.date_column.or(format.date_column()), col("day")?, col("date")?) {
        (Some(name), _, _) => match col(name)? {
            Some(c) => (c, true, name),
            None => {
                // A file from another platform than the one named: say which it looks like.
                let hint = match Format::detect(headers.iter()) {
                    f if f != format && f != Format::Periodize => format!("; this header looks like a {} export (--format {f}, format = \"{f}\")", f.platform()),
                    _ => String::new(),
                };
                return Err(Error::data(path, 1, name, format!("missing column: expected a `{name}` column ({} dates), found {}{hint}", format.platform(), list(&headers))));
            }
        },
        (None, Some(_), Some(_)) => return Err(Error::data(path, 1, "day", "both a `day` and a `date` column: keep one, so the days are not ambiguous")),
        (None, Some(c), _) => (c, false, "day"),
        (None, None, Some(c)) => (c, true, "date"),
        (None, None, None) => {
            return Err(Error::data(path, 1, "day", format!("missing column: expected a `day` or `date` column, found {}; for an export give --format ({})", list(&headers), FORMAT_NAMES.join(", "))));
        }
    };
    let load_name = match (opts.load_columns, opts.load_column) {
        (Some([hard, _]), _) => hard,
        (None, Some(name)) => name,
        (None, None) => {
            let tried = format.load_columns();
            let mut found = None;
            for name in tried {
                if col(name)?.is_some() {
                    found = Some(*name);
                    break;
                }
            }
            found.ok_or_else(|| {
                let names: Vec<String> = tried.iter().map(|n| format!("`{n}`")).collect();
                Error::data(path, 1, tried[0], format!("missing column: expected a {} column, found {}; name another load column with --load-column NAME (load_column = \"NAME\" in a scenario)", names.join(" or "), list(&headers)))
            })?
        }
    };
    let load_col = col(load_name)?.ok_or_else(|| Error::data(path, 1, load_name, format!("missing column: expected a `{load_name}` column, found {}", list(&headers))))?;
    let easy_col = match opts.load_columns {
        Some([_, easy]) => Some((easy, col(easy)?.ok_or_else(|| Error::data(path, 1, easy, format!("missing column: expected a `{easy}` column (the easy channel's loads), found {}", list(&headers))))?)),
        None => None,
    };
    let perf_col = if with_performance { Some(col("performance")?.ok_or_else(|| Error::data(path, 1, "performance", format!("missing column: expected a `performance` column, found {}", list(&headers))))?) } else { None };
    let label_col = match opts.label_column {
        Some(name) => col(name)?,
        None => None,
    };
    let zones = if opts.zones { Some(zone_columns(format, &headers, path, &col)?) } else { None };
    let date_formats: Vec<&str> = match opts.date_format {
        Some(f) => vec![f],
        None => format.date_formats().to_vec(),
    };

    let mut rows: Vec<Row> = Vec::new();
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, |p| p.line());
        let raw_day = record.get(day_col).unwrap_or("");
        let day = if dated {
            date_formats.iter().find_map(|f| parse_date_prefix(raw_day, f)).ok_or_else(|| {
                let expected = match (opts.date_format, format) {
                    (Some(f), _) => format!("does not match the date format \"{f}\""),
                    (None, Format::Periodize | Format::Auto) => "expected an ISO 8601 date (YYYY-MM-DD), or give --date-format".to_string(),
                    (None, f) => format!("expected a {} date ({}), or give --date-format", f.platform(), f.date_formats().join(" or ")),
                };
                Error::data(path, line, date_name, format!("\"{raw_day}\": {expected}"))
            })?
        } else {
            raw_day.parse::<i64>().map_err(|_| Error::data(path, line, "day", format!("\"{raw_day}\": expected an integer day")))?
        };
        let read_load = |c: usize, name: &str| -> Result<Option<f64>> {
            let raw = record.get(c).unwrap_or("");
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && (0.0..=MAX_LOAD).contains(x))
                .map(Some)
                .ok_or_else(|| Error::data(path, line, name, format!("\"{raw}\": expected a number from 0 to {MAX_LOAD:e} or an empty cell (daily loads are in the hundreds; beyond that the models overflow)")))
        };
        let (load, easy) = match easy_col {
            // One column per channel: the day's load is their sum.
            Some((name, c)) => {
                let (hard, easy) = (read_load(load_col, load_name)?, read_load(c, name)?);
                let load = match (hard, easy) {
                    (None, None) => None,
                    (h, e) => Some(h.unwrap_or(0.0) + e.unwrap_or(0.0)),
                };
                (load, easy.unwrap_or(0.0))
            }
            None => (read_load(load_col, load_name)?, 0.0),
        };
        let (easy, unzoned) = match (&zones, load) {
            (Some(z), Some(w)) => match z.easy_share(&record, path, line)? {
                Some(share) => (w * share, false),
                None => (0.0, w > 0.0),
            },
            _ => (easy, false),
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
        let label = label_col.and_then(|c| record.get(c)).filter(|x| !x.is_empty()).map(str::to_string);
        rows.push(Row { day, load, easy, perf, line, unzoned, label });
    }
    // Rows in any order (intervals.icu lists the newest first); rows of one day keep theirs.
    rows.sort_by_key(|r| r.day);
    let mut planned = 0;
    if format.has_planned_rows() {
        // Planned workouts: the rows without a load after the last day with one.
        let last_done = rows.iter().filter(|r| r.load.is_some() || r.perf.is_some()).map(|r| r.day).max();
        let keep = rows.iter().position(|r| Some(r.day) > last_done).unwrap_or(rows.len());
        planned = rows.len() - keep;
        rows.truncate(keep);
    }
    let empty_loads = rows.iter().filter(|r| r.load.is_none()).count();
    let unzoned = rows.iter().filter(|r| r.unzoned).count();
    let (Some(first), Some(last)) = (rows.first().map(|r| r.day), rows.last().map(|r| r.day)) else {
        let what = if planned > 0 { format!("no completed workouts: all {planned} rows are planned (no {load_name})") } else { "no data rows: expected at least one day".to_string() };
        return Err(Error::data(path, 2, date_name, what));
    };
    let span = last.checked_sub(first).and_then(|d| usize::try_from(d).ok()).map_or(usize::MAX, |d| d.saturating_add(1));
    if span > MAX_SPAN_DAYS {
        return Err(Error::data(path, 2, date_name, format!("days {first}..{last} span {span} days: at most {MAX_SPAN_DAYS} (100 years) are supported; is a day or date mistyped?")));
    }
    let mut load = vec![0.0; span];
    let split = easy_col.is_some() || zones.is_some();
    let mut easy = if split { vec![0.0; span] } else { Vec::new() };
    let mut performance = if with_performance { vec![None; span] } else { Vec::new() };
    let mut merged = 0;
    let mut seen = vec![false; span];
    let mut labels = if label_col.is_some() { vec![None; span] } else { Vec::new() };
    for r in rows {
        let i = (r.day - first) as usize;
        if seen[i] {
            // Another activity on the same day: its load adds to the day's.
            merged += 1;
            if r.perf.is_some() && performance[i].is_some() {
                return Err(Error::data(path, r.line, "performance", "a second performance test on this day; give one test a day"));
            }
        }
        seen[i] = true;
        load[i] += r.load.unwrap_or(0.0);
        // The limit holds for the day's total, not only for each row.
        if load[i] > MAX_LOAD {
            return Err(Error::data(path, r.line, load_name, format!("the day's rows add up to a load of {:e}, beyond {MAX_LOAD:e}", load[i])));
        }
        if let Some(x) = easy.get_mut(i) {
            *x = (*x + r.easy).min(load[i]);
        }
        if with_performance && r.perf.is_some() {
            performance[i] = r.perf;
        }
        if let (Some(slot @ None), Some(l)) = (labels.get_mut(i), r.label) {
            *slot = Some((l, r.line));
        }
    }
    let first_date = dated.then_some(first);
    let first_day = if dated { 0 } else { first };
    Ok(DailySeries { first_day, first_date, load, easy, performance, merged, format, load_column: load_name.to_string(), empty_loads, planned, unzoned, labels, utc_files: 0 })
}

/// One row as read, before the rows are sorted and merged into days.
struct Row {
    /// The day number (days since 1970-01-01 for dated input).
    day: i64,
    /// None for an empty load cell.
    load: Option<f64>,
    easy: f64,
    perf: Option<f64>,
    line: u64,
    /// A row with load but no time in any zone (`zones`).
    unzoned: bool,
    label: Option<String>,
}

/// The time-in-zone columns of an export for `--channels zones`.
struct Zones {
    /// Per family (power, heart rate), the column of each zone (None where absent).
    families: Vec<Vec<Option<usize>>>,
}

fn zone_columns(format: Format, headers: &csv::StringRecord, path: &Path, col: &dyn Fn(&str) -> Result<Option<usize>>) -> Result<Zones> {
    let Some(z) = format.zone_columns() else {
        return Err(Error::data(path, 1, "channels", format!("zones: this file is in the {} format, which has no time-in-zone columns (intervals.icu and TrainingPeaks exports have them); give one load column per channel instead (--load-columns hard=COL,easy=COL)", format.platform())));
    };
    let mut families = Vec::new();
    for fam in z.families {
        let cols = (1..=z.zones).map(|k| col(&fam.replace("{}", &k.to_string()))).collect::<Result<Vec<_>>>()?;
        families.push(cols);
    }
    if families.iter().all(|f| f.iter().all(Option::is_none)) {
        let names: Vec<String> = z.families.iter().map(|f| format!("`{}`", f.replace("{}", "1"))).collect();
        return Err(Error::data(path, 1, "channels", format!("zones: no time-in-zone columns ({}...) in this {} export, found {}", names.join(", "), format.platform(), list(headers))));
    }
    Ok(Zones { families })
}

impl Zones {
    /// The easy share (zones 1-2) of a row's time in zones, from the first family with any time;
    /// None when no family has any.
    fn easy_share(&self, record: &csv::StringRecord, path: &Path, line: u64) -> Result<Option<f64>> {
        for fam in &self.families {
            let (mut easy, mut total) = (0.0, 0.0);
            for (k, c) in fam.iter().enumerate() {
                let Some(c) = c else { continue };
                let raw = record.get(*c).unwrap_or("");
                if raw.is_empty() {
                    continue;
                }
                let t = raw.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0).ok_or_else(|| Error::data(path, line, &format!("zone {}", k + 1), format!("\"{raw}\": expected a time in the zone (0 or more) or an empty cell")))?;
                total += t;
                if k < 2 {
                    easy += t;
                }
            }
            if total > 0.0 {
                return Ok(Some(easy / total));
            }
        }
        Ok(None)
    }
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
    match_date(s.trim(), format).filter(|(_, rest)| rest.is_empty()).map(|(d, _)| d)
}

/// A date written in `format` at the start of `s`, followed by nothing or by a time after a
/// space, `T` or a comma (ignored: a datetime keeps its local date).
pub fn parse_date_prefix(s: &str, format: &str) -> Option<i64> {
    match_date(s.trim(), format).filter(|(_, rest)| rest.is_empty() || rest.starts_with([' ', 'T', ','])).map(|(d, _)| d)
}

/// The date `format` reads at the start of `s`, and the rest of `s`.
fn match_date<'s>(s: &'s str, format: &str) -> Option<(i64, &'s str)> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let (mut y, mut m, mut d) = (None, None, None);
    let mut rest = s;
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
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((days_from_civil(y, m, d), rest))
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
    fn each_platforms_dates_read_as_their_calendar_day() {
        let iso = parse_date("2026-12-20").unwrap();
        for (format, text) in [(Format::Intervals, "2026-12-20T07:20:35"), (Format::Strava, "Dec 20, 2026, 7:20:35 AM"), (Format::GoldenCheetah, "20/12/2026"), (Format::GoldenCheetah, "12/20/26"), (Format::GoldenCheetah, "2026/12/20")] {
            assert_eq!(format.date_formats().iter().find_map(|f| parse_date_prefix(text, f)), Some(iso), "{format} {text}");
        }
        // A date must be followed by nothing or a time: "2026-12-201" is no date.
        assert_eq!(parse_date_prefix("2026-12-201", "%Y-%m-%d"), None);
        assert_eq!(parse_date_format("Dec 20, 2026, 7:20", "%b %d, %Y"), None);
    }

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
        // Rows in any order: the series is that of the sorted rows.
        let s = parse_daily("day,load\n5,20\n3,10\n", Path::new("x.csv"), false).unwrap();
        assert_eq!((s.first_day, s.load.clone()), (3, vec![10.0, 0.0, 20.0]));
        let e = parse_daily("day,load\n1,NaN\n", Path::new("x.csv"), false).unwrap_err();
        assert_eq!(e.to_string(), "x.csv:2: load: \"NaN\": expected a number from 0 to 1e9 or an empty cell (daily loads are in the hundreds; beyond that the models overflow)");
    }
}
