//! Helpers shared by the end-to-end tests in `tests/tests/`.
//!
//! End-to-end tests drive real tools (promtool, a Prometheus server, Python's
//! `prometheus_client`, Chromium). The build script (`build/tools.rs`) sets a cfg per tool
//! found (`has_promtool`, `has_prometheus`, `has_chromium`, `has_prometheus_client`), and a
//! test that needs one is marked `#[cfg_attr(not(has_promtool), ignore = "promtool not
//! installed")]`: `cargo test` reports it as ignored, with the reason, when the tool is
//! absent. Under CI (the environment variable `CI` set) every cfg is set, so the test runs
//! and fails when its tool is missing: CI can never pass by skipping.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The repository root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository root")
}

/// The path of executable `name` on `PATH`. Panics with `how_to_get` when it is absent:
/// a test that needs a tool is marked `#[cfg_attr(not(has_tool), ignore = "...")]` (the
/// build script sets the cfg when the tool is found, and always under CI), so it only runs
/// without the tool under CI, where it must fail.
pub fn tool(name: &str, how_to_get: &str) -> PathBuf {
    find_on_path(name).unwrap_or_else(|| {
        panic!("`{name}` is not on PATH ({how_to_get}); only CI runs this test without it")
    })
}

/// A Python 3 interpreter that can import `module`. Panics when there is none (see
/// [`tool`]).
pub fn python_with(module: &str) -> PathBuf {
    let python = tool("python3", "install Python 3");
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        ok,
        "Python module `{module}` is not available (pip install {module}); only CI runs this \
         test without it"
    );
    python
}

/// A child process (a Prometheus server, an exporter) killed when dropped, so a failing
/// test leaves nothing running.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `command` with `input` on its standard input (closed after it) and its output
/// captured.
pub fn output_with_stdin(command: &mut Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {:?}: {e}", command.get_program()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    // A program that exits without reading all of it closes the pipe: not an error here,
    // its exit status and output say what happened.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("wait for the child")
}

/// A loopback port free at the time of the call, for a server the test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a loopback port")
        .port()
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
