//! Prometheus rule files: the `expr` of every alerting and recording rule, located in the
//! YAML text.
//!
//! The YAML is read with `saphyr-parser`'s event parser, which gives the span of every
//! scalar, so that diagnostics point into the file and `schema migrate` can rewrite names
//! in place, leaving the rest of the file as written.

use saphyr_parser::{Event, Parser, SpannedEventReceiver};

use super::FileError;
use crate::promql::Expression;
use crate::source::{Source, Span};

/// A Prometheus rule file, read.
#[derive(Clone, Debug)]
pub struct RuleFile {
    /// The file's name and text.
    pub source: Source,
    /// Every rule, in file order.
    pub rules: Vec<FileRule>,
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
        let root = yaml_tree(&source)?;
        let mut rules = Vec::new();
        let groups = root.as_ref().and_then(|r| r.get("groups")).ok_or_else(|| {
            FileError::at(
                &source,
                0,
                "not a Prometheus rule file: it has no top-level `groups` list",
            )
        })?;
        let Yaml::Seq(groups, _) = groups else {
            return Err(FileError::at(
                &source,
                groups.span().start,
                "`groups` must be a list of rule groups",
            ));
        };
        for group in groups {
            let Some(Yaml::Seq(items, _)) = group.get("rules") else {
                return Err(FileError::at(
                    &source,
                    group.span().start,
                    "each group needs a `rules` list",
                ));
            };
            for item in items {
                let (kind, name) = match (item.get("alert"), item.get("record")) {
                    (Some(Yaml::Scalar(n, _)), None) => (FileRuleKind::Alert, n),
                    (None, Some(Yaml::Scalar(n, _))) => (FileRuleKind::Record, n),
                    _ => {
                        return Err(FileError::at(
                            &source,
                            item.span().start,
                            "each rule has either `alert` or `record`, a string",
                        ));
                    }
                };
                let Some(Yaml::Scalar(expr, span)) = item.get("expr") else {
                    return Err(FileError::at(
                        &source,
                        item.span().start,
                        format!("rule `{name}` has no `expr` string"),
                    ));
                };
                let raw = text.get(span.range()).unwrap_or_default();
                rules.push(FileRule {
                    kind,
                    name: name.clone(),
                    expr: Expression::read(expr.clone(), raw, *span),
                });
            }
        }
        Ok(RuleFile { source, rules })
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

/// A YAML node with the span of its text (byte offsets).
#[derive(Clone, Debug)]
pub(crate) enum Yaml {
    Scalar(String, Span),
    Seq(Vec<Yaml>, Span),
    Map(Vec<(Yaml, Yaml)>, Span),
    /// An alias (`*anchor`): not followed.
    Alias(Span),
}

impl Yaml {
    pub(crate) fn span(&self) -> Span {
        match self {
            Yaml::Scalar(_, s) | Yaml::Seq(_, s) | Yaml::Map(_, s) | Yaml::Alias(s) => *s,
        }
    }

    /// The value of key `key` of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Yaml> {
        let Yaml::Map(entries, _) = self else {
            return None;
        };
        entries.iter().find_map(|(k, v)| match k {
            Yaml::Scalar(k, _) if k == key => Some(v),
            _ => None,
        })
    }
}

/// Reads the first YAML document of `source` into a tree. `None` for an empty document.
pub(crate) fn yaml_tree(source: &Source) -> Result<Option<Yaml>, FileError> {
    let text = source.text();
    let mut builder = Builder {
        byte_of_char: text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect(),
        stack: Vec::new(),
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| {
        let offset = builder.byte(e.marker().index());
        FileError::at(source, offset, format!("invalid YAML: {}", e.info()))
    })?;
    Ok(builder.root)
}

enum Open {
    Seq(Vec<Yaml>, usize),
    Map(Vec<Yaml>, usize),
}

struct Builder {
    byte_of_char: Vec<usize>,
    stack: Vec<Open>,
    root: Option<Yaml>,
}

impl Builder {
    fn byte(&self, char_index: usize) -> usize {
        self.byte_of_char
            .get(char_index)
            .or(self.byte_of_char.last())
            .copied()
            .unwrap_or(0)
    }

    fn add(&mut self, node: Yaml) {
        match self.stack.last_mut() {
            Some(Open::Seq(items, _) | Open::Map(items, _)) => items.push(node),
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, event: Event<'input>, span: saphyr_parser::Span) {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        match event {
            Event::Scalar(value, ..) => {
                self.add(Yaml::Scalar(value.into_owned(), Span::new(start, end)))
            }
            Event::Alias(_) => self.add(Yaml::Alias(Span::new(start, end))),
            Event::SequenceStart(..) => self.stack.push(Open::Seq(Vec::new(), start)),
            Event::MappingStart(..) => self.stack.push(Open::Map(Vec::new(), start)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Seq(items, s)) => Yaml::Seq(items, Span::new(s, end)),
                    Some(Open::Map(items, s)) => {
                        let mut pairs = Vec::with_capacity(items.len() / 2);
                        let mut it = items.into_iter();
                        while let (Some(k), Some(v)) = (it.next(), it.next()) {
                            pairs.push((k, v));
                        }
                        Yaml::Map(pairs, Span::new(s, end))
                    }
                    None => return,
                };
                self.add(node);
            }
            _ => {}
        }
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
