//! The generated reference: snapshots of the three formats for the vLLM example at several
//! versions, and the properties every reference has.

use metrics_schema::catalogue::Catalogue;
use metrics_schema::docs::{self, Format, Reference};
use metrics_schema::lifecycle::{Status, Version};
use metrics_schema::{Options, check};

fn example() -> Catalogue {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/vllm/metrics.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let checked = check(&text, "examples/vllm/metrics.toml", &Options::default());
    checked.catalogue.expect("the example is valid")
}

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

/// Before any deprecation (0.9.0), with deprecated and hidden metrics (0.11.2), and with
/// hidden and removed ones (0.12.0).
const VERSIONS: [&str; 3] = ["0.9.0", "0.11.2", "0.12.0"];

#[test]
fn markdown_snapshots() {
    let cat = example();
    for version in VERSIONS {
        let md = docs::generate(&cat, &v(version), Format::Markdown);
        insta::assert_snapshot!(format!("markdown_{}", version.replace('.', "_")), md);
    }
}

#[test]
fn html_snapshots() {
    let cat = example();
    for version in VERSIONS {
        let html = docs::generate(&cat, &v(version), Format::Html);
        insta::assert_snapshot!(format!("html_{}", version.replace('.', "_")), html);
    }
}

#[test]
fn json_snapshots() {
    let cat = example();
    for version in VERSIONS {
        let json = docs::generate(&cat, &v(version), Format::Json);
        insta::assert_snapshot!(format!("json_{}", version.replace('.', "_")), json);
    }
}

#[test]
fn statuses_follow_the_lifecycle_at_each_version() {
    let cat = example();
    let r = Reference::new(&cat, &v("0.9.0"));
    // The 0.9.2 KV-cache metrics, inter_token_latency_seconds (0.10.2) and the NIXL
    // metrics (0.11.1) do not exist yet.
    assert!(r.entry("vllm:kv_cache_usage_perc").is_none());
    assert!(r.entry("vllm:inter_token_latency_seconds").is_none());
    assert!(r.entry("vllm:nixl_xfer_time_seconds").is_none());
    // The V0 metrics deprecated in 0.8 are hidden; four of vLLM's earliest are removed.
    assert_eq!(
        r.summary(),
        "42 metrics: 31 active, 0 deprecated, 7 hidden, 4 removed"
    );
    assert_eq!(
        r.entry("vllm:gpu_cache_usage_perc").unwrap().status,
        Status::Active
    );
    assert_eq!(
        r.entry("vllm:num_requests_swapped").unwrap().status,
        Status::Hidden
    );

    let r = Reference::new(&cat, &v("0.11.2"));
    assert_eq!(r.entries.len(), 59);
    let status = |name: &str| r.entry(name).unwrap().status;
    assert_eq!(
        status("vllm:time_per_output_token_seconds"),
        Status::Deprecated
    );
    assert_eq!(status("vllm:gpu_cache_usage_perc"), Status::Hidden);
    assert_eq!(r.show_hidden, Some(v("0.10.0")));
    assert_eq!(
        r.summary(),
        "59 metrics: 41 active, 1 deprecated, 3 hidden, 14 removed"
    );

    let r = Reference::new(&cat, &v("0.12.0"));
    // The gpu_* trio, after the fourteen metrics removed earlier in vLLM's history.
    assert_eq!(r.count(Status::Removed), 17);
    assert_eq!(r.count(Status::Hidden), 1);
    // Removed metrics leave the groups and appear only in the migration table.
    let grouped: Vec<&str> = r
        .groups
        .iter()
        .flat_map(|g| {
            g.entries
                .iter()
                .map(|&i| r.entries[i].metric.full_name.as_str())
        })
        .collect();
    assert!(!grouped.contains(&"vllm:gpu_cache_usage_perc"));
    assert!(grouped.contains(&"vllm:time_per_output_token_seconds"));
    // A pre-release is documented as its release.
    let rc = docs::generate(&cat, &v("0.12.0-rc.1"), Format::Json);
    let json: serde_json::Value = serde_json::from_str(&rc).unwrap();
    assert_eq!(json["counts"]["removed"], 17);
}

#[test]
fn markdown_has_every_part_of_the_reference() {
    let cat = example();
    let md = docs::generate(&cat, &v("0.12.0"), Format::Markdown);
    for group in [
        "## Requests and tokens",
        "## Latency",
        "## KV cache",
        "## NIXL KV connector",
    ] {
        assert!(md.contains(group), "{group}");
    }
    assert!(md.contains("- **Exposed as:** `vllm:request_success_total`"));
    assert!(md.contains("`finished_reason` (closed: stop, length, abort, error, repetition)"));
    assert!(md.contains("show-hidden value `0.11`"));
    assert!(md.contains("| `vllm:gpu_prefix_cache_hits` | `vllm:prefix_cache_hits` | 0.12.0 |"));
    assert!(md.contains("### `vllm:time_per_output_token_seconds` — **HIDDEN**"));
}

#[test]
fn json_is_the_documented_stable_format() {
    let cat = example();
    for version in VERSIONS {
        let at = v(version);
        let text = docs::generate(&cat, &at, Format::Json);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["schema_version"], 1);
        assert_eq!(json["kind"], "metrics-reference");
        assert_eq!(json["version"], at.to_string());
        let metrics = json["metrics"].as_array().unwrap();
        assert_eq!(json["counts"]["metrics"], metrics.len());
        let sum: u64 = ["active", "deprecated", "hidden", "removed"]
            .iter()
            .map(|s| json["counts"][s].as_u64().unwrap())
            .sum();
        assert_eq!(sum as usize, metrics.len());
        for m in metrics {
            let metric = cat.metric(m["name"].as_str().unwrap()).unwrap();
            assert_eq!(m["status"], metric.status_at(&at).as_str());
            assert_eq!(m["full_name"], metric.full_name);
            for key in [
                "group",
                "type",
                "unit",
                "help",
                "exposed_help",
                "family",
                "samples",
                "labels",
                "buckets",
                "stability",
                "since",
                "deprecated",
                "hidden",
                "removed",
                "replaced_by",
                "replacement",
                "note",
            ] {
                assert!(m.get(key).is_some(), "{key} missing at {version}");
            }
        }
    }
}

#[test]
fn html_is_self_contained() {
    let cat = example();
    let html = docs::generate(&cat, &v("0.11.2"), Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for outside in ["http://", "https://", "src=", "@import", "url(", "//cdn"] {
        assert!(
            !html.contains(outside),
            "the page refers outside: {outside}"
        );
    }
    assert!(html.contains("<input id=\"filter\""));
    assert_eq!(html.matches("data-primary data-search").count(), 59);
    assert!(html.contains("badge badge-hidden"));
    assert!(html.contains("badge badge-deprecated"));
}

#[test]
fn a_catalogue_without_groups_or_labels_is_documented() {
    let text = "[[metric]]\nname = \"up\"\ntype = \"gauge\"\nhelp = \"1 when <up> & | *ready*.\"\n";
    let cat = check(text, "m.toml", &Options::default())
        .catalogue
        .unwrap();
    let at = v("1.0.0");
    let md = docs::generate(&cat, &at, Format::Markdown);
    assert!(md.starts_with("# Metrics at 1.0.0\n"), "{md}");
    assert!(md.contains("## Other metrics"));
    assert!(md.contains("1 when \\<up\\> & \\| \\*ready\\*."), "{md}");
    assert!(md.contains("The catalogue defines no labels."));
    assert!(md.contains("1.0.0 is a major release: hidden metrics cannot be re-enabled"));
    let html = docs::generate(&cat, &at, Format::Html);
    assert!(html.contains("1 when &lt;up&gt; &amp; | *ready*."));
    let json: serde_json::Value =
        serde_json::from_str(&docs::generate(&cat, &at, Format::Json)).unwrap();
    assert_eq!(json["namespace"], serde_json::Value::Null);
    assert_eq!(json["show_hidden"], serde_json::Value::Null);
    assert_eq!(json["groups"][0]["name"], "Other metrics");
}
