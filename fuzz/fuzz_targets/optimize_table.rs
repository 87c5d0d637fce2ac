//! The `[optimize]` table: any table after a valid scenario gives a scenario or an error, never
//! a panic; and every candidate a valid table gives that `optimize` could rank (its row
//! validates) writes a best.toml that validates again, as `periodize optimize` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use periodize::scenario::optimize::{Domain, Level};

const BASE: &str = "schema_version = 1\n[run]\nathletes = 10\n[model]\nkind = \"banister\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\n\
[plan]\nkey_workouts = 3\nkey_load = 100.0\neasy_load = 20.0\ntaper = { days = 7, factor = 0.5 }\n\
[[plan.phase]]\nname = \"build\"\nweeks = 3\nrecovery = { every = 3, factor = 0.6 }\n[[plan.phase]]\nname = \"race\"\nweeks = 1\n\
[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.spacing = \"clustered\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(table) = std::str::from_utf8(data) else { return };
    let text = format!("{BASE}[optimize]\n{table}");
    let path = std::path::Path::new("/nonexistent-periodize-fuzz/s.toml");
    let Ok(sc) = periodize::scenario::parse_scenario(&text, path) else { return };
    let Some(opt) = sc.optimize() else { return };
    let names = sc.variant_names();
    for vi in 0..names.len().min(2) {
        let written = sc.as_written(vi);
        let centre: Vec<Level> = written.iter().zip(&opt.vary).map(|(l, v)| l.unwrap_or(v.domain.centre())).collect();
        let mut points = vec![centre.clone()];
        for (i, v) in opt.vary.iter().enumerate().take(4) {
            let ends = match &v.domain {
                Domain::Continuous { min, max } => vec![Level::Num(*min), Level::Num(*max)],
                d => (0..d.levels().unwrap_or(1).min(3)).map(|k| d.level(k)).collect(),
            };
            for e in ends {
                let mut p = centre.clone();
                p[i] = e;
                points.push(p);
            }
        }
        for p in points {
            if sc.optimize_row(vi, &p).is_err() {
                continue;
            }
            for i in 0..p.len() {
                let _ = sc.level_text(i, p[i]);
            }
            let best = format!("{text}\n{}", sc.optimum_variant_toml(vi, &p, "optimum"));
            if let Err(e) = periodize::scenario::parse_scenario(&best, path) {
                panic!("a candidate optimize ranks gives a best.toml that does not validate:\n{}", e.render());
            }
        }
    }
});
