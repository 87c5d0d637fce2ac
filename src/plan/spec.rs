//! What a plan is made of, as a validated scenario describes it: phases with their week template,
//! blocks and progression, the taper, targets, or a file of daily loads. [`super::generate`] turns
//! a [`PlanSpec`] into days.

use std::path::PathBuf;

/// How keys are placed in the week.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Spacing {
    /// As far apart as possible, counting the gap across the week boundary.
    Spread,
    /// Consecutive days.
    Clustered,
    /// Explicit weekdays (0 = Monday).
    Days(Vec<usize>),
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
/// Recovery weeks: every `every`-th week at `factor` times its load.
pub struct Recovery {
    /// The cycle length in weeks (the last week of each cycle recovers).
    pub every: usize,
    /// The load factor of a recovery week.
    pub factor: f64,
    /// Which weeks the cycle counts: the phase's own (default) or the plan's.
    pub count: RecoveryCount,
}

/// How recovery weeks are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecoveryCount {
    /// Weeks numbered from the start of each phase.
    #[default]
    Phase,
    /// Weeks numbered from the start of the plan, across phases.
    Plan,
}

/// A long session on one weekday every week.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct LongRun {
    /// 0 = Monday.
    pub weekday: usize,
    /// Its load.
    pub load: f64,
    /// Its channel (`long_run.channel`); None: the plan's `channels.long`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

use crate::plan::Channel;

/// The channel of each kind of session (`[plan] channels = { key = "hard", easy = "easy", long =
/// "easy" }`, the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Channels {
    /// Key sessions' channel.
    pub key: Channel,
    /// Easy runs' channel.
    pub easy: Channel,
    /// The long run's channel (a phase's `long_run.channel` overrides it).
    pub long: Channel,
}

impl Default for Channels {
    fn default() -> Self {
        Channels { key: Channel::Hard, easy: Channel::Easy, long: Channel::Easy }
    }
}

impl Channels {
    /// The channel of a session (None for a rest day); `long` overrides the long run's.
    pub fn of(&self, s: crate::plan::Session, long: Option<Channel>) -> Option<Channel> {
        use crate::plan::Session;
        match s {
            Session::Key => Some(self.key),
            Session::Easy => Some(self.easy),
            Session::Long => Some(long.unwrap_or(self.long)),
            Session::Rest => None,
        }
    }
}

/// `target_total_load`: a number, or the planned total of the row's comparison reference.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TotalTarget {
    /// This total load.
    Load(f64),
    /// Resolved to `Load` during validation; a reference row itself is left unscaled.
    Reference,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
/// Overreach blocks: `weeks` weeks at `factor` times their load before each recovery week.
pub struct Overreach {
    /// Weeks of each block.
    pub weeks: usize,
    /// Their load factor.
    pub factor: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
/// How load falls over a taper.
pub enum TaperShape {
    /// Every taper day at `factor`.
    Step,
    /// From 1 down to `factor` in equal steps: day j of n at 1 - (1 - factor) j / n.
    Linear,
    /// Geometric: day j of n at factor^(j / n).
    Exponential,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
/// The taper: the last `days` plan days reduced towards `factor`.
pub struct Taper {
    /// Its length in days.
    pub days: usize,
    /// The load factor it reaches.
    pub factor: f64,
    /// How load falls.
    pub shape: TaperShape,
    /// `overload = { days, factor }`: the `days` days right before the taper multiplied by
    /// `factor` (Thomas & Busso's 2005 pre-taper overload); None without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overload: Option<Overload>,
}

/// A pre-taper overload: the `days` days right before the taper at `factor` times their load.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Overload {
    /// Days of overload.
    pub days: usize,
    /// Their load factor.
    pub factor: f64,
}

/// One block of a generated plan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Phase {
    /// The phase's name.
    pub name: String,
    /// Its length in weeks.
    pub weeks: usize,
    /// Key workouts per week.
    pub key_workouts: usize,
    /// How the key workouts are placed in the week.
    pub spacing: Spacing,
    /// Load of a key workout.
    pub key_load: f64,
    /// Load of an easy day.
    pub easy_load: f64,
    /// Rest days per week.
    pub rest_days: usize,
    /// Recovery weeks, if any.
    pub recovery: Option<Recovery>,
    /// Overreach blocks, if any.
    pub overreach: Option<Overreach>,
    /// Weekly growth: week k of the phase (0-based) is scaled by (1 + progression)^k.
    pub progression: f64,
    /// Continue the progression from the previous phase's last normal week instead of
    /// restarting it at 1.
    pub progression_carry: bool,
    /// A long session every week.
    pub long_run: Option<LongRun>,
    /// Scale the phase's template week (before block factors) to this weekly load.
    pub target_weekly_load: Option<f64>,
}

/// A daily plan: generated from phases, or read from a CSV.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanSpec {
    /// A plan generated from phases.
    Generated {
        /// The phases, in order.
        phases: Vec<Phase>,
        /// The taper, if any.
        taper: Option<Taper>,
        /// Scale the whole finished plan to this total load.
        target_total_load: Option<TotalTarget>,
        /// Explicit weekly totals, one per plan week (replacing template, progression, weekly
        /// target and block factors).
        weekly_loads: Option<Vec<f64>>,
        /// Race day's weekday in the last plan week (0 = Monday); None: the Monday after it.
        race_weekday: Option<usize>,
        /// The calendar date of day 0 (a Monday), as days since 1970-01-01.
        start_date: Option<i64>,
        /// The channel of each kind of session.
        channels: Channels,
    },
    /// A plan read from a CSV of daily loads.
    File {
        /// The file.
        path: PathBuf,
        /// Its daily loads.
        loads: Vec<f64>,
        /// Sessions given in the file's `session` column, if it had one.
        sessions: Option<Vec<crate::plan::Session>>,
        /// A taper applied to the file's last days, if any.
        taper: Option<Taper>,
        /// The calendar date of day 0, when the file was dated or `start_date` was given.
        start_date: Option<i64>,
        /// The channel of each kind of session (for a file with one load column).
        channels: Channels,
        /// Each day's easy share of its load, when the file gave one load column per channel
        /// (`load_columns`).
        easy_share: Option<Vec<f64>>,
    },
}

impl PlanSpec {
    /// The calendar date of day 0, if the plan has one.
    pub fn start_date(&self) -> Option<i64> {
        match self {
            PlanSpec::Generated { start_date, .. } | PlanSpec::File { start_date, .. } => *start_date,
        }
    }

    /// The channel of each kind of session.
    pub fn channels(&self) -> Channels {
        match self {
            PlanSpec::Generated { channels, .. } | PlanSpec::File { channels, .. } => *channels,
        }
    }
}
