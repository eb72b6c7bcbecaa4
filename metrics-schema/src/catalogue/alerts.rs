//! Alerting and recording rules of the catalogue: `[[alert]]` and `[[record]]` tables, which
//! `schema alerts` turns into a Prometheus rule file and `schema lint` checks against the
//! catalogue's metrics.

use super::Keys;
use crate::promql::Expression;
use crate::source::Span;

/// An alerting rule from `[[alert]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// The alert's name (Prometheus' `alertname` label).
    pub name: String,
    /// The PromQL condition: the alert is active while it returns series.
    pub expr: Expression,
    /// How long the condition must hold before the alert fires (a Prometheus duration).
    pub for_: Option<String>,
    /// The `severity` label.
    pub severity: Option<String>,
    /// The `summary` annotation.
    pub summary: String,
    /// The `description` annotation.
    pub description: Option<String>,
    /// Further labels, in file order.
    pub labels: Vec<RuleEntry>,
    /// Further annotations, in file order.
    pub annotations: Vec<RuleEntry>,
    /// The rule group (default: see [`super::Catalogue::rule_group`]).
    pub group: Option<String>,
    /// The `[[alert]]` header.
    pub header: Span,
    /// Spans of the keys.
    pub keys: Keys,
    /// False when a required key is missing or has a wrong value.
    pub(crate) complete: bool,
}

/// A recording rule from `[[record]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The name of the series it records (a metric name; colons allowed and customary).
    pub name: String,
    /// The PromQL expression recorded.
    pub expr: Expression,
    /// Labels added to the recorded series, in file order.
    pub labels: Vec<RuleEntry>,
    /// The rule group (default: see [`super::Catalogue::rule_group`]).
    pub group: Option<String>,
    /// The `[[record]]` header.
    pub header: Span,
    /// Spans of the keys.
    pub keys: Keys,
    /// False when a required key is missing or has a wrong value.
    pub(crate) complete: bool,
}

/// One entry of a rule's `labels` or `annotations` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleEntry {
    /// The label or annotation name.
    pub name: String,
    /// Its value (a Prometheus template for annotations).
    pub value: String,
    /// The key in the table.
    pub key: Span,
}

/// A rule of either kind, for code that treats them alike.
#[derive(Clone, Copy, Debug)]
pub enum RuleRef<'a> {
    /// An alerting rule.
    Alert(&'a Alert),
    /// A recording rule.
    Record(&'a Record),
}

impl<'a> RuleRef<'a> {
    /// The alert name or the recorded series' name.
    pub fn name(self) -> &'a str {
        match self {
            RuleRef::Alert(a) => &a.name,
            RuleRef::Record(r) => &r.name,
        }
    }

    /// The expression.
    pub fn expr(self) -> &'a Expression {
        match self {
            RuleRef::Alert(a) => &a.expr,
            RuleRef::Record(r) => &r.expr,
        }
    }

    /// The group as written.
    pub fn group(self) -> Option<&'a str> {
        match self {
            RuleRef::Alert(a) => a.group.as_deref(),
            RuleRef::Record(r) => r.group.as_deref(),
        }
    }

    /// The table's header.
    pub fn header(self) -> Span {
        match self {
            RuleRef::Alert(a) => a.header,
            RuleRef::Record(r) => r.header,
        }
    }

    /// The keys written.
    pub fn keys(self) -> &'a Keys {
        match self {
            RuleRef::Alert(a) => &a.keys,
            RuleRef::Record(r) => &r.keys,
        }
    }

    /// The extra labels.
    pub fn labels(self) -> &'a [RuleEntry] {
        match self {
            RuleRef::Alert(a) => &a.labels,
            RuleRef::Record(r) => &r.labels,
        }
    }

    /// `[[alert]]` or `[[record]]`.
    pub fn table(self) -> &'static str {
        match self {
            RuleRef::Alert(_) => "[[alert]]",
            RuleRef::Record(_) => "[[record]]",
        }
    }

    pub(crate) fn complete(self) -> bool {
        match self {
            RuleRef::Alert(a) => a.complete,
            RuleRef::Record(r) => r.complete,
        }
    }
}
