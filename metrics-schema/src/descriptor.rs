//! The runtime descriptor of each metric, as values: what `catalogue!` emits as a
//! `metrics_schema_runtime::MetricDesc` per live metric. Code generation quotes these
//! values, and tests hand them to the runtime without compiling Rust.

use crate::catalogue::{Buckets, Catalogue, LabelKind, Metric, MetricKind};
use crate::lifecycle::{Status, Version};

/// A metric's runtime descriptor (`MetricDesc`), owned.
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptor {
    /// The full name.
    pub name: String,
    /// The help text, without deprecation notice (the runtime adds it).
    pub help: String,
    /// The unit.
    pub unit: Option<String>,
    /// The type.
    pub metric_type: MetricKind,
    /// Active, deprecated or hidden at the version.
    pub stage: Stage,
    /// The labels, in catalogue order.
    pub labels: Vec<LabelDescriptor>,
    /// The buckets (`None` for non-histograms).
    pub buckets: Option<Buckets>,
}

/// The runtime `Stage` of a live metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Active.
    Active,
    /// Deprecated.
    Deprecated(Deprecation),
    /// Hidden, with its deprecation if any.
    Hidden(Option<Deprecation>),
}

/// The runtime `Deprecation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecation {
    /// The deprecation release.
    pub since: String,
    /// The name users query the replacement by (its text-format family name: `_total`
    /// for a counter), as the deprecation notice names it.
    pub replaced_by: Option<String>,
    /// The migration note.
    pub note: Option<String>,
}

/// The runtime `LabelDesc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelDescriptor {
    /// The label name.
    pub name: String,
    /// `Some(values)` for a closed label.
    pub closed: Option<Vec<String>>,
    /// An open label's `max_values` (`usize::MAX` when unbounded).
    pub max_values: usize,
}

impl Descriptor {
    /// The descriptor of `m` at `version`; `None` when the metric is removed there (it has
    /// no descriptor).
    pub fn of(m: &Metric, version: &Version) -> Option<Descriptor> {
        let status = m.status_at(version);
        let deprecation = m.schedule.deprecated.as_ref().map(|since| Deprecation {
            since: since.to_string(),
            replaced_by: m.replacement_series.clone(),
            note: m.note.clone(),
        });
        let stage = match (status, deprecation) {
            (Status::Removed, _) => return None,
            (Status::Hidden, d) => Stage::Hidden(d),
            (Status::Deprecated, Some(d)) => Stage::Deprecated(d),
            _ => Stage::Active,
        };
        let labels = m
            .labels
            .iter()
            .map(|l| match &l.kind {
                LabelKind::Closed { values } => LabelDescriptor {
                    name: l.name.clone(),
                    closed: Some(values.clone()),
                    max_values: 0,
                },
                LabelKind::Open { max_values } => LabelDescriptor {
                    name: l.name.clone(),
                    closed: None,
                    max_values: max_values
                        .and_then(|n| usize::try_from(n).ok())
                        .unwrap_or(usize::MAX),
                },
            })
            .collect();
        Some(Descriptor {
            name: m.full_name.clone(),
            help: m.help.clone(),
            unit: m.unit.clone(),
            metric_type: m.kind,
            stage,
            labels,
            buckets: m.buckets.clone(),
        })
    }
}

/// The descriptors of every live metric of `cat` at `version`, in catalogue order: what
/// `Metrics::new` builds.
pub fn descriptors(cat: &Catalogue, version: &Version) -> Vec<Descriptor> {
    cat.metrics
        .iter()
        .filter_map(|m| Descriptor::of(m, version))
        .collect()
}
