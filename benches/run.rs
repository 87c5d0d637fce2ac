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
        let row = &sc.rows[0];
        let days = periodize::plan::generate(&row.plan).days() + 1;
        group.throughput(Throughput::Elements((athletes * days) as u64));
        group.bench_function(name, |b| b.iter(|| run_row(row, sc.seed, athletes, false, false, &AtomicU64::new(0))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
