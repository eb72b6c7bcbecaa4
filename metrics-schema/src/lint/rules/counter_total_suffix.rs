//! `counter-total-suffix`: a counter whose name ends in `_total`.

use crate::catalogue::MetricKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "counter-total-suffix",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A counter's name ends in `_total`, which the exposition adds.",
    explanation: "\
Counters are declared without `_total`: the exposition adds it to the sample name \
(`request_success` is exposed as `request_success_total`), as OpenMetrics requires. A \
counter named `x_total` is exposed as `x_total_total`.",
    bad: r#"[[metric]]
name = "requests_total"
type = "counter"
help = "Requests received."
"#,
    good: r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests received."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.kind == MetricKind::Counter
            && let (Some(base), Some(key)) = (m.name.strip_suffix("_total"), m.keys.key("name"))
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!(
                    "counter `{}` ends in `_total`; it is exposed as `{}_total`",
                    m.name, m.full_name
                ),
            )
            .label("`_total` is added on exposition")
            .help(format!("name it `{base}`"));
            cx.report_metric(m, d);
        }
    }
}
