//! `live-unknown-metric`: a scraped family in the catalogue's namespace that the catalogue
//! does not declare.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-unknown-metric",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A running program exposes a metric in the catalogue's namespace that the catalogue does not declare.",
    explanation: "\
The catalogue is the single source of truth: a metric the program exposes but the catalogue \
does not know has no documentation, no lifecycle and no review. Declare it (`schema import` \
drafts an entry from a scrape), or, when other code in the process exposes it (a language \
runtime's collector), list it under `external` in `[catalogue]`. Names outside the \
namespace are not checked; without a namespace every name is. The diagnostic suggests the \
closest catalogue name.",
    bad: r#"[catalogue]
namespace = "app"
version = "1.2.0"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total 12
# HELP app_queue_depth Requests waiting.
# TYPE app_queue_depth gauge
app_queue_depth 3
"#,
    good: r#"[catalogue]
namespace = "app"
version = "1.2.0"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total 12
# HELP app_queue_depth Requests waiting.
# TYPE app_queue_depth gauge
app_queue_depth 3
"#,
    check: Check::Live,
};
