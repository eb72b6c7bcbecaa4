// `reason` has the values "ok" and "failed" only.
metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", version = "1.0.0");

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.requests("llama", Reason::Timeout).inc();
}
