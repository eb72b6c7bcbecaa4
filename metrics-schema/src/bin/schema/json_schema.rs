//! `schema json-schema`: the JSON Schema of `metrics.toml`, for editors.

use std::path::PathBuf;

use clap::Args;

use crate::cli;

/// Arguments of `schema json-schema`.
#[derive(Args)]
pub struct JsonSchemaArgs {
    /// Write the schema here instead of printing it.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `schema json-schema`.
pub fn run(args: JsonSchemaArgs) -> u8 {
    cli::emit(
        &metrics_schema::catalogue::json_schema_text(),
        args.output.as_deref(),
    )
}
