//! `replacement-cycle`: metrics that replace each other in a cycle.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "replacement-cycle",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "Metrics replace each other in a cycle (`a` by `b`, `b` by `a`).",
    explanation: "\
Following `replaced_by` from a deprecated metric must end at a metric users can migrate to. \
A cycle has no such end. Each cycle is reported once, at the `replaced_by` of its first \
member in file order.",
    bad: r#"[[metric]]
name = "old_usage"
type = "gauge"
help = "Usage."
deprecated = "0.10"
replaced_by = "new_usage"

[[metric]]
name = "new_usage"
type = "gauge"
help = "Usage."
deprecated = "0.10"
replaced_by = "old_usage"
"#,
    good: r#"[[metric]]
name = "old_usage"
type = "gauge"
help = "Usage."
deprecated = "0.10"
replaced_by = "new_usage"

[[metric]]
name = "new_usage"
type = "gauge"
help = "Usage."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let metrics = &cx.cat.metrics;
    let index_of = |name: &str| cx.cat.metric_index(name);
    // Each metric has at most one successor, so a walk with three colours finds every cycle
    // in linear time.
    let next: Vec<Option<usize>> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let target = m.replaced_by.as_deref().filter(|_| m.complete)?;
            index_of(target).filter(|&j| j != i)
        })
        .collect();
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; metrics.len()];
    let mut cycles = Vec::new();
    for start in 0..metrics.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                NEW => {
                    state[i] = ON_PATH;
                    path.push(i);
                    at = next[i];
                }
                ON_PATH => {
                    if let Some(pos) = path.iter().position(|&p| p == i) {
                        cycles.push(path[pos..].to_vec());
                    }
                    break;
                }
                _ => break,
            }
        }
        for i in path {
            state[i] = DONE;
        }
    }
    for cycle in cycles {
        let Some(&first) = cycle.iter().min() else {
            continue;
        };
        let m = &metrics[first];
        let Some(key) = m.keys.key("replaced_by") else {
            continue;
        };
        let start = cycle.iter().position(|&i| i == first).unwrap_or(0);
        let mut names: Vec<&str> = cycle[start..]
            .iter()
            .chain(&cycle[..start])
            .map(|&i| metrics[i].name.as_str())
            .collect();
        names.push(&m.name);
        let d = Diagnostic::new(
            &RULE,
            key,
            format!("replacement cycle: {}", names.join(" -> ")),
        )
        .label("starts a replacement cycle")
        .help("the last metric of a replacement chain must not be replaced");
        cx.report_metric(m, d);
    }
}
