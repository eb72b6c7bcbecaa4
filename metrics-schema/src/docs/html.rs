//! The reference as one self-contained HTML page: inline CSS and JavaScript, no fonts,
//! images or scripts from elsewhere, so it opens offline and makes no network request.
//!
//! A filter box narrows the page to the metrics whose name, help, labels, group, status or
//! replacement contain every typed word; status checkboxes show or hide each status. Every
//! metric carries a status badge; deprecated, hidden and removed metrics are coloured and
//! removed names are struck through.

use std::fmt::Write;

use super::{
    Entry, Reference, STATUSES, buckets_text, label_history_text, label_kind_text, lifecycle_text,
};
use crate::catalogue::{LabelKind, MetricKind};
use crate::lifecycle::Status;

const STYLE: &str = r#"
:root { --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --card: #f6f8fa; --line: #d1d9e0;
  --active: #1a7f37; --deprecated: #9a6700; --hidden: #6639ba; --removed: #cf222e; --link: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d;
    --active: #3fb950; --deprecated: #d29922; --hidden: #ab7df8; --removed: #f85149; --link: #4493f8; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main, nav { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .35rem; display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
code { font: .92em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
a { color: var(--link); }
.muted, .policy { color: var(--muted); }
.policy { margin: .25rem 0; padding-left: 1.2rem; }
.controls { position: sticky; top: 0; z-index: 1; background: var(--bg); padding: .75rem 0;
  border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
#filter { flex: 1 1 18rem; font: inherit; padding: .45rem .7rem; border: 1px solid var(--line);
  border-radius: 6px; background: var(--card); color: var(--fg); }
.controls label { white-space: nowrap; }
#count { color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: .75rem 0 0; }
.metric { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--active);
  border-radius: 6px; padding: .75rem 1rem; margin: 0 0 .75rem; }
.metric.status-deprecated { border-left-color: var(--deprecated); }
.metric.status-hidden { border-left-color: var(--hidden); }
.metric.status-removed { border-left-color: var(--removed); }
.metric p { margin: .25rem 0; }
.notice { border-left: 3px solid var(--deprecated); padding-left: .6rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; line-height: 1; padding: .25rem .5rem;
  border-radius: 999px; color: #fff; text-transform: uppercase; letter-spacing: .03em; }
.badge-active { background: var(--active); }
.badge-deprecated { background: var(--deprecated); }
.badge-hidden { background: var(--hidden); }
.badge-removed { background: var(--removed); }
.badge-stability { background: transparent; color: var(--muted); border: 1px solid var(--line); }
.removed-name { text-decoration: line-through; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--card); }
td code { overflow-wrap: anywhere; }
td:last-child { min-width: 14rem; }
#no-match { font-style: italic; color: var(--muted); }
footer { max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
"#;

const SCRIPT: &str = r#"
(function () {
  "use strict";
  var input = document.getElementById("filter");
  var toggles = Array.prototype.slice.call(document.querySelectorAll("input[data-toggle]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-filtered]"));
  var count = document.getElementById("count");
  var none = document.getElementById("no-match");
  var total = document.querySelectorAll("[data-primary]").length;
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var shownStatus = {};
    toggles.forEach(function (t) { shownStatus[t.getAttribute("data-toggle")] = t.checked; });
    var shown = 0;
    items.forEach(function (el) {
      var text = el.getAttribute("data-search");
      var status = el.getAttribute("data-status");
      var visible = (status === null || shownStatus[status] !== false) &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      el.hidden = !visible;
      if (visible && el.hasAttribute("data-primary")) { shown += 1; }
    });
    sections.forEach(function (section) {
      section.hidden = section.querySelector("[data-search]:not([hidden])") === null;
    });
    count.textContent = shown + " of " + total + " metrics";
    none.hidden = shown !== 0;
  }
  input.addEventListener("input", apply);
  toggles.forEach(function (t) { t.addEventListener("change", apply); });
  apply();
})();
"#;

/// The reference as one self-contained HTML page.
pub fn html(r: &Reference<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = esc(&r.title());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"schema docs\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    out.push_str(
        "<!-- Generated by `schema docs` from the metrics catalogue. Do not edit by hand. -->\n",
    );
    let _ = writeln!(out, "<header>\n<h1>{title}</h1>");
    let _ = writeln!(out, "<p>{}.</p>", esc(&r.summary()));
    out.push_str("<p class=\"muted\">Deprecation policy, in minor releases after the deprecating release:</p>\n<ul class=\"policy\">\n");
    for line in r.policy_lines() {
        let _ = writeln!(out, "<li>{}</li>", esc(&line));
    }
    out.push_str("</ul>\n");
    let _ = writeln!(out, "<p>{}</p>", code_spans(&r.show_hidden_sentence()));
    out.push_str("<div class=\"controls\">\n<input id=\"filter\" type=\"search\" placeholder=\"Filter by name, help, label, group or status\" aria-label=\"Filter metrics\" autocomplete=\"off\">\n");
    for s in STATUSES {
        let _ = writeln!(
            out,
            "<label><input type=\"checkbox\" data-toggle=\"{s}\" checked> <span class=\"badge badge-{s}\">{s}</span> {}</label>",
            r.count(s)
        );
    }
    let total = r.entries.len();
    let _ = writeln!(
        out,
        "<span id=\"count\" aria-live=\"polite\">{total} of {total} metrics</span>\n</div>\n</header>"
    );

    out.push_str("<nav aria-label=\"Contents\">\n<ul>\n");
    for g in &r.groups {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            g.anchor,
            esc(&g.name)
        );
    }
    out.push_str("<li><a href=\"#deprecated-and-hidden-metrics\">Deprecated and hidden metrics</a></li>\n<li><a href=\"#removed-metrics\">Removed metrics</a></li>\n<li><a href=\"#labels\">Labels</a></li>\n</ul>\n</nav>\n<main>\n");

    for g in &r.groups {
        let _ = writeln!(
            out,
            "<section class=\"group\" id=\"{}\" data-filtered>\n<h2>{}</h2>",
            g.anchor,
            esc(&g.name)
        );
        for &i in &g.entries {
            metric(&mut out, r, &r.entries[i]);
        }
        out.push_str("</section>\n");
    }

    out.push_str(
        "<section id=\"deprecated-and-hidden-metrics\">\n<h2>Deprecated and hidden metrics</h2>\n",
    );
    let _ = writeln!(out, "<p>{}</p>", code_spans(&r.show_hidden_sentence()));
    if r.deprecated_or_hidden().next().is_none() {
        let _ = writeln!(
            out,
            "<p>No metric is deprecated or hidden at {}.</p>",
            r.version
        );
    } else {
        out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr><th>Metric</th><th>Status</th><th>Deprecated</th><th>Hidden from</th><th>Removed in</th><th>Replacement</th><th>Re-enabled with</th><th>Note</th></tr></thead>\n<tbody>\n");
        for e in r.deprecated_or_hidden() {
            let m = e.metric;
            let s = &m.schedule;
            let reenable = match (e.status, &r.show_hidden) {
                (Status::Hidden, Some(v)) => format!("show-hidden <code>{}</code>", v.minor_line()),
                (Status::Hidden, None) => "cannot be re-enabled".to_owned(),
                _ => "exposed".to_owned(),
            };
            let _ = writeln!(
                out,
                "<tr data-status=\"{}\" data-search=\"{}\"><td><a href=\"#{}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{reenable}</td><td>{}</td></tr>",
                e.status,
                search_text(e),
                e.anchor,
                esc(&m.full_name),
                badge(e.status),
                opt(&s.deprecated),
                opt(&s.hidden),
                opt(&s.removed),
                replacement_link(r, m.replacement.as_deref()),
                esc(m.note.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"removed-metrics\">\n<h2>Removed metrics</h2>\n");
    if r.count(Status::Removed) == 0 {
        let _ = writeln!(
            out,
            "<p>No metric has been removed as of {}.</p>",
            r.version
        );
    } else {
        let _ = writeln!(
            out,
            "<p>These metrics are no longer exposed at {}. Queries, dashboards and alerts that read them should use the replacement.</p>",
            r.version
        );
        out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr><th>Removed metric</th><th>Status</th><th>Replacement</th><th>Removed in</th><th>Note</th></tr></thead>\n<tbody>\n");
        for e in r.with_status(Status::Removed) {
            let m = e.metric;
            let _ = writeln!(
                out,
                "<tr id=\"{}\" class=\"metric-row status-removed\" data-status=\"removed\" data-primary data-search=\"{}\"><td><code class=\"removed-name\">{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e.anchor,
                search_text(e),
                esc(&m.full_name),
                badge(Status::Removed),
                replacement_link(r, m.replacement.as_deref()),
                opt(&m.schedule.removed),
                esc(m.note.as_deref().unwrap_or("")),
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"labels\">\n<h2>Labels</h2>\n");
    if r.catalogue.labels.is_empty() {
        out.push_str("<p>The catalogue defines no labels.</p>\n");
    } else {
        out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr><th>Label</th><th>Values</th><th>Meaning</th></tr></thead>\n<tbody>\n");
        for l in &r.catalogue.labels {
            let values = match &l.kind {
                LabelKind::Closed { values } => values
                    .iter()
                    .map(|v| format!("<code>{}</code>", esc(v)))
                    .collect::<Vec<_>>()
                    .join(", "),
                kind => esc(&label_kind_text(kind)),
            };
            let help = l.help.as_deref().unwrap_or("");
            let _ = writeln!(
                out,
                "<tr data-search=\"{}\"><td><code>{}</code></td><td>{values}</td><td>{}</td></tr>",
                esc(&format!("{} {} {help}", l.name, label_kind_text(&l.kind)).to_lowercase()),
                esc(&l.name),
                esc(help),
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str(
        "</section>\n<p id=\"no-match\" hidden>No metric matches the filter.</p>\n</main>\n",
    );
    out.push_str("<footer>Generated by <code>schema docs</code>.</footer>\n");
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}

fn metric(out: &mut String, r: &Reference<'_>, e: &Entry<'_>) {
    let m = e.metric;
    let _ = writeln!(
        out,
        "<article class=\"metric status-{}\" id=\"{}\" data-status=\"{}\" data-primary data-search=\"{}\">",
        e.status,
        e.anchor,
        e.status,
        search_text(e)
    );
    let _ = writeln!(
        out,
        "<h3><code>{}</code> {} <span class=\"badge badge-stability\">{}</span></h3>",
        esc(&m.full_name),
        badge(e.status),
        m.stability
    );
    let _ = writeln!(out, "<p>{}</p>", esc(&m.help));
    if let Some(notice) = m.deprecation_notice() {
        let _ = writeln!(out, "<p class=\"notice\">{}</p>", esc(&notice));
    }
    out.push_str("<dl>\n");
    let _ = writeln!(out, "<dt>Type</dt><dd>{}</dd>", m.kind);
    let samples: Vec<String> = m
        .exposed_names()
        .samples
        .iter()
        .map(|s| format!("<code>{}</code>", esc(s)))
        .collect();
    let _ = writeln!(out, "<dt>Exposed as</dt><dd>{}</dd>", samples.join(", "));
    let _ = writeln!(
        out,
        "<dt>Unit</dt><dd>{}</dd>",
        esc(m.unit.as_deref().unwrap_or("—"))
    );
    let labels: Vec<String> = m
        .labels
        .iter()
        .map(|l| {
            let history = label_history_text(m, &l.name, &r.version);
            let history = if history.is_empty() {
                String::new()
            } else {
                format!("; {history}")
            };
            format!(
                "<code>{}</code> <span class=\"muted\">({}{})</span>",
                esc(&l.name),
                esc(&label_kind_text(&l.kind)),
                esc(&history)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "<dt>Labels</dt><dd>{}</dd>",
        if labels.is_empty() {
            "none".to_owned()
        } else {
            labels.join(", ")
        }
    );
    if m.kind == MetricKind::Histogram
        && let Some(b) = &m.buckets
    {
        let _ = writeln!(out, "<dt>Buckets</dt><dd>{}</dd>", esc(&buckets_text(b)));
    }
    let _ = writeln!(out, "<dt>Stability</dt><dd>{}</dd>", m.stability);
    let _ = writeln!(out, "<dt>Since</dt><dd>{}</dd>", opt(&m.since));
    let mut status = badge(e.status);
    match e.status {
        Status::Hidden => match &r.show_hidden {
            Some(v) => {
                let _ = write!(
                    status,
                    " not exposed unless show-hidden is <code>{}</code>.",
                    v.minor_line()
                );
            }
            None => status.push_str(" not exposed."),
        },
        Status::Deprecated => status.push_str(" exposed, with the notice in its HELP."),
        _ => {}
    }
    let lifecycle = lifecycle_text(e);
    if !lifecycle.is_empty() {
        let _ = write!(status, " {}", esc(&lifecycle));
        if m.replacement.is_some() {
            let _ = write!(
                status,
                " Replaced by {}.",
                replacement_link(r, m.replacement.as_deref())
            );
        }
    }
    let _ = writeln!(
        out,
        "<dt>Status at {}</dt><dd>{status}</dd>\n</dl>\n</article>",
        r.version
    );
}

fn badge(status: Status) -> String {
    format!("<span class=\"badge badge-{status}\">{status}</span>")
}

/// A link to the replacement's entry when the reference has it, else its name.
fn replacement_link(r: &Reference<'_>, replacement: Option<&str>) -> String {
    match replacement {
        None => "—".to_owned(),
        Some(name) => match r.entry(name) {
            Some(e) => format!("<a href=\"#{}\"><code>{}</code></a>", e.anchor, esc(name)),
            None => format!("<code>{}</code>", esc(name)),
        },
    }
}

/// What the filter matches an entry against: lower-cased, attribute-escaped.
fn search_text(e: &Entry<'_>) -> String {
    let m = e.metric;
    let mut text = format!("{} {} {} {}", m.full_name, m.help, m.kind, e.status);
    for part in [&m.group, &m.replacement, &m.note, &m.unit]
        .into_iter()
        .flatten()
    {
        text.push(' ');
        text.push_str(part);
    }
    for l in &m.labels {
        text.push(' ');
        text.push_str(&l.name);
    }
    esc(&text.to_lowercase())
}

fn opt(v: &Option<crate::lifecycle::Version>) -> String {
    v.as_ref().map_or_else(|| "—".to_owned(), |v| v.to_string())
}

/// Text escaped for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text whose `` `code` `` spans become `<code>` elements.
fn code_spans(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(code_spans("use `a<b` now"), "use <code>a&lt;b</code> now");
    }
}
