//! The Rust names `catalogue!` generates for a catalogue, and the check that they are all
//! distinct and usable.
//!
//! One implementation for the `generated-name` lint rule and for code generation, so that a
//! catalogue `schema lint` accepts always expands. The check does not depend on the version
//! the code is generated at: it claims every name the catalogue generates at any version
//! (a metric's constants, and the marker trait it gets once removed).

use std::collections::{HashMap, HashSet};

use super::{Catalogue, LabelKind, Metric};
use crate::source::Span;

/// Keywords of Rust 2015 to 2024, strict and reserved: names that need `r#` (or, for the
/// few that cannot be raw, a trailing `_`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// The constants generated next to `Metrics`.
pub(crate) const MODULE_CONSTS: [&str; 2] = ["VERSION", "SHOW_HIDDEN_VALUE"];

/// Values of the prelude (`None`, `Some`, `Ok`, `Err`): in a pattern they are the variant,
/// not a new binding.
const PRELUDE_VALUES: [&str; 4] = ["None", "Some", "Ok", "Err"];

/// The associated functions of `Metrics` that are not accessors.
pub(crate) const FIXED_MEMBERS: [&str; 2] = ["new", "options"];

/// The prefix of the private functions generated code adds to `Metrics`.
pub(crate) const PRIVATE_PREFIX: &str = "__metrics_schema_";

/// The most closed labels the runtime combines in a tuple; metrics with more get a
/// generated combination type ([`closed_type_name`]).
pub(crate) const MAX_TUPLE_CLOSED: usize = 6;

/// How a name is written as a Rust identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Identifier {
    /// As is.
    Plain(String),
    /// A keyword, written `r#name`.
    Raw(String),
}

impl Identifier {
    /// The identifier without `r#`: what two generated items are compared by.
    pub(crate) fn text(&self) -> &str {
        match self {
            Identifier::Plain(s) | Identifier::Raw(s) => s,
        }
    }
}

/// The identifier for `name` (of the form `[a-zA-Z_][a-zA-Z0-9_]*`): itself, `r#` itself
/// for a keyword, or itself followed by `_` when it cannot be raw (`self`, `_`).
pub(crate) fn identifier(name: &str) -> Identifier {
    if NOT_RAW.contains(&name) {
        Identifier::Plain(format!("{name}_"))
    } else if KEYWORDS.contains(&name) {
        Identifier::Raw(name.to_owned())
    } else {
        Identifier::Plain(name.to_owned())
    }
}

/// `request_success` -> `REQUEST_SUCCESS` (`_` alone gives `__`, an `_` const being
/// anonymous).
pub(crate) fn screaming(name: &str) -> String {
    if name == "_" {
        return "__".to_owned();
    }
    name.to_ascii_uppercase()
}

/// `finished_reason` -> `FinishedReason`: each `_`-separated part with its first letter in
/// upper case. A name with no letter or digit gives `Label`; `Self` gives `Self_`.
pub(crate) fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        out.push_str("Label");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// The associated constants of a live metric: its descriptor, `_NAME`, `_HELP` and
/// `_STATUS`.
pub(crate) fn const_names(metric: &str) -> [String; 4] {
    let scream = screaming(metric);
    [
        scream.clone(),
        format!("{scream}_NAME"),
        format!("{scream}_HELP"),
        format!("{scream}_STATUS"),
    ]
}

/// The name of the marker trait of a removed metric, which says what happened:
/// `MetricFooRemovedIn0_12_UseBar`.
pub(crate) fn removed_trait_name(m: &Metric) -> String {
    let mut name = format!("Metric{}RemovedIn", camel(&m.name));
    if let Some(removed) = &m.schedule.removed {
        name.push_str(&format!("{}_{}", removed.major(), removed.minor()));
        if removed.patch() != 0 {
            name.push_str(&format!("_{}", removed.patch()));
        }
    }
    if let Some(replacement) = &m.replaced_by {
        name.push_str("_Use");
        name.push_str(&camel(replacement));
    }
    name
}

/// The type combining the closed labels of a metric with more than [`MAX_TUPLE_CLOSED`]
/// of them: `RequestSuccessClosedLabels`.
pub(crate) fn closed_type_name(metric: &str) -> String {
    format!("{}ClosedLabels", camel(metric))
}

/// The number of closed labels of `m`.
pub(crate) fn closed_count(m: &Metric) -> usize {
    m.labels
        .iter()
        .filter(|l| matches!(l.kind, LabelKind::Closed { .. }))
        .count()
}

/// What generates a name: a catalogue entry (with the span of its name) or a fixed item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// `metric `jobs``, `label `jobs``, `the generated struct`.
    pub(crate) what: String,
    /// Where the entry's name is written; `None` for fixed items.
    pub(crate) span: Option<Span>,
    /// The metric, for its `allow` list.
    pub(crate) metric: Option<usize>,
}

/// The generated code a name belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The Rust items of `catalogue!`.
    Rust,
    /// The module of `schema codegen python`.
    Python,
}

/// A name generated code cannot use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Clash {
    /// Two entries generate the same item.
    Twice {
        /// The code generated.
        target: Target,
        /// The generated name.
        name: String,
        /// The later entry.
        origin: Origin,
        /// The entry that claimed the name first.
        first: Origin,
    },
    /// A metric or label name that generated code binds in a pattern, where it would read
    /// as a constant or a variant in scope.
    Pattern {
        /// The name.
        name: String,
        /// The metric or label.
        origin: Origin,
        /// What the name is in scope.
        is: &'static str,
    },
    /// A metric's name starts with the prefix of generated private functions.
    Private {
        /// The generated name.
        name: String,
        /// The metric.
        origin: Origin,
    },
    /// A metric's Python attribute is a name the generated module keeps for itself.
    PythonReserved {
        /// The attribute.
        name: String,
        /// The metric.
        origin: Origin,
        /// What the module uses the name for.
        is: &'static str,
    },
}

struct Namespace {
    target: Target,
    names: HashMap<String, Origin>,
}

impl Namespace {
    fn new(target: Target) -> Self {
        Namespace {
            target,
            names: HashMap::new(),
        }
    }

    fn claim(&mut self, name: String, origin: &Origin, clashes: &mut Vec<Clash>) {
        match self.names.get(&name) {
            // Two metrics of the same name are `duplicate-metric`, not reported again.
            Some(first)
                if first.what == origin.what
                    && first.metric.is_some()
                    && first.metric != origin.metric => {}
            // The same two entries already clash in the Rust code: reported once.
            Some(first)
                if self.target == Target::Python
                    && clashes.iter().any(|c| {
                        matches!(c,
                        Clash::Twice { origin: o, first: f, .. }
                            if o.what == origin.what && f.what == first.what)
                    }) => {}
            Some(first) => clashes.push(Clash::Twice {
                target: self.target,
                name,
                origin: origin.clone(),
                first: first.clone(),
            }),
            None => {
                self.names.insert(name, origin.clone());
            }
        }
    }
}

/// Every name the catalogue's generated code cannot use, in catalogue order.
pub(crate) fn clashes(cat: &Catalogue) -> Vec<Clash> {
    let mut clashes = Vec::new();
    let mut types = Namespace::new(Target::Rust);
    let mut members = Namespace::new(Target::Rust);
    let fixed = |what: String| Origin {
        what,
        span: None,
        metric: None,
    };
    types.claim(
        "Metrics".into(),
        &fixed("the generated struct".into()),
        &mut clashes,
    );
    for name in FIXED_MEMBERS {
        members.claim(
            name.into(),
            &fixed(format!("`Metrics::{name}`")),
            &mut clashes,
        );
    }
    let pattern = |name: &str, origin: &Origin, clashes: &mut Vec<Clash>| {
        let text = identifier(name).text().to_owned();
        let is = if MODULE_CONSTS.contains(&text.as_str()) {
            "a generated constant"
        } else if PRELUDE_VALUES.contains(&text.as_str()) {
            "a variant of the prelude"
        } else {
            return;
        };
        clashes.push(Clash::Pattern {
            name: text,
            origin: origin.clone(),
            is,
        });
    };

    let used: HashSet<&str> = cat
        .metrics
        .iter()
        .flat_map(|m| m.labels.iter().map(|l| l.name.as_str()))
        .collect();
    for label in &cat.labels {
        let origin = Origin {
            what: format!("label `{}`", label.name),
            span: Some(label.header),
            metric: None,
        };
        // Labels become parameters of the accessors of the metrics using them.
        if used.contains(label.name.as_str()) {
            pattern(&label.name, &origin, &mut clashes);
        }
        if matches!(label.kind, LabelKind::Closed { .. }) {
            types.claim(camel(&label.name), &origin, &mut clashes);
        }
    }
    for (index, m) in cat.metrics.iter().enumerate() {
        if !m.complete {
            continue; // reported by other rules; codegen never sees it
        }
        let origin = Origin {
            what: format!("metric `{}`", m.name),
            span: Some(m.keys.value("name").unwrap_or(m.header)),
            metric: Some(index),
        };
        let field = identifier(&m.name).text().to_owned();
        if field.starts_with(PRIVATE_PREFIX) {
            clashes.push(Clash::Private {
                name: field.clone(),
                origin: origin.clone(),
            });
        }
        pattern(&m.name, &origin, &mut clashes);
        members.claim(field, &origin, &mut clashes);
        let family = format!("{}_family", m.name);
        members.claim(identifier(&family).text().to_owned(), &origin, &mut clashes);
        if m.labels
            .iter()
            .any(|l| !matches!(l.kind, LabelKind::Closed { .. }))
        {
            let bind = format!("{}_bind", m.name);
            members.claim(identifier(&bind).text().to_owned(), &origin, &mut clashes);
        }
        for c in const_names(&m.name) {
            members.claim(c, &origin, &mut clashes);
        }
        if m.schedule.removed.is_some() {
            types.claim(removed_trait_name(m), &origin, &mut clashes);
        }
        if closed_count(m) > MAX_TUPLE_CLOSED {
            types.claim(closed_type_name(&m.name), &origin, &mut clashes);
        }
        parameters(
            m,
            index,
            Target::Rust,
            |n| identifier(n).text().to_owned(),
            &mut clashes,
        );
    }
    python_clashes(cat, &mut clashes);
    clashes
}

/// Two labels of `m` that become the same parameter of its accessors (`self` and
/// `self_` both give `self_`).
fn parameters(
    m: &Metric,
    index: usize,
    target: Target,
    spell: impl Fn(&str) -> String,
    clashes: &mut Vec<Clash>,
) {
    let mut params = Namespace::new(target);
    let mut seen = HashSet::new();
    for r in &m.label_refs {
        if !seen.insert(r.value.as_str()) {
            continue; // listed twice: `duplicate-label`
        }
        let origin = Origin {
            what: format!("label `{}` of metric `{}`", r.value, m.name),
            span: Some(r.span),
            metric: Some(index),
        };
        params.claim(spell(&r.value), &origin, clashes);
    }
}

/// Python's keywords: a name among them gets a trailing `_`.
const PYTHON_KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The public constants of the generated Python module; the label enums and `Metrics`
/// are its other public names.
pub(crate) const PYTHON_CONSTS: [&str; 3] = ["VERSION", "SHOW_HIDDEN_VALUE", "OVERFLOW_VALUE"];

/// Members of the Python `Metrics` class that are not metrics.
const PYTHON_MEMBERS: [&str; 4] = [
    "overflow_count",
    "shows_hidden",
    "_labels",
    "_label_overflows",
];

/// Names the body of the Python `Metrics` class refers to (decorators, annotations,
/// defaults), which a member of the same name would shadow.
const PYTHON_CLASS_SCOPE: [&str; 7] = [
    "property",
    "str",
    "int",
    "bool",
    "float",
    "prometheus_client",
    "_t",
];

/// A name as a Python identifier: keywords, and `self` (which a label would shadow in
/// methods), get a trailing `_`.
pub(crate) fn python_identifier(name: &str) -> String {
    if PYTHON_KEYWORDS.contains(&name) || name == "self" {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// What the generated Python module uses an attribute name of `Metrics` for, if it is
/// not free for a metric.
fn python_reserved(attribute: &str) -> Option<&'static str> {
    let storage = attribute
        .strip_prefix("_m_")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if PYTHON_MEMBERS.contains(&attribute) {
        Some("a member of `Metrics`")
    } else if PYTHON_CLASS_SCOPE.contains(&attribute) {
        Some("a name the body of `Metrics` refers to")
    } else if storage {
        Some("of the form of the module's private storage (`_m_N`)")
    } else if attribute.starts_with("__") {
        Some("a special or name-mangled attribute in Python")
    } else if attribute
        .strip_prefix('_')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        Some("of the form of the module's private classes (`_Name`)")
    } else {
        None
    }
}

/// The names of the Python module (`schema codegen python`) that clash, beyond those the
/// Rust names already report: metric attributes (Python keywords get a trailing `_`),
/// label parameters, enums named like the module's constants. The enums share the Rust
/// enums' names, whose clashes are reported for Rust.
fn python_clashes(cat: &Catalogue, clashes: &mut Vec<Clash>) {
    // The label enums share the Rust enums' names, whose clashes among themselves are
    // reported for Rust; only the module's constants are Python's own.
    for label in &cat.labels {
        let name = camel(&label.name);
        if matches!(label.kind, LabelKind::Closed { .. }) && PYTHON_CONSTS.contains(&name.as_str())
        {
            clashes.push(Clash::Twice {
                target: Target::Python,
                origin: Origin {
                    what: format!("label `{}`", label.name),
                    span: Some(label.header),
                    metric: None,
                },
                first: Origin {
                    what: format!("the module's constant `{name}`"),
                    span: None,
                    metric: None,
                },
                name,
            });
        }
    }
    let mut members = Namespace::new(Target::Python);
    for (index, m) in cat.metrics.iter().enumerate() {
        if !m.complete {
            continue;
        }
        let origin = Origin {
            what: format!("metric `{}`", m.name),
            span: Some(m.keys.value("name").unwrap_or(m.header)),
            metric: Some(index),
        };
        let attribute = python_identifier(&m.name);
        // The generated-code prefix is reported once, for Rust.
        if let Some(is) =
            python_reserved(&attribute).filter(|_| !m.name.starts_with(PRIVATE_PREFIX))
        {
            clashes.push(Clash::PythonReserved {
                name: attribute.clone(),
                origin: origin.clone(),
                is,
            });
        }
        members.claim(format!("Metrics.{attribute}"), &origin, clashes);
        parameters(m, index, Target::Python, python_identifier, clashes);
    }
}

impl Clash {
    /// The problem in one sentence, naming both origins; `at` turns a span into a
    /// position for readers without a source excerpt (`None`: no position).
    pub(crate) fn message(&self, at: &dyn Fn(Span) -> Option<String>) -> String {
        let describe = |o: &Origin| match o.span.and_then(at) {
            Some(position) => format!("{} ({position})", o.what),
            None => o.what.clone(),
        };
        match self {
            Clash::Twice {
                target,
                name,
                origin,
                first,
            } => format!(
                "{} generates `{name}`{}, which {} also generates; rename one of them",
                describe(origin),
                match target {
                    Target::Rust => "",
                    Target::Python => " in the Python module",
                },
                describe(first)
            ),
            Clash::Pattern { name, origin, is } => format!(
                "{} uses the name `{name}`, which is {is} in generated code; rename it",
                describe(origin)
            ),
            Clash::Private { name, origin } => format!(
                "{} generates `{name}`, and names starting with `{PRIVATE_PREFIX}` are \
                 reserved for generated code; rename it",
                describe(origin)
            ),
            Clash::PythonReserved { name, origin, is } => format!(
                "{} generates the Python attribute `Metrics.{name}`, which is {is}; rename it",
                describe(origin)
            ),
        }
    }

    /// The entry reported.
    pub(crate) fn origin(&self) -> &Origin {
        match self {
            Clash::Twice { origin, .. }
            | Clash::Pattern { origin, .. }
            | Clash::Private { origin, .. }
            | Clash::PythonReserved { origin, .. } => origin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(identifier("request_success").text(), "request_success");
        assert_eq!(identifier("type"), Identifier::Raw("type".into()));
        assert_eq!(identifier("self").text(), "self_");
        assert_eq!(identifier("_").text(), "__");
        assert_eq!(screaming("request_success"), "REQUEST_SUCCESS");
        assert_eq!(screaming("_"), "__");
        assert_eq!(camel("finished_reason"), "FinishedReason");
        assert_eq!(camel("gpuType"), "GpuType");
        assert_eq!(camel("_x__y_"), "XY");
        assert_eq!(camel("a_1"), "A1");
        assert_eq!(camel("_"), "Label");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(closed_type_name("jobs"), "JobsClosedLabels");
    }
}
