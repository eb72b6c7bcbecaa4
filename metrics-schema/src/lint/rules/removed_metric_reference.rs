//! `removed-metric-reference`: PromQL references a metric hidden or removed at the version.

use crate::diagnostic::Severity;
use crate::lint::{Check, Pass, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "removed-metric-reference",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A PromQL expression references a metric that is hidden or removed at the evaluated version.",
    explanation: "\
A hidden metric is not exposed (unless the program is started with the show-hidden value) \
and a removed one is gone: an alert on it never fires and a panel on it goes blank. The \
diagnostic names the replacement (following `replaced_by` to a metric active at the \
version); when the replacement is a rename — same type, same labels — `schema migrate` \
rewrites rule files and dashboards to it. The rule runs only when the version is known.",
    bad: r#"[catalogue]
namespace = "app"
version = "0.12.0"

[[metric]]
name = "gpu_cache_usage_ratio"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
deprecated = "0.10"
replaced_by = "kv_cache_usage_ratio"

[[metric]]
name = "kv_cache_usage_ratio"
type = "gauge"
help = "KV-cache usage, from 0 to 1."

[[alert]]
name = "KvCacheFull"
expr = "app_gpu_cache_usage_ratio > 0.9"
summary = "The KV cache is almost full."
"#,
    good: r#"[catalogue]
namespace = "app"
version = "0.12.0"

[[metric]]
name = "gpu_cache_usage_ratio"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
deprecated = "0.10"
replaced_by = "kv_cache_usage_ratio"

[[metric]]
name = "kv_cache_usage_ratio"
type = "gauge"
help = "KV-cache usage, from 0 to 1."

[[alert]]
name = "KvCacheFull"
expr = "app_kv_cache_usage_ratio > 0.9"
summary = "The KV cache is almost full."
"#,
    check: Check::Pass(Pass::References),
};
