//! `live-buckets-mismatch`: a scraped histogram's bucket bounds differ from the catalogue's.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-buckets-mismatch",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A running program exposes a histogram with other bucket bounds than the catalogue's.",
    explanation: "\
Bucket bounds decide what quantiles and SLO ratios can be computed, and series with \
different bounds cannot be aggregated. The `le` values of the family's buckets (without \
`+Inf`) are compared as numbers with the catalogue's bounds; histograms with `buckets = \
\"runtime\"` are not checked.",
    bad: r#"[[metric]]
name = "app_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = [0.1, 0.5, 1.0]

# scrape:
# HELP app_latency_seconds Request latency.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{le="0.1"} 1
app_latency_seconds_bucket{le="0.25"} 2
app_latency_seconds_bucket{le="1"} 3
app_latency_seconds_bucket{le="+Inf"} 3
app_latency_seconds_sum 1.2
app_latency_seconds_count 3
"#,
    good: r#"[[metric]]
name = "app_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = [0.1, 0.5, 1.0]

# scrape:
# HELP app_latency_seconds Request latency.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{le="0.1"} 1
app_latency_seconds_bucket{le="0.5"} 2
app_latency_seconds_bucket{le="1"} 3
app_latency_seconds_bucket{le="+Inf"} 3
app_latency_seconds_sum 1.2
app_latency_seconds_count 3
"#,
    check: Check::Live,
};
