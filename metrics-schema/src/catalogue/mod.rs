//! The catalogue model: a `metrics.toml` read into typed values that keep the span of every
//! key.
//!
//! [`crate::check`] builds a [`Catalogue`] and hands it out only when no rule reported an
//! error, so every value here has been validated: names are well formed, labels and bucket
//! sets are resolved, lifecycle dates are ordered and within the policy.

mod alerts;
mod buckets;
pub(crate) mod generated;
mod json_schema;
mod names;
pub(crate) mod parse;

use std::collections::HashMap;
use std::sync::Arc;

use crate::lifecycle::{Lifecycle, Schedule, Stability, Version, Window};
use crate::source::{Span, Spanned};

pub use alerts::{Alert, Record, RuleEntry, RuleRef};
pub use buckets::{BucketError, BucketSpec, MAX_BUCKETS};
pub use json_schema::{SCHEMA_ID, json_schema, json_schema_text};
pub use names::{ExposedNames, value_identifier, value_key};

/// A metric type: the shared [`MetricType`](crate::lifecycle::MetricType), under the name
/// the catalogue model has always used.
pub use crate::lifecycle::MetricType as MetricKind;
/// Name validity is an exposition fact, shared with the runtime.
pub use crate::lifecycle::exposition::is_valid_name;

/// A validated catalogue.
#[derive(Clone, Debug)]
pub struct Catalogue {
    /// Prefix of every exposed name, if any.
    pub namespace: Option<String>,
    /// Joins the namespace and a metric's local name.
    pub separator: Separator,
    /// Stability of metrics that do not set their own.
    pub stability: Stability,
    /// The `version` pin: the version the catalogue is evaluated at when none is given.
    pub version: Option<Version>,
    /// Rule ids silenced for the whole catalogue.
    pub allow: Vec<Spanned<String>>,
    /// Names of metrics that other code exposes beside the catalogue's (a language
    /// runtime's collectors, a library's metrics): names, or prefixes ending in `*`.
    /// `schema check-live` accepts them without checking them.
    pub external: Vec<Spanned<String>>,
    /// Deprecation windows per stability level.
    pub policy: Policy,
    /// Label definitions, in file order.
    pub labels: Vec<Label>,
    /// Named bucket sets, in file order.
    pub bucket_sets: Vec<BucketSet>,
    /// Metrics, in file order (removed ones included: they are history).
    pub metrics: Vec<Metric>,
    /// Alerting rules (`[[alert]]`), in file order.
    pub alerts: Vec<Alert>,
    /// Recording rules (`[[record]]`), in file order.
    pub records: Vec<Record>,
    /// Names other programs expose in the catalogue's namespace (`[[external]]`), in file
    /// order.
    pub externals: Vec<External>,
    /// Other prefixes the catalogue's metrics are re-exported under (`[catalogue]
    /// reexport_prefixes`): each replaces the namespace and separator of every exposed name
    /// (`ray_vllm_` re-exports `vllm:x` as `ray_vllm_x`).
    pub reexport_prefixes: Vec<Spanned<String>>,
    /// The `[catalogue]` header, if the table is present.
    pub header: Option<Span>,
    /// Spans of the keys of `[catalogue]`.
    pub keys: Keys,
    /// Names of bucket sets whose value could not be read (reported as `parse`).
    pub(crate) unreadable_sets: Vec<String>,
    /// Index of the first complete metric of each local name.
    pub(crate) by_name: HashMap<String, usize>,
}

/// A name another program exposes in the catalogue's namespace (an `[[external]]` table):
/// a router's or a gateway's metric under `vllm:`. Reference checks know it; it is never
/// generated, and the catalogue's naming rules do not apply to it.
#[derive(Clone, Debug, PartialEq)]
pub struct External {
    /// The name, as exposed (without its type's sample suffixes when `kind` is set).
    pub name: String,
    /// The metric type, when known: its sample names (`_total`, `_bucket`, ...) are then
    /// known too.
    pub kind: Option<MetricKind>,
    /// What it is (free text).
    pub help: Option<String>,
    /// Who exposes it (free text: a program, a team).
    pub owner: Option<String>,
    /// The table's header.
    pub header: Span,
    /// Spans of its keys.
    pub keys: Keys,
}

impl External {
    /// Every name a query may use for it: the name, and with a type, its family and sample
    /// names.
    pub fn names(&self) -> Vec<String> {
        let mut names = vec![self.name.clone()];
        if let Some(kind) = self.kind {
            for suffix in kind.occupied_suffixes() {
                let name = format!("{}{suffix}", self.name);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }
}

/// The separator between namespace and local name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Separator {
    /// `_`, the default.
    #[default]
    Underscore,
    /// `:`, as vLLM uses (Prometheus reserves colons for recording rules).
    Colon,
}

impl Separator {
    /// `_` or `:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Separator::Underscore => "_",
            Separator::Colon => ":",
        }
    }
}

/// Deprecation windows, resolved per stability level: `[policy.<level>]` falls back to
/// `[policy]` key by key, which falls back to [`Window::DEFAULT`].
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// The `[policy]` window.
    pub default: Window,
    /// The window of alpha metrics.
    pub alpha: Window,
    /// The window of beta metrics.
    pub beta: Window,
    /// The window of stable metrics.
    pub stable: Window,
    /// The tables as written: `[policy]`, then alpha, beta, stable.
    pub written: [PolicyTable; 4],
}

impl Policy {
    /// The window that applies to metrics of `stability`.
    pub fn window(&self, stability: Stability) -> Window {
        match stability {
            Stability::Alpha => self.alpha,
            Stability::Beta => self.beta,
            Stability::Stable => self.stable,
        }
    }
}

/// One policy table as written (values unchecked).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyTable {
    /// The table's header, if present.
    pub header: Option<Span>,
    /// `hide_after`, with the span of its key.
    pub hide_after: Option<Spanned<i64>>,
    /// `remove_after`, with the span of its key.
    pub remove_after: Option<Spanned<i64>>,
}

/// A label definition from `[labels.<name>]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The label name.
    pub name: String,
    /// What the label means.
    pub help: Option<String>,
    /// Closed (fixed values) or open (values at run time).
    pub kind: LabelKind,
    /// The `[labels.<name>]` header (or the inline table).
    pub header: Span,
    /// Spans of the label's keys.
    pub keys: Keys,
    /// Spans of the closed values, in order.
    pub(crate) value_spans: Vec<Span>,
    /// `max_values` as written.
    pub(crate) raw_max_values: Option<i64>,
    /// True when `values` was read as an array of strings.
    pub(crate) values_read: bool,
}

/// Whether a label's values are known in the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub enum LabelKind {
    /// The values are listed in the catalogue; generated code uses an enum.
    Closed {
        /// The values, in catalogue order.
        values: Vec<String>,
    },
    /// The values come at run time.
    Open {
        /// At most this many distinct values; `None` means unbounded (`unbounded-label`).
        max_values: Option<u64>,
    },
}

impl Label {
    /// The number of distinct values this label can take, if bounded.
    pub fn cardinality(&self) -> Option<u64> {
        match &self.kind {
            LabelKind::Closed { values } => Some(values.len() as u64),
            LabelKind::Open { max_values } => *max_values,
        }
    }
}

/// A named bucket set from `[buckets]`.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketSet {
    /// The set's name.
    pub name: String,
    /// The bounds or generator as written.
    pub spec: BucketSpec,
    /// The upper bounds, strictly increasing, without the implied `+Inf`; empty when `spec`
    /// is invalid.
    pub bounds: Vec<f64>,
    /// The set's key under `[buckets]`.
    pub key: Span,
    /// The value.
    pub value: Span,
}

/// A histogram's buckets, resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Buckets {
    /// Upper bounds, strictly increasing, without the implied `+Inf`.
    Bounds(Vec<f64>),
    /// Given when the registry is built.
    Runtime,
}

/// A metric's `buckets` as written.
#[derive(Clone, Debug, PartialEq)]
pub enum BucketsRef {
    /// The name of a set under `[buckets]`.
    Set(String),
    /// An inline array or generator.
    Inline(BucketSpec),
    /// `"runtime"`.
    Runtime,
}

/// The values of a gauge's `multiprocess_mode`: `prometheus_client`'s modes, in its order.
/// `live*` modes count only the values of processes still alive.
pub const MULTIPROCESS_MODES: [&str; 10] = [
    "all",
    "liveall",
    "min",
    "livemin",
    "max",
    "livemax",
    "sum",
    "livesum",
    "mostrecent",
    "livemostrecent",
];

/// The `multiprocess_mode` of a gauge that sets none: the value most recently set by any
/// process, as vLLM declares its gauges.
pub const DEFAULT_MULTIPROCESS_MODE: &str = "mostrecent";

/// A metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// The local name, without namespace (counters without `_total`).
    pub name: String,
    /// Namespace, separator and local name: the family name.
    pub full_name: String,
    /// The metric type.
    pub kind: MetricKind,
    /// The unit, which is the name's suffix.
    pub unit: Option<String>,
    /// The help text as written (without any deprecation notice).
    pub help: String,
    /// The metric's labels, resolved, in the order the metric lists them. The definitions
    /// are shared between the metrics that use them.
    pub labels: Vec<Arc<Label>>,
    /// The `labels` array as written: each label's name, with the span of the name.
    pub label_refs: Vec<Spanned<String>>,
    /// The history of the labels written as tables (`{ name = "engine", since = "0.8.3" }`),
    /// by label name, in the order written.
    pub label_history: Vec<(String, LabelHistory)>,
    /// The buckets, resolved (histograms only).
    pub buckets: Option<Buckets>,
    /// The `buckets` value as written.
    pub buckets_ref: Option<BucketsRef>,
    /// The section of the generated docs.
    pub group: Option<String>,
    /// The release that introduced the metric.
    pub since: Option<Version>,
    /// The metric's stability (its own, or the catalogue's default).
    pub stability: Stability,
    /// The lifecycle dates as written.
    pub lifecycle: Lifecycle,
    /// The effective lifecycle dates under the metric's policy window.
    pub schedule: Schedule,
    /// The local name of the replacement, as written.
    pub replaced_by: Option<String>,
    /// The replacement's full name, resolved.
    pub replacement: Option<String>,
    /// The name users query the replacement by
    /// ([`MetricKind::queried_name`]: `_total` for a counter), resolved: what the
    /// deprecation notice tells them to use.
    pub replacement_series: Option<String>,
    /// A migration hint.
    pub note: Option<String>,
    /// How `prometheus_client` combines a gauge's values across the processes of a
    /// multiprocess Python engine (`multiprocess_mode`, one of [`MULTIPROCESS_MODES`]);
    /// `None` means [`DEFAULT_MULTIPROCESS_MODE`]. Gauges only; the Rust runtime is one
    /// process and ignores it.
    pub multiprocess_mode: Option<String>,
    /// Rule ids silenced for this metric.
    pub allow: Vec<Spanned<String>>,
    /// The `[[metric]]` header (or the inline table).
    pub header: Span,
    /// Spans of the metric's keys.
    pub keys: Keys,
    /// False when a required key is missing or has a wrong value: such a metric exists only
    /// while linting a catalogue that has errors.
    pub(crate) complete: bool,
}

/// The keys written in one table, with the spans of the key and of its value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys(Vec<KeySpan>);

/// One key of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpan {
    /// The key, as the format spells it.
    pub name: &'static str,
    /// The key itself.
    pub key: Span,
    /// Its value.
    pub value: Span,
}

impl Keys {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Keys(Vec::with_capacity(n))
    }

    pub(crate) fn push(&mut self, name: &'static str, key: Span, value: Span) {
        self.0.push(KeySpan { name, key, value });
    }

    /// The span of key `name`, if written.
    pub fn key(&self, name: &str) -> Option<Span> {
        self.get(name).map(|k| k.key)
    }

    /// The span of the value of key `name`, if written.
    pub fn value(&self, name: &str) -> Option<Span> {
        self.get(name).map(|k| k.value)
    }

    /// The key `name`, if written.
    pub fn get(&self, name: &str) -> Option<&KeySpan> {
        self.0.iter().find(|k| k.name == name)
    }

    /// Every key written, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &KeySpan> {
        self.0.iter()
    }
}

impl Catalogue {
    /// The catalogue as code generated at `at` sees it: every metric with the labels its
    /// series carry at `at` (see [`Metric::labels_at`]). Borrowed when no label has a
    /// history.
    pub fn with_labels_at(&self, at: &Version) -> std::borrow::Cow<'_, Catalogue> {
        if self.metrics.iter().all(|m| m.label_history.is_empty()) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut cat = self.clone();
        for m in &mut cat.metrics {
            if !m.label_history.is_empty() {
                m.labels = m.labels_at(at);
            }
        }
        std::borrow::Cow::Owned(cat)
    }

    /// The metric with local name `name`.
    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metric_index(name).and_then(|i| self.metrics.get(i))
    }

    /// The position in [`Catalogue::metrics`] of the metric with local name `name`.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The label definition `name`.
    pub fn label(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The bucket set `name`.
    pub fn bucket_set(&self, name: &str) -> Option<&BucketSet> {
        self.bucket_sets.iter().find(|b| b.name == name)
    }

    /// The full name of local name `name`: namespace, separator and name.
    pub fn full_name(&self, name: &str) -> String {
        full_name(self.namespace.as_deref(), self.separator, name)
    }

    /// The full name of the counter the runtime exposes next to this catalogue's metrics
    /// for open-label overflows (`<namespace><separator>label_overflows`, exposed with
    /// `_total`), when the catalogue has a metric with an open label.
    pub fn label_overflows_name(&self) -> Option<String> {
        let open = self.metrics.iter().any(|m| {
            m.labels
                .iter()
                .any(|l| matches!(l.kind, LabelKind::Open { .. }))
        });
        open.then(|| self.full_name(crate::lifecycle::LABEL_OVERFLOWS_NAME))
    }

    /// True when `name` (a family or sample name) is a metric the runtime exposes next to
    /// the catalogue's own: the label-overflow counter ([`Catalogue::label_overflows_name`]).
    pub fn is_runtime_metric(&self, name: &str) -> bool {
        self.label_overflows_name()
            .is_some_and(|full| name == full || name.strip_suffix("_total") == Some(full.as_str()))
    }

    /// True when `name` (a family or sample name) belongs to another program: listed in
    /// `[catalogue] external` (a name, or a prefix ending in `*`), or an `[[external]]`
    /// entry's name or one of its type's sample names.
    pub fn is_external(&self, name: &str) -> bool {
        self.external
            .iter()
            .any(|e| match e.value.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == e.value,
            })
            || self
                .externals
                .iter()
                .any(|e| e.names().iter().any(|n| n == name))
    }

    /// True when `rule` is in the catalogue's `allow` list.
    pub fn allows(&self, rule: &str) -> bool {
        self.allow.iter().any(|a| a.value == rule)
    }

    /// The metrics that are complete (all of them in a catalogue without errors).
    pub(crate) fn complete_metrics(&self) -> impl Iterator<Item = &Metric> {
        self.metrics.iter().filter(|m| m.complete)
    }

    /// Every alerting and recording rule, in file order.
    pub fn rules(&self) -> Vec<RuleRef<'_>> {
        let mut rules: Vec<RuleRef<'_>> = self
            .alerts
            .iter()
            .map(RuleRef::Alert)
            .chain(self.records.iter().map(RuleRef::Record))
            .collect();
        rules.sort_by_key(|r| r.header().start);
        rules
    }

    /// The rules that are complete (all of them in a catalogue without errors).
    pub(crate) fn complete_rules(&self) -> impl Iterator<Item = RuleRef<'_>> {
        self.rules().into_iter().filter(|r| r.complete())
    }

    /// The Prometheus rule group of `rule`: its `group`, else the namespace, else
    /// `"metrics"`.
    pub fn rule_group<'a>(&'a self, rule: RuleRef<'a>) -> &'a str {
        rule.group()
            .or(self.namespace.as_deref().filter(|ns| !ns.is_empty()))
            .unwrap_or("metrics")
    }
}

pub(crate) fn full_name(namespace: Option<&str>, separator: Separator, name: &str) -> String {
    match namespace {
        Some(ns) if !ns.is_empty() => {
            let mut full = String::with_capacity(ns.len() + 1 + name.len());
            full.push_str(ns);
            full.push_str(separator.as_str());
            full.push_str(name);
            full
        }
        _ => name.to_owned(),
    }
}

/// When a label of one metric was added, deprecated and removed: an entry of the metric's
/// `labels` written as a table, `{ name = "engine", since = "0.8.3" }`. A label written as a
/// plain string has always been there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelHistory {
    /// The first release whose series carry the label.
    pub since: Option<Version>,
    /// The release that deprecated the label (it is still exposed).
    pub deprecated: Option<Version>,
    /// The first release whose series no longer carry the label.
    pub removed: Option<Version>,
    /// The table's span.
    pub span: Span,
    /// Spans of the table's keys.
    pub keys: Keys,
}

impl LabelHistory {
    /// True when series carry the label at `at` (a pre-release counts as its release):
    /// added by then and not removed yet.
    pub fn present_at(&self, at: &Version) -> bool {
        let at = at.release();
        self.since.as_ref().is_none_or(|s| at >= *s)
            && self.removed.as_ref().is_none_or(|r| at < *r)
    }

    /// True when the label is deprecated at `at` (and not removed).
    pub fn deprecated_at(&self, at: &Version) -> bool {
        let at = at.release();
        self.present_at(&at) && self.deprecated.as_ref().is_some_and(|d| at >= *d)
    }
}

impl Metric {
    /// The history of label `label`, when the metric wrote one.
    pub fn label_history(&self, label: &str) -> Option<&LabelHistory> {
        self.label_history
            .iter()
            .find_map(|(name, h)| (name == label).then_some(h))
    }

    /// True when the metric's series carry label `label` at `at`: it is one of the metric's
    /// labels and, if it has a history, added by then and not removed yet.
    pub fn has_label_at(&self, label: &str, at: &Version) -> bool {
        self.labels.iter().any(|l| l.name == label)
            && self.label_history(label).is_none_or(|h| h.present_at(at))
    }

    /// The metric's labels at `at`, in order: those [`Metric::has_label_at`].
    pub fn labels_at(&self, at: &Version) -> Vec<Arc<Label>> {
        self.labels
            .iter()
            .filter(|l| self.has_label_at(&l.name, at))
            .cloned()
            .collect()
    }

    /// True when `rule` is in the metric's `allow` list.
    pub fn allows(&self, rule: &str) -> bool {
        self.allow.iter().any(|a| a.value == rule)
    }

    /// The number of bucket bounds (without `+Inf`), if known before run time.
    pub fn bucket_count(&self) -> Option<usize> {
        match &self.buckets {
            Some(Buckets::Bounds(bounds)) => Some(bounds.len()),
            _ => None,
        }
    }

    /// The worst-case number of series this metric can produce: the product of its labels'
    /// cardinalities, times `bounds + 3` for a histogram (`+Inf`, `_sum`, `_count`).
    /// Saturates at `u64::MAX`.
    ///
    /// Unbounded open labels and run-time buckets make the count unknown; the result is then
    /// [`Cardinality::AtLeast`] the count computed with one value per unbounded label and no
    /// bounds besides `+Inf`.
    pub fn worst_case_series(&self) -> Cardinality {
        let mut exact = true;
        let mut series: u64 = 1;
        for label in &self.labels {
            let values = label.cardinality().unwrap_or_else(|| {
                exact = false;
                1
            });
            series = series.saturating_mul(values);
        }
        if self.kind == MetricKind::Histogram {
            let bounds = self.bucket_count().unwrap_or_else(|| {
                exact = false;
                0
            });
            series = series.saturating_mul((bounds as u64).saturating_add(3));
        }
        if exact {
            Cardinality::Exact(series)
        } else {
            Cardinality::AtLeast(series)
        }
    }
}

/// A worst-case series count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cardinality {
    /// Known exactly (saturated at `u64::MAX`).
    Exact(u64),
    /// Unknown before run time; at least this many.
    AtLeast(u64),
}

impl Cardinality {
    /// The known (lower-bound) count.
    pub fn count(self) -> u64 {
        match self {
            Cardinality::Exact(n) | Cardinality::AtLeast(n) => n,
        }
    }
}
