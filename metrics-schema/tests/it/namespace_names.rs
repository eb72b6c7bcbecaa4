//! Names other programs put in the catalogue's namespace (`[[external]]`) and the prefixes
//! the catalogue's metrics are re-exported under (`reexport_prefixes`): `check-refs` knows
//! both, `migrate` rewrites a re-exported name under its own prefix, and `lint` reports an
//! external name a metric also exposes.

use crate::support;

use support::{code, repo, schema, scratch, stderr, stdout, write};

fn catalogue() -> String {
    repo("metrics-schema/tests/fixtures/namespace/metrics.toml")
}

fn rules() -> String {
    repo("metrics-schema/tests/fixtures/namespace/rules.yml")
}

#[test]
fn external_and_reexported_names_are_checked_like_the_catalogues_own() {
    let out = schema(&[
        "check-refs",
        &catalogue(),
        "--version",
        "0.12",
        "--rules",
        &rules(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    // The router's names are known; only the re-exported removed name and the two typos
    // are reported.
    assert_eq!(text.matches("error[").count(), 3, "{text}");
    assert!(text.contains("error[removed-metric-reference]"), "{text}");
    assert!(text.contains("rules.yml:7:19"), "{text}");
    assert!(
        text.contains("help: use `ray_app_usage` instead (`schema migrate` rewrites it)"),
        "{text}"
    );
    assert!(text.contains("rules.yml:9:15"), "{text}");
    assert!(text.contains("did you mean `app:current_qps`?"), "{text}");
    assert!(text.contains("rules.yml:9:39"), "{text}");
    assert!(text.contains("did you mean `ray_app_usage`?"), "{text}");
}

#[test]
fn migrate_rewrites_a_reexported_name_under_its_prefix() {
    let dir = scratch("reexport");
    let input = write(
        &dir,
        "rules.yml",
        b"groups:\n  - name: app\n    rules:\n      - alert: RayGpuFull\n        expr: max(ray_app_gpu_usage) > 0.95 or app:gpu_usage > 0.95\n",
    );
    let out = schema(&[
        "migrate",
        &catalogue(),
        "--version",
        "0.12",
        "--rules",
        &input,
        "-o",
        &input,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        "groups:\n  - name: app\n    rules:\n      - alert: RayGpuFull\n        expr: max(ray_app_usage) > 0.95 or app:usage > 0.95\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_catalogue_lints_clean_and_bad_declarations_are_reported() {
    let out = schema(&["lint", &catalogue(), "--version", "0.12"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));

    let dir = scratch("external-lint");
    let text = std::fs::read_to_string(catalogue()).unwrap();
    let cases = [
        (
            "collision.toml",
            text.replace("name = \"app:current_qps\"", "name = \"app:usage\""),
            "error[external-collision]: external name `app:usage` is exposed by gauge `app:usage` of the catalogue",
        ),
        (
            "prefix.toml",
            text.replace("[\"ray_app_\"]", "[\"9ray_\"]"),
            "error[parse]: re-export prefix \"9ray_\" cannot start a metric name",
        ),
        (
            "unnamed.toml",
            text.replace("name = \"app:current_qps\"\n", ""),
            "error[parse]: missing required key `name` in [[external]]",
        ),
        (
            "typo.toml",
            text.replace("owner = \"the router\"\n\n", "ownr = \"the router\"\n\n"),
            "error[unknown-key]",
        ),
    ];
    for (name, content, expected) in cases {
        let path = write(&dir, name, content.as_bytes());
        let out = schema(&["lint", &path, "--version", "0.12"]);
        assert_eq!(code(&out), 1, "{name}: {}", stdout(&out));
        assert!(stdout(&out).contains(expected), "{name}: {}", stdout(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
