//! The plan generator: a row's [`PlanSpec`] becomes one load per day.
//!
//! Day 0 is a Monday. Within a week, key sessions go on the days the spacing gives, rest days on
//! the remaining days in the order Mon, Fri, Sun, Wed, Sat, Thu, Tue, and the other days carry
//! easy recovery runs. A week is scaled in this order: the template (key_load, easy_load, or the
//! template scaled to `target_weekly_load`), the weekly `progression`, the recovery-week or
//! overreach factor, then the taper over the last days of the whole plan, and finally
//! `target_total_load` scales the finished plan.

use crate::scenario::{Phase, PlanSpec, Spacing, Taper, TaperShape};

/// What a day holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Session {
    Key,
    Easy,
    Rest,
}

impl Session {
    pub fn name(self) -> &'static str {
        match self {
            Session::Key => "key",
            Session::Easy => "easy",
            Session::Rest => "rest",
        }
    }
}

/// What kind of week a plan week is (for a day: the kind of its week, or taper on taper days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekKind {
    Normal,
    Overreach,
    Recovery,
    Taper,
}

impl WeekKind {
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
    pub load: Vec<f64>,
    pub session: Vec<Session>,
    /// The kind of each day: its week's kind, or taper for the taper's days.
    pub kind: Vec<WeekKind>,
}

impl Plan {
    pub fn days(&self) -> usize {
        self.load.len()
    }

    pub fn total(&self) -> f64 {
        self.load.iter().sum()
    }

    /// Number of key, easy and rest days.
    pub fn counts(&self) -> [usize; 3] {
        let mut c = [0; 3];
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

const REST_ORDER: [usize; 7] = [0, 4, 6, 2, 5, 3, 1];

/// The session of each weekday of a phase's template week.
pub fn template_week(ph: &Phase) -> [Session; 7] {
    let mut week = [Session::Easy; 7];
    for d in key_days(ph.key_workouts, &ph.spacing) {
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

/// Whether week `w` (0-based, within its phase) is a recovery, overreach or normal week.
pub fn week_kind(ph: &Phase, w: usize) -> WeekKind {
    let Some(r) = ph.recovery else { return WeekKind::Normal };
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
        PlanSpec::File { loads, sessions, taper, .. } => {
            let session = match sessions {
                Some(s) => s.clone(),
                None => classify(loads),
            };
            (Plan { load: loads.clone(), session, kind: vec![WeekKind::Normal; loads.len()] }, taper, None)
        }
        PlanSpec::Generated { phases, taper, target_total_load } => {
            let mut plan = Plan::default();
            for ph in phases {
                append_phase(&mut plan, ph);
            }
            (plan, taper, *target_total_load)
        }
    };
    if let Some(t) = taper {
        let n = plan.days();
        for j in 1..=t.days.min(n) {
            plan.load[n - t.days + j - 1] *= taper_factor(t, j);
            plan.kind[n - t.days + j - 1] = WeekKind::Taper;
        }
    }
    if let Some(target) = target {
        let total = plan.total();
        if total > 0.0 {
            let s = target / total;
            plan.load.iter_mut().for_each(|w| *w *= s);
        }
    }
    plan
}

fn append_phase(plan: &mut Plan, ph: &Phase) {
    let week = template_week(ph);
    let base = |s: Session| match s {
        Session::Key => ph.key_load,
        Session::Easy => ph.easy_load,
        Session::Rest => 0.0,
    };
    let template_total: f64 = week.iter().map(|&s| base(s)).sum();
    let scale = match ph.target_weekly_load {
        Some(t) if template_total > 0.0 => t / template_total,
        _ => 1.0,
    };
    for w in 0..ph.weeks {
        let kind = week_kind(ph, w);
        plan.kind.extend([kind; 7]);
        let block = match kind {
            WeekKind::Normal => 1.0,
            WeekKind::Recovery => ph.recovery.map_or(1.0, |r| r.factor),
            WeekKind::Overreach => ph.overreach.map_or(1.0, |o| o.factor),
            WeekKind::Taper => 1.0,
        };
        let f = scale * (1.0 + ph.progression).powi(w as i32) * block;
        for &s in &week {
            let load = base(s) * f;
            // A day without load is a rest day, whatever the template called it.
            plan.session.push(if load > 0.0 { s } else { Session::Rest });
            plan.load.push(load);
        }
    }
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

/// Write the plans of every row: `variant,day,week,weekday,session,load`, then one column per
/// swept path.
pub fn write_plans(out: &mut dyn std::io::Write, sc: &crate::scenario::Scenario) -> std::io::Result<()> {
    let mut header = String::from("variant,day,week,weekday,session,load");
    for p in &sc.sweep_paths {
        header.push(',');
        header.push_str(&csv_field(p));
    }
    writeln!(out, "{header}")?;
    for row in &sc.rows {
        let plan = generate(&row.plan);
        let mut tail = String::new();
        for v in &row.sweep {
            tail.push(',');
            tail.push_str(&csv_field(v));
        }
        let name = csv_field(&row.variant);
        for d in 0..plan.days() {
            let wd = crate::scenario::WEEKDAYS[d % 7];
            writeln!(out, "{name},{d},{},{wd},{},{}{tail}", d / 7, plan.session[d].name(), crate::output::num(plan.load[d]))?;
        }
    }
    Ok(())
}

/// Quote a CSV field when it needs it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}
