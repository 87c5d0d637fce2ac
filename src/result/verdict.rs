//! The readable verdict of a run: one line per compared row.

use crate::scenario::Scenario;
use crate::summary::{Comparison, RowSummary, pct_decimals, percent, signed};

/// The verdict of a compared row, e.g.
/// `clustered vs spread (key_workouts=3): -8.2 (-2.9%, 95% CI -8.4 to -8.0), better for 4% of athletes`.
pub fn verdict_line(sc: &Scenario, i: usize, c: &Comparison) -> String {
    let d = c.decimals();
    let (lo, hi) = c.diff_ci();
    let ci = if lo.is_finite() { format!(", 95% CI {} to {}", signed(lo, d), signed(hi, d)) } else { String::new() };
    let who = match sc.diff_parts(i) {
        Some((a, b, same)) if !same.is_empty() => format!("{a} vs {b} ({same})"),
        Some((a, b, _)) => format!("{a} vs {b}"),
        None => sc.short_label(i),
    };
    format!(
        "{who}: {} ({}%{ci}), better for {} of athletes",
        signed(c.diff_mean, d),
        signed(c.diff_pct, pct_decimals(c)),
        percent(c.win_rate(), c.athletes)
    )
}

/// The verdict lines of a run: every compared row, or with more than `max` compared rows the
/// three best and three worst by mean difference, and a line counting the rest.
pub fn verdict(sc: &Scenario, rows: &[&RowSummary], max: usize) -> Vec<String> {
    let compared: Vec<(usize, &Comparison)> = rows.iter().enumerate().filter_map(|(i, r)| r.comparison.as_ref().map(|c| (i, c))).collect();
    if compared.len() <= max {
        return compared.iter().map(|(i, c)| verdict_line(sc, *i, c)).collect();
    }
    let mut by_diff = compared.clone();
    by_diff.sort_by(|a, b| b.1.diff_pct.total_cmp(&a.1.diff_pct));
    let mut out = vec![format!("{} compared rows; the three best and the three worst by percent difference:", compared.len())];
    out.extend(by_diff[..3].iter().map(|(i, c)| format!("  best:  {}", verdict_line(sc, *i, c))));
    out.extend(by_diff[by_diff.len() - 3..].iter().map(|(i, c)| format!("  worst: {}", verdict_line(sc, *i, c))));
    let ahead = compared.iter().filter(|(_, c)| c.diff_ci().0 > 0.0).count();
    let behind = compared.iter().filter(|(_, c)| c.diff_ci().1 < 0.0).count();
    out.push(format!(
        "  {ahead} rows are ahead of their reference and {behind} behind (95% CI excludes 0); {} are within noise; see summary.csv",
        compared.len() - ahead - behind
    ));
    out
}

