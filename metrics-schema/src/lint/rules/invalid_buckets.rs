//! `invalid-buckets`: bucket bounds that are empty, not strictly increasing, NaN, or a
//! generator with bad parameters.

use crate::catalogue::BucketsRef;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "invalid-buckets",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "Bucket bounds are empty, not strictly increasing or NaN, or a generator's parameters are out of range.",
    explanation: "\
Bucket bounds are upper bounds: at least one, strictly increasing, integers or floats. `+inf` \
may appear only as the last bound (it is always implied); NaN and `-inf` are refused. \
Generators need `count` between 1 and 10,000; an exponential generator `start > 0` and \
`factor > 1`, a linear one `width > 0`; the generated bounds must stay finite. The set name \
`runtime` is reserved for `buckets = \"runtime\"`. A bad named set is reported at its key \
under `[buckets]`, a bad inline value at the metric's `buckets` key.",
    bad: r#"[buckets]
latency = [0.1, 1.0, 0.5]

[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = "latency"
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
        if set.name == "runtime" {
            cx.report(
                Diagnostic::new(&RULE, set.key, "bucket set name `runtime` is reserved")
                    .label("reserved name")
                    .help(
                        "`buckets = \"runtime\"` means bounds given at run time; rename this set",
                    ),
            );
        } else if let Err(error) = set.spec.bounds() {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    set.key,
                    format!("bucket set `{}`: {error}", set.name),
                )
                .label("invalid bounds")
                .note(set.value, "these bounds"),
            );
        }
    }
    for m in cx.metrics() {
        if let (Some(BucketsRef::Inline(spec)), Some(key)) = (&m.buckets_ref, m.keys.key("buckets"))
            && let Err(error) = spec.bounds()
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("buckets of metric `{}`: {error}", m.name),
            )
            .label("invalid bounds");
            cx.report_metric(m, d);
        }
    }
}
