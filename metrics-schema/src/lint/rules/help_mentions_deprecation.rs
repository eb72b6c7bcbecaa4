//! `help-mentions-deprecation`: a hand-written deprecation notice in a help text.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "help-mentions-deprecation",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A help text mentions deprecation; the tool writes that notice itself.",
    explanation: "\
When a metric is deprecated (`deprecated = \"X.Y\"`), its exposed HELP text gets a notice naming \
the version and the replacement, and the docs list it. A hand-written `DEPRECATED: use ...` in \
`help` duplicates that notice, and goes stale: it is shown before the deprecation release, and \
is easily forgotten when the replacement changes. Keep `help` about what is measured; use \
`deprecated`, `replaced_by` and `note`.",
    bad: r#"[[metric]]
name = "gpu_cache_usage_ratio"
type = "gauge"
help = "GPU KV-cache usage. DEPRECATED: Use kv_cache_usage_ratio instead."
deprecated = "0.10"
replaced_by = "kv_cache_usage_ratio"

[[metric]]
name = "kv_cache_usage_ratio"
type = "gauge"
help = "KV-cache usage."
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
        if m.help.to_ascii_lowercase().contains("deprecat")
            && let Some(key) = m.keys.key("help")
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("the help text of metric `{}` mentions deprecation", m.name),
            )
            .label("hand-written deprecation notice")
            .help("remove it from `help`; set `deprecated`, `replaced_by` and `note`, and the notice is written for you");
            cx.report_metric(m, d);
        }
    }
}
