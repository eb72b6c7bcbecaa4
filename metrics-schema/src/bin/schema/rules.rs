//! `schema rules`: every rule with its severity and summary.

use clap::{Args, ValueEnum};
use metrics_schema::render;

use crate::cli::{OK, print};

/// Arguments of `schema rules`.
#[derive(Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
}

/// Runs `schema rules`.
pub fn run(args: RulesArgs) -> u8 {
    match args.format {
        RulesFormat::Text => print(&render::rules_text()),
        RulesFormat::Markdown => print(&render::rules_markdown()),
    }
    OK
}
