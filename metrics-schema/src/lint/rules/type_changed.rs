//! `type-changed`: a metric's type changed since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::catalogue::Metric;
use crate::compat::{Context, at_key};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "type-changed",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric's type changed since the previous release.",
    explanation: "\
Changing a metric's type changes its exposed series (`_total`, `_bucket`...) and the \
queries that read them. Introduce a metric with a new name and deprecate the old one instead. \
Compared with the previous release's catalogue (`--baseline`); a warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "num_preemptions"
type = "gauge"
help = "Cumulative number of preemptions."
stability = "stable"

# this release
[[metric]]
name = "num_preemptions"
type = "counter"
help = "Cumulative number of preemptions."
stability = "stable"
"#,
    good: r#"# previous release
[[metric]]
name = "num_preemptions"
type = "gauge"
help = "Cumulative number of preemptions."
stability = "stable"

# this release: a counter under a new name, the gauge deprecated
[[metric]]
name = "num_preemptions"
type = "gauge"
help = "Cumulative number of preemptions."
stability = "stable"
deprecated = "0.11"
replaced_by = "preemptions"

[[metric]]
name = "preemptions"
type = "counter"
help = "Number of preemptions."
stability = "stable"
"#,
    check: Check::Baseline(check),
};

fn check(cx: &mut Context<'_>, o: &Metric, n: Option<&Metric>) {
    let Some(n) = n else {
        return;
    };
    if o.kind == n.kind {
        return;
    }
    let rule = &RULE;
    let d = Diagnostic::new(
        rule,
        at_key(n, "type"),
        format!(
            "the type of {} metric `{}` changed from {} to {}",
            o.stability, n.full_name, o.kind, n.kind
        ),
    )
    .label(format!("was {}", o.kind))
    .help(format!(
        "add a {} under a new name and deprecate `{}` with `replaced_by`",
        n.kind, n.name
    ));
    cx.report(rule, o, n, d);
}
