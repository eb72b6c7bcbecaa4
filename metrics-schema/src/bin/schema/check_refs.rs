//! `schema check-refs`: the metric names of rule files and dashboards checked against the
//! catalogue at a version.

use std::path::PathBuf;

use clap::Args;
use metrics_schema::lifecycle::Version;
use metrics_schema::migrate::FileKind;
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::rule_file::RuleFile;
use metrics_schema::refs::{CheckedFile, Resolver, check_file};
use metrics_schema::render;

use crate::cli::{self, ColorChoice, DenyArg, Format, USAGE, parse_version, print};

/// Arguments of `schema check-refs`.
#[derive(Args)]
pub struct CheckRefsArgs {
    /// Catalogue file.
    path: PathBuf,
    /// The version (default: the catalogue's `version` pin, else the version of the crate it
    /// is in; one of them is required).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// A Prometheus rule file (YAML); may be repeated.
    #[arg(long, value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// A Grafana dashboard (JSON); may be repeated.
    #[arg(long, value_name = "FILE")]
    dashboard: Vec<PathBuf>,
    /// Check the rules a Prometheus server has loaded (through its HTTP API) instead of
    /// files.
    #[arg(long, value_name = "URL", conflicts_with_all = ["rules", "dashboard"])]
    prometheus: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    deny: DenyArg,
}

/// Runs `schema check-refs`.
pub fn run(args: CheckRefsArgs) -> u8 {
    if args.rules.is_empty() && args.dashboard.is_empty() && args.prometheus.is_none() {
        error!("give at least one `--rules FILE` or `--dashboard FILE`, or `--prometheus URL`");
        return USAGE;
    }
    let valid = match cli::load_at(&args.path, args.version, "check-refs") {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let (catalogue, at) = (&valid.catalogue, &valid.version);
    if let Some(url) = &args.prometheus {
        return crate::refs_prometheus::run(catalogue, at, url, args.format, args.deny.warnings());
    }
    // Read every file first: names recorded in any rule file are known to all of them.
    let mut resolver = Resolver::new(catalogue);
    let mut files = Vec::new();
    for (kind, path) in args
        .rules
        .iter()
        .map(|p| (FileKind::Rules, p))
        .chain(args.dashboard.iter().map(|p| (FileKind::Dashboard, p)))
    {
        let text = match cli::read_text(path) {
            Ok(text) => text,
            Err(code) => return code,
        };
        let name = path.display().to_string();
        let read = match kind {
            FileKind::Rules => RuleFile::read(&name, &text).map(|f| {
                for r in f.recorded() {
                    resolver.add_record(r);
                }
                (f.source.clone(), f.expressions())
            }),
            FileKind::Dashboard => {
                DashboardFile::read(&name, &text).map(|f| (f.source, f.expressions))
            }
        };
        match read {
            Ok(file) => files.push(file),
            Err(e) => {
                error!("{e}");
                return USAGE;
            }
        }
    }
    let checked: Vec<CheckedFile> = files
        .into_iter()
        .map(|(source, exprs)| check_file(&resolver, source, &exprs, at))
        .collect();
    match args.format {
        Format::Human => {
            let color = cli::color(ColorChoice::Auto);
            for file in &checked {
                if file.diagnostics.is_empty() {
                    print(&format!("{}: ok at {at}\n", file.source.name()));
                } else {
                    print(&cli::human_report(&file.source, &file.diagnostics, color));
                }
            }
        }
        Format::Github => {
            for file in &checked {
                print(&render::github(&file.source, &file.diagnostics));
            }
        }
        Format::Json => cli::print_json_diagnostics(
            checked
                .iter()
                .map(|f| (&f.source, f.diagnostics.as_slice())),
        ),
        Format::Sarif => cli::print_sarif(
            checked
                .iter()
                .map(|f| (&f.source, f.diagnostics.as_slice())),
        ),
    }
    let (errors, warnings) = cli::counts(checked.iter().flat_map(|f| &f.diagnostics));
    cli::findings(errors, warnings, args.deny.warnings())
}
