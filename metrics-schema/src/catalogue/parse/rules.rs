//! Reading `[[alert]]` and `[[record]]` tables.

use toml::de::DeValue;

use super::{Entry, Key, Reader, article, keys};
use crate::catalogue::{Alert, Keys, Record, RuleEntry};
use crate::diagnostic::Diagnostic;
use crate::lint::rules::parse as parse_rule;
use crate::promql::Expression;
use crate::source::Span;

keys!(
    /// The keys of an `[[alert]]` table.
    AlertKey {
        Name = "name",
        Expr = "expr",
        For = "for",
        Severity = "severity",
        Summary = "summary",
        Description = "description",
        Labels = "labels",
        Annotations = "annotations",
        Group = "group",
    }
);
keys!(
    /// The keys of a `[[record]]` table.
    RecordKey {
        Name = "name",
        Expr = "expr",
        Labels = "labels",
        Group = "group",
    }
);

impl Reader<'_> {
    pub(super) fn alerts(&mut self, entry: &Entry<'_, '_>) -> Vec<Alert> {
        const CX: &str = "[[alert]]";
        let mut alerts = Vec::new();
        for (header, table) in self.table_array(entry, "alert") {
            let mut a = Alert {
                name: String::new(),
                expr: empty_expression(header),
                for_: None,
                severity: None,
                summary: String::new(),
                description: None,
                labels: Vec::new(),
                annotations: Vec::new(),
                group: None,
                header,
                keys: Keys::with_capacity(table.len()),
                complete: false,
            };
            let (mut name, mut expr, mut summary) = (None, None, None);
            for (key, e) in self.entries(table, CX) {
                a.keys.push(e.name, e.key, e.value_span());
                match key {
                    AlertKey::Name => name = self.string(&e, CX),
                    AlertKey::Expr => expr = self.expression(&e, CX),
                    AlertKey::For => a.for_ = self.string(&e, CX),
                    AlertKey::Severity => a.severity = self.string(&e, CX),
                    AlertKey::Summary => summary = self.string(&e, CX),
                    AlertKey::Description => a.description = self.string(&e, CX),
                    AlertKey::Labels => a.labels = self.string_table(&e, CX),
                    AlertKey::Annotations => a.annotations = self.string_table(&e, CX),
                    AlertKey::Group => a.group = self.string(&e, CX),
                }
            }
            self.require(
                header,
                &a.keys,
                CX,
                &[
                    (
                        "name",
                        "every alert needs a `name`, e.g. `name = \"VllmOverloaded\"`",
                    ),
                    (
                        "expr",
                        "every alert needs an `expr`: the PromQL condition that fires it",
                    ),
                    (
                        "summary",
                        "every alert needs a `summary` telling the person paged what is wrong",
                    ),
                ],
            );
            if let (Some(name), Some(expr), Some(summary)) = (name, expr, summary) {
                a.name = name;
                a.expr = expr;
                a.summary = summary;
                a.complete = true;
            }
            alerts.push(a);
        }
        alerts
    }

    pub(super) fn records(&mut self, entry: &Entry<'_, '_>) -> Vec<Record> {
        const CX: &str = "[[record]]";
        let mut records = Vec::new();
        for (header, table) in self.table_array(entry, "recording rule") {
            let mut r = Record {
                name: String::new(),
                expr: empty_expression(header),
                labels: Vec::new(),
                group: None,
                header,
                keys: Keys::with_capacity(table.len()),
                complete: false,
            };
            let (mut name, mut expr) = (None, None);
            for (key, e) in self.entries(table, CX) {
                r.keys.push(e.name, e.key, e.value_span());
                match key {
                    RecordKey::Name => name = self.string(&e, CX),
                    RecordKey::Expr => expr = self.expression(&e, CX),
                    RecordKey::Labels => r.labels = self.string_table(&e, CX),
                    RecordKey::Group => r.group = self.string(&e, CX),
                }
            }
            self.require(
                header,
                &r.keys,
                CX,
                &[
                    (
                        "name",
                        "every recording rule needs a `name`: the series it records, e.g. `name = \"vllm:request_queue_time_seconds:p90\"`",
                    ),
                    ("expr", "every recording rule needs an `expr`: the PromQL it records"),
                ],
            );
            if let (Some(name), Some(expr)) = (name, expr) {
                r.name = name;
                r.expr = expr;
                r.complete = true;
            }
            records.push(r);
        }
        records
    }

    fn require(&mut self, header: Span, keys: &Keys, context: &str, required: &[(&str, &str)]) {
        for (key, help) in required {
            if keys.key(key).is_none() {
                self.missing(header, key, context, help);
            }
        }
    }

    /// A PromQL string, with its references located in the catalogue's text.
    fn expression(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<Expression> {
        let text = self.string(entry, context)?;
        let span = entry.value_span();
        let raw = self.text.get(span.range()).unwrap_or_default();
        Some(Expression::read(text, raw, span))
    }

    /// A table of strings (`labels`, `annotations`), in file order.
    fn string_table(&mut self, entry: &Entry<'_, '_>, context: &str) -> Vec<RuleEntry> {
        let DeValue::Table(table) = entry.value.get_ref() else {
            self.wrong_type(entry, context, "a table of strings");
            return Vec::new();
        };
        let mut items: Vec<_> = table.iter().collect();
        items.sort_by_key(|(k, _)| k.span().start);
        let mut out = Vec::with_capacity(items.len());
        for (key, value) in items {
            match value.get_ref() {
                DeValue::String(s) => out.push(RuleEntry {
                    name: key.get_ref().to_string(),
                    value: s.to_string(),
                    key: key.span().into(),
                }),
                other => self.push(
                    Diagnostic::new(
                        &parse_rule::RULE,
                        key.span().into(),
                        format!(
                            "`{}.{}` in {context} must be a string, found {}",
                            entry.name,
                            key.get_ref(),
                            article(other.type_str())
                        ),
                    )
                    .label("expected a string")
                    .help("label and annotation values are strings: quote numbers too"),
                ),
            }
        }
        out
    }
}

fn empty_expression(at: Span) -> Expression {
    Expression {
        text: String::new(),
        span: at,
        references: Ok(Vec::new()),
    }
}
