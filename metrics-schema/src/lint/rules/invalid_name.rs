//! `invalid-name`: a metric, label or namespace name outside `[a-zA-Z_][a-zA-Z0-9_]*`.

use crate::catalogue::is_valid_name;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "invalid-name",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric, label or namespace name does not match `[a-zA-Z_][a-zA-Z0-9_]*`.",
    explanation: "\
Names become Prometheus metric and label names and Rust identifiers, so they are limited to \
ASCII letters, digits and underscores, and do not start with a digit. The namespace is \
joined to metric names by the separator, so it follows the same rule; colons come only from \
`separator = \":\"`. (Label names starting with `__` are reported by `reserved-label`.) Rust \
keywords and camelCase are valid names (camelCase only warns).",
    bad: r#"[[metric]]
name = "e2e-latency"
type = "gauge"
help = "Latency of the last request."
"#,
    good: r#"[[metric]]
name = "e2e_latency_seconds"
type = "gauge"
help = "Latency of the last request."
"#,
    check: Check::Model(check),
};

/// A suggestion: the name with every invalid character replaced by `_`.
fn fixed(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

fn check(cx: &mut Context<'_>) {
    if let (Some(ns), Some(key)) = (&cx.cat.namespace, cx.cat.keys.key("namespace"))
        && !is_valid_name(ns)
    {
        cx.report(
            Diagnostic::new(&RULE, key, format!("invalid namespace {ns:?}"))
                .label("not a valid name")
                .help(format!(
                    "use letters, digits and `_`, not starting with a digit, e.g. `{}`",
                    fixed(ns)
                )),
        );
    }
    for m in cx.metrics() {
        if !is_valid_name(&m.name)
            && let Some(key) = m.keys.key("name")
        {
            let d = Diagnostic::new(&RULE, key, format!("invalid metric name {:?}", m.name))
                .label("not a valid name")
                .help(format!(
                    "use letters, digits and `_`, not starting with a digit, e.g. `{}`",
                    fixed(&m.name)
                ));
            cx.report_metric(m, d);
        }
    }
    for label in &cx.cat.labels {
        if !is_valid_name(&label.name) {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    label.header,
                    format!("invalid label name {:?}", label.name),
                )
                .label("not a valid name")
                .help(format!(
                    "use letters, digits and `_`, not starting with a digit, e.g. `{}`",
                    fixed(&label.name)
                )),
            );
        }
    }
}
