//! Rule files and dashboards in the shapes deployments keep them (Kubernetes resources,
//! multi-document YAML, Grafana's API response): `check-refs` finds the references at the
//! right line and column of the file as written, and `migrate` rewrites them in place,
//! keeping the wrapper, so that the result checks clean.

use crate::support;

use std::path::PathBuf;
use std::process::Command;

use support::{code, repo, schema, scratch, stderr, stdout};

const DIR: &str = "metrics-schema/tests/fixtures/deployments";

fn fixture(name: &str) -> String {
    repo(&format!("{DIR}/{name}"))
}

fn catalogue() -> String {
    fixture("metrics.toml")
}

/// A fixture, the flag that reads it, and where `app:gpu_usage` is (line, column).
type Shape = (&'static str, &'static str, &'static [(u64, u64)]);

const SHAPES: &[Shape] = &[
    ("rules.yml", "--rules", &[(7, 13)]),
    ("prometheusrule.yml", "--rules", &[(14, 34)]),
    ("multi.yml", "--rules", &[(30, 18)]),
    ("dashboard-api.json", "--dashboard", &[(9, 62)]),
    ("configmap.yml", "--dashboard", &[(12, 52), (16, 109)]),
    ("grafanadashboard.yml", "--dashboard", &[(12, 57), (25, 23)]),
];

/// `check-refs` at 0.12 of one file, as (rule, line, column).
fn findings(flag: &str, path: &str) -> (i32, Vec<(String, u64, u64)>) {
    let out = schema(&[
        "check-refs",
        &catalogue(),
        "--version",
        "0.12",
        flag,
        path,
        "--format",
        "json",
    ]);
    let found = support::rule_positions(&stdout(&out));
    (code(&out), found)
}

#[test]
fn every_shape_is_checked_at_the_place_written() {
    for (name, flag, places) in SHAPES {
        let path = fixture(name);
        let (code, found) = findings(flag, &path);
        assert_eq!(code, 1, "{name}");
        let expected: Vec<(String, u64, u64)> = places
            .iter()
            .map(|&(l, c)| ("removed-metric-reference".to_owned(), l, c))
            .collect();
        assert_eq!(found, expected, "{name}");
        // The position is the name's, in the file as written.
        let text = std::fs::read_to_string(&path).unwrap();
        for &(line, column) in *places {
            let line = text.lines().nth(line as usize - 1).unwrap();
            let at: String = line.chars().skip(column as usize - 1).collect();
            assert!(at.starts_with("app:gpu_usage"), "{name}: {at}");
        }
    }
}

#[test]
fn every_shape_is_migrated_in_place_keeping_its_wrapper() {
    let dir = scratch("deployments");
    for (name, flag, places) in SHAPES {
        let input = fixture(name);
        let output = dir.join(name);
        let out = schema(&[
            "migrate",
            &catalogue(),
            "--version",
            "0.12",
            flag,
            &input,
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("{} reference(s) rewritten", places.len())),
            "{name}: {}",
            stderr(&out)
        );
        let before = std::fs::read_to_string(&input).unwrap();
        let after = std::fs::read_to_string(&output).unwrap();
        assert_eq!(
            after,
            before.replace("app:gpu_usage", "app:usage"),
            "{name}"
        );
        let (code, found) = findings(flag, output.to_str().unwrap());
        assert_eq!((code, found), (0, Vec::new()), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `promtool` on `PATH`.
fn promtool() -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("promtool"))
                .find(|p| p.is_file())
        })
        .expect("promtool is on PATH (apt-get install prometheus)")
}

/// The `spec` of a `PrometheusRule` written in block style at two spaces: a plain rule
/// file.
fn spec(resource: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in resource.lines() {
        if line == "spec:" {
            inside = true;
        } else if inside && line.starts_with("  ") {
            out.push_str(&line[2..]);
            out.push('\n');
        } else if inside {
            break;
        }
    }
    out
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn promtool_accepts_the_migrated_rule_files() {
    let promtool = promtool();
    let dir = scratch("promtool");
    for name in ["rules.yml", "prometheusrule.yml"] {
        let output = dir.join(name);
        let out = schema(&[
            "migrate",
            &catalogue(),
            "--version",
            "0.12",
            "--rules",
            &fixture(name),
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let migrated = std::fs::read_to_string(&output).unwrap();
        let plain = if name == "rules.yml" {
            migrated
        } else {
            spec(&migrated)
        };
        assert!(plain.starts_with("groups:\n"), "{plain}");
        let file = dir.join(format!("plain-{name}"));
        std::fs::write(&file, &plain).unwrap();
        let out = Command::new(&promtool)
            .args(["check", "rules"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(stdout(&out).contains("SUCCESS"), "{}", stdout(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resources_of_other_kinds_are_noted_and_unknown_shapes_refused() {
    let out = schema(&[
        "check-refs",
        &catalogue(),
        "--version",
        "0.12",
        "--rules",
        &fixture("multi.yml"),
        "--dashboard",
        &fixture("configmap.yml"),
    ]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("multi.yml: not checked: Service app (line 2)"),
        "{err}"
    );
    assert!(
        err.contains(
            "configmap.yml: not checked: ConfigMap app-dashboards entry README.md (line 15)"
        ),
        "{err}"
    );

    let dir = scratch("shapes");
    let cases = [
        (
            "--rules",
            "deployment.yml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n",
            "deployment.yml:1:1: no rule groups found (skipped: Deployment app (line 1)); expected a Prometheus rule file",
        ),
        (
            "--rules",
            "other.yml",
            "alerts:\n  - x\n",
            "other.yml:1:1: not a rule file: this document has no top-level `groups` list",
        ),
        (
            "--rules",
            "second.yml",
            "groups: []\n---\nrules: []\n",
            "second.yml:3:1: not a rule file",
        ),
        (
            "--dashboard",
            "title.json",
            "{\"title\": \"x\"}",
            "title.json:1:1: not a Grafana dashboard: it has no `panels` (or `rows`); expected a Grafana dashboard's JSON model",
        ),
        (
            "--dashboard",
            "url.yml",
            "apiVersion: grafana.integreatly.org/v1beta1\nkind: GrafanaDashboard\nmetadata:\n  name: d\nspec:\n  url: https://example.com/d.json\n",
            "url.yml:1:1: GrafanaDashboard d has neither `spec.json`",
        ),
        (
            "--dashboard",
            "cm.yml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  d.json: |\n    {\"panels\": [,]}\n",
            "cm.yml:7:17: in the dashboard JSON string: invalid JSON",
        ),
    ];
    for (flag, name, text, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = schema(&[
            "check-refs",
            &catalogue(),
            "--version",
            "0.12",
            flag,
            path.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 2, "{name}");
        assert!(stderr(&out).contains(expected), "{name}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
