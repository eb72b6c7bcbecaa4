//! `live-labels-mismatch`: a scraped sample's label names differ from the catalogue's.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-labels-mismatch",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A running program exposes a metric with other label names than the catalogue's.",
    explanation: "\
A renamed, added or dropped label breaks every query that groups or filters by it. The \
check compares each sample's label names (without a histogram's `le`) with the metric's \
`labels`, and reports each family once, at its first differing sample.",
    bad: r#"[labels.model_name]
max_values = 8

[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."
labels = ["model_name"]

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{model="m1"} 12
"#,
    good: r#"[labels.model_name]
max_values = 8

[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."
labels = ["model_name"]

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{model_name="m1"} 12
"#,
    check: Check::Live,
};
