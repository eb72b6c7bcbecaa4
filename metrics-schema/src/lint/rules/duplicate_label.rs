//! `duplicate-label`: a metric lists the same label twice.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "duplicate-label",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric lists the same label twice.",
    explanation: "\
A series has at most one value per label name, so a label listed twice in a metric's `labels` \
cannot be exposed. Remove the repetition.",
    bad: r#"[labels.engine]
max_values = 8

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["engine", "engine"]
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
    for m in cx.metrics() {
        let Some(key) = m.keys.key("labels") else {
            continue;
        };
        for (i, r) in m.label_refs.iter().enumerate() {
            let Some(first) = m.label_refs[..i].iter().find(|p| p.value == r.value) else {
                continue;
            };
            if m.label_refs[..i]
                .iter()
                .filter(|p| p.value == r.value)
                .count()
                > 1
            {
                continue; // reported at its second occurrence
            }
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` lists label `{}` twice", m.name, r.value),
            )
            .label("duplicate label")
            .note(first.span, "first listed here")
            .note(r.span, "listed again here")
            .help("remove the repetition");
            cx.report_metric(m, d);
        }
    }
}
