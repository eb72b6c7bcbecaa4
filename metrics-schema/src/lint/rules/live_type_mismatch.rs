//! `live-type-mismatch`: a scraped family's type differs from the catalogue's.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-type-mismatch",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A running program exposes a metric with another type than the catalogue's.",
    explanation: "\
Queries depend on the type: `rate()` needs a counter, `histogram_quantile()` a histogram. \
The expected `# TYPE` follows the exposition format: in the text format 0.0.4 a counter is \
the family `<name>_total` and an info metric the gauge `<name>_info`; in OpenMetrics they are \
`counter` and `info` families named `<name>`. A sample without `# TYPE` is untyped and does \
not match either.",
    bad: r#"[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total gauge
app_requests_total 12
"#,
    good: r#"[[metric]]
name = "app_requests"
type = "counter"
help = "Requests served."

# scrape:
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total 12
"#,
    check: Check::Live,
};
