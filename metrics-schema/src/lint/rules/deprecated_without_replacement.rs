//! `deprecated-without-replacement`: a deprecated metric with no `replaced_by`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "deprecated-without-replacement",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A deprecated metric has no `replaced_by`.",
    explanation: "\
Users of a deprecated metric need to know what to use instead: the deprecation notice in the \
HELP text, the docs and the changelog all name the replacement. When a metric is dropped \
without a successor, say so in `note` and allow this rule on the metric.",
    bad: r#"[[metric]]
name = "gpu_cache_usage_ratio"
type = "gauge"
help = "GPU KV-cache usage."
deprecated = "0.10"
"#,
    good: r#"[[metric]]
name = "gpu_cache_usage_ratio"
type = "gauge"
help = "GPU KV-cache usage."
deprecated = "0.10"
replaced_by = "kv_cache_usage_ratio"

[[metric]]
name = "kv_cache_usage_ratio"
type = "gauge"
help = "KV-cache usage."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.replaced_by.is_none()
            && m.keys.key("replaced_by").is_none()
            && let (Some(_), Some(key)) = (&m.lifecycle.deprecated, m.keys.key("deprecated"))
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` is deprecated without a replacement", m.name),
            )
            .label("no `replaced_by`")
            .help(
                "name the successor with `replaced_by`, or explain in `note` and allow this rule",
            );
            cx.report_metric(m, d);
        }
    }
}
