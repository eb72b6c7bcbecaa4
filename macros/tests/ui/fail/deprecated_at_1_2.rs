// At 1.2.0 `old_latency_seconds` is deprecated: every use is rustc's `use of deprecated`
// warning naming the replacement (an error here, under `deny`).
#![deny(deprecated)]

metrics_schema_runtime::catalogue!("tests/ui/catalogues/latency.toml", version = "1.2.0");

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.old_latency_seconds("llama").observe(0.5);
    let _ = metrics.old_latency_seconds_bind("llama");
    let _ = metrics.old_latency_seconds_family();
    let _ = Metrics::OLD_LATENCY_SECONDS_NAME;
    // The replacement is not deprecated.
    metrics.request_latency_seconds("llama").observe(0.5);
}
