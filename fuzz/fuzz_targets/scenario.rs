//! The scenario parser and validator, then the plan generator on every row: any text must give
//! a scenario or an error, never a panic. The path is in a folder that does not exist, so file
//! references fail as missing files.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(sc) = periodize::scenario::parse_scenario(text, std::path::Path::new("/nonexistent-periodize-fuzz/s.toml")) {
        for row in sc.rows().iter().take(64) {
            let plan = periodize::plan::generate(&row.plan());
            assert!(plan.load.iter().all(|w| w.is_finite() && *w >= 0.0), "a plan load is not a finite non-negative number");
        }
    }
});
