//! Expanding `catalogue!` for a generated 1,000-metric catalogue: reading, every lint rule
//! and the code generation, as the macro does it. Target: under 1 s (it is far below).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_schema::codegen::{Input, expand};

#[path = "support/catalogue.rs"]
mod support;
use support::catalogue;

fn bench(c: &mut Criterion) {
    let text = catalogue(1_000);
    let mut group = c.benchmark_group("catalogue! expansion");
    group.sample_size(20);
    // At 0.11 the deprecated tenth is hidden (generated), at 0.12 removed (not generated).
    for (version, live) in [("0.11.0", 1_000), ("0.12.0", 900)] {
        let input = Input {
            version: Some(version),
            ..Input::new(&text, "metrics.toml")
        };
        let code = expand(&input).unwrap_or_else(|e| panic!("{e}"));
        let code = code.to_string();
        assert_eq!(
            code.matches("Family :: new").count(),
            live,
            "one family per live metric"
        );
        group.bench_function(
            format!("1,000 metrics at {version}: check + generate"),
            |b| b.iter(|| expand(black_box(&input))),
        );
        group.bench_function(
            format!("1,000 metrics at {version}: ... + to_string"),
            |b| b.iter(|| expand(black_box(&input)).map(|t| t.to_string())),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
