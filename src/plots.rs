//! SVG charts for `run --plots`, drawn with plotters' SVG backend so users without Python still
//! get pictures: race-day performance per row (5-95% whiskers, 25-75% box, median) and each
//! row's daily median performance with its 5-95% band.

use std::io::Write;
use std::path::Path;

use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::montecarlo::DailyRow;
use crate::output::AtomicFile;
use crate::stats::quantile;

const COLORS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];
/// Rows drawn in the daily chart; more would be unreadable.
pub const MAX_DAILY_ROWS: usize = 8;

type PlotRow = (String, Vec<f64>, Option<DailyRow>);

fn draw_err(e: impl std::fmt::Display) -> Error {
    Error::Failed(format!("drawing a chart failed: {e}"))
}

/// Draw the charts into `out`; the files are returned uncommitted (renamed with the rest).
///
/// Only finite values are drawn; a chart with none (a model driven to infinity) is left out.
pub fn write_plots(out: &Path, title: &str, rows: &[PlotRow]) -> Result<Vec<AtomicFile>> {
    let mut files = Vec::new();
    let rows: Vec<PlotRow> = rows
        .iter()
        .map(|(label, v, d)| (label.clone(), v.iter().copied().filter(|x| x.is_finite()).collect::<Vec<f64>>(), d.clone()))
        .filter(|r| !r.1.is_empty())
        .collect();
    if !rows.is_empty() {
        let svg = final_distribution(title, &rows)?;
        files.push(save(&out.join("perf_final.svg"), &svg)?);
    }
    let daily_finite = rows.iter().filter_map(|r| r.2.as_ref()).any(|d| d.perf_q.iter().flatten().all(|x| x.is_finite()));
    if daily_finite {
        let svg = daily_bands(title, &rows)?;
        files.push(save(&out.join("daily_performance.svg"), &svg)?);
    }
    Ok(files)
}

fn save(path: &Path, svg: &str) -> Result<AtomicFile> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(svg.as_bytes()).map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
    Ok(f)
}

fn final_distribution(title: &str, rows: &[PlotRow]) -> Result<String> {
    let qs: Vec<[f64; 5]> = rows
        .iter()
        .map(|(_, v, _)| {
            let mut v = v.clone();
            [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| quantile(&mut v, q))
        })
        .collect();
    let lo = qs.iter().map(|q| q[0]).fold(f64::INFINITY, f64::min);
    let hi = qs.iter().map(|q| q[4]).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let n = rows.len();
    let height = 120 + 28 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(8) as u32;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{title}: race-day performance"), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size((longest * 7 + 16).clamp(60, 420))
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5f64..(n as f64 - 0.5))
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() { labels[labels.len() - 1 - i as usize].clone() } else { String::new() }
            })
            .x_desc("performance on race day (box 25-75%, whiskers 5-95%, bar median)")
            .light_line_style(WHITE)
            .draw()
            .map_err(draw_err)?;
        for (i, q) in qs.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let c = COLORS[i % COLORS.len()];
            chart.draw_series(std::iter::once(PathElement::new(vec![(q[0], y), (q[4], y)], c.stroke_width(1)))).map_err(draw_err)?;
            chart.draw_series(std::iter::once(Rectangle::new([(q[1], y - 0.3), (q[3], y + 0.3)], c.mix(0.35).filled()))).map_err(draw_err)?;
            chart.draw_series(std::iter::once(PathElement::new(vec![(q[2], y - 0.35), (q[2], y + 0.35)], BLACK.stroke_width(2)))).map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

fn daily_bands(title: &str, rows: &[PlotRow]) -> Result<String> {
    let drawn: Vec<(usize, &String, &DailyRow)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.2.as_ref().map(|d| (i, &r.0, d)))
        .filter(|(_, _, d)| d.perf_q.iter().flatten().all(|x| x.is_finite()))
        .take(MAX_DAILY_ROWS)
        .collect();
    let days = drawn.iter().map(|d| d.2.perf_mean.len()).max().unwrap_or(1);
    let lo = drawn.iter().flat_map(|d| d.2.perf_q.iter().map(|q| q[0])).fold(f64::INFINITY, f64::min);
    let hi = drawn.iter().flat_map(|d| d.2.perf_q.iter().map(|q| q[2])).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let caption = if rows.len() > MAX_DAILY_ROWS {
            format!("{title}: daily median and 5-95% band (first {MAX_DAILY_ROWS} of {} rows)", rows.len())
        } else {
            format!("{title}: daily median and 5-95% band")
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..(days as f64 - 1.0).max(1.0), (lo - pad)..(hi + pad))
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("day (the last is race day)")
            .y_desc("performance")
            .light_line_style(WHITE)
            .draw()
            .map_err(draw_err)?;
        let alpha = if drawn.len() > 3 { 0.07 } else { 0.15 };
        for (i, label, d) in drawn {
            let c = COLORS[i % COLORS.len()];
            let mut band: Vec<(f64, f64)> = d.perf_q.iter().enumerate().map(|(t, q)| (t as f64, q[2])).collect();
            band.extend(d.perf_q.iter().enumerate().rev().map(|(t, q)| (t as f64, q[0])));
            chart.draw_series(std::iter::once(Polygon::new(band, c.mix(alpha).filled()))).map_err(draw_err)?;
            chart
                .draw_series(LineSeries::new(d.perf_q.iter().enumerate().map(|(t, q)| (t as f64, q[1])), c.stroke_width(2)))
                .map_err(draw_err)?
                .label(label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        }
        chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).position(SeriesLabelPosition::LowerLeft).draw().map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}
