//! Fleet checks (`schema check-live --prometheus`): the cost of checking what Prometheus
//! holds for 10, 100 and 1,000 instances of the vLLM example engine (about 420 series
//! each), to show that it grows linearly with the number of series. The HTTP requests are
//! not measured: two per fleet, whatever its size.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use metrics_schema::catalogue::{Buckets, LabelKind, MetricKind};
use metrics_schema::lifecycle::Version;
use metrics_schema::live::fleet::{self, Meta, Target};
use metrics_schema::{Catalogue, Options, load};

/// What Prometheus holds for one instance at `at`: every exposed metric with two models.
fn target(cat: &Catalogue, at: &Version, i: usize) -> Target {
    let mut t = Target {
        job: "vllm".into(),
        instance: format!("10.0.{}.{}:8000", i / 256, i % 256),
        ..Target::default()
    };
    for m in cat.metrics.iter().filter(|m| m.is_exposed_at(at, false)) {
        t.families.push(Meta {
            name: m.full_name.clone(),
            kind: m.kind.as_str().to_owned(),
            help: m.help_at(at),
            unit: m.unit.clone().unwrap_or_default(),
        });
        for model in ["m0", "m1"] {
            let labels: Vec<(String, String)> = m
                .labels
                .iter()
                .map(|l| {
                    let v = match &l.kind {
                        LabelKind::Closed { values } => values[0].clone(),
                        LabelKind::Open { .. } if l.name == "model_name" => model.to_owned(),
                        LabelKind::Open { .. } => "0".to_owned(),
                    };
                    (l.name.clone(), v)
                })
                .collect();
            let series = |name: String, extra: Option<(String, String)>| {
                let mut s = vec![("__name__".to_owned(), name)];
                s.extend(labels.iter().cloned());
                s.extend(extra);
                s.push(("instance".into(), t.instance.clone()));
                s.push(("job".into(), "vllm".into()));
                s
            };
            let full = &m.full_name;
            match m.kind {
                MetricKind::Counter => t.series.push(series(format!("{full}_total"), None)),
                MetricKind::Gauge => t.series.push(series(full.clone(), None)),
                MetricKind::Info => t.series.push(series(format!("{full}_info"), None)),
                MetricKind::Histogram => {
                    let bounds = match &m.buckets {
                        Some(Buckets::Bounds(b)) => b.clone(),
                        _ => Vec::new(),
                    };
                    for b in bounds
                        .iter()
                        .map(|b| b.to_string())
                        .chain(["+Inf".to_owned()])
                    {
                        t.series
                            .push(series(format!("{full}_bucket"), Some(("le".into(), b))));
                    }
                    t.series.push(series(format!("{full}_sum"), None));
                    t.series.push(series(format!("{full}_count"), None));
                }
            }
        }
    }
    t
}

fn benches(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/vllm/metrics.toml");
    let checked = load(path, &Options::default()).unwrap();
    let cat = checked.catalogue.as_ref().unwrap();
    let at = Version::new(0, 11, 2);
    let mut group = c.benchmark_group("fleet");
    group.sample_size(10);
    for n in [10, 100, 1000] {
        let targets: Vec<Target> = (0..n).map(|i| target(cat, &at, i)).collect();
        let series: usize = targets.iter().map(|t| t.series.len()).sum();
        let report = fleet::check(cat, &checked.source, &targets, &at, false);
        assert!(report.findings.is_empty(), "{:#?}", report.findings);
        group.throughput(Throughput::Elements(series as u64));
        group.bench_function(format!("{n} instances ({series} series)"), |b| {
            b.iter(|| fleet::check(cat, &checked.source, black_box(&targets), &at, false))
        });
    }
    group.finish();
}

criterion_group!(fleet_benches, benches);
criterion_main!(fleet_benches);
