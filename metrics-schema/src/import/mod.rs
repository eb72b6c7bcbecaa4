//! Drafting a catalogue from scrapes (`schema import`): the families of one or more parsed
//! expositions merged into a `metrics.toml` that lints clean.
//!
//! - the namespace and separator are detected (the prefix every family shares, before its
//!   first `:` or `_`), or given; families outside a given namespace are left out;
//! - counters lose `_total`; types are kept as declared (a text-format gauge `<x>_info`
//!   stays a gauge, as Go exporters expose it in both formats); units come from the
//!   OpenMetrics `# UNIT` or the name's suffix; HELP is kept verbatim;
//! - labels are declared once under `[labels]`, open with a `max_values` suggested from the
//!   number of distinct values observed; a label with few values gets a comment suggesting
//!   it be closed (never closed silently);
//! - histogram buckets come from the `le` bounds, as a named set when several histograms
//!   share them;
//! - what the format cannot express (summaries, untyped/unknown, state sets, gauge
//!   histograms, text-format counters without `_total`) is listed under `external`, so
//!   that `schema check-live` of the same scrape accepts it, and reported in
//!   [`Imported::skipped`];
//! - the draft is then linted: a warning about an imported name (the names are what the
//!   program exposes) is allowed on its metric with a comment, and a metric the catalogue
//!   cannot hold (an error) moves to `external`, until the draft is clean.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::Options;
use crate::exposition::{Exposition, Family, Format, Kind};

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The namespace; detected when `None`.
    pub namespace: Option<String>,
}

/// A drafted catalogue.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The `metrics.toml` text.
    pub toml: String,
    /// The namespace used, if any.
    pub namespace: Option<String>,
    /// The number of metrics written.
    pub metrics: usize,
    /// Families left out of `[[metric]]`, with the reason.
    pub skipped: Vec<Skipped>,
}

/// A family the draft does not declare as a metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The family name.
    pub name: String,
    /// Why; `external` says whether it is listed under `external`.
    pub reason: String,
    /// True when listed under `external` (false: outside the given namespace).
    pub external: bool,
}

/// Which catalogue type a family becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Counter,
    Gauge,
    Histogram,
    Info,
}

impl Type {
    fn as_str(self) -> &'static str {
        match self {
            Type::Counter => "counter",
            Type::Gauge => "gauge",
            Type::Histogram => "histogram",
            Type::Info => "info",
        }
    }
}

#[derive(Clone, Debug)]
struct Draft {
    full_name: String,
    kind: Type,
    help: Option<String>,
    unit: Option<String>,
    /// Label names in first-seen order.
    labels: Vec<String>,
    /// Distinct values per label in this metric.
    values: BTreeMap<String, BTreeSet<String>>,
    /// Finite `le` bounds.
    bounds: Vec<f64>,
    /// Rule id -> why it is allowed.
    allow: BTreeMap<&'static str, String>,
}

/// Base units recognised as a name's suffix.
const UNITS: &[&str] = &[
    "seconds", "bytes", "ratio", "celsius", "volts", "amperes", "joules", "grams", "meters",
    "hertz", "watts",
];

/// Drafts a catalogue from `scrapes` (each a name for messages and a parsed exposition).
pub fn import(scrapes: &[&Exposition], options: &ImportOptions) -> Imported {
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let skip = |skipped: &mut Vec<Skipped>, name: &str, reason: String, external: bool| {
        if !skipped.iter().any(|s| s.name == name) {
            skipped.push(Skipped {
                name: name.to_owned(),
                reason,
                external,
            });
        }
    };
    for exposition in scrapes {
        for f in &exposition.families {
            match classify(f, exposition.format) {
                Err(reason) => skip(&mut skipped, &f.name, reason, true),
                Ok((full_name, kind)) => {
                    let i = *index.entry(full_name.clone()).or_insert_with(|| {
                        drafts.push(Draft {
                            full_name: full_name.clone(),
                            kind,
                            help: None,
                            unit: None,
                            labels: Vec::new(),
                            values: BTreeMap::new(),
                            bounds: Vec::new(),
                            allow: BTreeMap::new(),
                        });
                        drafts.len() - 1
                    });
                    let d = &mut drafts[i];
                    if d.kind != kind {
                        let reason = format!(
                            "a {} that would be the catalogue metric `{full_name}`, already a {}",
                            kind.as_str(),
                            d.kind.as_str()
                        );
                        skip(&mut skipped, &f.name, reason, true);
                        continue;
                    }
                    merge(d, f);
                }
            }
        }
    }
    let (namespace, separator) = match &options.namespace {
        Some(ns) => {
            let colon = drafts
                .iter()
                .any(|d| d.full_name.starts_with(&format!("{ns}:")));
            (Some(ns.clone()), if colon { ":" } else { "_" })
        }
        None => detect_namespace(&drafts),
    };
    let prefix = namespace
        .as_ref()
        .map(|ns| format!("{ns}{separator}"))
        .unwrap_or_default();
    let mut kept = Vec::new();
    for d in drafts {
        let Some(local) = d.full_name.strip_prefix(&prefix) else {
            skip(
                &mut skipped,
                &d.full_name,
                format!(
                    "outside the namespace `{}`",
                    namespace.as_deref().unwrap_or("")
                ),
                false,
            );
            continue;
        };
        if !crate::catalogue::is_valid_name(local) {
            skip(
                &mut skipped,
                &d.full_name,
                format!(
                    "`{local}` is not a valid local name (a `:` outside the namespace separator?)"
                ),
                true,
            );
            continue;
        }
        if let Some(bad) = d
            .labels
            .iter()
            .find(|l| l.starts_with("__") || *l == "le" || *l == "quantile")
        {
            skip(
                &mut skipped,
                &d.full_name,
                format!("label `{bad}` is reserved"),
                true,
            );
            continue;
        }
        kept.push(d);
    }

    // Lint the draft until it is clean: allow warnings on the metric they are about, move
    // metrics with errors to `external`.
    let mut catalogue_allow: BTreeMap<&'static str, String> = BTreeMap::new();
    if separator == ":" && namespace.is_some() {
        catalogue_allow.insert(
            "name-colon",
            "the program exposes `namespace:name`".to_owned(),
        );
    }
    let mut toml = String::new();
    for _ in 0..=kept.len() + 2 {
        toml = render(
            namespace.as_deref(),
            separator,
            &catalogue_allow,
            &kept,
            &skipped,
        );
        let checked = crate::check(&toml, "metrics.toml", &Options::default());
        if checked.diagnostics.is_empty() {
            break;
        }
        let mut changed = false;
        for diag in &checked.diagnostics {
            let target = diag
                .metric
                .as_deref()
                .and_then(|m| kept.iter().position(|d| d.full_name == m));
            match (diag.is_error(), target) {
                (true, Some(i)) => {
                    let d = kept.remove(i);
                    let reason = format!("the catalogue cannot hold it: {}", diag.message);
                    for name in family_names(&d) {
                        skip(&mut skipped, &name, reason.clone(), true);
                    }
                    changed = true;
                    break;
                }
                (false, Some(i)) => {
                    changed |= kept[i]
                        .allow
                        .insert(diag.rule, diag.message.clone())
                        .is_none();
                }
                (false, None) => {
                    changed |= catalogue_allow
                        .insert(diag.rule, diag.message.clone())
                        .is_none();
                }
                (true, None) => {}
            }
        }
        if !changed {
            break;
        }
    }
    Imported {
        toml,
        namespace,
        metrics: kept.len(),
        skipped,
    }
}

/// The names a metric's family has in either format (for `external`).
fn family_names(d: &Draft) -> Vec<String> {
    match d.kind {
        Type::Counter => vec![format!("{}_total", d.full_name)],
        Type::Info => vec![d.full_name.clone(), format!("{}_info", d.full_name)],
        Type::Gauge | Type::Histogram => vec![d.full_name.clone()],
    }
}

/// The full name and catalogue type of a family, or why it cannot be a metric.
fn classify(f: &Family, format: Format) -> Result<(String, Type), String> {
    let kind = f.kind.as_str(format);
    match (f.kind, format) {
        (Kind::Counter, Format::OpenMetrics) => Ok((f.name.clone(), Type::Counter)),
        (Kind::Counter, Format::Text) => match f.name.strip_suffix("_total") {
            Some(base) => Ok((base.to_owned(), Type::Counter)),
            None => Err(
                "a counter without the `_total` suffix: a catalogue counter is exposed as `<name>_total`"
                    .to_owned(),
            ),
        },
        (Kind::Gauge, _) => Ok((f.name.clone(), Type::Gauge)),
        (Kind::Histogram, _) => Ok((f.name.clone(), Type::Histogram)),
        (Kind::Info, _) => Ok((f.name.clone(), Type::Info)),
        (Kind::Unknown, _) if !f.typed => Err(format!(
            "untyped (no `# TYPE`): the catalogue has no {kind} type"
        )),
        _ => Err(format!("type {kind}: the catalogue has no such type")),
    }
}

fn merge(d: &mut Draft, f: &Family) {
    if d.help.is_none() {
        d.help = f.help.clone().filter(|h| !h.trim().is_empty());
    }
    if d.unit.is_none() {
        d.unit = f.unit.clone().filter(|u| !u.is_empty());
    }
    for s in &f.samples {
        for (k, v) in &s.labels {
            if k == "le" && d.kind == Type::Histogram {
                if s.name.ends_with("_bucket")
                    && let Ok(b) = v.parse::<f64>()
                    && b.is_finite()
                    && !d.bounds.contains(&b)
                {
                    d.bounds.push(b);
                }
                continue;
            }
            if !d.labels.contains(k) {
                d.labels.push(k.clone());
            }
            d.values.entry(k.clone()).or_default().insert(v.clone());
        }
    }
    d.bounds.sort_by(f64::total_cmp);
}

/// The prefix every family shares (before its first `:`, else its first `_`), if there are
/// at least two families.
fn detect_namespace(drafts: &[Draft]) -> (Option<String>, &'static str) {
    if drafts.len() < 2 {
        return (None, "_");
    }
    for sep in [":", "_"] {
        let prefixes: BTreeSet<Option<&str>> = drafts
            .iter()
            .map(|d| d.full_name.split_once(sep).map(|(p, _)| p))
            .collect();
        if prefixes.len() == 1
            && let Some(Some(prefix)) = prefixes.into_iter().next()
            && crate::catalogue::is_valid_name(prefix)
        {
            return (Some(prefix.to_owned()), sep);
        }
    }
    (None, "_")
}

/// `max_values` for `observed` distinct values: the next power of two above it.
fn suggested_max(observed: usize) -> usize {
    (observed + 1).next_power_of_two()
}

fn render(
    namespace: Option<&str>,
    separator: &str,
    catalogue_allow: &BTreeMap<&'static str, String>,
    metrics: &[Draft],
    skipped: &[Skipped],
) -> String {
    let mut out = String::from(
        "# Drafted by `schema import` from scrapes. Review it: help texts, label `help`, \
         closed labels,\n# `max_values`, lifecycle (`since`, `deprecated`) and groups are \
         yours to write.\n\n[catalogue]\n",
    );
    if let Some(ns) = namespace {
        let _ = writeln!(out, "namespace = {}", string(ns));
        if separator == ":" {
            out.push_str("separator = \":\"\n");
        }
    }
    if !catalogue_allow.is_empty() {
        for (rule, why) in catalogue_allow {
            let _ = writeln!(out, "# {rule}: {}", one_line(why));
        }
        let ids: Vec<String> = catalogue_allow.keys().map(|r| string(r)).collect();
        let _ = writeln!(out, "allow = [{}]", ids.join(", "));
    }
    let external: Vec<&Skipped> = skipped.iter().filter(|s| s.external).collect();
    if !external.is_empty() {
        out.push_str("# Exposed, but not expressible as catalogue metrics:\n");
        for s in &external {
            let _ = writeln!(out, "#   {}: {}", s.name, one_line(&s.reason));
        }
        out.push_str("external = [\n");
        for s in &external {
            let _ = writeln!(out, "    {},", string(&s.name));
        }
        out.push_str("]\n");
    }

    // Labels: declared once, with the distinct values observed over all metrics.
    let mut labels: BTreeMap<&str, (BTreeSet<&str>, usize)> = BTreeMap::new();
    for m in metrics {
        for (name, values) in &m.values {
            let entry = labels.entry(name.as_str()).or_default();
            entry.0.extend(values.iter().map(String::as_str));
            entry.1 = entry.1.max(values.len());
        }
    }
    for (name, (values, per_metric)) in &labels {
        let _ = writeln!(out, "\n[labels.{name}]");
        let _ = writeln!(
            out,
            "# {} distinct value(s) observed (at most {per_metric} in one metric).",
            values.len()
        );
        if values.len() <= 6 {
            let list: Vec<String> = values.iter().map(|v| string(v)).collect();
            let _ = writeln!(
                out,
                "# If these are all the values, close the label: values = [{}]",
                list.join(", ")
            );
        }
        let _ = writeln!(out, "max_values = {}", suggested_max(*per_metric));
    }

    // Bucket sets shared by several histograms.
    let mut sets: Vec<(String, &[f64], usize)> = Vec::new();
    for m in metrics.iter().filter(|m| m.kind == Type::Histogram) {
        if m.bounds.is_empty() {
            continue;
        }
        match sets.iter_mut().find(|(_, b, _)| *b == m.bounds.as_slice()) {
            Some(set) => set.2 += 1,
            None => sets.push((local(&m.full_name, namespace, separator), &m.bounds, 1)),
        }
    }
    sets.retain(|(_, _, n)| *n > 1);
    if !sets.is_empty() {
        out.push_str("\n[buckets]\n");
        for (name, bounds, n) in &sets {
            let _ = writeln!(out, "# shared by {n} histograms");
            let _ = writeln!(out, "{} = [{}]", key(name), floats(bounds));
        }
    }

    for m in metrics {
        let name = local(&m.full_name, namespace, separator);
        out.push_str("\n[[metric]]\n");
        let _ = writeln!(out, "name = {}", string(&name));
        let _ = writeln!(out, "type = \"{}\"", m.kind.as_str());
        let unit = m
            .unit
            .clone()
            .filter(|u| name.ends_with(&format!("_{u}")))
            .or_else(|| {
                UNITS
                    .iter()
                    .find(|u| name.ends_with(&format!("_{u}")))
                    .map(|u| (*u).to_owned())
            });
        if let Some(unit) = unit {
            let _ = writeln!(out, "unit = {}", string(&unit));
        }
        match &m.help {
            Some(help) => {
                let _ = writeln!(out, "help = {}", string(help));
            }
            None => out.push_str("help = \"TODO: the scrape has no HELP for this metric.\"\n"),
        }
        if !m.labels.is_empty() {
            let list: Vec<String> = m.labels.iter().map(|l| string(l)).collect();
            let _ = writeln!(out, "labels = [{}]", list.join(", "));
        }
        if m.kind == Type::Histogram {
            if m.bounds.is_empty() {
                out.push_str("# Only the +Inf bucket was exposed.\nbuckets = \"runtime\"\n");
            } else if let Some((set, _, _)) =
                sets.iter().find(|(_, b, _)| *b == m.bounds.as_slice())
            {
                let _ = writeln!(out, "buckets = {}", string(set));
            } else {
                let _ = writeln!(out, "buckets = [{}]", floats(&m.bounds));
            }
        }
        if !m.allow.is_empty() {
            for (rule, why) in &m.allow {
                let _ = writeln!(out, "# {rule}: {}", one_line(why));
            }
            let ids: Vec<String> = m.allow.keys().map(|r| string(r)).collect();
            let _ = writeln!(out, "allow = [{}]", ids.join(", "));
        }
    }
    out
}

fn local(full: &str, namespace: Option<&str>, separator: &str) -> String {
    match namespace {
        Some(ns) => full
            .strip_prefix(&format!("{ns}{separator}"))
            .unwrap_or(full)
            .to_owned(),
        None => full.to_owned(),
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn floats(bounds: &[f64]) -> String {
    bounds
        .iter()
        .map(|b| {
            let s = format!("{b:?}");
            if s.contains(['.', 'e', 'E']) {
                s
            } else {
                format!("{s}.0")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A bare TOML key when possible, else a quoted one.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        string(k)
    }
}

/// A TOML basic string.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::parse;

    #[test]
    fn strings_and_floats_are_valid_toml() {
        assert_eq!(
            string("a \"b\" \\ \n\u{1}"),
            "\"a \\\"b\\\" \\\\ \\n\\u0001\""
        );
        assert_eq!(
            floats(&[1.0, 0.005, 1e-7, 2.5e21]),
            "1.0, 0.005, 1e-7, 2.5e21"
        );
        assert_eq!(suggested_max(0), 1);
        assert_eq!(suggested_max(3), 4);
        assert_eq!(suggested_max(4), 8);
    }

    #[test]
    fn vllm_style_scrape() {
        let text = "# HELP vllm:num_requests_running Running requests.\n\
                    # TYPE vllm:num_requests_running gauge\n\
                    vllm:num_requests_running{model_name=\"m\"} 1\n\
                    # HELP vllm:e2e_latency_seconds Latency.\n\
                    # TYPE vllm:e2e_latency_seconds histogram\n\
                    vllm:e2e_latency_seconds_bucket{model_name=\"m\",le=\"0.5\"} 1\n\
                    vllm:e2e_latency_seconds_bucket{model_name=\"m\",le=\"+Inf\"} 1\n\
                    vllm:e2e_latency_seconds_sum{model_name=\"m\"} 0.2\n\
                    vllm:e2e_latency_seconds_count{model_name=\"m\"} 1\n\
                    # HELP vllm:ttft_seconds Time to first token.\n\
                    # TYPE vllm:ttft_seconds histogram\n\
                    vllm:ttft_seconds_bucket{le=\"0.5\"} 1\n\
                    vllm:ttft_seconds_bucket{le=\"+Inf\"} 1\n\
                    vllm:ttft_seconds_sum 0.2\n\
                    vllm:ttft_seconds_count 1\n\
                    # HELP vllm:tokens_total Tokens.\n\
                    # TYPE vllm:tokens_total counter\n\
                    vllm:tokens_total 7\n\
                    # HELP vllm:lat Latency quantiles.\n\
                    # TYPE vllm:lat summary\n\
                    vllm:lat{quantile=\"0.5\"} 1\n";
        let e = parse(text, Format::Text).unwrap();
        let imported = import(&[&e], &ImportOptions::default());
        assert_eq!(imported.namespace.as_deref(), Some("vllm"));
        assert_eq!(imported.metrics, 4);
        let toml = &imported.toml;
        assert!(toml.contains("separator = \":\""), "{toml}");
        assert!(
            toml.contains("name = \"tokens\"\ntype = \"counter\""),
            "{toml}"
        );
        assert!(toml.contains("unit = \"seconds\""), "{toml}");
        assert!(
            toml.contains("[buckets]\n# shared by 2 histograms\ne2e_latency_seconds = [0.5]"),
            "{toml}"
        );
        assert!(
            toml.contains("external = [\n    \"vllm:lat\",\n]"),
            "{toml}"
        );
        assert!(
            toml.contains(
                "# If these are all the values, close the label: values = [\"m\"]\nmax_values = 2"
            ),
            "{toml}"
        );
        assert_eq!(imported.skipped.len(), 1);
        let checked = crate::check(toml, "metrics.toml", &Options::default());
        assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
    }
}
