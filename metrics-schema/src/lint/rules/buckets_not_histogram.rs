//! `buckets-not-histogram`: `buckets` on a metric that is not a histogram.

use crate::catalogue::MetricKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "buckets-not-histogram",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric that is not a histogram has `buckets`.",
    explanation: "\
Only histograms have buckets. `buckets` on a counter, gauge or info metric is either a \
leftover from a type change or a metric that should be a histogram.",
    bad: r#"[[metric]]
name = "request_latency_seconds"
type = "gauge"
unit = "seconds"
help = "Request latency."
buckets = [0.1, 0.5, 1.0]
"#,
    good: r#"[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = [0.1, 0.5, 1.0]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.kind != MetricKind::Histogram
            && let Some(key) = m.keys.key("buckets")
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!(
                    "{} `{}` has buckets, but only histograms do",
                    m.kind, m.name
                ),
            )
            .label("buckets on a non-histogram")
            .help("remove `buckets`, or make the metric a histogram");
            cx.report_metric(m, d);
        }
    }
}
