//! The export formats a daily CSV may come in: periodize's own `day,load` / `date,load`, and the
//! activity exports of intervals.icu, TrainingPeaks, GoldenCheetah and Strava, each with its date
//! column, date format, default load column and (where the export has them) time-in-zone columns.
//!
//! The shapes are those the platforms write (checked against their exporters and users' parsers):
//! - intervals.icu `activities.csv`: `start_date_local` (`2026-12-20T07:20:35`), `icu_training_load`,
//!   power zones `z1_secs..z7_secs` and heart-rate zones `hr_z1_secs..hr_z7_secs`; newest first.
//! - TrainingPeaks `workouts.csv`: `WorkoutDay` (`2026-12-20`), `TSS`, `PWRZone1Minutes..10` and
//!   `HRZone1Minutes..10`; planned workouts are rows with an empty TSS.
//! - GoldenCheetah "Export Metrics as CSV" (and its REST API): `date, time, filename, <metrics>`,
//!   the date ISO (`2026-06-23`), `2026/06/23`, `06/23/26` (older versions) or `23/06/2026`;
//!   the load `BikeStress` (`TSS` before 3.5).
//! - Strava `activities.csv`: `Activity Date` (`Oct 7, 2020, 2:43:11 PM`), `Relative Effort`
//!   (or `Training Load`); several headers repeat, and the first of each is read.
//! - FIT activity files (Garmin, Wahoo, Hammerhead, ...; one file or a folder of them): each
//!   session message's `training_stress_score` on its local start date (see `fit_file`).

/// An export format of a daily CSV (`--format`, `format =` in a scenario).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Recognise the format from the header (periodize's own when nothing else matches).
    #[default]
    Auto,
    /// periodize's own: a `day` or `date` column and a `load` column.
    Periodize,
    /// intervals.icu's activities export.
    Intervals,
    /// TrainingPeaks' workouts export.
    TrainingPeaks,
    /// GoldenCheetah's metrics export.
    GoldenCheetah,
    /// Strava's bulk-export activities file.
    Strava,
    /// FIT activity files: a session's training stress score.
    Fit,
}

/// The names `--format` and `format =` accept.
pub const FORMAT_NAMES: [&str; 6] = ["intervals", "trainingpeaks", "goldencheetah", "strava", "fit", "auto"];

/// Columns of time in zones: the first family with any time on a row is used (power before
/// heart rate), zones 1 and 2 are the easy channel and zones 3 and up the hard one.
#[derive(Clone, Copy, Debug)]
pub struct ZoneColumns {
    /// Each family's column name for zone `{}` (1-based), e.g. `z{}_secs`.
    pub families: &'static [&'static str],
    /// The highest zone number.
    pub zones: usize,
}

impl Format {
    /// The format a name gives (`auto` included).
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "auto" => Format::Auto,
            "intervals" => Format::Intervals,
            "trainingpeaks" => Format::TrainingPeaks,
            "goldencheetah" => Format::GoldenCheetah,
            "strava" => Format::Strava,
            "fit" => Format::Fit,
            _ => return None,
        })
    }

    /// Its name, as `--format` takes it (`periodize` for the own format).
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Periodize => "periodize",
            Format::Intervals => "intervals",
            Format::TrainingPeaks => "trainingpeaks",
            Format::GoldenCheetah => "goldencheetah",
            Format::Strava => "strava",
            Format::Fit => "fit",
        }
    }

    /// The platform, for messages.
    pub fn platform(self) -> &'static str {
        match self {
            Format::Auto | Format::Periodize => "periodize",
            Format::Intervals => "intervals.icu",
            Format::TrainingPeaks => "TrainingPeaks",
            Format::GoldenCheetah => "GoldenCheetah",
            Format::Strava => "Strava",
            Format::Fit => "FIT",
        }
    }

    /// The format a header shows: the first platform whose date column (and, for GoldenCheetah,
    /// whose `time` and `filename`) it has, else periodize's own.
    pub fn detect<'h>(headers: impl Iterator<Item = &'h str> + Clone) -> Format {
        let has = |name: &str| headers.clone().any(|h| h.eq_ignore_ascii_case(name));
        if has("start_date_local") {
            Format::Intervals
        } else if has("WorkoutDay") {
            Format::TrainingPeaks
        } else if has("Activity Date") {
            Format::Strava
        } else if has("date") && has("time") && has("filename") {
            Format::GoldenCheetah
        } else {
            Format::Periodize
        }
    }

    /// The date column (None for periodize's own, which takes `day` or `date`).
    pub fn date_column(self) -> Option<&'static str> {
        match self {
            Format::Auto | Format::Periodize | Format::Fit => None,
            Format::Intervals => Some("start_date_local"),
            Format::TrainingPeaks => Some("WorkoutDay"),
            Format::GoldenCheetah => Some("date"),
            Format::Strava => Some("Activity Date"),
        }
    }

    /// The load columns tried in order when none is named.
    pub fn load_columns(self) -> &'static [&'static str] {
        match self {
            Format::Auto | Format::Periodize => &["load"],
            Format::Intervals => &["icu_training_load"],
            Format::TrainingPeaks => &["TSS"],
            Format::GoldenCheetah => &["BikeStress", "TSS"],
            Format::Strava => &["Relative Effort", "Training Load"],
            Format::Fit => &["training_stress_score"],
        }
    }

    /// The date formats tried in order (ISO 8601 is `%Y-%m-%d`); a date may be followed by a
    /// time, which is ignored: a datetime keeps its local date.
    pub fn date_formats(self) -> &'static [&'static str] {
        match self {
            Format::Auto | Format::Periodize | Format::Intervals | Format::TrainingPeaks => &["%Y-%m-%d"],
            // Unambiguous by the year's place and width.
            Format::GoldenCheetah => &["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%y", "%d/%m/%Y"],
            Format::Strava => &["%b %d, %Y", "%Y-%m-%d"],
            // Binary timestamps, no text dates.
            Format::Fit => &[],
        }
    }

    /// Its time-in-zone columns, where the export has them.
    pub fn zone_columns(self) -> Option<ZoneColumns> {
        match self {
            Format::Intervals => Some(ZoneColumns { families: &["z{}_secs", "hr_z{}_secs"], zones: 7 }),
            Format::TrainingPeaks => Some(ZoneColumns { families: &["PWRZone{}Minutes", "HRZone{}Minutes"], zones: 10 }),
            _ => None,
        }
    }

    /// Whether repeated header names are expected (Strava's), the first of each being read.
    pub fn repeats_headers(self) -> bool {
        self == Format::Strava
    }

    /// Whether rows with an empty load after the last completed day are planned workouts.
    pub fn has_planned_rows(self) -> bool {
        self == Format::TrainingPeaks
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
