//! `reserved-label`: a label named `le`, `quantile` or starting with `__`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "reserved-label",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A label is named `le` or `quantile`, or starts with `__`.",
    explanation: "\
`le` holds histogram bucket bounds and `quantile` summary quantiles; a label of that name \
clashes with the series the exposition generates. Names starting with `__` are reserved for \
Prometheus' internal use (`__name__`, relabelling).",
    bad: r#"[labels.le]
max_values = 10

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["le"]
"#,
    good: r#"[labels.limit]
max_values = 10

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["limit"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for label in &cx.cat.labels {
        let name = label.name.as_str();
        let why = match name {
            "le" => "`le` holds histogram bucket bounds",
            "quantile" => "`quantile` holds summary quantiles",
            _ if name.starts_with("__") => "names starting with `__` are reserved for Prometheus",
            _ => continue,
        };
        cx.report(
            Diagnostic::new(
                &RULE,
                label.header,
                format!("label name `{name}` is reserved: {why}"),
            )
            .label("reserved label name")
            .help("choose another name"),
        );
    }
}
