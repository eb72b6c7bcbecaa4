//! The generated metric reference of a catalogue at a version, in Markdown, HTML (one
//! self-contained page) and JSON (a stable machine format, `"schema_version": 1`,
//! described in `docs/json-formats.md`).
//!
//! All three are rendered from one [`Reference`]: per group, every metric released at the
//! version (its `since` reached) with its exposed names, type, unit, help, labels, buckets,
//! stability, `since` and status; the deprecated and hidden metrics with the show-hidden
//! value that re-enables the hidden ones and their replacements; and a migration table of
//! the removed metrics. The output depends only on the catalogue and the version, so a
//! committed reference can be checked for staleness byte for byte.
//!
//! ```
//! use metrics_schema::{Options, check, docs, lifecycle::Version};
//!
//! let checked = check(r#"
//! [[metric]]
//! name = "queue_depth"
//! type = "gauge"
//! help = "Requests waiting."
//! "#, "metrics.toml", &Options::default());
//! let catalogue = checked.catalogue.unwrap();
//! let md = docs::generate(&catalogue, &Version::parse("1.2.0").unwrap(), docs::Format::Markdown);
//! assert!(md.contains("### `queue_depth`"));
//! ```

mod html;
mod json;
mod markdown;

use std::collections::HashMap;
use std::path::Path;

use crate::catalogue::{Buckets, Catalogue, LabelKind, Metric};
use crate::lifecycle::{Stability, Status, Version};

pub use html::html;
pub use json::{SCHEMA_VERSION, json, json_value};
pub use markdown::markdown;

/// An output format of the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page: inline CSS and JavaScript, no network requests.
    Html,
    /// JSON, `"schema_version": 1`.
    Json,
}

impl Format {
    /// The format a file name's extension suggests (`.md`, `.markdown`, `.html`, `.htm`,
    /// `.json`).
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// The reference of `catalogue` at `version` in `format`.
pub fn generate(catalogue: &Catalogue, version: &Version, format: Format) -> String {
    let reference = Reference::new(catalogue, version);
    match format {
        Format::Markdown => markdown(&reference),
        Format::Html => html(&reference),
        Format::Json => json(&reference),
    }
}

/// The name of the section of metrics without a `group`.
pub const UNGROUPED: &str = "Other metrics";

/// A catalogue's reference at a version: what every format renders.
#[derive(Clone, Debug)]
pub struct Reference<'a> {
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// The version documented.
    pub version: Version,
    /// The show-hidden value that re-enables hidden metrics at the version (`None` at an
    /// `X.0.Z` release).
    pub show_hidden: Option<Version>,
    /// Every metric released at the version (`since` reached), in catalogue order.
    pub entries: Vec<Entry<'a>>,
    /// Groups in order of first appearance (metrics without a group last, under
    /// [`UNGROUPED`]), each listing the indices in [`Reference::entries`] of its active,
    /// deprecated and hidden metrics.
    pub groups: Vec<Group>,
    by_name: HashMap<String, usize>,
}

/// One metric of the reference.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// The metric.
    pub metric: &'a Metric,
    /// Its status at the version.
    pub status: Status,
    /// A fragment identifier derived from its full name (`vllm:x_y` -> `vllm-x_y`).
    pub anchor: String,
}

/// A section of the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The group name, as written in the catalogue.
    pub name: String,
    /// A fragment identifier derived from the name.
    pub anchor: String,
    /// Indices in [`Reference::entries`].
    pub entries: Vec<usize>,
}

impl<'a> Reference<'a> {
    /// The reference of `catalogue` at `version` (a pre-release is documented as its
    /// release, as the lifecycle evaluates it).
    pub fn new(catalogue: &'a Catalogue, version: &Version) -> Self {
        let release = version.release();
        let entries: Vec<Entry<'a>> = catalogue
            .metrics
            .iter()
            .filter(|m| m.since.as_ref().is_none_or(|s| *s <= release))
            .map(|m| Entry {
                metric: m,
                status: m.status_at(version),
                anchor: anchor(&m.full_name),
            })
            .collect();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_index: HashMap<&str, usize> = HashMap::new();
        let mut ungrouped = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            if e.status == Status::Removed {
                continue;
            }
            match &e.metric.group {
                None => ungrouped.push(i),
                Some(name) => match group_index.get(name.as_str()) {
                    Some(&g) => groups[g].entries.push(i),
                    None => {
                        group_index.insert(name, groups.len());
                        groups.push(Group {
                            name: name.clone(),
                            anchor: anchor(name),
                            entries: vec![i],
                        });
                    }
                },
            }
        }
        if !ungrouped.is_empty() {
            groups.push(Group {
                name: UNGROUPED.to_owned(),
                anchor: anchor(UNGROUPED),
                entries: ungrouped,
            });
        }
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.metric.full_name.clone(), i))
            .collect();
        Reference {
            catalogue,
            version: version.clone(),
            show_hidden: catalogue.show_hidden_value(version),
            entries,
            groups,
            by_name,
        }
    }

    /// The title: `<namespace> metrics at <version>`.
    pub fn title(&self) -> String {
        match self.catalogue.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => format!("{ns} metrics at {}", self.version),
            _ => format!("Metrics at {}", self.version),
        }
    }

    /// The entries in `status`, in catalogue order.
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Entry<'a>> {
        self.entries.iter().filter(move |e| e.status == status)
    }

    /// The number of entries in `status`.
    pub fn count(&self, status: Status) -> usize {
        self.with_status(status).count()
    }

    /// Deprecated and hidden entries, in catalogue order.
    pub fn deprecated_or_hidden(&self) -> impl Iterator<Item = &Entry<'a>> {
        self.entries
            .iter()
            .filter(|e| matches!(e.status, Status::Deprecated | Status::Hidden))
    }

    /// The entry of the metric whose full name is `full_name`.
    pub fn entry(&self, full_name: &str) -> Option<&Entry<'a>> {
        self.by_name.get(full_name).map(|&i| &self.entries[i])
    }

    /// One line: `27 metrics: 22 active, 1 deprecated, 3 hidden, 1 removed`.
    pub fn summary(&self) -> String {
        let counts: Vec<String> = STATUSES
            .iter()
            .map(|s| format!("{} {s}", self.count(*s)))
            .collect();
        format!("{} metrics: {}", self.entries.len(), counts.join(", "))
    }

    /// What an operator needs to know about hidden metrics at this version.
    pub fn show_hidden_sentence(&self) -> String {
        match &self.show_hidden {
            Some(value) => format!(
                "Hidden metrics are not exposed at {} unless the process is started with the show-hidden value `{}` (the previous minor release); any other value is refused.",
                self.version,
                value.minor_line()
            ),
            None => format!(
                "{} is a major release: hidden metrics cannot be re-enabled (there is no previous minor release).",
                self.version
            ),
        }
    }

    /// The deprecation windows of the stability levels the metrics use, e.g.
    /// `stable: hidden 1 minor release after deprecation, removed after 2`.
    pub fn policy_lines(&self) -> Vec<String> {
        Stability::ALL
            .iter()
            .rev()
            .filter(|s| self.catalogue.metrics.iter().any(|m| m.stability == **s))
            .map(|s| {
                let w = self.catalogue.policy.window(*s);
                format!(
                    "{s}: hidden {} after deprecation, removed {} after",
                    plural(w.hide_after, "minor release"),
                    plural(w.remove_after, "minor release")
                )
            })
            .collect()
    }
}

/// The statuses in lifecycle order.
pub const STATUSES: [Status; 4] = [
    Status::Active,
    Status::Deprecated,
    Status::Hidden,
    Status::Removed,
];

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A fragment identifier: ASCII letters, digits, `_` and `-`; anything else becomes `-`,
/// letters are lower-cased.
pub fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// How a label is described: `closed: stop, length` / `open, at most 8 values` /
/// `open, unbounded`.
/// The history of label `label` of `m` as the reference shows it (`added in 0.8.3`,
/// `deprecated in 0.10.0`, `removed in 0.12.0`, and `not present at V` when the series do not
/// carry it at `at`); empty for a label without history.
pub(crate) fn label_history_text(m: &Metric, label: &str, at: &Version) -> String {
    let Some(h) = m.label_history(label) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(v) = &h.since {
        parts.push(format!("added in {v}"));
    }
    if let Some(v) = &h.deprecated {
        parts.push(format!("deprecated in {v}"));
    }
    if let Some(v) = &h.removed {
        parts.push(format!("removed in {v}"));
    }
    if !h.present_at(at) {
        parts.push(format!("not present at {at}"));
    } else if h.deprecated_at(at) {
        parts.push(format!("deprecated at {at}"));
    }
    parts.join(", ")
}

pub(crate) fn label_kind_text(kind: &LabelKind) -> String {
    match kind {
        LabelKind::Closed { values } => format!("closed: {}", values.join(", ")),
        LabelKind::Open {
            max_values: Some(n),
        } => format!("open, at most {}", plural(*n, "value")),
        LabelKind::Open { max_values: None } => "open, unbounded".to_owned(),
    }
}

/// The buckets in words: `0.3, 0.5, 1 (3 bounds, then +Inf)` or `set at run time`.
pub(crate) fn buckets_text(buckets: &Buckets) -> String {
    match buckets {
        Buckets::Runtime => "set at run time".to_owned(),
        Buckets::Bounds(bounds) => format!(
            "{} ({}, then +Inf)",
            crate::compat::format_bounds(bounds),
            plural(bounds.len() as u64, "bound")
        ),
    }
}

/// The lifecycle of `entry` in one sentence at the reference's version, e.g.
/// `Deprecated since 0.11.0; hidden from 0.12.0; removed in 0.15.0.`; empty for an active
/// metric that has no lifecycle dates.
pub(crate) fn lifecycle_text(entry: &Entry<'_>) -> String {
    let s = &entry.metric.schedule;
    let mut parts = Vec::new();
    if let Some(d) = &s.deprecated {
        parts.push(format!("deprecated since {d}"));
    }
    if let Some(h) = &s.hidden {
        parts.push(format!("hidden from {h}"));
    }
    if let Some(r) = &s.removed {
        parts.push(format!("removed in {r}"));
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut text = parts.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_and_formats() {
        assert_eq!(anchor("vllm:request_success"), "vllm-request_success");
        assert_eq!(anchor("KV cache"), "kv-cache");
        assert_eq!(
            Format::from_path(Path::new("a/b.md")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::from_path(Path::new("b.htm")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("b.json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
        assert_eq!(Format::from_path(Path::new("b")), None);
    }
}
