//! summary.csv's columns: one table of named columns, each with its unit, its description and
//! how it is computed from a row's figures. summary.csv, the charts, the report, `optimize`
//! (objectives and constraints), scenario validation (which columns `[optimize]` may name) and
//! the README's column list all read this table; adding a column is one entry here.
//!
//! The columns that name a row (`variant`, then one per swept path) come before these; they
//! depend on the scenario, not on the row's figures.

use super::RowSummary;

/// What a column holds for one row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A number (written as the shortest text that reads back to the same f64).
    Num(f64),
    /// A count.
    Count(usize),
    /// Text.
    Text(&'a str),
    /// An empty cell: the value means nothing for this row (a reference row's comparison, a
    /// relative gain of a form).
    Empty,
}

impl Value<'_> {
    /// The value as a number: counts exactly, text and empty cells NaN.
    pub fn as_f64(&self) -> f64 {
        match *self {
            Value::Num(x) => x,
            Value::Count(n) => n as f64,
            Value::Text(_) | Value::Empty => f64::NAN,
        }
    }
}

/// Everything a column is computed from: a row's summary and the names that describe it.
#[derive(Clone, Copy, Debug)]
pub struct RowFigures<'a> {
    /// The row's summary (metrics' statistics and the comparison with its reference).
    pub summary: &'a RowSummary,
    /// The row's model: its preset's name, else its kind.
    pub model: &'a str,
    /// The row's kind of model (`busso`, `banister`, ...).
    pub kind: &'a str,
    /// The row's day convention, or None for a model without one.
    pub convention: Option<&'a str>,
    /// The row's label (variant and sweep point).
    pub label: &'a str,
    /// The label of the row this one is compared with, or None for a reference row.
    pub reference: Option<&'a str>,
}

impl<'a> RowFigures<'a> {
    /// The figures of a summary alone, without names: enough for every numeric column.
    pub fn of(summary: &'a RowSummary) -> Self {
        RowFigures { summary, model: "", kind: "", convention: None, label: "", reference: None }
    }
}

/// One summary.csv column.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The header name.
    pub name: &'static str,
    /// The unit: `perf` (the model's performance unit), `%`, `days`, `load` (the plan's load
    /// unit), `share` (0 to 1), `ratio`, `count` or `text`.
    pub unit: &'static str,
    /// What the column holds, for the docs.
    pub description: &'static str,
    /// How the value is computed from a row's figures.
    pub value: for<'a> fn(&RowFigures<'a>) -> Value<'a>,
}

impl Column {
    /// Whether the column holds numbers (a possible `[optimize]` objective or constraint).
    pub fn is_numeric(&self) -> bool {
        self.unit != "text"
    }

    /// The column's value for a row.
    pub fn get<'a>(&self, f: &RowFigures<'a>) -> Value<'a> {
        (self.value)(f)
    }
}

/// A numeric column.
macro_rules! num {
    ($name:literal, $unit:literal, $desc:literal, |$f:ident| $e:expr) => {
        Column { name: $name, unit: $unit, description: $desc, value: |$f| $e }
    };
}

/// A text column.
macro_rules! text {
    ($name:literal, $desc:literal, |$f:ident| $e:expr) => {
        Column { name: $name, unit: "text", description: $desc, value: |$f| $e }
    };
}

/// Statistic `k` (mean, sd, p05, p50, p95) of metric `m` (see [`super::METRICS`]).
fn stat(f: &RowFigures<'_>, m: usize, k: usize) -> Value<'static> {
    Value::Num(f.summary.stats[m][k])
}

/// Statistic `k` of the per-athlete gain in percent, empty where a gain means nothing.
fn gain(f: &RowFigures<'_>, k: usize) -> Value<'static> {
    f.summary.gain_pct.map_or(Value::Empty, |g| Value::Num(g[k]))
}

/// A value of the comparison with the reference, empty for a reference row.
fn cmp(f: &RowFigures<'_>, get: fn(&super::Comparison) -> f64) -> Value<'static> {
    f.summary.comparison.as_ref().map_or(Value::Empty, |c| Value::Num(get(c)))
}

/// The `perf_final_mean` column (the report shows it).
pub const PERF_FINAL_MEAN: Column = num!("perf_final_mean", "perf", "mean race-day performance", |f| stat(f, 0, 0));

/// The `gain_pct_mean` column (the report shows it).
pub const GAIN_PCT_MEAN: Column = num!("gain_pct_mean", "%", "mean per-athlete gain, 100 (race day - start) / start (empty for pmc or a start at or below 0)", |f| gain(f, 0));

/// The `win_rate` column (the report shows it).
pub const WIN_RATE: Column = num!("win_rate", "share", "share of athletes strictly better on race day than in the reference row", |f| cmp(f, |c| c.win_rate()));

/// The `diff_mean` column (the report shows it).
pub const DIFF_MEAN: Column = num!("diff_mean", "perf", "mean paired race-day difference, this row minus the reference, athlete by athlete", |f| cmp(f, |c| c.diff_mean));

/// The `diff_pct` column (the report shows it).
pub const DIFF_PCT: Column = num!("diff_pct", "%", "the mean difference in percent of the size of the reference's mean race-day performance", |f| cmp(f, |c| c.diff_pct));

/// The `better_share` column (the report shows it).
pub const BETTER_SHARE: Column = num!("better_share", "share", "share of athletes whose paired difference is above +swc", |f| cmp(f, |c| c.better_share()));

/// The `worse_share` column (the report shows it).
pub const WORSE_SHARE: Column = num!("worse_share", "share", "share of athletes whose paired difference is below -swc", |f| cmp(f, |c| c.worse_share()));

/// summary.csv's columns after the row's name columns, in file order.
pub const COLUMNS: &[Column] = &[
    num!("athletes", "count", "athletes in the row", |f| Value::Count(f.summary.athletes)),
    text!("reference", "the label of the row this one is compared with (empty for a reference row)", |f| match (&f.summary.comparison, f.reference) {
        (Some(_), Some(r)) => Value::Text(r),
        _ => Value::Empty,
    }),
    PERF_FINAL_MEAN,
    num!("perf_final_sd", "perf", "sd of race-day performance between athletes", |f| stat(f, 0, 1)),
    num!("perf_final_p05", "perf", "5% quantile of race-day performance", |f| stat(f, 0, 2)),
    num!("perf_final_p50", "perf", "median race-day performance", |f| stat(f, 0, 3)),
    num!("perf_final_p95", "perf", "95% quantile of race-day performance", |f| stat(f, 0, 4)),
    GAIN_PCT_MEAN,
    num!("gain_pct_sd", "%", "sd of the per-athlete gain", |f| gain(f, 1)),
    num!("gain_pct_p05", "%", "5% quantile of the per-athlete gain", |f| gain(f, 2)),
    num!("gain_pct_p50", "%", "median per-athlete gain", |f| gain(f, 3)),
    num!("gain_pct_p95", "%", "95% quantile of the per-athlete gain", |f| gain(f, 4)),
    num!("perf_peak_mean", "perf", "mean of each athlete's highest performance over the plan and race day", |f| stat(f, 1, 0)),
    num!("peak_day_mean", "days", "mean day of that peak (day 0 is the plan's first day; the plan's length is race day)", |f| stat(f, 2, 0)),
    num!("load_total_mean", "load", "mean total load done (after missed sessions and load noise)", |f| stat(f, 3, 0)),
    WIN_RATE,
    num!("win_rate_ci_low", "share", "Wilson 95% interval of the win rate, low end", |f| cmp(f, |c| c.win_rate_ci().0)),
    num!("win_rate_ci_high", "share", "Wilson 95% interval of the win rate, high end", |f| cmp(f, |c| c.win_rate_ci().1)),
    DIFF_MEAN,
    num!("diff_ci_low", "perf", "95% interval of the mean difference, low end", |f| cmp(f, |c| c.diff_ci().0)),
    num!("diff_ci_high", "perf", "95% interval of the mean difference, high end", |f| cmp(f, |c| c.diff_ci().1)),
    DIFF_PCT,
    num!("diff_ci_low_pct", "%", "95% interval of the percent difference, low end", |f| cmp(f, |c| c.diff_pct_ci().0)),
    num!("diff_ci_high_pct", "%", "95% interval of the percent difference, high end", |f| cmp(f, |c| c.diff_pct_ci().1)),
    num!("swc_pct", "%", "the smallest worthwhile change ([compare] swc), in percent of the reference's mean race-day performance", |f| cmp(f, |c| if c.has_level() { c.swc_pct } else { f64::NAN })),
    BETTER_SHARE,
    WORSE_SHARE,
    num!("diff_seconds_mean", "s", "with [run] race_time: the mean race-time difference in seconds, this row minus the reference (negative is faster); each athlete races the reference's plan in race_time", |f| cmp(f, |c| c.seconds.map_or(f64::NAN, |s| s.0))),
    num!("diff_seconds_ci_low", "s", "95% interval of diff_seconds_mean, low end", |f| cmp(f, |c| c.seconds_ci().0)),
    num!("diff_seconds_ci_high", "s", "95% interval of diff_seconds_mean, high end", |f| cmp(f, |c| c.seconds_ci().1)),
    num!("trivial_share", "share", "share of athletes whose paired difference lies within +/-swc", |f| cmp(f, |c| c.trivial_share())),
    text!("verdict", "better or worse (the 95% interval of diff_pct lies above +swc or below -swc), trivial (inside +/-swc) or unclear (straddles one of them); empty for a reference row", |f| match &f.summary.comparison {
        Some(c) => c.verdict().map_or(Value::Empty, |v| Value::Text(v.name())),
        None => Value::Empty,
    }),
    num!("perf_peak_sd", "perf", "sd of the peak performance", |f| stat(f, 1, 1)),
    num!("perf_peak_p05", "perf", "5% quantile of the peak performance", |f| stat(f, 1, 2)),
    num!("perf_peak_p50", "perf", "median peak performance", |f| stat(f, 1, 3)),
    num!("perf_peak_p95", "perf", "95% quantile of the peak performance", |f| stat(f, 1, 4)),
    num!("peak_day_sd", "days", "sd of the peak's day", |f| stat(f, 2, 1)),
    num!("peak_day_p05", "days", "5% quantile of the peak's day", |f| stat(f, 2, 2)),
    num!("peak_day_p50", "days", "median peak day", |f| stat(f, 2, 3)),
    num!("peak_day_p95", "days", "95% quantile of the peak's day", |f| stat(f, 2, 4)),
    num!("load_total_sd", "load", "sd of the total load done", |f| stat(f, 3, 1)),
    num!("load_total_p05", "load", "5% quantile of the total load done", |f| stat(f, 3, 2)),
    num!("load_total_p50", "load", "median total load done", |f| stat(f, 3, 3)),
    num!("load_total_p95", "load", "95% quantile of the total load done", |f| stat(f, 3, 4)),
    num!("days_below_mean", "days", "mean number of plan days with performance below the baseline (p0, pp0 or form 0 from a rested start, else the starting level)", |f| stat(f, 4, 0)),
    num!("days_below_sd", "days", "sd of the days below the baseline", |f| stat(f, 4, 1)),
    num!("days_below_p05", "days", "5% quantile of the days below the baseline", |f| stat(f, 4, 2)),
    num!("days_below_p50", "days", "median days below the baseline", |f| stat(f, 4, 3)),
    num!("days_below_p95", "days", "95% quantile of the days below the baseline", |f| stat(f, 4, 4)),
    num!("acwr_max_mean", "ratio", "mean of each athlete's largest 7:28 acute:chronic workload ratio (empty for plans under 28 days)", |f| stat(f, 5, 0)),
    num!("acwr_max_sd", "ratio", "sd of the largest ACWR", |f| stat(f, 5, 1)),
    num!("acwr_max_p05", "ratio", "5% quantile of the largest ACWR", |f| stat(f, 5, 2)),
    num!("acwr_max_p50", "ratio", "median largest ACWR", |f| stat(f, 5, 3)),
    num!("acwr_max_p95", "ratio", "95% quantile of the largest ACWR", |f| stat(f, 5, 4)),
    num!("fitness_race_mean", "load", "mean fitness on race day by the coaches' chart (PMC: 42-day fitness, GoldenCheetah's smoothing) over each athlete's loads done, in the scenario's load units, whatever the model; the morning of race day, after the last plan day", |f| stat(f, 6, 0)),
    num!("fatigue_race_mean", "load", "mean fatigue on race day by the same chart (7 days)", |f| stat(f, 7, 0)),
    num!("form_race_mean", "load", "mean form on race day: fitness_race_mean minus fatigue_race_mean (TrainingPeaks' and GoldenCheetah's form of the day: yesterday's fitness minus yesterday's fatigue)", |f| Value::Num(stat(f, 6, 0).as_f64() - stat(f, 7, 0).as_f64())),
    num!("ramp_max_mean", "load", "mean of each athlete's largest 7-day rise of that fitness over the plan (the ramp rate, fitness points per week)", |f| stat(f, 8, 0)),
    text!("model", "the row's model: its preset (busso2003, ...), else its kind", |f| Value::Text(f.model)),
    text!("kind", "the row's kind of model (busso, banister, fitness-delay, perpot, pmc)", |f| Value::Text(f.kind)),
    text!("convention", "the row's day convention (empty for models without one)", |f| f.convention.map_or(Value::Empty, Value::Text)),
    num!("plan_days", "days", "the plan's length in days (race day is the day after)", |f| Value::Count(f.summary.plan_days)),
    text!("label", "the row's label: variant and sweep point (and model=PRESET under [compare] models)", |f| Value::Text(f.label)),
];

/// The column of a name, or None.
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name)
}

/// The numeric columns' names, in file order (what `[optimize]` may name).
pub fn numeric_names() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().filter(|c| c.is_numeric()).map(|c| c.name)
}

/// The column list as a Markdown table (the README's "summary.csv columns" section is this
/// text, checked by a test).
pub fn markdown_table() -> String {
    let mut t = String::from("| column | unit | what it holds |\n|---|---|---|\n");
    t.push_str("| `variant`, then one column per swept path | text | the row's variant and sweep point |\n");
    for c in COLUMNS {
        t.push_str(&format!("| `{}` | {} | {} |\n", c.name, c.unit, c.description));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_column() {
        let readme = include_str!("../../README.md");
        let (start, end) = ("<!-- summary-columns: start -->\n", "<!-- summary-columns: end -->");
        let a = readme.find(start).expect("README has the summary-columns section") + start.len();
        let b = readme[a..].find(end).expect("the section ends") + a;
        assert_eq!(&readme[a..b], markdown_table(), "the README's summary.csv column table is out of date: replace it with the text above");
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in COLUMNS.iter().enumerate() {
            assert!(COLUMNS[i + 1..].iter().all(|b| b.name != a.name), "{} twice", a.name);
        }
    }
}
