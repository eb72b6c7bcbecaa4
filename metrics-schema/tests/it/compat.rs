//! The compatibility rules (`schema lint --baseline`): one test per rule and case, the
//! rules' own examples, severity by stability, and `allow`.

use metrics_schema::compat::{Compatibility, compare};
use metrics_schema::lifecycle::Version;
use metrics_schema::lint::{RuleKind, rules};
use metrics_schema::{Diagnostic, Options, Severity, check};

/// Compares `new` (evaluated at `version`, if any) with the baseline `old`.
fn compat_at(old: &str, new: &str, version: Option<&str>) -> Compatibility {
    let old = check(old, "old.toml", &Options::default());
    assert!(!old.has_errors(), "{}", old.render_plain());
    let options = match version {
        Some(v) => Options::at_version(Version::parse(v).unwrap()),
        None => Options::default(),
    };
    let new = check(new, "new.toml", &options);
    assert!(!new.has_errors(), "{}", new.render_plain());
    compare(&old, &new).expect("both catalogues are valid")
}

fn compat(old: &str, new: &str) -> Compatibility {
    compat_at(old, new, None)
}

/// The one diagnostic found; fails when there are none or several.
fn only(found: &Compatibility) -> &Diagnostic {
    let all: Vec<&Diagnostic> = found.all().collect();
    assert_eq!(all.len(), 1, "expected one diagnostic, got {all:#?}");
    all[0]
}

fn clean(found: &Compatibility) {
    let all: Vec<&Diagnostic> = found.all().collect();
    assert!(all.is_empty(), "expected no diagnostic, got {all:#?}");
}

/// A gauge `queue_depth` with `extra` keys.
fn gauge(stability: &str, extra: &str) -> String {
    format!(
        "[labels.model_name]\nmax_values = 8\n[labels.engine]\nmax_values = 16\n\
         [labels.reason]\nvalues = [\"stop\", \"length\"]\n\
         [[metric]]\nname = \"queue_depth\"\ntype = \"gauge\"\nhelp = \"Requests waiting.\"\n\
         stability = \"{stability}\"\n{extra}"
    )
}

const LABELS: &str = "labels = [\"model_name\", \"engine\"]\n";

// ---- the rules' own examples ---------------------------------------------------------

/// A compatibility rule's example is two catalogues: the previous release, then from the
/// line `# this release` on, the new one.
fn split(example: &str) -> (&str, &str) {
    let at = example
        .find("# this release")
        .expect("a compatibility example has a `# this release` part");
    example.split_at(at)
}

#[test]
fn compatibility_examples_fire_and_fixes_are_clean() {
    let compat_rules: Vec<_> = rules()
        .iter()
        .filter(|r| r.kind == RuleKind::Compatibility)
        .collect();
    assert_eq!(compat_rules.len(), 6);
    for r in compat_rules {
        for (which, example) in [("bad", r.bad), ("good", r.good)] {
            let (old, new) = split(example);
            let old = check(old, "old.toml", &Options::default());
            let new = check(new, "new.toml", &Options::default());
            assert!(
                old.diagnostics.is_empty() && new.diagnostics.is_empty(),
                "the {which} example of `{}` has lint problems:\n{}{}",
                r.id,
                old.render_plain(),
                new.render_plain()
            );
            let found = compare(&old, &new).unwrap();
            let ids: Vec<&str> = found.all().map(|d| d.rule).collect();
            if which == "bad" {
                assert_eq!(ids, [r.id], "the bad example of `{}`", r.id);
            } else {
                assert!(ids.is_empty(), "the good example of `{}`: {ids:?}", r.id);
            }
        }
    }
}

// ---- removed-without-deprecation -----------------------------------------------------

#[test]
fn a_metric_deleted_without_deprecation_is_an_error_located_in_the_baseline() {
    let old = format!(
        "{}\n[[metric]]\nname = \"other\"\ntype = \"gauge\"\nhelp = \"x\"\nstability = \"stable\"\n",
        gauge("stable", LABELS)
    );
    let new =
        "[[metric]]\nname = \"other\"\ntype = \"gauge\"\nhelp = \"x\"\nstability = \"stable\"\n";
    let found = compat(&old, new);
    let d = only(&found);
    assert_eq!(d.rule, "removed-without-deprecation");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(found.baseline.len(), 1, "located in the baseline");
    assert_eq!(d.file, "old.toml");
    assert_eq!(d.line, 7, "at the deleted `[[metric]]` header: {d:#?}");
    assert_eq!(d.metric.as_deref(), Some("queue_depth"));
    assert!(d.message.contains("without deprecation"), "{}", d.message);
    assert!(
        d.help.as_deref().unwrap().contains("deprecated = "),
        "{d:#?}"
    );
    assert!(found.has_errors());
}

#[test]
fn a_rename_is_recognised_and_the_fix_suggested() {
    let old = "[[metric]]\nname = \"gpu_prefix_cache_hits\"\ntype = \"counter\"\nhelp = \"Hits.\"\nstability = \"stable\"\n";
    let new = "[[metric]]\nname = \"prefix_cache_hits\"\ntype = \"counter\"\nhelp = \"Hits.\"\nstability = \"stable\"\n";
    let d = only(&compat(old, new)).clone();
    assert_eq!(d.rule, "removed-without-deprecation");
    let help = d.help.unwrap();
    assert!(
        help.contains("replaced_by = \"prefix_cache_hits\""),
        "{help}"
    );
}

#[test]
fn an_alpha_metric_may_vanish_with_a_warning_that_allow_silences() {
    let found = compat(
        &gauge("alpha", ""),
        "[[metric]]\nname = \"x\"\ntype = \"gauge\"\nhelp = \"x\"\n",
    );
    let d = only(&found);
    assert_eq!(d.rule, "removed-without-deprecation");
    assert_eq!(d.severity, Severity::Warning);
    assert!(!found.has_errors());
    let allowed = "[catalogue]\nallow = [\"removed-without-deprecation\"]\n[[metric]]\nname = \"x\"\ntype = \"gauge\"\nhelp = \"x\"\n";
    clean(&compat(&gauge("alpha", ""), allowed));
    // Errors cannot be silenced.
    let d = only(&compat(&gauge("beta", ""), allowed)).clone();
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn removal_before_the_policy_date_is_an_error() {
    // Deprecated in 0.10, so removed in 0.12 by the policy; deleted in 0.11.
    let old = gauge(
        "stable",
        "deprecated = \"0.10\"\nallow = [\"deprecated-without-replacement\"]\n",
    );
    let new = "[[metric]]\nname = \"x\"\ntype = \"gauge\"\nhelp = \"x\"\n";
    let found = compat_at(&old, new, Some("0.11.0"));
    let d = only(&found);
    assert_eq!(d.rule, "removed-without-deprecation");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.contains("before its removal date 0.12.0"),
        "{}",
        d.message
    );

    // Shrinking the policy window removes it earlier than announced, too.
    let shrunk = format!("[policy]\nhide_after = 0\nremove_after = 1\n{old}");
    let d = only(&compat(&old, &shrunk)).clone();
    assert_eq!(d.rule, "removed-without-deprecation");
    assert!(
        d.message.contains(
            "hidden from 0.10.0 instead of 0.11.0 and removed in 0.11.0 instead of 0.12.0"
        ),
        "{}",
        d.message
    );
    assert_eq!(d.file, "new.toml");
}

#[test]
fn deleting_a_removed_metric_loses_history() {
    let old = gauge(
        "stable",
        "deprecated = \"0.10\"\nallow = [\"deprecated-without-replacement\"]\n",
    );
    let new = "[[metric]]\nname = \"x\"\ntype = \"gauge\"\nhelp = \"x\"\n";
    let d = only(&compat_at(&old, new, Some("0.13.0"))).clone();
    assert_eq!(d.rule, "removed-without-deprecation");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("stay as history"), "{}", d.message);
}

// ---- type-changed --------------------------------------------------------------------

#[test]
fn a_type_change_is_an_error_for_stable_and_beta_and_a_warning_for_alpha() {
    for (stability, severity) in [
        ("stable", Severity::Error),
        ("beta", Severity::Error),
        ("alpha", Severity::Warning),
    ] {
        let old = gauge(stability, "");
        let new = old.replace("type = \"gauge\"", "type = \"counter\"");
        let found = compat(&old, &new);
        let d = only(&found);
        assert_eq!(d.rule, "type-changed");
        assert_eq!(d.severity, severity, "{stability}");
        assert_eq!(d.line, 9, "at the `type` key: {d:#?}");
        assert!(d.message.contains("from gauge to counter"), "{}", d.message);
    }
}

// ---- labels-changed ------------------------------------------------------------------

#[test]
fn a_stable_metrics_labels_changed_is_an_error() {
    let old = gauge("stable", LABELS);
    for new_labels in [
        "labels = [\"model_name\"]\n",
        "labels = [\"model_name\", \"engine\", \"reason\"]\n",
        "",
    ] {
        let new = gauge("stable", new_labels);
        let found = compat(&old, &new);
        let d = only(&found);
        assert_eq!(d.rule, "labels-changed", "{new_labels}");
        assert_eq!(d.severity, Severity::Error, "{new_labels}");
    }
    // Order does not change series identity.
    clean(&compat(
        &old,
        &gauge("stable", "labels = [\"engine\", \"model_name\"]\n"),
    ));
}

#[test]
fn a_beta_metric_may_gain_labels_but_not_lose_them() {
    let old = gauge("beta", LABELS);
    clean(&compat(
        &old,
        &gauge(
            "beta",
            "labels = [\"model_name\", \"engine\", \"reason\"]\n",
        ),
    ));
    let d = only(&compat(&old, &gauge("beta", "labels = [\"engine\"]\n"))).clone();
    assert_eq!(d.rule, "labels-changed");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("removed `model_name`"), "{}", d.message);
}

#[test]
fn an_alpha_metric_changed_is_a_warning() {
    let old = gauge("alpha", LABELS);
    let new = gauge("alpha", "labels = [\"model_name\"]\n");
    let d = only(&compat(&old, &new)).clone();
    assert_eq!(d.rule, "labels-changed");
    assert_eq!(d.severity, Severity::Warning);
    // ... silenced by the metric's allow list.
    clean(&compat(
        &old,
        &gauge(
            "alpha",
            "labels = [\"model_name\"]\nallow = [\"labels-changed\"]\n",
        ),
    ));
}

#[test]
fn dropping_a_closed_label_value_breaks_queries_adding_one_does_not() {
    let old = gauge("stable", "labels = [\"reason\"]\n");
    let fewer = old.replace("[\"stop\", \"length\"]", "[\"stop\"]");
    let d = only(&compat(&old, &fewer)).clone();
    assert_eq!(d.rule, "labels-changed");
    assert!(
        d.message.contains("dropped the values `reason=\"length\"`"),
        "{}",
        d.message
    );
    let more = old.replace(
        "[\"stop\", \"length\"]",
        "[\"stop\", \"length\", \"abort\"]",
    );
    clean(&compat(&old, &more));
}

// ---- unit-changed --------------------------------------------------------------------

fn histogram(stability: &str, extra: &str) -> String {
    format!(
        "[[metric]]\nname = \"transfer_latency_seconds\"\ntype = \"histogram\"\nhelp = \"Latency.\"\n\
         buckets = [0.1, 0.5, 1.0]\nstability = \"{stability}\"\n{extra}"
    )
}

#[test]
fn a_unit_changed_or_dropped_is_an_error_and_declaring_one_is_allowed() {
    let old = histogram("stable", "unit = \"seconds\"\n");
    let d = only(&compat(&old, &histogram("stable", ""))).clone();
    assert_eq!(d.rule, "unit-changed");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("no longer declares"), "{}", d.message);

    let d = only(&compat(
        &old,
        &histogram("stable", "unit = \"latency_seconds\"\n"),
    ))
    .clone();
    assert_eq!(d.rule, "unit-changed");
    assert!(
        d.message.contains("from `seconds` to `latency_seconds`"),
        "{}",
        d.message
    );

    clean(&compat(&histogram("stable", ""), &old));
    let d = only(&compat(
        &histogram("alpha", "unit = \"seconds\"\n"),
        &histogram("alpha", ""),
    ))
    .clone();
    assert_eq!(d.severity, Severity::Warning);
}

// ---- buckets-changed -----------------------------------------------------------------

#[test]
fn changed_buckets_are_a_warning_even_for_stable_metrics() {
    let old = histogram("stable", "");
    let new = old.replace("[0.1, 0.5, 1.0]", "[0.1, 0.5, 1.0, 5.0]");
    let found = compat(&old, &new);
    let d = only(&found);
    assert_eq!(d.rule, "buckets-changed");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("bounds 5 added"), "{}", d.message);
    assert!(!found.has_errors());

    let runtime = old.replace("[0.1, 0.5, 1.0]", "\"runtime\"");
    assert_eq!(only(&compat(&old, &runtime)).rule, "buckets-changed");
    // The same bounds written another way are no change.
    let generated = old.replace(
        "[0.1, 0.5, 1.0]",
        "{ linear = { start = 1.0, width = 1.0, count = 2 } }",
    );
    let written = old.replace("[0.1, 0.5, 1.0]", "[1, 2]");
    clean(&compat(&written, &generated));
    let allowed = format!("{new}allow = [\"buckets-changed\"]\n");
    clean(&compat(&old, &allowed));
}

// ---- lifecycle-rewritten -------------------------------------------------------------

fn deprecated(stability: &str, dates: &str) -> String {
    format!(
        "[[metric]]\nname = \"old\"\ntype = \"gauge\"\nhelp = \"Old.\"\nstability = \"{stability}\"\n\
         replaced_by = \"current\"\n{dates}\n\
         [[metric]]\nname = \"current\"\ntype = \"gauge\"\nhelp = \"New.\"\nstability = \"{stability}\"\n"
    )
}

#[test]
fn a_deprecation_version_rewritten_is_an_error() {
    let old = deprecated("stable", "deprecated = \"0.10\"");
    let d = only(&compat(
        &old,
        &deprecated("stable", "deprecated = \"0.11\""),
    ))
    .clone();
    assert_eq!(d.rule, "lifecycle-rewritten");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.contains("moved from 0.10.0 to 0.11.0"),
        "{}",
        d.message
    );
    assert_eq!(d.line, 7, "at the `deprecated` value: {d:#?}");

    // Erased.
    let undeprecated = deprecated("stable", "").replace("replaced_by = \"current\"\n", "");
    let d = only(&compat(&old, &undeprecated)).clone();
    assert_eq!(d.rule, "lifecycle-rewritten");
    assert!(d.message.contains("was erased"), "{}", d.message);

    // The same date written as X.Y.0 is no change.
    clean(&compat(
        &old,
        &deprecated("stable", "deprecated = \"0.10.0\""),
    ));
}

#[test]
fn a_removal_may_be_postponed_but_not_advanced() {
    let old = deprecated("stable", "deprecated = \"0.10\"\nremoved = \"0.14\"");
    clean(&compat(
        &old,
        &deprecated("stable", "deprecated = \"0.10\"\nremoved = \"0.15\""),
    ));
    let d = only(&compat(
        &old,
        &deprecated("stable", "deprecated = \"0.10\"\nremoved = \"0.13\""),
    ))
    .clone();
    assert_eq!(d.rule, "lifecycle-rewritten");
    assert!(
        d.message.contains("moved earlier, from 0.14.0 to 0.13.0"),
        "{}",
        d.message
    );
    // Erasing the explicit date brings the policy's earlier one back.
    let d = only(&compat(
        &old,
        &deprecated("stable", "deprecated = \"0.10\""),
    ))
    .clone();
    assert_eq!(d.rule, "lifecycle-rewritten");
    // Postponing from the policy date is fine.
    clean(&compat(
        &deprecated("stable", "deprecated = \"0.10\""),
        &deprecated("stable", "deprecated = \"0.10\"\nremoved = \"0.13\""),
    ));
}

#[test]
fn hiding_earlier_than_announced_is_a_rewrite() {
    let old = deprecated(
        "stable",
        "deprecated = \"0.10\"\nhidden = \"0.12\"\nremoved = \"0.14\"",
    );
    let new = deprecated("stable", "deprecated = \"0.10\"\nremoved = \"0.14\"");
    let d = only(&compat(&old, &new)).clone();
    assert_eq!(d.rule, "lifecycle-rewritten");
    assert!(
        d.message
            .contains("hidden from 0.11.0, earlier than the 0.12.0"),
        "{}",
        d.message
    );
    // For alpha metrics, a warning.
    let old = deprecated("alpha", "deprecated = \"0.10\"");
    let d = only(&compat(&old, &deprecated("alpha", "deprecated = \"0.9\""))).clone();
    assert_eq!(d.severity, Severity::Warning);
}

// ---- whole catalogues ----------------------------------------------------------------

#[test]
fn the_example_catalogue_is_compatible_with_itself_and_additions_are_fine() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/vllm/metrics.toml");
    let text = std::fs::read_to_string(path).unwrap();
    clean(&compat(&text, &text));
    let added = format!(
        "{text}\n[[metric]]\nname = \"num_requests_rejected\"\ntype = \"gauge\"\nhelp = \"Rejected requests.\"\nlabels = [\"model_name\", \"engine\"]\nsince = \"0.35\"\n"
    );
    clean(&compat(&text, &added));
}

#[test]
fn a_catalogue_with_errors_is_not_compared() {
    let old = check(&gauge("stable", ""), "old.toml", &Options::default());
    let broken = check(
        "[[metric]]\nname = \"x\"\n",
        "new.toml",
        &Options::default(),
    );
    assert!(broken.has_errors());
    assert!(compare(&old, &broken).is_none());
    assert!(compare(&broken, &old).is_none());
}
