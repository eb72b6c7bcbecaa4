//! Rustdoc of the generated items: help, labels, buckets and lifecycle, so that `cargo doc`
//! of an engine is a reference of its metrics.

use std::fmt::Write as _;

use crate::catalogue::{Buckets, Catalogue, Label, LabelKind, Metric};
use crate::lifecycle::{Status, Version};

use super::idents;

/// Markdown-escapes free text (help texts, notes): ASCII punctuation that Markdown or
/// rustdoc would interpret is backslash-escaped.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a Markdown code span, whatever backticks it holds.
pub(crate) fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn bound(b: f64) -> String {
    format!("{b:?}")
}

/// A link to the accessor of the metric with local name `name`, when it is generated.
fn accessor_link(catalogue: &Catalogue, name: &str, at: &Version) -> Option<String> {
    let m = catalogue.metric(name)?;
    m.is_generated_at(at)
        .then(|| format!("[`Metrics::{}`]", idents::spelled(&m.name)))
}

fn label_line(label: &Label) -> String {
    let mut line = format!("- {}", code(&label.name));
    match &label.kind {
        LabelKind::Open { max_values } => {
            line.push_str(": open (`&str`");
            match max_values {
                Some(n) => {
                    let _ = write!(line, ", at most {n} values");
                }
                None => line.push_str(", unbounded"),
            }
            line.push(')');
        }
        LabelKind::Closed { values } => {
            let _ = write!(line, ": closed ([`{}`]:", idents::camel(&label.name));
            for (i, v) in values.iter().enumerate() {
                line.push_str(if i == 0 { " " } else { ", " });
                line.push_str(&code(v));
            }
            line.push(')');
        }
    }
    if let Some(help) = label.help.as_deref().filter(|h| !h.trim().is_empty()) {
        line.push_str(" — ");
        line.push_str(&text(help.trim()));
    }
    line
}

/// The lifecycle paragraph of a metric at `at`.
pub(crate) fn lifecycle(catalogue: &Catalogue, m: &Metric, at: &Version) -> String {
    let status = m.status_at(at);
    let mut out = format!("**Lifecycle** ({}): ", m.stability);
    let mut dates = Vec::new();
    if let Some(since) = &m.since {
        dates.push(format!("since {since}"));
    }
    let s = &m.schedule;
    if let Some(d) = &s.deprecated {
        dates.push(format!("deprecated from {d}"));
    }
    if let Some(h) = &s.hidden {
        dates.push(format!("hidden from {h}"));
    }
    if let Some(r) = &s.removed {
        dates.push(format!("removed from {r}"));
    }
    if !dates.is_empty() {
        out.push_str(&dates.join(", "));
        out.push_str("; ");
    }
    let _ = write!(out, "**{status}** at {at}.");
    match status {
        Status::Hidden => out.push_str(
            " Not exposed, and recording is a no-op, unless the options carried the valid \
             show-hidden value ([`SHOW_HIDDEN_VALUE`]).",
        ),
        Status::Deprecated => out.push_str(" Its HELP carries the deprecation notice."),
        Status::Active | Status::Removed => {}
    }
    if let (Some(local), Some(full)) = (&m.replaced_by, &m.replacement) {
        let _ = write!(out, " Replaced by {}", code(full));
        if let Some(link) = accessor_link(catalogue, local, at) {
            let _ = write!(out, " ({link})");
        }
        out.push('.');
    }
    if let Some(note) = m.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(out, " {}", text(note.trim()));
    }
    out
}

/// The doc of a metric's accessor.
pub(crate) fn metric(catalogue: &Catalogue, m: &Metric, at: &Version) -> String {
    let mut out = text(m.help.trim());
    let names = m.exposed_names();
    let _ = write!(
        out,
        "\n\n**{}** {}, exposed as {}",
        m.kind,
        code(&m.full_name),
        names
            .samples
            .iter()
            .map(|s| code(s))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(unit) = &m.unit {
        let _ = write!(out, "; unit {}", code(unit));
    }
    if let Some(group) = &m.group {
        let _ = write!(out, "; group “{}”", text(group));
    }
    out.push('.');
    if m.labels.is_empty() {
        out.push_str("\n\n**Labels**: none.");
    } else {
        out.push_str("\n\n**Labels**, in this order:\n");
        for label in &m.labels {
            out.push('\n');
            out.push_str(&label_line(label));
        }
    }
    match &m.buckets {
        Some(Buckets::Bounds(bounds)) => {
            let list: Vec<String> = bounds.iter().map(|b| bound(*b)).collect();
            let _ = write!(out, "\n\n**Buckets**: {}, `+Inf`.", list.join(", "));
        }
        Some(Buckets::Runtime) => {
            let _ = write!(
                out,
                "\n\n**Buckets**: given at run time, with `Options::buckets({:?}, ..)`.",
                m.full_name
            );
        }
        None => {}
    }
    out.push_str("\n\n");
    out.push_str(&lifecycle(catalogue, m, at));
    let help = m.help_at(at);
    if help != m.help {
        let _ = write!(out, "\n\nHELP at {at}: “{}”", text(&help));
    }
    out
}

/// The doc of the `Metrics` struct: where it comes from and a table of every metric.
pub(crate) fn metrics_struct(catalogue: &Catalogue, file: &str, at: &Version) -> String {
    let count = |s: Status| {
        catalogue
            .metrics
            .iter()
            .filter(|m| m.is_introduced_at(at) && m.status_at(at) == s)
            .count()
    };
    let later = catalogue
        .metrics
        .iter()
        .filter(|m| !m.is_introduced_at(at))
        .count();
    let mut out = format!(
        "The metrics of catalogue {} at version {at}, generated by `catalogue!`.\n\n",
        code(file)
    );
    let _ = write!(
        out,
        "{} active, {} deprecated, {} hidden; {} removed (not generated: using one is a \
         compile error naming its replacement).\n\n",
        count(Status::Active),
        count(Status::Deprecated),
        count(Status::Hidden),
        count(Status::Removed),
    );
    if later > 0 {
        let _ = write!(
            out,
            "{later} more introduced after {at} (their `since` is later): not generated, \
             as they did not exist yet.\n\n"
        );
    }
    out.push_str(
        "Build the options with [`Metrics::options`] (which checks the show-hidden value), \
         the families with [`Metrics::new`], and register them with \
         `Registry::register`; several catalogues can share one registry.\n\n",
    );
    out.push_str("| Metric | Type | Labels | Status |\n|---|---|---|---|\n");
    for m in catalogue.metrics.iter().filter(|m| m.is_introduced_at(at)) {
        let status = m.status_at(at);
        let name = if status == Status::Removed {
            code(&m.full_name)
        } else {
            format!(
                "[{}](Metrics::{})",
                code(&m.full_name),
                idents::spelled(&m.name)
            )
        };
        let labels: Vec<String> = m.labels.iter().map(|l| code(&l.name)).collect();
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {status} |",
            m.kind,
            labels.join(", ")
        );
    }
    out
}

/// The doc of a closed label's enum.
pub(crate) fn label_enum(catalogue: &Catalogue, label: &Label, at: &Version) -> String {
    let mut out = format!("Values of the closed label {}", code(&label.name));
    match label.help.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(help) => {
            out.push_str(": ");
            out.push_str(&text(help.trim()));
        }
        None => out.push('.'),
    }
    let users: Vec<String> = catalogue
        .metrics
        .iter()
        .filter(|m| m.labels.iter().any(|l| l.name == label.name))
        .filter_map(|m| accessor_link(catalogue, &m.name, at))
        .collect();
    if !users.is_empty() {
        let _ = write!(out, "\n\nUsed by {}.", users.join(", "));
    }
    out
}

/// The `note` of the `#[deprecated]` attribute on the items of a metric that is deprecated
/// or hidden at `at`: what rustc prints at every use. Names the replacement (exposed name
/// and accessor), the hide and removal versions and the catalogue's note; for a hidden
/// metric, that recording is a no-op unless the show-hidden value is given.
pub(crate) fn deprecation_note(catalogue: &Catalogue, m: &Metric, at: &Version) -> String {
    let s = &m.schedule;
    let mut out = format!("`{}`", m.full_name);
    match m.status_at(at) {
        Status::Hidden => {
            let _ = write!(out, " is hidden at {at}");
            if let Some(d) = &s.deprecated {
                let _ = write!(out, " (deprecated since {d})");
            }
            let valid = crate::lifecycle::show_hidden_value(at).map(|v| v.minor_line());
            match valid {
                Some(v) => {
                    let _ = write!(
                        out,
                        ": not exposed, and recording is a no-op, unless the options carry \
                         the show-hidden value \"{v}\" (`SHOW_HIDDEN_VALUE`)"
                    );
                }
                None => out.push_str(": not exposed, and recording is a no-op"),
            }
        }
        _ => {
            out.push_str(" is deprecated");
            if let Some(d) = &s.deprecated {
                let _ = write!(out, " since {d}");
            }
        }
    }
    match (&m.replaced_by, &m.replacement) {
        (Some(local), Some(full)) => {
            let _ = write!(out, "; use `{full}`");
            if let Some(r) = catalogue.metric(local)
                && r.status_at(at) != Status::Removed
            {
                let _ = write!(out, " (`Metrics::{}`)", idents::spelled(&r.name));
            }
            out.push_str(" instead");
        }
        _ => out.push_str("; it has no replacement"),
    }
    let mut dates = Vec::new();
    if let Some(h) = s.hidden.as_ref().filter(|h| at.release() < **h) {
        dates.push(format!("hidden from {h}"));
    }
    if let Some(r) = &s.removed {
        dates.push(format!("removed from {r}"));
    }
    if !dates.is_empty() {
        let _ = write!(out, "; {}", dates.join(", "));
    }
    out.push('.');
    if let Some(note) = m.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        out.push(' ');
        out.push_str(note);
    }
    out
}
