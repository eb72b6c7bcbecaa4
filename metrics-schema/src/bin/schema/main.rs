//! `schema`: lint a metrics catalogue, list and explain the rules, show lifecycle status,
//! generate the metric reference, the release changelog, the alerting rules and the
//! dashboard, and check or migrate the metric references of rule files and dashboards.
//!
//! Exit codes: 0 clean (or warnings only), 1 errors (or warnings under `--deny warnings`),
//! 2 usage or I/O errors, a failed write to standard output included (a closed pipe ends
//! the output quietly and keeps the code of the findings). The work is done by the
//! `metrics-schema` library; this binary parses arguments and prints: one file per
//! subcommand, and `cli.rs` for what they share.

#[macro_use]
mod cli;

mod alerts;
mod check_live;
mod check_refs;
mod codegen_python;
mod completions;
mod dashboard;
mod diff;
mod docs;
mod explain;
mod import;
mod json_schema;
mod lint;
mod migrate;
mod refs_prometheus;
mod rules;
mod status;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "schema",
    version,
    about = "Check a metrics.toml catalogue and show its lifecycle",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The largest input file read (catalogue, rule file, dashboard), in bytes or with a
    /// K, M or G suffix.
    #[arg(long, global = true, value_name = "SIZE", default_value = "64M",
          value_parser = cli::parse_size)]
    max_input_size: u64,
    /// The Cargo.toml whose `[package] version` catalogues are evaluated at when no
    /// `--version` or pin is given (default: the one nearest above the catalogue).
    #[arg(long, global = true, value_name = "FILE")]
    manifest_path: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Check catalogues with every lint rule and report all problems.
    Lint(lint::LintArgs),
    /// List every rule with its severity and summary.
    Rules(rules::RulesArgs),
    /// Explain a rule, with a bad and a good example.
    Explain(explain::ExplainArgs),
    /// Show every metric's lifecycle status at a version, its exposed names, and the
    /// show-hidden value that re-enables hidden metrics.
    Status(status::StatusArgs),
    /// Generate the metric reference at a version (Markdown, HTML or JSON).
    Docs(docs::DocsArgs),
    /// The changelog between two catalogues: added, deprecated, hidden, removed and changed
    /// metrics.
    Diff(diff::DiffArgs),
    /// Write the Prometheus rule file of the catalogue's `[[alert]]` and `[[record]]` rules.
    Alerts(alerts::AlertsArgs),
    /// Write a Grafana dashboard of the metrics active at a version.
    ///
    /// A row per metric group; counters as rates, gauges as values, histograms as
    /// p50/p90/p99 and heatmaps; variables for the data source and for the labels every
    /// metric carries.
    Dashboard(dashboard::DashboardArgs),
    /// Check the metric names of rule files and dashboards against the catalogue.
    ///
    /// Unknown, hidden and removed metrics are errors naming the replacement; deprecated
    /// ones and ones introduced after the version are warnings.
    CheckRefs(check_refs::CheckRefsArgs),
    /// Rewrite renamed metrics in a rule file or a dashboard.
    ///
    /// References to metrics deprecated, hidden or removed at the version become their
    /// replacement where it is a rename (same type, same labels). Prints a unified diff, or
    /// writes the new file with -o; exits 1 when references that need a manual change remain.
    Migrate(migrate::MigrateArgs),
    /// Check what a running program exposes (a scrape, or every target of a Prometheus
    /// server) against the catalogue at a version.
    CheckLive(check_live::CheckLiveArgs),
    /// Draft a catalogue from scrapes of a running program.
    Import(import::ImportArgs),
    /// Print the JSON Schema of metrics.toml, for editor completion and validation
    /// (Taplo, Even Better TOML).
    JsonSchema(json_schema::JsonSchemaArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), e.g. `schema man > schema.1`.
    Man(completions::ManArgs),
    /// Generate code from the catalogue for other languages (`codegen python`).
    Codegen(codegen_python::CodegenArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::set_max_input_size(cli.max_input_size);
    if let Some(manifest) = cli.manifest_path {
        let _ = cli::MANIFEST_PATH.set(manifest);
    }
    let code = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Status(args) => status::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Alerts(args) => alerts::run(args),
        Command::Dashboard(args) => dashboard::run(args),
        Command::CheckRefs(args) => check_refs::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::CheckLive(args) => check_live::run(args),
        Command::Import(args) => import::run(args),
        Command::Codegen(args) => codegen_python::run(args),
        Command::JsonSchema(args) => json_schema::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    };
    ExitCode::from(cli::exit(code))
}
