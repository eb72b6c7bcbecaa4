//! `schema check-live`: a scrape of a running program (a file, stdin or a URL) against the
//! catalogue at a version. Argument parsing and printing only; the checks are
//! `metrics_schema::live`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{ArgGroup, Args, ValueEnum};
use metrics_schema::exposition::{self, Exposition, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::live::{self, fetch};
use metrics_schema::render;
use metrics_schema::{Severity, Source};

use crate::cli::{self, ColorChoice, DenyArg, USAGE, parse_version, print};

/// Arguments of `schema check-live`.
#[derive(Args)]
#[command(group = ArgGroup::new("scrape").required(true).args(["file", "url", "stdin", "prometheus"]))]
pub struct CheckLiveArgs {
    /// Catalogue file.
    catalogue: PathBuf,
    /// `-` reads the scrape from standard input.
    #[arg(value_name = "-", value_parser = clap::builder::PossibleValuesParser::new(["-"]))]
    stdin: Option<String>,
    /// A saved scrape (text format or OpenMetrics, told apart by a final `# EOF`).
    #[arg(long, value_name = "SCRAPE")]
    file: Option<PathBuf>,
    /// Scrape this `http://` URL (asks for OpenMetrics, accepts the text format).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Check every target a Prometheus server scrapes (through its HTTP API) instead of
    /// one scrape; findings are grouped by instance.
    #[arg(long, value_name = "URL")]
    prometheus: Option<String>,
    /// With --prometheus: the targets to check, as label matchers.
    #[arg(
        long = "match",
        value_name = "SELECTOR",
        default_value = "{job=~\".+\"}",
        requires = "prometheus"
    )]
    selector: String,
    /// The version the program runs (default: the catalogue's `version` pin, else the
    /// version of the crate it is in).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// The show-hidden value the program was started with; hidden metrics are then
    /// expected. Must be the one valid value at the version.
    #[arg(long, value_name = "V")]
    show_hidden: Option<String>,
    /// Read a file or stdin as this format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    scrape_format: Option<ScrapeFormat>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = cli::Format::Human)]
    format: cli::Format,
    #[command(flatten)]
    deny: DenyArg,
    /// Time limit of an HTTP scrape, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// Size limit of an HTTP scrape, in bytes (saved scrapes and stdin are read within
    /// `--max-input-size`).
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

/// An exposition format named on the command line.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScrapeFormat {
    Text,
    Openmetrics,
}

impl From<ScrapeFormat> for Format {
    fn from(f: ScrapeFormat) -> Format {
        match f {
            ScrapeFormat::Text => Format::Text,
            ScrapeFormat::Openmetrics => Format::OpenMetrics,
        }
    }
}

/// A scrape read from a file, stdin or a URL: its text (named for diagnostics) and format.
pub(crate) struct Input {
    pub(crate) source: Source,
    pub(crate) exposition: Exposition,
}

/// Reads and parses one scrape; prints the error and returns the exit code otherwise.
pub(crate) fn read_scrape(
    file: Option<&PathBuf>,
    url: Option<&str>,
    forced: Option<ScrapeFormat>,
    timeout: f64,
    max_bytes: u64,
) -> Result<Input, u8> {
    let fail = |message: String| {
        error!("{message}");
        USAGE
    };
    let (name, text, format) = match (file, url) {
        (_, Some(url)) => {
            if !(timeout.is_finite() && timeout > 0.0) {
                return Err(fail(format!("invalid --timeout {timeout}")));
            }
            let limits = fetch::Limits {
                timeout: Duration::from_secs_f64(timeout),
                max_bytes,
            };
            let scraped = fetch::fetch(url, limits).map_err(|e| fail(e.to_string()))?;
            (url.to_owned(), scraped.text, Some(scraped.format))
        }
        (file, None) => {
            let path = file.map_or(Path::new("-"), PathBuf::as_path);
            let shown = metrics_schema::shown_path(path);
            let bytes = cli::read_bytes(path)
                .map_err(|e| fail(format!("cannot read scrape `{shown}`: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                fail(format!(
                    "cannot read scrape `{shown}`: not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            (shown, text, None)
        }
    };
    let format = forced
        .map(Format::from)
        .or(format)
        .unwrap_or_else(|| Format::detect(&text));
    let exposition = exposition::parse(&text, format).map_err(|e| {
        fail(format!(
            "{name}:{}:{}: cannot read the scrape as {format}: {}",
            e.line, e.column, e.message
        ))
    })?;
    Ok(Input {
        source: Source::new(name, text),
        exposition,
    })
}

/// Runs `schema check-live`.
pub fn run(args: CheckLiveArgs) -> u8 {
    let valid = match cli::load_at(&args.catalogue, args.version.clone(), "check-live") {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let (cat, at, checked_source) = (&valid.catalogue, &valid.version, &valid.source);
    let show_hidden = match &args.show_hidden {
        None => false,
        Some(value) => match cat.check_show_hidden(at, value) {
            Ok(()) => true,
            Err(error) => {
                error!("--show-hidden: {error}");
                return USAGE;
            }
        },
    };
    if let Some(url) = &args.prometheus {
        return fleet(&args, url, cat, checked_source, at, show_hidden);
    }
    let input = match read_scrape(
        args.file.as_ref(),
        args.url.as_deref(),
        args.scrape_format,
        args.timeout,
        args.max_bytes,
    ) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let report = live::check(
        cat,
        checked_source,
        &input.source,
        &input.exposition,
        at,
        show_hidden,
    );
    let (errors, warnings, notes) = report.counts();
    let scrape_name = input.source.name();
    match args.format {
        cli::Format::Human => {
            let color = cli::color(ColorChoice::Auto);
            let mut out = render::human(&input.source, &report.scrape, color);
            let absent = render::human(checked_source, &report.catalogue, color);
            if !out.is_empty() && !absent.is_empty() {
                out.push('\n');
            }
            out.push_str(&absent);
            if !out.is_empty() {
                out.push('\n');
            }
            let families = input.exposition.families.len();
            out.push_str(&format!(
                "{scrape_name}: {families} families ({}) against {} at {at}{}: {errors} error(s), {warnings} warning(s), {notes} note(s)\n",
                input.exposition.format,
                checked_source.name(),
                if show_hidden { " with show-hidden" } else { "" },
            ));
            print(&out);
        }
        cli::Format::Github => {
            print(&render::github(&input.source, &report.scrape));
            print(&render::github(checked_source, &report.catalogue));
        }
        cli::Format::Json => cli::print_json_diagnostics([
            (&input.source, report.scrape.as_slice()),
            (checked_source, report.catalogue.as_slice()),
        ]),
        cli::Format::Sarif => cli::print_sarif([
            (&input.source, report.scrape.as_slice()),
            (checked_source, report.catalogue.as_slice()),
        ]),
    }
    cli::findings(errors, warnings, args.deny.warnings())
}

/// `--prometheus`: every target, findings grouped by instance.
fn fleet(
    args: &CheckLiveArgs,
    url: &str,
    cat: &metrics_schema::Catalogue,
    catalogue: &Source,
    at: &Version,
    show_hidden: bool,
) -> u8 {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        error!("invalid --timeout {}", args.timeout);
        return USAGE;
    }
    let limits = fetch::Limits {
        timeout: Duration::from_secs_f64(args.timeout),
        max_bytes: args.max_bytes,
    };
    let targets = match live::prometheus::targets(url, &args.selector, limits) {
        Ok(t) => t,
        Err(e) => {
            error!("{e}");
            return USAGE;
        }
    };
    if targets.is_empty() {
        error!(
            "Prometheus at {url} has no target matching {} with series in the last {} s",
            args.selector,
            live::prometheus::LOOKBACK_SECS
        );
        return USAGE;
    }
    let report = live::fleet::check(cat, catalogue, &targets, at, show_hidden);
    for (job, instance, e) in &report.unreadable {
        error!("{job}/{instance}: the data Prometheus holds could not be read back: {e}");
    }
    let (errors, warnings, notes) = report.counts();
    match args.format {
        cli::Format::Sarif => print(&metrics_schema::sarif::render_unlocated(
            report.findings.iter().map(|f| {
                let mut message = format!("{} (on {})", f.message, instances_text(&f.instances));
                if let Some(help) = &f.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                (f.rule, f.severity, message)
            }),
        )),
        cli::Format::Json => {
            let values: Vec<serde_json::Value> = report
                .findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "metric": f.metric,
                        "help": f.help,
                        "instances": f.instances.iter().map(|(job, instance)| {
                            serde_json::json!({"job": job, "instance": instance})
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            cli::print_json(&serde_json::Value::Array(values));
        }
        cli::Format::Human | cli::Format::Github => {
            let mut out = String::new();
            for f in &report.findings {
                let github = args.format == cli::Format::Github;
                let list = instances_text(&f.instances);
                if github {
                    let command = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Note => "notice",
                    };
                    out.push_str(&format!(
                        "::{command} title={}::{} ({list})\n",
                        f.rule,
                        f.message.replace('\n', " ")
                    ));
                    continue;
                }
                out.push_str(&format!("{}[{}]: {}\n", f.severity, f.rule, f.message));
                out.push_str(&format!("  = on {list}\n"));
                if let Some(help) = &f.help {
                    out.push_str(&format!("  = help: {help}\n"));
                }
                out.push('\n');
            }
            if args.format == cli::Format::Human {
                out.push_str(&format!(
                    "{} target(s) of {url} matching {} against {} at {at}{}: {errors} error(s), {warnings} warning(s), {notes} note(s)\n",
                    report.targets,
                    args.selector,
                    catalogue.name(),
                    if show_hidden { " with show-hidden" } else { "" },
                ));
            }
            print(&out);
        }
    }
    if !report.unreadable.is_empty() {
        USAGE
    } else {
        cli::findings(errors, warnings, args.deny.warnings())
    }
}

/// `3 instances of job vllm: a, b, c` (grouped by job).
fn instances_text(instances: &[(String, String)]) -> String {
    let mut by_job: Vec<(&str, Vec<&str>)> = Vec::new();
    for (job, instance) in instances {
        match by_job.iter_mut().find(|(j, _)| j == job) {
            Some((_, list)) => list.push(instance),
            None => by_job.push((job, vec![instance])),
        }
    }
    by_job
        .iter()
        .map(|(job, list)| {
            let n = list.len();
            let what = if n == 1 { "instance" } else { "instances" };
            format!("{n} {what} of job {job}: {}", list.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
