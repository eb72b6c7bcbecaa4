//! The release changelog: snapshots for the vLLM example between releases and for a change
//! touching every property, plus the matching rules.

use metrics_schema::catalogue::Catalogue;
use metrics_schema::diff::{self, Change, Side};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, check};

fn catalogue(text: &str) -> Catalogue {
    let checked = check(text, "metrics.toml", &Options::default());
    assert!(!checked.has_errors(), "{}", checked.render_plain());
    checked.catalogue.unwrap()
}

fn example() -> Catalogue {
    catalogue(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/vllm/metrics.toml"
        ))
        .unwrap(),
    )
}

fn v(s: &str) -> Option<Version> {
    Some(Version::parse(s).unwrap())
}

const NAME: &str = "examples/vllm/metrics.toml";

#[test]
fn example_release_changelogs() {
    let cat = example();
    for (from, to) in [
        ("0.9.0", "0.10.0"),
        ("0.11.2", "0.12.0"),
        ("0.14.0", "0.15.0"),
    ] {
        let log = diff::diff(Side::new(&cat, NAME, v(from)), Side::new(&cat, NAME, v(to)));
        let name = format!(
            "example_{}_to_{}",
            from.replace('.', "_"),
            to.replace('.', "_")
        );
        insta::assert_snapshot!(format!("{name}_markdown"), diff::markdown(&log));
        insta::assert_snapshot!(format!("{name}_json"), diff::json(&log));
    }
    // The same version on both sides changes nothing.
    let log = diff::diff(
        Side::new(&cat, NAME, v("0.11.2")),
        Side::new(&cat, NAME, v("0.11.2")),
    );
    assert!(log.is_empty(), "{log:#?}");
}

const OLD: &str = r#"
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "latency_seconds"
type = "histogram"
unit = "seconds"
help = "Latency."
labels = ["model_name", "engine"]
buckets = [0.1, 0.5, 1.0]
stability = "beta"

[[metric]]
name = "waiting"
type = "gauge"
help = "Waiting requests."

[[metric]]
name = "swapped"
type = "gauge"
help = "Swapped requests."
"#;

const NEW: &str = r#"
[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16

[[metric]]
name = "latency_seconds"
type = "histogram"
help = "End-to-end latency."
labels = ["engine"]
buckets = "runtime"
stability = "stable"

[[metric]]
name = "waiting"
type = "counter"
help = "Waiting requests."
deprecated = "0.3"
replaced_by = "queued"
note = "Counts arrivals instead."

[[metric]]
name = "queued"
type = "counter"
help = "Queued requests."
labels = ["model_name"]
"#;

#[test]
fn every_kind_of_change_without_versions() {
    let (old, new) = (catalogue(OLD), catalogue(NEW));
    let log = diff::diff(
        Side::new(&old, "old.toml", None),
        Side::new(&new, "new.toml", None),
    );
    assert!(!log.by_version);
    assert_eq!(log.added.len(), 1);
    assert_eq!(log.deprecated[0].full_name, "waiting");
    assert!(log.removed[0].deleted);
    let latency = &log.changed[0];
    let fields: Vec<&str> = latency.changes.iter().map(Change::field).collect();
    assert_eq!(fields, ["labels", "buckets", "unit", "help", "stability"]);
    assert!(matches!(&log.changed[1].changes[0], Change::Type { .. }));
    insta::assert_snapshot!("every_kind_markdown", diff::markdown(&log));
    insta::assert_snapshot!("every_kind_json", diff::json(&log));
}
