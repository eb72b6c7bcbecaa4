//! `empty-help`: a metric or label help text that is empty or only white space.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "empty-help",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A help text is empty or only white space.",
    explanation: "\
The help text is the `# HELP` line of the exposition, the description in generated docs and \
the rustdoc of generated code: it is how an operator learns what a series means. A metric's \
`help` is required and must say something; a label's `help` is optional, but when written it \
must not be empty either.",
    bad: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "  "
"#,
    good: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Number of requests waiting to be scheduled."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        if m.help.trim().is_empty()
            && let Some(key) = m.keys.key("help")
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` has an empty help text", m.name),
            )
            .label("empty help")
            .help("say what the metric measures, e.g. `help = \"Number of requests waiting.\"`");
            cx.report_metric(m, d);
        }
    }
    for label in &cx.cat.labels {
        if label.help.as_deref().is_some_and(|h| h.trim().is_empty())
            && let Some(key) = label.keys.key("help")
        {
            cx.report(
                Diagnostic::new(
                    &RULE,
                    key,
                    format!("label `{}` has an empty help text", label.name),
                )
                .label("empty help")
                .help("say what the label means, or remove `help`"),
            );
        }
    }
}
