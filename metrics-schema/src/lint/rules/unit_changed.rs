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
The unit is metadata that tools read (OpenMetrics' `# UNIT` line) to label axes and \
convert values, and alerts are written in it. Since it must also end the name, a released \
metric's unit changes only by dropping or re-scoping the declaration: introduce a metric \
named with the new unit and deprecate the old one instead. Declaring a unit on a metric that \
had none is allowed. Compared with the previous release's catalogue (`--baseline`); a \
warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
unit = "seconds"
buckets = "runtime"

# this release: the unit is no longer declared
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = "runtime"
"#,
    good: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
unit = "seconds"
buckets = "runtime"

# this release: unit unchanged
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
unit = "seconds"
buckets = "runtime"
"#,
    check: Check::Baseline,
};
