//! `schema migrate`: renamed metrics rewritten in a rule file or a dashboard.

use std::path::PathBuf;

use clap::Args;
use metrics_schema::lifecycle::Version;
use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::refs::Resolver;
use metrics_schema::render::{self, Color};

use crate::cli::{self, FAILED, OK, USAGE, parse_version, print};

/// Arguments of `schema migrate`.
#[derive(Args)]
#[command(group = clap::ArgGroup::new("file").required(true).args(["rules", "dashboard"]))]
pub struct MigrateArgs {
    /// Catalogue file.
    path: PathBuf,
    /// The version (default: the catalogue's `version` pin, else the version of the crate it
    /// is in; one of them is required).
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

/// Runs `schema migrate`.
pub fn run(args: MigrateArgs) -> u8 {
    let (kind, file) = match (&args.rules, &args.dashboard) {
        (Some(f), None) => (FileKind::Rules, f),
        (None, Some(f)) => (FileKind::Dashboard, f),
        _ => {
            error!("give one of `--rules FILE` or `--dashboard FILE`");
            return USAGE;
        }
    };
    let valid = match cli::load_at(&args.path, args.version, "migrate") {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let (catalogue, at) = (&valid.catalogue, &valid.version);
    let text = match cli::read_text(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let name = file.display().to_string();
    let migration = match migrate(&Resolver::new(catalogue), kind, &name, &text, at) {
        Ok(m) => m,
        Err(e) => {
            error!("{e}");
            return USAGE;
        }
    };
    for r in &migration.rewrites {
        note!("{name}:{}:{}: `{}` -> `{}`", r.line, r.column, r.from, r.to);
    }
    note!(
        "{name}: {} reference(s) rewritten for {at}",
        migration.rewrites.len()
    );
    let code = match &args.output {
        Some(out) => cli::emit(&migration.text, Some(out)),
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
        cli::stderr(&render::human(
            &remaining.source,
            &remaining.diagnostics,
            Color::Never,
        ));
        error!("{name}: references left that `schema migrate` cannot rewrite");
        return FAILED;
    }
    OK
}
