//! A simulated LLM inference engine, instrumented only through the code the `catalogue!`
//! macro generates from the vLLM example catalogue (`examples/vllm/metrics.toml`).
//!
//! - [`sim`]: the engine core (scheduler, KV cache, prefix cache, speculative decoding,
//!   NIXL transfers), reporting [`events::Event`]s;
//! - `metrics`: the observer that turns those events into the catalogue's metrics;
//! - [`api`] and [`server`]: `POST /v1/completions` (OpenAI-style, with SSE streaming) and
//!   `GET /metrics`;
//! - [`client`]: the load generator's client.

pub mod api;
pub mod client;
pub mod events;
pub mod kv;
pub mod rng;
pub mod server;
pub mod sim;

use std::sync::Arc;

use metrics_schema_runtime::Registry;

/// The observer the engine reports to, with its metrics registered in `registry`.
///
/// Fails when `show_hidden` is not the one value valid at the engine's version (the
/// message names it).
pub fn observer(
    show_hidden: Option<&str>,
    registry: &Arc<Registry>,
    model: &str,
) -> Result<Box<dyn events::Observer>, Box<dyn std::error::Error>> {
    // Temporary until the catalogue! macro lands: no metrics.
    let _ = (show_hidden, registry, model);
    Ok(Box::new(|_: &events::Event| {}))
}
