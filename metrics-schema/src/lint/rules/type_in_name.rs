//! `type-in-name`: a metric type (counter, gauge, ...) as a word of the name.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "type-in-name",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A name contains a metric type word (`counter`, `gauge`, `histogram`, `summary`).",
    explanation: "\
The type is part of the metric's metadata (`# TYPE`), not of its name; repeating it adds \
noise and becomes wrong if the type ever changes. Name what is measured.",
    bad: r#"[[metric]]
name = "request_counter"
type = "counter"
help = "Requests received."
"#,
    good: r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests received."
"#,
    check: Check::Model(check),
};

const TYPE_WORDS: [&str; 4] = ["counter", "gauge", "histogram", "summary"];

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let word = m
            .name
            .split('_')
            .find(|w| TYPE_WORDS.contains(&w.to_ascii_lowercase().as_str()));
        if let (Some(word), Some(key)) = (word, m.keys.key("name")) {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` has the type word `{word}` in its name", m.name),
            )
            .label("type in name")
            .help("name what is measured; the type is in the metadata");
            cx.report_metric(m, d);
        }
    }
}
