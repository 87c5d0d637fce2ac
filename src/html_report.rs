//! `run --report`: one self-contained HTML page (inline CSS and SVG, no scripts, nothing loaded
//! from the network) that a coach can open or mail: the scenario's question, the verdict, the
//! charts, the weekly plans, the parameter population and the run's provenance.
//!
//! Every number in the verdict table carries its full-precision value in a `data-value`
//! attribute (the same text as in summary.csv), so a test can check the page against the CSV.

use crate::summary::{Column, RowFigures, RowSummary, columns, pct_decimals, percent, signed};
use crate::output::num;
use crate::plan::WeekKind;
use crate::plots::Chart;
use crate::scenario::{Dist, Scenario};

/// Provenance shown at the foot of the page.
pub struct Meta<'a> {
    /// The run's seed.
    pub seed: u64,
    /// Athletes per row.
    pub athletes: usize,
    /// When the run was made, ISO 8601 UTC.
    pub created_utc: &'a str,
    /// The commit of the periodize build, when known.
    pub git_commit: Option<&'a str>,
    /// The run's validity warnings (manifest.json's `warnings`).
    pub warnings: &'a [crate::result::RunWarning],
    /// For whom each comparison wins, in words (`run --who-wins`; empty without it).
    pub who_wins: &'a [String],
}

/// Rows shown in the page's tables at most; summary.csv and `periodize plan` have every row.
pub const MAX_TABLE_ROWS: usize = 200;

/// A last table row saying how many rows were left out (empty when none were).
fn more_rows(total: usize, columns: usize) -> String {
    if total <= MAX_TABLE_ROWS {
        return String::new();
    }
    format!("<tr><td class=\"l\" colspan=\"{columns}\"><em>{} more rows: see summary.csv</em></td></tr>\n", total - MAX_TABLE_ROWS)
}

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1240px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:4px}
.question{background:#f3f6fa;border-left:4px solid #2171b5;padding:10px 14px;white-space:pre-wrap;font-size:.95em}
table{border-collapse:collapse;font-size:.9em;margin:8px 0}th,td{padding:4px 9px;border-bottom:1px solid #e5e5e5;text-align:right}
th{background:#f0f0f0;font-weight:600}td.l,th.l{text-align:left}
.ahead{color:#2171b5;font-weight:600}.behind{color:#cb181d;font-weight:600}.unsure{color:#666}.trivial{color:#238b45}
.scroll{overflow-x:auto}.chart svg{max-width:100%;height:auto}
td.overreach{background:#fde2d6}td.recovery{background:#dcf1d6}td.taper{background:#dce8f6}
.warnings li{color:#8c2d04}.meta td{text-align:left}.small{font-size:.85em;color:#555}";

/// The whole page.
pub fn render(sc: &Scenario, rows: &[&RowSummary], verdict: &[String], charts: &[Chart], meta: &Meta<'_>) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str(&format!("<title>{} - periodize report</title><style>{CSS}</style></head><body><main>\n", esc(&sc.name)));
    h.push_str(&format!("<h1>{}</h1>\n", esc(&sc.name)));
    if !sc.description.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", esc(&sc.description)));
    }
    if !sc.opening_comment.is_empty() {
        h.push_str(&format!("<div class=\"question\">{}</div>\n", esc(&sc.opening_comment)));
    }
    h.push_str(&format!(
        "<p class=\"small\">{} rows, {} simulated athletes per row (the same athletes in every row), seed {}.</p>\n",
        sc.rows.len(),
        meta.athletes,
        meta.seed
    ));
    h.push_str(&format!("<p class=\"small start\">Where the athletes start: {}.</p>\n", esc(&sc.starts().join("; "))));
    // With a history, the report opens with the athlete's chart: where they are and where the plan takes them.
    let history = sc.rows.iter().any(|r| matches!(r.start, crate::scenario::Start::History { .. }));
    let first = charts.iter().find(|c| history && c.file == "pmc.svg");
    if let Some(c) = first {
        h.push_str(&format!("<h2>{}</h2>\n<div class=\"chart\">{}</div>\n", esc(&c.title), inline_svg(&c.svg)));
    }
    verdict_table(&mut h, sc, rows, verdict, meta.warnings);
    if !meta.who_wins.is_empty() {
        h.push_str("<h2>For whom each plan wins</h2>\n<p class=\"small\">The drawn parameter whose rank correlates most with each athlete's paired race-day difference (Spearman), and the shares better and worse than the smallest worthwhile change in the fifth of athletes with its highest and its lowest values (who_wins.csv has every parameter and fifth).</p>\n<ul class=\"who-wins\">\n");
        for s in meta.who_wins {
            h.push_str(&format!("<li>{}</li>\n", esc(s)));
        }
        h.push_str("</ul>\n");
    }
    if !meta.warnings.is_empty() {
        h.push_str("<h2>Warnings: read these rows with care</h2>\n<ul class=\"warnings\">\n");
        for w in meta.warnings {
            h.push_str(&format!("<li data-kind=\"{}\" data-row=\"{}\"><strong>{}</strong>: {}</li>\n", w.kind, w.row, w.kind.replace('_', " "), esc(&w.message)));
        }
        h.push_str("</ul>\n");
    }
    for c in charts.iter().filter(|c| first.is_none_or(|f| f.file != c.file)) {
        h.push_str(&format!("<h2>{}</h2>\n<div class=\"chart\">{}</div>\n", esc(&c.title), inline_svg(&c.svg)));
    }
    weekly_table(&mut h, sc);
    population(&mut h, sc);
    how_to_read(&mut h, sc);
    provenance(&mut h, sc, meta);
    h.push_str("</main></body></html>\n");
    h
}

/// plotters' SVG without an XML prolog, ready to sit inside HTML.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// A table cell showing `shown`, with the column's full-precision value for tests and scripts.
fn cell(col: &Column, f: &RowFigures<'_>, shown: String, class: &str) -> String {
    format!("<td class=\"{class}\" data-col=\"{}\" data-value=\"{}\">{}</td>", col.name, num(col.get(f).as_f64()), esc(&shown))
}

fn verdict_table(h: &mut String, sc: &Scenario, rows: &[&RowSummary], verdict: &[String], warnings: &[crate::result::RunWarning]) {
    h.push_str("<h2>The answer: each row against its reference</h2>\n<ul class=\"verdict\">\n");
    for line in verdict {
        h.push_str(&format!("<li>{}</li>\n", esc(line.trim_start())));
    }
    h.push_str("</ul>\n");
    // Under [compare] models the question-by-model table answers first; the rows follow.
    if sc.by_model() {
        by_model_table(h, sc, rows, warnings);
        h.push_str("<h2>Every row against its reference</h2>\n");
    }
    h.push_str("<div class=\"scroll\"><table id=\"verdict\">\n");
    h.push_str("<tr><th class=\"l\">row</th><th class=\"l\">compared with</th><th>race-day mean</th><th>gain vs start</th><th>difference</th><th>95% CI</th><th>difference %</th><th>verdict</th><th>better by more than swc</th><th>worse by more than swc</th></tr>\n");
    let unit = if sc.performance_unit.is_empty() { String::new() } else { format!(" {}", sc.performance_unit) };
    for (i, r) in rows.iter().enumerate().take(MAX_TABLE_ROWS) {
        let mean = r.perf_final_mean();
        let f = RowFigures::of(r);
        // Each athlete's race day against where that athlete started, in percent (empty for pmc).
        let gain = match r.gain_pct {
            Some(g) => cell(&columns::GAIN_PCT_MEAN, &f, format!("{}%", signed(g[0], 1)), ""),
            None => "<td></td>".to_string(),
        };
        h.push_str(&format!("<tr data-row=\"{i}\"><td class=\"l\">{}</td>", esc(&sc.short_label(i))));
        match &r.comparison {
            None => {
                h.push_str("<td class=\"l\"><em>reference</em></td>");
                h.push_str(&cell(&columns::PERF_FINAL_MEAN, &f, format!("{mean:.1}{unit}"), ""));
                h.push_str(&gain);
                h.push_str("<td></td><td></td><td></td><td></td><td></td><td></td></tr>\n");
            }
            Some(c) => {
                let d = c.decimals();
                let (lo, hi) = c.diff_ci();
                let verdict = c.verdict();
                let class = verdict_class(verdict);
                h.push_str(&format!("<td class=\"l\">{}</td>", esc(&sc.short_label(c.reference))));
                h.push_str(&cell(&columns::PERF_FINAL_MEAN, &f, format!("{mean:.1}{unit}"), ""));
                h.push_str(&gain);
                h.push_str(&cell(&columns::DIFF_MEAN, &f, signed(c.diff_mean, d), class));
                h.push_str(&format!(
                    "<td data-col=\"diff_ci\" data-low=\"{}\" data-high=\"{}\">{} to {}</td>",
                    num(lo),
                    num(hi),
                    esc(&signed(lo, d)),
                    esc(&signed(hi, d))
                ));
                h.push_str(&cell(&columns::DIFF_PCT, &f, format!("{}%", signed(c.diff_pct, pct_decimals(c))), class));
                let name = verdict.map_or("", |v| v.name());
                h.push_str(&format!("<td class=\"{class}\" data-col=\"verdict\" data-value=\"{name}\" title=\"{}\">{name}</td>", esc(&crate::result::judgement(c))));
                h.push_str(&cell(&columns::BETTER_SHARE, &f, percent(c.better_share(), c.athletes), ""));
                h.push_str(&cell(&columns::WORSE_SHARE, &f, percent(c.worse_share(), c.athletes), ""));
                h.push_str("</tr>\n");
            }
        }
    }
    h.push_str(&more_rows(rows.len(), 9));
    let swc = sc.compare.swc;
    h.push_str(&format!("</table></div>\n<p class=\"small\">Against the smallest worthwhile change of {swc}% of the reference's race-day mean: blue, better (the 95% CI of the difference lies above +{swc}%); red, worse (below -{swc}%); green, trivial (inside +/-{swc}%); grey, unclear (the interval straddles one of them). \
        Differences are paired: athlete i in one row against athlete i in the reference, with the same parameters and noise. \
        Gain vs start: each athlete's race day against the level that athlete started the plan at, averaged. \
        Numbers are rounded to what their interval supports; summary.csv has full precision.</p>\n"));
}

/// The CSS class of a verdict.
fn verdict_class(v: Option<crate::summary::Verdict>) -> &'static str {
    match v {
        Some(crate::summary::Verdict::Better) => "ahead",
        Some(crate::summary::Verdict::Worse) => "behind",
        Some(crate::summary::Verdict::Trivial) => "trivial",
        Some(crate::summary::Verdict::Unclear) | None => "unsure",
    }
}

/// `[compare] models`: one row per question, one column per model (verdicts.csv as a table),
/// and whether the models agree.
fn by_model_table(h: &mut String, sc: &Scenario, rows: &[&RowSummary], warnings: &[crate::result::RunWarning]) {
    let questions = crate::result::questions(sc, rows);
    h.push_str("<h2>Question by model</h2>\n<div class=\"scroll\"><table id=\"by-model\">\n<tr><th class=\"l\">question</th>");
    for m in sc.models() {
        h.push_str(&format!("<th data-model=\"{0}\">{0}</th>", esc(m)));
    }
    h.push_str("<th class=\"l\">models</th></tr>\n");
    for (q, list) in questions.iter().take(MAX_TABLE_ROWS) {
        h.push_str(&format!("<tr data-question=\"{0}\"><td class=\"l\">{0}</td>", esc(q)));
        let mut names = Vec::new();
        for m in sc.models() {
            let found = list.iter().copied().find(|&i| sc.rows[i].model_name() == m).and_then(|i| rows[i].comparison.as_ref().map(|c| (i, c)));
            let Some((i, c)) = found else {
                h.push_str("<td></td>");
                continue;
            };
            let v = c.verdict();
            let name = crate::result::verdict_word(c);
            names.push(name);
            let pct = if v.is_some() { format!(" {}%", signed(c.diff_pct, pct_decimals(c))) } else { String::new() };
            // A model outside its range or calibration in this row or its reference: marked.
            let doubtful = warnings.iter().any(|w| (w.row == i || w.row == c.reference) && w.casts_doubt());
            let pct = if doubtful { format!("{pct} *") } else { pct };
            h.push_str(&format!(
                "<td class=\"{}\" data-model=\"{}\" data-col=\"verdict\" data-value=\"{name}\" data-diff-pct=\"{}\" title=\"{}\">{name}{}</td>",
                verdict_class(v),
                esc(m),
                num(c.diff_pct),
                esc(&crate::result::judgement(c)),
                esc(&pct)
            ));
        }
        let agree = crate::result::agree(&names);
        let text = if agree { format!("agree ({} of {})", names.len(), names.len()) } else { "disagree".to_string() };
        h.push_str(&format!("<td class=\"l\" data-col=\"agreement\" data-value=\"{}\">{text}</td></tr>\n", if agree { "agree" } else { "disagree" }));
    }
    h.push_str(&more_rows(questions.len(), sc.models().len() + 2));
    h.push_str("</table></div>\n<p class=\"small\">Each cell: that model's verdict on the question and its mean percent difference (hover for the interval and shares); \
        * marks a model run far from the load it was calibrated at, or leaving its documented range for many athletes (10% or more), in that row or its reference (see Warnings): read it with care. \
        The models are not fitted to one athlete: where they disagree, the answer depends on which model's assumptions hold for your athlete, and the seed-questions notebook walks through why.</p>\n");
}

fn weekly_table(h: &mut String, sc: &Scenario) {
    let plans: Vec<&crate::plan::Plan> = sc.rows[sc.plan_rows()].iter().take(MAX_TABLE_ROWS).map(|r| r.generated()).collect();
    let weeks = plans.iter().map(|p| p.days().div_ceil(7)).max().unwrap_or(0);
    let unit = if sc.load_unit.is_empty() { String::new() } else { format!(" ({})", sc.load_unit) };
    h.push_str(&format!("<h2>Planned weekly load{}</h2>\n<div class=\"scroll\"><table id=\"weekly\">\n<tr><th class=\"l\">row</th>", esc(&unit)));
    // Week numbers, with the Monday's date when the plans are dated.
    let start = sc.rows.iter().find_map(|r| r.plan.start_date());
    let same_start = sc.rows.iter().all(|r| r.plan.start_date() == start);
    for w in 1..=weeks {
        match start.filter(|_| same_start) {
            Some(d) => h.push_str(&format!("<th title=\"week {w}\">{w}<br><small>{}</small></th>", &crate::daily::format_date(d + 7 * (w as i64 - 1))[5..])),
            None => h.push_str(&format!("<th>{w}</th>")),
        }
    }
    h.push_str("<th>total</th></tr>\n");
    for (i, p) in plans.iter().enumerate() {
        h.push_str(&format!("<tr><td class=\"l\">{}</td>", esc(&sc.plan_label(i))));
        let plan_weeks = crate::plan::weeks(p);
        for w in 0..weeks {
            match plan_weeks.get(w) {
                None => h.push_str("<td></td>"),
                // A week is shaded by its kind (taper, then recovery, then overreach wins).
                Some(wk) => {
                    let class = if wk.kind == WeekKind::Normal { "" } else { wk.kind.name() };
                    h.push_str(&format!("<td class=\"{class}\">{:.0}</td>", wk.load));
                }
            }
        }
        h.push_str(&format!("<td>{:.0}</td></tr>\n", p.total()));
    }
    h.push_str(&more_rows(sc.rows.len(), weeks + 2));
    h.push_str("</table></div>\n<p class=\"small\">Shaded: <span style=\"background:#fde2d6\">overreach</span>, \
        <span style=\"background:#dcf1d6\">recovery</span> and <span style=\"background:#dce8f6\">taper</span> weeks. \
        <code>periodize plan</code> prints every day.</p>\n");
}

fn show_dist(d: &Dist) -> String {
    let g = |x: f64| format!("{x}");
    match d {
        Dist::Fixed { value } => g(*value),
        Dist::Normal { mean, sd, min, max } => {
            let mut s = format!("normal, mean {}, sd {}", g(*mean), g(*sd));
            if min.is_finite() || max.is_finite() {
                s.push_str(&format!(", truncated to [{}, {}]", g(*min), g(*max)));
            }
            s
        }
        Dist::Lognormal { median, sigma } => format!("lognormal, median {}, sigma {} (sd of ln)", g(*median), g(*sigma)),
        Dist::Uniform { min, max } => format!("uniform on [{}, {})", g(*min), g(*max)),
    }
}

fn population(h: &mut String, sc: &Scenario) {
    h.push_str("<h2>The simulated athletes</h2>\n");
    let mut seen: Vec<&crate::scenario::ModelSpec> = Vec::new();
    for row in &sc.rows {
        if seen.contains(&&row.model) {
            continue;
        }
        seen.push(&row.model);
        let used: Vec<String> = (0..sc.rows.len()).filter(|&i| sc.rows[i].model == row.model).map(|i| sc.short_label(i)).collect();
        let conv = if row.model.config.kind.has_convention() { format!(", {} convention", row.model.config.convention.name()) } else { String::new() };
        let rows_note = if seen.len() == 1 && used.len() == sc.rows.len() { "every row".to_string() } else { used.join("; ") };
        h.push_str(&format!("<p><strong>{}</strong>{} &mdash; {}</p>\n", esc(row.model.config.kind.name()), esc(&conv), esc(&rows_note)));
        h.push_str("<table class=\"population\"><tr><th class=\"l\">parameter</th><th class=\"l\">each athlete draws</th></tr>\n");
        for (name, d) in &row.model.params {
            h.push_str(&format!("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n", esc(name), esc(&show_dist(d))));
        }
        h.push_str("</table>\n");
    }
}

fn how_to_read(h: &mut String, sc: &Scenario) {
    // Linear models with a performance level (not a form chart), named as the scenario names them.
    let linear = sc.rows.iter().all(|r| r.model.config.kind.info().linear && !r.model.config.kind.info().form_chart);
    let mut names: Vec<&str> = Vec::new();
    for r in &sc.rows {
        if !names.contains(&r.model.config.kind.name()) {
            names.push(r.model.config.kind.name());
        }
    }
    h.push_str("<h2>How to read this</h2>\n<ul>\n");
    h.push_str("<li><strong>The answer is the paired difference</strong>, not the spread between athletes. Every row runs the same simulated athletes, so \
        the difference for athlete i is measured against athlete i's own result in the reference row. The spread of race-day performance \
        (final chart) mostly shows how different the athletes are.</li>\n");
    h.push_str("<li><strong>verdict</strong> weighs the difference against the smallest worthwhile change (swc): a difference whose 95% interval lies inside \
        +/-swc is <em>trivial</em> whatever its sign. <strong>better/worse by more than swc</strong> are the shares of athletes whose own difference exceeds it \
        either way; the rest gain or lose less than it matters.</li>\n");
    h.push_str("<li><strong>difference %</strong> is relative to the reference's mean race-day performance, whose level is set by the model's p0; \
        compare rows with each other, not with real race times.</li>\n");
    if linear {
        h.push_str(&format!("<li>Every row uses a <em>linear</em> model ({}): moving sessions within the week only re-weights exponential sums, so spacing \
            and overreach change race day mainly through when the last load falls. Busso's and PerPot's nonlinear models are where \
            arrangement matters.</li>\n", esc(&names.join(", "))));
    }
    h.push_str("<li>These are model predictions for a simulated population, not a prescription for one athlete.</li>\n</ul>\n");
}

fn provenance(h: &mut String, sc: &Scenario, meta: &Meta<'_>) {
    h.push_str("<h2>Run</h2>\n<table class=\"meta\">\n");
    let mut row = |k: &str, v: String| h.push_str(&format!("<tr><th class=\"l\">{}</th><td>{}</td></tr>\n", esc(k), esc(&v)));
    row("periodize", env!("CARGO_PKG_VERSION").to_string());
    if let Some(c) = meta.git_commit {
        row("git commit", c.to_string());
    }
    row("scenario file", sc.path.display().to_string());
    row("scenario SHA-256", sc.sha256.clone());
    row("seed", meta.seed.to_string());
    row("athletes per row", meta.athletes.to_string());
    row("created (UTC)", meta.created_utc.to_string());
    h.push_str("</table>\n");
}
