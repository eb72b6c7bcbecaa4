//! `replacement-not-active`: the replacement is itself deprecated, hidden or removed.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Status;
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "replacement-not-active",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A metric's replacement is itself deprecated, hidden or removed at the evaluated version.",
    explanation: "\
Sending users from one deprecated metric to another makes them migrate twice. When a \
replacement is deprecated in turn, point `replaced_by` of the older metrics at the newest \
one. The rule runs only when the version the catalogue is evaluated at is known.",
    bad: r#"[catalogue]
version = "0.12.0"

[[metric]]
name = "usage_v1"
type = "gauge"
help = "Usage."
deprecated = "0.10"
replaced_by = "usage_v2"

[[metric]]
name = "usage_v2"
type = "gauge"
help = "Usage."
deprecated = "0.12"
replaced_by = "usage_v3"

[[metric]]
name = "usage_v3"
type = "gauge"
help = "Usage."
"#,
    good: r#"[catalogue]
version = "0.12.0"

[[metric]]
name = "usage_v1"
type = "gauge"
help = "Usage."
deprecated = "0.10"
replaced_by = "usage_v3"

[[metric]]
name = "usage_v2"
type = "gauge"
help = "Usage."
deprecated = "0.12"
replaced_by = "usage_v3"

[[metric]]
name = "usage_v3"
type = "gauge"
help = "Usage."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let Some(at) = cx.version else {
        return;
    };
    for m in cx.metrics() {
        let (Some(target), Some(key)) = (&m.replaced_by, m.keys.key("replaced_by")) else {
            continue;
        };
        let Some(replacement) = cx.cat.metric(target).filter(|r| r.name != m.name) else {
            continue;
        };
        let status = replacement.status_at(at);
        if status == Status::Active {
            continue;
        }
        let help = match &replacement.replaced_by {
            Some(next) => format!("point `replaced_by` at `{next}`, which replaces `{target}`"),
            None => format!("point `replaced_by` at a metric that is active at {at}"),
        };
        let d = Diagnostic::new(
            &RULE,
            key,
            format!(
                "metric `{}` is replaced by `{target}`, which is {status} at {at}",
                m.name
            ),
        )
        .label(format!("replacement is {status}"))
        .help(help);
        cx.report_metric(m, d);
    }
}
