//! Static descriptions of metrics: what generated code knows at compile time.
//!
//! A [`MetricDesc`] is plain data that can live in a `static`, so the `catalogue!` macro
//! emits one per metric and hands `&'static MetricDesc` to [`Family::new`](crate::Family::new).

pub use crate::lifecycle::MetricType;

/// Whether a label's values are fixed in the catalogue or come at run time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabelKind {
    /// A closed label: the values, in catalogue order. Generated code turns it into an enum
    /// implementing [`ClosedLabel`](crate::ClosedLabel) with the same `VALUES`.
    Closed(&'static [&'static str]),
    /// An open label: values are `&str` given at run time; at most `max_values` distinct
    /// values are kept per family (see [`Options::max_values`](crate::Options::max_values)
    /// for a run-time override).
    Open {
        /// The most distinct values one family keeps for this label.
        max_values: usize,
    },
}

/// One label of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelDesc {
    /// The label name, e.g. `model_name`.
    pub name: &'static str,
    /// Closed (fixed values) or open (run-time values).
    pub kind: LabelKind,
}

impl LabelDesc {
    /// A closed label with `values` in catalogue order.
    pub const fn closed(name: &'static str, values: &'static [&'static str]) -> Self {
        LabelDesc {
            name,
            kind: LabelKind::Closed(values),
        }
    }

    /// An open label keeping at most `max_values` distinct values per family.
    pub const fn open(name: &'static str, max_values: usize) -> Self {
        LabelDesc {
            name,
            kind: LabelKind::Open { max_values },
        }
    }

    /// True for an open label.
    pub const fn is_open(&self) -> bool {
        matches!(self.kind, LabelKind::Open { .. })
    }
}

/// Where a histogram's bucket bounds come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Buckets {
    /// Not a histogram.
    None,
    /// Upper bounds known at compile time, strictly increasing; `+Inf` is implied (a
    /// trailing `f64::INFINITY` is accepted and dropped).
    Static(&'static [f64]),
    /// Supplied when the metric set is built, with
    /// [`Options::buckets`](crate::Options::buckets) (catalogue `buckets = "runtime"`).
    Runtime,
}

/// A deprecation, as written in the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deprecation {
    /// The release that deprecated the metric, as written in the catalogue (`X.Y` or
    /// `X.Y.Z`); checked with [`Version::parse_release`](crate::lifecycle::Version::parse_release)
    /// when the family is built.
    pub since: &'static str,
    /// The name users query the replacement by, if any: its full name followed by its
    /// text-format family suffix
    /// ([`MetricType::queried_name`](crate::lifecycle::exposition::MetricType::queried_name)),
    /// e.g. `vllm:kv_cache_usage_perc` for a gauge, `vllm:prefix_cache_hits_total` for a
    /// counter. The deprecation notice names it.
    pub replaced_by: Option<&'static str>,
    /// A free-form migration hint.
    pub note: Option<&'static str>,
}

/// The lifecycle status of a metric at the version the code was generated for, as
/// computed by the lifecycle engine (`metrics_schema_lifecycle::Schedule::status_at`).
/// Removed metrics have no status: they are absent from generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Exposed and recorded normally.
    Active,
    /// Exposed and recorded; HELP carries the notice of
    /// [`deprecation_notice`](crate::lifecycle::deprecation_notice).
    Deprecated(Deprecation),
    /// Not exposed, and recording is a cheap no-op that keeps no memory, unless
    /// [`Options::show_hidden`](crate::Options::show_hidden) accepted the one valid value;
    /// then exposed like a deprecated metric (with the notice when there is a deprecation).
    Hidden(Option<Deprecation>),
}

impl Stage {
    /// The deprecation, if any.
    pub fn deprecation(&self) -> Option<&Deprecation> {
        match self {
            Stage::Active => None,
            Stage::Deprecated(d) => Some(d),
            Stage::Hidden(d) => d.as_ref(),
        }
    }
}

/// Everything the runtime needs to know about one metric, known at compile time.
///
/// ```
/// use metrics_schema_runtime::{Buckets, LabelDesc, MetricDesc, MetricType, Stage};
///
/// static REQUEST_SUCCESS: MetricDesc = MetricDesc {
///     name: "vllm:request_success",
///     help: "Count of successfully processed requests.",
///     unit: None,
///     metric_type: MetricType::Counter,
///     stage: Stage::Active,
///     labels: &[
///         LabelDesc::open("model_name", 16),
///         LabelDesc::open("engine", 64),
///         LabelDesc::closed("finished_reason", &["stop", "length", "abort", "error", "repetition"]),
///     ],
///     buckets: Buckets::None,
/// };
/// assert_eq!(REQUEST_SUCCESS.open_label_count(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricDesc {
    /// The full name: namespace, separator and local name (`vllm:request_success`).
    /// Counters are named without `_total`; the exposition adds it.
    pub name: &'static str,
    /// The help text, without any deprecation notice (the runtime adds it).
    pub help: &'static str,
    /// The unit (`seconds`, `bytes`, …), which must be the name's suffix; exposed as
    /// OpenMetrics `# UNIT`.
    pub unit: Option<&'static str>,
    /// Counter, gauge, histogram or info.
    pub metric_type: MetricType,
    /// Active, deprecated or hidden.
    pub stage: Stage,
    /// Labels in catalogue order, open and closed mixed freely.
    pub labels: &'static [LabelDesc],
    /// Histogram buckets; [`Buckets::None`] for other types.
    pub buckets: Buckets,
}

impl MetricDesc {
    /// The number of open labels.
    pub fn open_label_count(&self) -> usize {
        self.labels.iter().filter(|l| l.is_open()).count()
    }

    /// The closed labels' value lists, in catalogue order.
    pub fn closed_value_lists(&self) -> impl Iterator<Item = &'static [&'static str]> + '_ {
        self.labels.iter().filter_map(|l| match l.kind {
            LabelKind::Closed(values) => Some(values),
            LabelKind::Open { .. } => None,
        })
    }
}
