//! The charts of `optimize --plots` / `--report`:
//! - `convergence.svg`: every evaluation's objective in order (feasible filled, infeasible
//!   hollow grey), the best feasible value so far as a step line, the plan as written dashed, one
//!   panel per optimised variant;
//! - `heatmap.svg` (exactly two varied values): the objective over the evaluated points, one
//!   colour scale, the optimum ringed; listed values sit at their index with their label.

use plotters::prelude::*;

use super::{Evaluation, VariantOutcome};
use crate::error::Result;
use crate::plots::{Chart, draw_err};
use crate::scenario::Scenario;
use crate::scenario::optimize::{Direction, Domain, Level, Optimize};

const FONT: &str = "sans-serif";
const FEASIBLE: RGBColor = RGBColor(31, 119, 180);
const BEST: RGBColor = RGBColor(214, 39, 40);
const GREY: RGBColor = RGBColor(160, 160, 160);

/// The charts of an optimisation (those with something finite to draw).
pub fn charts(sc: &Scenario, opt: &Optimize, trace: &[Evaluation], outcomes: &[VariantOutcome]) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    if let Some(svg) = convergence(sc, opt, trace, outcomes)? {
        out.push(Chart { file: "convergence.svg".into(), title: format!("Search: {} of every evaluated plan, and the best so far", opt.objective), svg });
    }
    if opt.vary.len() == 2
        && let Some(svg) = heatmap(sc, opt, trace, outcomes)?
    {
        out.push(Chart { file: "heatmap.svg".into(), title: format!("{} over the evaluated points", opt.objective), svg });
    }
    Ok(out)
}

fn range(xs: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = xs.filter(|x| x.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if !lo.is_finite() {
        return None;
    }
    let pad = ((hi - lo) * 0.06).max(hi.abs().max(1.0) * 1e-6);
    Some((lo - pad, hi + pad))
}

fn convergence(sc: &Scenario, opt: &Optimize, trace: &[Evaluation], outcomes: &[VariantOutcome]) -> Result<Option<String>> {
    let Some((lo, hi)) = range(trace.iter().map(|e| e.objective)) else { return Ok(None) };
    let panels = outcomes.len().max(1);
    let (w, ph) = (900u32, 360u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, ph * panels as u32 + 40)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (title, body) = root.split_vertically(40);
        let dir = if opt.direction == Direction::Max { "higher is better" } else { "lower is better" };
        title
            .draw(&Text::new(format!("{}: {} of each evaluated plan ({dir})", sc.name, opt.objective), (12, 12), (FONT, 18).into_font()))
            .map_err(draw_err)?;
        for (area, o) in body.split_evenly((panels, 1)).iter().zip(outcomes) {
            let evals: Vec<&Evaluation> = trace.iter().filter(|e| e.variant == trace[o.best].variant && e.stage != "as-written").collect();
            let n = evals.len().max(1) as f64;
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{}: {} evaluations{}", o.variant, evals.len(), if o.feasible { "" } else { " (none feasible)" }), (FONT, 15))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(70)
                .build_cartesian_2d(0.5..(n + 0.5), lo..hi)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .x_desc("evaluation")
                .y_desc(opt.objective.as_str())
                .x_label_formatter(&|x| format!("{x:.0}"))
                .label_style((FONT, 12))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(draw_err)?;
            let written = trace[o.as_written].objective;
            if written.is_finite() {
                chart
                    .draw_series(DashedLineSeries::new(vec![(0.5, written), (n + 0.5, written)], 6, 4, BLACK.stroke_width(1)))
                    .map_err(draw_err)?
                    .label("as written")
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK));
            }
            let pts = |feasible: bool| evals.iter().enumerate().filter(move |(_, e)| e.feasible() == feasible && e.objective.is_finite()).map(|(i, e)| ((i + 1) as f64, e.objective));
            chart.draw_series(pts(false).map(|p| Circle::new(p, 3, GREY.stroke_width(1)))).map_err(draw_err)?;
            chart
                .draw_series(pts(true).map(|p| Circle::new(p, 3, FEASIBLE.mix(0.7).filled())))
                .map_err(draw_err)?
                .label("evaluated plan (hollow grey: breaks a constraint)")
                .legend(|(x, y)| Circle::new((x + 9, y), 3, FEASIBLE.filled()));
            let mut best: Option<f64> = None;
            let mut line = Vec::new();
            for (i, e) in evals.iter().enumerate() {
                if e.feasible() {
                    let better = best.is_none_or(|b| if opt.direction == Direction::Max { e.objective > b } else { e.objective < b });
                    if better {
                        best = Some(e.objective);
                    }
                }
                if let Some(b) = best {
                    line.push(((i + 1) as f64, b));
                }
            }
            chart
                .draw_series(LineSeries::new(line, BEST.stroke_width(2)))
                .map_err(draw_err)?
                .label("best so far")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BEST.stroke_width(2)));
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.85))
                .border_style(GREY)
                .label_font((FONT, 12))
                .draw()
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}

/// A varied value's position on its axis: the number, or a listed value's index.
fn pos(l: Level) -> f64 {
    match l {
        Level::Num(x) => x,
        Level::Choice(c) => c as f64,
    }
}

/// A viridis-like ramp from dark blue (t = 0) to yellow (t = 1).
fn ramp(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 } * 4.0;
    let i = (t.floor() as usize).min(3);
    let f = t - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor((a.0 + f * (b.0 - a.0)) as u8, (a.1 + f * (b.1 - a.1)) as u8, (a.2 + f * (b.2 - a.2)) as u8)
}

// Long on purpose: one chart drawn top to bottom (cells, colour scale, axes, marks).
fn heatmap(sc: &Scenario, opt: &Optimize, trace: &[Evaluation], outcomes: &[VariantOutcome]) -> Result<Option<String>> {
    let evals: Vec<&Evaluation> = trace.iter().filter(|e| e.stage != "as-written" && e.objective.is_finite()).collect();
    let Some((lo, hi)) = range(evals.iter().map(|e| e.objective)) else { return Ok(None) };
    let axis = |i: usize| -> (f64, f64, Vec<String>) {
        match &opt.vary[i].domain {
            Domain::Choice { labels } => (-0.5, labels.len() as f64 - 0.5, labels.clone()),
            Domain::Continuous { min, max } | Domain::Steps { min, max, .. } => {
                let pad = ((max - min) * 0.04).max(1e-9);
                (min - pad, max + pad, Vec::new())
            }
        }
    };
    let (x0, x1, xl) = axis(0);
    let (y0, y1, yl) = axis(1);
    let panels = outcomes.len().max(1);
    let (pw, h) = (620u32, 560u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (pw * panels as u32 + 110, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (title, body) = root.split_vertically(40);
        title
            .draw(&Text::new(format!("{}: {} at each evaluated point (yellow: high, dark blue: low; hollow: breaks a constraint; ringed: optimum)", sc.name, opt.objective), (12, 12), (FONT, 17).into_font()))
            .map_err(draw_err)?;
        let (plots, scale) = body.split_horizontally(pw * panels as u32);
        for (area, o) in plots.split_evenly((1, panels)).iter().zip(outcomes) {
            let vi = trace[o.best].variant;
            let mut chart = ChartBuilder::on(area)
                .caption(o.variant.as_str(), (FONT, 15))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(70)
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(draw_err)?;
            let fmt = |labels: &[String], v: f64| -> String {
                if labels.is_empty() {
                    format!("{}", (v * 1000.0).round() / 1000.0)
                } else if (v - v.round()).abs() < 1e-9 && v >= 0.0 {
                    labels.get(v.round() as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            };
            let (xl2, yl2) = (xl.clone(), yl.clone());
            let mut mesh = chart.configure_mesh();
            mesh.x_desc(opt.vary[0].path.as_str()).y_desc(opt.vary[1].path.as_str()).label_style((FONT, 12)).light_line_style(WHITE.mix(0.0));
            let xf = move |v: &f64| fmt(&xl2, *v);
            let yf = move |v: &f64| fmt(&yl2, *v);
            mesh.x_label_formatter(&xf).y_label_formatter(&yf);
            if !xl.is_empty() {
                mesh.x_labels(xl.len() * 2 + 1);
            }
            if !yl.is_empty() {
                mesh.y_labels(yl.len() * 2 + 1);
            }
            mesh.draw().map_err(draw_err)?;
            let mut pts: Vec<&&Evaluation> = evals.iter().filter(|e| e.variant == vi).collect();
            // Best last, so it is drawn on top.
            pts.sort_by(|a, b| {
                let k = |e: &Evaluation| if opt.direction == Direction::Max { e.objective } else { -e.objective };
                k(a).total_cmp(&k(b))
            });
            chart
                .draw_series(pts.iter().map(|e| {
                    let c = ramp((e.objective - lo) / (hi - lo));
                    let style = if e.feasible() { c.filled() } else { c.stroke_width(2) };
                    Circle::new((pos(e.point[0]), pos(e.point[1])), 6, style)
                }))
                .map_err(draw_err)?;
            let b = &trace[o.best];
            chart.draw_series(std::iter::once(Circle::new((pos(b.point[0]), pos(b.point[1])), 10, BEST.stroke_width(2)))).map_err(draw_err)?;
        }
        // The colour scale.
        let mut bar = ChartBuilder::on(&scale)
            .margin_top(20)
            .margin_bottom(56)
            .margin_right(8)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..1.0, lo..hi)
            .map_err(draw_err)?;
        bar.configure_mesh().disable_x_mesh().disable_x_axis().light_line_style(WHITE.mix(0.0)).label_style((FONT, 11)).draw().map_err(draw_err)?;
        let steps = 60;
        bar.draw_series((0..steps).map(|k| {
            let a = lo + (hi - lo) * k as f64 / steps as f64;
            let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], ramp((k as f64 + 0.5) / steps as f64).filled())
        }))
        .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(Some(svg))
}
