//! Rendering diagnostics: rustc-like text, JSON, and GitHub workflow annotations.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Source, Span};

/// Whether human output uses ANSI colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// Plain text.
    Never,
    /// ANSI colours.
    Always,
}

/// Renders `diagnostics` (all from `source`) the way rustc does: rule id, message,
/// `file:line:col`, the source line with a caret, and a `help:` line. Diagnostics are
/// separated by a blank line.
pub fn human(source: &Source, diagnostics: &[Diagnostic], color: Color) -> String {
    let renderer = match color {
        Color::Never => Renderer::plain(),
        Color::Always => Renderer::styled(),
    };
    let mut out = String::new();
    for d in diagnostics {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&render_one(&renderer, source, d));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn render_one(renderer: &Renderer, source: &Source, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // Show only the lines the diagnostic touches, so that rendering stays cheap in a large
    // catalogue.
    let text = source.text();
    let spans = std::iter::once(d.span).chain(d.notes.iter().map(|n| n.span));
    let clamp = |s: Span| {
        let start = floor_boundary(text, s.start.min(text.len()));
        let end = floor_boundary(text, s.end.min(text.len())).max(start);
        Span::new(start, end)
    };
    let spans: Vec<Span> = spans.map(clamp).collect();
    let first = spans.iter().map(|s| s.start).min().unwrap_or(0);
    let last = spans.iter().map(|s| s.end).max().unwrap_or(0);
    let window_start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let window_end = text[last..].find('\n').map_or(text.len(), |i| last + i);
    let window = &text[window_start..window_end];
    let line_start = source.position(window_start).line;
    let shift = |s: Span| (s.start - window_start)..(s.end - window_start);

    let mut primary = AnnotationKind::Primary.span(shift(spans[0]));
    if let Some(label) = &d.label {
        primary = primary.label(label.as_str());
    }
    let mut snippet = Snippet::source(window)
        .line_start(line_start)
        .path(d.file.as_str())
        .annotation(primary);
    for (note, span) in d.notes.iter().zip(&spans[1..]) {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(shift(*span))
                .label(note.message.as_str()),
        );
    }
    let mut group =
        Group::with_title(level.primary_title(d.message.as_str()).id(d.rule)).element(snippet);
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The one-line summary printed after the diagnostics of a file, e.g.
/// `error: metrics.toml: 2 errors, 1 warning`; `None` when there is nothing to say.
pub fn summary(file: &str, diagnostics: &[Diagnostic]) -> Option<String> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(format!("warning: {file}: {}", plural(w, "warning"))),
        (e, 0) => Some(format!("error: {file}: {}", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: {file}: {}, {}",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}

/// One diagnostic as a JSON object: `rule`, `severity`, `message`, `file`, `line`, `column`,
/// `end_line`, `end_column`, `metric` (null when none), `label`, `help` and `notes`.
pub fn json_value(source: &Source, d: &Diagnostic) -> Value {
    let end = source.position(d.span.end);
    let notes: Vec<Value> = d
        .notes
        .iter()
        .map(|n| json!({ "line": n.line, "column": n.column, "message": n.message }))
        .collect();
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "end_line": end.line,
        "end_column": end.column,
        "metric": d.metric,
        "label": d.label,
        "help": d.help,
        "notes": notes,
    })
}

/// `diagnostics` as a pretty-printed JSON array of [`json_value`] objects.
pub fn json(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let values: Vec<Value> = diagnostics.iter().map(|d| json_value(source, d)).collect();
    serde_json::to_string_pretty(&Value::Array(values)).unwrap_or_else(|_| "[]".to_owned())
}

/// `diagnostics` as GitHub Actions workflow commands, one per line:
/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule>::<message>`.
pub fn github(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let end = source.position(d.span.end);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&d.file),
            d.line,
            d.column,
            end.line,
            end.column,
            escape_property(d.rule),
            escape_data(&message),
        ));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
