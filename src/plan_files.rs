//! What `periodize plan` and `validate --explain` write about a scenario's plans: every row's
//! days, its weeks, and why each week has its load. Above both [`crate::plan`] (which makes the
//! days) and [`crate::scenario`] (which holds the rows).

use crate::plan::{WEEKDAYS, generate, weeks};
use crate::scenario::Scenario;

/// `validate --explain`: every row's weeks with their kind, phase, total load and why.
pub fn explain(sc: &Scenario) -> String {
    let mut s = String::new();
    for row in &sc.rows {
        let plan = generate(&row.plan);
        s.push_str(&format!("\n{}:\n", row.label(&sc.sweep_paths)));
        let start = row.plan.start_date();
        for wk in weeks(&plan) {
            let dates = start.map_or(String::new(), |d| format!(" {}..{}", crate::daily::format_date(d + wk.days.start as i64), crate::daily::format_date(d + wk.days.end as i64 - 1)));
            let why = plan.why.get(wk.week).map_or("", String::as_str);
            s.push_str(&format!(
                "  week {:>3}{dates} {:<9} {:<10} load {:>8.1}  {why}\n",
                wk.week + 1,
                wk.kind.name(),
                plan.phase_names[wk.phase as usize],
                wk.load
            ));
        }
        for note in &plan.notes {
            s.push_str(&format!("  {note}\n"));
        }
        let race = plan.days();
        let date = start.map_or(String::new(), |d| format!(", {}", crate::daily::format_date(d + race as i64)));
        s.push_str(&format!("  race day: day {race} ({}{date}), no load; total load {:.1}\n", WEEKDAYS[race % 7], plan.total()));
    }
    s
}


/// Write the plans of every row: `variant,day,week,weekday,session,load,phase,week_kind,channel`, then
/// `date` when a row has a start date, then one column per swept path.
pub fn write_plans(out: &mut dyn std::io::Write, sc: &Scenario) -> std::io::Result<()> {
    let dated = sc.rows.iter().any(|r| r.plan.start_date().is_some());
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["variant", "day", "week", "weekday", "session", "load", "phase", "week_kind", "channel"];
    if dated {
        header.push("date");
    }
    header.extend(sc.sweep_paths.iter().map(String::as_str));
    w.write_record(&header).map_err(csv_io)?;
    // Every model of [compare] models runs the same plans: each once.
    for row in &sc.rows[sc.plan_rows()] {
        let plan = generate(&row.plan);
        let start = row.plan.start_date();
        for d in 0..plan.days() {
            let mut rec = vec![
                crate::output::text_cell(&row.variant).into_owned(),
                d.to_string(),
                // Weeks a person reads count from 1 (days stay 0-based, as the engine's).
                (d / 7 + 1).to_string(),
                WEEKDAYS[d % 7].to_string(),
                plan.session[d].name().to_string(),
                crate::output::num(plan.load[d]),
                crate::output::text_cell(&plan.phase_names[plan.phase[d] as usize]).into_owned(),
                plan.kind[d].name().to_string(),
                plan.channel_name(d).to_string(),
            ];
            if dated {
                rec.push(start.map_or(String::new(), |s| crate::daily::format_date(s + d as i64)));
            }
            rec.extend(row.sweep.iter().map(|c| crate::output::text_cell(c).into_owned()));
            w.write_record(&rec).map_err(csv_io)?;
        }
    }
    w.flush()
}

/// One row per plan week: `variant,week,first_day,last_day,[start_date,end_date,]kind,phase,key,long,easy,rest,load`,
/// then the swept values. A week's kind is its most special day kind (taper, recovery, overreach).
pub fn write_weekly(out: &mut dyn std::io::Write, sc: &Scenario) -> std::io::Result<()> {
    let dated = sc.rows.iter().any(|r| r.plan.start_date().is_some());
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["variant", "week", "first_day", "last_day"];
    if dated {
        header.extend(["first_date", "last_date"]);
    }
    header.extend(["week_kind", "phase", "key", "long", "easy", "rest", "load"]);
    header.extend(sc.sweep_paths.iter().map(String::as_str));
    w.write_record(&header).map_err(csv_io)?;
    for row in &sc.rows[sc.plan_rows()] {
        let plan = generate(&row.plan);
        for wk in weeks(&plan) {
            let mut rec = vec![crate::output::text_cell(&row.variant).into_owned(), (wk.week + 1).to_string(), wk.days.start.to_string(), (wk.days.end - 1).to_string()];
            if dated {
                let s = row.plan.start_date();
                rec.push(s.map_or(String::new(), |s| crate::daily::format_date(s + wk.days.start as i64)));
                rec.push(s.map_or(String::new(), |s| crate::daily::format_date(s + wk.days.end as i64 - 1)));
            }
            rec.extend([wk.kind.name().to_string(), crate::output::text_cell(&plan.phase_names[wk.phase as usize]).into_owned()]);
            rec.extend(wk.counts.iter().map(|c| c.to_string()));
            rec.push(crate::output::num(wk.load));
            rec.extend(row.sweep.iter().map(|c| crate::output::text_cell(c).into_owned()));
            w.write_record(&rec).map_err(csv_io)?;
        }
    }
    w.flush()
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// The planned-workouts files `plan --format` writes, in the columns of each platform's own
/// export (so they read back with `--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlannedFormat {
    /// intervals.icu's calendar events (`start_date_local,category,type,name,description,icu_training_load`).
    Intervals,
    /// TrainingPeaks' workouts.csv (`Title,WorkoutType,WorkoutDescription,PlannedDuration,WorkoutDay,TSS`).
    TrainingPeaks,
}

/// One planned session a person reads: its date, title ("Key 90 TSS") and description.
struct Planned {
    date: i64,
    session: &'static str,
    load: f64,
    title: String,
    description: String,
}

/// The plan row `plan --ics` and `plan --format` write: `variant`, or the scenario's only plan.
pub fn plan_row<'s>(sc: &'s Scenario, variant: Option<&str>) -> Result<&'s crate::scenario::Row, String> {
    let rows = &sc.rows[sc.plan_rows()];
    let names: Vec<String> = rows.iter().map(|r| r.label(&sc.sweep_paths)).collect();
    let row = match variant {
        Some(v) => rows.iter().zip(&names).find(|(r, n)| r.variant == v || *n == v).map(|(r, _)| r),
        None if rows.len() == 1 => rows.first(),
        None => return Err(format!("the scenario has {} plans ({}); choose one with --variant NAME", rows.len(), names.join(", "))),
    };
    let row = row.ok_or_else(|| format!("--variant {}: no such plan; the scenario's plans are {}", variant.unwrap_or(""), names.join(", ")))?;
    if row.plan.start_date().is_none() {
        return Err("the plan has no dates: give plan.start_date (the Monday of the first week), or plan.race_date with it, so the sessions can be put in a calendar".to_string());
    }
    Ok(row)
}

/// Every day of the row's plan with a session or load, in a person's words. Loads are rounded
/// to 0.1.
fn planned(sc: &Scenario, row: &crate::scenario::Row) -> Vec<Planned> {
    let plan = generate(&row.plan);
    let start = row.plan.start_date().unwrap_or(0);
    let unit = if sc.load_unit().is_empty() { "load" } else { sc.load_unit() };
    let mut out = Vec::new();
    for d in 0..plan.days() {
        let (s, w) = (plan.session[d], plan.load[d]);
        if w <= 0.0 && s == crate::plan::Session::Rest {
            continue;
        }
        let kind = match s {
            crate::plan::Session::Key => "Key",
            crate::plan::Session::Long => "Long",
            crate::plan::Session::Easy => "Easy",
            crate::plan::Session::Rest => "Session",
        };
        let load = (w * 10.0).round() / 10.0;
        let phase = &plan.phase_names[plan.phase[d] as usize];
        out.push(Planned {
            date: start + d as i64,
            session: s.name(),
            load,
            title: format!("{kind} {} {unit}", crate::output::num(load)),
            description: format!("Week {} ({} week), phase {phase}; {} session, {} channel; {} {unit}. Planned by periodize from {}.", d / 7 + 1, plan.kind[d].name(), s.name(), plan.channel_name(d), crate::output::num(load), row.label(&sc.sweep_paths)),
        });
    }
    out
}

/// `plan --ics`: an iCalendar file (RFC 5545) with one all-day event per planned session.
/// `stamp` is DTSTAMP's UTC time (`20261203T120000Z`); UIDs are stable across runs.
pub fn write_ics(out: &mut dyn std::io::Write, sc: &Scenario, row: &crate::scenario::Row, stamp: &str) -> std::io::Result<()> {
    let mut lines = vec!["BEGIN:VCALENDAR".to_string(), "VERSION:2.0".into(), format!("PRODID:-//periodize//periodize {}//EN", env!("CARGO_PKG_VERSION")), "CALSCALE:GREGORIAN".into(), "METHOD:PUBLISH".into()];
    lines.push(format!("X-WR-CALNAME:{}", ics_text(&format!("{} - {}", sc.name(), row.label(&sc.sweep_paths)))));
    let ymd = |d: i64| crate::daily::format_date(d).replace('-', "");
    let slug: String = row.label(&sc.sweep_paths).chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    for p in planned(sc, row) {
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}-{}-{}@periodize", ymd(p.date), p.session, slug),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", ymd(p.date)),
            format!("DTEND;VALUE=DATE:{}", ymd(p.date + 1)),
            format!("SUMMARY:{}", ics_text(&p.title)),
            format!("DESCRIPTION:{}", ics_text(&p.description)),
            "TRANSP:TRANSPARENT".into(),
            "END:VEVENT".into(),
        ]);
    }
    // Race day closes the plan (it has no load: the model's race-day test).
    if let Some(start) = row.plan.start_date() {
        let race = start + generate(&row.plan).days() as i64;
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}-race-{}@periodize", ymd(race), slug),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", ymd(race)),
            format!("DTEND;VALUE=DATE:{}", ymd(race + 1)),
            "SUMMARY:Race".into(),
            format!("DESCRIPTION:{}", ics_text(&format!("Race day of {}: the day the plan is built for.", row.label(&sc.sweep_paths)))),
            "END:VEVENT".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    let mut text = String::new();
    for l in lines {
        text.push_str(&fold(&l));
    }
    out.write_all(text.as_bytes())
}

/// A TEXT value with RFC 5545's escapes.
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// A content line folded at 75 octets (never inside a character), ended by CRLF.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// `plan --format`: the row's sessions as a planned-workouts CSV in the platform's columns.
pub fn write_planned(out: &mut dyn std::io::Write, sc: &Scenario, row: &crate::scenario::Row, format: PlannedFormat) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    match format {
        PlannedFormat::Intervals => w.write_record(["start_date_local", "category", "type", "name", "description", "icu_training_load"]),
        PlannedFormat::TrainingPeaks => w.write_record(["Title", "WorkoutType", "WorkoutDescription", "PlannedDuration", "WorkoutDay", "TSS"]),
    }
    .map_err(csv_io)?;
    for p in planned(sc, row) {
        let (date, load) = (crate::daily::format_date(p.date), crate::output::num(p.load));
        let (title, description) = (crate::output::text_cell(&p.title).into_owned(), crate::output::text_cell(&p.description).into_owned());
        match format {
            PlannedFormat::Intervals => w.write_record([format!("{date}T00:00:00"), "WORKOUT".into(), "Run".into(), title, description, load]),
            PlannedFormat::TrainingPeaks => w.write_record([title, "Run".into(), description, String::new(), date, load]),
        }
        .map_err(csv_io)?;
    }
    w.flush()
}
