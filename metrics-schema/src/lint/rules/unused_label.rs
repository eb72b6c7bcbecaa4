//! `unused-label`: a label definition no metric uses.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unused-label",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A label is defined under `[labels]` but no metric uses it.",
    explanation: "\
An unused definition is usually a leftover of a removed label or a typo in a metric's \
`labels`. Removed metrics count as users: they are history and keep their labels.",
    bad: r#"[labels.engine]
max_values = 8

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    good: r#"[labels.engine]
max_values = 8

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["engine"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for label in &cx.cat.labels {
        let used = cx
            .cat
            .metrics
            .iter()
            .any(|m| m.label_refs.iter().any(|r| r.value == label.name));
        if !used {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    label.header,
                    format!("label `{}` is not used by any metric", label.name),
                )
                .label("unused label")
                .help("remove the definition, or add the label to a metric's `labels`"),
            );
        }
    }
}
