//! `schema status`: every metric's lifecycle status at a version.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use metrics_schema::lifecycle::Version;
use metrics_schema::render;

use crate::cli::{self, OK, USAGE, parse_version, print};

/// Arguments of `schema status`.
#[derive(Args)]
pub struct StatusArgs {
    /// Catalogue file.
    path: PathBuf,
    /// The version (default: the catalogue's `version` pin, else the version of the crate it
    /// is in; one of them is required).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// Check a show-hidden value as a process at V would; hidden metrics are shown as
    /// exposed when it is valid.
    #[arg(long, value_name = "VALUE")]
    show_hidden: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    format: StatusFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFormat {
    Human,
    Json,
}

/// Runs `schema status`.
pub fn run(args: StatusArgs) -> u8 {
    let valid = match cli::load_at(&args.path, args.version, "status") {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let (catalogue, at) = (&valid.catalogue, &valid.version);
    let show = match args.show_hidden.as_deref() {
        None => false,
        Some(value) => match catalogue.check_show_hidden(at, value) {
            Ok(()) => true,
            Err(e) => {
                error!("{e}");
                return USAGE;
            }
        },
    };
    let report = catalogue.status_report(at);
    let name = valid.source.name();
    match args.format {
        StatusFormat::Human => print(&render::status_human(name, &report, show)),
        StatusFormat::Json => print(&format!("{}\n", render::status_json(name, &report))),
    }
    OK
}
