//! `name-colon`: the separator `:` puts colons in metric names.

use crate::catalogue::Separator;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "name-colon",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "The separator \":\" puts colons in metric names, which Prometheus reserves for recording rules.",
    explanation: "\
Prometheus' naming convention reserves colons for the output of recording rules \
(`job:requests:rate5m`), so exporters should not use them. Some projects do anyway (vLLM's \
names are `vllm:...`) and changing them would break every dashboard; such catalogues keep \
`separator = \":\"` and put `name-colon` in the `[catalogue]` `allow` list with a comment.",
    bad: r#"[catalogue]
namespace = "engine"
separator = ":"

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    good: r#"[catalogue]
namespace = "engine"

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    if cx.cat.separator == Separator::Colon
        && let Some(key) = cx.cat.keys.key("separator")
    {
        cx.report(
            Diagnostic::new(
                &RULE,
                key,
                "separator \":\" puts colons in metric names; Prometheus reserves them for recording rules",
            )
            .label("colon separator")
            .help("use the default separator \"_\", or add \"name-colon\" to `[catalogue]` `allow` if existing names must keep their colons"),
        );
    }
}
