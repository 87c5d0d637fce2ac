//! `run --report`: report.html is one self-contained page whose verdict numbers are summary.csv's,
//! and it renders in a real headless Chromium without console errors and not blank.
//!
//! The browser part needs Chromium (`chromium`, `chromium-browser` or `$PERIODIZE_CHROMIUM`). It
//! says so and skips when there is none, unless `PERIODIZE_REQUIRE_BROWSER=1` (set by `.ci/run`
//! once it has installed Chromium), where a missing browser fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::summary;

/// The shipped spacing scenario, run with a report into a fresh folder.
fn report_run() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sc = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/busso-spacing.toml");
    let o = common::bin().args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "600", "--report"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, out)
}

/// (row index, column, data-value) of every verdict cell with a full-precision value.
fn cells(html: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let table = &html[html.find("<table id=\"verdict\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    for tr in table.split("<tr data-row=\"").skip(1) {
        let row: usize = tr[..tr.find('"').unwrap()].parse().unwrap();
        for td in tr.split("data-col=\"").skip(1) {
            let col = &td[..td.find('"').unwrap()];
            if let Some(v) = td.find("data-value=\"") {
                let v = &td[v + 12..];
                out.push((row, col.to_string(), v[..v.find('"').unwrap()].to_string()));
            }
        }
    }
    out
}

fn check_numbers_match_summary(html: &str, out: &Path) {
    let rows = summary(out);
    let cells = cells(html);
    assert!(cells.len() >= rows.len(), "every row shows at least its mean");
    let mut compared = 0;
    for (i, col, value) in &cells {
        assert_eq!(&rows[*i][col.as_str()], value, "row {i} {col}");
        compared += usize::from(col == "diff_mean");
    }
    let expected = rows.iter().filter(|r| !r["reference"].is_empty()).count();
    assert_eq!(compared, expected, "one difference per compared row");
    assert!(expected > 0);
}

#[test]
fn the_report_is_self_contained_and_its_numbers_are_summary_csvs() {
    let (_dir, out) = report_run();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_numbers_match_summary(&html, &out);
    // Self-contained: no scripts, nothing fetched (the SVG namespace is a name, not a fetch).
    let fetchable = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for banned in ["<script", "http://", "https://", "<link", "@import", "src=\"", "url("] {
        assert!(!fetchable.contains(banned), "report.html contains {banned}");
    }
    // The question, the charts, the plans, the population and the provenance are there.
    let sc = periodize::scenario::load(&Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/busso-spacing.toml")).unwrap();
    assert!(html.contains(&periodize::html_report::esc(sc.opening_comment().lines().next().unwrap())));
    assert_eq!(html.matches("<svg").count(), 4, "diff, daily, final and pmc charts inline");
    assert!(html.contains("id=\"weekly\"") && html.contains("The simulated athletes"));
    assert!(html.contains(sc.sha256()));
    // The weekly totals are the plan's: row 0's first week.
    let plan = periodize::plan::generate(sc.rows()[0].plan());
    let week1: f64 = plan.load[..7].iter().sum();
    let weekly = &html[html.find("id=\"weekly\"").unwrap()..];
    assert!(weekly.contains(&format!("<td class=\"\">{week1:.0}</td>")), "first week's total {week1:.0}");
}

fn chromium() -> Option<String> {
    if let Ok(p) = std::env::var("PERIODIZE_CHROMIUM") {
        return Some(p);
    }
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success())).map(String::from)
}

fn browser(bin: &str, args: &[&str], page: &Path) -> std::process::Output {
    let url = format!("file://{}", page.display());
    let mut all = vec!["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"];
    all.extend(args);
    all.push(&url);
    Command::new(bin).args(&all).output().unwrap()
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        assert!(std::env::var("PERIODIZE_REQUIRE_BROWSER").is_err(), "PERIODIZE_REQUIRE_BROWSER is set but no Chromium was found");
        eprintln!("SKIPPED the_report_renders_in_headless_chromium: no Chromium (set PERIODIZE_CHROMIUM or install chromium)");
        return;
    };
    let (dir, out) = report_run();
    let page = out.join("report.html");
    // The DOM as the browser parsed it: the same numbers, and no console message.
    let dom = browser(&bin, &["--dump-dom"], &page);
    assert!(dom.status.success(), "chromium --dump-dom failed");
    let stderr = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    let parsed = String::from_utf8_lossy(&dom.stdout);
    check_numbers_match_summary(&parsed, &out);
    // A 1280 px screenshot that is not blank: many pixels away from white, in several colours.
    let shot = dir.path().join("report.png");
    let s = browser(&bin, &["--window-size=1280,2400", &format!("--screenshot={}", shot.display())], &page);
    assert!(s.status.success(), "chromium --screenshot failed");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.width, 1280);
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let inked = pixels.iter().filter(|p| p[..3].iter().any(|&c| c < 200)).count();
    let colours: std::collections::HashSet<[u8; 3]> = pixels.iter().map(|p| [p[0] / 32, p[1] / 32, p[2] / 32]).collect();
    assert!(inked > pixels.len() / 100, "only {inked} of {} pixels are inked", pixels.len());
    assert!(colours.len() > 10, "only {} colours", colours.len());
}

/// The shipped seed-questions scenario (`[compare] models = "all"`), run with a report.
fn by_model_run() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The shipped seed questions, with athletes whose habitual load is 40 a day while the plan
    // trains at about 90: some presets then run beyond their calibration or leave their range.
    let shipped = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/seed-questions.toml");
    let text = std::fs::read_to_string(shipped).unwrap();
    assert!(text.contains("start = { steady_load = 90.0 }"));
    let sc = common::write(dir.path(), "seed-questions.toml", &text.replace("start = { steady_load = 90.0 }", "start = { steady_load = 40.0 }"));
    let o = common::bin().args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap(), "--athletes", "300", "--report"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, out)
}

/// (question, model, verdict, diff_pct) of every cell of the question-by-model table.
fn by_model_cells(html: &str) -> Vec<(String, String, String, String)> {
    let attr = |td: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        let at = td.find(&key).unwrap_or_else(|| panic!("no {name} in {td}")) + key.len();
        td[at..at + td[at..].find('"').unwrap()].replace("&gt;", ">").replace("&amp;", "&")
    };
    let table = &html[html.find("<table id=\"by-model\">").expect("the question-by-model table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let mut out = Vec::new();
    for tr in table.split("<tr data-question=").skip(1) {
        let q = attr(&format!("data-question={tr}"), "data-question");
        for td in tr.split("<td ").skip(1).filter(|td| td.contains("data-model=")) {
            out.push((q.clone(), attr(td, "data-model"), attr(td, "data-value"), attr(td, "data-diff-pct")));
        }
    }
    out
}

/// The table says what verdicts.csv says, question by model, and every question has its
/// agreement cell.
fn check_by_model_table(html: &str, out: &Path) {
    let mut r = csv::Reader::from_path(out.join("verdicts.csv")).unwrap();
    let want: Vec<(String, String, String, String)> = r.records().map(Result::unwrap).map(|x| (x[0].to_string(), x[1].to_string(), x[8].to_string(), x[2].to_string())).collect();
    // 6 questions x every preset.
    assert_eq!(want.len(), 6 * periodize::scenario::presets::PRESETS.len());
    assert_eq!(by_model_cells(html), want);
    let table = &html[html.find("<table id=\"by-model\">").unwrap()..];
    assert_eq!(table[..table.find("</table>").unwrap()].matches("data-col=\"agreement\"").count(), 6);
}

#[test]
fn the_report_has_a_question_by_model_table_that_is_verdicts_csv() {
    let (_dir, out) = by_model_run();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_by_model_table(&html, &out);
    check_numbers_match_summary(&html, &out);
    // A `*` marks the cells the warnings cast doubt on. Here the plan trains at 2.2x the
    // athletes' habitual load, so every preset runs beyond its calibration in every row (the
    // mapping is relative: the ratio is the same for every preset), and every cell is marked.
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let rows = summary(&out);
    let beyond = manifest["warnings"].as_array().unwrap().iter().filter(|w| w["kind"] == "beyond_calibration").count();
    assert_eq!(beyond, rows.len());
    let marks = |html: &str| -> (usize, usize) {
        let table = &html[html.find("<table id=\"by-model\">").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        let cells: Vec<&str> = table.split("<td ").skip(1).filter(|td| td.contains("data-model=")).map(|td| &td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()]).collect();
        (cells.iter().filter(|t| t.ends_with(" *")).count(), cells.len())
    };
    let (marked, cells) = marks(&html);
    assert_eq!((marked, cells), (cells, 6 * periodize::scenario::presets::PRESETS.len()));
    // The shipped scenario, whose athletes start at their habitual load (about the plan's), is
    // within every preset's calibration and range: no cell is marked.
    let shipped = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("scenarios/seed-questions.toml");
    let out2 = _dir.path().join("shipped");
    let o = common::bin().args(["run", shipped.to_str().unwrap(), "--out", out2.to_str().unwrap(), "--athletes", "300", "--report"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let (marked, cells) = marks(&std::fs::read_to_string(out2.join("report.html")).unwrap());
    assert_eq!((marked, cells), (0, 6 * periodize::scenario::presets::PRESETS.len()));
}

#[test]
fn the_question_by_model_table_renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        assert!(std::env::var("PERIODIZE_REQUIRE_BROWSER").is_err(), "PERIODIZE_REQUIRE_BROWSER is set but no Chromium was found");
        eprintln!("SKIPPED the_question_by_model_table_renders_in_headless_chromium: no Chromium (set PERIODIZE_CHROMIUM or install chromium)");
        return;
    };
    let (_dir, out) = by_model_run();
    let dom = browser(&bin, &["--dump-dom"], &out.join("report.html"));
    assert!(dom.status.success(), "chromium --dump-dom failed");
    let stderr = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    check_by_model_table(&String::from_utf8_lossy(&dom.stdout), &out);
}
