//! Rendering: diagnostics as rustc-like text, JSON and GitHub workflow annotations; the rule
//! list and explanations; lifecycle status reports.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::{Status, StatusReport};
use crate::lint::{Rule, RuleKind};
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
        Severity::Note => Level::NOTE,
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
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
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
            Severity::Note => "notice",
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

/// The rule list for `schema rules`: one line per rule (id, severity, summary), grouped into
/// errors, warnings and compatibility rules.
pub fn rules_text() -> String {
    let mut out = String::new();
    for (kind, severity, title) in RULE_GROUPS {
        out.push_str(title);
        out.push('\n');
        for r in group(*kind, *severity) {
            out.push_str(&format!("  {:<32} {}\n", r.id, r.summary));
        }
        out.push('\n');
    }
    out.push_str("`schema explain <id>` explains a rule with a bad and a good example.\n");
    out
}

/// The rule list as a Markdown table (id, severity, summary), as the README shows it.
pub fn rules_markdown() -> String {
    let mut out = String::from("| Rule | Severity | Finds |\n|---|---|---|\n");
    for (kind, severity, _) in RULE_GROUPS {
        for r in group(*kind, *severity) {
            let sev = match r.kind {
                RuleKind::Catalogue => r.severity.as_str().to_owned(),
                RuleKind::Compatibility => format!("{} (baseline)", r.severity),
                RuleKind::Live => format!("{} (live)", r.severity),
            };
            out.push_str(&format!(
                "| `{}` | {sev} | {} |\n",
                r.id,
                r.summary.replace('|', "\\|")
            ));
        }
    }
    out
}

/// Every rule as a Markdown section (`### <id>`, the anchor SARIF's `helpUri` points at):
/// severity, summary, explanation and the bad and good examples. The rule reference in
/// `docs/rules.md`, kept in sync by a test.
pub fn rules_reference_markdown() -> String {
    let mut out = String::new();
    for (kind, severity, heading) in RULE_GROUPS {
        let rules: Vec<_> = group(*kind, *severity).collect();
        if rules.is_empty() {
            continue;
        }
        out.push_str(&format!("## {}\n\n", heading.trim_end_matches(':')));
        for r in rules {
            out.push_str(&format!(
                "### {}\n\n{} ({}): {}\n\n{}\n\n",
                r.id,
                r.severity,
                match r.kind {
                    RuleKind::Catalogue => "catalogue",
                    RuleKind::Compatibility => "compatibility, with `--baseline`",
                    RuleKind::Live => "live check",
                },
                r.summary,
                r.explanation.trim()
            ));
            for (what, example) in [("Triggers it", r.bad), ("Fixed", r.good)] {
                if example.trim().is_empty() {
                    continue;
                }
                out.push_str(&format!(
                    "{what}:\n\n```toml\n{}\n```\n\n",
                    example.trim_end()
                ));
            }
        }
    }
    out
}

const RULE_GROUPS: &[(RuleKind, Severity, &str)] = &[
    (
        RuleKind::Catalogue,
        Severity::Error,
        "Errors (the catalogue is invalid; `schema lint` exits 1):",
    ),
    (
        RuleKind::Catalogue,
        Severity::Warning,
        "Warnings (`schema lint` exits 0 unless `--deny warnings`; silence with `allow`):",
    ),
    (
        RuleKind::Compatibility,
        Severity::Error,
        "Compatibility (against the previous release's catalogue; errors for stable and beta metrics, warnings for alpha):",
    ),
    (
        RuleKind::Live,
        Severity::Error,
        "Live (`schema check-live`: what a running program exposes, against the catalogue):",
    ),
];

fn group(kind: RuleKind, severity: Severity) -> impl Iterator<Item = &'static Rule> {
    crate::lint::rules().iter().copied().filter(move |r| {
        r.kind == kind
            && (matches!(kind, RuleKind::Compatibility | RuleKind::Live) || r.severity == severity)
    })
}

/// The full explanation of `rule` for `schema explain`.
pub fn explain(rule: &Rule) -> String {
    let kind = match rule.kind {
        RuleKind::Catalogue => rule.severity.to_string(),
        RuleKind::Compatibility => format!(
            "compatibility {}, with a baseline; a warning for alpha metrics",
            rule.severity
        ),
        RuleKind::Live => format!("live {}, with `schema check-live`", rule.severity),
    };
    let indent = |text: &str| -> String {
        text.lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_owned()
                } else {
                    format!("    {l}\n")
                }
            })
            .collect()
    };
    let explanation: Vec<String> = rule
        .explanation
        .split("\n\n")
        .map(|p| wrap(p, 88))
        .collect();
    format!(
        "{} ({kind})\n\n{}\n\n{}\n\nBad:\n\n{}\nGood:\n\n{}",
        rule.id,
        wrap(rule.summary, 88),
        explanation.join("\n\n"),
        indent(rule.bad),
        indent(rule.good)
    )
}

/// `text` re-flowed into lines of at most `width` characters (longer words stay whole).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

/// `schema status` as text: every metric's status at the report's version, its exposed
/// names and lifecycle dates, then the show-hidden value that re-enables hidden metrics.
///
/// `show_hidden` says whether the valid show-hidden value was given (hidden metrics are then
/// exposed).
pub fn status_human(file: &str, report: &StatusReport, show_hidden: bool) -> String {
    let mut out = format!("{file} at {}\n\n", report.version);
    let width = report
        .metrics
        .iter()
        .map(|m| m.full_name.len())
        .max()
        .unwrap_or(0)
        .max("METRIC".len());
    let status_width = report
        .metrics
        .iter()
        .map(|m| m.shown().len())
        .max()
        .unwrap_or(0)
        .max("deprecated".len());
    out.push_str(&format!(
        "{:<status_width$} {:<9} {:<width$}  EXPOSED AS\n",
        "STATUS", "TYPE", "METRIC"
    ));
    for m in &report.metrics {
        let exposed = match (&m.since, m.status) {
            (Some(since), _) if !m.introduced => format!("- (since {since})"),
            (_, Status::Active | Status::Deprecated) => m.exposed.samples.join(", "),
            (_, Status::Hidden) if show_hidden => {
                format!("{} (show-hidden)", m.exposed.samples.join(", "))
            }
            (_, Status::Hidden) => "- (hidden)".to_owned(),
            (_, Status::Removed) => "- (removed)".to_owned(),
        };
        out.push_str(&format!(
            "{:<status_width$} {:<9} {:<width$}  {exposed}\n",
            m.shown(),
            m.kind.as_str(),
            m.full_name
        ));
        let detail =
            |line: String| format!("{:<status_width$} {:<9} {:<width$}    {line}\n", "", "", "");
        if let Some(d) = &m.schedule.deprecated {
            let mut line = format!("deprecated {d}");
            if let Some(h) = &m.schedule.hidden {
                line.push_str(&format!(", hidden {h}"));
            }
            if let Some(r) = &m.schedule.removed {
                line.push_str(&format!(", removed {r}"));
            }
            if let Some(rep) = &m.replacement {
                line.push_str(&format!("; replaced by {rep}"));
            }
            out.push_str(&detail(line));
        } else if let Some(r) = &m.schedule.removed {
            out.push_str(&detail(format!("removed {r}")));
        }
    }
    out.push('\n');
    let mut counts: Vec<String> = [
        Status::Active,
        Status::Deprecated,
        Status::Hidden,
        Status::Removed,
    ]
    .into_iter()
    .map(|s| format!("{} {}", report.count(s), s))
    .collect();
    let future = report.not_introduced();
    if future > 0 {
        counts.push(format!("{future} {}", crate::lifecycle::NOT_INTRODUCED));
    }
    out.push_str(&format!(
        "{} metrics: {}\n",
        report.metrics.len(),
        counts.join(", ")
    ));
    let hidden = report.count(Status::Hidden);
    match &report.show_hidden {
        Some(value) => out.push_str(&format!(
            "show-hidden value at {}: {} (re-enables the {hidden} hidden metric(s))\n",
            report.version,
            value.minor_line()
        )),
        None => out.push_str(&format!(
            "show-hidden value at {}: none ({}.0 is a major release with no previous minor)\n",
            report.version,
            report.version.major()
        )),
    }
    out
}

/// `schema status` as JSON: `version`, `show_hidden` (null at an `X.0` release) and
/// `metrics`, each with `name`, `full_name`, `type`, `stability`, `status` (with
/// `"not-yet-introduced"` before the metric's `since`), `since`, `labels`, `family`,
/// `samples`, `deprecated`, `hidden`, `removed` and `replacement`.
pub fn status_json(file: &str, report: &StatusReport) -> String {
    let v = |v: &Option<crate::lifecycle::Version>| v.as_ref().map(|v| v.to_string());
    let metrics: Vec<Value> = report
        .metrics
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "full_name": m.full_name,
                "type": m.kind.as_str(),
                "stability": m.stability.as_str(),
                "status": if m.introduced { m.status.as_str() } else { "not-yet-introduced" },
                "since": v(&m.since),
                "labels": m.labels,
                "family": m.exposed.family,
                "samples": m.exposed.samples,
                "deprecated": v(&m.schedule.deprecated),
                "hidden": v(&m.schedule.hidden),
                "removed": v(&m.schedule.removed),
                "replacement": m.replacement,
            })
        })
        .collect();
    let value = json!({
        "file": file,
        "version": report.version.to_string(),
        "show_hidden": report.show_hidden.as_ref().map(|v| v.minor_line()),
        "metrics": metrics,
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping() {
        assert_eq!(wrap("a bb  ccc\ndd", 6), "a bb\nccc dd");
        assert_eq!(wrap("toolongword x", 4), "toolongword\nx");
        assert_eq!(wrap("", 4), "");
    }

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
