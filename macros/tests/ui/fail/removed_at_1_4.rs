// At 1.4.0 `old_latency_seconds` is removed: its methods are errors that explain the
// removal and name the replacement (its consts: removed_const.rs).
metrics_schema_runtime::catalogue!("tests/ui/catalogues/latency.toml", version = "1.4.0");

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.old_latency_seconds("llama").observe(0.5);
    let _ = metrics.old_latency_seconds_bind("llama");
}
