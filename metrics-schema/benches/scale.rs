//! Scale: every consumer of a catalogue stays linear. The same work at 10,000 metrics with a
//! closed label of 2,000 values and at 100,000 metrics with 20,000 values (and ten times as
//! many groups): linting (`schema lint`), the reference in three formats (`schema docs`), the
//! Grafana dashboard (`schema dashboard`) and checking that dashboard's queries against the
//! catalogue (`schema check-refs`). Linear means the larger size takes about ten times as
//! long: criterion's throughput (metrics per second) stays the same.
//!
//! Slow to run (about two minutes): `cargo bench -p metrics-schema --bench scale`.
//!
//! Measured once (release build, the shared 2-core machine with other builds running, so
//! the figures are noisy; criterion medians of 10 samples; the catalogue then had 14 latency
//! bounds instead of 21 and its groups in blocks of ten):
//!
//! | work                          | 10,000 metrics, 2,000 values | 100,000 metrics, 20,000 values | ratio |
//! |-------------------------------|------------------------------|--------------------------------|-------|
//! | lint                          | 0.84 s                       | 4.71 s                         | 5.6x  |
//! | docs (markdown, html, json)   | 2.75 s                       | 9.84 s                         | 3.6x  |
//! | dashboard (JSON text)         | 5.54 s                       | 13.16 s                        | 2.4x  |
//! | check-refs of that dashboard  | 1.69 s                       | 10.74 s                        | 6.3x  |
//!
//! Ten times the input never took more than ten times as long (the smaller size ran while
//! other work loaded the machine, hence ratios below 10).
//!
//! Before the collision check was hashed, the 20,000-value label alone took about 51 s to
//! lint; before the dashboard indexed its rows by group, its time grew with metrics times
//! groups.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::{Resolver, check_file};
use metrics_schema::{Options, check};

#[path = "support/catalogue.rs"]
mod support;
use support::catalogue_with;

fn bench(c: &mut Criterion) {
    let at = Version::new(0, 11, 0);
    let mut options = Options::at_version(at.clone());
    options.high_cardinality_threshold = u64::MAX;
    let mut group = c.benchmark_group("scale");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (metrics, values) in [(10_000, 2_000), (100_000, 20_000)] {
        let size = format!("{metrics} metrics, {values} values");
        // `metrics / 10` groups; a counter over a closed label of `values` values.
        let text = catalogue_with(metrics, metrics / 10, values);
        let checked = check(&text, "scale.toml", &options);
        assert!(
            checked.diagnostics.is_empty(),
            "the generated catalogue must be clean:\n{}",
            checked.render_plain()
        );
        let cat = checked.catalogue.as_ref().unwrap();
        assert_eq!(cat.metrics.len(), metrics + 1);
        group.throughput(Throughput::Elements(metrics as u64));

        group.bench_function(BenchmarkId::new("lint", &size), |b| {
            b.iter(|| check(black_box(&text), "scale.toml", &options))
        });
        group.bench_function(
            BenchmarkId::new("docs (markdown, html, json)", &size),
            |b| {
                b.iter(|| {
                    [Format::Markdown, Format::Html, Format::Json]
                        .map(|format| docs::generate(black_box(cat), &at, format).len())
                })
            },
        );
        group.bench_function(BenchmarkId::new("dashboard", &size), |b| {
            b.iter(|| {
                let board = metrics_schema::dashboard::dashboard(black_box(cat), &at, None);
                serde_json::to_string_pretty(&board).unwrap()
            })
        });
        let board = metrics_schema::dashboard::dashboard(cat, &at, None);
        let dashboard = serde_json::to_string_pretty(&board).unwrap();
        drop(board);
        group.bench_function(
            BenchmarkId::new("check-refs of the dashboard", &size),
            |b| {
                b.iter(|| {
                    let file = DashboardFile::read("d.json", black_box(&dashboard)).unwrap();
                    let resolver = Resolver::new(cat);
                    let checked = check_file(&resolver, file.source, &file.expressions, &at);
                    assert!(checked.diagnostics.is_empty());
                    checked
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
