//! `missing-label-reference`: PromQL matches on a label the metric's series do not carry at
//! the version (added later, or already removed).

use crate::catalogue::{LabelHistory, Metric};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Version;
use crate::lint::{Check, Pass, Rule, RuleKind};
use crate::promql::Located;

pub(crate) static RULE: Rule = Rule {
    id: "missing-label-reference",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A PromQL selector requires a label the metric does not have at the evaluated version.",
    explanation: "\
A label with a history (`{ name = \"engine\", since = \"0.8.3\" }` in the metric's `labels`) \
is on the metric's series only from its `since` and until its `removed`. A selector that \
requires it (`{engine=\"0\"}`, `{engine=~\".+\"}`: a matcher the empty value does not \
satisfy) selects nothing on servers running a release without the label, so an alert stays \
silent and a panel blank. Matchers the empty value satisfies (`engine=\"\"`, \
`engine!=\"1\"`, `engine=~\".*\"`) are not reported, nor is grouping (`by (engine)`). It \
runs only when the version is known.",
    bad: r#"[catalogue]
version = "0.8.0"

[labels.engine]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests running."
labels = [{ name = "engine", since = "0.8.3" }]

[[alert]]
name = "Busy"
expr = 'num_requests_running{engine="0"} > 100'
summary = "Engine 0 is busy."
"#,
    good: r#"[catalogue]
version = "0.8.3"

[labels.engine]
max_values = 8

[[metric]]
name = "num_requests_running"
type = "gauge"
help = "Requests running."
labels = [{ name = "engine", since = "0.8.3" }]

[[alert]]
name = "Busy"
expr = 'num_requests_running{engine="0"} > 100'
summary = "Engine 0 is busy."
"#,
    check: Check::Pass(Pass::References),
};

/// Label `label` of metric `m`, required by a selector, absent at `at` by its history `h`.
pub(crate) fn diagnostic(
    label: &Located,
    m: &Metric,
    h: &LabelHistory,
    at: &Version,
) -> Diagnostic {
    let name = &label.name;
    let (why, help) = match (&h.since, &h.removed) {
        (Some(since), _) if at.release() < *since => (
            format!("added in {since}"),
            format!(
                "the selector works from {since} on; drop the `{name}` matcher for older releases, or check the version"
            ),
        ),
        (_, Some(removed)) => (
            format!("removed in {removed}"),
            format!("series no longer carry `{name}` from {removed}: drop the matcher"),
        ),
        _ => (
            "not present".to_owned(),
            "check the label's history".to_owned(),
        ),
    };
    Diagnostic::new(
        &RULE,
        label.span,
        format!(
            "`{}` has no label `{name}` at {at} ({why}): this selector matches nothing",
            m.full_name
        ),
    )
    .label(why)
    .help(help)
    .metric(&m.full_name)
}
