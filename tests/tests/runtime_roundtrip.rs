//! Property test: arbitrary label values (any unicode, quotes, backslashes, newlines, the
//! empty string) and arbitrary floats (NaN, ±Inf, subnormals, huge) encode and parse back
//! identically — through a small Rust parser for every case, and through Python's
//! `prometheus_client` parsers for a batch of cases in one process.

use crate::runtime_support;

use metrics_schema_runtime::*;
use metrics_schema_tests::python_with;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use runtime_support::{compare, expected, parse_samples, python_parse, same_value};

static VALUES: MetricDesc = MetricDesc {
    name: "roundtrip_value",
    help: "Arbitrary label values and floats.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Active,
    labels: &[LabelDesc::open("a", 64), LabelDesc::open("b", 64)],
    buckets: Buckets::None,
};

static HIST: MetricDesc = MetricDesc {
    name: "roundtrip_hist",
    help: "Arbitrary bucket bounds and observations.",
    unit: None,
    metric_type: MetricType::Histogram,
    stage: Stage::Active,
    labels: &[LabelDesc::open("a", 64)],
    buckets: Buckets::Runtime,
};

/// Any `f64`, specials and subnormals included.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(5e-324),
        Just(f64::MAX),
        Just(f64::MIN),
        (-1e7f64..1e7),
    ]
}

/// Label values: any unicode, with the escaping characters made frequent.
fn label_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"\\\\\n a-z☃]{0,12}",
        Just(String::new()),
    ]
}

/// A registry with one gauge series per (a, b, value) and a histogram over `bounds`.
fn build(series: &[(String, String, f64)], bounds: &[f64], obs: &[f64]) -> Registry {
    let gauge: Family<Gauge, (), 2> = Family::new(&VALUES, &Options::new()).unwrap();
    for (a, b, v) in series {
        gauge.with([a, b], ()).set(*v);
    }
    let options = Options::new().buckets("roundtrip_hist", bounds);
    let hist: Family<Histogram, (), 1> = Family::new(&HIST, &options).unwrap();
    for v in obs {
        hist.with(["h"], ()).observe(*v);
    }
    let registry = Registry::new();
    registry.register(&gauge).unwrap();
    registry.register(&hist).unwrap();
    registry
}

/// Gauge series `(a, b, value)`, histogram bounds and observations.
type Case = (Vec<(String, String, f64)>, Vec<f64>, Vec<f64>);

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((label_value(), label_value(), any_f64()), 1..6),
        prop::collection::btree_set(-1_000_000i64..1_000_000, 0..6),
        prop::collection::vec(any_f64(), 0..8),
    )
        .prop_map(|(series, bounds, obs)| {
            // Bounds from integers scaled to fractions, strictly increasing.
            let bounds = bounds.into_iter().map(|b| b as f64 / 64.0).collect();
            (series, bounds, obs)
        })
}

fn distinct(series: &[(String, String, f64)]) -> Vec<(String, String, f64)> {
    let mut seen = std::collections::HashMap::new();
    for (a, b, v) in series {
        seen.insert((a.clone(), b.clone()), *v);
    }
    series
        .iter()
        .filter_map(|(a, b, _)| {
            seen.remove(&(a.clone(), b.clone()))
                .map(|v| (a.clone(), b.clone(), v))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn labels_and_floats_round_trip((series, bounds, obs) in case()) {
        let registry = build(&series, &bounds, &obs);
        let series = distinct(&series);
        for format in [Format::Text, Format::OpenMetrics] {
            let text = registry.encode_to_string(format);
            let parsed = parse_samples(&text);
            let gauges: Vec<_> = parsed.iter().filter(|s| s.name == "roundtrip_value").collect();
            prop_assert_eq!(gauges.len(), series.len());
            for (sample, (a, b, v)) in gauges.iter().zip(&series) {
                prop_assert_eq!(&sample.labels["a"], a);
                prop_assert_eq!(&sample.labels["b"], b);
                prop_assert!(same_value(sample.value, *v), "{} != {}", sample.value, v);
            }
            let want = expected(&registry, format);
            let hist = want.iter().find(|f| f.name == "roundtrip_hist").unwrap();
            let got: Vec<_> = parsed.iter().filter(|s| s.name.starts_with("roundtrip_hist")).collect();
            prop_assert_eq!(got.len(), hist.samples.len());
            for (g, w) in got.iter().zip(&hist.samples) {
                prop_assert_eq!(&g.name, &w.name);
                prop_assert!(same_value(g.value, w.value));
                if let Some(le) = g.labels.get("le") {
                    let want_le: f64 = w.labels["le"].parse().unwrap();
                    let got_le: f64 = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap() };
                    prop_assert_eq!(got_le, want_le);
                }
            }
        }
    }
}

/// A few hundred generated cases through Python's parsers, in one Python process.
#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn python_reads_generated_cases_back() {
    let python = python_with("prometheus_client");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = case();
    let mut registries = Vec::new();
    for _ in 0..300 {
        let (series, bounds, obs) = strategy.new_tree(&mut runner).unwrap().current();
        registries.push(build(&series, &bounds, &obs));
    }
    let docs: Vec<(String, bool)> = registries
        .iter()
        .flat_map(|r| {
            [
                (r.encode_to_string(Format::Text), false),
                (r.encode_to_string(Format::OpenMetrics), true),
            ]
        })
        .collect();
    let results = python_parse(&python, &docs);
    for (i, result) in results.iter().enumerate() {
        let registry = &registries[i / 2];
        let (format, what) = if i % 2 == 0 {
            (Format::Text, "text")
        } else {
            (Format::OpenMetrics, "openmetrics")
        };
        let families = result
            .as_ref()
            .unwrap_or_else(|e| panic!("case {i} ({what}) refused: {e}\n{}", docs[i].0));
        compare(
            families,
            &expected(registry, format),
            &format!("case {i} {what}"),
        );
    }
}
