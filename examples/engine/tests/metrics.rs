//! Every metric of the catalogue is driven by the simulation: run the engine core with the
//! metrics observer (hidden metrics shown) under a load that fills its queue, its KV cache
//! and its transfers, and check every family the registry holds, whatever the catalogue
//! lists: gauges while the engine is busy, counters and histograms at the end.

use std::collections::{BTreeMap, BTreeSet};

use metrics_schema_engine::metrics::{self, MetricsObserver, vllm};
use metrics_schema_engine::sim::{self, Config, Request, SeqEvent};
use metrics_schema_runtime::{MetricType, Registry, Sample};

/// Per exposed family: its type and whether some series holds something.
fn nonzero(registry: &Registry) -> BTreeMap<&'static str, (MetricType, bool)> {
    registry
        .collectors()
        .iter()
        // The runtime's own counter of open-label overflows, which this load never causes
        // (tests/operator_flags.rs covers it).
        .filter(|c| c.desc().name != "vllm:label_overflows")
        .map(|c| {
            let snap = c.snapshot();
            assert!(snap.exposed, "{} is not exposed", snap.desc.name);
            let moved = snap.series.iter().any(|s| match s.sample {
                Sample::Counter { int, float } => int > 0 || float > 0.0,
                Sample::Gauge(v) => v > 0.0,
                Sample::Histogram { count, .. } => count > 0,
                Sample::Info(set) => set,
            });
            (snap.desc.name, (snap.desc.metric_type, moved))
        })
        .collect()
}

/// The families `examples/engine/README.md` lists as not driven by the simulation, from its
/// section "Metrics the simulation does not drive" (one `- \`vllm:name\` ...` line each).
fn undriven_in_readme() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Metrics the simulation does not drive"))
        .expect("the README lists the metrics the simulation does not drive");
    section
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(name, _)| name.to_owned())
        .collect()
}

#[test]
fn every_metric_of_the_catalogue_is_driven_by_events() {
    let undriven = undriven_in_readme();
    let registry = Registry::new();
    let metrics = metrics::build(vllm::SHOW_HIDDEN_VALUE, &registry).unwrap();
    let config = Config {
        num_gpu_blocks: 24,
        max_num_seqs: 4,
        kv_transfer_rate: 0.5,
        kv_transfer_failure_rate: 0.3,
        time_scale: 0.2,
        ..Config::default()
    };
    let observer = MetricsObserver::new(&metrics, "llama", "0", config.num_speculative_tokens);
    let (handle, thread) = sim::spawn(config, Box::new(observer));
    let receivers: Vec<_> = (0..16u32)
        .map(|i| {
            handle
                .submit(Request {
                    // A shared prefix of two blocks, then the request's own tokens.
                    prompt: (0..32).chain((0..40).map(|t| 1000 * (i + 1) + t)).collect(),
                    n: 1 + i % 2,
                    max_tokens: 120,
                })
                .unwrap()
        })
        .collect();
    drop(handle);

    // Busy: the first request has produced tokens twice (so the state after its first
    // step is recorded), others wait.
    let mut receivers = receivers;
    let mut batches = 0;
    while batches < 2 {
        match receivers[0].blocking_recv() {
            Some(SeqEvent::Tokens { .. }) => batches += 1,
            other => panic!("request 0 ended early: {other:?}"),
        }
    }
    let busy = nonzero(&registry);
    let gauges: Vec<_> = busy
        .iter()
        .filter(|(name, (t, _))| *t == MetricType::Gauge && !undriven.contains(**name))
        .collect();
    // Running, waiting, KV-cache usage (and its hidden gpu_ twin), the cache configuration.
    assert_eq!(gauges.len(), 5, "{gauges:?}");
    for (name, (_, moved)) in gauges {
        assert!(moved, "{name} is 0 while the engine is busy");
    }

    for mut rx in receivers {
        while rx.blocking_recv().is_some() {}
    }
    thread.join().unwrap();
    let done = nonzero(&registry);
    // Every family of the catalogue at the engine's version (hidden ones shown) moved at
    // some point, except exactly the ones the README lists with their reason.
    let not_moved: BTreeSet<String> = done
        .iter()
        .filter(|(name, (_, moved_at_end))| !moved_at_end && !busy[**name].1)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    assert_eq!(
        not_moved, undriven,
        "the README's list of undriven metrics is exact"
    );
    // Idle again: the gauges say so.
    for gauge in [
        "vllm:num_requests_running",
        "vllm:num_requests_waiting",
        "vllm:kv_cache_usage_perc",
    ] {
        assert_eq!(done[gauge], (MetricType::Gauge, false), "{gauge}");
    }
}
