//! The vLLM example's reference is committed under `docs/vllm/`; this test fails when it is
//! stale. `UPDATE_DOCS=1 cargo test -p metrics-schema --test docs_committed` rewrites it
//! (as does `schema docs examples/vllm/metrics.toml --version 0.11.2 -o docs/vllm/metrics.md`,
//! and the same with `.html` and `.json`).

use crate::support;

use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, load};

/// The version the example is documented at: the one its header comment shows with
/// `schema status`, where metrics are deprecated and hidden.
pub const DOCUMENTED_VERSION: &str = "0.11.2";

#[test]
fn committed_reference_is_up_to_date() {
    let checked = load(
        support::root().join("examples/vllm/metrics.toml"),
        &Options::default(),
    )
    .unwrap();
    let catalogue = checked.catalogue.expect("the example is valid");
    let at = Version::parse(DOCUMENTED_VERSION).unwrap();
    let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, format) in [
        ("metrics.md", Format::Markdown),
        ("metrics.html", Format::Html),
        ("metrics.json", Format::Json),
    ] {
        let path = support::root().join("docs/vllm").join(name);
        let generated = docs::generate(&catalogue, &at, format);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            metrics_schema::io::write_atomic(&path, generated.as_bytes()).unwrap();
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != generated {
            let line = on_disk
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "its end".to_owned(), |i| format!("line {}", i + 1));
            stale.push(format!("docs/vllm/{name} (first difference at {line})"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated reference: {}\nregenerate it with `UPDATE_DOCS=1 cargo test -p metrics-schema --test docs_committed`",
        stale.join(", ")
    );
}
