//! `label-policy-violation`: a label of a beta or stable metric removed without deprecation,
//! or earlier than the deprecation policy allows.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Stability;
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "label-policy-violation",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A label of a beta or stable metric is removed without deprecation, or earlier than the policy allows.",
    explanation: "\
Removing a label breaks every query that matches or groups on it, as removing a metric \
breaks every query that names it. So the deprecation policy applies to labels too: a label \
of a beta or stable metric is `deprecated` first, and `removed` no earlier than the \
policy's `remove_after` window of the metric's stability level allows (with the default \
`remove_after = 2`, a label deprecated in X.Y is removed from X.(Y+2).0 at the earliest). \
Labels of alpha metrics may go at any time. Where a project's real history broke the \
policy, record the truth and `allow` the rule on the metric, with a comment.",
    bad: r#"[labels.engine]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests running."
stability = "stable"
labels = [{ name = "engine", removed = "0.11" }]
"#,
    good: r#"[labels.engine]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests running."
stability = "stable"
labels = [{ name = "engine", deprecated = "0.9", removed = "0.11" }]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.stability == Stability::Alpha {
            continue;
        }
        let window = cx.cat.policy.window(m.stability);
        for (label, h) in &m.label_history {
            let Some(removed) = &h.removed else {
                continue;
            };
            let at = h.keys.key("removed").unwrap_or(h.span);
            let d = match &h.deprecated {
                None => Diagnostic::new(
                    &RULE,
                    at,
                    format!(
                        "label `{label}` of {} metric `{}` is removed in {removed} without being deprecated",
                        m.stability, m.name
                    ),
                )
                .label("removed without deprecation")
                .help(format!(
                    "deprecate the label first (`deprecated = \"X.Y\"`), at least {} minor release(s) before its removal",
                    window.remove_after
                )),
                Some(deprecated) => {
                    let earliest = deprecated.add_minors(window.remove_after);
                    if *removed >= earliest {
                        continue;
                    }
                    Diagnostic::new(
                        &RULE,
                        at,
                        format!(
                            "label `{label}` of `{}` is removed in {removed}, earlier than its {} policy allows ({earliest})",
                            m.name, m.stability
                        ),
                    )
                    .label("earlier than the policy")
                    .help(format!(
                        "deprecated in {deprecated}, a label of a {} metric is removed {} minor release(s) later, from {earliest}",
                        m.stability, window.remove_after
                    ))
                }
            };
            cx.report_metric(m, d);
        }
    }
}
