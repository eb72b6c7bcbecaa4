//! Lifecycle at a version, through the catalogue: per-stability policy windows, explicit
//! overrides, every boundary (before and at deprecation, at hiding, at removal, `X.0`
//! releases, pre-releases) and vLLM's real history.

use metrics_schema::catalogue::Catalogue;
use metrics_schema::lifecycle::{ShowHiddenError, Status, Version, Window};
use metrics_schema::{Options, check, load};

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

fn catalogue(toml: &str) -> Catalogue {
    let checked = check(toml, "metrics.toml", &Options::default());
    assert!(!checked.has_errors(), "{}", checked.render_plain());
    checked.catalogue.expect("valid catalogue")
}

/// vLLM's deprecated metrics as the example catalogue writes them (stable, default policy).
const VLLM_HISTORY: &str = r#"
[catalogue]
namespace = "vllm"
separator = ":"
stability = "stable"
allow = ["name-colon", "unit-suffix"]

[[metric]]
name = "kv_cache_usage_perc"
type = "gauge"
help = "KV-cache usage. 1 means 100 percent usage."
since = "0.9.2"

[[metric]]
name = "gpu_cache_usage_perc"
type = "gauge"
help = "GPU KV-cache usage. 1 means 100 percent usage."
deprecated = "0.10"
replaced_by = "kv_cache_usage_perc"

[[metric]]
name = "inter_token_latency_seconds"
type = "histogram"
help = "Histogram of inter-token latency in seconds."
buckets = [0.01, 0.1, 1.0]
since = "0.10.2"

[[metric]]
name = "time_per_output_token_seconds"
type = "histogram"
help = "Histogram of time per output token in seconds."
buckets = [0.01, 0.1, 1.0]
deprecated = "0.11"
removed = "0.15"
replaced_by = "inter_token_latency_seconds"
"#;

#[test]
fn vllm_gpu_cache_usage_perc_history() {
    let cat = catalogue(VLLM_HISTORY);
    let m = cat.metric("gpu_cache_usage_perc").unwrap();
    assert_eq!(m.schedule.deprecated, Some(v("0.10.0")));
    assert_eq!(m.schedule.hidden, Some(v("0.11.0")));
    assert_eq!(m.schedule.removed, Some(v("0.12.0")));
    let table = [
        ("0.9.2", Status::Active),
        ("0.9.99", Status::Active),
        ("0.10.0-rc.1", Status::Deprecated),
        ("0.10.0", Status::Deprecated),
        ("0.10.2", Status::Deprecated),
        ("0.11.0-rc.1", Status::Hidden),
        ("0.11.0", Status::Hidden),
        ("0.11.5", Status::Hidden),
        ("0.12.0-rc.1", Status::Removed),
        ("0.12.0", Status::Removed),
        ("0.33.0", Status::Removed),
        ("1.0.0", Status::Removed),
    ];
    for (at, want) in table {
        assert_eq!(m.status_at(&v(at)), want, "gpu_cache_usage_perc at {at}");
    }
    // The replacement stays active throughout.
    let new = cat.metric("kv_cache_usage_perc").unwrap();
    for at in ["0.9.2", "0.10.0", "0.11.0", "0.12.0", "1.0.0"] {
        assert_eq!(new.status_at(&v(at)), Status::Active, "at {at}");
    }
}

#[test]
fn vllm_time_per_output_token_removed_later_than_policy() {
    let cat = catalogue(VLLM_HISTORY);
    let m = cat.metric("time_per_output_token_seconds").unwrap();
    assert_eq!(m.schedule.hidden, Some(v("0.12.0")), "policy date");
    assert_eq!(m.schedule.removed, Some(v("0.15.0")), "explicit date");
    let table = [
        ("0.10.2", Status::Active),
        ("0.11.0", Status::Deprecated),
        ("0.11.9", Status::Deprecated),
        ("0.12.0", Status::Hidden),
        ("0.13.0", Status::Hidden),
        ("0.14.9", Status::Hidden),
        ("0.15.0-rc.1", Status::Removed),
        ("0.15.0", Status::Removed),
    ];
    for (at, want) in table {
        assert_eq!(m.status_at(&v(at)), want, "at {at}");
    }
}

#[test]
fn vllm_show_hidden_on_0_11() {
    let cat = catalogue(VLLM_HISTORY);
    for at in ["0.11.0", "0.11.2", "0.11.0-rc.1"] {
        let at = v(at);
        assert_eq!(cat.show_hidden_value(&at), Some(v("0.10.0")));
        assert_eq!(cat.check_show_hidden(&at, "0.10"), Ok(()));
        assert_eq!(cat.check_show_hidden(&at, "0.10.0"), Ok(()));
        for bad in ["0.9", "0.11", "banana"] {
            let err = cat.check_show_hidden(&at, bad).unwrap_err();
            assert_eq!(err.valid_value().as_deref(), Some("0.10"), "{bad}");
            let text = err.to_string();
            assert!(text.contains("\"0.10\""), "{text}");
            assert!(text.contains(&format!("\"{bad}\"")), "{text}");
        }
    }
    // The one valid value re-enables the hidden metric; removed metrics stay away.
    let at = v("0.11.2");
    let gpu = cat.metric("gpu_cache_usage_perc").unwrap();
    assert!(!gpu.is_exposed_at(&at, false));
    assert!(gpu.is_exposed_at(&at, true));
    assert!(!gpu.is_exposed_at(&v("0.12.0"), true));
    let tpot = cat.metric("time_per_output_token_seconds").unwrap();
    assert!(tpot.is_exposed_at(&at, false), "deprecated is exposed");
}

#[test]
fn help_carries_the_notice_once_deprecated() {
    let cat = catalogue(VLLM_HISTORY);
    let m = cat.metric("gpu_cache_usage_perc").unwrap();
    assert_eq!(
        m.help_at(&v("0.9.2")),
        "GPU KV-cache usage. 1 means 100 percent usage."
    );
    let notice = "DEPRECATED since 0.10.0: use vllm:kv_cache_usage_perc instead.";
    assert_eq!(m.deprecation_notice().as_deref(), Some(notice));
    for at in ["0.10.0", "0.11.0"] {
        assert_eq!(
            m.help_at(&v(at)),
            format!("GPU KV-cache usage. 1 means 100 percent usage. {notice}"),
            "at {at}"
        );
    }
}

const WINDOWS: &str = r#"
[policy]
hide_after = 2
remove_after = 4
[policy.alpha]
hide_after = 0
remove_after = 1
[policy.beta]
remove_after = 3

[[metric]]
name = "a"
type = "gauge"
help = "Alpha."
stability = "alpha"
deprecated = "1.4"
replaced_by = "z"

[[metric]]
name = "b"
type = "gauge"
help = "Beta."
stability = "beta"
deprecated = "1.4"
replaced_by = "z"

[[metric]]
name = "s"
type = "gauge"
help = "Stable."
stability = "stable"
deprecated = "1.4"
replaced_by = "z"

[[metric]]
name = "late"
type = "gauge"
help = "Stable, kept longer than the policy asks."
stability = "stable"
deprecated = "1.4"
hidden = "1.7"
removed = "2.0"
replaced_by = "z"

[[metric]]
name = "z"
type = "gauge"
help = "Replacement."
"#;

#[test]
fn windows_per_stability_with_fallback_and_overrides() {
    let cat = catalogue(WINDOWS);
    assert_eq!(
        cat.policy.alpha,
        Window {
            hide_after: 0,
            remove_after: 1
        }
    );
    // A partial table falls back to [policy] for the missing key.
    assert_eq!(
        cat.policy.beta,
        Window {
            hide_after: 2,
            remove_after: 3
        }
    );
    assert_eq!(
        cat.policy.stable,
        Window {
            hide_after: 2,
            remove_after: 4
        }
    );
    // (metric, version, status): each window's boundaries.
    let table = [
        ("a", "1.3.9", Status::Active),
        ("a", "1.4.0", Status::Hidden), // hide_after = 0: hidden at once
        ("a", "1.5.0", Status::Removed),
        ("b", "1.4.0", Status::Deprecated),
        ("b", "1.5.9", Status::Deprecated),
        ("b", "1.6.0", Status::Hidden),
        ("b", "1.7.0", Status::Removed),
        ("s", "1.4.0", Status::Deprecated),
        ("s", "1.6.0-rc.1", Status::Hidden),
        ("s", "1.7.9", Status::Hidden),
        ("s", "1.8.0", Status::Removed),
        ("late", "1.6.0", Status::Deprecated),
        ("late", "1.7.0", Status::Hidden),
        ("late", "1.99.0", Status::Hidden),
        ("late", "2.0.0-rc.1", Status::Removed),
        ("z", "9.0.0", Status::Active),
    ];
    for (name, at, want) in table {
        let m = cat.metric(name).unwrap();
        assert_eq!(m.status_at(&v(at)), want, "{name} at {at}");
    }
}

#[test]
fn major_releases() {
    let toml = r#"
[catalogue]
stability = "stable"

[[metric]]
name = "old"
type = "gauge"
help = "Deprecated in the last minor of major 0."
deprecated = "0.12"
replaced_by = "new"

[[metric]]
name = "older"
type = "gauge"
help = "Deprecated at a major release."
deprecated = "1.0"
replaced_by = "new"

[[metric]]
name = "new"
type = "gauge"
help = "The replacement."
"#;
    let cat = catalogue(toml);
    let old = cat.metric("old").unwrap();
    // Windows count minor releases of the deprecating major: 0.13 and 0.14 never ship
    // when 1.0 follows 0.12, so at 1.0.0 the metric is past its removal date.
    assert_eq!(old.schedule.removed, Some(v("0.14.0")));
    assert_eq!(old.status_at(&v("0.12.3")), Status::Deprecated);
    assert_eq!(old.status_at(&v("1.0.0-rc.1")), Status::Removed);
    assert_eq!(old.status_at(&v("1.0.0")), Status::Removed);

    let older = cat.metric("older").unwrap();
    assert_eq!(older.status_at(&v("0.99.0")), Status::Active);
    assert_eq!(older.status_at(&v("1.0.0")), Status::Deprecated);
    assert_eq!(older.status_at(&v("1.1.0")), Status::Hidden);
    assert_eq!(older.status_at(&v("1.2.0")), Status::Removed);

    // X.0.Z has no previous minor: no show-hidden value exists, every value is refused.
    for at in ["1.0.0", "1.0.5", "1.0.0-rc.2"] {
        let at = v(at);
        assert_eq!(cat.show_hidden_value(&at), None);
        let err = cat.check_show_hidden(&at, "0.12").unwrap_err();
        assert!(
            matches!(err, ShowHiddenError::NoPreviousMinor { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("no previous minor"), "{err}");
    }
    // At 1.1 the valid value is 1.0.
    assert_eq!(cat.show_hidden_value(&v("1.1.3")), Some(v("1.0.0")));
    assert_eq!(cat.check_show_hidden(&v("1.1.3"), "1.0"), Ok(()));
}

#[test]
fn status_report_of_the_vllm_example() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/vllm/metrics.toml");
    let checked = load(path, &Options::default()).expect("the example is readable");
    assert!(!checked.has_errors(), "{}", checked.render_plain());
    let cat = checked.catalogue.expect("the example is valid");
    let report = cat.status_report(&v("0.11.2"));
    assert_eq!(report.show_hidden, Some(v("0.10.0")));
    let status = |name: &str| {
        report
            .metrics
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name} in the report"))
            .status
    };
    for hidden in [
        "gpu_cache_usage_perc",
        "gpu_prefix_cache_hits",
        "gpu_prefix_cache_queries",
    ] {
        assert_eq!(status(hidden), Status::Hidden, "{hidden}");
    }
    assert_eq!(status("time_per_output_token_seconds"), Status::Deprecated);
    assert_eq!(status("kv_cache_usage_perc"), Status::Active);
    assert_eq!(report.count(Status::Hidden), 3);
    assert_eq!(report.count(Status::Deprecated), 1);
    assert_eq!(report.count(Status::Removed), 0);
    assert_eq!(
        report.count(Status::Active),
        report.metrics.len() - 4,
        "everything else is active"
    );
    let gpu = report
        .metrics
        .iter()
        .find(|m| m.name == "gpu_prefix_cache_hits")
        .unwrap();
    assert_eq!(gpu.full_name, "vllm:gpu_prefix_cache_hits");
    assert_eq!(gpu.exposed.samples, ["vllm:gpu_prefix_cache_hits_total"]);
    assert_eq!(gpu.replacement.as_deref(), Some("vllm:prefix_cache_hits"));

    // At 0.12 the three gpu_ metrics are removed and time_per_output_token is hidden.
    let report = cat.status_report(&v("0.12.0"));
    assert_eq!(report.count(Status::Removed), 3);
    assert_eq!(report.count(Status::Hidden), 1);
    assert_eq!(report.show_hidden, Some(v("0.11.0")));
}
