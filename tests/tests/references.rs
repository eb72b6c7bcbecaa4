//! A rule file and a dashboard written before the KV-cache gauge was renamed: at 0.12 the
//! reference checks flag `vllm:gpu_cache_usage_perc` with `vllm:kv_cache_usage_perc` as the
//! fix, and the migration rewrites both files so that the checks pass (and promtool still
//! accepts the rule file).

use crate::monitoring_support;

use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::rule_file::RuleFile;
use metrics_schema::refs::{CheckedFile, Resolver, check_file};
use metrics_schema::{Catalogue, Severity};
use metrics_schema_tests::{tool, workspace_root};
use monitoring_support::{promtool, scratch, v, vllm};

const RULES: &str = "tests/fixtures/legacy-rules.yml";
const DASHBOARD: &str = "tests/fixtures/legacy-dashboard.json";

fn fixture(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join(path)).unwrap()
}

fn check(cat: &Catalogue, kind: FileKind, name: &str, text: &str, at: &str) -> CheckedFile {
    let mut resolver = Resolver::new(cat);
    let (source, exprs) = match kind {
        FileKind::Rules => {
            let file = RuleFile::read(name, text).unwrap();
            for r in file.recorded() {
                resolver.add_record(r);
            }
            (file.source.clone(), file.expressions())
        }
        FileKind::Dashboard => {
            let file = DashboardFile::read(name, text).unwrap();
            (file.source, file.expressions)
        }
    };
    check_file(&resolver, source, &exprs, &v(at))
}

#[test]
fn the_renamed_gauge_is_flagged_with_its_replacement_and_migrated() {
    let cat = vllm();
    for (kind, path) in [(FileKind::Rules, RULES), (FileKind::Dashboard, DASHBOARD)] {
        let text = fixture(path);
        let old = "vllm:gpu_cache_usage_perc";
        let uses = text.matches(old).count();
        assert_eq!(uses, 2, "{path}");

        let checked = check(&cat, kind, path, &text, "0.12.0");
        assert_eq!(
            checked.diagnostics.len(),
            uses,
            "{path}: {:?}",
            checked.diagnostics
        );
        for d in &checked.diagnostics {
            assert_eq!(d.rule, "removed-metric-reference");
            assert_eq!(d.severity, Severity::Error);
            assert_eq!(d.metric.as_deref(), Some(old));
            assert!(d.message.contains("removed in 0.12.0"), "{}", d.message);
            assert!(
                d.help
                    .as_deref()
                    .unwrap()
                    .starts_with("use `vllm:kv_cache_usage_perc` instead"),
                "{:?}",
                d.help
            );
            // line:col point at the name in the file.
            let line = checked.source.line(d.line).unwrap();
            let at: String = line.chars().skip(d.column - 1).take(old.len()).collect();
            assert_eq!(at, old, "{path}:{}:{}", d.line, d.column);
        }
        // At 0.10 the gauge is only deprecated: warnings.
        let deprecated = check(&cat, kind, path, &text, "0.10.1");
        assert_eq!(deprecated.diagnostics.len(), uses);
        assert!(
            deprecated
                .diagnostics
                .iter()
                .all(|d| d.rule == "deprecated-metric-reference" && d.severity == Severity::Warning)
        );

        let migration = migrate(&Resolver::new(&cat), kind, path, &text, &v("0.12.0")).unwrap();
        assert_eq!(migration.rewrites.len(), uses);
        assert!(migration.remaining.diagnostics.is_empty());
        assert_eq!(
            migration.text,
            text.replace(old, "vllm:kv_cache_usage_perc")
        );
        let after = check(&cat, kind, path, &migration.text, "0.12.0");
        assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
        let diff = migration.diff();
        assert_eq!(
            diff.lines()
                .filter(|l| l.starts_with('-') && !l.starts_with("---"))
                .count(),
            uses
        );
        assert_eq!(
            diff.lines()
                .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                .count(),
            uses
        );
    }
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn promtool_accepts_the_migrated_rule_file() {
    let promtool_path = tool("promtool", "apt-get install prometheus");
    let cat = vllm();
    let migration = migrate(
        &Resolver::new(&cat),
        FileKind::Rules,
        RULES,
        &fixture(RULES),
        &v("0.12.0"),
    )
    .unwrap();
    let dir = scratch("migrated-rules");
    std::fs::write(dir.join("rules.yml"), &migration.text).unwrap();
    let (ok, out) = promtool(&promtool_path, &dir, &["check", "rules", "rules.yml"]);
    assert!(ok, "{out}\n{}", migration.text);
    assert!(out.contains("SUCCESS: 3 rules found"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
