//! Grafana dashboards: the PromQL of every panel target and query variable, located in the
//! JSON text.
//!
//! The JSON is read with `jsonc-parser`, which gives the span of every string. Grafana's
//! template variables (`$model_name`, `$__rate_interval`, ...) are replaced before parsing
//! (see [`Substitution::grafana`]); targets of another data source type (`loki`, ...) are
//! skipped.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::FileError;
use crate::promql::{Expression, Substitution};
use crate::source::{Source, Span};

/// A Grafana dashboard, read.
#[derive(Clone, Debug)]
pub struct DashboardFile {
    /// The file's name and text.
    pub source: Source,
    /// Every PromQL expression: panel targets, then query variables, in file order.
    pub expressions: Vec<Expression>,
}

impl DashboardFile {
    /// Reads the dashboard JSON `text`, named `name` in messages. A dashboard as exported
    /// (`{"panels": ...}`) and as the HTTP API wraps it (`{"dashboard": {...}}`) are both
    /// accepted.
    pub fn read(name: &str, text: &str) -> Result<DashboardFile, FileError> {
        let source = Source::new(name, text);
        let options = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        let parsed = parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            FileError::at(
                &source,
                e.range().start,
                format!("invalid JSON: {}", e.kind()),
            )
        })?;
        let Some(Value::Object(root)) = parsed.value else {
            return Err(FileError::at(
                &source,
                0,
                "not a Grafana dashboard: the file is not a JSON object",
            ));
        };
        let dashboard = match root.get("dashboard").map(|p| &p.value) {
            Some(Value::Object(inner)) => inner,
            _ => &root,
        };
        if dashboard.get("panels").is_none() && dashboard.get("rows").is_none() {
            return Err(FileError::at(
                &source,
                dashboard.range.start,
                "not a Grafana dashboard: it has no `panels` (or `rows`)",
            ));
        }
        let mut expressions = Vec::new();
        targets(text, dashboard, None, &mut expressions);
        variables(text, dashboard, &mut expressions);
        expressions.sort_by_key(|e| e.span.start);
        Ok(DashboardFile {
            source,
            expressions,
        })
    }
}

/// The data source type set on `object` (`"datasource": {"type": "prometheus"}`), if any.
fn datasource_type<'a>(object: &'a Object<'_>) -> Option<&'a str> {
    match &object.get("datasource")?.value {
        Value::Object(ds) => ds.get_string("type").map(|s| s.value.as_ref()),
        _ => None,
    }
}

/// Walks panels (nested in rows and collapsed rows too) and collects their targets' `expr`.
fn targets(text: &str, object: &Object<'_>, inherited: Option<&str>, out: &mut Vec<Expression>) {
    let datasource = datasource_type(object).or(inherited);
    for prop in &object.properties {
        match (prop.name.as_str(), &prop.value) {
            ("targets", Value::Array(items)) => {
                for item in &items.elements {
                    let Value::Object(target) = item else {
                        continue;
                    };
                    let source_type = datasource_type(target).or(datasource);
                    if source_type.is_some_and(|t| t != "prometheus") {
                        continue;
                    }
                    if let Some(expr) = target.get_string("expr") {
                        out.push(expression(
                            text,
                            expr.value.to_string(),
                            span(&expr.range),
                            None,
                        ));
                    }
                }
            }
            ("panels" | "rows", Value::Array(items)) => {
                for item in &items.elements {
                    if let Value::Object(panel) = item {
                        targets(text, panel, datasource, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The PromQL inside query variables: `label_values(<selector>, label)` and
/// `query_result(<expr>)`.
fn variables(text: &str, dashboard: &Object<'_>, out: &mut Vec<Expression>) {
    let Some(Value::Object(templating)) = dashboard.get("templating").map(|p| &p.value) else {
        return;
    };
    let Some(Value::Array(list)) = templating.get("list").map(|p| &p.value) else {
        return;
    };
    for item in &list.elements {
        let Value::Object(variable) = item else {
            continue;
        };
        if variable.get_string("type").map(|t| t.value.as_ref()) != Some("query")
            || datasource_type(variable).is_some_and(|t| t != "prometheus")
        {
            continue;
        }
        let query = match variable.get("query").map(|p| &p.value) {
            Some(Value::StringLit(s)) => s,
            Some(Value::Object(q)) => match q.get_string("query") {
                Some(s) => s,
                None => continue,
            },
            _ => continue,
        };
        let full = query.value.to_string();
        let Some(inner) = variable_promql(&full) else {
            continue;
        };
        out.push(expression(
            text,
            full.clone(),
            span(&query.range),
            Some(inner),
        ));
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

fn span(range: &jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
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
