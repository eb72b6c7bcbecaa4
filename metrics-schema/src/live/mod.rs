//! Live checks: what a running program exposes (a parsed scrape, see
//! [`crate::exposition`]) against the catalogue at a version.
//!
//! One pass over the scrape's families reports every `live-*` rule (the rule texts live in
//! `lint/rules/` with the others). A family maps to a catalogue metric through its exposed
//! names, as PromQL references do ([`crate::refs::Resolver`]); names outside the
//! catalogue's namespace and names declared under `external` are not checked. Findings
//! about the scrape point at its lines and name the catalogue entry in their help; the
//! `live-absent` notes point at the catalogue entry.
//!
//! ```
//! use metrics_schema::exposition::{Format, parse};
//! use metrics_schema::lifecycle::Version;
//! use metrics_schema::{Options, Source, check, live};
//!
//! let toml = "[catalogue]\nnamespace = \"app\"\n\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"Requests.\"\n";
//! let checked = check(toml, "metrics.toml", &Options::default());
//! let cat = checked.catalogue.as_ref().unwrap();
//! let scrape = Source::new("scrape.txt", "# TYPE app_requests_total gauge\napp_requests_total 1\n");
//! let exposition = parse(scrape.text(), Format::Text).unwrap();
//! let at = Version::parse("1.0.0").unwrap();
//! let report = live::check(cat, &checked.source, &scrape, &exposition, &at, false);
//! assert_eq!(report.scrape[0].rule, "live-type-mismatch");
//! assert_eq!(report.scrape[0].location(), "scrape.txt:1:8");
//! ```

#[cfg(feature = "http")]
pub mod fetch;
pub mod fleet;
#[cfg(feature = "http")]
pub mod prometheus;

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::catalogue::{Buckets, Catalogue, LabelKind, Metric, MetricKind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::exposition::{Exposition, Family, Format, Kind};
use crate::lifecycle::{Status, Version};
use crate::lint::rules::{
    live_absent, live_buckets_mismatch, live_hidden_exposed, live_labels_mismatch,
    live_missing_notice, live_removed_exposed, live_too_many_values, live_type_mismatch,
    live_undeclared_label_value, live_unknown_metric,
};
use crate::refs::{Resolver, Target};
use crate::source::Source;

/// The value every open label of the runtime's overflow series carries; not counted
/// against `max_values`.
pub const OVERFLOW_VALUE: &str = "__overflow__";

/// The result of one live check.
#[derive(Clone, Debug)]
pub struct LiveReport {
    /// Findings about the scrape, located in it, in line order.
    pub scrape: Vec<Diagnostic>,
    /// `live-absent` notes, located in the catalogue, in file order.
    pub catalogue: Vec<Diagnostic>,
}

impl LiveReport {
    fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.scrape.iter().chain(&self.catalogue)
    }

    /// The number of errors, warnings and notes.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.all().filter(|d| d.severity == s).count();
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        )
    }
}

/// Checks `exposition`, read from `scrape`, against `cat` (read from `catalogue`) at
/// `at`. `show_hidden` says the program runs with the valid show-hidden value, so hidden
/// metrics are expected.
pub fn check(
    cat: &Catalogue,
    catalogue: &Source,
    scrape: &Source,
    exposition: &Exposition,
    at: &Version,
    show_hidden: bool,
) -> LiveReport {
    let resolver = Resolver::new(cat);
    let index: HashMap<&str, usize> = cat
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| (m.full_name.as_str(), i))
        .collect();
    let mut pass = Pass {
        cat,
        catalogue,
        at,
        show_hidden,
        format: exposition.format,
        resolver: &resolver,
        index: &index,
        found: Vec::new(),
        seen: HashSet::new(),
        type_reported: HashSet::new(),
    };
    for family in &exposition.families {
        pass.family(family);
    }
    let mut found = pass.found;
    for d in &mut found {
        d.locate(scrape);
    }
    found.sort_by_key(|d| d.span.start);

    let mut absent = Vec::new();
    for (index, m) in cat.metrics.iter().enumerate() {
        if pass.seen.contains(&index) || !m.complete || !m.is_exposed_at(at, show_hidden) {
            continue;
        }
        let why = if m.labels.is_empty() {
            "it has no labels, so it should appear from the start".to_owned()
        } else {
            "a family with labels appears after its first observation".to_owned()
        };
        let mut d = Diagnostic::new(
            &live_absent::RULE,
            m.header,
            format!("`{}` is not in the scrape ({why})", m.full_name),
        )
        .label(format!("{} at {at}", m.status_at(at)))
        .metric(&m.full_name);
        d.locate(catalogue);
        absent.push(d);
    }
    LiveReport {
        scrape: found,
        catalogue: absent,
    }
}

struct Pass<'a> {
    cat: &'a Catalogue,
    catalogue: &'a Source,
    at: &'a Version,
    show_hidden: bool,
    format: Format,
    resolver: &'a Resolver<'a>,
    /// Full name -> position in the catalogue's metrics.
    index: &'a HashMap<&'a str, usize>,
    found: Vec<Diagnostic>,
    /// Metrics (by index) the scrape exposes.
    seen: HashSet<usize>,
    /// Metrics whose type mismatch was reported (untyped samples come one family each).
    type_reported: HashSet<usize>,
}

impl<'a> Pass<'a> {
    fn declared(&self, m: &Metric, key: &str) -> String {
        let span = m.keys.key(key).unwrap_or(m.header);
        let p = self.catalogue.position(span.start);
        format!("{}:{}:{}", self.catalogue.name(), p.line, p.column)
    }

    fn family(&mut self, f: &'a Family) {
        if self.cat.is_external(&f.name) {
            return;
        }
        let metric = match self.resolver.resolve(&f.name) {
            Target::Sample { metric, .. } | Target::Family(metric) => metric,
            Target::Record | Target::Foreign => return,
            Target::Unknown => {
                self.unknown(f);
                return;
            }
        };
        let Some(&index) = self.index.get(metric.full_name.as_str()) else {
            return;
        };
        self.seen.insert(index);
        let m = metric;
        match m.status_at(self.at) {
            Status::Removed => {
                self.removed(f, m);
                return;
            }
            Status::Hidden if !self.show_hidden => {
                self.hidden(f, m);
                return;
            }
            Status::Deprecated | Status::Hidden => self.notice(f, m),
            Status::Active => {}
        }
        if f.samples.is_empty() && !f.typed {
            return;
        }
        if !self.kind(f, m, index) {
            return;
        }
        self.labels(f, m);
        self.buckets(f, m);
    }

    fn unknown(&mut self, f: &Family) {
        let candidates: Vec<String> = self
            .cat
            .metrics
            .iter()
            .flat_map(|m| {
                let names = m.exposed_names();
                std::iter::once(names.family).chain(names.samples)
            })
            .collect();
        let help = crate::suggest::did_you_mean(&f.name, candidates.iter().map(String::as_str))
            .map(|s| format!("{s} Otherwise declare it"))
            .unwrap_or_else(|| "declare it".to_owned());
        let d = Diagnostic::new(
            &live_unknown_metric::RULE,
            f.span,
            format!(
                "`{}` ({}) is exposed but not declared in the catalogue",
                f.name,
                f.kind.as_str(self.format)
            ),
        )
        .label("unknown metric")
        .help(format!(
            "{help} in the catalogue (`schema import` drafts an entry from this scrape), or list it under `external` in [catalogue] when other code exposes it"
        ));
        self.found.push(d);
    }

    fn removed(&mut self, f: &Family, m: &Metric) {
        let removed = m
            .schedule
            .removed
            .as_ref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default();
        let d = Diagnostic::new(
            &live_removed_exposed::RULE,
            f.span,
            format!(
                "`{}` was removed{removed} but is still exposed at {}",
                m.full_name, self.at
            ),
        )
        .label("removed metric")
        .help(format!(
            "{} `{}` is declared at {}",
            self.replacement(m),
            m.full_name,
            self.declared(m, "removed")
        ))
        .metric(&m.full_name);
        self.found.push(d);
    }

    fn hidden(&mut self, f: &Family, m: &Metric) {
        let show = crate::lifecycle::show_hidden_value(self.at)
            .map(|v| {
                format!(
                    "if the program runs with show-hidden {0}, pass `--show-hidden {0}`; otherwise ",
                    v.minor_line()
                )
            })
            .unwrap_or_default();
        let hidden = m
            .schedule
            .hidden
            .as_ref()
            .map(|h| format!(" since {h}"))
            .unwrap_or_default();
        let d = Diagnostic::new(
            &live_hidden_exposed::RULE,
            f.span,
            format!(
                "`{}` is hidden{hidden} but exposed at {} without the show-hidden value",
                m.full_name, self.at
            ),
        )
        .label("hidden metric")
        .help(format!(
            "{show}the program does not run {} of the catalogue. {} `{}` is declared at {}",
            self.at,
            self.replacement(m),
            m.full_name,
            self.declared(m, "deprecated")
        ))
        .metric(&m.full_name);
        self.found.push(d);
    }

    fn replacement(&self, m: &'a Metric) -> String {
        match self.resolver.replacement(m, Some(self.at)) {
            Some(to) => format!("Its replacement is `{}`.", to.full_name),
            None => "It has no replacement.".to_owned(),
        }
    }

    fn notice(&mut self, f: &Family, m: &Metric) {
        let Some(notice) = m.deprecation_notice() else {
            return;
        };
        if f.help.as_deref().is_some_and(|h| h.contains(&notice)) {
            return;
        }
        let span = f.span;
        let d = Diagnostic::new(
            &live_missing_notice::RULE,
            span,
            format!(
                "`{}` is {} at {} but its HELP lacks the deprecation notice",
                m.full_name,
                m.status_at(self.at),
                self.at
            ),
        )
        .label("expected the notice in this family's HELP")
        .help(format!(
            "the HELP should read `{}` (declared at {})",
            m.help_at(self.at),
            self.declared(m, "deprecated")
        ))
        .metric(&m.full_name);
        if !m.allows(live_missing_notice::RULE.id) && !self.cat.allows(live_missing_notice::RULE.id)
        {
            self.found.push(d);
        }
    }

    /// Reports a type mismatch; false when the family's type differs.
    fn kind(&mut self, f: &Family, m: &Metric, index: usize) -> bool {
        let expected = match (m.kind, self.format) {
            (MetricKind::Counter, _) => Kind::Counter,
            (MetricKind::Gauge, _) => Kind::Gauge,
            (MetricKind::Histogram, _) => Kind::Histogram,
            (MetricKind::Info, Format::OpenMetrics) => Kind::Info,
            (MetricKind::Info, Format::Text) => Kind::Gauge,
        };
        let family_name = match (m.kind, self.format) {
            (MetricKind::Counter, Format::Text) => format!("{}_total", m.full_name),
            (MetricKind::Info, Format::Text) => format!("{}_info", m.full_name),
            _ => m.full_name.clone(),
        };
        if f.kind == expected && f.name == family_name {
            return true;
        }
        if !self.type_reported.insert(index) {
            return false;
        }
        let exposed = if f.typed {
            format!("a {} family `{}`", f.kind.as_str(self.format), f.name)
        } else {
            format!("`{}` without `# TYPE` (untyped)", f.name)
        };
        let d = Diagnostic::new(
            &live_type_mismatch::RULE,
            f.span,
            format!(
                "`{}` is a {} in the catalogue, but the scrape has {exposed}",
                m.full_name, m.kind
            ),
        )
        .label(format!(
            "expected {} `{family_name}`",
            expected.as_str(self.format)
        ))
        .help(format!(
            "in the {} format a {} is exposed as `# TYPE {family_name} {}`; `{}` is declared at {}",
            self.format,
            m.kind,
            expected.as_str(self.format),
            m.full_name,
            self.declared(m, "type")
        ))
        .metric(&m.full_name);
        self.found.push(d);
        false
    }

    fn labels(&mut self, f: &Family, m: &Metric) {
        let declared: BTreeSet<&str> = m.labels.iter().map(|l| l.name.as_str()).collect();
        let mut mismatch_reported = false;
        let mut undeclared: HashSet<(&str, &str)> = HashSet::new();
        let mut open_values: HashMap<&str, HashSet<&str>> = HashMap::new();
        let mut too_many_reported: HashSet<&str> = HashSet::new();
        for s in &f.samples {
            let names: BTreeSet<&str> = s
                .labels
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| !(*k == "le" && m.kind == MetricKind::Histogram))
                .collect();
            if names != declared {
                if !mismatch_reported {
                    mismatch_reported = true;
                    let missing: Vec<&str> = declared.difference(&names).copied().collect();
                    let extra: Vec<&str> = names.difference(&declared).copied().collect();
                    let mut parts = Vec::new();
                    if !missing.is_empty() {
                        parts.push(format!("missing `{}`", missing.join("`, `")));
                    }
                    if !extra.is_empty() {
                        parts.push(format!("not declared `{}`", extra.join("`, `")));
                    }
                    let d = Diagnostic::new(
                        &live_labels_mismatch::RULE,
                        s.span,
                        format!(
                            "`{}` has labels {{{}}} in the scrape, but the catalogue declares {{{}}}",
                            s.name,
                            names.iter().copied().collect::<Vec<_>>().join(", "),
                            declared.iter().copied().collect::<Vec<_>>().join(", "),
                        ),
                    )
                    .label(parts.join("; "))
                    .help(format!(
                        "the metric's `labels` are declared at {}",
                        self.declared(m, "labels")
                    ))
                    .metric(&m.full_name);
                    self.found.push(d);
                }
                continue;
            }
            for label in &m.labels {
                let Some(value) = s.label(&label.name) else {
                    continue;
                };
                match &label.kind {
                    LabelKind::Closed { values } => {
                        if values.iter().any(|v| v == value)
                            || !undeclared.insert((label.name.as_str(), value))
                        {
                            continue;
                        }
                        let at = label.keys.key("values").unwrap_or(label.header);
                        let p = self.catalogue.position(at.start);
                        let d = Diagnostic::new(
                            &live_undeclared_label_value::RULE,
                            s.span,
                            format!(
                                "label `{}` of `{}` has value {value:?}, which its `values` do not list",
                                label.name, m.full_name
                            ),
                        )
                        .label("undeclared value")
                        .help(format!(
                            "declared values: {}; the list is at {}:{}:{}",
                            values
                                .iter()
                                .map(|v| format!("{v:?}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            self.catalogue.name(),
                            p.line,
                            p.column
                        ))
                        .metric(&m.full_name);
                        self.found.push(d);
                    }
                    LabelKind::Open {
                        max_values: Some(max),
                    } => {
                        if value == OVERFLOW_VALUE {
                            continue;
                        }
                        let seen = open_values.entry(label.name.as_str()).or_default();
                        seen.insert(value);
                        if seen.len() as u64 > *max && too_many_reported.insert(label.name.as_str())
                        {
                            let p = self.catalogue.position(label.header.start);
                            let d = Diagnostic::new(
                                &live_too_many_values::RULE,
                                s.span,
                                format!(
                                    "label `{}` of `{}` has more than {max} distinct values (its `max_values`) in this scrape",
                                    label.name, m.full_name
                                ),
                            )
                            .label(format!("value number {} here", seen.len()))
                            .help(format!(
                                "raise `max_values` if real traffic needs it, or bound the label in the program; the label is declared at {}:{}:{}",
                                self.catalogue.name(),
                                p.line,
                                p.column
                            ))
                            .metric(&m.full_name);
                            if !m.allows(live_too_many_values::RULE.id)
                                && !self.cat.allows(live_too_many_values::RULE.id)
                            {
                                self.found.push(d);
                            }
                        }
                    }
                    LabelKind::Open { max_values: None } => {}
                }
            }
        }
    }

    fn buckets(&mut self, f: &Family, m: &Metric) {
        let Some(Buckets::Bounds(bounds)) = &m.buckets else {
            return;
        };
        let bucket = format!("{}_bucket", m.full_name);
        let mut first = None;
        let mut les: Vec<f64> = Vec::new();
        for s in f.samples.iter().filter(|s| s.name == bucket) {
            first.get_or_insert(s);
            let Some(le) = s.label("le") else { continue };
            let Some(v) = parse_le(le) else { continue };
            if v.is_finite() && !les.contains(&v) {
                les.push(v);
            }
        }
        let Some(first) = first else { return };
        les.sort_by(f64::total_cmp);
        if les == *bounds {
            return;
        }
        let show = |b: &[f64]| b.iter().map(f64::to_string).collect::<Vec<_>>().join(", ");
        let d = Diagnostic::new(
            &live_buckets_mismatch::RULE,
            first.span,
            format!(
                "`{}` has bucket bounds [{}] in the scrape, but the catalogue declares [{}]",
                m.full_name,
                show(&les),
                show(bounds)
            ),
        )
        .label("bucket bounds differ")
        .help(format!(
            "the metric's `buckets` are declared at {}",
            self.declared(m, "buckets")
        ))
        .metric(&m.full_name);
        self.found.push(d);
    }
}

/// An `le` label value as a number (`+Inf` included).
fn parse_le(le: &str) -> Option<f64> {
    match le {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        _ => le.parse().ok(),
    }
}
