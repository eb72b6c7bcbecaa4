//! `unit-changed`: a metric's unit changed since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unit-changed",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric's unit changed since the previous release.",
    explanation: "\
A unit change silently rescales every graph and alert threshold built on the metric. \
Introduce a metric with the new unit in its name and deprecate the old one. Compared with the \
previous release's catalogue (`--baseline`); a warning for alpha metrics.",
    bad: r#"# previous release: unit = "seconds"
[[metric]]
name = "request_latency"
type = "histogram"
help = "Request latency."
unit = "milliseconds"
buckets = "runtime"
"#,
    good: r#"# this release: unit unchanged
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
unit = "seconds"
buckets = "runtime"
"#,
    check: Check::Baseline,
};
