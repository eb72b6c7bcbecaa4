//! `schema docs`, `schema diff` and `schema lint --baseline` through the binary: outputs,
//! exit codes and `--check`.

use crate::support;

use std::process::Output;

use support::{code, root, schema_in, scratch, stderr, stdout};

/// Runs `schema` from the repository root.
fn schema(args: &[&str]) -> Output {
    schema_in(&root(), args)
}

const EXAMPLE: &str = "examples/vllm/metrics.toml";

#[test]
fn docs_prints_each_format() {
    let out = schema(&["docs", EXAMPLE, "--version", "0.11.2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("# vllm metrics at 0.11.2\n"));

    let out = schema(&["docs", EXAMPLE, "--version", "0.11.2", "--format", "html"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("<!DOCTYPE html>"));

    let out = schema(&["docs", EXAMPLE, "--version", "0.12.0", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["schema_version"], 1);
    // The gpu_* trio and the fourteen metrics of vLLM's history removed earlier.
    assert_eq!(json["counts"]["removed"], 17);
}

#[test]
fn docs_writes_a_file_in_the_format_of_its_extension_and_checks_it() {
    let dir = scratch("check");
    let file = dir.join("ref.json");
    let file = file.to_str().unwrap();
    let out = schema(&["docs", EXAMPLE, "--version", "0.11.2", "-o", file]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let written = std::fs::read_to_string(file).unwrap();
    assert!(
        written.starts_with("{\n  \"schema_version\": 1,"),
        "{written}"
    );

    let check =
        |version: &str| schema(&["docs", EXAMPLE, "--version", version, "-o", file, "--check"]);
    let out = check("0.11.2");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("up to date"));
    assert_eq!(
        std::fs::read_to_string(file).unwrap(),
        written,
        "--check writes nothing"
    );

    // Another version gives another reference: the file is stale.
    let out = check("0.12.0");
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("is stale (first difference at line 4)"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "schema docs {EXAMPLE} --version 0.12.0 --format json -o {file}"
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(file).unwrap(), written);

    let missing = dir.join("missing.md");
    let out = schema(&[
        "docs",
        EXAMPLE,
        "--version",
        "0.11.2",
        "-o",
        missing.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("cannot be read"), "{}", stderr(&out));
}

#[test]
fn the_committed_reference_passes_check() {
    for ext in ["md", "html", "json"] {
        let out = schema(&[
            "docs",
            EXAMPLE,
            "--version",
            "0.11.2",
            "-o",
            &format!("docs/vllm/metrics.{ext}"),
            "--check",
        ]);
        assert_eq!(code(&out), 0, "{ext}: {}", stderr(&out));
    }
}

#[test]
fn docs_usage_errors() {
    // No version anywhere.
    let out = schema(&["docs", EXAMPLE]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--version"), "{}", stderr(&out));
    // --check needs -o.
    let out = schema(&["docs", EXAMPLE, "--version", "0.11.2", "--check"]);
    assert_eq!(code(&out), 2);
    // A missing catalogue.
    let out = schema(&["docs", "nope.toml", "--version", "1.0"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("cannot read catalogue `nope.toml`"));
    // A catalogue with errors.
    let dir = scratch("errors");
    std::fs::write(dir.join("bad.toml"), "[[metric]]\nname = \"x\"\n").unwrap();
    let out = schema_in(&dir, &["docs", "bad.toml", "--version", "1.0"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("error[parse]"), "{err}");
    assert!(err.contains("no reference can be generated"), "{err}");
}

#[test]
fn diff_of_the_example_between_two_releases() {
    let out = schema(&[
        "diff",
        EXAMPLE,
        EXAMPLE,
        "--old-version",
        "0.10.0",
        "--new-version",
        "0.11.2",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let md = stdout(&out);
    assert!(
        md.starts_with("# Metric changes from 0.10.0 to 0.11.2\n"),
        "{md}"
    );
    assert!(
        md.contains("14 added, 1 deprecated, 3 hidden, 0 removed, 0 changed."),
        "{md}"
    );
    assert!(
        md.contains("| `vllm:inter_token_latency_seconds` | histogram | stable | 0.10.2 |"),
        "{md}"
    );
    assert!(
        md.contains("| `vllm:nixl_xfer_time_seconds` | histogram |"),
        "{md}"
    );
    assert!(md.contains("show-hidden value `0.10`"), "{md}");

    let out = schema(&[
        "diff",
        EXAMPLE,
        EXAMPLE,
        "--old-version",
        "0.11.2",
        "--new-version",
        "0.12.0",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["kind"], "metrics-changelog");
    let names = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["full_name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("hidden"), ["vllm:time_per_output_token_seconds"]);
    assert_eq!(
        names("removed"),
        [
            "vllm:gpu_cache_usage_perc",
            "vllm:gpu_prefix_cache_hits",
            "vllm:gpu_prefix_cache_queries"
        ]
    );
    // 0.12.0 added the KV block residency histograms.
    assert_eq!(
        names("added"),
        [
            "vllm:kv_block_idle_before_evict_seconds",
            "vllm:kv_block_lifetime_seconds",
            "vllm:kv_block_reuse_gap_seconds"
        ]
    );
}

#[test]
fn diff_of_two_files_lists_changes_and_deletions() {
    let dir = scratch("diff");
    std::fs::write(
        dir.join("old.toml"),
        "[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\n\
         [[metric]]\nname = \"gone\"\ntype = \"gauge\"\nhelp = \"Gone.\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("new.toml"),
        "[[metric]]\nname = \"a\"\ntype = \"counter\"\nhelp = \"A, counted.\"\n",
    )
    .unwrap();
    let out = schema_in(&dir, &["diff", "old.toml", "new.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let md = stdout(&out);
    assert!(
        md.contains("| `gone` | deleted from the catalogue |"),
        "{md}"
    );
    assert!(md.contains("  - type: gauge → counter"), "{md}");
    assert!(md.contains("  - help: \"A.\" → \"A, counted.\""), "{md}");
    assert!(md.contains("Without a version on both sides"), "{md}");
}

#[test]
fn lint_with_a_baseline_file() {
    let dir = scratch("baseline");
    let old = "[catalogue]\nstability = \"stable\"\n\
               [[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\n\
               [[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\n";
    std::fs::write(dir.join("old.toml"), old).unwrap();
    std::fs::write(
        dir.join("same.toml"),
        format!("{old}[[metric]]\nname = \"c\"\ntype = \"gauge\"\nhelp = \"C.\"\n"),
    )
    .unwrap();
    let new = "[catalogue]\nstability = \"stable\"\n\
               [[metric]]\nname = \"a\"\ntype = \"counter\"\nhelp = \"A.\"\n";
    std::fs::write(dir.join("new.toml"), new).unwrap();

    let out = schema_in(&dir, &["lint", "same.toml", "--baseline", "old.toml"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("same.toml: ok (3 metrics, compatible with old.toml)"),
        "{}",
        stdout(&out)
    );

    let out = schema_in(
        &dir,
        &[
            "lint",
            "new.toml",
            "--baseline",
            "old.toml",
            "--color",
            "never",
        ],
    );
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("error[removed-without-deprecation]"),
        "{text}"
    );
    assert!(
        text.contains("--> old.toml:7:1"),
        "the deleted table, in the baseline: {text}"
    );
    assert!(text.contains("error[type-changed]"), "{text}");
    assert!(text.contains("--> new.toml:5:8"), "{text}");
    assert!(text.contains("error: new.toml: 2 errors"), "{text}");

    let out = schema_in(
        &dir,
        &[
            "lint",
            "new.toml",
            "--baseline",
            "old.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["old.toml", "new.toml"]);

    let out = schema_in(
        &dir,
        &[
            "lint",
            "new.toml",
            "--baseline",
            "old.toml",
            "--format",
            "github",
        ],
    );
    assert!(
        stdout(&out).contains("::error file=old.toml,line=7,"),
        "{}",
        stdout(&out)
    );

    // Usage errors: two paths, a missing baseline, a malformed git spec.
    let out = schema_in(
        &dir,
        &["lint", "new.toml", "same.toml", "--baseline", "old.toml"],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("give one path"));
    let out = schema_in(&dir, &["lint", "new.toml", "--baseline", "nope.toml"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("cannot read catalogue `nope.toml`"));
    let out = schema_in(&dir, &["lint", "new.toml", "--baseline", "git:HEAD"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("expected `git:REV:PATH`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_baseline_with_errors_cannot_be_compared() {
    let dir = scratch("bad-baseline");
    std::fs::write(dir.join("old.toml"), "[[metric]]\nname = \"a\"\n").unwrap();
    std::fs::write(
        dir.join("new.toml"),
        "[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\n",
    )
    .unwrap();
    let out = schema_in(&dir, &["lint", "new.toml", "--baseline", "old.toml"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("the baseline cannot be compared"),
        "{}",
        stderr(&out)
    );
}
