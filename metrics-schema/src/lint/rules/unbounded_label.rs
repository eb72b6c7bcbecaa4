//! `unbounded-label`: an open label without `max_values`.

use crate::catalogue::LabelKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unbounded-label",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "An open label has no `max_values` bound.",
    explanation: "\
An open label takes its values at run time. Without a bound, a label fed from user input \
(a model name, a tenant, a path) can create series without limit and exhaust the memory of \
both the process and Prometheus. `max_values` bounds the number of distinct values the \
runtime accepts, and lets `high-cardinality` compute a worst case. As a safety net the \
runtime also caps every family at 100,000 series by default (`Options::max_series`): past \
the cap new label combinations go to the `__overflow__` series and are counted, so memory \
stays bounded, but the values they carried are lost. Prefer a `max_values` that fits the \
label.",
    bad: r#"[labels.model_name]
help = "Name of the served model."

[[metric]]
name = "requests"
type = "counter"
help = "Requests received."
labels = ["model_name"]
"#,
    good: r#"[labels.model_name]
help = "Name of the served model."
max_values = 16

[[metric]]
name = "requests"
type = "counter"
help = "Requests received."
labels = ["model_name"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for label in &cx.cat.labels {
        if label.kind == (LabelKind::Open { max_values: None })
            && label.keys.key("max_values").is_none()
        {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    label.header,
                    format!("open label `{}` has no `max_values`", label.name),
                )
                .label("unbounded label")
                .help("bound it with `max_values = N`, or list its `values`"),
            );
        }
    }
}
