//! Label history (`labels = [{ name = "engine", since = "0.8.3" }]`): check-refs reports a
//! selector requiring a label the version lacks, the generated Rust and Python code carry
//! the labels of the compiled version only, and docs and changelogs show the history.

use crate::support;

use metrics_schema::codegen::{Input, expand};
use metrics_schema::diff::{Side, diff};
use metrics_schema::docs::{Format, generate};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, check, python};
use support::{code, repo, schema, stdout};

const CATALOGUE: &str = include_str!("../fixtures/label_history/metrics.toml");

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

fn catalogue() -> metrics_schema::catalogue::Catalogue {
    let checked = check(CATALOGUE, "metrics.toml", &Options::default());
    assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
    checked.catalogue.unwrap()
}

/// `check-refs` of the fixture rule file at `version`: (rule, line, column).
fn findings(version: &str) -> Vec<(String, u64, u64)> {
    let out = schema(&[
        "check-refs",
        &repo("metrics-schema/tests/fixtures/label_history/metrics.toml"),
        "--version",
        version,
        "--rules",
        &repo("metrics-schema/tests/fixtures/label_history/rules.yml"),
        "--format",
        "json",
    ]);
    let found = support::rule_positions(&stdout(&out));
    assert_eq!(code(&out), if found.is_empty() { 0 } else { 1 });
    found
}

#[test]
fn check_refs_reports_selectors_on_labels_the_version_lacks() {
    let missing = |line, column| ("missing-label-reference".to_owned(), line, column);
    // Before 0.8.3: `engine="0"` selects nothing; `engine=~".*"` matches series without it.
    assert_eq!(findings("0.8.0"), [missing(5, 40)]);
    assert_eq!(findings("0.8.3"), []);
    assert_eq!(findings("0.10.0"), []);
    // From 0.11 `priority` is gone.
    assert_eq!(findings("0.11.0"), [missing(9, 40)]);
    // Before 0.6 neither label existed.
    assert_eq!(findings("0.5.0"), [missing(5, 40), missing(9, 40)]);
}

#[test]
fn generated_rust_carries_the_labels_of_the_compiled_version() {
    let at = |version: &str| {
        expand(&Input {
            text: CATALOGUE,
            file: "metrics.toml",
            version: Some(version),
            crate_version: None,
            track: None,
            runtime_crate: None,
        })
        .unwrap()
        .to_string()
    };
    // The label descriptors of the generated families.
    let has = |code: &str, label: &str| code.contains(&format!("LabelDesc {{ name : \"{label}\""));
    let old = at("0.8.0");
    assert!(has(&old, "model_name") && has(&old, "priority"), "{old}");
    assert!(!has(&old, "engine"), "{old}");
    let new = at("0.9.0");
    assert!(has(&new, "engine") && has(&new, "priority"), "{new}");
    let newer = at("0.11.0");
    assert!(has(&newer, "engine") && !has(&newer, "priority"), "{newer}");
}

#[test]
fn generated_python_carries_the_labels_of_the_compiled_version() {
    let cat = catalogue();
    let at = |version: &str| python::generate(&cat, "metrics.toml", &v(version)).unwrap();
    let old = at("0.8.0");
    assert!(old.contains("\"model_name\""), "{old}");
    assert!(!old.contains("\"engine\""), "{old}");
    let new = at("0.11.0");
    assert!(new.contains("\"engine\""), "{new}");
    assert!(!new.contains("\"priority\""), "{new}");
}

#[test]
fn docs_and_changelogs_show_the_history() {
    let cat = catalogue();
    let docs = generate(&cat, &v("0.8.0"), Format::Markdown);
    assert!(
        docs.contains("`engine` (open, at most 8 values; added in 0.8.3, not present at 0.8.0)"),
        "{docs}"
    );
    let docs = generate(&cat, &v("0.9.0"), Format::Markdown);
    assert!(
        docs.contains("`priority` (closed: low, high; added in 0.6.0, deprecated in 0.9.0, removed in 0.11.0, deprecated at 0.9.0)"),
        "{docs}"
    );
    let html = generate(&cat, &v("0.11.0"), Format::Html);
    assert!(
        html.contains("removed in 0.11.0, not present at 0.11.0"),
        "{html}"
    );

    let log = diff(
        Side {
            catalogue: &cat,
            name: "old",
            version: Some(v("0.8.0")),
        },
        Side {
            catalogue: &cat,
            name: "new",
            version: Some(v("0.11.0")),
        },
    );
    let md = metrics_schema::diff::markdown(&log);
    assert_eq!(log.changed.len(), 1, "{md}");
    assert_eq!(
        format!("{:?}", log.changed[0].changes),
        r#"[Labels { before: ["model_name", "priority"], after: ["model_name", "engine"] }]"#
    );
}

#[test]
fn bad_label_tables_are_reported_where_written() {
    let cases = [
        (
            "labels = [{ since = \"0.8.3\" }]",
            "error[parse]: missing required key `name` in a label of `labels`",
        ),
        (
            "labels = [{ name = \"engine\", sinse = \"0.8.3\" }]",
            "error[unknown-key]",
        ),
        (
            "labels = [{ name = \"engine\", since = \"soon\" }]",
            "error[invalid-version]",
        ),
        (
            "labels = [1]",
            "each label of `labels` is a name or a table",
        ),
    ];
    for (labels, expected) in cases {
        let text = format!(
            "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\ntype = \"gauge\"\nhelp = \"M.\"\n{labels}\n"
        );
        let checked = check(&text, "m.toml", &Options::default());
        let rendered = checked.render_plain();
        assert!(rendered.contains(expected), "{labels}: {rendered}");
        assert!(rendered.contains("m.toml:7:"), "{labels}: {rendered}");
    }
}

#[test]
fn the_json_reference_carries_the_history() {
    let cat = catalogue();
    let json: serde_json::Value =
        serde_json::from_str(&generate(&cat, &v("0.8.0"), Format::Json)).unwrap();
    let history = &json["metrics"][0]["label_history"];
    assert_eq!(
        history["engine"],
        serde_json::json!({"since": "0.8.3", "deprecated": null, "removed": null, "present": false})
    );
    assert_eq!(history["priority"]["present"], true);
    assert_eq!(history["priority"]["removed"], "0.11.0");
    // All labels are listed; the history says which are present.
    assert_eq!(
        json["metrics"][0]["labels"],
        serde_json::json!(["model_name", "engine", "priority"])
    );
}
