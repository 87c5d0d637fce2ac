//! Each model's daily update, one athlete, a 365-day plan: throughput in athlete-days.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use periodize::model::{AnyModel, Convention, Model, ModelConfig, ModelKind};
use std::hint::black_box;

fn plan() -> Vec<f64> {
    (0..365).map(|d| [150.0, 50.0, 0.0, 150.0, 50.0, 50.0, 150.0][d % 7]).collect()
}

fn bench(c: &mut Criterion) {
    let w = plan();
    let mut group = c.benchmark_group("model_update");
    group.throughput(Throughput::Elements(w.len() as u64));
    let cases: [(ModelKind, Convention, &[f64]); 6] = [
        (ModelKind::Banister, Convention::Lagged, &[100.0, 0.1, 0.2, 42.0, 7.0, 0.0, 0.0]),
        (ModelKind::Banister, Convention::SameDay, &[100.0, 0.1, 0.2, 42.0, 7.0, 0.0, 0.0]),
        (ModelKind::Busso, Convention::Lagged, &[100.0, 0.1, 0.0005, 42.0, 7.0, 5.0, 0.0, 0.0]),
        (ModelKind::Busso, Convention::SameDay, &[100.0, 0.1, 0.0005, 42.0, 7.0, 5.0, 0.0, 0.0]),
        (ModelKind::Pmc, Convention::Lagged, &[42.0, 7.0, 0.0, 0.0]),
        (ModelKind::Perpot, Convention::Lagged, &[4.0, 2.0, 1.5, 0.0, 200.0]),
    ];
    for (kind, convention, values) in cases {
        let mut config = ModelConfig::new(kind);
        config.convention = convention;
        let name = if kind.has_convention() { format!("{kind}/{}", convention.name()) } else { kind.to_string() };
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut m = AnyModel::try_new(&config, values).expect("valid values");
                let mut acc = 0.0;
                for &x in black_box(&w) {
                    m.step(x);
                    acc += m.performance();
                }
                acc
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
