//! `schema json-schema`: the committed `docs/metrics.schema.json` is what the command
//! prints (`UPDATE_DOCS=1` rewrites it); every catalogue of the repository validates against
//! it; unknown keys and bad enumeration values are refused — by Python's `jsonschema`
//! (Draft 7) and by Taplo, the TOML toolkit editors use.
//!
//! Needs Python 3.11+ with `jsonschema`, and `taplo` (`npm install -g @taplo/cli`): ignored
//! when absent, run (and failing) when `CI` is set.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::{code, repo, root, schema, scratch, stdout, write};

fn committed() -> String {
    repo("docs/metrics.schema.json")
}

#[test]
fn the_committed_schema_is_current() {
    let out = schema(&["json-schema"]);
    assert_eq!(code(&out), 0);
    let printed = stdout(&out);
    let value: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
    assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(value["additionalProperties"], false);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        metrics_schema::io::write_atomic(Path::new(&committed()), printed.as_bytes()).unwrap();
    }
    let on_disk = std::fs::read_to_string(committed()).expect("docs/metrics.schema.json");
    assert!(
        on_disk == printed,
        "docs/metrics.schema.json is stale: run `UPDATE_DOCS=1 cargo test -p metrics-schema --test json_schema`"
    );
}

/// Every catalogue of the repository that `schema lint` reads without a `parse` or
/// `unknown-key` error, and those it refuses for one.
fn catalogues() -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    for dir in [
        "examples",
        "tests/catalogues",
        "macros/tests/ui/catalogues",
        "metrics-schema/tests/python",
        "runtime/benches",
    ] {
        collect(&root().join(dir), &mut files);
    }
    assert!(files.len() >= 8, "{files:?}");
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for file in files {
        let out = schema(&["lint", "--format", "json", &file]);
        let text = stdout(&out);
        if text.contains("\"rule\": \"parse\"") || text.contains("\"rule\": \"unknown-key\"") {
            invalid.push(file);
        } else {
            valid.push(file);
        }
    }
    assert!(
        !invalid.is_empty(),
        "the macro's invalid.toml fixture is refused"
    );
    (valid, invalid)
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") && !path.ends_with("Cargo.toml") {
            out.push(path.display().to_string());
        }
    }
}

/// Validates each file with Python's jsonschema.
fn python_valid(files: &[String]) -> Vec<bool> {
    let script = "import json, sys, tomllib, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  jsonschema.Draft7Validator.check_schema(schema)\n\
                  v = jsonschema.Draft7Validator(schema)\n\
                  for f in sys.argv[2:]:\n\
                  \x20   errors = list(v.iter_errors(tomllib.load(open(f, 'rb'))))\n\
                  \x20   print('ok' if not errors else 'invalid: ' + errors[0].message)";
    let out = Command::new("python3")
        .args(["-c", script, &committed()])
        .args(files)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<bool> = stdout(&out).lines().map(|l| l == "ok").collect();
    assert_eq!(lines.len(), files.len());
    lines
}

#[test]
#[cfg_attr(
    not(has_jsonschema),
    ignore = "Python 3.11+ with jsonschema not installed"
)]
fn catalogues_validate_exactly_when_lint_reads_them() {
    let (valid, invalid) = catalogues();
    let results = python_valid(&valid);
    for (file, ok) in valid.iter().zip(results) {
        assert!(ok, "{file} is a valid catalogue but the schema refuses it");
    }
    let results = python_valid(&invalid);
    for (file, ok) in invalid.iter().zip(results) {
        assert!(!ok, "{file} has unknown keys but the schema accepts it");
    }
}

const BAD_CASES: &[(&str, &str)] = &[
    (
        "[[metric]]\nname = \"x\"\ntype = \"summary\"\nhelp = \"X.\"\n",
        "summary",
    ),
    (
        "[catalogue]\nstability = \"experimental\"\n",
        "experimental",
    ),
    ("[catalogue]\nseparator = \"-\"\n", "-"),
    (
        "[[metric]]\nname = \"x\"\ntype = \"gauge\"\nhelp = \"X.\"\nlables = [\"a\"]\n",
        "lables",
    ),
    ("[labels.model]\nmax_value = 3\n", "max_value"),
    (
        "[[metric]]\nname = \"x\"\ntype = \"gauge\"\nhelp = \"X.\"\nsince = \"v1.2\"\n",
        "v1.2",
    ),
    ("[[metric]]\nname = \"x\"\ntype = \"gauge\"\n", "help"),
    (
        "[buckets]\nb = { exponential = { start = 1.0, factor = 2.0 } }\n",
        "exponential",
    ),
    ("[catalogue]\nallow = [\"no-such-rule\"]\n", "no-such-rule"),
];

#[test]
#[cfg_attr(
    not(has_jsonschema),
    ignore = "Python 3.11+ with jsonschema not installed"
)]
fn unknown_keys_and_bad_values_are_refused() {
    let dir = scratch("json-schema-bad");
    let files: Vec<String> = BAD_CASES
        .iter()
        .enumerate()
        .map(|(i, (text, _))| write(&dir, &format!("bad{i}.toml"), text.as_bytes()))
        .collect();
    let results = python_valid(&files);
    for ((text, _), ok) in BAD_CASES.iter().zip(results) {
        assert!(!ok, "the schema accepts:\n{text}");
    }
    // ... and `schema lint` refuses every one of them too.
    for file in &files {
        assert_eq!(code(&schema(&["lint", file])), 1, "{file}");
    }
}

#[test]
#[cfg_attr(not(has_taplo), ignore = "taplo not installed")]
fn taplo_checks_catalogues_with_the_schema() {
    let schema_uri = format!(
        "file://{}",
        root()
            .join("docs/metrics.schema.json")
            .canonicalize()
            .unwrap()
            .display()
    );
    let check = |file: &str| {
        Command::new("taplo")
            .args(["check", "--schema", &schema_uri, file])
            .env("RUST_LOG", "error")
            .output()
            .expect("taplo")
    };
    let out = check(&repo("examples/vllm/metrics.toml"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = scratch("json-schema-taplo");
    for (i, (text, needle)) in BAD_CASES.iter().enumerate() {
        let file = write(&dir, &format!("bad{i}.toml"), text.as_bytes());
        let out = check(&file);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "taplo accepts:\n{text}");
        assert!(
            err.contains(needle),
            "taplo's message names `{needle}`:\n{err}"
        );
    }
    // The `#:schema` directive an editor reads works the same.
    let file = write(
        &dir,
        "directive.toml",
        format!("#:schema {schema_uri}\n{}", BAD_CASES[0].0).as_bytes(),
    );
    let out = Command::new("taplo")
        .args(["check", &file])
        .output()
        .expect("taplo");
    assert!(!out.status.success(), "the directive applies the schema");
}
