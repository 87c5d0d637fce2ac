//! The validated scenario: what the engine runs. Built only by [`super::load`], so every value
//! here has been checked; the engine never re-checks.

use std::path::PathBuf;

pub use crate::plan::spec::*;
pub use crate::population::spec::*;

/// How a row's loads, in the scenario's units, map onto the units its model was calibrated in:
/// the model sees `scale` times every day's load (the start's too); loads written out, totals,
/// the ACWR and load targets stay in the scenario's units.
///
/// A preset was calibrated on athletes who trained at `calibration_load` a day of its unit. By
/// default the athlete's habitual load (`[athlete] habitual_load`, else the start's steady load,
/// else the mean of the start's history over its last 42 days) is mapped onto it:
/// scale = calibration_load / habitual_load. `[model] load_scale = X` sets the scale (1.0: off).
/// A model without a preset, or a rested start without a habitual load, takes the loads as
/// they are (scale 1).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LoadMap {
    /// Model units per scenario unit.
    pub scale: f64,
    /// Where the scale comes from: `none` (no preset, or no habitual load: loads as written),
    /// `load_scale` (given), `habitual_load`, `steady_load` or `history` (the start's).
    pub from: &'static str,
    /// The habitual load mapped onto the preset's calibration load (scenario units a day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub habitual_load: Option<f64>,
}

impl Default for LoadMap {
    fn default() -> Self {
        LoadMap { scale: 1.0, from: "none", habitual_load: None }
    }
}

/// The state an athlete starts the plan in (`[athlete] start`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The model's initial state from its parameters (g0, h0, ...): today's behaviour.
    #[default]
    Rested,
    /// The exact steady state of each athlete's model under this constant daily load.
    SteadyLoad(f64),
    /// Each athlete's own model run over these daily loads; the plan starts the day after.
    History {
        /// The CSV file of daily loads.
        path: PathBuf,
        #[serde(skip)]
        /// Its daily loads.
        loads: std::sync::Arc<Vec<f64>>,
        /// Its number of days (rest days filled in by `gap = "rest"` included).
        days: usize,
        /// The date of its last day, when it was dated.
        #[serde(skip)]
        last_date: Option<i64>,
        /// `gap = "rest"`: the days between the history's end and the plan's start are rest.
        #[serde(skip)]
        gap_rest: bool,
        /// The rest days filled in between the history's end and the plan's start.
        gap: usize,
    },
}

impl Start {
    /// The days of history each athlete runs before the plan (0 without a history).
    pub fn history_days(&self) -> usize {
        match self {
            Start::History { days, .. } => *days,
            _ => 0,
        }
    }
}

impl Start {
    /// Where the athletes start, in a coach's words: the history's file, days, last date and
    /// its PMC fitness (42-day, GoldenCheetah's smoothing) on the plan's first day, in the
    /// history's own load units.
    pub fn describe(&self) -> String {
        match self {
            Start::Rested => "rested (the model's initial state)".to_string(),
            Start::SteadyLoad(w) => format!("steady load {} a day", crate::output::short(*w)),
            Start::History { path, days, last_date, gap, .. } => {
                let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
                let fitness = self.pmc().fitness;
                let to = last_date.map_or(String::new(), |d| format!(" to {}", crate::daily::format_date(d + *gap as i64)));
                let rest = if *gap > 0 { format!(" (the last {gap} rest days filled in)") } else { String::new() };
                format!("history {file}, {days} days{to}{rest}, fitness {fitness:.1} on the start day")
            }
        }
    }

    /// The coaches' chart at the start of the plan (in the scenario's load units): 0 when
    /// rested, the steady load throughout for a steady start, a history's own chart after its
    /// days, with the last 7 days' fitness in the order the plan's first week reads them.
    pub fn pmc(&self) -> crate::model::PmcState {
        use crate::model::PmcState;
        let fresh = PmcState { ramp_max: f64::NEG_INFINITY, ..Default::default() };
        match self {
            Start::Rested => fresh,
            Start::SteadyLoad(w) => PmcState { fitness: *w, fatigue: *w, ring: [*w; 7], ..fresh },
            Start::History { loads, .. } => {
                let mut s = fresh;
                for &w in loads.iter() {
                    s.step(w);
                }
                // The plan's day d finds the fitness of day d - 7 in slot d % 7.
                let ring = std::array::from_fn(|d| s.ring[(s.days + d) % 7]);
                PmcState { ring, ..PmcState { fitness: s.fitness, fatigue: s.fatigue, ..fresh } }
            }
        }
    }

    /// Whether athletes start from the model's initial state.
    pub fn is_rested(&self) -> bool {
        matches!(self, Start::Rested)
    }

    /// The loads of the days before the plan that the ACWR looks back on (the last 28 at most):
    /// none when rested, 28 days of the steady load, or the history's last 28 days.
    pub fn recent_loads(&self) -> Vec<f64> {
        match self {
            Start::Rested => Vec::new(),
            Start::SteadyLoad(w) => vec![*w; 28],
            Start::History { loads, .. } => loads[loads.len().saturating_sub(28)..].to_vec(),
        }
    }
}

/// Day-to-day noise on loads and on the measured performance.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Noise {
    /// Each session's load is multiplied by a lognormal factor with mean 1 and this cv.
    pub load_cv: f64,
    /// The probability that a session is skipped.
    pub miss_rate: f64,
    /// The sd of a normal measurement error added to the race-day result (`perf_final`); the
    /// peak, its day, the days below baseline and the daily aggregates are the model's own.
    pub test_sd: f64,
}


/// One row of a run: a variant at one sweep point.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Row {
    /// The variant's name.
    pub(crate) variant: String,
    /// The swept values at this point, as written (strings unquoted), in sweep order.
    pub(crate) sweep: Vec<String>,
    pub(crate) model: ModelSpec,
    pub(crate) plan: PlanSpec,
    pub(crate) noise: Noise,
    /// How the athletes start the plan.
    pub(crate) start: Start,
    /// The index of the row this one is compared with (`[compare]`), or None for a reference row.
    pub(crate) reference: Option<usize>,
    /// How the scenario's loads map onto the model's (`[athlete] habitual_load`, `[model] load_scale`).
    pub(crate) load_map: LoadMap,
    /// The plan's days, generated on first use ([`Row::generated`]).
    #[serde(skip)]
    pub(crate) generated: PlanCache,
    /// The race-week rules its plan is checked against (`[plan] race_week`, `max_ramp`).
    #[serde(skip)]
    pub(crate) race_rules: RaceRules,
}

/// `[plan] race_week = { last_key = N }` and `[plan] max_ramp`: what validate and run warn about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RaceRules {
    /// The fewest days between the last key session and race day (default 3).
    pub last_key: i64,
    /// The largest 7-day rise of the coaches' chart's fitness, if limited.
    pub max_ramp: Option<f64>,
}

impl Default for RaceRules {
    fn default() -> Self {
        RaceRules { last_key: 3, max_ramp: None }
    }
}

/// A row's generated plan, made once on first use. A clone starts empty, so a row cloned and
/// given another plan never sees the old one's days.
#[derive(Default)]
pub struct PlanCache(std::sync::OnceLock<crate::plan::Plan>);

impl Clone for PlanCache {
    fn clone(&self) -> Self {
        PlanCache::default()
    }
}

impl PartialEq for PlanCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "PlanCache(generated)" } else { "PlanCache(empty)" })
    }
}

impl Row {
    /// Whether two rows run the same model: the same kind and the same preset (parameters may
    /// differ: that is a variant of the model, not another model).
    pub fn same_model(&self, other: &Row) -> bool {
        self.model.config.kind == other.model.config.kind && self.model.joint.preset == other.model.joint.preset
    }

    /// The model the row runs, as a person names it: the preset, else the kind.
    pub fn model_name(&self) -> &str {
        self.model.joint.preset.as_deref().unwrap_or(self.model.config.kind.name())
    }
}

impl Row {
    /// The plan's days ([`crate::plan::generate`] of [`Row::plan`]), generated once per row and
    /// shared by the engine, the charts, the report and the plan files.
    pub fn generated(&self) -> &crate::plan::Plan {
        self.generated.0.get_or_init(|| crate::plan::generate(&self.plan))
    }

    /// The variant's name.
    pub fn variant(&self) -> &str {
        &self.variant
    }

    /// The swept values at this point, as written, in the order of [`Scenario::sweep_paths`].
    pub fn sweep(&self) -> &[String] {
        &self.sweep
    }

    /// The model and its population.
    pub fn model(&self) -> &ModelSpec {
        &self.model
    }

    /// The plan; [`crate::plan::generate`] turns it into days.
    pub fn plan(&self) -> &PlanSpec {
        &self.plan
    }

    /// Load and measurement noise.
    pub fn noise(&self) -> Noise {
        self.noise
    }

    /// How the athletes start the plan.
    pub fn start(&self) -> &Start {
        &self.start
    }

    /// The index of the row this one is compared with, or None for a reference row.
    pub fn reference(&self) -> Option<usize> {
        self.reference
    }

    /// How the row's loads map onto its model's units.
    pub fn load_map(&self) -> &LoadMap {
        &self.load_map
    }

    /// The mapping in words, e.g. `1 TSS = 1.31 units of busso2003 (one interval session = 100);
    /// habitual load 40.0 a day (the start's steady load) = the 52.4 a day it was calibrated at`.
    /// `unit` is the scenario's load unit (`[run] load_unit`, empty: "load unit").
    pub fn load_mapping(&self, unit: &str) -> String {
        let unit = if unit.is_empty() { "load unit" } else { unit };
        let m = &self.load_map;
        let name = self.model_name();
        let preset = self.model.joint.preset.as_deref().and_then(super::presets::find);
        let theirs = preset.map_or_else(|| "the model's units".to_string(), |p| format!("units of {name} ({})", p.load_unit));
        match (m.from, m.habitual_load, preset) {
            ("load_scale", _, _) if m.scale == 1.0 => format!("{name}: load_scale = 1: loads are taken as they are, in {theirs} (mapping off)"),
            ("load_scale", _, _) => format!("1 {unit} = {} {theirs} (load_scale)", crate::output::num(m.scale)),
            (from, Some(h), Some(p)) => {
                let why = match from {
                    "habitual_load" => "athlete.habitual_load",
                    "steady_load" => "the start's steady load",
                    _ => "the mean of the start's history over its last 42 days",
                };
                format!("1 {unit} = {:.3} {theirs}: the habitual load of {h:.1} a day ({why}) maps onto the {:.1} a day {name} was calibrated at", m.scale, p.calibration_load)
            }
            (_, _, Some(_)) => format!("{name}: no habitual load (a rested start without athlete.habitual_load): loads are taken as they are, in {theirs}"),
            _ => format!("{name}: loads are taken as they are (no preset to map them onto)"),
        }
    }

    /// A readable name: the variant and its sweep point, e.g. `ttr plan.key_workouts=3`.
    pub fn label(&self, sweep_paths: &[String]) -> String {
        let mut s = self.variant.clone();
        for (p, v) in sweep_paths.iter().zip(&self.sweep) {
            s.push_str(&format!(" {p}={v}"));
        }
        s
    }
}

/// A validated scenario: its rows in run order (variants, then sweep points, last path fastest).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) path: PathBuf,
    pub(crate) seed: u64,
    pub(crate) athletes: usize,
    pub(crate) sweep_paths: Vec<String>,
    pub(crate) rows: Vec<Row>,
    /// How rows are compared (`[compare]`), as written; each row's partner is [`Row::reference`].
    pub(crate) compare: Compare,
    /// Axis units (`[run] load_unit`, `performance_unit`), empty when not declared.
    pub(crate) load_unit: String,
    pub(crate) performance_unit: String,
    /// `[run] race_time` and `performance_is`: race-day differences in seconds.
    pub(crate) race: Option<RaceTime>,
    /// The comment lines at the top of the file (the scenario's question), without `#`.
    pub(crate) opening_comment: String,
    /// SHA-256 of the scenario file's bytes, in hex.
    pub(crate) sha256: String,
    /// Things that validate but look wrong (`file:line:col: message`), for stderr.
    pub(crate) warnings: Vec<String>,
    /// `[optimize]`: what `periodize optimize` searches (`periodize run` runs the rows as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) optimize: Option<super::optimize::Optimize>,
    /// The variants' trees, for the rows `optimize` builds at new points (with `[optimize]` only).
    #[serde(skip)]
    pub(crate) source: Option<std::sync::Arc<super::optimize::Source>>,
}

/// `[run] race_time = "H:MM:SS"` (`performance_is = "speed"` or `"power"`): each athlete races
/// the reference row's plan in this time, and a row's race-day performance P against the
/// reference's P_ref changes it to race_time x (P_ref / P)^exponent: exponent 1 for a speed
/// (time = distance / speed), 1/3 for a power (on flat ground, aerodynamic drag makes the power
/// grow with the cube of speed).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct RaceTime {
    /// The reference's race time, in seconds.
    pub seconds: f64,
    /// 1 for speed, 1/3 for power.
    pub exponent: f64,
}

/// The `[compare]` table as written.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Compare {
    /// The variant every other variant is compared with at the same sweep point.
    pub reference: Option<String>,
    /// A swept path: each row is compared with the row at this path's first value, all else equal.
    pub across: Option<String>,
    /// The smallest worthwhile change, in percent of the reference row's mean race-day
    /// performance (default [`DEFAULT_SWC_PCT`]).
    pub swc: f64,
    /// Whether a row may be compared with a row of another model (`[compare] across_models`).
    pub across_models: bool,
    /// The presets every variant runs under (`[compare] models`), empty when the scenario's
    /// own `[model]` is run; rows are in model order, then variant order, then sweep order.
    pub models: Vec<String>,
}

/// The default smallest worthwhile change: 0.5% of race-day performance. Hopkins' smallest
/// worthwhile change for an athlete's competitive performance is about 0.3 of the
/// race-to-race variation (coefficient of variation) of top athletes, which is 0.5-1.5% in
/// running, cycling and swimming events (Hopkins, Hawley & Burke 1999, Med Sci Sports Exerc
/// 31:472-485; Hopkins 2004, Sportscience 8:1-7): 0.3 x 1.5% is about 0.5%.
pub const DEFAULT_SWC_PCT: f64 = 0.5;

impl Default for Compare {
    fn default() -> Self {
        Compare { reference: None, across: None, swc: DEFAULT_SWC_PCT, across_models: false, models: Vec::new() }
    }
}

impl Scenario {
    /// `name`, or the file's stem.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `description`, as written (may be empty).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The scenario file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// `[run] seed` (or the default).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// `[run] athletes` (or the default).
    pub fn athletes(&self) -> usize {
        self.athletes
    }

    /// The swept paths, in sweep order (`plan.key_workouts`, ...).
    pub fn sweep_paths(&self) -> &[String] {
        &self.sweep_paths
    }

    /// The rows in run order: variants, then sweep points, the last path fastest.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// How rows are compared (`[compare]`), as written.
    pub fn compare(&self) -> &Compare {
        &self.compare
    }

    /// Each distinct load mapping of the rows ([`Row::load_mapping`]), in row order: what
    /// `validate` prints and manifest.json records.
    /// Where the athletes start, once per distinct start ("rested", "steady load 60", "history
    /// activities.csv, 182 days to 2026-12-20, fitness 61.8 on the start day").
    pub fn starts(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.rows.iter().map(|r| r.start.describe()).filter(|m| seen.insert(m.clone())).collect()
    }

    /// The distinct load mappings of the rows ([`Row::load_mapping`]).
    pub fn load_mappings(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.rows.iter().map(|r| r.load_mapping(&self.load_unit)).filter(|m| seen.insert(m.clone())).collect()
    }

    /// `[run] load_unit`, empty when not declared.
    pub fn load_unit(&self) -> &str {
        &self.load_unit
    }

    /// `[run] performance_unit`, empty when not declared.
    pub fn performance_unit(&self) -> &str {
        &self.performance_unit
    }

    /// The comment lines at the top of the file (the scenario's question), without `#`.
    pub fn opening_comment(&self) -> &str {
        &self.opening_comment
    }

    /// SHA-256 of the scenario file's bytes, in hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Things that validate but look wrong (`file:line:col: message`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// `[optimize]`, when the scenario has one.
    pub fn optimize(&self) -> Option<&super::optimize::Optimize> {
        self.optimize.as_ref()
    }

    /// A short name of row `i` for charts and verdicts: the variant (left out when the scenario
    /// has a single, unnamed variant) and each swept value as `key=value`, with the last segment
    /// of the path as the key.
    pub fn short_label(&self, i: usize) -> String {
        let label = self.plan_label(i);
        if self.by_model() { format!("{label}, {}", self.rows[i].model_name()) } else { label }
    }

    /// [`Scenario::short_label`] without the model: what names the row's plan.
    pub fn plan_label(&self, i: usize) -> String {
        let row = &self.rows[i];
        let mut parts = Vec::new();
        if !self.one_variant() || self.sweep_paths.is_empty() {
            parts.push(row.variant.clone());
        }
        for (p, v) in self.sweep_paths.iter().zip(&row.sweep) {
            parts.push(format!("{}={v}", short_path(p, &self.sweep_paths)));
        }
        parts.join(", ")
    }

    /// Whether the scenario has one variant (rows are in variant order, so then the first and
    /// last rows share it).
    fn one_variant(&self) -> bool {
        self.rows.first().map(|r| &r.variant) == self.rows.last().map(|r| &r.variant)
    }

    /// The rows with distinct plans: all of them, or under `[compare] models` the first
    /// model's (every model runs the same plans).
    pub fn plan_rows(&self) -> std::ops::Range<usize> {
        0..self.rows.len() / self.compare.models.len().max(1)
    }

    /// Whether the rows repeat the variants under several models (`[compare] models`): then a
    /// row's name includes its model.
    pub fn by_model(&self) -> bool {
        !self.compare.models.is_empty()
    }

    /// Row `i`'s label in summary.csv (`label`, `reference`): [`Row::label`], and under
    /// `[compare] models` its model, so that every row's label is unique.
    pub fn row_label(&self, i: usize) -> String {
        let label = self.rows[i].label(&self.sweep_paths);
        if self.by_model() { format!("{label} model={}", self.rows[i].model_name()) } else { label }
    }

    /// Row `i`'s performance unit: `[run] performance_unit`, else its preset's (empty when
    /// neither says).
    pub fn perf_unit(&self, i: usize) -> String {
        if !self.performance_unit.is_empty() {
            return self.performance_unit.clone();
        }
        self.rows[i].model.joint.preset.as_deref().and_then(crate::scenario::presets::find).map_or(String::new(), |p| p.performance_unit.to_string())
    }

    /// The presets of `[compare] models`, in row order (empty without it).
    pub fn models(&self) -> &[String] {
        &self.compare.models
    }

    /// What tells row `i` apart from its reference: (this row's differing values, the
    /// reference's, the swept values both share), e.g. (`clustered`, `spread`, `key_workouts=3`).
    /// None for a reference row.
    pub fn diff_parts(&self, i: usize) -> Option<(String, String, String)> {
        let (mine, theirs, mut same) = self.parts(i)?;
        if self.by_model() {
            same.push(self.rows[i].model_name().to_string());
        }
        Some((mine.join(", "), theirs.join(", "), same.join(", ")))
    }

    /// What differs between row `i` and its reference and what they share, model aside.
    fn parts(&self, i: usize) -> Option<(Vec<String>, Vec<String>, Vec<String>)> {
        let row = &self.rows[i];
        let r = &self.rows[row.reference?];
        let (mut mine, mut theirs, mut same) = (Vec::new(), Vec::new(), Vec::new());
        if row.variant != r.variant {
            mine.push(row.variant.clone());
            theirs.push(r.variant.clone());
        } else if !self.one_variant() {
            // Within one of several variants (`across`): name it, or two variants' questions read alike.
            same.push(row.variant.clone());
        }
        for ((p, a), b) in self.sweep_paths.iter().zip(&row.sweep).zip(&r.sweep) {
            let key = short_path(p, &self.sweep_paths);
            if a == b {
                same.push(format!("{key}={a}"));
            } else {
                mine.push(format!("{key}={a}"));
                theirs.push(format!("{key}={b}"));
            }
        }
        Some((mine, theirs, same))
    }

    /// Row `i`'s comparison named without its model (what `verdicts.csv` calls a comparison:
    /// the same question under every model), e.g. `clustered vs spread (key_workouts=3)`.
    pub fn question(&self, i: usize) -> Option<String> {
        let (a, b, same) = self.parts(i)?;
        let (a, b, same) = (a.join(", "), b.join(", "), same.join(", "));
        Some(if same.is_empty() { format!("{a} vs {b}") } else { format!("{a} vs {b} ({same})") })
    }

    /// Row `i`'s comparison as the sensitivity and who-wins outputs name it: the question
    /// ([`Scenario::question`], else the variant), with ` | MODEL` under `[compare] models`.
    pub fn comparison_name(&self, i: usize) -> String {
        let q = self.question(i).unwrap_or_else(|| self.rows[i].variant.clone());
        if self.by_model() { format!("{q} | {}", self.rows[i].model_name()) } else { q }
    }

    /// Row `i` named by what differs from its reference: `clustered vs spread | key_workouts=3`.
    pub fn diff_label(&self, i: usize) -> String {
        match self.diff_parts(i) {
            None => self.short_label(i),
            Some((a, b, same)) if same.is_empty() => format!("{a} vs {b}"),
            Some((a, b, same)) => format!("{a} vs {b} | {same}"),
        }
    }
}

/// The last segment of a swept path, or the whole path where two paths share that segment.
fn short_path<'a>(p: &'a str, all: &[String]) -> &'a str {
    let last = |s: &'a str| s.rsplit('.').next().unwrap_or(s);
    let tail = last(p);
    let shared = all.iter().filter(|q| q.rsplit('.').next() == Some(tail)).count() > 1;
    if shared || matches!(tail, "weeks" | "factor" | "days" | "every") { p.split_once('.').map_or(p, |(_, rest)| rest) } else { tail }
}
