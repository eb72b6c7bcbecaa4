//! Helpers of the alert, dashboard and reference tests: the vLLM example catalogue, scratch
//! directories and promtool.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use metrics_schema::lifecycle::Version;
use metrics_schema::{Catalogue, Options, load};
use metrics_schema_tests::workspace_root;

/// The example catalogue's path, relative to the repository root.
pub const EXAMPLE: &str = "examples/vllm/metrics.toml";

/// The vLLM example catalogue, which must be clean.
pub fn vllm() -> Catalogue {
    let checked = load(workspace_root().join(EXAMPLE), &Options::default()).expect("example");
    assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
    checked.catalogue.expect("a valid catalogue")
}

pub fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

/// A fresh directory for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("metrics-schema-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs `promtool ARGS` in `dir`; returns success and the combined output.
pub fn promtool(promtool: &Path, dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(promtool)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run promtool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}
