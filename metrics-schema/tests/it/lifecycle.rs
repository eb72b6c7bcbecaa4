//! Lifecycle at a version, through the catalogue: per-stability policy windows, explicit
//! overrides, the X.0 boundary, pre-releases, the show-hidden value, and vLLM's real history.

use std::path::Path;

use metrics_schema::lifecycle::{ShowHiddenError, Status, Version};
use metrics_schema::{Catalogue, Options, check, load};

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

const POLICIES: &str = r#"[catalogue]
stability = "stable"

[policy]
hide_after = 1
remove_after = 2
[policy.alpha]
hide_after = 0
remove_after = 1
[policy.beta]
remove_after = 3

[[metric]]
name = "stable_default"
type = "gauge"
help = "Default stable window."
deprecated = "0.10"
replaced_by = "successor"

[[metric]]
name = "stable_late_removal"
type = "gauge"
help = "Removal postponed past the policy date."
deprecated = "0.11"
removed = "0.15"
replaced_by = "successor"

[[metric]]
name = "stable_patch_hide"
type = "gauge"
help = "Hidden from a patch release, later than the policy."
deprecated = "0.4"
hidden = "0.5.3"
replaced_by = "successor"

[[metric]]
name = "alpha_metric"
type = "gauge"
help = "Alpha window: hidden at once, removed one minor later."
stability = "alpha"
deprecated = "0.4"
replaced_by = "successor"

[[metric]]
name = "alpha_removed_only"
type = "gauge"
help = "Alpha metrics may go at any time."
stability = "alpha"
removed = "0.3"

[[metric]]
name = "beta_metric"
type = "gauge"
help = "Beta window: hide_after from [policy], remove_after 3."
stability = "beta"
deprecated = "0.4"
replaced_by = "successor"

[[metric]]
name = "last_minor_of_major"
type = "gauge"
help = "Retired in the last minor of major 0."
deprecated = "0.99"
replaced_by = "successor"

[[metric]]
name = "deprecated_in_major"
type = "gauge"
help = "Retired in a major release."
deprecated = "1.0"
replaced_by = "successor"

[[metric]]
name = "successor"
type = "gauge"
help = "The replacement."
"#;

fn policies() -> Catalogue {
    let checked = check(POLICIES, "policies.toml", &Options::default());
    assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
    checked.catalogue.unwrap()
}

#[test]
fn status_across_every_boundary() {
    use Status::*;
    let cat = policies();
    let table: &[(&str, &str, Status)] = &[
        // Default window (1, 2): before, at deprecation, at hiding, at removal.
        ("stable_default", "0.9.9", Active),
        ("stable_default", "0.10.0-rc.1", Deprecated),
        ("stable_default", "0.10.0", Deprecated),
        ("stable_default", "0.10.7", Deprecated),
        ("stable_default", "0.11.0-rc.1", Hidden),
        ("stable_default", "0.11.0", Hidden),
        ("stable_default", "0.11.9", Hidden),
        ("stable_default", "0.12.0-rc.1", Removed),
        ("stable_default", "0.12.0", Removed),
        ("stable_default", "3.0.0", Removed),
        // An explicit removal later than the policy: hidden until then.
        ("stable_late_removal", "0.10.9", Active),
        ("stable_late_removal", "0.11.0", Deprecated),
        ("stable_late_removal", "0.12.0", Hidden),
        ("stable_late_removal", "0.14.9", Hidden),
        ("stable_late_removal", "0.15.0-rc.1", Removed),
        ("stable_late_removal", "0.15.0", Removed),
        // An explicit hiding at a patch release.
        ("stable_patch_hide", "0.5.2", Deprecated),
        ("stable_patch_hide", "0.5.3", Hidden),
        ("stable_patch_hide", "0.6.0", Removed),
        // Alpha window (0, 1): hidden from the deprecation release.
        ("alpha_metric", "0.3.9", Active),
        ("alpha_metric", "0.4.0", Hidden),
        ("alpha_metric", "0.5.0", Removed),
        ("alpha_removed_only", "0.2.9", Active),
        ("alpha_removed_only", "0.3.0", Removed),
        // Beta: hide_after falls back to [policy] (1), remove_after is 3.
        ("beta_metric", "0.4.0", Deprecated),
        ("beta_metric", "0.5.0", Hidden),
        ("beta_metric", "0.6.9", Hidden),
        ("beta_metric", "0.7.0", Removed),
        // The X.0 boundary: a major release ends every window of the previous major.
        ("last_minor_of_major", "0.99.4", Deprecated),
        ("last_minor_of_major", "0.100.0", Hidden),
        ("last_minor_of_major", "1.0.0-rc.1", Removed),
        ("last_minor_of_major", "1.0.0", Removed),
        ("deprecated_in_major", "0.99.0", Active),
        ("deprecated_in_major", "1.0.0-rc.1", Deprecated),
        ("deprecated_in_major", "1.0.0", Deprecated),
        ("deprecated_in_major", "1.1.0-alpha.2", Hidden),
        ("deprecated_in_major", "1.1.0", Hidden),
        ("deprecated_in_major", "1.2.0", Removed),
        ("successor", "9.9.9", Active),
    ];
    for (name, at, want) in table {
        let m = cat.metric(name).unwrap();
        assert_eq!(m.status_at(&v(at)), *want, "{name} at {at}");
    }
}

#[test]
fn schedules_resolve_per_stability() {
    let cat = policies();
    let dates = |name: &str| {
        let s = &cat.metric(name).unwrap().schedule;
        (
            s.hidden.as_ref().map(ToString::to_string),
            s.removed.as_ref().map(ToString::to_string),
        )
    };
    let some = |h: &str, r: &str| (Some(h.to_owned()), Some(r.to_owned()));
    assert_eq!(dates("stable_default"), some("0.11.0", "0.12.0"));
    assert_eq!(dates("stable_late_removal"), some("0.12.0", "0.15.0"));
    assert_eq!(dates("alpha_metric"), some("0.4.0", "0.5.0"));
    assert_eq!(dates("beta_metric"), some("0.5.0", "0.7.0"));
    assert_eq!(
        dates("alpha_removed_only"),
        (None, Some("0.3.0".to_owned()))
    );
    assert_eq!(dates("successor"), (None, None));
}

#[test]
fn show_hidden_value_and_check() {
    let cat = policies();
    // (version, value, Ok or the valid value the error names).
    type Row = (&'static str, &'static str, Result<(), Option<&'static str>>);
    let table: &[Row] = &[
        ("0.11.0", "0.10", Ok(())),
        ("0.11.0", "0.10.0", Ok(())),
        ("0.11.4", "0.10", Ok(())),
        ("0.11.0-rc.1", "0.10", Ok(())),
        ("0.11.0", "0.9", Err(Some("0.10"))),
        ("0.11.0", "0.11", Err(Some("0.10"))),
        ("0.11.0", "banana", Err(Some("0.10"))),
        ("0.11.0", "0.10.1", Err(Some("0.10"))),
        ("1.1.0", "1.0", Ok(())),
        ("1.1.0", "0.99", Err(Some("1.0"))),
        // X.0: no previous minor, every value is refused.
        ("1.0.2", "0.99", Err(None)),
        ("1.0.0-rc.1", "0.99", Err(None)),
    ];
    for (at, value, want) in table {
        let at = v(at);
        let got = cat
            .check_show_hidden(&at, value)
            .map_err(|e| e.valid_value());
        assert_eq!(
            got,
            want.map_err(|o| o.map(str::to_owned)),
            "{value} at {at}"
        );
    }
    assert_eq!(cat.show_hidden_value(&v("0.11.3")), Some(v("0.10.0")));
    assert_eq!(cat.show_hidden_value(&v("1.0.0")), None);
    assert!(matches!(
        cat.check_show_hidden(&v("1.0.0"), "0.99"),
        Err(ShowHiddenError::NoPreviousMinor { .. })
    ));
}

#[test]
fn exposure_and_help_follow_status() {
    let cat = policies();
    let m = cat.metric("stable_default").unwrap();
    assert!(m.is_exposed_at(&v("0.10.3"), false));
    assert!(!m.is_exposed_at(&v("0.11.0"), false));
    assert!(m.is_exposed_at(&v("0.11.0"), true));
    assert!(!m.is_exposed_at(&v("0.12.0"), true));
    assert_eq!(m.help_at(&v("0.9.0")), "Default stable window.");
    assert_eq!(
        m.help_at(&v("0.10.0")),
        "Default stable window. DEPRECATED since 0.10.0: use successor instead."
    );
    // Hidden metrics re-enabled with show-hidden carry the notice too.
    assert!(m.help_at(&v("0.11.0")).contains("DEPRECATED since 0.10.0"));
}

fn vllm() -> Catalogue {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/vllm/metrics.toml");
    let checked = load(&path, &Options::default()).expect("readable example");
    assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
    checked.catalogue.unwrap()
}

#[test]
fn vllm_real_history() {
    use Status::*;
    let cat = vllm();
    let gpu = [
        "gpu_cache_usage_perc",
        "gpu_prefix_cache_hits",
        "gpu_prefix_cache_queries",
    ];
    let table: &[(&str, Status)] = &[
        ("0.9.1", Active),
        ("0.9.2", Deprecated),
        ("0.10.0", Deprecated),
        ("0.10.2", Deprecated),
        ("0.11.0-rc.1", Hidden),
        ("0.11.0", Hidden),
        ("0.11.2", Hidden),
        ("0.12.0-rc.1", Removed),
        ("0.12.0", Removed),
    ];
    for name in gpu {
        for (at, want) in table {
            let m = cat.metric(name).unwrap();
            assert_eq!(m.status_at(&v(at)), *want, "{name} at {at}");
        }
    }
    let tpot = cat.metric("time_per_output_token_seconds").unwrap();
    for (at, want) in [
        ("0.10.2", Active),
        ("0.11.0", Deprecated),
        ("0.12.0", Hidden),
        ("0.14.9", Hidden),
        ("0.15.0", Removed),
    ] {
        assert_eq!(
            tpot.status_at(&v(at)),
            want,
            "time_per_output_token_seconds at {at}"
        );
    }
    assert_eq!(
        tpot.replacement.as_deref(),
        Some("vllm:inter_token_latency_seconds")
    );
    let kv = cat.metric("kv_cache_usage_perc").unwrap();
    for at in ["0.9.2", "0.11.0", "0.15.0"] {
        assert_eq!(kv.status_at(&v(at)), Active);
    }
    let old = cat.metric("gpu_cache_usage_perc").unwrap();
    assert!(
        old.help_at(&v("0.10.1")).starts_with(
            "GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED since 0.9.2: use vllm:kv_cache_usage_perc instead."
        ),
        "{}",
        old.help_at(&v("0.10.1"))
    );
}

#[test]
fn vllm_show_hidden_on_0_11() {
    let cat = vllm();
    for at in ["0.11.0", "0.11.1", "0.11.2"] {
        let at = v(at);
        for ok in ["0.10", "0.10.0"] {
            assert_eq!(cat.check_show_hidden(&at, ok), Ok(()), "{ok} at {at}");
        }
        for bad in ["0.9", "0.11", "banana"] {
            let err = cat.check_show_hidden(&at, bad).unwrap_err();
            assert_eq!(err.valid_value().as_deref(), Some("0.10"));
            assert!(err.to_string().contains("\"0.10\""), "{err}");
        }
        let report = cat.status_report(&at);
        assert_eq!(report.show_hidden, Some(v("0.10.0")));
        assert_eq!(report.count(Status::Hidden), 3);
        assert_eq!(report.count(Status::Deprecated), 1);
    }
    // At 0.12 the three gpu_ metrics are removed (after the fourteen removed earlier in
    // vLLM's history) and time_per_output_token is hidden.
    let report = cat.status_report(&v("0.12.0"));
    assert_eq!(report.count(Status::Removed), 3 + 14);
    assert_eq!(report.count(Status::Hidden), 1);
    // Every other metric introduced by 0.12 is active; later ones are not yet introduced.
    assert_eq!(
        report.count(Status::Active),
        report.metrics.len() - 18 - report.not_introduced()
    );
    assert!(report.not_introduced() > 0, "vLLM added metrics after 0.12");
    assert_eq!(report.show_hidden, Some(v("0.11.0")));
}
