//! `invalid-policy`: a negative window, or `remove_after` not after `hide_after`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Window;
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "invalid-policy",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A policy window is negative, or `remove_after` is not greater than `hide_after`.",
    explanation: "\
`hide_after` and `remove_after` count minor releases after a deprecation. Both are zero or \
more, and a metric is removed after it is hidden: `remove_after > hide_after`. A partial \
`[policy.<level>]` table takes its missing key from `[policy]`, which takes it from the \
defaults (1 and 2), and the resulting window is checked.",
    bad: r#"[policy]
hide_after = 2
remove_after = 2

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    good: r#"[policy]
hide_after = 2
remove_after = 3

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let policy = &cx.cat.policy;
    let tables = [
        "[policy]",
        "[policy.alpha]",
        "[policy.beta]",
        "[policy.stable]",
    ];
    let windows: [Window; 4] = [policy.default, policy.alpha, policy.beta, policy.stable];
    let mut out = Vec::new();
    for ((table, written), window) in tables.iter().zip(&policy.written).zip(windows) {
        let mut negative = false;
        for (name, value) in [
            ("hide_after", &written.hide_after),
            ("remove_after", &written.remove_after),
        ] {
            if let Some(v) = value.as_ref().filter(|v| v.value < 0) {
                negative = true;
                out.push(
                    Diagnostic::new(
                        &RULE,
                        v.span,
                        format!("`{name}` in {table} is negative ({})", v.value),
                    )
                    .label("negative window")
                    .help("windows count minor releases: 0 or more"),
                );
            }
        }
        if negative || window.remove_after > window.hide_after {
            continue;
        }
        // Report where this table wrote a key; a table that wrote none inherits the problem
        // of [policy], which is reported there.
        let Some(at) = written
            .remove_after
            .as_ref()
            .or(written.hide_after.as_ref())
        else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &RULE,
                at.span,
                format!(
                    "{table} removes metrics {} minor release(s) after deprecation but hides them only after {}",
                    window.remove_after, window.hide_after
                ),
            )
            .label("remove_after must be greater than hide_after")
            .help("set `remove_after` greater than `hide_after` (the defaults are 1 and 2)"),
        );
    }
    for d in out {
        cx.report(d);
    }
}
