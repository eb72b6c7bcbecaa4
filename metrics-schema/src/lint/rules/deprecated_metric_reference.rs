//! `deprecated-metric-reference`: PromQL references a metric deprecated at the version.

use crate::catalogue::Metric;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Pass, Rule, RuleKind};
use crate::promql::Located;

pub(crate) static RULE: Rule = Rule {
    id: "deprecated-metric-reference",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A PromQL expression references a metric that is deprecated at the evaluated version.",
    explanation: "\
A deprecated metric is still exposed, but it will be hidden and then removed: the alert or \
panel that uses it goes silent on a later upgrade. Move to the replacement the diagnostic \
names while both exist; `schema migrate` does it for renames. The rule runs only when the \
version is known.",
    bad: r#"[catalogue]
namespace = "app"
version = "0.10.0"

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
version = "0.10.0"

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

/// Reference `r` to `metric`, deprecated at the version; `help` names the replacement.
pub(crate) fn diagnostic(r: &Located, metric: &Metric, help: String) -> Diagnostic {
    let hidden = metric
        .schedule
        .hidden
        .as_ref()
        .map(|h| format!(" and hidden from {h}"))
        .unwrap_or_default();
    let since = metric
        .schedule
        .deprecated
        .as_ref()
        .map(|d| format!(" since {d}"))
        .unwrap_or_default();
    Diagnostic::new(
        &RULE,
        r.span,
        format!("`{}` is deprecated{since}{hidden}", r.name),
    )
    .label("deprecated metric")
    .help(help)
}
