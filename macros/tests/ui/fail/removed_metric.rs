// At 1.2.0 `old_requests` (deprecated in 1.0) is removed: using it says so.
metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", version = "1.2.0");

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.old_requests("llama", Reason::Ok).inc();
}
