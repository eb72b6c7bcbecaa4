//! The changelog as Markdown.

use std::fmt::Write;

use super::{Change, Changelog, MetricChange, SideInfo};
use crate::catalogue::Buckets;
use crate::compat::format_bounds;
use crate::lifecycle::Version;

/// The changelog as Markdown: a summary line, then the sections added, deprecated, hidden,
/// removed and changed (each present, "None." when empty).
pub fn markdown(log: &Changelog) -> String {
    let mut out = String::new();
    let title = match (&log.old.version, &log.new.version) {
        (Some(a), Some(b)) => format!("Metric changes from {a} to {b}"),
        _ => "Metric changes".to_owned(),
    };
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(
        out,
        "Compared {} with {}.\n",
        side(&log.old),
        side(&log.new)
    );
    let counts: Vec<String> = log
        .counts()
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    let _ = writeln!(out, "{}.\n", counts.join(", "));
    if !log.by_version {
        out.push_str("Without a version on both sides only written changes are compared: give `--old-version` and `--new-version` (or pin `version` in both catalogues) to see metrics hidden and removed by the deprecation policy.\n\n");
    }

    out.push_str("## Added\n\n");
    if log.added.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str("| Metric | Type | Stability | Since | Help |\n|---|---|---|---|---|\n");
        for m in &log.added {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                m.full_name,
                m.kind,
                m.stability,
                opt(&m.since),
                cell(&m.help)
            );
        }
        out.push('\n');
    }

    out.push_str("## Deprecated\n\n");
    lifecycle_table(&mut out, &log.deprecated);

    out.push_str("## Hidden\n\n");
    if !log.hidden.is_empty()
        && let (Some(v), Some(value)) = (&log.new.version, &log.show_hidden)
    {
        let _ = writeln!(
            out,
            "Not exposed at {v} unless the process is started with the show-hidden value `{}`.\n",
            value.minor_line()
        );
    }
    lifecycle_table(&mut out, &log.hidden);

    out.push_str("## Removed\n\n");
    if log.removed.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str("| Metric | Removed in | Replacement | Note |\n|---|---|---|---|\n");
        for m in &log.removed {
            let removed = if m.deleted {
                "deleted from the catalogue".to_owned()
            } else {
                opt(&m.removed)
            };
            let _ = writeln!(
                out,
                "| `{}` | {removed} | {} | {} |",
                m.full_name,
                code_or_dash(m.replacement.as_deref()),
                cell(m.note.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }

    out.push_str("## Changed\n\n");
    if log.changed.is_empty() {
        out.push_str("None.\n");
    }
    for c in &log.changed {
        let _ = writeln!(out, "- `{}`", c.full_name);
        for change in &c.changes {
            let _ = writeln!(out, "  - {}", describe(change));
        }
    }
    out
}

fn side(s: &SideInfo) -> String {
    match &s.version {
        Some(v) => format!("`{}` at {v}", s.name),
        None => format!("`{}`", s.name),
    }
}

fn lifecycle_table(out: &mut String, rows: &[MetricChange]) {
    if rows.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    out.push_str(
        "| Metric | Deprecated | Hidden from | Removed in | Replacement | Note |\n|---|---|---|---|---|---|\n",
    );
    for m in rows {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            m.full_name,
            opt(&m.deprecated),
            opt(&m.hidden),
            opt(&m.removed),
            code_or_dash(m.replacement.as_deref()),
            cell(m.note.as_deref().unwrap_or(""))
        );
    }
    out.push('\n');
}

/// One change in words, e.g. ``labels: added `a`; removed `b` ``.
pub(crate) fn describe(change: &Change) -> String {
    let list = |v: &[&String]| {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match change {
        Change::Type { before, after } => format!("type: {before} → {after}"),
        Change::Labels { before, after } => {
            let added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
            let removed: Vec<&String> = before.iter().filter(|l| !after.contains(l)).collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("added {}", list(&added)));
            }
            if !removed.is_empty() {
                parts.push(format!("removed {}", list(&removed)));
            }
            if parts.is_empty() {
                parts.push(format!(
                    "reordered to {}",
                    list(&after.iter().collect::<Vec<_>>())
                ));
            }
            format!("labels: {}", parts.join("; "))
        }
        Change::Buckets { before, after } => {
            format!("buckets: {} → {}", buckets(before), buckets(after))
        }
        Change::Unit { before, after } => format!(
            "unit: {} → {}",
            before.as_deref().unwrap_or("none"),
            after.as_deref().unwrap_or("none")
        ),
        Change::Help { before, after } => {
            format!("help: \"{}\" → \"{}\"", cell(before), cell(after))
        }
        Change::Stability { before, after } => format!("stability: {before} → {after}"),
    }
}

fn buckets(b: &Option<Buckets>) -> String {
    match b {
        None => "none".to_owned(),
        Some(Buckets::Runtime) => "set at run time".to_owned(),
        Some(Buckets::Bounds(bounds)) => format!("[{}]", format_bounds(bounds)),
    }
}

fn opt(v: &Option<Version>) -> String {
    v.as_ref().map_or_else(|| "—".to_owned(), |v| v.to_string())
}

fn code_or_dash(name: Option<&str>) -> String {
    name.map_or_else(|| "—".to_owned(), |n| format!("`{n}`"))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}
