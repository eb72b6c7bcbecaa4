//! `policy-violation`: an explicit `hidden` or `removed` earlier than the policy allows.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "policy-violation",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "An explicit `hidden` or `removed` is earlier than the deprecation policy allows.",
    explanation: "\
The policy gives users a window between a deprecation and the metric's disappearance: with \
`hide_after = 1` and `remove_after = 2`, a metric deprecated in X.Y is hidden from X.(Y+1).0 \
and removed from X.(Y+2).0. The window comes from the metric's stability level \
(`[policy.<level>]`, falling back to `[policy]`). An explicit `hidden` or `removed` may \
postpone these dates, never bring them forward.",
    bad: r#"[[metric]]
name = "time_per_output_token_seconds"
type = "histogram"
unit = "seconds"
help = "Time per output token."
buckets = "runtime"
stability = "stable"
deprecated = "0.11"
replaced_by = "inter_token_latency_seconds"
removed = "0.12"

[[metric]]
name = "inter_token_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Inter-token latency."
buckets = "runtime"
"#,
    good: r#"[[metric]]
name = "time_per_output_token_seconds"
type = "histogram"
unit = "seconds"
help = "Time per output token."
buckets = "runtime"
stability = "stable"
deprecated = "0.11"
replaced_by = "inter_token_latency_seconds"
removed = "0.15"

[[metric]]
name = "inter_token_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Inter-token latency."
buckets = "runtime"
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let Some(deprecated) = &m.lifecycle.deprecated else {
            continue;
        };
        let window = cx.cat.policy.window(m.stability);
        for (name, explicit, after) in [
            ("hidden", &m.lifecycle.hidden, window.hide_after),
            ("removed", &m.lifecycle.removed, window.remove_after),
        ] {
            let (Some(explicit), Some(key)) = (explicit, m.keys.key(name)) else {
                continue;
            };
            let earliest = deprecated.add_minors(after);
            if *explicit < earliest {
                let d = Diagnostic::new(
                    &RULE,
                    key,
                    format!(
                        "metric `{}` is {name} in {explicit}, earlier than its {} policy allows ({earliest})",
                        m.name, m.stability
                    ),
                )
                .label("earlier than the policy")
                .help(format!(
                    "deprecated in {deprecated}, a {} metric is {name} {after} minor release(s) later, from {earliest}; remove `{name}` or set it to {earliest} or later",
                    m.stability
                ));
                cx.report_metric(m, d);
            }
        }
    }
}
