//! Prometheus rule files: the `expr` of every alerting and recording rule, located in the
//! YAML text.
//!
//! The YAML is read with `saphyr-parser`'s event parser, which gives the span of every
//! scalar, so that diagnostics point into the file and `schema migrate` can rewrite names
//! in place, leaving the rest of the file as written.
//!
//! A file is read as deployments keep it: a plain rule file (`groups:`), a Kubernetes
//! `PrometheusRule` resource (prometheus-operator: `spec.groups`), a Kubernetes `List` of
//! such resources, or several of these as documents of one YAML stream (`---`). Documents
//! that are Kubernetes resources of another kind are skipped and listed in
//! [`RuleFile::skipped`]; anything else is an error naming the supported shapes.

use super::FileError;
use super::tree::{Node, yaml_documents};
use crate::promql::Expression;
use crate::source::Source;

/// The shapes of rule file [`RuleFile::read`] accepts, for messages.
pub const SUPPORTED: &str = "a Prometheus rule file (top-level `groups`), a Kubernetes \
`PrometheusRule` resource (`spec.groups`), a Kubernetes `List` of them, or several of these \
as `---`-separated YAML documents";

/// A Prometheus rule file, read.
#[derive(Clone, Debug)]
pub struct RuleFile {
    /// The file's name and text.
    pub source: Source,
    /// Every rule, in file order.
    pub rules: Vec<FileRule>,
    /// Kubernetes resources of other kinds in the file, skipped: `Kind name (line N)`.
    pub skipped: Vec<String>,
}

/// One rule of a rule file.
#[derive(Clone, Debug)]
pub struct FileRule {
    /// `alert` or `record`: the alert's name or the recorded series.
    pub kind: FileRuleKind,
    /// The name.
    pub name: String,
    /// The rule's expression.
    pub expr: Expression,
}

/// Alerting or recording rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRuleKind {
    /// `alert:`.
    Alert,
    /// `record:`.
    Record,
}

impl RuleFile {
    /// Reads the rule file `text`, named `name` in messages.
    pub fn read(name: &str, text: &str) -> Result<RuleFile, FileError> {
        let source = Source::new(name, text);
        let documents = yaml_documents(&source)?;
        if documents.is_empty() {
            return Err(FileError::at(
                &source,
                0,
                format!("the file is empty; expected {SUPPORTED}"),
            ));
        }
        let mut file = RuleFile {
            source,
            rules: Vec::new(),
            skipped: Vec::new(),
        };
        let mut found = false;
        for doc in &documents {
            found |= file.document(doc)?;
        }
        if !found {
            return Err(FileError::at(
                &file.source,
                documents[0].span().start,
                format!(
                    "no rule groups found (skipped: {}); expected {SUPPORTED}",
                    file.skipped.join(", ")
                ),
            ));
        }
        Ok(file)
    }

    /// Reads one document or list item; true when it held rule groups.
    fn document(&mut self, doc: &Node) -> Result<bool, FileError> {
        match doc.kubernetes_kind() {
            Some("PrometheusRule") => {
                let groups = doc
                    .get("spec")
                    .and_then(|spec| spec.get("groups"))
                    .ok_or_else(|| {
                        FileError::at(
                            &self.source,
                            doc.span().start,
                            "this `PrometheusRule` has no `spec.groups` list",
                        )
                    })?;
                self.groups(groups)?;
                Ok(true)
            }
            Some("List") => {
                let mut found = false;
                for item in doc.get("items").map(Node::items).unwrap_or_default() {
                    found |= self.document(item)?;
                }
                Ok(found)
            }
            Some(kind) if doc.get("groups").is_none() => {
                let name = doc
                    .get("metadata")
                    .and_then(|m| m.get_str("name"))
                    .unwrap_or("?");
                let line = self.source.position(doc.span().start).line;
                self.skipped.push(format!("{kind} {name} (line {line})"));
                Ok(false)
            }
            _ => match doc.get("groups") {
                Some(groups) => {
                    self.groups(groups)?;
                    Ok(true)
                }
                None => Err(FileError::at(
                    &self.source,
                    doc.span().start,
                    format!(
                        "not a rule file: this document has no top-level `groups` list and is no `PrometheusRule`; expected {SUPPORTED}"
                    ),
                )),
            },
        }
    }

    fn groups(&mut self, groups: &Node) -> Result<(), FileError> {
        let source = &self.source;
        let Node::Seq(groups, _) = groups else {
            return Err(FileError::at(
                source,
                groups.span().start,
                "`groups` must be a list of rule groups",
            ));
        };
        for group in groups {
            let Some(Node::Seq(items, _)) = group.get("rules") else {
                return Err(FileError::at(
                    source,
                    group.span().start,
                    "each group needs a `rules` list",
                ));
            };
            for item in items {
                let (kind, name) = match (item.get("alert"), item.get("record")) {
                    (Some(Node::Scalar(n, _)), None) => (FileRuleKind::Alert, n),
                    (None, Some(Node::Scalar(n, _))) => (FileRuleKind::Record, n),
                    _ => {
                        return Err(FileError::at(
                            source,
                            item.span().start,
                            "each rule has either `alert` or `record`, a string",
                        ));
                    }
                };
                let Some(Node::Scalar(expr, span)) = item.get("expr") else {
                    return Err(FileError::at(
                        source,
                        item.span().start,
                        format!("rule `{name}` has no `expr` string"),
                    ));
                };
                let raw = source.text().get(span.range()).unwrap_or_default();
                self.rules.push(FileRule {
                    kind,
                    name: name.clone(),
                    expr: Expression::read(expr.clone(), raw, *span),
                });
            }
        }
        Ok(())
    }

    /// The names recorded by the file's recording rules.
    pub fn recorded(&self) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .filter(|r| r.kind == FileRuleKind::Record)
            .map(|r| r.name.as_str())
    }

    /// Every expression, in file order.
    pub fn expressions(&self) -> Vec<Expression> {
        self.rules.iter().map(|r| r.expr.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_located_in_every_scalar_style() {
        let text = "\
groups:
  - name: g
    rules:
      - record: job:x:sum
        expr: sum(vllm:a)
      - alert: A
        expr: 'vllm:b > 1'
        for: 5m
      - alert: \"B\"
        expr: \"vllm:c\\n  > 2\"
      - alert: C
        expr: |
          sum(
            vllm:d
          ) > 3
      - alert: D
        expr: >-
          vllm:e
          > 4
";
        let file = RuleFile::read("rules.yml", text).unwrap();
        let names: Vec<&str> = file.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["job:x:sum", "A", "B", "C", "D"]);
        assert_eq!(file.recorded().collect::<Vec<_>>(), ["job:x:sum"]);
        let mut found = Vec::new();
        for rule in &file.rules {
            for r in rule.expr.references.as_ref().unwrap() {
                assert!(r.exact);
                found.push(&text[r.span.range()]);
            }
        }
        assert_eq!(found, ["vllm:a", "vllm:b", "vllm:c", "vllm:d", "vllm:e"]);
        assert_eq!(file.rules[3].expr.text, "sum(\n  vllm:d\n) > 3\n");
    }

    #[test]
    fn bad_files_are_errors_with_a_location() {
        let err = RuleFile::read("r.yml", "groups:\n  - name: g\n    rules: [\n").unwrap_err();
        assert!(err.location.starts_with("r.yml:"), "{err}");
        assert!(err.message.starts_with("invalid YAML"), "{err}");
        let err = RuleFile::read("r.yml", "rules: []\n").unwrap_err();
        assert!(err.message.contains("no top-level `groups`"), "{err}");
        let err = RuleFile::read(
            "r.yml",
            "groups:\n  - name: g\n    rules:\n      - alert: A\n",
        )
        .unwrap_err();
        assert_eq!(err.location, "r.yml:4:9");
        assert!(err.message.contains("no `expr`"), "{err}");
        assert!(RuleFile::read("r.yml", "").is_err());
    }
}
