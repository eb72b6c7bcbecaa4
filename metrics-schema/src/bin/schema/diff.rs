//! `schema diff OLD NEW`: the release changelog between two catalogues.

use clap::{Args, ValueEnum};
use metrics_schema::diff::{self, Side};
use metrics_schema::lifecycle::Version;

use crate::cli::{self, FAILED, OK, parse_version, print};

/// Arguments of `schema diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The previous catalogue: a path or `git:REV:PATH`.
    old: String,
    /// The new catalogue: a path or `git:REV:PATH`.
    new: String,
    /// Evaluate the old catalogue at this version (default: its `version` pin).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    old_version: Option<Version>,
    /// Evaluate the new catalogue at this version (default: its `version` pin).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    new_version: Option<Version>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    format: DiffFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Markdown,
    Json,
}

/// Runs `schema diff`.
pub fn run(args: DiffArgs) -> u8 {
    let old = match cli::load_spec(&args.old, args.old_version) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let new = match cli::load_spec(&args.new, args.new_version) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let why = Some("no changelog can be made");
    // Both are checked so that the errors of both are reported.
    let (Ok(old_cat), Ok(new_cat)) = (cli::valid(&old, why), cli::valid(&new, why)) else {
        return FAILED;
    };
    let log = diff::diff(
        Side::new(old_cat, &args.old, old.version.clone()),
        Side::new(new_cat, &args.new, new.version.clone()),
    );
    match args.format {
        DiffFormat::Markdown => print(&diff::markdown(&log)),
        DiffFormat::Json => print(&diff::json(&log)),
    }
    OK
}
