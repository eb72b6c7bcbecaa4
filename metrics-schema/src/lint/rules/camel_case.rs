//! `camel-case`: upper-case letters in a metric, label or namespace name.

use crate::catalogue::is_valid_name;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "camel-case",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A metric, label or namespace name has upper-case letters.",
    explanation: "\
Prometheus names are snake_case by convention; names are case-sensitive, so `requestCount` and \
`request_count` are different series and easy to mistype in queries. camelCase is valid, so \
this is only a warning. A label is reported at its `[labels.X]` header.",
    bad: r#"[[metric]]
name = "queueDepth"
type = "gauge"
help = "Requests waiting."
"#,
    good: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    check: Check::Model(check),
};

fn has_upper(name: &str) -> bool {
    is_valid_name(name) && name.chars().any(|c| c.is_ascii_uppercase())
}

/// `fooBar` -> `foo_bar`.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn check(cx: &mut Context<'_>) {
    if let (Some(ns), Some(key)) = (&cx.cat.namespace, cx.cat.keys.key("namespace"))
        && has_upper(ns)
    {
        cx.report(
            Diagnostic::new(
                &RULE,
                key,
                format!("namespace `{ns}` has upper-case letters"),
            )
            .label("not snake_case")
            .help(format!("use `{}`", snake(ns))),
        );
    }
    for m in cx.metrics() {
        if has_upper(&m.name)
            && let Some(key) = m.keys.key("name")
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` has upper-case letters", m.name),
            )
            .label("not snake_case")
            .help(format!("name it `{}`", snake(&m.name)));
            cx.report_metric(m, d);
        }
    }
    for label in &cx.cat.labels {
        if has_upper(&label.name) && !label.name.starts_with("__") {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    label.header,
                    format!("label `{}` has upper-case letters", label.name),
                )
                .label("not snake_case")
                .help(format!("name it `{}`", snake(&label.name))),
            );
        }
    }
}
