//! Linting a generated 10,000-metric catalogue: reading, every rule, and the model.
//! Target: under 100 ms. Then what consumes the checked catalogue: the reference in each
//! format, a changelog and the compatibility rules (linear in the number of metrics).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, check, compat, diff};

#[path = "support/catalogue.rs"]
mod support;
use support::catalogue;

fn bench(c: &mut Criterion) {
    let text = catalogue(10_000);
    let options = Options::at_version(Version::new(0, 11, 0));
    let checked = check(&text, "bench.toml", &options);
    assert!(
        checked.diagnostics.is_empty(),
        "the generated catalogue must be clean:\n{}",
        checked.render_plain()
    );
    assert_eq!(checked.catalogue.map(|c| c.metrics.len()), Some(10_000));

    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("check 10,000 metrics", |b| {
        b.iter(|| check(black_box(&text), "bench.toml", &options))
    });
    group.finish();

    // The consumers of a checked catalogue: reference, changelog, compatibility rules.
    let checked = check(&text, "bench.toml", &options);
    let cat = checked.catalogue.as_ref().unwrap();
    let at = Version::new(0, 11, 0);
    let mut group = c.benchmark_group("consumers");
    group.sample_size(20);
    for (name, format) in [
        ("docs markdown, 10,000 metrics", Format::Markdown),
        ("docs html, 10,000 metrics", Format::Html),
        ("docs json, 10,000 metrics", Format::Json),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| docs::generate(black_box(cat), &at, format))
        });
    }
    group.bench_function("diff 0.9 -> 0.11, 10,000 metrics", |b| {
        b.iter(|| {
            let log = diff::diff(
                diff::Side::new(cat, "old", Some(Version::new(0, 9, 0))),
                diff::Side::new(cat, "new", Some(at.clone())),
            );
            diff::markdown(&log)
        })
    });
    group.bench_function("baseline check, 10,000 metrics", |b| {
        b.iter(|| compat::compare(black_box(&checked), &checked))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
