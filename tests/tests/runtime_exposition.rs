//! The `exposition` example's output, in both formats, read by real parsers: promtool
//! (Prometheus' own Go parsers) and Python's `prometheus_client` — read back exactly.

use crate::demo;
use crate::runtime_support;

use std::process::Command;

use metrics_schema_runtime::{Format, OVERFLOW_VALUE};
use metrics_schema_tests::{python_with, tool};
use runtime_support::{compare, expected, parse_samples, python_parse};

fn exposition(format: Format) -> (demo::Demo, String) {
    let demo = demo::build().expect("demo builds");
    let text = demo.registry.encode_to_string(format);
    (demo, text)
}

fn run_with_stdin(cmd: &mut Command, input: &str) -> (i32, String) {
    let out = metrics_schema_tests::output_with_stdin(cmd, input.as_bytes());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn example_contains_what_the_issue_asks_for() {
    let (demo, text) = exposition(Format::Text);
    for needle in [
        "# TYPE vllm:request_success_total counter",
        "# TYPE vllm:num_requests_running gauge",
        "# TYPE vllm:e2e_request_latency_seconds histogram",
        "# TYPE vllm:build_info gauge",
        "finished_reason=\"abort\"",
        "DEPRECATED since 0.10.0: use vllm:kv_cache_usage_perc instead.",
        "value=\"\\\"quoted\\\"\"",
        "value=\"back\\\\slash\"",
        "value=\"new\\nline\"",
        "value=\"ünïcødé ☃ 日本語 🦀\"",
        "value=\"\"",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(
        !text.contains("time_per_output_token"),
        "hidden metric exposed"
    );
    assert_eq!(demo.time_per_token.series_count(), 0);
    assert_eq!(demo.lora.overflow_count(), 2);
    assert!(text.contains(&format!(
        "vllm:lora_requests_total{{adapter=\"{OVERFLOW_VALUE}\"}} 2\n"
    )));
    let (_, om) = exposition(Format::OpenMetrics);
    assert!(om.contains("# TYPE vllm:build info\n"));
    assert!(om.contains("# UNIT vllm:e2e_request_latency_seconds seconds\n"));
    assert!(om.ends_with("# EOF\n"));
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn promtool_parses_the_text_format() {
    let promtool = tool("promtool", "apt-get install prometheus");
    let (_, text) = exposition(Format::Text);
    let (code, out) = run_with_stdin(Command::new(&promtool).args(["check", "metrics"]), &text);
    // Exit 3 means lint findings only (names with ':' are vLLM's choice); parse errors
    // are exit 1 with "error while linting".
    assert!(code == 0 || code == 3, "promtool exit {code}: {out}");
    assert!(!out.contains("error"), "promtool: {out}");
    for line in out.lines() {
        assert!(
            line.contains("metric names should not contain ':'")
                || line.contains("non-histogram and non-summary metrics should not have")
                || line.contains("counter metrics should have \"_total\" suffix"),
            "unexpected promtool finding: {line}"
        );
    }
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn promtool_parses_openmetrics() {
    let promtool = tool("promtool", "apt-get install prometheus");
    // `promtool check metrics` only reads the text format (it rejects the `info` type and
    // OpenMetrics' `\"` in HELP), so OpenMetrics goes through promtool's OpenMetrics
    // backfill parser, which needs a timestamp on every sample.
    let (_, om) = exposition(Format::OpenMetrics);
    let stamped: String = om
        .lines()
        .map(|l| {
            if l.starts_with('#') {
                format!("{l}\n")
            } else {
                format!("{l} 1700000000\n")
            }
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("runtime-om-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("exposition.om");
    std::fs::write(&input, &stamped).unwrap();
    let out = Command::new(&promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&input)
        .arg(dir.join("blocks"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "promtool: {stdout}{stderr}");
    // The block table (BLOCK ULID, MIN TIME, MAX TIME, DURATION, NUM SAMPLES, ...) counts
    // every sample line we wrote.
    let samples = om.lines().filter(|l| !l.starts_with('#')).count();
    let row = stdout
        .lines()
        .skip_while(|l| !l.contains("NUM SAMPLES"))
        .nth(1)
        .unwrap_or_else(|| panic!("no block table: {stdout}"));
    let got: usize = row.split_whitespace().nth(4).unwrap().parse().unwrap();
    assert_eq!(got, samples, "{stdout}");
}

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn python_reads_both_formats_back_exactly() {
    let python = python_with("prometheus_client");
    let (demo, text) = exposition(Format::Text);
    let om = demo.registry.encode_to_string(Format::OpenMetrics);
    let parsed = python_parse(&python, &[(text.clone(), false), (om.clone(), true)]);
    let text_families = parsed[0]
        .as_ref()
        .expect("text parser accepts the exposition");
    let om_families = parsed[1]
        .as_ref()
        .expect("OpenMetrics parser accepts the exposition");
    compare(
        text_families,
        &expected(&demo.registry, Format::Text),
        "text",
    );
    compare(
        om_families,
        &expected(&demo.registry, Format::OpenMetrics),
        "openmetrics",
    );
    // And the Rust test parser reads the same samples.
    for (doc, families) in [(&text, text_families), (&om, om_families)] {
        let ours = parse_samples(doc);
        let theirs: Vec<_> = families.iter().flat_map(|f| f.samples.clone()).collect();
        assert_eq!(ours.len(), theirs.len());
    }
}
