//! Several catalogues compiled by `catalogue!` into one registry, one exposition and one
//! `/metrics`; the version precedence (argument > pin > crate version); every metric type,
//! interleaved open and closed labels and run-time buckets.

// These tests record into and inspect deprecated and hidden metrics on purpose: the
// generated `#[deprecated]` warnings are what an engine sees, not what these tests check.
#![allow(deprecated)]

use crate::catalogue_support;
use crate::runtime_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use catalogue_support::parse_openmetrics;
use metrics_schema_runtime::lifecycle::Status;
use metrics_schema_runtime::{BuildError, Format, MetricSet, Registry};

mod vllm {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.11.2");
}
/// No pin, no argument: the tests crate's own version.
mod engine {
    metrics_schema_runtime::catalogue!("catalogues/engine.toml");
}
/// The pin, 2.3.1.
mod pinned {
    metrics_schema_runtime::catalogue!("catalogues/pinned.toml");
}
/// The argument wins over the pin.
mod pinned_at_2_2 {
    metrics_schema_runtime::catalogue!("catalogues/pinned.toml", version = "2.2.0",);
}

fn engine_metrics() -> engine::Metrics {
    let options = engine::Metrics::options(None)
        .unwrap()
        .buckets(engine::Metrics::BATCH_SIZE_NAME, &[1.0, 8.0, 64.0]);
    engine::Metrics::new(&options).unwrap()
}

#[test]
fn version_precedence_argument_then_pin_then_crate_version() {
    assert_eq!(engine::VERSION, env!("CARGO_PKG_VERSION"));
    assert_eq!(pinned::VERSION, "2.3.1");
    assert_eq!(pinned::Metrics::LEGACY_JOBS_STATUS, Status::Hidden);
    assert_eq!(pinned::SHOW_HIDDEN_VALUE, Some("2.2"));
    assert_eq!(pinned_at_2_2::VERSION, "2.2.0");
    assert_eq!(
        pinned_at_2_2::Metrics::LEGACY_JOBS_STATUS,
        Status::Deprecated
    );
    assert!(
        pinned_at_2_2::Metrics::LEGACY_JOBS_HELP
            .ends_with("DEPRECATED since 2.2.0: use pinned_jobs_total instead.")
    );
}

#[test]
fn every_type_and_mixed_labels() {
    use engine::{Device, FinishedReason};
    let m = engine_metrics();
    // Labels in catalogue order: closed, open, closed.
    m.requests(FinishedReason::Ok, "llama", Device::Gpu)
        .inc_by(3);
    let bound = m.requests_bind("llama");
    bound.get((FinishedReason::Cancelled, Device::Cpu)).inc();
    m.up().set(1.0);
    m.build(Device::Gpu).set();
    m.batch_size().observe(5.0);
    assert_eq!(m.build_family().desc().name, "engine_build");

    let registry = Registry::new();
    registry.register(&m).unwrap();
    let text = registry.encode_to_string(Format::OpenMetrics);
    let families = parse_openmetrics(&text);
    let requests = &families["engine_requests"];
    assert_eq!(requests.kind, "counter");
    assert_eq!(
        requests.label_names("engine_requests_total"),
        ["finished_reason", "model_name", "device"]
    );
    assert_eq!(
        requests.samples.len(),
        4,
        "2 x 2 closed combinations of one row"
    );
    let value = |reason: &str, device: &str| {
        requests
            .samples
            .iter()
            .find(|s| {
                s.labels
                    .contains(&("finished_reason".into(), reason.into()))
                    && s.labels.contains(&("device".into(), device.into()))
            })
            .map(|s| s.value)
    };
    assert_eq!(value("ok", "gpu"), Some(3.0));
    assert_eq!(value("cancelled", "cpu"), Some(1.0));
    assert_eq!(value("ok", "cpu"), Some(0.0));
    assert_eq!(families["engine_up"].samples[0].value, 1.0);
    assert_eq!(families["engine_build"].kind, "info");
    assert_eq!(
        families["engine_batch_size"].bucket_bounds("engine_batch_size"),
        [1.0, 8.0, 64.0]
    );

    // Run-time bounds on open labels override the catalogue's max_values (4 here).
    let options = engine::Metrics::options(None)
        .unwrap()
        .max_values("model_name", 1)
        .buckets(engine::Metrics::BATCH_SIZE_NAME, &[1.0]);
    let narrow = engine::Metrics::new(&options).unwrap();
    for model in ["a", "b", "c"] {
        narrow
            .requests(FinishedReason::Ok, model, Device::Cpu)
            .inc();
    }
    assert_eq!(narrow.requests_family().overflow_count(), 2);

    // Run-time buckets are required, and the error names how to give them.
    let err = engine::Metrics::new(&engine::Metrics::options(None).unwrap()).unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingBuckets {
            metric: "engine_batch_size"
        }
    );
    assert!(
        err.to_string()
            .contains("Options::buckets(\"engine_batch_size\"")
    );
}

#[test]
fn several_catalogues_share_one_registry_and_one_endpoint() {
    // The token-count histograms take their bounds at start-up (`buckets = "runtime"`).
    let mut options = vllm::Metrics::options(None).unwrap();
    for name in [
        "vllm:request_prompt_tokens",
        "vllm:request_generation_tokens",
        "vllm:request_max_num_generation_tokens",
        "vllm:request_params_max_tokens",
    ] {
        options = options.buckets(name, &[1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
    }
    let vllm = vllm::Metrics::new(&options).unwrap();
    // vLLM 0.11.2 declares 45 metrics (the facts file's count at that release), plus the
    // runtime's label-overflow counter.
    assert_eq!(vllm.collectors().len(), 45 + 1);
    let engine = engine_metrics();
    let pinned = pinned::Metrics::new(&pinned::Metrics::options(Some("2.2")).unwrap()).unwrap();
    let registry = Arc::new(Registry::new());
    registry.register(&vllm).unwrap();
    registry.register(&engine).unwrap();
    registry.register(&pinned).unwrap();
    vllm.request_success("llama", "0", vllm::FinishedReason::Stop)
        .inc();
    engine
        .requests(engine::FinishedReason::Ok, "llama", engine::Device::Cpu)
        .inc();
    pinned.legacy_jobs().inc_by(2);

    let families = parse_openmetrics(&registry.encode_to_string(Format::OpenMetrics));
    for name in [
        "vllm:request_success",
        "engine_requests",
        "pinned_legacy_jobs",
        "pinned_jobs",
    ] {
        assert!(families.contains_key(name), "{name} in the one exposition");
    }
    assert_eq!(families["pinned_legacy_jobs"].samples[0].value, 2.0);

    // The same catalogue twice is refused, and leaves the registry unchanged.
    let again = engine_metrics();
    let err = registry.register(&again).unwrap_err();
    assert_eq!(err.metric, "engine_requests");
    // Families, plus the label-overflow counter of each catalogue with open labels.
    assert_eq!(registry.collectors().len(), (45 + 1) + (4 + 1) + 2);

    // One /metrics for all of them.
    let addr = runtime_support::serve(Arc::clone(&registry));
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(
            b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\
              Accept: application/openmetrics-text; version=1.0.0\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("application/openmetrics-text"),
        "{head}"
    );
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    let scraped = parse_openmetrics(&body);
    assert_eq!(
        scraped.keys().collect::<Vec<_>>(),
        families.keys().collect::<Vec<_>>()
    );
    assert_eq!(scraped["engine_requests"], families["engine_requests"]);
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    loop {
        let (size, after) = rest.split_once("\r\n").expect("chunk size");
        let size = usize::from_str_radix(size.trim(), 16).expect("hex chunk size");
        if size == 0 {
            return out;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}
