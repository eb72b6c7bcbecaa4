//! The end-to-end tests, one test binary (fewer link steps): a module per subject; the
//! `*_support` modules are what they share. `runtime_flood.rs` and `runtime_series_cap.rs`
//! stay binaries of their own: each counts allocations through its own global allocator.

/// The runtime example's demo metrics, used by the exposition and Prometheus tests.
#[path = "../../runtime/examples/exposition/demo.rs"]
mod demo;

mod catalogue_support;
mod monitoring_support;
mod runtime_support;

mod alerts_promtool;
mod catalogue_registry;
mod catalogue_vllm;
mod dashboard;
mod docs_browser;
mod exposition_parser;
mod label_history_codegen;
mod live_exporters;
mod python_codegen;
mod references;
mod runtime_concurrency;
mod runtime_exposition;
mod runtime_http;
mod runtime_prometheus;
mod runtime_roundtrip;
