//! `schema codegen python`: the catalogue as a typed Python module over prometheus_client.
//! Argument parsing and printing only; `metrics_schema::python` generates.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use metrics_schema::lifecycle::Version;
use metrics_schema::python;

use crate::cli;

/// Arguments of `schema codegen`.
#[derive(Args)]
pub struct CodegenArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Subcommand)]
enum Target {
    /// Write a typed Python module over prometheus_client with the lifecycle built in.
    ///
    /// The version is `--version`, else the catalogue's pin, else the `[project] version`
    /// of the nearest pyproject.toml.
    Python {
        /// Catalogue file.
        path: PathBuf,
        /// The version to generate at.
        #[arg(long, value_name = "V", value_parser = cli::parse_version)]
        version: Option<Version>,
        /// Write the module here instead of printing it.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Runs `schema codegen`.
pub fn run(args: CodegenArgs) -> u8 {
    let Target::Python {
        path,
        version,
        output,
    } = args.target;
    let checked = match cli::load(&path, &cli::options(version)) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let catalogue = match cli::valid(&checked, None) {
        Ok(catalogue) => catalogue,
        Err(code) => return code,
    };
    let at = match checked.version.clone() {
        Some(v) => v,
        None => match python::pyproject_version(&path) {
            Ok(Some(found)) => found.version,
            Ok(None) => {
                error!(
                    "`schema codegen python` needs a version: pass `--version X.Y.Z`, pin one \
                     with `version = \"X.Y.Z\"` in [catalogue], or set [project] version in the \
                     project's pyproject.toml"
                );
                return cli::USAGE;
            }
            Err(e) => {
                error!("{e}");
                return cli::USAGE;
            }
        },
    };
    match python::generate(catalogue, checked.source.name(), &at) {
        Ok(module) => cli::emit(&module, output.as_deref()),
        Err(e) => {
            error!("{}: {e}", checked.source.name());
            cli::FAILED
        }
    }
}
