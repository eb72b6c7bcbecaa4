//! The `schema` binary finds the version itself: the `[package] version` of the Cargo.toml
//! nearest above the catalogue (following `version.workspace = true`), or of
//! `--manifest-path`; says in one line when lint had no version; and hints once how to make
//! an alpha baseline's breaking changes errors.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{schema_in as schema, scratch};

use metrics_schema::lifecycle::Version;
use metrics_schema::manifest::{self, PackageVersion};

fn text(out: &Output) -> (i32, String, String) {
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Deprecated in 1.2, hidden from 1.3.0, removed from 1.4.0; `fresh` only since 2.0.
const CATALOGUE: &str = include_str!("../fixtures/deprecation_window.toml");

/// A workspace at 1.3.0 whose member `engine` inherits the version and holds the catalogue.
fn workspace(test: &str) -> PathBuf {
    let root = scratch(test);
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"engine\"]\n\n[workspace.package]\nversion = \"1.3.0\"\n",
    );
    write(
        &root.join("engine/Cargo.toml"),
        "[package]\nname = \"engine\"\nversion.workspace = true\nedition = \"2024\"\n",
    );
    write(&root.join("engine/metrics.toml"), CATALOGUE);
    root
}

#[test]
fn the_library_reads_the_package_version_as_cargo_does() {
    let root = workspace("library");
    let found = manifest::catalogue_version(&root.join("engine/metrics.toml"))
        .unwrap()
        .unwrap();
    assert_eq!(
        found,
        PackageVersion {
            version: Version::parse("1.3.0").unwrap(),
            manifest: root.join("engine/Cargo.toml"),
            workspace: Some(root.join("Cargo.toml")),
        }
    );
    // A virtual manifest has no version; nor has a file outside any package.
    assert_eq!(
        manifest::catalogue_version(&root.join("metrics.toml")).unwrap(),
        None
    );
    assert_eq!(manifest::workspace_root(&root.join("engine")), root);

    // A workspace without [workspace.package] version: an error naming the root manifest.
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"engine\"]\n",
    );
    let err = manifest::catalogue_version(&root.join("engine/metrics.toml")).unwrap_err();
    assert_eq!(err.path, root.join("Cargo.toml"));
    assert!(err.message.contains("[workspace.package] version"), "{err}");
    // A version that is not one.
    write(
        &root.join("engine/Cargo.toml"),
        "[package]\nname = \"engine\"\nversion = \"one\"\n",
    );
    let err = manifest::catalogue_version(&root.join("engine/metrics.toml")).unwrap_err();
    assert!(err.to_string().contains("\"one\""), "{err}");
    write(&root.join("engine/Cargo.toml"), "[package\n");
    let err = manifest::catalogue_version(&root.join("engine/metrics.toml")).unwrap_err();
    assert!(err.to_string().contains("not a valid Cargo.toml"), "{err}");
}

#[test]
fn status_docs_and_dashboard_inside_a_crate_need_no_version() {
    let root = workspace("status");
    let engine = root.join("engine");
    let (code, out, err) = text(&schema(&engine, &["status", "metrics.toml"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("metrics.toml at 1.3.0\n"), "{out}");
    assert!(
        out.lines().any(|l| l.split_whitespace().take(3).eq([
            "hidden",
            "gauge",
            "engine_old_latency_seconds"
        ])),
        "{out}"
    );

    // From the workspace root too, as cargo runs.
    let (code, out, err) = text(&schema(&root, &["status", "engine/metrics.toml"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("engine/metrics.toml at 1.3.0\n"), "{out}");

    for args in [
        &["docs", "metrics.toml"][..],
        &["dashboard", "metrics.toml"],
    ] {
        let (code, _, err) = text(&schema(&engine, args));
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    // A rule file still using the metric hidden at 1.3.0: check-refs flags it, migrate
    // rewrites it.
    write(
        &engine.join("rules.yml"),
        "groups:\n  - name: g\n    rules:\n      - record: engine:latency:max\n        \
         expr: max(engine_old_latency_seconds)\n",
    );
    let (code, out, err) = text(&schema(
        &engine,
        &["check-refs", "metrics.toml", "--rules", "rules.yml"],
    ));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("hidden at 1.3.0"), "{out}");
    let (code, out, err) = text(&schema(
        &engine,
        &["migrate", "metrics.toml", "--rules", "rules.yml"],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("+        expr: max(engine_request_latency_seconds)"),
        "{out}"
    );
    let (_, docs, _) = text(&schema(
        &engine,
        &["docs", "metrics.toml", "--format", "json"],
    ));
    assert!(docs.contains("\"1.3.0\""), "{docs}");

    // --version wins over the crate's version; so does a pin.
    let (_, out, _) = text(&schema(
        &engine,
        &["status", "metrics.toml", "--version", "1.2.0"],
    ));
    assert!(out.starts_with("metrics.toml at 1.2.0\n"), "{out}");
    let pinned = CATALOGUE.replace("[catalogue]\n", "[catalogue]\nversion = \"1.0\"\n");
    write(&engine.join("pinned.toml"), &pinned);
    let (_, out, _) = text(&schema(&engine, &["status", "pinned.toml"]));
    assert!(out.starts_with("pinned.toml at 1.0.0\n"), "{out}");
}

#[test]
fn manifest_path_overrides_the_nearest_cargo_toml() {
    let root = workspace("manifest-path");
    write(
        &root.join("other/Cargo.toml"),
        "[package]\nname = \"other\"\nversion = \"1.2.5\"\n",
    );
    let (code, out, err) = text(&schema(
        &root,
        &[
            "status",
            "engine/metrics.toml",
            "--manifest-path",
            "other/Cargo.toml",
        ],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("engine/metrics.toml at 1.2.5\n"), "{out}");

    // A manifest without a version is a usage error naming it.
    let (code, _, err) = text(&schema(
        &root,
        &[
            "status",
            "engine/metrics.toml",
            "--manifest-path",
            "Cargo.toml",
        ],
    ));
    assert_eq!(code, 2);
    assert!(err.contains("Cargo.toml: no [package] version"), "{err}");
}

#[test]
fn lint_uses_the_crate_version_or_says_in_one_line_that_it_had_none() {
    let root = workspace("lint");
    let (code, out, err) = text(&schema(&root.join("engine"), &["lint", "metrics.toml"]));
    assert_eq!(code, 0, "{err}");
    // At 1.3.0 the lifecycle rules ran: `fresh` is introduced after the version.
    assert!(out.contains("warning[since-after-version]"), "{out}");
    assert!(!out.contains("skipped"), "{out}");

    let alone = scratch("lint-alone");
    write(&alone.join("metrics.toml"), CATALOGUE);
    let (code, out, err) = text(&schema(&alone, &["lint", "metrics.toml"]));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("since-after-version"), "{out}");
    let notes: Vec<&str> = out.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(
        notes,
        [
            "note: metrics.toml: no version, so the lifecycle rules that need one were skipped: \
          pass `--version X.Y.Z`, pin `version = \"X.Y.Z\"` under [catalogue], or keep the \
          catalogue in a crate whose Cargo.toml has a version (`--manifest-path` chooses it)"
        ],
        "{out}"
    );
    // JSON keeps stdout for the diagnostics; the note goes to stderr.
    let (_, out, err) = text(&schema(
        &alone,
        &["lint", "metrics.toml", "--format", "json"],
    ));
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "{out}"
    );
    assert!(err.contains("were skipped"), "{err}");
}

#[test]
fn an_alpha_baseline_says_once_how_to_make_breaking_changes_errors() {
    let dir = scratch("baseline");
    let old = "[catalogue]\nnamespace = \"engine\"\nversion = \"1.0\"\n\n\
               [[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\n\n\
               [[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\n";
    write(&dir.join("old.toml"), old);
    let new = old.replace("type = \"gauge\"", "type = \"counter\"");
    write(&dir.join("new.toml"), &new);
    let (code, out, _) = text(&schema(
        &dir,
        &["lint", "new.toml", "--baseline", "old.toml"],
    ));
    assert_eq!(code, 0, "alpha: warnings only\n{out}");
    assert_eq!(out.matches("warning[type-changed]").count(), 2, "{out}");
    let hints: Vec<&str> = out.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(
        hints,
        [
            "note: 2 breaking change(s) reported as warnings because the baseline's metrics are \
          `alpha` (the default stability): set `stability = \"beta\"` or `\"stable\"` under \
          [catalogue] (or on the metric) to make them errors"
        ],
        "{out}"
    );

    // Stable: errors, and no hint.
    let stable = |t: &str| {
        t.replace(
            "version = \"1.0\"",
            "version = \"1.0\"\nstability = \"stable\"",
        )
    };
    write(&dir.join("old.toml"), &stable(old));
    write(&dir.join("new.toml"), &stable(&new));
    let (code, out, _) = text(&schema(
        &dir,
        &["lint", "new.toml", "--baseline", "old.toml"],
    ));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[type-changed]"), "{out}");
    assert!(!out.contains("note:"), "{out}");
}
