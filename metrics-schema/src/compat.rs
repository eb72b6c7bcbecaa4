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

use crate::catalogue::{Catalogue, Metric};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::{Stability, Version};
use crate::lint::{Check, Rule};
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

/// Reads the text of the catalogue named by `spec` (a path, `-` for standard input, or
/// `git:REV:PATH` run with git in directory `dir`), refusing directories, special files,
/// non-UTF-8 and empty files as [`crate::read_catalogue`] does, with the default size
/// limit.
pub fn read_spec(spec: &str, dir: &Path) -> Result<String, LoadError> {
    read_spec_limited(spec, dir, crate::io::DEFAULT_MAX_INPUT_SIZE)
}

/// [`read_spec`] with a size limit of `limit` bytes (a git blob larger than it is refused
/// too).
pub fn read_spec_limited(spec: &str, dir: &Path, limit: u64) -> Result<String, LoadError> {
    match BaselineSpec::parse(spec)? {
        BaselineSpec::File(path) if path == crate::io::STDIN => {
            crate::read_catalogue_limited(Path::new(&path), limit)
        }
        BaselineSpec::File(path) => {
            crate::read_catalogue_limited(&dir.join(path), limit).map_err(|mut e| {
                e.path = spec.to_owned();
                e
            })
        }
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
            if out.stdout.len() as u64 > limit {
                return Err(LoadError {
                    path: spec.to_owned(),
                    kind: LoadErrorKind::TooLarge { limit },
                });
            }
            crate::catalogue_text(out.stdout, spec)
        }
    }
}

/// Reads and checks the catalogue named by `spec` (see [`read_spec`]), at most
/// [`Options::max_input_size`] bytes. The file name in diagnostics is `spec` as given
/// (`<stdin>` for `-`).
pub fn load_spec(spec: &str, dir: &Path, options: &Options) -> Result<Checked, LoadError> {
    let text = read_spec_limited(spec, dir, options.max_input_size)?;
    Ok(crate::check(
        &text,
        &crate::shown_path(Path::new(spec)),
        options,
    ))
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
    /// The one-line hint to print when some breaking change is only a warning because the
    /// baseline gave the metric the `alpha` stability (the default): how to make breaking
    /// changes errors. `None` when no breaking change was downgraded.
    pub fn alpha_hint(&self) -> Option<String> {
        let downgraded = self
            .all()
            .filter(|d| {
                d.severity == Severity::Warning
                    && crate::lint::rule(d.rule).is_some_and(|r| r.severity == Severity::Error)
            })
            .count();
        (downgraded > 0).then(|| {
            format!(
                "note: {downgraded} breaking change(s) reported as warnings because the \
                 baseline's metrics are `alpha` (the default stability): set \
                 `stability = \"beta\"` or `\"stable\"` under [catalogue] (or on the \
                 metric) to make them errors"
            )
        })
    }

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

/// What a compatibility check sees, and where it reports: the new catalogue, the version,
/// and the candidates for "did you rename it".
pub(crate) struct Context<'a> {
    /// The catalogue being released.
    pub new_cat: &'a Catalogue,
    /// The version it is evaluated at, if known.
    pub at: Option<&'a Version>,
    /// Names of new metrics the baseline did not have, for rename suggestions.
    pub rename_candidates: &'a [&'a str],
    found: Compatibility,
}

impl Context<'_> {
    /// Reports about a metric of both catalogues, with the severity the baseline's
    /// stability gives `rule`; warnings are dropped when the new metric or catalogue
    /// allows the rule.
    pub fn report(&mut self, rule: &'static Rule, old: &Metric, new: &Metric, d: Diagnostic) {
        let severity = severity(rule, old.stability);
        if severity == Severity::Warning && (new.allows(rule.id) || self.new_cat.allows(rule.id)) {
            return;
        }
        let mut d = d.metric(&new.full_name);
        d.severity = severity;
        self.found.new.push(d);
    }

    /// Reports about a metric deleted from the new catalogue, located in the baseline;
    /// warnings are dropped when the new catalogue allows the rule.
    pub fn report_deleted(&mut self, rule: &'static Rule, old: &Metric, d: Diagnostic) {
        let severity = severity(rule, old.stability);
        if severity == Severity::Warning && self.new_cat.allows(rule.id) {
            return;
        }
        let mut d = d.metric(&old.full_name);
        d.severity = severity;
        self.found.baseline.push(d);
    }
}

/// Above this many (deleted, added) pairs, deleted metrics get no rename suggestion.
const MAX_RENAME_PAIRS: usize = 1_000_000;

/// One pass over the baseline's metrics; every compatibility rule's check (in its file
/// under `lint/rules/`) sees each metric with its namesake in the new catalogue.
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
    let checks: Vec<_> = crate::lint::rules()
        .iter()
        .filter_map(|rule| match rule.check {
            Check::Baseline(check) => Some(check),
            _ => None,
        })
        .collect();
    let mut cx = Context {
        new_cat: new,
        at,
        rename_candidates: candidates,
        found: Compatibility::default(),
    };
    for o in old.complete_metrics() {
        let n = by_full.get(o.full_name.as_str()).copied();
        for check in &checks {
            check(&mut cx, o, n);
        }
    }
    cx.found
}

/// The span of key `key` of `m` (its value when written), else the metric's header.
pub(crate) fn at_key(m: &Metric, key: &str) -> Span {
    m.keys.value(key).unwrap_or(m.header)
}

/// Bucket bounds as the docs show them: `0.3, 0.5, 1`.
pub(crate) fn format_bounds(bounds: &[f64]) -> String {
    bounds
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The hiding and removal dates, `(before, after)`, that moved earlier for a metric
/// deprecated in the same release in both catalogues; `None` when the deprecation differs.
pub(crate) struct EarlierDates {
    /// `hidden`, when it moved earlier.
    pub hidden: Option<(Version, Version)>,
    /// `removed`, when it moved earlier.
    pub removed: Option<(Version, Version)>,
}

/// See [`EarlierDates`].
pub(crate) fn earlier_dates(o: &Metric, n: &Metric) -> Option<EarlierDates> {
    let (Some(before), Some(now)) = (&o.schedule.deprecated, &n.schedule.deprecated) else {
        return None;
    };
    if before != now {
        return None;
    }
    let earlier = |before: &Option<Version>, after: &Option<Version>| match (before, after) {
        (Some(b), Some(a)) if a < b => Some((b.clone(), a.clone())),
        _ => None,
    };
    Some(EarlierDates {
        hidden: earlier(&o.schedule.hidden, &n.schedule.hidden),
        removed: earlier(&o.schedule.removed, &n.schedule.removed),
    })
}

/// How a catalogue writes a version.
pub(crate) trait VersionText {
    /// `X.Y` for `X.Y.0`, else `X.Y.Z`.
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
    use crate::lint::rules as r;

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
