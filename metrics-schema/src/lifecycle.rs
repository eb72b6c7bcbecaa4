//! Lifecycle at a version: the shared rules of `metrics-schema-lifecycle` (re-exported here)
//! applied to the metrics of a catalogue, each under the policy window of its stability.
//!
//! The rules themselves (status boundaries, pre-releases, the `X.0` case, the show-hidden
//! value) live only in `metrics-schema-lifecycle`; this module only connects them to the
//! model.

pub use metrics_schema_lifecycle::*;

use crate::catalogue::{Catalogue, ExposedNames, Metric, MetricKind};

impl Metric {
    /// The metric's status at `at`. A pre-release is evaluated as its release.
    pub fn status_at(&self, at: &Version) -> Status {
        self.schedule.status_at(at)
    }

    /// The notice deprecated and re-enabled hidden metrics carry in their HELP, naming the
    /// deprecation release, the name users query the replacement by (`_total` for a
    /// counter) and the note. `None` when the metric is not deprecated.
    pub fn deprecation_notice(&self) -> Option<String> {
        let deprecated = self.schedule.deprecated.as_ref()?;
        Some(deprecation_notice(
            deprecated,
            self.replacement_series.as_deref(),
            self.note.as_deref(),
        ))
    }

    /// The HELP text exposed at `at`: the help, followed by the deprecation notice once the
    /// metric is deprecated.
    pub fn help_at(&self, at: &Version) -> String {
        match (self.status_at(at), self.deprecation_notice()) {
            (Status::Active, _) | (_, None) => self.help.clone(),
            (_, Some(notice)) => help_with_notice(&self.help, &notice),
        }
    }

    /// True when the metric exists at `at`: it has no `since`, or its `since` is not later
    /// than `at` (a pre-release counts as its release, as for every lifecycle date).
    pub fn is_introduced_at(&self, at: &Version) -> bool {
        self.since
            .as_ref()
            .is_none_or(|since| *since <= at.release())
    }

    /// True when code generated at `at` has the metric: introduced at `at` and not removed.
    /// A metric introduced later than `at` is not generated at all, as if it were not in
    /// the catalogue yet: a program built at an older release does not expose it.
    pub fn is_generated_at(&self, at: &Version) -> bool {
        self.is_introduced_at(at) && self.status_at(at) != Status::Removed
    }

    /// True when the metric is exposed at `at`: active and deprecated metrics are; hidden
    /// ones only when `show_hidden` (the process was given the valid show-hidden value);
    /// removed ones and ones introduced after `at` never.
    pub fn is_exposed_at(&self, at: &Version, show_hidden: bool) -> bool {
        if !self.is_introduced_at(at) {
            return false;
        }
        match self.status_at(at) {
            Status::Active | Status::Deprecated => true,
            Status::Hidden => show_hidden,
            Status::Removed => false,
        }
    }
}

impl Catalogue {
    /// The show-hidden value that re-enables hidden metrics at `at` (the previous minor
    /// release), or `None` at an `X.0.Z` release.
    pub fn show_hidden_value(&self, at: &Version) -> Option<Version> {
        show_hidden_value(at)
    }

    /// Checks a show-hidden value for a process running at `at`; see
    /// [`check_show_hidden`].
    pub fn check_show_hidden(&self, at: &Version, value: &str) -> Result<(), ShowHiddenError> {
        check_show_hidden(at, value)
    }

    /// Every metric's status at `at`, in catalogue order.
    pub fn status_report(&self, at: &Version) -> StatusReport {
        let metrics = self
            .metrics
            .iter()
            .map(|m| MetricStatus {
                name: m.name.clone(),
                full_name: m.full_name.clone(),
                kind: m.kind,
                stability: m.stability,
                status: m.status_at(at),
                introduced: m.since.as_ref().is_none_or(|since| *since <= at.release()),
                since: m.since.clone(),
                labels: m.labels.iter().map(|l| l.name.clone()).collect(),
                exposed: m.exposed_names(),
                schedule: m.schedule.clone(),
                replacement: m.replacement.clone(),
            })
            .collect();
        StatusReport {
            version: at.clone(),
            show_hidden: show_hidden_value(at),
            metrics,
        }
    }
}

/// Where every metric of a catalogue stands at a version (`schema status`).
#[derive(Clone, Debug, PartialEq)]
pub struct StatusReport {
    /// The version evaluated.
    pub version: Version,
    /// The show-hidden value that re-enables hidden metrics at this version, if any.
    pub show_hidden: Option<Version>,
    /// One entry per metric, in catalogue order.
    pub metrics: Vec<MetricStatus>,
}

impl StatusReport {
    /// The number of metrics introduced at the version that are in `status`.
    pub fn count(&self, status: Status) -> usize {
        self.metrics
            .iter()
            .filter(|m| m.introduced && m.status == status)
            .count()
    }

    /// The number of metrics not yet introduced at the version (`since` later).
    pub fn not_introduced(&self) -> usize {
        self.metrics.iter().filter(|m| !m.introduced).count()
    }
}

/// What `schema status` shows for a metric not yet introduced at the version.
pub const NOT_INTRODUCED: &str = "not yet introduced";

/// One metric's status at a version.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricStatus {
    /// The local name.
    pub name: String,
    /// The full name.
    pub full_name: String,
    /// The type.
    pub kind: MetricKind,
    /// The stability level.
    pub stability: Stability,
    /// The status.
    pub status: Status,
    /// False when the metric's `since` is later than the version: it is not yet
    /// introduced there (its `status` is then the lifecycle's, `active`).
    pub introduced: bool,
    /// The release that introduced it, if written.
    pub since: Option<Version>,
    /// Its label names, in the metric's order.
    pub labels: Vec<String>,
    /// The names it is (or would be) exposed under.
    pub exposed: ExposedNames,
    /// Its effective lifecycle dates.
    pub schedule: Schedule,
    /// The replacement's full name, if any.
    pub replacement: Option<String>,
}

impl MetricStatus {
    /// The status as shown: [`NOT_INTRODUCED`] before the metric's `since`, else the
    /// lifecycle status (`active`, `deprecated`, `hidden`, `removed`).
    pub fn shown(&self) -> &'static str {
        if self.introduced {
            self.status.as_str()
        } else {
            NOT_INTRODUCED
        }
    }
}
