//! Grafana dashboards: the PromQL of every panel target and query variable, located in the
//! file's text.
//!
//! A dashboard is read as deployments keep it:
//!
//! - the JSON model as Grafana exports it (`{"panels": ...}`);
//! - as Grafana's HTTP API returns it (`{"dashboard": {...}, "meta": {...}}`);
//! - inside a Kubernetes `ConfigMap` (every `data` entry whose key ends in `.json`, a JSON
//!   text inside a YAML string: the positions found in the JSON are mapped back into the
//!   YAML string as written, see [`Embedded`]);
//! - inside a grafana-operator `GrafanaDashboard` resource (`spec.json`, a JSON string, or
//!   `spec.dashboard`, the model written as YAML);
//! - several of these resources in one YAML stream (`---`) or a Kubernetes `List`.
//!
//! JSON is read with `jsonc-parser` and YAML with `saphyr-parser`, both keeping the span of
//! every string. Grafana's template variables (`$model_name`, `$__rate_interval`, ...) are
//! replaced before parsing (see [`Substitution::grafana`]); targets of another data source
//! type (`loki`, ...) are skipped.

use super::FileError;
use super::tree::{Embedded, Node, json_tree, yaml_documents};
use crate::promql::{Expression, Located, Substitution};
use crate::source::{Source, Span};

/// The shapes of dashboard file [`DashboardFile::read`] accepts, for messages.
pub const SUPPORTED: &str = "a Grafana dashboard's JSON model (top-level `panels`), \
Grafana's HTTP API response (`{\"dashboard\": {...}, \"meta\": {...}}`), a Kubernetes \
`ConfigMap` with dashboards in `data.<name>.json`, a grafana-operator `GrafanaDashboard` \
(`spec.json` or `spec.dashboard`), or several of these resources as `---`-separated YAML \
documents or a Kubernetes `List`";

/// A Grafana dashboard file, read.
#[derive(Clone, Debug)]
pub struct DashboardFile {
    /// The file's name and text.
    pub source: Source,
    /// Every PromQL expression: panel targets and query variables, in file order.
    pub expressions: Vec<Expression>,
    /// How many dashboards the file holds.
    pub dashboards: usize,
    /// What the file holds that is not read: Kubernetes resources of other kinds and
    /// `ConfigMap` entries that are no `.json` dashboard, as `Kind name (line N)`.
    pub skipped: Vec<String>,
}

/// Where a dashboard's nodes are: directly in the file, or in a string value's decoded text.
enum Place<'a> {
    File(&'a str),
    Embedded(&'a Embedded<'a>),
}

impl DashboardFile {
    /// Reads the dashboard file `text`, named `name` in messages, in any of the shapes of
    /// [`SUPPORTED`].
    pub fn read(name: &str, text: &str) -> Result<DashboardFile, FileError> {
        let mut file = DashboardFile {
            source: Source::new(name, text),
            expressions: Vec::new(),
            dashboards: 0,
            skipped: Vec::new(),
        };
        let documents = if text.trim_start().starts_with(['{', '[']) {
            match json_tree(text) {
                Ok(root) => root.into_iter().collect(),
                Err((offset, message)) => return Err(FileError::at(&file.source, offset, message)),
            }
        } else {
            yaml_documents(&file.source)?
        };
        let source = file.source.clone();
        for doc in &documents {
            file.document(doc, source.text())?;
        }
        if file.dashboards == 0 {
            let at = documents.first().map_or(0, |d| d.span().start);
            let skipped = if file.skipped.is_empty() {
                String::new()
            } else {
                format!(" (skipped: {})", file.skipped.join(", "))
            };
            return Err(FileError::at(
                &file.source,
                at,
                format!("no Grafana dashboard found{skipped}; expected {SUPPORTED}"),
            ));
        }
        file.expressions.sort_by_key(|e| e.span.start);
        Ok(file)
    }

    fn skip(&mut self, what: String, node: &Node) {
        let line = self.source.position(node.span().start).line;
        self.skipped.push(format!("{what} (line {line})"));
    }

    /// Reads one top-level document (or `List` item).
    fn document(&mut self, doc: &Node, text: &str) -> Result<(), FileError> {
        let metadata_name = || {
            doc.get("metadata")
                .and_then(|m| m.get_str("name"))
                .unwrap_or("?")
                .to_owned()
        };
        match doc.kubernetes_kind() {
            Some("ConfigMap") => {
                let mut found = false;
                for (key, value) in doc.get("data").into_iter().flat_map(Node::entries) {
                    match value {
                        Node::Scalar(json, span) if key.ends_with(".json") => {
                            self.embedded(json, *span, text)?;
                            found = true;
                        }
                        _ => self.skip(format!("ConfigMap {} entry {key}", metadata_name()), value),
                    }
                }
                if !found {
                    return Err(FileError::at(
                        &self.source,
                        doc.span().start,
                        format!(
                            "ConfigMap {} has no `data` entry named `<name>.json`; expected {SUPPORTED}",
                            metadata_name()
                        ),
                    ));
                }
                Ok(())
            }
            Some("GrafanaDashboard") => {
                let spec = doc.get("spec");
                match (
                    spec.and_then(|s| s.get("json")),
                    spec.and_then(|s| s.get("dashboard")),
                ) {
                    (Some(Node::Scalar(json, span)), _) => self.embedded(json, *span, text),
                    (_, Some(model @ Node::Map(..))) => self.model(model, &Place::File(text)),
                    _ => Err(FileError::at(
                        &self.source,
                        doc.span().start,
                        format!(
                            "GrafanaDashboard {} has neither `spec.json` (a JSON string) nor `spec.dashboard` (an object); dashboards given by URL, grafana.com id, ConfigMap reference or Jsonnet are not read",
                            metadata_name()
                        ),
                    )),
                }
            }
            Some("List") => {
                for item in doc.get("items").map(Node::items).unwrap_or_default() {
                    self.document(item, text)?;
                }
                Ok(())
            }
            Some(kind) if doc.get("panels").is_none() => {
                self.skip(format!("{kind} {}", metadata_name()), doc);
                Ok(())
            }
            _ => {
                let model = match doc.get("dashboard") {
                    Some(inner @ Node::Map(..)) => inner,
                    _ => doc,
                };
                self.model(model, &Place::File(text))
            }
        }
    }

    /// Reads the dashboard JSON written as the string value `json` at `span` of the file.
    fn embedded(&mut self, json: &str, span: Span, text: &str) -> Result<(), FileError> {
        let embedded = Embedded::yaml(json, text, span);
        let root = match json_tree(json) {
            Ok(Some(root)) => root,
            Ok(None) => {
                return Err(FileError::at(
                    &self.source,
                    span.start,
                    "the dashboard string is empty",
                ));
            }
            Err((offset, message)) => {
                let at = embedded
                    .span_of(Span::new(offset, offset))
                    .map_or(span.start, |s| s.start);
                return Err(FileError::at(
                    &self.source,
                    at,
                    format!("in the dashboard JSON string: {message}"),
                ));
            }
        };
        let model = match root.get("dashboard") {
            Some(inner @ Node::Map(..)) => inner,
            _ => &root,
        };
        self.model(model, &Place::Embedded(&embedded))
    }

    /// Reads one dashboard model.
    fn model(&mut self, model: &Node, place: &Place<'_>) -> Result<(), FileError> {
        if !matches!(model, Node::Map(..)) {
            return Err(FileError::at(
                &self.source,
                self.file_span(model.span(), place).start,
                format!("not a Grafana dashboard: not a JSON object; expected {SUPPORTED}"),
            ));
        }
        if model.get("panels").is_none() && model.get("rows").is_none() {
            return Err(FileError::at(
                &self.source,
                self.file_span(model.span(), place).start,
                format!(
                    "not a Grafana dashboard: it has no `panels` (or `rows`); expected {SUPPORTED}"
                ),
            ));
        }
        self.dashboards += 1;
        let mut found = Vec::new();
        targets(model, None, &mut found);
        variables(model, &mut found);
        for (value, span, inner) in found {
            let e = match place {
                Place::File(text) => expression(text, value, span, inner),
                Place::Embedded(embedded) => {
                    let e = expression(embedded.decoded, value, span, inner);
                    relocate(e, embedded)
                }
            };
            self.expressions.push(e);
        }
        Ok(())
    }

    fn file_span(&self, span: Span, place: &Place<'_>) -> Span {
        match place {
            Place::File(_) => span,
            Place::Embedded(e) => e.span_of(span).unwrap_or(e.span),
        }
    }
}

/// An expression read from a decoded string, with its spans mapped into the file.
fn relocate(e: Expression, embedded: &Embedded<'_>) -> Expression {
    let whole = embedded.span_of(e.span).unwrap_or(embedded.span);
    let place = |mut r: Located| -> Located {
        let labels = std::mem::take(&mut r.required_labels);
        Located {
            required_labels: labels
                .into_iter()
                .map(|l| place_one(l, embedded, whole))
                .collect(),
            ..place_one(r, embedded, whole)
        }
    };
    Expression {
        text: e.text,
        span: whole,
        references: e
            .references
            .map(|refs| refs.into_iter().map(place).collect()),
    }
}

/// One located name mapped into the file: exactly, or else the whole string value.
fn place_one(r: Located, embedded: &Embedded<'_>, whole: Span) -> Located {
    match r.exact.then(|| embedded.name_span(r.span)).flatten() {
        Some(span) => Located { span, ..r },
        None => Located {
            span: whole,
            exact: false,
            ..r
        },
    }
}

/// A PromQL string found in a dashboard: its value, its span, and for a variable query the
/// range of the PromQL inside it.
type Found = (String, Span, Option<std::ops::Range<usize>>);

/// The data source type set on `node` (`"datasource": {"type": "prometheus"}`), if any.
fn datasource_type(node: &Node) -> Option<&str> {
    node.get("datasource")?.get_str("type")
}

/// Walks panels (nested in rows and collapsed rows too) and collects their targets' `expr`.
fn targets(node: &Node, inherited: Option<&str>, out: &mut Vec<Found>) {
    let datasource = datasource_type(node).or(inherited);
    for (key, value) in node.entries() {
        match (key, value) {
            ("targets", Node::Seq(items, _)) => {
                for target in items {
                    let source_type = datasource_type(target).or(datasource);
                    if source_type.is_some_and(|t| t != "prometheus") {
                        continue;
                    }
                    if let Some(Node::Scalar(expr, span)) = target.get("expr") {
                        out.push((expr.clone(), *span, None));
                    }
                }
            }
            ("panels" | "rows", Node::Seq(items, _)) => {
                for panel in items {
                    targets(panel, datasource, out);
                }
            }
            _ => {}
        }
    }
}

/// The PromQL inside query variables: `label_values(<selector>, label)` and
/// `query_result(<expr>)`.
fn variables(dashboard: &Node, out: &mut Vec<Found>) {
    let list = dashboard
        .get("templating")
        .and_then(|t| t.get("list"))
        .map(Node::items)
        .unwrap_or_default();
    for variable in list {
        if variable.get_str("type") != Some("query")
            || datasource_type(variable).is_some_and(|t| t != "prometheus")
        {
            continue;
        }
        let (query, span) = match variable.get("query") {
            Some(Node::Scalar(s, span)) => (s, *span),
            Some(q @ Node::Map(..)) => match q.get("query") {
                Some(Node::Scalar(s, span)) => (s, *span),
                _ => continue,
            },
            _ => continue,
        };
        let Some(inner) = variable_promql(query) else {
            continue;
        };
        out.push((query.clone(), span, Some(inner)));
    }
}

/// The byte range of the PromQL inside a variable query.
fn variable_promql(query: &str) -> Option<std::ops::Range<usize>> {
    let trimmed = query.trim_end();
    let inner_end = trimmed.len().checked_sub(1)?;
    if !trimmed.ends_with(')') {
        return None;
    }
    let lead = query.len() - query.trim_start().len();
    let body = &query[lead..];
    if let Some(rest) = body.strip_prefix("label_values(") {
        let start = lead + "label_values(".len();
        let inner = &query[start..inner_end];
        // `label_values(label)` has no selector.
        let comma = inner.rfind(',')?;
        Some(start..start + comma)
            .filter(|r| !query[r.clone()].trim().is_empty() && !rest.is_empty())
    } else {
        body.strip_prefix("query_result(")
            .map(|_| lead + "query_result(".len()..inner_end)
    }
}

fn expression(
    text: &str,
    value: String,
    span: Span,
    inner: Option<std::ops::Range<usize>>,
) -> Expression {
    let raw = text.get(span.range()).unwrap_or_default();
    let substitution = match inner {
        None => Substitution::grafana(&value),
        Some(range) => Substitution::grafana(&value[range.clone()]).offset_by(range.start),
    };
    Expression::read_substituted(value, raw, span, &substitution)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_variables_are_found_and_located() {
        let text = r#"{
  "title": "é",
  "panels": [
    {"type": "row", "collapsed": true, "panels": [
      {"type": "timeseries", "targets": [{"refId": "A", "expr": "rate(vllm:a_total{m=~\"$model\"}[$__rate_interval])"}]}
    ]},
    {"type": "logs", "datasource": {"type": "loki", "uid": "l"}, "targets": [{"expr": "{job=\"x\"} |= \"vllm:b\""}]},
    {"type": "stat", "datasource": {"type": "prometheus", "uid": "${datasource}"}, "targets": [{"expr": "vllm:c"}]}
  ],
  "templating": {"list": [
    {"type": "datasource", "name": "datasource", "query": "prometheus"},
    {"type": "query", "name": "model", "query": {"query": "label_values(vllm:d{engine=\"0\"}, model_name)", "refId": "V"}},
    {"type": "query", "name": "engine", "query": "label_values(engine)"},
    {"type": "query", "name": "q", "query": "query_result(topk(3, vllm:e))"}
  ]}
}"#;
        let file = DashboardFile::read("d.json", text).unwrap();
        let mut found = Vec::new();
        for e in &file.expressions {
            for r in e.references.as_ref().unwrap() {
                assert!(r.exact, "{r:?}");
                found.push(&text[r.span.range()]);
            }
        }
        assert_eq!(found, ["vllm:a_total", "vllm:c", "vllm:d", "vllm:e"]);
    }

    #[test]
    fn bad_files_are_errors_with_a_location() {
        let err = DashboardFile::read("d.json", "{\n  \"panels\": [,]\n}").unwrap_err();
        assert_eq!(err.location, "d.json:2:14");
        assert!(err.message.starts_with("invalid JSON"), "{err}");
        let err = DashboardFile::read("d.json", "[]").unwrap_err();
        assert!(err.message.contains("not a JSON object"), "{err}");
        let err = DashboardFile::read("d.json", "{\"title\": \"x\"}").unwrap_err();
        assert!(err.message.contains("no `panels`"), "{err}");
        // The HTTP API's wrapper is accepted.
        let ok = DashboardFile::read(
            "d.json",
            r#"{"dashboard": {"panels": [{"targets": [{"expr": "up"}]}]}, "meta": {}}"#,
        )
        .unwrap();
        assert_eq!(ok.expressions.len(), 1);
    }

    #[test]
    fn variable_queries() {
        assert_eq!(variable_promql("label_values(x{a=\"b\"}, l)"), Some(13..21));
        assert_eq!(variable_promql("label_values(l)"), None);
        assert_eq!(variable_promql(" query_result(sum(x)) "), Some(14..20));
        assert_eq!(variable_promql("metrics(vllm:.*)"), None);
    }
}
