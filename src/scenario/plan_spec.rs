//! Validation of `[plan]`: phases, the week template, blocks, the taper, dates and plan files.

use std::ops::Range;
use std::path::Path;

use super::collector::*;
use super::spec::*;
use super::tree::{Node, Val};
use crate::daily::MAX_LOAD;
use crate::model::Channel;
use crate::plan::Session;
use super::validate::*;

/// A value that may be written `"none"` to switch a table-valued setting off: `Some(None)`.
/// The outer None means an error was reported.
pub(super) fn or_none<T>(v: &mut V, n: &Node, path: &str, what: &str, read: impl FnOnce(&mut V, &Node) -> Option<T>) -> Option<Option<T>> {
    match &n.val {
        Val::Str(s) if s == "none" => Some(None),
        Val::Table(_) => read(v, n).map(Some),
        _ => {
            v.bad(&n.span, format!("{path} = {}: expected {what} or \"none\"", n.show()));
            None
        }
    }
}

/// A calendar date written as a TOML date (`2027-03-01`) or a string (`"2027-03-01"`), as days
/// since 1970-01-01.
pub(super) fn date(v: &mut V, t: &Node, key: &str, path: &str) -> Option<Option<i64>> {
    let Some(n) = t.get(key) else { return Some(None) };
    let text = match &n.val {
        Val::Str(s) | Val::Datetime(s) => s.clone(),
        _ => {
            v.bad(&n.span, format!("{}.{key} = {}: expected a date such as 2027-03-01", path, n.show()));
            return None;
        }
    };
    match crate::daily::parse_date(&text).filter(|_| text.len() == 10) {
        Some(d) => Some(Some(d)),
        None => {
            v.bad(&n.span, format!("{path}.{key} = {}: expected a date YYYY-MM-DD such as 2027-03-01", n.show()));
            None
        }
    }
}

/// The weekday of days since 1970-01-01 (a Thursday), 0 = Monday.
pub(super) fn weekday_of(days: i64) -> usize {
    (days + 3).rem_euclid(7) as usize
}

pub(super) fn weekday(v: &mut V, n: &Node, path: &str) -> Option<usize> {
    match &n.val {
        Val::Str(s) if WEEKDAYS.contains(&s.as_str()) => WEEKDAYS.iter().position(|w| w == s),
        _ => {
            v.bad(&n.span, format!("{path} = {}: expected a weekday, one of {}", n.show(), WEEKDAYS.join(", ")));
            None
        }
    }
}

pub(super) fn validate_plan(v: &mut V, p: &Node, span: Range<usize>, dir: &Path, files: &mut FileCache) -> Option<Plan> {
    let errs = v.reported;
    let mut allowed: Vec<&str> = PHASE_KEYS.to_vec();
    allowed.extend(PLAN_ONLY_KEYS);
    if !v.keys(p, "plan", &allowed) {
        return None;
    }
    let taper = match p.get("taper") {
        None => Some(None),
        Some(t) => or_none(v, t, "plan.taper", "a table { days, factor[, shape] }", validate_taper),
    };
    let start_date = date(v, p, "start_date", "plan");
    if let (Some(Some(d)), Some(n)) = (start_date, p.get("start_date"))
        && weekday_of(d) != 0
    {
        v.bad(&n.span, format!("plan.start_date = {}: is a {}; day 0 is a Monday, so start_date must be one", n.show(), WEEKDAYS[weekday_of(d)]));
    }
    let load_column = v.string(p, "load_column", "plan").map(str::to_string);
    let channels = match p.get("channels") {
        None => Some(Channels::default()),
        Some(n) => validate_channels(v, n),
    };
    if let Some(file) = p.get("loads") {
        let columns = match p.get("load_columns") {
            None => Some(None),
            Some(n) => validate_load_columns(v, n, p).map(Some),
        };
        let format = match p.get("format") {
            None => Some(crate::daily::Format::Auto),
            Some(n) => match &n.val {
                Val::Str(f) if crate::daily::Format::parse(f).is_some() => crate::daily::Format::parse(f),
                _ => {
                    v.bad(&n.span, format!("plan.format = {}: expected one of {}", n.show(), crate::daily::FORMAT_NAMES.map(|f| format!("\"{f}\"")).join(", ")));
                    None
                }
            },
        };
        let date_column = v.string(p, "date_column", "plan").map(str::to_string);
        let read = FileRead { load_column: load_column.as_deref(), load_columns: columns?, channels: channels?, format: format?, date_column: date_column.as_deref() };
        return file_plan(v, p, file, dir, files, read, taper, start_date, errs);
    }
    for k in ["load_column", "load_columns", "format", "date_column"] {
        if let Some(s) = p.key_span(k) {
            let what = if k.starts_with("load_column") { "names the load columns of plan.loads" } else { "describes the file plan.loads" };
            v.bad(&s, format!("plan.{k}: {what}; there is no plan.loads here"));
        }
    }
    let target_total_load = match p.get("target_total_load") {
        None => Some(None),
        Some(n) => match &n.val {
            Val::Str(s) if s == "reference" => Some(Some(TotalTarget::Reference)),
            _ if n.as_f64().is_some() => v
                .float(p, "target_total_load", "plan", |x| positive(x).or_else(|| (x > MAX_LOAD * 1e4).then(|| format!("must be at most {:e}", MAX_LOAD * 1e4))))
                .map(|x| Some(TotalTarget::Load(x))),
            _ => {
                v.bad(&n.span, format!("plan.target_total_load = {}: expected a total load (a number) or \"reference\"", n.show()));
                None
            }
        },
    };
    let (weeks_from_date, race_wd) = race_date_weeks(v, p, start_date);
    let phases = validate_phases(v, p, &span, weeks_from_date)?;
    let weeks: usize = phases.iter().map(|ph| ph.weeks).sum();
    // The limit holds for the whole plan, not only for each phase.
    if weeks > MAX_WEEKS && v.reported == errs {
        v.bad(&p.key_span("phase").unwrap_or(span.clone()), format!("plan.phase: the phases add up to {weeks} weeks; a plan may have at most {MAX_WEEKS} weeks (20 years)"));
    }
    if let (Some(w), Some(n), true) = (weeks_from_date, p.get("race_date"), p.get("phase").is_some())
        && v.reported == errs
        && w != weeks
    {
        v.bad(&n.span, format!("plan.race_date = {}: is in week {w} from start_date, but the phases add up to {weeks} weeks", n.show()));
    }
    let weekly_loads = match p.get("weekly_loads") {
        None => None,
        Some(n) => validate_weekly_loads(v, n, p, weeks, v.reported == errs),
    };
    let days = race_wd.map_or(weeks * 7, |wd| crate::plan::race_day(weeks, wd));
    if let (Some(Some(t)), true) = (&taper, v.reported == errs)
        && t.days > days
    {
        v.bad(&p.get("taper")?.span, format!("plan.taper.days = {}: longer than the plan ({days} days)", t.days));
    }
    if days == 0 && v.reported == errs {
        v.bad(&span, "plan: race day is day 0, so the plan has no days; race on a later weekday or add a week");
    }
    (v.reported == errs).then_some(PlanSpec::Generated {
        phases,
        taper: taper?,
        target_total_load: target_total_load?,
        weekly_loads,
        race_weekday: race_wd,
        start_date: start_date?,
        channels: channels?,
    })
}

/// A channel's name: `"hard"` or `"easy"`.
fn channel(v: &mut V, n: &Node, path: &str) -> Option<Channel> {
    match &n.val {
        Val::Str(s) if s == "hard" => Some(Channel::Hard),
        Val::Str(s) if s == "easy" => Some(Channel::Easy),
        _ => {
            v.bad(&n.span, format!("{path} = {}: expected a channel, \"hard\" or \"easy\"", n.show()));
            None
        }
    }
}

/// `channels = { key = "hard", easy = "easy", long = "easy" }`: each key optional.
fn validate_channels(v: &mut V, n: &Node) -> Option<Channels> {
    if !matches!(n.val, Val::Table(_)) {
        v.bad(&n.span, format!("plan.channels = {}: expected a table such as {{ key = \"hard\", easy = \"easy\", long = \"easy\" }}", n.show()));
        return None;
    }
    if !v.keys(n, "plan.channels", &["key", "easy", "long"]) {
        return None;
    }
    let mut c = Channels::default();
    let errs = v.reported;
    for (k, slot) in [("key", &mut c.key), ("easy", &mut c.easy), ("long", &mut c.long)] {
        if let Some(x) = n.get(k).and_then(|x| channel(v, x, &format!("plan.channels.{k}"))) {
            *slot = x;
        }
    }
    (v.reported == errs).then_some(c)
}

/// `load_columns = { hard = "COL", easy = "COL" }`: one load column per channel of plan.loads.
fn validate_load_columns(v: &mut V, n: &Node, p: &Node) -> Option<[String; 2]> {
    if !matches!(n.val, Val::Table(_)) {
        v.bad(&n.span, format!("plan.load_columns = {}: expected a table {{ hard = \"COLUMN\", easy = \"COLUMN\" }}", n.show()));
        return None;
    }
    if !v.keys(n, "plan.load_columns", &["hard", "easy"]) {
        return None;
    }
    let hard = v.string(n, "hard", "plan.load_columns").map(str::to_string);
    let hard = v.required(hard, n, "hard", "plan.load_columns", &n.span, "the hard channel's load column");
    let easy = v.string(n, "easy", "plan.load_columns").map(str::to_string);
    let easy = v.required(easy, n, "easy", "plan.load_columns", &n.span, "the easy channel's load column");
    for k in ["load_column", "channels"] {
        if let Some(s) = p.key_span(k) {
            let why = if k == "channels" { "the file's columns give each day's channels" } else { "give one load column or one per channel" };
            v.bad(&s, format!("plan.{k}: cannot be combined with plan.load_columns: {why}"));
        }
    }
    match (hard, easy) {
        (Some(h), Some(e)) if h.eq_ignore_ascii_case(&e) => {
            v.bad(&n.span, format!("plan.load_columns: hard and easy both name the column `{h}`"));
            None
        }
        (Some(h), Some(e)) => Some([h, e]),
        _ => None,
    }
}

/// How a plan file is read: its load column or columns and the channels of its sessions.
struct FileRead<'a> {
    load_column: Option<&'a str>,
    load_columns: Option<[String; 2]>,
    channels: Channels,
    format: crate::daily::Format,
    date_column: Option<&'a str>,
}

/// A plan given as a daily load file (`plan.loads`): read once per file and column.
#[allow(clippy::too_many_arguments)]
fn file_plan(v: &mut V, p: &Node, file: &Node, dir: &Path, files: &mut FileCache, read: FileRead<'_>, taper: Option<Option<Taper>>, start_date: Option<Option<i64>>, errs: usize) -> Option<Plan> {
    for k in PHASE_KEYS.iter().chain(&["phase", "target_total_load", "weekly_loads", "race_weekday", "race_date"]) {
        if let Some(s) = p.key_span(k) {
            v.bad(&s, format!("plan.{k}: cannot be combined with plan.loads, which gives the whole daily plan"));
        }
    }
    let Val::Str(rel) = &file.val else {
        v.bad(&file.span, format!("plan.loads = {}: expected a file name (a CSV with day,load)", file.show()));
        return None;
    };
    let full = dir.join(rel);
    let columns = read.load_columns.as_ref().map(|[h, e]| [h.as_str(), e.as_str()]);
    let opts = crate::daily::ReadOptions { load_column: read.load_column, load_columns: columns, format: read.format, date_column: read.date_column, label_column: Some("session"), ..Default::default() };
    let key = format!("{}\u{0}{columns:?}\u{0}{:?}\u{0}{}\u{0}{:?}", full.display(), read.load_column, read.format, read.date_column.unwrap_or(""));
    if !files.iter().any(|(k, _)| *k == key) {
        files.push((key.clone(), read_plan_file(&full, &opts)));
    }
    let (_, res) = files.iter().find(|(k, _)| *k == key)?;
    let taper = taper?;
    if let (Ok(f), Some(t)) = (res, &taper)
        && t.days > f.loads.len() {
            v.bad(&p.get("taper")?.span, format!("plan.taper.days = {}: longer than the plan ({} days)", t.days, f.loads.len()));
        }
    match res {
        Ok(f) => {
            for note in &f.notes {
                v.warn(&file.span, format!("plan.loads = {}: {note}", file.show()));
            }
            (v.reported == errs).then(|| PlanSpec::File {
                path: full,
                loads: f.loads.clone(),
                sessions: f.sessions.clone(),
                taper,
                start_date: start_date.flatten().or(f.first_date),
                channels: read.channels,
                easy_share: f.easy_share.clone(),
            })
        }
        Err(e) => {
            v.bad(&file.span, format!("plan.loads = {}: {e}", file.show()));
            None
        }
    }
}

/// `race_date`: the weeks and the race weekday it gives, counted from `start_date` (the weeks
/// are None without it), and the race weekday (from `race_weekday` without it).
fn race_date_weeks(v: &mut V, p: &Node, start_date: Option<Option<i64>>) -> (Option<usize>, Option<usize>) {
    let race_weekday = p.get("race_weekday").map(|n| weekday(v, n, "plan.race_weekday"));
    let race_date = date(v, p, "race_date", "plan");
    // race_date gives the weeks and the race weekday, counted from start_date.
    let mut weeks_from_date = None;
    let mut race_wd = race_weekday.flatten();
    if let (Some(Some(race)), Some(n)) = (race_date, p.get("race_date")) {
        match start_date {
            Some(Some(start)) if race > start => {
                let d = (race - start) as usize;
                weeks_from_date = Some(d / 7 + 1);
                race_wd = Some(d % 7);
                if d / 7 + 1 > MAX_WEEKS {
                    v.bad(&n.span, format!("plan.race_date = {}: {} weeks after start_date; at most {MAX_WEEKS} are supported", n.show(), d / 7 + 1));
                }
            }
            Some(Some(_)) => v.bad(&n.span, format!("plan.race_date = {}: must be after plan.start_date", n.show())),
            Some(None) => v.bad(&n.span, format!("plan.race_date = {}: needs plan.start_date (the Monday of the first week) to count the weeks", n.show())),
            None => {}
        }
        for k in ["weeks", "race_weekday"] {
            if let Some(s) = p.key_span(k) {
                v.bad(&s, format!("plan.{k}: plan.race_date sets the weeks and the race weekday; give one or the other"));
            }
        }
    }
    (weeks_from_date, race_wd)
}

/// The plan's phases: `[[plan.phase]]`, or the plan itself as one phase named "main".
fn validate_phases(v: &mut V, p: &Node, span: &Range<usize>, weeks_from_date: Option<usize>) -> Option<Vec<Phase>> {
    let mut phases = Vec::new();
    match p.get("phase").map(|n| &n.val) {
        None => phases.extend(validate_phase(v, p, None, "plan", span, "main", weeks_from_date)),
        Some(Val::Array(list)) => {
            if let Some(s) = p.key_span("weeks") {
                v.bad(&s, "plan.weeks: with [[plan.phase]] each phase sets its own weeks");
            }
            for (i, ph) in list.iter().enumerate() {
                let path = format!("plan.phase[{i}]");
                let mut keys = PHASE_KEYS.to_vec();
                keys.push("name");
                if !v.keys(ph, &path, &keys) {
                    continue;
                }
                let name = v.string(ph, "name", &path).map_or(format!("phase{}", i + 1), str::to_string);
                phases.extend(validate_phase(v, ph, Some(p), &path, &ph.span, &name, None));
            }
            if list.is_empty() {
                v.bad(span, "plan.phase: expected at least one [[plan.phase]]");
            }
        }
        Some(_) => v.bad(&p.get("phase")?.span, "plan.phase: expected [[plan.phase]] tables"),
    }
    Some(phases)
}

/// `weekly_loads = [...]`: one finite, non-negative total per plan week, instead of the week
/// scaling keys. `check_len`: the phases were valid, so their weeks can be counted.
pub(super) fn validate_weekly_loads(v: &mut V, n: &Node, p: &Node, weeks: usize, check_len: bool) -> Option<Vec<f64>> {
    let Val::Array(items) = &n.val else {
        v.bad(&n.span, format!("plan.weekly_loads = {}: expected a list of weekly total loads, one per week", n.show()));
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        match x.as_f64() {
            Some(w) if w.is_finite() && (0.0..=MAX_LOAD * 7.0).contains(&w) => out.push(w),
            _ => {
                v.bad(&x.span, format!("plan.weekly_loads[{i}] = {}: expected a weekly load between 0 and {:e}", x.show(), MAX_LOAD * 7.0));
                return None;
            }
        }
    }
    if check_len && out.len() != weeks {
        v.bad(&n.span, format!("plan.weekly_loads: has {} values but the plan has {weeks} weeks; give one per week", out.len()));
        return None;
    }
    // The list replaces the week-scaling keys, wherever they are set.
    let mut tables = vec![("plan".to_string(), p)];
    if let Some(Val::Array(ph)) = p.get("phase").map(|n| &n.val) {
        tables.extend(ph.iter().enumerate().map(|(i, t)| (format!("plan.phase[{i}]"), t)));
    }
    for (path, t) in tables {
        for k in ["progression", "target_weekly_load", "recovery", "overreach"] {
            if let (Some(s), Some(val)) = (t.key_span(k), t.get(k))
                && !matches!(&val.val, Val::Str(x) if x == "none") {
                    v.bad(&s, format!("{path}.{k}: cannot be combined with plan.weekly_loads, which gives every week's total"));
                }
        }
    }
    Some(out)
}

pub(super) type Plan = PlanSpec;

/// A phase's settings: its own keys, falling back to the plan's (`defaults`) for the rest.
/// `weeks`: the number of weeks when plan.race_date gave it.
// Long on purpose: one phase's keys checked in file order, each a few lines that share the
// phase's table, path and span.
pub(super) fn validate_phase(v: &mut V, ph: &Node, defaults: Option<&Node>, path: &str, span: &Range<usize>, name: &str, weeks: Option<usize>) -> Option<Phase> {
    let errs = v.reported;
    // Look a key up in the phase, then in the plan-level defaults; report with the right path.
    let pick = |key: &str| -> Option<(&Node, String)> {
        if ph.get(key).is_some() {
            Some((ph, path.to_string()))
        } else {
            defaults.filter(|d| d.get(key).is_some()).map(|d| (d, "plan".to_string()))
        }
    };
    let weeks = match (weeks, pick("weeks")) {
        (Some(w), _) => Some(w as i64),
        (None, Some((t, pth))) => v.int(t, "weeks", &pth, 1, MAX_WEEKS as i64),
        (None, None) => {
            v.bad(span, format!("{path}.weeks: missing; expected the number of weeks (or plan.start_date and plan.race_date)"));
            None
        }
    };
    let long_run = match pick("long_run") {
        None => Some(None),
        Some((t, pth)) => or_none(v, t.get("long_run")?, &format!("{pth}.long_run"), "a table { weekday, load }", |v, n| validate_long_run(v, n, &format!("{pth}.long_run"))),
    };
    let long_day = long_run.flatten().map(|l| l.weekday);
    let spacing_node = pick("spacing");
    let spacing = match &spacing_node {
        None => Some(Spacing::Spread),
        Some((t, pth)) => validate_spacing(v, t.get("spacing")?, pth),
    };
    if let (Some(Spacing::Days(d)), Some(l), Some((t, pth))) = (&spacing, long_day, &spacing_node)
        && d.contains(&l) {
            v.bad(&t.get("spacing")?.span, format!("{pth}.spacing: {} is the long run's day (long_run.weekday); a day holds one session", WEEKDAYS[l]));
        }
    let kw = match pick("key_workouts") {
        Some((t, pth)) => v.int(t, "key_workouts", &pth, 0, 7).map(|k| (k as usize, t.get("key_workouts").map(|n| n.span.clone()), pth)),
        None => match &spacing {
            Some(Spacing::Days(d)) => Some((d.len(), None, path.to_string())),
            _ => {
                v.bad(span, format!("{path}.key_workouts: missing; expected the number of key sessions a week (0 to 7)"));
                None
            }
        },
    };
    if let (Some((k, Some(kspan), kpath)), Some(Spacing::Days(d))) = (&kw, &spacing)
        && *k != d.len() {
            v.bad(kspan, format!("{kpath}.key_workouts = {k}: the spacing lists {} weekdays", d.len()));
        }
    let key_load = match pick("key_load") {
        Some((t, pth)) => v.float(t, "key_load", &pth, load_value),
        None if kw.as_ref().is_some_and(|k| k.0 == 0) => Some(0.0),
        None => {
            v.bad(span, format!("{path}.key_load: missing; expected the load of a key session"));
            None
        }
    };
    let easy_load = pick("easy_load").map_or(Some(0.0), |(t, pth)| v.float(t, "easy_load", &pth, load_value));
    let rest = pick("rest_days").map_or(Some(0), |(t, pth)| v.int(t, "rest_days", &pth, 0, 7).map(|r| r as usize));
    let long_n = usize::from(long_day.is_some());
    if let (Some((k, kspan, kpath)), Some(r)) = (&kw, rest)
        && k + r + long_n > 7 {
            let long = if long_n > 0 { " + the long run" } else { "" };
            match pick("rest_days").and_then(|(t, pth)| t.get("rest_days").map(|n| (n.span.clone(), pth))) {
                Some((rspan, pth)) => v.bad(&rspan, format!("{pth}.rest_days = {r}: key_workouts{long} + rest_days = {} but a week has 7 days", k + r + long_n)),
                None => v.bad(kspan.as_ref().unwrap_or(span), format!("{kpath}.key_workouts = {k}: key_workouts{long} = {} but a week has 7 days", k + long_n)),
            }
        }
    let recovery = match pick("recovery") {
        None => Some(None),
        Some((t, pth)) => or_none(v, t.get("recovery")?, &format!("{pth}.recovery"), "a table { every, factor[, count] }", |v, n| validate_recovery(v, n, &format!("{pth}.recovery"))),
    };
    let overreach = match pick("overreach") {
        None => Some(None),
        Some((t, pth)) => {
            let n = t.get("overreach")?;
            let opath = format!("{pth}.overreach");
            let o = or_none(v, n, &opath, "a table { weeks, factor }", |v, n| validate_overreach(v, n, &opath));
            if let (Some(Some(o)), Some(Some(r))) = (o, recovery)
                && o.weeks >= r.every {
                    let at = n.get("weeks").map_or(n.span.clone(), |w| w.span.clone());
                    v.bad(&at, format!("{opath}.weeks = {}: must be shorter than the recovery cycle (recovery.every = {})", o.weeks, r.every));
                }
            o
        }
    };
    let (progression, progression_carry) = match pick("progression") {
        None => (Some(0.0), false),
        Some((t, pth)) => validate_progression(v, t.get("progression")?, &format!("{pth}.progression")),
    };
    let target_weekly_load = match pick("target_weekly_load") {
        None => None,
        Some((t, pth)) => Some(v.float(t, "target_weekly_load", &pth, |x| positive(x).or_else(|| load_value(x / 7.0)))?),
    };
    if v.reported != errs {
        return None;
    }
    Some(Phase {
        name: name.to_string(),
        weeks: weeks? as usize,
        key_workouts: kw?.0,
        spacing: spacing?,
        key_load: key_load?,
        easy_load: easy_load?,
        rest_days: rest?,
        recovery: recovery?,
        overreach: overreach?,
        progression: progression?,
        progression_carry,
        long_run: long_run?,
        target_weekly_load,
    })
}

/// `progression = 0.05` or `progression = { rate = 0.05, carry = true }`.
pub(super) fn validate_progression(v: &mut V, n: &Node, path: &str) -> (Option<f64>, bool) {
    let check = |x: f64| (!(x.is_finite() && x > -1.0 && x <= 1.0)).then(|| "must be > -1 and <= 1 (a weekly fraction)".to_string());
    let (rate_node, carry) = match &n.val {
        Val::Table(_) => {
            if !v.keys(n, path, &["rate", "carry"]) {
                return (None, false);
            }
            let carry = match n.get("carry").map(|c| &c.val) {
                None => false,
                Some(Val::Bool(b)) => *b,
                Some(_) => {
                    let c = &n.get("carry").map_or(n.span.clone(), |c| c.span.clone());
                    v.bad(c, format!("{path}.carry: expected true or false"));
                    return (None, false);
                }
            };
            match n.get("rate") {
                Some(r) => (r, carry),
                None => {
                    v.bad(&n.span, format!("{path}.rate: missing; expected the weekly growth, e.g. 0.05"));
                    return (None, false);
                }
            }
        }
        _ => (n, false),
    };
    let Some(x) = rate_node.as_f64() else {
        v.bad(&rate_node.span, format!("{path} = {}: expected a weekly fraction such as 0.05, or {{ rate = 0.05, carry = true }}", rate_node.show()));
        return (None, false);
    };
    if let Some(m) = check(x) {
        v.bad(&rate_node.span, format!("{path} = {}: {m}", rate_node.show()));
        return (None, false);
    }
    if x > 0.5 {
        v.warn(&rate_node.span, format!("{path} = {x}: {:.0}% more load every week; did you mean {}?", x * 100.0, x / 100.0));
    }
    (Some(x), carry)
}

pub(super) fn validate_long_run(v: &mut V, n: &Node, path: &str) -> Option<LongRun> {
    if !v.keys(n, path, &["weekday", "load", "channel"]) {
        return None;
    }
    let wd = match n.get("weekday") {
        Some(w) => weekday(v, w, &format!("{path}.weekday")),
        None => {
            v.bad(&n.span, format!("{path}.weekday: missing; expected the long run's weekday, e.g. \"sun\""));
            None
        }
    };
    let load = v.float(n, "load", path, load_value);
    let load = v.required(load, n, "load", path, &n.span, "the load of the long run");
    let channel = match n.get("channel") {
        None => Some(None),
        Some(c) => channel(v, c, &format!("{path}.channel")).map(Some),
    };
    Some(LongRun { weekday: wd?, load: load?, channel: channel? })
}

pub(super) fn validate_spacing(v: &mut V, n: &Node, path: &str) -> Option<Spacing> {
    match &n.val {
        Val::Str(s) if s == "spread" => Some(Spacing::Spread),
        Val::Str(s) if s == "clustered" => Some(Spacing::Clustered),
        Val::Array(days) => {
            // Every problem of the list is reported, not only the first.
            let errs = v.reported;
            let mut out = Vec::new();
            for d in days {
                match &d.val {
                    Val::Str(s) if WEEKDAYS.contains(&s.as_str()) => {
                        let i = WEEKDAYS.iter().position(|w| w == s)?;
                        if out.contains(&i) {
                            v.bad(&d.span, format!("{path}.spacing: \"{s}\" is listed twice"));
                        }
                        out.push(i);
                    }
                    _ => v.bad(&d.span, format!("{path}.spacing: {} is not a weekday; expected one of {}", d.show(), WEEKDAYS.join(", "))),
                }
            }
            if v.reported != errs {
                return None;
            }
            out.sort_unstable();
            Some(Spacing::Days(out))
        }
        _ => {
            v.bad(&n.span, format!("{path}.spacing = {}: expected \"spread\", \"clustered\" or a list of weekdays such as [\"tue\", \"thu\", \"sat\"]", n.show()));
            None
        }
    }
}

/// Warn about a factor that looks like a percentage (130 for +30%).
pub(super) fn warn_factor(v: &mut V, n: &Node, path: &str) {
    if let Some(f) = n.get("factor").filter(|f| f.as_f64().is_some_and(|x| x > FACTOR_WARN)) {
        let x = f.as_f64().unwrap_or(0.0);
        v.warn(&f.span, format!("{path}.factor = {}: multiplies the load {x} times; a factor of {} would be {x}%", f.show(), x / 100.0));
    }
}

pub(super) fn factor(x: f64) -> Option<String> {
    (!(x.is_finite() && x > 0.0)).then(|| "must be > 0".into())
}

/// A `{ <count> = integer, factor = number }` table: recovery (`every`, at least 1) and overreach
/// (`weeks`, at least 0).
pub(super) fn count_and_factor(v: &mut V, n: &Node, path: &str, count: (&str, i64, &str), what_factor: &str) -> Option<(usize, f64)> {
    let (key, min, what_count) = count;
    let allowed: &[&str] = if key == "every" { &["every", "factor", "count"] } else { &[key, "factor"] };
    if !v.keys(n, path, allowed) {
        return None;
    }
    let c = v.int(n, key, path, min, MAX_WEEKS as i64);
    let c = v.required(c, n, key, path, &n.span, what_count);
    let f = v.float(n, "factor", path, factor);
    let f = v.required(f, n, "factor", path, &n.span, what_factor);
    warn_factor(v, n, path);
    Some((c? as usize, f?))
}

pub(super) fn validate_recovery(v: &mut V, n: &Node, path: &str) -> Option<Recovery> {
    let count = match n.get("count").map(|c| &c.val) {
        None => RecoveryCount::Phase,
        Some(Val::Str(c)) if c == "phase" => RecoveryCount::Phase,
        Some(Val::Str(c)) if c == "plan" => RecoveryCount::Plan,
        Some(_) => {
            let c = n.get("count")?;
            v.bad(&c.span, format!("{path}.count = {}: expected \"phase\" (weeks counted within each phase) or \"plan\" (across phases)", c.show()));
            return None;
        }
    };
    let (every, factor) = count_and_factor(v, n, path, ("every", 1, "the recovery cycle in weeks"), "the load factor of a recovery week")?;
    Some(Recovery { every, factor, count })
}

pub(super) fn validate_overreach(v: &mut V, n: &Node, path: &str) -> Option<Overreach> {
    let what = "the number of overreach weeks before each recovery week";
    let (weeks, factor) = count_and_factor(v, n, path, ("weeks", 0, what), "the load factor of an overreach week")?;
    Some(Overreach { weeks, factor })
}

pub(super) fn validate_taper(v: &mut V, n: &Node) -> Option<Taper> {
    if !v.keys(n, "plan.taper", &["days", "factor", "shape", "overload"]) {
        return None;
    }
    let days = v.int(n, "days", "plan.taper", 0, (MAX_WEEKS * 7) as i64);
    let days = v.required(days, n, "days", "plan.taper", &n.span, "the number of taper days");
    // 0 is a taper of complete rest (the example range starts there).
    let f = v.float(n, "factor", "plan.taper", non_negative);
    let f = v.required(f, n, "factor", "plan.taper", &n.span, "the load factor of the taper");
    warn_factor(v, n, "plan.taper");
    let shape = match n.get("shape") {
        None => Some(TaperShape::Step),
        Some(s) => match &s.val {
            Val::Str(x) if x == "step" => Some(TaperShape::Step),
            Val::Str(x) if x == "linear" => Some(TaperShape::Linear),
            Val::Str(x) if x == "exponential" => Some(TaperShape::Exponential),
            _ => {
                v.bad(&s.span, format!("plan.taper.shape = {}: expected \"step\", \"linear\" or \"exponential\"", s.show()));
                None
            }
        },
    };
    let overload = match n.get("overload") {
        None => Some(None),
        Some(o) => or_none(v, o, "plan.taper.overload", "a table { days = 28, factor = 1.2 }", |v, o| {
            let what = "the number of days before the taper that are overloaded";
            let (days, factor) = count_and_factor(v, o, "plan.taper.overload", ("days", 1, what), "the load factor of the overload days")?;
            Some(Overload { days, factor })
        }),
    };
    Some(Taper { days: days? as usize, factor: f?, shape: shape?, overload: overload? })
}

/// An explicit plan read from a CSV.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PlanFile {
    loads: Vec<f64>,
    sessions: Option<Vec<Session>>,
    /// Each day's easy share of its load, from one load column per channel.
    easy_share: Option<Vec<f64>>,
    /// How the file was read (rows summed into a day, empty loads), for warnings.
    notes: Vec<String>,
    /// The date of day 0, when the file was dated.
    first_date: Option<i64>,
}

/// Read an explicit plan: `day,load` (or `date,load`, or an export; the load column may be
/// renamed), with an optional `session` column (the first row of a day names its session).
pub(super) fn read_plan_file(path: &Path, opts: &crate::daily::ReadOptions<'_>) -> Result<PlanFile, String> {
    let series = crate::daily::read_daily_with(path, opts).map_err(|e| e.to_string())?;
    // A day's easy share; a day without load has none.
    let easy_share = (!series.easy.is_empty()).then(|| series.load.iter().zip(&series.easy).map(|(&w, &e)| if w > 0.0 { (e / w).min(1.0) } else { 0.0 }).collect());
    let sessions = if series.labels.is_empty() {
        None
    } else {
        let mut out = Vec::with_capacity(series.labels.len());
        for l in &series.labels {
            out.push(match l {
                None => Session::Rest,
                Some((raw, line)) => Session::parse(raw).ok_or_else(|| format!("{}:{line}: session: \"{raw}\": expected key, long, easy or rest", path.display()))?,
            });
        }
        Some(out)
    };
    Ok(PlanFile { loads: series.load.clone(), sessions, easy_share, notes: series.notes(), first_date: series.first_date })
}

