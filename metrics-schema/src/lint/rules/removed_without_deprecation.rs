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
reused. Deleting its `[[metric]]` table, or removing it earlier than the previous release's \
policy said (by shrinking the `[policy]` window), is a breaking change. Compared with the \
previous release's catalogue (`--baseline`); a warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits, in cached tokens."
stability = "stable"

# this release: renamed, the old table deleted
[[metric]]
name = "prefix_cache_hits"
type = "counter"
help = "Prefix cache hits, in cached tokens."
stability = "stable"
"#,
    good: r#"# previous release
[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits, in cached tokens."
stability = "stable"

# this release: the old metric is deprecated and kept as history
[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits, in cached tokens."
stability = "stable"
deprecated = "0.10"
replaced_by = "prefix_cache_hits"

[[metric]]
name = "prefix_cache_hits"
type = "counter"
help = "Prefix cache hits, in cached tokens."
stability = "stable"
"#,
    check: Check::Baseline,
};
