//! Normal use: three catalogues at fixed versions, every public generated item documented.
#![deny(missing_docs, warnings)]

/// vLLM's catalogue at 0.11.2.
pub mod vllm {
    metrics_schema_runtime::catalogue!("../examples/vllm/metrics.toml", version = "0.11.2");
}

/// The fixture at 1.0.0: `old_requests` is deprecated.
pub mod app {
    metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", version = "1.0.0");
}

/// Keywords as metric and label names.
pub mod keywords {
    metrics_schema_runtime::catalogue!("tests/ui/catalogues/keywords.toml", version = "1.0.0");
}

fn main() {
    let k = keywords::Metrics::new(&keywords::Metrics::options(None).unwrap()).unwrap();
    k.r#type("a", keywords::Self_::GpuToCpu).inc();
    k.type_bind("b").get(keywords::Self_::N0).inc();
    k.r#match().set();
    assert_eq!(keywords::Self_::Self_.as_str(), "self");

    // vLLM's token-count histograms take their bounds at start-up.
    let mut options = vllm::Metrics::options(Some("0.10")).unwrap();
    for name in [
        "vllm:request_prompt_tokens",
        "vllm:request_generation_tokens",
        "vllm:request_max_num_generation_tokens",
        "vllm:request_params_max_tokens",
    ] {
        options = options.buckets(name, &[1.0, 2.0, 5.0, 10.0]);
    }
    let metrics = vllm::Metrics::new(&options).unwrap();
    metrics
        .request_success("llama", "0", vllm::FinishedReason::Stop)
        .inc();
    // Hidden at 0.11.2 (re-enabled by the show-hidden value above): a deliberate use of
    // a deprecated item.
    #[allow(deprecated)]
    metrics.gpu_cache_usage_perc("llama", "0").set(0.5);
    let app = app::Metrics::new(&app::Metrics::options(None).unwrap()).unwrap();
    // Deprecated at 1.0.0, still recorded on purpose.
    #[allow(deprecated)]
    app.old_requests("llama", app::Reason::Failed).inc();
    app.requests_bind("llama").get(app::Reason::Ok).inc();
    let registry = metrics_schema_runtime::Registry::new();
    registry.register(&metrics).unwrap();
    registry.register(&app).unwrap();
    let text = registry.encode_to_string(metrics_schema_runtime::Format::Text);
    assert!(text.contains("vllm:gpu_cache_usage_perc{model_name=\"llama\",engine=\"0\"} 0.5"));
    assert!(text.contains("app_old_requests_total{model=\"llama\",reason=\"failed\"} 1"));
}
