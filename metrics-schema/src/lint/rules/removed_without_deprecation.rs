//! `removed-without-deprecation`: a metric vanished from the catalogue, or was removed before its policy date.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::catalogue::Metric;
use crate::compat::{Context, EarlierDates, VersionText, earlier_dates};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "removed-without-deprecation",
    severity: Severity::Error,
    kind: RuleKind::Compatibility,
    summary: "A metric vanished from the catalogue, or was removed before its policy date.",
    explanation: "\
Dashboards and alerts break silently when a series disappears. A metric leaves through the \
lifecycle: `deprecated` in one release, hidden and then removed as the policy says, and it \
stays in the catalogue as history so that docs list its replacement and its name cannot be \
reused. Deleting its `[[metric]]` table, or removing it earlier than the previous release's \
policy said (by shrinking the `[policy]` window), is a breaking change. Compared with the \
previous release's catalogue (`--baseline`); a warning for alpha metrics.",
    bad: r#"# previous release
[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits, in cached tokens."
stability = "stable"

# this release: renamed, the old table deleted
[[metric]]
name = "prefix_cache_hits"
type = "counter"
help = "Prefix cache hits, in cached tokens."
stability = "stable"
"#,
    good: r#"# previous release
[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits, in cached tokens."
stability = "stable"

# this release: the old metric is deprecated and kept as history
[[metric]]
name = "gpu_prefix_cache_hits"
type = "counter"
help = "GPU prefix cache hits, in cached tokens."
stability = "stable"
deprecated = "0.10"
replaced_by = "prefix_cache_hits"

[[metric]]
name = "prefix_cache_hits"
type = "counter"
help = "Prefix cache hits, in cached tokens."
stability = "stable"
"#,
    check: Check::Baseline(check),
};

fn check(cx: &mut Context<'_>, o: &Metric, n: Option<&Metric>) {
    match n {
        None => deleted(cx, o),
        Some(n) => policy_shrank(cx, o, n),
    }
}

/// `o` is not in the new catalogue.
fn deleted(cx: &mut Context<'_>, o: &Metric) {
    let exposed = o.exposed_names().samples.join("`, `");
    let (message, label, help) = match (&o.schedule.deprecated, &o.schedule.removed) {
        (None, _) => (
            format!(
                "metric `{}` was deleted from the catalogue without deprecation: queries of `{exposed}` stop working",
                o.full_name
            ),
            "deleted without deprecation",
            match renamed_to(cx, o) {
                Some(renamed) => format!(
                    "if it was renamed to `{renamed}`, keep this table and deprecate it: `deprecated = \"X.Y\"` and `replaced_by = \"{renamed}\"`; it is hidden and removed as the policy says"
                ),
                None => "keep its `[[metric]]` table and deprecate it (`deprecated = \"X.Y\"`, with `replaced_by` when there is a successor); it is hidden and removed as the policy says".to_owned(),
            },
        ),
        (Some(d), Some(removal)) if cx.at.is_none_or(|v| v.release() < *removal) => (
            format!(
                "metric `{}` was deleted from the catalogue before its removal date {removal} (deprecated in {d})",
                o.full_name
            ),
            "deleted before its removal date",
            format!(
                "keep its `[[metric]]` table: it is hidden and then removed in {removal} by the policy, and stays in the catalogue as history"
            ),
        ),
        _ => (
            format!(
                "metric `{}` was deleted from the catalogue; removed metrics stay as history",
                o.full_name
            ),
            "deleted from the catalogue",
            "keep its `[[metric]]` table: generated docs list it with its replacement, and its name cannot be reused".to_owned(),
        ),
    };
    let d = Diagnostic::new(&RULE, o.header, message)
        .label(label)
        .help(help);
    cx.report_deleted(&RULE, o, d);
}

/// The new metric `o` was likely renamed to: the closest new name, never a metric hidden or
/// removed at the version, and the active end of a replaced metric's chain.
fn renamed_to<'a>(cx: &Context<'a>, o: &Metric) -> Option<&'a str> {
    let cat = cx.new_cat;
    let candidates = cx
        .rename_candidates
        .iter()
        .filter_map(|n| Some((*n, Some(cat.metric(n)?))));
    let p = crate::suggest::closest_metric(cat, &o.name, candidates, cx.at, None)?;
    Some(p.proposed?.name.as_str())
}

/// The lifecycle is written as before, but a shorter policy window moved its hiding or
/// removal earlier (`lifecycle-rewritten` reports dates rewritten by hand).
fn policy_shrank(cx: &mut Context<'_>, o: &Metric, n: &Metric) {
    if o.lifecycle != n.lifecycle {
        return;
    }
    let Some(EarlierDates { hidden, removed }) = earlier_dates(o, n) else {
        return;
    };
    if hidden.is_none() && removed.is_none() {
        return;
    }
    let mut moved = Vec::new();
    let mut keep = Vec::new();
    if let Some((before, after)) = &hidden {
        moved.push(format!("hidden from {after} instead of {before}"));
        keep.push(format!("hidden = \"{}\"", before.minor_line_or_full()));
    }
    if let Some((before, after)) = &removed {
        moved.push(format!("removed in {after} instead of {before}"));
        keep.push(format!("removed = \"{}\"", before.minor_line_or_full()));
    }
    let d = Diagnostic::new(
        &RULE,
        n.keys.value("deprecated").unwrap_or(n.header),
        format!(
            "`{}` is now {}, before its policy dates: the deprecation policy changed",
            n.full_name,
            moved.join(" and ")
        ),
    )
    .label("dates derived from a shorter window")
    .help(format!(
        "write `{}` to keep the dates the previous release announced",
        keep.join("` and `")
    ));
    cx.report(&RULE, o, n, d);
}
