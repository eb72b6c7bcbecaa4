//! `reserved-suffix`: a name ending in a suffix the exposition generates.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::exposition::{CREATED_SUFFIX, SAMPLE_SUFFIXES};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "reserved-suffix",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A name ends in `_bucket`, `_count`, `_sum`, `_info` or `_created`.",
    explanation: "\
The exposition generates these suffixes: `_bucket`, `_sum` and `_count` for histograms, \
`_info` for info metrics, `_created` for creation timestamps. A metric whose own name ends in \
one is easily mistaken for a part of another metric, and may collide with one.",
    bad: r#"[[metric]]
name = "requests_count"
type = "gauge"
help = "Requests being processed."
"#,
    good: r#"[[metric]]
name = "requests_running"
type = "gauge"
help = "Requests being processed."
"#,
    check: Check::Model(check),
};

/// The generated suffixes, but `_total`, which has rules of its own
/// (`counter-total-suffix`, `non-counter-total-suffix`).
fn suffixes() -> impl Iterator<Item = &'static str> {
    SAMPLE_SUFFIXES
        .into_iter()
        .filter(|s| *s != "_total")
        .chain([CREATED_SUFFIX])
}

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let Some(suffix) = suffixes().find(|s| m.name.ends_with(*s)) else {
            continue;
        };
        if let Some(key) = m.keys.key("name") {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!(
                    "metric `{}` ends in `{suffix}`, a suffix the exposition generates",
                    m.name
                ),
            )
            .label("reserved suffix")
            .help("choose a name that does not end in a generated suffix");
            cx.report_metric(m, d);
        }
    }
}
