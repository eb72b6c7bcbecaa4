//! Rust identifiers for catalogue names. The spelling rules and the check that all
//! generated names are distinct live in `catalogue/generated.rs`, shared with the
//! `generated-name` lint rule.

use proc_macro2::{Ident, Span};

use crate::catalogue::generated::{Identifier, identifier};

pub(crate) use crate::catalogue::generated::camel;

/// The identifier for `name` (already of the form `[a-zA-Z_][a-zA-Z0-9_]*`): itself, `r#`
/// itself for a keyword, or itself followed by `_` when it cannot be raw (`self`, `_`).
pub(crate) fn ident(name: &str) -> Ident {
    match identifier(name) {
        Identifier::Plain(s) => Ident::new(&s, Span::call_site()),
        Identifier::Raw(s) => Ident::new_raw(&s, Span::call_site()),
    }
}

/// The name an [`ident`] of `name` is spelled with in Rust source.
pub(crate) fn spelled(name: &str) -> String {
    match identifier(name) {
        Identifier::Plain(s) => s,
        Identifier::Raw(s) => format!("r#{s}"),
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
    }
}
