//! `invalid-rule`: an `[[alert]]` or `[[record]]` that Prometheus would refuse or that
//! contradicts itself.

use crate::catalogue::{RuleRef, is_valid_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};
use crate::promql::{is_duration, is_metric_name};

pub(crate) static RULE: Rule = Rule {
    id: "invalid-rule",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "An `[[alert]]` or `[[record]]` has an invalid name, `for` duration, label or annotation.",
    explanation: "\
`schema alerts` turns the catalogue's rules into a Prometheus rule file, which Prometheus \
refuses when a recording rule's `name` is not a metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`), \
a `for` is not a duration (`30s`, `5m`, `1h30m`), or a label or annotation name is not a \
label name. The rule also finds what Prometheus would accept but the catalogue cannot \
mean: an empty alert name, summary or group; a recorded name that is already a metric's \
exposed name; `severity`, `summary` or `description` given twice (as a key and inside \
`labels` or `annotations`).",
    bad: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."

[[record]]
name = "queue-depth:max"
expr = "max(queue_depth)"

[[alert]]
name = "QueueBacklog"
expr = "max(queue_depth) > 100"
for = "5 minutes"
summary = "Requests pile up in the queue."
"#,
    good: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."

[[record]]
name = "queue_depth:max"
expr = "max(queue_depth)"

[[alert]]
name = "QueueBacklog"
expr = "max(queue_depth) > 100"
for = "5m"
summary = "Requests pile up in the queue."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    if cx.cat.alerts.is_empty() && cx.cat.records.is_empty() {
        return;
    }
    for rule in cx.cat.complete_rules() {
        let keys = rule.keys();
        let table = rule.table();
        let name_key = keys.key("name").unwrap_or(rule.header());
        match rule {
            RuleRef::Record(r) => {
                if !is_metric_name(&r.name) {
                    cx.report(
                        Diagnostic::new(
                            &RULE,
                            name_key,
                            format!("recording rule name `{}` is not a metric name", r.name),
                        )
                        .label("not `[a-zA-Z_:][a-zA-Z0-9_:]*`")
                        .help("recorded series are named `level:metric:operations`, e.g. `job:requests:rate5m`"),
                    );
                } else if let crate::refs::Target::Sample { metric, .. }
                | crate::refs::Target::Family(metric) = cx.resolver().resolve(&r.name)
                {
                    let mut d = Diagnostic::new(
                        &RULE,
                        name_key,
                        format!(
                            "recording rule name `{}` is an exposed name of metric `{}`",
                            r.name, metric.name
                        ),
                    )
                    .label("already a metric's name")
                    .help("record under a name of the form `level:metric:operations`");
                    if let Some(key) = metric.keys.key("name") {
                        d = d.note(key, "the metric");
                    }
                    cx.report(d);
                }
            }
            RuleRef::Alert(a) => {
                for (key, value) in [("name", Some(&a.name)), ("summary", Some(&a.summary))] {
                    if value.is_some_and(|v| v.trim().is_empty())
                        && let Some(span) = keys.key(key)
                    {
                        cx.report(
                            Diagnostic::new(&RULE, span, format!("`{key}` of an alert is empty"))
                                .label("empty")
                                .help(format!("write the alert's `{key}`")),
                        );
                    }
                }
                if let (Some(for_), Some(span)) = (&a.for_, keys.key("for"))
                    && !is_duration(for_)
                {
                    cx.report(
                        Diagnostic::new(
                            &RULE,
                            span,
                            format!("`for = {for_:?}` is not a Prometheus duration"),
                        )
                        .label("not a duration")
                        .help("write a number with a unit: `30s`, `5m`, `1h30m` (units y, w, d, h, m, s, ms, largest first)"),
                    );
                }
                for (own, entries, table_key) in [
                    ("severity", &a.labels, "labels"),
                    ("summary", &a.annotations, "annotations"),
                    ("description", &a.annotations, "annotations"),
                ] {
                    if let (Some(own_key), Some(entry)) =
                        (keys.key(own), entries.iter().find(|e| e.name == own))
                    {
                        cx.report(
                            Diagnostic::new(
                                &RULE,
                                entry.key,
                                format!("`{own}` is given twice: as a key and in `{table_key}`"),
                            )
                            .label("second definition")
                            .note(own_key, "first given here")
                            .help(format!("keep only the `{own}` key")),
                        );
                    }
                }
                for entry in &a.annotations {
                    check_label_name(cx, &entry.name, entry.key, table, "annotation");
                }
            }
        }
        for entry in rule.labels() {
            check_label_name(cx, &entry.name, entry.key, table, "label");
        }
        if let (Some(group), Some(span)) = (rule.group(), keys.key("group"))
            && group.trim().is_empty()
        {
            cx.report(
                Diagnostic::new(&RULE, span, format!("`group` of a {table} is empty"))
                    .label("empty")
                    .help("name the rule group, or leave `group` out to use the default group"),
            );
        }
    }
}

fn check_label_name(
    cx: &mut Context<'_>,
    name: &str,
    span: crate::source::Span,
    table: &str,
    what: &str,
) {
    if is_valid_name(name) && !name.starts_with("__") {
        return;
    }
    cx.report(
        Diagnostic::new(
            &RULE,
            span,
            format!("{what} name `{name}` in {table} is not a valid label name"),
        )
        .label("not a label name")
        .help(
            "label and annotation names match `[a-zA-Z_][a-zA-Z0-9_]*` and do not start with `__`",
        ),
    );
}
