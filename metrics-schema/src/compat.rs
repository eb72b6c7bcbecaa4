//! Compatibility with the previous release: reading a baseline catalogue (a file, or
//! `git:REV:PATH` read through git) and the compatibility rules that compare it with the
//! catalogue being released.
//!
//! The rules are those of the format document: `removed-without-deprecation`,
//! `type-changed`, `labels-changed`, `unit-changed`, `buckets-changed` and
//! `lifecycle-rewritten`. Their severity follows the stability the *baseline* gave the
//! metric (the promise the previous release made): stable and beta break with an error,
//! alpha with a warning; `buckets-changed` is always a warning. Metrics are matched by
//! full name, the name dashboards and alerts query.
//!
//! ```
//! use metrics_schema::{Options, check, compat};
//!
//! let old = check(r#"
//! [[metric]]
//! name = "queue_depth"
//! type = "gauge"
//! help = "Requests waiting."
//! stability = "stable"
//! "#, "old.toml", &Options::default());
//! let new = check(r#"
//! [[metric]]
//! name = "waiting_requests"
//! type = "gauge"
//! help = "Requests waiting."
//! stability = "stable"
//! "#, "new.toml", &Options::default());
//! let found = compat::compare(&old, &new).unwrap();
//! assert_eq!(found.baseline[0].rule, "removed-without-deprecation");
//! assert!(found.has_errors());
//! ```

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use crate::catalogue::{Buckets, Catalogue, LabelKind, Metric};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::{Stability, Version};
use crate::lint::{Rule, rules as r};
use crate::source::Span;
use crate::{Checked, LoadError, LoadErrorKind, Options};

/// Where a baseline catalogue comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineSpec {
    /// A file path.
    File(String),
    /// `git:REV:PATH`: the file `PATH` at revision `REV`, read with `git cat-file`. As in
    /// git, `PATH` is relative to the repository root, or to the current directory when it
    /// starts with `./` or `../`.
    Git {
        /// The revision: a tag, a branch, a commit, `HEAD~1`...
        rev: String,
        /// The file's path in that revision.
        path: String,
    },
}

impl BaselineSpec {
    /// Reads `git:REV:PATH` (split at the first `:` after `git:`) or a file path.
    pub fn parse(spec: &str) -> Result<BaselineSpec, LoadError> {
        let Some(rest) = spec.strip_prefix("git:") else {
            return Ok(BaselineSpec::File(spec.to_owned()));
        };
        match rest.split_once(':') {
            Some((rev, path)) if !rev.is_empty() && !path.is_empty() => Ok(BaselineSpec::Git {
                rev: rev.to_owned(),
                path: path.to_owned(),
            }),
            _ => Err(LoadError {
                path: spec.to_owned(),
                kind: LoadErrorKind::Io(
                    "expected `git:REV:PATH`, e.g. `git:v0.10.0:examples/vllm/metrics.toml`"
                        .to_owned(),
                ),
            }),
        }
    }
}

/// Reads the text of the catalogue named by `spec` (a path, or `git:REV:PATH` run with git
/// in directory `dir`), refusing directories, non-UTF-8 and empty files as
/// [`crate::read_catalogue`] does.
pub fn read_spec(spec: &str, dir: &Path) -> Result<String, LoadError> {
    match BaselineSpec::parse(spec)? {
        BaselineSpec::File(path) => crate::read_catalogue(&dir.join(path)).map_err(|mut e| {
            e.path = spec.to_owned();
            e
        }),
        BaselineSpec::Git { rev, path } => {
            let err = |message: String| LoadError {
                path: spec.to_owned(),
                kind: LoadErrorKind::Io(message),
            };
            let out = Command::new("git")
                .current_dir(dir)
                .args(["cat-file", "blob", &format!("{rev}:{path}")])
                .output()
                .map_err(|e| err(format!("cannot run git: {e}")))?;
            if !out.status.success() {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let reason = stderr.trim().trim_start_matches("fatal: ");
                return Err(err(format!("git cannot read `{rev}:{path}`: {reason}")));
            }
            crate::catalogue_text(out.stdout, spec)
        }
    }
}

/// Reads and checks the catalogue named by `spec` (see [`read_spec`]). The file name in
/// diagnostics is `spec` as given.
pub fn load_spec(spec: &str, dir: &Path, options: &Options) -> Result<Checked, LoadError> {
    let text = read_spec(spec, dir)?;
    Ok(crate::check(&text, spec, options))
}

/// What the compatibility rules found.
#[derive(Clone, Debug, Default)]
pub struct Compatibility {
    /// Problems located in the new catalogue, in file order.
    pub new: Vec<Diagnostic>,
    /// Problems located in the baseline: metrics deleted from the new catalogue, pointing
    /// at their `[[metric]]` table in the baseline.
    pub baseline: Vec<Diagnostic>,
}

impl Compatibility {
    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.all().any(Diagnostic::is_error)
    }

    /// Every diagnostic: the baseline's, then the new catalogue's.
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.baseline.iter().chain(&self.new)
    }
}

/// Compares the new catalogue with the baseline. `None` when either has errors (there is
/// then no model to compare; `schema lint` reports those errors).
pub fn compare(baseline: &Checked, new: &Checked) -> Option<Compatibility> {
    let old_cat = baseline.catalogue.as_ref()?;
    let new_cat = new.catalogue.as_ref()?;
    let mut found = compare_catalogues(old_cat, new_cat, new.version.as_ref());
    for d in &mut found.new {
        d.locate(&new.source);
    }
    for d in &mut found.baseline {
        d.locate(&baseline.source);
    }
    found.new.sort_by_key(|d| d.span.start);
    found.baseline.sort_by_key(|d| d.span.start);
    Some(found)
}

/// The severity of compatibility rule `rule` for a metric the baseline declared with
/// `stability`: alpha metrics only warn.
pub fn severity(rule: &Rule, stability: Stability) -> Severity {
    match (rule.severity, stability) {
        (Severity::Note, _) => Severity::Note,
        (Severity::Warning, _) | (_, Stability::Alpha) => Severity::Warning,
        (Severity::Error, _) => Severity::Error,
    }
}

struct Sink<'a> {
    new_cat: &'a Catalogue,
    found: Compatibility,
}

impl Sink<'_> {
    /// Reports about a metric of both catalogues; warnings are dropped when the new metric
    /// or catalogue allows the rule.
    fn report(&mut self, rule: &'static Rule, old: &Metric, new: &Metric, d: Diagnostic) {
        let severity = severity(rule, old.stability);
        if severity == Severity::Warning && (new.allows(rule.id) || self.new_cat.allows(rule.id)) {
            return;
        }
        let mut d = d.metric(&new.full_name);
        d.severity = severity;
        self.found.new.push(d);
    }
}

/// Above this many (deleted, added) pairs, deleted metrics get no rename suggestion.
const MAX_RENAME_PAIRS: usize = 1_000_000;

fn compare_catalogues(old: &Catalogue, new: &Catalogue, at: Option<&Version>) -> Compatibility {
    let by_full: HashMap<&str, &Metric> = new
        .complete_metrics()
        .map(|m| (m.full_name.as_str(), m))
        .collect();
    let old_names: HashSet<&str> = old
        .complete_metrics()
        .map(|m| m.full_name.as_str())
        .collect();
    // Candidates for "did you rename it": new metrics the baseline did not have. Only
    // offered while the comparison stays cheap (a renamed namespace deletes everything).
    let added: Vec<&str> = new
        .complete_metrics()
        .filter(|m| !old_names.contains(m.full_name.as_str()))
        .map(|m| m.name.as_str())
        .collect();
    let deleted_count = old_names
        .iter()
        .filter(|n| !by_full.contains_key(*n))
        .count();
    let candidates: &[&str] = if added.len().saturating_mul(deleted_count) <= MAX_RENAME_PAIRS {
        &added
    } else {
        &[]
    };
    let mut sink = Sink {
        new_cat: new,
        found: Compatibility::default(),
    };
    for o in old.complete_metrics() {
        match by_full.get(o.full_name.as_str()) {
            None => {
                if let Some(d) = deleted(o, new, at, candidates.iter().copied()) {
                    sink.found.baseline.push(d);
                }
            }
            Some(n) => {
                type_changed(&mut sink, o, n);
                labels_changed(&mut sink, o, n);
                unit_changed(&mut sink, o, n);
                buckets_changed(&mut sink, o, n);
                lifecycle_changed(&mut sink, o, n);
            }
        }
    }
    sink.found
}

fn deleted<'a>(
    o: &Metric,
    new: &Catalogue,
    at: Option<&Version>,
    added: impl Iterator<Item = &'a str>,
) -> Option<Diagnostic> {
    let rule = &r::removed_without_deprecation::RULE;
    let severity = severity(rule, o.stability);
    if severity == Severity::Warning && new.allows(rule.id) {
        return None;
    }
    let exposed = o.exposed_names().samples.join("`, `");
    let (message, label, help) = match (&o.schedule.deprecated, &o.schedule.removed) {
        (None, _) => (
            format!(
                "metric `{}` was deleted from the catalogue without deprecation: queries of `{exposed}` stop working",
                o.full_name
            ),
            "deleted without deprecation",
            match crate::suggest::closest(&o.name, added) {
                Some(renamed) => format!(
                    "if it was renamed to `{renamed}`, keep this table and deprecate it: `deprecated = \"X.Y\"` and `replaced_by = \"{renamed}\"`; it is hidden and removed as the policy says"
                ),
                None => "keep its `[[metric]]` table and deprecate it (`deprecated = \"X.Y\"`, with `replaced_by` when there is a successor); it is hidden and removed as the policy says".to_owned(),
            },
        ),
        (Some(d), Some(removal)) if at.is_none_or(|v| v.release() < *removal) => (
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
    let mut d = Diagnostic::new(rule, o.header, message)
        .label(label)
        .help(help)
        .metric(&o.full_name);
    d.severity = severity;
    Some(d)
}

/// The span of key `key` of `m` (its value when written), else the metric's header.
fn at_key(m: &Metric, key: &str) -> Span {
    m.keys.value(key).unwrap_or(m.header)
}

fn type_changed(sink: &mut Sink<'_>, o: &Metric, n: &Metric) {
    if o.kind == n.kind {
        return;
    }
    let rule = &r::type_changed::RULE;
    let d = Diagnostic::new(
        rule,
        at_key(n, "type"),
        format!(
            "the type of {} metric `{}` changed from {} to {}",
            o.stability, n.full_name, o.kind, n.kind
        ),
    )
    .label(format!("was {}", o.kind))
    .help(format!(
        "add a {} under a new name and deprecate `{}` with `replaced_by`",
        n.kind, n.name
    ));
    sink.report(rule, o, n, d);
}

fn labels_changed(sink: &mut Sink<'_>, o: &Metric, n: &Metric) {
    let names = |m: &Metric| -> Vec<String> { m.labels.iter().map(|l| l.name.clone()).collect() };
    let (old_labels, new_labels) = (names(o), names(n));
    let removed: Vec<&String> = old_labels
        .iter()
        .filter(|l| !new_labels.contains(l))
        .collect();
    let added: Vec<&String> = new_labels
        .iter()
        .filter(|l| !old_labels.contains(l))
        .collect();
    // Closed values that queries may select and that are gone.
    let mut lost_values = Vec::new();
    for ol in &o.labels {
        let (LabelKind::Closed { values: before }, Some(nl)) =
            (&ol.kind, n.labels.iter().find(|l| l.name == ol.name))
        else {
            continue;
        };
        if let LabelKind::Closed { values: after } = &nl.kind {
            for v in before.iter().filter(|v| !after.contains(v)) {
                lost_values.push(format!("`{}=\"{v}\"`", ol.name));
            }
        }
    }
    let list = |v: &[&String]| -> String {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut changes = Vec::new();
    if !removed.is_empty() {
        changes.push(format!("removed {}", list(&removed)));
    }
    if !lost_values.is_empty() {
        changes.push(format!("dropped the values {}", lost_values.join(", ")));
    }
    // Beta metrics may gain labels; stable metrics may not.
    if !added.is_empty() && o.stability != Stability::Beta {
        changes.push(format!("added {}", list(&added)));
    }
    if changes.is_empty() {
        return;
    }
    let rule = &r::labels_changed::RULE;
    let d = Diagnostic::new(
        rule,
        at_key(n, "labels"),
        format!(
            "the labels of {} metric `{}` changed: {}",
            o.stability,
            n.full_name,
            changes.join("; ")
        ),
    )
    .label(format!("was [{}]", old_labels.join(", ")))
    .help(match o.stability {
        Stability::Beta => "a beta metric may gain labels but not lose labels or values; introduce a metric under a new name and deprecate this one".to_owned(),
        _ => format!(
            "keep the labels [{}], or introduce a metric under a new name and deprecate `{}` with `replaced_by`",
            old_labels.join(", "),
            n.name
        ),
    });
    sink.report(rule, o, n, d);
}

fn unit_changed(sink: &mut Sink<'_>, o: &Metric, n: &Metric) {
    let Some(before) = &o.unit else {
        // Declaring the unit the name already carries changes no series.
        return;
    };
    if n.unit.as_ref() == Some(before) {
        return;
    }
    let rule = &r::unit_changed::RULE;
    let (message, label) = match &n.unit {
        Some(after) => (
            format!(
                "the unit of {} metric `{}` changed from `{before}` to `{after}`",
                o.stability, n.full_name
            ),
            format!("was `{before}`"),
        ),
        None => (
            format!(
                "{} metric `{}` no longer declares its unit `{before}`",
                o.stability, n.full_name
            ),
            format!("unit `{before}` dropped"),
        ),
    };
    let span = n.keys.value("unit").unwrap_or(n.header);
    let d = Diagnostic::new(rule, span, message)
        .label(label)
        .help(format!(
            "keep `unit = \"{before}\"`, or introduce a metric named with the new unit and deprecate `{}`",
            n.name
        ));
    sink.report(rule, o, n, d);
}

fn buckets_changed(sink: &mut Sink<'_>, o: &Metric, n: &Metric) {
    let (Some(before), Some(after)) = (&o.buckets, &n.buckets) else {
        return;
    };
    if before == after {
        return;
    }
    let show = |b: &Buckets| match b {
        Buckets::Runtime => "set at run time".to_owned(),
        Buckets::Bounds(bounds) => format!("[{}]", format_bounds(bounds)),
    };
    let detail = match (before, after) {
        (Buckets::Bounds(a), Buckets::Bounds(b)) => {
            let gone: Vec<f64> = a.iter().copied().filter(|x| !b.contains(x)).collect();
            let new: Vec<f64> = b.iter().copied().filter(|x| !a.contains(x)).collect();
            let mut parts = Vec::new();
            if !gone.is_empty() {
                parts.push(format!("bounds {} removed", format_bounds(&gone)));
            }
            if !new.is_empty() {
                parts.push(format!("bounds {} added", format_bounds(&new)));
            }
            parts.join(", ")
        }
        _ => format!("{} -> {}", show(before), show(after)),
    };
    let rule = &r::buckets_changed::RULE;
    let d = Diagnostic::new(
        rule,
        at_key(n, "buckets"),
        format!(
            "the buckets of histogram `{}` changed: {detail}",
            n.full_name
        ),
    )
    .label(format!("was {}", show(before)))
    .help("`histogram_quantile` over a range that spans the change mixes both layouts; keep the bounds, or accept the change with `allow = [\"buckets-changed\"]`");
    sink.report(rule, o, n, d);
}

/// Bucket bounds as the docs show them: `0.3, 0.5, 1`.
pub(crate) fn format_bounds(bounds: &[f64]) -> String {
    bounds
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn lifecycle_changed(sink: &mut Sink<'_>, o: &Metric, n: &Metric) {
    let rewritten = &r::lifecycle_rewritten::RULE;
    let Some(dep) = &o.schedule.deprecated else {
        return;
    };
    match &n.schedule.deprecated {
        None => {
            let d = Diagnostic::new(
                rewritten,
                n.header,
                format!("the deprecation of `{}` in {dep} was erased", n.full_name),
            )
            .label(format!("was deprecated in {dep}"))
            .help(format!(
                "keep `deprecated = \"{}\"`: users were told, and dashboards are migrating",
                dep.minor_line_or_full()
            ));
            sink.report(rewritten, o, n, d);
            return;
        }
        Some(now) if now != dep => {
            let d = Diagnostic::new(
                rewritten,
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
            sink.report(rewritten, o, n, d);
            return;
        }
        Some(_) => {}
    }
    // Same deprecation: the hiding and removal dates may only move later.
    let earlier = |before: &Option<Version>, after: &Option<Version>| match (before, after) {
        (Some(b), Some(a)) if a < b => Some((b.clone(), a.clone())),
        _ => None,
    };
    let hidden = earlier(&o.schedule.hidden, &n.schedule.hidden);
    let removed = earlier(&o.schedule.removed, &n.schedule.removed);
    if o.lifecycle == n.lifecycle {
        // The dates are written as before: the policy window shrank under the metric.
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
        let rule = &r::removed_without_deprecation::RULE;
        let d = Diagnostic::new(
            rule,
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
        sink.report(rule, o, n, d);
        return;
    }
    if let Some((before, after)) = hidden {
        let d = Diagnostic::new(
            rewritten,
            n.keys.value("hidden").unwrap_or(n.header),
            format!(
                "`{}` is now hidden from {after}, earlier than the {before} the previous release announced",
                n.full_name
            ),
        )
        .label(format!("was hidden from {before}"))
        .help(format!("hide it no earlier than {before}"));
        sink.report(rewritten, o, n, d);
    }
    if let Some((before, after)) = removed {
        let d = Diagnostic::new(
            rewritten,
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
        sink.report(rewritten, o, n, d);
    }
}

trait VersionText {
    fn minor_line_or_full(&self) -> String;
}

impl VersionText for Version {
    /// `X.Y` for `X.Y.0`, else `X.Y.Z`: how a catalogue usually writes it.
    fn minor_line_or_full(&self) -> String {
        if self.patch() == 0 && self.pre_release().is_none() {
            self.minor_line()
        } else {
            self.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            BaselineSpec::parse("git:v0.10.0:examples/vllm/metrics.toml").unwrap(),
            BaselineSpec::Git {
                rev: "v0.10.0".into(),
                path: "examples/vllm/metrics.toml".into()
            }
        );
        assert_eq!(
            BaselineSpec::parse("old/metrics.toml").unwrap(),
            BaselineSpec::File("old/metrics.toml".into())
        );
        for bad in ["git:", "git:HEAD", "git::x.toml", "git:HEAD:"] {
            let err = BaselineSpec::parse(bad).unwrap_err();
            assert!(err.to_string().contains("git:REV:PATH"), "{bad}: {err}");
        }
    }

    #[test]
    fn severities() {
        let rule = &r::type_changed::RULE;
        assert_eq!(severity(rule, Stability::Stable), Severity::Error);
        assert_eq!(severity(rule, Stability::Beta), Severity::Error);
        assert_eq!(severity(rule, Stability::Alpha), Severity::Warning);
        let buckets = &r::buckets_changed::RULE;
        assert_eq!(severity(buckets, Stability::Stable), Severity::Warning);
    }
}
