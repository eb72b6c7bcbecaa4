// Implementing the marker trait of a removed metric does not make it usable: the trait's
// supertrait is sealed in the runtime, so no impl compiles.
metrics_schema_runtime::catalogue!("tests/ui/catalogues/latency.toml", version = "1.4.0");

impl<'m> MetricOldLatencySecondsRemovedIn1_4_UseRequestLatencySeconds for &'m Metrics {}

impl<'m> metrics_schema_runtime::__private::Removed for &'m Metrics {
    fn removed(&self) -> ! {
        loop {}
    }
}

fn main() {
    let metrics = Metrics::new(&Metrics::options(None).unwrap()).unwrap();
    metrics.old_latency_seconds("llama").observe(0.5);
}
