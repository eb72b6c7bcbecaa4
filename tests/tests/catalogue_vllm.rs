//! The vLLM example catalogue compiled by `catalogue!` and used: every metric recorded
//! into, exposed, and checked against the facts about vLLM's real metrics
//! (`tests/fixtures/vllm-metrics-facts.md`); then the same catalogue compiled at several
//! versions, through the macro's `version` argument, across its lifecycle.

// These tests record into and inspect deprecated and hidden metrics on purpose: the
// generated `#[deprecated]` warnings are what an engine sees, not what these tests check.
#![allow(deprecated)]

use crate::catalogue_support;

use catalogue_support::{Fact, parse_openmetrics, vllm_facts};
use metrics_schema_runtime::lifecycle::Status;
use metrics_schema_runtime::{ClosedLabel, Format, MetricSet, MetricType, Registry};

mod v0_9 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.9.0");
}
mod v0_10 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.10.1");
}
/// The catalogue at 0.11.2, also recorded into by the Python comparison
/// (`python_codegen.rs`).
pub(crate) mod v0_11 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.11.2");
}
mod v0_12_rc {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.12.0-rc.1");
}
mod v0_12 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.12.0");
}
mod v0_15 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.15.0");
}
mod v0_34 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.34.0");
}
mod v1_0 {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "1.0.0");
}

/// The exposition of `set` alone, in OpenMetrics.
fn expose(set: &impl MetricSet) -> String {
    let registry = Registry::new();
    registry.register(set).expect("a catalogue registers");
    registry.encode_to_string(Format::OpenMetrics)
}

/// The runtime's own counter of open-label overflows, registered with the catalogue's
/// families; not one of vLLM's metrics.
const LABEL_OVERFLOWS: &str = "vllm:label_overflows";

/// The catalogue metrics of a set (without [`LABEL_OVERFLOWS`]).
fn names(set: &impl MetricSet) -> Vec<&'static str> {
    set.collectors()
        .iter()
        .map(|c| c.desc().name)
        .filter(|n| *n != LABEL_OVERFLOWS)
        .collect()
}

/// The bounds the tests give the histograms whose buckets vLLM computes at start-up
/// (`buckets = "runtime"`): vLLM's 1-2-5 series up to a `max_model_len` of 8192.
const TOKEN_BOUNDS: [f64; 12] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
];

/// The `buckets = "runtime"` histograms of the catalogue (their full names).
const RUNTIME_BUCKETS: [&str; 5] = [
    "vllm:request_prompt_tokens",
    "vllm:request_generation_tokens",
    "vllm:request_max_num_generation_tokens",
    "vllm:request_params_max_tokens",
    "vllm:request_prefill_kv_computed_tokens",
];

/// `options` with [`TOKEN_BOUNDS`] for every start-up histogram.
pub(crate) fn with_bounds(
    mut options: metrics_schema_runtime::Options,
) -> metrics_schema_runtime::Options {
    for name in RUNTIME_BUCKETS {
        options = options.buckets(name, &TOKEN_BOUNDS);
    }
    options
}

/// Records into every metric of the 0.11.2 catalogue through its generated accessors.
/// `RECORD_EVERYTHING` of `python_codegen.rs` records the same values from Python.
pub(crate) fn record_everything(m: &v0_11::Metrics) {
    use v0_11::FinishedReason;
    let (model, engine) = ("llama", "0");
    for reason in FinishedReason::ALL {
        m.request_success(model, engine, reason).inc();
    }
    // Requests and tokens.
    m.corrupted_requests(model, engine).inc();
    m.prompt_tokens(model, engine).inc_by(512);
    m.generation_tokens(model, engine).inc_by(128);
    m.request_prompt_tokens(model, engine).observe(512.0);
    m.request_generation_tokens(model, engine).observe(128.0);
    m.request_max_num_generation_tokens(model, engine)
        .observe(256.0);
    m.request_params_max_tokens(model, engine).observe(256.0);
    m.request_params_n(model, engine).observe(2.0);
    // Latency.
    m.e2e_request_latency_seconds(model, engine).observe(0.9);
    m.time_to_first_token_seconds(model, engine).observe(0.03);
    m.inter_token_latency_seconds(model, engine).observe(0.02);
    m.request_prefill_time_seconds(model, engine).observe(0.2);
    m.request_decode_time_seconds(model, engine).observe(0.7);
    m.request_inference_time_seconds(model, engine).observe(0.9);
    m.request_queue_time_seconds(model, engine).observe(0.01);
    m.request_time_per_output_token_seconds(model, engine)
        .observe(0.02);
    m.time_per_output_token_seconds(model, engine).observe(0.02);
    // Scheduler.
    m.num_requests_running(model, engine).set(3.0);
    m.num_requests_waiting(model, engine).set(1.0);
    m.num_preemptions(model, engine).inc();
    m.iteration_tokens_total(model, engine).observe(640.0);
    // KV cache.
    m.kv_cache_usage_perc(model, engine).set(0.25);
    m.prefix_cache_hits(model, engine).inc_by(64);
    m.prefix_cache_queries(model, engine).inc_by(100);
    m.external_prefix_cache_hits(model, engine).inc_by(16);
    m.external_prefix_cache_queries(model, engine).inc_by(32);
    m.mm_cache_hits(model, engine).inc();
    m.mm_cache_queries(model, engine).inc_by(2);
    m.gpu_cache_usage_perc(model, engine).set(0.25);
    m.gpu_prefix_cache_hits(model, engine).inc_by(64);
    m.gpu_prefix_cache_queries(model, engine).inc_by(100);
    // Speculative decoding.
    m.spec_decode_num_drafts(model, engine).inc();
    m.spec_decode_num_draft_tokens(model, engine).inc_by(4);
    m.spec_decode_num_accepted_tokens(model, engine).inc_by(3);
    for position in ["0", "1", "2"] {
        m.spec_decode_num_accepted_tokens_per_pos(model, engine, position)
            .inc();
    }
    // NIXL.
    m.nixl_num_failed_transfers(model, engine).inc();
    m.nixl_num_failed_notifications(model, engine).inc();
    m.nixl_xfer_time_seconds(model, engine).observe(0.05);
    m.nixl_post_time_seconds(model, engine).observe(0.002);
    m.nixl_bytes_transferred(model, engine).observe(1_048_576.0);
    m.nixl_num_descriptors(model, engine).observe(64.0);
    // API server and configuration.
    m.engine_sleep_state(model, engine, "awake").set(1.0);
    m.cache_config_info().set(1.0);
    m.lora_requests_info("4", "", "").set(1.0);
}

/// The facts' help without its hand-written deprecation suffix, white space removed (the
/// catalogue fixes a missing space in one of them).
fn squashed(help: &str) -> String {
    let help = help.split("DEPRECATED").next().unwrap_or(help);
    help.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_vllm_metric_recorded_exposed_and_as_the_facts_say() {
    let Some(facts) = vllm_facts() else { return };
    // 0.11.2 with the valid show-hidden value: every metric that is not removed is exposed,
    // the hidden gpu_* ones included.
    let options = v0_11::Metrics::options(Some("0.10")).expect("0.10 is valid at 0.11.2");
    let metrics = v0_11::Metrics::new(&with_bounds(options)).expect("the catalogue builds");
    record_everything(&metrics);
    let text = expose(&metrics);
    let families = parse_openmetrics(&text);

    // Every metric the facts say vLLM 0.11.2 declares: introduced by then, not removed.
    let expected: Vec<&Fact> = facts.iter().filter(|f| f.exists_at("0.11.2")).collect();
    assert!(
        expected.len() >= 45,
        "vLLM 0.11.2 declares about 50 metrics, the facts list {}",
        expected.len()
    );
    let exposed: Vec<&String> = families.keys().filter(|k| *k != LABEL_OVERFLOWS).collect();
    assert!(families.contains_key(LABEL_OVERFLOWS));
    let mut wanted: Vec<&String> = expected.iter().map(|f| &f.name).collect();
    wanted.sort();
    assert_eq!(exposed, wanted, "exposed families are exactly vLLM's");

    for fact in expected {
        let name = &fact.name;
        let family = &families[name];
        assert_eq!(family.kind, fact.kind, "{name}: type");
        let sample = match fact.kind.as_str() {
            "counter" => format!("{name}_total"),
            "histogram" => format!("{name}_bucket"),
            _ => name.clone(),
        };
        assert_eq!(
            family.label_names(&sample),
            fact.labels,
            "{name}: labels in order"
        );
        // The facts leave the bounds vLLM computes at start-up empty: those are the
        // bounds the options gave.
        let bounds = if fact.kind == "histogram" && fact.buckets.is_empty() {
            assert!(RUNTIME_BUCKETS.contains(&name.as_str()), "{name}: buckets");
            TOKEN_BOUNDS.to_vec()
        } else {
            fact.buckets.clone()
        };
        assert_eq!(family.bucket_bounds(name), bounds, "{name}: bucket bounds");
        // Recorded into: some series is non-zero.
        let recorded = match fact.kind.as_str() {
            "histogram" => format!("{name}_count"),
            _ => sample.clone(),
        };
        assert!(
            family
                .samples
                .iter()
                .any(|s| s.name == recorded && s.value > 0.0),
            "{name}: the recorded value is exposed"
        );
        // Help: vLLM's text; deprecated metrics carry the tool's notice instead of the
        // hand-written one, naming the replacement from the facts.
        assert_eq!(squashed(&family.help), squashed(&fact.help), "{name}: help");
        if let Some(replacement) = fact.replaced_by() {
            let since = fact.deprecated().expect("a replaced metric is deprecated");
            assert!(
                family.help.contains(&format!("DEPRECATED since {since}: ")),
                "{name}: deprecation notice in {:?}",
                family.help
            );
            // The notice names the series users query: a counter's `_total`.
            let kind = &facts
                .iter()
                .find(|f| f.name == replacement)
                .expect("the replacement is in the facts")
                .kind;
            let queried = MetricType::parse(kind)
                .expect("a known type")
                .queried_name(&replacement);
            assert!(
                family.help.contains(&format!("use {queried} instead.")),
                "{name}: replacement in {:?}",
                family.help
            );
        } else {
            assert_eq!(family.help, fact.help, "{name}: help");
        }
    }
    // Units come from the catalogue's `unit` and match the name suffix.
    assert_eq!(families["vllm:e2e_request_latency_seconds"].unit, "seconds");
    // Every closed value was recorded.
    let reasons: Vec<&str> = families["vllm:request_success"]
        .samples
        .iter()
        .filter(|s| s.value > 0.0)
        .filter_map(|s| {
            s.labels
                .iter()
                .find(|(k, _)| k == "finished_reason")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    assert_eq!(reasons, ["stop", "length", "abort", "error", "repetition"]);
}

#[test]
fn generated_names_types_and_enums() {
    use v0_11::{FinishedReason, Metrics};
    assert_eq!(v0_11::VERSION, "0.11.2");
    assert_eq!(Metrics::REQUEST_SUCCESS_NAME, "vllm:request_success");
    assert_eq!(Metrics::REQUEST_SUCCESS.name, "vllm:request_success");
    assert_eq!(
        Metrics::REQUEST_SUCCESS_HELP,
        "Count of successfully processed requests."
    );
    assert_eq!(Metrics::REQUEST_SUCCESS_STATUS, Status::Active);
    assert_eq!(
        Metrics::KV_CACHE_USAGE_PERC_NAME,
        "vllm:kv_cache_usage_perc"
    );
    assert_eq!(
        FinishedReason::ALL.map(FinishedReason::as_str),
        ["stop", "length", "abort", "error", "repetition"]
    );
    assert_eq!(
        FinishedReason::VALUES,
        FinishedReason::ALL.map(|r| r.as_str())
    );
    assert_eq!(FinishedReason::Abort.index(), 2);
    assert_eq!(FinishedReason::Error.to_string(), "error");
    assert_eq!(FinishedReason::LABEL, "finished_reason");

    let metrics = Metrics::new(&with_bounds(Metrics::options(None).unwrap())).unwrap();
    // A bound handle and the accessor reach the same series.
    let engine0 = metrics.request_success_bind("llama", "0");
    engine0.get(FinishedReason::Length).inc_by(2);
    assert_eq!(
        metrics
            .request_success("llama", "0", FinishedReason::Length)
            .value_u64(),
        2
    );
    let tokens = metrics.prompt_tokens_bind("llama", "1");
    tokens.inc_by(7);
    assert_eq!(metrics.prompt_tokens("llama", "1").value_u64(), 7);
    let family = metrics.request_success_family();
    assert_eq!(family.desc().name, "vllm:request_success");
    assert_eq!(family.series_count(), 5, "one row of five closed values");
    // Open labels are bounded by the catalogue's max_values: model_name keeps 8.
    for i in 0..10 {
        metrics.num_preemptions(&format!("model-{i}"), "0").inc();
    }
    assert_eq!(metrics.num_preemptions_family().overflow_count(), 2);
}

#[test]
fn before_deprecation_everything_is_active() {
    use v0_9::Metrics;
    assert_eq!(Metrics::GPU_CACHE_USAGE_PERC_STATUS, Status::Active);
    assert_eq!(
        Metrics::TIME_PER_OUTPUT_TOKEN_SECONDS_STATUS,
        Status::Active
    );
    assert_eq!(
        Metrics::GPU_CACHE_USAGE_PERC_HELP,
        "GPU KV-cache usage. 1 means 100 percent usage."
    );
    let metrics = Metrics::new(&with_bounds(Metrics::options(None).unwrap())).unwrap();
    metrics.gpu_cache_usage_perc("llama", "0").set(0.5);
    let families = parse_openmetrics(&expose(&metrics));
    let help = &families["vllm:gpu_cache_usage_perc"].help;
    assert_eq!(help, "GPU KV-cache usage. 1 means 100 percent usage.");
    assert!(!expose(&metrics).contains("DEPRECATED"));
}

#[test]
fn deprecated_metrics_carry_the_notice_in_help() {
    use v0_10::Metrics;
    assert_eq!(Metrics::GPU_CACHE_USAGE_PERC_STATUS, Status::Deprecated);
    assert_eq!(
        Metrics::TIME_PER_OUTPUT_TOKEN_SECONDS_STATUS,
        Status::Active
    );
    let notice = "GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED since 0.9.2: use \
                  vllm:kv_cache_usage_perc instead. Same value under a name that is not \
                  specific to GPUs.";
    assert_eq!(Metrics::GPU_CACHE_USAGE_PERC_HELP, notice);
    let metrics = Metrics::new(&with_bounds(Metrics::options(None).unwrap())).unwrap();
    metrics.gpu_cache_usage_perc("llama", "0").set(0.5);
    let families = parse_openmetrics(&expose(&metrics));
    assert_eq!(families["vllm:gpu_cache_usage_perc"].help, notice);
    let sample = &families["vllm:gpu_cache_usage_perc"].samples[0];
    assert_eq!(sample.value, 0.5, "deprecated metrics still record");
    assert!(
        !families["vllm:time_per_output_token_seconds"]
            .help
            .contains("DEPRECATED")
    );
}

#[test]
fn hidden_metrics_need_the_valid_show_hidden_value() {
    use v0_11::Metrics;
    assert_eq!(v0_11::SHOW_HIDDEN_VALUE, Some("0.10"));
    assert_eq!(Metrics::GPU_CACHE_USAGE_PERC_STATUS, Status::Hidden);
    assert_eq!(
        Metrics::TIME_PER_OUTPUT_TOKEN_SECONDS_STATUS,
        Status::Deprecated
    );
    let hidden = [
        "vllm:gpu_cache_usage_perc",
        "vllm:gpu_prefix_cache_hits",
        "vllm:gpu_prefix_cache_queries",
    ];

    // Without show-hidden: generated, recorded as a no-op, not exposed.
    let metrics = Metrics::new(&with_bounds(Metrics::options(None).unwrap())).unwrap();
    record_everything(&metrics);
    let text = expose(&metrics);
    for name in hidden {
        assert!(!text.contains(name), "{name} is hidden at 0.11.2");
    }
    assert!(!metrics.gpu_cache_usage_perc_family().is_exposed());
    assert_eq!(metrics.gpu_cache_usage_perc_family().series_count(), 0);
    assert!(text.contains("vllm:time_per_output_token_seconds_count{"));

    // With the valid value: exposed, with the notice.
    let options = Metrics::options(Some("0.10")).unwrap();
    let shown = Metrics::new(&with_bounds(options)).unwrap();
    shown.gpu_prefix_cache_hits("llama", "0").inc_by(3);
    let families = parse_openmetrics(&expose(&shown));
    for name in hidden {
        assert!(families.contains_key(name), "{name} is re-enabled");
        assert!(families[name].help.contains("DEPRECATED since 0.9.2"));
    }
    assert_eq!(families["vllm:gpu_prefix_cache_hits"].samples[0].value, 3.0);
    assert!(Metrics::options(Some("0.10.0")).is_ok());

    // Any other value is an error naming the valid one.
    for bad in ["0.9", "0.11", "banana", "", "0.10.1"] {
        let err = Metrics::options(Some(bad)).unwrap_err().to_string();
        assert!(err.contains("\"0.10\""), "{bad:?}: {err}");
        assert!(err.contains(&format!("{bad:?}")), "{bad:?}: {err}");
    }
}

#[test]
fn removed_metrics_are_gone() {
    let Some(facts) = vllm_facts() else { return };
    let existing = |version: &str| facts.iter().filter(|f| f.exists_at(version)).count();
    // 0.12.0 removed the gpu_* metrics; time_per_output_token_seconds is hidden until 0.15.
    let options = v0_12::Metrics::options(Some("0.11")).unwrap();
    let metrics = v0_12::Metrics::new(&with_bounds(options)).unwrap();
    let exposed = names(&metrics);
    assert_eq!(exposed.len(), existing("0.12.0"));
    assert_eq!(
        exposed.len(),
        existing("0.11.2") - 3 + 3,
        "three gpu_* metrics removed, the three kv_block_* residency histograms added"
    );
    for name in exposed.iter() {
        assert!(
            !name.starts_with("vllm:gpu_"),
            "{name} is removed at 0.12.0"
        );
    }
    assert!(exposed.contains(&"vllm:time_per_output_token_seconds"));
    assert!(exposed.contains(&"vllm:kv_block_lifetime_seconds"));
    assert_eq!(
        v0_12::Metrics::TIME_PER_OUTPUT_TOKEN_SECONDS_STATUS,
        Status::Hidden
    );
    assert!(!expose(&metrics).contains("gpu_"));

    // A release candidate behaves as its release.
    assert_eq!(v0_12_rc::VERSION, "0.12.0-rc.1");
    assert_eq!(v0_12_rc::SHOW_HIDDEN_VALUE, Some("0.11"));
    let rc =
        v0_12_rc::Metrics::new(&with_bounds(v0_12_rc::Metrics::options(None).unwrap())).unwrap();
    assert_eq!(names(&rc), names(&metrics));

    // 0.15.0 removed time_per_output_token_seconds too.
    let options = v0_15::Metrics::options(Some("0.14")).unwrap();
    let metrics = v0_15::Metrics::new(&with_bounds(options)).unwrap();
    let exposed = names(&metrics);
    assert_eq!(exposed.len(), existing("0.15.0"));
    assert!(!exposed.contains(&"vllm:time_per_output_token_seconds"));
    assert!(!expose(&metrics).contains("vllm:time_per_output_token"));
}

#[test]
fn a_major_release_refuses_show_hidden() {
    assert_eq!(v1_0::SHOW_HIDDEN_VALUE, None);
    let err = v1_0::Metrics::options(Some("0.99"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no previous minor release"), "{err}");
    assert!(v1_0::Metrics::options(None).is_ok());
}

#[test]
fn the_facts_lifecycle_versions_match_the_generated_code() {
    let Some(facts) = vllm_facts() else { return };
    // Each version module generates the metrics the facts say still exist there.
    let versions: [(&str, Vec<&'static str>); 5] = [
        (
            "0.9.0",
            names(&v0_9::Metrics::new(&with_bounds(Default::default())).unwrap()),
        ),
        (
            "0.10.1",
            names(&v0_10::Metrics::new(&with_bounds(Default::default())).unwrap()),
        ),
        (
            "0.11.2",
            names(&v0_11::Metrics::new(&with_bounds(Default::default())).unwrap()),
        ),
        (
            "0.12.0",
            names(&v0_12::Metrics::new(&with_bounds(Default::default())).unwrap()),
        ),
        (
            "0.15.0",
            names(&v0_15::Metrics::new(&with_bounds(Default::default())).unwrap()),
        ),
    ];
    for (version, generated) in &versions {
        for fact in &facts {
            assert_eq!(
                generated.contains(&fact.name.as_str()),
                fact.exists_at(version),
                "{} at {version}: generated exactly when introduced and not removed",
                fact.name
            );
        }
        assert_eq!(
            generated.len(),
            facts.iter().filter(|f| f.exists_at(version)).count(),
            "nothing beyond the facts at {version}"
        );
    }
    // Metrics introduced later than the compiled version are not generated at all.
    assert!(
        !versions[2]
            .1
            .contains(&"vllm:num_requests_waiting_by_reason")
    );
    assert!(!versions[0].1.contains(&"vllm:corrupted_requests"));
    assert!(versions[2].1.contains(&"vllm:corrupted_requests"));
}

#[test]
fn the_latest_release_generates_every_metric_as_the_facts_say() {
    use metrics_schema_runtime::Buckets;
    let Some(facts) = vllm_facts() else { return };
    let metrics = v0_34::Metrics::new(&with_bounds(Default::default())).unwrap();
    let generated: Vec<_> = metrics
        .collectors()
        .iter()
        .map(|c| c.desc())
        .filter(|d| d.name != LABEL_OVERFLOWS)
        .collect();
    let latest: Vec<&Fact> = facts.iter().filter(|f| f.exists_at("0.34.0")).collect();
    assert!(latest.len() >= 140, "vLLM 0.34 declares about 140 metrics");
    assert_eq!(
        generated.len(),
        latest.len(),
        "nothing beyond the facts at 0.34.0"
    );
    for fact in latest {
        let name = &fact.name;
        let desc = generated
            .iter()
            .find(|d| d.name == name.as_str())
            .unwrap_or_else(|| panic!("{name} is not generated at 0.34.0"));
        assert_eq!(desc.metric_type.as_str(), fact.kind, "{name}: type");
        let labels: Vec<&str> = desc.labels.iter().map(|l| l.name).collect();
        assert_eq!(labels, fact.labels, "{name}: labels in order");
        assert_eq!(squashed(desc.help), squashed(&fact.help), "{name}: help");
        match desc.buckets {
            Buckets::Static(bounds) => assert_eq!(bounds, fact.buckets, "{name}: buckets"),
            Buckets::Runtime => assert!(fact.buckets.is_empty(), "{name}: runtime buckets"),
            Buckets::None => assert!(fact.kind != "histogram", "{name}: buckets"),
        }
    }
}
