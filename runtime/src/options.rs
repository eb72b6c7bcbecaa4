//! Run-time options for building metric sets, and the errors building can report.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use crate::lifecycle::{ShowHiddenError, Version, VersionError, check_show_hidden};
use crate::{InvalidBuckets, MetricType};

/// Run-time choices made when a metric set is built: whether hidden metrics are shown,
/// per-label `max_values` overrides, and the buckets of `buckets = "runtime"` histograms.
///
/// ```
/// use metrics_schema_runtime::Options;
///
/// // vLLM 0.11.2 started with --show-hidden-metrics-for-version=0.10
/// let options = Options::new()
///     .show_hidden("0.11.2", "0.10")
///     .unwrap()
///     .max_values("model_name", 4)
///     .buckets("vllm:request_params_n", &[1.0, 2.0, 5.0]);
/// assert!(options.shows_hidden());
///
/// // Any other value is an error naming the valid one, never silently ignored.
/// let err = Options::new().show_hidden("0.11.2", "0.9").unwrap_err();
/// assert!(err.to_string().contains("\"0.10\""));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Options {
    show_hidden: bool,
    max_values: HashMap<String, usize>,
    buckets: HashMap<String, Vec<f64>>,
    disabled: HashSet<String>,
    /// (metric, open label) to the values kept; others become [`OVERFLOW_VALUE`].
    ///
    /// [`OVERFLOW_VALUE`]: crate::OVERFLOW_VALUE
    allowed: HashMap<(String, String), Vec<String>>,
}

/// What an operator option can name in a catalogue: its metrics and their open labels.
/// Generated code implements it for each catalogue's `Metrics`, so that
/// [`Options::disable_metric`], [`Options::allow_label_values`] and the `clap` integration
/// check names against the catalogue.
pub trait MetricCatalogue {
    /// The version the catalogue was compiled at.
    const VERSION: &'static str;
    /// The one show-hidden value valid at [`VERSION`](MetricCatalogue::VERSION).
    const SHOW_HIDDEN_VALUE: Option<&'static str>;
    /// Every metric that exists at that version (hidden ones included), by full name.
    const METRICS: &'static [MetricInfo];
}

/// A metric of a [`MetricCatalogue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricInfo {
    /// The full name (`vllm:num_requests_running`).
    pub name: &'static str,
    /// Its open labels, in catalogue order.
    pub open_labels: &'static [&'static str],
}

/// The known name closest to `name`, when close enough to be a likely typo.
fn did_you_mean<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

impl Options {
    /// Defaults: hidden metrics stay hidden, catalogue `max_values`, no run-time buckets.
    pub fn new() -> Self {
        Options::default()
    }

    /// Applies a show-hidden option value (vLLM's `--show-hidden-metrics-for-version`)
    /// given to a process running at version `at` (usually the crate's
    /// `CARGO_PKG_VERSION`). Only the previous minor release is accepted (see
    /// [`check_show_hidden`](crate::lifecycle::check_show_hidden)); anything else is an
    /// error that names the valid value.
    pub fn show_hidden(self, at: &str, value: &str) -> Result<Self, OptionsError> {
        let at = Version::parse(at).map_err(OptionsError::Version)?;
        self.show_hidden_at(&at, value)
    }

    /// [`Options::show_hidden`] with an already parsed version.
    pub fn show_hidden_at(mut self, at: &Version, value: &str) -> Result<Self, OptionsError> {
        check_show_hidden(at, value).map_err(OptionsError::ShowHidden)?;
        self.show_hidden = true;
        Ok(self)
    }

    /// Whether hidden metrics are exposed.
    pub fn shows_hidden(&self) -> bool {
        self.show_hidden
    }

    /// Overrides the catalogue's `max_values` of open label `label` in every family.
    pub fn max_values(mut self, label: &str, max_values: usize) -> Self {
        self.max_values.insert(label.to_owned(), max_values);
        self
    }

    /// Supplies the bucket bounds of histogram `metric` (its full name), for catalogue
    /// `buckets = "runtime"`. Ignored for metrics with compile-time buckets.
    pub fn buckets(mut self, metric: &str, bounds: &[f64]) -> Self {
        self.buckets.insert(metric.to_owned(), bounds.to_vec());
        self
    }

    /// Disables metric `name` (full name) of catalogue `C`, as Kubernetes'
    /// `--disabled-metrics`: its family is built as hidden ones are (not exposed, recording
    /// a no-op), whatever the show-hidden value. A name that is not a metric of `C` is an
    /// error, with the closest name as a suggestion.
    pub fn disable_metric<C: MetricCatalogue + ?Sized>(
        mut self,
        name: &str,
    ) -> Result<Self, OptionsError> {
        find_metric::<C>(name)?;
        self.disabled.insert(name.to_owned());
        Ok(self)
    }

    /// Restricts open label `label` of metric `metric` (full name) of catalogue `C` to
    /// `values`, as Kubernetes' `--allow-metric-labels`: any other value is recorded as
    /// [`OVERFLOW_VALUE`](crate::OVERFLOW_VALUE) and counted as an overflow of the label.
    /// An unknown metric, or a label that is not one of its open labels, is an error.
    pub fn allow_label_values<C: MetricCatalogue + ?Sized>(
        mut self,
        metric: &str,
        label: &str,
        values: &[&str],
    ) -> Result<Self, OptionsError> {
        let info = find_metric::<C>(metric)?;
        if !info.open_labels.contains(&label) {
            return Err(OptionsError::NotAnOpenLabel {
                metric: info.name,
                label: label.to_owned(),
                open_labels: info.open_labels,
            });
        }
        self.allowed.insert(
            (metric.to_owned(), label.to_owned()),
            values.iter().map(|v| (*v).to_owned()).collect(),
        );
        Ok(self)
    }

    /// Whether metric `name` was disabled.
    pub fn is_disabled(&self, name: &str) -> bool {
        self.disabled.contains(name)
    }

    pub(crate) fn allowed_values(&self, metric: &str, label: &str) -> Option<&[String]> {
        if self.allowed.is_empty() {
            return None;
        }
        self.allowed
            .get(&(metric.to_owned(), label.to_owned()))
            .map(Vec::as_slice)
    }

    pub(crate) fn max_values_of(&self, label: &str) -> Option<usize> {
        self.max_values.get(label).copied()
    }

    pub(crate) fn buckets_of(&self, metric: &str) -> Option<&[f64]> {
        self.buckets.get(metric).map(Vec::as_slice)
    }
}

/// The metric of `C` named `name`, or an error suggesting the closest name.
pub(crate) fn find_metric<C: MetricCatalogue + ?Sized>(
    name: &str,
) -> Result<&'static MetricInfo, OptionsError> {
    C::METRICS
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| OptionsError::UnknownMetric {
            name: name.to_owned(),
            did_you_mean: did_you_mean(name, C::METRICS.iter().map(|m| m.name)),
        })
}

/// A refused run-time option.
///
/// Its `Debug` is its `Display` sentence, so that `main` returning
/// `Result<(), Box<dyn Error>>` prints `Error: <sentence>`, not a struct.
#[derive(Clone, PartialEq, Eq)]
pub enum OptionsError {
    /// The running version could not be parsed.
    Version(VersionError),
    /// The show-hidden value is not the one valid value.
    ShowHidden(ShowHiddenError),
    /// A metric name that is not in the catalogue.
    UnknownMetric {
        /// The name given.
        name: String,
        /// The closest metric name of the catalogue, if any is close.
        did_you_mean: Option<&'static str>,
    },
    /// An allow-list for a label that is not an open label of the metric.
    NotAnOpenLabel {
        /// The metric.
        metric: &'static str,
        /// The label given.
        label: String,
        /// The metric's open labels.
        open_labels: &'static [&'static str],
    },
    /// An allow-list option not of the form `METRIC,LABEL=VALUE,VALUE..`.
    InvalidAllowList {
        /// The option's value.
        value: String,
    },
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionsError::Version(e) => write!(f, "running version: {e}"),
            OptionsError::ShowHidden(e) => e.fmt(f),
            OptionsError::UnknownMetric { name, did_you_mean } => {
                write!(f, "unknown metric {name:?}")?;
                match did_you_mean {
                    Some(m) => write!(f, ": did you mean {m:?}?"),
                    None => f.write_str(": give a metric's full name, as exposed"),
                }
            }
            OptionsError::NotAnOpenLabel {
                metric,
                label,
                open_labels,
            } => {
                write!(f, "metric {metric:?} has no open label {label:?}")?;
                match open_labels {
                    [] => f.write_str(" (it has no open labels)"),
                    labels => write!(f, " (its open labels: {})", labels.join(", ")),
                }
            }
            OptionsError::InvalidAllowList { value } => write!(
                f,
                "invalid label allow-list {value:?}: expected METRIC,LABEL=VALUE,VALUE... \
                 (e.g. vllm:num_requests_running,model_name=llama,mistral)"
            ),
        }
    }
}

impl fmt::Debug for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for OptionsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OptionsError::Version(e) => Some(e),
            OptionsError::ShowHidden(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a [`Family`](crate::Family) could not be built from its descriptor.
///
/// Its `Debug` is its `Display` sentence, so that `main` returning
/// `Result<(), Box<dyn Error>>` prints `Error: <sentence>`, not a struct.
#[derive(Clone, PartialEq)]
pub enum BuildError {
    /// The metric name is not `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    InvalidMetricName {
        /// The name.
        metric: &'static str,
    },
    /// A label name is not `[a-zA-Z_][a-zA-Z0-9_]*`, starts with `__`, is `le` on a
    /// histogram or `quantile`, or appears twice.
    InvalidLabelName {
        /// The metric.
        metric: &'static str,
        /// The label.
        label: &'static str,
    },
    /// The unit is not a suffix of the name (`_<unit>`), or set on an info metric.
    InvalidUnit {
        /// The metric.
        metric: &'static str,
        /// The unit.
        unit: &'static str,
    },
    /// The family's Rust type does not match the descriptor's type.
    TypeMismatch {
        /// The metric.
        metric: &'static str,
        /// The type in the descriptor.
        described: MetricType,
        /// The primitive the family was built with.
        built: MetricType,
    },
    /// The family's closed-label types or open-label count do not match the descriptor.
    LabelMismatch {
        /// The metric.
        metric: &'static str,
        /// What differs.
        detail: String,
    },
    /// An open label with `max_values` 0.
    ZeroMaxValues {
        /// The metric.
        metric: &'static str,
        /// The label.
        label: &'static str,
    },
    /// A `buckets = "runtime"` histogram without [`Options::buckets`].
    MissingBuckets {
        /// The metric.
        metric: &'static str,
    },
    /// A deprecation version that is not `X.Y` or `X.Y.Z`.
    InvalidVersion {
        /// The metric.
        metric: &'static str,
        /// The parse error.
        error: VersionError,
    },
    /// Unusable bucket bounds.
    InvalidBuckets {
        /// The metric.
        metric: &'static str,
        /// What is wrong.
        error: InvalidBuckets,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidMetricName { metric } => write!(
                f,
                "metric {metric:?}: invalid name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"
            ),
            BuildError::InvalidLabelName { metric, label } => write!(
                f,
                "metric {metric:?}: invalid or duplicate label name {label:?} (expected \
                 [a-zA-Z_][a-zA-Z0-9_]*, not starting with \"__\", not \"le\" or \"quantile\")"
            ),
            BuildError::InvalidUnit { metric, unit } => write!(
                f,
                "metric {metric:?}: unit {unit:?} must be the name's suffix \"_{unit}\" and \
                 info metrics take no unit"
            ),
            BuildError::TypeMismatch {
                metric,
                described,
                built,
            } => write!(
                f,
                "metric {metric:?} is described as a {described} but built as a {built}"
            ),
            BuildError::LabelMismatch { metric, detail } => {
                write!(f, "metric {metric:?}: labels do not match: {detail}")
            }
            BuildError::ZeroMaxValues { metric, label } => write!(
                f,
                "metric {metric:?}: open label {label:?} has max_values 0 (at least 1 needed)"
            ),
            BuildError::MissingBuckets { metric } => write!(
                f,
                "metric {metric:?} takes its buckets at run time: supply them with \
                 Options::buckets({metric:?}, ...)"
            ),
            BuildError::InvalidVersion { metric, error } => {
                write!(f, "metric {metric:?}: deprecation version: {error}")
            }
            BuildError::InvalidBuckets { metric, error } => {
                write!(f, "metric {metric:?}: {error}")
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

/// The bounds of a histogram family, resolved from its descriptor and the options.
pub(crate) fn resolve_buckets(
    desc: &'static crate::MetricDesc,
    options: &Options,
) -> Result<Arc<[f64]>, BuildError> {
    use crate::Buckets;
    let bounds: &[f64] = match desc.buckets {
        Buckets::None => &[],
        Buckets::Static(bounds) => bounds,
        Buckets::Runtime => options
            .buckets_of(desc.name)
            .ok_or(BuildError::MissingBuckets { metric: desc.name })?,
    };
    crate::validate_buckets(bounds).map_err(|error| BuildError::InvalidBuckets {
        metric: desc.name,
        error,
    })
}
