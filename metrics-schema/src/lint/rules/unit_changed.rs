//! `unit-changed`: a metric's unit changed since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::catalogue::Metric;
use crate::compat::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unit-changed",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric's unit changed since the previous release.",
    explanation: "\
The unit is metadata that tools read (OpenMetrics' `# UNIT` line) to label axes and \
convert values, and alerts are written in it. Since it must also end the name, a released \
metric's unit changes only by dropping or re-scoping the declaration: introduce a metric \
named with the new unit and deprecate the old one instead. Declaring a unit on a metric that \
had none is allowed. Compared with the previous release's catalogue (`--baseline`); a \
warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
unit = "seconds"
buckets = "runtime"

# this release: the unit is no longer declared
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = "runtime"
"#,
    good: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
unit = "seconds"
buckets = "runtime"

# this release: unit unchanged
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
unit = "seconds"
buckets = "runtime"
"#,
    check: Check::Baseline(check),
};

fn check(cx: &mut Context<'_>, o: &Metric, n: Option<&Metric>) {
    let Some(n) = n else {
        return;
    };
    let Some(before) = &o.unit else {
        // Declaring the unit the name already carries changes no series.
        return;
    };
    if n.unit.as_ref() == Some(before) {
        return;
    }
    let rule = &RULE;
    let (message, label) = match &n.unit {
        Some(after) => (
            format!(
                "the unit of {} metric `{}` changed from `{before}` to `{after}`",
                o.stability, n.full_name
            ),
            format!("was `{before}`"),
        ),
        None => (
            format!(
                "{} metric `{}` no longer declares its unit `{before}`",
                o.stability, n.full_name
            ),
            format!("unit `{before}` dropped"),
        ),
    };
    let span = n.keys.value("unit").unwrap_or(n.header);
    let d = Diagnostic::new(rule, span, message)
        .label(label)
        .help(format!(
            "keep `unit = \"{before}\"`, or introduce a metric named with the new unit and deprecate `{}`",
            n.name
        ));
    cx.report(rule, o, n, d);
}
