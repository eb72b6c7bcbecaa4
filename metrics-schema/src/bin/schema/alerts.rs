//! `schema alerts`: the Prometheus rule file of the catalogue's `[[alert]]` and
//! `[[record]]` rules.

use std::path::PathBuf;

use clap::Args;

use crate::cli;

/// Arguments of `schema alerts`.
#[derive(Args)]
pub struct AlertsArgs {
    /// Catalogue file.
    path: PathBuf,
    /// Write the rule file here instead of printing it.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `schema alerts`.
pub fn run(args: AlertsArgs) -> u8 {
    let checked = match cli::load(&args.path, &cli::options(None)) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let catalogue = match cli::valid(&checked, None) {
        Ok(catalogue) => catalogue,
        Err(code) => return code,
    };
    let text = metrics_schema::alerts::rule_file(catalogue, checked.source.name());
    cli::emit(&text, args.output.as_deref())
}
