//! The plan generator: a row's [`PlanSpec`] becomes one load per day.
//!
//! Day 0 is a Monday. Within a week, a long run (if any) goes on its weekday, key sessions on the
//! days the spacing gives, rest days on the remaining days in the order Mon, Fri, Sun, Wed, Sat,
//! Thu, Tue, and the other days carry easy recovery runs. A week is scaled in this order: the
//! template (key_load, easy_load, long_run.load, or the template scaled to
//! `target_weekly_load`), the weekly `progression`, the recovery-week or overreach factor (or,
//! instead of all of these, the week's entry of `weekly_loads`); the plan is cut at race day
//! (`race_weekday`), the taper scales its last days, and finally `target_total_load` scales the
//! finished plan.

pub mod spec;

/// Weekday names, Monday first (day 0 of a plan is a Monday).
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

use spec::{LongRun, Phase, PlanSpec, RecoveryCount, Spacing, Taper, TaperShape, TotalTarget};

/// The load channels a session belongs to: `hard` (key sessions) or `easy` (easy and long runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Hard sessions: key workouts.
    Hard,
    /// Easy sessions: recovery runs and, by default, the long run.
    Easy,
}

/// What a day holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Session {
    /// A hard key workout.
    Key,
    /// An easy recovery run.
    Easy,
    /// No training.
    Rest,
    /// The weekly long run.
    Long,
}

impl Session {
    /// The name in CSVs (`key`, `easy`, `rest`, `long`).
    pub fn name(self) -> &'static str {
        match self {
            Session::Key => "key",
            Session::Easy => "easy",
            Session::Rest => "rest",
            Session::Long => "long",
        }
    }

    /// The session of a name, or None.
    pub fn parse(s: &str) -> Option<Session> {
        [Session::Key, Session::Easy, Session::Rest, Session::Long].into_iter().find(|x| x.name() == s)
    }
}

/// What kind of week a plan week is (for a day: the kind of its week, or taper on taper days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekKind {
    /// A normal training week.
    Normal,
    /// An overreach week (load raised by its factor).
    Overreach,
    /// A recovery week (load lowered by its factor).
    Recovery,
    /// The taper before race day.
    Taper,
}

impl WeekKind {
    /// The name in CSVs and charts.
    pub fn name(self) -> &'static str {
        match self {
            WeekKind::Normal => "normal",
            WeekKind::Overreach => "overreach",
            WeekKind::Recovery => "recovery",
            WeekKind::Taper => "taper",
        }
    }
}

/// A generated daily plan.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Plan {
    /// Each day's load.
    pub load: Vec<f64>,
    /// Each day's session.
    pub session: Vec<Session>,
    /// The share of each day's load in the easy channel (0 to 1; the rest is hard): 1 on a day
    /// whose session is in the easy channel, 0 on a hard one, between from a file that gives
    /// one load column per channel.
    pub easy_share: Vec<f64>,
    /// The kind of each day: its week's kind, or taper for the taper's days.
    pub kind: Vec<WeekKind>,
    /// The phase of each day, an index into `phase_names`.
    pub phase: Vec<u32>,
    /// The phases' names.
    pub phase_names: Vec<String>,
    /// Why each week has its load, for `validate --explain`.
    pub why: Vec<String>,
    /// How the whole plan was cut and scaled (race day, taper, total target).
    pub notes: Vec<String>,
}

impl Plan {
    /// Number of plan days (race day is the day after).
    pub fn days(&self) -> usize {
        self.load.len()
    }

    /// Total load.
    pub fn total(&self) -> f64 {
        self.load.iter().sum()
    }

    /// The easy channel's part of the plan's total load (0 when the plan has no load).
    pub fn easy_fraction(&self) -> f64 {
        let total = self.total();
        if total > 0.0 { self.load.iter().zip(&self.easy_share).map(|(w, s)| w * s).sum::<f64>() / total } else { 0.0 }
    }

    /// The name of day d's channel in plan.csv: `hard`, `easy`, `mixed` (a file's day with load
    /// in both), or `none` (no load).
    pub fn channel_name(&self, d: usize) -> &'static str {
        match (self.load[d] > 0.0, self.easy_share[d]) {
            (false, _) => "none",
            (true, s) if s <= 0.0 => "hard",
            (true, s) if s >= 1.0 => "easy",
            _ => "mixed",
        }
    }

    /// Number of key, easy, rest and long days.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for s in &self.session {
            c[*s as usize] += 1;
        }
        c
    }
}

/// The weekdays (0 = Monday) of `k` key sessions.
///
/// spread: k sessions at floor(i 7 / k) from Tuesday, which maximises the smallest gap between
/// consecutive keys counted around the week (so 2 keys are 3 days apart, 3 keys never touch);
/// clustered: k consecutive days from Tuesday.
pub fn key_days(k: usize, spacing: &Spacing) -> Vec<usize> {
    let mut days: Vec<usize> = match spacing {
        Spacing::Spread => (0..k).map(|i| (1 + i * 7 / k) % 7).collect(),
        Spacing::Clustered => (0..k).map(|i| (1 + i) % 7).collect(),
        Spacing::Days(d) => d.clone(),
    };
    days.sort_unstable();
    days
}

/// The smallest gap between consecutive days of a sorted set, counted around the week.
fn min_gap(days: &[usize]) -> usize {
    if days.len() < 2 {
        return 7;
    }
    (0..days.len()).map(|i| (days[(i + 1) % days.len()] + 7 - days[i]) % 7).map(|g| if g == 0 { 7 } else { g }).min().unwrap_or(7)
}

/// The weekdays of `k` key sessions in a week whose long run is on `long`.
///
/// spread: of every set of k days other than the long run's, the one with the largest smallest
/// gap between any two sessions (keys and the long run, around the week); ties go to the largest
/// smallest gap between keys, then to fewer keys on the day after the long run, then on the day
/// before, then to the earliest set. clustered: k consecutive days from Tuesday, stepping over
/// the long run's day. Explicit days are taken as given (validation keeps them off the long run).
pub fn key_days_around(k: usize, spacing: &Spacing, long: Option<usize>) -> Vec<usize> {
    let Some(long) = long else { return key_days(k, spacing) };
    match spacing {
        Spacing::Days(d) => d.clone(),
        Spacing::Clustered => sorted((1..8).map(|d| d % 7).filter(|&d| d != long).take(k).collect()),
        Spacing::Spread => {
            // (smallest gap of all sessions, of keys, -keys after the long run, -keys before it)
            type Score = (usize, usize, i32, i32);
            let mut best: Option<(Score, Vec<usize>)> = None;
            for m in 0u32..128 {
                if m & (1 << long) != 0 || m.count_ones() as usize != k {
                    continue;
                }
                let keys: Vec<usize> = (0..7).filter(|d| m & (1 << d) != 0).collect();
                let all = sorted(keys.iter().copied().chain([long]).collect());
                let after = i32::from(keys.contains(&((long + 1) % 7)));
                let before = i32::from(keys.contains(&((long + 6) % 7)));
                let score = (min_gap(&all), min_gap(&keys), -after, -before);
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    best = Some((score, keys));
                }
            }
            best.map_or_else(Vec::new, |(_, k)| k)
        }
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v
}

const REST_ORDER: [usize; 7] = [0, 4, 6, 2, 5, 3, 1];

/// The session of each weekday of a phase's template week.
pub fn template_week(ph: &Phase) -> [Session; 7] {
    let mut week = [Session::Easy; 7];
    let long = ph.long_run.map(|l| l.weekday);
    if let Some(l) = long {
        week[l] = Session::Long;
    }
    for d in key_days_around(ph.key_workouts, &ph.spacing, long) {
        week[d] = Session::Key;
    }
    let mut rest = ph.rest_days;
    for d in REST_ORDER {
        if rest > 0 && week[d] == Session::Easy {
            week[d] = Session::Rest;
            rest -= 1;
        }
    }
    week
}

/// Whether a week is a recovery, overreach or normal week: `w` is its index within its phase,
/// `plan_week` within the plan (used when the recovery cycle is counted across phases).
pub fn week_kind(ph: &Phase, w: usize, plan_week: usize) -> WeekKind {
    let Some(r) = ph.recovery else { return WeekKind::Normal };
    let w = if r.count == RecoveryCount::Plan { plan_week } else { w };
    if (w + 1) % r.every == 0 {
        return WeekKind::Recovery;
    }
    let until_recovery = r.every - 1 - w % r.every;
    match ph.overreach {
        Some(o) if until_recovery <= o.weeks => WeekKind::Overreach,
        _ => WeekKind::Normal,
    }
}

/// The taper factor of each of the last `t.days` days (j = 1..=days).
pub fn taper_factor(t: &Taper, j: usize) -> f64 {
    let frac = j as f64 / t.days as f64;
    match t.shape {
        TaperShape::Step => t.factor,
        TaperShape::Linear => 1.0 - (1.0 - t.factor) * frac,
        TaperShape::Exponential => t.factor.powf(frac),
    }
}

/// Generate the daily plan of a row.
pub fn generate(spec: &PlanSpec) -> Plan {
    let (mut plan, taper, target) = match spec {
        PlanSpec::File { loads, sessions, taper, channels, easy_share, .. } => {
            let session = match sessions {
                Some(s) => s.clone(),
                None => classify(loads),
            };
            let easy_share = match easy_share {
                Some(e) => e.clone(),
                None => session.iter().map(|&s| share(channels.of(s, None))).collect(),
            };
            let n = loads.len();
            let why = vec!["as written in the plan file".to_string(); n.div_ceil(7)];
            (Plan { load: loads.clone(), session, easy_share, kind: vec![WeekKind::Normal; n], phase: vec![0; n], phase_names: vec!["file".into()], why, notes: Vec::new() }, taper, None)
        }
        PlanSpec::Generated { phases, taper, target_total_load, weekly_loads, race_weekday, channels, .. } => {
            let mut plan = Plan::default();
            let mut week0 = 0;
            let mut carry = None;
            for (i, ph) in phases.iter().enumerate() {
                plan.phase_names.push(ph.name.clone());
                carry = Some(append_phase(&mut plan, ph, PhaseAt { index: i as u32, week0, carry, weekly_loads: weekly_loads.as_deref(), channels: *channels }));
                week0 += ph.weeks;
            }
            if let Some(wd) = race_weekday {
                let race = race_day(week0, *wd);
                plan.load.truncate(race);
                plan.session.truncate(race);
                plan.easy_share.truncate(race);
                plan.kind.truncate(race);
                plan.phase.truncate(race);
            }
            let target = match target_total_load {
                Some(TotalTarget::Load(t)) => Some(*t),
                _ => None,
            };
            (plan, taper, target)
        }
    };
    if let Some((t, o)) = taper.as_ref().and_then(|t| t.overload.map(|o| (t, o))) {
        // The `o.days` days right before the taper (Thomas & Busso 2005), cut at the plan's start.
        let n = plan.days();
        let end = n.saturating_sub(t.days);
        let first = end.saturating_sub(o.days);
        plan.notes.push(format!("overload: days {first} to {} before the taper multiplied by {}", end.saturating_sub(1), o.factor));
        for d in first..end {
            plan.load[d] *= o.factor;
            plan.kind[d] = WeekKind::Overreach;
        }
    }
    if let Some(t) = taper.as_ref().filter(|t| t.days > 0) {
        let n = plan.days();
        plan.notes.push(format!("taper: the last {} days (days {} to {}) scaled to {} ({:?})", t.days, n - t.days.min(n), n.saturating_sub(1), t.factor, t.shape).to_lowercase());
        for j in 1..=t.days.min(n) {
            plan.load[n - t.days + j - 1] *= taper_factor(t, j);
            plan.kind[n - t.days + j - 1] = WeekKind::Taper;
        }
    }
    if let Some(target) = target {
        let total = plan.total();
        if total > 0.0 {
            let s = target / total;
            plan.notes.push(format!("the whole plan scaled by {s:.4} to a total load of {target:.1}"));
            plan.load.iter_mut().for_each(|w| *w *= s);
        }
    }
    plan
}

/// Race day of a plan of `weeks` weeks raced on weekday `wd` of its last week (0 = Monday).
pub fn race_day(weeks: usize, wd: usize) -> usize {
    7 * weeks.saturating_sub(1) + wd
}

/// Where a phase sits in the plan.
struct PhaseAt<'a> {
    index: u32,
    /// The plan week of the phase's first week.
    week0: usize,
    /// The progression factor of the previous phase's last normal week (None for the first).
    carry: Option<f64>,
    weekly_loads: Option<&'a [f64]>,
    channels: spec::Channels,
}

/// A day's easy share from its session's channel: 1 for easy, 0 for hard or rest.
fn share(c: Option<Channel>) -> f64 {
    if c == Some(Channel::Easy) { 1.0 } else { 0.0 }
}

/// Append a phase's weeks; returns the progression factor of its last normal week (of its last
/// week when it has no normal week), for a following phase that carries the progression on.
fn append_phase(plan: &mut Plan, ph: &Phase, at: PhaseAt<'_>) -> f64 {
    let week = template_week(ph);
    let long: Option<LongRun> = ph.long_run;
    let base = |s: Session| match s {
        Session::Key => ph.key_load,
        Session::Easy => ph.easy_load,
        Session::Long => long.map_or(0.0, |l| l.load),
        Session::Rest => 0.0,
    };
    let template_total: f64 = week.iter().map(|&s| base(s)).sum();
    let scale = match ph.target_weekly_load {
        Some(t) if template_total > 0.0 => t / template_total,
        _ => 1.0,
    };
    let carried = at.carry.filter(|_| ph.progression_carry);
    let start = carried.map_or(1.0, |c| c * (1.0 + ph.progression));
    let mut last_normal = None;
    let mut last = start;
    for w in 0..ph.weeks {
        let kind = week_kind(ph, w, at.week0 + w);
        plan.kind.extend([kind; 7]);
        plan.phase.extend([at.index; 7]);
        let block = match kind {
            WeekKind::Normal | WeekKind::Taper => 1.0,
            WeekKind::Recovery => ph.recovery.map_or(1.0, |r| r.factor),
            WeekKind::Overreach => ph.overreach.map_or(1.0, |o| o.factor),
        };
        let progression = start * (1.0 + ph.progression).powi(w as i32);
        last = progression;
        if kind == WeekKind::Normal {
            last_normal = Some(progression);
        }
        let f = match at.weekly_loads {
            Some(wl) if template_total > 0.0 => wl.get(at.week0 + w).copied().unwrap_or(0.0) / template_total,
            Some(_) => 0.0,
            None => scale * progression * block,
        };
        plan.why.push(week_why(ph, w, at.week0 + w, kind, (scale, progression, block), carried.is_some(), at.weekly_loads.is_some()));
        for &s in &week {
            let load = base(s) * f;
            // A day without load is a rest day, whatever the template called it.
            let s = if load > 0.0 { s } else { Session::Rest };
            plan.session.push(s);
            plan.easy_share.push(share(at.channels.of(s, long.and_then(|l| l.channel))));
            plan.load.push(load);
        }
    }
    last_normal.unwrap_or(last)
}

/// Why a week has its load: the template, the progression and the block factor.
fn week_why(ph: &Phase, w: usize, plan_week: usize, kind: WeekKind, (scale, progression, block): (f64, f64, f64), carried: bool, weekly: bool) -> String {
    if weekly {
        return format!("weekly_loads[{plan_week}], spread over the template week");
    }
    let mut parts = vec![if scale == 1.0 { "template".to_string() } else { format!("template x{scale:.3} (target_weekly_load)") }];
    if progression != 1.0 {
        let carry = if carried { " (carried on)" } else { "" };
        parts.push(format!("x{progression:.3} progression{carry}"));
    }
    match (kind, ph.recovery) {
        (WeekKind::Recovery, Some(r)) => {
            let counted = if r.count == RecoveryCount::Plan { format!("plan week {}", plan_week + 1) } else { format!("week {} of the phase", w + 1) };
            parts.push(format!("x{block} recovery week ({counted}, every {} weeks)", r.every));
        }
        (WeekKind::Overreach, Some(r)) => parts.push(format!("x{block} overreach week (before the recovery week of a {}-week cycle)", r.every)),
        _ => {}
    }
    parts.join(" ")
}

/// A plan week's summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Week {
    /// 0-based.
    pub week: usize,
    /// Its days (indices into the plan).
    pub days: std::ops::Range<usize>,
    /// Taper, recovery or overreach if any of its days is, else normal.
    pub kind: WeekKind,
    /// The phase of its first day.
    pub phase: u32,
    /// Sessions: key, long, easy, rest.
    pub counts: [usize; 4],
    /// Its total load.
    pub load: f64,
}

/// The plan's weeks (the last may be shorter when race day is not a Monday).
pub fn weeks(plan: &Plan) -> Vec<Week> {
    (0..plan.days().div_ceil(7))
        .map(|w| {
            let days = 7 * w..(7 * w + 7).min(plan.days());
            let kinds = &plan.kind[days.clone()];
            let kind = [WeekKind::Taper, WeekKind::Recovery, WeekKind::Overreach].into_iter().find(|k| kinds.contains(k)).unwrap_or(WeekKind::Normal);
            let mut counts = [0; 4];
            for s in &plan.session[days.clone()] {
                let i = match s {
                    Session::Key => 0,
                    Session::Long => 1,
                    Session::Easy => 2,
                    Session::Rest => 3,
                };
                counts[i] += 1;
            }
            Week { week: w, kind, phase: plan.phase[days.start], counts, load: plan.load[days.clone()].iter().sum(), days }
        })
        .collect()
}

/// Sessions of a plan read from a file without a `session` column: no load is rest; a load at
/// or above the mean of the loaded days is key, below it easy.
fn classify(loads: &[f64]) -> Vec<Session> {
    let pos: Vec<f64> = loads.iter().copied().filter(|&w| w > 0.0).collect();
    let mean = pos.iter().sum::<f64>() / pos.len().max(1) as f64;
    loads
        .iter()
        .map(|&w| if w <= 0.0 { Session::Rest } else if w >= mean { Session::Key } else { Session::Easy })
        .collect()
}
