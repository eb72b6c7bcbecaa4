//! `schema import`: draft a catalogue from scrapes (files, stdin, URLs). Argument parsing
//! and printing only; the drafting is `metrics_schema::import`.

use std::path::PathBuf;

use clap::Args;
use metrics_schema::import::{ImportOptions, import};
use metrics_schema::live::fetch;

use crate::check_live::{ScrapeFormat, read_scrape};
use crate::cli::{self, USAGE};

/// Arguments of `schema import`.
#[derive(Args)]
pub struct ImportArgs {
    /// Saved scrapes (text format or OpenMetrics); `-` reads one from standard input.
    scrapes: Vec<String>,
    /// Scrape this `http://` URL too; may be repeated.
    #[arg(long, value_name = "URL")]
    url: Vec<String>,
    /// The namespace (default: the prefix every family shares, if any). Families outside
    /// it are left out.
    #[arg(long, value_name = "NS")]
    namespace: Option<String>,
    /// Write the catalogue here instead of printing it.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Read files and stdin as this format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    scrape_format: Option<ScrapeFormat>,
    /// Time limit of an HTTP scrape, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// Size limit of each HTTP scrape, in bytes (files and stdin are read within
    /// `--max-input-size`).
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

/// Runs `schema import`.
pub fn run(args: ImportArgs) -> u8 {
    if args.scrapes.is_empty() && args.url.is_empty() {
        error!("give at least one scrape: a file, `-` for stdin, or `--url URL`");
        return USAGE;
    }
    if args.scrapes.iter().filter(|s| *s == "-").count() > 1 {
        error!("`-` (stdin) can be given once");
        return USAGE;
    }
    let mut inputs = Vec::new();
    for s in &args.scrapes {
        let file = (s != "-").then(|| PathBuf::from(s));
        match read_scrape(
            file.as_ref(),
            None,
            args.scrape_format,
            args.timeout,
            args.max_bytes,
        ) {
            Ok(input) => inputs.push(input),
            Err(code) => return code,
        }
    }
    for url in &args.url {
        match read_scrape(None, Some(url), None, args.timeout, args.max_bytes) {
            Ok(input) => inputs.push(input),
            Err(code) => return code,
        }
    }
    let expositions: Vec<_> = inputs.iter().map(|i| &i.exposition).collect();
    let options = ImportOptions {
        namespace: args.namespace.clone(),
    };
    let imported = import(&expositions, &options);
    for s in &imported.skipped {
        let whither = if s.external {
            "listed under `external`"
        } else {
            "left out"
        };
        note!("note: `{}` {whither}: {}", s.name, s.reason);
    }
    note!(
        "imported {} metric(s){} from {} scrape(s)",
        imported.metrics,
        imported
            .namespace
            .as_deref()
            .map(|ns| format!(" in namespace `{ns}`"))
            .unwrap_or_default(),
        inputs.len()
    );
    cli::emit(&imported.toml, args.output.as_deref())
}
