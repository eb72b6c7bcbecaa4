//! Rust identifiers for catalogue names, and the check that they are all distinct.

use std::collections::HashMap;

use proc_macro2::{Ident, Span};

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

/// The identifier for `name` (already of the form `[a-zA-Z_][a-zA-Z0-9_]*`): itself, `r#`
/// itself for a keyword, or itself followed by `_` when it cannot be raw (`self`, `_`).
pub(crate) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The name an [`ident`] of `name` is spelled with in Rust source.
pub(crate) fn spelled(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
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

/// The names generated in one Rust namespace, each with what generated it, so that a
/// second use is reported with both origins.
#[derive(Default)]
pub(crate) struct Namespace {
    names: HashMap<String, String>,
}

impl Namespace {
    /// Claims `name` for `origin`; a clash is reported in `problems`.
    pub(crate) fn claim(&mut self, name: String, origin: String, problems: &mut Vec<String>) {
        if let Some(first) = self.names.get(&name) {
            problems.push(format!(
                "{origin} generates `{name}`, which {first} also generates; rename one of them"
            ));
        } else {
            self.names.insert(name, origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(ident("request_success").to_string(), "request_success");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("_").to_string(), "__");
        assert_eq!(spelled("type"), "r#type");
        assert_eq!(screaming("request_success"), "REQUEST_SUCCESS");
        assert_eq!(screaming("_"), "__");
        assert_eq!(camel("finished_reason"), "FinishedReason");
        assert_eq!(camel("gpuType"), "GpuType");
        assert_eq!(camel("_x__y_"), "XY");
        assert_eq!(camel("a_1"), "A1");
        assert_eq!(camel("_"), "Label");
        assert_eq!(camel("self"), "Self_");
    }

    #[test]
    fn namespace_reports_both_origins() {
        let mut ns = Namespace::default();
        let mut problems = Vec::new();
        ns.claim("A_NAME".into(), "metric `a`".into(), &mut problems);
        ns.claim("A_NAME".into(), "metric `a_name`".into(), &mut problems);
        assert_eq!(
            problems,
            [
                "metric `a_name` generates `A_NAME`, which metric `a` also generates; rename one of them"
            ]
        );
    }
}
