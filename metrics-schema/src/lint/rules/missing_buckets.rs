//! `missing-buckets`: a histogram without `buckets`.

use crate::catalogue::MetricKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "missing-buckets",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A histogram has no `buckets`.",
    explanation: "\
Bucket bounds decide what a histogram can tell: default bounds are rarely right for a given \
quantity, so the catalogue asks for them explicitly. Name a set under `[buckets]`, write them \
inline, or write `buckets = \"runtime\"` to supply them when the registry is built. Reported \
at the `[[metric]]` header.",
    bad: r#"[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
"#,
    good: r#"[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = "runtime"
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.kind == MetricKind::Histogram && m.keys.key("buckets").is_none() {
            let d = Diagnostic::new(
                &RULE,
                m.header,
                format!("histogram `{}` has no buckets", m.name),
            )
            .label("histogram without `buckets`")
            .help("add `buckets = \"<set name>\"`, an inline array, or `buckets = \"runtime\"`");
            cx.report_metric(m, d);
        }
    }
}
