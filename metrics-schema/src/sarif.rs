//! SARIF 2.1.0 output (`--format sarif`): diagnostics as a static-analysis log that code
//! scanning systems (GitHub code scanning, Azure DevOps, SonarQube, …) read.
//!
//! One run of one tool: the driver lists every rule of [`crate::lint::rules`] (id, summary,
//! explanation, a help URI into the rule reference, default level) and each diagnostic is a
//! result pointing at its rule, with a physical location whose URI is relative to the
//! repository root (`%SRCROOT%`) and a region with start and end line and column (columns
//! in Unicode code points, as in every other output). Notes become related locations.
//!
//! The format is the OASIS SARIF 2.1.0 standard; `tests/it/sarif.rs` validates the output
//! against its JSON Schema.

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint;
use crate::source::Source;

/// The `$schema` of the logs written.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where each rule is explained: the rule reference in the repository's docs, one anchor
/// per rule id.
pub const RULES_URI: &str =
    "https://github.com/metrics-schema/metrics-schema/blob/main/docs/rules.md";

/// The URI base every result's location is relative to.
const SRCROOT: &str = "%SRCROOT%";

/// A SARIF log of the diagnostics of several files, each with the URI it is known by
/// (see [`artifact_uri`]).
pub fn log<'a>(files: impl IntoIterator<Item = (&'a Source, &'a [Diagnostic], String)>) -> Value {
    let rules = lint::rules();
    let mut results = Vec::new();
    for (source, diagnostics, uri) in files {
        for d in diagnostics {
            results.push(result(source, d, &uri, rules));
        }
    }
    let rule_descriptors: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule_name(rule.id),
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.explanation.trim() },
                "helpUri": format!("{RULES_URI}#{}", rule.id),
                "help": { "text": rule.explanation.trim() },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": { "tags": [rule_tag(rule)] },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "schema",
                    "fullName": "metrics-schema lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/metrics-schema/metrics-schema",
                    "rules": rule_descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A SARIF log of findings that have no place in a file (a fleet checked through a
/// Prometheus server): rule, severity and message only, which SARIF allows.
pub fn render_unlocated(
    findings: impl IntoIterator<Item = (&'static str, Severity, String)>,
) -> String {
    let rules = lint::rules();
    let mut log = log(std::iter::empty());
    let results: Vec<Value> = findings
        .into_iter()
        .map(|(rule, severity, message)| {
            let mut value = json!({
                "ruleId": rule,
                "level": level(severity),
                "message": { "text": message },
            });
            if let Some(index) = rules.iter().position(|r| r.id == rule) {
                value["ruleIndex"] = json!(index);
            }
            value
        })
        .collect();
    log["runs"][0]["results"] = Value::Array(results);
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// `log` as pretty-printed JSON text.
pub fn render<'a>(
    files: impl IntoIterator<Item = (&'a Source, &'a [Diagnostic], String)>,
) -> String {
    let mut text = serde_json::to_string_pretty(&log(files)).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

fn result(source: &Source, d: &Diagnostic, uri: &str, rules: &[&lint::Rule]) -> Value {
    let end = source.position(d.span.end);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<Value> = d
        .notes
        .iter()
        .enumerate()
        .map(|(i, note)| {
            let note_end = source.position(note.span.end);
            json!({
                "id": i,
                "message": { "text": note.message },
                "physicalLocation": physical(uri, note.line, note.column, note_end.line, note_end.column),
            })
        })
        .collect();
    let mut value = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": physical(uri, d.line, d.column, end.line, end.column),
        }],
    });
    if let Some(index) = rules.iter().position(|r| r.id == d.rule) {
        value["ruleIndex"] = json!(index);
    }
    if !related.is_empty() {
        value["relatedLocations"] = Value::Array(related);
    }
    if let Some(metric) = &d.metric {
        value["properties"] = json!({ "metric": metric });
    }
    value
}

fn physical(uri: &str, line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    // SARIF lines and columns are 1-based; a span ending at a line start ends in column 1.
    let (line, column) = (line.max(1), column.max(1));
    let (mut end_line, mut end_column) = (end_line.max(1), end_column.max(1));
    if (end_line, end_column) < (line, column) {
        (end_line, end_column) = (line, column);
    }
    json!({
        "artifactLocation": { "uri": uri, "uriBaseId": SRCROOT },
        "region": {
            "startLine": line,
            "startColumn": column,
            "endLine": end_line,
            "endColumn": end_column,
        }
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_tag(rule: &lint::Rule) -> &'static str {
    match rule.kind {
        lint::RuleKind::Catalogue => "catalogue",
        lint::RuleKind::Compatibility => "compatibility",
        lint::RuleKind::Live => "live",
    }
}

/// `unknown-key` -> `UnknownKey`: SARIF's `name` is an identifier-like form of the id.
fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The URI a file named `name` on the command line is reported by: relative to the root of
/// the git repository holding it (the nearest ancestor with `.git`), else relative to the
/// current directory as given; percent-encoded, with `/` separators. Standard input (`-`,
/// or the `<stdin>` name it is shown by) is `stdin`.
pub fn artifact_uri(name: &str) -> String {
    if name == "-" || name == "<stdin>" {
        return "stdin".to_owned();
    }
    let path = Path::new(name);
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let absolute = normalize(&absolute);
    let relative = repository_root(&absolute)
        .and_then(|root| absolute.strip_prefix(&root).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(percent_encode(&part.to_string_lossy())),
            Component::ParentDir => Some("..".to_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// `path` with `.` and `..` resolved lexically (symlinks are not followed: the URI names
/// the file as the repository holds it).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn repository_root(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// RFC 3986: everything but unreserved characters is percent-encoded.
fn percent_encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for byte in part.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(rule_name("unknown-key"), "UnknownKey");
        assert_eq!(rule_name("parse"), "Parse");
    }

    #[test]
    fn uris_are_percent_encoded_and_relative() {
        assert_eq!(percent_encode("a b<c>.toml"), "a%20b%3Cc%3E.toml");
        assert_eq!(artifact_uri("-"), "stdin");
        let uri = artifact_uri("examples/../examples/vllm/metrics.toml");
        assert!(uri.ends_with("examples/vllm/metrics.toml"), "{uri}");
        assert!(!uri.contains(".."), "{uri}");
    }

    #[test]
    fn regions_never_end_before_they_start() {
        let v = physical("a.toml", 3, 5, 0, 0);
        assert_eq!(v["region"]["endLine"], 3);
        assert_eq!(v["region"]["endColumn"], 5);
    }
}
