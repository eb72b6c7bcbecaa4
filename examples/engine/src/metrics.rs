//! The engine's metrics: the code `catalogue!` generates from the vLLM example catalogue,
//! and the observer that records the engine's [`Event`]s into it. Nothing else in the
//! engine touches a metric, and no value is recorded that an event did not report.

use metrics_schema_runtime::{Bound, Counter, Family, Gauge, Histogram, Options, Registry};

use crate::events::{Event, FinishReason, Observer};

/// The vLLM catalogue, compiled at the vLLM release the engine simulates. `metrics.toml`
/// in this package is a link to `examples/vllm/metrics.toml`, so that the packaged crate
/// carries the catalogue it compiles.
pub mod vllm {
    metrics_schema_runtime::catalogue!("metrics.toml", version = "0.11.2");
}

impl From<FinishReason> for vllm::FinishedReason {
    fn from(reason: FinishReason) -> Self {
        match reason {
            FinishReason::Stop => vllm::FinishedReason::Stop,
            FinishReason::Length => vllm::FinishedReason::Length,
            FinishReason::Abort => vllm::FinishedReason::Abort,
            FinishReason::Error => vllm::FinishedReason::Error,
            FinishReason::Repetition => vllm::FinishedReason::Repetition,
        }
    }
}

/// The longest sequence the simulated model accepts, in tokens; it bounds the token-count
/// histograms as vLLM's `max_model_len` does.
pub const MAX_MODEL_LEN: u64 = 8192;

/// The histograms whose bounds vLLM computes at start-up from `max_model_len`
/// (`buckets = "runtime"` in the catalogue).
pub const REQUEST_TOKEN_HISTOGRAMS: [&str; 5] = [
    "vllm:request_prompt_tokens",
    "vllm:request_generation_tokens",
    "vllm:request_max_num_generation_tokens",
    "vllm:request_params_max_tokens",
    "vllm:request_prefill_kv_computed_tokens",
];

/// vLLM's 1-2-5 series of bucket bounds up to `max_value`: 1, 2, 5, 10, 20, 50, ...
pub fn buckets_1_2_5(max_value: u64) -> Vec<f64> {
    let mut bounds = Vec::new();
    let mut scale = 1u64;
    loop {
        for mantissa in [1, 2, 5] {
            let Some(value) = scale.checked_mul(mantissa).filter(|v| *v <= max_value) else {
                return bounds;
            };
            bounds.push(value as f64);
        }
        scale = match scale.checked_mul(10) {
            Some(next) => next,
            None => return bounds,
        };
    }
}

/// Adds the start-up bounds of [`REQUEST_TOKEN_HISTOGRAMS`] to `options`.
pub fn with_runtime_buckets(
    mut options: metrics_schema_runtime::Options,
    max_model_len: u64,
) -> metrics_schema_runtime::Options {
    let bounds = buckets_1_2_5(max_model_len);
    for name in REQUEST_TOKEN_HISTOGRAMS {
        options = options.buckets(name, &bounds);
    }
    options
}

/// Builds the catalogue's metrics with the show-hidden option (checked against
/// [`vllm::VERSION`]; an error names the valid value) and registers them.
pub fn build(
    show_hidden: Option<&str>,
    registry: &Registry,
) -> Result<vllm::Metrics, Box<dyn std::error::Error>> {
    build_with(&vllm::Metrics::options(show_hidden)?, registry)
}

/// Builds the catalogue's metrics with `options` (show-hidden, disabled metrics, label
/// allow-lists: the engine's command line) plus the token histograms' start-up bounds
/// ([`with_runtime_buckets`]) and registers them, with the counter of open-label overflows.
pub fn build_with(
    options: &Options,
    registry: &Registry,
) -> Result<vllm::Metrics, Box<dyn std::error::Error>> {
    let options = with_runtime_buckets(options.clone(), MAX_MODEL_LEN);
    let metrics = vllm::Metrics::new(&options)?;
    registry.register(&metrics)?;
    Ok(metrics)
}

/// Records events into the series of one engine (`model_name`, `engine`), through handles
/// bound once: recording is an array index and an atomic operation.
pub struct MetricsObserver {
    request_success: Bound<Counter, vllm::FinishedReason>,
    prompt_tokens: Bound<Counter>,
    generation_tokens: Bound<Counter>,
    num_preemptions: Bound<Counter>,
    request_params_n: Bound<Histogram>,
    e2e_request_latency: Bound<Histogram>,
    time_to_first_token: Bound<Histogram>,
    inter_token_latency: Bound<Histogram>,
    request_prefill_time: Bound<Histogram>,
    request_decode_time: Bound<Histogram>,
    time_per_output_token: Bound<Histogram>,
    num_requests_running: Bound<Gauge>,
    num_requests_waiting: Bound<Gauge>,
    request_queue_time: Bound<Histogram>,
    iteration_tokens: Bound<Histogram>,
    kv_cache_usage: Bound<Gauge>,
    prefix_cache_hits: Bound<Counter>,
    prefix_cache_queries: Bound<Counter>,
    gpu_cache_usage: Bound<Gauge>,
    gpu_prefix_cache_hits: Bound<Counter>,
    gpu_prefix_cache_queries: Bound<Counter>,
    spec_decode_num_drafts: Bound<Counter>,
    spec_decode_num_draft_tokens: Bound<Counter>,
    spec_decode_num_accepted_tokens: Bound<Counter>,
    /// One handle per draft position.
    spec_decode_num_accepted_tokens_per_pos: Vec<Bound<Counter>>,
    nixl_num_failed_transfers: Bound<Counter>,
    nixl_xfer_time: Bound<Histogram>,
    nixl_post_time: Bound<Histogram>,
    nixl_bytes_transferred: Bound<Histogram>,
    nixl_num_descriptors: Bound<Histogram>,
    external_prefix_cache_hits: Bound<Counter>,
    external_prefix_cache_queries: Bound<Counter>,
    request_prompt_tokens: Bound<Histogram>,
    request_generation_tokens: Bound<Histogram>,
    request_max_num_generation_tokens: Bound<Histogram>,
    request_params_max_tokens: Bound<Histogram>,
    request_inference_time: Bound<Histogram>,
    request_time_per_output_token: Bound<Histogram>,
    /// An info metric without labels: set to 1 when the engine reports its configuration.
    cache_config_info: Family<Gauge>,
}

impl MetricsObserver {
    /// Binds the series of `model`, engine index `engine`, for drafts of up to
    /// `num_speculative_tokens` positions.
    pub fn new(
        metrics: &vllm::Metrics,
        model: &str,
        engine: &str,
        num_speculative_tokens: usize,
    ) -> Self {
        let m = metrics;
        MetricsObserver {
            request_success: m.request_success_bind(model, engine),
            prompt_tokens: m.prompt_tokens_bind(model, engine),
            generation_tokens: m.generation_tokens_bind(model, engine),
            num_preemptions: m.num_preemptions_bind(model, engine),
            request_params_n: m.request_params_n_bind(model, engine),
            e2e_request_latency: m.e2e_request_latency_seconds_bind(model, engine),
            time_to_first_token: m.time_to_first_token_seconds_bind(model, engine),
            inter_token_latency: m.inter_token_latency_seconds_bind(model, engine),
            request_prefill_time: m.request_prefill_time_seconds_bind(model, engine),
            request_decode_time: m.request_decode_time_seconds_bind(model, engine),
            // Deprecated at 0.11.2 (replaced by inter_token_latency_seconds): recorded on
            // purpose, because vLLM still exposes it at this version.
            #[allow(deprecated)]
            time_per_output_token: m.time_per_output_token_seconds_bind(model, engine),
            num_requests_running: m.num_requests_running_bind(model, engine),
            num_requests_waiting: m.num_requests_waiting_bind(model, engine),
            request_queue_time: m.request_queue_time_seconds_bind(model, engine),
            iteration_tokens: m.iteration_tokens_total_bind(model, engine),
            kv_cache_usage: m.kv_cache_usage_perc_bind(model, engine),
            prefix_cache_hits: m.prefix_cache_hits_bind(model, engine),
            prefix_cache_queries: m.prefix_cache_queries_bind(model, engine),
            // Hidden at 0.11.2: recorded on purpose, because vLLM still records them and
            // exposes them under --show-hidden-metrics-for-version=0.10.
            #[allow(deprecated)]
            gpu_cache_usage: m.gpu_cache_usage_perc_bind(model, engine),
            #[allow(deprecated)]
            gpu_prefix_cache_hits: m.gpu_prefix_cache_hits_bind(model, engine),
            #[allow(deprecated)]
            gpu_prefix_cache_queries: m.gpu_prefix_cache_queries_bind(model, engine),
            spec_decode_num_drafts: m.spec_decode_num_drafts_bind(model, engine),
            spec_decode_num_draft_tokens: m.spec_decode_num_draft_tokens_bind(model, engine),
            spec_decode_num_accepted_tokens: m.spec_decode_num_accepted_tokens_bind(model, engine),
            spec_decode_num_accepted_tokens_per_pos: (0..num_speculative_tokens)
                .map(|p| {
                    m.spec_decode_num_accepted_tokens_per_pos_bind(model, engine, &p.to_string())
                })
                .collect(),
            nixl_num_failed_transfers: m.nixl_num_failed_transfers_bind(model, engine),
            nixl_xfer_time: m.nixl_xfer_time_seconds_bind(model, engine),
            nixl_post_time: m.nixl_post_time_seconds_bind(model, engine),
            nixl_bytes_transferred: m.nixl_bytes_transferred_bind(model, engine),
            nixl_num_descriptors: m.nixl_num_descriptors_bind(model, engine),
            external_prefix_cache_hits: m.external_prefix_cache_hits_bind(model, engine),
            external_prefix_cache_queries: m.external_prefix_cache_queries_bind(model, engine),
            request_prompt_tokens: m.request_prompt_tokens_bind(model, engine),
            request_generation_tokens: m.request_generation_tokens_bind(model, engine),
            request_max_num_generation_tokens: m
                .request_max_num_generation_tokens_bind(model, engine),
            request_params_max_tokens: m.request_params_max_tokens_bind(model, engine),
            request_inference_time: m.request_inference_time_seconds_bind(model, engine),
            request_time_per_output_token: m
                .request_time_per_output_token_seconds_bind(model, engine),
            cache_config_info: m.cache_config_info_family().clone(),
        }
    }
}

impl Observer for MetricsObserver {
    fn observe(&mut self, event: &Event) {
        match *event {
            // vLLM sets its info metric to 1 once, at start-up.
            Event::Configured { .. } => self.cache_config_info.set(1.0),
            Event::RequestArrived { n } => self.request_params_n.observe(f64::from(n)),
            Event::Step { scheduled_tokens } => {
                self.iteration_tokens.observe(f64::from(scheduled_tokens))
            }
            Event::Scheduler {
                running,
                waiting,
                kv_usage,
            } => {
                self.num_requests_running.set(f64::from(running));
                self.num_requests_waiting.set(f64::from(waiting));
                self.kv_cache_usage.set(kv_usage);
                // Hidden at 0.11 (a no-op unless re-enabled): the same value.
                self.gpu_cache_usage.set(kv_usage);
            }
            Event::PrefixCacheLookup {
                queried_tokens,
                hit_tokens,
            } => {
                for (queries, hits) in [
                    (&self.prefix_cache_queries, &self.prefix_cache_hits),
                    (&self.gpu_prefix_cache_queries, &self.gpu_prefix_cache_hits),
                ] {
                    queries.inc_by(u64::from(queried_tokens));
                    hits.inc_by(u64::from(hit_tokens));
                }
            }
            Event::ExternalPrefixCacheLookup {
                queried_tokens,
                hit_tokens,
            } => {
                self.external_prefix_cache_queries
                    .inc_by(u64::from(queried_tokens));
                self.external_prefix_cache_hits
                    .inc_by(u64::from(hit_tokens));
            }
            Event::Preempted => self.num_preemptions.inc(),
            Event::FirstToken {
                ttft,
                prompt_tokens,
            } => {
                self.time_to_first_token.observe(ttft);
                self.prompt_tokens.inc_by(u64::from(prompt_tokens));
            }
            Event::Tokens {
                count,
                inter_token_latency,
            } => {
                self.generation_tokens.inc_by(u64::from(count));
                if let Some(itl) = inter_token_latency {
                    self.inter_token_latency.observe(itl);
                    // Deprecated since 0.11 for inter_token_latency_seconds: the same
                    // measurement.
                    self.time_per_output_token.observe(itl);
                }
            }
            Event::SpecDecode {
                draft_tokens,
                accepted,
            } => {
                self.spec_decode_num_drafts.inc();
                self.spec_decode_num_draft_tokens
                    .inc_by(u64::from(draft_tokens));
                self.spec_decode_num_accepted_tokens
                    .inc_by(u64::from(accepted));
                for position in self
                    .spec_decode_num_accepted_tokens_per_pos
                    .iter()
                    .take(accepted as usize)
                {
                    position.inc();
                }
            }
            Event::KvTransfer {
                seconds,
                post_seconds,
                bytes,
                descriptors,
                failed,
            } => {
                if failed {
                    self.nixl_num_failed_transfers.inc();
                } else {
                    self.nixl_xfer_time.observe(seconds);
                    self.nixl_post_time.observe(post_seconds);
                    self.nixl_bytes_transferred.observe(bytes as f64);
                    self.nixl_num_descriptors.observe(f64::from(descriptors));
                }
            }
            Event::Finished(f) => {
                self.request_success.get(f.reason.into()).inc();
                self.e2e_request_latency.observe(f.e2e);
                if let Some(queue) = f.queue {
                    self.request_queue_time.observe(queue);
                }
                if let Some(prefill) = f.prefill {
                    self.request_prefill_time.observe(prefill);
                }
                if let Some(decode) = f.decode {
                    self.request_decode_time.observe(decode);
                    // vLLM's mean time per output token: the decode phase over the tokens
                    // after the first.
                    if f.generation_tokens > 1 {
                        self.request_time_per_output_token
                            .observe(decode / f64::from(f.generation_tokens - 1));
                    }
                }
                if let Some(inference) = f.inference {
                    self.request_inference_time.observe(inference);
                }
                self.request_prompt_tokens
                    .observe(f64::from(f.prompt_tokens));
                self.request_generation_tokens
                    .observe(f64::from(f.generation_tokens));
                self.request_params_max_tokens
                    .observe(f64::from(f.max_tokens));
            }
            Event::RequestFinished {
                max_generation_tokens,
            } => self
                .request_max_num_generation_tokens
                .observe(f64::from(max_generation_tokens)),
        }
    }
}
