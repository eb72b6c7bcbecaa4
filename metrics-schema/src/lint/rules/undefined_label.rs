//! `undefined-label`: a metric uses a label that has no `[labels.X]` definition.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};
use crate::suggest::did_you_mean;

pub(crate) static RULE: Rule = Rule {
    id: "undefined-label",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric lists a label that is not defined under `[labels]`.",
    explanation: "\
Labels are defined once, under `[labels.<name>]`, with their help and their values (closed) or \
bound (open), and metrics refer to them by name. A name without a definition is usually a \
typo.",
    bad: r#"[labels.model_name]
max_values = 16

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["model"]
"#,
    good: r#"[labels.model_name]
max_values = 16

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["model_name"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let defined: Vec<&str> = cx.cat.labels.iter().map(|l| l.name.as_str()).collect();
    for m in cx.metrics() {
        let Some(key) = m.keys.key("labels") else {
            continue;
        };
        for r in &m.label_refs {
            if defined.contains(&r.value.as_str()) {
                continue;
            }
            let help = did_you_mean(&r.value, defined.iter().copied()).unwrap_or_else(|| {
                format!(
                    "define it: `[labels.{}]` with `help` and `values` or `max_values`",
                    r.value
                )
            });
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` uses undefined label `{}`", m.name, r.value),
            )
            .label("undefined label")
            .note(r.span, "not defined under [labels]")
            .help(help);
            cx.report_metric(m, d);
        }
    }
}
