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
//! the figures are noisy; criterion medians of 10 samples):
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

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::{Resolver, check_file};
use metrics_schema::{Options, check};

/// `n` metrics in `n / 10` groups, the shapes of vLLM's (counters with a closed label,
/// gauges, histograms over shared bucket sets; one in ten deprecated with a replacement),
/// and a counter over a closed label of `values` values.
fn catalogue(n: usize, values: usize) -> String {
    let mut out = String::from(
        r#"[catalogue]
namespace = "engine"
stability = "stable"

[labels.model_name]
help = "Name of the served model."
max_values = 8
[labels.engine]
help = "Index of the engine core."
max_values = 16
[labels.finished_reason]
help = "Why the request finished."
values = ["stop", "length", "abort", "error", "repetition"]
"#,
    );
    let list: Vec<String> = (0..values).map(|i| format!("\"kind_{i}\"")).collect();
    let _ = write!(
        out,
        "[labels.kind]\nhelp = \"A closed label with many values.\"\nvalues = [{}]\n",
        list.join(", ")
    );
    out.push_str(
        r#"
[buckets]
latency = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0]
tokens = { exponential = { start = 1.0, factor = 2.0, count = 15 } }

[[metric]]
name = "kinds"
type = "counter"
help = "Events by kind."
labels = ["kind"]
"#,
    );
    for i in 0..n {
        let (kind, suffix, extra) = match i % 4 {
            0 => (
                "counter",
                "",
                "labels = [\"model_name\", \"engine\", \"finished_reason\"]\n",
            ),
            1 => ("gauge", "", "labels = [\"model_name\", \"engine\"]\n"),
            2 => (
                "histogram",
                "_seconds",
                "unit = \"seconds\"\nlabels = [\"model_name\", \"engine\"]\nbuckets = \"latency\"\n",
            ),
            _ => (
                "histogram",
                "",
                "labels = [\"model_name\"]\nbuckets = \"tokens\"\n",
            ),
        };
        let _ = write!(
            out,
            "\n[[metric]]\nname = \"metric_{i}{suffix}\"\ntype = \"{kind}\"\nhelp = \"Generated metric number {i}.\"\n{extra}group = \"Group {}\"\nsince = \"0.{}.0\"\n",
            i / 10,
            i % 10,
        );
        if i % 10 == 9 {
            let _ = write!(
                out,
                "deprecated = \"0.10\"\nreplaced_by = \"metric_{}\"\nnote = \"Renamed.\"\n",
                i - 8
            );
        }
    }
    out
}

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
        let text = catalogue(metrics, values);
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
