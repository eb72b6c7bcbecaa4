//! `unit-mismatch`: a metric's `unit` is not the suffix of its name.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::exposition::UnitError;
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unit-mismatch",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric's `unit` is not the suffix of its name.",
    explanation: "\
OpenMetrics requires a metric with a unit to end its name with that unit \
(`request_latency_seconds` has unit `seconds`), so that the unit is visible in every query. \
For a counter the suffix comes before the `_total` the exposition adds, so the local name \
ends with the unit. The unit itself is a name part: letters, digits and `_`.",
    bad: r#"[[metric]]
name = "request_latency"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = "runtime"
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
        let (Some(unit), Some(key)) = (&m.unit, m.keys.key("unit")) else {
            continue;
        };
        // The local name carries the unit (a counter's before the `_total` the
        // exposition adds). Types without units are `unit-not-allowed`.
        let message = match m.kind.check_unit(&m.name, unit) {
            Ok(()) | Err(UnitError::NotTaken(_)) => continue,
            Err(UnitError::Invalid) => format!(
                "unit {unit:?} of metric `{}` is not a valid name part",
                m.name
            ),
            Err(UnitError::NotSuffix) => format!(
                "metric `{}` has unit `{unit}` but its name does not end in `_{unit}`",
                m.name
            ),
        };
        let d = Diagnostic::new(&RULE, key, message)
            .label("not the name's suffix")
            .help(format!(
                "rename the metric to `{}_{unit}`, or remove `unit`",
                m.name
            ));
        cx.report_metric(m, d);
    }
}
