//! The load generator: N completion requests at concurrency C against one or more engines.
//!
//! ```sh
//! cargo run -p metrics-schema-engine --bin loadgen -- --requests 100 --concurrency 8
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use metrics_schema_engine::client::{LoadConfig, StreamMode, run};
use metrics_schema_engine::{api, flags};

/// The most words a prompt part may have: a prompt of more could not be sent (the engine
/// reads request bodies of at most 64 KiB).
const MAX_WORDS: u64 = 100_000;

/// Sends completion requests and counts what was sent and received.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// An engine to load (repeat for several; requests go round-robin).
    #[arg(long = "target", default_value = "127.0.0.1:8000")]
    targets: Vec<String>,
    /// Requests to send.
    #[arg(short = 'n', long, default_value_t = 100, value_parser = flags::int::<usize>(0..=u64::from(u32::MAX)))]
    requests: usize,
    /// Requests in flight at once.
    #[arg(short = 'c', long, default_value_t = 8, value_parser = flags::int::<usize>(1..=10_000))]
    concurrency: usize,
    /// Words every prompt starts with (prefix-cache hits).
    #[arg(long, default_value_t = 32, value_parser = flags::int::<usize>(0..=MAX_WORDS))]
    shared_prefix_words: usize,
    /// Fewest further words per prompt.
    #[arg(long, default_value_t = 8, value_parser = flags::int::<usize>(0..=MAX_WORDS))]
    min_prompt_words: usize,
    /// Most further words per prompt.
    #[arg(long, default_value_t = 96, value_parser = flags::int::<usize>(0..=MAX_WORDS))]
    max_prompt_words: usize,
    /// Smallest max_tokens.
    #[arg(long, default_value_t = 8, value_parser = flags::int::<u32>(1..=flags::MAX_TOKENS))]
    min_tokens: u32,
    /// Largest max_tokens.
    #[arg(long, default_value_t = 64, value_parser = flags::int::<u32>(1..=flags::MAX_TOKENS))]
    max_tokens: u32,
    /// Values of `n`, used in turn (comma-separated).
    #[arg(
        long = "choices",
        value_delimiter = ',',
        default_value = "1",
        value_parser = flags::int::<u32>(1..=u64::from(api::MAX_N))
    )]
    n: Vec<u32>,
    /// Which requests stream.
    #[arg(long, value_enum, default_value_t = StreamMode::Mixed)]
    stream: StreamMode,
    /// Seed of the prompts.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Per-request timeout, seconds.
    #[arg(long, default_value_t = 60.0, value_parser = flags::timeout_seconds)]
    timeout: f64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.min_prompt_words > args.max_prompt_words || args.min_tokens > args.max_tokens {
        eprintln!("error: a --min-* value is above its --max-* value");
        return ExitCode::from(2);
    }
    let config = LoadConfig {
        targets: args.targets,
        requests: args.requests,
        concurrency: args.concurrency,
        shared_prefix_words: args.shared_prefix_words,
        prompt_words: (args.min_prompt_words, args.max_prompt_words),
        max_tokens: (args.min_tokens, args.max_tokens),
        n: args.n,
        stream: args.stream,
        seed: args.seed,
        timeout: Duration::from_secs_f64(args.timeout),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = runtime.block_on(run(config));
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("plain data")
        );
    } else {
        print!("{}", report.render());
    }
    if report.total.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
