//! `label-lifecycle-order`: a label's `since`, `deprecated` and `removed` out of order, or
//! the label added before its metric.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "label-lifecycle-order",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A label's `since`, `deprecated` and `removed` are out of order, or the label is older than its metric.",
    explanation: "\
A label written as a table in a metric's `labels` (`{ name = \"engine\", since = \"0.8.3\" }`) \
records when the metric's series gained it (`since`), when it was `deprecated`, and when \
they lost it (`removed`). These must come in that order (`since` <= `deprecated` < \
`removed`; equal `since` and `removed` would mean the label never existed), and a label \
cannot be added before the metric itself appeared (the metric's `since`): write the label as \
a plain name if it has always been there.",
    bad: r#"[labels.engine]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests running."
since = "0.9"
labels = [{ name = "engine", since = "0.8.3" }]
"#,
    good: r#"[labels.engine]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests running."
since = "0.4"
labels = [{ name = "engine", since = "0.8.3" }]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        for (label, h) in &m.label_history {
            let mut found = Vec::new();
            let (since, deprecated, removed) = (&h.since, &h.deprecated, &h.removed);
            if let (Some(s), Some(d)) = (since, deprecated)
                && d < s
            {
                found.push((
                    "deprecated",
                    format!(
                        "label `{label}` of `{}` is deprecated in {d}, before it was added in {s}",
                        m.name
                    ),
                ));
            }
            if let Some(r) = removed {
                if let Some(s) = since.as_ref().filter(|s| r <= *s) {
                    found.push((
                        "removed",
                        format!("label `{label}` of `{}` is removed in {r}, not after it was added in {s}", m.name),
                    ));
                } else if let Some(d) = deprecated.as_ref().filter(|d| r < *d) {
                    found.push((
                        "removed",
                        format!("label `{label}` of `{}` is removed in {r}, before it was deprecated in {d}", m.name),
                    ));
                }
            }
            if let (Some(s), Some(metric_since)) = (since, &m.since)
                && s < metric_since
            {
                found.push((
                    "since",
                    format!(
                        "label `{label}` of `{}` is added in {s}, before the metric itself ({metric_since})",
                        m.name
                    ),
                ));
            }
            for (key, message) in found {
                let at = h.keys.key(key).unwrap_or(h.span);
                let d = Diagnostic::new(&RULE, at, message)
                    .label("out of order")
                    .help("label history reads since <= deprecated < removed, within the metric's own history; a label that has always been there is written as a plain name");
                cx.report_metric(m, d);
            }
        }
    }
}
