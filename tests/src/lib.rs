//! Helpers shared by the end-to-end tests in `tests/tests/`.
//!
//! End-to-end tests drive real tools (promtool, a Prometheus server, Python's
//! `prometheus_client`, Chromium). When a tool is absent a test skips with a message,
//! unless the environment variable `CI` is set: then a missing tool fails the test, so
//! that CI can never pass by skipping.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository root")
}

/// True when running under CI, where missing tools are failures.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Reports a missing prerequisite: panics under CI, otherwise prints a skip notice.
/// Returns `None` so tests can write `let Some(x) = ... else { return };`.
pub fn missing<T>(what: &str, how_to_get: &str) -> Option<T> {
    let message = format!("{what} is not available ({how_to_get})");
    if in_ci() {
        panic!("{message}; CI is set, so this test must not skip");
    }
    eprintln!("SKIPPED: {message}");
    None
}

/// The path of executable `name` on `PATH`, or a skip (see [`missing`]).
pub fn tool(name: &str, how_to_get: &str) -> Option<PathBuf> {
    match find_on_path(name) {
        Some(path) => Some(path),
        None => missing(&format!("`{name}`"), how_to_get),
    }
}

/// A Python 3 interpreter that can import `module`, or a skip (see [`missing`]).
pub fn python_with(module: &str) -> Option<PathBuf> {
    let python = find_on_path("python3").or_else(|| missing("`python3`", "install Python 3"))?;
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|out| out.status.success());
    if ok {
        Some(python)
    } else {
        missing(
            &format!("Python module `{module}`"),
            "pip install prometheus_client",
        )
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
