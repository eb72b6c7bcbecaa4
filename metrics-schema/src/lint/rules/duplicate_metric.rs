//! `duplicate-metric`: two metrics with the same full name or colliding exposed names.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "duplicate-metric",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "Two metrics share a full name or an exposed family or sample name.",
    explanation: "\
Every name a metric exposes must be unique: its family name and its samples (`x_total` for a \
counter `x`; `x_bucket`, `x_sum`, `x_count` for a histogram `x`; `x_info` for an info \
metric). So a counter `x` collides with a gauge `x_total`, and a histogram `x` with a gauge \
`x_count`. Removed metrics count too: they stay in the catalogue as history, and their names \
cannot be reused for something else. `_created` series are not emitted and collide with \
nothing. The later metric in the file is reported.",
    bad: r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests received."

[[metric]]
name = "requests_total"
type = "gauge"
help = "Requests received so far."
allow = ["non-counter-total-suffix"]
"#,
    good: r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests received."

[[metric]]
name = "requests_in_flight"
type = "gauge"
help = "Requests being processed."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let metrics: Vec<_> = cx.metrics().collect();
    let mut owners: HashMap<String, usize> = HashMap::with_capacity(metrics.len() * 2);
    for (index, m) in metrics.iter().enumerate() {
        let exposed = m.exposed_names();
        let mut clash = None;
        for name in exposed.all() {
            match owners.get(name) {
                Some(&owner) if clash.is_none() => clash = Some((owner, name.to_owned())),
                Some(_) => {}
                None => {
                    owners.insert(name.to_owned(), index);
                }
            }
        }
        let Some((owner, name)) = clash else {
            continue;
        };
        let (Some(key), first) = (m.keys.key("name"), metrics[owner]) else {
            continue;
        };
        let first_key = first.keys.key("name").unwrap_or(first.header);
        let message = if first.full_name == m.full_name {
            format!("metric `{}` is defined twice", m.full_name)
        } else {
            format!(
                "{} `{}` exposes `{name}`, which {} `{}` also exposes",
                m.kind, m.full_name, first.kind, first.full_name
            )
        };
        let d = Diagnostic::new(&RULE, key, message)
            .label("duplicate name")
            .note(first_key, "first defined here")
            .help("rename one of the metrics; a removed metric's name cannot be reused");
        cx.report_metric(m, d);
    }
}
