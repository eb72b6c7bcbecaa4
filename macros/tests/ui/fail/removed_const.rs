// At 1.4.0 the consts of the removed `old_latency_seconds` are errors too, with the same
// explanation as its methods (and a deprecation warning wherever they are named, which
// `cargo check` shows as well).
metrics_schema_runtime::catalogue!("tests/ui/catalogues/latency.toml", version = "1.4.0");

fn main() {
    let name: &str = Metrics::OLD_LATENCY_SECONDS_NAME;
    println!("{name}");
}
