//! `unknown-key`: a key the format does not define, or an unknown rule id in `allow`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};
use crate::source::{Span, Spanned};
use crate::suggest::did_you_mean;

pub(crate) static RULE: Rule = Rule {
    id: "unknown-key",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A key the format does not define, or an unknown rule id in an `allow` list.",
    explanation: "\
Every table of the catalogue has a fixed set of keys; anything else is most likely a typo \
(`helpp`, `lables`) that would otherwise be silently ignored. The diagnostic suggests the \
closest known key.

`allow` lists hold ids of warning rules (see `schema rules`); an unknown id is reported the \
same way, and so is the id of an error rule, since errors cannot be silenced.",
    bad: r#"[[metric]]
name = "queue_depth"
type = "gauge"
helpp = "Requests waiting."
allow = ["type-in-nam"]
"#,
    good: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    check: Check::Model(check),
};

/// An unknown key `name` in `context`, whose known keys are `known`.
pub(crate) fn key(span: Span, name: &str, context: &str, known: &[&str]) -> Diagnostic {
    let help = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
        let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        format!("known keys: {}", list.join(", "))
    });
    Diagnostic::new(&RULE, span, format!("unknown key `{name}` in {context}"))
        .label("unknown key")
        .help(help)
}

fn check(cx: &mut Context<'_>) {
    if let Some(key) = cx.cat.keys.key("allow") {
        for d in allow_list(key, &cx.cat.allow) {
            cx.report(d);
        }
    }
    for m in cx.cat.metrics.iter() {
        if let Some(key) = m.keys.key("allow") {
            for d in allow_list(key, &m.allow) {
                let d = if m.complete {
                    d.metric(&m.full_name)
                } else {
                    d
                };
                cx.report(d);
            }
        }
    }
}

fn allow_list(key: Span, allow: &[Spanned<String>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in allow {
        let id = entry.value.as_str();
        match crate::lint::rule(id) {
            Some(rule) if rule.severity == Severity::Error && !rule.needs_baseline() => {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        key,
                        format!("`{id}` is an error rule: errors cannot be silenced with `allow`"),
                    )
                    .note(entry.span, "an error rule")
                    .help(format!("fix the `{id}` error and remove it from `allow`")),
                );
            }
            Some(_) => {}
            None => out.push(
                Diagnostic::new(&RULE, key, format!("unknown rule id `{id}` in `allow`"))
                    .note(entry.span, "not a rule id")
                    .help(
                        crate::lint::suggest_rule(id)
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| "`schema rules` lists the rule ids".to_owned()),
                    ),
            ),
        }
    }
    out
}
