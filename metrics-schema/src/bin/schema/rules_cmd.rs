//! `schema alerts`, `schema dashboard`, `schema check-refs` and `schema migrate`: the
//! catalogue's alerting and recording rules, its Grafana dashboard, and reference checks and
//! migrations of rule files and dashboards. Argument parsing and printing only.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use metrics_schema::lifecycle::Version;
use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::rule_file::RuleFile;
use metrics_schema::refs::{CheckedFile, Resolver, check_file};
use metrics_schema::render::{self, Color};
use metrics_schema::{Checked, Diagnostic, Options, load};

use crate::{FAILED, OK, USAGE, parse_version, print};

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Write the Prometheus rule file of the catalogue's `[[alert]]` and `[[record]]` rules.
    Alerts {
        /// Catalogue file.
        path: PathBuf,
        /// Write the rule file here instead of printing it.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a Grafana dashboard of the metrics active at a version.
    ///
    /// A row per metric group; counters as rates, gauges as values, histograms as
    /// p50/p90/p99 and heatmaps; variables for the data source and for the labels every
    /// metric carries.
    Dashboard {
        /// Catalogue file.
        path: PathBuf,
        /// The version (default: the catalogue's `version` pin; one of them is required).
        #[arg(long, value_name = "V", value_parser = parse_version)]
        version: Option<Version>,
        /// The dashboard's title (default: "`<namespace>` metrics").
        #[arg(long)]
        title: Option<String>,
        /// Write the dashboard here instead of printing it.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check the metric names of rule files and dashboards against the catalogue.
    ///
    /// Unknown, hidden and removed metrics are errors naming the replacement; deprecated
    /// ones and ones introduced after the version are warnings.
    CheckRefs {
        /// Catalogue file.
        path: PathBuf,
        /// The version (default: the catalogue's `version` pin; one of them is required).
        #[arg(long, value_name = "V", value_parser = parse_version)]
        version: Option<Version>,
        /// A Prometheus rule file (YAML); may be repeated.
        #[arg(long, value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// A Grafana dashboard (JSON); may be repeated.
        #[arg(long, value_name = "FILE")]
        dashboard: Vec<PathBuf>,
        /// Check the rules a Prometheus server has loaded (its HTTP API).
        #[arg(long, value_name = "URL")]
        prometheus: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RefsFormat::Human)]
        format: RefsFormat,
        /// Fail (exit 1) on warnings too.
        #[arg(long, short = 'D', value_enum, value_name = "LEVEL")]
        deny: Vec<DenyLevel>,
    },
    /// Rewrite renamed metrics in a rule file or a dashboard.
    ///
    /// References to metrics deprecated, hidden or removed at the version become their
    /// replacement where it is a rename (same type, same labels). Prints a unified diff, or
    /// writes the new file with -o; exits 1 when references that need a manual change remain.
    Migrate(MigrateArgs),
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("file").required(true).args(["rules", "dashboard"]))]
pub(crate) struct MigrateArgs {
    /// Catalogue file.
    path: PathBuf,
    /// The version (default: the catalogue's `version` pin; one of them is required).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// The Prometheus rule file (YAML) to migrate.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The Grafana dashboard (JSON) to migrate.
    #[arg(long, value_name = "FILE")]
    dashboard: Option<PathBuf>,
    /// Write the migrated file here (it may be the input) instead of printing a diff.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RefsFormat {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DenyLevel {
    Warnings,
}

impl Command {
    pub(crate) fn run(self) -> u8 {
        match self {
            Command::Alerts { path, output } => {
                let checked = match valid(&path, None) {
                    Ok(checked) => checked,
                    Err(code) => return code,
                };
                let Some(cat) = &checked.catalogue else {
                    return FAILED;
                };
                emit(
                    &metrics_schema::alerts::rule_file(cat, checked.source.name()),
                    output.as_deref(),
                )
            }
            Command::Dashboard {
                path,
                version,
                title,
                output,
            } => {
                let checked = match valid(&path, version) {
                    Ok(checked) => checked,
                    Err(code) => return code,
                };
                let (Some(cat), Some(at)) = (&checked.catalogue, version_of(&checked, "dashboard"))
                else {
                    return USAGE;
                };
                let board = metrics_schema::dashboard::dashboard(cat, at, title.as_deref());
                let text = serde_json::to_string_pretty(&board).unwrap_or_default() + "\n";
                emit(&text, output.as_deref())
            }
            Command::CheckRefs {
                path,
                version,
                rules,
                dashboard,
                format,
                deny,
                prometheus,
            } => match prometheus {
                Some(url) => {
                    crate::refs_prometheus::run(&path, version, &url, format, !deny.is_empty())
                }
                None => check_refs(&path, version, &rules, &dashboard, format, !deny.is_empty()),
            },
            Command::Migrate(args) => migrate_command(args),
        }
    }
}

/// Loads a catalogue that must be valid; prints the errors otherwise.
pub(crate) fn valid(path: &Path, version: Option<Version>) -> Result<Checked, u8> {
    let mut options = Options::default();
    options.version = version;
    let checked = load(path, &options).map_err(|error| {
        eprintln!("error: {error}");
        USAGE
    })?;
    if checked.catalogue.is_none() {
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
        return Err(FAILED);
    }
    Ok(checked)
}

pub(crate) fn version_of<'c>(checked: &'c Checked, command: &str) -> Option<&'c Version> {
    if checked.version.is_none() {
        eprintln!(
            "error: `schema {command}` needs a version: pass `--version X.Y.Z`, or pin one with `version = \"X.Y.Z\"` in [catalogue]"
        );
    }
    checked.version.as_ref()
}

/// Prints `text`, or writes it to `output`.
fn emit(text: &str, output: Option<&Path>) -> u8 {
    match output {
        None => {
            print(text);
            OK
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => OK,
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                USAGE
            }
        },
    }
}

/// Reads a rule file or dashboard; an unreadable file is a usage error.
fn read(path: &Path) -> Result<String, u8> {
    let fail = |why: String| {
        eprintln!("error: cannot read `{}`: {why}", path.display());
        USAGE
    };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn check_refs(
    path: &Path,
    version: Option<Version>,
    rules: &[PathBuf],
    dashboards: &[PathBuf],
    format: RefsFormat,
    deny_warnings: bool,
) -> u8 {
    if rules.is_empty() && dashboards.is_empty() {
        eprintln!("error: give at least one `--rules FILE` or `--dashboard FILE`");
        return USAGE;
    }
    let checked = match valid(path, version) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let (Some(cat), Some(at)) = (&checked.catalogue, version_of(&checked, "check-refs")) else {
        return USAGE;
    };
    // Read every file first: names recorded in any rule file are known to all of them.
    let mut resolver = Resolver::new(cat);
    let mut files = Vec::new();
    for (kind, path) in rules
        .iter()
        .map(|p| (FileKind::Rules, p))
        .chain(dashboards.iter().map(|p| (FileKind::Dashboard, p)))
    {
        let text = match read(path) {
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
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    }
    let checked: Vec<CheckedFile> = files
        .into_iter()
        .map(|(source, exprs)| check_file(&resolver, source, &exprs, at))
        .collect();
    let all = || checked.iter().flat_map(|f| &f.diagnostics);
    let errors = all().filter(|d| d.is_error()).count();
    let warnings = all().count() - errors;
    match format {
        RefsFormat::Human => {
            let color = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            {
                Color::Always
            } else {
                Color::Never
            };
            for file in &checked {
                if file.diagnostics.is_empty() {
                    print(&format!("{}: ok at {at}\n", file.source.name()));
                    continue;
                }
                let mut out = render::human(&file.source, &file.diagnostics, color);
                if let Some(summary) = render::summary(file.source.name(), &file.diagnostics) {
                    out.push('\n');
                    out.push_str(&summary);
                    out.push('\n');
                }
                print(&out);
            }
        }
        RefsFormat::Github => {
            for file in &checked {
                print(&render::github(&file.source, &file.diagnostics));
            }
        }
        RefsFormat::Json => {
            let values: Vec<serde_json::Value> = checked
                .iter()
                .flat_map(|f| {
                    f.diagnostics
                        .iter()
                        .map(|d| render::json_value(&f.source, d))
                })
                .collect();
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_owned())
            ));
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        FAILED
    } else {
        OK
    }
}

fn migrate_command(args: MigrateArgs) -> u8 {
    let (kind, file) = match (&args.rules, &args.dashboard) {
        (Some(f), None) => (FileKind::Rules, f),
        (None, Some(f)) => (FileKind::Dashboard, f),
        _ => {
            eprintln!("error: give one of `--rules FILE` or `--dashboard FILE`");
            return USAGE;
        }
    };
    let checked = match valid(&args.path, args.version) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let (Some(cat), Some(at)) = (&checked.catalogue, version_of(&checked, "migrate")) else {
        return USAGE;
    };
    let text = match read(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let name = file.display().to_string();
    let migration = match migrate(&Resolver::new(cat), kind, &name, &text, at) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    for r in &migration.rewrites {
        eprintln!("{name}:{}:{}: `{}` -> `{}`", r.line, r.column, r.from, r.to);
    }
    eprintln!(
        "{name}: {} reference(s) rewritten for {at}",
        migration.rewrites.len()
    );
    let code = match &args.output {
        Some(out) => emit(&migration.text, Some(out)),
        None => {
            print(&migration.diff());
            OK
        }
    };
    if code != OK {
        return code;
    }
    let remaining = &migration.remaining;
    if remaining.diagnostics.iter().any(|d| d.is_error()) {
        eprint!(
            "{}",
            render::human(&remaining.source, &remaining.diagnostics, Color::Never)
        );
        eprintln!("error: {name}: references left that `schema migrate` cannot rewrite");
        return FAILED;
    }
    OK
}
