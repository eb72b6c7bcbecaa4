//! The `schema` binary: exit codes, output formats and bad paths.

use crate::support;

use support::{code, example, schema, scratch, stderr, stdout, write};

const WARNINGS_ONLY: &str =
    "[[metric]]\nname = \"queueDepth\"\ntype = \"gauge\"\nhelp = \"Requests waiting.\"\n";
const ERRORS: &str = "[[metric]]\nname = \"queue\"\ntype = \"gauge\"\nhelpp = \"x\"\n";

#[test]
fn the_example_catalogue_is_clean() {
    let out = schema(&["lint", &example()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("ok (160 metrics)"),
        "{}",
        stdout(&out)
    );
    // At every version of its history too (since-after-version may warn, but no errors).
    for v in [
        "0.9.0",
        "0.10.0",
        "0.11.2",
        "0.12.0-rc.1",
        "0.15.0",
        "1.0.0",
    ] {
        let out = schema(&["lint", &example(), "--version", v]);
        assert_eq!(code(&out), 0, "at {v}: {}", stdout(&out));
    }
}

#[test]
fn exit_codes_follow_severity_and_deny() {
    let dir = scratch("exit");
    let warn = write(&dir, "warn.toml", WARNINGS_ONLY.as_bytes());
    let err = write(&dir, "err.toml", ERRORS.as_bytes());

    let out = schema(&["lint", &warn]);
    assert_eq!(code(&out), 0, "warnings only: {}", stdout(&out));
    assert!(
        stdout(&out).contains("warning[camel-case]"),
        "{}",
        stdout(&out)
    );

    let out = schema(&["lint", &warn, "--deny", "warnings"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("denied by `--deny warnings`"));
    assert_eq!(code(&schema(&["lint", &warn, "-D", "warnings"])), 1);

    let out = schema(&["lint", &err]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("error[unknown-key]: unknown key `helpp` in [[metric]]"),
        "{text}"
    );
    assert!(text.contains(&format!("--> {err}:4:1")), "{text}");
    assert!(text.contains("4 | helpp = \"x\""), "{text}");
    assert!(text.contains("= help: did you mean `help`?"), "{text}");

    // Several files: the worst outcome wins, every file is reported.
    let out = schema(&["lint", &warn, &err]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("camel-case") && stdout(&out).contains("unknown-key"));
}

#[test]
fn max_series_sets_the_cardinality_threshold() {
    // model_name (8) x engine (16) x (21 bounds + 3) = 3,072 series for the latency
    // histograms: below the default threshold, above 3,000.
    let out = schema(&["lint", &example(), "--max-series", "3000"]);
    assert_eq!(code(&out), 0, "warnings only");
    let text = stdout(&out);
    assert!(
        text.contains("metric `e2e_request_latency_seconds` can produce up to 3072 series, above the threshold of 3000"),
        "{text}"
    );
    // spec_decode_num_accepted_tokens_per_pos: 8 x 16 x 32 positions.
    let out = schema(&["lint", &example(), "--max-series", "4095"]);
    assert!(stdout(&out).contains(
        "metric `spec_decode_num_accepted_tokens_per_pos` can produce up to 4096 series"
    ));
    let out = schema(&["lint", &example(), "--max-series", "4096"]);
    assert!(!stdout(&out).contains("spec_decode_num_accepted_tokens_per_pos"));
    // The largest one without an `allow`: simple_kv_offload_info, 8 x 16 x 4 x 2 x 2 x 4.
    assert!(stdout(&out).contains("`simple_kv_offload_info` can produce up to 8192 series"));
    let out = schema(&["lint", &example(), "--max-series", "8192"]);
    assert!(
        !stdout(&out).contains("high-cardinality"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        code(&schema(&["lint", &example(), "--max-series", "-1"])),
        2
    );
}

#[test]
fn json_format() {
    let dir = scratch("json");
    let err = write(&dir, "err.toml", ERRORS.as_bytes());
    let warn = write(&dir, "warn.toml", WARNINGS_ONLY.as_bytes());
    let out = schema(&["lint", &err, &warn, "--format", "json"]);
    assert_eq!(code(&out), 1);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let items = value.as_array().expect("an array");
    assert_eq!(items.len(), 3, "{value:#}");
    // `helpp` is unknown, so `help` is missing too.
    assert_eq!(items[0]["rule"], "parse");
    assert_eq!(items[0]["line"], 1);
    let first = &items[1];
    assert_eq!(first["rule"], "unknown-key");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], err.as_str());
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 1);
    assert!(first["metric"].is_null());
    assert_eq!(first["message"], "unknown key `helpp` in [[metric]]");
    let camel = &items[2];
    assert_eq!(camel["rule"], "camel-case");
    assert_eq!(camel["severity"], "warning");
    assert_eq!(camel["metric"], "queueDepth");
}

#[test]
fn github_format() {
    let dir = scratch("github");
    let err = write(&dir, "err.toml", ERRORS.as_bytes());
    let out = schema(&["lint", &err, "--format", "github"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let escaped = err.replace(':', "%3A").replace(',', "%2C");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "::error file={escaped},line=4,col=1,endLine=4,endColumn=6,title=unknown-key::unknown key `helpp`"
        ))),
        "{text}"
    );
    assert!(lines.iter().all(|l| l.starts_with("::error ")), "{text}");
}

#[test]
fn bad_paths_exit_2_with_a_clear_message() {
    let dir = scratch("paths");
    let empty = write(&dir, "empty.toml", b"");
    let blank = write(&dir, "blank.toml", b"  \n\t\n");
    let binary = write(
        &dir,
        "binary.toml",
        b"[catalogue]\nnamespace = \"\xff\xfe\"\n",
    );
    let missing = dir.join("missing.toml").display().to_string();
    let directory = dir.display().to_string();
    let cases = [
        (empty, "is empty"),
        (blank, "is empty"),
        (binary, "not UTF-8 text (invalid byte at offset 25)"),
        (missing, "No such file or directory"),
        (directory, "it is a directory"),
    ];
    for (path, message) in cases {
        let out = schema(&["lint", &path]);
        assert_eq!(code(&out), 2, "{path}");
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(&format!("`{path}`")), "names the path: {err}");
        assert!(err.contains(message), "{path}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        // The same for `status`.
        let out = schema(&["status", &path, "--version", "0.11.0"]);
        assert_eq!(code(&out), 2, "status {path}");
        assert!(stderr(&out).contains(message));
    }
    // An I/O error wins over lint errors, and the other files are still checked.
    let err = write(&dir, "err.toml", ERRORS.as_bytes());
    let out = schema(&["lint", &err, &dir.join("nope.toml").display().to_string()]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).contains("unknown-key"));
}

#[test]
fn usage_errors_exit_2() {
    let example = example();
    for args in [
        vec!["lint"],
        vec!["lint", example.as_str(), "--version", "banana"],
        vec!["lint", example.as_str(), "--format", "xml"],
        vec!["lint", example.as_str(), "--deny", "errors"],
        vec!["frobnicate"],
        vec![],
    ] {
        let out = schema(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
    let out = schema(&["lint", &example, "--version", "banana"]);
    assert!(
        stderr(&out).contains("invalid version \"banana\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_and_explain() {
    let out = schema(&["rules"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    for r in metrics_schema::lint::rules() {
        assert!(text.contains(r.id) && text.contains(r.summary), "{}", r.id);
    }
    let out = schema(&["rules", "--format", "markdown"]);
    assert_eq!(stdout(&out), metrics_schema::render::rules_markdown());

    let out = schema(&["explain", "unknown-key"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.starts_with("unknown-key (error)"), "{text}");
    assert!(text.contains("Bad:") && text.contains("Good:"), "{text}");
    assert!(text.contains("    helpp = \"Requests waiting.\""), "{text}");

    let out = schema(&["explain", "unknwn-key"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("did you mean `unknown-key`?"));
}

#[test]
fn status_at_a_version() {
    let example = example();
    let out = schema(&["status", &example]);
    assert_eq!(code(&out), 2, "a version is required");
    assert!(stderr(&out).contains("needs a version"));

    let out = schema(&["status", &example, "--version", "0.11.2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" vllm:{name} ")))
            .unwrap_or_else(|| panic!("{name} in\n{text}"))
            .to_owned()
    };
    assert!(line("gpu_cache_usage_perc").starts_with("hidden"));
    assert!(line("gpu_cache_usage_perc").contains("- (hidden)"));
    assert!(line("time_per_output_token_seconds").starts_with("deprecated"));
    assert!(line("request_success").contains("vllm:request_success_total"));
    assert!(text.contains("show-hidden value at 0.11.2: 0.10"), "{text}");

    // The one valid show-hidden value shows hidden metrics as exposed.
    for valid in ["0.10", "0.10.0"] {
        let out = schema(&[
            "status",
            &example,
            "--version",
            "0.11.2",
            "--show-hidden",
            valid,
        ]);
        assert_eq!(code(&out), 0);
        assert!(stdout(&out).contains("vllm:gpu_cache_usage_perc (show-hidden)"));
    }
    for invalid in ["0.9", "0.11", "banana"] {
        let out = schema(&[
            "status",
            &example,
            "--version",
            "0.11.2",
            "--show-hidden",
            invalid,
        ]);
        assert_eq!(code(&out), 2, "{invalid}");
        let err = stderr(&out);
        assert!(err.contains("the only valid value is \"0.10\""), "{err}");
    }

    let out = schema(&[
        "status",
        &example,
        "--version",
        "0.12.0",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(value["version"], "0.12.0");
    assert_eq!(value["show_hidden"], "0.11");
    let gpu = value["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "gpu_cache_usage_perc")
        .unwrap();
    assert_eq!(gpu["status"], "removed");
    assert_eq!(gpu["replacement"], "vllm:kv_cache_usage_perc");
    assert_eq!(gpu["removed"], "0.12.0");
}

#[test]
fn status_refuses_an_invalid_catalogue() {
    let dir = scratch("status");
    let err = write(&dir, "err.toml", ERRORS.as_bytes());
    let out = schema(&["status", &err, "--version", "1.0.0"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("unknown-key"));
}
