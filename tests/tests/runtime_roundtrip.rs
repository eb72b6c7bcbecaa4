//! Property test: arbitrary label values (any unicode, quotes, backslashes, newlines, the
//! empty string) and arbitrary floats (NaN, ±Inf, subnormals, huge) encode and parse back
//! identically through a small Rust parser. The same cases go through Python's
//! `prometheus_client` parsers in `exposition_parser.rs`.

use crate::runtime_support;

use metrics_schema_runtime::*;
use proptest::prelude::*;
use runtime_support::arbitrary::{GAUGE, HISTOGRAM, build, case};
use runtime_support::{expected, parse_samples, same_value};

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
    fn labels_and_floats_round_trip(case in case()) {
        let registry = build(&case);
        let series = distinct(&case.0);
        for format in [Format::Text, Format::OpenMetrics] {
            let text = registry.encode_to_string(format);
            let parsed = parse_samples(&text);
            let gauges: Vec<_> = parsed.iter().filter(|s| s.name == GAUGE).collect();
            prop_assert_eq!(gauges.len(), series.len());
            for (sample, (a, b, v)) in gauges.iter().zip(&series) {
                prop_assert_eq!(&sample.labels["a"], a);
                prop_assert_eq!(&sample.labels["b"], b);
                prop_assert!(same_value(sample.value, *v), "{} != {}", sample.value, v);
            }
            let want = expected(&registry, format);
            let hist = want.iter().find(|f| f.name == HISTOGRAM).unwrap();
            let got: Vec<_> = parsed.iter().filter(|s| s.name.starts_with(HISTOGRAM)).collect();
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
