//! Python code generation: a checked catalogue, at a version, to one self-contained, typed
//! Python module over `prometheus_client` (`schema codegen python`).
//!
//! The lifecycle is compiled in as for Rust: the HELP at the version (deprecation notice
//! included), hidden metrics registered only with the valid show-hidden value (the same
//! check and sentence as [`check_show_hidden`]), removed metrics absent. Everything the
//! module says about a metric comes from the same library functions the `catalogue!` macro
//! uses ([`Metric::help_at`], [`Metric::status_at`], [`Metric::exposed_names`],
//! [`show_hidden_value`]), so that a Python and a Rust engine built from one catalogue
//! expose the same names, HELP, labels and buckets.
//!
//! This module only generates: it runs on a catalogue [`crate::check`] accepted.
//!
//! ```
//! use metrics_schema::{Options, check, lifecycle::Version, python};
//!
//! let toml = r#"
//! [catalogue]
//! namespace = "engine"
//!
//! [labels.model_name]
//! max_values = 8
//!
//! [[metric]]
//! name = "requests"
//! type = "counter"
//! help = "Requests served."
//! labels = ["model_name"]
//! "#;
//! let checked = check(toml, "metrics.toml", &Options::default());
//! let catalogue = checked.catalogue.unwrap();
//! let at = Version::parse("1.2.0").unwrap();
//! let module = python::generate(&catalogue, "metrics.toml", &at).unwrap();
//! assert!(module.contains("def requests(self) -> _Requests:"));
//! assert!(module.contains("\"engine:requests\"") || module.contains("\"engine_requests\""));
//! ```
//!
//! # The generated module
//!
//! - `VERSION`, `SHOW_HIDDEN_VALUE` (`None` at an `X.0` release), `OVERFLOW_VALUE`;
//! - one `enum.Enum` (with `str` values) per closed label, CamelCase of the label name,
//!   members in UPPER_SNAKE_CASE;
//! - `class Metrics`, whose constructor takes `registry`, `show_hidden`, `disabled`,
//!   `max_values` (per open label), `buckets` (per `buckets = "runtime"` histogram, by full
//!   name) and `created_series`; one property per metric that is not removed, named like the
//!   Rust accessor, typed with a per-metric class whose `labels()` lists the label names
//!   and takes the closed labels' enums; `overflow_count(name)`;
//! - deprecated and hidden metrics warn (`DeprecationWarning`, once per process) when their
//!   property is read; hidden metrics not re-enabled, and disabled ones, are stand-ins that
//!   record nothing; removed metrics raise `AttributeError` naming the removal version and
//!   the replacement (hidden from type checkers, so mypy reports their use).

mod manifest;

pub use manifest::{ManifestError, PyprojectVersion, pep440, pyproject_version};

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::catalogue::generated::{PYTHON_CONSTS, camel, clashes, python_identifier};
use crate::catalogue::{
    Buckets, Catalogue, DEFAULT_MULTIPROCESS_MODE, Label, LabelKind, Metric, MetricKind,
};
use crate::lifecycle::{ShowHiddenError, Status, Version, show_hidden_value};

/// The support code every generated module carries (label rules, stand-ins, options).
const SUPPORT: &str = include_str!("support.py");

/// The module-level classes of the support code, which the classes of labelled metrics
/// (`_CamelName`) must not replace.
const SUPPORT_CLASSES: [&str; 7] = [
    "_Labels",
    "_Counter",
    "_Gauge",
    "_Histogram",
    "_Info",
    "_Timer",
    "_StandIn",
];

/// Names that cannot become distinct Python names (two metrics whose attributes collide,
/// a label whose enum would shadow `Metrics`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the catalogue cannot be generated as a Python module:\n{}",
            self.problems.join("\n")
        )
    }
}

impl std::error::Error for GenerateError {}

/// A name as a Python identifier: keywords, and `self` (which a label would shadow in
/// methods), get a trailing `_`.
pub fn identifier(name: &str) -> String {
    python_identifier(name)
}

/// The enum member of a closed label value: its ASCII alphanumeric runs, upper-cased,
/// joined with `_` (`"gpu-to-cpu"` -> `GPU_TO_CPU`), prefixed with `N` when it would start
/// with a digit. Distinct for the values of one label, since `check` refuses values that
/// differ only in punctuation and case.
pub fn enum_member(value: &str) -> String {
    let parts: Vec<String> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let mut out = parts.join("_");
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    out
}

/// `s` as a Python string literal.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Free text for a docstring body: backslashes, triple quotes and controls escaped.
fn doc_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push('\n'),
            '"' if out.ends_with("\"\"") => out.push_str("\\\""),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    if out.ends_with('"') {
        out.push(' ');
    }
    out
}

/// A float as Python writes it (`1.0`, `0.25`, `inf`).
fn float(b: f64) -> String {
    if b.is_infinite() {
        return if b > 0.0 {
            "float(\"inf\")"
        } else {
            "float(\"-inf\")"
        }
        .to_owned();
    }
    let s = format!("{b:?}");
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// The prometheus_client class of a metric type.
fn base_class(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Counter => "Counter",
        MetricKind::Gauge => "Gauge",
        MetricKind::Histogram => "Histogram",
        MetricKind::Info => "Info",
    }
}

/// The message of the `AttributeError` raised for a metric removed at `at`.
pub fn removed_message(catalogue: &Catalogue, m: &Metric, at: &Version) -> String {
    let removed = m
        .schedule
        .removed
        .as_ref()
        .map_or_else(|| at.to_string(), Version::to_string);
    let mut message = format!("metric `{}` was removed in {removed}", m.full_name);
    match (&m.replaced_by, &m.replacement) {
        (Some(local), Some(full)) => {
            let _ = write!(message, ": use `{full}` instead");
            if let Some(r) = catalogue.metric(local)
                && r.is_generated_at(at)
            {
                let _ = write!(message, " (`Metrics.{}`)", identifier(&r.name));
            }
        }
        _ => message.push_str(" and has no replacement"),
    }
    let _ = write!(message, "; the module was generated at version {at}");
    if let Some(n) = m.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(message, ". {}", n.trim());
    }
    message
}

/// The `DeprecationWarning` of a metric deprecated or hidden at `at`.
fn warning_message(catalogue: &Catalogue, m: &Metric, at: &Version) -> String {
    let status = m.status_at(at);
    let mut message = format!("metric `{}` is {status} at {at}", m.full_name);
    if let Some(d) = &m.schedule.deprecated {
        let _ = write!(message, " (deprecated since {d}");
        if let Some(h) = &m.schedule.hidden
            && status == Status::Deprecated
        {
            let _ = write!(message, ", hidden from {h}");
        }
        if let Some(r) = &m.schedule.removed {
            let _ = write!(message, ", removed from {r}");
        }
        message.push(')');
    } else if let Some(r) = &m.schedule.removed {
        let _ = write!(message, " (removed from {r})");
    }
    match (&m.replaced_by, &m.replacement) {
        (Some(local), Some(full)) => {
            let _ = write!(message, ": use `{full}` instead");
            if let Some(r) = catalogue.metric(local)
                && r.is_generated_at(at)
            {
                let _ = write!(message, " (`Metrics.{}`)", identifier(&r.name));
            }
        }
        _ => message.push_str("; it has no replacement"),
    }
    if status == Status::Hidden {
        message.push_str("; it records only when Metrics was given show_hidden=SHOW_HIDDEN_VALUE");
    }
    message.push('.');
    message
}

/// The show-hidden error sentence at `at`, with `@VALUE@` where the quoted value goes:
/// the Rust side's [`ShowHiddenError`] text, so that both say the same.
fn show_hidden_template(at: &Version) -> String {
    const MARK: &str = "@VALUE@";
    let error = match show_hidden_value(at) {
        Some(valid) => ShowHiddenError::Invalid {
            value: MARK.to_owned(),
            at: at.clone(),
            valid,
        },
        None => ShowHiddenError::NoPreviousMinor {
            value: MARK.to_owned(),
            at: at.clone(),
        },
    };
    error.to_string().replace(&format!("{MARK:?}"), MARK)
}

/// A label's line in a docstring.
fn label_doc(label: &Label) -> String {
    let mut line = format!("- ``{}``: ", label.name);
    match &label.kind {
        LabelKind::Open { max_values } => match max_values {
            Some(n) => {
                let _ = write!(line, "open (str, at most {n} values)");
            }
            None => line.push_str("open (str, unbounded)"),
        },
        LabelKind::Closed { values } => {
            let _ = write!(
                line,
                "closed ({} or one of {})",
                camel(&label.name),
                values
                    .iter()
                    .map(|v| format!("``{v}``"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    if let Some(help) = label.help.as_deref().filter(|h| !h.trim().is_empty()) {
        line.push_str(" - ");
        line.push_str(help.trim());
    }
    line
}

/// The lifecycle sentence of a metric at `at`.
fn lifecycle_doc(m: &Metric, at: &Version) -> String {
    let status = m.status_at(at);
    let mut out = format!("Lifecycle ({}): ", m.stability);
    let s = &m.schedule;
    let dates: Vec<String> = [
        m.since.as_ref().map(|v| format!("since {v}")),
        s.deprecated
            .as_ref()
            .map(|v| format!("deprecated from {v}")),
        s.hidden.as_ref().map(|v| format!("hidden from {v}")),
        s.removed.as_ref().map(|v| format!("removed from {v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !dates.is_empty() {
        out.push_str(&dates.join(", "));
        out.push_str("; ");
    }
    let _ = write!(out, "{status} at {at}.");
    match status {
        Status::Hidden => out.push_str(
            " Not registered, and recording does nothing, unless Metrics was given \
             show_hidden=SHOW_HIDDEN_VALUE. Reading it warns (DeprecationWarning).",
        ),
        Status::Deprecated => out.push_str(
            " Its HELP carries the deprecation notice; reading it warns (DeprecationWarning).",
        ),
        Status::Active | Status::Removed => {}
    }
    if let Some(full) = &m.replacement {
        let _ = write!(out, " Replaced by ``{full}``.");
    }
    if let Some(note) = m.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let _ = write!(out, " {}", note.trim());
    }
    out
}

/// The docstring of a metric's property.
fn metric_doc(m: &Metric, at: &Version) -> String {
    let mut out = m.help.trim().to_owned();
    let names = m.exposed_names();
    let _ = write!(
        out,
        "\n\n{} ``{}``, exposed as {}",
        m.kind,
        m.full_name,
        names
            .samples
            .iter()
            .map(|s| format!("``{s}``"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(unit) = &m.unit {
        let _ = write!(out, "; unit ``{unit}``");
    }
    if m.kind == MetricKind::Gauge {
        let _ = write!(
            out,
            "; multiprocess_mode ``{}``",
            m.multiprocess_mode
                .as_deref()
                .unwrap_or(DEFAULT_MULTIPROCESS_MODE)
        );
    }
    out.push('.');
    if m.labels.is_empty() {
        out.push_str("\n\nLabels: none.");
    } else {
        out.push_str("\n\nLabels, in this order:\n");
        for label in &m.labels {
            out.push('\n');
            out.push_str(&label_doc(label));
        }
    }
    match &m.buckets {
        Some(Buckets::Bounds(bounds)) => {
            let list: Vec<String> = bounds.iter().map(|b| format!("{b:?}")).collect();
            let _ = write!(out, "\n\nBuckets: {}, +Inf.", list.join(", "));
        }
        Some(Buckets::Runtime) => {
            let _ = write!(
                out,
                "\n\nBuckets: given at run time, with Metrics(buckets={{\"{}\": [...]}}).",
                m.full_name
            );
        }
        None => {}
    }
    out.push_str("\n\n");
    out.push_str(&lifecycle_doc(m, at));
    let help = m.help_at(at);
    if help != m.help {
        let _ = write!(out, "\n\nHELP at {at}: {help}");
    }
    out
}

/// Indents every non-empty line of `text` by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A docstring at indentation `n`.
fn docstring(text: &str, n: usize) -> String {
    let body = doc_text(text);
    let pad = " ".repeat(n);
    if body.contains('\n') {
        format!(
            "{pad}\"\"\"{}\n{pad}\"\"\"\n",
            indent(&body, n).trim_start()
        )
    } else {
        format!("{pad}\"\"\"{body}\"\"\"\n")
    }
}

/// What is generated for one metric that is not removed.
struct Plan<'a> {
    metric: &'a Metric,
    index: usize,
    status: Status,
    attribute: String,
    /// The per-metric class (labeled metrics), else the prometheus_client class.
    class: String,
}

/// Generates the Python module of `catalogue` at version `at`; `file` names the catalogue
/// in the module's header.
pub fn generate(catalogue: &Catalogue, file: &str, at: &Version) -> Result<String, GenerateError> {
    // Labels added after the version, or removed by then, are not generated.
    let catalogue = &*catalogue.with_labels_at(at);
    // The names are checked as the `generated-name` rule checks them: `check` already
    // refused a catalogue with a clash, so this only guards against a bug.
    let problems: Vec<String> = clashes(catalogue)
        .iter()
        .map(|c| c.message(&|_| None))
        .collect();
    if !problems.is_empty() {
        return Err(GenerateError { problems });
    }
    let enums: Vec<(&Label, String)> = catalogue
        .labels
        .iter()
        .filter(|l| matches!(l.kind, LabelKind::Closed { .. }))
        .map(|l| (l, camel(&l.name)))
        .collect();
    // The classes of labelled metrics are `_CamelName`, numbered past the names of the
    // support code's classes and of each other.
    let mut classes: BTreeSet<String> = SUPPORT_CLASSES.iter().map(|c| (*c).to_owned()).collect();
    let mut plans = Vec::new();
    for (index, m) in catalogue.metrics.iter().enumerate() {
        // Removed metrics, and metrics introduced after `at`, are not generated.
        if !m.is_generated_at(at) {
            continue;
        }
        let class = if m.labels.is_empty() {
            format!("prometheus_client.{}", base_class(m.kind))
        } else {
            let base = format!("_{}", camel(&m.name));
            let mut class = base.clone();
            let mut n = 2;
            while !classes.insert(class.clone()) {
                class = format!("{base}{n}");
                n += 1;
            }
            class
        };
        plans.push(Plan {
            metric: m,
            index,
            status: m.status_at(at),
            attribute: identifier(&m.name),
            class,
        });
    }

    let mut out = String::new();
    header(&mut out, catalogue, file, at, &enums);
    out.push_str(SUPPORT);
    out.push('\n');
    catalogue_tables(&mut out, catalogue, at, &plans);
    for (label, name) in &enums {
        enum_class(&mut out, label, name);
    }
    for p in &plans {
        metric_class(&mut out, p);
    }
    metrics_class(&mut out, catalogue, file, at, &plans);
    Ok(out)
}

fn header(
    out: &mut String,
    catalogue: &Catalogue,
    file: &str,
    at: &Version,
    enums: &[(&Label, String)],
) {
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
    let later = if later == 0 {
        String::new()
    } else {
        format!(
            " {later} more introduced after {at} (their ``since`` is later): absent, as they \
             did not exist yet."
        )
    };
    let _ = writeln!(
        out,
        "# Generated by `schema codegen python` from {file} at version {at}. Do not edit:\n\
         # change the catalogue and generate again."
    );
    let doc = format!(
        "The metrics of catalogue ``{file}`` at version {at}, for prometheus_client.\n\n\
         {} active, {} deprecated, {} hidden; {} removed (absent: reading one raises \
         AttributeError naming its replacement).{later}\n\n\
         Build them once per process, with the show-hidden value the engine was started \
         with::\n\n    metrics = Metrics(show_hidden=args.show_hidden_metrics_for_version)\n\n\
         then record through the attributes, e.g. ``metrics.<name>.labels(...).inc()``.\n\
         Requires Python >= 3.9 and prometheus_client.",
        count(Status::Active),
        count(Status::Deprecated),
        count(Status::Hidden),
        count(Status::Removed),
    );
    out.push_str(&docstring(&doc, 0));
    out.push_str(
        "\nfrom __future__ import annotations\n\n\
         import enum\n\
         import re\n\
         import threading\n\
         import warnings\n\
         import typing as _t\n\n\
         import prometheus_client\n\n",
    );
    out.push_str("__all__ = [\n");
    for name in PYTHON_CONSTS {
        let _ = writeln!(out, "    \"{name}\",");
    }
    for (_, name) in enums {
        let _ = writeln!(out, "    \"{name}\",");
    }
    out.push_str("    \"Metrics\",\n]\n\n");
    let _ = writeln!(out, "VERSION: str = {}", string_literal(&at.to_string()));
    let _ = writeln!(
        out,
        "\"\"\"The version the module was generated at: every metric's lifecycle is evaluated at it.\"\"\"\n"
    );
    let valid = show_hidden_value(at);
    match &valid {
        Some(v) => {
            let _ = writeln!(
                out,
                "SHOW_HIDDEN_VALUE: _t.Optional[str] = {}\n\"\"\"The one show-hidden value valid at \
                 {at} (the previous minor release): given to Metrics, it re-enables the hidden \
                 metrics.\"\"\"\n",
                string_literal(&v.minor_line())
            );
        }
        None => {
            let _ = writeln!(
                out,
                "SHOW_HIDDEN_VALUE: _t.Optional[str] = None\n\"\"\"None: {at} is an X.0 release, with \
                 no previous minor release whose hidden metrics could be re-enabled.\"\"\"\n"
            );
        }
    }
    let _ = writeln!(
        out,
        "OVERFLOW_VALUE: str = \"__overflow__\"\n\"\"\"The value every open label of a metric's \
         overflow series carries: values past an open label's max_values are recorded there.\"\"\"\n"
    );
    let release = valid.map_or_else(
        || "None".to_owned(),
        |v| format!("({}, {}, {})", v.major(), v.minor(), v.patch()),
    );
    let _ = writeln!(
        out,
        "_SHOW_HIDDEN_RELEASE: _t.Optional[_t.Tuple[int, int, int]] = {release}\n\
         _SHOW_HIDDEN_ERROR = {}\n",
        string_literal(&show_hidden_template(at))
    );
}

/// The module-level tables the support code consults.
fn catalogue_tables(out: &mut String, catalogue: &Catalogue, at: &Version, plans: &[Plan<'_>]) {
    // A full name always means its metric, as on the Rust side (which takes full names
    // only): a local name that is another metric's full name is left out.
    let full: BTreeSet<&str> = catalogue
        .metrics
        .iter()
        .map(|m| m.full_name.as_str())
        .collect();
    out.push_str("_LOCAL_NAMES: _t.Dict[str, str] = {\n");
    for m in &catalogue.metrics {
        let local = string_literal(&m.name);
        if m.full_name == m.name || !full.contains(m.name.as_str()) {
            let _ = writeln!(out, "    {local}: {local},");
        }
        if m.full_name != m.name {
            let _ = writeln!(out, "    {}: {local},", string_literal(&m.full_name));
        }
    }
    out.push_str("}\n\n");
    let open: BTreeSet<&str> = catalogue
        .metrics
        .iter()
        .flat_map(|m| m.labels.iter())
        .filter(|l| matches!(l.kind, LabelKind::Open { .. }))
        .map(|l| l.name.as_str())
        .collect();
    out.push_str("_OPEN_LABELS: _t.FrozenSet[str] = frozenset(\n    (\n");
    for l in open {
        let _ = writeln!(out, "        {},", string_literal(l));
    }
    out.push_str("    )\n)\n\n");
    out.push_str("_RUNTIME_BUCKETS: _t.Tuple[str, ...] = (\n");
    for p in plans {
        if p.metric.buckets == Some(Buckets::Runtime) {
            let _ = writeln!(out, "    {},", string_literal(&p.metric.full_name));
        }
    }
    out.push_str(")\n\n");
    out.push_str("_REMOVED: _t.Dict[str, str] = {\n");
    for m in catalogue.metrics.iter().filter(|m| m.is_introduced_at(at)) {
        if m.status_at(at) == Status::Removed {
            let _ = writeln!(
                out,
                "    {}: {},",
                string_literal(&identifier(&m.name)),
                string_literal(&removed_message(catalogue, m, at))
            );
        }
    }
    out.push_str("}\n\n\n");
}

fn enum_class(out: &mut String, label: &Label, name: &str) {
    let LabelKind::Closed { values } = &label.kind else {
        return;
    };
    let _ = writeln!(out, "class {name}(str, enum.Enum):");
    let mut doc = format!("Values of the closed label ``{}``", label.name);
    match label.help.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(help) => {
            let _ = write!(doc, ": {}", help.trim());
        }
        None => doc.push('.'),
    }
    doc.push_str("\n\n``labels()`` takes a member or its string value.");
    out.push_str(&docstring(&doc, 4));
    out.push('\n');
    for v in values {
        let _ = writeln!(out, "    {} = {}", enum_member(v), string_literal(v));
    }
    out.push_str("\n    def __str__(self) -> str:\n        return str(self.value)\n\n\n");
}

fn metric_class(out: &mut String, p: &Plan<'_>) {
    let m = p.metric;
    if m.labels.is_empty() {
        return;
    }
    let base = base_class(m.kind);
    let _ = writeln!(out, "class {}(_{base}):", p.class);
    let _ = writeln!(
        out,
        "    \"\"\"``{}``: a prometheus_client {base} whose labels() checks its label values.\"\"\"\n",
        doc_text(&m.full_name)
    );
    let params: Vec<String> = m
        .labels
        .iter()
        .map(|l| {
            let ty = match l.kind {
                LabelKind::Closed { .. } => format!("_t.Union[{}, str]", camel(&l.name)),
                LabelKind::Open { .. } => "str".to_owned(),
            };
            format!("{}: {ty}", identifier(&l.name))
        })
        .collect();
    let args: Vec<String> = m.labels.iter().map(|l| identifier(&l.name)).collect();
    let tuple = if args.len() == 1 {
        format!("({},)", args[0])
    } else {
        format!("({})", args.join(", "))
    };
    let _ = writeln!(
        out,
        "    def labels(  # type: ignore[override]\n        self,\n{}    ) -> prometheus_client.{base}:",
        params
            .iter()
            .map(|p| format!("        {p},\n"))
            .collect::<String>()
    );
    let _ = writeln!(
        out,
        "        \"\"\"The series of these label values (catalogue order).\"\"\"\n        \
         return self._child({tuple})\n\n"
    );
}

fn labels_expr(m: &Metric) -> String {
    let names: Vec<String> = m.labels.iter().map(|l| string_literal(&l.name)).collect();
    let closed: Vec<String> = m
        .labels
        .iter()
        .map(|l| match l.kind {
            LabelKind::Closed { .. } => camel(&l.name),
            LabelKind::Open { .. } => "None".to_owned(),
        })
        .collect();
    let max: Vec<String> = m
        .labels
        .iter()
        .map(|l| match l.kind {
            LabelKind::Closed { .. } => "None".to_owned(),
            LabelKind::Open { max_values } => format!(
                "_limit(limits, {}, {})",
                string_literal(&l.name),
                max_values.map_or_else(|| "None".to_owned(), |n| n.to_string())
            ),
        })
        .collect();
    let tuple = |items: Vec<String>| match items.len() {
        0 => "()".to_owned(),
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    };
    format!(
        "_Labels(\n            {},\n            {},\n            {},\n            {},\n        )",
        string_literal(&m.full_name),
        tuple(names),
        tuple(closed),
        tuple(max)
    )
}

fn metrics_class(
    out: &mut String,
    catalogue: &Catalogue,
    file: &str,
    at: &Version,
    plans: &[Plan<'_>],
) {
    out.push_str("class Metrics:\n");
    let mut doc = format!(
        "The metrics of catalogue ``{file}`` at version {at}.\n\n\
         Arguments:\n\n\
         - registry: where the metrics register (None: nowhere).\n\
         - show_hidden: the engine's show-hidden option; only SHOW_HIDDEN_VALUE is accepted \
         (ValueError naming it otherwise) and re-enables the hidden metrics.\n\
         - disabled: names (local or full) of metrics not to register; their attributes record \
         nothing.\n\
         - max_values: per open label, a bound replacing the catalogue's.\n\
         - buckets: per buckets = \"runtime\" histogram (full name), its bounds.\n\
         - created_series: False (default) turns prometheus_client's ``_created`` series off \
         process-wide (prometheus_client.disable_created_metrics), as the catalogue exposes \
         none.\n\n\
         Gauges declare their catalogue multiprocess_mode (default ``{DEFAULT_MULTIPROCESS_MODE}``), \
         for PROMETHEUS_MULTIPROC_DIR.\n\n\
         Metrics:\n"
    );
    for m in catalogue.metrics.iter().filter(|m| m.is_introduced_at(at)) {
        let _ = write!(
            doc,
            "\n- ``{}`` ({}, {})",
            m.full_name,
            m.kind,
            m.status_at(at)
        );
    }
    out.push_str(&docstring(&doc, 4));
    out.push('\n');
    out.push_str(
        "    def __init__(\n        self,\n        registry: _t.Optional[prometheus_client.CollectorRegistry] = prometheus_client.REGISTRY,\n        \
         show_hidden: _t.Optional[str] = None,\n        disabled: _t.Iterable[str] = (),\n        \
         max_values: _t.Optional[_t.Mapping[str, int]] = None,\n        \
         buckets: _t.Optional[_t.Mapping[str, _t.Sequence[float]]] = None,\n        \
         created_series: bool = False,\n    ) -> None:\n",
    );
    out.push_str(
        "        if show_hidden is not None:\n            _check_show_hidden(show_hidden)\n        \
         shown = show_hidden is not None\n        \
         self.shows_hidden: bool = shown\n        \
         \"\"\"Whether the hidden metrics are registered (show_hidden was valid).\"\"\"\n        \
         off, limits, bounds = _options(disabled, max_values, buckets)\n        \
         if not created_series:\n            prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]\n",
    );
    for p in plans {
        let m = p.metric;
        let live = match p.status {
            Status::Hidden => format!("shown and {} not in off", string_literal(&m.name)),
            _ => format!("{} not in off", string_literal(&m.name)),
        };
        let mut kwargs = String::new();
        if let Some(unit) = &m.unit {
            let _ = write!(kwargs, "\n            unit={},", string_literal(unit));
        }
        match (&m.kind, &m.buckets) {
            (MetricKind::Gauge, _) => {
                let _ = write!(
                    kwargs,
                    "\n            multiprocess_mode={},",
                    string_literal(
                        m.multiprocess_mode
                            .as_deref()
                            .unwrap_or(DEFAULT_MULTIPROCESS_MODE)
                    )
                );
            }
            (MetricKind::Histogram, Some(Buckets::Bounds(b))) => {
                let list: Vec<String> = b.iter().map(|x| float(*x)).collect();
                let _ = write!(kwargs, "\n            buckets=({},),", list.join(", "));
            }
            (MetricKind::Histogram, Some(Buckets::Runtime)) => {
                let _ = write!(
                    kwargs,
                    "\n            buckets=bounds.get({}, ()),",
                    string_literal(&m.full_name)
                );
            }
            _ => {}
        }
        let _ = writeln!(
            out,
            "        # {} ({}, {} at {at})\n        self._m_{}: {} = _make(\n            {},\n            {},\n            {},\n            {},\n            registry,{kwargs}\n        )",
            m.full_name,
            m.kind,
            p.status,
            p.index,
            p.class,
            if m.labels.is_empty() {
                format!("prometheus_client.{}", base_class(m.kind))
            } else {
                p.class.clone()
            },
            labels_expr(m).replace("\n        ", "\n            "),
            live,
            string_literal(&m.help_at(at)),
        );
    }
    out.push_str("        self._labels: _t.Dict[str, _Labels] = {\n");
    for p in plans {
        let _ = writeln!(
            out,
            "            {}: _t.cast(_t.Any, self._m_{})._schema,",
            string_literal(&p.metric.name),
            p.index
        );
    }
    out.push_str("        }\n");
    if let Some(name) = catalogue.label_overflows_name() {
        let _ = writeln!(
            out,
            "        self._label_overflows = _label_overflows(\n            {},\n            {},\n            registry,\n            [",
            string_literal(&name),
            string_literal(crate::lifecycle::LABEL_OVERFLOWS_HELP),
        );
        for p in plans {
            let _ = writeln!(
                out,
                "                (_t.cast(_t.Any, self._m_{i})._schema, not isinstance(self._m_{i}, _StandIn)),",
                i = p.index
            );
        }
        out.push_str("            ],\n        )\n");
    }
    out.push('\n');
    out.push_str(
        "    def overflow_count(self, name: str) -> int:\n        \
         \"\"\"How many label lookups of metric ``name`` (local or full name) went to its \
         overflow series because an open label already had max_values values.\"\"\"\n        \
         local = _LOCAL_NAMES.get(name)\n        \
         if local is None or local not in self._labels:\n            \
         raise ValueError(\"%r is not a metric of the catalogue at %s\" % (name, VERSION))\n        \
         return self._labels[local].overflows\n\n",
    );
    out.push_str(
        "    if not _t.TYPE_CHECKING:\n\n        \
         def __getattr__(self, name: str) -> _t.Any:\n            \
         message = _REMOVED.get(name)\n            \
         if message is not None:\n                raise AttributeError(message)\n            \
         raise AttributeError(\"%r object has no attribute %r\" % (type(self).__name__, name))\n",
    );
    for p in plans {
        let m = p.metric;
        let _ = writeln!(
            out,
            "\n    @property\n    def {}(self) -> {}:",
            p.attribute, p.class
        );
        out.push_str(&docstring(&metric_doc(m, at), 8));
        if matches!(p.status, Status::Deprecated | Status::Hidden) {
            let _ = writeln!(
                out,
                "        _warn_once({}, {})",
                string_literal(&m.full_name),
                string_literal(&warning_message(catalogue, m, at))
            );
        }
        let _ = writeln!(out, "        return self._m_{}", p.index);
    }
}
