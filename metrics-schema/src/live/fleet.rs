//! Fleet checks: the live checks run per instance over what a Prometheus server holds
//! (metadata and series of its targets) instead of one scrape, with the findings grouped
//! across instances.
//!
//! Each target's metadata (type, help, unit per family) and series (label sets) are
//! written as an exposition in memory and read back by [`crate::exposition`], so that the
//! same one-pass checks ([`super::check`]) apply. Target labels `job` and `instance` are not
//! the program's and are dropped. Prometheus cannot say which flags a process runs with:
//! an instance that exposes metrics hidden at the version is taken to run with the
//! show-hidden value, and reported once with the note `live-show-hidden` (unless
//! `show_hidden` says every instance does).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Catalogue;
use crate::diagnostic::{Diagnostic, Severity};
use crate::exposition::{Format, Kind, ParseError, parse};
use crate::lifecycle::{Status, Version, show_hidden_value};
use crate::lint::rules::{live_hidden_exposed, live_show_hidden};
use crate::source::Source;

/// One scrape target as Prometheus knows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Target {
    /// The `job` label.
    pub job: String,
    /// The `instance` label.
    pub instance: String,
    /// Family metadata (from `/api/v1/targets/metadata`).
    pub families: Vec<Meta>,
    /// Label sets of the target's series, `__name__` included (from `/api/v1/series`).
    pub series: Vec<Vec<(String, String)>>,
}

impl Target {
    /// The target that exposes `exposition` (for tests and examples: what Prometheus would
    /// hold after scraping it).
    pub fn from_exposition(
        job: &str,
        instance: &str,
        exposition: &crate::exposition::Exposition,
    ) -> Target {
        let kind = |k: Kind| k.as_str(exposition.format).replace("untyped", "unknown");
        Target {
            job: job.to_owned(),
            instance: instance.to_owned(),
            families: exposition
                .families
                .iter()
                .filter(|f| f.typed || f.help.is_some())
                .map(|f| Meta {
                    name: f.name.clone(),
                    kind: kind(f.kind),
                    help: f.help.clone().unwrap_or_default(),
                    unit: f.unit.clone().unwrap_or_default(),
                })
                .collect(),
            series: exposition
                .families
                .iter()
                .flat_map(|f| &f.samples)
                .map(|s| {
                    std::iter::once(("__name__".to_owned(), s.name.clone()))
                        .chain(s.labels.iter().cloned())
                        .collect()
                })
                .collect(),
        }
    }
}

/// A family's metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The family name.
    pub name: String,
    /// `counter`, `gauge`, ... as Prometheus reports it.
    pub kind: String,
    /// HELP.
    pub help: String,
    /// UNIT (may be empty).
    pub unit: String,
}

/// A finding shared by one or more instances.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetFinding {
    /// The rule id.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// The metric concerned, if any.
    pub metric: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// `(job, instance)` of every instance it concerns, sorted.
    pub instances: Vec<(String, String)>,
}

/// The result of a fleet check.
#[derive(Clone, Debug, Default)]
pub struct FleetReport {
    /// Grouped findings: errors, then warnings, then notes, each by rule and metric.
    pub findings: Vec<FleetFinding>,
    /// Targets whose data could not be read back (should not happen; reported, not hidden).
    pub unreadable: Vec<(String, String, ParseError)>,
    /// The number of targets checked.
    pub targets: usize,
}

impl FleetReport {
    /// The number of errors, warnings and notes (grouped findings).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        )
    }
}

/// Checks every target against `cat` at `at`.
pub fn check(
    cat: &Catalogue,
    catalogue: &Source,
    targets: &[Target],
    at: &Version,
    show_hidden: bool,
) -> FleetReport {
    let mut groups: BTreeMap<(u8, &'static str, String, String), FleetFinding> = BTreeMap::new();
    let mut report = FleetReport {
        targets: targets.len(),
        ..FleetReport::default()
    };
    for t in targets {
        let (text, format) = exposition_text(t);
        let exposition = match parse(&text, format) {
            Ok(e) => e,
            Err(e) => {
                report
                    .unreadable
                    .push((t.job.clone(), t.instance.clone(), e));
                continue;
            }
        };
        let source = Source::new(format!("{}/{}", t.job, t.instance), text);
        let mut found = super::check(cat, catalogue, &source, &exposition, at, show_hidden);
        let hidden: Vec<&Diagnostic> = found
            .scrape
            .iter()
            .filter(|d| d.rule == live_hidden_exposed::RULE.id)
            .collect();
        if !hidden.is_empty() {
            // Taken to run with the show-hidden value: check again accepting hidden
            // metrics, and say so once.
            let names: Vec<String> = cat
                .metrics
                .iter()
                .filter(|m| m.status_at(at) == Status::Hidden)
                .filter(|m| {
                    hidden
                        .iter()
                        .any(|d| d.metric.as_deref() == Some(&m.full_name))
                })
                .map(|m| format!("`{}`", m.full_name))
                .collect();
            let value = show_hidden_value(at)
                .map(|v| v.minor_line())
                .unwrap_or_default();
            let next = at.add_minors(1);
            let finding = FleetFinding {
                rule: live_show_hidden::RULE.id,
                severity: Severity::Note,
                metric: None,
                message: format!(
                    "exposes {} metric(s) hidden at {at} ({}): it runs with the show-hidden value {value}",
                    names.len(),
                    names.join(", ")
                ),
                help: Some(format!(
                    "at {}.{}.0 the value {value} is refused and these metrics are removed: migrate what reads them first",
                    next.major(),
                    next.minor()
                )),
                instances: Vec::new(),
            };
            add(&mut groups, finding, t);
            found = super::check(cat, catalogue, &source, &exposition, at, true);
        }
        for d in found.scrape.iter().chain(&found.catalogue) {
            let finding = FleetFinding {
                rule: d.rule,
                severity: d.severity,
                metric: d.metric.clone(),
                message: d.message.clone(),
                help: d.help.clone(),
                instances: Vec::new(),
            };
            add(&mut groups, finding, t);
        }
    }
    report.findings = groups
        .into_values()
        .map(|mut f| {
            f.instances.sort();
            f.instances.dedup();
            f
        })
        .collect();
    report
}

fn add(
    groups: &mut BTreeMap<(u8, &'static str, String, String), FleetFinding>,
    finding: FleetFinding,
    t: &Target,
) {
    let order = match finding.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    };
    let key = (
        order,
        finding.rule,
        finding.metric.clone().unwrap_or_default(),
        finding.message.clone(),
    );
    let entry = groups.entry(key).or_insert(finding);
    entry.instances.push((t.job.clone(), t.instance.clone()));
}

/// A target's families and series as an exposition: OpenMetrics, unless a counter's family
/// name ends in `_total` (the target was scraped in the text format). Series values are
/// not known here and written as 1.
pub fn exposition_text(t: &Target) -> (String, Format) {
    let format = if t
        .families
        .iter()
        .any(|m| m.kind == "counter" && m.name.ends_with("_total"))
    {
        Format::Text
    } else {
        Format::OpenMetrics
    };
    let om = format == Format::OpenMetrics;
    let mut out = String::new();
    let mut used = vec![false; t.series.len()];
    let mut families: Vec<&Meta> = t.families.iter().collect();
    families.sort_by(|a, b| a.name.cmp(&b.name));
    families.dedup_by(|a, b| a.name == b.name);
    for m in families {
        let kind = kind_of(&m.kind, format);
        let _ = writeln!(out, "# HELP {} {}", m.name, escape_help(&m.help, om));
        let _ = writeln!(out, "# TYPE {} {}", m.name, kind.as_str(format));
        if om && !m.unit.is_empty() {
            let _ = writeln!(out, "# UNIT {} {}", m.name, m.unit);
        }
        for (i, labels) in t.series.iter().enumerate() {
            let Some(name) = name_of(labels) else {
                continue;
            };
            let belongs = kind
                .suffixes(format)
                .iter()
                .any(|s| name.strip_suffix(s).is_some_and(|base| base == m.name));
            if belongs && !used[i] {
                used[i] = true;
                write_series(&mut out, name, labels);
            }
        }
    }
    for (i, labels) in t.series.iter().enumerate() {
        if let (false, Some(name)) = (used[i], name_of(labels)) {
            write_series(&mut out, name, labels);
        }
    }
    if om {
        out.push_str("# EOF\n");
    }
    (out, format)
}

fn name_of(labels: &[(String, String)]) -> Option<&str> {
    labels
        .iter()
        .find(|(k, _)| k == "__name__")
        .map(|(_, v)| v.as_str())
}

fn kind_of(kind: &str, format: Format) -> Kind {
    match (kind, format) {
        ("counter", _) => Kind::Counter,
        ("gauge", _) => Kind::Gauge,
        ("histogram", _) => Kind::Histogram,
        ("summary", _) => Kind::Summary,
        ("gaugehistogram", Format::OpenMetrics) => Kind::GaugeHistogram,
        ("info", Format::OpenMetrics) => Kind::Info,
        ("stateset", Format::OpenMetrics) => Kind::StateSet,
        _ => Kind::Unknown,
    }
}

fn write_series(out: &mut String, name: &str, labels: &[(String, String)]) {
    out.push_str(name);
    let mut first = true;
    for (k, v) in labels {
        if matches!(k.as_str(), "__name__" | "job" | "instance") {
            continue;
        }
        out.push(if first { '{' } else { ',' });
        first = false;
        out.push_str(k);
        out.push_str("=\"");
        for c in v.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    if !first {
        out.push('}');
    }
    out.push_str(" 1\n");
}

fn escape_help(help: &str, om: bool) -> String {
    let mut out = String::with_capacity(help.len());
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if om => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}
