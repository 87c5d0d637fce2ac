//! The readable verdict of a run: one line per compared row.

use crate::scenario::Scenario;
use crate::summary::{Comparison, RowSummary, Verdict, pct_decimals, percent, signed};

/// The verdict of a compared row against the smallest worthwhile change, e.g.
/// `clustered vs spread (key_workouts=3): trivial: -0.07% (95% CI -0.08 to -0.06%), inside
/// +/-0.5%; mean difference -0.21; better by more than 0.5% for 2% of athletes, worse for 1%`.
pub fn verdict_line(sc: &Scenario, i: usize, c: &Comparison) -> String {
    let (row, reference) = (&sc.rows[i], &sc.rows[c.reference]);
    let who = if !row.same_model(reference) {
        // Rows of two models ([compare] across_models): name both, whatever else differs.
        format!("{} ({}) vs {} ({}), across models", sc.short_label(i), row.model_name(), sc.short_label(c.reference), reference.model_name())
    } else {
        match sc.diff_parts(i) {
            Some((a, b, same)) if !same.is_empty() => format!("{a} vs {b} ({same})"),
            Some((a, b, _)) => format!("{a} vs {b}"),
            None => sc.short_label(i),
        }
    };
    format!("{who}: {}", judgement(c))
}

/// What a comparison means, in words: the verdict, the percent difference with its interval,
/// where it lies against the smallest worthwhile change, the mean difference and the shares of
/// athletes beyond it either way.
pub fn judgement(c: &Comparison) -> String {
    let Some(verdict) = c.verdict() else {
        // A form (TSB) has no level: no percent, no verdict against a percent.
        let d = c.decimals();
        let (lo, hi) = c.diff_ci();
        let ci = if lo.is_finite() { format!(" (95% CI {} to {})", signed(lo, d), signed(hi, d)) } else { String::new() };
        return format!("{}{ci}{} (a form has no level: no percent or verdict)", signed(c.diff_mean, d), one(c));
    };
    let pd = pct_decimals(c);
    let (lo, hi) = c.diff_pct_ci();
    let ci = if lo.is_finite() { format!(" (95% CI {} to {}%)", signed(lo, pd), signed(hi, pd)) } else { String::new() };
    let swc = trim(c.swc_pct);
    let relation = match verdict {
        Verdict::Better => format!("above +{swc}%"),
        Verdict::Worse => format!("below -{swc}%"),
        Verdict::Trivial => format!("inside +/-{swc}%"),
        Verdict::Unclear => format!("straddles +/-{swc}%: more athletes would tell"),
    };
    if c.athletes == 1 {
        return format!("{}: {}%, {relation}; difference {}{}{}", verdict.name(), signed(c.diff_pct, pd), signed(c.diff_mean, c.decimals()), seconds(c), one(c));
    }
    format!(
        "{}: {}%{ci}, {relation}; mean difference {}{}; better by more than {swc}% for {} of athletes, worse for {}",
        verdict.name(),
        signed(c.diff_pct, pd),
        signed(c.diff_mean, c.decimals()),
        seconds(c),
        percent(c.better_share(), c.athletes),
        percent(c.worse_share(), c.athletes)
    )
}

/// With `[run] race_time`: the race-time difference, e.g. `, race time -3.2 s (95% CI -3.5 to -2.9)`.
fn seconds(c: &Comparison) -> String {
    let Some((m, _)) = c.seconds else { return String::new() };
    let (lo, hi) = c.seconds_ci();
    let d = if lo.is_finite() { crate::summary::decimals_for((hi - lo) / 2.0) } else { 1 };
    let ci = if lo.is_finite() { format!(" (95% CI {} to {})", signed(lo, d), signed(hi, d)) } else { String::new() };
    format!(", race time {} s{ci}", signed(m, d))
}

/// For a comparison of identical athletes: says there is one.
fn one(c: &Comparison) -> &'static str {
    if c.athletes == 1 { "; athletes = 1 (every simulated athlete is identical: no spread, no interval)" } else { "" }
}

/// A percent as written: 0.5, not 0.500000.
fn trim(x: f64) -> String {
    format!("{x}")
}

/// The verdict lines of a run: every compared row, or with more than `max` compared rows the
/// three best and three worst by mean difference, and a line counting the rest.
pub fn verdict(sc: &Scenario, rows: &[&RowSummary], max: usize) -> Vec<String> {
    let mut out = row_lines(sc, rows, max);
    if sc.by_model() {
        out.extend(agreement(sc, rows, max));
    }
    out
}

/// The compared rows grouped by question ([`Scenario::question`]: the comparison without its
/// model), in the order they first appear; each question's rows are in model order.
pub fn questions(sc: &Scenario, rows: &[&RowSummary]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.comparison.is_none() {
            continue;
        }
        let Some(q) = sc.question(i) else { continue };
        match out.iter_mut().find(|(name, _)| *name == q) {
            Some((_, list)) => list.push(i),
            None => out.push((q, vec![i])),
        }
    }
    out
}

/// One line per question under `[compare] models`: `clustered vs spread: models agree: trivial
/// (4 of 4)`, or `models disagree: busso2003 worse, banister-literature better`. A model without
/// a verdict (a form has no level) is named as such. With more than `max` questions, a count.
pub fn agreement(sc: &Scenario, rows: &[&RowSummary], max: usize) -> Vec<String> {
    let qs = questions(sc, rows);
    let verdicts = |list: &[usize]| -> Vec<(&str, &'static str)> { list.iter().map(|&i| (sc.rows()[i].model_name(), rows[i].comparison.as_ref().map_or("no verdict", verdict_word))).collect() };
    let agrees = |v: &[(&str, &'static str)]| agree(&v.iter().map(|x| x.1).collect::<Vec<_>>());
    if qs.len() > max {
        let n = qs.iter().filter(|(_, l)| agrees(&verdicts(l))).count();
        return vec![format!("{} questions under {} models: models agree on {n}, disagree on {}; see verdicts.csv", qs.len(), sc.models().len(), qs.len() - n)];
    }
    qs.iter()
        .map(|(q, list)| {
            let v = verdicts(list);
            if agrees(&v) {
                format!("{q}: models agree: {} ({} of {})", v[0].1, v.len(), v.len())
            } else {
                format!("{q}: models disagree: {}", v.iter().map(|(m, x)| format!("{m} {x}")).collect::<Vec<_>>().join(", "))
            }
        })
        .collect()
}

/// A comparison's verdict as a word: `better`, `worse`, `trivial`, `unclear`, or `no verdict`
/// (a form has no level).
pub fn verdict_word(c: &Comparison) -> &'static str {
    c.verdict().map_or("no verdict", |v| v.name())
}

/// Whether the models' verdict words on a question agree.
pub fn agree(words: &[&str]) -> bool {
    words.windows(2).all(|w| w[0] == w[1])
}

/// [`verdict`]'s per-row lines.
fn row_lines(sc: &Scenario, rows: &[&RowSummary], max: usize) -> Vec<String> {
    let compared: Vec<(usize, &Comparison)> = rows.iter().enumerate().filter_map(|(i, r)| r.comparison.as_ref().map(|c| (i, c))).collect();
    if compared.len() <= max {
        return compared.iter().map(|(i, c)| verdict_line(sc, *i, c)).collect();
    }
    let mut by_diff = compared.clone();
    by_diff.sort_by(|a, b| b.1.diff_pct.total_cmp(&a.1.diff_pct));
    let mut out = vec![format!("{} compared rows; the three best and the three worst by percent difference:", compared.len())];
    out.extend(by_diff[..3].iter().map(|(i, c)| format!("  best:  {}", verdict_line(sc, *i, c))));
    out.extend(by_diff[by_diff.len() - 3..].iter().map(|(i, c)| format!("  worst: {}", verdict_line(sc, *i, c))));
    let count = |v: Verdict| compared.iter().filter(|(_, c)| c.verdict() == Some(v)).count();
    out.push(format!(
        "  against the smallest worthwhile change: {} better, {} worse, {} trivial, {} unclear; see summary.csv",
        count(Verdict::Better),
        count(Verdict::Worse),
        count(Verdict::Trivial),
        count(Verdict::Unclear)
    ));
    out
}

