//! `--format sarif` of `schema lint` and `schema check-refs`: the log validates against the
//! SARIF 2.1.0 JSON Schema (a copy in `tests/fixtures/sarif/`, checked with Python's
//! `jsonschema`), lists every rule, and places each result at its file, rule and region.
//!
//! Needs Python 3 with `jsonschema`: ignored when absent, run (and failing) when `CI` is set.

use crate::support;

use std::process::Command;

use serde_json::Value;
use support::{code, repo, schema, schema_in, scratch, stdout, write};

/// Validates `log` against the committed SARIF schema with Python's jsonschema.
fn validate(log: &str) {
    let dir = scratch("sarif-validate");
    let log_path = write(&dir, "log.sarif", log.as_bytes());
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  log = json.load(open(sys.argv[2]))\n\
                  jsonschema.Draft4Validator.check_schema(schema)\n\
                  errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)\n\
                  for e in errors: print(list(e.absolute_path), e.message)\n\
                  sys.exit(1 if errors else 0)";
    let out = Command::new("python3")
        .args([
            "-c",
            script,
            &repo("metrics-schema/tests/fixtures/sarif/sarif-2.1.0-rtm.5.json"),
            &log_path,
        ])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "the SARIF log does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const BAD: &str = r#"[catalogue]
namespace = "app"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."
colour = "red"

[[metric]]
name = "requests"
type = "gauge"
help = "Again."

[[metric]]
name = "latency_ms"
type = "gauge"
help = "Latency."
"#;

#[test]
#[cfg_attr(
    not(has_jsonschema),
    ignore = "Python 3.11+ with jsonschema not installed"
)]
fn lint_sarif_validates_and_places_every_result() {
    let dir = scratch("sarif-lint");
    let path = write(&dir, "my metrics.toml", BAD.as_bytes());
    let out = schema(&["lint", "--format", "sarif", &path]);
    assert_eq!(code(&out), 1, "errors found: exit 1");
    let text = stdout(&out);
    let log: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "schema");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        metrics_schema::lint::rules().len(),
        "every rule is listed"
    );
    for (rule, descriptor) in metrics_schema::lint::rules().iter().zip(rules) {
        assert_eq!(descriptor["id"], rule.id);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        assert_eq!(
            descriptor["helpUri"],
            format!("{}#{}", metrics_schema::sarif::RULES_URI, rule.id)
        );
        // SARIF's levels are named as ours: error, warning, note.
        assert_eq!(
            descriptor["defaultConfiguration"]["level"],
            rule.severity.as_str()
        );
    }

    let results = run["results"].as_array().unwrap();
    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no {rule} result in {text}"))
    };
    let unknown = find("unknown-key");
    assert_eq!(unknown["level"], "error");
    let index = unknown["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "unknown-key");
    let location = &unknown["locations"][0]["physicalLocation"];
    // Outside a git repository the URI is the path as given, percent-encoded.
    let uri = location["artifactLocation"]["uri"].as_str().unwrap();
    assert!(uri.ends_with("my%20metrics.toml"), "{uri}");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let region = &location["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(8), Some(1))
    );
    assert_eq!(region["endLine"].as_u64(), Some(8));
    assert!(region["endColumn"].as_u64().unwrap() > 1);
    assert!(
        unknown["message"]["text"]
            .as_str()
            .unwrap()
            .contains("colour")
    );

    let duplicate = find("duplicate-metric");
    assert!(
        duplicate["relatedLocations"][0]["physicalLocation"]["region"]["startLine"].as_u64()
            == Some(5),
        "the first definition is a related location: {duplicate}"
    );
    assert_eq!(find("abbreviated-unit")["level"], "warning");
    validate(&text);
}

#[test]
#[cfg_attr(
    not(has_jsonschema),
    ignore = "Python 3.11+ with jsonschema not installed"
)]
fn uris_are_relative_to_the_repository_root() {
    // Run from a subdirectory of this repository: the URI still starts at its root.
    let out = schema_in(
        &support::root().join("metrics-schema/tests"),
        &[
            "lint",
            "--format",
            "sarif",
            "../../examples/vllm/metrics.toml",
            "--deny",
            "warnings",
        ],
    );
    assert_eq!(code(&out), 0, "the example is clean");
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    validate(&stdout(&out));

    let dir = support::root().join("metrics-schema/tests");
    let bad = write(&scratch("sarif-rel"), "bad.toml", BAD.as_bytes());
    let out = schema_in(&dir, &["lint", "--format", "sarif", &bad]);
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(uri.ends_with("/bad.toml") && !uri.starts_with('/'), "{uri}");
}

#[test]
#[cfg_attr(
    not(has_jsonschema),
    ignore = "Python 3.11+ with jsonschema not installed"
)]
fn check_refs_sarif_validates() {
    let dir = scratch("sarif-refs");
    let rules = write(
        &dir,
        "rules.yml",
        b"groups:\n  - name: vllm\n    rules:\n      - alert: Full\n        expr: vllm:gpu_cache_usage_perc > 0.9\n      - alert: Typo\n        expr: vllm:num_requests_runing > 1\n",
    );
    let out = schema(&[
        "check-refs",
        &support::example(),
        "--version",
        "0.12.0",
        "--rules",
        &rules,
        "--format",
        "sarif",
    ]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let log: Value = serde_json::from_str(&text).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"removed-metric-reference"), "{ids:?}");
    assert!(ids.contains(&"unknown-metric-reference"), "{ids:?}");
    for r in results {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .map(|l| l >= 5),
            Some(true)
        );
    }
    validate(&text);
}
