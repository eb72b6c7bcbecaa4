//! `schema lint PATH...`, every lint rule, and `schema lint PATH --baseline OLD`, plus the
//! compatibility rules against the previous release's catalogue.

use std::path::PathBuf;

use clap::Args;
use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{Checked, DEFAULT_HIGH_CARDINALITY_THRESHOLD, Options, compat};

use crate::cli::{self, ColorChoice, DenyArg, Format, USAGE, parse_version, print};

/// Arguments of `schema lint`.
#[derive(Args)]
pub struct LintArgs {
    /// Catalogue files (`-` for standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Evaluate the lifecycle at this version (default: the catalogue's `version` pin, else
    /// the version of the crate it is in).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    deny: DenyArg,
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
}

/// Runs `schema lint`.
pub fn run(args: LintArgs) -> u8 {
    let mut options = cli::options(args.version.clone());
    options.high_cardinality_threshold = args.max_series;
    match &args.baseline {
        Some(old) => with_baseline(&args, old, &options),
        None => lint(&args, &options),
    }
}

fn lint(args: &LintArgs, options: &Options) -> u8 {
    let color = cli::color(args.color);
    let deny_warnings = args.deny.warnings();
    let mut io_failed = false;
    let (mut errors, mut warnings) = (0, 0);
    let mut checked_files = Vec::new();
    for path in &args.paths {
        let Ok(checked) = cli::load(path, options) else {
            io_failed = true;
            continue;
        };
        let (e, w) = checked.counts();
        errors += e;
        warnings += w;
        // One line, so that a lint without a version never reads as a complete pass;
        // machine-read formats keep standard output for the diagnostics.
        let skipped = (checked.version.is_none() && checked.catalogue.is_some())
            .then(|| metrics_schema::manifest::skipped_lifecycle_note(checked.source.name()));
        match args.format {
            Format::Human => {
                print(&human(&checked, color));
                if let Some(note) = &skipped {
                    print(&format!("{note}\n"));
                }
            }
            Format::Github => {
                print(&render::github(&checked.source, &checked.diagnostics));
                skipped
                    .iter()
                    .for_each(|note| cli::stderr(&format!("{note}\n")));
            }
            Format::Json | Format::Sarif => {
                skipped
                    .iter()
                    .for_each(|note| cli::stderr(&format!("{note}\n")));
                checked_files.push(checked);
            }
        }
    }
    let files = || {
        checked_files
            .iter()
            .map(|c| (&c.source, c.diagnostics.as_slice()))
    };
    match args.format {
        Format::Json => cli::print_json_diagnostics(files()),
        Format::Sarif => cli::print_sarif(files()),
        Format::Human | Format::Github => {}
    }
    if deny_warnings && warnings > 0 && args.format == Format::Human {
        print(&cli::denied(warnings));
    }
    if io_failed {
        USAGE
    } else {
        cli::findings(errors, warnings, deny_warnings)
    }
}

fn human(checked: &Checked, color: Color) -> String {
    if checked.diagnostics.is_empty() {
        let metrics = checked.catalogue.as_ref().map_or(0, |c| c.metrics.len());
        return format!("{}: ok ({metrics} metrics)\n", checked.source.name());
    }
    cli::human_report(&checked.source, &checked.diagnostics, color)
}

/// Every lint rule over the one catalogue of `args`, plus the compatibility rules against
/// `baseline`.
fn with_baseline(args: &LintArgs, baseline: &str, options: &Options) -> u8 {
    let [path] = args.paths.as_slice() else {
        error!("`--baseline` compares one catalogue with the previous release's: give one path");
        return USAGE;
    };
    let checked = match cli::load(path, options) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // The baseline is evaluated at its own pin, if any: `--version` is the new release's.
    let old = match cli::load_spec(baseline, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if cli::valid(&old, Some("the baseline cannot be compared")).is_err() {
        return USAGE;
    }
    let found = compat::compare(&old, &checked).unwrap_or_default();
    let mut in_new = checked.diagnostics.clone();
    in_new.extend(found.new.iter().cloned());
    in_new.sort_by_key(|d| d.span.start);
    let (errors, warnings) = cli::counts(found.baseline.iter().chain(&in_new));
    let deny_warnings = args.deny.warnings();
    match args.format {
        Format::Human => {
            let mut out = String::new();
            if errors + warnings == 0 {
                let metrics = checked.catalogue.as_ref().map_or(0, |c| c.metrics.len());
                out = format!(
                    "{}: ok ({metrics} metrics, compatible with {baseline})\n",
                    checked.source.name()
                );
            } else {
                let color = cli::color(args.color);
                out.push_str(&render::human(&old.source, &found.baseline, color));
                let rest = render::human(&checked.source, &in_new, color);
                if !out.is_empty() && !rest.is_empty() {
                    out.push('\n');
                }
                out.push_str(&rest);
                let all: Vec<_> = found.baseline.iter().chain(&in_new).cloned().collect();
                if let Some(summary) = render::summary(checked.source.name(), &all) {
                    out.push('\n');
                    out.push_str(&summary);
                    out.push('\n');
                }
                // Once per output, after the summary.
                if let Some(hint) = found.alpha_hint() {
                    out.push_str(&hint);
                    out.push('\n');
                }
                if deny_warnings && warnings > 0 {
                    out.push_str(&cli::denied(warnings));
                }
            }
            print(&out);
        }
        Format::Github => {
            print(&render::github(&old.source, &found.baseline));
            print(&render::github(&checked.source, &in_new));
        }
        Format::Json => cli::print_json_diagnostics([
            (&old.source, found.baseline.as_slice()),
            (&checked.source, in_new.as_slice()),
        ]),
        Format::Sarif => cli::print_sarif([
            (&old.source, found.baseline.as_slice()),
            (&checked.source, in_new.as_slice()),
        ]),
    }
    cli::findings(errors, warnings, deny_warnings)
}
