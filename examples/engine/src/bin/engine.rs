//! The simulated engine: `POST /v1/completions` and `GET /metrics`.
//!
//! ```sh
//! cargo run -p metrics-schema-engine -- --port 8000
//! curl http://localhost:8000/metrics
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use metrics_schema_engine::flags;
use metrics_schema_engine::metrics::{self, MetricsObserver, vllm};
use metrics_schema_engine::server::{AppState, app};
use metrics_schema_engine::sim::{self, Config};
use metrics_schema_runtime::cli::MetricsArgs;
use metrics_schema_runtime::{Registry, http};
use tokio::signal::unix::{SignalKind, signal};

/// A simulated LLM inference engine exposing vLLM's metrics.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Name of the served model (the `model_name` label).
    #[arg(long, default_value = "unsloth/Llama-3.2-1B-Instruct")]
    model: String,
    /// --show-hidden-metrics-for-version, --disabled-metrics and --allow-metric-labels,
    /// checked against the catalogue while the arguments are parsed.
    #[command(flatten)]
    metrics: MetricsArgs<vllm::Metrics>,
    /// Seed of every random choice of the simulation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Cap on the running batch.
    #[arg(long, default_value_t = 16, value_parser = flags::int::<usize>(1..=65_536))]
    max_num_seqs: usize,
    /// Token budget of one engine step.
    #[arg(long, default_value_t = 512, value_parser = flags::int::<usize>(1..=flags::MAX_TOKENS))]
    max_num_batched_tokens: usize,
    /// KV-cache blocks.
    #[arg(long, default_value_t = 1024, value_parser = flags::int::<usize>(1..=flags::MAX_TOKENS))]
    num_gpu_blocks: usize,
    /// Tokens per KV-cache block.
    #[arg(long, default_value_t = 16, value_parser = flags::int::<usize>(1..=4096))]
    block_size: usize,
    /// Draft tokens per speculative-decoding step (0 disables speculation).
    #[arg(long, default_value_t = 3, value_parser = flags::int::<usize>(0..=256))]
    num_speculative_tokens: usize,
    /// Fraction of requests whose prompt KV comes over a simulated NIXL transfer.
    #[arg(long, default_value_t = 0.25, value_parser = flags::fraction)]
    kv_transfer_rate: f64,
    /// Fraction of NIXL transfers that fail.
    #[arg(long, default_value_t = 0.1, value_parser = flags::fraction)]
    kv_transfer_failure_rate: f64,
    /// Context length: prompt plus max_tokens.
    #[arg(long, default_value_t = 4096, value_parser = flags::int::<usize>(2..=flags::MAX_TOKENS))]
    max_model_len: usize,
    /// Multiplies every simulated duration (0.5 runs twice as fast).
    #[arg(long, default_value_t = 1.0, value_parser = flags::time_scale)]
    time_scale: f64,
    /// Seconds a connection may take to send a request's headers, counted from when it is
    /// ready for a request: idle, slow (slowloris) and idle keep-alive connections are
    /// closed after it.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = http::HEADER_TIMEOUT.as_secs(),
        value_parser = flags::int::<u64>(1..=3600)
    )]
    header_timeout: u64,
    /// The most client connections open at once; further clients wait in the backlog.
    #[arg(long, default_value_t = http::MAX_CONNECTIONS, value_parser = flags::int::<usize>(1..=65_536))]
    max_connections: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // Each flag's range is checked by clap (`flags`); what is left relates two flags.
    if args.max_num_batched_tokens <= args.num_speculative_tokens {
        return Err(format!(
            "--max-num-batched-tokens ({}) must be above --num-speculative-tokens ({}): a \
             decode step verifies the draft plus one token",
            args.max_num_batched_tokens, args.num_speculative_tokens
        )
        .into());
    }
    let registry = Arc::new(Registry::new());
    // The operator options were checked against the catalogue by the argument parser.
    let metrics = metrics::build_with(&args.metrics.options()?, &registry)?;
    let observer = Box::new(MetricsObserver::new(
        &metrics,
        &args.model,
        "0",
        args.num_speculative_tokens,
    ));
    let config = Config {
        seed: args.seed,
        max_num_seqs: args.max_num_seqs,
        max_num_batched_tokens: args.max_num_batched_tokens,
        num_gpu_blocks: args.num_gpu_blocks,
        block_size: args.block_size,
        num_speculative_tokens: args.num_speculative_tokens,
        spec_acceptance: 0.8,
        kv_transfer_rate: args.kv_transfer_rate,
        kv_transfer_failure_rate: args.kv_transfer_failure_rate,
        time_scale: args.time_scale,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (engine, engine_thread) = sim::spawn(config, observer);
    let state = Arc::new(AppState::new(
        engine,
        args.model.clone(),
        args.max_model_len,
    ));
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
        let addr: SocketAddr = listener.local_addr()?;
        println!("engine: serving {} on http://{addr}", args.model);
        let mut sigterm = signal(SignalKind::terminate())?;
        let mut sigint = signal(SignalKind::interrupt())?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let shutdown = {
            let mut stop_rx = stop_rx.clone();
            async move {
                let _ = stop_rx.wait_for(|&stop| stop).await;
            }
        };
        let mut limits = http::Limits::default();
        limits.header_timeout = Duration::from_secs(args.header_timeout);
        limits.max_connections = args.max_connections;
        let server = http::serve_app(
            listener,
            app(state, Arc::clone(&registry)),
            &limits,
            shutdown,
        );
        let mut server = std::pin::pin!(server);
        let name = tokio::select! {
            result = &mut server => return result.map_err(Into::into),
            _ = sigterm.recv() => "SIGTERM",
            _ = sigint.recv() => "SIGINT",
        };
        eprintln!("engine: {name} received, finishing in-flight requests");
        let _ = stop_tx.send(true);
        // Requests in flight get a grace period, then the process stops anyway.
        match tokio::time::timeout(Duration::from_secs(10), &mut server).await {
            Ok(result) => result?,
            Err(_) => eprintln!("engine: grace period over, stopping"),
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    // The server (and with it every engine handle) is gone: the engine thread drains and
    // stops.
    drop(runtime);
    engine_thread
        .join()
        .map_err(|_| "the engine thread panicked")?;
    eprintln!("engine: stopped");
    Ok(())
}
