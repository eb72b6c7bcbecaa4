//! `schema check-live`: a scrape of a running program (a file, stdin or a URL) against the
//! catalogue at a version. Argument parsing and printing only; the checks are
//! `metrics_schema::live`.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, ValueEnum};
use metrics_schema::exposition::{self, Exposition, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::live::{self, fetch};
use metrics_schema::render::{self, Color};
use metrics_schema::{Diagnostic, Options, Source, load};

use crate::{FAILED, OK, USAGE, parse_version, print};

/// Arguments of `schema check-live`.
#[derive(Args)]
#[command(group = ArgGroup::new("scrape").required(true).args(["file", "url", "stdin", "prometheus"]))]
pub(crate) struct CheckLiveArgs {
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
    /// The version the program runs (default: the catalogue's `version` pin).
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
    #[arg(long, value_enum, default_value_t = LiveFormat::Human)]
    format: LiveFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long, short = 'D', value_enum, value_name = "LEVEL")]
    deny: Vec<LiveDeny>,
    /// Time limit of an HTTP scrape, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// Size limit of the scrape, in bytes.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LiveFormat {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LiveDeny {
    Warnings,
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
        eprintln!("error: {message}");
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
        (Some(path), None) => {
            let shown = path.display().to_string();
            let file = std::fs::File::open(path)
                .map_err(|e| fail(format!("cannot read scrape `{shown}`: {e}")))?;
            let text = read_limited(file, max_bytes)
                .map_err(|e| fail(format!("cannot read scrape `{shown}`: {e}")))?;
            (shown, text, None)
        }
        (None, None) => {
            let text = read_limited(std::io::stdin().lock(), max_bytes)
                .map_err(|e| fail(format!("cannot read the scrape from stdin: {e}")))?;
            ("<stdin>".to_owned(), text, None)
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

/// Reads at most `max` bytes of UTF-8 text.
fn read_limited(reader: impl Read, max: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "larger than {max} bytes (`--max-bytes` raises the limit)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

pub(crate) fn run(args: CheckLiveArgs) -> u8 {
    let mut options = Options::default();
    options.version = args.version.clone();
    let checked = match load(&args.catalogue, &options) {
        Ok(checked) => checked,
        Err(error) => {
            eprintln!("error: {error}");
            return USAGE;
        }
    };
    let Some(cat) = &checked.catalogue else {
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
            "error: `schema check-live` needs the program's version: pass `--version X.Y.Z`, or pin one with `version = \"X.Y.Z\"` in [catalogue]"
        );
        return USAGE;
    };
    let show_hidden = match &args.show_hidden {
        None => false,
        Some(value) => match cat.check_show_hidden(at, value) {
            Ok(()) => true,
            Err(error) => {
                eprintln!("error: --show-hidden: {error}");
                return USAGE;
            }
        },
    };
    if let Some(url) = &args.prometheus {
        return fleet(&args, url, cat, &checked.source, at, show_hidden);
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
        &checked.source,
        &input.source,
        &input.exposition,
        at,
        show_hidden,
    );
    let (errors, warnings, notes) = report.counts();
    let scrape_name = input.source.name();
    match args.format {
        LiveFormat::Human => {
            let color = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            {
                Color::Always
            } else {
                Color::Never
            };
            let mut out = render::human(&input.source, &report.scrape, color);
            let absent = render::human(&checked.source, &report.catalogue, color);
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
                checked.source.name(),
                if show_hidden { " with show-hidden" } else { "" },
            ));
            print(&out);
        }
        LiveFormat::Github => {
            print(&render::github(&input.source, &report.scrape));
            print(&render::github(&checked.source, &report.catalogue));
        }
        LiveFormat::Json => {
            let values: Vec<serde_json::Value> = report
                .scrape
                .iter()
                .map(|d| render::json_value(&input.source, d))
                .chain(
                    report
                        .catalogue
                        .iter()
                        .map(|d| render::json_value(&checked.source, d)),
                )
                .collect();
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_owned())
            ));
        }
    }
    if errors > 0 || (!args.deny.is_empty() && warnings > 0) {
        FAILED
    } else {
        OK
    }
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
        eprintln!("error: invalid --timeout {}", args.timeout);
        return USAGE;
    }
    let limits = fetch::Limits {
        timeout: Duration::from_secs_f64(args.timeout),
        max_bytes: args.max_bytes,
    };
    let targets = match live::prometheus::targets(url, &args.selector, limits) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    if targets.is_empty() {
        eprintln!(
            "error: Prometheus at {url} has no target matching {} with series in the last {} s",
            args.selector,
            live::prometheus::LOOKBACK_SECS
        );
        return USAGE;
    }
    let report = live::fleet::check(cat, catalogue, &targets, at, show_hidden);
    for (job, instance, e) in &report.unreadable {
        eprintln!("error: {job}/{instance}: the data Prometheus holds could not be read back: {e}");
    }
    let (errors, warnings, notes) = report.counts();
    match args.format {
        LiveFormat::Json => {
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
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_owned())
            ));
        }
        LiveFormat::Human | LiveFormat::Github => {
            let mut out = String::new();
            for f in &report.findings {
                let github = args.format == LiveFormat::Github;
                let list = instances_text(&f.instances);
                if github {
                    let command = match f.severity {
                        metrics_schema::Severity::Error => "error",
                        metrics_schema::Severity::Warning => "warning",
                        metrics_schema::Severity::Note => "notice",
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
            if args.format == LiveFormat::Human {
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
    } else if errors > 0 || (!args.deny.is_empty() && warnings > 0) {
        FAILED
    } else {
        OK
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
