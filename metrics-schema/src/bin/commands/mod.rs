//! Subcommands kept out of `schema.rs`: each file parses its own arguments (clap `Args`)
//! and prints; the work is done by the library.

pub mod diff;
pub mod docs;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{Checked, Diagnostic, Options, compat, manifest};

use crate::{ColorChoice, USAGE};

/// The colour of human output for `choice`.
pub fn color(choice: ColorChoice) -> Color {
    match choice {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                Color::Always
            } else {
                Color::Never
            }
        }
    }
}

/// `--manifest-path`, set once by `main`: the Cargo.toml whose version catalogues are
/// evaluated at when no version is given.
pub static MANIFEST_PATH: OnceLock<PathBuf> = OnceLock::new();

/// `options`, with the version of the package the catalogue at `spec` belongs to (or of
/// `--manifest-path`) as its crate version, when no version is given. A Cargo.toml that
/// cannot be used is reported and gives exit code 2.
pub fn with_crate_version(mut options: Options, spec: &Path) -> Result<Options, u8> {
    if options.version.is_some() || spec.to_string_lossy().starts_with("git:") {
        return Ok(options);
    }
    let manifest_path = MANIFEST_PATH.get().map(PathBuf::as_path);
    match manifest::discover(spec, manifest_path) {
        Ok(found) => {
            options.crate_version = found.map(|p| p.version);
            Ok(options)
        }
        Err(error) => {
            eprintln!("error: {error}");
            Err(USAGE)
        }
    }
}

/// [`load`] with the crate version as the fallback ([`with_crate_version`]).
pub fn load_in_crate(spec: &str, version: Option<Version>) -> Result<Checked, u8> {
    let mut options = Options::default();
    options.version = version;
    let options = with_crate_version(options, Path::new(spec))?;
    compat::load_spec(spec, Path::new("."), &options).map_err(|error| {
        eprintln!("error: {error}");
        USAGE
    })
}

/// Loads the catalogue named by `spec` (a path or `git:REV:PATH`, read from the current
/// directory) at `version`. A catalogue that cannot be read is reported and gives exit
/// code 2.
pub fn load(spec: &str, version: Option<Version>) -> Result<Checked, u8> {
    let mut options = Options::default();
    options.version = version;
    compat::load_spec(spec, Path::new("."), &options).map_err(|error| {
        eprintln!("error: {error}");
        USAGE
    })
}

/// Prints the errors of a catalogue that has some to stderr, with `what` it cannot do.
pub fn report_errors(checked: &Checked, what: &str) {
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    eprint!("{}", render::human(&checked.source, &errors, Color::Never));
    eprintln!(
        "error: {}: the catalogue has errors, so {what}; `schema lint` shows them all",
        checked.source.name()
    );
}
