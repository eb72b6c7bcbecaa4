//! Reference checks: finding the metric names of one PromQL expression; checking the whole
//! dashboard `schema dashboard` writes for the vLLM example (read, parse every query,
//! resolve every name at a version); linting a 10,000-metric catalogue with 1,000 alerts.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use metrics_schema::lifecycle::Version;
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::{Resolver, check_file};
use metrics_schema::{Options, check, load};

const EXPR: &str = r#"histogram_quantile(0.9, sum by (le, model_name, engine) (rate(vllm:e2e_request_latency_seconds_bucket{model_name=~"$model_name", engine=~"$engine"}[5m])))"#;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("refs");
    group.bench_function("references of one histogram_quantile query", |b| {
        b.iter(|| metrics_schema::promql::references(black_box(EXPR)).unwrap())
    });

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/vllm/metrics.toml");
    let cat = load(path, &Options::default()).unwrap().catalogue.unwrap();
    let at = Version::new(0, 11, 2);
    let board = metrics_schema::dashboard::dashboard(&cat, &at, None);
    let text = serde_json::to_string_pretty(&board).unwrap();
    let queries = DashboardFile::read("d.json", &text)
        .unwrap()
        .expressions
        .len();
    group.throughput(Throughput::Elements(queries as u64));
    group.bench_function(
        format!("check the vLLM dashboard ({queries} queries)"),
        |b| {
            b.iter(|| {
                let file = DashboardFile::read("d.json", black_box(&text)).unwrap();
                let resolver = Resolver::new(&cat);
                check_file(&resolver, file.source, &file.expressions, &at)
            })
        },
    );

    let catalogue = with_alerts(10_000, 1_000);
    group.throughput(Throughput::Elements(1_000));
    group.sample_size(20);
    group.bench_function("lint 10,000 metrics and 1,000 alerts", |b| {
        b.iter(|| {
            let checked = check(
                black_box(&catalogue),
                "m.toml",
                &Options::at_version(at.clone()),
            );
            assert!(checked.diagnostics.is_empty());
            checked
        })
    });
    group.finish();
}

/// `metrics` gauges, one in ten deprecated with a replacement, and `alerts` alerts on three
/// active ones each.
fn with_alerts(metrics: usize, alerts: usize) -> String {
    let mut out = String::from("[catalogue]\nnamespace = \"engine\"\n");
    for i in 0..metrics {
        let _ = write!(
            out,
            "\n[[metric]]\nname = \"metric_{i}\"\ntype = \"gauge\"\nhelp = \"Metric {i}.\"\n"
        );
        if i % 10 == 9 {
            let _ = write!(
                out,
                "deprecated = \"0.20\"\nreplaced_by = \"metric_{}\"\n",
                i - 1
            );
        }
    }
    for i in 0..alerts {
        let m = |k: usize| (i * 7 + k) % metrics / 10 * 10;
        let _ = write!(
            out,
            "\n[[alert]]\nname = \"Alert{i}\"\nexpr = \"max by (instance) (engine_metric_{}) > on (instance) (engine_metric_{} + engine_metric_{})\"\nfor = \"5m\"\nsummary = \"Alert {i}.\"\n",
            m(0),
            m(1),
            m(2)
        );
    }
    out
}

criterion_group!(refs, benches);
criterion_main!(refs);
