//! `schema codegen python`: the catalogue as a typed Python module over prometheus_client.
//! Argument parsing and printing only; `metrics_schema::python` generates.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{Diagnostic, Options, load, python};

use crate::{FAILED, OK, USAGE, parse_version, print};

/// `schema codegen`.
#[derive(Args)]
pub(crate) struct CodegenArgs {
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
        #[arg(long, value_name = "V", value_parser = parse_version)]
        version: Option<Version>,
        /// Write the module here instead of printing it.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

impl CodegenArgs {
    pub(crate) fn run(self) -> u8 {
        let Target::Python {
            path,
            version,
            output,
        } = self.target;
        let mut options = Options::default();
        options.version = version;
        let checked = match load(&path, &options) {
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
        let at = match checked.version.clone() {
            Some(v) => v,
            None => match python::pyproject_version(&path) {
                Ok(Some(found)) => found.version,
                Ok(None) => {
                    eprintln!(
                        "error: `schema codegen python` needs a version: pass `--version X.Y.Z`, \
                         pin one with `version = \"X.Y.Z\"` in [catalogue], or set [project] \
                         version in the project's pyproject.toml"
                    );
                    return USAGE;
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    return USAGE;
                }
            },
        };
        let module = match python::generate(catalogue, checked.source.name(), &at) {
            Ok(module) => module,
            Err(error) => {
                eprintln!("error: {}: {error}", checked.source.name());
                return FAILED;
            }
        };
        match output {
            Some(file) => {
                if let Err(e) = std::fs::write(&file, module) {
                    eprintln!("error: cannot write {}: {e}", file.display());
                    return USAGE;
                }
                OK
            }
            None => {
                print(&module);
                OK
            }
        }
    }
}
