//! The metrics-schema runtime: what code generated from a `metrics.toml` catalogue records
//! into, and what `/metrics` serves.
//!
//! - **Primitives** ([`Counter`], [`Gauge`], [`Histogram`], [`Info`]): atomics only;
//!   recording never allocates, locks or hashes.
//! - **Families** ([`Family`], [`Bound`]): every series of one metric. Closed labels
//!   ([`ClosedLabel`] enums, combined by [`ClosedLabels`]) index a dense array; open labels
//!   (`&str` values at run time) are looked up lock-free and bounded by `max_values`, with
//!   an overflow series ([`OVERFLOW_VALUE`]) past the bound or past the family's series cap
//!   ([`Options::max_series`]). Series that threads record into are cache-line padded.
//! - **Lifecycle**: a [`MetricDesc`]'s [`Stage`] makes a metric deprecated (HELP carries
//!   the notice of [`lifecycle::deprecation_notice`]) or hidden (not exposed, recording a
//!   no-op) unless [`Options::show_hidden`] accepted the one valid value.
//! - **Operator options**: [`Options::disable_metric`] and
//!   [`Options::allow_label_values`] (Kubernetes' `--disabled-metrics` and
//!   `--allow-metric-labels`), checked against a generated catalogue ([`MetricCatalogue`]);
//!   with cargo feature `clap`, `cli::MetricsArgs` puts them and the show-hidden value on an
//!   engine's command line. [`LabelOverflows`] exposes how often open labels overflowed.
//! - **[`Registry`]**: several [`MetricSet`]s encoded into one exposition; a name exposed
//!   twice is an error at registration.
//! - **Encoders**: Prometheus text 0.0.4 and OpenMetrics 1.0.0 ([`Format`]), chosen from an
//!   HTTP `Accept` header by [`negotiate`].
//! - **`/metrics`** (cargo feature `http`): `http::serve` and `http::router`, with content
//!   negotiation, gzip and bounded requests.
//!
//! # What generated code looks like
//!
//! ```
//! use metrics_schema_runtime::*;
//!
//! // A closed label becomes an enum.
//! #[derive(Clone, Copy, Debug, PartialEq, Eq)]
//! pub enum FinishedReason { Stop, Length, Abort, Error, Repetition }
//! impl ClosedLabel for FinishedReason {
//!     const VALUES: &'static [&'static str] = &["stop", "length", "abort", "error", "repetition"];
//!     fn index(self) -> usize { self as usize }
//! }
//!
//! // Each metric gets a static descriptor.
//! static REQUEST_SUCCESS: MetricDesc = MetricDesc {
//!     name: "vllm:request_success",
//!     help: "Count of successfully processed requests.",
//!     unit: None,
//!     metric_type: MetricType::Counter,
//!     stage: Stage::Active,
//!     labels: &[
//!         LabelDesc::open("model_name", 16),
//!         LabelDesc::open("engine", 64),
//!         LabelDesc::closed("finished_reason", FinishedReason::VALUES),
//!     ],
//!     buckets: Buckets::None,
//! };
//! static GPU_CACHE_USAGE: MetricDesc = MetricDesc {
//!     name: "vllm:gpu_cache_usage_perc",
//!     help: "GPU KV-cache usage. 1 means 100 percent usage.",
//!     unit: None,
//!     metric_type: MetricType::Gauge,
//!     stage: Stage::Hidden(Some(Deprecation {
//!         since: "0.10",
//!         replaced_by: Some("vllm:kv_cache_usage_perc"),
//!         note: None,
//!     })),
//!     labels: &[LabelDesc::open("model_name", 16), LabelDesc::open("engine", 64)],
//!     buckets: Buckets::None,
//! };
//! static E2E_LATENCY: MetricDesc = MetricDesc {
//!     name: "vllm:e2e_request_latency_seconds",
//!     help: "Histogram of e2e request latency in seconds.",
//!     unit: Some("seconds"),
//!     metric_type: MetricType::Histogram,
//!     stage: Stage::Active,
//!     labels: &[LabelDesc::open("model_name", 16), LabelDesc::open("engine", 64)],
//!     buckets: Buckets::Static(&[0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0]),
//! };
//!
//! // The catalogue becomes a struct of families ...
//! pub struct Metrics {
//!     pub request_success: Family<Counter, FinishedReason, 2>,
//!     pub gpu_cache_usage_perc: Family<Gauge, (), 2>,
//!     pub e2e_request_latency_seconds: Family<Histogram, (), 2>,
//! }
//!
//! impl Metrics {
//!     pub fn new(options: &Options) -> Result<Self, BuildError> {
//!         Ok(Metrics {
//!             request_success: Family::new(&REQUEST_SUCCESS, options)?,
//!             gpu_cache_usage_perc: Family::new(&GPU_CACHE_USAGE, options)?,
//!             e2e_request_latency_seconds: Family::new(&E2E_LATENCY, options)?,
//!         })
//!     }
//! }
//!
//! // ... which registers as one set.
//! impl MetricSet for Metrics {
//!     fn collectors(&self) -> Vec<Collector> {
//!         vec![
//!             self.request_success.collector(),
//!             self.gpu_cache_usage_perc.collector(),
//!             self.e2e_request_latency_seconds.collector(),
//!         ]
//!     }
//! }
//!
//! // At start-up: options (show-hidden checked against the running version), build,
//! // register.
//! let metrics = Metrics::new(&Options::new()).unwrap();
//! let registry = Registry::new();
//! registry.register(&metrics).unwrap();
//!
//! // Recording.
//! metrics.request_success.with(["llama", "0"], FinishedReason::Stop).inc();
//! let latency = metrics.e2e_request_latency_seconds.bind(["llama", "0"]);
//! latency.observe(0.42);
//! metrics.gpu_cache_usage_perc.with(["llama", "0"], ()).set(0.5); // hidden: a no-op
//!
//! let text = registry.encode_to_string(Format::OpenMetrics);
//! assert!(text.contains(
//!     "vllm:request_success_total{model_name=\"llama\",engine=\"0\",finished_reason=\"stop\"} 1\n"
//! ));
//! assert!(text.contains("# UNIT vllm:e2e_request_latency_seconds seconds\n"));
//! assert!(!text.contains("gpu_cache_usage"));
//! assert!(text.ends_with("# EOF\n"));
//! ```

#![deny(missing_docs)]

mod desc;
mod encoding;
mod family;
mod label;
mod metric;
mod options;
mod overflow;
mod registry;
mod table;

#[cfg(feature = "clap")]
pub mod cli;
#[cfg(feature = "http")]
pub mod http;

pub use metrics_schema_lifecycle as lifecycle;

pub use desc::{Buckets, Deprecation, LabelDesc, LabelKind, MetricDesc, MetricType, Stage};
pub use encoding::Format;
pub use encoding::negotiate::{Negotiated, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, negotiate};
pub use family::{Bound, Collector, Family, FamilySnapshot, Padded, SeriesSnapshot, check_desc};
pub use label::{ClosedLabel, ClosedLabels, OVERFLOW_VALUE};
pub use metric::{
    Counter, Gauge, Histogram, HistogramSnapshot, Info, InvalidBuckets, Metric, Sample,
    validate_buckets,
};
pub use options::{
    BuildError, DEFAULT_MAX_SERIES, MetricCatalogue, MetricInfo, Options, OptionsError,
};
pub use overflow::{
    LABEL_OVERFLOWS_HELP, LABEL_OVERFLOWS_LABELS, LABEL_OVERFLOWS_NAME, LabelOverflows,
    label_overflows_desc,
};
pub use registry::{MetricSet, Registry, RegistryError};

/// Support for generated code; not a public API.
#[doc(hidden)]
pub mod __private {
    mod sealed {
        /// Implemented by nothing, and nameable only in this module.
        pub trait Sealed {}
    }

    /// The supertrait of the marker trait of a removed metric: nothing implements it, and
    /// nothing outside this crate can, since its own supertrait cannot be named. So no
    /// code can satisfy the bound of a removed metric's methods, and their body, which
    /// only calls [`Removed::removed`], has no run-time branch.
    pub trait Removed: sealed::Sealed {
        /// Never callable: no type implements this trait.
        fn removed(&self) -> !;
    }
}

/// Compiles a metrics catalogue into typed registry code (cargo feature `macros`).
///
/// `catalogue!("metrics.toml")` reads the catalogue (path relative to the crate's
/// `Cargo.toml`), checks it as `schema lint` does and expands, in place, to the items of
/// `metrics_schema::codegen`: `VERSION`, `SHOW_HIDDEN_VALUE`, one enum per closed label and
/// `struct Metrics` with one accessor per metric. The lifecycle is evaluated at the
/// `version = ".."` argument, else the catalogue's pin, else the crate's
/// `CARGO_PKG_VERSION`; a metric removed at that version is not generated, and using it is
/// a compile error naming the removal version and the replacement.
///
/// ```
/// mod vllm {
///     metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.11.2");
/// }
/// use metrics_schema_runtime::{Format, Registry};
///
/// // vLLM's token-count histograms take their bounds at start-up (`buckets = "runtime"`).
/// let mut options = vllm::Metrics::options(None).unwrap();
/// for name in [
///     "vllm:request_prompt_tokens",
///     "vllm:request_generation_tokens",
///     "vllm:request_max_num_generation_tokens",
///     "vllm:request_params_max_tokens",
/// ] {
///     options = options.buckets(name, &[1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
/// }
/// let metrics = vllm::Metrics::new(&options).unwrap();
/// let registry = Registry::new();
/// registry.register(&metrics).unwrap();
/// metrics.request_success("llama", "0", vllm::FinishedReason::Stop).inc();
/// let engine0 = metrics.e2e_request_latency_seconds_bind("llama", "0");
/// engine0.observe(0.42);
/// let text = registry.encode_to_string(Format::Text);
/// assert!(text.contains(
///     r#"vllm:request_success_total{model_name="llama",engine="0",finished_reason="stop"} 1"#
/// ));
/// // Hidden at 0.11.2: re-enabled only by the one valid show-hidden value.
/// assert_eq!(vllm::SHOW_HIDDEN_VALUE, Some("0.10"));
/// assert!(!text.contains("vllm:gpu_cache_usage_perc"));
/// assert!(vllm::Metrics::options(Some("0.9")).unwrap_err().to_string().contains("\"0.10\""));
/// ```
#[cfg(feature = "macros")]
pub use metrics_schema_macros::catalogue;

/// The crate README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
