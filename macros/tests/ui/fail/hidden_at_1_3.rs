// At 1.3.0 `old_latency_seconds` is hidden: the warning says that recording is a no-op
// unless the show-hidden value is given.
#![deny(deprecated)]

metrics_schema_runtime::catalogue!("tests/ui/catalogues/latency.toml", version = "1.3.0");

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.old_latency_seconds("llama").observe(0.5);
}
