//! Validity warnings: where a run's numbers should not be read at face value. Each names its row,
//! a kind and a message; the command line prints them, manifest.json lists them (`warnings`) and
//! the report shows them.
//!
//! - `out_of_range`: some athletes leave the model's documented range (PerPot's potential
//!   outside [0, 1]; a performance below 0), with their share and the first day.
//! - `peak_before_race`: the mean peak comes more than 2 days before race day and is above race
//!   day by more than the smallest worthwhile change: the taper is too long for this model.
//! - `beyond_calibration`: the plan's mean daily load is more than twice above or below the
//!   daily load the row's preset was calibrated at.
//! - `unequal_load`: a comparison whose total loads differ by more than 2% without
//!   `target_total_load`: it mixes the arrangement of the load with its amount.

use crate::model::ModelKind;
use crate::montecarlo::Metrics;
use crate::scenario::{PlanSpec, Row, Scenario};
use crate::summary::RowSummary;

/// One warning about one row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RunWarning {
    /// The row's index in the scenario (summary.csv's row order).
    pub row: usize,
    /// `out_of_range`, `peak_before_race`, `beyond_calibration` or `unequal_load`.
    pub kind: &'static str,
    /// What is wrong, for a person.
    pub message: String,
    /// The share of the row's athletes it concerns (1 for a warning about the whole row).
    #[serde(skip)]
    pub share: f64,
}

/// Athletes out of range beyond this share mean the plan is not what the model describes,
/// rather than a few outliers of the population.
pub const MANY_OUT_OF_RANGE: f64 = 0.1;

impl RunWarning {
    /// Whether the row's verdict should not be read at face value: its model runs far from its
    /// calibration, or many of its athletes leave the model's range.
    pub fn casts_doubt(&self) -> bool {
        match self.kind {
            "beyond_calibration" => true,
            "out_of_range" => self.share >= MANY_OUT_OF_RANGE,
            _ => false,
        }
    }
}

/// The range a model's performance is documented in, and what leaving it means; None for a form
/// (TSB), which has no range.
pub fn documented_range(kind: ModelKind) -> Option<(f64, f64, &'static str)> {
    if kind.info().form_chart {
        None
    } else if kind == ModelKind::Perpot {
        Some((0.0, 1.0, "PerPot's performance potential lies on a 0-1 scale"))
    } else {
        Some((0.0, f64::INFINITY, "a performance below 0 has no meaning"))
    }
}

/// A row's `out_of_range` warning from its athletes' lowest and highest performances; the first
/// day is found by running the first such athlete again.
pub(super) fn out_of_range(sc: &Scenario, ri: usize, seed: u64, m: &Metrics) -> Option<RunWarning> {
    let row = &sc.rows[ri];
    let (lo, hi, why) = documented_range(row.model.config.kind)?;
    let outside = |i: usize| m.perf_min[i] < lo || m.perf_peak[i] > hi;
    let n = m.len();
    let count = (0..n).filter(|&i| outside(i)).count();
    let first = (0..n).find(|&i| outside(i))?;
    let day = crate::montecarlo::first_day_outside(row, seed, first, lo, hi).map_or(String::new(), |d| format!(", from day {d} for athlete {first}"));
    let range = if hi.is_finite() { format!("[{lo}, {hi}]") } else { format!("at or above {lo}") };
    let share = count as f64 / n as f64;
    // A few athletes out of range are outliers of the population; many mean the plan is not
    // what the model describes.
    let hint = if share >= MANY_OUT_OF_RANGE { "; with this many, the plan's load is likely beyond what the model describes (compare its load unit with the plan's)" } else { "; read those athletes' numbers with care" };
    Some(RunWarning {
        row: ri,
        kind: "out_of_range",
        message: format!(
            "{}: performance leaves its range ({range}) for {count} of {n} athletes ({}%){day}: {why}{hint}",
            sc.short_label(ri),
            trim_pct(100.0 * share)
        ),
        share,
    })
}

/// A percent with two significant decimals at most (0.01, 2.5, 34).
fn trim_pct(x: f64) -> String {
    let d = if x >= 10.0 { 0 } else if x >= 1.0 { 1 } else { 2 };
    format!("{x:.d$}")
}

/// A row's `peak_before_race` warning.
pub(super) fn peak_before_race(sc: &Scenario, ri: usize, s: &RowSummary) -> Option<RunWarning> {
    let row = &sc.rows[ri];
    documented_range(row.model.config.kind)?;
    let race_day = s.plan_days as f64;
    let (peak, peak_day, last) = (s.stats[1][0], s.stats[2][0], s.perf_final_mean());
    let above_pct = 100.0 * (peak - last) / last.abs();
    // A peak in the plan's first half is the start's fitness fading, not a taper's timing.
    let why = if peak_day < race_day / 2.0 {
        "it comes early in the plan: the plan does not keep the fitness the athletes start with"
    } else {
        "the taper is too long for this model"
    };
    (race_day - peak_day > 2.0 && above_pct > sc.compare.swc).then(|| RunWarning {
        row: ri,
        kind: "peak_before_race",
        message: format!(
            "{}: the mean peak ({peak:.2}, day {peak_day:.1}) comes {:.1} days before race day and is {above_pct:.2}% above race day's mean: {why}",
            sc.short_label(ri),
            race_day - peak_day
        ),
        share: 1.0,
    })
}

/// A row's `beyond_calibration` warning.
pub(super) fn beyond_calibration(sc: &Scenario, ri: usize) -> Option<RunWarning> {
    let row = &sc.rows[ri];
    let name = row.model.joint.preset.as_deref()?;
    let preset = crate::scenario::presets::find(name)?;
    let plan = row.generated();
    let written = plan.total() / plan.days().max(1) as f64;
    // The load the model sees: the plan's, mapped onto the preset's units.
    let mean = written * row.load_map.scale;
    let at = preset.calibration_load;
    let ratio = mean / at;
    let mapped = if row.load_map.scale == 1.0 { String::new() } else { format!(" ({written:.1} in the scenario's units x {:.3})", row.load_map.scale) };
    (!(0.5..=2.0).contains(&ratio)).then(|| RunWarning {
        row: ri,
        kind: "beyond_calibration",
        message: format!(
            "{}: the plan's mean daily load is {mean:.1}{mapped}, {} the {at:.1} a day preset {name} was calibrated at ({}); its numbers there are an extrapolation (set athlete.habitual_load to the athlete's usual daily load to map it onto the calibration)",
            sc.short_label(ri),
            if ratio > 1.0 { format!("{ratio:.1}x") } else { format!("1/{:.1} of", 1.0 / ratio) },
            preset.load_unit
        ),
        share: 1.0,
    })
}

/// A compared row's `unequal_load` warning.
pub(super) fn unequal_load(sc: &Scenario, ri: usize, s: &RowSummary, reference: &RowSummary) -> Option<RunWarning> {
    let row: &Row = &sc.rows[ri];
    let c = s.comparison.as_ref()?;
    let targeted = |r: &Row| matches!(&r.plan, PlanSpec::Generated { target_total_load: Some(_), .. });
    if targeted(row) && targeted(&sc.rows[c.reference]) {
        return None;
    }
    let (a, b) = (s.stats[3][0], reference.stats[3][0]);
    let diff = 100.0 * (a - b) / b.abs();
    (diff.abs() > 2.0).then(|| RunWarning {
        row: ri,
        kind: "unequal_load",
        message: format!(
            "{} vs {}: the total loads differ by {diff:+.1}% ({a:.0} vs {b:.0}) without target_total_load: the comparison mixes how the load is arranged with how much there is (set plan.target_total_load = \"reference\" to compare at equal load)",
            sc.short_label(ri),
            sc.short_label(c.reference)
        ),
        share: 1.0,
    })
}
