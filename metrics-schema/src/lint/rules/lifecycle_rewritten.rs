//! `lifecycle-rewritten`: a deprecation or removal version was moved or erased since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "lifecycle-rewritten",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A deprecation or removal version was moved or erased since the previous release.",
    explanation: "\
Published lifecycle dates are a promise to users: operators plan migrations around \
them. Moving `deprecated`, `hidden` or `removed` of a released metric, or erasing them, \
rewrites history. A removal may be postponed only by adding an explicit later `removed` while \
keeping `deprecated`. Compared with the previous release's catalogue (`--baseline`); a \
warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.10"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"

# this release: the deprecation moved
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.11"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"
"#,
    good: r#"# previous release
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.10"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"

# this release: the date is kept, the removal postponed
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.10"
removed = "0.13"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"
"#,
    check: Check::Baseline,
};
