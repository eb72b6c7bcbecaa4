//! Real history: vLLM's KV-cache metrics, rebuilt as catalogues of two releases.
//!
//! In 0.9.1 vLLM exposed `vllm:gpu_cache_usage_perc`, `vllm:gpu_prefix_cache_queries` and
//! `vllm:gpu_prefix_cache_hits` (the last two since 0.7.3). The change that introduced
//! their GPU-neutral names (vLLM pull request 18354) first renamed them in place, so the
//! old series would have vanished from `/metrics` with no deprecation; a reviewer noticed
//! that this breaks everyone relying on them, and the old names were kept, deprecated, and
//! removed in 0.12 (pull request 29330). `schema lint --baseline` catches the first version
//! mechanically, accepts the shipped one, and still refuses to lose the history when the
//! removal finally happens.

use metrics_schema::compat::{Compatibility, compare};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, Severity, check};

const HEADER: &str = r#"[catalogue]
namespace = "vllm"
separator = ":"
allow = ["name-colon", "unit-suffix"]
stability = "stable"

[labels.model_name]
max_values = 8
[labels.engine]
max_values = 16
"#;

fn metric(name: &str, kind: &str, help: &str, extra: &str) -> String {
    format!(
        "\n[[metric]]\nname = \"{name}\"\ntype = \"{kind}\"\nhelp = \"{help}\"\nlabels = [\"model_name\", \"engine\"]\ngroup = \"KV cache\"\n{extra}"
    )
}

/// vLLM 0.9.1's KV-cache metrics.
fn v0_9_1() -> String {
    [
        HEADER.to_owned(),
        metric(
            "gpu_cache_usage_perc",
            "gauge",
            "GPU KV-cache usage. 1 means 100 percent usage.",
            "",
        ),
        metric(
            "gpu_prefix_cache_queries",
            "counter",
            "GPU prefix cache queries, in terms of number of queried tokens.",
            "since = \"0.7.3\"\n",
        ),
        metric(
            "gpu_prefix_cache_hits",
            "counter",
            "GPU prefix cache hits, in terms of number of cached tokens.",
            "since = \"0.7.3\"\n",
        ),
    ]
    .concat()
}

fn new_names() -> String {
    [
        metric(
            "kv_cache_usage_perc",
            "gauge",
            "KV-cache usage. 1 means 100 percent usage.",
            "since = \"0.9.2\"\n",
        ),
        metric(
            "prefix_cache_queries",
            "counter",
            "Prefix cache queries, in terms of number of queried tokens.",
            "since = \"0.9.2\"\n",
        ),
        metric(
            "prefix_cache_hits",
            "counter",
            "Prefix cache hits, in terms of number of cached tokens.",
            "since = \"0.9.2\"\n",
        ),
    ]
    .concat()
}

/// The rename as first proposed: the old names are gone.
fn renamed_in_place() -> String {
    format!("{HEADER}{}", new_names())
}

/// What shipped: the old names kept, deprecated, with their replacements.
fn deprecated_and_kept() -> String {
    let keep = |name: &str, kind: &str, help: &str, since: &str, replacement: &str| {
        metric(
            name,
            kind,
            help,
            &format!("{since}deprecated = \"0.10\"\nreplaced_by = \"{replacement}\"\n"),
        )
    };
    [
        HEADER.to_owned(),
        keep(
            "gpu_cache_usage_perc",
            "gauge",
            "GPU KV-cache usage. 1 means 100 percent usage.",
            "",
            "kv_cache_usage_perc",
        ),
        keep(
            "gpu_prefix_cache_queries",
            "counter",
            "GPU prefix cache queries, in terms of number of queried tokens.",
            "since = \"0.7.3\"\n",
            "prefix_cache_queries",
        ),
        keep(
            "gpu_prefix_cache_hits",
            "counter",
            "GPU prefix cache hits, in terms of number of cached tokens.",
            "since = \"0.7.3\"\n",
            "prefix_cache_hits",
        ),
        new_names(),
    ]
    .concat()
}

fn compat(old: &str, new: &str, version: &str) -> Compatibility {
    let old = check(old, "vllm-0.9.1.toml", &Options::default());
    assert!(old.diagnostics.is_empty(), "{}", old.render_plain());
    let new = check(
        new,
        "metrics.toml",
        &Options::at_version(Version::parse(version).unwrap()),
    );
    assert!(new.diagnostics.is_empty(), "{}", new.render_plain());
    compare(&old, &new).unwrap()
}

#[test]
fn the_in_place_rename_fails_the_baseline_check() {
    let found = compat(&v0_9_1(), &renamed_in_place(), "0.9.2");
    assert!(found.has_errors());
    let vanished: Vec<(&str, Option<&str>)> =
        found.all().map(|d| (d.rule, d.metric.as_deref())).collect();
    assert_eq!(
        vanished,
        [
            (
                "removed-without-deprecation",
                Some("vllm:gpu_cache_usage_perc")
            ),
            (
                "removed-without-deprecation",
                Some("vllm:gpu_prefix_cache_queries")
            ),
            (
                "removed-without-deprecation",
                Some("vllm:gpu_prefix_cache_hits")
            ),
        ]
    );
    for d in found.all() {
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.file, "vllm-0.9.1.toml");
    }
    let hits = found
        .baseline
        .iter()
        .find(|d| d.metric.as_deref() == Some("vllm:gpu_prefix_cache_hits"))
        .unwrap();
    assert!(
        hits.message
            .contains("queries of `vllm:gpu_prefix_cache_hits_total` stop working"),
        "{}",
        hits.message
    );
    assert!(
        hits.help
            .as_deref()
            .unwrap()
            .contains("replaced_by = \"prefix_cache_hits\""),
        "{hits:#?}"
    );
}

#[test]
fn the_shipped_deprecation_passes_and_the_example_catalogue_too() {
    assert!(
        compat(&v0_9_1(), &deprecated_and_kept(), "0.9.2")
            .all()
            .next()
            .is_none()
    );
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/vllm/metrics.toml"
    ))
    .unwrap();
    let old = check(&v0_9_1(), "vllm-0.9.1.toml", &Options::default());
    for version in ["0.11.2", "0.12.0", "0.15.0", "0.34.0"] {
        // The example has metrics of later releases: at an older version, `since` is later
        // than the version (a warning), and nothing else is reported.
        let new = check(
            &example,
            "metrics.toml",
            &Options::at_version(Version::parse(version).unwrap()),
        );
        assert!(
            new.diagnostics
                .iter()
                .all(|d| d.rule == "since-after-version"),
            "at {version}: {}",
            new.render_plain()
        );
        let found = compare(&old, &new).unwrap();
        assert!(
            found.all().next().is_none(),
            "at {version}: {:#?}",
            found.all().collect::<Vec<_>>()
        );
    }
}

#[test]
fn deleting_the_tables_at_the_scheduled_removal_still_loses_history() {
    // vLLM 0.12 deleted the code of the three metrics; the catalogue keeps their tables.
    let found = compat(&deprecated_and_kept(), &renamed_in_place(), "0.12.0");
    assert_eq!(found.baseline.len(), 3);
    for d in &found.baseline {
        assert_eq!(d.rule, "removed-without-deprecation");
        assert!(
            d.message.contains("removed metrics stay as history"),
            "{}",
            d.message
        );
    }
    // Deleting them in 0.11, before the removal date, is worse.
    let found = compat(&deprecated_and_kept(), &renamed_in_place(), "0.11.0");
    assert!(
        found
            .baseline
            .iter()
            .all(|d| d.message.contains("before its removal date 0.12.0"))
    );
}
