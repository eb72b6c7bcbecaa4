//! One run reports every problem: a catalogue with ten different mistakes yields ten
//! diagnostics, each at its own place.

use metrics_schema::{Options, check};

const CATALOGUE: &str = r#"[catalogue]
namespace = "vllm"
stabilty = "stable"

[labels.model_name]
help = "Name of the served model."
max_values = 16

[labels.finished_reason]
values = ["stop", "length", "Stop"]

[buckets]
latency = [0.5, 0.3, 1.0]

[[metric]]
name = "request_success"
type = "counter"
help = "Count of successfully processed requests."
labels = ["model_name", "finished_reason"]

[[metric]]
name = "prompt_tokens"
type = "counter"
labels = ["model_name"]

[[metric]]
name = "e2e_request_latency_seconds"
type = "histogram"
help = "Histogram of e2e request latency in seconds."
labels = ["model"]
buckets = "latency"

[[metric]]
name = "num_requests_running"
type = "gauge"
help = 42

[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."
deprecated = "0.10.x"
replaced_by = "kv_cache_usage"
allow = ["unit-suffix"]

[[metric]]
name = "time_to_first_token_seconds"
type = "histogram"
help = "Histogram of time to first token in seconds."
labels = ["model_name"]

[[metric]]
name = "num_requests_waiting"
type = "gauge"
help = "Number of requests waiting to be processed."
unit = "seconds"
"#;

#[test]
fn ten_mistakes_ten_diagnostics() {
    let checked = check(CATALOGUE, "metrics.toml", &Options::default());
    let found: Vec<(&str, usize, usize)> = checked
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.line, d.column))
        .collect();
    let expected = [
        ("unknown-key", 3, 1),           // `stabilty`, a typo
        ("invalid-label-values", 10, 1), // "stop" and "Stop" collide
        ("invalid-buckets", 13, 1),      // bounds not increasing
        ("parse", 21, 1),                // `help` missing
        ("undefined-label", 30, 1),      // `model` is not defined
        ("parse", 36, 1),                // `help` is not a string
        ("invalid-version", 42, 1),      // "0.10.x"
        ("unknown-replacement", 43, 1),  // no such metric
        ("missing-buckets", 46, 1),      // histogram without buckets
        ("unit-mismatch", 56, 1),        // name does not end in _seconds
    ];
    assert_eq!(found, expected, "\n{}", checked.render_plain());
    assert!(checked.catalogue.is_none());
    assert_eq!(checked.counts(), (10, 0));
}
