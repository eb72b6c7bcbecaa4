//! The `catalogue!` code generator without a compiler: version resolution, errors, names
//! that need care, and that no valid catalogue makes it panic. What the generated code does
//! when compiled is tested in `tests/` and by the macro's trybuild tests.

#![cfg(feature = "codegen")]

use metrics_schema::codegen::{ErrorKind, Input, expand};
use proptest::prelude::*;

fn at(text: &str, version: &str) -> Result<String, metrics_schema::codegen::Error> {
    let input = Input {
        version: Some(version),
        ..Input::new(text, "m.toml")
    };
    expand(&input).map(|t| t.to_string())
}

const ONE: &str = r#"
[[metric]]
name = "requests"
type = "counter"
help = "Requests."
"#;

#[test]
fn version_resolution_and_its_errors() {
    let code = at(ONE, "1.4.2").unwrap();
    assert!(
        code.contains("pub const VERSION : & str = \"1.4.2\""),
        "{code}"
    );
    assert!(code.contains("Some (\"1.3\")"), "{code}");

    let err = at(ONE, "v1").unwrap_err();
    assert_eq!(err.kind, ErrorKind::VersionArgument);
    assert!(err.message.contains("\"v1\""), "{}", err.message);

    // No argument, no pin: the crate's version.
    let input = Input {
        crate_version: Some("2.0.0-rc.1"),
        ..Input::new(ONE, "m.toml")
    };
    let code = expand(&input).unwrap().to_string();
    assert!(code.contains("\"2.0.0-rc.1\""), "{code}");
    assert!(code.contains("SHOW_HIDDEN_VALUE : :: core :: option :: Option < & str > = :: core :: option :: Option :: None"), "{code}");

    let input = Input {
        crate_version: Some("not a version"),
        ..Input::new(ONE, "m.toml")
    };
    assert_eq!(expand(&input).unwrap_err().kind, ErrorKind::Version);
    let err = expand(&Input::new(ONE, "m.toml")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Version);
    assert!(
        err.message.contains("version = \\\"X.Y.Z\\\"")
            || err.message.contains("version = \"X.Y.Z\"")
    );

    // The pin beats the crate's version; the argument beats the pin.
    let pinned = format!("[catalogue]\nversion = \"3.1\"\n{ONE}");
    let input = Input {
        crate_version: Some("9.9.9"),
        ..Input::new(&pinned, "m.toml")
    };
    assert!(expand(&input).unwrap().to_string().contains("\"3.1.0\""));
    assert!(at(&pinned, "4.0.0").unwrap().contains("\"4.0.0\""));
}

#[test]
fn an_invalid_catalogue_is_the_lint_output() {
    let err = at(
        "[[metric]]\nname = \"x\"\ntype = \"counter\"\nhelp = \"\"\n",
        "1.0.0",
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Catalogue);
    assert!(err.message.contains("error[empty-help]"), "{}", err.message);
    assert!(err.message.contains("m.toml:4:1"), "{}", err.message);
    assert!(
        err.message.contains("error: m.toml: 1 error"),
        "{}",
        err.message
    );
}

#[test]
fn clashing_names_are_reported_with_their_locations() {
    let text = r#"
[labels.metrics]
values = ["a"]

[[metric]]
name = "new"
type = "gauge"
help = "Clashes with Metrics::new."

[[metric]]
name = "jobs"
type = "counter"
help = "Jobs."

[[metric]]
name = "jobs_name"
type = "counter"
help = "JOBS_NAME is also the name const of jobs."
labels = ["metrics"]
"#;
    // `schema lint` reports them first (`generated-name`), so the macro never reaches
    // code generation with them.
    let err = at(text, "1.0.0").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Catalogue);
    let m = &err.message;
    assert!(m.contains("error[generated-name]"), "{m}");
    assert!(
        m.contains(
            "label `metrics` generates `Metrics`, which the generated struct also generates"
        ),
        "{m}"
    );
    assert!(
        m.contains("metric `new` generates `new`, which `Metrics::new` also generates"),
        "{m}"
    );
    assert!(
        m.contains("metric `jobs_name` generates `JOBS_NAME`, which metric `jobs` also generates"),
        "{m}"
    );
}

#[test]
fn names_of_the_generated_constants_are_refused() {
    let text = r#"
[labels.VERSION]
max_values = 2

[[metric]]
name = "SHOW_HIDDEN_VALUE"
type = "gauge"
help = "Would be a constant pattern."
labels = ["VERSION"]
"#;
    let err = at(text, "1.0.0").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Catalogue);
    assert!(
        err.message
            .contains("metric `SHOW_HIDDEN_VALUE` uses the name `SHOW_HIDDEN_VALUE`"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("uses the name `VERSION`"),
        "{}",
        err.message
    );
}

#[test]
fn many_closed_labels_get_a_combination_type() {
    let mut text = String::new();
    let mut labels = Vec::new();
    for i in 0..7 {
        text.push_str(&format!("[labels.l{i}]\nvalues = [\"a\", \"b\"]\n"));
        labels.push(format!("\"l{i}\""));
    }
    text.push_str(&format!(
        "[[metric]]\nname = \"wide\"\ntype = \"counter\"\nhelp = \"Seven closed labels.\"\nlabels = [{}]\n",
        labels.join(", ")
    ));
    // More closed labels than a runtime tuple holds: a generated combination type.
    let code = at(&text, "1.0.0").unwrap();
    for wanted in [
        "pub struct WideClosedLabels (pub L0 , pub L1 , pub L2 , pub L3 , pub L4 , pub L5 , pub L6)",
        "Family < :: metrics_schema_runtime :: Counter , WideClosedLabels , 0 >",
        "WideClosedLabels (l0 , l1 , l2 , l3 , l4 , l5 , l6)",
    ] {
        assert!(code.contains(wanted), "{wanted}\n{code}");
    }
}

#[test]
fn keywords_and_odd_names_become_valid_identifiers() {
    let text = r#"
[labels.self]
values = ["0", "self", "GPU-to-CPU"]
[labels.type]
max_values = 2

[[metric]]
name = "type"
type = "counter"
help = "A keyword."
labels = ["type", "self"]
"#;
    let code = at(text, "1.0.0").unwrap();
    for wanted in [
        "pub fn r#type (& self , r#type : & str , self_ : Self_)",
        "pub enum Self_",
        "N0 ,",
        "Self_ ,",
        "GpuToCpu ,",
        "pub const TYPE_NAME",
        "pub fn type_bind",
    ] {
        assert!(code.contains(wanted), "{wanted}\n{code}");
    }
}

#[test]
fn removed_metrics_become_explaining_placeholders() {
    let text = r#"
[[metric]]
name = "old"
type = "gauge"
help = "Old."
deprecated = "1.0"
replaced_by = "new_gauge"
note = "Same value {braces}."

[[metric]]
name = "new_gauge"
type = "gauge"
help = "New."
"#;
    let code = at(text, "1.2.0").unwrap();
    assert!(
        code.contains("pub trait MetricOldRemovedIn1_2_UseNewGauge"),
        "{code}"
    );
    assert!(
        code.contains(
            "metric `old` was removed in 1.2.0: use `new_gauge` instead (`Metrics::new_gauge`)"
        ),
        "{code}"
    );
    assert!(
        code.contains("Same value {{braces}}."),
        "format braces escaped: {code}"
    );
    // The consts of a removed metric only explain the removal when evaluated.
    assert!(
        code.contains(
            "pub const OLD_NAME : & 'static str = :: core :: panic ! (\"metric `old` was removed"
        ),
        "{code}"
    );
    assert!(
        !code.contains("old : :: metrics_schema_runtime :: Family"),
        "no field"
    );
    // At 1.1 it is hidden: generated as a real metric.
    let code = at(text, "1.1.0").unwrap();
    assert!(code.contains("pub const OLD_NAME"));
    assert!(code.contains("Stage :: Hidden"));
}

#[test]
fn metrics_introduced_after_the_version_are_not_generated() {
    let text = include_str!("../fixtures/introduced_later.toml");
    // Before its `since`: no field, no constants, no accessor, no removed-metric trait.
    let code = at(text, "0.11.2").unwrap();
    assert!(code.contains("pub const REQUESTS_NAME"), "{code}");
    for absent in ["QUEUE_DEPTH", "queue_depth", "MetricQueueDepth"] {
        assert!(!code.contains(absent), "{absent} at 0.11.2: {code}");
    }
    assert!(
        code.contains("1 more introduced after 0.11.2"),
        "the struct doc says why: {code}"
    );
    // A pre-release of the `since` release counts as that release, like every date.
    for version in ["0.20.0-rc.1", "0.20.0", "0.21.3"] {
        let code = at(text, version).unwrap();
        assert!(
            code.contains("pub const QUEUE_DEPTH_NAME"),
            "{version}: {code}"
        );
        assert!(!code.contains("introduced after"), "{version}: {code}");
    }
}

#[test]
fn an_empty_catalogue_generates_an_empty_set() {
    let code = at("[catalogue]\nnamespace = \"x\"\n", "1.0.0").unwrap();
    assert!(code.contains("pub struct Metrics { }"), "{code}");
    assert!(code.contains("_options"), "{code}");
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,6}",
        Just("self".to_owned()),
        Just("type".to_owned()),
        Just("_".to_owned()),
        Just("new".to_owned()),
        Just("Self".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any names: the generator either generates or explains, never panics.
    #[test]
    fn odd_names_never_panic(
        metrics in prop::collection::vec((name(), 0usize..3, prop::bool::ANY), 1..5),
        labels in prop::collection::vec((name(), prop::collection::vec("[a-zA-Z0-9_ -]{1,5}", 1..3)), 1..3),
    ) {
        let mut text = String::new();
        for (label, values) in &labels {
            text.push_str(&format!("[labels.{label}]\nvalues = {values:?}\n"));
        }
        for (i, (metric, n_labels, removed)) in metrics.iter().enumerate() {
            let used: Vec<String> = labels.iter().take(*n_labels).map(|(l, _)| format!("{l:?}")).collect();
            text.push_str(&format!(
                "[[metric]]\nname = {metric:?}\ntype = \"gauge\"\nhelp = \"Metric {i}.\"\nlabels = [{}]\n",
                used.join(", ")
            ));
            if *removed {
                text.push_str("stability = \"alpha\"\nremoved = \"0.5\"\n");
            }
        }
        match at(&text, "1.0.0") {
            Ok(code) => prop_assert!(code.contains("pub struct Metrics")),
            // Code generation never fails on a catalogue `check` accepted: every name
            // problem is a lint error first.
            Err(e) => prop_assert!(matches!(e.kind, ErrorKind::Catalogue), "{:?}", e),
        }
    }
}

/// The generated code for one small catalogue with a metric in every lifecycle status,
/// formatted by rustfmt, as a reviewed snapshot.
#[test]
#[cfg_attr(not(has_rustfmt), ignore = "rustfmt not installed")]
fn generated_code_snapshot() {
    let text = r#"
[catalogue]
namespace = "app"

[labels.model]
help = "The served model."
max_values = 4

[labels.reason]
values = ["ok", "failed"]

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."
labels = ["model", "reason"]

[[metric]]
name = "queue_seconds"
type = "histogram"
unit = "seconds"
help = "Time in the queue."
buckets = [0.1, 1, 10]
deprecated = "1.1"
replaced_by = "wait_seconds"

[[metric]]
name = "wait_seconds"
type = "histogram"
unit = "seconds"
help = "Time waiting."
buckets = "runtime"

[[metric]]
name = "busy"
type = "gauge"
help = "Whether the engine is busy."
deprecated = "1.0"

[[metric]]
name = "old_requests"
type = "counter"
help = "Requests served, by the old name."
labels = ["model", "reason"]
deprecated = "0.9"
replaced_by = "requests"
"#;
    let code = at(text, "1.1.0").unwrap();
    insta::assert_snapshot!(rustfmt(&code));
}

fn rustfmt(code: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt runs (rustup component add rustfmt)");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(code.as_bytes())
        .expect("rustfmt reads the code");
    let out = child.wait_with_output().expect("rustfmt runs");
    assert!(out.status.success(), "the generated code parses as Rust");
    String::from_utf8(out.stdout).expect("UTF-8")
}
