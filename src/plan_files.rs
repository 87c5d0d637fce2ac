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
