//! `undefined-buckets`: a metric names a bucket set that does not exist.

use crate::catalogue::BucketsRef;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};
use crate::suggest::did_you_mean;

pub(crate) static RULE: Rule = Rule {
    id: "undefined-buckets",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric's `buckets` names a set that is not defined under `[buckets]`.",
    explanation: "\
A histogram's `buckets` is the name of a set under `[buckets]`, an inline array or generator, \
or `\"runtime\"` (bounds given when the registry is built). Any other string must name a \
defined set.",
    bad: r#"[buckets]
latency = [0.1, 0.5, 1.0]

[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = "latencies"
"#,
    good: r#"[buckets]
latency = [0.1, 0.5, 1.0]

[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = "latency"
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let sets: Vec<&str> = cx.cat.bucket_sets.iter().map(|s| s.name.as_str()).collect();
    for m in cx.metrics() {
        let (Some(BucketsRef::Set(name)), Some(key)) = (&m.buckets_ref, m.keys.key("buckets"))
        else {
            continue;
        };
        if sets.contains(&name.as_str()) || cx.cat.unreadable_sets.contains(name) {
            continue;
        }
        let help = did_you_mean(name, sets.iter().copied().chain(["runtime"]))
            .unwrap_or_else(|| format!("define it under `[buckets]`: `{name} = [0.1, 0.5, 1.0]`"));
        let d = Diagnostic::new(
            &RULE,
            key,
            format!("metric `{}` uses undefined bucket set `{name}`", m.name),
        )
        .label("undefined bucket set")
        .help(help);
        cx.report_metric(m, d);
    }
}
