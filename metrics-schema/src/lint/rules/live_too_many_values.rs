//! `live-too-many-values`: an open label has more distinct values than its `max_values`.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-too-many-values",
    severity: Severity::Warning,
    kind: RuleKind::Live,
    summary: "An open label carries more distinct values in one family than its `max_values`.",
    explanation: "\
`max_values` bounds an open label's cardinality; the runtime sends values beyond it to an \
overflow series (value `__overflow__`, not counted here). More distinct values in a scrape \
mean the program does not enforce the bound, or the bound is too small for real traffic.",
    bad: r#"[labels.model_name]
max_values = 2

[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."
labels = ["model_name"]

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{model_name="a"} 1
app_requests_total{model_name="b"} 1
app_requests_total{model_name="c"} 1
"#,
    good: r#"[labels.model_name]
max_values = 2

[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."
labels = ["model_name"]

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{model_name="a"} 1
app_requests_total{model_name="b"} 1
app_requests_total{model_name="__overflow__"} 1
"#,
    check: Check::Live,
};
