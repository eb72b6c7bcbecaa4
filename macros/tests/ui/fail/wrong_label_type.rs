// A closed label takes its enum, not a string.
metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", version = "1.0.0");

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.requests("llama", "ok").inc();
}
