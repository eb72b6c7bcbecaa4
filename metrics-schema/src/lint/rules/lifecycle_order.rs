//! `lifecycle-order`: lifecycle versions out of order, or hidden/removed without deprecation.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::{Stability, Version};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "lifecycle-order",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "Lifecycle versions are out of order (since <= deprecated <= hidden <= removed), or a non-alpha metric is hidden or removed without being deprecated.",
    explanation: "\
A metric is introduced (`since`), then deprecated, then hidden, then removed, so the versions \
written must not decrease in that order. The versions are compared as written, and the later \
key in lifecycle order is reported (`deprecated` when it precedes `since`).

Beta and stable metrics leave only through deprecation: `hidden` or `removed` without \
`deprecated` is refused for them. Alpha metrics may be removed at any time.",
    bad: r#"[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."
stability = "stable"
since = "0.7"
deprecated = "0.6"
replaced_by = "kv_cache_usage_perc"
allow = ["unit-suffix"]

[[metric]]
name = "kv_cache_usage_perc"
type = "gauge"
help = "KV-cache usage."
allow = ["unit-suffix"]
"#,
    good: r#"[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage."
stability = "stable"
since = "0.7"
deprecated = "0.10"
replaced_by = "kv_cache_usage_perc"
allow = ["unit-suffix"]

[[metric]]
name = "kv_cache_usage_perc"
type = "gauge"
help = "KV-cache usage."
allow = ["unit-suffix"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let written: [(&str, Option<&Version>); 4] = [
            ("since", m.since.as_ref()),
            ("deprecated", m.lifecycle.deprecated.as_ref()),
            ("hidden", m.lifecycle.hidden.as_ref()),
            ("removed", m.lifecycle.removed.as_ref()),
        ];
        for (i, (later, version)) in written.iter().enumerate() {
            let (Some(version), Some(key)) = (version, m.keys.key(later)) else {
                continue;
            };
            let earlier = written[..i]
                .iter()
                .filter_map(|(name, v)| v.map(|v| (*name, v)))
                .filter(|(_, v)| *v > *version)
                .max_by(|a, b| a.1.cmp(b.1));
            if let Some((name, earlier_version)) = earlier {
                let mut d = Diagnostic::new(
                    &RULE,
                    key,
                    format!(
                        "metric `{}` is {} in {version}, before it is {} in {earlier_version}",
                        m.name,
                        participle(later),
                        participle(name)
                    ),
                )
                .label("out of lifecycle order")
                .help("lifecycle versions go since <= deprecated <= hidden <= removed");
                if let Some(span) = m.keys.key(name) {
                    d = d.note(span, format!("{name} {earlier_version}"));
                }
                cx.report_metric(m, d);
            }
        }
        if m.stability != Stability::Alpha && m.lifecycle.deprecated.is_none() {
            for key_name in ["hidden", "removed"] {
                if let Some(key) = m.keys.key(key_name) {
                    let d = Diagnostic::new(
                        &RULE,
                        key,
                        format!(
                            "{} metric `{}` is {} without being deprecated",
                            m.stability,
                            m.name,
                            participle(key_name)
                        ),
                    )
                    .label("no `deprecated` before this")
                    .help("deprecate it first with `deprecated = \"X.Y\"`; the policy then hides and removes it");
                    cx.report_metric(m, d);
                }
            }
        }
    }
}

fn participle(key: &str) -> &str {
    match key {
        "since" => "introduced",
        other => other,
    }
}
