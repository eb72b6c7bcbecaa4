//! `reserved-label`: a label named `quantile` or starting with `__`, or `le` on a histogram.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::MetricType;
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "reserved-label",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A label is named `quantile` or starts with `__`, or a histogram has a label `le`.",
    explanation: "\
`le` holds a histogram's bucket bounds: a histogram with its own `le` label clashes with the \
series the exposition generates (on other types `le` is an ordinary label, as in Prometheus). \
`quantile` holds summary quantiles and is reserved on every type, so that no series reads as \
a summary's. Names starting with `__` are reserved for Prometheus' internal use \
(`__name__`, relabelling).",
    bad: r#"[labels.le]
max_values = 10

[[metric]]
name = "queue_wait_seconds"
type = "histogram"
unit = "seconds"
help = "Time requests wait."
buckets = [0.1, 1.0]
labels = ["le"]
"#,
    good: r#"[labels.limit]
max_values = 10

[[metric]]
name = "queue_wait_seconds"
type = "histogram"
unit = "seconds"
help = "Time requests wait."
buckets = [0.1, 1.0]
labels = ["limit"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    // Names reserved on every type are reported once, at the label's definition.
    let everywhere = |name: &str| {
        MetricType::ALL
            .into_iter()
            .all(|ty| ty.reserved_label(name).is_some())
    };
    for label in &cx.cat.labels {
        let name = label.name.as_str();
        if !everywhere(name) {
            continue;
        }
        let Some(why) = MetricType::Gauge.reserved_label(name) else {
            continue;
        };
        cx.report(
            Diagnostic::new(
                &RULE,
                label.header,
                format!("label name `{name}` is reserved: {}", why.reason()),
            )
            .label("reserved label name")
            .help("choose another name"),
        );
    }
    // Names reserved on some types only are reported where such a metric uses them.
    for m in cx.metrics() {
        for r in &m.label_refs {
            let name = r.value.as_str();
            if everywhere(name) {
                continue;
            }
            let Some(why) = m.kind.reserved_label(name) else {
                continue;
            };
            let d = Diagnostic::new(
                &RULE,
                r.span,
                format!(
                    "label name `{name}` is reserved on {} `{}`: {}",
                    m.kind,
                    m.name,
                    why.reason()
                ),
            )
            .label("reserved label name")
            .help("choose another name for the label");
            cx.report_metric(m, d);
        }
    }
}
