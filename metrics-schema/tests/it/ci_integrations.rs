//! The CI integrations at the repository root: `.pre-commit-hooks.yaml` through the real
//! `pre-commit` tool (`pre-commit try-repo` in a temporary repository), and the steps of the
//! composite GitHub Action (`action.yml`) run as the bash scripts they are.
//!
//! Needs `git`, `pre-commit` and Python's `yaml` module (pre-commit brings it): ignored
//! when they are absent, run (and failing) when `CI` is set.

use crate::support;
use std::path::Path;
use std::process::{Command, Output};

/// `PATH` with the directory of the `schema` binary under test first.
fn path_with_schema() -> std::ffi::OsString {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_schema"))
        .parent()
        .expect("the binary has a directory")
        .to_path_buf();
    let mut dirs = vec![bin_dir];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH entries")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path_with_schema())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "metrics-schema tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.invalid")
        .env("GIT_COMMITTER_NAME", "metrics-schema tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.invalid")
        // pre-commit keeps its cache here instead of the user's home.
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-cache"))
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

const BAD: &str = r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests served."
colour = "red"
"#;

const GOOD: &str = r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests served."
"#;

#[test]
#[cfg_attr(not(has_git), ignore = "git not installed")]
#[cfg_attr(not(has_pre_commit), ignore = "pre-commit not installed")]
fn pre_commit_hook_runs_schema_lint_on_catalogues() {
    let dir = support::scratch("pre-commit");
    let git = |args: &[&str]| {
        let out = run(&dir, "git", args);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
    };
    git(&["init", "-q"]);
    std::fs::create_dir_all(dir.join("engine")).unwrap();
    std::fs::write(dir.join("engine/metrics.toml"), BAD).unwrap();
    // A TOML file of another name is not a catalogue: the hook must leave it alone.
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = 1\n").unwrap();
    git(&["add", "."]);

    let root = support::root();
    let root = root.to_str().expect("UTF-8 repository path");
    let try_repo = |dir: &Path| {
        run(
            dir,
            "pre-commit",
            &["try-repo", root, "schema-lint", "--all-files"],
        )
    };

    let out = try_repo(&dir);
    let output = text(&out);
    assert!(
        !out.status.success(),
        "a bad catalogue must fail the hook:\n{output}"
    );
    assert!(output.contains("unknown-key"), "{output}");
    assert!(output.contains("engine/metrics.toml"), "{output}");
    assert!(
        !output.contains("Cargo.toml:"),
        "only metrics.toml files are linted:\n{output}"
    );

    std::fs::write(dir.join("engine/metrics.toml"), GOOD).unwrap();
    git(&["add", "."]);
    let out = try_repo(&dir);
    let output = text(&out);
    assert!(out.status.success(), "a clean catalogue passes:\n{output}");
    assert!(
        output.contains("schema lint") && output.contains("Passed"),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `run` scripts of `action.yml`'s steps, by step name, read with Python's YAML parser.
fn action_steps() -> Vec<(String, String)> {
    let script = "import json, sys, yaml\n\
                  a = yaml.safe_load(open(sys.argv[1]))\n\
                  assert a['runs']['using'] == 'composite'\n\
                  print(json.dumps([[s['name'], s['run']] for s in a['runs']['steps']]))";
    let action = support::root().join("action.yml");
    let out = Command::new("python3")
        .args(["-c", script, action.to_str().unwrap()])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "action.yml does not parse as a composite action: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON steps")
}

#[test]
#[cfg_attr(not(has_pyyaml), ignore = "Python's PyYAML not installed")]
fn action_lint_step_annotates_and_fails_on_errors() {
    let steps = action_steps();
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Install schema", "Lint"]);
    let dir = support::scratch("action");
    std::fs::write(dir.join("bad.toml"), BAD).unwrap();
    std::fs::write(dir.join("good.toml"), GOOD).unwrap();
    let run_step = |name: &str, envs: &[(&str, &str)]| {
        let script = &steps.iter().find(|(n, _)| n == name).unwrap().1;
        let mut command = Command::new("bash");
        command
            .args(["-euo", "pipefail", "-c", script])
            .current_dir(&dir)
            .env("PATH", path_with_schema());
        for (k, v) in envs {
            command.env(k, v);
        }
        command.output().expect("bash")
    };

    // The binary under test is on PATH, so the install step finds it and installs nothing.
    let out = run_step(
        "Install schema",
        &[("SCHEMA_VERSION", ""), ("ACTION_PATH", "/nonexistent")],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("schema already installed"),
        "{}",
        text(&out)
    );

    let lint = |catalogues: &str, format: &str| {
        run_step(
            "Lint",
            &[
                ("CATALOGUES", catalogues),
                ("ARGS", "--deny warnings"),
                ("FORMAT", format),
                ("SARIF_FILE", "out.sarif"),
            ],
        )
    };
    let out = lint("bad.toml good.toml", "github");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=bad.toml,line=5"),
        "a workflow annotation at the bad key:\n{stdout}"
    );
    let out = lint("good.toml", "github");
    assert!(out.status.success(), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
