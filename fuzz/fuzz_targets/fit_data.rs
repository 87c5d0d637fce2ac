//! The fit's data reader (`day,load,performance` or dates with a --date-format), and the date
//! parsers it uses: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use periodize::daily::{ReadOptions, parse_daily_with, parse_date, parse_date_format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line doubles as a date format and a date.
    let first = text.lines().next().unwrap_or("");
    let _ = parse_date(first);
    let _ = parse_date_format(first, first);
    let _ = parse_date_format(first, "%Y-%m-%d");
    let opts = ReadOptions { with_performance: true, ..Default::default() };
    let _ = parse_daily_with(text, std::path::Path::new("fit.csv"), &opts);
    let opts = ReadOptions { with_performance: true, date_format: Some(first), ..Default::default() };
    let _ = parse_daily_with(text, std::path::Path::new("fit.csv"), &opts);
});
