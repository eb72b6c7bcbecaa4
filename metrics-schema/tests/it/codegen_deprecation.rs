//! What the generator emits for a metric across its deprecation window, and under the
//! macro's `crate = "name"` argument. What rustc prints for it is in the macro's trybuild
//! cases (`macros/tests/ui/fail/deprecated_at_1_2.rs` and the others).

#![cfg(feature = "codegen")]

use metrics_schema::codegen::{ErrorKind, Input, expand};

/// Deprecated in 1.2, hidden from 1.3.0, removed from 1.4.0; `fresh` only since 2.0.
const CATALOGUE: &str = include_str!("../fixtures/deprecation_window.toml");

fn at(version: &str) -> String {
    let input = Input {
        version: Some(version),
        ..Input::new(CATALOGUE, "m.toml")
    };
    expand(&input).unwrap().to_string()
}

/// The `#[deprecated]` attributes of the generated code, with their notes.
fn deprecations(code: &str) -> Vec<&str> {
    code.match_indices("# [deprecated")
        .map(|(i, _)| {
            let rest = &code[i..];
            &rest[..rest.find(")]").map_or(rest.len(), |e| e + 2)]
        })
        .collect()
}

#[test]
fn deprecated_items_carry_the_note_through_the_window() {
    assert!(deprecations(&at("1.1.0")).is_empty());

    let code = at("1.2.0");
    let attrs = deprecations(&code);
    // Accessor, family and the four consts (no `_bind`: no open label).
    assert_eq!(attrs.len(), 6, "{attrs:#?}");
    let expected = "# [deprecated (since = \"1.2.0\" , note = \"`engine_old_latency_seconds` is \
                    deprecated since 1.2.0; use `engine_request_latency_seconds` \
                    (`Metrics::request_latency_seconds`) instead; hidden from 1.3.0, removed \
                    from 1.4.0. Same value, new name.\")]";
    assert!(attrs.iter().all(|a| *a == expected), "{attrs:#?}");
    // Generated code's own use of the descriptors does not warn.
    assert!(code.contains("# [allow (clippy :: type_complexity , deprecated)]"));

    let code = at("1.3.0");
    let attrs = deprecations(&code);
    assert_eq!(attrs.len(), 6, "{attrs:#?}");
    assert!(
        attrs[0].contains(
            "is hidden at 1.3.0 (deprecated since 1.2.0): not exposed, and recording is a \
             no-op, unless the options carry the show-hidden value \\\"1.2\\\""
        ),
        "{}",
        attrs[0]
    );
    assert!(attrs[0].contains("removed from 1.4.0"), "{}", attrs[0]);
    assert!(!attrs[0].contains("hidden from"), "{}", attrs[0]);

    // Removed: the consts exist only to explain the removal.
    let code = at("1.4.0");
    assert!(
        code.contains(
            "pub const OLD_LATENCY_SECONDS_NAME : & 'static str = :: core :: panic ! (\"metric \
             `engine_old_latency_seconds` was removed in 1.4.0"
        ),
        "{code}"
    );
    assert!(code.contains(":: metrics_schema_runtime :: __private :: Removed :: removed (& self)"));
    assert!(!code.contains("unreachable"), "{code}");
}

#[test]
fn crate_argument_renames_the_runtime_path() {
    let input = Input {
        version: Some("1.2.0"),
        runtime_crate: Some("rt"),
        ..Input::new(CATALOGUE, "m.toml")
    };
    let code = expand(&input).unwrap().to_string();
    assert!(code.contains(":: rt :: Family"), "{code}");
    assert!(!code.contains("metrics_schema_runtime"), "{code}");

    let raw = Input {
        runtime_crate: Some("r#async"),
        ..input.clone()
    };
    assert!(
        expand(&raw)
            .unwrap()
            .to_string()
            .contains(":: r#async :: Family")
    );

    for bad in ["", "my-rt", "1rt", "::rt", "_", "r#crate"] {
        let input = Input {
            runtime_crate: Some(bad),
            ..input.clone()
        };
        let err = expand(&input).unwrap_err();
        assert_eq!(err.kind, ErrorKind::CrateArgument, "{bad}");
        assert!(err.message.contains(&format!("{bad:?}")), "{}", err.message);
    }
}
