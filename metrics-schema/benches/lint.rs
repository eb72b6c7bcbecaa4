//! Linting a generated 10,000-metric catalogue: reading, every rule, and the model.
//! Target: under 100 ms. Then what consumes the checked catalogue: the reference in each
//! format, a changelog and the compatibility rules (linear in the number of metrics).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, check, compat, diff};

/// A catalogue of `n` metrics in the shape of vLLM's: counters, gauges and histograms over
/// shared labels and bucket sets, one in ten deprecated with a replacement.
fn catalogue(n: usize) -> String {
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

[buckets]
latency = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0]
tokens = { exponential = { start = 1.0, factor = 2.0, count = 15 } }
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
            i % 12,
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
