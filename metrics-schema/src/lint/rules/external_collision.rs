//! `external-collision`: a name declared as another program's (`[[external]]`) that a
//! catalogue metric exposes.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "external-collision",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A name declared as another program's (`[[external]]`) is exposed by a catalogue metric.",
    explanation: "\
An `[[external]]` table declares a name that another program puts in the catalogue's \
namespace (a router's `vllm:current_qps`, a gateway's counter): reference checks accept it, \
code generation and the naming rules ignore it. If a metric of the catalogue exposes the same \
name (as its family name or one of its samples, removed metrics included), a query using it \
would mean two different series, and the declaration would hide a real problem. Remove the \
`[[external]]` entry if the name is the catalogue's own, or rename one of them.",
    bad: r#"[catalogue]
namespace = "app"

[[metric]]
name = "requests"
type = "counter"
help = "Requests received."

[[external]]
name = "app_requests_total"
owner = "the router"
"#,
    good: r#"[catalogue]
namespace = "app"

[[metric]]
name = "requests"
type = "counter"
help = "Requests received."

[[external]]
name = "app_router_requests_total"
owner = "the router"
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    if cx.cat.externals.is_empty() {
        return;
    }
    let mut owners = HashMap::new();
    for m in cx.metrics() {
        for suffix in m.kind.occupied_suffixes() {
            owners
                .entry(format!("{}{suffix}", m.full_name))
                .or_insert(m);
        }
    }
    for external in &cx.cat.externals {
        let Some((name, m)) = external
            .names()
            .into_iter()
            .find_map(|n| owners.get(&n).map(|m| (n, *m)))
        else {
            continue;
        };
        let at = external.keys.value("name").unwrap_or(external.header);
        let mut d = Diagnostic::new(
            &RULE,
            at,
            format!(
                "external name `{name}` is exposed by {} `{}` of the catalogue",
                m.kind, m.full_name
            ),
        )
        .label("declared as another program's")
        .help("remove the `[[external]]` entry if the name is the catalogue's own, or rename one of them");
        if let Some(key) = m.keys.key("name") {
            d = d.note(key, "the catalogue's metric");
        }
        cx.report(d);
    }
}
