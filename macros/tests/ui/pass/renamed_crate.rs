//! `crate = "rt"`: the generated code names the runtime `::rt`, as in a crate whose
//! Cargo.toml renames the dependency (`rt = { package = "metrics-schema-runtime", .. }`).
#![deny(warnings)]

extern crate metrics_schema_runtime as rt;

mod app {
    rt::catalogue!("tests/ui/catalogues/latency.toml", version = "1.0.0", crate = "rt");
}

fn main() {
    let metrics = app::Metrics::new(&app::Metrics::options(None).unwrap()).unwrap();
    metrics.request_latency_seconds("llama").observe(0.5);
    let registry = rt::Registry::new();
    registry.register(&metrics).unwrap();
    let text = registry.encode_to_string(rt::Format::Text);
    assert!(text.contains("engine_request_latency_seconds_count{model=\"llama\"} 1"));
}
