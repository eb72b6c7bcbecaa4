//! `git:REV:PATH` baselines, read through git in a temporary repository: `schema lint
//! --baseline` and `schema diff` against tagged releases, and git's errors.
//!
//! Needs `git`: ignored when it is absent, run (and failing) when `CI` is set.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use metrics_schema::compat;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=metrics-schema tests",
            "-c",
            "user.email=tests@example.invalid",
        ])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn schema(dir: &Path, args: &[&str]) -> Output {
    support::command()
        .args(args)
        .args(["--color", "never"].iter().filter(|_| args[0] == "lint"))
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run schema")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const V0_10: &str = r#"[catalogue]
namespace = "engine"
stability = "stable"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU cache usage, from 0 to 1."
"#;

const V0_11: &str = r#"[catalogue]
namespace = "engine"
stability = "stable"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

[[metric]]
name = "gpu_cache_usage"
type = "gauge"
help = "GPU cache usage, from 0 to 1."
deprecated = "0.11"
replaced_by = "cache_usage"

[[metric]]
name = "cache_usage"
type = "gauge"
help = "Cache usage, from 0 to 1."
since = "0.11"
"#;

/// The work in progress after 0.11: the deprecated metric's table was deleted.
const WORKING: &str = r#"[catalogue]
namespace = "engine"
stability = "stable"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

[[metric]]
name = "cache_usage"
type = "gauge"
help = "Cache usage, from 0 to 1."
since = "0.11"
"#;

/// A repository with releases 0.10.0 and 0.11.0 tagged, and `WORKING` uncommitted.
fn repository(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("schema-git-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("metrics.toml"), V0_10).unwrap();
    git(&dir, &["add", "metrics.toml"]);
    git(&dir, &["commit", "-q", "-m", "0.10.0"]);
    git(&dir, &["tag", "v0.10.0"]);
    std::fs::write(dir.join("metrics.toml"), V0_11).unwrap();
    git(&dir, &["commit", "-q", "-am", "0.11.0"]);
    git(&dir, &["tag", "v0.11.0"]);
    std::fs::write(dir.join("metrics.toml"), WORKING).unwrap();
    dir
}

#[test]
#[cfg_attr(not(has_git), ignore = "git not installed")]
fn git_specs_read_the_file_at_a_revision() {
    let dir = repository("read");
    assert_eq!(
        compat::read_spec("git:v0.10.0:metrics.toml", &dir).unwrap(),
        V0_10
    );
    assert_eq!(
        compat::read_spec("git:HEAD:metrics.toml", &dir).unwrap(),
        V0_11
    );
    assert_eq!(
        compat::read_spec("git:HEAD~1:metrics.toml", &dir).unwrap(),
        V0_10
    );
    // As in git, a `./` path is relative to the current directory, others to the root.
    assert_eq!(
        compat::read_spec("git:HEAD:metrics.toml", &dir.join("sub")).unwrap(),
        V0_11
    );
    assert_eq!(
        compat::read_spec("git:HEAD:./metrics.toml", &dir).unwrap(),
        V0_11
    );
    // Plain paths are files relative to the directory.
    assert_eq!(compat::read_spec("metrics.toml", &dir).unwrap(), WORKING);

    let err = compat::read_spec("git:v9.9:metrics.toml", &dir)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "cannot read catalogue `git:v9.9:metrics.toml`: git cannot read `v9.9:metrics.toml`"
        ),
        "{err}"
    );
    let err = compat::read_spec("git:v0.10.0:nope.toml", &dir)
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope.toml"), "{err}");
    let outside = std::env::temp_dir().join(format!("schema-git-{}-outside", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let err = compat::read_spec("git:HEAD:metrics.toml", &outside)
        .unwrap_err()
        .to_string();
    assert!(err.contains("git cannot read"), "{err}");
}

#[test]
#[cfg_attr(not(has_git), ignore = "git not installed")]
fn lint_against_the_last_release_in_git() {
    let dir = repository("lint");
    // Deleted before the removal date the 0.11 deprecation announced (0.13.0).
    let out = schema(
        &dir,
        &[
            "lint",
            "metrics.toml",
            "--baseline",
            "git:v0.11.0:metrics.toml",
            "--version",
            "0.12.0",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("error[removed-without-deprecation]: metric `engine_gpu_cache_usage` was deleted from the catalogue before its removal date 0.13.0 (deprecated in 0.11.0)"), "{t}");
    assert!(t.contains("--> git:v0.11.0:metrics.toml:10:1"), "{t}");

    // Against 0.10, where it was not even deprecated.
    let out = schema(
        &dir,
        &[
            "lint",
            "metrics.toml",
            "--baseline",
            "git:HEAD~1:metrics.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("was deleted from the catalogue without deprecation"),
        "{}",
        text(&out)
    );

    // The committed 0.11 catalogue is compatible with 0.10.
    git(&dir, &["checkout", "-q", "metrics.toml"]);
    let out = schema(
        &dir,
        &[
            "lint",
            "metrics.toml",
            "--baseline",
            "git:v0.10.0:metrics.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("compatible with git:v0.10.0:metrics.toml"),
        "{}",
        text(&out)
    );

    // From a subdirectory, git resolves the path from the repository root.
    let out = schema(
        &dir.join("sub"),
        &[
            "lint",
            "../metrics.toml",
            "--baseline",
            "git:v0.10.0:metrics.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = schema(
        &dir,
        &[
            "lint",
            "metrics.toml",
            "--baseline",
            "git:v9.9:metrics.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("git cannot read `v9.9:metrics.toml`"),
        "{}",
        text(&out)
    );
}

#[test]
#[cfg_attr(not(has_git), ignore = "git not installed")]
fn diff_between_two_tagged_releases() {
    let dir = repository("diff");
    let out = schema(
        &dir,
        &[
            "diff",
            "git:v0.10.0:metrics.toml",
            "git:v0.11.0:metrics.toml",
            "--old-version",
            "0.10.0",
            "--new-version",
            "0.11.0",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let md = text(&out);
    assert!(md.contains("Compared `git:v0.10.0:metrics.toml` at 0.10.0 with `git:v0.11.0:metrics.toml` at 0.11.0."), "{md}");
    assert!(
        md.contains("1 added, 1 deprecated, 0 hidden, 0 removed, 0 changed."),
        "{md}"
    );
    assert!(
        md.contains(
            "| `engine_gpu_cache_usage` | 0.11.0 | 0.12.0 | 0.13.0 | `engine_cache_usage` |"
        ),
        "{md}"
    );

    // The working tree deleted the metric instead of keeping it as history.
    let out = schema(
        &dir,
        &[
            "diff",
            "git:HEAD:metrics.toml",
            "metrics.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["removed"][0]["full_name"], "engine_gpu_cache_usage");
    assert_eq!(json["removed"][0]["deleted"], true);
    assert_eq!(json["by_version"], false);
}
