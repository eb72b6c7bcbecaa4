//! `high-cardinality`: a metric whose worst-case series count is above the threshold.

use crate::catalogue::Cardinality;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "high-cardinality",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A metric's worst-case number of series is above the threshold (10,000 by default).",
    explanation: "\
Every combination of label values is a separate series in Prometheus, and a histogram \
multiplies that by its buckets. The worst case of a metric is the product of its labels' \
cardinalities (the number of `values` of a closed label, `max_values` of an open one), times \
`bounds + 3` for a histogram (the `+Inf` bucket, `_sum` and `_count`). The count saturates \
instead of overflowing. An unbounded open label counts as one value and run-time buckets as \
none, so the count is then a lower bound (`unbounded-label` reports those labels). The rule \
fires when the count exceeds the threshold, 10,000 by default \
(`Options::high_cardinality_threshold` in the library).",
    bad: r#"[labels.model_name]
max_values = 100
[labels.tenant]
max_values = 1000

[[metric]]
name = "request_success"
type = "counter"
help = "Successful requests."
labels = ["model_name", "tenant"]
"#,
    good: r#"[labels.model_name]
max_values = 100

[[metric]]
name = "request_success"
type = "counter"
help = "Successful requests."
labels = ["model_name"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let threshold = cx.options.high_cardinality_threshold;
    for m in cx.metrics() {
        let series = m.worst_case_series();
        if series.count() <= threshold {
            continue;
        }
        let Some(key) = m
            .keys
            .key("labels")
            .or_else(|| m.keys.key("buckets"))
            .or(Some(m.header))
        else {
            continue;
        };
        let count = match series {
            // Saturated: the true count does not fit in 64 bits.
            _ if series.count() == u64::MAX => "more than 18 quintillion".to_owned(),
            Cardinality::Exact(n) => format!("up to {n}"),
            Cardinality::AtLeast(n) => format!("at least {n}"),
        };
        let d = Diagnostic::new(
            &RULE,
            key,
            format!(
                "metric `{}` can produce {count} series, above the threshold of {threshold}",
                m.name
            ),
        )
        .label("labels multiply series")
        .help("drop a label, lower `max_values`, or use fewer buckets");
        cx.report_metric(m, d);
    }
}
