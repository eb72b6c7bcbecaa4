//! `invalid-promql`: a rule's `expr` is not valid PromQL.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Pass, Rule, RuleKind};
use crate::promql::InvalidPromql;
use crate::source::Span;

pub(crate) static RULE: Rule = Rule {
    id: "invalid-promql",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "An `expr` of an `[[alert]]` or `[[record]]` is not valid PromQL.",
    explanation: "\
Alerting and recording rules hold PromQL expressions. They are parsed with a real PromQL \
parser when the catalogue is read, so that a typo fails `schema lint` instead of the \
Prometheus server that loads the generated rule file. The same check runs on the \
expressions of rule files and dashboards given to `schema check-refs`.

An expression is also refused when it is larger than any hand-written rule needs: longer \
than 16 KiB, with more than 1,000 operators, or nesting parentheses, brackets and braces \
more than 128 deep. The PromQL parser's time grows with the square of the number of \
operators, so these limits keep every check fast.",
    bad: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."

[[alert]]
name = "QueueBacklog"
expr = "max(queue_depth > 100"
summary = "Requests pile up in the queue."
"#,
    good: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."

[[alert]]
name = "QueueBacklog"
expr = "max(queue_depth) > 100"
summary = "Requests pile up in the queue."
"#,
    check: Check::Pass(Pass::References),
};

/// The diagnostic for the expression at `span`.
pub(crate) fn diagnostic(span: Span, error: &InvalidPromql) -> Diagnostic {
    if error.too_large {
        return Diagnostic::new(
            &RULE,
            span,
            format!("PromQL expression too large: {}", error.message),
        )
        .label("too large to check")
        .help("split the expression with recording rules, or shorten it");
    }
    Diagnostic::new(
        &RULE,
        span,
        format!("invalid PromQL: {}", error.message),
    )
    .label("not a PromQL expression")
    .help("check parentheses, braces and quotes; `promtool check rules` or the Prometheus UI show the exact place")
}
