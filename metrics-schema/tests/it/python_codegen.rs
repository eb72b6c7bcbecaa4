//! The Python module generated for a small catalogue with every lifecycle status, as a
//! golden snapshot reviewed like code (`tests/python/lifecycle.toml` at 0.11.2 and at the
//! major release 1.0.0), and the generator's refusals.

use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, check, python};

const CATALOGUE: &str = include_str!("../python/lifecycle.toml");

fn module_at(text: &str, version: &str) -> Result<String, python::GenerateError> {
    let checked = check(text, "lifecycle.toml", &Options::default());
    assert!(!checked.has_errors(), "{}", checked.render_plain());
    let catalogue = checked.catalogue.expect("a valid catalogue");
    python::generate(
        &catalogue,
        "lifecycle.toml",
        &Version::parse(version).unwrap(),
    )
}

#[test]
fn every_lifecycle_status_at_0_11_2() {
    let module = module_at(CATALOGUE, "0.11.2").unwrap();
    insta::assert_snapshot!("python_lifecycle_0_11_2", module);
}

#[test]
fn a_major_release_has_no_show_hidden_value() {
    let module = module_at(CATALOGUE, "1.0.0").unwrap();
    assert!(module.contains("SHOW_HIDDEN_VALUE: _t.Optional[str] = None\n"));
    assert!(module.contains("1.0 is a major release with no previous minor release"));
    // Every deprecated metric is removed by 1.0.0: no property, an AttributeError instead.
    assert!(!module.contains("def old_cache_usage_ratio(self)"));
    assert!(module.contains(
        "\"old_cache_usage_ratio\": \"metric `engine_old_cache_usage_ratio` was removed in 0.13.0"
    ));
}

#[test]
fn metrics_introduced_after_the_version_are_absent() {
    let text = include_str!("../fixtures/introduced_later.toml");
    let before = module_at(text, "0.11.2").unwrap();
    assert!(before.contains("def requests(self)"), "{before}");
    assert!(!before.contains("def queue_depth(self)"), "{before}");
    assert!(
        !before.contains("\"queue_depth\": \"metric"),
        "not a removed metric either: {before}"
    );
    assert!(
        before.contains("1 more introduced after 0.11.2"),
        "{before}"
    );
    for version in ["0.20.0-rc.1", "0.20.0"] {
        let module = module_at(text, version).unwrap();
        assert!(
            module.contains("def queue_depth(self)"),
            "{version}: {module}"
        );
    }
}

#[test]
fn colliding_python_names_are_refused() {
    // A label whose enum would be `Metrics` is refused by `check` already (the
    // `generated-name` rule covers the names every generator shares).
    let shared = r#"
[labels.metrics]
values = ["a", "b"]

[[metric]]
name = "requests"
type = "counter"
help = "Requests."
labels = ["metrics"]
"#;
    let plain = check(shared, "m.toml", &Options::default()).render_plain();
    assert!(plain.contains("error[generated-name]"), "{plain}");
    // A name only Python cares about: an attribute that shadows a method of Metrics is
    // refused by lint, so a lint-clean catalogue always generates.
    let text = r#"
[catalogue]
namespace = "engine"

[[metric]]
name = "overflow_count"
type = "counter"
help = "Shadows a method of Metrics."
"#;
    let plain = check(text, "m.toml", &Options::default()).render_plain();
    assert!(
        plain.contains(
            "error[generated-name]: metric `overflow_count` generates the Python attribute \
             `Metrics.overflow_count`, which is a member of `Metrics`"
        ),
        "{plain}"
    );
    assert!(plain.contains(" --> m.toml:6:8"), "{plain}");
}

#[test]
fn multiprocess_mode_is_checked() {
    let bad = |extra: &str, kind: &str| {
        let text = format!("[[metric]]\nname = \"x\"\ntype = \"{kind}\"\nhelp = \"X.\"\n{extra}\n");
        check(&text, "m.toml", &Options::default()).render_plain()
    };
    let unknown = bad("multiprocess_mode = \"mostrecnt\"", "gauge");
    assert!(
        unknown.contains("error[parse]: unknown multiprocess_mode \"mostrecnt\""),
        "{unknown}"
    );
    assert!(unknown.contains("did you mean `mostrecent`?"), "{unknown}");
    assert!(unknown.contains("m.toml:5:1"), "{unknown}");
    let counter = bad("multiprocess_mode = \"sum\"", "counter");
    assert!(
        counter.contains("`multiprocess_mode` applies to gauges only, not to a counter"),
        "{counter}"
    );
    let fine = bad("multiprocess_mode = \"livesum\"", "gauge");
    assert!(fine.is_empty(), "{fine}");
}

#[test]
fn python_literals_escape_everything() {
    assert_eq!(
        python::string_literal("a\"b\\c\nd\u{1}"),
        "\"a\\\"b\\\\c\\nd\\x01\""
    );
    assert_eq!(python::enum_member("tool-call"), "TOOL_CALL");
    assert_eq!(python::enum_member("0"), "N0");
    assert_eq!(python::identifier("class"), "class_");
    assert_eq!(python::identifier("requests"), "requests");
}

/// `Metrics(disabled=...)` and `overflow_count` take local or full names; a local name that
/// is another metric's full name means that other metric, as the Rust side (full names
/// only) would read it.
#[test]
fn a_full_name_always_means_its_metric() {
    let text = r#"
[catalogue]
namespace = "app"

[[metric]]
name = "requests"
type = "counter"
help = "Requests."

[[metric]]
name = "app_requests"
type = "counter"
help = "Another metric whose local name is the full name of the first."
allow = ["reserved-suffix"]
"#;
    let module = module_at(text, "1.0.0").unwrap();
    let table = &module[module.find("_LOCAL_NAMES: ").unwrap()..];
    let table = &table[..table.find("}\n").unwrap()];
    assert!(table.contains("\"app_requests\": \"requests\","), "{table}");
    assert!(
        !table.contains("\"app_requests\": \"app_requests\","),
        "{table}"
    );
    assert!(
        table.contains("\"app_app_requests\": \"app_requests\","),
        "{table}"
    );
    assert!(table.contains("\"requests\": \"requests\","), "{table}");
}
