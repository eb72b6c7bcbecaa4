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
    bad: r#"# previous release: deprecated = "0.10"
[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."
deprecated = "0.11"
"#,
    good: r#"# this release: the date is kept
[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."
deprecated = "0.10"
"#,
    check: Check::Baseline,
};
