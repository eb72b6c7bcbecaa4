//! `lifecycle-rewritten`: a deprecation or removal version was moved or erased since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::catalogue::Metric;
use crate::compat::{Context, EarlierDates, VersionText, at_key, earlier_dates};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "lifecycle-rewritten",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A deprecation or removal version was moved or erased since the previous release.",
    explanation: "\
Published lifecycle dates are a promise to users: operators plan migrations around \
them. Moving `deprecated`, `hidden` or `removed` of a released metric, or erasing them, \
rewrites history. A removal may be postponed only by adding an explicit later `removed` while \
keeping `deprecated`. Compared with the previous release's catalogue (`--baseline`); a \
warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.10"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"

# this release: the deprecation moved
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.11"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"
"#,
    good: r#"# previous release
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.10"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"

# this release: the date is kept, the removal postponed
[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU KV-cache usage, from 0 to 1."
stability = "stable"
replaced_by = "kv_cache_usage"
deprecated = "0.10"
removed = "0.13"

[[metric]]
name = "kv_cache_usage"
type = "gauge"
help = "KV-cache usage, from 0 to 1."
stability = "stable"
"#,
    check: Check::Baseline(check),
};

fn check(cx: &mut Context<'_>, o: &Metric, n: Option<&Metric>) {
    let Some(n) = n else {
        return;
    };
    let Some(dep) = &o.schedule.deprecated else {
        return;
    };
    match &n.schedule.deprecated {
        None => {
            let d = Diagnostic::new(
                &RULE,
                n.header,
                format!("the deprecation of `{}` in {dep} was erased", n.full_name),
            )
            .label(format!("was deprecated in {dep}"))
            .help(format!(
                "keep `deprecated = \"{}\"`: users were told, and dashboards are migrating",
                dep.minor_line_or_full()
            ));
            cx.report(&RULE, o, n, d);
            return;
        }
        Some(now) if now != dep => {
            let d = Diagnostic::new(
                &RULE,
                at_key(n, "deprecated"),
                format!(
                    "the deprecation of `{}` moved from {dep} to {now}",
                    n.full_name
                ),
            )
            .label(format!("was {dep}"))
            .help(format!(
                "keep `deprecated = \"{}\"`; to keep the metric longer, add a later explicit `removed`",
                dep.minor_line_or_full()
            ));
            cx.report(&RULE, o, n, d);
            return;
        }
        Some(_) => {}
    }
    if o.lifecycle == n.lifecycle {
        // Dates written as before moved only because the policy window shrank:
        // `removed-without-deprecation` reports that.
        return;
    }
    // Same deprecation: the hiding and removal dates may only move later.
    let Some(EarlierDates { hidden, removed }) = earlier_dates(o, n) else {
        return;
    };
    if let Some((before, after)) = hidden {
        let d = Diagnostic::new(
            &RULE,
            n.keys.value("hidden").unwrap_or(n.header),
            format!(
                "`{}` is now hidden from {after}, earlier than the {before} the previous release announced",
                n.full_name
            ),
        )
        .label(format!("was hidden from {before}"))
        .help(format!("hide it no earlier than {before}"));
        cx.report(&RULE, o, n, d);
    }
    if let Some((before, after)) = removed {
        let d = Diagnostic::new(
            &RULE,
            n.keys.value("removed").unwrap_or(n.header),
            format!(
                "the removal of `{}` moved earlier, from {before} to {after}",
                n.full_name
            ),
        )
        .label(format!("was removed in {before}"))
        .help(format!(
            "keep `removed = \"{}\"`: a removal may be postponed, never advanced",
            before.minor_line_or_full()
        ));
        cx.report(&RULE, o, n, d);
    }
}
