//! `invalid-label-values`: a closed label's values are empty, repeated or collide.

use std::collections::HashMap;

use crate::catalogue::{Label, LabelKind, value_identifier, value_key};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "invalid-label-values",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A closed label has no values, an empty, repeated or colliding value, or a bad `max_values`.",
    explanation: "\
A closed label lists its values; generated code turns them into an enum. So the list must not \
be empty, no value may be empty, and no two values may collide: values collide when they are \
equal after removing every non-alphanumeric character and lower-casing (`\"GPU-to-CPU\"` and \
`\"gpu_to_cpu\"`), or when they give the same Rust identifier. Identifiers are made of the \
value's ASCII letters and digits in UpperCamelCase, prefixed with `N` when they would start \
with a digit (`\"0\"` gives `N0`); a value with no ASCII letter or digit, or with other \
non-ASCII letters, gives none and is refused.

A label is either closed (`values`) or open (`max_values`), not both, and `max_values` is at \
least 1. The diagnostic points at the `values` key (or `max_values`).",
    bad: r#"[labels.direction]
values = ["GPU-to-CPU", "gpu_to_cpu"]

[[metric]]
name = "transfers"
type = "counter"
help = "KV-cache transfers."
labels = ["direction"]
"#,
    good: r#"[labels.direction]
values = ["gpu_to_cpu", "cpu_to_gpu"]

[[metric]]
name = "transfers"
type = "counter"
help = "KV-cache transfers."
labels = ["direction"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for label in &cx.cat.labels {
        for d in problems(label) {
            cx.report(d);
        }
    }
}

fn problems(label: &Label) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let name = &label.name;
    if let Some(max) = label.keys.key("max_values") {
        if label.keys.key("values").is_some() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    max,
                    format!("label `{name}` has both `values` and `max_values`"),
                )
                .label("open-label bound on a closed label")
                .help("a label is closed (`values`) or open (`max_values`): remove one"),
            );
        } else if let Some(n) = label.raw_max_values.filter(|n| *n < 1) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    max,
                    format!("label `{name}` has `max_values = {n}`; it must be at least 1"),
                )
                .label("must be at least 1")
                .help("set the number of distinct values the label can take"),
            );
        }
    }
    let (LabelKind::Closed { values }, Some(key)) = (&label.kind, label.keys.key("values")) else {
        return out;
    };
    if !label.values_read {
        return out; // `values` has the wrong type, reported as `parse`
    }
    if values.is_empty() {
        out.push(
            Diagnostic::new(&RULE, key, format!("closed label `{name}` has no values"))
                .label("no values")
                .help("list the values, or make the label open with `max_values`"),
        );
        return out;
    }
    let spans = &label.value_spans;
    let span = |i: usize| spans.get(i).copied().unwrap_or(key);
    // The first non-empty value with each collision key and each identifier, so that every
    // value is compared with all earlier ones in one hash lookup each: linear in the number
    // of values, and the same findings as comparing every pair.
    let mut first_key: HashMap<String, usize> = HashMap::with_capacity(values.len());
    let mut first_ident: HashMap<String, usize> = HashMap::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        if value.is_empty() {
            out.push(
                Diagnostic::new(&RULE, key, format!("label `{name}` has an empty value"))
                    .label("empty value")
                    .note(span(i), "empty")
                    .help("remove it or give it a name"),
            );
            continue;
        }
        let ident = value_identifier(value);
        let by_key = *first_key.entry(value_key(value)).or_insert(i);
        let by_ident = ident
            .as_ref()
            .map(|ident| *first_ident.entry(ident.clone()).or_insert(i));
        let Some(ident) = ident else {
            out.push(
                Diagnostic::new(
                    &RULE,
                    key,
                    format!("value {value:?} of label `{name}` gives no Rust identifier"),
                )
                .label("no identifier")
                .note(
                    span(i),
                    "needs an ASCII letter or digit and no other letters",
                )
                .help("use ASCII letters, digits and separators such as `_` or `-`"),
            );
            continue;
        };
        // The earliest earlier value equal by key or by identifier (`i` itself when none).
        let j = by_ident.map_or(by_key, |by_ident| by_key.min(by_ident));
        if j < i {
            let other = &values[j];
            let message = if other == value {
                format!("label `{name}` lists value {value:?} twice")
            } else {
                format!(
                    "values {other:?} and {value:?} of label `{name}` collide (both give `{ident}`)"
                )
            };
            out.push(
                Diagnostic::new(&RULE, key, message)
                    .label("colliding values")
                    .note(span(j), "first value")
                    .note(span(i), "collides with it")
                    .help("remove one, or make the values differ in letters or digits"),
            );
        }
    }
    out
}
