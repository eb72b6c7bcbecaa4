//! `schema`: lint a metrics catalogue, list and explain the rules, show lifecycle status,
//! generate the metric reference and the release changelog.
//!
//! Exit codes: 0 clean (or warnings only), 1 errors (or warnings under `--deny warnings`),
//! 2 usage or I/O errors. The work is done by the `metrics-schema` library; this binary
//! parses arguments and prints.

#[path = "schema/check_live.rs"]
mod check_live;
#[path = "schema/import.rs"]
mod import;
#[path = "schema/refs_prometheus.rs"]
mod refs_prometheus;
#[path = "schema/rules_cmd.rs"]
mod rules_cmd;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{
    Checked, DEFAULT_HIGH_CARDINALITY_THRESHOLD, Diagnostic, Options, lint, load,
};

mod commands;

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
}

#[derive(Subcommand)]
enum Command {
    /// Check catalogues with every lint rule and report all problems.
    Lint {
        /// Catalogue files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Evaluate the lifecycle at this version (default: the catalogue's `version` pin).
        #[arg(long, value_name = "V", value_parser = parse_version)]
        version: Option<Version>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long, short = 'D', value_enum, value_name = "LEVEL")]
        deny: Vec<Deny>,
        /// Colour for human output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// The worst-case series count above which `high-cardinality` warns.
        #[arg(long, value_name = "N", default_value_t = DEFAULT_HIGH_CARDINALITY_THRESHOLD)]
        max_series: u64,
        /// Also check compatibility with the previous release's catalogue: a path or
        /// `git:REV:PATH` (e.g. `git:v0.10.0:metrics.toml`).
        #[arg(long, value_name = "OLD")]
        baseline: Option<String>,
    },
    /// List every rule with its severity and summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Explain a rule, with a bad and a good example.
    Explain {
        /// The rule id, e.g. `unknown-key`.
        rule: String,
    },
    /// Show every metric's lifecycle status at a version, its exposed names, and the
    /// show-hidden value that re-enables hidden metrics.
    Status {
        /// Catalogue file.
        path: PathBuf,
        /// The version (default: the catalogue's `version` pin; one of them is required).
        #[arg(long, value_name = "V", value_parser = parse_version)]
        version: Option<Version>,
        /// Check a show-hidden value as a process at V would; hidden metrics are shown as
        /// exposed when it is valid.
        #[arg(long, value_name = "VALUE")]
        show_hidden: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
        format: StatusFormat,
    },
    /// Generate the metric reference at a version (Markdown, HTML or JSON).
    Docs(commands::docs::DocsArgs),
    /// The changelog between two catalogues: added, deprecated, hidden, removed and changed
    /// metrics.
    Diff(commands::diff::DiffArgs),
    #[command(flatten)]
    Monitoring(rules_cmd::Command),
    /// Check what a running program exposes (a scrape) against the catalogue at a version.
    CheckLive(check_live::CheckLiveArgs),
    /// Draft a catalogue from scrapes of a running program.
    Import(import::ImportArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFormat {
    Human,
    Json,
}

fn parse_version(s: &str) -> Result<Version, String> {
    Version::parse(s).map_err(|e| e.to_string())
}

const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Lint {
            paths,
            version,
            format,
            deny,
            color,
            max_series,
            baseline,
        } => {
            let mut options = Options::default();
            options.version = version;
            options.high_cardinality_threshold = max_series;
            match baseline {
                Some(old) => commands::diff::lint_with_baseline(
                    &paths,
                    &old,
                    &options,
                    format,
                    !deny.is_empty(),
                    color,
                ),
                None => lint_command(&paths, &options, format, !deny.is_empty(), color),
            }
        }
        Command::Rules { format } => {
            match format {
                RulesFormat::Text => print(&render::rules_text()),
                RulesFormat::Markdown => print(&render::rules_markdown()),
            }
            OK
        }
        Command::Explain { rule } => match lint::rule(&rule) {
            Some(r) => {
                print(&render::explain(r));
                OK
            }
            None => {
                let hint = lint::suggest_rule(&rule)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `schema rules` lists them".to_owned());
                eprintln!("error: unknown rule `{rule}`{hint}");
                USAGE
            }
        },
        Command::Status {
            path,
            version,
            show_hidden,
            format,
        } => status_command(&path, version, show_hidden.as_deref(), format),
        Command::Docs(args) => commands::docs::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Monitoring(command) => command.run(),
        Command::CheckLive(args) => check_live::run(args),
        Command::Import(args) => import::run(args),
    };
    ExitCode::from(code)
}

fn lint_command(
    paths: &[PathBuf],
    options: &Options,
    format: Format,
    deny_warnings: bool,
    color: ColorChoice,
) -> u8 {
    let color = match color {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                Color::Always
            } else {
                Color::Never
            }
        }
    };
    let mut io_failed = false;
    let mut errors = 0;
    let mut warnings = 0;
    let mut json = Vec::new();
    for path in paths {
        let checked = match load(path, options) {
            Ok(checked) => checked,
            Err(error) => {
                eprintln!("error: {error}");
                io_failed = true;
                continue;
            }
        };
        let (e, w) = checked.counts();
        errors += e;
        warnings += w;
        match format {
            Format::Human => print(&human(&checked, color)),
            Format::Github => print(&render::github(&checked.source, &checked.diagnostics)),
            Format::Json => json.extend(
                checked
                    .diagnostics
                    .iter()
                    .map(|d| render::json_value(&checked.source, d)),
            ),
        }
    }
    if format == Format::Json {
        let array = serde_json::Value::Array(json);
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".to_owned())
        ));
    }
    if deny_warnings && warnings > 0 && format == Format::Human {
        print(&format!(
            "error: {warnings} warning(s) denied by `--deny warnings`\n"
        ));
    }
    if io_failed {
        USAGE
    } else if errors > 0 || (deny_warnings && warnings > 0) {
        FAILED
    } else {
        OK
    }
}

fn human(checked: &Checked, color: Color) -> String {
    if checked.diagnostics.is_empty() {
        let metrics = checked.catalogue.as_ref().map_or(0, |c| c.metrics.len());
        return format!("{}: ok ({metrics} metrics)\n", checked.source.name());
    }
    let mut out = render::human(&checked.source, &checked.diagnostics, color);
    if let Some(summary) = render::summary(checked.source.name(), &checked.diagnostics) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

fn status_command(
    path: &PathBuf,
    version: Option<Version>,
    show_hidden: Option<&str>,
    format: StatusFormat,
) -> u8 {
    let mut options = Options::default();
    options.version = version;
    let checked = match load(path, &options) {
        Ok(checked) => checked,
        Err(error) => {
            eprintln!("error: {error}");
            return USAGE;
        }
    };
    let Some(catalogue) = &checked.catalogue else {
        let errors: Vec<Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        eprint!("{}", render::human(&checked.source, &errors, Color::Never));
        eprintln!(
            "error: {}: the catalogue has errors; `schema lint` shows them all",
            checked.source.name()
        );
        return FAILED;
    };
    let Some(at) = &checked.version else {
        eprintln!(
            "error: `schema status` needs a version: pass `--version X.Y.Z`, or pin one with `version = \"X.Y.Z\"` in [catalogue]"
        );
        return USAGE;
    };
    let show = match show_hidden {
        None => false,
        Some(value) => match catalogue.check_show_hidden(at, value) {
            Ok(()) => true,
            Err(error) => {
                eprintln!("error: {error}");
                return USAGE;
            }
        },
    };
    let report = catalogue.status_report(at);
    match format {
        StatusFormat::Human => print(&render::status_human(checked.source.name(), &report, show)),
        StatusFormat::Json => print(&format!(
            "{}\n",
            render::status_json(checked.source.name(), &report)
        )),
    }
    OK
}

/// Prints to stdout; a closed pipe (`schema rules | head`) ends quietly.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(i32::from(OK));
    }
}
