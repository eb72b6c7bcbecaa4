//! `removed-without-deprecation`: a metric vanished from the catalogue, or was removed before its policy date.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "removed-without-deprecation",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric vanished from the catalogue, or was removed before its policy date.",
    explanation: "\
Dashboards and alerts break silently when a series disappears. A metric leaves through the \
lifecycle: `deprecated` in one release, hidden and then removed as the policy says, and it \
stays in the catalogue as history so that docs list its replacement and its name cannot be \
reused. Deleting its `[[metric]]` table, or removing it earlier than the policy allows, is a \
breaking change. Compared with the previous release's catalogue (`--baseline`).",
    bad: r#"# previous release
[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."

# this release: the table was deleted
"#,
    good: r#"# this release: the metric is kept as history
[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."
deprecated = "0.10"
replaced_by = "kv_cache_usage_perc"
"#,
    check: Check::Baseline,
};
