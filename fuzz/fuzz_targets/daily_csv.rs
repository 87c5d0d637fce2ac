//! The daily CSV reader (`simulate --loads`, scenario `loads =`, start histories), with every
//! option: any text gives a series or an error, never a panic, and a series is consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use periodize::daily::{Format, ReadOptions, parse_daily_with};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let opts = ReadOptions {
        with_performance: flags & 1 != 0,
        zones: flags & 2 != 0,
        load_column: (flags & 4 != 0).then_some("TSS"),
        date_format: (flags & 8 != 0).then_some("%d/%m/%Y"),
        load_columns: (flags & 16 != 0 && flags & 2 == 0).then_some(["hard", "easy"]),
        format: [Format::Auto, Format::Intervals, Format::TrainingPeaks, Format::Strava][(flags >> 5) as usize & 3],
        ..Default::default()
    };
    if let Ok(s) = parse_daily_with(text, std::path::Path::new("fuzz.csv"), &opts) {
        assert!(opts.with_performance || s.performance.is_empty());
        assert!(!opts.with_performance || s.performance.len() == s.load.len());
        assert!(s.easy.is_empty() || s.easy.len() == s.load.len());
        assert!(s.easy.iter().zip(&s.load).all(|(e, l)| *e <= *l));
    }
});
