//! Scrapes repeatedly while two threads observe into the same histograms: every scrape
//! must show monotone buckets, `+Inf` equal to `_count`, and a `_sum` that is exactly the
//! sum of the counted observations.

use crate::runtime_support;

use std::sync::atomic::{AtomicBool, Ordering};

use metrics_schema_runtime::*;
use runtime_support::{check_histograms, parse_samples};

static LATENCY: MetricDesc = MetricDesc {
    name: "race_latency_seconds",
    help: "Observed while scraped.",
    unit: Some("seconds"),
    metric_type: MetricType::Histogram,
    stage: Stage::Active,
    labels: &[LabelDesc::open("engine", 4)],
    buckets: Buckets::Static(&[0.25, 0.5, 1.0, 2.0, 4.0]),
};

#[test]
fn scrapes_are_consistent_while_two_threads_observe() {
    let family: Family<Histogram, (), 1> = Family::new(&LATENCY, &Options::new()).unwrap();
    let registry = Registry::new();
    registry.register(&family).unwrap();
    // Both series exist before the first scrape.
    let a = family.bind(["0"]);
    let b = family.bind(["1"]);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        // Thread A observes 0.5, thread B observes 2.0, both into engine "0" and "1":
        // in any consistent snapshot, sum = 0.5 * (le=0.5 bucket) + 2.0 * (the rest).
        for v in [0.5, 2.0] {
            let (a, b, stop) = (a.clone(), b.clone(), &stop);
            s.spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) && n < 5_000_000 {
                    a.observe(v);
                    b.observe(v);
                    n += 1;
                }
            });
        }
        let mut max_count = 0.0;
        for i in 0..200 {
            let format = if i % 2 == 0 {
                Format::Text
            } else {
                Format::OpenMetrics
            };
            let text = registry.encode_to_string(format);
            let samples = parse_samples(&text);
            assert_eq!(check_histograms(&samples, "race_latency_seconds"), 2);
            for engine in ["0", "1"] {
                let find = |name: &str, le: Option<&str>| {
                    samples
                        .iter()
                        .find(|s| {
                            s.name == name
                                && s.labels["engine"] == engine
                                && s.labels.get("le").map(String::as_str) == le
                        })
                        .unwrap()
                        .value
                };
                let low = find("race_latency_seconds_bucket", Some("0.5"));
                let count = find("race_latency_seconds_count", None);
                let sum = find("race_latency_seconds_sum", None);
                assert_eq!(
                    sum,
                    0.5 * low + 2.0 * (count - low),
                    "scrape {i}, engine {engine}"
                );
                if count > max_count {
                    max_count = count;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        assert!(
            max_count > 0.0,
            "the observers never ran during the scrapes"
        );
    });
}
