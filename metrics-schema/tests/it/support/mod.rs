//! What the tests of the `schema` binary share: running it, reading its output, and
//! scratch directories. Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The `schema` command, colour left to its default and `NO_COLOR` unset.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_schema"));
    command.env_remove("NO_COLOR");
    command
}

/// Runs `schema` in the test's working directory (the crate's).
pub fn schema(args: &[&str]) -> Output {
    command().args(args).output().expect("run schema")
}

/// Runs `schema` in `dir`.
pub fn schema_in(dir: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run schema")
}

/// Runs `schema` with `args`, `input` on its standard input (closed after it).
pub fn schema_stdin(args: &[&str], input: &str) -> Output {
    metrics_schema_tests::output_with_stdin(command().args(args), input.as_bytes())
}

/// The exit code (the process was not killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `path`, relative to the repository root, as an absolute path string.
pub fn repo(path: &str) -> String {
    root().join(path).display().to_string()
}

/// The vLLM example catalogue.
pub fn example() -> String {
    repo("examples/vllm/metrics.toml")
}

/// A fresh, empty directory for one test's files, unique in this process.
pub fn scratch(test: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("schema-cli-{}-{n}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write file");
    path.display().to_string()
}

/// The names of the entries of `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// `(rule, line, column)` of each diagnostic of a `--format json` output.
pub fn rule_positions(json: &str) -> Vec<(String, u64, u64)> {
    let found: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("diagnostics as JSON: {e}: {json}"));
    found
        .as_array()
        .expect("an array of diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}
