//! `schema dashboard`: a Grafana dashboard of the metrics active at a version.

use std::path::PathBuf;

use clap::Args;
use metrics_schema::lifecycle::Version;

use crate::cli::{self, parse_version};

/// Arguments of `schema dashboard`.
#[derive(Args)]
pub struct DashboardArgs {
    /// Catalogue file.
    path: PathBuf,
    /// The version (default: the catalogue's `version` pin, else the version of the crate it
    /// is in; one of them is required).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// The dashboard's title (default: "`<namespace>` metrics").
    #[arg(long)]
    title: Option<String>,
    /// Write the dashboard here instead of printing it.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `schema dashboard`.
pub fn run(args: DashboardArgs) -> u8 {
    let valid = match cli::load_at(&args.path, args.version, "dashboard") {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let (catalogue, at) = (&valid.catalogue, &valid.version);
    let board = metrics_schema::dashboard::dashboard(catalogue, at, args.title.as_deref());
    let text = serde_json::to_string_pretty(&board).unwrap_or_default() + "\n";
    cli::emit(&text, args.output.as_deref())
}
