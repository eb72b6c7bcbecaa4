//! The vLLM example catalogue against vLLM's real history, through the `schema` binary:
//!
//! - `schema check-refs --version 0.34.0` on dashboards and rule files written for vLLM at
//!   several points of its history (`tests/fixtures/vllm-dashboards/`, provenance in its
//!   README): no metric vLLM really exposed is unknown, and every removed one is reported
//!   removed, with its replacement where vLLM has one;
//! - `schema lint` of the catalogue without its `allow` entries reports the conventions vLLM
//!   really breaks, each exactly where an `allow` silences it, and with them is clean.
//!   vLLM's harder breaks (removals before its policy's date, or without any deprecation)
//!   are errors, which no `allow` can silence: the catalogue records those metrics at the
//!   policy's date or as alpha, with a comment each (`examples/vllm/README.md`).

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use support::{code, example, repo, schema, scratch, stdout, write};

const LATEST: &str = "0.34.0";

/// What the facts file (`tests/fixtures/vllm-metrics-facts.md`) says of one metric.
struct Fact {
    removed: Option<String>,
    replaced_by: Option<String>,
}

/// The facts, by full name.
fn facts() -> BTreeMap<String, Fact> {
    let text = std::fs::read_to_string(repo("tests/fixtures/vllm-metrics-facts.md")).unwrap();
    let facts: BTreeMap<String, Fact> = text
        .lines()
        .filter(|l| l.starts_with("| vllm:"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let part = |prefix: &str| {
                cells[5]
                    .split(';')
                    .map(str::trim)
                    .find_map(|p| p.strip_prefix(prefix))
                    .map(str::to_owned)
            };
            let fact = Fact {
                removed: part("removed "),
                replaced_by: part("replaced by "),
            };
            (cells[0].to_owned(), fact)
        })
        .collect();
    assert!(facts.len() >= 150, "the facts list vLLM's metrics");
    facts
}

/// A metric name without the suffix its samples add.
fn family(name: &str) -> &str {
    ["_bucket", "_count", "_sum", "_total"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// Whether `text` mentions the family `name`: the name, followed by a sample suffix or by a
/// character that cannot continue a metric name.
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let rest = &text[at + name.len()..];
        let rest = ["_bucket", "_count", "_sum", "_total"]
            .iter()
            .find_map(|s| rest.strip_prefix(s))
            .unwrap_or(rest);
        let before = text[..at].chars().next_back();
        !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    })
}

/// The names the fixtures use that no vLLM release ever exposed, each with where it comes from.
const NOT_VLLM: [(&str, &str); 4] = [
    // vLLM's own first dashboard misspelt time_per_output_token_seconds.
    (
        "vllm:time_per_output_tokens_seconds",
        "vllm-production-monitoring.json",
    ),
    // Third-party alert files.
    ("vllm:num_waiting_seqs", "third-party-alerts.yml"),
    ("vllm:request_error", "third-party-alerts.yml"),
    ("vllm:num_preemption", "third-party-alerts.yml"),
];

#[test]
fn real_dashboards_and_rule_files_at_the_latest_release() {
    let facts = facts();
    let dir = repo("tests/fixtures/vllm-dashboards");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".yml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    let mut unknown_seen = BTreeSet::new();
    let mut removed_seen = BTreeSet::new();
    for file in &files {
        let path = format!("{dir}/{file}");
        let kind = if file.ends_with(".json") {
            "--dashboard"
        } else {
            "--rules"
        };
        let out = schema(&[
            "check-refs",
            &example(),
            "--version",
            LATEST,
            "--format",
            "json",
            kind,
            &path,
        ]);
        let report: Vec<Value> = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{file}: {e}: {}", stdout(&out)));
        let text = std::fs::read_to_string(&path).unwrap();
        let real: Vec<&String> = facts.keys().filter(|n| mentions(&text, n)).collect();
        assert!(
            real.len() >= 5,
            "{file} references vLLM's metrics: {real:?}"
        );

        let mut removed = BTreeSet::new();
        for d in &report {
            let rule = d["rule"].as_str().unwrap();
            let message = d["message"].as_str().unwrap();
            let name = message.split('`').nth(1).unwrap_or_default();
            match rule {
                // Unknown: only names no vLLM release exposed.
                "unknown-metric-reference" => {
                    assert!(
                        !facts.contains_key(family(name)),
                        "{file}: vLLM's real metric {name} is called unknown"
                    );
                    let known = NOT_VLLM
                        .iter()
                        .any(|(n, from)| family(name) == *n && from == file);
                    assert!(known, "{file}: unexpected unknown name {name}");
                    unknown_seen.insert(family(name).to_owned());
                }
                // Removed: vLLM removed it by the latest release, and the help names the
                // replacement vLLM gives.
                "removed-metric-reference" => {
                    let metric = d["metric"].as_str().unwrap();
                    let fact = &facts[metric];
                    assert!(fact.removed.is_some(), "{file}: {metric} is not removed");
                    let help = d["help"].as_str().unwrap();
                    match &fact.replaced_by {
                        Some(replacement) => assert!(
                            help.contains(&format!("`{replacement}")),
                            "{file}: {metric}: {help}"
                        ),
                        None => assert!(help.contains("has no replacement"), "{file}: {help}"),
                    }
                    removed.insert(metric.to_owned());
                }
                other => panic!("{file}: unexpected {other}: {message}"),
            }
        }
        // Every removed metric the file uses is reported, and nothing else.
        let expected: BTreeSet<String> = real
            .iter()
            .filter(|n| facts[n.as_str()].removed.is_some())
            .map(|n| (*n).clone())
            .collect();
        assert_eq!(removed, expected, "{file}");
        assert_eq!(code(&out), i32::from(!report.is_empty()), "{file}");
        removed_seen.extend(removed);
    }
    // The fixtures do exercise both: the misnamed and the removed metrics of vLLM's history.
    let not_vllm: BTreeSet<String> = NOT_VLLM.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(unknown_seen, not_vllm);
    for name in [
        "vllm:gpu_cache_usage_perc",
        "vllm:cpu_cache_usage_perc",
        "vllm:num_requests_swapped",
        "vllm:gpu_prefix_cache_hit_rate",
        "vllm:time_per_output_token_seconds",
        "vllm:avg_prompt_throughput_toks_per_s",
    ] {
        assert!(removed_seen.contains(name), "{name} in {removed_seen:?}");
    }
}

/// The `allow` entries of the catalogue: (rule id, full metric name or `None` for the
/// catalogue-wide ones), read from its lines (each entry is one line).
fn allows(text: &str) -> BTreeSet<(String, Option<String>)> {
    let mut metric: Option<String> = None;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with('[') {
            metric = None;
        }
        if let Some(name) = line.strip_prefix("name = \"") {
            metric = Some(format!("vllm:{}", name.trim_end_matches('"')));
        }
        if let Some(list) = line.strip_prefix("allow = [") {
            for id in list.split('"').skip(1).step_by(2) {
                found.insert((id.to_owned(), metric.clone()));
            }
        }
    }
    found
}

#[test]
fn lint_without_the_allow_entries_reports_vllms_real_breaks() {
    let text = std::fs::read_to_string(example()).unwrap();
    // With them: clean.
    let out = schema(&["lint", &example(), "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out).trim(), "[]");

    // Without them: each silenced finding, and nothing else.
    let expected = allows(&text);
    assert!(expected.len() > 25, "{expected:?}");
    let stripped: String = text
        .lines()
        .filter(|l| !l.starts_with("allow = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(stripped.len() < text.len());
    let dir = scratch("vllm-no-allow");
    let path = write(&dir, "metrics.toml", stripped.as_bytes());
    let out = schema(&["lint", &path, "--format", "json"]);
    assert_eq!(code(&out), 0, "warnings only: {}", stdout(&out));
    let report: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let reported: BTreeSet<(String, Option<String>)> = report
        .iter()
        .map(|d| {
            assert_eq!(d["severity"], "warning", "{d}");
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["metric"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(reported, expected, "every allow silences a real finding");
    // vLLM's best-known breaks among them.
    for (rule, metric) in [
        ("name-colon", None),
        (
            "deprecated-without-replacement",
            Some("vllm:num_requests_swapped"),
        ),
        (
            "non-base-unit",
            Some("vllm:model_forward_time_milliseconds"),
        ),
        ("unit-suffix", Some("vllm:kv_cache_usage_perc")),
        (
            "non-counter-total-suffix",
            Some("vllm:iteration_tokens_total"),
        ),
        ("reserved-suffix", Some("vllm:cache_config_info")),
    ] {
        let key = (rule.to_owned(), metric.map(str::to_owned));
        assert!(reported.contains(&key), "{key:?}");
    }
}
