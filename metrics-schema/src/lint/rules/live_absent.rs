//! `live-absent`: a metric exposed at the version is absent from the scrape (a note).

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-absent",
    severity: Severity::Note,
    kind: RuleKind::Live,
    summary: "A metric the program should expose at the version is absent from the scrape.",
    explanation: "\
Only a note, never a failure: a family with labels has no series until its first \
observation, so a program that has not served a request yet legitimately lacks many \
metrics. Scrape after some traffic to see them. A metric that stays absent may have been \
dropped from the program without being deprecated in the catalogue. The note points at \
the catalogue entry.",
    bad: r#"[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."

[[metric]]
name = "app_queue_depth"
type = "gauge"
help = "Requests waiting."

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total 12
"#,
    good: r#"[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."

[[metric]]
name = "app_queue_depth"
type = "gauge"
help = "Requests waiting."

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total 12
# HELP app_queue_depth Requests waiting.
# TYPE app_queue_depth gauge
app_queue_depth 0
"#,
    check: Check::Live,
};
