//! `unit-not-allowed`: a `unit` on a metric type that takes none (info).

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::exposition::UnitError;
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unit-not-allowed",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric of a type that takes no unit (info) has a `unit`.",
    explanation: "\
An info metric's value is always 1: its information is in its labels, and OpenMetrics \
forbids a `# UNIT` on an `info` family. The runtime refuses to build such a metric, so the \
program would fail at start-up.",
    bad: r#"[labels.version]
max_values = 1

[[metric]]
name = "build_seconds"
type = "info"
unit = "seconds"
help = "Build information."
labels = ["version"]
"#,
    good: r#"[labels.version]
max_values = 1

[[metric]]
name = "build"
type = "info"
help = "Build information."
labels = ["version"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let (Some(unit), Some(key)) = (&m.unit, m.keys.key("unit")) else {
            continue;
        };
        if let Err(UnitError::NotTaken(kind)) = m.kind.check_unit(&m.name, unit) {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("{kind} metric `{}` has unit `{unit}`", m.name),
            )
            .label(format!("{kind} metrics take no unit"))
            .help("remove `unit`");
            cx.report_metric(m, d);
        }
    }
}
