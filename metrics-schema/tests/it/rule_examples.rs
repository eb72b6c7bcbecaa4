//! The rule registry: every documented rule exists, and every rule's own bad example
//! triggers it while its good example is clean.

use metrics_schema::lint::{RuleKind, rule, rules};
use metrics_schema::{Options, Severity, check};

/// The rule ids of the catalogue format, version 1 (a public interface: these never change).
const FORMAT_ERRORS: &[&str] = &[
    "parse",
    "unknown-key",
    "invalid-name",
    "reserved-label",
    "duplicate-metric",
    "undefined-label",
    "duplicate-label",
    "invalid-label-values",
    "undefined-buckets",
    "invalid-buckets",
    "buckets-not-histogram",
    "missing-buckets",
    "invalid-version",
    "lifecycle-order",
    "policy-violation",
    "unknown-replacement",
    "replacement-cycle",
    "unit-mismatch",
    "empty-help",
    "invalid-policy",
];
/// Errors for what generated code and the runtime would refuse (added with one judge for
/// `schema lint`, `catalogue!` and the runtime).
const GENERATION_ERRORS: &[&str] = &["generated-name", "unit-not-allowed"];
const FORMAT_WARNINGS: &[&str] = &[
    "counter-total-suffix",
    "non-counter-total-suffix",
    "reserved-suffix",
    "non-base-unit",
    "abbreviated-unit",
    "unit-suffix",
    "type-in-name",
    "camel-case",
    "name-colon",
    "unbounded-label",
    "high-cardinality",
    "deprecated-without-replacement",
    "replacement-not-active",
    "help-mentions-deprecation",
    "unused-label",
    "unused-buckets",
    "since-after-version",
];
/// The rule ids of the alerting and recording rules extension (`[[alert]]`, `[[record]]`
/// and the reference checks), also a public interface.
const EXTENSION_ERRORS: &[&str] = &[
    "invalid-promql",
    "invalid-rule",
    "unknown-metric-reference",
    "removed-metric-reference",
];
/// Errors about names other programs put in the catalogue's namespace (`[[external]]`).
const EXTERNAL_ERRORS: &[&str] = &["external-collision"];
/// Errors of label history (labels written as tables with `since`, `deprecated`,
/// `removed`).
const LABEL_HISTORY_ERRORS: &[&str] = &[
    "label-lifecycle-order",
    "label-policy-violation",
    "missing-label-reference",
];
/// The rule ids of the runtime's own metrics (the label-overflow counter), also public.
const RUNTIME_ERRORS: &[&str] = &["reserved-metric-name"];
const EXTENSION_WARNINGS: &[&str] = &["deprecated-metric-reference", "future-metric-reference"];
/// The live rule ids (`schema check-live`), also a public interface.
const LIVE: &[&str] = &[
    "live-unknown-metric",
    "live-type-mismatch",
    "live-labels-mismatch",
    "live-undeclared-label-value",
    "live-buckets-mismatch",
    "live-hidden-exposed",
    "live-removed-exposed",
    "live-too-many-values",
    "live-missing-notice",
    "live-absent",
    "live-show-hidden",
];
const FORMAT_COMPATIBILITY: &[&str] = &[
    "removed-without-deprecation",
    "type-changed",
    "labels-changed",
    "unit-changed",
    "buckets-changed",
    "lifecycle-rewritten",
];

#[test]
fn registry_matches_the_format_document() {
    let ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
    let documented: Vec<&str> = FORMAT_ERRORS
        .iter()
        .chain(GENERATION_ERRORS)
        .chain(EXTENSION_ERRORS)
        .chain(EXTERNAL_ERRORS)
        .chain(LABEL_HISTORY_ERRORS)
        .chain(RUNTIME_ERRORS)
        .chain(FORMAT_WARNINGS)
        .chain(EXTENSION_WARNINGS)
        .chain(FORMAT_COMPATIBILITY)
        .chain(LIVE)
        .copied()
        .collect();
    assert_eq!(ids, documented, "registry order and content");
    for id in FORMAT_ERRORS
        .iter()
        .chain(GENERATION_ERRORS)
        .chain(EXTENSION_ERRORS)
        .chain(EXTERNAL_ERRORS)
        .chain(LABEL_HISTORY_ERRORS)
        .chain(RUNTIME_ERRORS)
    {
        let r = rule(id).unwrap();
        assert_eq!(r.severity, Severity::Error, "{id}");
        assert_eq!(r.kind, RuleKind::Catalogue, "{id}");
    }
    for id in FORMAT_WARNINGS.iter().chain(EXTENSION_WARNINGS) {
        let r = rule(id).unwrap();
        assert_eq!(r.severity, Severity::Warning, "{id}");
        assert_eq!(r.kind, RuleKind::Catalogue, "{id}");
    }
    for id in FORMAT_COMPATIBILITY {
        let r = rule(id).unwrap();
        assert_eq!(r.kind, RuleKind::Compatibility, "{id}");
        assert!(r.needs_baseline(), "{id}");
    }
    assert_eq!(rule("buckets-changed").unwrap().severity, Severity::Warning);
    for id in LIVE {
        let r = rule(id).unwrap();
        assert_eq!(r.kind, RuleKind::Live, "{id}");
        assert!(r.needs_scrape(), "{id}");
    }
    assert_eq!(
        rule("live-too-many-values").unwrap().severity,
        Severity::Warning
    );
    assert_eq!(
        rule("live-missing-notice").unwrap().severity,
        Severity::Warning
    );
    assert_eq!(rule("live-absent").unwrap().severity, Severity::Note);
    assert_eq!(rule("live-show-hidden").unwrap().severity, Severity::Note);
}

#[test]
fn every_rule_is_documented() {
    for r in rules() {
        assert!(r.summary.ends_with('.'), "{}: summary is a sentence", r.id);
        assert!(!r.summary.contains('\n'), "{}: summary is one line", r.id);
        assert!(r.explanation.len() > 80, "{}: explanation too short", r.id);
        assert!(
            !r.bad.trim().is_empty() && !r.good.trim().is_empty(),
            "{}",
            r.id
        );
        assert_ne!(r.bad, r.good, "{}", r.id);
    }
}

#[test]
fn bad_examples_fire_and_good_examples_are_clean() {
    // Compatibility examples run in `compat.rs`, live examples in `live.rs`.
    for r in rules()
        .iter()
        .filter(|r| !r.needs_baseline() && !r.needs_scrape())
    {
        let bad = check(r.bad, "bad.toml", &Options::default());
        assert!(
            bad.diagnostics.iter().any(|d| d.rule == r.id),
            "the bad example of `{}` does not trigger it:\n{}",
            r.id,
            bad.render_plain()
        );
        let good = check(r.good, "good.toml", &Options::default());
        assert!(
            good.diagnostics.is_empty(),
            "the good example of `{}` is not clean:\n{}",
            r.id,
            good.render_plain()
        );
    }
}
