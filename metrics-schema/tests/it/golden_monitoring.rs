//! Golden output of `schema alerts`, `schema dashboard` and the reference checks: the vLLM
//! example's rule file, the dashboard of a small catalogue, the diagnostics and the
//! migration diff of a legacy rule file.

use std::path::Path;

use metrics_schema::lifecycle::Version;
use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::refs::rule_file::RuleFile;
use metrics_schema::refs::{Resolver, check_file};
use metrics_schema::render::{self, Color};
use metrics_schema::{Catalogue, Options, check, load};

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn vllm() -> Catalogue {
    let checked = load(repo("examples/vllm/metrics.toml"), &Options::default()).unwrap();
    checked.catalogue.expect("valid example")
}

#[test]
fn vllm_rule_file() {
    insta::assert_snapshot!(metrics_schema::alerts::rule_file(
        &vllm(),
        "examples/vllm/metrics.toml"
    ));
}

#[test]
fn small_dashboard() {
    let toml = r#"
[catalogue]
namespace = "app"

[labels.model]
max_values = 4

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."
labels = ["model"]
group = "Traffic"

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
labels = ["model"]
group = "Traffic"

[[metric]]
name = "latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
labels = ["model"]
buckets = [0.1, 1.0]
group = "Latency"
"#;
    let cat = check(toml, "metrics.toml", &Options::default())
        .catalogue
        .unwrap();
    let board = metrics_schema::dashboard::dashboard(&cat, &Version::new(1, 0, 0), None);
    insta::assert_snapshot!(serde_json::to_string_pretty(&board).unwrap());
}

#[test]
fn legacy_rule_file_diagnostics_and_migration() {
    let cat = vllm();
    let name = "tests/fixtures/legacy-rules.yml";
    let text = std::fs::read_to_string(repo(name)).unwrap();
    let at = Version::new(0, 12, 0);
    let file = RuleFile::read(name, &text).unwrap();
    let mut resolver = Resolver::new(&cat);
    for r in file.recorded() {
        resolver.add_record(r);
    }
    let checked = check_file(&resolver, file.source.clone(), &file.expressions(), &at);
    insta::assert_snapshot!(
        "legacy_rules_check",
        render::human(&checked.source, &checked.diagnostics, Color::Never)
    );
    let migration = migrate(&Resolver::new(&cat), FileKind::Rules, name, &text, &at).unwrap();
    insta::assert_snapshot!("legacy_rules_diff", migration.diff());
}
