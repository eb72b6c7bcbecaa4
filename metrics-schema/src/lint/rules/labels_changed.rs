//! `labels-changed`: a metric's labels changed since the previous release (stable: any change; beta: a label removed).
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "labels-changed",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric's labels changed since the previous release (stable: any change; beta: a label removed).",
    explanation: "\
Queries select and aggregate by labels; removing a label, or a value of a closed label, \
breaks them, and adding a label to a stable metric changes every series' identity. Stable \
metrics keep their labels; beta metrics may gain labels but not lose labels or values. \
Adding values to a closed label is allowed. Compared with the previous release's catalogue \
(`--baseline`); a warning for alpha metrics.",
    bad: r#"# previous release
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name", "engine"]

# this release
[labels.model_name]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name"]
"#,
    good: r#"# previous release
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name", "engine"]

# this release: labels unchanged
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name", "engine"]
"#,
    check: Check::Baseline,
};
