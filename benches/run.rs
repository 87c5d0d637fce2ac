//! `periodize run`'s engine on population jobs (the issue-6 workloads at a bench-friendly size):
//! throughput in athlete-days per second, all cores.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use periodize::montecarlo::run_row;
use std::path::Path;
use std::sync::atomic::AtomicU64;

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios");
    let athletes = 100_000;
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    for name in ["population-365", "population-365-noise"] {
        let sc = periodize::scenario::load(&dir.join(format!("{name}.toml"))).expect("bench scenario");
        let row = &sc.rows()[0];
        let days = periodize::plan::generate(row.plan()).days() + 1;
        group.throughput(Throughput::Elements((athletes * days) as u64));
        group.bench_function(name, |b| b.iter(|| run_row(row, sc.seed(), athletes, Default::default(), &AtomicU64::new(0))));
    }
    group.finish();

    // The summary step of a row: mean, sd and 5/50/95% quantiles of three metrics per athlete
    // (continuous, continuous, integer days), as `run` computes them for summary.csv.
    let n = 1_000_000;
    let mut state = 1u64;
    let mut u = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let rows: Vec<[f64; 3]> = (0..n).map(|_| [300.0 + 40.0 * u(), 350.0 + 60.0 * u() * u(), (u() * 366.0).floor()]).collect();
    let mut group = c.benchmark_group("summary");
    group.sample_size(20);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("three_metrics_1M_athletes", |b| b.iter(|| periodize::stats::summarize_columns(n, |i| rows[i])));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
