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
expressions of rule files and dashboards given to `schema check-refs`.",
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
    Diagnostic::new(
        &RULE,
        span,
        format!("invalid PromQL: {}", error.message),
    )
    .label("not a PromQL expression")
    .help("check parentheses, braces and quotes; `promtool check rules` or the Prometheus UI show the exact place")
}
