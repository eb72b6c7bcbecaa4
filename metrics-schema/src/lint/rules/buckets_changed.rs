//! `buckets-changed`: a histogram's bucket bounds changed since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "buckets-changed",
    severity: Severity::Warning,
    kind: RuleKind::Compatibility,
    summary: "A histogram's bucket bounds changed since the previous release.",
    explanation: "\
Changing bucket bounds breaks `histogram_quantile` over ranges that span the change and \
any query selecting a specific `le`. It is sometimes necessary, so it is only a warning. \
Compared with the previous release's catalogue (`--baseline`).",
    bad: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0]

# this release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0, 5.0]
"#,
    good: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0]

# this release: bounds unchanged
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0]
"#,
    check: Check::Baseline,
};
