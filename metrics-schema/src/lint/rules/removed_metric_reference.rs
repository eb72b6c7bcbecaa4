//! `removed-metric-reference`: PromQL references a metric hidden or removed at the version.

use crate::catalogue::Metric;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::{Status, Version};
use crate::lint::{Check, Pass, Rule, RuleKind};
use crate::promql::Located;

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

/// Reference `r` to `metric`, hidden or removed (`status`) at `at`; `help` names the
/// replacement.
pub(crate) fn diagnostic(
    r: &Located,
    metric: &Metric,
    status: Status,
    at: &Version,
    help: String,
) -> Diagnostic {
    let what = if status == Status::Hidden {
        let show = crate::lifecycle::show_hidden_value(at)
            .map(|v| {
                format!(
                    ", unless the program runs with show-hidden set to {}",
                    v.minor_line()
                )
            })
            .unwrap_or_default();
        format!("is hidden at {at}: no series has this name{show}")
    } else {
        let removed = metric
            .schedule
            .removed
            .as_ref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default();
        let deprecated = metric
            .schedule
            .deprecated
            .as_ref()
            .map(|d| format!(" (deprecated in {d})"))
            .unwrap_or_default();
        format!("was removed{removed}{deprecated}: at {at} no series has this name")
    };
    Diagnostic::new(&RULE, r.span, format!("`{}` {what}", r.name))
        .label(format!("{status} metric"))
        .help(help)
}
