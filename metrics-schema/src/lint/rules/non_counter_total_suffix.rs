//! `non-counter-total-suffix`: a metric that is not a counter with a name ending in `_total`.

use crate::catalogue::MetricKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "non-counter-total-suffix",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A metric that is not a counter has a name ending in `_total`.",
    explanation: "\
`_total` marks counter samples; tools and people read a `_total` series as a monotonic count \
and apply `rate()` to it. A gauge or histogram named `..._total` invites wrong queries.",
    bad: r#"[[metric]]
name = "tokens_total"
type = "gauge"
help = "Tokens in the batch."
"#,
    good: r#"[[metric]]
name = "batch_tokens"
type = "gauge"
help = "Tokens in the batch."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.kind != MetricKind::Counter
            && m.name.ends_with("_total")
            && let Some(key) = m.keys.key("name")
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("{} `{}` ends in `_total`, a counter suffix", m.kind, m.name),
            )
            .label("counter suffix on a non-counter")
            .help("drop `_total` from the name, or make the metric a counter");
            cx.report_metric(m, d);
        }
    }
}
