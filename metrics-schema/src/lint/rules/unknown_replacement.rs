//! `unknown-replacement`: `replaced_by` names no metric of the catalogue, or the metric
//! itself.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};
use crate::suggest::closest_metric;

pub(crate) static RULE: Rule = Rule {
    id: "unknown-replacement",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "`replaced_by` names no metric of the catalogue, or the metric itself.",
    explanation: "\
`replaced_by` is the local name (without namespace) of another metric of the same catalogue. \
The deprecation notice and the docs name the replacement's full name, so it must exist; a \
metric cannot replace itself.",
    bad: r#"[catalogue]
namespace = "vllm"

[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits."
deprecated = "0.10"
replaced_by = "vllm_prefix_cache_hits"

[[metric]]
name = "prefix_cache_hits"
type = "counter"
help = "Prefix cache hits."
"#,
    good: r#"[catalogue]
namespace = "vllm"

[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits."
deprecated = "0.10"
replaced_by = "prefix_cache_hits"

[[metric]]
name = "prefix_cache_hits"
type = "counter"
help = "Prefix cache hits."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let (Some(target), Some(key)) = (&m.replaced_by, m.keys.key("replaced_by")) else {
            continue;
        };
        let message = if *target == m.name {
            format!("metric `{}` names itself as its replacement", m.name)
        } else if cx.cat.metric_index(target).is_some() {
            continue;
        } else {
            format!(
                "metric `{}` is replaced by `{target}`, which is not a metric of this catalogue",
                m.name
            )
        };
        // A full name written instead of the local name.
        let names: Vec<&str> = cx.cat.by_name.keys().map(String::as_str).collect();
        let local = names
            .iter()
            .copied()
            .filter(|n| *n != m.name)
            .find(|n| cx.cat.full_name(n) == *target);
        // Never a metric hidden or removed at the version; a replaced metric gives way to
        // its replacement.
        let proposal = || {
            let candidates = cx
                .cat
                .complete_metrics()
                .filter(|c| c.name != m.name)
                .map(|c| (c.name.as_str(), Some(c)));
            let p = closest_metric(cx.cat, target, candidates, cx.version, Some(&m.name))?;
            let (Some(old), Some(new)) = (p.matched, p.proposed) else {
                return None;
            };
            Some(if p.is_replacement() {
                format!(
                    "did you mean `{}`? It replaces `{}`, which is {}",
                    new.name,
                    old.name,
                    cx.version.map_or_else(
                        || "deprecated".to_owned(),
                        |at| format!("{} at {at}", old.status_at(at))
                    )
                )
            } else {
                format!("did you mean `{}`?", new.name)
            })
        };
        let help = match local {
            Some(local) => Some(format!("write the local name: `replaced_by = \"{local}\"`")),
            None => proposal(),
        };
        let d = Diagnostic::new(&RULE, key, message)
            .label("unknown replacement")
            .maybe_help(help);
        cx.report_metric(m, d);
    }
}
