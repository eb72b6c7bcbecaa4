//! The rules a Prometheus server has loaded (`/api/v1/rules`), checked against the
//! catalogue like a rule file: each rule's expression is written into a text that names
//! its group and rule, so that diagnostics point at it.

use super::{CheckedFile, Resolver, check_file};
use crate::lifecycle::Version;
use crate::promql::Expression;
use crate::source::{Source, Span};

/// A loaded rule: its group, its name (alert or recorded series), and its expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// The rule group.
    pub group: String,
    /// The alert name or recorded series.
    pub name: String,
    /// The PromQL expression.
    pub query: String,
}

/// Checks `rules` at `at`. The diagnostics are located in a text named `name` with two
/// lines per rule: `# group "<group>", rule "<name>"` and the expression; each message is
/// prefixed with the group and rule.
pub fn check_loaded(
    resolver: &Resolver<'_>,
    name: &str,
    rules: &[Loaded],
    at: &Version,
) -> CheckedFile {
    let mut text = String::new();
    let mut exprs = Vec::with_capacity(rules.len());
    let mut spans = Vec::with_capacity(rules.len());
    for r in rules {
        text.push_str(&format!("# group {:?}, rule {:?}\n", r.group, r.name));
        let query = r.query.replace('\n', " ");
        let span = Span::new(text.len(), text.len() + query.len());
        text.push_str(&query);
        text.push('\n');
        exprs.push(Expression::read(query.clone(), &query, span));
        spans.push(span);
    }
    let mut checked = check_file(resolver, Source::new(name, text), &exprs, at);
    for d in &mut checked.diagnostics {
        if let Some(i) = spans
            .iter()
            .position(|s| s.start <= d.span.start && d.span.start <= s.end)
        {
            d.message = format!(
                "group `{}`, rule `{}`: {}",
                rules[i].group, rules[i].name, d.message
            );
        }
    }
    checked
}
