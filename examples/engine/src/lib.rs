//! A simulated LLM inference engine, instrumented only through the code the `catalogue!`
//! macro generates from the vLLM example catalogue (`examples/vllm/metrics.toml`).
//!
//! - [`sim`]: the engine core (scheduler, KV cache, prefix cache, speculative decoding,
//!   NIXL transfers), reporting [`events::Event`]s;
//! - [`metrics`]: the generated metrics and the observer that turns those events into the catalogue's metrics;
//! - [`api`] and [`server`]: `POST /v1/completions` (OpenAI-style, with SSE streaming) and
//!   `GET /metrics`;
//! - [`client`]: the load generator's client;
//! - [`flags`]: the range checks of the binaries' flags.

pub mod api;
pub mod client;
pub mod events;
pub mod flags;
pub mod kv;
pub mod metrics;
pub mod rng;
pub mod server;
pub mod sim;
