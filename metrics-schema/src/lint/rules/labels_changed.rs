//! `labels-changed`: a metric's labels changed since the previous release (stable: any change; beta: a label removed).
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::catalogue::{LabelKind, Metric};
use crate::compat::{Context, at_key};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Stability;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "labels-changed",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric's labels changed since the previous release (stable: any change; beta: a label removed).",
    explanation: "\
Queries select and aggregate by labels; removing a label, or a value of a closed label, \
breaks them, and adding a label to a stable metric changes every series' identity. Stable \
metrics keep their labels; beta metrics may gain labels but not lose labels or values. \
Adding values to a closed label is allowed. Compared with the previous release's catalogue \
(`--baseline`); a warning for alpha metrics.",
    bad: r#"# previous release
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name", "engine"]

# this release
[labels.model_name]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name"]
"#,
    good: r#"# previous release
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name", "engine"]

# this release: labels unchanged
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests in execution batches."
stability = "stable"
labels = ["model_name", "engine"]
"#,
    check: Check::Baseline(check),
};

fn check(cx: &mut Context<'_>, o: &Metric, n: Option<&Metric>) {
    let Some(n) = n else {
        return;
    };
    let names = |m: &Metric| -> Vec<String> { m.labels.iter().map(|l| l.name.clone()).collect() };
    let (old_labels, new_labels) = (names(o), names(n));
    let removed: Vec<&String> = old_labels
        .iter()
        .filter(|l| !new_labels.contains(l))
        .collect();
    let added: Vec<&String> = new_labels
        .iter()
        .filter(|l| !old_labels.contains(l))
        .collect();
    // Closed values that queries may select and that are gone.
    let mut lost_values = Vec::new();
    for ol in &o.labels {
        let (LabelKind::Closed { values: before }, Some(nl)) =
            (&ol.kind, n.labels.iter().find(|l| l.name == ol.name))
        else {
            continue;
        };
        if let LabelKind::Closed { values: after } = &nl.kind {
            for v in before.iter().filter(|v| !after.contains(v)) {
                lost_values.push(format!("`{}=\"{v}\"`", ol.name));
            }
        }
    }
    let list = |v: &[&String]| -> String {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut changes = Vec::new();
    if !removed.is_empty() {
        changes.push(format!("removed {}", list(&removed)));
    }
    if !lost_values.is_empty() {
        changes.push(format!("dropped the values {}", lost_values.join(", ")));
    }
    // Beta metrics may gain labels; stable metrics may not.
    if !added.is_empty() && o.stability != Stability::Beta {
        changes.push(format!("added {}", list(&added)));
    }
    if changes.is_empty() {
        return;
    }
    let rule = &RULE;
    let d = Diagnostic::new(
        rule,
        at_key(n, "labels"),
        format!(
            "the labels of {} metric `{}` changed: {}",
            o.stability,
            n.full_name,
            changes.join("; ")
        ),
    )
    .label(format!("was [{}]", old_labels.join(", ")))
    .help(match o.stability {
        Stability::Beta => "a beta metric may gain labels but not lose labels or values; introduce a metric under a new name and deprecate this one".to_owned(),
        _ => format!(
            "keep the labels [{}], or introduce a metric under a new name and deprecate `{}` with `replaced_by`",
            old_labels.join(", "),
            n.name
        ),
    });
    cx.report(rule, o, n, d);
}
