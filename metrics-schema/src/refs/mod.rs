//! Reference checks: the metric names PromQL expressions use — in the catalogue's own
//! `[[alert]]` and `[[record]]` rules, in a Prometheus rule file, in a Grafana dashboard —
//! checked against the catalogue at a version.
//!
//! A name maps back to a catalogue metric through its exposed sample names (a counter's
//! `_total`, a histogram's `_bucket`, `_sum` and `_count`). Names outside the catalogue's
//! namespace belong to other programs and are not checked; names recorded by recording
//! rules are known, and so are the names the catalogue declares as other programs' inside
//! its namespace (`[[external]]`). A name under one of the catalogue's re-export prefixes
//! (`[catalogue] reexport_prefixes`, Ray Serve's `ray_vllm_`) is resolved as the same
//! name under the catalogue's own prefix. Then:
//!
//! - unknown names, and family names that are no series (`x` of counter `x`), are
//!   `unknown-metric-reference` errors;
//! - metrics hidden or removed at the version are `removed-metric-reference` errors naming
//!   the replacement;
//! - deprecated metrics are `deprecated-metric-reference` warnings naming the replacement;
//! - metrics introduced after the version are `future-metric-reference` warnings.

pub mod dashboard_file;
pub mod loaded;
pub mod rule_file;
pub(crate) mod tree;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::catalogue::{Catalogue, External, Metric, RuleRef};
use crate::diagnostic::Diagnostic;
use crate::lifecycle::{Status, Version};
use crate::lint::rules::{
    deprecated_metric_reference, future_metric_reference, invalid_promql, missing_label_reference,
    removed_metric_reference, unknown_metric_reference,
};
use crate::promql::{Expression, Located};
use crate::source::Source;

/// Series that Prometheus itself writes: never a catalogue's metric, even without a
/// namespace.
const PROMETHEUS_SERIES: &[&str] = &[
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
    "ALERTS",
    "ALERTS_FOR_STATE",
];

/// What a referenced name is, for a catalogue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target<'a> {
    /// A sample name of `metric`: its full name followed by `suffix` (`""`, `"_total"`,
    /// `"_bucket"`, ...).
    Sample {
        /// The metric.
        metric: &'a Metric,
        /// What follows the full name in the sample name.
        suffix: &'static str,
    },
    /// The family name of a metric whose samples are named otherwise (a counter without
    /// `_total`, a histogram without `_bucket`): no series has this name.
    Family(&'a Metric),
    /// A series recorded by a recording rule.
    Record,
    /// A name another program exposes in the catalogue's namespace (`[[external]]`):
    /// known, not the catalogue's, not checked further.
    External(&'a External),
    /// In the catalogue's namespace, but no metric or rule produces it.
    Unknown,
    /// Outside the catalogue's namespace: another program's metric, not checked.
    Foreign,
}

/// Resolves referenced names against one catalogue.
#[derive(Clone, Debug)]
pub struct Resolver<'a> {
    cat: &'a Catalogue,
    /// Sample name -> (metric index, length of the full name).
    samples: HashMap<String, (usize, usize)>,
    /// Family names that are no sample name -> metric index.
    families: HashMap<String, usize>,
    records: HashSet<String>,
    /// External name -> index in the catalogue's `externals`.
    externals: HashMap<String, usize>,
    prefix: Option<String>,
}

impl<'a> Resolver<'a> {
    /// A resolver for `cat`; the catalogue's own recording rules are known names.
    pub fn new(cat: &'a Catalogue) -> Resolver<'a> {
        let mut samples = HashMap::new();
        let mut families = HashMap::new();
        for (index, m) in cat.metrics.iter().enumerate() {
            if m.full_name.is_empty() {
                continue;
            }
            let names = m.exposed_names();
            for sample in &names.samples {
                samples
                    .entry(sample.clone())
                    .or_insert((index, m.full_name.len()));
            }
            if !names.samples.contains(&names.family) {
                families.entry(names.family).or_insert(index);
            }
        }
        let prefix = cat
            .namespace
            .as_deref()
            .filter(|ns| !ns.is_empty())
            .map(|ns| format!("{ns}{}", cat.separator.as_str()));
        let mut externals = HashMap::new();
        for (index, e) in cat.externals.iter().enumerate() {
            for name in e.names() {
                externals.entry(name).or_insert(index);
            }
        }
        let mut resolver = Resolver {
            cat,
            samples,
            families,
            records: HashSet::new(),
            externals,
            prefix,
        };
        for rule in cat.rules() {
            if let RuleRef::Record(r) = rule {
                resolver.add_record(&r.name);
            }
        }
        resolver
    }

    /// Makes `name`, recorded by some recording rule, a known name.
    pub fn add_record(&mut self, name: &str) {
        if !name.is_empty() {
            self.records.insert(name.to_owned());
        }
    }

    /// The catalogue.
    pub fn catalogue(&self) -> &'a Catalogue {
        self.cat
    }

    /// What `name` refers to. A name under a re-export prefix resolves as the same name
    /// under the catalogue's own prefix.
    pub fn resolve(&self, name: &str) -> Target<'a> {
        let (_, canonical) = self.canonical(name);
        self.resolve_canonical(&canonical)
    }

    fn resolve_canonical(&self, name: &str) -> Target<'a> {
        if let Some(&(index, len)) = self.samples.get(name) {
            return Target::Sample {
                metric: &self.cat.metrics[index],
                suffix: sample_suffix(name.get(len..).unwrap_or_default()),
            };
        }
        if self.records.contains(name) {
            return Target::Record;
        }
        if let Some(&index) = self.externals.get(name) {
            return Target::External(&self.cat.externals[index]);
        }
        // `[catalogue] external` names and prefixes: another program's, never reported.
        if self.cat.is_external(name) {
            return Target::Foreign;
        }
        if let Some(&index) = self.families.get(name) {
            return Target::Family(&self.cat.metrics[index]);
        }
        // The runtime's own label-overflow counter: known, never reported.
        if self.cat.is_runtime_metric(name) {
            return Target::Foreign;
        }
        let in_scope = match &self.prefix {
            Some(prefix) => name.starts_with(prefix.as_str()),
            None => !PROMETHEUS_SERIES.contains(&name),
        };
        if in_scope {
            Target::Unknown
        } else {
            Target::Foreign
        }
    }

    /// The re-export prefix `name` is written under, if any, and the name under the
    /// catalogue's own prefix (`ray_vllm_x` -> `vllm:x` for prefix `ray_vllm_`).
    pub fn canonical<'n>(&self, name: &'n str) -> (Option<&'a str>, Cow<'n, str>) {
        let own = self.prefix.as_deref().unwrap_or_default();
        for prefix in &self.cat.reexport_prefixes {
            let prefix = prefix.value.as_str();
            if let Some(rest) = name.strip_prefix(prefix)
                && !prefix.is_empty()
                && (own.is_empty() || !name.starts_with(own))
            {
                return (Some(prefix), Cow::Owned(format!("{own}{rest}")));
            }
        }
        (None, Cow::Borrowed(name))
    }

    /// `name`, a name under the catalogue's own prefix, spelled under re-export prefix
    /// `via` (as is without one).
    pub fn respell(&self, via: Option<&str>, name: &str) -> String {
        let own = self.prefix.as_deref().unwrap_or_default();
        match (via, name.strip_prefix(own)) {
            (Some(via), Some(rest)) => format!("{via}{rest}"),
            _ => name.to_owned(),
        }
    }

    /// The metric that replaces `m` at `at`: its `replaced_by`, followed while the
    /// replacement is itself deprecated, hidden or removed at `at`
    /// ([`standing_in`](crate::suggest::standing_in)). `None` without a replacement, or when
    /// the chain ends at a metric hidden or removed at `at`: one is never proposed.
    pub fn replacement(&self, m: &'a Metric, at: Option<&Version>) -> Option<&'a Metric> {
        let first = self.cat.metric(m.replaced_by.as_deref()?)?;
        crate::suggest::standing_in(self.cat, first, at).filter(|to| to.name != m.name)
    }

    /// The sample name that replaces sample `name` of `m` when the replacement is a
    /// rename: same type and same labels, active at `at`.
    /// A name under a re-export prefix is renamed under the same prefix.
    pub fn renamed(&self, m: &'a Metric, name: &str, at: &Version) -> Option<String> {
        let to = self.replacement(m, Some(at))?;
        if !is_rename(m, to) || to.status_at(at) != Status::Active {
            return None;
        }
        let (via, canonical) = self.canonical(name);
        let suffix = canonical.strip_prefix(m.full_name.as_str())?;
        Some(self.respell(via, &format!("{}{suffix}", to.full_name)))
    }

    /// The problem with reference `r` at version `at`, if any. Without a version, only
    /// unknown names are found.
    pub fn check(&self, r: &Located, at: Option<&Version>) -> Option<Diagnostic> {
        let name = r.name.as_str();
        let (metric, suffix) = match self.resolve(name) {
            Target::Record | Target::Foreign | Target::External(_) => return None,
            Target::Unknown => return Some(self.unknown(r, at)),
            Target::Family(m) => {
                let proposed = crate::suggest::standing_in(self.cat, m, at);
                return Some(unknown_metric_reference::family(r, m, proposed, at));
            }
            Target::Sample { metric, suffix } => (metric, suffix),
        };
        let at = at?;
        let status = metric.status_at(at);
        let d = match status {
            Status::Active => {
                let since = metric.since.as_ref().filter(|s| **s > at.release())?;
                future_metric_reference::diagnostic(r, since, at)
            }
            Status::Deprecated => deprecated_metric_reference::diagnostic(
                r,
                metric,
                self.replacement_help(metric, suffix, at, self.canonical(name).0),
            ),
            Status::Hidden | Status::Removed => removed_metric_reference::diagnostic(
                r,
                metric,
                status,
                at,
                self.replacement_help(metric, suffix, at, self.canonical(name).0),
            ),
        };
        Some(d.metric(&metric.full_name))
    }

    /// The labels reference `r` requires that its metric's series do not carry at `at`
    /// (by the label's history).
    pub fn check_labels(&self, r: &Located, at: &Version) -> Vec<Diagnostic> {
        let Target::Sample { metric, .. } = self.resolve(&r.name) else {
            return Vec::new();
        };
        if metric.label_history.is_empty()
            || matches!(metric.status_at(at), Status::Hidden | Status::Removed)
        {
            return Vec::new();
        }
        r.required_labels
            .iter()
            .filter_map(|label| {
                let h = metric.label_history(&label.name)?;
                (!h.present_at(at))
                    .then(|| missing_label_reference::diagnostic(label, metric, h, at))
            })
            .collect()
    }

    fn replacement_help(
        &self,
        m: &'a Metric,
        suffix: &str,
        at: &Version,
        via: Option<&str>,
    ) -> String {
        let note = m
            .note
            .as_deref()
            .map(|n| format!(" Note: {}", n.trim()))
            .unwrap_or_default();
        let Some(to) = self.replacement(m, Some(at)) else {
            let exposed = if m.replaced_by.is_some() {
                format!(" exposed at {at}")
            } else {
                String::new()
            };
            return format!(
                "`{}` has no replacement{exposed}: remove the reference.{note}",
                m.full_name
            );
        };
        if is_rename(m, to) {
            let migrate = if to.status_at(at) == Status::Active {
                " (`schema migrate` rewrites it)"
            } else {
                ""
            };
            let new = self.respell(via, &format!("{}{suffix}", to.full_name));
            format!("use `{new}` instead{migrate}.{note}")
        } else {
            let samples: Vec<String> = to
                .exposed_names()
                .samples
                .iter()
                .map(|s| self.respell(via, s))
                .collect();
            format!(
                "use {} `{}` instead (samples `{}`); it is not a plain rename (type or labels differ), so adapt the expression.{note}",
                to.kind,
                self.respell(via, &to.full_name),
                samples.join("`, `")
            )
        }
    }

    /// An unknown name: the hint proposes the closest known name, never a metric hidden or
    /// removed at `at`, and the replacement of a replaced metric rather than its name.
    fn unknown(&self, r: &Located, at: Option<&Version>) -> Diagnostic {
        // A name under a re-export prefix is matched as the catalogue's own, and the hint
        // is spelled back under that prefix.
        let (via, canonical) = self.canonical(&r.name);
        let metrics = &self.cat.metrics;
        let candidates = self
            .samples
            .iter()
            .map(|(name, &(index, _))| (name.as_str(), Some(&metrics[index])))
            .chain(self.records.iter().map(|name| (name.as_str(), None)))
            .chain(self.externals.keys().map(|name| (name.as_str(), None)));
        let proposal = crate::suggest::closest_metric(self.cat, &canonical, candidates, at, None);
        let help = match proposal {
            Some(p) => match (p.matched, p.proposed) {
                (Some(old), Some(new)) if p.is_replacement() => {
                    let suffix = p.spelling.get(old.full_name.len()..).unwrap_or_default();
                    let samples = new.exposed_names().samples;
                    let same = format!("{}{suffix}", new.full_name);
                    let sample = if samples.contains(&same) {
                        same
                    } else {
                        samples.join("`, `")
                    };
                    format!(
                        "did you mean `{}`? It replaces `{}`, which is {}",
                        self.respell(via, &sample),
                        old.full_name,
                        match at {
                            Some(at) => format!("{} at {at}", old.status_at(at)),
                            None => "deprecated".to_owned(),
                        }
                    )
                }
                _ => format!("did you mean `{}`?", self.respell(via, p.spelling)),
            },
            None => {
                "`schema status` lists the catalogue's metrics and their exposed names".to_owned()
            }
        };
        unknown_metric_reference::unknown(r, help)
    }

    /// Every problem of the expressions `exprs` at `at`, in file order: invalid PromQL and
    /// bad references.
    pub fn check_all<'e>(
        &self,
        exprs: impl IntoIterator<Item = &'e Expression>,
        at: Option<&Version>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for expr in exprs {
            match &expr.references {
                Err(e) => out.push(invalid_promql::diagnostic(expr.span, e)),
                Ok(refs) => {
                    for r in refs {
                        out.extend(self.check(r, at));
                        if let Some(at) = at {
                            out.extend(self.check_labels(r, at));
                        }
                    }
                }
            }
        }
        out
    }
}

/// True when `to` can replace `from` by renaming: same type and same labels.
fn is_rename(from: &Metric, to: &Metric) -> bool {
    fn names(m: &Metric) -> Vec<&str> {
        let mut v: Vec<&str> = m.label_refs.iter().map(|l| l.value.as_str()).collect();
        v.sort_unstable();
        v
    }
    from.kind == to.kind && names(from) == names(to)
}

/// The suffixes of exposed sample names.
fn sample_suffix(suffix: &str) -> &'static str {
    crate::lifecycle::exposition::SAMPLE_SUFFIXES
        .into_iter()
        .find(|s| *s == suffix)
        .unwrap_or("")
}

/// The reference pass ([`crate::lint::Pass::References`]): reports every problem of the
/// expressions of the catalogue's own rules, whatever its rule, in one run.
pub(crate) fn report_catalogue(cx: &mut crate::lint::Context<'_>) {
    if cx.cat.alerts.is_empty() && cx.cat.records.is_empty() {
        return;
    }
    let found = cx
        .resolver()
        .check_all(cx.cat.complete_rules().map(|r| r.expr()), cx.version);
    for d in found {
        cx.report(d);
    }
}

/// A file of PromQL expressions (rule file or dashboard), read and checked.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    /// The file's text and name.
    pub source: Source,
    /// The problems found, in file order, with positions.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every expression of a file against the catalogue at `at`.
pub fn check_file(
    resolver: &Resolver<'_>,
    source: Source,
    exprs: &[Expression],
    at: &Version,
) -> CheckedFile {
    let mut diagnostics = resolver.check_all(exprs, Some(at));
    for d in &mut diagnostics {
        d.locate(&source);
    }
    diagnostics.sort_by_key(|d| d.span.start);
    CheckedFile {
        source,
        diagnostics,
    }
}

/// A file that could not be read as a rule file or dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// `file:line:col` of the problem, or the file name.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for FileError {}

impl FileError {
    pub(crate) fn at(source: &Source, offset: usize, message: impl Into<String>) -> FileError {
        FileError {
            location: format!("{}:{}", source.name(), source.position(offset)),
            message: message.into(),
        }
    }
}
