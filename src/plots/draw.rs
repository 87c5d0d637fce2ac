//! The drawing of the run charts (plotters' SVG backend; the `charts` feature).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, draw_err};
use crate::error::Result;
use crate::result::RowOutcome as RowView;
use crate::summary::{RowSummary, pct_decimals, percent, signed};
use crate::plan::{Plan, Session, WeekKind};
use crate::scenario::Scenario;

const COLORS: [RGBColor; 6] =
    [RGBColor(31, 119, 180), RGBColor(230, 110, 0), RGBColor(44, 160, 44), RGBColor(214, 39, 40), RGBColor(148, 103, 189), RGBColor(140, 86, 75)];
const AHEAD: RGBColor = RGBColor(33, 113, 181);
const BEHIND: RGBColor = RGBColor(203, 24, 29);
const UNSURE: RGBColor = RGBColor(120, 120, 120);
const TRIVIAL: RGBColor = RGBColor(35, 139, 69);
/// The band of the smallest worthwhile change behind a forest plot.
const SWC_BAND: RGBColor = RGBColor(229, 245, 224);
const GREY: RGBColor = RGBColor(150, 150, 150);
const FONT: &str = "sans-serif";
/// Row panels per daily chart file.
pub const PANELS_PER_FILE: usize = 6;
/// Daily chart files at most (the rest of the rows are listed in the last caption).
pub const MAX_DAILY_FILES: usize = 10;
const _: () = assert!(PANELS_PER_FILE * MAX_DAILY_FILES == crate::montecarlo::MAX_DAILY_PANELS);
/// Rows drawn in the forest plot and the race-day chart at most; with more, the forest plot
/// shows the best and worst halves and the race-day chart the first rows, and says so.
pub const MAX_CHART_ROWS: usize = 60;

/// Every chart of a run. A chart with no finite value to draw is left out.
pub fn charts(sc: &Scenario, rows: &[&RowSummary], views: &[RowView]) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    if let Some(svg) = forest(sc, rows)? {
        out.push(Chart { file: "diff.svg".into(), title: "Paired difference from the reference on race day".into(), svg });
    }
    out.extend(daily(sc, views)?);
    if let Some(svg) = final_distribution(sc, views)? {
        out.push(Chart { file: "final.svg".into(), title: "Race-day performance of every row".into(), svg });
    }
    if let Some(svg) = pmc(sc)? {
        out.push(Chart { file: "pmc.svg".into(), title: "Fitness, fatigue and form: from the start through the plan to race day".into(), svg });
    }
    Ok(out)
}

/// An axis value without a "-0.0" and with no more digits than the range needs.
fn tick(x: f64, step: f64) -> String {
    let d = if step > 0.0 && step.is_finite() { (-step.log10().floor()).clamp(0.0, 6.0) as usize } else { 1 };
    let s = format!("{x:.d$}");
    if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { s.trim_start_matches('-').to_string() } else { s }
}

fn with_unit(what: &str, unit: &str) -> String {
    if unit.is_empty() { what.to_string() } else { format!("{what} ({unit})") }
}

/// Width in pixels of `s` at the chart font size (a generous average for sans-serif at 13 px).
fn text_width(s: &str) -> u32 {
    (s.chars().count() as u32) * 8 + 10
}

fn forest(sc: &Scenario, rows: &[&RowSummary]) -> Result<Option<String>> {
    let mut compared: Vec<(usize, &crate::summary::Comparison)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.comparison.as_ref().map(|c| (i, c)))
        .filter(|(_, c)| c.diff_mean.is_finite())
        .collect();
    if compared.is_empty() {
        return Ok(None);
    }
    let total = compared.len();
    if total > MAX_CHART_ROWS {
        compared.sort_by(|a, b| b.1.diff_pct.total_cmp(&a.1.diff_pct));
        compared.drain(MAX_CHART_ROWS / 2..total - MAX_CHART_ROWS / 2);
    }
    let cut = if total > MAX_CHART_ROWS { format!(" ({} best and {} worst of {total} rows)", MAX_CHART_ROWS / 2, MAX_CHART_ROWS / 2) } else { String::new() };
    // One reference for every row: name it once in the caption and label rows by what they are.
    let single = compared.iter().all(|(_, c)| c.reference == compared[0].1.reference);
    let labels: Vec<String> = compared.iter().map(|(i, _)| if single { sc.diff_parts(*i).map_or_else(|| sc.short_label(*i), |p| p.0) } else { sc.diff_label(*i) }).collect();
    let caption = if single {
        format!("{}: race-day difference from {} (paired, 95% CI){cut}", sc.name, sc.short_label(compared[0].1.reference))
    } else {
        format!("{}: race-day difference from the reference (paired, 95% CI){cut}", sc.name)
    };
    let notes: Vec<String> = compared
        .iter()
        .map(|(_, c)| {
            format!(
                "{}: {} ({}%); > {}%: {} better, {} worse",
                c.verdict().map_or("difference", |v| v.name()),
                signed(c.diff_mean, c.decimals()),
                signed(c.diff_pct, pct_decimals(c)),
                c.swc_pct,
                percent(c.better_share(), c.athletes),
                percent(c.worse_share(), c.athletes)
            )
        })
        .collect();
    // Rows of several reference levels (several models, or units) share no performance axis:
    // then the axis is the percent difference, and the band the smallest worthwhile change.
    let band = swc_band(&compared);
    let in_pct = band.is_none() && compared.iter().all(|(_, c)| c.has_level());
    let at = |c: &crate::summary::Comparison| {
        let (lo, hi) = if in_pct { c.diff_pct_ci() } else { c.diff_ci() };
        let mean = if in_pct { c.diff_pct } else { c.diff_mean };
        if lo.is_finite() { (mean, lo, hi) } else { (mean, mean, mean) }
    };
    let band = if in_pct { Some(compared[0].1.swc_pct).filter(|_| compared.iter().all(|(_, c)| c.swc_pct == compared[0].1.swc_pct)) } else { band };
    let reach = band.unwrap_or(0.0);
    let lo = compared.iter().map(|(_, c)| at(c).1).fold(-reach, f64::min);
    let hi = compared.iter().map(|(_, c)| at(c).2).fold(reach, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let n = compared.len();
    let label_w = labels.iter().map(|l| text_width(l)).max().unwrap_or(60).clamp(80, 560) + 24;
    let note_w = notes.iter().map(|l| text_width(l)).max().unwrap_or(60) + 16;
    let (w, h) = (label_w + 520 + note_w, 130 + 26 * n as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, (FONT, 17))
            .margin(10)
            .margin_right(note_w + 10)
            .margin_bottom(30)
            .x_label_area_size(44)
            .y_label_area_size(label_w)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5f64..(n as f64 - 0.5))
            .map_err(draw_err)?;
        let x_desc = if in_pct { "difference in race-day performance, % of the reference's mean (each row against its own model's reference)".to_string() } else { with_unit("difference in race-day performance, this row minus its reference", &sc.performance_unit) };
        row_mesh(&mut chart, &labels, (hi - lo + 2.0 * pad) / 8.0, x_desc)?;
        if let Some(half) = band {
            chart.draw_series(std::iter::once(Rectangle::new([(-half, -0.5), (half, n as f64 - 0.5)], SWC_BAND.filled()))).map_err(draw_err)?;
        }
        chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, -0.5), (0.0, n as f64 - 0.5)], GREY.stroke_width(1)))).map_err(draw_err)?;
        for (k, (_, c)) in compared.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let (mean, a, b) = at(c);
            let color = verdict_colour(c, a, b);
            chart.draw_series(std::iter::once(PathElement::new(vec![(a, y), (b, y)], color.stroke_width(3)))).map_err(draw_err)?;
            chart.draw_series(std::iter::once(Circle::new((mean, y), 4, color.filled()))).map_err(draw_err)?;
            let (_, py) = chart.backend_coord(&(mean, y));
            root.draw(&Text::new(notes[k].clone(), ((w - note_w) as i32, py - 7), (FONT, 13).into_font().color(&color))).map_err(draw_err)?;
        }
        let swc = compared[0].1.swc_pct;
        let key = band_key(band.map(|half| if in_pct { format!("{swc}%") } else { format!("{} (+/-{swc}%)", tick(half, half / 4.0)) }));
        root.draw(&Text::new(key, (label_w as i32, h as i32 - 22), (FONT, 12).into_font().color(&UNSURE))).map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}

/// The smallest worthwhile change as a band (its half-width in performance units), when the
/// compared rows share its size (one reference level, within 10%): a difference inside it does
/// not matter, however sure it is.
fn swc_band(compared: &[(usize, &crate::summary::Comparison)]) -> Option<f64> {
    let halves: Vec<f64> = compared.iter().filter(|(_, c)| c.has_level()).map(|(_, c)| c.swc_pct / 100.0 * c.base).collect();
    match (halves.iter().copied().reduce(f64::min), halves.iter().copied().reduce(f64::max)) {
        (Some(a), Some(b)) if halves.len() == compared.len() && b > 0.0 && b <= 1.1 * a => Some((a + b) / 2.0),
        _ => None,
    }
}

/// A forest row's colour: its verdict's (by its interval `a` to `b` against 0 for a form).
fn verdict_colour(c: &crate::summary::Comparison, a: f64, b: f64) -> RGBColor {
    match c.verdict() {
        Some(crate::summary::Verdict::Better) => AHEAD,
        Some(crate::summary::Verdict::Worse) => BEHIND,
        Some(crate::summary::Verdict::Trivial) => TRIVIAL,
        Some(crate::summary::Verdict::Unclear) => UNSURE,
        None if a > 0.0 => AHEAD,
        None if b < 0.0 => BEHIND,
        None => UNSURE,
    }
}

/// The forest plot's key; `band`: the band's half-width as the axis shows it.
fn band_key(band: Option<String>) -> String {
    match band {
        Some(half) => format!("green band: the smallest worthwhile change, +/-{half}. blue: better (95% CI above it), red: worse, green: trivial (inside it), grey: unclear"),
        None => "blue: better than the reference by more than the smallest worthwhile change (95% CI), red: worse, green: trivial, grey: unclear".to_string(),
    }
}

type RowChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// The mesh of a chart with one labelled row per y integer (top row first): row labels on the
/// left, values on x.
fn row_mesh(chart: &mut RowChart<'_, '_>, labels: &[String], step: f64, x_desc: String) -> Result<()> {
    let n = labels.len();
    chart
        .configure_mesh()
        .y_labels(n.max(1))
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n { labels[n - 1 - i as usize].clone() } else { String::new() }
        })
        .x_label_formatter(&|x| tick(*x, step))
        .x_desc(x_desc)
        .disable_y_mesh()
        .light_line_style(WHITE)
        .label_style((FONT, 13))
        .draw()
        .map_err(draw_err)
}

/// The x axis of a daily panel: weeks, and where race day falls.
fn race_desc(race: usize, start: Option<i64>) -> String {
    let date = start.map_or(String::new(), |d| format!(", {}", crate::daily::format_date(d + race as i64)));
    format!("weeks from the start (race day: {} of week {}{date})", crate::scenario::WEEKDAYS[race % 7], race / 7 + 1)
}

/// Runs of equal day kinds: (first day, one past the last day, kind).
fn kind_runs(plan: &Plan) -> Vec<(usize, usize, WeekKind)> {
    let mut runs: Vec<(usize, usize, WeekKind)> = Vec::new();
    for (d, &k) in plan.kind.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if r.2 == k && r.1 == d => r.1 = d + 1,
            _ => runs.push((d, d + 1, k)),
        }
    }
    runs
}

fn shade(k: WeekKind) -> Option<RGBColor> {
    match k {
        WeekKind::Normal => None,
        WeekKind::Overreach => Some(RGBColor(253, 226, 214)),
        WeekKind::Recovery => Some(RGBColor(220, 241, 214)),
        WeekKind::Taper => Some(RGBColor(220, 232, 246)),
    }
}

/// The daily charts: six row panels per file.
fn daily(sc: &Scenario, views: &[RowView]) -> Result<Vec<Chart>> {
    let drawable: Vec<usize> = (0..views.len())
        .filter(|&i| views[i].daily.as_ref().is_some_and(|d| d.perf_q.iter().flatten().all(|x| x.is_finite())))
        .collect();
    if drawable.is_empty() {
        return Ok(Vec::new());
    }
    let plans: Vec<&Plan> = sc.rows.iter().map(|r| r.generated()).collect();
    // One y scale for every panel of a model, so its panels compare at a glance; models (whose
    // units and levels differ) each get their own.
    // A compared row shows its athletes' paired differences from the reference (its own scale
    // per model); a reference row its level.
    let mut ranges: Vec<((&str, bool), f64, f64)> = Vec::new();
    let key = |i: usize| (sc.rows[i].model_name(), views[i].paired.is_some());
    for &i in &drawable {
        let Some(d) = views[i].daily.as_ref() else { continue };
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let band = views[i].paired.as_ref().map_or(&d.perf_q, |p| &p.q);
        for q in band {
            lo = lo.min(q[0]);
            hi = hi.max(q[2]);
        }
        if views[i].paired.is_some() {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        } else if sc.rows[i].model.config.kind.info().form_chart {
            for x in d.fitness_mean.iter().chain(&d.fatigue_mean) {
                lo = lo.min(*x);
                hi = hi.max(*x);
            }
        }
        match ranges.iter_mut().find(|(m, _, _)| *m == key(i)) {
            Some(r) => {
                r.1 = r.1.min(lo);
                r.2 = r.2.max(hi);
            }
            None => ranges.push((key(i), lo, hi)),
        }
    }
    let ys: Vec<std::ops::Range<f64>> = (0..views.len())
        .map(|i| {
            let (lo, hi) = ranges.iter().find(|(m, _, _)| *m == key(i)).map_or((0.0, 1.0), |r| (r.1, r.2));
            let pad = ((hi - lo) * 0.06).max(1e-6);
            (lo - pad)..(hi + pad)
        })
        .collect();
    let load_max = drawable.iter().flat_map(|&i| plans[i].load.iter().copied()).fold(0.0f64, f64::max).max(1e-9) * 1.1;
    let days = drawable.iter().map(|&i| plans[i].days() + 1).max().unwrap_or(1);
    let files = drawable.len().div_ceil(PANELS_PER_FILE).min(MAX_DAILY_FILES);
    let mut out = Vec::new();
    for (f, group) in drawable.chunks(PANELS_PER_FILE).take(files).enumerate() {
        let file = if f == 0 { "daily.svg".to_string() } else { format!("daily-{}.svg", f + 1) };
        let mut title = if files > 1 { format!("Daily performance, rows {} to {}", f * PANELS_PER_FILE + 1, f * PANELS_PER_FILE + group.len()) } else { "Daily performance".into() };
        if f + 1 == files && drawable.len() > files * PANELS_PER_FILE {
            title.push_str(&format!(" (the first {} of {} rows are drawn; daily.csv has all)", files * PANELS_PER_FILE, drawable.len()));
        }
        let svg = daily_file(sc, views, &plans, group, &title, &ys, load_max, days)?;
        out.push(Chart { file, title, svg });
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
// Long on purpose: one chart drawn top to bottom (panels, shading, bands, lines, load bars);
// plotters' builders read best in the order they draw.
fn daily_file(sc: &Scenario, views: &[RowView], plans: &[&Plan], group: &[usize], title: &str, ys: &[std::ops::Range<f64>], load_max: f64, days: usize) -> Result<String> {
    let cols = if group.len() == 1 { 1 } else { 2 };
    let grid_rows = group.len().div_ceil(cols);
    let (pw, ph) = (if cols == 1 { 1000 } else { 620 }, 330u32);
    let (w, h) = (pw * cols as u32, 96 + ph * grid_rows as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (head, body) = root.split_vertically(96);
        head.draw(&Text::new(format!("{}: {}", sc.name, title.to_lowercase()), (12, 10), (FONT, 17).into_font())).map_err(draw_err)?;
        legend(&head, sc, group.iter().any(|&i| views[i].paired.is_some()))?;
        let panels = body.split_evenly((grid_rows, cols));
        let x_max = (days as f64 - 1.0).max(1.0) / 7.0;
        for (panel, &i) in panels.iter().zip(group) {
            let color = COLORS[i % COLORS.len()];
            let (top, bottom) = panel.split_vertically((ph as f64 * 0.68) as u32);
            let view = views[i].daily.as_ref();
            let Some(d) = view else { continue };
            let pmc = sc.rows[i].model.config.kind.info().form_chart;
            let y = ys[i].clone();
            // A long unit goes into the caption: on the axis it would run into the load's label.
            let unit = if pmc { sc.load_unit.clone() } else { sc.perf_unit(i) };
            let (caption, unit) = if unit.chars().count() > 16 { (format!("{} (performance: {unit})", sc.short_label(i)), String::new()) } else { (sc.short_label(i), unit) };
            // A compared row's panel: each athlete against itself in the reference row.
            let caption = match (views[i].paired.is_some(), sc.rows[i].reference) {
                (true, Some(r)) => format!("{caption}: minus {}, athlete by athlete", sc.short_label(r)),
                _ => caption,
            };
            let what = if views[i].paired.is_some() { "difference" } else if pmc { "fitness, fatigue, form" } else { "performance" };
            let mut chart = ChartBuilder::on(&top)
                .caption(caption, (FONT, 14))
                .margin_left(8)
                .margin_right(14)
                .margin_top(4)
                .x_label_area_size(0)
                .y_label_area_size(58)
                .build_cartesian_2d(0f64..x_max, y.clone())
                .map_err(draw_err)?;
            for (a, b, k) in kind_runs(plans[i]) {
                if let Some(c) = shade(k) {
                    chart.draw_series(std::iter::once(Rectangle::new([(a as f64 / 7.0, y.start), (b as f64 / 7.0, y.end)], c.filled()))).map_err(draw_err)?;
                }
            }
            let ystep = (y.end - y.start) / 6.0;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .y_labels(6)
                .y_label_formatter(&|v| tick(*v, ystep))
                .y_desc(with_unit(what, &unit))
                .light_line_style(TRANSPARENT)
                .label_style((FONT, 12))
                .draw()
                .map_err(draw_err)?;
            let t = |day: usize| day as f64 / 7.0;
            let paired = views[i].paired.as_ref();
            let q = paired.map_or(&d.perf_q, |p| &p.q);
            let mut band: Vec<(f64, f64)> = q.iter().enumerate().map(|(day, q)| (t(day), q[2])).collect();
            band.extend(q.iter().enumerate().rev().map(|(day, q)| (t(day), q[0])));
            chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.22).filled()))).map_err(draw_err)?;
            if let Some(p) = paired {
                // No difference: the reference itself.
                chart.draw_series(DashedLineSeries::new([(0.0, 0.0), (x_max, 0.0)], 5, 4, BLACK.mix(0.6).stroke_width(1))).map_err(draw_err)?;
                chart.draw_series(LineSeries::new(p.q.iter().enumerate().map(|(day, q)| (t(day), q[1])), color.stroke_width(2))).map_err(draw_err)?;
            } else if let Some(r) = sc.rows[i].reference.and_then(|r| views[r].daily.as_ref()) {
                chart
                    .draw_series(DashedLineSeries::new(r.perf_q.iter().enumerate().map(|(day, q)| (t(day), q[1])), 5, 4, BLACK.mix(0.6).stroke_width(1)))
                    .map_err(draw_err)?;
            }
            if paired.is_some() {
            } else if pmc {
                chart.draw_series(LineSeries::new(d.fitness_mean.iter().enumerate().map(|(day, v)| (t(day), *v)), RGBColor(31, 119, 180).stroke_width(2))).map_err(draw_err)?;
                chart.draw_series(LineSeries::new(d.fatigue_mean.iter().enumerate().map(|(day, v)| (t(day), *v)), RGBColor(214, 39, 140).stroke_width(2))).map_err(draw_err)?;
                chart.draw_series(LineSeries::new(d.perf_q.iter().enumerate().map(|(day, q)| (t(day), q[1])), RGBColor(230, 150, 0).stroke_width(2))).map_err(draw_err)?;
            } else {
                chart.draw_series(LineSeries::new(d.perf_q.iter().enumerate().map(|(day, q)| (t(day), q[1])), color.stroke_width(2))).map_err(draw_err)?;
            }
            // Planned load underneath, on the same weeks.
            let mut bars = ChartBuilder::on(&bottom)
                .margin_left(8)
                .margin_right(14)
                .margin_bottom(6)
                .x_label_area_size(32)
                .y_label_area_size(58)
                .build_cartesian_2d(0f64..x_max, 0f64..load_max)
                .map_err(draw_err)?;
            for (a, b, k) in kind_runs(plans[i]) {
                if let Some(c) = shade(k) {
                    bars.draw_series(std::iter::once(Rectangle::new([(a as f64 / 7.0, 0.0), (b as f64 / 7.0, load_max)], c.filled()))).map_err(draw_err)?;
                }
            }
            let xstep = x_max / 8.0;
            bars.configure_mesh()
                .disable_mesh()
                .y_labels(3)
                .y_label_formatter(&|v| tick(*v, load_max / 3.0))
                .x_label_formatter(&|v| tick(*v, xstep.max(1.0)))
                .x_desc(race_desc(plans[i].days(), sc.rows[i].plan.start_date()))
                .y_desc(with_unit("load", &sc.load_unit))
                .label_style((FONT, 11))
                .draw()
                .map_err(draw_err)?;
            let plan = &plans[i];
            bars.draw_series(plan.load.iter().enumerate().filter(|(_, w)| **w > 0.0).map(|(day, w)| {
                let c = match plan.session[day] {
                    Session::Key => KEY_BAR,
                    Session::Long => LONG_BAR,
                    _ => EASY_BAR,
                };
                // A fifth of each day left blank, so sessions on adjacent days stay two bars.
                Rectangle::new([(t(day) + 0.1 / 7.0, 0.0), (t(day + 1) - 0.1 / 7.0, *w)], c.filled())
            }))
            .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// The load bars' colours: key sessions dark, easy sessions light, long runs their own.
const KEY_BAR: RGBColor = RGBColor(60, 60, 60);
const EASY_BAR: RGBColor = RGBColor(160, 160, 160);
const LONG_BAR: RGBColor = RGBColor(140, 81, 10);

/// A legend entry's symbol.
enum Mark {
    Line(RGBColor),
    Dashed,
    Patch(RGBColor),
}

/// The legend strip above the panels, outside the data: the lines on one row, the load bars and
/// week shading on the next.
fn legend(area: &DrawingArea<SVGBackend<'_>, Shift>, sc: &Scenario, paired: bool) -> Result<()> {
    let mut lines: Vec<(Mark, String)> = Vec::new();
    if sc.rows.iter().any(|r| r.model.config.kind.info().form_chart) {
        lines.push((Mark::Line(RGBColor(31, 119, 180)), "fitness (CTL)".into()));
        lines.push((Mark::Line(RGBColor(214, 39, 140)), "fatigue (ATL)".into()));
        lines.push((Mark::Line(RGBColor(230, 150, 0)), "form (TSB), median".into()));
    } else {
        lines.push((Mark::Line(COLORS[0]), "median".into()));
    }
    lines.push((Mark::Patch(RGBColor(206, 225, 238)), if paired { "5-95% of athletes (compared rows: of each athlete's difference)".into() } else { "5-95% of athletes".to_string() }));
    if paired {
        lines.push((Mark::Dashed, "no difference from the reference".into()));
    } else if sc.rows.iter().any(|r| r.reference.is_some()) {
        lines.push((Mark::Dashed, "reference row's median".into()));
    }
    let mut shading = vec![(Mark::Patch(KEY_BAR), "key session load".to_string()), (Mark::Patch(EASY_BAR), "easy session load".into())];
    if sc.rows.iter().any(|r| r.generated().session.contains(&Session::Long)) {
        shading.push((Mark::Patch(LONG_BAR), "long run load".into()));
    }
    for k in [WeekKind::Overreach, WeekKind::Recovery, WeekKind::Taper] {
        if let Some(c) = shade(k) {
            shading.push((Mark::Patch(c), format!("{} week", k.name())));
        }
    }
    let font = (FONT, 12).into_font();
    for (y, entries) in [(46, lines), (76, shading)] {
        let mut x = 12;
        for (mark, text) in entries {
            match mark {
                Mark::Line(c) => area.draw(&PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))),
                Mark::Dashed => area
                    .draw(&PathElement::new(vec![(x, y), (x + 8, y)], BLACK.mix(0.6).stroke_width(1)))
                    .and_then(|_| area.draw(&PathElement::new(vec![(x + 12, y), (x + 20, y)], BLACK.mix(0.6).stroke_width(1)))),
                Mark::Patch(c) => area.draw(&Rectangle::new([(x, y - 7), (x + 20, y + 7)], c.filled())),
            }
            .map_err(draw_err)?;
            area.draw(&Text::new(text.clone(), (x + 26, y - 7), font.clone())).map_err(draw_err)?;
            x += 26 + text_width(&text) as i32 + 14;
        }
    }
    Ok(())
}

fn final_distribution(sc: &Scenario, views: &[RowView]) -> Result<Option<String>> {
    let mut rows: Vec<(usize, [f64; 5])> = views.iter().enumerate().filter_map(|(i, v)| v.final_q.filter(|q| q.iter().all(|x| x.is_finite())).map(|q| (i, q))).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let total = rows.len();
    rows.truncate(MAX_CHART_ROWS);
    let cut = if total > MAX_CHART_ROWS { format!(" (the first {MAX_CHART_ROWS} of {total} rows)") } else { String::new() };
    let lo = rows.iter().map(|r| r.1[0]).fold(f64::INFINITY, f64::min);
    let hi = rows.iter().map(|r| r.1[4]).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|(i, _)| sc.short_label(*i)).collect();
    let label_w = labels.iter().map(|l| text_width(l)).max().unwrap_or(60).clamp(80, 560) + 24;
    let (w, h) = (label_w + 700, 110 + 26 * n as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{}: race-day performance (box 25-75%, whiskers 5-95%, bar median){cut}", sc.name), (FONT, 17))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(label_w)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5f64..(n as f64 - 0.5))
            .map_err(draw_err)?;
        row_mesh(&mut chart, &labels, (hi - lo + 2.0 * pad) / 8.0, with_unit("race-day performance", &sc.performance_unit))?;
        for (k, (i, q)) in rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let c = COLORS[i % COLORS.len()];
            chart.draw_series(std::iter::once(PathElement::new(vec![(q[0], y), (q[4], y)], c.stroke_width(1)))).map_err(draw_err)?;
            chart.draw_series(std::iter::once(Rectangle::new([(q[1], y - 0.3), (q[3], y + 0.3)], c.mix(0.35).filled()))).map_err(draw_err)?;
            chart.draw_series(std::iter::once(PathElement::new(vec![(q[2], y - 0.35), (q[2], y + 0.35)], BLACK.stroke_width(2)))).map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}

/// The form zones of the chart's lower panel (as intervals.icu draws them, in load units):
/// (from, to, colour, name).
const FORM_ZONES: [(f64, f64, RGBColor, &str); 5] = [
    (20.0, f64::INFINITY, RGBColor(255, 243, 205), "transition (> 20)"),
    (5.0, 20.0, RGBColor(222, 235, 247), "fresh (5 to 20)"),
    (-10.0, 5.0, RGBColor(240, 240, 240), "grey zone (-10 to 5)"),
    (-30.0, -10.0, RGBColor(220, 241, 214), "optimal training (-30 to -10)"),
    (f64::NEG_INFINITY, -30.0, RGBColor(252, 224, 221), "high risk (< -30)"),
];

/// `pmc.svg`: the coaches' chart (42/7 days) over each plan row's days, from its start (a
/// history's own days, or 8 weeks of a steady load) through the plan to race day: fitness and
/// fatigue above, form (yesterday's fitness minus fatigue) below with its zones, the plan's
/// start marked "today" and race day marked. Dated when the plan has a start date.
// Long on purpose: the two panels share the x axis, the series and the marks, drawn in one place.
fn pmc(sc: &Scenario) -> Result<Option<String>> {
    let rows: Vec<&crate::scenario::Row> = sc.rows[sc.plan_rows()].iter().take(COLORS.len()).collect();
    let Some(first) = rows.first() else { return Ok(None) };
    let start_date = first.plan().start_date();
    // (day relative to the plan's start, fitness, fatigue, form) per row.
    let mut series: Vec<Vec<(f64, f64, f64, f64)>> = Vec::new();
    for row in &rows {
        let (before, mut s): (Vec<f64>, crate::model::PmcState) = match row.start() {
            crate::scenario::Start::History { loads, .. } => (loads.to_vec(), crate::model::PmcState::default()),
            // At the steady state of the load already (as the kernel's chart starts), 8 weeks of it.
            crate::scenario::Start::SteadyLoad(w) => (vec![*w; 56], crate::model::PmcState { fitness: *w, fatigue: *w, ..Default::default() }),
            crate::scenario::Start::Rested => (Vec::new(), crate::model::PmcState::default()),
        };
        let plan = row.generated();
        let h = before.len() as f64;
        let mut out = Vec::with_capacity(before.len() + plan.days() + 1);
        if before.is_empty() {
            out.push((-1.0, 0.0, 0.0, 0.0));
        }
        for (i, &w) in before.iter().chain(&plan.load).enumerate() {
            let form = s.fitness - s.fatigue;
            s.step(w);
            out.push((i as f64 - h, s.fitness, s.fatigue, form));
        }
        // Race day's morning: summary.csv's fitness_race, fatigue_race and form_race.
        out.push((plan.days() as f64, s.fitness, s.fatigue, s.fitness - s.fatigue));
        series.push(out);
    }
    let x0 = series.iter().map(|v| v[0].0).fold(f64::INFINITY, f64::min);
    let race = rows.iter().map(|r| r.generated().days()).max().unwrap_or(0) as f64;
    let top = series.iter().flatten().map(|p| p.1.max(p.2)).fold(0.0f64, f64::max).max(1.0) * 1.08;
    let (flo, fhi) = series.iter().flatten().fold((-35.0f64, 30.0f64), |(a, b), p| (a.min(p.3), b.max(p.3)));
    let unit = if sc.load_unit().is_empty() { "load".to_string() } else { sc.load_unit().to_string() };
    let label = |x: f64| match start_date {
        Some(d) => crate::daily::format_date(d + x.round() as i64),
        None => format!("day {}", x.round() as i64),
    };
    let span = race - x0;
    let step = [7.0, 14.0, 28.0, 56.0, 91.0, 182.0].into_iter().find(|s| span / s <= 10.0).unwrap_or(364.0);
    let start_desc = match first.start() {
        crate::scenario::Start::History { .. } => first.start().describe(),
        crate::scenario::Start::SteadyLoad(w) => format!("8 weeks at the steady start load of {}", crate::output::short(*w)),
        crate::scenario::Start::Rested => "a rested start".to_string(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 640)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (title, body) = root.split_vertically(56);
        title.draw(&Text::new(format!("{}: fitness, fatigue and form (the coaches' chart, 42/7 days) to race day", sc.name), (14, 8), (FONT, 17))).map_err(draw_err)?;
        title.draw(&Text::new(format!("From {start_desc}; loads in {unit} as planned (no noise). Solid: fitness; dashed: fatigue."), (14, 32), (FONT, 13).into_font().color(&GREY.mix(1.4)))).map_err(draw_err)?;
        let (upper, lower) = body.split_vertically(330);
        let mut a = ChartBuilder::on(&upper).margin(10).x_label_area_size(24).y_label_area_size(60).build_cartesian_2d(x0..race + 1.0, 0.0..top).map_err(draw_err)?;
        a.configure_mesh().x_labels(((span / step) as usize + 2).min(14)).x_label_formatter(&|x| label(*x)).y_desc(format!("fitness, fatigue ({unit}/day)")).light_line_style(WHITE).label_style((FONT, 12)).draw().map_err(draw_err)?;
        let mut b = ChartBuilder::on(&lower).margin(10).x_label_area_size(40).y_label_area_size(60).build_cartesian_2d(x0..race + 1.0, (flo - 5.0)..(fhi + 5.0)).map_err(draw_err)?;
        for (lo, hi, c, _) in FORM_ZONES {
            let (lo, hi) = (lo.max(flo - 5.0), hi.min(fhi + 5.0));
            if lo < hi {
                b.draw_series(std::iter::once(Rectangle::new([(x0, lo), (race + 1.0, hi)], c.filled()))).map_err(draw_err)?;
            }
        }
        b.configure_mesh().x_labels(((span / step) as usize + 2).min(14)).x_label_formatter(&|x| label(*x)).y_desc(format!("form ({unit})")).x_desc("date".to_string()).light_line_style(WHITE).label_style((FONT, 12)).draw().map_err(draw_err)?;
        for k in 0..rows.len() {
            let c = COLORS[k % COLORS.len()];
            let v = &series[k];
            let past: Vec<&(f64, f64, f64, f64)> = v.iter().filter(|p| p.0 <= 0.0).collect();
            let future: Vec<&(f64, f64, f64, f64)> = v.iter().filter(|p| p.0 >= 0.0).collect();
            // The history in black (the same for every row with the same start), the plan in the row's colour.
            for (part, colour) in [(&past, BLACK.mix(0.8)), (&future, c.mix(1.0))] {
                a.draw_series(std::iter::once(PathElement::new(part.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(), colour.stroke_width(2)))).map_err(draw_err)?;
                a.draw_series(DashedLineSeries::new(part.iter().map(|p| (p.0, p.2)), 4, 3, colour.stroke_width(1))).map_err(draw_err)?;
                b.draw_series(std::iter::once(PathElement::new(part.iter().map(|p| (p.0, p.3)).collect::<Vec<_>>(), colour.stroke_width(2)))).map_err(draw_err)?;
            }
            let last = v.last().copied().unwrap_or_default();
            a.draw_series(std::iter::once(Text::new(format!("{}: race-day fitness {:.0}", sc.short_label(k), last.1), (x0 + span * 0.02, top * (0.95 - 0.07 * k as f64)), (FONT, 13).into_font().color(&c)))).map_err(draw_err)?;
            b.draw_series(std::iter::once(Circle::new((last.0, last.3), 4, c.filled()))).map_err(draw_err)?;
        }
        // Today (the plan's first day) and race day.
        for (x, text) in [(0.0, "today: the plan starts".to_string()), (race, "race day".to_string())] {
            a.draw_series(std::iter::once(PathElement::new(vec![(x, 0.0), (x, top)], GREY.stroke_width(1)))).map_err(draw_err)?;
            b.draw_series(std::iter::once(PathElement::new(vec![(x, flo - 5.0), (x, fhi + 5.0)], GREY.stroke_width(1)))).map_err(draw_err)?;
            let at = if x > x0 + span * 0.8 { x - span * 0.09 } else { x + span * 0.005 };
            a.draw_series(std::iter::once(Text::new(text, (at, top * 0.99), (FONT, 12)))).map_err(draw_err)?;
        }
        for (lo, hi, _, name) in FORM_ZONES.iter() {
            let y = if hi.is_finite() && lo.is_finite() { (lo + hi) / 2.0 } else if hi.is_finite() { hi - 4.0 } else { lo + 3.0 };
            if y > flo - 5.0 && y < fhi + 5.0 {
                b.draw_series(std::iter::once(Text::new(name.to_string(), (x0 + span * 0.005, y + 1.5), (FONT, 11).into_font().color(&GREY.mix(1.6))))).map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ticks_never_show_minus_zero() {
        assert_eq!(super::tick(-0.0001, 0.5), "0.0");
        assert_eq!(super::tick(-0.04, 1.0), "0");
        assert_eq!(super::tick(-2.5, 0.5), "-2.5");
        assert_eq!(super::tick(12.0, 20.0), "12");
    }
}
