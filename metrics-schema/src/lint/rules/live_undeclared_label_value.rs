//! `live-undeclared-label-value`: a closed label carries a value the catalogue does not
//! list.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-undeclared-label-value",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A closed label carries a value its `values` list does not declare.",
    explanation: "\
A closed label's values are part of the contract: dashboards and alerts enumerate them, \
and generated code cannot produce any other. A value outside the list means the program \
records through another path than the catalogue's, or the list is out of date. Each \
undeclared value is reported once, at its first sample.",
    bad: r#"[labels.finished_reason]
values = ["stop", "length"]

[[metric]]
name = "app_requests"
type = "counter"
help = "Requests finished."
labels = ["finished_reason"]

# scrape:
# HELP app_requests_total Requests finished.
# TYPE app_requests_total counter
app_requests_total{finished_reason="stop"} 10
app_requests_total{finished_reason="abort"} 2
"#,
    good: r#"[labels.finished_reason]
values = ["stop", "length", "abort"]

[[metric]]
name = "app_requests"
type = "counter"
help = "Requests finished."
labels = ["finished_reason"]

# scrape:
# HELP app_requests_total Requests finished.
# TYPE app_requests_total counter
app_requests_total{finished_reason="stop"} 10
app_requests_total{finished_reason="abort"} 2
"#,
    check: Check::Live,
};
