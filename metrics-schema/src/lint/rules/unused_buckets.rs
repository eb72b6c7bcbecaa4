//! `unused-buckets`: a bucket set no metric uses.

use crate::catalogue::BucketsRef;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unused-buckets",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A bucket set is defined under `[buckets]` but no metric uses it.",
    explanation: "\
An unused bucket set is usually a leftover or a typo in a histogram's `buckets`. Reported at \
its key under `[buckets]`.",
    bad: r#"[buckets]
latency = [0.1, 0.5, 1.0]

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
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
    for set in &cx.cat.bucket_sets {
        let used =
            cx.cat.metrics.iter().any(
                |m| matches!(&m.buckets_ref, Some(BucketsRef::Set(name)) if *name == set.name),
            );
        if !used {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    set.key,
                    format!("bucket set `{}` is not used by any metric", set.name),
                )
                .label("unused bucket set")
                .help("remove it, or use it in a histogram's `buckets`"),
            );
        }
    }
}
