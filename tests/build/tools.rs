//! Detection of the external tools the tests drive, for the build scripts of `tests/`,
//! `examples/engine/` and `metrics-schema/` (each includes this file with `#[path]`,
//! the packaged crates through a link in their own `build/`).
//!
//! Each tool found sets a cfg (`has_promtool`, ...) that tests use as
//! `#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]`, so `cargo test`
//! reports a test whose tool is absent as *ignored*, with the reason, instead of passing.
//! Under CI (the environment variable `CI` set and not `0` or `false`) every cfg is set:
//! the tests then run and fail when their tool is missing, so CI cannot pass by skipping.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A tool a test may need: the cfg it sets and how it is detected.
pub struct Tool {
    /// The cfg set when the tool is present (`has_promtool`).
    pub cfg: &'static str,
    /// How it is detected.
    pub probe: Probe,
}

/// How a tool is detected.
pub enum Probe {
    /// An executable of this name on `PATH`.
    Executable(&'static str),
    /// `python3` on `PATH` that can import this module.
    PythonModule(&'static str),
}

/// Every tool of the end-to-end tests.
pub const TOOLS: &[Tool] = &[
    Tool {
        cfg: "has_promtool",
        probe: Probe::Executable("promtool"),
    },
    Tool {
        cfg: "has_prometheus",
        probe: Probe::Executable("prometheus"),
    },
    Tool {
        cfg: "has_chromium",
        probe: Probe::Executable("chromium"),
    },
    Tool {
        cfg: "has_node_exporter",
        probe: Probe::Executable("prometheus-node-exporter"),
    },
    Tool {
        cfg: "has_mypy",
        probe: Probe::Executable("mypy"),
    },
    Tool {
        cfg: "has_prometheus_client",
        probe: Probe::PythonModule("prometheus_client"),
    },
    // The `schema` binary's own tests (`metrics-schema/tests/it/`).
    Tool {
        cfg: "has_git",
        probe: Probe::Executable("git"),
    },
    Tool {
        cfg: "has_pre_commit",
        probe: Probe::Executable("pre-commit"),
    },
    Tool {
        cfg: "has_bash",
        probe: Probe::Executable("bash"),
    },
    Tool {
        cfg: "has_man",
        probe: Probe::Executable("man"),
    },
    Tool {
        cfg: "has_taplo",
        probe: Probe::Executable("taplo"),
    },
    Tool {
        cfg: "has_rustfmt",
        probe: Probe::Executable("rustfmt"),
    },
    Tool {
        cfg: "has_pyyaml",
        probe: Probe::PythonModule("yaml"),
    },
    // `tomllib` needs Python 3.11.
    Tool {
        cfg: "has_jsonschema",
        probe: Probe::PythonModule("jsonschema, tomllib"),
    },
];

/// Prints the cargo instructions: every cfg declared, and set when its tool is present (all
/// of them under CI); the script reruns when `CI` or `PATH` changes, or a found tool does.
pub fn emit() {
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    let ci = in_ci();
    for tool in TOOLS {
        println!("cargo::rustc-check-cfg=cfg({})", tool.cfg);
        let found = match tool.probe {
            Probe::Executable(name) => find_on_path(name),
            Probe::PythonModule(module) => python_with(module),
        };
        if let Some(path) = &found {
            println!("cargo::rerun-if-changed={}", path.display());
        }
        if ci || found.is_some() {
            println!("cargo::rustc-cfg={}", tool.cfg);
        }
    }
}

/// Prints only the declarations of the cfgs, setting none: for a build that runs no test.
pub fn declare() {
    for tool in TOOLS {
        println!("cargo::rustc-check-cfg=cfg({})", tool.cfg);
    }
}

/// True when the environment variable `CI` is set to something other than empty, `0` or
/// `false`.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The path of executable `name` on `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// `python3` on `PATH` when it can import `module`.
fn python_with(module: &str) -> Option<PathBuf> {
    let python = find_on_path("python3")?;
    Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|out| out.status.success())
        .then_some(python)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
