//! What instrumentation costs the engine: the metrics observer recording one event, for
//! the events of a decode step (the most frequent) and of a finished request.
//!
//! ```sh
//! cargo bench -p metrics-schema-engine --bench observer
//! ```

use std::hint::black_box;

use criterion::Criterion;
use metrics_schema_engine::events::{Event, FinishReason, Finished, Observer};
use metrics_schema_engine::metrics::{self, MetricsObserver};
use metrics_schema_runtime::Registry;

fn main() {
    let registry = Registry::new();
    let metrics = metrics::build(None, &registry).unwrap();
    let mut observer = MetricsObserver::new(&metrics, "unsloth/Llama-3.2-1B-Instruct", "0", 3);
    let decode_step = [
        Event::SpecDecode {
            draft_tokens: 3,
            accepted: 2,
        },
        Event::Tokens {
            count: 3,
            inter_token_latency: Some(0.0042),
        },
    ];
    let finished = Event::Finished(Finished {
        reason: FinishReason::Stop,
        prompt_tokens: 120,
        generation_tokens: 64,
        max_tokens: 256,
        e2e: 0.84,
        queue: Some(0.02),
        prefill: Some(0.05),
        decode: Some(0.77),
        inference: Some(0.82),
    });
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("decode step events (spec decode + tokens)", |b| {
        b.iter(|| {
            for e in &decode_step {
                observer.observe(black_box(e));
            }
        })
    });
    c.bench_function("finished event (counter + 9 histograms)", |b| {
        b.iter(|| observer.observe(black_box(&finished)))
    });
    c.bench_function("scheduler state event (4 gauges)", |b| {
        b.iter(|| {
            observer.observe(black_box(&Event::Scheduler {
                running: 12,
                waiting: 3,
                kv_usage: 0.42,
            }))
        })
    });
    // References under the same conditions: one histogram observation and one counter
    // increment through bound handles.
    let ttft = metrics.time_to_first_token_seconds_bind("unsloth/Llama-3.2-1B-Instruct", "0");
    c.bench_function("reference: one histogram observe", |b| {
        b.iter(|| ttft.observe(black_box(0.042)))
    });
    let tokens = metrics.generation_tokens_bind("unsloth/Llama-3.2-1B-Instruct", "0");
    c.bench_function("reference: one counter inc", |b| {
        b.iter(|| tokens.inc_by(black_box(3)))
    });
    c.final_summary();
}
